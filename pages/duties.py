"""Transparency duties: what the Specified Information Order requires of each published award, and what is missing."""

import streamlit as st

from pccspend import duties, ui

ui.page()
st.title("Transparency duties")
st.caption(f"What the {duties.ORDER} requires a commissioner to publish, checked against the published awards "
           "under the sidebar's filters (drafts and withheld awards are never counted: they are not published).")
for duty in duties.DUTIES:
    st.markdown(f"- **{duty.title}**: {duty.description}")
st.caption("A crime and disorder reduction grant is an award made as a grant or grant agreement, or listed as such a "
           "grant in its document; a contract is a commissioned contract or single tender action. An award with "
           "no amount cannot be judged over £500 or £10,000: it is listed as \"amount not stated\".")

db, chosen = ui.database(), ui.filters()
counts = duties.summary(db, chosen)
lacking = duties.missing(db, chosen)

st.subheader("What is owed, per area and year")
if counts.is_empty():
    st.info(ui.EMPTY, icon=":material/search_off:")
else:
    st.caption("Awards each duty covers, those with no amount to judge by, and those lacking something it requires.")
    ui.table(duties.by_area_and_year(counts), key="duties:counts")
    for sentence in duties.sentences(counts):
        st.markdown(ui.md(sentence))
    with st.expander("Per field"):
        ui.table(counts, key="duties:fields")

st.subheader("Awards lacking something the Order requires")
if lacking.is_empty():
    st.success("Nothing missing under these filters.")
else:
    st.caption(f"{lacking['award_id'].n_unique():,} awards. \"missing\" names the register's columns to fill "
               "(provider is the recipient).")
    ui.table(lacking, key="duties:missing", first=duties.LIST_COLUMNS, max_rows=13)
