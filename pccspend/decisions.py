"""Recording publication decisions on awards (pccspend/publication.py): publish, redact fields,
withhold or put back to draft, one award or a whole import at once, with who decided and when.

A decision is written on the award's own row (`publication`, `redacted_fields`,
`publication_reason`, `publication_decided_by`, `publication_decided_on`) through
`edits.rewrite`: the changed register is validated whole first (a withheld or redacted award
without a reason, a field that cannot be withheld, ... refuse the lot), then replaced under the
register lock and rebuilt. Nothing is ever half-written. An award already carrying exactly the
decision asked for is left as it was (its recorded decider and date too).

Also what awaits a decision (`queue`, `group_rows`: questions in queries/ on the office's database)
and the rows of the review page's editor turned into decisions (`from_editor`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import polars as pl

from pccspend import audit
from pccspend.access import Person, require
from pccspend.edits import Progress, RegisterChanged, rewrite
from pccspend.money import gbp
from pccspend.paths import AWARDS_CSV, DataDir
from pccspend.publication import STATES, field_list
from pccspend.register import register_digest, read_text_csv
from pccspend.validate import Problem, ValidationFailed

# What the review page's decision column offers: keep (no change) or one of the states.
KEEP = "keep"
ACTIONS = {KEEP: None, "publish": "published", "redact": "redacted", "withhold": "withheld", "draft": "draft"}
LISTED = 10  # award ids named in an error before "and N more"
AUDITED = 500  # changes one audit record names (the register holds every decision)


class DecisionRefused(Exception):
    """A decision that cannot be recorded as asked (nothing was written)."""


class UnknownAwards(DecisionRefused):
    """Award ids the register does not hold (nothing was written)."""

    def __init__(self, ids: Sequence[str]):
        self.ids = list(ids)
        super().__init__(f"no such award{'s' if len(ids) > 1 else ''} in the register: {named(ids)}; "
                         "nothing was recorded")


def named(ids: Sequence[str], limit: int = LISTED) -> str:
    """`A, B and 3 more`: ids for a message, never a wall of them."""
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit:,} more" if len(ids) > limit else "")


@dataclass(frozen=True)
class Decision:
    """One award's decision: its new state, the fields withheld (redacted only) and the reason."""

    award_id: str
    state: str
    fields: tuple[str, ...] = ()
    reason: str | None = None


@dataclass
class Recorded:
    """What a recording changed: per state, how many awards now carry it; the awards already so."""

    by: str
    on: str
    changed: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (award_id, old state, new state)

    @property
    def changed_count(self) -> int:
        return sum(self.changed.values())

    def summary(self) -> str:
        """One sentence: "2 awards changed (1 published, 1 withheld), decided by ... on ...; 1 already so"."""
        if not self.changed_count:
            return (f"Nothing changed: the {self.unchanged:,} award(s) already carry that decision.")
        states = ", ".join(f"{n:,} {state}" for state, n in self.changed.items())
        text = f"{self.changed_count:,} award(s) changed ({states}), decided by {self.by} on {self.on}"
        if self.unchanged:
            text += f"; {self.unchanged:,} already carried that decision and were left as they were"
        return text + "."


def _clean_fields(fields: str | Iterable[str] | None) -> tuple[str, ...]:
    """Fields as a tuple, from `a;b` text or a list; each stripped, empty ones and repeats dropped."""
    if fields is None:
        return ()
    items = field_list(fields) if isinstance(fields, str) else [f.strip() for f in fields]
    return tuple(dict.fromkeys(f for f in items if f))


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def decide(data: DataDir, award_ids: Iterable[str], state: str, *, fields: str | Iterable[str] = (),
           reason: str | None = None, by: Person, on: str | dt.date | None = None, digest: str | None = None,
           progress: Progress = lambda _m: None) -> Recorded:
    """Record one decision on the awards named (see `record`)."""
    ids = list(dict.fromkeys(a.strip() for a in award_ids if a and a.strip()))
    return record(data, [Decision(a, state, _clean_fields(fields), reason) for a in ids],
                  by=by, on=on, digest=digest, progress=progress)


def record(data: DataDir, decisions: Sequence[Decision], *, by: Person, on: str | dt.date | None = None,
           digest: str | None = None, progress: Progress = lambda _m: None) -> Recorded:
    """Write each award's decision, all or none, then rebuild.

    `by`: who decides (a publisher; their name is recorded on each award). `on`: the day (default today). `digest`: the register digest the
    person looked at; a register changed since is refused (edits.RegisterChanged). Unknown award
    ids (UnknownAwards) and an unknown state (DecisionRefused) are refused before anything is
    staged; a decision breaking a rule raises DecisionInvalid (a validate.ValidationFailed). Nothing is written then."""
    require(by, "decide", data)
    who, by = by, _clean(by.name)
    if not by:
        raise DecisionRefused("say who decides (a name): nothing was recorded")
    on = (on or dt.date.today()).isoformat() if not isinstance(on, str) else on
    if not decisions:
        raise DecisionRefused("no award named: nothing was recorded")
    bad = sorted({d.state for d in decisions} - set(STATES))
    if bad:
        raise DecisionRefused(f"unknown publication state {', '.join(map(repr, bad))}; one of: {', '.join(STATES)}")
    stray = sorted({d.award_id for d in decisions if d.fields and d.state != "redacted"})
    if stray:
        raise DecisionRefused(f"only a redacted award withholds fields ({named(stray)}): nothing was recorded")
    digest = digest or register_digest(data)
    awards = read_text_csv(data.register / AWARDS_CSV)
    held = set(awards["award_id"].to_list())
    unknown = [d.award_id for d in decisions if d.award_id not in held]
    if unknown:
        raise UnknownAwards(unknown)

    wanted = {d.award_id: d for d in decisions}
    done = Recorded(by=by, on=on)
    changed: Counter[str] = Counter()
    rows = awards.select("award_id", "publication", "redacted_fields", "publication_reason").iter_rows()
    new_rows: dict[str, tuple] = {}
    for award_id, state, fields, reason in rows:
        d = wanted.get(award_id)
        if d is None:
            continue
        new = (d.state, ";".join(d.fields) or None, _clean(d.reason))
        if new == (state, fields, reason):
            done.unchanged += 1
            continue
        new_rows[award_id] = new
        changed[d.state] += 1
        done.changes.append((award_id, state or "", d.state))
    done.changed = {s: changed[s] for s in STATES if changed[s]}
    if not new_rows:
        return done
    update = pl.DataFrame(
        [(a, *v, by, on) for a, v in new_rows.items()],
        schema={"award_id": pl.String, "publication": pl.String, "redacted_fields": pl.String,
                "publication_reason": pl.String, "publication_decided_by": pl.String,
                "publication_decided_on": pl.String}, orient="row")
    columns = update.columns[1:]
    merged = awards.join(update, on="award_id", how="left", suffix="_new", maintain_order="left")
    hit = pl.col("publication_new").is_not_null()
    merged = merged.with_columns(
        pl.when(hit).then(pl.col(f"{c}_new")).otherwise(pl.col(c)).alias(c) for c in columns
    ).select(awards.columns)
    progress(f"recording {done.changed_count:,} decision(s)")

    def log(before: str, after: str) -> None:
        audit.record(data, "decide", who, done.summary(), counts=done.changed, before=before, after=after,
                     details={"changes": [f"{a}: {old or 'none'} -> {new}" for a, old, new in done.changes[:AUDITED]],
                              "listed": min(len(done.changes), AUDITED), "of": len(done.changes)})
    try:
        rewrite(data, {AWARDS_CSV: merged}, digest=digest, progress=progress, done=log)
    except ValidationFailed as exc:
        rows = dict(enumerate(merged["award_id"].to_list(), start=2))  # header = row 1
        raise DecisionInvalid(exc.problems, rows) from None
    return done


def drafts_of(data: DataDir, source_id: str) -> list[str]:
    """The award ids of one document's or import's drafts, as the register holds them now."""
    awards = read_text_csv(data.register / AWARDS_CSV)
    if source_id not in set(awards["source_id"].drop_nulls().to_list()):
        raise DecisionRefused(f"no award in the register comes from {source_id!r}")
    drafts = awards.filter((pl.col("source_id") == source_id) & (pl.col("publication") == "draft"))
    return drafts["award_id"].to_list()


class DecisionInvalid(ValidationFailed):
    """The decisions break a rule of the register (nothing was written); `lines()` says which,
    grouped by rule, naming the awards rather than spreadsheet rows."""

    def __init__(self, problems: list[Problem], award_ids: dict[int, str]):
        super().__init__(problems)
        self.award_ids = award_ids  # spreadsheet row of awards.csv -> its award id

    def lines(self, limit: int = LISTED) -> list[str]:
        """"publication_reason: a reason is required ... (555 awards: A, B, ... and 545 more)"."""
        groups: dict[tuple, list[str]] = {}
        for p in self.problems:
            award = self.award_ids.get(p.row) if p.file == AWARDS_CSV else None
            where = award or (f"{p.file} row {p.row}" if p.row is not None else p.file)
            groups.setdefault((p.column, p.value, p.rule), []).append(where)
        out = []
        for (column, value, rule), places in groups.items():
            what = (column or "") + (f" {value!r}" if value is not None else "")
            many = f"{len(places):,} awards: " if len(places) > 1 else ""
            out.append(f"{what + ': ' if what else ''}{rule} ({many}{named(places, limit)})")
        return out


# -- what awaits a decision -------------------------------------------------------------------------

def queue(db, *, include_decided: bool = False) -> pl.DataFrame:
    """Drafts by the document or import they came from (queries/publication_queue.sql): source_id,
    title, kind, areas, award_count, amount_gbp, first and last financial year, decided_count."""
    return db.query("publication_queue", include_decided=include_decided)


def group_rows(db, source_id: str, *, include_decided: bool = False, row_limit: int | None = None) -> pl.DataFrame:
    """One document's or import's drafts (then its decided awards, when asked), with their locators."""
    return db.query("publication_rows", source_id=source_id, include_decided=include_decided, row_limit=row_limit)


def group_label(group: dict) -> str:
    """A queue row as one line: "Import of grants.csv (import, IMPORT-f8e5...): 555 drafts, £1,291,436.54"."""
    drafts = group["award_count"]
    text = f"{group['title'] or group['source_id']} ({group['kind'] or 'no document'}, {group['source_id']}): "
    text += f"{drafts:,} draft{'' if drafts == 1 else 's'}"
    if drafts:
        text += f", {gbp(group['amount_gbp'])}"
    if group.get("decided_count"):
        text += f"; {group['decided_count']:,} decided"
    return text


def try_record(data: DataDir, decisions: Sequence[Decision], *, by: Person, digest: str | None
               ) -> tuple[Recorded | None, list[str]]:
    """`record`, with every refusal as lines to show (and None): for the review page."""
    try:
        return record(data, decisions, by=by, digest=digest), []
    except DecisionInvalid as exc:
        return None, exc.lines()
    except RegisterChanged:
        return None, ["The register changed since this page was shown (another decision, an import, or an edit "
                      "not yet built): reload the page and decide again."]
    except DecisionRefused as exc:
        return None, [str(exc)]


def from_editor(rows: Iterable[dict]) -> list[Decision]:
    """The review page's edited rows as decisions: each row's `decision` (keep, publish, redact,
    withhold, draft), `fields` to withhold (`a;b`) and `reason`; `keep` rows are left out."""
    out = []
    for row in rows:
        action = row.get("decision") or KEEP
        if action not in ACTIONS:
            raise DecisionRefused(f"{row['award_id']}: unknown decision {action!r}; one of: {', '.join(ACTIONS)}")
        state = ACTIONS[action]
        if state is None:
            continue
        fields = _clean_fields(row.get("fields")) if state == "redacted" else ()
        out.append(Decision(row["award_id"], state, fields, _clean(row.get("reason"))))
    return out
