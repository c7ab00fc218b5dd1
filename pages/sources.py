"""Source documents: every document the register was transcribed from, and its text."""

import streamlit as st

from pccspend import ui

ui.page()
st.title("Source documents")
st.caption("The text extracted from each published paper. Links from the other pages open a document "
           "at the table or paragraph an award came from.")
documents = ui.page_data("sources")["documents"]
ids = documents["source_id"].to_list()
doc = ui.choice("Document", "doc", ids, ids[0], widget="select",
                format_func=lambda i: f"{documents.filter(documents['source_id'] == i)['title'][0]} ({i})")
at = ui.view("at", "")
data = ui.page_data("sources", doc=doc, at=at)
ui.table(documents.drop("url"), key="documents-table")

row = documents.filter(documents["source_id"] == doc).row(0, named=True)
st.subheader(ui.md(row["title"]))
st.caption(ui.md(f"{row['publisher']} · {row['kind']} · {row['published_date']} · {row['reference'] or ''} · "
                 f"file {row['file_name']}"))
located = data["text"].filter(data["text"]["is_located"])
if at:
    st.info(f"Looking for: {ui.md(at)}", icon=":material/location_on:")
    for line in located.iter_rows(named=True):
        st.markdown(f"**Line {line['line']}:**")
        st.text(line["text"])
# Line numbers written into the text: st.code's own are drawn at 2.5:1 contrast (below WCAG AA).
lines = data["text"]
width = len(str(lines.height))
# The whole text in the page's flow: a box of fixed height would be a scrolling region a keyboard
# cannot reach (axe-core scrollable-region-focusable); the page itself scrolls.
st.code("\n".join(f"{n:>{width}}  {text}" for n, text in zip(lines["line"], lines["text"])), language=None,
        wrap_lines=True)
