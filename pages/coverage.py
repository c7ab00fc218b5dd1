"""Coverage: which area-years the documents cover in full, in part (which streams) or not at all."""

import streamlit as st

from pccspend import ui
from pccspend.coverage import grid_table

ui.page()
st.title("Coverage: what the documents cover")
st.caption("Each cell is one area and financial year: 'all spend' when a document covers every award the office "
           "made, 'partial' naming the funding streams or funds its documents cover, 'no documents' when the register "
           "holds none. A year with no documents is not a year with £0 spent: charts across years mark it, and a "
           "change from one year to the next is drawn only between years covered the same way. Only the area and "
           "year filters apply here.")
data = ui.page_data("coverage")
# A static table (not a canvas grid): read cell by cell by keyboard and screen readers. It renders
# Markdown, so every cell is escaped.
grid = grid_table(data["grid"])
st.table(ui.md_frame(grid), hide_index=True,
         alt="Coverage by area (rows) and financial year (columns), each cell naming its documents")
st.subheader("What each document covers, and why")
ui.table(data["documents"], key="coverage-documents")
