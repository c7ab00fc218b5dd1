"""Who is acting: the name recorded with a decision or an import."""

from __future__ import annotations

import getpass
import os


def os_user() -> str:
    """The operating-system user running a command (what the command line records)."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        name = str(os.getuid())
    return f"{name} (command line)"
