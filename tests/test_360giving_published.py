"""360Giving files others published, read as they are (tests/fixtures/360giving-published/README.md
gives their origin and licence): import, export, then import into an empty register gives the same
grants with the same ids, org ids, currencies, amounts, dates and durations."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from pccspend.build import build
from pccspend.db import Database
from pccspend.export import export_bytes
from pccspend.filters import Filters
from pccspend.importing import import_file, report_lines
from tests.conftest import WHO
from tests.test_import import empty_register

PUBLISHED = Path(__file__).parent / "fixtures" / "360giving-published"
FILES = {"wolfson-currency.json": 379, "power-to-change.json": 870}


def _originals(name: str) -> dict[str, dict]:
    return {g["id"]: g for g in json.loads((PUBLISHED / name).read_text(encoding="utf-8"))["grants"]}


def _first(grant: dict, key: str, fields=("id", "name")) -> dict:
    items = grant.get(key) or [{}]
    return {k: v for k, v in items[0].items() if k in fields}


def _iso_day(text: str) -> str:
    """`05/06/2014` -> `2014-06-05` (what the import says it reads day first)."""
    if "/" not in text:
        return text
    day, month, year = text.split(" ")[0].split("/")
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _exported(data) -> dict[str, dict]:
    return {g["id"]: g for g in json.loads(export_bytes(Database(data), Filters(), "360giving-json").content)["grants"]}


@pytest.mark.parametrize("name", FILES)
def test_a_published_file_survives_import_export_import(tmp_path, name):
    originals = _originals(name)
    first = empty_register(tmp_path / "first")
    plan = import_file(first, PUBLISHED / name, "Cambridgeshire", who=WHO, publish=True)
    assert plan.ok, plan.problems[:3]
    assert plan.added == FILES[name] == len(originals)
    build(first)
    once = _exported(first)
    assert once.keys() == originals.keys()  # every grant, dollars too, under the id it came with
    for gid, original in originals.items():
        grant = once[gid]
        assert _first(grant, "recipientOrganization") == _first(original, "recipientOrganization"), gid
        assert _first(grant, "fundingOrganization") == _first(original, "fundingOrganization"), gid
        assert grant["currency"] == original["currency"], gid
        assert Decimal(str(grant["amountAwarded"])) == Decimal(str(original["amountAwarded"])), gid
        assert grant["awardDate"] == _iso_day(original["awardDate"]), gid
        assert grant.get("plannedDates") == original.get("plannedDates"), gid
        assert grant.get("dataSource") == original.get("dataSource"), gid
        geo = _first(original, "beneficiaryLocation", ("geoCode",))
        assert _first(grant, "beneficiaryLocation", ("geoCode",)) == geo, gid

    out = tmp_path / "export.json"
    out.write_bytes(export_bytes(Database(first), Filters(), "360giving-json").content)
    second = empty_register(tmp_path / "second")
    assert import_file(second, out, "Cambridgeshire", who=WHO, publish=True).ok
    build(second)
    kept = ("id", "currency", "amountAwarded", "awardDate", "plannedDates", "recipientOrganization",
            "fundingOrganization", "beneficiaryLocation", "dateModified", "dataSource", "classifications")
    assert {g: {k: v.get(k) for k in kept} for g, v in _exported(second).items()} == \
        {g: {k: v.get(k) for k in kept} for g, v in once.items()}


def test_the_wolfson_file_keeps_its_dollars_apart_and_lists_its_day_first_dates(tmp_path):
    data = empty_register(tmp_path / "data")
    plan = import_file(data, PUBLISHED / "wolfson-currency.json", "Cambridgeshire", who=WHO, publish=True)
    lines = report_lines(plan, applied=True)
    assert "4 row(s) not in GBP (amount kept in amount_note, not counted in GBP totals): rows 13, 14, 15, 16" in lines
    assert any(line.startswith("379 row(s) with dates written DD/MM/YYYY (read as day/month/year)") for line in lines)
    assert any(line.startswith("376 row(s) whose DD/MM/YYYY dates could also be read month first") for line in lines)
    build(data)
    db = Database(data)
    assert db.query("other_currencies", Filters()).rows() == [("USD", Decimal("153934.00"), 4)]
    originals = _originals("wolfson-currency.json").values()
    gbp = sum(Decimal(str(g["amountAwarded"])) for g in originals if g["currency"] == "GBP")
    assert db.query("kpis", Filters())["amount_gbp"][0] == gbp == Decimal("31024522")
    grant = _exported(data)["360G-wolfson-19747"]
    # Last Modified `17/08/2015 00:00`: read day first, and given the time zone the schema requires.
    assert grant["dateModified"] == "2015-08-17T00:00:00Z"
    assert grant["recipientOrganization"][0]["id"] == "360G-wolfson:org-13177"


def test_a_bad_last_modified_is_named_by_the_files_row_and_field(tmp_path):
    package = json.loads((PUBLISHED / "wolfson-currency.json").read_text(encoding="utf-8"))
    package["grants"][2]["dateModified"] = "31/02/2015 00:00"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(package), encoding="utf-8")
    data = empty_register(tmp_path / "data")
    plan = import_file(data, path, "Cambridgeshire", who=WHO)
    assert [(p.file, p.row, p.column, p.value) for p in plan.problems] == [
        ("bad.json", 3, "dateModified", "31/02/2015 00:00")]
    assert plan.problems[0].rule == "date must be YYYY-MM-DD (or a full date-time, or DD/MM/YYYY)"
