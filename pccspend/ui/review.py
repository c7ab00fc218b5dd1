"""The review page's Streamlit glue (pages/review.py): who is deciding, and the row-by-row editor
(each award with its document link, a decision column, the fields to withhold and the reason)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from pccspend.decisions import ACTIONS, KEEP
from pccspend.publication import REDACTABLE, field_list
from pccspend.ui.tables import LABELS, source_link

EDITABLE = ("decision", "fields", "reason")
AWARD_WIDTH, DECISION_WIDTH = 200, 100  # px: the first two columns (tests/test_review.py clicks a decision)
SHOWN = ("award_id", *EDITABLE, "publication", "financial_year", "area", "service", "provider", "amount_gbp",
         "source_locator", "document", "publication_decided_by", "publication_decided_on")


def editor_frame(rows: pl.DataFrame) -> pl.DataFrame:
    """publication_rows as the editor shows them: a link to each row's document at its locator,
    money as numbers, and the editable columns (decision `keep`; the current fields and reason)."""
    links = [source_link(s, loc) for s, loc in zip(rows["source_id"], rows["source_locator"])]
    fields = [field_list(text) for text in rows["redacted_fields"]]
    return rows.with_columns(
        pl.Series("document", links, dtype=pl.String),
        pl.col("amount_gbp").cast(pl.Float64),
        pl.lit(KEEP).alias("decision"),
        pl.Series("fields", fields, dtype=pl.List(pl.String)),
        pl.col("publication_reason").alias("reason"),
    ).select(SHOWN)


def editor_config() -> dict:
    """The editor's columns: only the decision, the fields and the reason can be changed."""
    text = st.column_config.TextColumn
    return {
        "award_id": text(LABELS["award_id"], disabled=True, pinned=True, width=AWARD_WIDTH),
        "financial_year": text("Year", disabled=True, width="small"),
        "area": text("Area", disabled=True, width="small"),
        "service": text("Service", disabled=True, width="medium"),
        "provider": text("Provider", disabled=True, width="medium"),
        "amount_gbp": st.column_config.NumberColumn("Amount", format="£%,.2f", disabled=True, width="small"),
        "source_locator": text(LABELS["source_locator"], disabled=True, width="medium"),
        "document": st.column_config.LinkColumn("Open", display_text="open document", disabled=True, width="small",
                                                help="The source document at this locator"),
        "publication": text("Now", disabled=True, width="small", help="The award's publication state now"),
        "decision": st.column_config.SelectboxColumn(
            "Decision", options=list(ACTIONS), required=True, width=DECISION_WIDTH,
            help="keep: no change. publish: published whole. redact: published with the fields chosen withheld. "
                 "withhold: not published. draft: back to undecided."),
        "fields": st.column_config.MultiselectColumn(
            "Fields to withhold", options=list(REDACTABLE), width="medium",
            help="Only for redact: the columns the public does not see (they read 'Withheld: <reason>')."),
        "reason": text("Reason", width="medium",
                       help="Required to redact or withhold: the exemption relied on, e.g. personal safety."),
        "publication_decided_by": text("Decided by", disabled=True, width="small"),
        "publication_decided_on": st.column_config.DateColumn("Decided on", format="D MMM YYYY", disabled=True,
                                                              width="small"),
    }
