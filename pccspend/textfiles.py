"""How a text file is decoded, and where one stops being what it claims: CSV in UTF-8 or
Windows-1252 (decided over the whole file, and said), JSON errors by line and column."""

from __future__ import annotations

import codecs
from pathlib import Path


class NotText(ValueError):
    """A file that is neither UTF-8 nor Windows-1252 text."""


# Bytes Windows-1252 leaves undefined: a file holding one is neither UTF-8 nor Windows-1252.
CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def csv_encoding(path: Path) -> tuple[str, str | None]:
    """How to read a CSV file: UTF-8 (with or without a byte-order mark) when every byte of it is,
    else Windows-1252 (what Excel's plain "CSV" writes on Windows, and what 360Giving's tools also
    read), with a sentence saying so. Raises NotText when it is neither."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    bad_at = None
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                bad_at = offset + exc.start
                break
            offset += len(chunk)
        else:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError as exc:
                bad_at = offset + exc.start
    if bad_at is None:
        return "utf-8-sig", None
    with open(path, "rb") as fh:
        offset = 0
        while chunk := fh.read(1 << 22):
            found = [i for i in (chunk.find(bytes([b])) for b in CP1252_UNDEFINED) if i >= 0]
            if found:
                undefined = min(found)
                raise NotText(f"neither UTF-8 (byte {bad_at}) nor Windows-1252 text (byte {offset + undefined}): "
                              "save the file as CSV UTF-8")
            offset += len(chunk)
    return "cp1252", (f"read as Windows-1252: the file is not UTF-8 (from byte {bad_at}); check that £ signs and "
                      "accented letters read right below, or save it as CSV UTF-8")


def json_position(path: Path) -> str | None:
    """Where a JSON file stops being JSON, as a person finds it: "line 12, column 5: Expecting ','
    delimiter" (read again with the standard library, which counts lines; only on an error)."""
    import json

    try:
        json.loads(path.read_bytes())
    except json.JSONDecodeError as exc:
        return f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
    except (ValueError, MemoryError):
        return None
    return None
