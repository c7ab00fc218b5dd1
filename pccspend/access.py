"""Who may see and do what: the roles, what each permits, the three ways to run, and the access list.

Roles form a ladder: each permits everything the ones before it permit (a publisher reviews
drafts, so also sees them; an admin who keeps the access list is trusted with the rest). One
table, PERMITS, says which role an action needs; the pages, the functions that write or reveal,
and the README's matrix all read it. No Streamlit here (pccspend/ui/identity.py signs people in).
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from pccspend.identity import os_user
from pccspend.paths import DataDir
from pccspend.problems import Problem, ValidationFailed

ROLES = ("viewer", "analyst", "editor", "publisher", "admin")
ROLE_HELP = {
    "viewer": "published data only, as the public sees it",
    "analyst": "also drafts, withheld awards and redacted fields; internal downloads",
    "editor": "also imports awards",
    "publisher": "also decides what is published, publishes snapshots, reads the activity log",
    "admin": "also keeps the access list",
}
# Action -> the least role that may do it.
PERMITS = {
    "view": "viewer",          # the published figures
    "held_back": "analyst",    # drafts, withheld rows, redacted fields, the toggle, internal downloads
    "import": "editor",        # write the register from a file
    "decide": "publisher",     # publication decisions
    "snapshot": "publisher",   # build a public transparency snapshot
    "activity": "publisher",   # read the audit trail
    "access": "admin",         # change the access list
}
ACTIONS = tuple(PERMITS)

LOCAL, OFFICE, PUBLIC = "local", "office", "public"
MODES = (LOCAL, OFFICE, PUBLIC)
MODE_ENV = "PCCSPEND_MODE"
SESSION_HOURS_ENV = "PCCSPEND_SESSION_HOURS"
DEFAULT_SESSION_HOURS = 12  # a working day: then sign in again
ACCESS_CSV = "access.csv"
ACCESS_HEADER = ("who", "role")
EMAIL_RE = re.compile(r"^[^@\s,;<>\"']+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
DOMAIN_RE = re.compile(r"^@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


class AccessDenied(PermissionError):
    """Someone tried what their role does not permit."""


@dataclass(frozen=True)
class Person:
    """Who is acting: the name recorded with what they do, their role (None: no access), and how
    they came (signed in, local, public, command line)."""

    name: str
    role: str | None
    how: str

    def can(self, action: str) -> bool:
        return allows(self.role, action)

    def describe(self) -> str:
        return f"{self.name} ({self.role or 'no role'}, {self.how})"


def allows(role: str | None, action: str) -> bool:
    """Whether `role` permits `action` (an unknown action is a programming error)."""
    needed = PERMITS[action]
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


ACTION_WORDS = {"view": "view the figures", "held_back": "see held-back awards", "import": "import awards",
                "decide": "record publication decisions", "snapshot": "publish a snapshot",
                "activity": "read the activity log", "access": "change the access list"}


def require(person: Person, action: str, data: DataDir | None = None) -> None:
    """Raise AccessDenied unless `person` may do `action`: called by every function that writes
    or reveals what the public may not see, whatever screen or command called it. With `data`, a
    refusal is recorded in its audit trail (the screens never offer it: someone went around them)."""
    if person.can(action):
        return
    text = (f"{person.name} ({person.role or 'no role'}) may not {ACTION_WORDS[action]}: "
            f"that needs the {PERMITS[action]} role")
    if data is not None:
        from pccspend import audit

        audit.record(data, "refused", person, f"Refused: {text}", details={"action": action})
    raise AccessDenied(text)


def command_line() -> Person:
    """Whoever runs a command: they can write the data folder anyway, so every role."""
    return Person(os_user(), "admin", "command line")


def local_person() -> Person:
    """The one person of a local dashboard (listening on this computer only)."""
    return Person(os_user().replace("(command line)", "(local dashboard)"), "admin", "local, no sign-in")


PUBLIC_PERSON = Person("public", "viewer", "public view")


def mode() -> str:
    """How the dashboard runs: $PCCSPEND_MODE, `local` when unset. Anything else is refused
    rather than guessed (a typo must not open an office's data)."""
    value = (os.environ.get(MODE_ENV) or LOCAL).strip().lower()
    if value not in MODES:
        raise ValueError(f"{MODE_ENV}={value!r}: use one of {', '.join(MODES)}")
    return value


def session_hours() -> float:
    raw = os.environ.get(SESSION_HOURS_ENV)
    try:
        hours = float(raw) if raw else DEFAULT_SESSION_HOURS
    except ValueError:
        raise ValueError(f"{SESSION_HOURS_ENV}={raw!r}: a number of hours") from None
    if hours <= 0:
        raise ValueError(f"{SESSION_HOURS_ENV}={raw!r}: more than 0 hours")
    return hours


# The access list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One line of the access list: an email address or an @domain, and a role."""

    who: str
    role: str


def access_path(data: DataDir) -> Path:
    return data.root / ACCESS_CSV


def check_rules(rows: list[dict], file: str = ACCESS_CSV) -> tuple[list[Rule], list[Problem]]:
    """The rules of an access list's rows (dicts with who and role), and a problem for each bad
    cell (row numbers as in the file: the header is row 1)."""
    rules, problems, seen = [], [], {}
    for row_number, row in enumerate(rows, start=2):
        who = (row.get("who") or "").strip().lower()
        role = (row.get("role") or "").strip().lower()
        if not who and not role:
            continue
        if not (EMAIL_RE.match(who) or DOMAIN_RE.match(who)):
            problems.append(Problem(file, row_number, "who", who or None,
                                    "an email address (name@example.org) or a whole domain (@example.org)"))
            continue
        if role not in ROLES:
            problems.append(Problem(file, row_number, "role", role or None, f"one of {', '.join(ROLES)}"))
            continue
        if who in seen:
            problems.append(Problem(file, row_number, "who", who,
                                    f"listed twice (also row {seen[who]}): one role each"))
            continue
        seen[who] = row_number
        rules.append(Rule(who, role))
    return rules, problems


def read_rules(data: DataDir) -> list[Rule]:
    """The access list (empty when the file is missing). A broken list raises ValidationFailed:
    nobody is let in on a guess."""
    path = access_path(data)
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != ACCESS_HEADER:
            raise ValidationFailed([Problem(path.name, 1, None, ",".join(reader.fieldnames or ()),
                                            f"the header must be {','.join(ACCESS_HEADER)}")])
        rules, problems = check_rules(list(reader), path.name)
    if problems:
        raise ValidationFailed(problems)
    return rules


def role_for(email: str | None, rules: list[Rule]) -> str | None:
    """The role of an email address: its own line, else its domain's line, else none."""
    email = (email or "").strip().lower()
    if not EMAIL_RE.match(email):
        return None
    by_who = {rule.who: rule.role for rule in rules}
    return by_who.get(email) or by_who.get("@" + email.rpartition("@")[2])


def rules_csv(rules: list[Rule]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ACCESS_HEADER)
    writer.writerows((rule.who, rule.role) for rule in rules)
    return out.getvalue().encode("utf-8")


def save_rules(data: DataDir, rows: list[dict], who: Person) -> list[Rule]:
    """Replace the access list (an admin only): every row checked, at least one admin kept (no
    one can lock the office out from the dashboard), written whole then renamed, and recorded."""
    from pccspend import audit
    from pccspend.atomic import write_bytes
    from pccspend.register import register_digest

    require(who, "access", data)
    rules, problems = check_rules(rows)
    if not problems and not any(rule.role == "admin" and not rule.who.startswith("@") for rule in rules):
        problems.append(Problem(ACCESS_CSV, None, "role", None, "keep at least one admin by email address"))
    if problems:
        raise ValidationFailed(problems)
    try:
        old = {rule.who: rule.role for rule in read_rules(data)}
    except ValidationFailed:  # a broken list is being mended: everything in the new one is new
        old = {}
    new = {rule.who: rule.role for rule in rules}
    changes = {
        "added": sorted(f"{w}: {r}" for w, r in new.items() if w not in old),
        "removed": sorted(f"{w}: {r}" for w, r in old.items() if w not in new),
        "changed": sorted(f"{w}: {old[w]} -> {r}" for w, r in new.items() if w in old and old[w] != r),
    }
    if not any(changes.values()):
        return rules
    write_bytes(access_path(data), rules_csv(rules))
    summary = "; ".join(f"{k} {', '.join(v)}" for k, v in changes.items() if v)
    digest = register_digest(data)  # unchanged: the access list is not part of the register
    audit.record(data, "access", who, f"Access list: {summary}", counts={k: len(v) for k, v in changes.items()},
                 before=digest, after=digest, details=changes)
    return rules
