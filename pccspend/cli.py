"""The command line: `python -m pccspend <command>`. Thin: the work happens in library modules."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from pccspend import __version__
from pccspend.build import build as build_register
from pccspend.build import is_stale
from pccspend.access import command_line
from pccspend.paths import data_dir
from pccspend.validate import ValidationFailed, validate_register

if TYPE_CHECKING:
    from pccspend.filters import Filters

FORMATS = ("table", "csv", "json")

DATA_OPTION = click.option(
    "--data",
    "data_path",
    type=click.Path(file_okay=False),
    default=None,
    help="Data folder (default: $PCCSPEND_DATA, else the bundled data/).",
)


def filter_flags(*names: str):
    """Click options for the filters named (default: every one), from their declarations in
    pccspend/filters.py; `--year Y` is short for `--from-year Y --to-year Y`. Read them back
    with `read_filters`."""
    from pccspend.filters import FILTERS, LIST, TOGGLE, YEARS

    def decorate(command):
        for spec in reversed(FILTERS):
            if names and spec.name not in names:
                continue
            for i, (field, option) in reversed(list(enumerate(zip(spec.fields, spec.cli)))):
                if spec.kind == LIST:
                    command = click.option(option, field, multiple=True, help=spec.help)(command)
                elif spec.kind == TOGGLE:
                    command = click.option(option, field, is_flag=True, help=spec.help)(command)
                else:
                    command = click.option(option, field, default=None, help=spec.field_help(i))(command)
            if spec.kind == YEARS:
                command = click.option("--year", "year", default=None, help="One financial year, e.g. 2017/18.")(command)
        return command

    return decorate


def read_filters(kwargs: dict, db) -> "Filters":
    """The filters given on the command line (taken out of `kwargs`), checked as a link's are:
    anything malformed or unknown is a one-line error with exit status 2."""
    from pccspend.filters import FILTERS, Filters, check, filter_options, parse

    names = {field: option.removeprefix("--") for spec in FILTERS for field, option in zip(spec.fields, spec.cli)}
    values = {names[field]: kwargs.pop(field) for field in list(names) if field in kwargs}
    year = kwargs.pop("year", None)
    if year:
        if values.get("from-year") or values.get("to-year"):
            _fail("give --year or --from-year/--to-year, not both")
        values["from-year"] = values["to-year"] = year
    values = {k: (list(v) if isinstance(v, tuple) else [v]) for k, v in values.items() if v not in (None, (), False)}
    fields, problems = parse(values, names, subject=lambda name, raw: f"{'year' if year else name} {raw!r}")
    filters, unknown = check(Filters(**fields), filter_options(db))
    if problems or unknown:
        _fail("; ".join(dict.fromkeys(p.cli() for p in unknown + problems)))
    return filters


def _progress(message: str) -> None:
    click.echo(f"... {message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pccspend")
def main() -> None:
    """Award register of Police and Crime Commissioners' commissioned services and grants."""


@main.command()
@DATA_OPTION
def validate(data_path: str | None) -> None:
    """Check the register's CSV files and report every problem (file, row, column, rule)."""
    problems = validate_register(data_dir(data_path))
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo("The register is valid.")


@main.command()
@DATA_OPTION
@click.option("--if-stale", is_flag=True, help="Only build when the register changed since the last build.")
def build(data_path: str | None, if_stale: bool) -> None:
    """Validate the register, then write the parquet build atomically (nothing on failure)."""
    data = data_dir(data_path)
    if if_stale and not is_stale(data):
        click.echo(f"The build is up to date with the register ({data.current.resolve().name}).")
        return
    try:
        info = build_register(data, progress=_progress)
    except ValidationFailed as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(exc.problems)} problem(s): nothing was written; the previous build stays.", err=True)
        sys.exit(1)
    rows = ", ".join(f"{n} {k}" for k, n in info["rows"].items())
    click.echo(f"Built {data.current.resolve().name}: {rows}.")


@main.command()
@DATA_OPTION
def migrate(data_path: str | None) -> None:
    """Bring an older register to the current layout: `is_public` becomes the publication decision
    (true: published, false: draft) and the new columns are added empty. Then builds."""
    from pccspend.migrate import migrate as migrate_register

    try:
        done = migrate_register(data_dir(data_path), progress=_progress)
    except ValidationFailed as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(exc.problems)} problem(s) after migrating: nothing was changed.", err=True)
        sys.exit(1)
    if not done:
        click.echo("The register is already in the current layout: nothing to migrate.")
    for name, states in done.items():
        click.echo(f"Migrated {name}: " + ", ".join(f"{n:,} {state}" for state, n in states.items()) + ".")


def _fail(message: str) -> None:
    """A one-line error and exit status 2: for things the user typed."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


@main.command()
@click.argument("name", required=False)
@click.option("--list", "list_queries", is_flag=True, help="List the queries with what each answers.")
@filter_flags()
@click.option("--top", "top_n", type=click.IntRange(1, 1000), default=10, show_default=True, help="Providers listed before 'All others' (spend_by_provider).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format.")
@DATA_OPTION
def query(name, list_queries, top_n, fmt, data_path, **given):
    """Run one question from queries/ with filters, e.g. `query spend_by_theme --year 2017/18`."""
    from pccspend.db import Database, NoBuild
    from pccspend.queries import UnknownQuery, describe, query_names

    if list_queries:
        width = max(map(len, query_names()))
        for q in query_names():
            click.echo(f"{q:<{width}}  {describe(q)}")
        return
    if not name:
        _fail("name a query (see `python -m pccspend query --list`)")
    if name not in query_names():
        _fail(str(UnknownQuery(name)))
    try:
        db = Database(data_dir(data_path))
    except NoBuild as exc:
        _fail(str(exc))
    filters = read_filters(given, db)
    click.echo(render(db.query(name, filters, top_n=top_n), fmt), nl=False)


def render(frame, fmt: str) -> str:
    """A query result as text: a readable table (money as £), CSV, or JSON records."""
    import polars as pl

    from pccspend.money import formatted
    from pccspend.tabular import to_csv_bytes, to_json_bytes

    if fmt == "csv":
        return to_csv_bytes(frame).decode("utf-8-sig")
    if fmt == "json":
        return to_json_bytes(frame).decode("utf-8")
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, fmt_str_lengths=60,
                   tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
        return f"{formatted(frame)}\n"


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--area", help="Police force area of every row (default: each grant's Beneficiary "
                             "Location:Name, or the file's area column).")
@click.option("--dry-run", is_flag=True, help="Report what would be added, changed and rejected; change nothing.")
@click.option("--publish", is_flag=True, help="Publish the new awards on import (recorded as decided by you); "
                                              "without it they land as drafts for review.")
@click.option("--map", "maps", multiple=True, metavar='"Their column=register_column"',
              help="The office's own spreadsheet: which register column one of its columns fills (repeat for "
                   "each). Remembered for files with the same columns.")
@click.option("--set", "sets", multiple=True, metavar='"register_column=value"',
              help="One value for every row of a register column the file lacks, e.g. mechanism=grant.")
@DATA_OPTION
def import_(file: str, area: str | None, dry_run: bool, publish: bool, maps: tuple[str, ...],
            sets: tuple[str, ...], data_path: str | None) -> None:
    """Import a 360Giving file (CSV, XLSX, JSON), a spreadsheet in the register's own layout, or the
    office's own spreadsheet through a column map (--map/--set, or the one remembered for its columns).

    All or nothing: any rejected row (reported with row, column and rule) stops the import and
    leaves the register untouched. Re-importing the same file changes nothing."""
    from pathlib import Path

    from pccspend import column_maps
    from pccspend.importing import ImportRefused, import_file, report_lines

    try:
        column_map = column_maps.parse(maps, sets) if maps or sets else None
    except column_maps.MapError as exc:
        _fail(str(exc))
    try:
        plan = import_file(data_dir(data_path), Path(file), area, who=command_line(), dry_run=dry_run,
                           progress=_progress, publish=publish, column_map=column_map)
    except ImportRefused as exc:
        _fail(str(exc))
    for line in report_lines(plan, applied=plan.ok and not dry_run):
        click.echo(line)
    if not plan.ok:
        sys.exit(1)


@main.command()
@click.option("--format", "fmt", required=True,
              type=click.Choice(["360giving-csv", "360giving-json", "360giving-xlsx", "xlsx"]),
              help="360Giving flat CSV, JSON package or flat XLSX; or the register's layout as XLSX.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="File to write.")
@click.option("--prefix", help="360Giving identifier prefix (default: $PCCSPEND_360_PREFIX, else 360G-pccspend-).")
@filter_flags("area", "financial_year", "theme", "funding_stream", "status", "include_extensions")
@DATA_OPTION
def export(fmt, out, prefix, data_path, **given):
    """Write the published awards (never unpublished ones) to a file, formulas neutralised."""
    from pccspend.db import Database, NoBuild
    from pccspend.export import check_prefix, export_file

    try:
        if prefix is not None:
            check_prefix(prefix)
        db = Database(data_dir(data_path))
    except (ValueError, NoBuild) as exc:
        _fail(str(exc))
    filters = read_filters(given, db)
    result = export_file(db, filters, fmt, out, prefix)
    for award_id, reason in result.omitted:
        click.echo(f"left out {award_id}: {reason}", err=True)
    click.echo(f"Wrote {result.rows:,} published award(s) to {out} ({fmt}).")


@main.command()
@click.option("--rows", type=click.IntRange(1, 200_000_000), required=True, help="How many synthetic awards.")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder to write (never the bundled data/).")
@click.option("--seed", type=int, default=20261124, show_default=True, help="Random seed: the same seed gives the same set.")
def synth(rows: int, out: str, seed: int) -> None:
    """Write and build a SYNTHETIC national award set for scale tests (use it with PCCSPEND_DATA)."""
    from pathlib import Path

    from pccspend.synth import write_synth

    try:
        data = write_synth(Path(out), rows, seed, progress=_progress)
    except ValueError as exc:
        _fail(str(exc))
    # The office's view only: a scale test needs no public view, which would double the build
    # (`python -m pccspend build --data ...` adds it for the Publish page).
    build_register(data, progress=_progress, public=False)
    click.echo(f"Synthetic set of {rows:,} awards in {data.root}: PCCSPEND_DATA={data.root} make run")


def _peers_option(ctx, param, value: str) -> list[str]:
    from pccspend.bench import parse_peers

    try:
        return parse_peers(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@main.command()
@click.option("--rows", type=click.IntRange(100, 200_000_000), default=10_000_000, show_default=True,
              help="Size of the synthetic set (built once, cached in ~/.cache/pccspend).")
@click.option("--states", type=click.IntRange(1, 1000), default=50, show_default=True, help="Filter states per page.")
@click.option("--search-states", type=click.IntRange(1, 1000), default=20, show_default=True,
              help="Text searches per page (search_p95_ms).")
@click.option("--peers", default="pandas,polars,duckdb", show_default=True, callback=_peers_option,
              help="Peers to run, comma-separated (pandas, polars, duckdb: plain DuckDB over the parquet); "
                   "an empty value runs none. A peer not run shows as nan in the RESULT line.")
def bench(rows: int, states: int, search_states: int, peers: list[str]) -> None:
    """Page latency and memory of the query layer against pandas, Polars and plain DuckDB peers;
    ends with a RESULT line."""
    from pccspend.bench import run_bench

    run_bench(rows, states, progress=_progress, peers=peers, n_search=search_states)


@main.command()
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder to write (new, empty, or a previous snapshot).")
@filter_flags("area", "financial_year")
@DATA_OPTION
def snapshot(out, data_path, **given):
    """Write a public transparency snapshot: a static site of the published awards (HTML, PNG/SVG
    charts, CSV/XLSX/JSON, manifest.json), never unpublished ones; byte-identical for the same data."""
    from pathlib import Path

    from pccspend.db import Database, NoBuild
    from pccspend.snapshot import Scope, TargetRefused, write_snapshot

    try:
        db = Database(data_dir(data_path))
    except NoBuild as exc:
        _fail(str(exc))
    filters = read_filters(given, db)
    scope = Scope(areas=filters.areas, from_year=filters.from_year, to_year=filters.to_year)
    try:
        result = write_snapshot(db, Path(out), scope, progress=_progress, who=command_line())
    except TargetRefused as exc:
        _fail(str(exc))
    click.echo(f"Wrote a snapshot of {', '.join(result['areas_covered']) or 'nothing published'} "
               f"({scope.years_label()}) to {out}: {len(result['files']) + 1} files; open {out}/index.html.")


@main.command()
@filter_flags("area", "financial_year")
@click.option("--summary", is_flag=True, help="Only the counts per area, year, duty and field.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format.")
@DATA_OPTION
def duties(summary, fmt, data_path, **given):
    """What the Specified Information Order requires of each published award that the register
    lacks (pccspend/duties.py), with counts per area and year. "amount not stated": the award may
    be over the duty's threshold; nobody can tell."""
    from pccspend import duties as statutory
    from pccspend.db import Database, NoBuild

    try:
        db = Database(data_dir(data_path))
    except NoBuild as exc:
        _fail(str(exc))
    filters = read_filters(given, db)
    counts = statutory.summary(db, filters)
    if summary:
        click.echo(render(counts, fmt), nl=False)
        return
    lacking = statutory.missing(db, filters)
    if fmt != "table":
        click.echo(render(lacking, fmt), nl=False)
        return
    click.echo(render(lacking.select(statutory.LIST_COLUMNS), fmt), nl=False)
    click.echo(f"{lacking['award_id'].n_unique():,} published award(s) lack something the {statutory.ORDER}, "
               "requires. Per area and year:")
    click.echo(render(statutory.by_area_and_year(counts), fmt), nl=False)


# The publication decision's commands, and the access list and audit trail's, live in their own modules.
from pccspend.cli_access import access_group, audit_command  # noqa: E402 - registered after the group exists
from pccspend.cli_decisions import decide, drafts  # noqa: E402
from pccspend.cli_extract import extract_command  # noqa: E402

main.add_command(decide)
main.add_command(drafts)
main.add_command(access_group)
main.add_command(audit_command)
main.add_command(extract_command)
