"""What the law requires a commissioner to publish about each award, declared once, and what each
published award still lacks.

The Elected Local Policing Bodies (Specified Information) Order 2011 (SI 2011/3050), as amended by
SI 2012/2479, requires, in its Schedule:

- paragraph 3(f): for each crime and disorder reduction grant, the recipient, the purpose, the
  conditions (if any) and the reasons the body considered it would secure, or contribute to
  securing, crime and disorder reduction in its area;
- paragraph 3(g): for each item of expenditure over £500 other than such a grant, the recipient,
  the purpose and the reasons the body considered good value for money would be obtained;
- paragraph 4(b): a copy of each contract with a value over £10,000.

How the register answers "which awards does a duty cover" (decided here, and in the README):

- A **crime and disorder reduction grant** is an award whose mechanism is `grant` or `grant
  agreement` (the commissioner's grants: section 9 of the Police Reform and Social Responsibility
  Act 2011 is the power they are made under), or any award in the funding stream "Crime and Disorder
  Reduction Grants" (a document that lists it under that heading says what it is, e.g. the pooled
  budget contributions of Cambridgeshire's Appendix 1).
- An **item of spending** is any other award (contracts, allocations, pooled budget contributions);
  it is over £500 when its amount is.
- A **contract** is an award whose mechanism is `commissioned contract` or `single tender action`;
  its value is `contract_value_gbp` (the whole contract) when given, else the award's own amount
  (one year's, so a contract whose year is under £10,000 may still be over it in total).
- **A missing amount cannot be judged** over £500 or £10,000: such an award is listed with
  `applies` = "amount not stated" rather than guessed either way.
- "Conditions (if any)": the register cannot tell "none" from "not recorded", so a grant without
  conditions is reported as lacking them until the office writes "None".
- Only published awards are checked (the public's view of the build: what is published is what the
  Order is met with), under the default statuses: optional-extension money is not spending until
  the extension is taken up. A field withheld from the public (`redacted_fields`) is reported as
  withheld, not missing: the exemption recorded is the office's answer.

The SQL (queries/duties_missing.sql, queries/duties_summary.sql) receives the duties as the
parameter `$duties` (`sql_duties()`), so they are stated here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from pccspend.db import Database
    from pccspend.filters import Filters

ORDER = "Elected Local Policing Bodies (Specified Information) Order 2011, as amended"
AMOUNT, CONTRACT_VALUE = "amount", "contract"  # which value a threshold is judged on


@dataclass(frozen=True)
class Duty:
    """One publication duty. It covers awards of `mechanisms` or `funding_streams` (both empty:
    every award), except those of `other_than_*`, whose value (`value_of`) is over `over_gbp`
    (None: whatever the amount); each must state every register column in `fields`."""

    name: str
    title: str
    fields: tuple[str, ...]
    description: str
    mechanisms: tuple[str, ...] = ()
    funding_streams: tuple[str, ...] = ()
    other_than_mechanisms: tuple[str, ...] = ()
    other_than_funding_streams: tuple[str, ...] = ()
    over_gbp: int | None = None
    value_of: str = AMOUNT


GRANT_MECHANISMS = ("grant", "grant agreement")
GRANT_STREAMS = ("Crime and Disorder Reduction Grants",)
CONTRACT_MECHANISMS = ("commissioned contract", "single tender action")

DUTIES: tuple[Duty, ...] = (
    Duty("grant", "Crime and disorder reduction grant",
         ("provider", "purpose", "conditions", "crime_reduction_reasons"),
         "For each crime and disorder reduction grant: who received it, its purpose, any conditions "
         "attached, and why the commissioner considered it would secure, or contribute to securing, "
         "crime and disorder reduction in the area (Schedule, paragraph 3(f)).",
         mechanisms=GRANT_MECHANISMS, funding_streams=GRANT_STREAMS),
    Duty("spending", "Spending over £500",
         ("provider", "purpose", "value_for_money_reasons"),
         "For each item of spending over £500 other than a crime and disorder reduction grant: who "
         "received the money, its purpose, and why the commissioner considered good value for money "
         "would be obtained (Schedule, paragraph 3(g), as substituted in 2012).",
         other_than_mechanisms=GRANT_MECHANISMS, other_than_funding_streams=GRANT_STREAMS, over_gbp=500),
    Duty("contract", "Contract over £10,000",
         ("contract_copy_url",),
         "A copy of each contract worth over £10,000 (Schedule, paragraph 4(b), as substituted in "
         "2012); its value is the contract's whole value when recorded, else the award's amount.",
         mechanisms=CONTRACT_MECHANISMS, over_gbp=10_000, value_of=CONTRACT_VALUE),
)
BY_NAME = {duty.name: duty for duty in DUTIES}

# The columns of the missing list a reader needs first (CLI table, dashboard).
LIST_COLUMNS = ["award_id", "area", "financial_year", "duty", "applies", "missing", "provider", "amount_gbp"]

# What each register column means in the Order's words.
FIELD_LABELS = {
    "provider": "recipient",
    "purpose": "purpose",
    "conditions": "conditions",
    "crime_reduction_reasons": "reasons it reduces crime and disorder",
    "value_for_money_reasons": "reasons it is value for money",
    "contract_copy_url": "copy of the contract",
}


def sql_duties() -> list[dict]:
    """The duties as the `$duties` parameter of the duties questions (a list of structs)."""
    return [
        {"position": i, "duty": d.title, "fields": list(d.fields), "mechanisms": list(d.mechanisms),
         "funding_streams": list(d.funding_streams), "other_than_mechanisms": list(d.other_than_mechanisms),
         "other_than_funding_streams": list(d.other_than_funding_streams),
         "over_gbp": d.over_gbp, "judged_on_contract_value": d.value_of == CONTRACT_VALUE}
        for i, d in enumerate(DUTIES)
    ]


def _public(db: "Database", name: str, filters: "Filters") -> pl.DataFrame:
    # The public's view: drafts, withheld awards and withheld fields are not in it.
    return db.public_view().query(name, filters.public(), duties=sql_duties())


def missing(db: "Database", filters: "Filters") -> pl.DataFrame:
    """One row per published award and duty covering it that lacks something the Order requires:
    which fields (`missing`, `;`-separated register columns) and whether the duty surely applies."""
    return _public(db, "duties_missing", filters)


def summary(db: "Database", filters: "Filters") -> pl.DataFrame:
    """Per area, financial year, duty and required field: the awards covered, how many of them have
    no amount to judge by, and how many state the field, withhold it or lack it."""
    return _public(db, "duties_summary", filters)


def by_area_and_year(summary_frame: pl.DataFrame) -> pl.DataFrame:
    """The summary as one row per area, year and duty: awards covered, and those lacking anything."""
    return (summary_frame.group_by("area", "financial_year", "duty", maintain_order=True)
            .agg(pl.col("award_count").first(), pl.col("amount_not_stated_count").first(),
                 pl.col("lacking_count").first()))


def completeness(summary_frame: pl.DataFrame) -> pl.DataFrame:
    """Per duty and field, over every area and year of the summary: awards covered and stating it."""
    if summary_frame.is_empty():
        return pl.DataFrame(schema={"duty": pl.String, "field": pl.String, "award_count": pl.Int64,
                                    "stated_count": pl.Int64})
    return (summary_frame.group_by("duty", "field", maintain_order=True)
            .agg(pl.col("award_count").sum().cast(pl.Int64), pl.col("stated_count").sum().cast(pl.Int64)))


# How each duty's awards are named in a sentence, singular and plural.
NOUNS = {"grant": ("published crime and disorder reduction grant", "published crime and disorder reduction grants"),
         "spending": ("published item of spending over £500", "published items of spending over £500"),
         "contract": ("published contract over £10,000", "published contracts over £10,000")}
VERBS = {"provider": ("names the recipient", "name the recipient"),
         "purpose": ("states a purpose", "state a purpose"),
         "conditions": ("states conditions", "state conditions"),
         "crime_reduction_reasons": ("gives reasons it would reduce crime and disorder",
                                     "give reasons it would reduce crime and disorder"),
         "value_for_money_reasons": ("says why it was value for money", "say why it was value for money"),
         "contract_copy_url": ("links a copy of the contract", "link a copy of the contract")}


def sentences(summary_frame: pl.DataFrame) -> list[str]:
    """How complete the statutory fields are, one sentence per duty with awards: "Of 32 published
    crime and disorder reduction grants, 31 name the recipient, 19 state a purpose, ..." Awards
    whose amount is not stated are counted where the duty may cover them."""
    table = completeness(summary_frame)
    out = []
    for duty in DUTIES:
        rows = table.filter(pl.col("duty") == duty.title)
        if rows.is_empty():
            continue
        total = int(rows["award_count"][0])
        noun = NOUNS[duty.name][total != 1]
        parts = [f"{int(n):,} {VERBS[field][n != 1]}" for field, n in zip(rows["field"], rows["stated_count"])]
        listed = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]
        out.append(f"Of {total:,} {noun}, {listed}.")
    return out
