"""Validating the register: every problem, with file, spreadsheet row, column, value and rule."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

import pandera.polars as pa
import polars as pl

from pccspend import vocab
from pccspend.fy import is_financial_year
from pccspend.paths import AWARDS_CSV, POPULATION_CSV, SOURCES_CSV, TOTALS_CSV, DataDir
from pccspend.register import (
    AWARD_COLUMNS, POPULATION_COLUMNS, SOURCE_COLUMNS, TOTAL_COLUMNS, RegisterReadError,
    read_text_csv,
)

ID_RE = r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"
AMOUNT_RE = r"^\d{1,12}(\.\d{1,2})?$"
DATE_RE = r"^\d{4}-\d{2}-\d{2}$"


@dataclass(frozen=True, order=True)
class Problem:
    """One broken rule. `row` is the spreadsheet row (header = 1); None for whole-file problems."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column {self.column}"
        value = "" if self.value is None else f" (value {self.value!r})"
        return f"{where}: {self.rule}{value}"


class ValidationFailed(Exception):
    """The register breaks one or more rules; `problems` lists every one."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the register:\n" + "\n".join(map(str, problems)))


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
    return pa.Check(
        lambda data: data.lazyframe.select(
            pl.col(data.key).map_elements(is_financial_year, return_dtype=pl.Boolean).fill_null(True)
        ),
        error="financial year must be YYYY/YY with consecutive years, e.g. 2017/18",
    )


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


BOOL = one_of(["true", "false"], "is_public")


def _col(required: bool, *checks: pa.Check, unique: bool = False) -> pa.Column:
    return pa.Column(str, checks=[trimmed(), *checks], nullable=not required, unique=unique)


def award_schema(source_ids: list[str]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "award_id": _col(True, matches(ID_RE, "id: letters, digits and . _ / - only"), unique=True),
            "commitment_id": _col(False, matches(ID_RE, "id: letters, digits and . _ / - only")),
            "area": _col(True),
            "funder": _col(True),
            "financial_year": _col(True, financial_year()),
            "theme": _col(False, one_of(vocab.THEMES, "theme")),
            "plan_priority": _col(False),
            "funding_stream": _col(False, one_of(vocab.FUNDING_STREAMS, "funding_stream")),
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
            "is_public": _col(True, BOOL),
            "notes": _col(False),
        },
        strict=True,
        ordered=False,
    )


SOURCE_SCHEMA = pa.DataFrameSchema(
    {
        "source_id": _col(True, matches(ID_RE, "id: letters, digits and . _ / - only"), unique=True),
        "title": _col(True),
        "publisher": _col(True),
        "published_date": _col(True, iso_date()),
        "kind": _col(True, one_of(vocab.SOURCE_KINDS, "kind")),
        "file_name": _col(False),
        "url": _col(False, matches(r"^https?://\S+$", "url must start with http:// or https://")),
        "reference": _col(False),
    },
    strict=True,
)


def totals_schema(source_ids: list[str]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "total_id": _col(True, matches(ID_RE, "id: letters, digits and . _ / - only"), unique=True),
            "source_id": _col(True, _check(lambda c: c.is_in(source_ids), "source_id must name a row of sources.csv")),
            "source_locator": _col(True),
            "total_kind": _col(True, one_of(vocab.TOTAL_KINDS, "total_kind")),
            "description": _col(True),
            "area": _col(True),
            "from_year": _col(True, financial_year()),
            "to_year": _col(True, financial_year()),
            "funding_stream": _col(False, one_of(vocab.FUNDING_STREAMS, "funding_stream")),
            "status": _col(True, one_of(vocab.STATUSES, "status")),
            "covers_award_ids": _col(True),
            "stated_total_gbp": _col(True, *amount()),
            "amount_note": _col(False),
            "is_public": _col(True, BOOL),
        },
        strict=True,
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


def _run_schema(schema: pa.DataFrameSchema, df: pl.DataFrame, file: str) -> list[Problem]:
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
                out.append(Problem(file, 1, str(value), None, rule))
                continue
            if check.startswith("dtype("):
                continue  # every column is read as text; a dtype failure only echoes a missing column
            index = case["index"]
            row = None if index is None else int(index) + 2
            out.append(Problem(file, row, column, None if value is None else str(value), rule))
        return out
    return []


def _cross_award_rules(awards: pl.DataFrame) -> list[Problem]:
    """Rules between columns of one award row."""
    out = []
    cols = set(awards.columns)
    need = {"provider", "provider_sector", "status", "amount_gbp"}
    if not need <= cols:
        return out
    for i, row in enumerate(awards.iter_rows(named=True)):
        r = i + 2
        if row["provider"] and not row["provider_sector"]:
            out.append(Problem(AWARDS_CSV, r, "provider_sector", None, "provider_sector is required when a provider is named"))
        if row["provider_sector"] and not row["provider"]:
            out.append(Problem(AWARDS_CSV, r, "provider_sector", row["provider_sector"], "provider_sector given without a provider"))
        if row["status"] == "planned" and row["amount_gbp"] is not None:
            out.append(Problem(AWARDS_CSV, r, "amount_gbp", row["amount_gbp"], "a planned award carries no amount; record an agreed amount as committed"))
    return out


def expand_covers(pattern_list: str, award_ids: list[str]) -> list[str]:
    """The award ids a stated total covers: semicolon-separated ids or globs (`CAM-*`)."""
    matched: list[str] = []
    for pattern in (p.strip() for p in pattern_list.split(";")):
        if pattern:
            matched.extend(a for a in fnmatch.filter(award_ids, pattern) if a not in matched)
    return matched


def _cross_total_rules(totals: pl.DataFrame, awards: pl.DataFrame, broken_rows: set[int]) -> list[Problem]:
    """Each stated total covers at least one award, and only awards inside its stated scope.

    Awards already reported as broken are not judged again here: one message per problem."""
    out = []
    if not set(TOTAL_COLUMNS) <= set(totals.columns) or not set(AWARD_COLUMNS) <= set(awards.columns):
        return out
    by_id = {a["award_id"]: a for a in awards.iter_rows(named=True) if a["award_id"]}
    broken_ids = {awards["award_id"][r - 2] for r in broken_rows if 2 <= r < awards.height + 2}
    ids = list(by_id)
    for i, t in enumerate(totals.iter_rows(named=True)):
        r = i + 2
        fy_ok = is_financial_year(t["from_year"] or "") and is_financial_year(t["to_year"] or "")
        if fy_ok and t["from_year"] > t["to_year"]:
            out.append(Problem(TOTALS_CSV, r, "to_year", t["to_year"], "to_year must not be before from_year"))
        if not t["covers_award_ids"]:
            continue
        for pattern in (p.strip() for p in t["covers_award_ids"].split(";")):
            if pattern and not fnmatch.filter(ids, pattern):
                out.append(Problem(TOTALS_CSV, r, "covers_award_ids", pattern, "matches no award_id in awards.csv"))
        for award_id in expand_covers(t["covers_award_ids"], ids):
            if award_id in broken_ids:
                continue
            a = by_id[award_id]
            checks = [
                (a["source_id"] == t["source_id"], "source_id"),
                (a["area"] == t["area"], "area"),
                (a["status"] == t["status"], "status"),
                (not t["funding_stream"] or a["funding_stream"] == t["funding_stream"], "funding_stream"),
                (not fy_ok or t["from_year"] <= (a["financial_year"] or "") <= t["to_year"], "financial_year"),
            ]
            for ok, field in checks:
                if not ok:
                    out.append(Problem(
                        TOTALS_CSV, r, "covers_award_ids", award_id,
                        f"covers an award whose {field} ({a[field]!r}) is outside the total's scope",
                    ))
    return out


def _read(path: Path, problems: list[Problem]) -> pl.DataFrame | None:
    try:
        return read_text_csv(path)
    except RegisterReadError as exc:
        problems.append(Problem(path.name, None, None, None, str(exc).split(": ", 1)[-1]))
        return None


def validate_register(data: DataDir) -> list[Problem]:
    """Every problem in the register's files (empty list: the register is valid)."""
    problems: list[Problem] = []
    sources = _read(data.register / SOURCES_CSV, problems)
    awards = _read(data.register / AWARDS_CSV, problems)
    totals = _read(data.register / TOTALS_CSV, problems)
    source_ids: list[str] = []
    if sources is not None:
        problems += _run_schema(SOURCE_SCHEMA, sources, SOURCES_CSV)
        if "source_id" in sources.columns:
            source_ids = [s for s in sources["source_id"].to_list() if s]
    if awards is not None:
        problems += _run_schema(award_schema(source_ids), awards, AWARDS_CSV)
        problems += _cross_award_rules(awards)
    broken_rows = {p.row for p in problems if p.file == AWARDS_CSV and p.row}
    if totals is not None:
        problems += _run_schema(totals_schema(source_ids), totals, TOTALS_CSV)
        if awards is not None:
            problems += _cross_total_rules(totals, awards, broken_rows)
    pop_path = data.reference / POPULATION_CSV
    if pop_path.exists():
        pop = _read(pop_path, problems)
        if pop is not None:
            problems += _run_schema(POPULATION_SCHEMA, pop, POPULATION_CSV)
    return sorted(set(problems), key=lambda p: (p.file, p.row or 0, p.column or "", p.rule, p.value or ""))
