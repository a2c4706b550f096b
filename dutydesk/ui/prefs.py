"""What this terminal remembers between runs (the person at the desk per database, the last folder
a file was picked from): one small JSON file in the user's config folder,
``$XDG_CONFIG_HOME/dutydesk/desk.json`` (or ``~/.config/…``). A read-only home only makes the
choices last for the session."""

from __future__ import annotations

import json
import os
from pathlib import Path

FILE = "desk.json"


def prefs_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME", "").strip()
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".config"
    return root / "dutydesk" / FILE


def load() -> dict:
    try:
        data = json.loads(prefs_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def get(key: str) -> str:
    value = load().get(key, "")
    return value.strip() if isinstance(value, str) else ""


def put(key: str, value: str) -> None:
    path = prefs_path()
    data = load()
    data[key] = value
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
