"""Awards: the awards matching the filters, sortable and searchable, with downloads of all of them."""

import functools

import streamlit as st

from pccspend import ui
from pccspend.money import gbp
from pccspend.tabular import INTERNAL_NOTE, internal_name, to_csv_bytes, to_json_bytes, to_xlsx_bytes

ui.page()
st.title("Award explorer")
data = ui.page_data("awards", limit=ui.EXPLORER_ROWS)
awards, kpis = data["awards"], data["kpis"].row(0, named=True)
count = kpis["award_count"]
st.caption(f"{ui.plural(count, 'award')}, {gbp(kpis['amount_gbp'], missing='not stated' if count else '£0')} in total, "
           f"{kpis['missing_amount_count']:,} without an amount. Sort by clicking a column; search with the "
           "sidebar or the table's search icon. Every row names its source document and where in it; "
           "select a row for its whole record.")

chosen = ui.view("award", "")
if awards.is_empty():
    st.info(ui.EMPTY, icon=":material/search_off:")
else:
    if awards.height < count:
        st.info(f"Showing the first {awards.height:,} of {ui.plural(count, 'award')} (by area, year and id). Narrow the "
                f"filters to see the others here; the downloads hold all {count:,}.", icon=":material/info:")
    picked = ui.table(awards, key="awards-table", first=ui.AWARD_COLUMNS, max_rows=17, on_select="rerun",
                      selection_mode="single-row")
    chosen = ui.pick_award(awards["award_id"], picked.selection.rows)
    # The office's view is marked INTERNAL (in each file's name and inside it); anyone who may not
    # see held-back awards reads the public view (pccspend/ui/data.py), so their files are public.
    internal = ui.may("held_back")
    with st.container(horizontal=True):
        for label, convert, name, mime in (
            ("Download CSV", to_csv_bytes, "awards.csv", "text/csv"),
            ("Download Excel (XLSX)", to_xlsx_bytes, "awards.xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("Download JSON", to_json_bytes, "awards.json", "application/json"),
        ):
            content = ui.all_awards(functools.partial(convert, note=INTERNAL_NOTE) if internal else convert)
            st.download_button(label, content, internal_name(name) if internal else name, mime,
                               key=f"awards-{name.rpartition('.')[2]}", on_click="ignore")
    if internal:
        st.caption("Downloads hold every award matching the filters, as the office sees them: each is marked "
                   "INTERNAL (in its name and inside). Public files come from Publish. Cells that a spreadsheet "
                   "would run as a formula start with an apostrophe.")
    else:
        st.caption("Downloads hold every published award matching the filters. Cells that a spreadsheet would "
                   "run as a formula start with an apostrophe.")

if chosen:
    ui.record(chosen)
