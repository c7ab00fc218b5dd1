"""Streamlit building blocks shared by the frame (dashboard.py) and the pages.

The filter state lives in `st.session_state` for the session and is mirrored into the URL after
every run, so a copied link reproduces the view; the URL is read once, when a session starts.
Pages call these helpers and stay short: read the filters, get the page's frames, draw them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import runpy
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from urllib.parse import quote

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from pccspend import charts, pagedata, state, vocab
from pccspend.db import Database
from pccspend.filters import Filters, filter_options
from pccspend.paths import PROJECT_ROOT, data_dir
from pccspend.tabular import to_csv_bytes

FILTERS = "pcc:filters"
WARNINGS = "pcc:warnings"
PUSH = "pcc:push"  # the sidebar widgets must be set from the filters before they are drawn
VIEWS = "pcc:views"  # view settings the current page used this run (for the URL)
PAGE = "pcc:page"
FRAME = "pcc:frame"  # set while the frame (dashboard.py) is running
EMPTY = "Nothing matches these filters. Widen them in the sidebar, remove a chip, or clear them all."
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
                 "toImageButtonOptions": {"format": "png", "scale": 2}}
AWARD_COLUMNS = ("award_id", "financial_year", "area", "theme", "funding_stream", "service", "provider",
                 "amount_gbp", "status", "mechanism", "source_title", "source_locator", "document")
WIDTHS = {"financial_year": "small", "area": "small", "theme": "small", "status": "small", "award_id": "medium",
          "funding_stream": "medium", "service": "medium", "provider": "medium", "source_title": "medium",
          "source_locator": "medium", "description": "large"}
LABELS = {
    "amount_gbp": "Amount", "stated_total_gbp": "Stated total", "line_sum_gbp": "Sum of lines",
    "difference_gbp": "Difference", "amount_per_resident_gbp": "Per resident",
    "previous_amount_gbp": "Previous year", "change_gbp": "Change", "change_share": "Change (%)",
    "share_of_spend": "Share of spend", "top5_share": "Top-5 share", "top5_amount_gbp": "Top 5",
    "total_amount_gbp": "Total", "award_count": "Awards", "missing_amount_count": "Without an amount",
    "financial_year": "Financial year", "funding_stream": "Funding stream", "source_title": "Source document",
    "source_locator": "Where in the document", "award_id": "Award",
}


# What turns Markdown text into links, images, HTML, colour directives or maths. Emphasis is left alone:
# it does no harm, and escaping it would show backslashes wherever a value is not rendered as Markdown.
_MARKDOWN = re.compile(r"([\\\[\]<$])")


def md(text: str) -> str:
    """Text from the data or a link, escaped for the elements that render Markdown (titles, captions,
    alerts, button labels), so it shows as written: a provider named `![x](http://...)` must not
    become an image fetched from someone else's server."""
    return _MARKDOWN.sub(r"\\\1", str(text))


# Database and cached page data -------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _open(root: str) -> Database:
    return Database(data_dir(root))


def database() -> Database:
    """The database over the current build (reopened when a newer build replaces it)."""
    db = _open(str(data_dir().root))
    if not db.is_current():
        _open.clear()
        db = _open(str(data_dir().root))
    return db


@st.cache_data(show_spinner=False, max_entries=1000)
def _page_data(page: str, build: str, filters: Filters, view: tuple, _db: Database) -> dict[str, pl.DataFrame]:
    return getattr(pagedata, page)(_db, filters, **dict(view))


def page_data(page: str, **view) -> dict[str, pl.DataFrame]:
    """`pagedata.<page>(db, filters, **view)`, cached per build, filter state and view."""
    db = database()
    return _page_data(page, str(db.build_path), filters(), tuple(sorted(view.items())), db)


EXPLORER_ROWS = 5_000  # rows the award explorer shows; downloads hold every filtered row
GAP_COUNTS = ["missing_amount_count", "missing_theme_count", "missing_funding_stream_count", "missing_provider_count"]


def all_awards(convert: Callable[[pl.DataFrame], bytes]) -> Callable[[], bytes]:
    """A download's contents made on click (on its own thread): every award matching the
    current filters, converted. The filters and database are taken now, not when clicked."""
    db, current = database(), filters()
    return lambda: convert(pagedata.awards(db, current)["awards"])


@st.cache_data(show_spinner=False)
def _options(build: str, _db: Database) -> dict[str, set[str]]:
    options = filter_options(_db)
    options["theme"] = set(vocab.THEME_COLOURS)
    return options


def options() -> dict[str, set[str]]:
    db = database()
    return _options(str(db.build_path), db)


# Filter state ------------------------------------------------------------------------------


def filters() -> Filters:
    """The filters every page applies."""
    return st.session_state.get(FILTERS, Filters())


def set_filters(new: Filters) -> None:
    """Apply new filters everywhere (callbacks only: the sidebar is redrawn from them)."""
    st.session_state[FILTERS] = new
    st.session_state[PUSH] = True
    st.session_state[WARNINGS] = []


def page() -> None:
    """Every page starts here. Until some session has called `st.navigation`, Streamlit runs a
    file in `pages/` on its own (its older multipage mode): a deep link opened first after a
    restart would miss the frame. Then run the frame, which runs this page inside it, and stop."""
    if st.session_state.get(FRAME):
        return
    runpy.run_path(str(PROJECT_ROOT / "dashboard.py"), run_name="__main__")
    st.stop()


def start(page_path: str) -> None:
    """Begin a run: on a session's first run take the filters from the URL; forget the previous
    page's view settings when the page changes."""
    ss = st.session_state
    ss[FRAME] = True
    if FILTERS not in ss:
        raw = {key: st.query_params.get_all(key) for key in st.query_params}
        ss[FILTERS], ss[WARNINGS] = state.from_query(raw, options())
        ss[PUSH] = True
    if ss.get(PAGE) not in (None, page_path):
        for key in [k for k in ss if str(k).startswith("view:")]:
            del ss[key]
    ss[PAGE] = page_path
    ss[VIEWS] = {}


def sync_url() -> None:
    """Write the filters and the page's view settings into the URL (only when they changed)."""
    st.session_state[FRAME] = False
    wanted = {**state.to_query(filters()), **st.session_state.get(VIEWS, {})}
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)


def warnings() -> None:
    for text in st.session_state.get(WARNINGS, []):
        st.warning(md(text), icon=":material/warning:")


# View settings of one page (drill path, stacking, ...), also kept in the URL ---------------


def view(key: str, default, *, valid: Callable[[list[str]], object] | None = None):
    """A page's view setting: from session state, else from the URL (checked by `valid`, which
    returns the value or raises ValueError), else `default`. Registered for the URL."""
    ss = st.session_state
    skey = f"view:{key}"
    if skey not in ss:
        raw = st.query_params.get_all(key)
        value = default
        if raw:
            try:
                value = valid(raw) if valid else raw[-1]
            except ValueError as exc:
                st.warning(md(f"Ignored {key}={raw[-1]!r} in the link: {exc}"), icon=":material/warning:")
        ss[skey] = value
    value = ss[skey]
    if value != default:
        ss.setdefault(VIEWS, {})[key] = list(value) if isinstance(value, tuple) else [str(value)]
    return value


def set_view(key: str, value):
    """Change a page's view setting (and its URL entry); returns the value."""
    st.session_state[f"view:{key}"] = value
    views = st.session_state.setdefault(VIEWS, {})
    views.pop(key, None)
    if value:
        views[key] = list(value) if isinstance(value, tuple) else [str(value)]
    return value


def choice(label: str, key: str, choices: Sequence[str] | dict[str, str], default: str, *,
           widget: str = "segmented", format_func: Callable[[str], str] | None = None) -> str:
    """A view setting picked from `choices` (values, or values -> labels) with a widget, kept in the URL."""
    labels = choices if isinstance(choices, dict) else {c: (format_func or str)(c) for c in choices}
    values = list(labels)

    def check(raw: list[str]) -> str:
        if raw[-1] not in labels:
            raise ValueError(f"choose one of {', '.join(values)}.")
        return raw[-1]

    view(key, default, valid=check)
    skey = f"view:{key}"
    if st.session_state[skey] not in labels:
        st.session_state[skey] = default
    if widget == "select":
        value = st.selectbox(label, values, key=skey, format_func=labels.get)
    else:
        value = st.segmented_control(label, values, key=skey, format_func=labels.get) or default
    views = st.session_state.setdefault(VIEWS, {})
    views.pop(key, None)
    if value != default:
        views[key] = [value]
    return value


# Sidebar, stamp and chips ------------------------------------------------------------------


def _years(opts: dict[str, set[str]], f: Filters) -> list[str]:
    return sorted(opts.get("financial_year", set()) | {y for y in (f.from_year, f.to_year) if y})


def _push_widgets(f: Filters) -> None:
    ss = st.session_state
    ss["f:area"], ss["f:theme"], ss["f:stream"] = list(f.areas), list(f.themes), list(f.funding_streams)
    ss["f:provider"], ss["f:mechanism"] = list(f.providers), list(f.mechanisms)
    ss["f:status"] = list(f.statuses or vocab.DEFAULT_STATUSES)
    ss["f:from"], ss["f:to"] = f.from_year, f.to_year
    ss["f:ext"], ss["f:unpublished"], ss["f:q"] = f.include_extensions, f.include_unpublished, f.search
    ss["f:min"] = None if f.min_amount is None else float(f.min_amount)
    ss["f:max"] = None if f.max_amount is None else float(f.max_amount)
    ss[PUSH] = False


def _pull_widgets() -> None:
    ss = st.session_state
    low, high = ss.get("f:from"), ss.get("f:to")
    if low and high and low > high:
        low, high = high, low
    statuses = tuple(ss["f:status"])
    new = Filters(
        areas=tuple(ss["f:area"]), themes=tuple(ss["f:theme"]), funding_streams=tuple(ss["f:stream"]),
        providers=tuple(ss["f:provider"]), mechanisms=tuple(ss["f:mechanism"]),
        statuses=() if sorted(statuses) == sorted(vocab.DEFAULT_STATUSES) else statuses,
        from_year=low, to_year=high,
        include_extensions=bool(ss["f:ext"]), include_unpublished=bool(ss["f:unpublished"]),
        search=(ss["f:q"] or "").strip(),
        min_amount=None if ss["f:min"] is None else Decimal(str(ss["f:min"])),
        max_amount=None if ss["f:max"] is None else Decimal(str(ss["f:max"])),
    )
    ss[FILTERS] = new
    ss[WARNINGS] = []


def sidebar() -> None:
    """The shared filters, the 'data as of' stamp and the clear-filters button."""
    opts, f = options(), filters()
    years = _years(opts, f)
    if st.session_state.get(PUSH, True):
        _push_widgets(f)
    pull = _pull_widgets
    with st.sidebar:
        st.caption(stamp())
        st.button("Clear all filters", on_click=set_filters, args=(Filters(),), width="stretch",
                  disabled=not state.chips(f), key="clear-filters")
        st.multiselect("Area", sorted(opts["area"]), key="f:area", on_change=pull, placeholder="All areas")
        first, last = st.columns(2)
        first.selectbox("From year", years, key="f:from", on_change=pull, placeholder="First")
        last.selectbox("To year", years, key="f:to", on_change=pull, placeholder="Last")
        st.multiselect("Theme", list(vocab.THEME_COLOURS), key="f:theme", on_change=pull,
                       format_func=charts.label, placeholder="All themes")
        st.multiselect("Funding stream", sorted(opts["funding_stream"]), key="f:stream", on_change=pull,
                       placeholder="All funding streams")
        st.multiselect("Provider", sorted(opts["provider"]), key="f:provider", on_change=pull,
                       placeholder="Type to search providers")
        st.multiselect("Mechanism", sorted(opts["mechanism"]), key="f:mechanism", on_change=pull,
                       placeholder="All mechanisms")
        st.multiselect("Status", list(vocab.STATUSES), key="f:status", on_change=pull,
                       format_func=lambda s: s.replace("_", " "), placeholder="Awarded, committed and planned")
        st.checkbox("Include optional extensions", key="f:ext", on_change=pull,
                    help=vocab.STATUSES["optional_extension"])
        st.toggle("Show unpublished rows", key="f:unpublished", on_change=pull,
                  help="Awards not yet approved for publication. For internal use only.")
        with st.expander("Search and amounts", expanded=bool(f.search or f.min_amount or f.max_amount)):
            st.text_input("Search services, providers and descriptions", key="f:q", on_change=pull,
                          max_chars=200)
            st.number_input("At least (£)", min_value=0.0, step=1000.0, key="f:min", on_change=pull)
            st.number_input("At most (£)", min_value=0.0, step=1000.0, key="f:max", on_change=pull)


def stamp() -> str:
    """'Data as of 30 March 2021': the newest document in the build."""
    as_of = database().info.get("data_as_of")
    try:
        day = dt.date.fromisoformat(as_of)
        return f"Data as of {day.day} {day:%B %Y}"
    except (TypeError, ValueError):
        return "Data as of: not recorded"


def chips() -> None:
    """Every active filter as a chip; clicking one removes it."""
    active = state.chips(filters())
    if not active:
        return
    with st.container(horizontal=True, gap="small", key="chips"):
        st.caption("Filtered by:", width="content")
        for i, chip in enumerate(active):
            st.button(md(f"{chip.label}  ✕"), key=f"chip:{i}:{chip.label}", on_click=set_filters,
                      args=(chip.without,), help="Remove this filter", type="secondary")
    if filters().include_unpublished:
        st.error("Showing unpublished rows (marked UNPUBLISHED): not for publication or sharing outside "
                 "the office.", icon=":material/lock:")


# Charts and tables -------------------------------------------------------------------------


def _clicked_value(key: str) -> str | None:
    """The raw value (customdata[0]) of the bar just clicked in chart `key`."""
    state_ = st.session_state.get(key)
    points = state_["selection"]["points"] if state_ else []
    values = [p["customdata"][0] for p in points if p.get("customdata")]
    return values[0] if values and values[0] not in (charts.ALL_OTHERS, "") else None


def _cross_filter(key: str, dimension: str) -> None:
    value, f = _clicked_value(key), filters()
    if value is None:
        return
    set_filters({
        "theme": lambda: f.replace(themes=(value,)),
        "funding_stream": lambda: f.replace(funding_streams=(value,)),
        "year": lambda: f.replace(from_year=value, to_year=value),
        "provider": lambda: f.replace(providers=(value,)),
    }[dimension]())


def chart(fig: go.Figure, frame: pl.DataFrame, name: str, *, select: str | None = None,
          on_click: Callable[[str], None] | None = None, empty: str = EMPTY) -> None:
    """A chart, its coverage caption, a 'show data' table and a CSV of its data. `select` names
    the filter a click on a bar applies everywhere (theme, funding_stream, year, provider);
    `on_click` is called with the clicked bar's value instead (the Themes drill-down)."""
    if frame.is_empty():
        st.info(empty, icon=":material/search_off:")
        return
    key = f"chart:{name}:{state.token(filters())}:{st.session_state.get('view:drill', ())}"
    handler = "ignore"
    if select:
        handler = functools.partial(_cross_filter, key, select)
    elif on_click:
        handler = functools.partial(_clicked, key, on_click)
    title = fig.layout.title.text or name.replace("_", " ")
    st.plotly_chart(fig, key=key, on_select=handler, selection_mode="points", theme=None,
                    alt=f"{title}, {charts.coverage(frame)}. The table under 'Show data' has the figures.",
                    config={**PLOTLY_CONFIG, "toImageButtonOptions": {**PLOTLY_CONFIG["toImageButtonOptions"],
                                                                      "filename": name}})
    hint = " · click a bar to filter every page" if select else (" · click a bar to drill down" if on_click else "")
    st.caption(charts.coverage(frame) + hint)
    with st.expander("Show data"):
        table(frame, key=f"data:{name}")
        # Made on click: eager bytes would be written to the media store on every rerun, and a
        # rerun that replaces them while the browser still checks the old URL shows a 404.
        st.download_button("Download this chart's data (CSV)", functools.partial(to_csv_bytes, frame),
                           file_name=f"{name}.csv", mime="text/csv", key=f"csv:{name}", on_click="ignore")


def _clicked(key: str, on_click: Callable[[str], None]) -> None:
    value = _clicked_value(key)
    if value is not None:
        on_click(value)


def source_link(source_id: str | None, locator: str | None) -> str | None:
    """A link to the Sources page showing the document at its locator."""
    if not source_id:
        return None
    return f"sources?doc={quote(source_id)}&at={quote(locator or '')}"


def display(frame: pl.DataFrame) -> pl.DataFrame:
    """A frame ready to show: money as numbers (formatted by the column config), unpublished rows
    marked, a link to each row's source document."""
    out = frame.with_columns(pl.col(c).cast(pl.Float64) for c, t in frame.schema.items() if isinstance(t, pl.Decimal))
    if "is_public" in out.columns:
        marked = not out["is_public"].all()
        out = out.drop("is_public")
        if marked:
            out = out.with_columns(pl.when(frame["is_public"]).then(pl.lit("")).otherwise(pl.lit("UNPUBLISHED"))
                                   .alias("publication")).select("publication", pl.exclude("publication"))
    if "source_id" in out.columns and "source_locator" in out.columns:
        links = [source_link(s, loc) for s, loc in zip(out["source_id"], out["source_locator"])]
        out = out.with_columns(pl.Series("document", links, dtype=pl.String))
    return out


def column_config(schema: Mapping[str, pl.DataType]) -> dict:
    """Column labels, British money, percentages, dates, link and marker columns of a table."""
    config = {}
    for c, dtype in schema.items():
        label = LABELS.get(c, c.replace("_", " ").capitalize())
        width = WIDTHS.get(c)
        if c.endswith("_gbp"):
            config[c] = st.column_config.NumberColumn(label, format="£%,.2f", width="small")
        elif c.endswith("_share") or c == "share_of_spend":
            config[c] = st.column_config.NumberColumn(label, format="percent")
        elif c == "document":
            config[c] = st.column_config.LinkColumn("Open", display_text="open document", width="small",
                                                    help="The source document at this locator")
        elif dtype.is_integer() and c not in ("line", "provider_rank"):
            config[c] = st.column_config.NumberColumn(label, format="%,d", width="small")
        elif dtype == pl.Date:
            config[c] = st.column_config.DateColumn(label, format="D MMM YYYY", width="small")
        elif c == "publication":
            config[c] = st.column_config.TextColumn("Publication", help="UNPUBLISHED: not approved for publication")
        else:
            config[c] = st.column_config.Column(label, width=width)
    return config


def table(frame: pl.DataFrame, key: str, *, first: Sequence[str] = (), height: int | str = "auto",
          styled: Callable | None = None) -> None:
    """A sortable table with British money, percentages, marked unpublished rows and source links;
    the `first` columns lead (then the unpublished marker and the rest)."""
    shown = display(frame)
    lead = ["publication", *first] if "publication" in shown.columns else list(first)
    shown = shown.select(*[c for c in lead if c in shown.columns], pl.exclude(lead))
    data = styled(shown) if styled else shown
    st.dataframe(data, key=key, hide_index=True, column_config=column_config(shown.schema), height=height)


def metric(label: str, value: str, help: str | None = None) -> None:
    st.metric(label, value, help=help, border=True)
