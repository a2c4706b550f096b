"""Profiles behind bench/ANALYSIS.md (pyinstrument, text), written to bench/profiles/.

    python3 bench/profile.py [startup] [search] [open]

- ``startup``: ``dutydesk --db <big db>`` in a pseudo-terminal (160×45) under pyinstrument,
  exiting after its first painted screen (``DUTYDESK_EXIT_AFTER_PAINT``) →
  ``profiles/startup.txt``.
- ``search``: the real app headless over the big database, 信访件 screen, 24 search keystrokes
  (1-, 2-, 4-character Chinese and 受理编号 fragments), each profiled from the key to the first
  frame that shows the new list → ``profiles/search-keystroke.txt``.
- ``open``: key 2 (信访件) and 1 (值班表) pressed six times each, from the key to the first
  frame of the screen → ``profiles/open-list.txt``.

Uses the cached database of ``bench/run.py`` (build it with that first). Not a test.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build  # noqa: E402
from ptyrun import run_in_pty  # noqa: E402

OUT = HERE / "profiles"
PY = sys.executable


def work_db() -> Path:
    src, _ = build.cached_db()
    dst = build.CACHE / "work" / "profile.db"
    dst.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    return dst


def startup(db: Path) -> None:
    script = Path(PY).with_name("dutydesk")
    out = OUT / "startup.txt"
    env = {k: v for k, v in os.environ.items() if k not in ("DUTYDESK_DB", "PYTHONDONTWRITEBYTECODE")}
    env.update(TERM="xterm-256color", LANG="C.UTF-8", DUTYDESK_EXIT_AFTER_PAINT="1")
    run_in_pty([PY, str(script), "--db", str(db)], env)  # warm-up: bytecode, OS cache, daily backup
    run_in_pty([PY, "-m", "pyinstrument", "-i", "0.0005", "-o", str(out), "-r", "text", str(script),
                "--db", str(db)], env)
    print(f"wrote {out}")


async def _app_profile(db: Path, what: str) -> None:
    from pyinstrument import Profiler
    from textual import events

    import tui_probe
    from dutydesk.bootstrap import open_store
    from dutydesk.ui.app import make_app
    from dutydesk.ui.widgets.paged_table import PagedTable

    tui_probe.watch_frames()
    store = open_store(db, operator="bench", daily_backup=False)
    app = make_app(store=store, strict=True, prepare=True)
    profiler = Profiler(interval=0.0005, async_mode="disabled")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause(tui_probe.PREPARED_AFTER)

        def table():
            try:
                return app.screen.query_one(PagedTable)
            except Exception:
                return None

        async def press(key: str, cond) -> None:
            def at_frame() -> bool:  # evaluated when a frame is drawn: stop there, as the figure does
                done = cond()
                if done and profiler.is_running:
                    profiler.stop()
                return done

            profiler.start()
            app._driver.send_message(events.Key(key, key))
            await tui_probe.painted(app, at_frame)
            await pilot.pause(0.2)

        if what == "open":
            for _ in range(6):
                await press("2", lambda: table() is not None and table().rows)
                await press("1", lambda: table() is None)
            name = "open-list.txt"
        else:
            await press("2", lambda: table() is not None and table().rows)
            box = app.screen.query_one("#pf-search")
            box.focus()
            for text in ("镇", "砂", "噪声", "黑臭", "夜间施工", "D2HH2026", "0005"):
                box.value = ""
                await pilot.pause(0.2)
                for ch in text:
                    pt = table()
                    old = pt.rows
                    await press(ch, lambda: pt.rows is not old)
            name = "search-keystroke.txt"
    store.close()
    out = OUT / name
    out.write_text(profiler.output_text(unicode=True), encoding="utf-8")
    print(f"wrote {out}")


def main() -> None:
    parts = sys.argv[1:] or ["startup", "search", "open"]
    OUT.mkdir(exist_ok=True)
    db = work_db()
    if "startup" in parts:
        startup(db)
    for what in ("search", "open"):
        if what in parts:
            asyncio.run(_app_profile(db, what))


if __name__ == "__main__":
    main()
