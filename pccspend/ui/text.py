"""Text from the data made safe for the elements that render Markdown."""

from __future__ import annotations

import re

import polars as pl

from pccspend.each import each

# What turns Markdown text into links, images, HTML, colour directives or maths. Emphasis is left alone:
# it does no harm, and escaping it would show backslashes wherever a value is not rendered as Markdown.
_MARKDOWN = re.compile(r"([\\\[\]<$])")


def md(text: str) -> str:
    """Text from the data or a link, escaped for the elements that render Markdown (titles, captions,
    alerts, button labels), so it shows as written: a provider named `![x](http://...)` must not
    become an image fetched from someone else's server."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def md_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every cell of a frame of text escaped with `md`, for st.table (which renders Markdown)."""
    return frame.with_columns(each(frame[c], md) for c in frame.columns)
