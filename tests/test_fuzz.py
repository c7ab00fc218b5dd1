"""Fuzzing (issue 8): 1,000 hypothesis-generated cases for each entry point that takes a person's
files: `validate` and `build` over generated registers, and `import` of 360Giving CSV, XLSX and
JSON and of the register's own layout. No case may raise anything but the product's own refusal,
and every rejection names the file, the row, the column and the rule (file-level refusals, e.g.
"not UTF-8 text", name the file and the rule). Each test reports cases and rejections."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pccspend import vocab
from pccspend.build import build
from pccspend.importing import plan_import
from pccspend.paths import DataDir
from pccspend.register import AWARD_COLUMNS, SOURCE_COLUMNS, TOTAL_COLUMNS
from pccspend.validate import ValidationFailed, validate_register
from tests.hardening import report

CASES = int(os.environ.get("PCCSPEND_FUZZ_CASES", 1000))  # fewer for a quick look; CI runs 1,000
FUZZ = settings(max_examples=CASES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large, HealthCheck.large_base_example])

# Cell text: mostly plausible, sometimes anything (quotes, separators, line breaks, formulas, markup).
JUNK = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=14)
CELL = st.one_of(JUNK, st.sampled_from(["", " x", "x ", '"', "a,b", "a\nb", "a\rb", "=1+1", "<b>", "£1,000",
                                        "-5", "1e3", "12.345", "2017/18", "2017/19", "true", "TRUE", "null"]))


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    return buf.getvalue().encode("utf-8")


def _located(problem, files: dict[str, int], columns: dict[str, list[str]]) -> bool:
    """A rejection names its file and rule, and a row-level one its row (in range) and column."""
    if problem.file not in files or not problem.rule:
        return False
    if problem.row is None:
        return problem.column is None  # a whole-file problem (unreadable, empty, ...)
    return 1 <= problem.row <= files[problem.file] and bool(problem.column) and (
        problem.row == 1 or problem.column in columns.get(problem.file, [problem.column]))


# -- validate and build ---------------------------------------------------------------------------

SOURCE = {"source_id": "S-1", "title": "A report", "publisher": "A PCC", "published_date": "2020-01-02",
          "kind": "board report", "file_name": "", "url": "", "reference": ""}


@st.composite
def registers(draw):
    """A small register: awards mostly valid with cells swapped for junk, sometimes a dropped or
    extra column, a duplicate id, a stated total, or a file replaced by arbitrary bytes."""
    n = draw(st.integers(0, 5))
    broken = draw(st.integers(0, 2)) > 0  # two in three registers have something wrong
    awards = []
    for i in range(n):
        row = {c: "" for c in AWARD_COLUMNS} | {
            "award_id": f"A-{i}", "area": "Somewhere", "funder": "A PCC",
            "financial_year": draw(st.sampled_from(["2017/18", "2019/20", "1999/00"])),
            "theme": draw(st.sampled_from(["", *vocab.THEMES])), "service": "A service",
            "provider": draw(st.sampled_from(["", "A charity"])), "amount_gbp": draw(st.sampled_from(["", "100", "0.5"])),
            "mechanism": "grant", "status": draw(st.sampled_from(["awarded", "committed"])),
            "source_id": "S-1", "source_locator": "Table 1", "publication": draw(st.sampled_from(["published", "draft"])),
        }
        row["provider_sector"] = "voluntary sector" if row["provider"] else ""
        if broken:
            for col in draw(st.lists(st.sampled_from(AWARD_COLUMNS), max_size=2)):
                row[col] = draw(CELL)
        awards.append(row)
    if n and broken and draw(st.integers(0, 9)) == 0:
        awards.append(dict(awards[0]))  # a duplicate award_id
    header = list(AWARD_COLUMNS)
    shape = draw(st.integers(0, 19)) if broken else 99
    if shape == 0:
        header.remove(draw(st.sampled_from(AWARD_COLUMNS)))
    elif shape == 1:
        header.append(draw(st.sampled_from(["extra", "Award_ID", ""])))
    elif shape == 2:
        header = draw(st.permutations(header))
    files = {"awards.csv": _csv_bytes(header, [[r.get(c, "x") for c in header] for r in awards]),
             "sources.csv": _csv_bytes(SOURCE_COLUMNS, [list(SOURCE.values())]),
             "stated_totals.csv": _csv_bytes(TOTAL_COLUMNS, [])}
    if n and draw(st.booleans()):
        total = {"total_id": "T-1", "source_id": "S-1", "source_locator": "Table 1", "total_kind": "line_total",
                 "description": "Total", "area": "Somewhere", "from_year": "2017/18", "to_year": "2019/20",
                 "funding_stream": "", "status": awards[0]["status"],
                 "covers_award_ids": draw(st.sampled_from(["A-*", "A-0", "B-*;A-?", "", "["])),
                 "stated_total_gbp": draw(st.sampled_from(["100", "-1", "x"])), "amount_note": "", "publication": "published", "publication_reason": ""}
        files["stated_totals.csv"] = _csv_bytes(TOTAL_COLUMNS, [list(total.values())])
    if broken and draw(st.integers(0, 14)) == 0:  # a file that is not a CSV at all
        files[draw(st.sampled_from(sorted(files)))] = draw(st.binary(max_size=40))
    return files


def _write_register(data: DataDir, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        (data.register / name).write_bytes(content)


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _register_dir(root: Path, name: str) -> DataDir:
    data = DataDir(root / name)
    (data.register).mkdir(parents=True, exist_ok=True)
    return data


def _lines(content: bytes) -> int:
    return content.count(b"\n") + 1


@pytest.mark.slow
def test_fuzz_validate_and_build(fuzz_root):
    """Every case: `validate` either passes or locates every problem; `build` then either writes a
    build holding exactly the register's awards, or refuses with the same problems and keeps the
    previous build."""
    data = _register_dir(fuzz_root, "vb")
    figures = {"cases": 0, "valid": 0, "rejected": 0, "problems": 0, "whole_file": 0}

    @FUZZ
    @given(files=registers())
    def case(files):
        _write_register(data, files)
        problems = validate_register(data)
        lines = {name: _lines(content) for name, content in files.items()}
        columns = {"awards.csv": AWARD_COLUMNS, "sources.csv": SOURCE_COLUMNS, "stated_totals.csv": TOTAL_COLUMNS}
        assert all(_located(p, lines, columns) for p in problems), [str(p) for p in problems]
        before = data.current.resolve() if data.current.exists() else None
        figures["cases"] += 1
        if problems:
            figures["rejected"] += 1
            figures["problems"] += len(problems)
            figures["whole_file"] += sum(p.row is None for p in problems)
            with pytest.raises(ValidationFailed) as refused:
                build(data)
            assert refused.value.problems == problems
            assert (data.current.resolve() if data.current.exists() else None) == before
            return
        figures["valid"] += 1
        info = build(data)
        awards = pl.read_parquet(data.parquet("awards"))
        expected = pl.read_csv(io.BytesIO(files["awards.csv"]), infer_schema=False)
        assert info["rows"]["awards"] == awards.height == expected.height
        assert sorted(awards["award_id"]) == sorted(expected["award_id"])
        total = sum((Decimal(a) for a in expected["amount_gbp"] if a), Decimal(0))
        assert (awards["amount_gbp"].sum() or Decimal(0)) == total

    case()
    report("fuzz-validate-build", **figures)
    assert figures["cases"] >= CASES and figures["valid"] > CASES // 20 and figures["rejected"] > CASES // 20


def test_an_unnamed_header_column_is_named_by_its_position(fuzz_root):
    """Found by the fuzzer: a trailing comma in the header gave 'unknown column' naming no column."""
    data = _register_dir(fuzz_root, "unnamed")
    header = [*AWARD_COLUMNS, ""]
    _write_register(data, {"awards.csv": _csv_bytes(header, []), "sources.csv": _csv_bytes(SOURCE_COLUMNS, []),
                           "stated_totals.csv": _csv_bytes(TOTAL_COLUMNS, [])})
    assert [str(p) for p in validate_register(data)] == [
        f"awards.csv row 1, column #{len(AWARD_COLUMNS) + 1} (no name): unknown column"]


# -- import ---------------------------------------------------------------------------------------

HEADER_360 = ["Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
              "Planned Dates:Start Date", "Planned Dates:Duration (months)", "Recipient Org:Identifier",
              "Recipient Org:Name", "Funding Org:Name", "Grant Programme:Title", "Beneficiary Location:Name",
              "pccspend:Theme", "pccspend:Status"]
AMOUNT = st.one_of(st.decimals(0, 10**7, places=2, allow_nan=False).map(str),
                   st.sampled_from(["", "£1,234.50", "1,23", "12.345", "-3", "1e5", "ten"]), JUNK)
DATE = st.one_of(st.sampled_from(["2018-05-01", "2020-03-31", "2019-04-01T10:00:00", "31/12/2019", "2019-02-30",
                                  "", "1800-01-01", "soon"]), JUNK)
ROW_360 = st.fixed_dictionaries({
    "Identifier": st.one_of(st.from_regex(r"360G-f-[a-z0-9]{1,5}", fullmatch=True), CELL),
    "Title": st.one_of(st.just("A grant"), CELL), "Description": CELL,
    "Currency": st.sampled_from(["GBP", "GBP", "EUR", "", "gbp", "£"]), "Amount Awarded": AMOUNT,
    "Award Date": DATE, "Planned Dates:Start Date": st.one_of(st.just(""), DATE),
    "Planned Dates:Duration (months)": st.sampled_from(["", "12", "x", "0", "1.5"]),
    "Recipient Org:Identifier": st.sampled_from(["", "GB-CHC-1146179", "GB-LAE-TRF", "360G-x"]),
    "Recipient Org:Name": st.one_of(st.just("A charity"), CELL), "Funding Org:Name": st.one_of(st.just("A PCC"), CELL),
    "Grant Programme:Title": st.sampled_from(["", "Youth Fund", "New programme", "<b>x</b>"]),
    "Beneficiary Location:Name": st.sampled_from(["", "Somewhere"]),
    "pccspend:Theme": st.sampled_from(["", "victims", "policing"]),
    "pccspend:Status": st.sampled_from(["", "awarded", "planned", "nope"]),
})
REGISTER_ROW = st.fixed_dictionaries({
    "award_id": st.one_of(st.from_regex(r"R-[a-z0-9]{1,5}", fullmatch=True), CELL),
    "area": st.sampled_from(["Somewhere", "", "Elsewhere"]), "funder": st.one_of(st.just("A PCC"), CELL),
    "financial_year": st.sampled_from(["2018/19", "2018/20", "", "18/19"]),
    "theme": st.sampled_from(["", *vocab.THEMES, "x"]), "service": st.one_of(st.just("A service"), CELL),
    "provider": st.sampled_from(["", "A charity"]),
    "provider_sector": st.sampled_from(["", "voluntary sector", "x"]), "amount_gbp": AMOUNT,
    "mechanism": st.sampled_from(["grant", "gift", ""]), "status": st.sampled_from(["awarded", "planned", "x"]),
    "decision_date": DATE, "recipient_org_id": st.sampled_from(["", "GB-CHC-1234567", "1234567", "gb-coh-1"]),
    "notes": CELL,
})


NAME = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(str.strip)
VALID_360 = st.fixed_dictionaries({
    "Identifier": st.from_regex(r"360G-v-[a-z0-9]{1,6}", fullmatch=True), "Title": NAME, "Description": NAME,
    "Currency": st.just("GBP"), "Amount Awarded": st.decimals(0, 10**7, places=2, allow_nan=False).map(str),
    "Award Date": st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31)).map(dt.date.isoformat),
    "Recipient Org:Name": NAME, "Funding Org:Name": NAME, "Beneficiary Location:Name": st.just("Somewhere"),
    "Grant Programme:Title": st.sampled_from(["", "Youth Fund"]), "pccspend:Theme": st.sampled_from(["", "victims"]),
})
VALID_REGISTER = st.fixed_dictionaries({
    "award_id": st.from_regex(r"R-v[a-z0-9]{1,6}", fullmatch=True), "area": st.just("Somewhere"), "funder": NAME,
    "financial_year": st.sampled_from(["2018/19", "2020/21"]), "service": NAME,
    "amount_gbp": st.decimals(0, 10**7, places=2, allow_nan=False).map(str), "mechanism": st.just("grant"),
    "status": st.just("awarded"), "recipient_org_id": st.sampled_from(["", "GB-CHC-1234567", "GB-COH-01234567"]),
})


def _rows(draw, valid, any_row) -> list[dict]:
    """One file's rows: in one file of three every row is valid (ids unique), else anything goes."""
    if draw(st.integers(0, 2)) == 0:
        return draw(st.lists(valid, max_size=5, unique_by=lambda r: str(next(iter(r.values())))))
    return draw(st.lists(st.one_of(valid, any_row), max_size=5))


def _header(draw, header: list[str]) -> list[str]:
    """The file's header: as it should be, or with a column dropped, duplicated or added."""
    header = list(header)
    shape = draw(st.integers(0, 24))
    if shape == 0:
        header.remove(draw(st.sampled_from(header)))
    elif shape == 1:
        header.append(draw(st.sampled_from(header)))
    elif shape == 2:
        header.append("Something else")
    return header


def _flat(draw, header: list[str], rows: list[dict]) -> list[list]:
    out = [[r.get(c, "") for c in header] for r in rows]
    if out and draw(st.integers(0, 9)) == 0:
        out[0] = out[0] + ["spill"]  # a row longer than the header
    return out


@st.composite
def flat_360(draw):
    header = _header(draw, HEADER_360)
    return header, _flat(draw, header, _rows(draw, VALID_360, ROW_360))


@st.composite
def flat_register(draw):
    header = _header(draw, ["award_id", "area", "funder", "financial_year", "theme", "service", "provider",
                            "provider_sector", "amount_gbp", "mechanism", "status", "decision_date", "recipient_org_id",
                            "notes"])
    return header, _flat(draw, header, _rows(draw, VALID_REGISTER, REGISTER_ROW))


def _xlsx(header: list[str], rows: list[list], formula: bool) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "grants"
    ws.append(header)
    for row in rows:
        # openpyxl would store text beginning with '=' as a formula: keep such cells text unless asked.
        row = [ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row]  # XLSX cannot hold them
        ws.append([c if formula or not (isinstance(c, str) and c.startswith("=")) else " " + c for c in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


JSON_VALUE = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-5, 10**7), CELL),
                          lambda inner: st.one_of(st.lists(inner, max_size=2),
                                                  st.dictionaries(st.sampled_from(["id", "name", "x"]), inner,
                                                                  max_size=2)), max_leaves=4)
GRANT = st.fixed_dictionaries(
    {"id": st.one_of(st.from_regex(r"360G-j-[a-z0-9]{1,5}", fullmatch=True), JSON_VALUE),
     "title": st.one_of(st.just("A grant"), JSON_VALUE), "currency": st.sampled_from(["GBP", "GBP", "USD", None]),
     "amountAwarded": st.one_of(st.integers(0, 10**6), st.integers(0, 10**6),
                                st.decimals(0, 10**6, places=2).map(float), AMOUNT, JSON_VALUE),
     "awardDate": st.one_of(st.just("2019-05-01"), st.just("2021-03-31"), DATE), "fundingOrganization": st.one_of(st.just([{"id": "F", "name": "A PCC"}]), JSON_VALUE)},
    optional={"recipientOrganization": st.one_of(st.just([{"id": "GB-CHC-1", "name": "A charity"}]), JSON_VALUE),
              "plannedDates": JSON_VALUE, "grantProgramme": JSON_VALUE, "pccspend": JSON_VALUE,
              "description": JSON_VALUE},
)


VALID_GRANT = st.fixed_dictionaries({
    "id": st.from_regex(r"360G-w-[a-z0-9]{1,6}", fullmatch=True), "title": NAME, "currency": st.just("GBP"),
    "amountAwarded": st.one_of(st.integers(0, 10**7), st.decimals(0, 10**6, places=2).map(str)),
    "awardDate": st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31)).map(dt.date.isoformat),
    "fundingOrganization": st.builds(lambda n: [{"id": "F", "name": n}], NAME),
    "recipientOrganization": st.builds(lambda n: [{"id": "GB-CHC-1", "name": n}], NAME),
})


@st.composite
def json_package(draw):
    kind = draw(st.integers(0, 19))
    if kind == 0:
        return draw(st.binary(max_size=60)).replace(b"\x00", b"")  # not JSON at all
    grants = _rows(draw, VALID_GRANT, st.one_of(GRANT, JSON_VALUE))
    text = json.dumps(grants if kind == 1 else {"grants": grants})
    if kind == 2:
        text = text[: draw(st.integers(0, len(text)))]  # cut short
    return text.encode("utf-8")


# What a refusal of the whole file (no column to name) may say.
STRUCTURAL = ("not valid JSON", "not a readable", "not UTF-8", "neither UTF-8", "unrecognised columns", "sheet ", "no grants",
              "empty file", "no rows to import", "binary content", "an old Excel", "the workbook", "the file is ")


def _fuzz_import(data: DataDir, folder: Path, name: str, make, figures: dict) -> None:
    """Plan an import of each generated file (a dry run): it is accepted, or every rejection is
    located; the register never changes."""
    before = {p.name: p.read_bytes() for p in data.register.iterdir()}
    path = folder / name

    @FUZZ
    @given(content=make)
    def case(content):
        path.write_bytes(content)
        with plan_import(data, path, "Somewhere" if name.endswith(".json") else None) as plan:
            figures["cases"] += 1
            # Rows as a CSV reader or a spreadsheet counts them: a lone CR breaks a line too.
            rows = len(content.splitlines()) + 1 if not name.endswith(".json") else 10**6
            if plan.ok:
                figures["accepted"] += 1
                assert plan.added + plan.changed + plan.unchanged == plan.rows
            else:
                figures["rejected"] += 1
                for p in plan.problems:
                    figures["problems"] += 1
                    assert p.file == name and p.rule and "\n" not in p.rule, str(p)
                    if p.column is None:  # the file as a whole (or its header, or where its syntax breaks)
                        figures["whole_file"] += 1
                        assert p.rule.startswith(STRUCTURAL), str(p)
                    assert p.row is None or 1 <= p.row <= rows, str(p)
        assert {p.name: p.read_bytes() for p in data.register.iterdir()} == before
        assert not [p for p in data.root.iterdir() if p.name.startswith(".import-")]

    case()


def _import_data(root: Path, name: str) -> DataDir:
    data = _register_dir(root, name)
    for file, cols in (("awards.csv", AWARD_COLUMNS), ("sources.csv", SOURCE_COLUMNS),
                       ("stated_totals.csv", TOTAL_COLUMNS)):
        (data.register / file).write_text(",".join(cols) + "\n", encoding="utf-8")
    return data


def _figures() -> dict:
    return {"cases": 0, "accepted": 0, "rejected": 0, "problems": 0, "whole_file": 0}


IMPORTS = {
    "360giving-csv": ("grants.csv", flat_360().map(lambda hr: _csv_bytes(*hr))),
    "360giving-xlsx": ("grants.xlsx", st.tuples(flat_360(), st.booleans()).map(
        lambda t: _xlsx(*t[0], formula=t[1]))),
    "360giving-json": ("grants.json", json_package()),
    "register-layout": ("ours.csv", st.one_of(flat_register().map(lambda hr: _csv_bytes(*hr)),
                                              st.tuples(flat_register(), st.just(False)).map(
                                                  lambda t: _xlsx(*t[0], formula=t[1])))),
}


@pytest.mark.slow
@pytest.mark.parametrize("fmt", list(IMPORTS))
def test_fuzz_import(fuzz_root, fmt):
    name, make = IMPORTS[fmt]
    if fmt == "register-layout":
        name = "ours.csv"
    data = _import_data(fuzz_root, f"import-{fmt}")
    figures = _figures()
    _fuzz_import(data, fuzz_root, name, make, figures)
    report(f"fuzz-import-{fmt}", **figures)
    assert figures["cases"] >= CASES and figures["accepted"] > CASES // 50 and figures["rejected"] > CASES // 50
    shutil.rmtree(data.root)
