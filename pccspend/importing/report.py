"""The import report: a plan as lines of text (CLI and dashboard), and its rejections as table rows."""

from __future__ import annotations

from pccspend.importing.plan import ImportPlan
from pccspend.importing.rows import Noted
from pccspend.money import gbp
from pccspend.paths import COLUMN_MAPS_CSV, FUNDING_STREAMS_CSV


def _rows_text(noted: Noted) -> str:
    shown = ", ".join(map(str, noted.rows[:20]))
    return shown + (", ..." if noted.count > 20 else "")


def _map_lines(plan: ImportPlan, applied: bool) -> list[str]:
    """Which column map the file was read through, and whether this import remembers it."""
    lines = []
    if plan.column_map and not plan.column_map.plain():
        origin = ("the column map given" if plan.map_given else
                  f"the column map remembered for this layout (first given for {plan.column_map.file})")
        lines.append(f"columns read through {origin}: {plan.column_map.describe()}")
        if plan.map_remembered and plan.ok:
            lines.append("the map is " + ("now remembered" if applied else "remembered on import")
                         + f" for files with these columns ({COLUMN_MAPS_CSV}, layout {plan.map_layout})")
    return lines


def report_lines(plan: ImportPlan, *, applied: bool = False) -> list[str]:
    """The dry-run (or import) report as lines of text."""
    what = "" if not plan.layout else f"{plan.layout}, "
    lines = [f"{plan.file_name}: {what}{plan.rows:,} row(s)" + (f", area {plan.area}" if plan.area else "")]
    if not plan.ok:
        lines.append(f"REJECTED: {plan.problem_count:,} problem(s) in {max(plan.rejected_rows, 1):,} row(s); "
                     "nothing was imported and the register is untouched.")
        lines += _map_lines(plan, applied)
        lines += [f"  {p}" for p in plan.problems]
        if plan.problem_count > len(plan.problems):
            lines.append(f"  ... and {plan.problem_count - len(plan.problems):,} more")
        return lines
    verb = ("added", "changed") if applied else ("would add", "would change")
    lines.append(f"{verb[0]} {plan.added:,}, {verb[1]} {plan.changed:,}, unchanged {plan.unchanged:,}, rejected 0")
    lines += _map_lines(plan, applied)
    if plan.added:
        lines.append(f"the {plan.added:,} new award(s) "
                     + (f"are published on import, decided by {plan.published_by}" if plan.published_by else
                        "land as drafts: no public figure changes until someone publishes them "
                        "(Review page, or `python -m pccspend decide`)"))
    if plan.gbp_by_year:
        lines.append("GBP by financial year: " + ", ".join(f"{fy} {gbp(v)}" for fy, v in plan.gbp_by_year.items()))
    if plan.new_streams:
        lines.append(f"new funding streams (added to {FUNDING_STREAMS_CSV}): " + ", ".join(plan.new_streams))
    remarks = {
        "no_theme": "no theme (no rule in import_mapping.csv matched; left empty)",
        "sector_other": "provider sector set to 'other' (no registered charity or council identifier, no rule)",
        "other_currency": "not in GBP (amount kept in amount_note, not counted in GBP totals)",
        "multi_year": "planned over several financial years (whole amount in the first; see amount_note)",
        "no_amount": "no amount stated (kept empty, never 0)",
        "identifier_space": "with spaces inside the identifier (removed in the award id: the standard allows "
                            "them, the register's ids do not)",
        "uk_date": "with dates written DD/MM/YYYY (read as day/month/year)",
        "ambiguous_date": "whose DD/MM/YYYY dates could also be read month first (e.g. 05/06/2014: 5 June "
                          "here, 6 May in a US file): check them",
    }
    for key, text in remarks.items():
        noted = plan.notes[key]
        if noted.count:
            lines.append(f"{noted.count:,} row(s) {text}: rows {_rows_text(noted)}")
    lines += plan.read_as
    if plan.ignored_columns:
        lines.append("columns not imported: " + ", ".join(plan.ignored_columns))
    for row, award_id, diff in plan.changes[:50]:
        cols = "; ".join(f"{c}: {o!r} -> {n!r}" for c, (o, n) in diff.items())
        lines.append(f"  row {row} changes {award_id}: {cols}")
    if plan.added + plan.changed == 0:
        lines.append("Nothing to do: the register already holds every row of this file.")
    return lines


def problem_rows(plan: ImportPlan) -> list[dict]:
    """The rejections as table rows (file, row, column, value, rule)."""
    return [{"file": p.file, "row": p.row, "column": p.column, "value": p.value, "rule": p.rule}
            for p in plan.problems]
