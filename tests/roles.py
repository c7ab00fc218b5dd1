"""What each role may reach, written out by hand (not derived from pccspend/access.py, so a wrong
entry there fails a test): the README's role matrix must say the same (tests/test_access.py), and
each cell is checked where it is enforced, in the browser (tests/test_roles_browser.py) or in the
function that writes or reveals (tests/test_access.py)."""

from __future__ import annotations

import re
from pathlib import Path

ROLES = ("viewer", "analyst", "editor", "publisher", "admin")
DATA_PAGES = ("overview", "themes", "funding_streams", "years", "providers", "compare_areas", "awards",
              "data_quality", "sources", "coverage")
OFFICE_PAGES = ("import_data", "review", "publish", "duties", "activity", "access")
TITLES = {"overview": "Overview", "themes": "Themes", "funding_streams": "Funding streams", "years": "Years",
          "providers": "Providers", "compare_areas": "Compare areas", "awards": "Awards",
          "data_quality": "Data quality", "coverage": "Coverage", "sources": "Source documents", "import_data": "Import awards",
          "review": "Review and publish", "publish": "Publish a snapshot", "duties": "Transparency duties",
          "activity": "Activity", "access": "Access"}

# page -> the roles that may open it
PAGE_ROLES = {
    **{page: set(ROLES) for page in DATA_PAGES},
    "duties": {"analyst", "editor", "publisher", "admin"},
    "import_data": {"editor", "publisher", "admin"},
    "review": {"publisher", "admin"},
    "publish": {"publisher", "admin"},
    "activity": {"publisher", "admin"},
    "access": {"admin"},
}
# action -> the roles that may do it (in the dashboard and in the function behind it)
ACTION_ROLES = {
    "see held-back rows (the toggle, ?unpublished=1, redacted fields)": {"analyst", "editor", "publisher", "admin"},
    "internal downloads": {"analyst", "editor", "publisher", "admin"},
    "import": {"editor", "publisher", "admin"},
    "publication decisions": {"publisher", "admin"},
    "snapshot": {"publisher", "admin"},
    "read the audit trail": {"publisher", "admin"},
    "change the access list": {"admin"},
}


def readme_matrix(readme: Path) -> dict[str, set[str]]:
    """The README's role matrix: each row's first cell (a page title or an action) -> the roles
    ticked. Rows look like `| Overview | yes | yes | ... |` under a header naming the roles."""
    text = readme.read_text(encoding="utf-8")
    start = text.index("<!-- role-matrix -->")
    end = text.index("<!-- /role-matrix -->")
    rows = [line for line in text[start:end].splitlines() if line.startswith("|")]
    header = [c.strip().lower() for c in rows[0].strip("|").split("|")]
    roles = header[1:]
    out = {}
    for line in rows[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        name = re.sub(r"[*`]", "", cells[0])
        out[name] = {role for role, cell in zip(roles, cells[1:]) if cell.lower().startswith("yes")}
    return out
