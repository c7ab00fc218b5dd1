"""Who is using the dashboard, in each of the three ways it runs (pccspend/access.py):

- local: the one person at this computer, with every role (the server listens on loopback only);
- office: signed in through OpenID Connect with Streamlit's `st.login`; the role from the access
  list; no role, no figures;
- public: anyone, published data only.

The frame asks `person()` at the start of every run, so a role taken away applies at the next click.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from pccspend import access
from pccspend.paths import PROJECT_ROOT, data_dir
from pccspend.problems import ValidationFailed
from pccspend.ui.data import PERSON, current_person, old_build
from pccspend.ui.nav import PAGES, PageSpec
from pccspend.ui.text import md

_RULES: dict[tuple, list[access.Rule]] = {}


def _rules() -> list[access.Rule]:
    """The access list, read again whenever the file changes."""
    path = access.access_path(data_dir())
    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        return []
    if key not in _RULES:
        _RULES.clear()
        _RULES[key] = access.read_rules(data_dir())
    return _RULES[key]


def _auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def _stop_with(title: str, text: str, *, sign_out: bool = False, sign_in: bool = False) -> None:
    """A page of its own instead of the dashboard: no navigation, no figures."""
    st.navigation([st.Page(lambda: None, title=title, url_path="signin")], position="hidden")
    st.title(title)
    st.markdown(text)
    if sign_in:
        st.button("Sign in", type="primary", on_click=st.login, key="sign-in", icon=":material/login:")
    if sign_out:
        st.button("Sign out", on_click=st.logout, key="sign-out", icon=":material/logout:")
    st.stop()


def _signed_in_at(user) -> dt.datetime | None:
    """When the provider issued the sign-in (the ID token's iat claim)."""
    try:
        return dt.datetime.fromtimestamp(float(user.get("iat")), dt.timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _office_person() -> access.Person:
    if not _auth_configured():
        _stop_with("Sign-in is not set up",
                   "This dashboard runs in office mode (`PCCSPEND_MODE=office`), which needs an identity provider: "
                   "copy `.streamlit/secrets.example.toml` to `.streamlit/secrets.toml` and fill in its `[auth]` "
                   "section (see the README, *Deploying for an office*). Nothing is shown until then.")
    user = st.user
    if not user.is_logged_in:
        _stop_with("Sign in", "This is the office's dashboard of commissioned services and grants. Sign in with "
                   "your work account to see it.", sign_in=True)
    email = str(user.get("email") or "").strip().lower()
    issued = _signed_in_at(user)
    now = dt.datetime.now(dt.timezone.utc)
    if issued is None or now - issued > dt.timedelta(hours=access.session_hours()) or issued > now + dt.timedelta(minutes=5):
        _stop_with("Your sign-in has expired",
                   f"Sign-ins last {access.session_hours():g} hours. Sign out, then sign in again.", sign_out=True)
    if user.get("email_verified") is False:
        _stop_with("No access", md(f"Your provider has not verified the address {email}: ask your IT team."),
                   sign_out=True)
    try:
        role = access.role_for(email, _rules())
    except ValidationFailed:  # its problems name people: not for whoever signs in
        _stop_with("No access", "The office's access list is broken, so nobody is let in until an admin corrects "
                   "it (`python -m pccspend access list` shows where).", sign_out=True)
    if role is None:
        _stop_with("No access", md(f"You are signed in as {email}, but this office has not given that address "
                                   "access to the dashboard. Ask an admin to add you to the access list.")
                   + "\n\nNo figures are shown.", sign_out=True)
    return access.Person(email, role, "signed in")


def person() -> access.Person:
    """Who is using this session; stops the run with a sign-in or 'no access' page when nobody may."""
    try:
        how = access.mode()
    except ValueError as exc:
        _stop_with("Not started", md(str(exc)))
    if how == access.PUBLIC:
        return access.PUBLIC_PERSON
    if how == access.LOCAL:
        return access.local_person()
    return _office_person()


def banner(who: access.Person) -> None:
    """A line at the top of the sidebar: who this is, and how they came."""
    how = access.mode()
    with st.sidebar:
        if how == access.LOCAL:
            st.caption(":material/computer: **local: no sign-in**. Only this computer can open it; every role.",
                       help="Run in office mode with sign-in to share it (README, Deploying for an office).")
        elif how == access.PUBLIC:
            st.caption(":material/public: Public view: published awards only.")
        else:
            with st.container(horizontal=True, vertical_alignment="center"):
                st.caption(md(f"Signed in as **{who.name}** ({who.role})"), width="stretch")
                st.button("Sign out", on_click=st.logout, key="sign-out", type="tertiary", icon=":material/logout:")


def refuse(spec_title: str, needs: str, who: access.Person) -> None:
    """The page someone's role does not reach, in place of it (nothing of the page is run)."""
    if access.mode() == access.PUBLIC:
        text = "The public view has published awards only: this page belongs to the office's dashboard."
    else:
        text = (f"**{spec_title}** needs the {access.PERMITS[needs]} role; you are "
                f"{md(who.name)} ({who.role}). Ask an admin if you need it.")
    st.title("Not available")
    st.info(text, icon=":material/lock:")
    st.stop()



def identify() -> access.Person:
    """Who this run is for (stopping at a sign-in or 'no access' page), kept for the run."""
    who = person()
    st.session_state[PERSON] = who
    return who


def navigation(who: access.Person) -> tuple[dict[str, list], dict[str, PageSpec]]:
    """The pages for st.navigation, by section (those beyond `who`'s role hidden: opening one by
    its URL shows why it is refused, not a 404), and each page's spec by its URL path. The public
    view lists no office page."""
    public = access.mode() == access.PUBLIC
    sections: dict[str, list] = {}
    specs: dict[str, PageSpec] = {}
    for spec in PAGES:
        shown = who.can(spec.needs) and not (public and spec.office)
        page = st.Page(str(PROJECT_ROOT / "pages" / f"{spec.name}.py"), title=spec.title, icon=spec.icon,
                       default=spec.default, visibility="visible" if shown else "hidden")
        sections.setdefault(spec.section, []).append(page)
        specs[page.url_path] = spec
    return sections, specs


def no_build(spec: PageSpec) -> None:
    """Without a build only the import page can run: any other says how to get data, and stops."""
    if spec.name == "import_data":
        return
    problem = old_build()
    if problem:
        # The register is intact; only the build (derived from it) is of an older shape.
        st.title("The awards need building again")
        text = f"This data folder's build was made by an older version of this dashboard ({md(problem)}). "
        text += ("Run `python -m pccspend build` (or `make run`), or import on **Import awards**, which builds."
                 if current_person().can("import") else "Ask the office to build its awards again.")
        st.warning(text, icon=":material/build:")
        st.stop()
    st.title("No awards yet")
    text = "This data folder has no build yet. "
    text += ("Import a year of awards on **Import awards** (Office), or run `python -m pccspend build`."
             if current_person().can("import") else "Ask the office to import or build its awards.")
    st.info(text, icon=":material/inbox:")
    st.stop()
