"""From a document to proposals: each table and numbered paragraph read in its place, and every
stated total set beside the lines it covers."""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import groupby

from pccspend.extract.model import Document, Paragraph, Table
from pccspend.extract.parse import parse_year
from pccspend.extract.proposals import Extraction, Proposal, StatedTotal
from pccspend.extract.sentences import paragraph_lines, paragraph_totals
from pccspend.extract.tables import Context, table_lines

_LABEL = re.compile(r"^(table|appendix|annex|annexe|schedule)\s+(\d+[a-z]?)\b[.:–-]?\s*(.*)$", re.I)
_TITLE = re.compile(r"^title:\s*(.+)$", re.I)


def title_of(doc: Document) -> str | None:
    """The paper's title: a "Title:" line, else its first heading in capitals."""
    for p in doc.paragraphs:
        m = _TITLE.match(p.text)
        if m:
            return m.group(1).strip()
    for p in doc.paragraphs:
        letters = [c for c in p.text if c.isalpha()]
        if len(letters) > 12 and all(c.isupper() for c in letters) and not p.number:
            return p.text.strip()
    return None


def contexts(doc: Document) -> list[tuple[Table, Context]]:
    """Each table with its anchor: a "Table 2"/"Appendix 1" label just above it, else the numbered
    paragraph it follows, else its position ("Table 3 of the document")."""
    out = []
    numbered: Paragraph | None = None
    recent: list[Paragraph] = []
    for position, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph):
            if block.number and "." in block.number:
                numbered, recent = block, []
            else:
                recent = (recent + [block])[-3:]
            continue
        labelled = [(p, m) for p in recent if (m := _LABEL.match(p.text))]
        others = [p.text for p in recent if not _LABEL.match(p.text) and len(p.text) < 120]
        if labelled:
            p, m = labelled[-1]
            anchor = f"{m.group(1).capitalize()} {m.group(2)}"
            caption = m.group(3).strip() or " ".join(others)
        elif numbered is not None:
            anchor, caption = f"Paragraph {numbered.number}", numbered.text
        else:
            anchor, caption = f"Table {len(out) + 1} of the document", " ".join(others)
        year = parse_year(caption) or parse_year(" ".join(others)) or (numbered and parse_year(numbered.text))
        out.append((block, Context(anchor, caption, year or None, doc.name)))
        recent = []
    return out


def propose(doc: Document) -> Extraction:
    """Every award line and stated total the document's tables and paragraphs hold."""
    proposals: list[Proposal] = []
    totals: list[StatedTotal] = []
    placed = contexts(doc)
    for table, ctx in placed:
        lines, stated = table_lines(table, ctx)
        proposals += lines
        totals += stated
    proposals += paragraph_lines(doc.paragraphs, title_of(doc), doc.name)
    for total in paragraph_totals(doc.blocks, {id(t): c.anchor for t, c in placed}, doc.name):
        if total.total_kind == "line_total":
            _reconcile(total, proposals)
        totals.append(total)
    return Extraction(doc.name, doc.kind, doc.page_count, proposals, totals)


def _reconcile(total: StatedTotal, proposals: list[Proposal]) -> None:
    """Cover a sentence's total with the group of lines whose sum comes nearest: one line, one
    table column, one status across the paper, or every line."""
    with_amount = [p for p in proposals if p.amount_gbp is not None]
    groups: list[tuple[str, list[Proposal]]] = [(f"the line at {p.source_locator}", [p]) for p in with_amount]
    for key, members in groupby(sorted(with_amount, key=lambda p: p.group), key=lambda p: p.group):
        groups.append((f"the lines of {key}", list(members)))
    for key, members in groupby(sorted(with_amount, key=lambda p: (p.group.split(":")[0], p.service or "")),
                                key=lambda p: (p.group.split(":")[0], p.service or "")):
        groups.append((f"the {key[1]} lines of {key[0]}", list(members)))
    for status in sorted({p.status for p in with_amount}):
        groups.append((f"every {status} line", [p for p in with_amount if p.status == status]))
    groups.append(("every line", with_amount))
    if not groups:
        return
    label, members = min(groups, key=lambda g: (abs(total.stated_total_gbp - sum(
        (p.amount_gbp for p in g[1]), Decimal(0))), -len(g[1])))
    total.covers, total.covers_text = members, label
    total.status = members[0].status if len({p.status for p in members}) == 1 else None
