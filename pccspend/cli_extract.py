"""The command line of reading papers: `extract FILE` proposes award rows and never writes the register."""

from __future__ import annotations

import json

import click

from pccspend.cli import FORMATS, render


@click.command("extract")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format.")
@click.option("--totals", "show_totals", is_flag=True,
              help="The stated totals found, each beside the sum of the proposed lines it covers, instead of the lines.")
def extract_command(file, fmt, show_totals):
    """Propose award rows from a paper (born-digital PDF, Word .docx or text), each with the table
    cell or sentence it came from, for review. Writes nothing: bring rows in through the Import page."""
    import polars as pl

    from pccspend.extract import NotExtractable, extract
    from pccspend.extract.proposals import COLUMNS, TOTAL_COLUMNS

    try:
        found = extract(file)
    except NotExtractable as exc:
        click.echo(f"{click.format_filename(file)}: {exc}", err=True)
        raise SystemExit(1) from None
    rows = [t.row() for t in found.totals] if show_totals else [p.row() for p in found.proposals]
    columns = TOTAL_COLUMNS if show_totals else COLUMNS
    if fmt == "json":
        click.echo(json.dumps(rows, indent=1, ensure_ascii=False))
    else:
        frame = pl.DataFrame(rows, schema={c: pl.String for c in columns}, orient="row" if not rows else None)
        if fmt == "table":
            frame = frame.drop("file_name", "evidence", strict=False)
        click.echo(render(frame, fmt), nl=False)
    missing = sum(p.amount_gbp is None for p in found.proposals)
    gaps = [t for t in found.totals if t.lines_gbp is not None and t.lines_gbp != t.stated_total_gbp]
    click.echo(f"{len(found.proposals):,} proposed line(s) ({missing:,} without an amount) and "
               f"{len(found.totals):,} stated total(s), {len(gaps):,} not equal to their lines, from "
               f"{found.kind} {found.file_name}" + (f" ({found.page_count} pages)" if found.page_count else "")
               + ". Nothing was written.", err=True)
