"""The server does the first page's one-off work before it answers (pccspend/ui/warm.py), and the
pages people read do not load what only the import pages need."""

import os
import subprocess
import sys
from pathlib import Path

from hardening import streamlit_server

from pccspend import pagedata
from pccspend.filters import Filters
from pccspend.paths import PROJECT_ROOT, DataDir
from pccspend.ui import data as ui_data
from pccspend.ui.warm import warm


def test_warm_leaves_the_overview_answered_for_both_audiences(built_data, monkeypatch):
    monkeypatch.setenv("PCCSPEND_DATA", str(built_data.root))
    ui_data._open.clear()
    warm()
    for public in (False, True):
        db = ui_data._open(str(built_data.root), public)
        assert db._options is not None and db._top_values is not None
        hits, misses = db.answers.hits, db.answers.misses
        overview = pagedata.overview(db, Filters())
        assert db.answers.misses == misses, "the Overview asked the database again after the warm-up"
        assert db.answers.hits > hits
        assert overview["kpis"]["award_count"][0] > 0
    ui_data._open.clear()


def test_warm_on_a_folder_with_no_build_does_nothing_and_does_not_fail(tmp_path, monkeypatch):
    monkeypatch.setenv("PCCSPEND_DATA", str(tmp_path))
    assert warm() < 60  # returns: nothing to open


def test_reading_pages_do_not_import_pandera_or_pandas():
    """pandera (0.7 s to import) is for checking a register; the Overview and the other reading
    pages must not pay for it on a server's first visit. Checked in a fresh interpreter."""
    code = (
        "import ast, sys\n"
        "import streamlit\n"
        "from pccspend.ui import warm\n"
        "for page in sys.argv[1:]:\n"
        "    tree = ast.parse(open(page).read())\n"
        "    for node in tree.body:\n"
        "        if isinstance(node, (ast.Import, ast.ImportFrom)):\n"
        "            exec(compile(ast.Module([node], []), page, 'exec'))\n"
        "print(sorted(m for m in ('pandera', 'pandas') if m in sys.modules))\n"
    )
    reading = [str(PROJECT_ROOT / "pages" / f"{name}.py") for name in (
        "overview", "themes", "funding_streams", "years", "providers", "awards", "compare_areas",
        "data_quality", "coverage", "sources")]
    reading = [p for p in reading if Path(p).exists()]
    assert len(reading) >= 9
    out = subprocess.run([sys.executable, "-c", code, *reading], cwd=PROJECT_ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr


def test_the_server_answers_only_once_warmed_up(built_data, tmp_path):
    log = tmp_path / "streamlit.log"
    with streamlit_server(DataDir(built_data.root), log) as base:
        assert base.startswith("http://127.0.0.1:")
        text = log.read_text()
    assert "dashboard warmed up in" in text, text


def test_a_public_server_warms_only_the_public_view(built_data, monkeypatch):
    """A public server never opens the office's view (held-back rows), warm-up included."""
    monkeypatch.setenv("PCCSPEND_DATA", str(built_data.root))
    monkeypatch.setenv("PCCSPEND_MODE", "public")
    ui_data._open.clear()
    warm()
    assert ui_data._open(str(built_data.root), True)._options is not None  # warmed
    assert ui_data._open(str(built_data.root), False)._options is None  # opened only now, by this test
    ui_data._open.clear()


def test_the_server_does_not_collect_garbage_after_every_run():
    """Streamlit's default full collection after each script run cost 50-85 ms of a core per click
    (bench/browser.py): the project's config, read by `streamlit run` from the checkout, turns it off."""
    import tomllib

    from streamlit import config

    settings = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["runner"]["postScriptGC"] is False
    assert config.get_config_options()["runner.postScriptGC"].default_val is True  # Streamlit's own default


def test_warm_imports_pandas_before_any_session(built_data):
    """A page's first table imports pandas; plotly, building a figure in another session meanwhile,
    read the half-imported module and failed. The warm-up imports it first (a fresh interpreter)."""
    code = ("import sys\nfrom pccspend.ui.warm import warm\nassert 'pandas' not in sys.modules\n"
            "warm()\nprint('pandas' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PCCSPEND_DATA": str(built_data.root)})
    assert out.stdout.strip().splitlines()[-1] == "True", out.stdout + out.stderr
