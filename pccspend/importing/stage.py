"""The register an import would make, written into the plan's staging folder and validated as a whole."""

from __future__ import annotations

import array
import csv
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from pccspend import column_maps, grant_details, palette
from pccspend.importing.rows import _label
from pccspend.paths import (
    AWARDS_CSV, COLUMN_MAPS_CSV, FUNDING_STREAMS_CSV, GRANT_DETAILS_CSV, PALETTE_CSV, SOURCES_CSV, TOTALS_CSV, DataDir,
)
from pccspend.reading import Table
from pccspend.register import FUNDING_STREAM_COLUMNS, SOURCE_COLUMNS, TOTAL_COLUMNS
from pccspend.validate import Problem, validate_register

if TYPE_CHECKING:  # plan.py imports this module
    from pccspend.importing.plan import ImportPlan, Progress


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    if not path.exists():
        return [], []
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return (rows[0], rows[1:]) if rows else ([], [])



def _write_csv(path: Path, header: list[str], rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def stage(plan: ImportPlan, data: DataDir, header: list[str], changed: dict, spool_path: Path,
           added_rows: array.array, table: Table, progress: Progress) -> None:
    """Write the new register into the staging folder and validate it as a whole."""
    progress("staging the new register")
    stage = plan.staging
    reg = stage / "register"
    reg.mkdir()
    if data.reference.exists():
        os.symlink(os.path.relpath(data.reference, stage), stage / "reference")
    row_of: dict[int, int] = {}  # staged awards.csv row -> import row (for changed rows)
    staged_awards = reg / AWARDS_CSV
    with open(staged_awards, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        n = 1
        src = data.register / AWARDS_CSV
        if src.exists():
            with open(src, newline="", encoding="utf-8") as fh:
                reader = csv.reader(fh)
                next(reader, None)
                id_at = header.index("award_id") if "award_id" in header else 0
                for cells in reader:
                    n += 1
                    new = changed.get(cells[id_at]) if len(cells) > id_at else None
                    if new:
                        row_of[n] = new[1]
                        cells = ["" if new[0].get(c) is None else new[0][c] for c in header]
                    writer.writerow(cells)
        existing_count = n
        with open(spool_path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            for award in reader:
                writer.writerow([award.get(c, "") for c in header])
    plan.staged_files.append(AWARDS_CSV)

    s_header, s_rows = read_rows(data.register / SOURCES_CSV)
    s_header = s_header or list(SOURCE_COLUMNS)
    if not any(r and r[s_header.index("source_id")] == plan.source["source_id"] for r in s_rows):
        s_rows.append(["" if plan.source.get(c) is None else plan.source[c] for c in s_header])
        plan.staged_files.append(SOURCES_CSV)
    _write_csv(reg / SOURCES_CSV, s_header, s_rows)

    totals = data.register / TOTALS_CSV
    if totals.exists():
        shutil.copyfile(totals, reg / TOTALS_CSV)
    else:
        _write_csv(reg / TOTALS_CSV, TOTAL_COLUMNS, [])
        plan.staged_files.append(TOTALS_CSV)

    details_file = data.register / GRANT_DETAILS_CSV
    kept = []
    if plan.detailed or details_file.exists():
        d_header, d_rows = read_rows(details_file)
        id_at = d_header.index("award_id") if "award_id" in d_header else 0
        kept = [r for r in d_rows if r and r[id_at] not in plan.detailed]  # an award's new details replace its old
        # Written in today's layout: a file from before a column was added gains it, empty.
        kept = [[dict(zip(d_header, r)).get(c, "") for c in grant_details.COLUMNS] for r in kept]
        _, new_rows = read_rows(stage / "details.csv")
        _write_csv(reg / GRANT_DETAILS_CSV, list(grant_details.COLUMNS), kept + new_rows)
        if plan.detailed:
            plan.staged_files.append(GRANT_DETAILS_CSV)

    streams_file = data.register / FUNDING_STREAMS_CSV
    f_header, f_rows = read_rows(streams_file)
    f_header = f_header or list(FUNDING_STREAM_COLUMNS)
    if plan.new_streams or streams_file.exists():
        f_rows += [[s, d] for s, d in plan.new_streams.items()]
        _write_csv(reg / FUNDING_STREAMS_CSV, f_header, f_rows)
        if plan.new_streams:
            plan.staged_files.append(FUNDING_STREAMS_CSV)

    # Colours for the areas and streams this import brings, in the same commit: the build that
    # follows then has none to give, and a crash leaves the register before or after, whole.
    colours = palette.assign(palette.load(data)[0], palette.values_in(staged_awards))
    if colours:
        if (data.register / PALETTE_CSV).exists():
            shutil.copyfile(data.register / PALETTE_CSV, reg / PALETTE_CSV)
        palette.append(DataDir(stage), colours)
        plan.staged_files.append(PALETTE_CSV)

    if plan.map_remembered:
        text = column_maps.staged_text(data, plan.map_layout, plan.column_map, plan.file_name)
        (reg / COLUMN_MAPS_CSV).write_text(text, encoding="utf-8")
        plan.staged_files.append(COLUMN_MAPS_CSV)

    progress("validating the new register")
    for p in validate_register(DataDir(stage)):
        if p.file == AWARDS_CSV and p.row and p.row > existing_count:
            index = p.row - existing_count - 1
            row = added_rows[index] if index < len(added_rows) else None
            plan.reject(Problem(plan.file_name, row, _label(table, p.column, {}) if p.column else None, p.value, p.rule))
        elif p.file == AWARDS_CSV and p.row in row_of:
            plan.reject(Problem(plan.file_name, row_of[p.row], _label(table, p.column, {}) if p.column else None,
                                p.value, p.rule))
        elif p.file == GRANT_DETAILS_CSV and p.row and 0 <= p.row - 2 - len(kept) < len(plan.detail_rows):
            # a detail this import writes: named by the file's row and its own name for the field
            field = grant_details.FROM_360.get(p.column)
            plan.reject(Problem(plan.file_name, plan.detail_rows[p.row - 2 - len(kept)],
                                table.label(field) if field else p.column, p.value, p.rule))
        else:
            plan.reject(Problem(p.file, p.row, p.column, p.value, f"{p.rule} (in the register after this import)"))
