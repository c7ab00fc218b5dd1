"""Money in numbered paragraphs: "commits to providing £150,000 in 2016/17 to Peterborough City
Council", and the totals and budgets a paper's sentences state."""

from __future__ import annotations

import datetime as dt
import re

from pccspend.extract.model import Paragraph
from pccspend.extract.parse import money_in_text, parse_money, years_in
from pccspend.extract.proposals import Proposal, StatedTotal
from pccspend.fy import fy_of_date

# A sentence gives money to someone only with one of these; "brought £700k into the county" or
# "secured grants" is money coming in, and a budget is money available, not an award.
_GIVES = re.compile(r"\b(commit\w*|provid\w*|award\w*|allocat\w*|grant(?:ed)? of|contribut\w* of|pay\w*)\b", re.I)
_NOT_GIVING = re.compile(r"\b(budget|bid|brought|secured|raised|income|received|total|balance)\b", re.I)
_TOTAL = re.compile(r"\b(total|balance)\b", re.I)
_TO = re.compile(r"\bto ((?:the )?[A-Z][\w&'’.-]*(?:\s+(?:[A-Z][\w&'’.-]*|of|and|&))*)")
_FOR = re.compile(r"\bfor (?:a |an |the )?(.+?)(?: from | in \d| to [A-Z]|[.;,]|$)")
_MONTH_YEAR = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November"
                         r"|December) (\d{4})\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _year(sentence: str) -> str | None:
    years = years_in(sentence)
    if years:
        return years[0]
    m = _MONTH_YEAR.search(sentence)
    if m:  # "a paper taken to the March 2017 Board": the financial year that month falls in
        month = dt.datetime.strptime(m.group(1), "%B").month
        return fy_of_date(dt.date(int(m.group(2)), month, 1))
    return None


def paragraph_lines(paragraphs: list[Paragraph], title: str | None, file_name: str) -> list[Proposal]:
    """Awards stated in numbered paragraphs' sentences; the same award said twice is one proposal
    whose locator names both paragraphs."""
    found: dict[tuple, Proposal] = {}
    for para in paragraphs:
        if not para.number or "." not in para.number:
            continue  # headings ("4. Victims Services") and recommendation lists hold no sentences of awards
        for sentence in _SENTENCE.split(para.text):
            amounts = money_in_text(sentence)
            if not amounts or not _GIVES.search(sentence) or _NOT_GIVING.search(sentence):
                continue
            for value, written, start in amounts:
                after = sentence[start + len(written):]
                to = _TO.search(after)
                purpose = _FOR.search(after)
                service = purpose.group(1).strip() if purpose and "purpose" not in purpose.group(1) else title
                money = parse_money(written)
                where = f"Paragraph {para.number}" + (f" (page {para.page})" if para.page else "")
                key = (value, _year(sentence), to.group(1) if to else None)
                if key in found:
                    base, page, rest = found[key].source_locator.partition(" (page")
                    found[key].source_locator = f"{base} (repeated in {para.number}){page}{rest}"
                    continue
                found[key] = Proposal(
                    service, key[2], value, money.note if money else None, key[1],
                    "committed" if re.search(r"\bcommit", sentence, re.I) else "awarded", where, file_name,
                    sentence.strip(), group=where)
    return list(found.values())


def paragraph_totals(blocks: list, anchors: dict[int, str], file_name: str) -> list[StatedTotal]:
    """Totals and budgets a sentence states: "the total funding committed ... is £1,795,636",
    "the balance remaining is £331,142.86", "total projected budget ... is £2.3m". An unnumbered
    paragraph is found by the table it follows (`anchors`: each table's locator, by id)."""
    out = []
    after = "the start"
    for para in blocks:
        if not isinstance(para, Paragraph):
            after = anchors.get(id(para), after)
            continue
        where = (f"Paragraph {para.number}" if para.number and "." in para.number
                 else f"Paragraph after {after}")
        where += f" (page {para.page})" if para.page else ""
        for sentence in _SENTENCE.split(para.text):
            amounts = money_in_text(sentence)
            if not amounts:
                continue
            budget = re.search(r"\bbudget\b", sentence, re.I)
            marks = [m.end() for m in _TOTAL.finditer(sentence)]
            for value, written, start in amounts:
                # The amount straight after "total" or "balance" (no other amount between) is the
                # total; "(£1,789,696 + £5,940)" after it are its parts. Every amount of a budget counts.
                named = any(mark <= start and not any(mark < s < start for _, _, s in amounts) for mark in marks)
                if not (budget or named):
                    continue
                money = parse_money(written)
                year = _year(sentence) or _year(para.text)
                out.append(StatedTotal(value, where, sentence.strip(), "budget" if budget else "line_total",
                                       file_name, year, year, None,
                                       money.note if money else None))
    return out
