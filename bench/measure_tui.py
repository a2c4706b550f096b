"""The front end's figures: start-up in a pseudo-terminal, the petition screen (open, search
keystrokes, page turns, memory) in probes of their own, the SQL of a keystroke alone."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from common import HERE, NOTES, PY, STATE, WORK, arg, figure, med, say, target
from ptyrun import run_in_pty

RUNS = arg("--runs", 15)
START_RATIO = 1.3  # dutydesk's start-up ≤ 1.3× a bare Textual app's, at every size


# -- start-up -------------------------------------------------------------------------------------
BARE = '''from textual.app import App
from textual.widgets import Label


class Bare(App):
    def compose(self):
        yield Label("bench: a bare Textual app with one Label")

    def on_mount(self):
        self.call_after_refresh(self.exit)


Bare().run()
'''


# What the finished first screen shows: the bare app's label; dutydesk's header with who is on duty
# today (read from the database), the duty log's title line and its table's header.
MARKERS = {"bare": ("bench: a bare Textual app with one Label",), "app": ("今日值班：", "值班日志 ·", "记录人")}


def startup(db: Path) -> None:
    say("start-up to the first painted screen (pty, 160×45, spawn → the screen's texts reached the terminal)")
    bare = WORK / "bare_app.py"
    bare.write_text(BARE)
    script = Path(PY).with_name("dutydesk")
    app_cmd = [str(script)] if script.exists() else [PY, "-c", "from dutydesk.cli import main; main()"]
    app_cmd += ["--db", str(db)]
    # As installed: pip compiles a wheel's modules to bytecode at install time, so an office start
    # never compiles source. A shell with PYTHONDONTWRITEBYTECODE set (as on the bench machine) would
    # otherwise recompile every dutydesk module on each start; compile them once here instead.
    env = {k: v for k, v in os.environ.items() if k not in ("DUTYDESK_DB", "PYTHONDONTWRITEBYTECODE")}
    env.update(TERM="xterm-256color", LANG="C.UTF-8", DUTYDESK_EXIT_AFTER_PAINT="1")
    import compileall
    import dutydesk

    compileall.compile_dir(str(Path(dutydesk.__file__).parent), quiet=1)
    # warm-up (not counted): OS file cache, .pyc files, and the once-a-day automatic backup
    for cmd in ([PY, str(bare)], app_cmd):
        run_in_pty(cmd, env)
    res = {"bare": [], "app": [], "bare_exit": [], "app_exit": []}
    for _ in range(RUNS):
        for kind, cmd in (("bare", [PY, str(bare)]), ("app", app_cmd)):
            total, painted, rc, out = run_in_pty(cmd, env, markers=MARKERS[kind])
            if rc != 0:
                raise SystemExit(f"bench: {kind} exited with {rc}:\n{out[-2000:]}")
            if painted is None:
                raise SystemExit(f"bench: the {kind} app's first screen was not painted ({MARKERS[kind]} not all "
                                 f"in the output):\n{out[-2000:]}")
            res[kind].append(painted * 1000)
            res[f"{kind}_exit"].append(total * 1000)
    bare_m, app_m = med(res["bare"]), med(res["app"])
    figure("start-up: bare Textual app (one Label)", res["bare"], None)
    figure("start-up: dutydesk over the database", res["app"], 1500,
           note=f"command: `dutydesk --db <big db>`; spawn → exit: median {med(res['app_exit']):.0f} ms")
    figure("start-up: ratio dutydesk / bare app", [a / b for a, b in zip(res["app"], res["bare"])], START_RATIO, "×",
           value=app_m / bare_m, note="ratio of the medians; runs interleaved")
    figure("start-up: bare app, spawn → exit", res["bare_exit"], None)
    figure("start-up: dutydesk, spawn → exit", res["app_exit"], None)


# -- the TUI ------------------------------------------------------------------------------------
def probe(mode: str, db: Path, n: int) -> list[dict]:
    out = []
    for i in range(n):
        p = subprocess.run([PY, str(HERE / "tui_probe.py"), mode, str(db)], capture_output=True, text=True,
                           timeout=900, env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})
        if p.returncode != 0:
            raise SystemExit(f"bench: tui_probe {mode} failed:\n{p.stderr[-3000:]}")
        out.append(json.loads(p.stdout.strip().splitlines()[-1]))
        say(f"  probe {mode} run {i + 1}/{n} done")
    return out


def tui(db: Path, whole_table: bool = False) -> None:
    say("petition screen (headless 160×45, real app; 3 processes)")
    runs = probe("paged", db, 3)
    if STATE["size"] == "100k":
        NOTES.append(f"Petition screen measured: `{runs[0]['screen']}`, page of {runs[0]['page_rows']} rows.")
    keystroke = target(**{"10k": 33, "100k": 33, "1M": 50})
    figure("open the petition list, first time (key 2 → first page painted)", [r["open_cold_ms"] for r in runs], 100,
           note="key 2 pressed 1.5 s after the start, as `dutydesk` runs: the app builds the list screens in "
                "idle time after its first paint")
    figure("open the petition list again (1 then 2)", [x for r in runs for x in r["open_warm_ms"]], 100)
    figure("first page of the unfiltered list (SQL page + fill + paint)", [x for r in runs for x in r["first_page_ms"]],
           None, note="the count of the pager follows after the paint")
    for label in runs[0]["search_ms"]:
        s = runs[0]["search_ms"][label]
        figure(f"search {label}: each keystroke → list painted", [x for r in runs for x in r["search_ms"][label]["ms"]],
               keystroke, note=f"typed one character at a time into an empty box ({' → '.join(s['text'][:i + 1] for i in range(len(s['text'])))}); "
                        f"{s['total']} hits at the end; last keystroke alone: median "
                        f"{med([x for r in runs for x in r['search_ms'][label]['last_ms']]):.0f} ms")
    for i, name in enumerate(("PgDn", "Ctrl+↓")):
        figure(f"next page ({name})", [x for r in runs for x in r["paging_ms"][i]["ms"]], 50)
    figure("peak memory of the TUI (VmHWM of its own process)", [r["ru_maxrss_mb"] for r in runs], 120, "MB",
           note="starts on 值班表, opens 信访件 4 times, 40 queries typed (150 keystrokes), 8 page turns")
    if not whole_table:
        return
    say("Textual's DataTable holding all rows (2 processes)")
    whole = probe("datatable", db, 2)
    paged_first = med([x for r in runs for x in r["first_page_ms"]])
    figure("DataTable with all rows: query + fill + paint", [r["open_ms"] for r in whole], None,
           note=f"{whole[0]['rows']} rows")
    figure("DataTable with all rows: refill for a search (噪声)", [r["refill_search_ms"] for r in whole], None)
    figure("DataTable with all rows: peak memory", [r["ru_maxrss_mb"] for r in whole], None, "MB")
    figure("ratio: whole DataTable / PagedTable first page (time)", [], None, "×",
           value=med([r["open_ms"] for r in whole]) / paged_first)


def sql_breakdown(db: Path) -> None:
    """The SQL part of a keystroke alone: ``search.page`` for one page (in this process)."""
    from dutydesk import dates
    from dutydesk.petitions import search
    from dutydesk.bootstrap import open_store
    from tui_probe import QUERIES

    say("SQL alone: a page as a keystroke asks it (search.page without the total), and the count that "
        "follows the paint (10 runs each)")
    store = open_store(db, operator="bench", daily_backup=False)
    today = dates.today()
    for label, text in [("all", "")] + QUERIES:
        f = search.Filters(text=text)
        runs, counts = [], []
        for _ in range(10):
            t0 = time.perf_counter()
            search.page(store, f, today, 0, 50, with_total=False)
            t1 = time.perf_counter()
            search.count(store, f, today)
            counts.append((time.perf_counter() - t1) * 1000)
            runs.append((t1 - t0) * 1000)
        figure(f"SQL page: {label}", runs, 20)
        figure(f"SQL count after the paint: {label}", counts, None)
    store.close()


