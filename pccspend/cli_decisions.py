"""The publication decision on the command line: `decide` (publish, redact, withhold, or put back
to draft, recorded as the operating-system user) and `drafts` (what awaits a decision). Registered
on the `python -m pccspend` group by pccspend/cli.py; kept apart to keep that module short."""

from __future__ import annotations

import sys

import click

from pccspend.cli import DATA_OPTION, FORMATS, _fail, _progress, render
from pccspend.access import command_line
from pccspend.paths import data_dir

LISTED = 20  # changed awards listed one per line before "... and N more"


@click.command("decide")
@click.argument("award_ids", nargs=-1)
@click.option("--source", "source_id", metavar="SOURCE_ID",
              help="Every draft of one document or import (its source_id, as `drafts` lists them).")
@click.option("--publish", is_flag=True, help="Publish the awards whole.")
@click.option("--redact", "fields", metavar="FIELDS",
              help="Publish with these fields withheld, `;`-separated (e.g. provider;description); needs --reason.")
@click.option("--withhold", is_flag=True, help="Do not publish the awards at all; needs --reason.")
@click.option("--draft", is_flag=True, help="Put the awards back to draft (undecided).")
@click.option("--reason", help="The exemption relied on, e.g. personal safety (required to redact or withhold).")
@DATA_OPTION
def decide(award_ids, source_id, publish, fields, withhold, draft, reason, data_path):
    """Record a publication decision on awards, by id or a whole import (`--source`), as you.

    All or nothing: an unknown id, a missing reason or a field that cannot be withheld changes
    nothing. Then the data is rebuilt."""
    from pccspend.decisions import DecisionInvalid, DecisionRefused, decide as record, drafts_of
    from pccspend.edits import RegisterChanged
    from pccspend.register import register_digest

    chosen = [s for s, on in (("published", publish), ("redacted", fields is not None), ("withheld", withhold),
                              ("draft", draft)) if on]
    if len(chosen) != 1:
        _fail("give one of --publish, --redact FIELDS, --withhold or --draft")
    if not award_ids and not source_id:
        _fail("name the awards (their ids) or a document or import (--source SOURCE_ID)")
    data = data_dir(data_path)
    digest = register_digest(data)  # what the selection below is read from
    ids = list(award_ids)
    try:
        if source_id:
            drafts = drafts_of(data, source_id)
            if not drafts:
                _fail(f"{source_id} has no drafts: every award from it is decided")
            ids += drafts
        done = record(data, ids, chosen[0], fields=fields or (), reason=reason, by=command_line(), digest=digest,
                      progress=_progress)
    except (DecisionRefused, RegisterChanged) as exc:
        _fail(str(exc))
    except DecisionInvalid as exc:
        for line in exc.lines():
            click.echo(line, err=True)
        click.echo(f"{len(exc.problems):,} problem(s): nothing was recorded.", err=True)
        sys.exit(1)
    click.echo(done.summary())
    for award_id, old, new in done.changes[:LISTED]:
        click.echo(f"  {award_id}: {old} -> {new}")
    if len(done.changes) > LISTED:
        click.echo(f"  ... and {len(done.changes) - LISTED:,} more")


@click.command("drafts")
@click.option("--all", "include_decided", is_flag=True,
              help="Every document and import, also those with nothing left to decide.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format.")
@DATA_OPTION
def drafts(include_decided, fmt, data_path):
    """What awaits a publication decision: drafts by the document or import they came from (count,
    total, years). Decide them with `decide --source SOURCE_ID --publish` (or --redact, --withhold)."""
    from pccspend.build import is_stale
    from pccspend.db import Database, NoBuild
    from pccspend.decisions import queue

    data = data_dir(data_path)
    try:
        db = Database(data)
    except NoBuild as exc:
        _fail(str(exc))
    if is_stale(data):
        click.echo("Note: the register changed since the last build; run `python -m pccspend build` "
                   "for an up-to-date list.", err=True)
    frame = queue(db, include_decided=include_decided)
    if fmt != "table":
        click.echo(render(frame, fmt), nl=False)
        return
    if frame.is_empty():
        click.echo("Nothing awaits a publication decision.")
        return
    shown = frame.select("source_id", "title", "kind", "areas", "award_count", "amount_gbp",
                         "first_financial_year", "last_financial_year",
                         *(["decided_count"] if include_decided else []))
    click.echo(render(shown, fmt), nl=False)
    total, groups = int(frame["award_count"].sum()), int((frame["award_count"] > 0).sum())
    click.echo(f"{total:,} draft(s) from {groups:,} document(s) or import(s). "
               "Decide them with `python -m pccspend decide --source SOURCE_ID --publish` (or --redact, --withhold).")
