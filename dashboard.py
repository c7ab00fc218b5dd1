"""Router and frame of the dashboard: page config, who is here, navigation, shared filters, chips."""

from pathlib import Path

import streamlit as st

from pccspend import ui

HERE = Path(__file__).parent
# A local icon: a Material one would be fetched from fonts.gstatic.com by every visitor's browser.
st.set_page_config(page_title="PCC spend: commissioned services and grants",
                   page_icon=str(HERE / "assets" / "favicon.png"), layout="wide")
who = ui.identify()  # office mode: the sign-in or 'no access' page stops the run here
pages, specs = ui.navigation(who)  # pages beyond the role are hidden, and refused when opened
page = st.navigation(pages, expanded=True)
spec = specs[page.url_path]
ui.start(page.url_path)
ui.banner(who)
if not who.can(spec.needs):
    ui.refuse(spec.title, spec.needs, who)
if not ui.has_build():
    ui.no_build(spec)  # only the import page runs until there is data (or a build it can read)
    with ui.framed():
        page.run()
    st.stop()
ui.sidebar()
ui.warnings()
ui.chips()
try:
    with ui.framed():
        page.run()
finally:
    ui.sync_url()
