"""Exported files as browser downloads when the app runs under ``dutydesk serve``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from textual.app import App


def offer_download(app: App, paths: Iterable[str | os.PathLike]) -> None:
    """In a browser (textual-serve), also hand the files just written to it as one download:
    the file itself, or a .zip of several (browsers let an app open one download per key press).
    In a terminal, nothing: the files are in the exports folder. Call on the app's thread."""
    if not app.is_web:
        return
    files = [Path(p) for p in paths]
    if len(files) == 1:
        app.deliver_binary(files[0])
    elif files:
        import io
        import zipfile

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                archive.write(path, path.name)
        buffer.seek(0)
        app.deliver_binary(buffer, save_filename=f"{files[0].stem}.zip", mime_type="application/zip")


def show_exported(app: App, paths: Iterable[str | os.PathLike], title: str) -> None:
    """After an export: the paths written, in a notice; in a browser, the files as a download too."""
    files = list(paths)
    app.notify("\n".join(str(p) for p in files), title=title, timeout=10, markup=False)
    offer_download(app, files)
