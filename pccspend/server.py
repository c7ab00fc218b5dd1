"""The dashboard as the server runs it: Streamlit's ASGI app over dashboard.py (`st.App`), plus deep
links that work first time. Run it with `streamlit run pccspend/server.py` (what `make run` does).

Why: opened at a page's own URL (/awards), Streamlit's page first asks /awards/_stcore/health and
/awards/_stcore/host-config, in case the app is served under that path, and gets two 404s before it
tries the root; and a URL one level deeper (/awards/x) loads its scripts from /awards/static/...,
which answer with the page's HTML, so it stays blank. Here every page's HTML names the server's base
(Streamlit's own `window.__streamlit.BACKEND_BASE_URL` setting), and a deeper URL is sent to its page.
And the first page's one-off work is done when the server starts, not while its first visitor waits,
and the page's HTML names the scripts the first page will draw with, so the browser fetches them while
it starts rather than after the script's first chart arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import re
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from streamlit import config
from streamlit.logger import get_logger

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard.py"
# Streamlit's own routes, never a page: left exactly as Streamlit answers them.
OWN = ("_stcore", "static", "media", "component", "app", "oauth2callback", "auth", "favicon.png")
# The kinds of element the first page draws (the Overview's charts and metrics, the sidebar's
# filters), by the name of Streamlit's script for each. Streamlit's page asks for such a script only
# when the script run's first element of that kind arrives: Plotly's 4.7 MB was fetched after the
# run, on the first page's critical path. Named as modulepreload (with the scripts each imports), the
# browser fetches and compiles them before; they still run only when an element needs them. A name
# Streamlit no longer has is skipped (tests/test_e2e.py checks each is found).
FIRST_PAGE_SCRIPTS = ("PlotlyChart", "Metric", "Multiselect", "Selectbox", "Checkbox", "TextInput", "NumberInput",
                      "Button")
STATIC_JS = Path(st.__file__).parent / "static" / "static" / "js"
_IMPORTED = re.compile(rb"""(?:from|import)\s*["'`]\./([\w.-]+\.js)["'`]""")


def _base() -> str:
    """server.baseUrlPath as a prefix: "" or "/spend"."""
    path = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{path}" if path else ""


@functools.cache
def first_page_scripts() -> tuple[str, ...]:
    """The file names (in static/js) of FIRST_PAGE_SCRIPTS and every script they import, each once."""
    found: list[str] = []
    todo = [m.name for name in FIRST_PAGE_SCRIPTS for m in sorted(STATIC_JS.glob(f"{name}.*.js"))[:1]]
    while todo:
        name = todo.pop(0)
        if name not in found and (STATIC_JS / name).is_file():
            found.append(name)
            todo += [m.decode() for m in _IMPORTED.findall((STATIC_JS / name).read_bytes())]
    return tuple(found)


def with_preloads(html: bytes) -> bytes:
    """The page's HTML with a script that, once the page has loaded (Streamlit's own scripts in, the
    app starting), names the first page's scripts as modulepreload, as Streamlit names its own (a
    relative href, so it holds under a base URL path); those it already names are left out. Not in
    the head: there Plotly's 4.7 MB competed with Streamlit's own scripts and the app started later
    (its health check asked at 1.16 s, not 0.89); after the load it arrives while the app connects
    and the script runs (bench/first_page.py). PCCSPEND_PRELOAD=off leaves the page as Streamlit
    makes it."""
    if os.environ.get("PCCSPEND_PRELOAD") == "off":  # bench/first_page.py's other half
        return html
    names = [name for name in first_page_scripts() if b"./static/js/" + name.encode() not in html]
    script = ("<script>addEventListener('load',()=>{for(const n of %s){const l=document.createElement('link');"
              "l.rel='modulepreload';l.crossOrigin='';l.href='./static/js/'+n;document.head.append(l)}})</script>"
              % json.dumps(names)).encode()
    return html.replace(b"</head>", script + b"</head>", 1)


def _page_parts(path: str) -> list[str] | None:
    """The segments of a page URL under the base, or None for Streamlit's own routes and files."""
    base = _base()
    if base and not (path == base or path.startswith(base + "/")):
        return None
    parts = [p for p in path[len(base):].split("/") if p]
    if parts and (parts[0] in OWN or "." in parts[-1]):
        return None
    return parts


class DeepLinks:
    """ASGI middleware: the base URL written into the page's HTML, and /page/anything sent to /page."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        parts = _page_parts(scope.get("path", "")) if scope["type"] == "http" and scope.get("method") == "GET" else None
        if parts is None:
            return await self.app(scope, receive, send)
        # The page's HTML is small: ask for it uncompressed, so it can be read and changed here.
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]}
        held: dict = {}
        chunks: list[bytes] = []

        async def reply(message):
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                if not headers.get(b"content-type", b"").startswith(b"text/html"):
                    return await send(message)
                held["start"] = message
                return None
            if message["type"] != "http.response.body" or "start" not in held:
                return await send(message)
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return None
            start = held["start"]
            if len(parts) > 1:  # /awards/x: the page is /awards
                query = scope.get("query_string", b"")
                location = f"{_base()}/{parts[0]}".encode() + (b"?" + query if query else b"")
                await send({"type": "http.response.start", "status": 307,
                            "headers": [(b"location", location), (b"content-length", b"0")]})
                return await send({"type": "http.response.body", "body": b""})
            script = (f'<script>window.__streamlit={{BACKEND_BASE_URL:window.location.origin+"{_base()}/"}}'
                      "</script>").encode()
            html = with_preloads(b"".join(chunks).replace(b"<head>", b"<head>" + script, 1))
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in (b"content-length", b"etag")]
            await send({**start, "headers": headers + [(b"content-length", str(len(html)).encode())]})
            await send({"type": "http.response.body", "body": html})
            return None

        await self.app(scope, receive, reply)


@contextlib.asynccontextmanager
async def warmed(_app):
    """Before the server answers (its health check included), do the first page's one-off work
    (pccspend/ui/warm.py), on a thread so the event loop is not held."""
    from pccspend.ui.warm import warm

    seconds = await asyncio.to_thread(warm)
    get_logger(__name__).info("dashboard warmed up in %.2f s", seconds)
    yield


app = st.App(str(DASHBOARD), middleware=[Middleware(DeepLinks)], lifespan=warmed)
