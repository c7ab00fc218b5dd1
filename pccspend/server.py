"""The dashboard as the server runs it: Streamlit's ASGI app over dashboard.py (`st.App`), plus deep
links that work first time. Run it with `streamlit run pccspend/server.py` (what `make run` does).

Why: opened at a page's own URL (/awards), Streamlit's page first asks /awards/_stcore/health and
/awards/_stcore/host-config, in case the app is served under that path, and gets two 404s before it
tries the root; and a URL one level deeper (/awards/x) loads its scripts from /awards/static/...,
which answer with the page's HTML, so it stays blank. Here every page's HTML names the server's base
(Streamlit's own `window.__streamlit.BACKEND_BASE_URL` setting), and a deeper URL is sent to its page.
And the first page's one-off work is done when the server starts, not while its first visitor waits.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from streamlit import config
from streamlit.logger import get_logger

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard.py"
# Streamlit's own routes, never a page: left exactly as Streamlit answers them (compressed and all).
OWN = ("_stcore", "static", "media", "component", "app", "oauth2callback", "auth", "favicon.png")


def _base() -> str:
    """server.baseUrlPath as a prefix: "" or "/spend"."""
    path = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{path}" if path else ""


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
            html = b"".join(chunks).replace(b"<head>", b"<head>" + script, 1)
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
