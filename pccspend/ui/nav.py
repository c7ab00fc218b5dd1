"""Every page of the dashboard, once: its section, file, title, icon and the action it needs
(pccspend/access.py PERMITS). The router builds the navigation from this table, and the frame
refuses a page to anyone whose role lacks its action, however the page was reached."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class PageSpec:
    section: str
    name: str  # the file in pages/ (without .py) and the URL path
    title: str
    icon: str
    needs: str = "view"
    default: bool = False

    @property
    def office(self) -> bool:
        """An office page: not in the public view at all."""
        return self.section == "Office"


PAGES = (
    PageSpec("Spend", "overview", "Overview", ":material/dashboard:", default=True),
    PageSpec("Spend", "themes", "Themes", ":material/account_tree:"),
    PageSpec("Spend", "funding_streams", "Funding streams", ":material/savings:"),
    PageSpec("Spend", "years", "Years", ":material/calendar_month:"),
    PageSpec("Spend", "providers", "Providers", ":material/apartment:"),
    PageSpec("Spend", "compare_areas", "Compare areas", ":material/compare_arrows:"),
    PageSpec("Records", "awards", "Awards", ":material/table_rows:"),
    PageSpec("Records", "data_quality", "Data quality", ":material/fact_check:"),
    PageSpec("Records", "sources", "Source documents", ":material/description:"),
    PageSpec("Records", "coverage", "Coverage", ":material/grid_on:"),
    PageSpec("Office", "import_data", "Import awards", ":material/upload_file:", needs="import"),
    PageSpec("Office", "review", "Review and publish", ":material/rule:", needs="decide"),
    PageSpec("Office", "publish", "Publish a snapshot", ":material/publish:", needs="snapshot"),
    PageSpec("Office", "duties", "Transparency duties", ":material/gavel:", needs="held_back"),
    PageSpec("Office", "activity", "Activity", ":material/history:", needs="activity"),
    PageSpec("Office", "access", "Access", ":material/admin_panel_settings:", needs="access"),
)
BY_NAME = {spec.name: spec for spec in PAGES}


def spec_of(script: str) -> PageSpec | None:
    """The page a script file (pages/<name>.py) is."""
    return BY_NAME.get(PurePath(script).stem)
