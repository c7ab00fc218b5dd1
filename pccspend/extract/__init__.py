"""Propose award rows from an office's papers (PDF, Word, text), each with the place it came from.

`read(path)` gives the document model, `extract(path)` the proposals and stated totals; files that
cannot be read raise NotExtractable with the one line to show."""

from __future__ import annotations

from pathlib import Path

from pccspend.extract.model import Document, NotExtractable
from pccspend.extract.proposals import Extraction

__all__ = ["Document", "Extraction", "NotExtractable", "extract", "read", "read_and_extract"]


def read(path: Path | str) -> Document:
    """A paper as paragraphs and tables, whatever its format (told by its first bytes, not its name)."""
    path = Path(path)
    try:
        head = path.open("rb").read(8)
    except OSError as exc:
        raise NotExtractable(f"cannot open the file: {exc.strerror}") from None
    if head.startswith(b"%PDF"):
        from pccspend.extract.pdf import read_pdf
        return read_pdf(path)
    if head.startswith(b"PK"):
        from pccspend.extract.docx import read_docx
        return read_docx(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        # Word saves a password-protected .docx, and every old .doc, as an OLE compound file.
        raise NotExtractable("encrypted Word file or old .doc: save it as .docx without a password")
    from pccspend.extract.text import read_text
    return read_text(path)


def extract(path: Path | str) -> Extraction:
    """The award lines and stated totals a paper holds, for review: nothing is written."""
    return read_and_extract(path)[1]


def read_and_extract(path: Path | str) -> tuple[Document, Extraction]:
    """The paper as read, and what `extract` finds in it (one reading for both)."""
    from pccspend.extract.find import propose

    doc = read(path)
    extraction = propose(doc)
    if not extraction.proposals and not extraction.totals:
        raise NotExtractable("no award lines found: no table of amounts and no paragraph awarding money")
    return doc, extraction
