"""Colours that stay with their values: each area and each funding stream an office adds gets a
colour once, kept in data/register/palette.csv, and keeps it whatever is imported later.

Themes, the built-in funding streams and statuses have fixed colours (vocab, STATUS_COLOURS). Every
dimension draws from its own family, so one colour never means both an area and a stream or a
status. An import gives each new value the next colour of its family not yet taken (in name order
when several arrive at once) and appends it to the file in the same commit as the awards; a build
does the same for a value the file lacks (a register edited by hand) before it writes anything, so
a colour on screen is always one the file holds. Past a family's length colours come round again:
the file says which value has which.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import polars as pl

from pccspend import vocab
from pccspend.atomic import write_bytes
from pccspend.paths import PALETTE_CSV, DataDir
from pccspend.problems import Problem

COLUMNS = ["dimension", "value", "colour"]
# Paul Tol's "muted" scheme (colour-blind safe) and three more for areas; his "dark" scheme for the
# streams an office adds. Neither shares a colour with the Okabe-Ito colours of themes and the
# built-in streams (vocab), nor with the statuses'.
FAMILIES: dict[str, tuple[str, ...]] = {
    "area": ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255",
             "#AA4499", "#6699CC", "#997700", "#EE99AA"),
    "funding_stream": ("#222255", "#225555", "#225522", "#666633", "#663333", "#555555"),
}
# Statuses: browns, told apart also by pattern (charts.STATUS_PATTERNS).
STATUS_COLOURS: dict[str, str] = {
    "committed": "#6B4226", "awarded": "#8C6D46", "planned": "#B89B72", "optional_extension": "#A0522D",
}
# Series that are not a stored dimension (the commitments of one chart): Paul Tol's "light" scheme.
SERIES = ("#77AADD", "#99DDFF", "#44BB99", "#BBCC33", "#AAAA00", "#EEDD88", "#EE8866", "#FFAABB")
HEX = re.compile(r"^#[0-9A-F]{6}$")


def fixed(dimension: str) -> dict[str, str]:
    """The colours a dimension's values have without the file (themes, built-in streams, statuses)."""
    return {"theme": vocab.THEME_COLOURS, "funding_stream": vocab.STREAM_COLOURS,
            "status": STATUS_COLOURS}.get(dimension, {})


def _elsewhere(dimension: str) -> dict[str, str]:
    """Every colour that means something in another dimension -> what it means there."""
    out = {}
    for other in ("theme", "funding_stream", "status", *FAMILIES):
        if other == dimension:
            continue
        for value, colour in fixed(other).items():
            out.setdefault(colour.upper(), f"{other} {value}")
        for colour in FAMILIES.get(other, ()):
            out.setdefault(colour.upper(), f"the {other} colours")
    return out


def load(data: DataDir) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    """The stored colours by dimension, and every problem in the file (named by row and column)."""
    path: Path = data.register / PALETTE_CSV
    stored: dict[str, dict[str, str]] = {d: {} for d in FAMILIES}
    if not path.exists():
        return stored, []
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                return stored, [Problem(PALETTE_CSV, 1, c, None, "required column is missing") for c in missing]
            problems = []
            for i, row in enumerate(reader, start=2):
                # A value as the awards hold it (spaces and all); the other cells trimmed.
                problems += _row_problems({k: (v or "") if k == "value" else (v or "").strip()
                                           for k, v in row.items() if k}, i, stored)
    except (UnicodeDecodeError, csv.Error) as exc:
        return stored, [Problem(PALETTE_CSV, None, None, None, f"not a readable UTF-8 CSV file: {exc}")]
    return stored, problems


def _row_problems(row: dict, i: int, stored: dict[str, dict[str, str]]) -> list[Problem]:
    dimension, value, colour = row.get("dimension", ""), row.get("value", ""), row.get("colour", "").upper()
    if dimension not in FAMILIES:
        return [Problem(PALETTE_CSV, i, "dimension", dimension, f"dimension must be one of: {', '.join(FAMILIES)}")]
    if not value.strip():
        return [Problem(PALETTE_CSV, i, "value", None, "a value is required")]
    if not HEX.match(colour):
        return [Problem(PALETTE_CSV, i, "colour", row.get("colour"), "colour must be #RRGGBB (hex digits)")]
    if value in fixed(dimension):
        return [Problem(PALETTE_CSV, i, "value", value, f"a built-in {dimension} with a fixed colour (pccspend/vocab.py)")]
    if colour in (meaning := _elsewhere(dimension)):
        return [Problem(PALETTE_CSV, i, "colour", colour, f"already means {meaning[colour]}: choose another")]
    if value in stored[dimension]:
        return [Problem(PALETTE_CSV, i, "value", value, f"this {dimension} has a colour already (row of the same value)")]
    stored[dimension][value] = colour
    return []


def assign(stored: dict[str, dict[str, str]], values: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """The (dimension, value, colour) rows for values without a colour (built-in ones aside): each
    the next colour of its family not yet taken, new values in name order."""
    rows = []
    for dimension, family in FAMILIES.items():
        have = stored.get(dimension, {})
        new = sorted({v for v in values.get(dimension, []) if v and v not in have and v not in fixed(dimension)})
        taken = set(have.values())
        for n, value in enumerate(new):
            free = [c for c in family if c not in taken]
            colour = free[0] if free else family[(len(have) + n) % len(family)]
            taken.add(colour)
            rows.append((dimension, value, colour))
    return rows


def values_in(awards_csv: Path) -> dict[str, list[str]]:
    """Each coloured dimension's values in a register awards file."""
    frame = pl.scan_csv(awards_csv, infer_schema=False).select(*FAMILIES).unique().collect()
    return {d: frame[d].drop_nulls().unique().to_list() for d in FAMILIES}


def append(data: DataDir, rows: list[tuple[str, str, str]]) -> None:
    """The file with `rows` added at its end (written whole to a temporary file, then renamed)."""
    path = data.register / PALETTE_CSV
    old = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if not old:
        writer.writerow(COLUMNS)
    elif not old.endswith("\n"):
        out.write("\n")
    writer.writerows(rows)
    write_bytes(path, (old + out.getvalue()).encode("utf-8"))


def table(stored: dict[str, dict[str, str]], awards: pl.DataFrame) -> pl.DataFrame:
    """The build's `palette` table: every colour of a value these awards hold (a view's palette
    names no value it does not show), fixed ones included."""
    rows = []
    for dimension in ("theme", "funding_stream", "area"):
        present = set(awards[dimension].drop_nulls().unique().to_list()) if dimension in awards.columns else set()
        colours = {**fixed(dimension), **stored.get(dimension, {})}
        rows += [(dimension, v, c) for v, c in colours.items() if v in present or v == vocab.NOT_STATED]
    rows += [("status", v, c) for v, c in STATUS_COLOURS.items()]
    return pl.DataFrame(rows, schema={"dimension": pl.String, "value": pl.String, "colour": pl.String},
                        orient="row").sort("dimension", "value")


def colours(frame: pl.DataFrame | None, dimension: str) -> dict[str, str]:
    """value -> colour for one dimension, from a `palette` table (fixed colours without one)."""
    out = dict(fixed(dimension))
    if frame is not None and frame.height:
        part = frame.filter(pl.col("dimension") == dimension)
        out.update(zip(part["value"].to_list(), part["colour"].to_list()))
    return out
