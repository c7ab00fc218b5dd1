"""Tables drawn without rules (columns only aligned): found where several lines of a page end in
amounts and their runs of words line up, then grown to the heading and wrapped lines above and
between them that keep to the same columns."""

from __future__ import annotations

from dataclasses import dataclass, field

from pccspend.extract.parse import parse_money

# A gap between words wider than this many font sizes separates two cells ("Total   £5,940").
_CELL_GAP = 0.7


@dataclass
class _Line:
    top: float
    bottom: float
    runs: list[tuple[float, float, str]] = field(default_factory=list)  # (x0, x1, text)

    @property
    def amounts(self) -> int:
        """How many runs after the first state an amount (or "N/A", "-": an amount left empty)."""
        return sum(parse_money(text) is not None for _, _, text in self.runs[1:])


def _lines(words: list[dict]) -> list[_Line]:
    """Words as lines, top to bottom, each line's words gathered into runs split at wide gaps."""
    out: list[_Line] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if out and abs(word["top"] - out[-1].top) <= 2:
            line = out[-1]
        else:
            line = _Line(word["top"], word["bottom"])
            out.append(line)
        line.bottom = max(line.bottom, word["bottom"])
        size = word["bottom"] - word["top"]
        if line.runs and word["x0"] - line.runs[-1][1] <= size * _CELL_GAP:
            x0, _, text = line.runs[-1]
            line.runs[-1] = (x0, word["x1"], f"{text} {word['text']}")
        else:
            line.runs.append((word["x0"], word["x1"], word["text"]))
    for line in out:
        line.runs.sort()
    return out


def _columns(lines: list[_Line]) -> list[list[float]]:
    """Column extents: the union of the amount lines' runs where they overlap."""
    spans = sorted([x0, x1] for line in lines for x0, x1, _ in line.runs)
    columns: list[list[float]] = []
    for x0, x1 in spans:
        if columns and x0 <= columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])
    return columns


def _column_of(run: tuple[float, float, str], columns: list[list[float]]) -> int | None:
    """The one column a run sits in (None when it crosses into a second one: a caption, a sentence)."""
    x0, x1, _ = run
    hits = [i for i, (c0, c1) in enumerate(columns) if x0 < c1 and x1 > c0]
    if len(hits) == 1:
        return hits[0]
    if hits:
        return None
    left = [i for i, (c0, _) in enumerate(columns) if c0 <= x0]
    return left[-1] if left else 0


def _fits(line: _Line, columns: list[list[float]]) -> bool:
    return all(_column_of(run, columns) is not None for run in line.runs)


def find_unruled(words: list[dict]) -> list[tuple[tuple[float, float, float, float], list[list[str]]]]:
    """Each unruled table among a page's words: its bounding box and its rows of cell text."""
    lines = _lines(words)
    found = []
    i = 0
    while i < len(lines):
        if not (len(lines[i].runs) >= 2 and lines[i].amounts):
            i += 1
            continue
        height = lines[i].bottom - lines[i].top
        # The amount lines close together (wrapped lines between them allowed) make one table.
        last = i
        j = i + 1
        while j < len(lines) and lines[j].top - lines[j - 1].bottom < 3 * height:
            if len(lines[j].runs) >= 2 and lines[j].amounts:
                last = j
            elif not _fits(lines[j], _columns([ln for ln in lines[i:j] if ln.amounts])):
                break
            j += 1
        amount_lines = [ln for ln in lines[i:last + 1] if len(ln.runs) >= 2 and ln.amounts]
        columns = _columns(amount_lines)
        if len(amount_lines) < 2 or len(columns) < 2:
            i = last + 1
            continue
        start = i
        while start > 0 and lines[start].top - lines[start - 1].bottom < 2 * height and _fits(lines[start - 1], columns):
            start -= 1
        end = last
        while end + 1 < len(lines) and lines[end + 1].top - lines[end].bottom < 0.5 * height \
                and not lines[end + 1].amounts and _fits(lines[end + 1], columns):
            end += 1
        table = lines[start:end + 1]
        x0 = min(run[0] for ln in table for run in ln.runs)
        x1 = max(run[1] for ln in table for run in ln.runs)
        found.append(((x0, table[0].top, x1, table[-1].bottom), _rows(table, columns)))
        i = end + 1
    return found


def _rows(table: list[_Line], columns: list[list[float]]) -> list[list[str]]:
    """Lines as rows: a line close under the one before continues its row (wrapped cell text),
    unless it states an amount where the row already has one."""
    rows: list[list[str]] = []
    previous = None
    for line in table:
        cells = [""] * len(columns)
        for run in line.runs:
            c = _column_of(run, columns)
            cells[c] = f"{cells[c]} {run[2]}".strip()
        height = line.bottom - line.top
        close = previous is not None and line.top - previous.bottom < 0.45 * height
        clash = rows and any(cells[c] and rows[-1][c] and parse_money(cells[c]) is not None
                             for c in range(1, len(columns)))
        if close and not clash:
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells)]
        else:
            rows.append(cells)
        previous = line
    return rows
