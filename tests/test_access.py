"""Roles, the access list and the audit trail, where they are enforced: in the functions that
write or reveal (whatever screen or command calls them), and the README's matrix saying the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hypothesis import given, strategies as st

from pccspend import access, audit
from pccspend.access import AccessDenied, Person, Rule
from pccspend.build import build
from pccspend.db import Database
from pccspend.decisions import decide
from pccspend.importing import import_file
from pccspend.paths import PROJECT_ROOT, DataDir
from pccspend.problems import Problem, ValidationFailed
from pccspend.register import register_digest
from pccspend.snapshot import Scope, TargetRefused, write_snapshot
from pccspend.state import from_query
from tests.conftest import WHO, copy_data
from tests.roles import ACTION_ROLES, PAGE_ROLES, ROLES, TITLES, readme_matrix

TRAFFORD = PROJECT_ROOT / "tests" / "fixtures" / "trafford_council_voluntary_sector_grants.csv"
PUBLISHED = "CAM-BCB170511-VS01"  # published in the bundled register


def as_role(role: str | None) -> Person:
    return Person(f"{role or 'nobody'}@office.example", role, "tests")


def register_bytes(data: DataDir) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data.register.iterdir())}


def refused(data: DataDir) -> list[dict]:
    return [e for e in audit.entries(data) if e["action"] == "refused"]


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> DataDir:
    data = copy_data(tmp_path_factory.mktemp("office"))
    build(data)
    return data


# -- the matrix ------------------------------------------------------------------------------------

def test_the_readme_matrix_is_the_tested_one():
    matrix = readme_matrix(PROJECT_ROOT / "README.md")
    assert matrix == {**{TITLES[p]: roles for p, roles in PAGE_ROLES.items()}, **ACTION_ROLES}


def test_the_code_grants_what_the_matrix_says():
    from pccspend.ui.nav import PAGES

    assert access.ROLES == ROLES
    assert {p.name: {r for r in ROLES if access.allows(r, p.needs)} for p in PAGES} == PAGE_ROLES
    actions = dict(zip(ACTION_ROLES, ("held_back", "held_back", "import", "decide", "snapshot", "activity", "access")))
    assert {name: {r for r in ROLES if access.allows(r, a)} for name, a in actions.items()} == ACTION_ROLES
    assert not any(access.allows(None, a) for a in access.ACTIONS)  # no role, nothing at all
    assert not any(access.allows("superuser", a) for a in access.ACTIONS)


# -- each write and reveal checks the role itself ----------------------------------------------------

@pytest.mark.parametrize("role", [None, *ROLES])
def test_import_needs_an_editor_whatever_calls_it(office, role):
    before, seen = register_bytes(office), len(refused(office))
    if role in ACTION_ROLES["import"]:
        plan = import_file(office, TRAFFORD, "Trafford", who=as_role(role), dry_run=True)
        assert plan.ok and plan.added == 555
    else:
        with pytest.raises(AccessDenied, match="may not import awards: that needs the editor role"):
            import_file(office, TRAFFORD, "Trafford", who=as_role(role))
        assert refused(office)[-1]["who"] == as_role(role).name and len(refused(office)) == seen + 1
    assert register_bytes(office) == before


def test_publishing_on_import_needs_a_publisher(office):
    with pytest.raises(AccessDenied, match="may not record publication decisions"):
        import_file(office, TRAFFORD, "Trafford", who=as_role("editor"), publish=True)


@pytest.mark.parametrize("role", [None, *ROLES])
def test_decisions_need_a_publisher(office, role):
    before = register_bytes(office)
    if role in ACTION_ROLES["publication decisions"]:
        done = decide(office, [PUBLISHED], "published", by=as_role(role))  # already so: nothing to write
        assert done.summary().startswith("Nothing changed")
    else:
        with pytest.raises(AccessDenied, match="that needs the publisher role"):
            decide(office, [PUBLISHED], "withheld", reason="personal safety", by=as_role(role))
    assert register_bytes(office) == before


@pytest.mark.parametrize("role", [None, *ROLES])
def test_snapshots_need_a_publisher(office, tmp_path, role):
    (tmp_path / "not-a-snapshot.txt").write_text("x")  # a target refused after the role check
    db = Database(office)
    expected = TargetRefused if role in ACTION_ROLES["snapshot"] else AccessDenied
    with pytest.raises(expected):
        write_snapshot(db, tmp_path, Scope(), who=as_role(role))


@pytest.mark.parametrize("role", [None, *ROLES])
def test_the_audit_trail_is_read_by_publishers_and_admins(office, role):
    if role in ACTION_ROLES["read the audit trail"]:
        assert isinstance(audit.read(office, as_role(role)), list)
    else:
        with pytest.raises(AccessDenied, match="may not read the activity log"):
            audit.read(office, as_role(role))


@pytest.mark.parametrize("role", [None, *ROLES])
def test_the_access_list_is_changed_by_admins(office, role):
    rows = [{"who": "ada@office.example", "role": "admin"}]
    if role in ACTION_ROLES["change the access list"]:
        assert access.save_rules(office, rows, as_role(role)) == [Rule("ada@office.example", "admin")]
    else:
        with pytest.raises(AccessDenied, match="may not change the access list"):
            access.save_rules(office, rows + [{"who": "me@office.example", "role": "admin"}], as_role(role))
        assert access.read_rules(office) in ([], [Rule("ada@office.example", "admin")])


def test_a_link_asking_for_held_back_rows_is_ignored_for_whoever_may_not_see_them():
    params = {"unpublished": ["1"], "area": ["Cambridgeshire"]}
    options = {"area": {"Cambridgeshire"}}
    f, notes = from_query(params, options, as_role("viewer").can)
    assert (f.include_unpublished, f.areas) == (False, ("Cambridgeshire",))
    assert notes == ["Ignored 'unpublished' in the link: this view shows published awards only."]
    f, notes = from_query(params, options, as_role("analyst").can)
    assert (f.include_unpublished, notes) == (True, [])


# -- the access list ------------------------------------------------------------------------------

RULES = [Rule("ann@office.example", "admin"), Rule("@office.example", "viewer"), Rule("ben@office.example", "analyst")]


@pytest.mark.parametrize("email, role", [
    ("ann@office.example", "admin"), ("ANN@Office.Example", "admin"), ("ben@office.example", "analyst"),
    ("cy@office.example", "viewer"), ("cy@sub.office.example", None), ("cy@office.example.evil", None),
    ("cy@elsewhere.example", None), ("", None), (None, None), ("@office.example", None), ("not an email", None),
])
def test_a_persons_own_line_wins_over_their_domains(email, role):
    assert access.role_for(email, RULES) == role


def test_a_broken_access_list_names_file_row_column_and_rule(tmp_path):
    data = DataDir(tmp_path)
    (tmp_path / "access.csv").write_text("who,role\nann@office.example,admin\nbob,viewer\ncy@office.example,boss\n"
                                         "ann@office.example,viewer\n")
    with pytest.raises(ValidationFailed) as err:
        access.read_rules(data)
    assert [str(p) for p in err.value.problems] == [
        "access.csv row 3, column who: an email address (name@example.org) or a whole domain (@example.org) (value 'bob')",
        "access.csv row 4, column role: one of viewer, analyst, editor, publisher, admin (value 'boss')",
        "access.csv row 5, column who: listed twice (also row 2): one role each (value 'ann@office.example')"]
    (tmp_path / "access.csv").write_text("email,role\n")
    with pytest.raises(ValidationFailed, match="the header must be who,role"):
        access.read_rules(data)


def test_saving_keeps_an_admin_writes_whole_and_records_the_change(tmp_path):
    data = copy_data(tmp_path / "data")
    admin = as_role("admin")
    with pytest.raises(ValidationFailed, match="keep at least one admin by email address"):
        access.save_rules(data, [{"who": "@office.example", "role": "admin"}], admin)
    assert not (data.root / "access.csv").exists() and audit.entries(data) == []
    access.save_rules(data, [{"who": "Ann@Office.example ", "role": "admin"}, {"who": "@office.example", "role": "viewer"}], admin)
    access.save_rules(data, [{"who": "ann@office.example", "role": "admin"}, {"who": "@office.example", "role": "analyst"}], admin)
    assert (data.root / "access.csv").read_text() == "who,role\nann@office.example,admin\n@office.example,analyst\n"
    assert [p.name for p in data.root.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    first, second = audit.entries(data)
    assert first["summary"] == "Access list: added @office.example: viewer, ann@office.example: admin"
    assert second["summary"] == "Access list: changed @office.example: viewer -> analyst"
    assert second["who"] == "admin@office.example" and second["role"] == "admin"
    assert second["register_before"] == second["register_after"] == register_digest(data)


@given(st.lists(st.fixed_dictionaries({"who": st.one_of(st.emails(), st.text(max_size=30),
                                                           st.from_regex(r"@[a-z]{1,8}\.example", fullmatch=True)),
                                       "role": st.one_of(st.sampled_from(ROLES), st.text(max_size=10))}),
                max_size=8))
def test_any_rows_give_valid_rules_or_located_problems(rows):
    rules, problems = access.check_rules(rows)
    assert all(isinstance(p, Problem) and 2 <= p.row <= len(rows) + 1 and p.column in ("who", "role") for p in problems)
    assert all(r.role in ROLES and (access.EMAIL_RE.match(r.who) or access.DOMAIN_RE.match(r.who)) for r in rules)
    assert len({r.who for r in rules}) == len(rules)
    again, none = access.check_rules([{"who": r.who, "role": r.role} for r in rules])
    assert (again, none) == (rules, [])


def test_an_unknown_mode_is_refused_not_guessed(monkeypatch):
    monkeypatch.setenv("PCCSPEND_MODE", "ofice")
    with pytest.raises(ValueError, match="PCCSPEND_MODE='ofice': use one of local, office, public"):
        access.mode()
    monkeypatch.delenv("PCCSPEND_MODE")
    assert access.mode() == "local"


# -- the audit trail ------------------------------------------------------------------------------

def test_an_import_is_recorded_with_who_counts_and_the_register_before_and_after(tmp_path):
    data = copy_data(tmp_path / "data")
    build(data)
    before = register_digest(data)
    import_file(data, TRAFFORD, "Trafford", who=as_role("editor"))
    (entry,) = audit.entries(data)
    assert {k: entry[k] for k in ("action", "who", "role", "how", "summary", "counts")} == {
        "action": "import", "who": "editor@office.example", "role": "editor", "how": "tests",
        "summary": f"Imported {TRAFFORD.name}: 555 added, 0 changed, as drafts",
        "counts": {"added": 555, "changed": 0, "unchanged": 0}}
    assert (entry["register_before"], entry["register_after"]) == (before, register_digest(data))
    assert before != entry["register_after"]
    assert entry["details"]["file"] == TRAFFORD.name and len(entry["details"]["file_sha256"]) == 64

    decide(data, ["CAM-BCB170511-VS01"], "withheld", reason="personal safety", by=as_role("publisher"))
    build(data)  # rebuilding never touches the log
    entries = audit.entries(data)
    assert [e["action"] for e in entries] == ["import", "decide"]
    assert entries[1]["details"]["changes"] == ["CAM-BCB170511-VS01: published -> withheld"]
    assert entries[1]["register_before"] == entries[0]["register_after"]


CRASH = """
import os, sys
from pathlib import Path
from pccspend import audit
from pccspend.access import Person
from pccspend.paths import DataDir
real = os.replace
def crash(src, dst, *a, **k):
    os._exit(3)  # the process dies between writing the record and renaming it into place
os.replace = crash
audit.record(DataDir(Path(sys.argv[1])), "import", Person("x", "editor", "tests"), "never whole")
"""


def test_a_crash_while_recording_leaves_no_half_record_and_loses_none(tmp_path):
    data = DataDir(tmp_path)
    audit.record(data, "snapshot", WHO, "the first")
    result = subprocess.run([sys.executable, "-c", CRASH, str(tmp_path)], cwd=PROJECT_ROOT,
                            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, capture_output=True)
    assert result.returncode == 3, result.stderr
    assert [e["summary"] for e in audit.entries(data)] == ["the first"]
    leftovers = [p.name for p in (tmp_path / "audit").iterdir()]
    assert len(leftovers) == 2 and sum(name.startswith(".") for name in leftovers) == 1  # the unfinished one, hidden
    audit.record(data, "snapshot", WHO, "the next")
    assert [e["summary"] for e in audit.entries(data)] == ["the first", "the next"]


def test_records_are_never_rewritten_and_keep_their_order(tmp_path):
    data = DataDir(tmp_path)
    paths = [audit.record(data, "snapshot", WHO, f"record {i}") for i in range(30)]
    contents = {p: p.read_bytes() for p in paths}
    audit.record(data, "access", WHO, "later")
    assert all(p.read_bytes() == c for p, c in contents.items())
    assert [e["summary"] for e in audit.entries(data)] == [f"record {i}" for i in range(30)] + ["later"]
    assert json.loads(paths[0].read_text())["who"] == WHO.name


def test_the_activity_page_reads_the_trail_newest_first(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    data = copy_data(tmp_path / "data")
    build(data)
    access.save_rules(data, [{"who": "ada@office.example", "role": "admin"}], as_role("admin"))
    with pytest.raises(AccessDenied):
        decide(data, [PUBLISHED], "withheld", reason="personal safety", by=as_role("editor"))
    monkeypatch.setenv("PCCSPEND_DATA", str(data.root))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("pages/activity.py").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = at.dataframe[0].value
    digest = register_digest(data)[:12]
    assert shown[["action", "who", "what", "register_before", "register_after"]].values.tolist() == [
        ["Refused", "editor@office.example, editor",
         "Refused: editor@office.example (editor) may not record publication decisions: that needs the publisher role",
         "", ""],
        ["Access list", "admin@office.example, admin", "Access list: added ada@office.example: admin", digest, digest]]
    assert at.caption[1].value == "2 of 2 records."
