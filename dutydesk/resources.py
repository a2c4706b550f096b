"""Locate files shipped with the package (styling and reference data).

In a wheel they live inside the package (``dutydesk/data``, ``dutydesk/dutydesk.tcss``);
in a source checkout or an editable install they stay at the repository's top level.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"dutydesk resource not found: {candidates[0].name}")


@cache
def data_dir() -> Path:
    return _first_existing(_PKG / "data", _PKG.parent / "data")


@cache
def tcss_path() -> Path:
    return _first_existing(_PKG / "dutydesk.tcss", _PKG.parent / "dutydesk.tcss")


def load_json(name: str):
    with open(data_dir() / name, encoding="utf-8") as fh:
        return json.load(fh)
