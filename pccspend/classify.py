"""A theme and funding stream for every award the documents allow, each with its basis.

The register keeps `theme` and `funding_stream` as the award's own document states them. The
build derives, for each:

- `stated`: the award's own document states it;
- `linked`: another award's document states it for the same fund or commitment (same
  `commitment_id`, or same area, service and provider): that document and locator are named;
- `office`: a rule in data/register/import_mapping.csv gives it (pccspend/mapping.py): the rule,
  its reason and who decided are named (themes only: the rules give no funding stream);
- nothing: "Not stated".

The build's `theme` and `funding_stream` are the derived ones; `stated_theme` and
`stated_funding_stream` keep the document's, for the "as stated in the documents only" filter.
"""

from __future__ import annotations

import polars as pl

from pccspend import vocab
from pccspend.mapping import Rule
from pccspend.publication import WITHHELD

FIELDS = ("theme", "funding_stream")
RULE_COLUMNS = ("theme_rule", "theme_rule_reason", "theme_rule_decided_by")
# The columns `classify` adds (the build's awards hold them after the register's own).
COLUMNS = tuple(
    c for field in FIELDS
    for c in (f"stated_{field}", f"{field}_basis", f"{field}_basis_source_id", f"{field}_basis_locator")
) + RULE_COLUMNS


def _service_key() -> pl.Expr:
    return pl.col("service").str.strip_chars().str.to_lowercase()


def _links(awards: pl.DataFrame, field: str, key: list[str]) -> pl.DataFrame:
    """For each `key` whose awards with a stated `field` all state the same value, that value and
    the first such award's document and locator; only keys some award without one shares."""
    usable = pl.all_horizontal(pl.col(k).is_not_null() & ~pl.col(k).cast(pl.String).str.starts_with(WITHHELD)
                               for k in key)
    wanted = awards.filter(pl.col(field).is_null() & usable).select(key).unique()
    stated = awards.filter(pl.col(field).is_not_null() & ~pl.col(field).str.starts_with(WITHHELD) & usable)
    stated = stated.join(wanted, on=key, how="semi").sort("award_id")
    return (
        stated.group_by(key, maintain_order=True)
        .agg(pl.col(field).n_unique().alias("_values"), pl.col(field).first().alias(f"_linked_{field}"),
             pl.col("source_id").first().alias("_linked_source_id"),
             pl.col("source_locator").first().alias("_linked_locator"))
        .filter(pl.col("_values") == 1)
        .drop("_values")
    )


def _derive(awards: pl.DataFrame, field: str) -> pl.DataFrame:
    """`awards` with `stated_<field>`, and `<field>` and its basis from the document or a link."""
    frame = awards.with_columns(_service_key().alias("_service"),
                                pl.col("provider").str.strip_chars().str.to_lowercase().alias("_provider"))
    linked = pl.lit(None, pl.String)
    source, locator = linked, linked
    # A commitment's own years first; then the same fund to the same provider in the same area
    # (a title alone repeats: "Grant to ..." in 360Giving files, "Innovation Fund" in papers).
    for key in (["commitment_id"], ["area", "_service", "_provider"]):
        links = _links(frame, field, key)
        frame = frame.join(links, on=key, how="left", maintain_order="left")
        # The first link found (by commitment) wins over a later one (by service).
        found = linked.is_null() & pl.col(f"_linked_{field}").is_not_null()
        source = pl.when(found).then(pl.col("_linked_source_id")).otherwise(source)
        locator = pl.when(found).then(pl.col("_linked_locator")).otherwise(locator)
        linked = pl.coalesce(linked, pl.col(f"_linked_{field}"))
        frame = frame.with_columns(linked.alias("_link"), source.alias("_link_source"), locator.alias("_link_locator"))
        frame = frame.drop(f"_linked_{field}", "_linked_source_id", "_linked_locator")
        linked, source, locator = pl.col("_link"), pl.col("_link_source"), pl.col("_link_locator")
    stated = pl.col(field).is_not_null()
    return frame.with_columns(
        pl.col(field).alias(f"stated_{field}"),
        pl.coalesce(field, "_link").alias(field),
        pl.when(stated).then(pl.lit("stated")).when(pl.col("_link").is_not_null()).then(pl.lit("linked"))
        .alias(f"{field}_basis"),
        pl.when(stated).then(pl.col("source_id")).otherwise("_link_source").alias(f"{field}_basis_source_id"),
        pl.when(stated).then(pl.col("source_locator")).otherwise("_link_locator").alias(f"{field}_basis_locator"),
    ).drop("_service", "_provider", "_link", "_link_source", "_link_locator")


def _office(frame: pl.DataFrame, rules: list[Rule]) -> pl.DataFrame:
    """`awards` with the first theme rule that matches each award still without a theme."""
    themed = [r for r in rules if r.theme]
    if not themed:
        return frame.with_columns(pl.lit(None, pl.String).alias(c) for c in RULE_COLUMNS)
    index = pl.lit(None, pl.Int32)
    for i, rule in reversed(list(enumerate(themed))):  # built from the last, so the first rule wins
        index = pl.when(rule.mask().fill_null(False)).then(pl.lit(i, pl.Int32)).otherwise(index)
    table = pl.DataFrame({
        "_rule": pl.Series(range(len(themed)), dtype=pl.Int32),
        "_rule_theme": [r.theme for r in themed],
        "theme_rule": [r.text for r in themed],
        "theme_rule_reason": [r.reason for r in themed],
        "theme_rule_decided_by": [r.decided_by + (f" on {r.decided_on}" if r.decided_on else "") for r in themed],
    })
    # Rules read the award as its document states it: its stated stream, not a linked one.
    rule = frame.with_columns(pl.col("stated_funding_stream").alias("funding_stream")).select(index.alias("_rule"))
    frame = frame.with_columns(pl.when(pl.col("theme").is_null()).then(rule["_rule"]).alias("_rule"))
    frame = frame.join(table, on="_rule", how="left", maintain_order="left")
    ruled = pl.col("_rule_theme").is_not_null()
    return frame.with_columns(
        pl.coalesce("theme", "_rule_theme").alias("theme"),
        pl.when(ruled).then(pl.lit("office")).otherwise("theme_basis").alias("theme_basis"),
    ).drop("_rule", "_rule_theme")


# The columns classifying reads: the joins run over these alone, not the whole register (at ten
# million awards, joining every column of the awards four times ran out of memory).
NEEDED = ("award_id", "commitment_id", "area", "service", "description", "provider", "theme", "funding_stream",
          "source_id", "source_locator")


def classify(awards: pl.DataFrame, rules: list[Rule]) -> pl.DataFrame:
    """The awards with every derived theme and funding stream and its basis (see the module);
    the same rows in the same order (every join keeps the left side's order, one row per row)."""
    narrow = awards.select(c for c in NEEDED if c in awards.columns)
    derived = _office(_derive(_derive(narrow, "theme"), "funding_stream"), rules)
    if derived.height != awards.height:
        raise AssertionError("classifying changed the number of awards")
    return awards.with_columns(derived.select("theme", "funding_stream", *COLUMNS).get_columns()) \
        .select(*awards.columns, *COLUMNS)


def unclassified(awards: pl.DataFrame) -> pl.DataFrame:
    """Classified awards as the register holds them: theme and stream as stated, nothing derived."""
    if "stated_theme" not in awards.columns:
        return awards
    return awards.with_columns(
        pl.col("stated_theme").alias("theme"), pl.col("stated_funding_stream").alias("funding_stream"),
    ).drop(COLUMNS)


def _text(field: str) -> pl.Expr:
    """How `field` and its basis read, from the `awards` question's columns: "Offenders, linked:
    stated in Commissioning and Grants, Appendix 1, Offenders"."""
    value = pl.col(field)
    name = pl.when(value.is_in(list(vocab.THEMES))).then(value.str.to_titlecase()).otherwise(value)
    doc = pl.coalesce(pl.col(f"{field}_basis_source_title"), pl.col(f"{field}_basis_source_id"))
    where = pl.concat_str(doc, pl.lit(", ") + pl.col(f"{field}_basis_locator"), ignore_nulls=True)
    basis = pl.col(f"{field}_basis")
    text = (
        pl.when(value.is_null()).then(pl.lit(vocab.NOT_STATED))
        .when(basis == "stated").then(name + pl.lit(", stated in ") + where)
        .when(basis == "linked").then(name + pl.lit(", linked: stated in ") + where)
    )
    if field == "theme":  # only themes have office rules
        text = text.when(basis == "office").then(
            name + pl.lit(", classified by the office (") + pl.col("theme_rule") + pl.lit(": ")
            + pl.col("theme_rule_reason") + pl.lit(" Decided by ") + pl.col("theme_rule_decided_by") + pl.lit(")"))
    return text.otherwise(name)


TEXT_COLUMNS = {"theme": "theme_basis_text", "funding_stream": "funding_stream_basis_text"}
# What `with_basis_text` reads and replaces by its two texts.
DETAIL_COLUMNS = tuple(
    c for field in FIELDS
    for c in (f"{field}_basis", f"{field}_basis_source_title", f"{field}_basis_source_id", f"{field}_basis_locator")
) + RULE_COLUMNS + ("stated_theme", "stated_funding_stream")


def with_basis_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows of the `awards` question with the theme and the stream, each with its basis, as text
    (`theme_basis_text`, `funding_stream_basis_text`) in place of the columns they are read from;
    other frames as they are."""
    if not set(DETAIL_COLUMNS) <= set(frame.columns):
        return frame
    return frame.with_columns(_text(f).alias(c) for f, c in TEXT_COLUMNS.items()).drop(DETAIL_COLUMNS)


def as_stated(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows of the `awards` question in the register's own terms (exports that may be imported
    again): theme and stream as the documents state them, the classification left out (the
    office's rules give it again at the next build)."""
    if "stated_theme" not in frame.columns:
        return frame
    stated = frame.with_columns(pl.col("stated_theme").alias("theme"),
                                pl.col("stated_funding_stream").alias("funding_stream"))
    return stated.drop(DETAIL_COLUMNS, strict=False)
