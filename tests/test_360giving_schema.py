"""Every export format is valid 360Giving (issue 15): the JSON package against the official package
schema, and each CSV and XLSX row through its JSON equivalent against the grant schema, with formats
checked (date-time, uri). The schema is 360Giving's own, 1.4.3 (tests/fixtures/360giving-schema/,
with its source and licence); nothing is fetched."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema")
from referencing import Registry  # noqa: E402
from referencing.jsonschema import DRAFT202012  # noqa: E402

from pccspend.build import build  # noqa: E402
from pccspend.db import Database  # noqa: E402
from pccspend.export import export_bytes  # noqa: E402
from pccspend.filters import Filters  # noqa: E402
from pccspend.giving360 import EXTENSION, EXPORT_ONLY, EXTENSION_KEY, FIELDS, title_key  # noqa: E402
from pccspend.importing import import_file  # noqa: E402
from tests.conftest import WHO, copy_data  # noqa: E402
from tests.test_import import TRAFFORD  # noqa: E402

SCHEMAS = Path(__file__).parent / "fixtures" / "360giving-schema"
NUMBERS = {"amount_awarded", "planned_months"}  # flat cells the schema types as numbers


def validator(name: str):
    """A validator for one of the two schemas, every $ref resolved locally, formats checked."""
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text())
    package = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text())
    # Their $schema says http://json-schema.org/draft/2020-12/schema (http): draft 2020-12, named as such.
    resource = DRAFT202012.create_resource(grant)
    # The package names the 1.4.2 grant schema's URL: it is this one (the README says so).
    registry = Registry().with_resources([
        (grant["$id"], resource), (grant["$id"].replace("1.4.3", "1.4.2"), resource)])
    schema = package if name == "package" else grant
    cls = jsonschema.Draft202012Validator
    return cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)


def _classification_titles() -> dict[str, str]:
    """The schema's own titles of a Classification's fields (`Code` -> code), as flatten-tool
    compares them: spaces out, case aside."""
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text())
    fields = grant["$defs"]["Classification"]["properties"]
    return {spec["title"].replace(" ", "").casefold(): name for name, spec in fields.items()}


# `Classifications:Code` (the first item) and `Classifications:1:Code` (numbered: further items)
NUMBERED = re.compile(r"^classifications:(?:(\d+):)?(.+)$")


def unflatten(row: dict) -> dict:
    """A flat row (column title -> text) as the JSON grant it stands for, as 360Giving's flatten-tool
    does: each title is a path, a number in it an item of a list (an unnumbered one an item of its
    own, first); numbers where the schema wants numbers; empty cells left out."""
    by_title = {title_key(title): (field, path) for field, (title, path) in FIELDS.items()}
    extension_titles = {title_key(title): key for title, key in (*EXTENSION.values(), *EXPORT_ONLY.values())}
    classification_titles = _classification_titles()
    grant: dict = {}
    items: dict[int, dict] = {}
    for title, value in row.items():
        if value in (None, ""):
            continue
        key = title_key(title)
        if m := NUMBERED.match(key):
            name = m.group(2).replace(" ", "")
            item = items.setdefault(-1 if m.group(1) is None else int(m.group(1)), {})
            item[classification_titles.get(name, name)] = value
            continue
        if key in extension_titles:
            grant.setdefault(EXTENSION_KEY, {})[extension_titles[key]] = value
            continue
        field, path = by_title[key]
        if field in NUMBERS:
            value = json.loads(str(value)) if not isinstance(value, (int, float, Decimal)) else value
            value = float(value) if isinstance(value, Decimal) else value
        node = grant
        for part, nxt in zip(path, path[1:]):
            if isinstance(nxt, int):
                node = node.setdefault(part, [{}])[0]
            elif not isinstance(part, int):
                node = node.setdefault(part, {})
        node[path[-1]] = value
    if items:
        grant["classifications"] = [items[n] for n in sorted(items)]
    return grant


@pytest.fixture(scope="module")
def exported_db(tmp_path_factory):
    """The bundled register plus the Trafford file, published: awards born here and grants that
    arrived with their own identifiers, org ids, date-times and durations."""
    data = copy_data(tmp_path_factory.mktemp("schema") / "data")
    import_file(data, TRAFFORD, "Trafford", who=WHO, publish=True)
    build(data)
    return Database(data)


def errors(check, instance) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in check.iter_errors(instance)][:5]


def test_the_json_package_is_valid(exported_db):
    export = export_bytes(exported_db, Filters(), "360giving-json")
    package = json.loads(export.content)
    # Trafford's 555 and the 48 bundled awards with an amount and a named recipient (8 left out, listed)
    assert (len(package["grants"]), len(export.omitted)) == (603, 8)
    assert errors(validator("package"), package) == []


@pytest.mark.parametrize("fmt", ["360giving-csv", "360giving-xlsx"])
def test_every_flat_row_is_a_valid_grant(exported_db, fmt):
    content = export_bytes(exported_db, Filters(), fmt).content
    if fmt.endswith("csv"):
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True)["grants"]
        header, *values = [list(r) for r in sheet.iter_rows(values_only=True)]
        rows = [dict(zip(header, v)) for v in values]
    check = validator("grant")
    assert len(rows) == 603
    bad = {row["Identifier"]: errors(check, unflatten(row)) for row in rows}
    assert {k: v for k, v in bad.items() if v} == {}


def test_the_validator_refuses_what_the_standard_refuses(exported_db):
    """The checks have teeth: a grant missing a required field, a bad date and a bad URI fail."""
    package = json.loads(export_bytes(exported_db, Filters(), "360giving-json").content)
    grant = dict(package["grants"][0])
    check = validator("grant")
    assert errors(check, grant) == []
    assert errors(check, {k: v for k, v in grant.items() if k != "awardDate"})
    assert errors(check, {**grant, "awardDate": "18/01/2013"})
    assert errors(check, {**grant, "dataSource": "not a uri"})
    assert errors(check, {**grant, "plannedDates": [{"startDate": "2016-13-01"}]})
