"""Award lines in tables: service/provider/amount tables, tables by financial year, tables whose
rows are recipients and columns services, with section rows that name a theme."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pccspend.extract.model import Table
from pccspend.extract.parse import Money, parse_money, parse_year
from pccspend.extract.proposals import Proposal, StatedTotal
from pccspend.vocab import THEMES

_MONEY_WORDS = ("£", "award", "amount", "funding", "commitment", "contribution", "value", "cost", "grant")
_PROVIDER_WORDS = ("provider", "recipient", "organisation", "area", "partner", "grantee", "supplier")
_SERVICE_WORDS = ("service", "project", "scheme", "what", "purpose", "description", "provision", "programme")


@dataclass
class Context:
    """Where a table sits in its paper: the locator's start ("Table 1", "Appendix 1", "Paragraph
    4.3"), its caption and the financial year the caption or paragraph names."""

    anchor: str
    caption: str
    year: str | None
    file_name: str


def status_of(*texts: str, default: str = "committed") -> str:
    """optional_extension, committed or awarded, as a column heading or caption words it."""
    text = " ".join(t.lower() for t in texts if t)
    if "extension" in text or "extended" in text:
        return "optional_extension"
    if "commit" in text:
        return "committed"
    if "award" in text or "grant" in text:
        return "awarded"
    return default


def _is_money_column(header: str, cells: list[str]) -> bool:
    parsed = [parse_money(c) for c in cells if c]
    amounts = [m for m in parsed if m is not None and m.amount is not None]
    if not amounts or parse_year(header):
        return False
    # Words cells ("Contribution to ... pooled budget") may stand in a money column, a few of them.
    words = sum(m is None for m in parsed)
    return words == 0 or (any(w in header.lower() for w in _MONEY_WORDS) and words * 2 <= len(amounts))


def _header_index(rows: list[list[str]]) -> int:
    """The first row with two or more headings and no amount: section rows may come before it."""
    for i, row in enumerate(rows[:4]):
        filled = [c for c in row if c]
        if len(filled) >= 2 and not any((m := parse_money(c)) and m.amount is not None for c in filled):
            return i
    return 0


def _section(row: list[str], width: int) -> list[str] | None:
    """A section row's labels ("Victims", "Safeguarding the vulnerable"): no amount, text only at
    the left."""
    filled = [i for i, c in enumerate(row) if c]
    if not filled or any((m := parse_money(row[i])) and m.amount is not None for i in filled):
        return None
    if filled == [0, 1] and width > 3:
        return [row[i] for i in filled]
    if len(filled) == 1 and width > 2:
        # One label across the row: "Victims – Safeguarding the vulnerable" is a theme and its aim;
        # "Contracts - Commissioned services" is one label.
        parts = re.split(r"\s+[–—-]\s+|:\s+", row[filled[0]], maxsplit=1)
        return parts if parts[0].lower() in THEMES else [row[filled[0]]]
    return None


def _parties(caption: str) -> tuple[str | None, str | None]:
    """(service, provider) a caption names: "contributions to Rutland County Council for substance
    misuse provision" gives the provider and the service."""
    m = re.search(r"\bto (?!the\b)([A-Z][\w&'’.-]*(?:\s+(?:[A-Z][\w&'’.-]*|of|and|&))*)(?:\s+for\s+(.+))?$", caption)
    if m:
        return (m.group(2) or caption).strip(" ."), m.group(1).strip()
    m = re.search(r"\bto (?:the\s+)?(.+)$", caption)
    return ((m.group(1) if m else caption).strip(" .") or None), None


def _where(ctx: Context, *parts: str, page: int | None = None) -> str:
    text = ", ".join([ctx.anchor, *[p for p in parts if p]])
    return f"{text} (page {page})" if page else text


def table_lines(table: Table, ctx: Context) -> tuple[list[Proposal], list[StatedTotal]]:
    """The award lines and stated totals of one table; nothing when it holds no money."""
    rows = [[" ".join(c.split()) for c in r] for r in table.rows]  # a cell's paragraphs on one line
    h = _header_index(rows)
    header = rows[h]
    width = len(header)
    body = [(i, r + [""] * (width - len(r))) for i, r in enumerate(rows) if i != h and r != header]
    money = [c for c in range(width) if _is_money_column(header[c], [r[c] for i, r in body if i > h])]
    if not money:
        return [], []
    totals_col = [c for c in money if header[c].lower().startswith("total")]
    lines_col = [c for c in money if c not in totals_col]
    text_cols = [c for c in range(width) if c not in money]
    year_col = next((c for c in text_cols if "year" in header[c].lower()), None)
    provider_col = next((c for c in text_cols if any(w in header[c].lower() for w in _PROVIDER_WORDS)), None)
    service_col = next((c for c in text_cols if c != provider_col
                        and any(w in header[c].lower() for w in _SERVICE_WORDS)), None)
    label_col = next((c for c in text_cols if c not in (year_col,)), None)
    by_year = year_col is not None
    matrix = not by_year and (len(lines_col) > 1 or (service_col is None and provider_col is None))
    cap_service, cap_provider = _parties(ctx.caption)
    proposals: list[Proposal] = []
    totals: list[StatedTotal] = []
    section: list[str] = [r[0] for i, r in body if i < h and r[0]][:1]
    theme = plan = None
    counter = 0
    for i, row in body:
        if i < h:
            continue
        first = next((c for c in row if c), "")
        if first.lower().startswith("total"):
            totals.extend(_totals(row, header, money, lines_col, proposals, ctx, table.page_of(i), by_year))
            continue
        labels = _section(row, width)
        if labels is not None and not by_year:
            section = labels
            theme = next((t for t in THEMES if labels[0].lower() == t), theme)
            plan = labels[1] if theme and len(labels) > 1 else plan
            counter = 0
            continue
        page = table.page_of(i)
        if by_year:
            year = parse_year(row[year_col])
            note = _aside(row[year_col])
            for c in lines_col:
                m = parse_money(row[c])
                if m is None or m.amount is None:
                    continue
                proposals.append(Proposal(
                    cap_service, cap_provider, m.amount, _join(note, m.note), year or ctx.year,
                    status_of(header[c], ctx.caption), _where(ctx, row[year_col].split(" (")[0], header[c], page=page),
                    ctx.file_name, " | ".join(row), group=f"{ctx.anchor}:{c}"))
            continue
        if matrix:
            label = row[label_col] if label_col is not None else ""
            for c in lines_col:
                m = parse_money(row[c])
                if not label or m is None or m.amount is None:
                    continue
                proposals.append(Proposal(
                    re.sub(r"[*\s]*\(£\)|\*", "", header[c]).strip() or None, label, m.amount, m.note,
                    ctx.year, status_of(header[c], ctx.caption), _where(ctx, label, header[c], page=page),
                    ctx.file_name, " | ".join(row), group=f"{ctx.anchor}:{i}"))
            for c in totals_col:  # a row's own total ("Total (£)") against the row's lines
                m = parse_money(row[c])
                if label and m is not None and m.amount is not None:
                    covers = [p for p in proposals if p.group == f"{ctx.anchor}:{i}"]
                    totals.append(StatedTotal(m.amount, _where(ctx, label, header[c], page=page),
                                              f"{label}: {header[c]}", "line_total", ctx.file_name, ctx.year,
                                              ctx.year, None, m.note, covers, f"the lines of the {label} row"))
            continue
        service = row[service_col] if service_col is not None else (row[label_col] if label_col is not None else "")
        description = None
        if service_col is not None and "\n" in table.rows[i][service_col]:
            # A project's name over its description in one cell: the register keeps them apart.
            service, description = (" ".join(part.split()) for part in table.rows[i][service_col].split("\n", 1))
        provider = row[provider_col] if provider_col is not None else ""
        if not (service or provider):
            continue
        cell = row[lines_col[0]] if lines_col else ""
        m = parse_money(cell) or Money(None, f"no amount stated: the {header[lines_col[0]] or 'amount'} cell reads '{cell}'")
        counter += 1
        proposals.append(Proposal(
            service or None, provider or None, m.amount, m.note, ctx.year,
            status_of(header[lines_col[0]], ctx.caption, ctx.anchor, default="awarded"),
            _where(ctx, section[0] if section else "", f"row {counter}", page=page),
            ctx.file_name, " | ".join(c for c in row if c), theme, plan, description, group=ctx.anchor))
    return proposals, totals


def _aside(text: str) -> str | None:
    m = re.search(r"\((.+)\)\s*$", text)
    return m.group(1).strip() if m else None


def _join(*notes: str | None) -> str | None:
    return "; ".join(n for n in notes if n) or None


def _totals(row, header, money, lines_col, proposals, ctx, page, by_year) -> list[StatedTotal]:
    """A "Total" row: per amount column for a table by year, else the row's one stated amount."""
    out = []
    cols = money if by_year else [c for c in range(len(row)) if c < len(header)]
    for c in cols:
        m = parse_money(row[c])
        if m is None or m.amount is None:
            continue
        if by_year:
            status = status_of(header[c], ctx.caption)
            covers = [p for p in proposals if p.group == f"{ctx.anchor}:{c}"]
            where = _where(ctx, "Total", header[c], page=page)
        else:
            status, covers = None, [p for p in proposals if p.group.startswith(ctx.anchor)]
            where = _where(ctx, row[0] or "Total", page=page)
        years = sorted({p.financial_year for p in covers if p.financial_year}) or [ctx.year]
        out.append(StatedTotal(m.amount, where, f"{ctx.caption or ctx.anchor}: {row[0] or 'total'}".strip(),
                               "line_total", ctx.file_name, years[0], years[-1], status or
                               (covers[0].status if covers else None), m.note, covers,
                               f"every line of {ctx.anchor}" + (f", {header[c]}" if by_year else "")))
        if not by_year:
            break
    return out
