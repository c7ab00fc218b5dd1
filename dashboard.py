"""Router and frame of the dashboard: page config, shared filters, stamp, chips, navigation."""

from pathlib import Path

import streamlit as st

from pccspend import ui

HERE = Path(__file__).parent
# A local icon: a Material one would be fetched from fonts.gstatic.com by every visitor's browser.
st.set_page_config(page_title="PCC spend: commissioned services and grants",
                   page_icon=str(HERE / "assets" / "favicon.png"), layout="wide")
OFFICE_PAGES = [("import_data", "Import awards", ":material/upload_file:"),
                ("review", "Review and publish", ":material/rule:"),
                ("publish", "Publish a snapshot", ":material/publish:"),
                ("duties", "Transparency duties", ":material/gavel:")]
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
    ],
    "Office": [  # pages of the import, review and snapshot work, when present
        st.Page(f"pages/{name}.py", title=title, icon=icon)
        for name, title, icon in OFFICE_PAGES if (HERE / "pages" / f"{name}.py").exists()
    ],
}
page = st.navigation({section: items for section, items in pages.items() if items}, expanded=True)
ui.start(page.url_path)
ui.sidebar()
ui.warnings()
ui.chips()
try:
    page.run()
finally:
    ui.sync_url()
