"""The audit trail: one record per action (an import, publication decisions, a snapshot, an
access-list change, a refused attempt) in `data/audit/`.

Each record is a file of its own, written beside its final name and renamed into place, so a crash
leaves a whole record or none, and nothing ever rewrites an earlier one (append-only by
construction). The folder is outside the register and the builds: rebuilding never touches it.
Names start with the UTC time, so listing the folder sorted reads the log in order.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from pathlib import Path

import polars as pl

from pccspend.atomic import write_bytes
from pccspend.paths import DataDir

AUDIT_DIR = "audit"
ACTIONS = {
    "import": "Import",
    "decide": "Publication decisions",
    "snapshot": "Snapshot",
    "access": "Access list",
    "refused": "Refused",
}
COLUMNS = {"at": pl.String, "action": pl.String, "who": pl.String, "role": pl.String, "how": pl.String,
           "summary": pl.String, "counts": pl.String, "register_before": pl.String,
           "register_after": pl.String, "details": pl.String, "record": pl.String}


def audit_dir(data: DataDir) -> Path:
    return data.root / AUDIT_DIR


def record(data: DataDir, action: str, who, summary: str, *, counts: dict | None = None,
           before: str | None = None, after: str | None = None, details: dict | None = None,
           at: dt.datetime | None = None) -> Path:
    """Append one record; returns its file. `who` is an access.Person; `before`/`after` are the
    register digests around the action (the same for one that changes no register file)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    at = (at or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    entry = {
        "at": at.isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "action": action, "who": who.name, "role": who.role, "how": who.how, "summary": summary,
        "counts": counts or {}, "register_before": before, "register_after": after, "details": details or {},
    }
    # The time orders the log; the pid and random part keep two records of one microsecond apart.
    name = f"{at:%Y%m%dT%H%M%S%fZ}-{os.getpid()}-{secrets.token_hex(4)}.json"
    path = audit_dir(data) / name
    write_bytes(path, (json.dumps(entry, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"))
    return path


def entries(data: DataDir) -> list[dict]:
    """Every record, oldest first. A file that is not a whole record (none should exist: each is
    renamed into place) is reported as such rather than skipped in silence."""
    folder = audit_dir(data)
    if not folder.exists():
        return []
    out = []
    for path in sorted(folder.glob("*.json")):
        if path.name.startswith("."):
            continue
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(entry, dict):
                raise ValueError("not an object")
        except (OSError, ValueError) as exc:
            entry = {"action": "unreadable", "summary": f"{path.name}: not a readable record ({exc})"}
        entry["record"] = path.name
        out.append(entry)
    return out


def read(data: DataDir, who, *, newest_first: bool = True) -> list[dict]:
    """Every record, for `who` (a publisher or admin: records name held-back awards)."""
    from pccspend.access import require

    require(who, "activity", data)
    rows = entries(data)
    return rows[::-1] if newest_first else rows


def table(rows: list[dict]) -> pl.DataFrame:
    """Records (from `read`) as a table, counts and details as compact JSON text."""
    flat = [{key: (json.dumps(row.get(key), ensure_ascii=False, sort_keys=True) if key in ("counts", "details")
                   else row.get(key)) for key in COLUMNS} for row in rows]
    return pl.DataFrame(flat, schema=COLUMNS)


def readable(rows: list[dict]) -> pl.DataFrame:
    """Records as a person reads them: the time in words (UTC), the action named, who and their
    role, what happened, and the first 12 characters of each register digest."""
    def when(text: str | None) -> str:
        try:
            at = dt.datetime.fromisoformat((text or "").replace("Z", "+00:00"))
        except ValueError:
            return text or ""
        return f"{at.day} {at:%b %Y %H:%M:%S}"

    return pl.DataFrame({
        "when": [when(r.get("at")) for r in rows],
        "action": [ACTIONS.get(r.get("action"), r.get("action") or "") for r in rows],
        "who": [f"{r.get('who', '')}, {r.get('role') or 'no role'}" for r in rows],
        "what": [r.get("summary", "") for r in rows],
        "register_before": [(r.get("register_before") or "")[:12] for r in rows],
        "register_after": [(r.get("register_after") or "")[:12] for r in rows],
    }, schema={c: pl.String for c in ("when", "action", "who", "what", "register_before", "register_after")})
