"""Award rows proposed from a paper (pccspend/extract) brought in through the same dry run and confirm
as any import, as drafts. Each award keeps the paper as its source and the proposal's own locator
("Appendix 1, Victims, row 3 (page 4)"), not "row 7 of an upload": a number is only as good as its trail.

The paper itself is kept in data/sources/ (as it came, and as the text the Source documents page
shows), and sources.csv gains a row for it (`PAPER-` + its sha256).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from pccspend.extract.model import Document, Paragraph

PAPER_KINDS = ("board report", "decision record", "FOI response")
# The register columns an edited proposal fills, in the order the proposals file is written.
COLUMNS = ("award_id", "area", "funder", "financial_year", "theme", "plan_priority", "service", "description", "provider",
           "provider_sector", "amount_gbp", "amount_note", "mechanism", "status")


@dataclass
class Paper:
    """The paper proposals come from, and what sources.csv will say of it."""

    name: str
    content: bytes
    title: str
    publisher: str
    published_date: str  # YYYY-MM-DD
    kind: str  # one of PAPER_KINDS
    text: str = ""  # the paper as text (document_text), kept beside it for the Source documents page
    locators: list[str] = field(default_factory=list)  # each proposal row's locator, in file order

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def source_id(self) -> str:
        return f"PAPER-{self.sha256[:12]}"

    @property
    def original_name(self) -> str:
        suffix = Path(self.name).suffix.lower()
        return self.source_id + (suffix if re.fullmatch(r"\.(pdf|docx|txt)", suffix) else "")

    @property
    def text_name(self) -> str:
        return f"{self.source_id}.txt"

    def source_row(self) -> dict:
        return {"source_id": self.source_id, "title": self.title, "publisher": self.publisher,
                "published_date": self.published_date, "kind": self.kind, "file_name": self.text_name,
                "url": None, "reference": f"{self.name}, sha256 {self.sha256}; kept as {self.original_name}"}


def document_text(doc: Document) -> str:
    """The paper as text, block by block: numbered paragraphs as printed, table rows with ` | `
    between cells, and a line where each page starts (so a locator's page can be found)."""
    lines: list[str] = []
    page = None
    for block in doc.blocks:
        if block.page and block.page != page:
            page = block.page
            lines += [f"-- page {page} --", ""]
        if isinstance(block, Paragraph):
            lines.append(f"{block.number} {block.text}" if block.number else block.text)
        else:
            lines += [" | ".join(" ".join(cell.split()) for cell in row) for row in block.rows]
        lines.append("")
    return "\n".join(lines)


def award_id(paper: Paper, line: int) -> str:
    """An award's id from the paper and the proposal's place in it: the same paper proposes the same
    ids again, so importing it twice changes nothing."""
    return f"{paper.source_id}-{line:03d}"


def proposals_file(rows: list[dict], paper: Paper, *, area: str, funder: str, mechanism: str) -> bytes:
    """Reviewed proposals (each with its `line`, the proposal's number) as the register's layout;
    sets `paper.locators` to each row's locator, in the same order."""
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    paper.locators = []
    for row in rows:
        writer.writerow({**{c: row.get(c) for c in COLUMNS}, "award_id": award_id(paper, int(row["line"])),
                         "area": area, "funder": funder, "mechanism": mechanism})
        paper.locators.append(row["source_locator"])
    return out.getvalue().encode("utf-8")


def import_paper(data, paper: Paper, rows: list[dict], *, area: str, funder: str, mechanism: str, who,
                 dry_run: bool = True, progress=lambda _m: None):
    """Plan the reviewed proposals' import (and apply it unless `dry_run` or anything is rejected),
    as `who` (an editor): the same rules, report and all-or-nothing as any import, as drafts."""
    import tempfile

    from pccspend.importing.apply import apply_import
    from pccspend.importing.plan import plan_import
    from pccspend.access import require

    require(who, "import", data)
    content = proposals_file(rows, paper, area=area, funder=funder, mechanism=mechanism)
    with tempfile.TemporaryDirectory(prefix="pccspend-paper-") as tmp:
        path = Path(tmp) / "proposals.csv"
        path.write_bytes(content)
        with plan_import(data, path, area, name=paper.name, progress=progress, paper=paper) as plan:
            if not dry_run and plan.ok:
                apply_import(data, plan, progress, who=who)
    plan.layout = "proposals from a paper"
    # A rejection names the proposal's line (as the review table numbers them), not the file we wrote.
    lines = [row["line"] for row in rows]
    plan.problems = [replace(p, file=f"{paper.name} (proposals)", row=lines[p.row - 2])
                     if p.file == paper.name and p.row and 2 <= p.row < len(lines) + 2 else p for p in plan.problems]
    return plan
