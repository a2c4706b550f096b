"""Where the database lives by default."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_DB = "DUTYDESK_DB"


def default_db_path() -> Path:
    """``$DUTYDESK_DB``, else the platform user data dir ``dutydesk/dutydesk.db``."""
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("dutydesk", appauthor=False)) / "dutydesk.db"


def user_cache_dir() -> Path:
    """``<user cache folder>/dutydesk``: things kept only to start faster (the parsed stylesheet,
    the holiday tables). On Linux found as platformdirs finds it (``$XDG_CACHE_HOME`` or
    ``~/.cache``) without importing it: platformdirs brings tempfile and random along, ~20 ms of
    a start."""
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_CACHE_HOME", "").strip()
        root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
        return root / "dutydesk"
    import platformdirs

    return Path(platformdirs.user_cache_dir("dutydesk", appauthor=False))


def write_cache_file(path: Path, data: bytes) -> bool:
    """Replace the cache file ``path`` with ``data``: private (0600), written to a temporary name
    (``O_EXCL | O_NOFOLLOW``: never through a planted link) and renamed over it. A cache only:
    False when it could not be written, never an error."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.unlink(tmp)  # left by an earlier process of the same id
        except FileNotFoundError:
            pass
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        return True
    except OSError:
        return False
