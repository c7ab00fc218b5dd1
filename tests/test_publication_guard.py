"""Publication guard (issues 8 and 13): for random registers with random publication decisions
(draft, published, redacted with random fields withheld, withheld), no held-back award's id,
provider or service and no withheld field's text appears in any byte of any export (360Giving
CSV/JSON/XLSX, the register XLSX) or snapshot file, whatever the export is asked (zip and XLSX
parts unpacked)."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pccspend.build import build
from pccspend.db import Database
from pccspend.export import FORMATS, export_bytes
from pccspend.filters import Filters
from tests.conftest import copy_data, WHO
from tests.hardening import report

EXAMPLES = 30
SNAPSHOTS = 1  # a snapshot draws every chart in Chromium (seconds): the first example with secrets gets one


def _parts(name: str, content: bytes):
    """A file's bytes, and the bytes of every part inside it when it is a zip (XLSX, snapshot zip)."""
    yield name, content
    if content[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            for inner in z.namelist():
                yield from _parts(f"{name}!{inner}", z.read(inner))


def leaks(files: dict[str, bytes], secrets: list[str]) -> list[tuple[str, str]]:
    patterns = [(s, re.compile(re.escape(s.encode()) + rb"(?![A-Za-z0-9._/-])")) for s in secrets]
    return [(name, s) for path, content in files.items() for name, part in _parts(path, content)
            for s, pattern in patterns if pattern.search(part)]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> dict:
    data = copy_data(tmp_path_factory.mktemp("guard") / "data")
    with open(data.register / "awards.csv", newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return {"data": data, "fields": reader.fieldnames, "rows": list(reader)}


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_unpublished_award_reaches_any_export_or_snapshot(base, tmp_path_factory, data):
    rows = [dict(r) for r in base["rows"]]
    for i, row in enumerate(rows):
        state = data.draw(st.sampled_from(["published", "draft", "redacted", "withheld"]), label=row["award_id"])
        row["publication"] = state
        if data.draw(st.booleans()):  # a name of its own, so a leak of it cannot hide behind a shared one
            token = f"{i:02d}{data.draw(st.from_regex(r'[A-Z][a-z]{3}[0-9]{2}', fullmatch=True))}"
            row["service"] = f"Service {token}"
            if row["provider"]:
                row["provider"] = f"Provider {token}"
            row["description"] = f"Description {token}"
        if state in ("redacted", "withheld"):
            row["publication_reason"] = "personal safety"
        if state == "redacted":
            fields = data.draw(st.lists(st.sampled_from(["provider", "service", "description"]), min_size=1,
                                        max_size=3, unique=True), label=f"{row['award_id']} withholds")
            row["redacted_fields"] = ";".join(fields)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, base["fields"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    folder = base["data"]
    (folder.register / "awards.csv").write_text(buf.getvalue(), encoding="utf-8")
    build(folder)
    public = [r for r in rows if r["publication"] in ("published", "redacted")]
    withheld = {(r["award_id"], c) for r in public for c in r["redacted_fields"].split(";") if c}
    # What may be published: every cell of a public award but its withheld fields, the documents
    # and stated totals.
    allowed = "\n".join([v for r in public for c, v in r.items() if v and (r["award_id"], c) not in withheld] + [
        (folder.register / name).read_text(encoding="utf-8") for name in ("sources.csv", "stated_totals.csv")])
    held_back = {r[c] for r in rows if r["publication"] in ("draft", "withheld") for c in ("award_id", "provider", "service")}
    redacted = {r[c] for r in public for c in ("provider", "service", "description") if (r["award_id"], c) in withheld}
    secrets = sorted(s for s in held_back | redacted if s and s not in allowed)
    db = Database(folder)
    files = {}
    try:
        for fmt in FORMATS:
            for name, filters in (("all", Filters()), ("asked-for-unpublished", Filters(include_unpublished=True))):
                files[f"{fmt}-{name}"] = export_bytes(db, filters, fmt).content
        if _COUNTERS["snapshots"] < SNAPSHOTS and secrets:
            from pccspend.snapshot import Scope, snapshot_zip, write_snapshot

            out = tmp_path_factory.mktemp("snapshot") / "site"
            write_snapshot(db, out, Scope(), who=WHO)
            files |= {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
            files["snapshot.zip"] = snapshot_zip(db, Scope(), who=WHO)
            _COUNTERS["snapshots"] += 1
    finally:
        db.close()
    found = leaks(files, secrets)
    _COUNTERS["registers"] += 1
    _COUNTERS["files"] += len(files)
    _COUNTERS["unpublished_strings"] += len(secrets)
    _COUNTERS["leaks"] += len(found)
    assert found == [], found[:5]
    # The guard is not vacuous: the published awards' ids are there.
    if public:
        assert leaks(files, [public[0]["award_id"]])


_COUNTERS = {"registers": 0, "snapshots": 0, "files": 0, "unpublished_strings": 0, "leaks": 0}


def test_publication_guard_figures():
    """Runs after the property test (file order): reports what it searched."""
    if _COUNTERS["registers"]:
        report("publication-guard", **_COUNTERS)
    assert _COUNTERS["leaks"] == 0


def test_the_search_finds_a_planted_leak():
    files = {"x.xlsx": _zip({"xl/sharedStrings.xml": b"<t>Provider 07Abcd12</t>"})}
    assert leaks(files, ["Provider 07Abcd12"]) == [("x.xlsx!xl/sharedStrings.xml", "Provider 07Abcd12")]
    assert leaks({"a.csv": b"CAM-1-2,x"}, ["CAM-1"]) == []  # a longer id is not a leak of a shorter one


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts.items():
            z.writestr(name, content)
    return buf.getvalue()

