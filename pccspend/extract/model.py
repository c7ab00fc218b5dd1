"""The document model every reader fills: paragraphs and tables in reading order, each with a place."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# "2.2", "4.3.1" or "3": a paragraph's own number as the paper prints it.
NUMBERED = re.compile(r"^\s*[-•*]?\s*(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?=\S)(.*)$", re.S)


class NotExtractable(Exception):
    """A file this reader cannot propose awards from; str() is the one line the user sees."""


@dataclass
class Paragraph:
    """A run of text; `number` is its printed number ("2.2") when it has one."""

    text: str
    number: str | None = None
    page: int | None = None

    @classmethod
    def of(cls, text: str, page: int | None = None) -> "Paragraph":
        """A paragraph with its leading number (if any) split off."""
        text = " ".join(text.replace("**", "").split())
        m = NUMBERED.match(text)
        if m:
            return cls(m.group(2), m.group(1), page)
        return cls(text.lstrip("-• ").strip(), None, page)


@dataclass
class Table:
    """Rows of cell text (header row first); `page` is where the table starts. A line break in a
    cell separates paragraphs the paper put in it (a project's name over its description)."""

    rows: list[list[str]]
    page: int | None = None
    pages: list[int] = field(default_factory=list)  # the page each row is on, when known

    def page_of(self, row: int) -> int | None:
        return self.pages[row] if row < len(self.pages) else self.page


@dataclass
class Document:
    """A paper as a reader saw it: `kind` is pdf, docx or text; `page_count` is 0 without pages."""

    name: str
    kind: str
    blocks: list[Paragraph | Table]
    page_count: int = 0

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]


def clean_cell(text: str | None) -> str:
    """A cell's text on one line: wrapped lines joined, bold marks and spare spaces gone."""
    return " ".join((text or "").replace("**", "").split())


def cell_paragraphs(paragraphs: list[str]) -> str:
    """A cell's paragraphs, each on one line, one line break between them, empty ones dropped."""
    return "\n".join(line for line in map(clean_cell, paragraphs) if line)
