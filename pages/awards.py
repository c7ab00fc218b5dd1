"""Awards: every award matching the filters, sortable and searchable, with downloads."""

import streamlit as st

from pccspend import ui
from pccspend.money import gbp
from pccspend.tabular import to_csv_bytes, to_json_bytes, to_xlsx_bytes

ui.page()
st.title("Award explorer")
awards = ui.page_data("awards")["awards"]
total = awards["amount_gbp"].sum() if awards.height else None
st.caption(f"{awards.height:,} awards, {gbp(total, missing='£0')} in total, "
           f"{awards['amount_gbp'].null_count():,} without an amount. Sort by clicking a column; search with the "
           "sidebar or the table's search icon. Every row names its source document and where in it.")

if awards.is_empty():
    st.info(ui.EMPTY, icon=":material/search_off:")
else:
    ui.table(awards, key="awards-table", first=ui.AWARD_COLUMNS, height=640)
    with st.container(horizontal=True):
        st.download_button("Download CSV", to_csv_bytes(awards), "awards.csv", "text/csv",
                           key="awards-csv", on_click="ignore")
        st.download_button("Download Excel (XLSX)", to_xlsx_bytes(awards), "awards.xlsx",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key="awards-xlsx", on_click="ignore")
        st.download_button("Download JSON", to_json_bytes(awards), "awards.json", "application/json",
                           key="awards-json", on_click="ignore")
    st.caption("Downloads hold exactly the rows above. Cells that a spreadsheet would run as a formula "
               "start with an apostrophe.")
