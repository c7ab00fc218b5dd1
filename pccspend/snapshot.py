"""Public transparency snapshots: a folder of static files (HTML, PNG/SVG, CSV/XLSX/JSON, manifest)
of the published awards in a scope (areas and financial years), written atomically.

Only published rows ever reach a file: every question runs with `Filters.public()` through
`_published`, which refuses anything else and checks the rows it gets back. The same register and
scope give byte-identical files: nothing depends on the clock, ordering is fixed, Plotly's random
SVG ids are replaced (pccspend/images.py) and the "data as of" date comes from the documents.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import xlsxwriter

from pccspend import __version__, audit, duties, images, manifest, site, vocab
from pccspend.access import Person, require
from pccspend.classify import with_basis_text
from pccspend.atomic import write_folder
from pccspend.db import Database
from pccspend.filters import Filters
from pccspend.money import gbp
from pccspend.tabular import neutralised, to_csv_bytes, to_json_bytes

Progress = Callable[[str], None]
GENERATOR = f"pccspend {__version__}"
# Register columns the public files leave out: publication is always true here, and the file
# name is where the office keeps its copy of a document, not something a reader can open.
INTERNAL_COLUMNS = ("is_public", "source_file")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no clock in the archive
PREVIEW_ROWS = 1000  # awards the Publish page lists (its figures count them all)
# Awards a page's table lists: beyond this a page grows past what a browser opens comfortably
# (10,000 rows is about 4 MB of HTML); the CSV, Excel and JSON files always hold every award.
HTML_AWARD_ROWS = 10_000


class NotPublic(RuntimeError):
    """Something not approved for publication was about to go into a snapshot."""


class TargetRefused(ValueError):
    """The output folder exists and is not a snapshot this module wrote."""


@dataclass(frozen=True)
class Scope:
    """What a snapshot covers: police force areas (empty: all) and a range of financial years."""

    areas: tuple[str, ...] = ()
    from_year: str | None = None
    to_year: str | None = None

    @classmethod
    def between(cls, areas, first: str | None, last: str | None) -> "Scope":
        """A scope from pickers: years put in order when given the wrong way round."""
        if first and last and first > last:
            first, last = last, first
        return cls(tuple(areas), first, last)

    def filters(self) -> Filters:
        """The filters of this scope, as the public may see it (published rows only)."""
        return Filters(areas=tuple(sorted(set(self.areas))), from_year=self.from_year,
                       to_year=self.to_year).public()

    def years_label(self) -> str:
        if self.from_year and self.from_year == self.to_year:
            return self.from_year
        if self.from_year and self.to_year:
            return f"{self.from_year} to {self.to_year}"
        if self.from_year:
            return f"{self.from_year} onwards"
        if self.to_year:
            return f"up to {self.to_year}"
        return "all years"

    def as_dict(self) -> dict:
        return {"areas": sorted(set(self.areas)) or "all", "from_year": self.from_year, "to_year": self.to_year,
                "published_only": True}


# Published data ----------------------------------------------------------------------------


def _published(db: Database, name: str, filters: Filters, **extra) -> pl.DataFrame:
    """`queries/<name>.sql` over the public's view of the build (held-back rows and withheld
    fields are not in it): refuses filters that would let unpublished rows in, and checks that
    every row it gets back (when rows say) is published."""
    if filters.include_unpublished:
        raise NotPublic(f"{name}: a snapshot asked for unpublished rows")
    frame = db.public_view().query(name, filters, **extra)
    if "is_public" in frame.columns:
        if not frame["is_public"].fill_null(False).all():
            raise NotPublic(f"{name}: an unpublished row came back")
        frame = frame.drop("is_public")
    return frame.drop([c for c in INTERNAL_COLUMNS if c in frame.columns])


@dataclass
class PageData:
    """Everything one page shows, all of it published."""

    scope: Scope
    kpis: dict
    frames: dict[str, pl.DataFrame]  # chart frames
    awards: pl.DataFrame
    extensions: pl.DataFrame
    reconciliation: pl.DataFrame
    sources: pl.DataFrame
    duties: list[str]  # how complete the fields the Specified Information Order requires are

    @property
    def areas(self) -> list[str]:
        return sorted(set(self.awards["area"]) | set(self.extensions["area"]))


def collect(db: Database, scope: Scope) -> PageData:
    """The published data of one scope: headline figures, chart frames, awards, sources, totals."""
    f = scope.filters()
    awards = _published(db, "awards", f, row_limit=None)  # every award: a snapshot is the full record
    extensions = _published(db, "awards", f.replace(statuses=("optional_extension",)), row_limit=None)
    reconciliation = _published(db, "reconciliation", f)
    documents = _published(db, "source_documents", f)
    # Only documents this scope shows something of: a document whose awards are all unpublished
    # is not named (its title, date and reference stay with the office).
    shown = set(awards["source_id"]) | set(extensions["source_id"]) | set(reconciliation["source_id"])
    sources = documents.filter(pl.col("source_id").is_in(sorted(shown)))
    return PageData(
        scope=scope,
        kpis=_published(db, "kpis", f).row(0, named=True),
        frames={
            "by_theme": _published(db, "spend_by_theme", f),
            "by_stream": _published(db, "spend_by_funding_stream", f),
            "by_year": _published(db, "spend_by_year", f),
            "by_area": _published(db, "area_comparison", f),
            "providers": _published(db, "spend_by_provider", f, top_n=site.TOP_PROVIDERS),
            "commitments": _published(db, "commitments", f.replace(include_extensions=True)),
            "coverage": _published(db, "coverage", f),
            "colours": _published(db, "palette", f),
        },
        awards=awards,
        extensions=extensions,
        reconciliation=reconciliation,
        sources=sources,
        duties=duties.sentences(duties.summary(db, f)),  # the public view, published awards only
    )


def held_back(db: Database, scope: Scope) -> int:
    """How many awards in the scope (any status) are not approved for publication: a count for the
    office's preview, never written to a snapshot."""
    every = Filters(areas=scope.areas, from_year=scope.from_year, to_year=scope.to_year,
                    statuses=tuple(vocab.STATUSES), include_extensions=True)
    count = db.query("kpis", every.replace(include_unpublished=True))["award_count"][0] or 0
    public = db.query("kpis", every.public())["award_count"][0] or 0
    return int(count - public)


@dataclass
class Preview:
    """What a snapshot of a scope would show, for the office to check before publishing."""

    kpis: dict
    awards: pl.DataFrame  # the first PREVIEW_ROWS
    held_back: int


def preview(db: Database, scope: Scope) -> Preview:
    f = scope.filters()
    return Preview(_published(db, "kpis", f).row(0, named=True), _published(db, "awards", f, row_limit=PREVIEW_ROWS),
                   held_back(db, scope))


def gap_sentences(reconciliation: pl.DataFrame) -> list[str]:
    """Each stated total that the published awards it covers do not add up to, in one sentence."""
    out = []
    for r in reconciliation.iter_rows(named=True):
        if r["difference_gbp"] is not None and r["difference_gbp"] == 0:
            continue
        years = r["from_year"] if r["from_year"] == r["to_year"] else f"{r['from_year']} to {r['to_year']}"
        cited = f"{r['source_title']} ({r['source_locator']})"
        budget = " It is a budget, which the awards need not add up to." if r["total_kind"] == "budget" else ""
        if r["line_sum_gbp"] is None:
            out.append(f"{cited} states {gbp(r['stated_total_gbp'])} for {r['description']} ({years}); "
                       f"none of the awards it covers is published.{budget}")
            continue
        diff = r["difference_gbp"]
        missing = (f", {r['missing_amount_count']:,} of them without an amount" if r["missing_amount_count"] else "")
        out.append(
            f"{cited} states {gbp(r['stated_total_gbp'])} for {r['description']} ({years}); the "
            f"{r['line_count']:,} published award{'s' if r['line_count'] != 1 else ''} it covers add up to "
            f"{gbp(r['line_sum_gbp'])}{missing}: {gbp(abs(diff))} {'less' if diff > 0 else 'more'} than stated.{budget}")
    return out


# Pages -------------------------------------------------------------------------------------


def slug(text: str) -> str:
    """A file-name-safe form of an area name: 'Devon & Cornwall' -> 'devon-cornwall' (never a path)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "area"


def _as_of(sources: pl.DataFrame) -> tuple[str | None, str]:
    """The newest covered document's date, as ISO text and as '30 March 2021'."""
    dates = [d for d in sources["published_date"] if d is not None]
    if not dates:
        return None, "not recorded (no published documents in this scope)"
    day = max(dates)
    return day.isoformat(), f"{day.day} {day:%B %Y}"


def _title(data: PageData) -> str:
    areas = data.scope.areas and sorted(data.scope.areas) or data.areas
    names = ", ".join(areas[:-1]) + f" and {areas[-1]}" if len(areas) > 1 else (areas[0] if areas else "All areas")
    return f"Commissioned services and grants: {names}, {data.scope.years_label()}"


def _page_context(data: PageData, page: str, about: dict, area_pages: list[dict]) -> tuple[dict, list[site.Chart]]:
    several = len(data.areas) > 1
    all_charts = site.page_charts(data.frames, several_areas=several)
    commitments = next((c for c in all_charts if c.name == "commitments"), None)
    stem = page.removesuffix(".html")
    context = {
        "title": _title(data),
        "scope_label": f"{', '.join(data.areas) or 'No areas'}, {data.scope.years_label()}",
        "is_index": page == "index.html",
        "areas": data.areas,
        "area_pages": area_pages,
        "several_areas": several,
        "kpis": data.kpis,
        "charts": [c for c in all_charts if c is not commitments],
        "coverage": site.coverage_context(data.frames["coverage"]),
        "commitments": commitments,
        "awards": with_basis_text(data.awards.head(HTML_AWARD_ROWS)).to_dicts(),
        "award_count": data.awards.height,
        "extensions": {"rows": with_basis_text(data.extensions).to_dicts(),
                       "amount_gbp": data.extensions["amount_gbp"].sum() if data.extensions.height else None},
        "reconciliation": data.reconciliation.to_dicts(),
        "gaps": gap_sentences(data.reconciliation),
        "duties": data.duties,
        "order": duties.ORDER,
        "sources": data.sources.to_dicts(),
        "chart_path": lambda chart, fmt: f"charts/{stem}-{chart.name}.{fmt}",
        "data_path": lambda chart: f"data/charts/{stem}-{chart.name}.csv",
        **about,
    }
    return context, all_charts


def _xlsx_bytes(frame: pl.DataFrame, created: dt.datetime) -> bytes:
    """An XLSX of `frame` (formulas neutralised) whose bytes depend only on the data: the workbook's
    'created' stamp is the data's date, not the clock."""
    buf = io.BytesIO()
    workbook = xlsxwriter.Workbook(buf, {"in_memory": True})
    workbook.set_properties({"created": created})
    safe = neutralised(frame).with_columns(
        pl.col(c).cast(pl.Float64) for c, t in frame.schema.items() if isinstance(t, pl.Decimal))
    safe.write_excel(workbook, worksheet="awards", autofit=True)
    workbook.close()
    return buf.getvalue()


def build_into(db: Database, folder: Path, scope: Scope, progress: Progress = lambda _m: None) -> dict:
    """Write the snapshot of `scope` into the empty `folder`; returns the manifest."""
    folder = Path(folder)
    progress(f"collecting the published awards ({scope.years_label()})")
    index = collect(db, scope)
    pages = {"index.html": index}
    if len(index.areas) > 1:
        used: set[str] = set()
        for area in index.areas:
            name = slug(area)
            while f"area-{name}.html" in used:
                name += "-x"
            used.add(f"area-{name}.html")
            progress(f"collecting {area}")
            pages[f"area-{name}.html"] = collect(db, Scope((area,), scope.from_year, scope.to_year))
    as_of_iso, as_of = _as_of(index.sources)
    about = {"generator": GENERATOR, "register_sha256": db.info.get("register_sha256", ""), "data_as_of": as_of}
    area_pages = [{"area": d.areas[0] if d.areas else d.scope.areas[0], "href": page,
                   "amount_gbp": d.kpis["amount_gbp"], "award_count": d.kpis["award_count"]}
                  for page, d in pages.items() if page != "index.html"]

    for sub in ("charts", "data/charts"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    to_draw = []
    for page, data in pages.items():
        context, page_charts = _page_context(data, page, about, area_pages if page == "index.html" else [])
        progress(f"writing {page} ({len(page_charts)} charts, {data.awards.height:,} awards)")
        (folder / page).write_text(site.render_page(context), encoding="utf-8")
        for chart in page_charts:
            (folder / context["data_path"](chart)).write_bytes(to_csv_bytes(chart.frame))
            to_draw.append(images.Image(chart.fig, folder / context["chart_path"](chart, "png")))
    images.render(to_draw, progress)

    progress("writing the data files")
    created = dt.datetime.fromisoformat(as_of_iso) if as_of_iso else dt.datetime(2000, 1, 1)
    files = {
        "data/awards.csv": to_csv_bytes(index.awards),
        "data/awards.json": to_json_bytes(index.awards),
        "data/awards.xlsx": _xlsx_bytes(index.awards, created),
        "data/optional_extensions.csv": to_csv_bytes(index.extensions),
        "data/sources.csv": to_csv_bytes(index.sources),
        "data/reconciliation.csv": to_csv_bytes(index.reconciliation),
        "plotly.min.js": images.PLOTLY_JS.read_bytes(),
        **site.static_files(),
    }
    for name, content in files.items():
        (folder / name).write_bytes(content)
    progress("writing manifest.json")
    return manifest.write(folder, {
        "generator": GENERATOR,
        "register_sha256": about["register_sha256"],
        "data_as_of": as_of_iso,
        "scope": scope.as_dict(),
        "areas_covered": index.areas,
        "pages": list(pages),
    })


# Writing the folder atomically, and as a zip -----------------------------------------------


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise TargetRefused(f"{out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()):
        try:
            previous = json.loads((out / manifest.NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = {}
        if not str(previous.get("generator", "")).startswith("pccspend "):
            raise TargetRefused(f"{out} is not empty and is not a snapshot: choose a new or empty folder")


def _log(db: Database, who: Person, scope: Scope, result: dict, where: str) -> None:
    size = sum(entry["bytes"] for entry in result["files"])
    digest = db.info.get("register_sha256")
    audit.record(db.data, "snapshot", who,
                 f"Snapshot of {', '.join(result['areas_covered']) or 'nothing published'} ({scope.years_label()}): "
                 f"{where}",
                 counts={"files": len(result["files"]) + 1, "bytes": size},
                 before=digest, after=digest, details={"scope": scope.as_dict(), "to": where})


def write_snapshot(db: Database, out: Path, scope: Scope, progress: Progress = lambda _m: None, *,
                   who: Person) -> dict:
    """Write the snapshot into `out` as `who` (a publisher; recorded in the audit trail): built in a
    hidden folder beside it, then swapped in whole, so a reader (or a web server) sees the old
    snapshot or the new one, never a mixture."""
    require(who, "snapshot", db.data)
    out = Path(out).absolute()
    _check_target(out)
    result = write_folder(out, lambda folder: build_into(db, folder, scope, progress))
    size = sum(entry["bytes"] for entry in result["files"])
    progress(f"wrote {len(result['files']) + 1} files ({size / 1e6:.1f} MB) to {out}")
    _log(db, who, scope, result, f"written to {out}")
    return result


def zip_folder(folder: Path, root: str) -> bytes:
    """The folder as a zip whose bytes depend only on the files: sorted entries under `root`/,
    a fixed time and fixed permissions."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for path in sorted((p for p in Path(folder).rglob("*") if p.is_file()),
                           key=lambda p: p.relative_to(folder).as_posix()):
            info = zipfile.ZipInfo(f"{root}/{path.relative_to(folder).as_posix()}", date_time=ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes(), compresslevel=6)
    return buf.getvalue()


def zip_name(scope: Scope) -> str:
    """'pcc-spend-cambridgeshire-2017-18': the zip's file name (without .zip) and its top folder."""
    parts = [slug(a) for a in sorted(scope.areas)] or ["all-areas"]
    years = scope.years_label()
    return "pcc-spend-" + "-".join(parts) + ("" if years == "all years" else "-" + slug(years))


def snapshot_zip(db: Database, scope: Scope, progress: Progress = lambda _m: None, *, who: Person) -> bytes:
    """The snapshot of `scope` as a zip (for a download) made by `who` (a publisher; recorded):
    the same bytes for the same register and scope."""
    require(who, "snapshot", db.data)
    with tempfile.TemporaryDirectory(prefix="pccspend-snapshot-") as tmp:
        result = build_into(db, Path(tmp), scope, progress)
        content = zip_folder(Path(tmp), zip_name(scope))
    _log(db, who, scope, result, f"downloaded as {zip_name(scope)}.zip")
    return content
