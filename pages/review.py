"""Review and publish: what awaits a publication decision, by import and document; publish, redact
fields or withhold with a reason, a whole group at once or row by row, recorded with the decider's name."""

import polars as pl
import streamlit as st

from pccspend import decisions, ui
from pccspend.money import gbp
from pccspend.paths import data_dir
from pccspend.ui import review

EDITOR_ROWS = 1_000  # rows decided one by one per view; a bigger group is decided in bulk first

ui.page()
who = ui.current_person()
st.title("Review and publish")
st.caption("Imported awards land as drafts: the public sees none of them until someone decides here. Publish "
           "an award, publish it with some fields withheld (redact), or withhold it, giving the reason: a whole "
           "import or document at once, or row by row. Each decision is recorded on the award with your name "
           "and the date; nothing changes until you confirm, and then all or nothing.")
if done := st.session_state.pop("review:done", None):
    st.success(ui.md(done))

db = ui.database()
show_decided = st.toggle("Show decided awards too (to change a decision)", key="review:decided")
groups = decisions.queue(db, include_decided=show_decided)
if groups.is_empty():
    st.info("Nothing awaits a publication decision: every award is decided. Turn on 'Show decided awards too' "
            "to change a decision.", icon=":material/task_alt:")
    st.stop()
ui.table(groups.drop("published_date", "missing_amount_count"), key="review:queue")

labels = {g["source_id"]: decisions.group_label(g) for g in groups.iter_rows(named=True)}
source = st.selectbox("Document or import", list(labels), format_func=labels.__getitem__, key="review:group")
group = groups.row(groups["source_id"].to_list().index(source), named=True)
drafts = group["award_count"]
years = " to ".join(dict.fromkeys(y for y in (group["first_financial_year"], group["last_financial_year"]) if y))
with ui.metric_row():
    ui.metric("Drafts", f"{drafts:,}")
    ui.metric("Total of the drafts", gbp(group["amount_gbp"], missing="£0" if not drafts else "Not stated"))
    ui.metric("Years", years or "-")
    ui.metric("Already decided", f"{group['decided_count']:,}")

name = who.name
st.caption(ui.md(f"Decisions are recorded as made by **{name}**, today."))


def record(chosen: list[decisions.Decision]) -> None:
    with st.spinner("Recording the decisions and rebuilding..."):
        result, problems = decisions.try_record(data_dir(), chosen, by=who, digest=db.info["register_sha256"])
    if problems:
        st.error(ui.md("Nothing was recorded:\n\n" + "\n".join(f"- {line}" for line in problems)))
        return
    st.session_state["review:done"] = f"{labels[source]}: {result.summary()}"
    st.rerun()


st.subheader("The whole group")
bulk_ids = decisions.group_rows(db, source)["award_id"].to_list() if drafts else []
left, right = st.columns(2)
if left.button(f"Publish all {drafts:,} drafts", key="review:publish-all", type="primary",
               disabled=not (name and drafts)):
    record([decisions.Decision(a, "published") for a in bulk_ids])
reason = right.text_input("Reason for withholding", key="review:withhold-reason",
                          placeholder="The exemption relied on, e.g. personal safety")
if right.button(f"Withhold all {drafts:,} drafts", key="review:withhold-all", disabled=not (name and drafts)):
    record([decisions.Decision(a, "withheld", reason=reason) for a in bulk_ids])

st.subheader("Row by row")
rows = decisions.group_rows(db, source, include_decided=show_decided, row_limit=EDITOR_ROWS)
total = drafts + (group["decided_count"] if show_decided else 0)
if rows.height < total:
    st.caption(f"The first {rows.height:,} of {total:,} awards: decide the group in bulk, or these first.")
st.caption("Choose a decision for each award to change (keep leaves it as it is), then record them together.")
edited = st.data_editor(review.editor_frame(rows), key=f"review:rows:{source}:{show_decided}:{db.build_path.name}",
                        hide_index=True, column_config=review.editor_config(), height=420)
try:
    chosen = decisions.from_editor(pl.DataFrame(edited).to_dicts())
except decisions.DecisionRefused as exc:
    st.error(ui.md(str(exc)))
    chosen = []
if st.button(f"Record {len(chosen):,} decision(s)", key="review:record", type="primary",
             disabled=not (name and chosen)):
    record(chosen)
