"""The publication decision (issue 13): the rules a decision keeps, the migration from `is_public`,
the public view of a build (held-back rows absent, withheld fields replaced, redacted awards
counted), and imports landing as drafts."""

from __future__ import annotations

import csv
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from pccspend.build import build
from pccspend.cli import main
from pccspend.db import Database
from pccspend.filters import Filters
from pccspend.importing import import_file
from pccspend.publication import MIGRATE_HINT
from pccspend.register import AWARD_COLUMNS, PUBLICATION_COLUMNS, STATUTORY_COLUMNS, TOTAL_COLUMNS
from pccspend.validate import Problem, validate_register
from tests.conftest import edit, set_row, WHO

FIXTURES = Path(__file__).parent / "fixtures"
TRAFFORD = FIXTURES / "trafford_council_voluntary_sector_grants.csv"
EVERYTHING = Filters(statuses=("awarded", "committed", "planned", "optional_extension"))


def row_number(data, award_id: str) -> int:
    with open(data.register / "awards.csv", newline="", encoding="utf-8") as fh:
        return next(i for i, r in enumerate(csv.DictReader(fh), start=2) if r["award_id"] == award_id)


def test_the_bundled_register_decides_every_award():
    """EXE0004/21 is a published decision record: its awards are published, its blank lines noted."""
    with open(Path(__file__).parent.parent / "data" / "register" / "awards.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["publication"] for r in rows} == {"published"}
    exe4 = [r for r in rows if r["award_id"].startswith("LEI-EXE0004-21")]
    assert len(exe4) == 5 and all("a gap in the document, not a decision to withhold" in r["notes"] for r in exe4)
    exe1 = {r["publication_decided_by"] for r in rows if r["award_id"].startswith("LEI-EXE0001")}
    assert exe1 == {"Paul Stock, Monitoring Officer (decision record EXE0001, Publication Scheme: Yes)"}


def test_each_decision_rule_is_named_with_its_row(fresh_data):
    awards = fresh_data.register / "awards.csv"
    edit(awards, set_row("CAM-BCB170511-VS01", publication="withheld"))
    edit(awards, set_row("CAM-BCB150714-01", publication="redacted", publication_reason="personal safety"))
    edit(awards, set_row("LEI-EXE0004-21-T2-01", publication="redacted", publication_reason="personal safety",
                         redacted_fields="provider; award_id; area;colour"))
    edit(awards, set_row("LEI-EXE0004-21-T2-02", redacted_fields="provider", publication_decided_on="1/12/2026"))
    edit(awards, set_row("LEI-EXE0004-21-T2-03", publication="maybe", recipient_org_id="1234567",
                         contract_copy_url="contract.pdf"))
    vs01, b150714, t1, t2, t3 = (row_number(fresh_data, a) for a in (
        "CAM-BCB170511-VS01", "CAM-BCB150714-01", "LEI-EXE0004-21-T2-01", "LEI-EXE0004-21-T2-02",
        "LEI-EXE0004-21-T2-03"))
    never = "is never withheld from a published award (withhold the whole award instead)"
    assert validate_register(fresh_data) == sorted([
        Problem("awards.csv", vs01, "publication_reason", None,
                "a reason is required when an award is redacted or withheld (the exemption relied on, "
                "e.g. personal safety)"),
        Problem("awards.csv", b150714, "redacted_fields", None,
                "a redacted award names the fields withheld, e.g. provider;description"),
        Problem("awards.csv", t1, "redacted_fields", "award_id", f"award_id {never}"),
        Problem("awards.csv", t1, "redacted_fields", "area", f"area {never}"),
        Problem("awards.csv", t1, "redacted_fields", "colour", "not a column of awards.csv"),
        Problem("awards.csv", t2, "redacted_fields", "provider",
                "only a redacted award withholds fields (publication is not 'redacted')"),
        Problem("awards.csv", t2, "publication_decided_on", "1/12/2026", "date must be a real date written YYYY-MM-DD"),
        Problem("awards.csv", t3, "publication", "maybe",
                "publication must be one of: draft, published, redacted, withheld"),
        Problem("awards.csv", t3, "recipient_org_id", "1234567",
                "an org-id such as GB-CHC-1234567 or GB-COH-01234567, or a 360G- identifier"),
        Problem("awards.csv", t3, "contract_copy_url", "contract.pdf", "url must start with http:// or https://"),
    ], key=lambda p: (p.file, p.row or 0, p.column or "", p.rule, p.value or ""))


def _old_layout(data) -> None:
    """The register as it was before the publication decision (is_public true/false)."""
    def awards(rows):
        for row in rows:
            row["is_public"] = "true" if row["publication"] == "published" else "false"
        return [c for c in AWARD_COLUMNS if c not in STATUTORY_COLUMNS + PUBLICATION_COLUMNS + ["recipient_org_id"]][:-1] \
            + ["is_public", "notes"], rows

    def totals(rows):
        for row in rows:
            row["is_public"] = "true" if row["publication"] == "published" else "false"
        return [c for c in TOTAL_COLUMNS if not c.startswith("publication")] + ["is_public"], rows

    edit(data.register / "awards.csv", set_row("LEI-EXE0004-21-T2-01", publication="draft"))
    edit(data.register / "awards.csv", awards)
    edit(data.register / "stated_totals.csv", totals)


def test_an_old_register_is_told_how_to_migrate_and_the_command_does_it(fresh_data):
    _old_layout(fresh_data)
    before = pl.read_csv(fresh_data.register / "awards.csv", infer_schema=False)
    hint = "this register predates the publication decision: " + MIGRATE_HINT
    assert validate_register(fresh_data) == [Problem("awards.csv", 1, "is_public", None, hint),
                                             Problem("stated_totals.csv", 1, "is_public", None, hint)]
    result = CliRunner().invoke(main, ["build", "--data", str(fresh_data.root)])
    assert result.exit_code == 1 and "python -m pccspend migrate" in result.output

    result = CliRunner().invoke(main, ["migrate", "--data", str(fresh_data.root)])
    assert result.exit_code == 0, result.output
    assert "Migrated awards.csv: 1 draft, 59 published." in result.output
    assert "Migrated stated_totals.csv: 13 published." in result.output
    assert validate_register(fresh_data) == []
    after = pl.read_csv(fresh_data.register / "awards.csv", infer_schema=False)
    assert after.columns == AWARD_COLUMNS
    # every other cell as it was; the flag became the decision
    assert after.select(before.columns[:-2] + ["notes"]).equals(before.select(before.columns[:-2] + ["notes"]))
    assert after["publication"].to_list() == ["published" if v == "true" else "draft" for v in before["is_public"]]
    assert Database(fresh_data).query("kpis")["award_count"][0] == 55  # the draft is not counted by default

    again = CliRunner().invoke(main, ["migrate", "--data", str(fresh_data.root)])
    assert again.exit_code == 0 and "nothing to migrate" in again.output


def test_the_public_view_replaces_withheld_fields_and_still_counts_the_award(fresh_data):
    awards = fresh_data.register / "awards.csv"
    reason = "personal safety"
    edit(awards, set_row("CAM-BCB170511-VS01", publication="redacted", redacted_fields="provider;description;notes",
                         publication_reason=reason))
    edit(awards, set_row("CAM-BCB150714-01", publication="redacted", redacted_fields="amount_gbp",
                         publication_reason="commercial interests"))
    edit(awards, set_row("LEI-EXE0004-21-T2-01", publication="withheld", publication_reason="prevention of crime"))
    build(fresh_data)
    office, public = Database(fresh_data), Database(fresh_data, public=True)
    assert office.public_view().build_path == public.build_path

    got = public.query("awards", EVERYTHING).filter(pl.col("award_id").is_in(["CAM-BCB170511-VS01", "CAM-BCB150714-01"]))
    assert got.select("award_id", "provider", "description", "amount_gbp", "amount_note", "publication").rows() == [
        ("CAM-BCB150714-01", "Peterborough City Council", got["description"][0], None,
         "Amount withheld: commercial interests", "redacted"),
        ("CAM-BCB170511-VS01", f"Withheld: {reason}", f"Withheld: {reason}", Decimal("446000.00"), None, "redacted"),
    ]
    assert "LEI-EXE0004-21-T2-01" not in public.query("awards", EVERYTHING)["award_id"].to_list()
    # The office sees every field; the public total counts the redacted award but not the
    # withheld amount (£150,000) nor the withheld award (LEI-EXE0004-21-T2-01, £146,036).
    seen = office.query("awards", EVERYTHING.replace(include_unpublished=True))
    assert seen.filter(pl.col("award_id") == "CAM-BCB170511-VS01")["provider"].to_list() == ["Cambridgeshire Constabulary"]
    office_total = office.query("kpis")["amount_gbp"][0]
    public_total = public.query("kpis")["amount_gbp"][0]
    withheld_amount = seen.filter(pl.col("award_id") == "LEI-EXE0004-21-T2-01")["amount_gbp"][0]
    assert office_total == Decimal("4832360.00") - withheld_amount
    assert public_total == office_total - Decimal("150000.00")
    # No table or file of the public build holds a withheld text as VS01's.
    assert "Cambridgeshire Constabulary" in all_text(public.build_path)  # its other awards are there...
    vs01 = public.query("awards", Filters(providers=("Cambridgeshire Constabulary",)))
    assert "CAM-BCB170511-VS01" not in vs01["award_id"].to_list()  # ...but not as VS01's provider


def all_text(folder: Path) -> str:
    """Every cell of every parquet file and every table of the database in a build folder, as text
    (compressed files hide their strings from a byte search)."""
    cells = []
    for path in sorted(folder.glob("*.parquet")):
        frame = pl.read_parquet(path)
        cells += [str(v) for c in frame.columns for v in frame[c].to_list()]
    with tempfile.TemporaryDirectory() as tmp:  # a copy: the open Database holds the file with its own settings
        copy = Path(tmp) / "copy.duckdb"
        shutil.copyfile(folder / "pccspend.duckdb", copy)
        cells += _table_text(copy)
    return "\n".join(cells)


def _table_text(path: Path) -> list[str]:
    import duckdb

    cells = []
    con = duckdb.connect(str(path), read_only=True)
    try:
        for schema, table in con.execute("select schema_name, table_name from duckdb_tables()").fetchall():
            frame = con.sql(f'select * from "{schema}"."{table}"').pl()
            cells += [str(v) for c in frame.columns for v in frame[c].to_list()]
    finally:
        con.close()
    return cells


def test_an_import_lands_as_drafts_and_changes_no_public_figure(fresh_data):
    build(fresh_data)
    before_public = Database(fresh_data, public=True).query("kpis").row(0)
    before_office = Database(fresh_data).query("kpis").row(0)
    plan = import_file(fresh_data, TRAFFORD, "Greater Manchester", who=WHO)
    assert plan.ok and plan.added > 500
    office, public = Database(fresh_data), Database(fresh_data, public=True)
    assert public.query("kpis").row(0) == before_public
    assert office.query("kpis").row(0) == before_office  # the default view is the public's rows
    internal = office.query("kpis", Filters(include_unpublished=True))["award_count"][0]
    assert internal == before_office[1] + plan.added
    with open(fresh_data.register / "awards.csv", newline="", encoding="utf-8") as fh:
        imported = [r for r in csv.DictReader(fh) if r["source_id"].startswith("IMPORT-")]
    assert {r["publication"] for r in imported} == {"draft"}


def test_publish_on_import_is_explicit_shown_in_the_dry_run_and_recorded(fresh_data):
    build(fresh_data)
    runner = CliRunner()
    dry = runner.invoke(main, ["import", str(TRAFFORD), "--area", "Greater Manchester", "--dry-run", "--publish",
                               "--data", str(fresh_data.root)])
    assert dry.exit_code == 0, dry.output
    assert "are published on import, decided by" in dry.output and "(command line)" in dry.output
    plain = runner.invoke(main, ["import", str(TRAFFORD), "--area", "Greater Manchester", "--dry-run",
                                 "--data", str(fresh_data.root)])
    assert "land as drafts: no public figure changes until someone publishes them" in plain.output
    done = runner.invoke(main, ["import", str(TRAFFORD), "--area", "Greater Manchester", "--publish",
                                "--data", str(fresh_data.root)])
    assert done.exit_code == 0, done.output
    with open(fresh_data.register / "awards.csv", newline="", encoding="utf-8") as fh:
        imported = [r for r in csv.DictReader(fh) if r["source_id"].startswith("IMPORT-")]
    assert {(r["publication"], r["publication_decided_by"].endswith("(command line)")) for r in imported} == {
        ("published", True)}
    assert Database(fresh_data, public=True).query("kpis", Filters(areas=("Greater Manchester",)))["award_count"][0] \
        == len(imported)


@pytest.mark.parametrize("column", ["service", "provider"])
def test_a_held_back_row_is_in_no_byte_of_the_public_build(fresh_data, column):
    """A withheld award's own text is absent from the public build (parquet and database alike)."""
    secret = "Secret refuge Qx7Vb" if column == "provider" else "Secret service Qx7Vb"
    edit(fresh_data.register / "awards.csv", set_row(
        "CAM-BCB170511-VS01", publication="withheld", publication_reason="personal safety",
        **({"provider": secret} if column == "provider" else {"service": secret})))
    build(fresh_data)
    public = Database(fresh_data, public=True)
    assert "Qx7Vb" not in all_text(public.build_path)
    assert all(b"Qx7Vb" not in p.read_bytes() for p in public.build_path.rglob("*") if p.is_file())
    assert "Qx7Vb" in all_text(public.build_path.parent)  # the office's view holds it
