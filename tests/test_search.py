"""Text search through the index of distinct texts answers exactly as a scan of every award."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pccspend import vocab
from pccspend.build import build
from pccspend.db import Database
from pccspend.filters import Filters
from pccspend.synth import write_synth

TERMS = ["victim", "VICTIM", "council", "Peterborough", "hub", "ü", "%", "_", "'", "'; drop table awards; --",
         "zzz no such text", "provider 0001", "Synthetic award", "  "]


@pytest.fixture(scope="module")
def synth_db(tmp_path_factory):
    data = write_synth(tmp_path_factory.mktemp("synth-search") / "data", rows=5_000, seed=11)
    build(data)
    return Database(data)


def scanned(db: Database, text: str, include_unpublished: bool = False) -> list[str]:
    """The award ids a scan finds: the text in the service, the provider or the description."""
    awards = pl.read_parquet(db.build_path / "awards.parquet")
    needle = text.strip()[:200].lower()
    found = pl.any_horizontal(pl.col(c).str.to_lowercase().str.contains(needle, literal=True).fill_null(False)
                              for c in ("service", "provider", "description"))
    keep = pl.col("status").is_in(list(vocab.DEFAULT_STATUSES)) & (pl.col("is_public") | include_unpublished)
    return sorted(awards.filter(found & keep if needle else keep)["award_id"])


def searched(db: Database, text: str, include_unpublished: bool = False) -> list[str]:
    filters = Filters(search=text.strip(), include_unpublished=include_unpublished)
    return sorted(db.query("awards", filters, row_limit=None)["award_id"])


@pytest.mark.parametrize("text", TERMS)
def test_the_index_finds_what_a_scan_finds(db, synth_db, text):
    for database in (db, synth_db):
        for unpublished in (False, True):
            assert searched(database, text, unpublished) == scanned(database, text, unpublished), (text, unpublished)


def test_a_search_reads_only_the_columns_it_matched_in(synth_db):
    # A provider's name: the provider-sorted copy answers, reading a few row groups.
    synth_db.query("kpis", Filters(search="provider 00012"))
    assert synth_db.last_store == "awards_by_provider"
    # Text only a service holds: a rollup by service can answer the drill-down.
    synth_db.query("theme_stream_service", Filters(search="hub 1"))
    assert synth_db.last_store == "rollup_services"
    # ...and a question no rollup holds (it counts providers) reads the service-sorted copy.
    synth_db.query("kpis", Filters(search="hub 1"))
    assert synth_db.last_store == "awards_by_service"
    # ...but not under an area filter, nor for a few first rows in area order of many awards: the
    # awards, sorted by area, read fewer row groups then (the rule: tests/test_rollups.py).
    synth_db.query("kpis", Filters(search="hub 1", areas=("Synthetic area 01",)))
    assert synth_db.last_store == "awards"
    synth_db.query("awards", Filters(search="victim"), row_limit=1)
    assert synth_db.last_store == "awards"
    synth_db.query("awards", Filters(search="hub 1"), row_limit=1000)
    assert synth_db.last_store == "awards_by_service"
    assert synth_db.search_matches("hub 1")["search_providers"] == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_part_of_an_award_s_text_finds_it(db, data):
    awards = pl.read_parquet(db.build_path / "awards.parquet").filter(
        pl.col("status").is_in(list(vocab.DEFAULT_STATUSES)) & pl.col("is_public"))
    row = awards.row(data.draw(st.integers(0, awards.height - 1)), named=True)
    text = data.draw(st.sampled_from([t for t in (row["service"], row["provider"], row["description"]) if t]))
    start = data.draw(st.integers(0, max(0, len(text) - 1)))
    part = text[start:start + data.draw(st.integers(1, 30))].strip()
    if part:
        assert row["award_id"] in searched(db, part)
        assert searched(db, part) == scanned(db, part)
