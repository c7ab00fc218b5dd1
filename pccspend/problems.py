"""A broken rule, located: what validation, imports and edits report."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One broken rule. `row` is the spreadsheet row (header = 1); None for whole-file problems."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        place = self.file
        if self.row is not None:
            place += f" row {self.row}"
        if self.column:
            place += f", column {self.column}"
        value = "" if self.value is None else f" (value {self.value!r})"
        return f"{place}: {self.rule}{value}"


class ValidationFailed(Exception):
    """The register breaks one or more rules; `problems` lists every one."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the register:\n" + "\n".join(map(str, problems)))
