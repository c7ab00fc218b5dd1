"""Tables for st.dataframe, made in one place: money British style (£2,300,000, £131,073.40, "not
stated" when missing), labelled columns as wide as their longest shown value and their header,
empty cells empty (never "None"), themes as words ("Victims"), a height from the row count,
unpublished rows marked and a link to each row's source document."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import quote

import polars as pl
import streamlit as st

from pccspend import classify, vocab
from pccspend.each import each
from pccspend.money import NOT_STATED, gbp, money_columns

LABELS = {
    "amount_gbp": "Amount", "stated_total_gbp": "Stated total", "line_sum_gbp": "Sum of lines",
    "difference_gbp": "Difference", "amount_per_resident_gbp": "Per resident",
    "previous_amount_gbp": "Previous year", "change_gbp": "Change", "change_share": "Change (%)",
    "share_of_spend": "Share of spend", "top5_share": "Top-5 share", "top5_amount_gbp": "Top 5",
    "total_amount_gbp": "Total", "award_count": "Awards", "missing_amount_count": "Without an amount",
    "financial_year": "Financial year", "funding_stream": "Funding stream", "source_title": "Source document",
    "source_locator": "Where in the document", "award_id": "Award", "contract_value_gbp": "Contract value",
    "theme_basis_text": "Theme, and its basis", "funding_stream_basis_text": "Funding stream, and its basis",
}
# The grid draws on a canvas at 14 px: it cannot size a column to text it has not drawn, so each
# width is worked out here from the text. 8.5 px a character holds capitals and digits of Source Sans.
PX_PER_CHAR, CELL_PADDING, HEADER_PADDING = 8.5, 24, 40  # the header also holds the sort arrow and menu
MAX_WIDTH = 420  # px: longer text (descriptions, notes) is cut, and shown whole on hover or click
ROW_PX = 35  # the grid's row height (and its header's)
LINK_TEXT = "open document"


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 award', '2 awards', '1,234 awards'."""
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def source_link(source_id: str | None, locator: str | None) -> str | None:
    """A link to the Sources page showing the document at its locator."""
    if not source_id:
        return None
    return f"sources?doc={quote(source_id)}&at={quote(locator or '')}"


def theme_name(theme: str | None) -> str | None:
    """A theme as a word ("Victims"); other values as they are."""
    return theme.capitalize() if theme in vocab.THEMES else theme


def publication_label(frame: pl.DataFrame) -> pl.Series:
    """"" for a published row; DRAFT, WITHHELD (reason) or REDACTED: fields (reason) otherwise."""
    state = pl.col("publication")
    reason = pl.col("publication_reason") if "publication_reason" in frame.columns else pl.lit(None, pl.String)
    fields = pl.col("redacted_fields") if "redacted_fields" in frame.columns else pl.lit(None, pl.String)
    why = pl.when(reason.is_not_null()).then(pl.lit(" (") + reason + pl.lit(")")).otherwise(pl.lit(""))
    label = (pl.when(state == "published").then(pl.lit(""))
             .when(state == "redacted").then(pl.lit("REDACTED: ") + fields.fill_null("") + why)
             .otherwise(state.str.to_uppercase() + why))
    return frame.select(label.alias("publication")).to_series()


def display(frame: pl.DataFrame) -> pl.DataFrame:
    """A frame ready to show: money as numbers (shown by `styled`), text never null, themes as
    words, unpublished rows marked, a link to each row's source document, each award's theme and
    stream with its basis."""
    out = frame.with_columns(pl.col(c).cast(pl.Float64) for c, t in frame.schema.items() if isinstance(t, pl.Decimal))
    out = classify.with_basis_text(out.drop("is_public", strict=False))
    if "publication" in out.columns:
        decided = [c for c in ("redacted_fields", "publication_reason") if c in out.columns]
        if (out["publication"] == "published").all():
            out = out.drop("publication", *decided)
        else:  # every state but published marked, with what is withheld and why
            out = out.with_columns(publication_label(out).alias("publication")).drop(decided)
    if "source_id" in out.columns and "source_locator" in out.columns:
        links = [source_link(s, loc) for s, loc in zip(out["source_id"], out["source_locator"])]
        out = out.with_columns(pl.Series("document", links, dtype=pl.String))
    if "theme" in out.columns:
        out = out.with_columns(each(out["theme"], theme_name))
    return out.with_columns(pl.col(pl.String).fill_null(""))


def label(column: str) -> str:
    return LABELS.get(column, column.replace("_", " ").capitalize())


def shown_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every cell of a displayed frame as the text a reader sees (money British style, a missing
    amount "not stated", nothing else ever "None"): what the widths are measured on."""
    def text(column: str, dtype: pl.DataType) -> pl.Expr | pl.Series:
        if column in money_columns([column]):
            return each(frame[column], gbp)
        if column == "document":
            return pl.when(pl.col(column) != "").then(pl.lit(LINK_TEXT)).otherwise(pl.lit(""))
        if dtype.is_integer():
            return each(frame[column], lambda v: "" if v is None else f"{v:,}")
        if dtype == pl.Date:
            return pl.col(column).dt.strftime("%-d %b %Y").fill_null("")
        if column.endswith("_share") or column == "share_of_spend":
            return (pl.col(column) * 100).round(1).cast(pl.String).fill_null("") + pl.lit("%")
        return pl.col(column).cast(pl.String).fill_null("")
    return frame.select(text(c, t).alias(c) for c, t in frame.schema.items())


def widths(frame: pl.DataFrame) -> dict[str, int]:
    """Each column's width in px: its longest shown value or its header, whichever is wider
    (text columns at most MAX_WIDTH; money and headers never cut)."""
    texts = shown_text(frame)
    out = {}
    for column in frame.columns:
        longest = texts[column].str.len_chars().max() or 0
        cell = math.ceil(longest * PX_PER_CHAR) + CELL_PADDING
        if column not in money_columns([column]):
            cell = min(cell, MAX_WIDTH)
        out[column] = max(cell, math.ceil(len(label(column)) * PX_PER_CHAR) + HEADER_PADDING)
    return out


def height(rows: int, max_rows: int = 10) -> int:
    """A table just tall enough for its rows (scrolling after `max_rows`)."""
    return ROW_PX * (min(max(rows, 1), max_rows) + 1) + 3


def column_config(schema: Mapping[str, pl.DataType], sizes: Mapping[str, int] | None = None) -> dict:
    """Column labels and widths, percentages, dates, link and marker columns of a table (money is
    shown by `styled`)."""
    sizes = sizes or {}
    config = {}
    for c, dtype in schema.items():
        name, width = label(c), sizes.get(c)
        if c in money_columns([c]):
            config[c] = st.column_config.NumberColumn(name, width=width, alignment="right")
        elif c.endswith("_share") or c == "share_of_spend":
            config[c] = st.column_config.NumberColumn(name, format="percent", width=width)
        elif c == "document":
            config[c] = st.column_config.LinkColumn("Open", display_text=LINK_TEXT, width=width,
                                                    help="The source document at this locator")
        elif dtype.is_integer() and c not in ("line", "provider_rank"):
            config[c] = st.column_config.NumberColumn(name, format="%,d", width=width)
        elif dtype == pl.Date:
            config[c] = st.column_config.DateColumn(name, format="D MMM YYYY", width=width)
        elif c == "publication":
            config[c] = st.column_config.TextColumn(
                "Publication", width=width, help="Empty: published. DRAFT: not yet decided. WITHHELD: not "
                "published, for the reason given. REDACTED: published with the fields named withheld from the public.")
        else:
            config[c] = st.column_config.Column(name, width=width)
    return config


def styled(frame: pl.DataFrame):
    """The frame as a pandas Styler showing money British style. The cells keep their numbers, so
    a column sorts by amount; column_config formats take precedence for the other columns."""
    money = money_columns(frame.columns)
    style = frame.to_pandas().style
    if money:
        style = style.format(lambda v: gbp(None if v != v else v), subset=money, na_rep=NOT_STATED)
    return style


def table(frame: pl.DataFrame, key: str, *, first: Sequence[str] = (), max_rows: int = 10,
          styler: Callable | None = None, **select) -> object:
    """A sortable table of the frame (see the module docstring); the `first` columns lead (then the
    unpublished marker and the rest). `styler` adds styles to the Styler; `select` is passed to
    st.dataframe (on_select, selection_mode), whose answer is returned."""
    shown = display(frame)
    lead = ["publication", *first] if "publication" in shown.columns else list(first)
    shown = shown.select(*[c for c in lead if c in shown.columns], pl.exclude(lead))
    data = styled(shown)
    return st.dataframe(styler(data) if styler else data, key=key, hide_index=True,
                        column_config=column_config(shown.schema, widths(shown)),
                        height=height(shown.height, max_rows), placeholder="", **select)
