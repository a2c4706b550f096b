"""One TUI measurement run in its own process (so its peak memory is its own). Prints JSON.

``python bench/tui_probe.py paged DB``
    The real app (``make_app``) headless at 160×45 over the big database, started on its
    default screen (值班表), started as ``dutydesk`` starts it (the list screens are prepared in
    the background after the first paint). Then: 1.5 s after the start key 2 opens the 信访件
    screen (first time), 1 and 2 again, search keystrokes, pages; peak memory (VmHWM) at the end.

``python bench/tui_probe.py overview DB``
    The real app as ``dutydesk`` starts it, headless at 120×35 (the size the 态势 screen is made
    for); 3.5 s after the start (the app has prepared its screens) key 5 opens the 态势 screen the
    first time; then 1 and 5 again (shown again: a commit in between makes it count
    again, nothing in between does not), and ``[`` moves a day back (the figures as of that day).

``python bench/tui_probe.py overview-unprepared DB``
    The same app without preparing its screens: key 5 builds the 态势 screen and counts its
    figures there and then (the first key 5 when pressed before the app has prepared it).

``python bench/tui_probe.py settings-unprepared DB``
    The reference for that: key 0 builds the 设置 screen (a form, nothing counted) in the same
    app: what building any screen on a key costs here.

``python bench/tui_probe.py datatable DB``
    Textual's own DataTable (same columns, same cell rendering ``plain()``) filled with all
    100,000 petitions as the list rows, as a list without paging would be; peak memory (VmHWM) at the end.

Times are wall-clock from the key event (sent as the terminal driver sends it) or the call,
until the table holds the new rows and the screen has been refreshed after that
(``call_after_refresh``). Pilot's own waits are not used for timing: they sleep in 20 ms steps
until the process looks idle, which would add up to a second to every figure.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

QUERIES = [  # (label, text): 1-, 2-, 4-character Chinese and 受理编号 fragments
    ("1字 常见（镇）", "镇"),
    ("1字 较少（砂）", "砂"),
    ("2字（噪声）", "噪声"),
    ("2字（黑臭）", "黑臭"),
    ("4字（夜间施工）", "夜间施工"),
    ("4字（非法采砂）", "非法采砂"),
    ("编号前段（D2HH2026）", "D2HH2026"),
    ("编号尾号（0005）", "0005"),
]


PREPARED_AFTER = 1.5  # seconds after the start before key 2 is pressed the first time


def log(*a) -> None:
    print(f"[{time.perf_counter():.2f}]", *a, file=sys.stderr, flush=True)


def rss_mb() -> float:
    from memory import peak_mb

    return peak_mb()


async def until(pilot, cond, timeout: float = 30.0) -> None:
    end = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > end:
            raise TimeoutError("condition not reached")
        await pilot.pause()


WAITERS: list = []  # (cond, future): resolved by the first frame drawn while cond() holds


def watch_frames() -> None:
    """Note the end of every screen render (the moment a terminal would receive the frame:
    ``App._display`` writes it right there; headless, it is only not written)."""
    from textual.screen import Screen

    if getattr(Screen._compositor_refresh, "_bench_watch", False):
        return
    original = Screen._compositor_refresh

    def refresh(self) -> None:
        original(self)
        now = time.perf_counter()
        for cond, fut in list(WAITERS):
            if not fut.done() and self is self.app.screen and cond():
                fut.set_result(now)

    refresh._bench_watch = True
    Screen._compositor_refresh = refresh


async def painted(app, cond, timeout: float = 600.0) -> float:
    """The moment of the first frame drawn while ``cond()`` holds (the list holds the new rows,
    the new screen is shown). Work a screen defers until after that frame (the total count,
    the detail pane) is not included: the officer already sees the list."""
    fut = asyncio.get_running_loop().create_future()
    waiter = (cond, fut)
    WAITERS.append(waiter)
    try:
        return await asyncio.wait_for(fut, timeout)
    finally:
        WAITERS.remove(waiter)


async def key(app, name: str, cond) -> float:
    """A key as the terminal sends it → ``cond()`` holds and the screen is repainted (ms)."""
    from textual import events

    t0 = time.perf_counter()
    app._driver.send_message(events.Key(name, None))
    return (await painted(app, cond) - t0) * 1000


async def paged(db: str) -> dict:
    from textual import events
    from textual.widgets import Input

    from dutydesk.bootstrap import open_store
    from dutydesk.ui.app import make_app
    from dutydesk.ui.widgets.paged_table import PagedTable

    out: dict = {}
    watch_frames()
    store = open_store(db, operator="bench", daily_backup=False)
    app = make_app(store=store, strict=True, prepare=True)  # as `dutydesk` starts it
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        # an officer reads the first screen before pressing 2; meanwhile the app prepares the list
        # screens (DutyDeskApp.prepare, as `dutydesk` starts)
        await pilot.pause(PREPARED_AFTER)

        def table() -> PagedTable | None:
            try:
                return app.screen.query_one(PagedTable)
            except Exception:
                return None

        out["open_cold_ms"] = await key(app, "2", lambda: table() is not None and table().rows)
        log("open cold", out["open_cold_ms"])
        await pilot.pause(0.5)
        screen = app.screen
        out["screen"] = f"{type(screen).__module__}.{type(screen).__name__}"
        pt = table()
        out["total"], out["page_rows"] = pt.total, len(pt.rows)

        warm = []
        for _ in range(3):
            await key(app, "1", lambda: table() is None)
            await pilot.pause(0.3)
            old = table
            warm.append(await key(app, "2", lambda: table() is not None and table().rows))
            await pilot.pause(0.3)
        out["open_warm_ms"] = warm
        log("warm", warm)

        # the unfiltered list's first page: SQL page + fill + paint (compared with a whole DataTable)
        first = []
        for _ in range(5):
            old = pt.rows
            t0 = time.perf_counter()
            pt.first_page()
            first.append((await painted(app, lambda: pt.rows is not old) - t0) * 1000)
            await pilot.pause(0.2)
        out["first_page_ms"] = first

        box = screen.query_one("#pf-search", Input) if screen.query("#pf-search") else screen.query(Input).first()

        async def clear() -> None:
            box.focus()
            if box.value:
                old = pt.rows
                box.value = ""
                await painted(app, lambda: pt.rows is not old)
            await pilot.pause(0.2)

        async def type_char(ch: str) -> float:
            """One keystroke in the search box, as the terminal sends it (an IME sends the
            committed character), until the list shows the new matches and is repainted."""
            old = pt.rows
            t0 = time.perf_counter()
            app._driver.send_message(events.Key(ch, ch))
            return (await painted(app, lambda: pt.rows is not old) - t0) * 1000

        searches: dict = {}
        for label, text in QUERIES:
            runs, last = [], []
            for _ in range(5):
                await clear()
                for ch in text:
                    runs.append(await type_char(ch))
                    await pilot.pause(0.15)
                last.append(runs[-1])
            searches[label] = {"text": text, "ms": runs, "last_ms": last, "total": pt.total}
            log(label, pt.total, [round(r) for r in runs])
        out["search_ms"] = searches

        await clear()
        pt.table.focus()
        await pilot.pause(0.3)
        paging = []
        for name in ("pagedown", "ctrl+down"):
            runs = []
            for _ in range(4):
                old = pt.rows
                try:
                    runs.append(await asyncio.wait_for(key(app, name, lambda: pt.rows is not old), 3))
                except (asyncio.TimeoutError, TimeoutError):
                    runs.append(None)
                await pilot.pause(0.2)
            paging.append({"key": name, "ms": runs, "page": pt.page + 1})
        out["paging_ms"] = paging
        log("paging", paging)
    store.close()
    out["ru_maxrss_mb"] = rss_mb()
    return out


async def datatable(db: str) -> dict:
    """Textual's DataTable holding every row: what the list would cost without paging."""
    from textual.app import App
    from textual.widgets import DataTable

    from dutydesk import dates
    from dutydesk.petitions import search
    from dutydesk.bootstrap import open_store
    from dutydesk.ui.screens.petitions.screen import COLUMNS
    from dutydesk.ui.widgets.cells import plain

    watch_frames()
    store = open_store(db, operator="bench", daily_backup=False)
    out: dict = {}

    class Whole(App):
        def compose(self):
            yield DataTable(cursor_type="row", zebra_stripes=True)

        def on_mount(self):
            t = self.query_one(DataTable)
            for col in COLUMNS:
                t.add_column(col.label, key=col.key, width=col.width)

    app = Whole()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        table = app.query_one(DataTable)
        await pilot.pause(0.3)
        t0 = time.perf_counter()
        today = dates.today()
        rows = store.query(f"SELECT {search.LIST_COLUMNS} FROM petitions p JOIN batches b ON b.id = p.batch_id "
                           "WHERE p.deleted_at IS NULL ORDER BY p.id DESC")
        for r in rows:
            search.decorate(r, today)
            r["summary"] = r["content"]
            r["batch"] = f"第{r['batch_no']}批"
            r["unit_short"], r["units"], r["due"] = r["unit"], r["lead_unit"], r["due_date"] or ""
        t1 = time.perf_counter()
        table.add_rows([[plain(r.get(c.key), r["_style"]) for c in COLUMNS] for r in rows])
        # the first frame drawn once DataTable has measured the rows (it does that when idle)
        t2 = await painted(app, lambda: not table._require_update_dimensions and table.row_count == len(rows))
        out.update(rows=table.row_count, query_ms=(t1 - t0) * 1000, fill_paint_ms=(t2 - t1) * 1000,
                   open_ms=(t2 - t0) * 1000)
        # a search would have to refill it: clear + add the matching rows
        t0 = time.perf_counter()
        hits = [r for r in rows if "噪声" in r["content"]]
        table.clear()
        table.add_rows([[plain(r.get(c.key), r["_style"]) for c in COLUMNS] for r in hits])
        out["refill_search_ms"] = (await painted(app, lambda: not table._require_update_dimensions
                                                and table.row_count == len(hits)) - t0) * 1000
        out["refill_rows"] = len(hits)
    store.close()
    out["ru_maxrss_mb"] = rss_mb()
    return out


OVERVIEW_AFTER = 3.5  # seconds after the start before key 5: the app has prepared its screens


async def settings_unprepared(db: str) -> dict:
    """Key 0 → the 设置 screen built and painted, in the app started without preparing screens."""
    from dutydesk.bootstrap import open_store
    from dutydesk.ui.app import make_app

    watch_frames()
    store = open_store(db, operator="bench", daily_backup=False)
    app = make_app(store=store, strict=True, prepare=False)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.pause(PREPARED_AFTER)
        ms = await key(app, "0", lambda: type(app.screen).__name__ == "SettingsScreen")
    store.close()
    return {"open_cold_ms": ms, "ru_maxrss_mb": rss_mb()}


async def overview(db: str, prepare: bool = True) -> dict:
    """Key 5 → the 态势 screen painted with its figures (see the module docstring)."""
    from dutydesk.bootstrap import open_store
    from dutydesk.ui.app import make_app

    out: dict = {}
    watch_frames()
    store = open_store(db, operator="bench", daily_backup=False)
    app = make_app(store=store, strict=True, prepare=prepare)  # as `dutydesk` starts it (or not preparing)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.pause(OVERVIEW_AFTER if prepare else PREPARED_AFTER)
        out["prepared"] = "overview" in app._screen_stacks

        def shown(after: float = 0.0):
            def cond() -> bool:
                screen = app.screen
                return (type(screen).__name__ == "OverviewScreen" and screen.data is not None
                        and screen.query_one("#ov-table").row_count > 0 and getattr(screen, "_loaded_at", 0) >= after)
            return cond

        from dutydesk.ui.screens.overview import screen as ov

        original = ov.OverviewScreen.refresh_data

        def refresh_data(self) -> None:  # note when the figures were last counted
            original(self)
            self._loaded_at = time.perf_counter()

        ov.OverviewScreen.refresh_data = refresh_data
        out["open_cold_ms"] = await key(app, "5", shown())
        log("overview cold", out["open_cold_ms"], "prepared" if out["prepared"] else "built on the key")
        if not prepare:
            store.close()
            out["ru_maxrss_mb"] = rss_mb()
            return out
        await pilot.pause(0.5)
        warm, changed, days = [], [], []
        for _ in range(3):
            await key(app, "1", lambda: type(app.screen).__name__ != "OverviewScreen")
            await pilot.pause(0.3)
            warm.append(await key(app, "5", shown()))
            await pilot.pause(0.3)
        for _ in range(3):
            await key(app, "1", lambda: type(app.screen).__name__ != "OverviewScreen")
            with store.write():  # a commit (as another terminal's): showing it again counts again
                store.execute("UPDATE settings SET value = value WHERE key = 'org'")
            await pilot.pause(0.3)
            t0 = time.perf_counter()
            changed.append(await key(app, "5", shown(t0)))
            await pilot.pause(0.3)
        for _ in range(3):
            t0 = time.perf_counter()
            days.append(await key(app, "left_square_bracket", shown(t0)))
            await pilot.pause(0.3)
        out.update(open_warm_ms=warm, open_changed_ms=changed, prev_day_ms=days)
        log("overview warm", warm, "changed", changed, "day", days)
    store.close()
    out["ru_maxrss_mb"] = rss_mb()
    return out


if __name__ == "__main__":
    mode, db = sys.argv[1], sys.argv[2]
    result = asyncio.run({"paged": paged, "overview": overview, "datatable": datatable,
                          "overview-unprepared": lambda db: overview(db, prepare=False),
                          "settings-unprepared": settings_unprepared}[mode](db))
    print(json.dumps(result, ensure_ascii=False))
