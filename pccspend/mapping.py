"""The office's import mapping (data/register/import_mapping.csv): theme and provider sector rules.

Imported grants name a programme and describe themselves, but no file says "victims" or
"offenders" in our sense. The office writes down, once, which programme or keyword means which
theme (and, where the recipient's identifier does not tell, which provider sector). Rules are
tried in file order; the first rule that matches and gives a value wins. No rule: the theme stays
empty and the import report says so. We never guess a theme.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from pccspend import vocab
from pccspend.paths import IMPORT_MAPPING_CSV, DataDir
from pccspend.validate import Problem

MAPPING_COLUMNS = ["match_on", "pattern", "theme", "provider_sector", "note"]
MATCH_ON = {
    "programme": "the grant programme (or, for the register's layout, the funding stream), whole and case-insensitive",
    "keyword": "a word or phrase in the title or description, case-insensitive",
}


@dataclass(frozen=True)
class Rule:
    row: int
    match_on: str
    pattern: str
    theme: str | None
    provider_sector: str | None

    def matches(self, programme: str | None, text: str) -> bool:
        if self.match_on == "programme":
            return (programme or "").strip().casefold() == self.pattern.casefold()
        return re.search(rf"(?<!\w){re.escape(self.pattern)}(?!\w)", text, re.IGNORECASE) is not None


def load_rules(data: DataDir) -> tuple[list[Rule], list[Problem]]:
    """The office's rules, and every problem in the file (a broken file stops an import)."""
    path: Path = data.register / IMPORT_MAPPING_CSV
    if not path.exists():
        return [], []
    rules, problems = [], []
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in ("match_on", "pattern") if c not in (reader.fieldnames or [])]
            for col in missing:
                problems.append(Problem(IMPORT_MAPPING_CSV, 1, col, None, "required column is missing"))
            if missing:
                return [], problems
            for i, raw in enumerate(reader, start=2):
                row = {k: (v or "").strip() or None for k, v in raw.items() if k}
                before = len(problems)
                if row.get("match_on") not in MATCH_ON:
                    problems.append(Problem(IMPORT_MAPPING_CSV, i, "match_on", row.get("match_on"),
                                            f"match_on must be one of: {', '.join(MATCH_ON)}"))
                if not row.get("pattern"):
                    problems.append(Problem(IMPORT_MAPPING_CSV, i, "pattern", None, "required: must not be empty"))
                for col, allowed in (("theme", vocab.THEMES), ("provider_sector", vocab.PROVIDER_SECTORS)):
                    if row.get(col) and row[col] not in allowed:
                        problems.append(Problem(IMPORT_MAPPING_CSV, i, col, row[col],
                                                f"{col} must be one of: {', '.join(sorted(allowed))}"))
                if not row.get("theme") and not row.get("provider_sector"):
                    problems.append(Problem(IMPORT_MAPPING_CSV, i, "theme", None,
                                            "a rule gives a theme, a provider_sector or both"))
                if len(problems) == before:
                    rules.append(Rule(i, row["match_on"], row["pattern"], row.get("theme"), row.get("provider_sector")))
    except (UnicodeDecodeError, csv.Error) as exc:
        problems.append(Problem(IMPORT_MAPPING_CSV, None, None, None, f"not a readable UTF-8 CSV file: {exc}"))
    return rules, problems


def lookup(rules: list[Rule], what: str, programme: str | None, text: str) -> str | None:
    """The `what` (theme or provider_sector) of the first rule that matches and gives one."""
    for rule in rules:
        value = getattr(rule, what)
        if value and rule.matches(programme, text):
            return value
    return None
