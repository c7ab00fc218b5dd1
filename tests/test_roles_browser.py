"""Sign-in, roles and the public mode in the real thing: `streamlit run dashboard.py` in office mode
signing Chromium in through a real OpenID Connect provider on loopback (tests/oidc.py), and in public
mode. For each role: the pages listed, every page's URL typed in, a link asking for held-back rows,
and what reaches the browser (every websocket frame, as bytes) compared with held-back canaries."""

from __future__ import annotations

import time

import pytest

from pccspend.paths import PROJECT_ROOT
from tests.hardening import free_port, streamlit_server
from tests.oidc import (
    COOKIE_SECRET, SCRIPT_DONE, add_user_cookie, auth_secrets, chromium_thread, forge_cookie, oidc_provider,
    set_claims, sign_in, sign_out, tamper, user_payload,
)
from tests.roles import ACTION_ROLES, DATA_PAGES, OFFICE_PAGES, PAGE_ROLES, ROLES, TITLES
from tests.snapshot_setup import CANARY_STRINGS, hostile_register

# Authlib (imported by the provider and st.login) warns of its own deprecations: not ours to fix.
pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

PEOPLE = {role: f"{role}@office.example" for role in ROLES}
NOBODY = "nobody@elsewhere.example"
PAGES = DATA_PAGES + OFFICE_PAGES
HELD_BACK_TEXT = "Canary provider Zq8Xw"  # a draft canary's provider: shown only to those who may see it
CANARY_BYTES = [s.encode() for s in CANARY_STRINGS]


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    """The bundled register with held-back and part-redacted canaries (tests/snapshot_setup.py) and an
    access list naming one person of each role."""
    data = hostile_register(tmp_path_factory.mktemp("roles") / "data")
    (data.root / "access.csv").write_text("who,role\n" + "".join(f"{e},{r}\n" for r, e in PEOPLE.items()))
    return data


@pytest.fixture(scope="module")
def office(register, tmp_path_factory):
    """The office's dashboard, its provider and a Chromium: yields (base URL, issuer, run)."""
    folder = tmp_path_factory.mktemp("office")
    with oidc_provider() as issuer:
        port = free_port()
        secrets = auth_secrets(folder, issuer, f"http://127.0.0.1:{port}")
        from tests.oidc import streamlit_app

        env = {"PCCSPEND_MODE": "office"}
        with streamlit_app(PROJECT_ROOT / "pccspend" / "server.py", port, register, env, secrets,
                           folder / "streamlit.log") as base, \
                chromium_thread() as run:
            yield base, issuer, run


def settled(page) -> str:
    """Wait for the run to end and its title to be drawn; the page's first heading."""
    page.wait_for_selector(SCRIPT_DONE, timeout=60_000)
    heading = page.locator("h1").first
    heading.wait_for(timeout=30_000)
    page.wait_for_timeout(300)  # the run's last deltas paint
    page.wait_for_selector(SCRIPT_DONE, timeout=60_000)
    return heading.inner_text()


def listening(page) -> list[bytes]:
    """Every websocket frame the page receives from now on, as bytes."""
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda payload: frames.append(payload if isinstance(payload, bytes) else payload.encode())))
    return frames


def nav_titles(page) -> list[str]:
    return [t.split("\n")[-1] for t in page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()]


def leaked(frames: list[bytes]) -> list[str]:
    every = b"".join(frames)
    return [s.decode() for s in CANARY_BYTES if s in every]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_its_pages_and_reaches_no_other_by_url(office, role):
    base, _, run = office

    def check(browser):
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
        page = context.new_page()
        frames = listening(page)
        sign_in(page, base, PEOPLE[role])
        assert settled(page) == "What the commissioners spent on commissioned services and grants"
        assert page.get_by_text(f"Signed in as {PEOPLE[role]} ({role})").is_visible()
        assert nav_titles(page) == [TITLES[p] for p in PAGES if role in PAGE_ROLES[p]]
        reached = {}
        for name in PAGES:
            page.goto(f"{base}/{name}")
            reached[name] = settled(page) != "Not available"
            assert page.locator('[data-testid="stException"]').count() == 0, name
        assert reached == {p: role in PAGE_ROLES[p] for p in PAGES}

        # A link asking for held-back rows, and the award table's downloads.
        page.goto(f"{base}/awards?unpublished=1")
        settled(page)
        may_see = role in ACTION_ROLES["see held-back rows (the toggle, ?unpublished=1, redacted fields)"]
        notice = page.get_by_text("Ignored 'unpublished' in the link: this view shows published awards only.")
        assert notice.is_visible() == (not may_see)
        assert page.get_by_text("Show unpublished rows").count() == (1 if may_see else 0)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download CSV").click()
        internal = role in ACTION_ROLES["internal downloads"]
        assert download.value.suggested_filename == ("awards-INTERNAL.csv" if internal else "awards.csv")
        content = open(download.value.path(), "rb").read()
        assert (HELD_BACK_TEXT.encode() in content) == internal
        page.wait_for_timeout(500)
        if may_see:  # the positive control: the search below finds what it looks for
            assert "Zq8Xw" in leaked(frames)
        else:
            assert leaked(frames) == [], "held-back text reached a viewer's browser"
        context.close()

    run(check)


def test_a_signed_in_person_without_a_role_sees_no_figure(office):
    base, _, run = office

    def check(browser):
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        frames = listening(page)
        sign_in(page, base, NOBODY)
        for path in ("", "awards?unpublished=1", "import_data", "access"):
            page.goto(f"{base}/{path}")
            assert settled(page) == "No access"
            assert page.get_by_text(f"You are signed in as {NOBODY}").is_visible()
            assert page.locator('[data-testid="stMetricValue"]').count() == 0
            assert nav_titles(page) == []
        assert b"\xc2\xa3" not in b"".join(frames)  # not one amount in pounds reached the browser
        context.close()

    run(check)


def test_sign_out_and_cookies_that_are_tampered_with_expired_or_stale(office):
    base, issuer, run = office

    def check(browser):
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        sign_in(page, base, PEOPLE["admin"])
        assert settled(page) == "What the commissioners spent on commissioned services and grants"
        sign_out(page, base)
        page.reload()
        assert settled(page) == "Sign in"
        context.close()

        now = int(time.time())
        fresh = forge_cookie(COOKIE_SECRET, user_payload(base, PEOPLE["viewer"], iat=now, exp=now + 3600))
        cases = {
            # signed with the app's secret just now: accepted (so the refusals below mean something)
            "fresh": (fresh, "Not available"),  # the viewer, on the admin's page
            # the viewer's cookie edited to be the admin's, its signature kept
            "tampered": (tamper(fresh, {"email": PEOPLE["admin"], "sub": PEOPLE["admin"]}), "Sign in"),
            # signed 40 days ago: past the cookie's life
            "expired": (forge_cookie(COOKIE_SECRET, user_payload(base, PEOPLE["admin"], iat=now), age_seconds=40 * 86400),
                        "Sign in"),
            # signed with another secret
            "foreign": (forge_cookie("another secret", user_payload(base, PEOPLE["admin"], iat=now)), "Sign in"),
            # a sign-in issued two days ago, in a fresh cookie: older than a working day
            "stale": (forge_cookie(COOKIE_SECRET, user_payload(base, PEOPLE["admin"], iat=now - 2 * 86400)),
                      "Your sign-in has expired"),
            # the provider says the address is not verified
            "unverified": (forge_cookie(COOKIE_SECRET, user_payload(base, PEOPLE["admin"], iat=now,
                                                                     email_verified=False)), "No access"),
        }
        seen = {}
        for name, (value, _) in cases.items():
            context = browser.new_context(viewport={"width": 1440, "height": 1000})
            add_user_cookie(context, base, value)
            page = context.new_page()
            page.goto(f"{base}/access")
            seen[name] = settled(page)
            if seen[name] != "Not available":
                assert page.locator('[data-testid="stMetricValue"]').count() == 0, name
            context.close()
        assert seen == {name: expected for name, (_, expected) in cases.items()}

        set_claims(issuer, "unverified@office.example", {"email": PEOPLE["editor"], "email_verified": False})
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        sign_in(page, base, "unverified@office.example")
        assert settled(page) == "No access"
        context.close()

    run(check)


# -- public mode ------------------------------------------------------------------------------------

ASKING = ["?unpublished=1", "awards?unpublished=1&q=Canary", "awards?q=Canary%20provider&unpublished=1", "providers?unpublished=1",
          "data_quality?unpublished=1", "sources?unpublished=1", "sources?doc=CANARY-SRC-1&unpublished=1"]


def test_public_mode_sends_no_held_back_byte_for_any_page_or_link(register, tmp_path):
    with streamlit_server(register, tmp_path / "streamlit.log", {"PCCSPEND_MODE": "public"}) as base, \
            chromium_thread() as run:
        def check(browser):
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            frames = listening(page)
            page.goto(base)
            settled(page)
            assert nav_titles(page) == [TITLES[p] for p in DATA_PAGES]
            assert page.get_by_text("Public view: published awards only.").is_visible()
            assert page.locator('[data-testid="stAppDeployButton"]').count() == 0
            for name in PAGES:
                page.goto(f"{base}/{name}")
                heading = settled(page)
                assert (heading == "Not available") == (name in OFFICE_PAGES), name
                assert page.locator('[data-testid="stException"]').count() == 0, name
            for link in ASKING:
                page.goto(f"{base}/{link}")
                settled(page)
                assert page.get_by_text("Ignored 'unpublished' in the link").is_visible(), link
                assert page.get_by_text("Show unpublished rows").count() == 0
            # Part-redacted: the award counts, its withheld fields are not sent.
            page.goto(f"{base}/awards?q=Refuge")
            settled(page)
            page.wait_for_timeout(500)
            assert leaked(frames) == []
            assert b"RDX-REFUGE-1" in b"".join(frames)  # the redacted award itself is public
        run(check)


# -- local mode -------------------------------------------------------------------------------------

def _listening(port: int) -> set[str]:
    """The addresses a socket listens on at `port` (from /proc/net/tcp and tcp6)."""
    import ipaddress

    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                raw = bytes.fromhex(address)
                # /proc stores each 32-bit word in host (little-endian) order
                raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
                found.add(str(ipaddress.ip_address(raw)))
    return found


def _other_address() -> str | None:
    """This machine's address on its default route (no packet is sent), if it has one."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_local_mode_listens_on_loopback_only_says_so_and_opens_deep_links_without_a_404(register, tmp_path):
    import socket

    with streamlit_server(register, tmp_path / "streamlit.log") as base, chromium_thread() as run:  # as `make run`
        port = int(base.rsplit(":", 1)[1])
        assert _listening(port) == {"127.0.0.1"}
        if other := _other_address():
            with pytest.raises(OSError):
                socket.create_connection((other, port), timeout=3).close()

        def check(browser):
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            failed = []
            page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            for name in PAGES:
                page.goto(f"{base}/{name}?area=Cambridgeshire")
                assert settled(page) != "Not available", name  # one person, every role
            page.goto(f"{base}/awards/deeper/still?area=Cambridgeshire")
            assert settled(page) == "Award explorer"
            assert page.url == f"{base}/awards?area=Cambridgeshire"
            assert page.get_by_text("local: no sign-in").is_visible()
            assert page.locator('[data-testid="stAppDeployButton"]').count() == 0
            assert failed == []
        run(check)
