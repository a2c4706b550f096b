"""Where the database lives by default."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DB = "DUTYDESK_DB"


def default_db_path() -> Path:
    """``$DUTYDESK_DB``, else the platform user data dir ``dutydesk/dutydesk.db``."""
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("dutydesk", appauthor=False)) / "dutydesk.db"
