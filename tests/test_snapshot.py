"""Public snapshots: published rows only (a canary award never reaches any byte of any file), hostile
text escaped and neutralised, byte-identical reruns, a manifest that verifies, the exact figures
for a known scope, the CLI, the zip and the Publish page."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from pccspend import manifest, site, snapshot
from pccspend.cli import main
from pccspend.filters import Filters
from pccspend.paths import PROJECT_ROOT
from pccspend.snapshot import NotPublic, Scope, TargetRefused
from tests.conftest import WHO
from tests.snapshot_setup import (
    CANARY_STRINGS, CANARY_TOTAL, FORMULA, LOCATOR, REDACTED_AWARD, REDACTED_REASON, SCRIPT, hostile_snapshot,
)

PUBLISH_PAGE = "pages/publish.py"
CAMBS_2017 = ["--area", "Cambridgeshire", "--year", "2017/18"]


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    return hostile_snapshot(tmp_path_factory)


@pytest.fixture(scope="session")
def cambs(built, tmp_path_factory) -> Path:
    """Cambridgeshire 2017/18 (where both canaries are) written by the CLI."""
    out = tmp_path_factory.mktemp("cambs") / "site"
    result = CliRunner().invoke(main, ["snapshot", "--out", str(out), *CAMBS_2017, "--data", str(built.data.root)])
    assert result.exit_code == 0, result.output
    return out


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def unpacked(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def leaks(named: dict[str, bytes]) -> list[tuple[str, str]]:
    """(file, canary string) for every canary string found in any file, in any case or encoding
    the files use (UTF-8 text, JSON \\u escapes, HTML entities do not apply to these ASCII strings)."""
    found = []
    for name, content in named.items():
        lowered = content.lower()
        for text in CANARY_STRINGS:
            if text.lower().encode() in lowered or text.encode("utf-16-le") in content:
                found.append((name, text))
    return found


def test_the_canary_never_reaches_any_file(built, cambs):
    for folder in (built.folder, cambs):
        named = files(folder)
        assert len(named) > 20
        assert leaks(named) == []
    # and the register really holds it: the same search over the register finds it
    assert leaks({"awards.csv": (built.data.register / "awards.csv").read_bytes()})


def test_the_zip_holds_the_same_files_as_the_folder_and_no_canary(built, cambs):
    scope = Scope(("Cambridgeshire",), "2017/18", "2017/18")
    content = snapshot.snapshot_zip(built.db, scope, who=WHO)
    members = unpacked(content)
    root = snapshot.zip_name(scope)
    assert root == "pcc-spend-cambridgeshire-2017-18"
    assert members == {f"{root}/{name}": data for name, data in files(cambs).items()}
    assert leaks(members) == [] and leaks({"zip": content}) == []
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        assert {i.date_time for i in zf.infolist()} == {snapshot.ZIP_TIME}
    assert snapshot.zip_folder(cambs, root) == content


def test_two_runs_give_identical_folders(built):
    first, second = files(built.folder), files(built.second)
    assert list(first) == list(second)
    assert [n for n in first if first[n] != second[n]] == []
    assert {n.split("/")[0] for n in first} == {
        "index.html", "area-cambridgeshire.html", "area-leicestershire.html", "area-west-midlands.html",
        "charts", "data", "manifest.json", "plotly.min.js", "snapshot.js", "style.css"}


def test_the_manifest_lists_every_file_with_a_checksum_that_verifies(built, tmp_path):
    folder = built.folder
    about = json.loads((folder / "manifest.json").read_text())
    assert about["register_sha256"] == built.db.info["register_sha256"]
    assert about["generator"] == snapshot.GENERATOR
    assert about["scope"] == {"areas": "all", "from_year": None, "to_year": None, "published_only": True}
    assert about["areas_covered"] == ["Cambridgeshire", "Leicestershire", "West Midlands"]
    assert about["data_as_of"] == "2021-03-30"  # the newest *published* document (EXE0004/21), not the canary's
    assert [f["path"] for f in about["files"]] == sorted(n for n in files(folder) if n != "manifest.json")
    assert manifest.verify(folder) == []
    # a changed, a missing and an extra file are each reported
    copy = tmp_path / "copy"
    for name, content in files(folder).items():
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_bytes(content)
    (copy / "data" / "awards.csv").write_bytes(b"changed")
    (copy / "style.css").unlink()
    (copy / "extra.txt").write_text("x")
    assert manifest.verify(copy) == ["extra.txt: not in the manifest", "data/awards.csv: 7 bytes, the manifest says "
                                     f"{(folder / 'data' / 'awards.csv').stat().st_size}", "style.css: missing"]


def test_hostile_text_is_escaped_in_html_and_svg(built):
    pages = [p for p in built.folder.glob("*.html")]
    index = (built.folder / "index.html").read_text()
    for page in pages:
        text = page.read_text()
        assert SCRIPT not in text and "<b onmouseover" not in text and "alert(2)" not in text
        # the only scripts: figure data (JSON, not run) and the two local files
        tags = re.findall(r"<script\b[^>]*>", text)
        assert set(tags) <= {'<script src="plotly.min.js">', '<script src="snapshot.js">'} | {
            t for t in tags if re.fullmatch(r'<script type="application/json" id="figure-[a-z_]+">', t)}
        assert "http" not in " ".join(re.findall(r'<(?:script|link)\b[^>]*>', text))  # nothing fetched
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert "&lt;b onmouseover=alert(3)&gt;Paragraph 4.3&lt;/b&gt;" in index
    assert "=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)" in index
    for svg in (built.folder / "charts").glob("*.svg"):
        assert b"<script" not in svg.read_bytes()


def test_formulas_are_neutralised_in_csv_xlsx_and_json(built):
    data = built.folder / "data"
    rows = list(csv.DictReader(io.StringIO((data / "awards.csv").read_text(encoding="utf-8-sig"))))
    vs01 = next(r for r in rows if r["award_id"] == "CAM-BCB170511-VS01")
    assert (vs01["service"], vs01["provider"], vs01["source_locator"]) == ("'" + FORMULA, SCRIPT, LOCATOR)
    assert "is_public" not in vs01 and "source_file" not in vs01
    book = openpyxl.load_workbook(data / "awards.xlsx")
    cells = [c for row in book.active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'" + FORMULA in {c.value for c in cells}
    records = json.loads((data / "awards.json").read_text())
    assert next(r for r in records if r["award_id"] == "CAM-BCB170511-VS01")["service"] == "'" + FORMULA
    assert len(rows) == len(records) == book.active.max_row - 1 == 57  # 51, the 5 EXE0004/21 awards and the redacted canary
    for chart_csv in (data / "charts").glob("*.csv"):
        assert not re.search(rb'(^|[,\n])"?[=+@]', chart_csv.read_bytes().removeprefix(b"\xef\xbb\xbf")), chart_csv


def test_exact_headline_figures_for_cambridgeshire_2017_18(cambs):
    about = json.loads((cambs / "manifest.json").read_text())
    assert about["scope"] == {"areas": ["Cambridgeshire"], "from_year": "2017/18", "to_year": "2017/18",
                              "published_only": True}
    assert about["pages"] == ["index.html"]
    html = (cambs / "index.html").read_text()
    kpis = re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", html)
    # 22 providers in the bundled register: the hostile name given to one of Cambridgeshire
    # Constabulary's awards counts as a 23rd, the redacted award's withheld provider as a 24th; its
    # £1,000 counts in the total.
    assert kpis == [("Total spend", "£2,274,508"), ("Awards", "37"), ("Providers", "24"),
                    ("Awards without an amount", "2")]
    assert html.count("<h1>") == 1
    assert "<h1>Commissioned services and grants: Cambridgeshire, 2017/18</h1>" in html
    awards = list(csv.DictReader(io.StringIO((cambs / "data" / "awards.csv").read_text(encoding="utf-8-sig"))))
    assert len(awards) == 37
    assert sum(Decimal(a["amount_gbp"]) for a in awards if a["amount_gbp"]) == Decimal("2274508")
    redacted = next(a for a in awards if a["award_id"] == REDACTED_AWARD)
    withheld = f"Withheld: {REDACTED_REASON}"
    assert {c: redacted[c] for c in ("provider", "description", "source_locator", "notes", "amount_gbp",
                                     "service", "publication", "publication_reason")} == {
        "provider": withheld, "description": withheld, "source_locator": withheld, "notes": withheld,
        "amount_gbp": "1000.00", "service": "Refuge accommodation", "publication": "redacted",
        "publication_reason": REDACTED_REASON}


def test_reconciliation_counts_published_lines_only_and_states_gaps(built, cambs):
    rec = built.db.query("reconciliation", Filters(areas=("Cambridgeshire",)))
    row = rec.filter(rec["total_id"] == CANARY_TOTAL).row(0, named=True)
    assert (row["line_sum_gbp"], row["line_count"]) == (Decimal("446000.00"), 1)
    internal = built.db.query("reconciliation", Filters(areas=("Cambridgeshire",), include_unpublished=True))
    assert internal.filter(internal["total_id"] == CANARY_TOTAL)["line_count"].to_list() == [2]
    html = (cambs / "index.html").read_text()
    assert ("Commissioning and Grants (Paragraph 3.3) states £1,300,000 for Main budget for Crime and Disorder "
            "Reduction Grants 2017/18 (2017/18); the 25 published awards it covers add up to £1,312,248, 1 of "
            "them without an amount: £12,248 more than stated. It is a budget, which the awards need not add up "
            "to.") in html


def test_method_note_and_optional_extensions_shown_apart(built):
    html = (built.folder / "area-leicestershire.html").read_text()
    assert "Optional extensions (not counted)" in html
    assert "Optional contract extensions worth £448,909 are shown separately" in html
    assert "How we count" in html and "A missing amount is not zero." in html
    extensions = (built.folder / "data" / "optional_extensions.csv").read_text(encoding="utf-8-sig")
    assert extensions.count("optional_extension") == 4


def test_area_names_become_safe_file_names():
    assert [snapshot.slug(a) for a in ["West Midlands", "Devon & Cornwall", "../../etc/passwd", "Ynys Môn", "<>"]] == [
        "west-midlands", "devon-cornwall", "etc-passwd", "ynys-mon", "area"]


def test_a_long_award_table_is_cut_on_the_page_and_says_so(built, monkeypatch):
    monkeypatch.setattr(snapshot, "HTML_AWARD_ROWS", 5)
    data = snapshot.collect(built.db, Scope(("Cambridgeshire",), "2017/18", "2017/18"))
    about = {"generator": snapshot.GENERATOR, "register_sha256": "0" * 64, "data_as_of": "11 May 2017"}
    context, _ = snapshot._page_context(data, "index.html", about, [])
    html = site.render_page(context)
    table = html[html.index('<caption id="awards-cap">'):]
    assert table[:table.index("</table>")].count('<th scope="row">') == 5
    assert "37 awards, each with the document" in html and "This page lists the first\n    5</strong>" in html


def test_nothing_but_public_filters_get_through():
    with pytest.raises(NotPublic):
        snapshot._published(None, "awards", Filters(include_unpublished=True))
    assert Scope(("Cambridgeshire",)).filters().include_unpublished is False


def test_refuses_to_overwrite_a_folder_that_is_not_a_snapshot(built, tmp_path):
    (tmp_path / "keep.txt").write_text("precious")
    with pytest.raises(TargetRefused):
        snapshot.write_snapshot(built.db, tmp_path, Scope(), who=WHO)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_cli_replaces_a_previous_snapshot_whole_and_leaves_nothing_beside_it(built, cambs, tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps({"generator": "pccspend 0.0.1"}))
    (out / "stale.html").write_text("old")
    result = CliRunner().invoke(main, ["snapshot", "--out", str(out), *CAMBS_2017, "--data", str(built.data.root)])
    assert result.exit_code == 0, result.output
    assert "... drawing 4 chart(s)" in result.output
    assert files(out) == files(cambs)
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


@pytest.mark.parametrize("args, message", [
    (["--area", "Atlantis"], "area 'Atlantis': there is no such area"),
    (["--year", "2017/18", "--from-year", "2016/17"], "give --year or --from-year/--to-year, not both"),
    (["--year", "2017"], "year '2017': not a financial year"),
])
def test_cli_errors(built, tmp_path, args, message):
    result = CliRunner().invoke(main, ["snapshot", "--out", str(tmp_path / "x"), *args, "--data", str(built.data.root)])
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "x").exists()


def test_publish_page_previews_public_rows_and_offers_the_zip(built, monkeypatch):
    monkeypatch.setenv("PCCSPEND_DATA", str(built.data.root))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=120)
    at.switch_page(PUBLISH_PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.multiselect(key="publish:areas").set_value(["Cambridgeshire"])
    at.selectbox(key="publish:from").set_value("2017/18")
    at.selectbox(key="publish:to").set_value("2017/18").run()
    assert [(m.label, m.value) for m in at.metric] == [
        ("Published awards", "37"), ("Total spend", "£2,274,508"), ("Held back (not published)", "3")]
    shown = at.dataframe[0].value
    assert len(shown) == 37 and not shown.to_string().count("CANARY")
    assert leaks({"preview": shown.to_csv().encode()}) == []
    redacted = shown[shown["award_id"] == REDACTED_AWARD].iloc[0]
    assert (redacted["provider"], redacted["amount_gbp"]) == (f"Withheld: {REDACTED_REASON}", 1000)
    at.button(key="publish:build").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "pcc-spend-cambridgeshire-2017-18.zip" in [s.value for s in at.success][0]
