"""Import: upload a 360Giving file or the office's spreadsheet, read the dry run, then confirm."""

import polars as pl
import streamlit as st

from pccspend import ui
from pccspend.importing import import_upload, problem_rows, report_lines, size_refusal
from pccspend.paths import data_dir

ui.page()
who = ui.current_person()
st.title("Import awards")
st.caption("A 360Giving file (CSV, XLSX or JSON) or a spreadsheet in the register's own layout. You see "
           "what would change first; nothing is written until you confirm, and then all or nothing. New awards "
           "land as drafts: no public figure changes until they are published on Review and publish.")

upload = st.file_uploader("File to import", type=["csv", "xlsx", "json"], key="import-file")
area = st.text_input("Police force area", key="import-area",
                     help="Every row's area. Leave empty to use each grant's Beneficiary Location:Name "
                          "(or the spreadsheet's area column).")
if done := st.session_state.pop("import-done", None):
    st.success(ui.md(done))
if upload is None:
    st.stop()

if refusal := size_refusal(upload.size):  # before the file is read into memory
    st.error(ui.md(f"{upload.name}: {refusal}. Nothing was imported."))
    st.stop()
data = data_dir()
plan = import_upload(data, upload.name, upload.getvalue(), area, who=who, dry_run=True)
lines = report_lines(plan)
if not plan.ok:
    st.error(ui.md(lines[1]))
    st.dataframe(pl.DataFrame(problem_rows(plan), infer_schema_length=None), hide_index=True)
    st.stop()

cols = st.columns(4)
for col, (label, n) in zip(cols, (("Would add", plan.added), ("Would change", plan.changed),
                                  ("Unchanged", plan.unchanged), ("Rejected", 0))):
    col.metric(label, f"{n:,}")
st.text("\n".join(lines[2:]))

if plan.has_changes and st.button(f"Import {plan.added + plan.changed:,} award(s)", type="primary",
                                  key="import-confirm"):
    with st.spinner("Importing and rebuilding..."):
        result = import_upload(data, upload.name, upload.getvalue(), area, who=who, dry_run=False)
    if result.ok:
        st.session_state["import-done"] = (f"Imported {upload.name}: {result.added:,} added, "
                                           f"{result.changed:,} changed, as drafts: the dashboard shows them with "
                                           "'Show unpublished rows'; publish them on Review and publish.")
        st.rerun()
    st.error(ui.md("\n".join(report_lines(result)[1:])))
