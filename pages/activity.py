"""Activity: the audit trail, newest first: every import, publication decision, snapshot and
access-list change, with who, when, the counts and the register's digest before and after."""

import streamlit as st

from pccspend import audit, ui
from pccspend.paths import data_dir
from pccspend.tabular import to_csv_bytes

ui.page()
st.title("Activity")
st.caption("Every import, publication decision, snapshot and access-list change, and every refused attempt, "
           "newest first: who, when (UTC), what, and the register's fingerprint before and after (its first 12 "
           "characters; the CSV has them whole, with the counts). Records are only ever added; "
           "`python -m pccspend audit` reads the same log.")

rows = audit.read(data_dir(), ui.current_person())
if not rows:
    st.info("Nothing recorded yet: imports, decisions, snapshots and access changes appear here.",
            icon=":material/history:")
    st.stop()
kinds = st.multiselect("Actions", list(audit.ACTIONS), format_func=audit.ACTIONS.get, key="activity:actions",
                       placeholder="Every action")
shown = [r for r in rows if not kinds or r.get("action") in kinds]
st.caption(f"{len(shown):,} of {len(rows):,} records.")
st.dataframe(audit.readable(shown), key="activity:log", hide_index=True, width="stretch",
             height=min(560, 35 * (len(shown) + 1) + 3),
             column_config={
                 "when": st.column_config.TextColumn("When (UTC)", width="medium"),
                 "action": st.column_config.TextColumn("Action", width="small"),
                 "who": st.column_config.TextColumn("Who", width="medium"),
                 "what": st.column_config.TextColumn("What", width=520),
                 "register_before": st.column_config.TextColumn(
                     "Before", width="small", help="The register's SHA-256 before the action (first 12 characters)"),
                 "register_after": st.column_config.TextColumn(
                     "After", width="small", help="The register's SHA-256 after the action (first 12 characters)"),
             })
st.download_button("Download the log (CSV)", to_csv_bytes(audit.table(shown)), "activity-INTERNAL.csv", "text/csv",
                   key="activity:csv", on_click="ignore", icon=":material/download:")
