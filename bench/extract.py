"""How fast `extract` reads an office's paper: pages a second on a 40-page born-digital PDF, beside
the floor its PDF library sets (pdfplumber's own text of every page, nothing found in it).

    python bench/extract.py [--pages 40] [--repeats 5]

The paper is made the way the extraction tests make board papers (tests/papers.py: A4, numbered
paragraphs, ruled tables with a shaded header repeated over page breaks, page numbers), from the
seed papers' blocks repeated until it has at least `--pages` pages. Each run reads the whole file
afresh; the median of `--repeats` runs is reported. A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pccspend.extract import read_and_extract  # noqa: E402
from tests.papers import PAPERS, blocks_of, write_pdf  # noqa: E402


def make_paper(pages: int, out: Path) -> tuple[Path, int]:
    """A PDF of at least `pages` pages from the seed papers' blocks, and its page count."""
    import pdfplumber

    blocks = [b for paper in sorted(PAPERS.glob("*.txt")) for b in blocks_of(paper)]
    copies = 1
    while True:
        write_pdf(blocks * copies, out)
        with pdfplumber.open(out) as pdf:
            count = len(pdf.pages)
        print(f"... made a paper of {count} pages ({copies} cop{'y' if copies == 1 else 'ies'} of the seeds)",
              flush=True)
        if count >= pages:
            return out, count
        copies = max(copies + 1, int(copies * pages / max(count, 1)) + 1)


def plain_text(path: Path) -> int:
    """The peer: pdfplumber's text of every page, as a reader with no finders would take it."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return sum(len(page.extract_text() or "") for page in pdf.pages)


def timed(fn, path: Path, repeats: int, label: str) -> float:
    runs = []
    for i in range(repeats):
        start = time.perf_counter()
        fn(path)
        runs.append(time.perf_counter() - start)
        print(f"... {label}: run {i + 1} of {repeats}: {runs[-1]:.2f} s", flush=True)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pccspend-bench-extract-") as tmp:
        path, pages = make_paper(args.pages, Path(tmp) / "paper.pdf")
        found = read_and_extract(path)[1]
        ours = timed(lambda p: read_and_extract(p), path, args.repeats, "extract")
        floor = timed(plain_text, path, args.repeats, "pdfplumber text")
    print(f"paper: {pages} pages, {len(found.proposals):,} proposed lines, {len(found.totals):,} stated totals")
    print(f"{'reader':<28}{'median s':>10}{'pages/s':>10}")
    print(f"{'pccspend extract':<28}{ours:>10.2f}{pages / ours:>10.1f}")
    print(f"{'pdfplumber text (peer)':<28}{floor:>10.2f}{pages / floor:>10.1f}")
    print(f"RESULT extract {pages / ours:.1f} pages/s; pdfplumber text alone {pages / floor:.1f} pages/s; "
          f"ratio {ours / floor:.2f}x the peer's time")


if __name__ == "__main__":
    main()
