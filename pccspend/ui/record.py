"""One award's record laid out (pccspend/record.py reads it): its publication state, every field,
its document at the locator, the other years of its commitment and what reconciles it."""

from __future__ import annotations

import polars as pl
import streamlit as st

from pccspend.record import award_record
from pccspend.ui.data import database, may
from pccspend.ui.tables import plural, source_link, table
from pccspend.ui.text import md
from pccspend.ui.view_state import filters, set_view, view

PICKER, SEEN = "award-picker", "award-picker:rows"
TOTALS = ("total_id", "description", "total_kind", "stated_total_gbp", "line_sum_gbp", "difference_gbp",
          "line_count", "source_title", "source_locator", "document")


def pick_award(ids: pl.Series, rows: list[int]) -> str:
    """The award whose record is shown (kept in the URL as ?award=): a row just selected in the
    table, else the one chosen in the select box under it (the keyboard's way), else the link's."""
    ss = st.session_state
    chosen = view("award", "")
    if rows != ss.get(SEEN, []):  # only a new selection: an old one must not undo the select box
        ss[SEEN] = rows
        if rows:
            chosen = set_view("award", ids[rows[0]])
    ss[PICKER] = chosen
    options = ["", *ids.to_list(), *([chosen] if chosen and chosen not in ids else [])]
    st.selectbox("Show an award's whole record", options, key=PICKER, on_change=lambda: set_view("award", ss[PICKER]),
                 format_func=lambda i: i or "Choose an award (or select a row)")
    return chosen


def record(award_id: str) -> None:
    """The record of `award_id` as this person may see it (nothing of a held-back award for the public)."""
    found = award_record(database(), filters(), award_id)
    row = found["award"]
    if row is None:
        where = "" if may("held_back") else " published"
        st.info(md(f"No{where} award has the id {award_id}."), icon=":material/search_off:")
        return
    st.subheader(md(f"{row['award_id']}: {row['service'] or row['description'] or ''}"))
    if may("held_back"):  # the office's view: the decision, and why
        (st.success if row["publication"] == "published" else st.warning)(md(found["state"]), icon=":material/policy:")
    elif row["publication"] == "redacted":
        st.caption("Published with some fields withheld from the public: they read 'Withheld' with the reason.")
    table(found["fields"], key=f"record:{award_id}:fields", max_rows=len(found["fields"]))

    st.markdown("**Where it comes from**")
    link = source_link(row["source_id"], row["source_locator"])
    st.markdown(md(f"{row['source_title'] or row['source_id']}, {row['source_locator'] or ''}")
                + (f" · [open the document]({link})" if link else ""))
    line, lines = found["excerpt"]
    if lines:
        st.caption(f"The document's text from line {max(line - 1, 1):,}:")
        st.code("\n".join(lines), language=None, wrap_lines=True)
    else:
        st.caption("The document's text is not in data/sources/, or the locator names no line of it.")

    if found["commitment"] is not None:
        years = found["commitment"]
        st.markdown(md(f"**Commitment {row['commitment_id']}: {plural(years.height, 'year')}**"))
        table(years, key=f"record:{award_id}:commitment", max_rows=years.height)
    totals = found["totals"]
    st.markdown(f"**What reconciles it: {plural(totals.height, 'stated total')}**")
    if totals.is_empty():
        st.caption("No total a document states covers this award.")
    else:
        table(totals, key=f"record:{award_id}:totals", first=TOTALS, max_rows=totals.height)
