"""Activity: the audit trail, newest first: every import, publication decision, snapshot and
access-list change, with who, when, the counts and the register's digest before and after."""

import streamlit as st

from pccspend import audit, ui
from pccspend.paths import data_dir
from pccspend.tabular import to_csv_bytes

ui.page()
st.title("Activity")
st.caption("Every import, publication decision, snapshot and access-list change, and every refused attempt, "
           "newest first: who, when (UTC), what, the counts, and the register's fingerprint before and after. "
           "Records are only ever added; the command line (`python -m pccspend audit`) reads the same log.")

log = audit.table(audit.read(data_dir(), ui.current_person()))
if log.is_empty():
    st.info("Nothing recorded yet: imports, decisions, snapshots and access changes appear here.",
            icon=":material/history:")
    st.stop()
kinds = st.multiselect("Actions", list(audit.ACTIONS), format_func=audit.ACTIONS.get, key="activity:actions",
                       placeholder="Every action")
shown = log.filter(log["action"].is_in(kinds)) if kinds else log
st.caption(f"{shown.height:,} of {log.height:,} records.")
ui.table(shown.drop("record"), key="activity:log", height=520)
st.download_button("Download the log (CSV)", to_csv_bytes(shown), "activity-INTERNAL.csv", "text/csv",
                   key="activity:csv", on_click="ignore", icon=":material/download:")
