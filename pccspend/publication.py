"""The publication decision: its states, the rules a decision must keep, and the public form of
the register that every public output is built from.

An award is `draft` (undecided: every import lands here), `published`, `redacted` (published with
the fields in `redacted_fields` withheld, for `publication_reason`) or `withheld` (not published,
for `publication_reason`). The public form holds published and redacted rows only, each withheld
field replaced by "Withheld: <reason>" (a withheld amount by nothing, with the reason in its
note): it is written as its own build (pccspend/build.py), so a public output cannot read what it
must not show.
"""

from __future__ import annotations

import polars as pl

from pccspend import vocab
from pccspend.register import AWARD_COLUMNS, PUBLICATION_COLUMNS

STATES = vocab.PUBLICATION
PUBLIC_STATES = vocab.PUBLIC_STATES
NEEDS_REASON = ("redacted", "withheld")
# Never withheld from a row the public sees: what identifies and places it (id, area, year,
# status), the document it came from, and the decision itself.
NEVER_REDACTED = ("award_id", "area", "financial_year", "status", "source_id", *PUBLICATION_COLUMNS)
REDACTABLE = tuple(c for c in AWARD_COLUMNS if c not in NEVER_REDACTED)
WITHHELD = "Withheld"
OLD_COLUMN = "is_public"
MIGRATE_HINT = ("run `python -m pccspend migrate` to replace it with `publication` "
                "(true becomes published, false becomes draft)")


def field_list(text: str | None) -> list[str]:
    """`provider; description` as ["provider", "description"]."""
    return [f.strip() for f in (text or "").split(";") if f.strip()]


def withheld(reason: str | None) -> str:
    """How a withheld field reads in public: "Withheld: personal safety"."""
    return f"{WITHHELD}: {reason}" if reason else WITHHELD


def rules(awards: pl.DataFrame) -> list[tuple[int, str, str | None, str]]:
    """Broken decision rules as (row index, column, value, rule): a reason where the state needs
    one; redacted fields named only on redacted rows, each a column that may be withheld."""
    if not set(PUBLICATION_COLUMNS) <= set(awards.columns):
        return []
    out = []
    state, reason, fields = pl.col("publication"), pl.col("publication_reason"), pl.col("redacted_fields")
    checks = [
        (state.is_in(NEEDS_REASON) & reason.is_null(), "publication_reason",
         "a reason is required when an award is redacted or withheld (the exemption relied on, "
         "e.g. personal safety)"),
        ((state == "redacted") & fields.is_null(), "redacted_fields",
         "a redacted award names the fields withheld, e.g. provider;description"),
        ((state != "redacted") & fields.is_not_null(), "redacted_fields",
         "only a redacted award withholds fields (publication is not 'redacted')"),
    ]
    indexed = awards.with_row_index("_row")
    for broken, column, rule in checks:
        for row, value in indexed.filter(broken.fill_null(False)).select("_row", column).iter_rows():
            out.append((row, column, value, rule))
    named = indexed.filter(fields.is_not_null()).select("_row", "redacted_fields")
    for row, text in named.iter_rows():
        for field in field_list(text):
            if field in NEVER_REDACTED:
                out.append((row, "redacted_fields", field, f"{field} is never withheld from a published award "
                            "(withhold the whole award instead)"))
            elif field not in REDACTABLE:
                out.append((row, "redacted_fields", field, "not a column of awards.csv"))
    return out


def is_public() -> pl.Expr:
    """True for the rows the public sees (published or redacted)."""
    return pl.col("publication").is_in(PUBLIC_STATES)


def public_awards(awards: pl.DataFrame) -> pl.DataFrame:
    """The awards as the public may see them: published and redacted rows only, every withheld
    field replaced (text by "Withheld: <reason>", anything else by nothing). Same columns and types."""
    rows = awards.filter(is_public())
    fields = pl.col("redacted_fields").fill_null("").str.split(";").list.eval(pl.element().str.strip_chars())
    rows = rows.with_columns(fields.alias("_withheld"))
    reason = pl.col("publication_reason")
    masked = []
    for column in REDACTABLE:
        if column not in rows.columns:
            continue
        hit = pl.col("_withheld").list.contains(column)
        value = (pl.lit(WITHHELD + ": ") + reason) if rows.schema[column] == pl.String else pl.lit(None)
        masked.append(pl.when(hit).then(value).otherwise(pl.col(column)).cast(rows.schema[column]).alias(column))
    rows = rows.with_columns(masked)
    # A withheld amount counts in no public total; its note says why it is missing.
    amount_hit = pl.col("_withheld").list.contains("amount_gbp")
    rows = rows.with_columns(
        pl.when(amount_hit).then(pl.lit("Amount withheld: ") + reason).otherwise(pl.col("amount_note")).alias("amount_note"))
    return rows.drop("_withheld")


def public_totals(totals: pl.DataFrame) -> pl.DataFrame:
    """Stated totals the public may see (a total is published or withheld whole)."""
    return totals.filter(pl.col("publication") == "published")
