"""Parsed CSS kept between runs.

The app's stylesheet parses each CSS source once per set of variables and keeps the parsed rules
in one cache shared by its reparsed copies (``ui.internals.CachedStylesheet``: Textual re-parses
every source whenever one is added, four times at start-up, ~110 ms).

``ParseCache`` also keeps them between runs (``dutydesk`` saves it in the user cache folder when
it exits): parsing the stylesheet and the widgets' CSS is ~25 ms of every start, reading the
parsed rules back ~3 ms. An entry is found only for the very same CSS text, origin and variables
under the same Textual and Python versions, so an edited stylesheet or an upgrade is parsed anew.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

import textual

from ..store.paths import user_cache_dir, write_cache_file

FILE_MAX = 4 * 1024 * 1024  # bytes; a bigger cache file is not written
FORMAT = 1


class ParseCache(dict):
    """Parsed CSS sources, loaded from and saved to one file (see the module docstring)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.dirty = False

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        self.dirty = True

    @staticmethod
    def _stamp() -> tuple:
        return FORMAT, _textual_stamp(), sys.version_info[:2]

    @classmethod
    def load(cls, path: Path) -> "ParseCache":
        try:
            with open(path, "rb") as fh:
                stamp, entries = pickle.load(fh)
            if stamp == cls._stamp() and isinstance(entries, dict):
                cache = cls(entries)
                cache.dirty = False
                return cache
        except Exception:  # missing, from another version, damaged: parse as usual
            pass
        return cls()

    def save(self, path: Path) -> None:
        """Write the cache if it holds anything new (private file, replaced whole)."""
        if not self.dirty:
            return
        try:
            blob = pickle.dumps((self._stamp(), dict(self)), protocol=pickle.HIGHEST_PROTOCOL)
            if len(blob) > FILE_MAX:
                return
            if write_cache_file(path, blob):
                self.dirty = False
        except Exception:  # a cache only: never in the way
            pass


def _textual_stamp() -> tuple:
    """Which Textual parsed the rules: its CSS parser's files (size, mtime). Not
    ``textual.__version__``, which reads the package metadata (~25 ms)."""
    folder = Path(textual.__file__).parent / "css"
    stamp = []
    for name in ("parse.py", "styles.py", "model.py", "tokenize.py"):
        st = os.stat(folder / name)
        stamp.append((name, st.st_size, st.st_mtime_ns))
    return tuple(stamp)


def cache_path() -> Path:
    """``<user cache folder>/dutydesk/css.pickle`` (:func:`dutydesk.store.paths.user_cache_dir`)."""
    return user_cache_dir() / "css.pickle"
