"""The sidebar (every filter, drawn from its declaration in pccspend/filters.py), the 'data as of'
stamp, and the chips that show and remove active filters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import streamlit as st

from pccspend import state, vocab
from pccspend.filters import AMOUNT, FILTERS, LIST, TEXT, TOGGLE, YEARS, Filters, Spec, check
from pccspend.ui.data import database, may, options, top_values
from pccspend.ui.text import md
from pccspend.ui.view_state import FILTERS as FILTERS_KEY
from pccspend.ui.view_state import PUSH, WARNINGS, filters, set_filters

# Lists shown in the vocabulary's order rather than sorted (the rest are sorted).
ORDERED = {"theme": list(vocab.THEME_COLOURS), "status": list(vocab.STATUSES)}
RANGE_LABELS = {YEARS: ("From year", "To year"), AMOUNT: ("At least (£)", "At most (£)")}
IN_EXPANDER = (TEXT, AMOUNT)  # drawn under "Search and amounts"
TYPED = [spec for spec in FILTERS if spec.kind == LIST and spec.top]  # pickers that take typed values


def _key(spec: Spec, i: int = 0) -> str:
    """A widget's key: `f:` and the filter's URL key (tests and links name widgets this way)."""
    return f"f:{spec.url[i]}"


def _push_widgets(f: Filters) -> None:
    """Set every widget from the filters (before the widgets are drawn)."""
    ss = st.session_state
    for spec in FILTERS:
        for i, field in enumerate(spec.fields):
            value = getattr(f, field)
            if spec.kind == LIST:
                value = list(value or (vocab.DEFAULT_STATUSES if field == "statuses" else ()))
            elif spec.kind == AMOUNT:
                value = None if value is None else float(value)
            ss[_key(spec, i)] = value
    ss[PUSH] = False


def _pull_widgets() -> None:
    """The filters from the widgets (a widget's on_change). A picker that takes typed values
    may hold a name that exists nowhere: dropped with a warning, as in a link."""
    ss = st.session_state
    fields = {}
    for spec in FILTERS:
        values = [ss.get(_key(spec, i)) for i in range(len(spec.fields))]
        if spec.kind == LIST:
            chosen = tuple(values[0] or ())
            if spec.name == "status" and sorted(chosen) == sorted(vocab.DEFAULT_STATUSES):
                chosen = ()
            values = [chosen]
        elif spec.kind == TOGGLE:
            values = [bool(values[0])]
        elif spec.kind == TEXT:
            values = [(values[0] or "").strip()]
        elif spec.kind == AMOUNT:
            values = [None if v is None else Decimal(str(v)) for v in values]
        elif spec.kind == YEARS and all(values) and values[0] > values[1]:
            values = values[::-1]
        fields.update(zip(spec.fields, values))
    checked, problems = check(Filters(**fields), options(), TYPED)
    ss[FILTERS_KEY] = checked
    ss[WARNINGS] = [problem.typed() for problem in problems]
    if problems:
        ss[PUSH] = True  # the picker forgets the dropped names


def _widget(spec: Spec, opts: dict[str, set[str]], f: Filters) -> None:
    pull = _pull_widgets
    if spec.kind == LIST and spec.top:
        # Thousands of names would cost the browser most of a click to redraw: the largest, the
        # chosen, and any other typed (checked in _pull_widgets).
        chosen = list(getattr(f, spec.fields[0]))
        choices = list(dict.fromkeys(top_values()[spec.column] + chosen))
        st.multiselect(spec.label, choices, key=_key(spec), on_change=pull, placeholder=spec.placeholder,
                       accept_new_options=True,
                       help=f"The {spec.top} largest by spend are listed; type any other exactly and press Enter.")
    elif spec.kind == LIST:
        choices = ORDERED.get(spec.name) or sorted(opts.get(spec.column, set()))
        st.multiselect(spec.label, choices, key=_key(spec), on_change=pull, placeholder=spec.placeholder,
                       format_func=lambda v, name=spec.name: state.value_label(name, v))
    elif spec.kind == YEARS:
        years = sorted(opts.get("financial_year", set()) | {y for y in (f.from_year, f.to_year) if y})
        for column, label, i, placeholder in zip(st.columns(2), RANGE_LABELS[YEARS], (0, 1), ("First", "Last")):
            column.selectbox(label, years, key=_key(spec, i), on_change=pull, placeholder=placeholder)
    elif spec.kind == AMOUNT:
        for label, i in zip(RANGE_LABELS[AMOUNT], (0, 1)):
            st.number_input(label, min_value=0.0, step=1000.0, key=_key(spec, i), on_change=pull)
    elif spec.kind == TEXT:
        st.text_input(spec.placeholder or spec.label, key=_key(spec), on_change=pull, max_chars=200)
    elif spec.widget == "toggle":
        st.toggle(spec.label, key=_key(spec), on_change=pull, help=spec.help)
    else:
        st.checkbox(spec.label, key=_key(spec), on_change=pull, help=spec.help)


def sidebar() -> None:
    """The shared filters, the 'data as of' stamp and the clear-filters button."""
    opts, f = options(), filters()
    if st.session_state.get(PUSH, True):
        _push_widgets(f)
    with st.sidebar:
        st.caption(stamp())
        st.button("Clear all filters", on_click=set_filters, args=(Filters(),), width="stretch",
                  disabled=not state.chips(f), key="clear-filters")
        for spec in FILTERS:
            if spec.kind not in IN_EXPANDER and may(spec.needs):
                _widget(spec, opts, f)
        advanced = [spec for spec in FILTERS if spec.kind in IN_EXPANDER]
        with st.expander("Search and amounts", expanded=any(f.is_active(spec) for spec in advanced)):
            for spec in advanced:
                _widget(spec, opts, f)


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
