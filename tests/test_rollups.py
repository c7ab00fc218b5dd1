"""Rollups (and the provider-sorted copy of the awards) answer exactly as the awards do: every
question, many filter states, two data sets."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pccspend import vocab
from pccspend.build import build
from pccspend.db import Database
from pccspend.filters import Filters
from pccspend.fy import fy_label
from pccspend.queries import load_query, query_names, query_params
from pccspend.synth import write_synth

AGGREGATES = [n for n in query_names() if n != "filter_options"]


@pytest.fixture(scope="module")
def synth_db(tmp_path_factory):
    data = write_synth(tmp_path_factory.mktemp("synth") / "data", rows=20_000, seed=7)
    build(data)
    return Database(data)


def filter_states(areas, providers):
    years = [fy_label(y) for y in range(2012, 2027)]
    return st.builds(
        Filters,
        areas=st.lists(st.sampled_from(areas), max_size=2, unique=True).map(tuple),
        from_year=st.none() | st.sampled_from(years),
        to_year=st.none() | st.sampled_from(years),
        themes=st.lists(st.sampled_from([*vocab.THEMES, vocab.NOT_STATED]), max_size=2, unique=True).map(tuple),
        funding_streams=st.lists(st.sampled_from([*vocab.FUNDING_STREAMS, vocab.NOT_STATED]), max_size=2, unique=True).map(tuple),
        providers=st.lists(st.sampled_from(providers), max_size=2, unique=True).map(tuple) if providers else st.just(()),
        mechanisms=st.lists(st.sampled_from(list(vocab.MECHANISMS)), max_size=2, unique=True).map(tuple),
        statuses=st.lists(st.sampled_from(list(vocab.STATUSES)), max_size=2, unique=True).map(tuple),
        include_extensions=st.booleans(),
        include_unpublished=st.booleans(),
        search=st.sampled_from(["", "", "", "victim", "Council", "provider 0001", "hub 1", "no such text"]),
    )


def assert_same_answers(db: Database, filters: Filters):
    for name in AGGREGATES:
        routed = db.query(name, filters, top_n=5)
        base = db.query(name, filters, top_n=5, base_only=True)
        assert routed.equals(base), (name, filters, db.last_store)
        assert routed.schema == base.schema, name


BUNDLED_AREAS = ["Cambridgeshire", "Leicestershire", "West Midlands"]
BUNDLED_PROVIDERS = ["Cambridgeshire Constabulary", "Peterborough City Council", "Rutland County Council", vocab.NOT_STATED]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filters=filter_states(BUNDLED_AREAS, BUNDLED_PROVIDERS))
def test_rollups_match_awards_on_the_bundled_register(db, filters):
    assert_same_answers(db, filters)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filters=filter_states([f"Synthetic area {i:02d}" for i in (1, 2, 3, 17, 43)],
                             ["Synthetic provider 00000", "Synthetic provider 00001", "Synthetic provider 00777"]))
def test_rollups_match_awards_on_a_synthetic_register(synth_db, filters):
    assert_same_answers(synth_db, filters)


def test_the_router_really_uses_the_rollups(db):
    db.query("spend_by_theme", Filters(areas=("Cambridgeshire",)))
    assert db.last_store == "rollup_dims"
    db.query("kpis", Filters(areas=("Cambridgeshire",)))  # counts distinct providers
    assert db.last_store == "rollup_providers"
    db.query("kpis", Filters(themes=("victims",)))  # providers and areas counted as set unions
    assert db.last_store == "rollup_kpis"
    db.query("kpis", Filters(from_year="2017/18"))  # years only: the few cells of rollup_years
    assert db.last_store == "rollup_years"
    db.query("spend_by_theme", Filters(from_year="2017/18"))
    assert db.last_store == "rollup_kpis"
    db.query("kpis", Filters(areas=("Cambridgeshire",), themes=("victims",)))
    assert db.last_store == "awards"
    db.query("theme_stream_service", Filters(themes=("victims",)))
    assert db.last_store == "rollup_services"
    db.query("theme_stream_service", Filters(mechanisms=("grant agreement",)))
    assert db.last_store == "rollup_service_mechanisms"
    db.query("spend_by_theme", Filters(search="victim"))
    assert db.last_store == "awards"
    # One provider: its cells in the provider-sorted rollup; with an area (which that rollup
    # lacks) or for its awards themselves, the provider-sorted copy.
    db.query("spend_by_theme", Filters(providers=("Rutland County Council",)))
    assert db.last_store == "rollup_provider_profile"
    db.query("spend_by_theme", Filters(providers=("Rutland County Council",), areas=("Leicestershire",)))
    assert db.last_store == "awards_by_provider"
    db.query("awards", Filters(providers=("Rutland County Council",)), row_limit=100)
    assert db.last_store == "awards_by_provider"
    # The provider ranking: by year only, then by theme, stream and mechanism, then by area.
    db.query("spend_by_provider", Filters(from_year="2017/18"))
    assert db.last_store == "rollup_provider_years"
    db.query("spend_by_provider", Filters(themes=("victims",)))
    assert db.last_store == "rollup_provider_dims"
    db.query("spend_by_provider", Filters(areas=("Leicestershire",)))
    assert db.last_store == "rollup_providers"
    db.query("commitments", Filters(areas=("Leicestershire",)))
    assert db.last_store == "rollup_commitments"
    # The copy of the awards with a gap answers the gap list (it was once never chosen: the
    # router thought no copy held is_public, which every filter state reads).
    db.query("data_quality_issues", Filters(), row_limit=100)
    assert db.last_store == "awards_with_gaps"
    db.query("data_quality_issues", Filters(search="victim"), row_limit=100)
    assert db.last_store == "awards_with_gaps"


def test_every_store_answers_some_question(db):
    """A store no question is ever sent to is dead weight in every build: the router would
    silently have stopped choosing it."""
    chosen = set()
    for name in query_names():
        for filters in (Filters(), Filters(areas=("Cambridgeshire",)), Filters(themes=("victims",)),
                        Filters(providers=("Rutland County Council",)), Filters(search="victim"),
                        Filters(mechanisms=("grant agreement",))):
            db.query(name, filters, top_n=5, row_limit=100 if "row_limit" in query_params(name) else None)
            chosen.add(db.last_store)
    assert chosen >= {store.name for store in db.stores} - {"awards_by_service"}


def test_a_rollup_of_some_awards_answers_only_questions_about_those_awards(db):
    # rollup_commitments holds only awards with a commitment_id: kpis must never read it.
    for name in query_names():
        db.query(name, Filters(areas=("Leicestershire",)), top_n=5)
        assert db.last_store != "rollup_commitments" or name == "commitments", name


def test_questions_count_awards_by_weight_never_by_row():
    # A row of a rollup stands for many awards: count(*) over filtered_awards would count cells.
    for name in query_names():
        sql = load_query(name)
        if "filtered_awards(" in sql:
            assert not re.search(r"count\(\s*\*\s*\)", sql), name
            # ...and a distinct count of a rollup's cells would not be one of providers or areas.
            assert not re.search(r"count\(\s*distinct\s+(provider|area)\b", sql), name


def test_answers_are_cached_per_question_and_filters_and_bounded_in_bytes(built_data):
    db = Database(built_data)
    victims = Filters(themes=("victims",))
    first = db.query("spend_by_funding_stream", victims)
    assert db.query("spend_by_funding_stream", victims) is first  # asked again: the same answer
    assert db.query("spend_by_funding_stream", Filters(themes=("offenders",))) is not first
    assert db.query("spend_by_funding_stream", victims, base_only=True).equals(first)
    assert (db.answers.hits, db.answers.misses) == (1, 3)
    small = Database(built_data, cache_bytes=first.estimated_size() + 300)
    small.query("spend_by_funding_stream", victims)
    small.query("spend_by_theme", victims)  # pushes the first answer out
    assert len(small.answers._items) == 1 and small.answers.size <= small.answers.limit
    assert small.query("spend_by_funding_stream", victims).equals(first)
    assert small.answers.hits == 0


def test_without_the_sets_rollup_the_awards_answer_the_same(fresh_data, monkeypatch, db):
    # Too many providers for their sets to be small: the build leaves rollup_kpis out (and says so
    # in build.json's row counts) and the query layer answers from the other stores.
    import pccspend.build

    monkeypatch.setattr(pccspend.build, "MAX_SET_BYTES", 0)
    info = build(fresh_data)
    assert "rollup_kpis" not in info["rows"] and "rollup_years" not in info["rows"]
    assert "rollup_dims" in info["rows"]
    small = Database(fresh_data)
    for filters in (Filters(), Filters(themes=("victims",)), Filters(from_year="2017/18")):
        assert small.query("kpis", filters).equals(db.query("kpis", filters))
        assert small.last_store not in ("rollup_kpis", "rollup_years")


def test_what_a_question_reads_is_known_from_its_text():
    from pccspend.stores import question_columns

    assert question_columns(load_query("spend_by_theme")) == {
        "theme", "amount_gbp", "award_count", "missing_amount_count"}
    assert {"provider_set", "area_set", "financial_year"} <= question_columns(load_query("kpis"))
    # Comments do not count; names are whole words (area_count is not area).
    assert "area" not in question_columns("-- area\nselect area_count(area_set) from filtered_awards($filters)")


def test_a_rollup_asked_to_filter_by_a_column_it_lacks_refuses(db):
    # The router never does this; if it ever did, the rollup's macro must stop, not answer.
    import duckdb

    from pccspend.queries import load_query
    from pccspend.stores import BY_NAME

    def run(store, question, filters):
        matched = db.search_matches(filters.search) if filters.search else {}
        return db._run(BY_NAME[store], load_query(question), {"filters": {**filters.sql(), **matched}})

    for store, question, filters in [
        ("rollup_kpis", "kpis", Filters(areas=("Cambridgeshire",))),
        ("rollup_dims", "spend_by_theme", Filters(providers=("Rutland County Council",))),
        ("rollup_services", "theme_stream_service", Filters(mechanisms=("grant",))),
        ("rollup_providers", "kpis", Filters(themes=("victims",))),
        ("rollup_dims", "spend_by_theme", Filters(search="victim")),
        ("rollup_dims", "spend_by_theme", Filters(min_amount=1)),
    ]:
        with pytest.raises(duckdb.Error, match=f"store {store} holds no"):
            run(store, question, filters)
    # A question naming a column the store lacks does not bind there at all.
    with pytest.raises(duckdb.Error):
        run("rollup_kpis", "commitments", Filters())
    # ...and applies the filters it can, as the awards do.
    victims = Filters(themes=("victims",), from_year="2017/18")
    for store, question in [("rollup_kpis", "kpis"), ("rollup_dims", "spend_by_theme"),
                            ("rollup_services", "theme_stream_service")]:
        assert run(store, question, victims).equals(db.query(question, victims, base_only=True)), store


def test_stores_sorted_for_a_filter_are_stored_in_their_order(synth_db):
    """A store sorted for a filter is sorted by that column, so a filter on it skips row groups:
    a parquet file where its values share long beginnings (providers: whole strings in the
    row-group statistics), else a DuckDB table like the other stores but the awards."""
    import polars as pl

    cur = synth_db._con.cursor()
    try:
        tables = {name for (name,) in cur.execute(
            "select table_name from duckdb_tables() where schema_name = 'main'").fetchall()}
        for store in synth_db.stores:
            path = synth_db.build_path / f"{store.name}.parquet"
            assert path.is_file() == store.is_parquet, store.name
            assert (store.name in tables) == (not store.is_parquet), store.name
            if store.first_for:  # read in the stored order (a table's insertion order)
                column = (pl.read_parquet(path, columns=[store.first_for]) if store.is_parquet else
                          pl.from_arrow(cur.table(f"main.{store.name}").select(store.first_for).to_arrow_table())
                          )[store.first_for]
                assert column.is_sorted(nulls_last=True), store.name
                assert column.n_unique() > 1, store.name
    finally:
        cur.close()
    assert {s.name for s in synth_db.stores if s.is_parquet} == {
        "awards", "awards_by_provider", "rollup_provider_profile"}
    assert {s.name for s in synth_db.stores if s.first_for} == {
        "awards_by_provider", "awards_by_service", "rollup_provider_profile"}


def test_a_rollup_sorted_for_a_filter_groups_by_that_column_first():
    from pccspend.stores import Store

    with pytest.raises(ValueError, match="groups by it first"):
        Store("rollup_x", ("fy_start", "provider"), first_for="provider")
    with pytest.raises(ValueError, match="no sets"):
        Store("rollup_x", ("provider", "fy_start"), first_for="provider", parquet=True, sets=("area",))


def test_of_two_copies_sorted_for_filters_in_force_the_one_leaving_fewer_awards_answers(synth_db):
    """A provider filter and a search found only in services: both sorted copies could answer; the
    one whose filter leaves fewer awards reads fewer rows."""
    import polars as pl

    from pccspend.db import WHOLE_ROW_COST

    awards = pl.read_parquet(synth_db.build_path / "awards.parquet", columns=["provider", "service"])
    per_provider = awards["provider"].value_counts(sort=True)
    big, small = per_provider["provider"][0], per_provider["provider"][-1]
    search = "hub 1"
    matched = synth_db.search_matches(search)
    assert matched["search_services"] and not matched["search_providers"]
    in_services = awards.filter(pl.col("service").is_in(matched["search_services"])).height
    assert per_provider["count"][-1] < in_services < per_provider["count"][0]
    everyone = awards.height
    for provider, store in ((big, "awards_by_service"), (small, "awards_by_provider")):
        filters = Filters(providers=(provider,), search=search)
        for name, extra in (("spend_by_year", {}), ("awards", {"row_limit": everyone})):
            routed = synth_db.query(name, filters, **extra)
            assert synth_db.last_store == store, (provider, name)
            assert routed.equals(synth_db.query(name, filters, base_only=True, **extra)), (provider, name)
    # The first rows in area order: the awards, in that order, hold them after about
    # row_limit x N / m_all rows (m_all: what every filter leaves), where the copy reads its m.
    big_n = per_provider["count"][0]
    both = in_services * big_n / everyone
    assert big_n > WHOLE_ROW_COST * 1 * everyone / big_n  # one first row of a big provider's
    assert in_services < WHOLE_ROW_COST * 1 * everyone / both  # ...of what it and the search leave
    for filters, row_limit, store in ((Filters(providers=(big,)), 1, "awards"),
                                      (Filters(providers=(big,)), everyone, "awards_by_provider"),
                                      (Filters(providers=(big,), search=search), 1, "awards_by_service")):
        routed = synth_db.query("awards", filters, row_limit=row_limit)
        assert synth_db.last_store == store, (filters, row_limit)
        assert routed.equals(synth_db.query("awards", filters, row_limit=row_limit, base_only=True))
    # Years narrow what the awards must read past, not the copy's rows (a provider's span every
    # year): with one year the copy answers a row limit the awards answer without it.
    year = pl.read_parquet(synth_db.build_path / "awards.parquet", columns=["financial_year"])["financial_year"].min()
    one_year = Filters(providers=(big,), from_year=year, to_year=year)
    share = synth_db._share_in_years(one_year)
    counted = [synth_db.query("kpis", f, base_only=True)["award_count"][0]
               for f in (Filters(from_year=year, to_year=year), Filters())]
    assert share == pytest.approx(counted[0] / counted[1]) and 0 < share < 0.5
    row_limit = int(big_n * big_n * share / (WHOLE_ROW_COST * everyone)) + 1
    assert big_n > WHOLE_ROW_COST * row_limit * everyone / big_n  # all years: the awards answer
    for filters, store in ((one_year, "awards_by_provider"), (one_year.replace(from_year=None, to_year=None), "awards")):
        routed = synth_db.query("awards", filters, row_limit=row_limit)
        assert synth_db.last_store == store, (filters, row_limit)
        assert routed.equals(synth_db.query("awards", filters, row_limit=row_limit, base_only=True))
    # The estimate is the search index's count of awards, the fewer of two lists on one column.
    assert synth_db._awards_holding("service", Filters(search=search)) == in_services
    # A provider filter and a search found only in providers' names: the fewer of the two.
    assert synth_db.search_matches(small)["search_providers"] == [small]
    assert synth_db._awards_holding("provider", Filters(providers=(big,), search=small)) == per_provider["count"][-1]
