"""Born-digital PDF papers through pdfplumber: ruled tables, and the text around them as paragraphs."""

from __future__ import annotations

import re
from pathlib import Path

from pccspend.extract.model import NUMBERED, Document, NotExtractable, Paragraph, Table, clean_cell

# Page furniture, not content: "Page 3 of 7", "3", "- 3 -".
_FOLIO = re.compile(r"^(page\s+\d+(\s+of\s+\d+)?|-?\s*\d{1,3}\s*-?)$", re.I)
_BULLET = ("- ", "• ", "● ")
_RULED = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def read_pdf(path: Path) -> Document:
    """A PDF's paragraphs and tables; a table that runs over a page break is one table, its
    repeated header row dropped. Scanned and password-protected files are refused in one line."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(str(path))
        pdf.pages  # noqa: B018 - parses the file, where a password or a broken file shows
    except Exception as exc:
        raise _unreadable(exc) from None
    with pdf:
        blocks: list[Paragraph | Table] = []
        chars = 0
        try:
            for number, page in enumerate(pdf.pages, start=1):
                chars += len(page.chars)
                _read_page(page, number, blocks)
        except Exception as exc:
            raise _unreadable(exc) from None
        page_count = len(pdf.pages)
    if not chars:
        raise NotExtractable("no text layer: scanned PDF, OCR is not supported")
    return Document(path.name, "pdf", blocks, page_count)


def _unreadable(exc: Exception) -> NotExtractable:
    """One line for a PDF pdfminer cannot open; pdfplumber wraps pdfminer's own error."""
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc.__cause__ or exc
    if isinstance(cause, PDFPasswordIncorrect) or isinstance(exc, PDFPasswordIncorrect):
        return NotExtractable("encrypted PDF: it needs a password to open; save an unprotected copy")
    return NotExtractable(f"not a readable PDF ({type(cause).__name__})")


def _read_page(page, number: int, blocks: list) -> None:
    """Add one page's tables and paragraphs to `blocks`, top to bottom."""
    found = page.find_tables(_RULED)
    boxes = [t.bbox for t in found]
    items: list[tuple[float, object]] = []
    for table in found:
        rows = [[clean_cell(c) for c in row] for row in table.extract()]
        if rows:
            items.append((table.bbox[1], Table(rows, number, [number] * len(rows))))

    def outside(obj) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    lines = page.filter(outside).extract_text_lines(return_chars=False)
    margin = page.height * 0.07
    lines = [ln for ln in lines if not (_FOLIO.match(ln["text"].strip())
                                        and (ln["top"] > page.height - margin or ln["bottom"] < margin))]
    paragraph: list[str] = []
    top = previous_bottom = None
    height = 12.0
    for ln in lines:
        text = ln["text"]
        starts = NUMBERED.match(text) or text.lstrip().startswith(_BULLET)
        gap = None if previous_bottom is None else ln["top"] - previous_bottom
        crossed = any(previous_bottom is not None and previous_bottom <= b[1] <= ln["top"] for b in boxes)
        if paragraph and (starts or crossed or gap is None or gap > height * 0.6):
            items.append((top, Paragraph.of(" ".join(paragraph), number)))
            paragraph = []
        if not paragraph:
            top = ln["top"]
        paragraph.append(text)
        height = ln["bottom"] - ln["top"]
        previous_bottom = ln["bottom"]
    if paragraph:
        items.append((top, Paragraph.of(" ".join(paragraph), number)))
    for index, (_, block) in enumerate(sorted(items, key=lambda item: item[0])):
        if index == 0 and isinstance(block, Table) and _continues(blocks, block):
            continue
        blocks.append(block)


def _continues(blocks: list, table: Table) -> bool:
    """Join a table at the top of a page to the one ending the page before (same columns)."""
    last = blocks[-1] if blocks else None
    if not isinstance(last, Table) or len(last.rows[0]) != len(table.rows[0]):
        return False
    repeated = 0  # the header rows the page repeats
    while repeated < min(len(table.rows), len(last.rows)) and table.rows[repeated] == last.rows[repeated]:
        repeated += 1
    rows = table.rows[repeated:]
    last.rows.extend(rows)
    last.pages.extend([table.page] * len(rows))
    return True
