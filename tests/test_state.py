"""URL state: filters <-> query parameters, warnings for what a link gets wrong, removable chips."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pccspend import state
from pccspend.filters import Filters, filter_options


@pytest.fixture(scope="module")
def options(db):
    return filter_options(db)


def test_round_trip_of_every_filter(options):
    filters = Filters(
        areas=("Cambridgeshire", "Leicestershire"), from_year="2016/17", to_year="2018/19",
        themes=("victims", "Not stated"), funding_streams=("MoJ Victims' Services Grant",),
        providers=("Peterborough City Council",), mechanisms=("single tender action",),
        statuses=("awarded",), include_extensions=True, include_unpublished=True,
        min_amount=Decimal("1000"), max_amount=Decimal("250000.5"), search="hub",
    )
    query = state.to_query(filters)
    assert query == {
        "area": ["Cambridgeshire", "Leicestershire"], "theme": ["victims", "Not stated"],
        "stream": ["MoJ Victims' Services Grant"], "provider": ["Peterborough City Council"],
        "mechanism": ["single tender action"], "status": ["awarded"], "ext": ["1"], "unpublished": ["1"],
        "from": ["2016/17"], "to": ["2018/19"], "min": ["1000"], "max": ["250000.5"], "q": ["hub"],
    }
    assert state.from_query(query, options) == (filters, [])


def test_defaults_make_an_empty_query(options):
    assert state.to_query(Filters()) == {}
    assert state.to_query(Filters(statuses=("planned", "awarded", "committed"))) == {}
    assert state.from_query({}, options) == (Filters(), [])


def test_malformed_and_unknown_values_are_ignored_with_a_warning(options):
    filters, warnings = state.from_query({
        "theme": ["victims", "burglary"], "area": ["Atlantis"], "from": ["2017"], "to": ["2016/18"],
        "min": ["lots"], "max": ["-5"], "ext": ["maybe"], "colour": ["red"], "stack": ["theme"],
    }, options)
    assert filters == Filters(themes=("victims",))
    assert warnings == [
        "Ignored 'colour' in the link: not a setting this dashboard knows.",
        "Ignored area 'Atlantis' in the link: there is no such area.",
        "Ignored theme 'burglary' in the link: there is no such theme.",
        "Ignored from='2017' in the link: not a financial year like 2017/18.",
        "Ignored to='2016/18' in the link: not a financial year like 2017/18.",
        "Ignored ext='maybe' in the link: use 1 or 0.",
        "Ignored min='lots' in the link: not an amount in pounds.",
        "Ignored max='-5' in the link: not an amount in pounds.",
    ]


def test_contradictory_ranges_are_dropped(options):
    filters, warnings = state.from_query({"from": "2019/20", "to": "2017/18", "min": "10", "max": "5"}, options)
    assert filters == Filters()
    assert warnings == ["Ignored the years in the link: 2019/20 is after 2017/18.",
                        "Ignored the amounts in the link: the minimum is above the maximum."]


def test_long_search_is_cut_and_duplicates_dropped(options):
    filters, warnings = state.from_query({"q": "x" * 500, "theme": ["victims", "victims"]}, options)
    assert filters == Filters(search="x" * 200, themes=("victims",))
    assert warnings == ["Ignored all but the first 200 characters of q in the link: too long."]


def test_chips_name_each_filter_and_remove_only_it():
    filters = Filters(themes=("victims", "offenders"), from_year="2017/18", to_year="2017/18",
                      include_unpublished=True, search="hub")
    chips = state.chips(filters)
    assert [c.label for c in chips] == ["Year: 2017/18", "Theme: Victims", "Theme: Offenders",
                                        "Showing unpublished rows", "Search: hub"]
    assert chips[1].without == filters.replace(themes=("offenders",))
    assert chips[0].without == filters.replace(from_year=None, to_year=None)
    assert state.chips(Filters()) == []


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=12), st.lists(st.text(max_size=40), max_size=4), max_size=6))
def test_any_query_gives_filters_and_never_raises(options, params):
    filters, warnings = state.from_query(params, options)
    assert isinstance(filters, Filters)
    again, more = state.from_query(state.to_query(filters), options)
    assert (again, more) == (filters, [])


def test_every_filter_is_in_the_url_the_cli_and_the_sidebar():
    # Each filter is declared once (pccspend/filters.py); its URL key, CLI option and widget follow.
    from click.testing import CliRunner

    from pccspend.cli import main
    from pccspend.filters import FILTERS

    help_text = CliRunner().invoke(main, ["query", "--help"]).output
    for spec in FILTERS:
        assert set(spec.url) <= state.FILTER_KEYS, spec.name
        for option in spec.cli:
            assert option in help_text, option
        assert len(spec.fields) == len(spec.url) == len(spec.cli), spec.name
    fields = [field for spec in FILTERS for field in spec.fields]
    assert fields == [f.name for f in __import__("dataclasses").fields(Filters)]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(state.FILTER_KEYS)), st.lists(st.text(max_size=30), max_size=3)))
def test_typed_values_parse_into_filters_or_problems_never_an_error(options, params):
    from pccspend.filters import check, parse

    fields, problems = parse(params, state.URL_NAMES)
    filters, unknown = check(Filters(**fields), options)
    assert isinstance(filters, Filters)
    # What was kept is known and well formed: a second pass finds nothing to drop.
    assert parse(state.to_query(filters), state.URL_NAMES)[1] == []
    assert check(filters, options)[1] == []
    for problem in problems + unknown:
        assert problem.link().startswith("Ignored ") and problem.cli()


def test_a_picker_of_many_offers_the_largest_by_spend(db, options):
    # The provider picker offers its `top` providers with the most money (all awards, a missing
    # provider as 'Not stated', ties by name), largest first; every one a value `check` knows.
    import dataclasses

    import polars as pl

    from pccspend.filters import SPECS, top_values

    awards = pl.read_parquet(db.build_path / "awards.parquet")
    by_spend = (awards.group_by(pl.col("provider").fill_null("Not stated"))
                .agg(pl.col("amount_gbp").sum().alias("spend"), pl.col("amount_gbp").count().alias("n"))
                .with_columns(pl.when(pl.col("n") > 0).then(pl.col("spend")))
                .sort(["spend", "provider"], descending=[True, False], nulls_last=True))
    three = dataclasses.replace(SPECS["provider"], top=3)
    assert top_values(db, [three]) == {"provider": by_spend["provider"][:3].to_list()}
    offered = top_values(db)
    assert list(offered) == ["provider"] and SPECS["provider"].top == 200
    assert offered["provider"] == by_spend["provider"][:200].to_list()
    assert set(offered["provider"]) <= options["provider"]


def test_a_typed_name_is_checked_like_a_link_s(options):
    from pccspend.filters import SPECS, check

    typed = Filters(providers=("Peterborough City Council", "Nobody Ltd"), themes=("burglary",))
    kept, problems = check(typed, options, [SPECS["provider"]])
    # Only the picker that takes typed names is checked; the rest are left as they were.
    assert kept == Filters(providers=("Peterborough City Council",), themes=("burglary",))
    assert [p.typed() for p in problems] == ["Ignored provider 'Nobody Ltd': there is no such provider."]
