"""What the Import page's column step shows for an upload: the file's columns, an example of each,
and the map to start from (remembered for the layout, else the register's own names and look-alikes)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pccspend import column_maps
from pccspend.column_maps import ColumnMap
from pccspend.giving360 import looks_like_360, title_key
from pccspend.paths import DataDir
from pccspend.reading import FileBroken, peek


@dataclass
class Columns:
    """A flat file's columns, for a person to say which register column each fills."""

    header: list[str]
    examples: dict[str, str]  # their column -> the first value it has
    layout: str
    is_360: bool  # read by its 360Giving titles: no map needed
    remembered: ColumnMap | None = None
    start: dict[str, str] = field(default_factory=dict)  # their column -> register column to offer
    values: dict[str, str] = field(default_factory=dict)  # register column -> value to offer


def columns_of_upload(data: DataDir, name: str, content: bytes) -> Columns | None:
    """The upload's columns, or None when it has none to map (JSON) or cannot be read (the dry run
    then names the problem)."""
    with tempfile.TemporaryDirectory(prefix="pccspend-peek-") as tmp:
        path = Path(tmp) / "upload"
        path.write_bytes(content)
        try:
            header, sample = peek(path, name)
        except FileBroken:
            return None
    if not header:
        return None
    examples = {}
    for row in sample:
        for title, value in row.items():
            if title not in examples and value not in (None, ""):
                examples[title] = str(value)[:60]
    cols = Columns(header, examples, column_maps.layout_key(header), looks_like_360(header))
    maps, _problems = column_maps.load(data)  # a broken file is reported by the dry run
    cols.remembered = maps.get(cols.layout)
    if cols.remembered:
        by_key = {title_key(h): h for h in header if h}
        cols.start = {by_key[title_key(t)]: c for c, t in cols.remembered.columns.items() if title_key(t) in by_key}
        cols.values = dict(cols.remembered.values)
    else:
        cols.start = column_maps.suggest(header)
    return cols
