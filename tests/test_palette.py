"""Colours that stay with their values (pccspend/palette.py): kept in data/register/palette.csv,
unchanged by an import, one family per dimension, and what the charts draw."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pccspend import charts, pagedata, palette, vocab
from pccspend.build import build
from pccspend.db import Database
from pccspend.filters import Filters
from pccspend.importing import import_file
from pccspend.paths import PALETTE_CSV
from pccspend.validate import validate_register
from tests.conftest import WHO

TRAFFORD = Path(__file__).parent / "fixtures" / "trafford_council_voluntary_sector_grants.csv"
BUNDLED = {"Cambridgeshire": "#332288", "Leicestershire": "#88CCEE", "West Midlands": "#44AA99"}


def _lab(hex_colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* of an sRGB colour (D65), to measure how far apart two colours look."""
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def _distance(a: str, b: str) -> float:
    return sum((p - q) ** 2 for p, q in zip(_lab(a), _lab(b))) ** 0.5


def _meanings() -> dict[str, set[str]]:
    """Each dimension's colours: its fixed ones and its family."""
    return {
        "theme": set(vocab.THEME_COLOURS.values()) - {vocab.THEME_COLOURS[vocab.NOT_STATED]},
        "funding_stream": set(vocab.STREAM_COLOURS.values()) | set(palette.FAMILIES["funding_stream"]),
        "area": set(palette.FAMILIES["area"]),
        "status": set(palette.STATUS_COLOURS.values()),
    }


def test_areas_streams_and_statuses_never_share_a_colour_and_look_apart():
    colours = _meanings()
    # Themes and the built-in streams share Okabe-Ito on purpose (the MoJ Victims' grant is blue
    # as victims are); areas and statuses have colours of their own.
    for dimension in ("area", "status"):
        others = set().union(*(c for d, c in colours.items() if d != dimension))
        assert not colours[dimension] & others, dimension
        closest = min((_distance(a, b), a, b) for a in colours[dimension] for b in others)
        assert closest[0] >= 10, closest  # CIE76: 10 is a difference seen at a glance
    for dimension, family in palette.FAMILIES.items():
        assert len(set(family)) == len(family), dimension


def test_the_bundled_register_keeps_its_areas_colours():
    from pccspend.paths import BUNDLED_DATA, DataDir
    stored, problems = palette.load(DataDir(BUNDLED_DATA))
    assert problems == []
    assert stored == {"area": BUNDLED, "funding_stream": {}}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(min_size=1, max_size=6), max_size=8), min_size=1, max_size=6),
       st.sampled_from(sorted(palette.FAMILIES)))
def test_a_value_keeps_its_colour_and_a_new_one_gets_a_free_one(batches, dimension):
    stored: dict[str, dict[str, str]] = {d: {} for d in palette.FAMILIES}
    family = palette.FAMILIES[dimension]
    for batch in batches:
        before = dict(stored[dimension])
        for d, value, colour in palette.assign(stored, {dimension: batch}):
            assert d == dimension and value not in before and colour in family
            stored[d][value] = colour
        assert {v: stored[dimension][v] for v in before} == before  # nothing already given changes
        assert set(batch) - set(palette.fixed(dimension)) <= set(stored[dimension])
        given_out = list(stored[dimension].values())
        # every colour of the family is used once before any is used twice
        assert len(set(given_out)) == min(len(given_out), len(family))


def test_an_import_leaves_every_colour_as_it_was_and_the_new_area_gets_its_own(fresh_data):
    build(fresh_data)
    before = Database(fresh_data).query("palette")
    areas_before = palette.colours(before, "area")
    assert {a: areas_before[a] for a in BUNDLED} == BUNDLED
    # Trafford sorts between Leicestershire and West Midlands: colours given out in name order at
    # each draw (as before) would have moved West Midlands'.
    plan = import_file(fresh_data, TRAFFORD, "Trafford", who=WHO)
    assert plan.ok
    after = Database(fresh_data).query("palette")
    kept = after.join(before, on=["dimension", "value"], how="inner", suffix="_before")
    assert kept.height == before.height
    assert kept.filter(kept["colour"] != kept["colour_before"]).is_empty()
    areas = palette.colours(after, "area")
    assert areas["Trafford"] == "#117733"  # the next free colour of the area family
    assert len({areas[a] for a in (*BUNDLED, "Trafford")}) == 4
    # the council's own funds are streams the office added: each gets a colour of the stream family
    lines = (fresh_data.register / PALETTE_CSV).read_text(encoding="utf-8").splitlines()
    assert lines[-3:] == ["area,Trafford,#117733", "funding_stream,Inclusive Neighbourhood Grants,#222255",
                          "funding_stream,Voluntary Sector Grants,#225555"]


def test_the_area_chart_draws_each_area_in_its_stored_colour(fresh_data):
    build(fresh_data)
    db = Database(fresh_data)
    data = pagedata.compare_areas(db, Filters(include_unpublished=True))
    fig = charts.area_chart(data["by_area_year"], "amount_gbp", data["coverage"], data["colours"])
    drawn = {t.name.split(" (")[0]: t.marker.color for t in fig.data}
    assert drawn == {a: BUNDLED[a] for a in drawn} and len(drawn) >= 2
    # without the build's palette a chart still gives each area a colour of the area family
    loose = charts.area_chart(data["by_area_year"], "amount_gbp", data["coverage"])
    assert {t.marker.color for t in loose.data} <= set(palette.FAMILIES["area"])


def test_the_public_palette_names_only_what_the_public_sees(fresh_data):
    build(fresh_data)
    db = Database(fresh_data)
    public = db.public_view().query("palette")
    office = db.query("palette")
    public_areas = set(db.public_view().query("awards", Filters())["area"])
    assert set(palette.colours(public, "area")) - set(vocab.THEME_COLOURS) <= public_areas
    assert set(public["value"]) <= set(office["value"])


@pytest.mark.parametrize("line, column, rule", [
    ("area,Kent,#12345", "colour", "colour must be #RRGGBB"),
    ("county,Kent,#123456", "dimension", "dimension must be one of"),
    ("area,Kent,#6B4226", "colour", "already means status committed"),
    ("funding_stream,Youth Fund,#222255", "value", "a built-in funding_stream"),
    ("area,Cambridgeshire,#117733", "value", "has a colour already"),
])
def test_a_broken_palette_file_is_named_by_row_and_column(fresh_data, line, column, rule):
    path = fresh_data.register / PALETTE_CSV
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    problems = [p for p in validate_register(fresh_data) if p.file == PALETTE_CSV]
    assert [(p.row, p.column) for p in problems] == [(5, column)]
    assert rule in problems[0].rule
