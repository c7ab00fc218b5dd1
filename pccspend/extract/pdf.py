"""Born-digital PDF papers through pdfplumber: ruled tables, unruled ones found by their aligned
amounts, and the text around them as paragraphs."""

from __future__ import annotations

import re
from pathlib import Path

from pccspend.extract.model import NUMBERED, Document, NotExtractable, Paragraph, Table, cell_paragraphs, clean_cell

# Page furniture, not content: "Page 3 of 7", "3", "- 3 -".
_FOLIO = re.compile(r"^(page\s+\d+(\s+of\s+\d+)?|-?\s*\d{1,3}\s*-?)$", re.I)
_BULLET = ("- ", "• ", "● ")
_RULED = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
# A line ending as an amounts column does: "£1,485", "219,287", "£67k", "N/A", "-" (not "in 2012.").
_AMOUNT_END = re.compile(r"\s(£?\d{1,3}(,\d{3})+(\.\d+)?|£\d+(\.\d+)?(k|m)?|n/a|-|–)$", re.I)


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
        rows = _ruled_rows(table, page.chars)
        if rows:
            items.append((table.bbox[1], Table(rows, number, [number] * len(rows))))

    def outside(obj) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    lines = page.filter(outside).extract_text_lines(return_chars=False)
    # Lines ending in an amount ("2017/18  £1,485  N/A") may be an unruled table's rows: only
    # then are the words' positions worth looking at.
    if sum(bool(_AMOUNT_END.search(ln["text"])) for ln in lines) >= 2:
        from pccspend.extract.unruled import find_unruled

        unruled = find_unruled(page.filter(outside).extract_words())
        for bbox, rows in unruled:
            boxes.append(bbox)
            items.append((bbox[1], Table(rows, number, [number] * len(rows))))
        if unruled:
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


def _ruled_rows(table, chars: list[dict]) -> list[list[str]]:
    """A ruled table's cell texts. A cell merged down over rows gives its text in every row it
    spans (as Word does); a cell merged across gives it once. A line break is kept where a cell's
    text starts a new paragraph, not where it merely wraps."""
    texts = table.extract()
    rows = [[_cell_text(c, bbox, chars) if bbox else "" for c, bbox in zip(texts[i], row.cells)]
            for i, row in enumerate(table.rows)]
    for i, row in enumerate(table.rows[1:], start=1):
        tops = [bbox[1] for bbox in row.cells if bbox]
        for j, bbox in enumerate(row.cells):
            if bbox or not tops:
                continue
            for k in range(i - 1, -1, -1):  # the nearest cell above in this column, if it reaches down
                above = table.rows[k].cells[j]
                if above:
                    if above[3] > min(tops) + 1:
                        rows[i][j] = rows[k][j]
                    break
    return rows


def _cell_text(text: str | None, bbox, chars: list[dict]) -> str:
    """A cell's lines joined, with a line break where a paragraph ends: where the next line's
    first word would have fitted on the line before (the line was ended on purpose), or where
    bold gives way to plain type (a name in bold over its description)."""
    if not text or "\n" not in text:
        return clean_cell(text)
    x0, top, x1, bottom = bbox
    inside = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
    lines: list[list[dict]] = []
    for c in sorted(inside, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(c["top"] - lines[-1][0]["top"]) <= 2:
            lines[-1].append(c)
        else:
            lines.append([c])
    if len(lines) != len(text.split("\n")):
        return clean_cell(text)  # the characters do not match the text's lines: keep it simple
    right = x1 - (min(ln[0]["x0"] for ln in lines) - x0)  # the cell's padding is alike both sides
    paragraphs = [text.split("\n")[0]]
    for before, (line, words) in zip(lines, zip(lines[1:], text.split("\n")[1:])):
        first = next((i for i, c in enumerate(line) if c["text"] == " "), len(line))
        width = line[first - 1]["x1"] - line[0]["x0"] if first else 0
        space = before[-1]["size"] * 0.3
        bold_ends = _bold(before[-1]) and not _bold(line[0])
        if bold_ends or before[-1]["x1"] + space + width < right:
            paragraphs.append(words)
        else:
            paragraphs[-1] += " " + words
    return cell_paragraphs(paragraphs)


def _bold(char: dict) -> bool:
    return any(w in char.get("fontname", "").lower() for w in ("bold", "black", "heavy"))
