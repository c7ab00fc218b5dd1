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
st.code("\n".join(data["text"]["text"].to_list()), language=None, line_numbers=True, height=600, wrap_lines=True)
