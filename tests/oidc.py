"""Sign a real Chromium into a real `streamlit run` app through a real OpenID Connect provider, all on
loopback: oidc-provider-mock in a thread, Streamlit's own st.login / st.user / st.logout (Authlib),
and cookies forged or tampered with exactly as Streamlit 1.67 signs them.

Hosts: the provider is on `localhost` (run_server_in_thread binds "localhost", and the issuer it
advertises is taken from each request's Host, so the discovery URL, Authlib's token request and the
browser must all say `localhost`); the app is on `127.0.0.1`. Two host names keep the two servers'
cookies apart (cookies ignore the port). The browser must open the app at the very origin of
`redirect_uri`: Streamlit drops the user cookie when its `origin` differs from the WebSocket's Origin.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_decode, base64_encode

from pccspend.paths import DataDir
from tests.hardening import CHROMIUM, CHROMIUM_ARGS, streamlit_server

APP_HOST = "127.0.0.1"
USER_COOKIE = "_streamlit_user"  # streamlit.web.server.starlette.starlette_server_config.USER_COOKIE_NAME
SCRIPT_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'  # "initial" before the first run
COOKIE_SECRET = "oidc-harness-cookie-secret-not-for-production"


@contextlib.contextmanager
def oidc_provider() -> Iterator[str]:
    """oidc-provider-mock on a free loopback port, in a thread; yields its issuer, http://localhost:<port>.
    Any client id/secret and redirect URI is accepted; an unknown `sub` signs in with {"email": sub}."""
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(port=0) as server:
        yield f"http://localhost:{server.server_port}"


def set_claims(issuer: str, sub: str, claims: dict) -> None:
    """Set the claims the provider gives `sub` (replacing them all), e.g. {"email": sub,
    "email_verified": False, "name": "A. Person"}. Takes effect at the next sign-in."""
    request = urllib.request.Request(f"{issuer}/users/{sub}", data=json.dumps(claims).encode(), method="PUT",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204, response.status


def auth_secrets(folder: Path, issuer: str, app_base_url: str, *, cookie_secret: str = COOKIE_SECRET,
                 client_id: str = "pccspend-test", client_secret: str = "pccspend-test-secret") -> Path:
    """Write folder/secrets.toml with the `[auth]` section st.login needs for `issuer`; returns its path."""
    auth = {"redirect_uri": f"{app_base_url}/oauth2callback", "cookie_secret": cookie_secret,
            "client_id": client_id, "client_secret": client_secret,
            "server_metadata_url": f"{issuer}/.well-known/openid-configuration"}
    path = Path(folder) / "secrets.toml"
    # A JSON string of plain ASCII is a TOML basic string.
    path.write_text("[auth]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in auth.items()))
    return path


@contextlib.contextmanager
def streamlit_app(app_path: Path, port: int, data: DataDir, env: dict | None, secrets_path: Path,
                  log_path: Path) -> Iterator[str]:
    """`streamlit run app_path` over `data` on 127.0.0.1:`port` (fixed: redirect_uri names it) reading
    only `secrets_path`; yields the base URL once /_stcore/health answers, stops the server after."""
    with streamlit_server(data, log_path, env, app_path, port=port,
                          args=("--server.address", APP_HOST, "--secrets.files", str(secrets_path))) as base:
        yield base


@contextlib.contextmanager
def chromium_thread() -> Iterator[Callable]:
    """Debian's Chromium on a worker thread of its own; yields `run(fn)`, which calls `fn(browser)` there
    and returns its result. Playwright's sync API stays on the thread it started on, and the dashboard's
    e2e tests may hold a Playwright session on the main thread."""
    from playwright.sync_api import sync_playwright

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    held = {}

    def launch():
        held["playwright"] = sync_playwright().start()
        held["browser"] = held["playwright"].chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    def close():
        if "browser" in held:
            held["browser"].close()
        if "playwright" in held:
            held["playwright"].stop()

    try:
        pool.submit(launch).result()
        yield lambda fn: pool.submit(fn, held["browser"]).result()
    finally:
        pool.submit(close).result()
        pool.shutdown()


def _back_on_app(app_url: str) -> Callable[[str], bool]:
    return lambda url: url.startswith(app_url) and "/oauth2callback" not in url


def sign_in(page, app_url: str, email: str, *, button_name: str = "Sign in", timeout: float = 30_000) -> None:
    """Open `app_url`, click the app's sign-in button, sign in at the provider as `email` (the `sub`; the
    mock gives an unknown sub the claims {"email": sub}) and wait until the app, back at its base URL,
    has finished its first run. Checks nothing about the outcome: that is for the test, which should wait
    for what it expects (a locator's wait_for, or expect): at "notRunning" the last elements of the run
    may not be painted yet."""
    page.goto(app_url)
    page.wait_for_selector(SCRIPT_DONE, timeout=timeout)
    page.get_by_role("button", name=button_name, exact=True).click()
    page.locator('input[name="sub"]').fill(email, timeout=timeout)  # waits for the provider's form
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(_back_on_app(app_url), timeout=timeout)
    page.wait_for_selector(SCRIPT_DONE, timeout=timeout)


def sign_out(page, app_url: str, *, button_name: str = "Sign out", signed_out_button: str = "Sign in",
             timeout: float = 30_000) -> None:
    """Click the app's sign-out button, confirm at the provider's end-session page (Streamlit sends the
    browser there when the provider advertises end_session_endpoint), and wait until the app shows
    `signed_out_button` again."""
    page.get_by_role("button", name=button_name, exact=True).click()
    end_session = page.get_by_role("button", name="End session", exact=True)
    signed_out = page.get_by_role("button", name=signed_out_button, exact=True)
    end_session.or_(signed_out).first.wait_for(timeout=timeout)
    if end_session.is_visible():
        end_session.click()
        page.wait_for_url(_back_on_app(app_url), timeout=timeout)
    page.wait_for_selector(SCRIPT_DONE, timeout=timeout)
    signed_out.wait_for(timeout=timeout)


def user_payload(app_url: str, email: str, **claims) -> dict:
    """A `_streamlit_user` payload as Streamlit's /oauth2callback writes it: the ID token's claims plus
    origin (the redirect_uri's scheme://host:port), is_logged_in and the provider's name."""
    return {"sub": email, "email": email, **claims, "origin": app_url, "is_logged_in": True,
            "provider": "default"}


def forge_cookie(cookie_secret: str, payload: dict, *, age_seconds: int = 0) -> str:
    """A `_streamlit_user` cookie value signed as Streamlit 1.67 signs it (starlette_auth_routes.
    _set_single_cookie): json.dumps(payload), then itsdangerous URLSafeTimedSerializer(secret,
    salt=cookie name).dumps of that string, the signing time set `age_seconds` in the past."""

    class Backdated(TimestampSigner):
        def get_timestamp(self) -> int:
            return super().get_timestamp() - age_seconds

    serializer = URLSafeTimedSerializer(cookie_secret, salt=USER_COOKIE, signer=Backdated)
    return serializer.dumps(json.dumps(payload))


def read_cookie(value: str) -> dict:
    """The payload of a `_streamlit_user` value, signature unchecked."""
    body = value.rsplit(".", 2)[0]
    raw = zlib.decompress(base64_decode(body[1:])) if body.startswith(".") else base64_decode(body)
    return json.loads(json.loads(raw))


def tamper(value: str, changes: dict | None = None) -> str:
    """`value` with its payload changed (default: another email) but its timestamp and signature kept."""
    _, timestamp, signature = value.rsplit(".", 2)
    payload = {**read_cookie(value), **(changes or {"email": "intruder@example.org"})}
    body = base64_encode(json.dumps(json.dumps(payload), separators=(",", ":")).encode()).decode()
    return f"{body}.{timestamp}.{signature}"


def add_user_cookie(context, app_url: str, value: str) -> None:
    """Put a `_streamlit_user` value into a browser context as Streamlit sets it: host-only for the
    app's host, path /, HttpOnly, SameSite=Lax."""
    context.add_cookies([{"name": USER_COOKIE, "value": value, "url": f"{app_url}/", "httpOnly": True,
                          "sameSite": "Lax"}])
