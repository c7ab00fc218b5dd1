"""A build made by another version of pccspend (an older build format, or other query macros) is
refused with a message saying to build again, in the query layer, the CLI and the dashboard, never
met as a database error halfway through a page; building again makes it readable."""

import json

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from pccspend.build import build, is_stale
from pccspend.buildfiles import BUILD_FORMAT, PUBLIC
from pccspend.cli import main
from pccspend.db import Database, OldBuild
from pccspend.paths import PROJECT_ROOT
from pccspend.ui.warm import warm


def age(data, **fields) -> None:
    """Rewrite the current build's build.json (the office's view and the public's) as an older
    version would have written it."""
    for place in (data.current, data.current / PUBLIC):
        path = place / "build.json"
        info = json.loads(path.read_text())
        path.write_text(json.dumps({**info, **fields}))


@pytest.fixture
def old_data(fresh_data):
    build(fresh_data)
    age(fresh_data, build_format=BUILD_FORMAT - 1)
    return fresh_data


def test_the_query_layer_refuses_an_older_build_format_and_names_the_fix(old_data):
    for public in (False, True):
        with pytest.raises(OldBuild) as caught:
            Database(old_data, public=public)
        assert str(caught.value) == (
            f"the build in {old_data.root} was made by another version of pccspend "
            f"(it is in build format {BUILD_FORMAT - 1}; this version reads {BUILD_FORMAT}): "
            "run `python -m pccspend build`")
    assert is_stale(old_data)


def test_the_warm_up_leaves_an_older_build_alone(old_data, monkeypatch):
    monkeypatch.setenv("PCCSPEND_DATA", str(old_data.root))
    warm()  # a server on an old build starts, and says to build again (below), rather than failing


def test_a_build_with_other_query_macros_is_refused_too(fresh_data):
    build(fresh_data)
    Database(fresh_data).close()  # readable as built
    age(fresh_data, query_layer_sha256="0" * 64)
    with pytest.raises(OldBuild, match=r"older version of the query macros \(queries/_\*\.sql\)"):
        Database(fresh_data)
    assert is_stale(fresh_data)


def test_the_cli_says_to_build_again_and_building_again_mends_it(old_data):
    runner = CliRunner()
    out = runner.invoke(main, ["query", "kpis", "--data", str(old_data.root)])
    assert out.exit_code == 2
    assert f"this version reads {BUILD_FORMAT}): run `python -m pccspend build`" in out.output
    assert "Binder" not in out.output and "Traceback" not in out.output
    rebuilt = runner.invoke(main, ["build", "--if-stale", "--data", str(old_data.root)])
    assert rebuilt.exit_code == 0 and rebuilt.output.splitlines()[-1].startswith("Built ")
    assert not is_stale(old_data)
    out = runner.invoke(main, ["query", "kpis", "--format", "csv", "--data", str(old_data.root)])
    assert out.exit_code == 0
    assert out.output.splitlines()[1] == "4832360.00,56,28,5,3,2013/14,2022/23"  # the bundled register's headline


@pytest.mark.parametrize("page", ["overview", "awards"])
def test_the_dashboard_says_to_build_again_instead_of_failing(old_data, monkeypatch, page):
    monkeypatch.setenv("PCCSPEND_DATA", str(old_data.root))
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60).run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["The awards need building again"]
    [warning] = at.warning
    assert f"(it is in build format {BUILD_FORMAT - 1}; this version reads {BUILD_FORMAT})" in warning.value
    assert "`python -m pccspend build`" in warning.value
    assert not at.get("plotly_chart")
