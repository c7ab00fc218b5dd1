"""Router and frame of the dashboard (minimal: headline total; the dashboard issue builds the rest)."""

import streamlit as st

from pccspend.db import Database
from pccspend.money import gbp

st.set_page_config(page_title="PCC spend", layout="wide")


@st.cache_resource
def database() -> Database:
    return Database()


kpis = database().query("kpis").row(0, named=True)
st.title("What Police and Crime Commissioners spend on commissioned services and grants")
st.metric("Total awarded and committed", gbp(kpis["amount_gbp"]))
