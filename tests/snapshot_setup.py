"""A register with a canary and hostile strings, and its snapshot: built once per test session and
shared by tests/test_snapshot.py and tests/test_snapshot_browser.py (see `hostile_snapshot`)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from pccspend.build import build
from pccspend.db import Database
from pccspend.paths import DataDir
from pccspend.snapshot import Scope, write_snapshot
from tests.conftest import copy_data, WHO

# Strings only the unpublished canary awards (and the canary's own document) carry: none of them
# may appear in any byte of any snapshot file.
CANARY_STRINGS = ["CANARY-AWD", "Zq8Xw", "Kp4Vt", "Jm2Rn", "Vt7Lp", "CANARY-REF", "CANARY-COMMIT", "987654", "123457",
                  "2099-01-01", "Wh9Kd", "246813",
                  # the withheld fields of the published, part-redacted award REDACTED_AWARD
                  "Rf3Yb", "Ad6Tc", "Lc5Wm", "Nt2Qp"]
REDACTED_AWARD = "RDX-REFUGE-1"
REDACTED_REASON = "personal safety (Freedom of Information Act 2000, section 38)"
SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","y")'
LOCATOR = "<b onmouseover=alert(3)>Paragraph 4.3</b>"
CANARY_TOTAL = "CANARY-TOT-1"


def _rewrite(path: Path, change) -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    rows = change(rows)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def hostile_register(root: Path) -> DataDir:
    """The bundled register plus three held-back canary awards (two drafts: one from a document of
    its own, one beside published awards in a published document and covered by a published stated
    total; one withheld), one published award with four fields withheld (REDACTED_AWARD), and
    hostile text in one published award (CAM-BCB170511-VS01)."""
    data = copy_data(root)

    def sources(rows):
        return rows + [{**rows[0], "source_id": "CANARY-SRC-1", "title": "Canary document Vt7Lp",
                        "published_date": "2099-01-01", "reference": "CANARY-REF-1", "file_name": "", "url": ""}]

    def awards(rows):
        vs01 = next(r for r in rows if r["award_id"] == "CAM-BCB170511-VS01")
        vs01.update(provider=SCRIPT, service=FORMULA, source_locator=LOCATOR,
                    description="</script><script>alert(2)</script>")
        canary = {**vs01, "award_id": "CANARY-AWD-7f3a9c", "commitment_id": "CANARY-COMMIT-1",
                  "provider": "Canary provider Zq8Xw", "service": "Canary service Kp4Vt",
                  "description": "Canary description Jm2Rn", "amount_gbp": "987654.32", "status": "committed",
                  "source_id": "CANARY-SRC-1", "source_locator": "Canary locator Jm2Rn", "publication": "draft",
                  "notes": "Canary note Zq8Xw"}
        mixed = {**canary, "award_id": "CANARY-AWD-mixed01", "commitment_id": "", "amount_gbp": "123457.89",
                 "status": "awarded", "source_id": vs01["source_id"], "funding_stream": vs01["funding_stream"]}
        withheld = {**canary, "award_id": "CANARY-AWD-withheld", "commitment_id": "", "amount_gbp": "246813.57",
                    "status": "awarded", "source_id": vs01["source_id"], "service": "Canary withheld service Wh9Kd",
                    "publication": "withheld", "publication_reason": "prevention or detection of crime"}
        # Published with its provider, description, locator and notes withheld: it counts in every
        # total (£1,000), and none of those four texts may appear in public.
        redacted = {**vs01, "award_id": REDACTED_AWARD, "commitment_id": "", "funding_stream": "",
                    "service": "Refuge accommodation", "provider": "Canary refuge Rf3Yb",
                    "provider_sector": "voluntary sector", "description": "Canary refuge address Ad6Tc",
                    "source_locator": "Canary locator Lc5Wm", "notes": "Canary note Nt2Qp", "amount_gbp": "1000.00",
                    "status": "awarded", "publication": "redacted",
                    "redacted_fields": "provider;description;source_locator;notes",
                    "publication_reason": REDACTED_REASON}
        return rows + [canary, mixed, withheld, redacted]

    def totals(rows):
        return rows + [{**rows[0], "total_id": CANARY_TOTAL, "source_id": "CAM-BCB-2017-05-11",
                        "source_locator": "Paragraph 4.3", "total_kind": "line_total",
                        "description": "A published total covering a published and an unpublished award",
                        "funding_stream": "", "covers_award_ids": "CAM-BCB170511-VS01;CANARY-AWD-mixed01",
                        "stated_total_gbp": "600000.00", "amount_note": "", "publication": "published"}]

    _rewrite(data.register / "sources.csv", sources)
    _rewrite(data.register / "awards.csv", awards)
    _rewrite(data.register / "stated_totals.csv", totals)
    build(data)
    return data


@dataclass(frozen=True)
class Built:
    data: DataDir
    db: Database
    folder: Path  # the snapshot of every area and year
    second: Path  # the same snapshot written again, for comparison


_BUILT: dict[str, Built] = {}


def hostile_snapshot(tmp_path_factory) -> Built:
    """The hostile register and its whole snapshot, written twice: built on first use in a session."""
    if "built" not in _BUILT:
        root = tmp_path_factory.mktemp("snapshot")
        data = hostile_register(root / "data")
        db = Database(data)
        write_snapshot(db, root / "site", Scope(), who=WHO)
        write_snapshot(db, root / "site-again", Scope(), who=WHO)
        _BUILT["built"] = Built(data, db, root / "site", root / "site-again")
    return _BUILT["built"]
