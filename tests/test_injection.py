"""Injection probes (issue 8): SQL metacharacters through every filter entry point (query layer,
URL, sidebar, CLI), HTML/JS/Markdown payloads through every string the dashboard renders, formula
payloads through every download and export. Each test counts probes tried and probes that got
through (must be 0) and reports them (test-artifacts/reliability/). The real server and browser
half is in tests/test_hardening_browser.py."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from decimal import Decimal

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from pccspend import pagedata, state, vocab
from pccspend.cli import main
from pccspend.db import Database
from pccspend.export import FORMATS, export_bytes
from pccspend.filters import Filters, filter_options
from pccspend.money import gbp
from pccspend.paths import PROJECT_ROOT
from pccspend.queries import query_names
from pccspend.tabular import FORMULA_START, to_csv_bytes, to_json_bytes, to_xlsx_bytes
from tests.hardening import FORMULA, HOSTILE_AREA, HOSTILE_STREAM, HTML, SQL, hostile_data, report

DASHBOARD = str(PROJECT_ROOT / "dashboard.py")
EVERYTHING = Filters(include_unpublished=True, include_extensions=True)
MULTI_FIELDS = {"areas": "area", "themes": "theme", "funding_streams": "funding_stream", "providers": "provider",
                "mechanisms": "mechanism", "statuses": "status"}
PAYLOADS = SQL + HTML + FORMULA


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return hostile_data(tmp_path_factory.mktemp("hostile") / "data")


@pytest.fixture(scope="module")
def hdb(hostile):
    db = Database(hostile)
    yield db
    db.close()


def _digest(data) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in data.current.resolve().rglob("*") if p.is_file()):
        h.update(str(path.relative_to(data.current.resolve())).encode() + path.read_bytes())
    return h.hexdigest()


def expected_ids(awards: pl.DataFrame, field: str, value: str) -> list[str]:
    """The award ids a filter on one value selects, worked out in polars (no SQL)."""
    statuses = EVERYTHING.effective_statuses()
    if field == "statuses":
        statuses = Filters(statuses=(value,), include_extensions=True).effective_statuses()
    rows = awards.filter(pl.col("status").is_in(statuses))
    if field == "search":
        text = pl.concat_str([pl.col("service"), pl.col("provider"), pl.col("description")], separator=" ",
                             ignore_nulls=True).str.to_lowercase()
        rows = rows.filter(text.str.contains(value.lower(), literal=True))
    elif field != "statuses":
        column = MULTI_FIELDS[field]
        rows = rows.filter(pl.col(column).fill_null(vocab.NOT_STATED) == value)
    return sorted(rows["award_id"])


# -- SQL metacharacters ----------------------------------------------------------------------------

def test_sql_metacharacters_in_every_filter_of_the_query_layer(hostile, hdb):
    before = _digest(hostile)
    awards = pl.read_parquet(hostile.parquet("awards"))
    tried = through = 0
    failures = []
    for value in PAYLOADS:
        for field in [*MULTI_FIELDS, "search", "from_year", "to_year"]:
            tried += 1
            change = {field: (value,)} if field in MULTI_FIELDS else {field: value}
            filters = EVERYTHING.replace(**change)
            try:
                names = query_names() if value in SQL[:4] else ["awards", "kpis"]
                results = {name: hdb.query(name, filters) for name in names}
                got = sorted(results["awards"]["award_id"])
                want = [] if field in ("from_year", "to_year") else expected_ids(awards, field, value)
                ok = got == want and results["kpis"]["award_count"][0] == len(want)
            except Exception as exc:  # noqa: BLE001 - any error is a probe that got through
                ok, got = False, repr(exc)
            if not ok:
                through += 1
                failures.append((field, value, got))
    assert _digest(hostile) == before  # the data is intact
    assert hdb.query("kpis", EVERYTHING)["award_count"][0] == awards.filter(
        pl.col("status").is_in(EVERYTHING.effective_statuses())).height
    report("injection-sql-query-layer", probes=tried, through=through)
    assert through == 0, failures[:5]
    # The payloads that are providers' names matched exactly their own award.
    assert expected_ids(awards, "providers", SQL[0]) == ["HOSTILE-00"]


def test_sql_and_markup_in_every_url_key_are_checked_or_ignored(hdb):
    options = filter_options(hdb)
    tried = through = 0
    failures = []
    for value in PAYLOADS:
        for key in sorted(state.FILTER_KEYS | state.VIEW_KEYS | {value}):
            tried += 1
            try:
                filters, warnings = state.from_query({key: [value, value]}, options)
                kept_ok = all(set(getattr(filters, f)) <= options.get(o, set()) for f, o in MULTI_FIELDS.items())
                years_ok = all(y is None for y in (filters.from_year, filters.to_year))
                flagged = key in state.VIEW_KEYS or bool(warnings) or filters != Filters() or key == "q"
                ok = kept_ok and years_ok and flagged and (key != "q" or filters.search == value.strip()[:200])
                ok = ok and state.from_query(state.to_query(filters), options)[0] == filters
            except Exception as exc:  # noqa: BLE001
                ok, warnings = False, repr(exc)
            if not ok:
                through += 1
                failures.append((key, value, warnings))
    report("injection-url-state", probes=tried, through=through)
    assert through == 0, failures[:5]


def _cli_json(args):
    result = CliRunner().invoke(main, args)
    return result, (json.loads(result.stdout) if result.exit_code == 0 else None)


REPEATABLE = {"--area": "areas", "--theme": "themes", "--stream": "funding_streams", "--provider": "providers",
              "--mechanism": "mechanisms", "--status": "statuses"}
SINGLE = {"--search": "search", "--year": "from_year", "--from-year": "from_year", "--to-year": "to_year"}


def test_sql_metacharacters_in_cli_flags_of_query_and_export(hostile, tmp_path):
    """Each repeatable flag gets every payload at once; single-valued flags one payload a run."""
    awards = pl.read_parquet(hostile.parquet("awards"))
    before = _digest(hostile)
    options = filter_options(Database(hostile))
    tried = through = 0
    failures = []
    common = ["--include-unpublished", "--include-extensions", "--format", "json", "--data", str(hostile.root)]
    runs = [(flag, field, SQL) for flag, field in REPEATABLE.items()]
    runs += [(flag, field, [v]) for flag, field in SINGLE.items() for v in (SQL if flag == "--search" else SQL[:4])]
    for flag, field, values in runs:
        tried += len(values)
        args = ["query", "awards", *[a for v in values for a in (flag, v)], *common]
        result, rows = _cli_json(args)
        known = field in MULTI_FIELDS and all(v in options[MULTI_FIELDS[field]] for v in values)
        if field == "search" or known:
            want = sorted({i for v in values for i in expected_ids(awards, field, v)})
            ok = result.exit_code == 0 and sorted(r["award_id"] for r in rows) == want
        else:  # unknown values: a one-line error, exit status 2, no traceback
            ok = result.exit_code == 2 and result.stderr.startswith("Error: ") \
                and len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
        if not ok:
            through += len(values)
            failures.append(("query", flag, values, result.exit_code, result.output[-300:]))
    out = tmp_path / "export.json"
    for flag in ("--area", "--theme", "--stream", "--status", "--year", "--prefix"):
        for value in SQL[:3]:
            tried += 1
            result = CliRunner().invoke(main, ["export", "--format", "360giving-json", "--out", str(out), flag, value,
                                               "--data", str(hostile.root)])
            if result.exit_code != 2 or "Traceback" in result.output or out.exists():
                through += 1
                failures.append(("export", flag, value, result.exit_code, result.output[-300:]))
    assert _digest(hostile) == before
    report("injection-cli", probes=tried, through=through)
    assert through == 0, failures[:5]


# -- the dashboard: URL and sidebar values, and every rendered string -------------------------------

MARKUP = re.compile(r"(?<!\\)!?(?<!\\)\[[^\]]*(?<!\\)\]\(|(?<!\\)<\s*[a-z/!]|(?<!\\)\$[^$]+(?<!\\)\$|(?<!\\):[a-z]+\[",
                    re.IGNORECASE)
CHART_TAGS = re.compile(r"<(?!/?(?:br|b|i|extra|sup|sub)\b)[a-z/!]", re.IGNORECASE)


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def chart_texts(spec: dict):
    """Every string Plotly may draw: all but a trace's raw click values (customdata[0], ids, parents)."""
    for trace in spec.get("data", []):
        for key, value in trace.items():
            if key in ("ids", "parents"):
                continue
            if key == "customdata":
                value = [row[1:] if isinstance(row, list) else row for row in value]
            yield from _strings(value)
    yield from _strings(spec.get("layout", {}))


def rendered_markup(at: AppTest) -> list[str]:
    """Text in Markdown-rendering elements that would render as a link, image, HTML or maths, and
    chart text with HTML tags Plotly would act on (it renders <a href> and friends)."""
    bad = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success"):
        for el in at.get(kind):
            if MARKUP.search(str(el.value)):
                bad.append(f"{kind}: {el.value!r}")
    for el in [*at.button, *at.sidebar.button]:
        if MARKUP.search(el.label):
            bad.append(f"button: {el.label!r}")
    for el in at.metric:
        if MARKUP.search(el.label) or MARKUP.search(str(el.value)):
            bad.append(f"metric: {el.label!r}")
    for chart in at.get("plotly_chart"):
        for text in chart_texts(json.loads(chart.proto.spec)):
            if CHART_TAGS.search(text):
                bad.append(f"chart: {text!r}")
    return bad


@pytest.fixture
def open_hostile(hostile, monkeypatch):
    monkeypatch.setenv("PCCSPEND_DATA", str(hostile.root))

    def open_(query: dict, page: str = "overview") -> AppTest:
        at = AppTest.from_file(DASHBOARD, default_timeout=60)
        at.query_params.update(query)
        at.run()
        if page != "overview":
            at.query_params.update(query)
            at.switch_page(f"pages/{page}.py").run()
        return at

    return open_


PAGES = ["overview", "themes", "funding_streams", "years", "providers", "awards", "compare_areas",
         "data_quality", "sources"]


def _kpis_shown(at: AppTest) -> list[str]:
    return [m.value for m in at.metric]


def _kpis_expected(db: Database, filters: Filters) -> list[str]:
    k = db.query("kpis", filters).row(0, named=True)
    return [gbp(k["amount_gbp"], missing="£0"), f"{k['award_count']:,}", f"{k['provider_count']:,}",
            f"{k['missing_amount_count']:,}"]


@pytest.mark.slow
def test_hostile_links_on_every_page_never_crash_nor_inject(open_hostile, hdb):
    """Every payload in every URL key on the overview (figures checked), and on two more pages each."""
    options = filter_options(hdb)
    tried = through = 0
    failures = []
    for i, value in enumerate(SQL + HTML):
        query = {key: [value] for key in sorted(state.FILTER_KEYS | state.VIEW_KEYS)}
        query["unpublished"] = ["1"]  # valid, so the payload is not the only thing tested
        filters, _ = state.from_query(query, options)
        for page in ("overview", PAGES[1 + i % 8], PAGES[1 + (i + 4) % 8]):
            tried += 1
            at = open_hostile(query, page)
            problems = [e.value for e in at.exception] + rendered_markup(at)
            if page == "overview" and _kpis_shown(at) != _kpis_expected(hdb, filters):
                problems.append(f"kpis {_kpis_shown(at)} != {_kpis_expected(hdb, filters)}")
            if problems:
                through += 1
                failures.append((page, value, problems[:3]))
    report("injection-dashboard-links", probes=tried, through=through)
    assert through == 0, failures[:5]


@pytest.mark.slow
def test_hostile_sidebar_values_and_data_strings_render_as_text(open_hostile, hdb):
    """Sidebar choices of hostile providers, areas and streams (real options of this register),
    hostile search text, and the hostile document: figures right, URL round trip, no markup."""
    options = filter_options(hdb)
    tried = through = 0
    failures = []
    hostile_providers = [v for v in PAYLOADS if v in options["provider"]]
    steps = [("f:provider", [v]) for v in hostile_providers] + [("f:q", v) for v in SQL + HTML] + [
        ("f:area", [HOSTILE_AREA]), ("f:stream", [HOSTILE_STREAM]), ("f:provider", hostile_providers)]
    at = open_hostile({})
    for i, (key, value) in enumerate(steps):
        tried += 1
        widget = at.text_input(key=key) if key == "f:q" else at.multiselect(key=key)
        widget.set_value(value).run()
        filters, warnings = state.from_query(dict(at.query_params), options)
        problems = [e.value for e in at.exception] + rendered_markup(at)
        if _kpis_shown(at) != _kpis_expected(hdb, filters) or warnings:
            problems.append(f"kpis {_kpis_shown(at)} vs {_kpis_expected(hdb, filters)}; {warnings}")
        if problems:
            through += 1
            failures.append((key, value, problems[:3]))
        if key != "f:q":
            at.multiselect(key=key).set_value([]).run()
    for page, query in [("themes", {"provider": hostile_providers}), ("awards", {"provider": hostile_providers}),
                        ("providers", {"profile": [HTML[5]]}), ("sources", {"doc": ["HOSTILE-SRC"], "at": [HTML[5]]}),
                        ("data_quality", {"area": [HOSTILE_AREA]}), ("funding_streams", {"stream": [HOSTILE_STREAM]}),
                        ("compare_areas", {"area": [HOSTILE_AREA]}), ("years", {"stream": [HOSTILE_STREAM]})]:
        tried += 1
        at = open_hostile(query, page)
        problems = [e.value for e in at.exception] + rendered_markup(at)
        if problems:
            through += 1
            failures.append((page, query, problems[:3]))
    report("injection-dashboard-sidebar", probes=tried, through=through)
    assert through == 0, failures[:5]


def test_the_themes_drill_down_through_a_hostile_service_renders_as_text(open_hostile):
    at = open_hostile({"drill": ["victims", "Not stated", HTML[5]]}, "themes")
    assert not at.exception
    assert rendered_markup(at) == []
    assert r"!\[pixel\](http://127.0.0.1:9/pixel.png)" in [b.label for b in at.button]  # the breadcrumb


# -- formula payloads in every file a user can download ----------------------------------------------

NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$")


def _live(text) -> bool:
    """True for text a spreadsheet would run: starts like a formula and is not a plain number."""
    return isinstance(text, str) and text.startswith(FORMULA_START) and not NUMBER.match(text)


def live_cells(content: bytes, kind: str) -> list[str]:
    if kind == "csv":
        rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
        return [c for row in rows for c in row if _live(c)]
    if kind == "json":
        return [s for s in _strings(json.loads(content)) if _live(s)]
    out = []
    wb = openpyxl.load_workbook(io.BytesIO(content))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f" or _live(c.value):
                    out.append(f"{c.coordinate}: {c.value!r}")
    with zipfile.ZipFile(io.BytesIO(content)) as z:  # no formula element in any sheet part
        out += [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"<f>" in z.read(n)]
    return out


def test_formula_payloads_never_live_in_downloads_or_exports(hdb, hostile, tmp_path):
    tried = through = 0
    failures = []

    def probe(name: str, content: bytes, kind: str):
        nonlocal tried, through
        tried += 1
        live = live_cells(content, kind)
        if live:
            through += 1
            failures.append((name, live[:3]))

    hostile_filter = EVERYTHING.replace(providers=tuple(FORMULA))
    # The Awards page's three downloads (exactly its rows) and every page's chart-data CSVs.
    rows = pagedata.awards(hdb, hostile_filter)["awards"]
    assert rows.height == len(FORMULA)
    for kind, write in (("csv", to_csv_bytes), ("xlsx", to_xlsx_bytes), ("json", to_json_bytes)):
        probe(f"awards.{kind}", write(rows), kind)
    for page in ("overview", "themes", "funding_streams", "years", "providers", "awards", "compare_areas",
                 "data_quality", "sources"):
        for name, frame in getattr(pagedata, page)(hdb, EVERYTHING).items():
            probe(f"{page}/{name}.csv", to_csv_bytes(frame), "csv")
        for name, frame in getattr(pagedata, page)(hdb, hostile_filter).items():
            probe(f"{page}/{name}.csv (hostile)", to_csv_bytes(frame), "csv")
    # Exports (published awards; the hostile ones are published).
    for fmt in FORMATS:
        kind = "json" if fmt.endswith("json") else ("csv" if fmt.endswith("csv") else "xlsx")
        probe(f"export {fmt}", export_bytes(hdb, Filters(), fmt).content, kind)
    # Tab- and CR-led payloads cannot sit in the register (cells are trimmed): write them directly.
    frame = pl.DataFrame({"text": [*FORMULA, "\t=1+1", "\r=1+1", "-1", "+44 1223 000000", "=1", "@x"],
                          "amount_gbp": [Decimal("1.50")] * 11}, schema={"text": pl.String, "amount_gbp": pl.Decimal(18, 2)})
    for kind, write in (("csv", to_csv_bytes), ("xlsx", to_xlsx_bytes), ("json", to_json_bytes)):
        probe(f"direct.{kind}", write(frame), kind)
    report("injection-formulas", probes=tried, through=through)
    assert through == 0, failures[:5]


def test_a_document_registered_without_its_file_opens_without_text(hdb):
    """Found by the sidebar probe: `file_name` is optional, and the Sources page crashed on None."""
    data = pagedata.sources(hdb, EVERYTHING, doc="HOSTILE-SRC", at=HTML[5])
    assert "HOSTILE-SRC" in data["documents"]["source_id"].to_list()
    assert data["text"].is_empty()
