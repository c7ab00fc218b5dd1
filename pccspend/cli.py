"""The command line: `python -m pccspend <command>`. Thin: the work happens in library modules."""

from __future__ import annotations

import sys

import click

from pccspend import __version__
from pccspend.build import build as build_register
from pccspend.build import is_stale
from pccspend.paths import data_dir
from pccspend.validate import ValidationFailed, validate_register

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
