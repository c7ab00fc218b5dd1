"""Validating the register: every problem, with file, spreadsheet row, column, value and rule."""

from __future__ import annotations

from pathlib import Path

import pandera.polars as pa
import polars as pl

from pccspend import publication, vocab
from pccspend.atomic import finish_replace
from pccspend import coverage, grant_details, palette
from pccspend.paths import (
    AWARDS_CSV, COVERAGE_CSV, FUNDING_STREAMS_CSV, GRANT_DETAILS_CSV, POPULATION_CSV, SOURCES_CSV, TOTALS_CSV, DataDir,
)
from pccspend.mapping import load_rules, target_problems
from pccspend.problems import Problem, ValidationFailed
from pccspend.register import RegisterReadError, funding_streams, read_text_csv
from pccspend.stated_totals import _cross_total_rules, covers_mask

__all__ = ["Problem", "ValidationFailed", "check_register", "covers_mask", "validate_register"]

ID_RE = r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"
AMOUNT_RE = r"^\d{1,12}(\.\d{1,2})?$"
DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
# An org-id (org-id.guide): a list code such as GB-CHC or GB-COH, a dash, the body's number; or an
# identifier a 360Giving publisher gave the body itself (360G-<publisher>-...), which the standard allows.
ORG_ID_RE = r"^(?:[A-Z]{2}-[A-Z0-9]+-\S+|360G-\S+)$"


# -- checks: each a vectorised test on one text column; empty cells pass (required-ness is separate)

def _check(test, error: str) -> pa.Check:
    return pa.Check(
        lambda data: data.lazyframe.select(pl.col(data.key).is_null() | test(pl.col(data.key)).fill_null(False)),
        error=error,
    )


def matches(pattern: str, error: str) -> pa.Check:
    return _check(lambda c: c.str.contains(pattern), error)


def one_of(allowed, what: str) -> pa.Check:
    allowed = sorted(allowed)
    return _check(lambda c: c.is_in(allowed), f"{what} must be one of: {', '.join(allowed)}")


def trimmed() -> pa.Check:
    return _check(lambda c: c == c.str.strip_chars(), "no leading or trailing spaces")


def financial_year() -> pa.Check:
    # Vectorised (not map_elements): the register may hold millions of rows.
    def consecutive(c: pl.Expr) -> pl.Expr:
        first = c.str.slice(0, 4).cast(pl.Int32, strict=False)
        second = c.str.slice(5, 2).cast(pl.Int32, strict=False)
        return c.str.contains(r"^\d{4}/\d{2}$") & ((first + 1) % 100 == second)

    return _check(consecutive, "financial year must be YYYY/YY with consecutive years, e.g. 2017/18")


def iso_date() -> pa.Check:
    return _check(
        lambda c: c.str.contains(DATE_RE) & c.str.to_date("%Y-%m-%d", strict=False).is_not_null(),
        "date must be a real date written YYYY-MM-DD",
    )


def amount() -> list[pa.Check]:
    return [
        _check(lambda c: ~c.str.starts_with("-"), "amount must be >= 0"),
        matches(AMOUNT_RE, "amount must be a plain number with at most 2 decimals (no £, commas or spaces)"),
    ]


PUBLICATION = one_of(vocab.PUBLICATION, "publication")
TOTAL_PUBLICATION = one_of(("draft", "published", "withheld"), "a stated total's publication")
URL = matches(r"^https?://\S+$", "url must start with http:// or https://")
ORG_ID = matches(ORG_ID_RE, "an org-id such as GB-CHC-1234567 or GB-COH-01234567, or a 360G- identifier")


def _col(required: bool, *checks: pa.Check) -> pa.Column:
    return pa.Column(str, checks=[trimmed(), *checks], nullable=not required)


def award_schema(source_ids: list[str], streams=vocab.FUNDING_STREAMS) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "award_id": _col(True, matches(ID_RE, "id: letters, digits and . _ / - only")),
            "commitment_id": _col(False, matches(ID_RE, "id: letters, digits and . _ / - only")),
            "area": _col(True),
            "funder": _col(True),
            "financial_year": _col(True, financial_year()),
            "theme": _col(False, one_of(vocab.THEMES, "theme")),
            "plan_priority": _col(False),
            "funding_stream": _col(False, one_of(streams, "funding_stream")),
            "service": _col(True),
            "description": _col(False),
            "provider": _col(False),
            "provider_sector": _col(False, one_of(vocab.PROVIDER_SECTORS, "provider_sector")),
            "amount_gbp": _col(False, *amount()),
            "amount_note": _col(False),
            "mechanism": _col(True, one_of(vocab.MECHANISMS, "mechanism")),
            "status": _col(True, one_of(vocab.STATUSES, "status")),
            "decision_ref": _col(False),
            "decision_date": _col(False, iso_date()),
            "source_id": _col(True, _check(lambda c: c.is_in(source_ids), "source_id must name a row of sources.csv")),
            "source_locator": _col(True),
            "recipient_org_id": _col(False, ORG_ID),
            "purpose": _col(False),
            "conditions": _col(False),
            "crime_reduction_reasons": _col(False),
            "value_for_money_reasons": _col(False),
            "contract_value_gbp": _col(False, *amount()),
            "contract_copy_url": _col(False, URL),
            "publication": _col(True, PUBLICATION),
            "redacted_fields": _col(False),
            "publication_reason": _col(False),
            "publication_decided_by": _col(False),
            "publication_decided_on": _col(False, iso_date()),
            "notes": _col(False),
        },
        strict=True,
        ordered=False,
    )


SOURCE_SCHEMA = pa.DataFrameSchema(
    {
        "source_id": _col(True, matches(ID_RE, "id: letters, digits and . _ / - only")),
        "title": _col(True),
        "publisher": _col(True),
        "published_date": _col(True, iso_date()),
        "kind": _col(True, one_of(vocab.SOURCE_KINDS, "kind")),
        "file_name": _col(False),
        "url": _col(False, URL),
        "reference": _col(False),
    },
    strict=True,
)


def totals_schema(source_ids: list[str], streams=vocab.FUNDING_STREAMS) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "total_id": _col(True, matches(ID_RE, "id: letters, digits and . _ / - only")),
            "source_id": _col(True, _check(lambda c: c.is_in(source_ids), "source_id must name a row of sources.csv")),
            "source_locator": _col(True),
            "total_kind": _col(True, one_of(vocab.TOTAL_KINDS, "total_kind")),
            "description": _col(True),
            "area": _col(True),
            "from_year": _col(True, financial_year()),
            "to_year": _col(True, financial_year()),
            "funding_stream": _col(False, one_of(streams, "funding_stream")),
            "status": _col(True, one_of(vocab.STATUSES, "status")),
            "covers_award_ids": _col(True),
            "stated_total_gbp": _col(True, *amount()),
            "amount_note": _col(False),
            "publication": _col(True, TOTAL_PUBLICATION),
            "publication_reason": _col(False),
        },
        strict=True,
    )


def coverage_schema(source_ids: list[str]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "source_id": _col(True, _check(lambda c: c.is_in(source_ids), "source_id must name a row of sources.csv")),
            "area": _col(True),
            "from_year": _col(True, financial_year()),
            "to_year": _col(True, financial_year()),
            "scope": _col(True, one_of(coverage.SCOPES, "scope")),
            "streams": _col(False),
            "note": _col(True),
        },
        strict=True,
        unique=["source_id", "area", "from_year"],
    )


POPULATION_SCHEMA = pa.DataFrameSchema(
    {
        "police_force_area": _col(True),
        "local_authority": _col(True),
        "usual_residents_2021": _col(True, matches(r"^\d+$", "population must be a whole number")),
    },
    strict=True,
    unique=["police_force_area", "local_authority"],
)

_PANDERA_RULES = {
    "not_nullable": "required: must not be empty",
    "field_uniqueness": "must be unique (appears more than once)",
    "column_in_dataframe": "required column is missing",
    "column_in_schema": "unknown column",
    "multiple_fields_uniqueness": "must be unique",
}


CHUNK_ROWS = 200_000  # pandera's failure bookkeeping grows with the frame; chunks bound memory


# Id columns that must be unique: checked over the whole file, not per chunk.
UNIQUE = {"awards.csv": "award_id", "sources.csv": "source_id", "stated_totals.csv": "total_id",
          GRANT_DETAILS_CSV: "award_id"}


def _run_schema(schema: pa.DataFrameSchema, df: pl.DataFrame, file: str) -> list[Problem]:
    """Every failure of `schema` over `df`, validated in chunks (uniqueness is checked whole)."""
    out = _duplicates(df, file, UNIQUE.get(file))
    if df.height <= CHUNK_ROWS:
        return out + _run_chunk(schema, df, file, 0)
    column_problems = _run_chunk(schema, df.head(0), file, 0)  # missing/unknown columns, once
    if column_problems:
        return out + column_problems
    for offset in range(0, df.height, CHUNK_ROWS):
        out += _run_chunk(schema, df.slice(offset, CHUNK_ROWS), file, offset)
    return out


def _duplicates(df: pl.DataFrame, file: str, name: str | None) -> list[Problem]:
    if name is None or name not in df.columns:
        return []
    dup = df.select(pl.col(name)).with_row_index("_row").filter(
        pl.col(name).is_duplicated() & pl.col(name).is_not_null())
    return [Problem(file, r + 2, name, v, _PANDERA_RULES["field_uniqueness"]) for r, v in dup.iter_rows()]


def _column_name(name: str, columns: list[str]) -> str:
    """A header cell as a person finds it: an empty one (polars calls a second one `_duplicated_0`)
    by its position."""
    if name.strip() and not name.startswith("_duplicated_"):
        return name
    position = columns.index(name) + 1 if name in columns else "?"
    return f"#{position} (no name)"


def _run_chunk(schema: pa.DataFrameSchema, df: pl.DataFrame, file: str, offset: int) -> list[Problem]:
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        out = []
        for case in exc.failure_cases.iter_rows(named=True):
            check = str(case["check"])
            rule = _PANDERA_RULES.get(check, check)
            column = case["column"]
            value = case["failure_case"]
            if check in ("column_in_dataframe", "column_in_schema"):
                out.append(Problem(file, 1, _column_name(str(value), df.columns), None, rule))
                continue
            if check.startswith("dtype("):
                continue  # every column is read as text; a dtype failure only echoes a missing column
            index = case["index"]
            row = None if index is None else int(index) + 2 + offset
            out.append(Problem(file, row, column, None if value is None else str(value), rule))
        return out
    return []


def _cross_award_rules(awards: pl.DataFrame) -> list[Problem]:
    """Rules between columns of one award row (vectorised: the register may be large)."""
    if not {"provider", "provider_sector", "status", "amount_gbp"} <= set(awards.columns):
        return []
    rules = [
        (pl.col("provider").is_not_null() & pl.col("provider_sector").is_null(), "provider_sector",
         "provider_sector is required when a provider is named"),
        (pl.col("provider_sector").is_not_null() & pl.col("provider").is_null(), "provider_sector",
         "provider_sector given without a provider"),
        ((pl.col("status") == "planned") & pl.col("amount_gbp").is_not_null(), "amount_gbp",
         "a planned award carries no amount; record an agreed amount as committed"),
    ]
    out = []
    indexed = awards.with_row_index("_row")
    for broken, column, rule in rules:
        for row, value in indexed.filter(broken).select("_row", column).iter_rows():
            out.append(Problem(AWARDS_CSV, row + 2, column, value, rule))
    out += [Problem(AWARDS_CSV, row + 2, column, value, rule) for row, column, value, rule in publication.rules(awards)]
    return out


def _old_layout(frame: pl.DataFrame | None, file: str) -> list[Problem]:
    """A register from before the publication decision: one clear problem saying how to migrate."""
    if frame is None or publication.OLD_COLUMN not in frame.columns or "publication" in frame.columns:
        return []
    return [Problem(file, 1, publication.OLD_COLUMN, None,
                    "this register predates the publication decision: " + publication.MIGRATE_HINT)]


def _read(path: Path, problems: list[Problem]) -> pl.DataFrame | None:
    try:
        return read_text_csv(path)
    except RegisterReadError as exc:
        problems.append(Problem(path.name, None, None, None, str(exc).split(": ", 1)[-1]))
        return None


# The office's own funding streams (see register.funding_streams), beside the built-in list.
FUNDING_STREAMS_SCHEMA = pa.DataFrameSchema(
    {
        "funding_stream": _col(True, _check(lambda c: ~c.is_in(list(vocab.FUNDING_STREAMS)),
                                            "already a built-in funding stream (pccspend/vocab.py)")),
        "description": _col(True),
    },
    strict=True,
    unique=["funding_stream"],
)


def validate_register(data: DataDir) -> list[Problem]:
    """Every problem in the register's files (empty list: the register is valid)."""
    return check_register(data)[0]


def check_register(data: DataDir) -> tuple[list[Problem], dict[str, pl.DataFrame]]:
    """Every problem, plus the files as read (as text), so a build need not read them twice."""
    finish_replace(data.root)  # an import a crash interrupted is completed before anything reads the files
    problems: list[Problem] = []
    streams = funding_streams(data.register)
    if (data.register / FUNDING_STREAMS_CSV).exists():
        office_streams = _read(data.register / FUNDING_STREAMS_CSV, problems)
        if office_streams is not None:
            problems += _run_schema(FUNDING_STREAMS_SCHEMA, office_streams, FUNDING_STREAMS_CSV)
    sources = _read(data.register / SOURCES_CSV, problems)
    awards = _read(data.register / AWARDS_CSV, problems)
    totals = _read(data.register / TOTALS_CSV, problems)
    source_ids: list[str] = []
    if sources is not None:
        problems += _run_schema(SOURCE_SCHEMA, sources, SOURCES_CSV)
        if "source_id" in sources.columns:
            source_ids = [s for s in sources["source_id"].to_list() if s]
    old = _old_layout(awards, AWARDS_CSV) + _old_layout(totals, TOTALS_CSV)
    if old:  # every other rule would only repeat it
        return old, {"awards": awards, "sources": sources, "stated_totals": totals, "population": None}
    if awards is not None:
        problems += _run_schema(award_schema(source_ids, streams), awards, AWARDS_CSV)
        problems += _cross_award_rules(awards)
    broken_rows = {p.row for p in problems if p.file == AWARDS_CSV and p.row}
    if totals is not None:
        problems += _run_schema(totals_schema(source_ids, streams), totals, TOTALS_CSV)
        if awards is not None:
            problems += _cross_total_rules(totals, awards, broken_rows)
    cover = None
    if (data.register / COVERAGE_CSV).exists():  # optional: a document without rows covers what its awards show
        cover = _read(data.register / COVERAGE_CSV, problems)
        if cover is not None:
            problems += _run_schema(coverage_schema(source_ids), cover, COVERAGE_CSV)
            problems += coverage.cross_rules(cover, awards, COVERAGE_CSV, AWARDS_CSV)
    rules, rule_problems = load_rules(data)
    problems += rule_problems
    problems += palette.load(data)[1]
    if awards is not None and {"award_id", "commitment_id"} <= set(awards.columns):
        problems += target_problems(rules, awards)
    details = None
    if (data.register / GRANT_DETAILS_CSV).exists():
        details = _read(data.register / GRANT_DETAILS_CSV, problems)
        if details is not None:
            ids = awards["award_id"].drop_nulls().to_list() if awards is not None and "award_id" in awards.columns else []
            problems += _run_schema(grant_details.schema(ids), details, GRANT_DETAILS_CSV)
    pop = None
    pop_path = data.reference / POPULATION_CSV
    if pop_path.exists():
        pop = _read(pop_path, problems)
        if pop is not None:
            problems += _run_schema(POPULATION_SCHEMA, pop, POPULATION_CSV)
    problems = sorted(set(problems), key=lambda p: (p.file, p.row or 0, p.column or "", p.rule, p.value or ""))
    return problems, {"awards": awards, "sources": sources, "stated_totals": totals, "population": pop,
                      "grant_details": details, "coverage": cover}
