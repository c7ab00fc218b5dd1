"""The one filter model: each filter declared once, everything else derived from the declaration.

A `Spec` says what a filter is called in the URL and on the command line, which award column its
SQL predicate reads, how it is labelled and what kind of value it takes. From `FILTERS` come:
the `Filters` state itself, its SQL value (one struct, `$filters`), the columns a state reads (the
query router's input), reading values typed in a link or on the command line (`parse`), the check
of values that name nothing (`check`), the URL (pccspend/state.py), the chips and the sidebar
(pccspend/ui/sidebar.py), the CLI options (pccspend/cli.py `filter_flags`) and the values a list
filter can take (the build lists them for each LIST filter's column: queries/_filter_values.sql).

Adding a filter: a `Spec` here and its predicate in queries/_filtered_awards.sql.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pccspend import vocab
from pccspend.fy import fy_start, is_financial_year

MAX_TEXT = 200  # longer free text is cut: no filter value needs more, and it bounds the work
MAX_VALUES = 200  # more values than any filter has: the rest of a longer list is dropped
MAX_AMOUNT = Decimal("1e12")
SEARCHED = ("service", "provider", "description")  # the columns a text search looks in

# Kinds of filter: what value it holds, how it is typed in and drawn.
LIST = "list"  # several values of a column (areas, themes, ...); empty means all
YEARS = "years"  # a range of financial years: two fields, "2017/18" or None
AMOUNT = "amount"  # a range of amounts in pounds: two fields, Decimal or None
TEXT = "text"  # free text
TOGGLE = "toggle"  # on or off


@dataclass(frozen=True)
class Spec:
    """One filter. `fields` are its attributes of `Filters` (two for a range), `url` and `cli` its
    names in a link and on the command line (one per field), `sql` its fields of the `$filters`
    struct, `column` the award column its predicate reads (pccspend/stores.py: a store that lacks
    it cannot apply the filter; a filter reading several names them separated by spaces)."""

    name: str
    kind: str
    fields: tuple[str, ...]
    url: tuple[str, ...]
    cli: tuple[str, ...]
    column: str
    label: str
    help: str = ""
    placeholder: str = ""
    sql: tuple[str, ...] = ()
    always: bool = False  # its predicate always applies (statuses, publication), whatever the state
    widget: str = ""  # the sidebar's widget when not the kind's usual one
    # A LIST filter of many values: its picker offers only the `top` largest by spend (and those
    # chosen); any other is typed, then checked like a link's (`check`).
    top: int = 0
    needs: str = "view"  # the action (pccspend/access.py PERMITS) a person needs to set it

    @property
    def sql_fields(self) -> tuple[str, ...]:
        return self.sql or self.fields

    def field_help(self, i: int) -> str:
        """The help of one field (a range's fill `{}` with first/last, at least/at most)."""
        words = {YEARS: ("First", "Last"), AMOUNT: ("at least", "at most")}.get(self.kind, ("", ""))
        return self.help.format(words[i])

    def default(self):
        return {LIST: (), TEXT: "", TOGGLE: False}.get(self.kind)


FILTERS: tuple[Spec, ...] = (
    Spec("area", LIST, ("areas",), ("area",), ("--area",), "area", "Area",
         "Police force area (repeatable).", "All areas"),
    Spec("financial_year", YEARS, ("from_year", "to_year"), ("from", "to"), ("--from-year", "--to-year"),
         "fy_start", "Years", "{} financial year of a range, e.g. 2017/18.", sql=("from_fy", "to_fy")),
    Spec("theme", LIST, ("themes",), ("theme",), ("--theme",), "theme", "Theme",
         "victims, offenders, communities or 'Not stated' (repeatable).", "All themes"),
    Spec("funding_stream", LIST, ("funding_streams",), ("stream",), ("--stream",), "funding_stream", "Funding stream",
         "Funding stream (repeatable).", "All funding streams"),
    Spec("provider", LIST, ("providers",), ("provider",), ("--provider",), "provider", "Provider",
         "Provider, exactly as in the register (repeatable).", "Type to search providers", top=200),
    Spec("mechanism", LIST, ("mechanisms",), ("mechanism",), ("--mechanism",), "mechanism", "Mechanism",
         "Mechanism, e.g. 'single tender action' (repeatable).", "All mechanisms"),
    Spec("status", LIST, ("statuses",), ("status",), ("--status",), "status", "Status",
         "Status (repeatable; default awarded, committed, planned).", "Awarded, committed and planned", always=True),
    Spec("include_extensions", TOGGLE, ("include_extensions",), ("ext",), ("--include-extensions",), "status",
         "Include optional extensions", "Count optional-extension money too: " + vocab.STATUSES["optional_extension"]),
    # Themes and streams as the awards' own documents state them: no link to another document,
    # no office rule (pccspend/classify.py). Its predicate swaps the columns (_filtered_awards.sql).
    Spec("stated_only", TOGGLE, ("stated_only",), ("stated",), ("--stated-only",), "stated_theme stated_funding_stream",
         "As stated in the documents only", "Themes and funding streams only where the award's own document states "
         "them: none linked from another document or classified by the office.", widget="toggle"),
    Spec("include_unpublished", TOGGLE, ("include_unpublished",), ("unpublished",), ("--include-unpublished",),
         "is_public", "Show unpublished rows", "Drafts and withheld awards too (marked). For internal use only.",
         always=True, widget="toggle", needs="held_back"),
    # Found in the service, the provider or the description (each on its own), through the index
    # of their distinct values (pccspend/db.py `search_matches`): fills the struct's `search_*` lists.
    Spec("search", TEXT, ("search",), ("q",), ("--search",), "service provider description", "Search",
         "Text to find in the service, provider or description.", "Search services, providers and descriptions"),
    Spec("amount", AMOUNT, ("min_amount", "max_amount"), ("min", "max"), ("--min-amount", "--max-amount"),
         "award_amount_gbp", "Amount", "Only awards of {} this many pounds."),
)
SPECS = {spec.name: spec for spec in FILTERS}


def _effective_statuses(self) -> list[str]:
    """Statuses that count: those chosen (default: awarded, committed, planned), plus optional
    extensions only when asked for."""
    chosen = [s for s in (self.statuses or vocab.DEFAULT_STATUSES) if s != "optional_extension"]
    if self.include_extensions or "optional_extension" in self.statuses:
        chosen.append("optional_extension")
    return chosen


def _sql(self) -> dict:
    """The `$filters` struct every question passes to `filtered_awards` (values bound as values,
    lists as lists): one entry per `Spec.sql_fields`."""
    out = {}
    for spec in FILTERS:
        for field, name in zip(spec.fields, spec.sql_fields):
            value = getattr(self, field)
            if spec.kind == YEARS:
                value = _fy_or_none(value, never=9999 if field == spec.fields[0] else -1)
            elif spec.kind == LIST:
                value = list(value)
            elif spec.kind == TEXT:
                value = (value or "")[:MAX_TEXT]
            out[name] = value
    out["statuses"] = self.effective_statuses()
    # The values whose text holds the search, per column: pccspend/db.py fills them in.
    out.update({f"search_{column}s": [] for column in SEARCHED})
    return out


def _columns(self) -> set[str]:
    """The award columns this state's predicates read (pccspend/db.py routes by them)."""
    return {c for spec in FILTERS if spec.always or self.is_active(spec) for c in spec.column.split()}


def _is_active(self, spec: Spec) -> bool:
    return any(getattr(self, f) not in (None, (), "", False) for f in spec.fields)


def _replace(self, **changes) -> "Filters":
    return dataclasses.replace(self, **changes)


def _public(self) -> "Filters":
    """The same filters as the public may see them: published rows only, whatever was asked."""
    return self.replace(include_unpublished=False)


# A filter state: one attribute per `Spec.fields`, defaults meaning "all". Frozen (a cache key).
Filters = dataclasses.make_dataclass(
    "Filters",
    [(field, object, dataclasses.field(default=spec.default())) for spec in FILTERS for field in spec.fields],
    frozen=True,
    namespace={
        "__doc__": "A filter state. Empty tuples mean all; year bounds are '2017/18' or None; amounts Decimal or None.",
        "__module__": __name__,
        "effective_statuses": _effective_statuses, "sql": _sql, "columns": _columns, "is_active": _is_active,
        "replace": _replace, "public": _public,
    },
)


def _fy_or_none(year: str | None, never: int) -> int | None:
    # A malformed year bound matches nothing rather than failing (`never` is a bound no year
    # meets): callers that take user input (CLI, URL) check years first and say what is wrong.
    if not year:
        return None
    return fy_start(year) if is_financial_year(year) else never


ALL = Filters()


# Values typed by a person (a link, the command line) -----------------------------------------


@dataclass(frozen=True)
class Problem:
    """Part of what a person typed that was dropped: `subject` names it as they typed it
    ("area 'Atlantis'", "from='2017'"), `reason` says why."""

    subject: str
    reason: str
    known: str = ""

    def cli(self) -> str:
        return f"{self.subject}: {self.reason}" + (f" (known: {self.known})" if self.known else "")

    def link(self) -> str:
        return f"Ignored {self.subject} in the link: {self.reason}."

    def typed(self) -> str:
        return f"Ignored {self.subject}: {self.reason}."


def _short(text: str, width: int = 60) -> str:
    return repr(text if len(text) <= width else text[:width] + "...")


TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _money(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw.replace(",", "").replace("£", "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and 0 <= value <= MAX_AMOUNT else None


def parse(values: Mapping[str, Sequence[str]], names: Mapping[str, str], *,
          subject=lambda name, raw: f"{name}={_short(raw)}") -> tuple[dict, list[Problem]]:
    """`Filters` fields from text a person typed, and what was dropped.

    `values` maps a surface's names (URL keys, CLI options) to the texts given (repeated names
    give several); `names` maps each `Spec` field to its name on that surface. Only the form of
    a value is checked here; `check` then drops values that name nothing."""
    fields: dict = {}
    problems: list[Problem] = []

    def given(field: str) -> list[str]:
        raw = values.get(names.get(field, ""), [])
        return [raw] if isinstance(raw, str) else [v for v in raw if v is not None]

    for spec in FILTERS:
        if spec.kind == LIST:
            (field,) = spec.fields
            raw = given(field)
            if len(raw) > MAX_VALUES:
                problems.append(Problem(f"all but the first {MAX_VALUES} values of {names[field]}",
                                        "too many values"))
            chosen = tuple(dict.fromkeys(v for v in raw[:MAX_VALUES] if v))
            if chosen:
                fields[field] = chosen
        elif spec.kind == TOGGLE:
            (field,) = spec.fields
            raw = (given(field) or [""])[-1]
            if raw is True or str(raw).lower() in TRUE:
                fields[field] = True
            elif raw and str(raw).lower() not in FALSE:
                problems.append(Problem(subject(names[field], str(raw)), "use 1 or 0"))
        elif spec.kind == TEXT:
            (field,) = spec.fields
            raw = (given(field) or [""])[-1]
            if len(raw) > MAX_TEXT:
                problems.append(Problem(f"all but the first {MAX_TEXT} characters of {names[field]}", "too long"))
            fields[field] = raw[:MAX_TEXT].strip()
        else:  # a range: YEARS or AMOUNT
            bounds = {}
            for field in spec.fields:
                raw = (given(field) or [""])[-1]
                if not raw:
                    continue
                if spec.kind == YEARS:
                    ok, value, why = is_financial_year(raw), raw, "not a financial year like 2017/18"
                else:
                    value = _money(str(raw))
                    ok, why = value is not None, "not an amount in pounds"
                if ok:
                    bounds[field] = value
                else:
                    problems.append(Problem(subject(names[field], str(raw)), why))
            low, high = spec.fields
            if low in bounds and high in bounds and bounds[low] > bounds[high]:
                what = "the years" if spec.kind == YEARS else "the amounts"
                reason = (f"{bounds[low]} is after {bounds[high]}" if spec.kind == YEARS
                          else "the minimum is above the maximum")
                problems.append(Problem(what, reason))
                bounds = {}
            fields.update(bounds)
    return fields, problems


def check(filters: Filters, options: Mapping[str, set[str]],
          specs: Sequence[Spec] = FILTERS) -> tuple[Filters, list[Problem]]:
    """The filters without the values that name nothing that exists, and a problem for each
    (of `specs`: all filters unless told).

    `options` is `filter_options(db)`: the values of each LIST filter's column. The query layer
    itself never needs this (an unknown value matches no rows), but people deserve to be told."""
    changes, problems = {}, []
    for spec in specs:
        if spec.kind != LIST:
            continue
        (field,) = spec.fields
        known = options.get(spec.column, set())
        chosen = getattr(filters, field)
        kept = tuple(v for v in chosen if v in known)
        if len(kept) != len(chosen):
            shown = ", ".join(sorted(known)[:12]) + (", ..." if len(known) > 12 else "")
            what = spec.label.lower()
            for value in chosen:
                if value not in known:
                    problems.append(Problem(f"{what} {_short(value)}", f"there is no such {what}", shown))
            changes[field] = kept
    return (filters.replace(**changes) if changes else filters), problems


def filter_options(db) -> dict[str, set[str]]:
    """Every value each LIST filter can take, from the whole register (listed by the build,
    queries/_filter_values.sql, for the column named after each LIST filter)."""
    options: dict[str, set[str]] = {"status": set(vocab.STATUSES)}
    for name, value, _rank in db.query("filter_options").iter_rows():
        options.setdefault(name, set()).add(value)
    options["theme"] = options.get("theme", set()) | set(vocab.THEMES)
    options["mechanism"] = options.get("mechanism", set()) | set(vocab.MECHANISMS)
    options["funding_stream"] = options.get("funding_stream", set()) | set(vocab.FUNDING_STREAMS)
    return options


def top_values(db, specs: Sequence[Spec] = FILTERS) -> dict[str, list[str]]:
    """For each LIST filter declaring a `top`, its column's `top` values with the most money,
    largest first (what its picker offers)."""
    wanted = {spec.column: spec.top for spec in specs if spec.kind == LIST and spec.top}
    ranked: dict[str, list[tuple[int, str]]] = {column: [] for column in wanted}
    for name, value, rank in db.query("filter_options").iter_rows():
        if rank <= wanted.get(name, 0):
            ranked[name].append((rank, value))
    return {column: [value for _, value in sorted(values)] for column, values in ranked.items()}
