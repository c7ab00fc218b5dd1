"""Access: who may sign in and with which role (data/access.csv), kept by admins."""

import polars as pl
import streamlit as st

from pccspend import access, ui
from pccspend.paths import data_dir
from pccspend.problems import ValidationFailed

ui.page()
who = ui.current_person()
st.title("Access")
st.caption("Who may sign in to the office's dashboard, and with which role. A line is an email address or a "
           "whole domain (@example.org); a person's own line wins over their domain's. Each role can do "
           "everything the roles above it can. Changes apply at each person's next click and are recorded "
           "on the Activity page.")
st.dataframe(pl.DataFrame({"Role": list(access.ROLES), "May": [access.ROLE_HELP[r] for r in access.ROLES]}),
             hide_index=True, width="content")
if done := st.session_state.pop("access:done", None):
    st.success(ui.md(done))

data = data_dir()
try:
    rules = access.read_rules(data)
except ValidationFailed as exc:
    st.error(ui.md("The access list is broken, so nobody can sign in; correct it below:\n\n"
                   + "\n".join(f"- {p}" for p in exc.problems)))
    rules = []
if access.mode() != access.OFFICE:
    st.info(f"This dashboard runs in {access.mode()} mode: the list applies once it runs in office mode with sign-in.",
            icon=":material/info:")
current = pl.DataFrame({"who": [r.who for r in rules], "role": [r.role for r in rules]},
                       schema={"who": pl.String, "role": pl.String})
edited = st.data_editor(current, key="access:list", num_rows="dynamic", hide_index=True, width="stretch",
                        column_config={
                            "who": st.column_config.TextColumn("Email or @domain", required=True, max_chars=254),
                            "role": st.column_config.SelectboxColumn("Role", options=list(access.ROLES), required=True),
                        })
if st.button("Save the access list", type="primary", key="access:save"):
    try:
        saved = access.save_rules(data, pl.DataFrame(edited).to_dicts(), who)
    except ValidationFailed as exc:
        st.error(ui.md("Nothing was saved:\n\n" + "\n".join(f"- {p}" for p in exc.problems)))
    else:
        st.session_state["access:done"] = f"Saved: {len(saved):,} line(s)."
        st.rerun()
