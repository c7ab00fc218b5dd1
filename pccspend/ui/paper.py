"""The Import page's paper step: a paper's proposed award lines, each beside the cell or sentence it
came from, reviewed and edited before the same dry run and confirm as any import."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import streamlit as st

from pccspend import vocab
from pccspend.importing import size_refusal
from pccspend.importing.papers import PAPER_KINDS, Paper, document_text, import_paper
from pccspend.money import gbp
from pccspend.paths import DataDir
from pccspend.ui.text import md

EDITED = ("include", "line", "financial_year", "theme", "service", "provider", "provider_sector", "amount_gbp",
          "amount_note", "status", "source_locator", "evidence")


@st.cache_data(show_spinner="Reading the paper...", max_entries=8)
def _read(name: str, content: bytes) -> dict:
    """What the paper proposes (cached per file: reading a PDF takes seconds)."""
    from pccspend.extract import NotExtractable, read_and_extract

    with tempfile.TemporaryDirectory(prefix="pccspend-paper-") as tmp:
        path = Path(tmp) / (Path(name).name or "paper")
        path.write_bytes(content)
        try:
            doc, found = read_and_extract(path)
        except NotExtractable as exc:
            return {"error": str(exc)}
    rows = [{"include": True, "line": n, **p.row(), "provider_sector": None}
            for n, p in enumerate(found.proposals, start=1)]
    return {"rows": rows, "totals": [t.row() for t in found.totals], "text": document_text(doc),
            "kind": found.kind, "pages": found.page_count}


@dataclass
class Reviewed:
    """A paper and its reviewed lines, ready for the dry run (and, on confirm, the import)."""

    data: DataDir
    paper: Paper
    rows: list[dict]
    area: str
    funder: str
    mechanism: str

    def plan(self, who, *, dry_run: bool):
        return import_paper(self.data, self.paper, self.rows, area=self.area, funder=self.funder,
                            mechanism=self.mechanism, who=who, dry_run=dry_run)


def paper_step(data: DataDir) -> Reviewed | None:
    """Upload, read, review; None until there is something to dry-run."""
    upload = st.file_uploader("Paper (born-digital PDF, Word .docx or text)", type=["pdf", "docx", "txt"],
                              key="paper-file")
    if upload is None:
        return None
    if refusal := size_refusal(upload.size):
        st.error(md(f"{upload.name}: {refusal}. Nothing was imported."))
        return None
    found = _read(upload.name, upload.getvalue())
    if "error" in found:
        st.error(md(f"{upload.name}: {found['error']}"))
        return None
    rows, totals = found["rows"], found["totals"]
    missing = sum(r["amount_gbp"] is None for r in rows)
    gaps = [t for t in totals if t["difference_gbp"] not in (None, "0.00")]
    pages = f", {found['pages']} pages" if found["pages"] else ""
    st.caption(md(f"{len(rows):,} proposed line(s) ({missing:,} without an amount) and {len(totals):,} stated "
                  f"total(s), {len(gaps):,} not equal to their lines, from this {found['kind']}{pages}. Check each "
                  "line against its evidence (the cell or sentence it came from); untick what is not an award."))
    if totals:
        with st.expander(f"Stated totals and the lines they cover ({len(gaps):,} differ)"):
            st.dataframe(pl.DataFrame([{
                "where": t["source_locator"], "what": t["description"], "stated": gbp(t["stated_total_gbp"]),
                "lines": "" if t["lines_gbp"] is None else gbp(t["lines_gbp"]),
                "difference": "" if t["difference_gbp"] is None else gbp(t["difference_gbp"]),
            } for t in totals]), hide_index=True)
    left, middle, right = st.columns(3)
    area = left.text_input("Police force area", key="paper-area")
    funder = middle.text_input("Funder", key="paper-funder", help="Who awards the money, e.g. the commissioner.")
    mechanism = right.selectbox("Mechanism of every line", list(vocab.MECHANISMS), key="paper-mechanism",
                                index=list(vocab.MECHANISMS).index("grant"))
    left, middle, right = st.columns(3)
    title = left.text_input("The paper's title", value=Path(upload.name).stem, key="paper-title")
    kind = middle.selectbox("Kind of paper", PAPER_KINDS, key="paper-kind")
    published = right.date_input("Published on", value=None, key="paper-date", format="DD/MM/YYYY")
    sector = st.selectbox("Provider sector, for lines that name a provider and give none", ["", *vocab.PROVIDER_SECTORS],
                          key="paper-sector")
    choice = st.column_config.SelectboxColumn
    edited = st.data_editor(
        pl.DataFrame(rows, schema={c: (pl.Boolean if c == "include" else pl.Int64 if c == "line" else pl.String)
                                   for c in EDITED}),
        key="paper-rows", hide_index=True, disabled=("line", "source_locator", "evidence"),
        column_config={"include": st.column_config.CheckboxColumn("include"),
                       "theme": choice("theme", options=list(vocab.THEMES)),
                       "status": choice("status", options=list(vocab.STATUSES)),
                       "provider_sector": choice("provider_sector", options=list(vocab.PROVIDER_SECTORS))})
    needed = [what for what, given in (("area", area), ("funder", funder), ("date it was published", published))
              if not (given and str(given).strip())]
    if needed:
        st.info(md(f"Give the {', '.join(needed)} to see what the import would change."))
        return None
    chosen = [r | {"provider_sector": r["provider_sector"] or (sector if r["provider"] else None) or None}
              for r in edited.to_dicts() if r["include"]]
    if not chosen:
        st.info("No line is ticked: nothing to import.")
        return None
    paper = Paper(upload.name, upload.getvalue(), title.strip() or upload.name, funder.strip(),
                  published.isoformat(), kind, text=found["text"])
    return Reviewed(data, paper, chosen, area.strip(), funder.strip(), mechanism)
