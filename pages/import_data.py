"""Import: upload a 360Giving file or the office's spreadsheet, read the dry run, then confirm."""

import polars as pl
import streamlit as st

from pccspend import column_maps, ui, vocab
from pccspend.importing import columns_of_upload, import_upload, problem_rows, report_lines, size_refusal
from pccspend.paths import data_dir
from pccspend.ui.paper import paper_step

NOT_IMPORTED = "(not imported)"
# Register columns an office's spreadsheet often lacks, offered as one value for every row.
EVERY_ROW = {"funder": None, "financial_year": None, "mechanism": vocab.MECHANISMS, "status": vocab.STATUSES,
             "funding_stream": None, "theme": vocab.THEMES, "provider_sector": vocab.PROVIDER_SECTORS}


def column_step(cols) -> column_maps.ColumnMap | None:
    """The office's own spreadsheet: which register column each of its columns fills. None: no usable map."""
    st.subheader("Columns")
    st.caption(ui.md(
        ("As remembered for files with these columns (first given for "
         f"{cols.remembered.file})." if cols.remembered else
         "Which register column each of the file's columns fills. Suggestions come from the titles: check them. ")
        + " The map is remembered for files with the same columns when you import."))
    with st.form(f"import-map-{cols.layout}", border=True):
        grid = st.columns(3)
        chosen = {}
        for i, title in enumerate(t for t in cols.header if t):
            start = cols.start.get(title)
            options = [NOT_IMPORTED, *column_maps.MAPPABLE]
            example = cols.examples.get(title)
            chosen[title] = grid[i % 3].selectbox(
                title, options, index=options.index(start) if start in options else 0,
                key=f"map-{cols.layout}-{i}", help=f"First value: {example}" if example else "Empty in the first rows")
        st.markdown("**One value for every row**, for register columns the file does not have")
        grid = st.columns(3)
        values = {}
        for i, (col, choices) in enumerate(EVERY_ROW.items()):
            start = cols.values.get(col, "")
            if choices:
                options = ["", *choices]
                values[col] = grid[i % 3].selectbox(col, options, index=options.index(start) if start in options else 0,
                                                    key=f"map-{cols.layout}-set-{col}")
            else:
                values[col] = grid[i % 3].text_input(col, value=start, key=f"map-{cols.layout}-set-{col}")
        st.form_submit_button("Read the file with these columns")
    columns: dict[str, str] = {}
    for title, col in chosen.items():
        if col == NOT_IMPORTED:
            continue
        if col in columns:
            st.error(ui.md(f"{col} is filled from both {columns[col]!r} and {title!r}: choose one."))
            return None
        columns[col] = title
    try:
        return column_maps.build(columns, {c: v for c, v in values.items() if v and v.strip()})
    except column_maps.MapError as exc:
        st.error(ui.md(str(exc)))
        return None


def review_plan(plan, run_import) -> None:
    """The dry run as a person reads it (counts, report, every rejection), then the confirm:
    `run_import()` imports for real and returns the applied plan."""
    st.subheader("What would change")
    lines = report_lines(plan)
    if not plan.ok:
        st.error(ui.md(lines[1]))
        st.dataframe(pl.DataFrame(problem_rows(plan), infer_schema_length=None), hide_index=True)
        st.stop()
    with ui.metric_row():
        for label, n in (("Would add", plan.added), ("Would change", plan.changed), ("Unchanged", plan.unchanged),
                         ("Rejected", 0)):
            ui.metric(label, f"{n:,}")
    st.text("\n".join(lines[2:]))
    if plan.has_changes and st.button(f"Import {plan.added + plan.changed:,} award(s)", type="primary",
                                      key="import-confirm"):
        with st.spinner("Importing and rebuilding..."):
            result = run_import()
        if result.ok:
            st.session_state["import-done"] = (
                f"Imported {plan.file_name}: {result.added:,} added, {result.changed:,} changed, as drafts: the "
                "dashboard shows them with 'Show unpublished rows'; publish them on Review and publish.")
            st.rerun()
        st.error(ui.md("\n".join(report_lines(result)[1:])))


ui.page()
who = ui.current_person()
st.title("Import awards")
st.caption("A 360Giving file (CSV, XLSX or JSON), the office's own spreadsheet (its columns mapped once), or a "
           "paper (a decision record or board paper as PDF, Word or text: its award lines proposed for you to "
           "check). You see what would change first; nothing is written until you confirm, and then all or "
           "nothing. New awards land as drafts: no public figure changes until they are published on Review and "
           "publish.")
if done := st.session_state.pop("import-done", None):
    st.success(ui.md(done))
what = st.segmented_control("What are you importing?", ["A data file", "A paper"], default="A data file",
                            key="import-what")
data = data_dir()
if what == "A paper":
    paper = paper_step(data)
    if paper is not None:
        review_plan(paper.plan(who, dry_run=True), lambda: paper.plan(who, dry_run=False))
    st.stop()

upload = st.file_uploader("File to import", type=["csv", "xlsx", "json"], key="import-file")
area = st.text_input("Police force area", key="import-area",
                     help="Every row's area. Leave empty to use each grant's Beneficiary Location:Name "
                          "(or the spreadsheet's area column).")
if upload is None:
    st.stop()
if refusal := size_refusal(upload.size):  # before the file is read into memory
    st.error(ui.md(f"{upload.name}: {refusal}. Nothing was imported."))
    st.stop()
column_map = None
cols = columns_of_upload(data, upload.name, upload.getvalue())
if cols and not cols.is_360:
    column_map = column_step(cols)
    if column_map is None:
        st.stop()
    if column_map.same(cols.remembered):
        column_map = None  # read through the remembered map, and reported as such
review_plan(import_upload(data, upload.name, upload.getvalue(), area, who=who, dry_run=True, column_map=column_map),
            lambda: import_upload(data, upload.name, upload.getvalue(), area, who=who, dry_run=False,
                                  column_map=column_map))
