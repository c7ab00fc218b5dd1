"""Where the data lives: the bundled `data/` folder, or the folder `PCCSPEND_DATA` names."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_DATA = PROJECT_ROOT / "data"
QUERIES_DIR = PROJECT_ROOT / "queries"

AWARDS_CSV = "awards.csv"
SOURCES_CSV = "sources.csv"
TOTALS_CSV = "stated_totals.csv"
POPULATION_CSV = "census2021_population_by_police_force_area.csv"
FUNDING_STREAMS_CSV = "funding_streams.csv"  # the office's own streams, beside the built-in ones
IMPORT_MAPPING_CSV = "import_mapping.csv"  # the office's rules: themes (at build) and sectors (on import)
GRANT_DETAILS_CSV = "grant_details.csv"  # what imported 360Giving grants arrived with (pccspend/grant_details.py)
COVERAGE_CSV = "coverage.csv"  # what each document covers: area, years, all spend or some streams (pccspend/coverage.py)
PALETTE_CSV = "palette.csv"  # each area's and office stream's colour, kept once given (pccspend/palette.py)
COLUMN_MAPS_CSV = "column_maps.csv"  # the office's spreadsheets' columns, per layout (pccspend/column_maps.py)


@dataclass(frozen=True)
class DataDir:
    """The layout of one data folder: the register (CSV, the source of truth) and its build."""

    root: Path

    @property
    def register(self) -> Path:
        return self.root / "register"

    @property
    def reference(self) -> Path:
        return self.root / "reference"

    @property
    def sources_dir(self) -> Path:
        return self.root / "sources"

    @property
    def builds(self) -> Path:
        return self.root / "build"

    @property
    def current(self) -> Path:
        """Symlink to the newest complete build; swapped atomically by `build`."""
        return self.root / "current"

    def parquet(self, table: str) -> Path:
        return self.current / f"{table}.parquet"

    def register_files(self) -> list[Path]:
        """Every file the register is made of (some may not exist): what a build reads, and an
        import rule file, so its digest says what a build, a snapshot or an import plan came from."""
        names = (AWARDS_CSV, SOURCES_CSV, TOTALS_CSV, COVERAGE_CSV, FUNDING_STREAMS_CSV, IMPORT_MAPPING_CSV, GRANT_DETAILS_CSV,
                 COLUMN_MAPS_CSV, PALETTE_CSV)
        return [self.register / name for name in names] + [self.reference / POPULATION_CSV]


def data_dir(path: str | os.PathLike | None = None) -> DataDir:
    """The data folder: an explicit path, else $PCCSPEND_DATA, else the bundled `data/`."""
    chosen = path or os.environ.get("PCCSPEND_DATA") or BUNDLED_DATA
    return DataDir(Path(chosen).resolve())
