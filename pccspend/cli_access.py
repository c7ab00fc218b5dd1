"""The command line of who may do what: `access` (the access list) and `audit` (the trail).

A command runs as the operating-system user (pccspend/access.py `command_line`): whoever can run it
can write the data folder anyway, so it may do everything, and the audit trail records that user."""

from __future__ import annotations

import json
import sys

import click

from pccspend.access import ROLES
from pccspend.audit import ACTIONS
from pccspend.cli import DATA_OPTION, FORMATS, _fail, render
from pccspend.paths import data_dir


@click.group("access")
def access_group() -> None:
    """Who may sign in to the office's dashboard, with which role (data/access.csv)."""


@access_group.command("list")
@DATA_OPTION
def access_list(data_path):
    """Every line of the access list, and what each role may do."""
    from pccspend import access
    from pccspend.problems import ValidationFailed

    try:
        rules = access.read_rules(data_dir(data_path))
    except ValidationFailed as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    for rule in rules:
        click.echo(f"{rule.who},{rule.role}")
    if not rules:
        click.echo("Nobody: add the first admin with `python -m pccspend access set EMAIL admin`.", err=True)
    click.echo("Roles, each with everything before it: " + "; ".join(
        f"{role}: {access.ROLE_HELP[role]}" for role in access.ROLES), err=True)


@access_group.command("set")
@click.argument("who")
@click.argument("role", type=click.Choice(ROLES))
@DATA_OPTION
def access_set(who, role, data_path):
    """Give WHO (an email address, or @domain for everyone at it) ROLE, replacing any role they had."""
    key = who.strip().lower()
    _change(data_path, lambda rules: [r for r in rules if r["who"] != key] + [{"who": who, "role": role}])


@access_group.command("remove")
@click.argument("who")
@DATA_OPTION
def access_remove(who, data_path):
    """Take WHO (an email address or @domain) off the access list."""
    def without(rules):
        kept = [r for r in rules if r["who"] != who.strip().lower()]
        if len(kept) == len(rules):
            _fail(f"{who} is not on the access list")
        return kept
    _change(data_path, without)


def _change(data_path, change) -> None:
    from pccspend import access
    from pccspend.problems import ValidationFailed

    data = data_dir(data_path)
    try:
        current = [{"who": r.who, "role": r.role} for r in access.read_rules(data)]
        rules = access.save_rules(data, change(current), access.command_line())
    except ValidationFailed as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo("Nothing was changed.", err=True)
        sys.exit(1)
    click.echo(f"The access list has {len(rules):,} line(s); changes apply at each person's next click.")


@click.command("audit")
@click.option("--action", "actions", multiple=True, type=click.Choice(list(ACTIONS)),
              help="Only these actions (repeatable).")
@click.option("--limit", type=click.IntRange(min=1), help="Only the newest N records.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format.")
@DATA_OPTION
def audit_command(actions, limit, fmt, data_path):
    """The audit trail, newest first: every import, publication decision, snapshot and access-list
    change (who, when in UTC, the counts, the register digest before and after)."""
    from pccspend import access, audit

    rows = [r for r in audit.read(data_dir(data_path), access.command_line())
            if not actions or r.get("action") in actions][:limit]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=1, ensure_ascii=False))
        return
    log = audit.table(rows)
    if fmt != "table":
        click.echo(render(log, fmt), nl=False)
        return
    if log.is_empty():
        click.echo("Nothing recorded yet.")
        return
    click.echo(render(log.select("at", "action", "who", "role", "summary"), fmt), nl=False)
    click.echo(f"{log.height:,} record(s). `--format json` shows the counts, details and register digests.")
