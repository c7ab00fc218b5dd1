"""16 threads hammering the query layer with varied filters get exactly the serial answers (issue 8).
The browser half (8 Chromium sessions on one real server) is in tests/test_hardening_browser.py."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor

from pccspend import pagedata, vocab
from pccspend.db import Database
from pccspend.filters import Filters
from pccspend.fy import fy_label
from tests.hardening import report

THREADS = 16
ROUNDS = 2  # each thread runs its share of the work this many times, in a shuffled order
PAGES = ("overview", "themes", "funding_streams", "years", "providers", "awards", "compare_areas",
         "data_quality", "sources")


def varied_filters(db: Database, n: int, seed: int = 8) -> list[Filters]:
    rng = random.Random(seed)
    awards = db.query("awards", Filters(include_unpublished=True, include_extensions=True))
    providers = sorted({p for p in awards["provider"] if p})
    areas = sorted(set(awards["area"]))
    years = [fy_label(y) for y in range(2013, 2023)]

    def some(values, k=2):
        return tuple(rng.sample(values, rng.randint(0, min(k, len(values)))))

    out = [Filters()]
    while len(out) < n:
        low, high = sorted(rng.sample(years, 2)) if rng.random() < 0.5 else (None, None)
        out.append(Filters(
            areas=some(areas), from_year=low, to_year=high, themes=some([*vocab.THEMES, vocab.NOT_STATED]),
            funding_streams=some(list(vocab.FUNDING_STREAMS), 1), providers=some(providers, 1) if rng.random() < 0.3 else (),
            mechanisms=some(list(vocab.MECHANISMS), 1) if rng.random() < 0.3 else (),
            statuses=some(list(vocab.STATUSES)) if rng.random() < 0.3 else (),
            include_extensions=rng.random() < 0.5, include_unpublished=rng.random() < 0.5,
            search=rng.choice(["", "", "", "victim", "hub", "'; drop table awards; --"]),
        ))
    return out


def test_16_threads_hammering_the_query_layer_get_the_serial_answers(built_data):
    db = Database(built_data)
    work = [(page, f) for f in varied_filters(db, 16) for page in PAGES]
    serial = {i: getattr(pagedata, page)(db, f) for i, (page, f) in enumerate(work)}
    errors, mismatches, done = [], [], [0]
    lock = threading.Lock()

    def hammer(thread: int) -> None:
        rng = random.Random(thread)
        mine = [i for i in range(len(work)) if i % THREADS == thread] * ROUNDS
        rng.shuffle(mine)
        # Besides its share, every thread also asks the first few questions: the same cache keys at once.
        for i in [0, 1, 2, *mine]:
            page, f = work[i]
            try:
                got = getattr(pagedata, page)(db, f)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append((page, f, repr(exc)))
                continue
            same = got.keys() == serial[i].keys() and all(got[k].equals(serial[i][k]) for k in got)
            with lock:
                done[0] += 1
                if not same:
                    mismatches.append((page, f))

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(hammer, range(THREADS)))
    db.close()
    report("concurrency-query-layer", threads=THREADS, page_loads=done[0], errors=len(errors),
           mismatches=len(mismatches))
    assert errors == [] and mismatches == [], (errors[:3], mismatches[:3])
    assert done[0] == len(work) * ROUNDS + 3 * THREADS


def test_questions_asked_at_once_answer_as_when_asked_one_by_one(tmp_path):
    """`Database.ask` runs a page's questions at once: each answer is the one `query` gives alone
    (on a database with no answer cache, so every question really runs), and an error in one
    question is raised to the caller."""
    import pytest
    from polars.testing import assert_frame_equal

    from pccspend.paths import data_dir
    from pccspend.queries import UnknownQuery

    db = Database(data_dir(), cache_bytes=0)
    try:
        for filters in varied_filters(db, 6):
            questions = {"kpis": ("kpis", filters), "by_theme": ("spend_by_theme", filters),
                         "issues": ("data_quality_issues", filters, {"row_limit": 5}),
                         "providers": ("spend_by_provider", filters, {"top_n": 3}), "colours": ("palette", Filters())}
            answers = db.ask(questions)
            assert list(answers) == list(questions)
            for key, (name, f, *extra) in questions.items():
                assert_frame_equal(answers[key], db.query(name, f, **(extra[0] if extra else {})))
        with pytest.raises(UnknownQuery, match="no_such_question"):
            db.ask({"fine": ("kpis", Filters()), "broken": ("no_such_question", Filters())})
    finally:
        db.close()
