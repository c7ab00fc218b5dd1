"""The office's rules (data/register/import_mapping.csv): a theme or provider sector the documents
do not state, each with its reason and who decided it.

Documents and imported grants often name no theme in our sense. The office writes down, once,
which programme, keyword, award or commitment means which theme (and, where the recipient's
identifier does not tell, which provider sector), why, and who decided. The same rules give an
imported grant its provider sector on import and, at build time, a theme to every award whose
document states none (pccspend/classify.py: basis `office`). Rules are tried in file order; the
first rule that matches and gives a value wins. No rule: the theme stays empty ("Not stated").
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pccspend import vocab
from pccspend.paths import IMPORT_MAPPING_CSV, DataDir
from pccspend.problems import Problem
from pccspend.stated_totals import glob_regex

MAPPING_COLUMNS = ["match_on", "pattern", "theme", "provider_sector", "reason", "decided_by", "decided_on"]
REQUIRED = ("match_on", "pattern", "reason", "decided_by")
MATCH_ON = {
    "programme": "the funding stream (an imported grant's programme), whole and case-insensitive",
    "keyword": "a word or phrase in the service (an imported grant's title) or description, case-insensitive",
    "award": "an award id, or a glob of them (`LEI-EXE0004-21-*`)",
    "commitment": "a commitment id: every year of a multi-year commitment",
}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Rule:
    row: int
    match_on: str
    pattern: str
    theme: str | None
    provider_sector: str | None
    reason: str = ""
    decided_by: str = ""
    decided_on: str | None = None

    @property
    def text(self) -> str:
        """How the rule reads: "import_mapping.csv row 3: commitment LEI-EXE0001-T1"."""
        return f"{IMPORT_MAPPING_CSV} row {self.row}: {self.match_on} {self.pattern}"

    def matches(self, award: dict) -> bool:
        """Whether the rule applies to one award (a dict of the register's columns)."""
        if self.match_on == "programme":
            return (award.get("funding_stream") or "").strip().casefold() == self.pattern.casefold()
        if self.match_on == "keyword":
            text = " ".join(filter(None, (award.get("service"), award.get("description"))))
            return re.search(rf"(?<!\w){re.escape(self.pattern)}(?!\w)", text, re.IGNORECASE) is not None
        if self.match_on == "award":
            return re.match(glob_regex(self.pattern), award.get("award_id") or "") is not None
        return (award.get("commitment_id") or "") == self.pattern

    def mask(self) -> pl.Expr:
        """`matches` over a frame of awards (vectorised: the register may be large)."""
        if self.match_on == "programme":
            return pl.col("funding_stream").str.strip_chars().str.to_lowercase() == self.pattern.lower()
        if self.match_on == "keyword":
            # Rust's regex has no look-behind: a non-word character or an end on each side instead.
            text = pl.concat_str(pl.col("service").fill_null(""), pl.col("description").fill_null(""), separator=" ")
            return text.str.contains(rf"(?i)(?:^|\W){re.escape(self.pattern)}(?:\W|$)")
        if self.match_on == "award":
            return pl.col("award_id").str.contains(glob_regex(self.pattern))
        return pl.col("commitment_id") == self.pattern


def _row_problems(i: int, row: dict) -> list[Problem]:
    """The rules one row of the file breaks."""
    out = []

    def bad(column: str, rule: str) -> None:
        out.append(Problem(IMPORT_MAPPING_CSV, i, column, row.get(column), rule))

    if row.get("match_on") not in MATCH_ON:
        bad("match_on", f"match_on must be one of: {', '.join(MATCH_ON)}")
    for col in ("pattern", "reason", "decided_by"):
        if not row.get(col):
            bad(col, {"pattern": "required: must not be empty",
                      "reason": "required: say why the office classifies these awards so",
                      "decided_by": "required: who made the rule"}[col])
    for col, allowed in (("theme", vocab.THEMES), ("provider_sector", vocab.PROVIDER_SECTORS)):
        if row.get(col) and row[col] not in allowed:
            bad(col, f"{col} must be one of: {', '.join(sorted(allowed))}")
    if not row.get("theme") and not row.get("provider_sector"):
        bad("theme", "a rule gives a theme, a provider_sector or both")
    if row.get("decided_on") and not DATE_RE.match(row["decided_on"]):
        bad("decided_on", "date must be written YYYY-MM-DD")
    return out


def load_rules(data: DataDir) -> tuple[list[Rule], list[Problem]]:
    """The office's rules, and every problem in the file (a broken file stops an import and a build)."""
    path: Path = data.register / IMPORT_MAPPING_CSV
    if not path.exists():
        return [], []
    rules, problems = [], []
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            names = [n for n in (reader.fieldnames or []) if n]
            for col in REQUIRED:
                if col not in names:
                    problems.append(Problem(IMPORT_MAPPING_CSV, 1, col, None, "required column is missing"))
            for col in names:
                if col not in MAPPING_COLUMNS:
                    problems.append(Problem(IMPORT_MAPPING_CSV, 1, col, None,
                                            f"not a column of this file ({', '.join(MAPPING_COLUMNS)})"))
            if problems:
                return [], problems
            for i, raw in enumerate(reader, start=2):
                row = {k: (v or "").strip() or None for k, v in raw.items() if k}
                found = _row_problems(i, row)
                problems += found
                if not found:
                    rules.append(Rule(i, row["match_on"], row["pattern"], row.get("theme"), row.get("provider_sector"),
                                      row["reason"], row["decided_by"], row.get("decided_on")))
    except (UnicodeDecodeError, csv.Error) as exc:
        problems.append(Problem(IMPORT_MAPPING_CSV, None, None, None, f"not a readable UTF-8 CSV file: {exc}"))
    return rules, problems


def target_problems(rules: list[Rule], awards: pl.DataFrame) -> list[Problem]:
    """A rule naming an award or commitment the register does not hold (a typo would otherwise
    classify nothing, silently)."""
    out = []
    for rule in rules:
        if rule.match_on in ("award", "commitment") and not awards.select(rule.mask().any()).item():
            out.append(Problem(IMPORT_MAPPING_CSV, rule.row, "pattern", rule.pattern,
                               f"no award in awards.csv has this {rule.match_on} id"))
    return out


def lookup(rules: list[Rule], what: str, award: dict) -> Rule | None:
    """The first rule that matches `award` and gives a `what` (theme or provider_sector)."""
    for rule in rules:
        if getattr(rule, what) and rule.matches(award):
            return rule
    return None
