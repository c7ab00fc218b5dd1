"""Router and frame of the dashboard: page config, shared filters, stamp, chips, navigation."""

from pathlib import Path

import streamlit as st

from pccspend import ui

st.set_page_config(page_title="PCC spend: commissioned services and grants", page_icon=":material/payments:", layout="wide")

IMPORT_PAGE = Path(__file__).parent / "pages" / "import_data.py"  # the import issue's page, when present
pages = {
    "Spend": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/themes.py", title="Themes", icon=":material/account_tree:"),
        st.Page("pages/funding_streams.py", title="Funding streams", icon=":material/savings:"),
        st.Page("pages/years.py", title="Years", icon=":material/calendar_month:"),
        st.Page("pages/providers.py", title="Providers", icon=":material/apartment:"),
        st.Page("pages/compare_areas.py", title="Compare areas", icon=":material/compare_arrows:"),
    ],
    "Records": [
        st.Page("pages/awards.py", title="Awards", icon=":material/table_rows:"),
        st.Page("pages/data_quality.py", title="Data quality", icon=":material/fact_check:"),
        st.Page("pages/sources.py", title="Source documents", icon=":material/description:"),
        *([st.Page("pages/import_data.py", title="Import awards", icon=":material/upload_file:")] if IMPORT_PAGE.exists() else []),
    ],
}
page = st.navigation(pages, expanded=True)
ui.start(page.url_path)
ui.sidebar()
ui.warnings()
ui.chips()
try:
    page.run()
finally:
    ui.sync_url()
