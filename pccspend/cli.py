"""The command line: `python -m pccspend <command>`. Thin: the work happens in library modules."""

from __future__ import annotations

import sys

import click

from pccspend import __version__
from pccspend.build import build as build_register
from pccspend.build import is_stale
from pccspend.paths import data_dir
from pccspend.validate import ValidationFailed, validate_register

FORMATS = ("table", "csv", "json")

DATA_OPTION = click.option(
    "--data",
    "data_path",
    type=click.Path(file_okay=False),
    default=None,
    help="Data folder (default: $PCCSPEND_DATA, else the bundled data/).",
)


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


def _fail(message: str) -> None:
    """A one-line error and exit status 2: for things the user typed."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


@main.command()
@click.argument("name", required=False)
@click.option("--list", "list_queries", is_flag=True, help="List the queries with what each answers.")
@click.option("--area", "areas", multiple=True, help="Police force area (repeatable).")
@click.option("--year", help="One financial year, e.g. 2017/18.")
@click.option("--from-year", help="First financial year of a range.")
@click.option("--to-year", help="Last financial year of a range.")
@click.option("--theme", "themes", multiple=True, help="victims, offenders, communities or 'Not stated' (repeatable).")
@click.option("--stream", "streams", multiple=True, help="Funding stream (repeatable).")
@click.option("--provider", "providers", multiple=True, help="Provider, exactly as in the register (repeatable).")
@click.option("--mechanism", "mechanisms", multiple=True, help="Mechanism, e.g. 'single tender action' (repeatable).")
@click.option("--status", "statuses", multiple=True, help="Status (repeatable; default awarded, committed, planned).")
@click.option("--include-extensions", is_flag=True, help="Count optional-extension money too.")
@click.option("--include-unpublished", is_flag=True, help="Include awards not approved for publication.")
@click.option("--min-amount", type=click.FLOAT, help="Only awards of at least this many pounds.")
@click.option("--max-amount", type=click.FLOAT, help="Only awards of at most this many pounds.")
@click.option("--search", default="", help="Text to find in service, provider or description.")
@click.option("--top", "top_n", type=click.IntRange(1, 1000), default=10, show_default=True, help="Providers listed before 'All others' (spend_by_provider).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format.")
@DATA_OPTION
def query(name, list_queries, areas, year, from_year, to_year, themes, streams, providers, mechanisms,
          statuses, include_extensions, include_unpublished, min_amount, max_amount, search, top_n, fmt,
          data_path):
    """Run one question from queries/ with filters, e.g. `query spend_by_theme --year 2017/18`."""
    from decimal import Decimal

    from pccspend.db import Database, NoBuild
    from pccspend.filters import Filters, filter_options, unknown_values
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
    if year and (from_year or to_year):
        _fail("give --year or --from-year/--to-year, not both")
    filters = Filters(
        areas=areas, from_year=year or from_year, to_year=year or to_year, themes=themes,
        funding_streams=streams, providers=providers, mechanisms=mechanisms, statuses=statuses,
        include_extensions=include_extensions, include_unpublished=include_unpublished,
        min_amount=None if min_amount is None else Decimal(str(min_amount)),
        max_amount=None if max_amount is None else Decimal(str(max_amount)),
        search=search,
    )
    try:
        db = Database(data_dir(data_path))
    except NoBuild as exc:
        _fail(str(exc))
    problems = unknown_values(filters, filter_options(db))
    if problems:
        _fail("; ".join(problems))
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
@DATA_OPTION
def import_(file: str, area: str | None, dry_run: bool, data_path: str | None) -> None:
    """Import a 360Giving file (CSV, XLSX, JSON) or a spreadsheet in the register's own layout.

    All or nothing: any rejected row (reported with row, column and rule) stops the import and
    leaves the register untouched. Re-importing the same file changes nothing."""
    from pathlib import Path

    from pccspend.importing import ImportRefused, import_file, report_lines

    try:
        plan = import_file(data_dir(data_path), Path(file), area, dry_run=dry_run, progress=_progress)
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
@click.option("--area", "areas", multiple=True, help="Police force area (repeatable).")
@click.option("--year", help="One financial year, e.g. 2017/18.")
@click.option("--from-year", help="First financial year of a range.")
@click.option("--to-year", help="Last financial year of a range.")
@click.option("--theme", "themes", multiple=True, help="Theme (repeatable).")
@click.option("--stream", "streams", multiple=True, help="Funding stream (repeatable).")
@click.option("--status", "statuses", multiple=True, help="Status (repeatable; default awarded, committed, planned).")
@click.option("--include-extensions", is_flag=True, help="Include optional-extension money too.")
@DATA_OPTION
def export(fmt, out, prefix, areas, year, from_year, to_year, themes, streams, statuses,
           include_extensions, data_path):
    """Write the published awards (never unpublished ones) to a file, formulas neutralised."""
    from pccspend.db import Database, NoBuild
    from pccspend.export import check_prefix, export_file
    from pccspend.filters import Filters, filter_options, unknown_values

    if year and (from_year or to_year):
        _fail("give --year or --from-year/--to-year, not both")
    filters = Filters(areas=areas, from_year=year or from_year, to_year=year or to_year, themes=themes,
                      funding_streams=streams, statuses=statuses, include_extensions=include_extensions)
    try:
        if prefix is not None:
            check_prefix(prefix)
        db = Database(data_dir(data_path))
    except (ValueError, NoBuild) as exc:
        _fail(str(exc))
    problems = unknown_values(filters, filter_options(db))
    if problems:
        _fail("; ".join(problems))
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
    build_register(data, progress=_progress)
    click.echo(f"Synthetic set of {rows:,} awards in {data.root}: PCCSPEND_DATA={data.root} make run")


@main.command()
@click.option("--rows", type=click.IntRange(100, 200_000_000), default=10_000_000, show_default=True,
              help="Size of the synthetic set (built once, cached in ~/.cache/pccspend).")
@click.option("--states", type=click.IntRange(1, 1000), default=50, show_default=True, help="Filter states per page.")
def bench(rows: int, states: int) -> None:
    """Page latency and memory of the query layer against a pandas peer; ends with a RESULT line."""
    from pccspend.bench import run_bench

    run_bench(rows, states, progress=_progress)


@main.command()
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder to write (new, empty, or a previous snapshot).")
@click.option("--area", "areas", multiple=True, help="Police force area (repeatable; default: every area with published awards).")
@click.option("--year", help="One financial year, e.g. 2017/18.")
@click.option("--from-year", help="First financial year of a range.")
@click.option("--to-year", help="Last financial year of a range.")
@DATA_OPTION
def snapshot(out, areas, year, from_year, to_year, data_path):
    """Write a public transparency snapshot: a static site of the published awards (HTML, PNG/SVG
    charts, CSV/XLSX/JSON, manifest.json), never unpublished ones; byte-identical for the same data."""
    from pathlib import Path

    from pccspend.db import Database, NoBuild
    from pccspend.filters import filter_options, unknown_values
    from pccspend.snapshot import Scope, TargetRefused, write_snapshot

    if year and (from_year or to_year):
        _fail("give --year or --from-year/--to-year, not both")
    scope = Scope(areas=areas, from_year=year or from_year, to_year=year or to_year)
    try:
        db = Database(data_dir(data_path))
    except NoBuild as exc:
        _fail(str(exc))
    problems = unknown_values(scope.filters(), filter_options(db))
    if problems:
        _fail("; ".join(problems))
    try:
        result = write_snapshot(db, Path(out), scope, progress=_progress)
    except TargetRefused as exc:
        _fail(str(exc))
    click.echo(f"Wrote a snapshot of {', '.join(result['areas_covered']) or 'nothing published'} "
               f"({scope.years_label()}) to {out}: {len(result['files']) + 1} files; open {out}/index.html.")
