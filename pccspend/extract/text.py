"""Plain text (as copied out of a PDF): tab-separated lines are table rows, other lines paragraphs."""

from __future__ import annotations

from pathlib import Path

from pccspend.extract.model import NUMBERED, Document, NotExtractable, Paragraph, Table, clean_cell
from pccspend.textfiles import NotText, csv_encoding


def read_text(path: Path) -> Document:
    """A text file as paragraphs (blank-line or numbered/bulleted starts) and tab-separated tables."""
    try:
        encoding, _ = csv_encoding(path)
    except NotText:
        raise NotExtractable("not a PDF, Word (.docx) or text file") from None
    return parse_text(path.read_text(encoding=encoding), path.name)


def parse_text(text: str, name: str = "text") -> Document:
    """Text as the document model (tables from tab-separated lines)."""
    blocks: list[Paragraph | Table] = []
    lines: list[str] = []  # the paragraph being gathered

    def end_paragraph() -> None:
        if lines and " ".join(lines).strip():
            blocks.append(Paragraph.of(" ".join(lines)))
        lines.clear()

    pending_blank = False
    for line in text.replace("\r\n", "\n").split("\n"):
        if "\t" in line:
            end_paragraph()
            cells = [clean_cell(c) for c in line.split("\t")]
            last = blocks[-1] if blocks else None
            # A blank line inside a table (between Appendix 1's themes) does not end it when the
            # next row has the same columns.
            if isinstance(last, Table) and (not pending_blank or len(cells) == len(last.rows[0])):
                last.rows.append(cells)
            else:
                blocks.append(Table([cells]))
            pending_blank = False
            continue
        if not line.strip():
            end_paragraph()
            pending_blank = True
            continue
        if lines and NUMBERED.match(line.replace("**", "")) or line.lstrip().startswith(("- ", "• ")):
            end_paragraph()
        lines.append(line)
        pending_blank = False
    end_paragraph()
    if not blocks:
        raise NotExtractable("the file is empty: no text to read")
    return Document(name, "text", blocks)
