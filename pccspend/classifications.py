"""360Giving Classifications: an award's theme as one (and its UKCAT code where one fits), the
classifications a grant arrives with read and kept, and their flat column titles.

A grant's `classifications` is a list of {vocabulary, code, title, ...} (the standard's
`Classification`). Flat files title the first item `Classifications:Code` and further ones
`Classifications:1:Code`, `Classifications:2:Code`, ...: the standard's "numbering" (`:<num>:` in
place of `:`, documentation/technical/reference.md in ThreeSixtyGiving/standard), which its
flatten-tool reads as separate items in column order (an unnumbered title is an item of its own,
`flattentool/input.py` unflatten_main_with_parser; numbers pass through its TitleLookup).
"""

from __future__ import annotations

import json
import re

from pccspend import vocab

THEME_VOCABULARY = "pccspend:theme"
UKCAT_VOCABULARY = "UKCAT"
# Theme -> (UKCAT code, its title): UK Charity Activity Tags, category Crime and Justice. Codes and
# titles as charity-classification/ukcat writes them (data/ukcat.csv; docs/data/ukcat/CJ101.md,
# CJ105.md). UKCAT has no 360Giving vocabulary identifier of its own, so the vocabulary is named
# "UKCAT" as the project and its data file are. "communities" spans CJ102 (prevention and safety),
# road safety and more: no one code fits, so it gets none.
UKCAT = {
    "victims": ("CJ105", "Victim support"),
    "offenders": ("CJ101", "Offender support and rehabilitation"),
}

# JSON key -> flat sub-title (the schema's own titles for Classification's properties).
KEYS = {"vocabulary": "Vocabulary", "code": "Code", "title": "Title", "description": "Description",
        "url": "URL", "dateModified": "Last Modified"}
SHOWN = ("vocabulary", "code", "title")  # always columns of a flat export
OURS = 2  # items we write at most: the theme and its UKCAT code
FIELD = "classifications"  # a JSON record's key; flat fields are `classifications/<n>/<key>`
_TITLE = re.compile(r"^\s*classifications\s*:\s*(?:(\d+)\s*:\s*)?([^:]+?)\s*$", re.IGNORECASE)


def theme_title(theme: str) -> str:
    """A theme as the dashboard shows it (charts and filter chips capitalise it)."""
    return theme.capitalize()


def of_theme(theme: str | None) -> list[dict]:
    """The classifications an award's theme gives: the theme, then its UKCAT code if it has one."""
    if theme not in vocab.THEMES:
        return []
    items = [{"vocabulary": THEME_VOCABULARY, "code": theme, "title": theme_title(theme)}]
    if theme in UKCAT:
        code, title = UKCAT[theme]
        items.append({"vocabulary": UKCAT_VOCABULARY, "code": code, "title": title})
    return items


def merged(ours: list[dict], kept: list[dict]) -> list[dict]:
    """Ours first, then what the grant arrived with, each vocabulary+code once. The register's theme
    is the truth for our own vocabulary, so a kept theme classification gives way to it; a kept item
    we also write keeps what it came with."""
    out = {(c.get("vocabulary"), c.get("code")): dict(c) for c in ours}
    for item in kept:
        key = (item.get("vocabulary"), item.get("code"))
        if key[0] == THEME_VOCABULARY:
            continue
        out[key] = {**out[key], **item} if key in out else dict(item)
    return list(out.values())


def to_text(items: list[dict]) -> str | None:
    """Compact JSON text, as grant_details.csv keeps them."""
    return json.dumps(items, ensure_ascii=False, separators=(",", ":")) if items else None


def from_text(text: str | None) -> list[dict]:
    return json.loads(text) if text else []


def is_valid_text(text: str) -> bool:
    """Whether grant_details.csv's cell is a JSON list of objects holding text."""
    try:
        items = json.loads(text)
    except ValueError:
        return False
    return isinstance(items, list) and all(
        isinstance(c, dict) and c and all(isinstance(v, str) for v in c.values()) for c in items)


# -- flat titles ---------------------------------------------------------------------------------

def flat_title(n: int, key: str) -> str:
    """`Classifications:Code` for the first item, `Classifications:1:Code` for the second, ..."""
    return "Classifications:" + (f"{n}:" if n else "") + KEYS.get(key, key)


def flat_field(header_title: str) -> str | None:
    """The flat field a column title names (`classifications/-1/code` for `Classifications:Code`,
    `classifications/1/code` for `Classifications:1:Code`), else None. Like flatten-tool, case and
    spaces aside, and a sub-title the schema does not know is the key itself."""
    m = _TITLE.match(str(header_title))
    if not m:
        return None
    wanted = m.group(2).replace(" ", "").casefold()
    key = next((k for k, t in KEYS.items() if t.replace(" ", "").casefold() == wanted),
               m.group(2).replace(" ", ""))
    return f"{FIELD}/{int(m.group(1)) if m.group(1) is not None else -1}/{key}"


def is_field(name: str) -> bool:
    return name == FIELD or name.startswith(FIELD + "/")


def flat_layout(grants: list[dict]) -> list[tuple[int, str]]:
    """(item, key) of each classification column a flat export of `grants` needs, in order:
    vocabulary, code and title of as many items as the grant with most has (at least ours), and
    other keys where some grant uses them."""
    lists = [g.get(FIELD) or [] for g in grants]
    count = max([OURS] + [len(items) for items in lists])
    used = {(n, k) for items in lists for n, item in enumerate(items) for k in item}
    extra = sorted({k for _, k in used if k not in KEYS})
    return [(n, k) for n in range(count) for k in (*KEYS, *extra) if k in SHOWN or (n, k) in used]


def flat_cells(grant: dict, layout: list[tuple[int, str]]) -> dict[str, str | None]:
    items = grant.get(FIELD) or []
    return {flat_title(n, k): items[n].get(k) if n < len(items) else None for n, k in layout}


# -- reading -------------------------------------------------------------------------------------

def read(record: dict, clean) -> tuple[list[tuple[dict, dict]], list]:
    """A grant's classifications as (item, {key: field naming it in errors}), and the errors as
    (field, value, rule). `clean`: reading.clean (a cell's text, our formula guard undone)."""
    if FIELD in record:  # JSON
        value = record[FIELD]
        if value is None:
            return [], []
        value = [value] if isinstance(value, dict) else value  # one object where a list is due
        if not isinstance(value, list):
            return [], [(FIELD, None, "classifications must be a list of objects")]
        raw = [(f"{FIELD}[{i}]", c) for i, c in enumerate(value)]
    else:  # flat: numbered items in order, the unnumbered one (-1) first, as flatten-tool reads them
        cells: dict[int, dict] = {}
        fields: dict[int, dict] = {}
        for name, cell in record.items():
            if is_field(name):
                _, n, key = name.split("/", 2)
                cells.setdefault(int(n), {})[key] = cell
                fields.setdefault(int(n), {})[key] = name
        raw = [(fields[n], cells[n]) for n in sorted(cells)]
    items, errs = [], []
    for names, item in raw:
        if not isinstance(item, dict):
            errs.append((names, None, "a classification must be an object (vocabulary, code, title)"))
            continue
        if isinstance(names, str):
            names = {k: f"{names}.{k}" for k in item}
        kept = {}
        for key, value in item.items():
            if isinstance(value, (bool, list, dict)):
                errs.append((names[key], None, "expected a text value, not a list, object or true/false"))
                continue
            text = clean(value)
            if text is not None:
                kept[key] = text
        if kept:
            items.append((kept, names))
    return items, errs


def theme_of(items: list[tuple[dict, dict]]) -> tuple[tuple[str, str] | None, list]:
    """(theme, field naming it) from the grant's pccspend:theme classifications, and the errors."""
    found, errs = None, []
    for item, names in items:
        if item.get("vocabulary") != THEME_VOCABULARY:
            continue
        code, name = item.get("code"), names.get("code") or names.get("vocabulary")
        if code not in vocab.THEMES:
            errs.append((name, code, f"a {THEME_VOCABULARY} classification's code must be one of: "
                                     f"{', '.join(sorted(vocab.THEMES))}"))
        elif found and found[0] != code:
            errs.append((name, code, f"a grant has one theme: another {THEME_VOCABULARY} classification "
                                     f"says {found[0]!r}"))
        elif not found:
            found = (code, name)
    return found, errs
