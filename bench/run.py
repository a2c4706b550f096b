#!/usr/bin/env python3
"""dutydesk at inspection scale: build (or reuse) the big database, measure the figures of
issue 8 over several runs, print median and spread, and write them to bench/RESULTS.md.

    python3 -m pip install -e '.[bench]' && python3 bench/run.py

Options: ``--runs N`` (start-up runs, default 15), ``--import-cap S`` (seconds an import may
take before it is stopped and its time estimated from a sample, default 180; 0 = no cap),
``--force-build`` (rebuild the database), ``--no-write`` (do not touch RESULTS.md),
``--rewrite`` (only render RESULTS.md again from results.json and ANALYSIS.md),
``--only startup,tui,sql,bulletin,imports,overview`` (measure only these parts; implies ``--no-write``).
A benchmark, not a test: CI does not run it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build  # noqa: E402
from ptyrun import run_in_pty  # noqa: E402

WORK = build.CACHE / "work"
PY = sys.executable
COMMAND = "python3 -m pip install -e '.[bench]' && python3 bench/run.py"


def arg(name: str, default):
    if name in sys.argv:
        return type(default)(sys.argv[sys.argv.index(name) + 1])
    return default


RUNS = arg("--runs", 15)
IMPORT_CAP = arg("--import-cap", 180.0)
IMPORT_RUNS = (3, 2)  # runs of the .xlsx and the .csv import
XLSX_ROWS = 50_000  # rows of the .xlsx batch (issue 12)
FIGURES: list[dict] = []  # name, target, unit, runs, median, note
NOTES: list[str] = []


def say(*a) -> None:
    print(*a, flush=True)


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def figure(name: str, runs: list[float], target: float | None, unit: str = "ms", note: str = "",
           value: float | None = None) -> dict:
    runs = [r for r in runs if r is not None]
    m = value if value is not None else med(runs)
    f = {"name": name, "runs": runs, "median": m, "target": target, "unit": unit, "note": note,
         "met": None if target is None or m is None else m <= target}
    FIGURES.append(f)
    spread = f"{min(runs):.0f}–{max(runs):.0f}" if runs else "—"
    say(f"  {name}: median {fmt(m, unit)} (spread {spread}, n={len(runs)})"
        + (f"  target ≤ {fmt(target, unit)}: {'met' if f['met'] else 'MISSED'}" if target is not None else ""))
    return f


def fmt(v, unit: str) -> str:
    if v is None:
        return "—"
    if unit == "s":
        return f"{v:.2f} s"
    if unit == "MB":
        return f"{v:.0f} MB"
    if unit == "×":
        return f"{v:.2f}×"
    return f"{v:.0f} ms"


# -- machine --------------------------------------------------------------------------------------
def machine() -> dict:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")) / 1024 / 1024
    except (OSError, StopIteration):
        mem = 0
    import textual

    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem, 1), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "textual": textual.__version__, "os": platform.platform(),
            "load_start": os.getloadavg()}


def copy_db(src: Path, name: str) -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    dst = WORK / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    os.chmod(dst, 0o600)
    return dst


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
    figure("start-up: dutydesk over the big database", res["app"], 1500,
           note=f"command: `dutydesk --db <big db>`; spawn → exit: median {med(res['app_exit']):.0f} ms")
    figure("start-up: ratio dutydesk / bare app", [a / b for a, b in zip(res["app"], res["bare"])], 1.3, "×",
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


def tui(db: Path) -> None:
    say("petition screen (headless 160×45, real app; 3 processes)")
    runs = probe("paged", db, 3)
    NOTES.append(f"Petition screen measured: `{runs[0]['screen']}`, page of {runs[0]['page_rows']} rows, "
                 f"{runs[0]['total']} petitions.")
    figure("open the petition list, first time (key 2 → first page painted)", [r["open_cold_ms"] for r in runs], 100,
           note="key 2 pressed 1.5 s after the start, as `dutydesk` runs: the app builds the list screens in "
                "idle time after its first paint")
    figure("open the petition list again (1 then 2)", [x for r in runs for x in r["open_warm_ms"]], 100)
    figure("first page of the unfiltered list (SQL page + fill + paint)", [x for r in runs for x in r["first_page_ms"]],
           None, note="the count of the pager follows after the paint")
    for label in runs[0]["search_ms"]:
        s = runs[0]["search_ms"][label]
        figure(f"search {label}: each keystroke → list painted", [x for r in runs for x in r["search_ms"][label]["ms"]],
               50, note=f"typed one character at a time into an empty box ({' → '.join(s['text'][:i + 1] for i in range(len(s['text'])))}); "
                        f"{s['total']} hits at the end; last keystroke alone: median "
                        f"{med([x for r in runs for x in r['search_ms'][label]['last_ms']]):.0f} ms")
    for i, name in enumerate(("PgDn", "Ctrl+↓")):
        figure(f"next page ({name})", [x for r in runs for x in r["paging_ms"][i]["ms"]], None)
    figure("peak memory of the TUI over the big database (ru_maxrss)", [r["ru_maxrss_mb"] for r in runs], 250, "MB",
           note="starts on 值班表, opens 信访件 4 times, 40 queries typed (150 keystrokes), 8 page turns")
    say("Textual's DataTable holding all 100,000 rows (2 processes)")
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
        figure(f"SQL page: {label}", runs, None)
        figure(f"SQL count after the paint: {label}", counts, None)
    store.close()


# -- 态势 (issue 15) ------------------------------------------------------------------------------
def overview_figures(db: Path) -> None:
    """The 态势 screen's data (what its refresh_data counts), in this process, as of today and
    as of earlier days; then key 5 → the screen painted, in the real app (3 processes)."""
    import datetime as dt

    from dutydesk import dates
    from dutydesk.bootstrap import open_store
    from dutydesk.handoffs.overview import overview

    say("态势: the screen's figures (handoffs.overview.overview: petitions per unit/day/type, problems), 10 runs each")
    store = open_store(db, operator="bench", daily_backup=False)
    today = dates.today()
    first = time.perf_counter()
    overview(store, today)
    first = (time.perf_counter() - first) * 1000
    for label, days, target in (("as of today", 0, 100), ("as of 7 days ago", 7, None), ("as of 90 days ago", 90, None),
                                ("as of 1 year ago", 365, None)):
        runs = []
        for _ in range(10):
            store._overview_memo = None  # all counted again, as after a commit
            t0 = time.perf_counter()
            o = overview(store, today - dt.timedelta(days=days))
            runs.append((time.perf_counter() - t0) * 1000)
        note = (f"{o.petitions.total.transferred} petitions counted, {o.problems.total} problems, "
                f"{len(o.petitions.daily)} days")
        if days == 0:
            note += f"; the first call of the process: {first:.0f} ms"
        figure(f"态势 data at 100,000 petitions, {label}", runs, target, note=note)
    runs = []
    for n in range(10):  # [ ] with nothing committed in between: the counts over all petitions are reused
        t0 = time.perf_counter()
        overview(store, today - dt.timedelta(days=n + 1))
        runs.append((time.perf_counter() - t0) * 1000)
    figure("态势 data, the day before (nothing committed since the last count)", runs, None,
           note="what [ recounts: the day's batches, the results dated after it, the due dates, the problems")
    store.close()
    say("态势 screen (headless 120×35, real app; 3 + 3 processes)")
    runs = probe("overview", db, 3)
    built = probe("overview-unprepared", db, 3)
    figure("open the 态势 screen, first time (key 5 → figures painted)", [r["open_cold_ms"] for r in runs], 150,
           note="key 5 pressed 3.5 s after the start, as `dutydesk` runs: the app has prepared the screen "
                f"(in {sum(r['prepared'] for r in runs)} of {len(runs)} runs) in idle time after its first paint")
    figure("open the 态势 screen, first time, not prepared (key 5 builds it and counts its figures)",
           [r["open_cold_ms"] for r in built], 150, note="the app started without preparing screens; key 5 at 1.5 s")
    figure("open the 态势 screen again, nothing saved since (1 then 5)", [x for r in runs for x in r["open_warm_ms"]], None)
    figure("open the 态势 screen again after a commit (1, a write, 5: counted again)",
           [x for r in runs for x in r["open_changed_ms"]], 150)
    figure("态势: [ (one day back) → figures painted", [x for r in runs for x in r["prev_day_ms"]], 150)


# -- bulletin -----------------------------------------------------------------------------------
def bulletin(src: Path) -> None:
    from dutydesk import dates
    from dutydesk.bulletin import service
    from dutydesk.bootstrap import open_store

    say("bulletin export of a day with 500 petitions (docx + md + txt; a fresh day each run)")
    db = copy_db(src, "export.db")
    store = open_store(db, operator="bench", daily_backup=False)
    days = [dates.from_iso(r["date"]) for r in store.query(
        "SELECT b.date FROM batches b JOIN petitions p ON p.batch_id = b.id GROUP BY b.id HAVING count(*) = 500 "
        "ORDER BY b.no")]
    runs = []
    out = WORK / "exports"
    for day in days:
        n = store.scalar("SELECT count(*) FROM petitions p JOIN batches b ON b.id = p.batch_id WHERE b.date = ?",
                         [day.isoformat()])
        assert n == 500, n
        service.add_item(store, day, kind="news", title="市协调联络组召开信访件办理调度会",
                         body=f"{dates.cn_date(day, year=False)}，市协调联络组召开调度会，逐件调度信访件办理情况。")
        service.add_item(store, day, kind="county", unit="道县", body="道县成立专班，对交办信访件逐件核查。")
        t0 = time.perf_counter()
        paths = service.export_bulletin(store, day, out)
        runs.append((time.perf_counter() - t0) * 1000)
        assert len(paths) == 3
    store.close()
    figure("export the bulletin of a 500-petition day (3 formats)", runs, 1000,
           note="service.export_bulletin, what F5 runs: issue (statistics, snapshot) + .docx/.md/.txt")


# -- imports ------------------------------------------------------------------------------------
def repeat_import(src: Path, path: Path, batch: int | None, times: int) -> tuple[list, list, list, int, dict]:
    """Import ``path`` ``times`` times (each on a fresh copy): seconds, CPU seconds and peak memory of
    each run, the petitions created, and the last run's record (stops at the first time-out)."""
    runs, cpu, mem, created, r = [], [], [], 0, {}
    for _ in range(times):
        r = run_import(src, path, batch)
        if r.get("timeout"):
            break
        runs.append(r["seconds"])
        cpu.append(r["cpu_seconds"])
        mem.append(r["maxrss_mb"])
        created = r["created"]
    return runs, cpu, mem, created, r


def imports(src: Path) -> None:
    """Issue 12's targets: a 50,000-row .xlsx batch ≤ 10 s, a 100,000-row .csv ≤ 30 s, the peak
    memory of the .csv import ≤ 400 MB (ru_maxrss of the import's own fresh interpreter)."""
    import import_files

    files = build.CACHE / "files"
    files.mkdir(exist_ok=True)
    xlsx, csvf = files / f"batch-{XLSX_ROWS}.xlsx", files / "ledger-100000.csv"
    if not xlsx.exists():
        import_files.make_xlsx(xlsx, n=XLSX_ROWS)
    if not csvf.exists():
        import_files.make_csv(csvf)
    say("imports through io.import_petitions (the CLI's function), each in a fresh interpreter on a fresh copy "
        "of the big database")
    per_row = None
    runs, cpu, mem, created, r = repeat_import(src, xlsx, 301, IMPORT_RUNS[0])
    name = f"import a {XLSX_ROWS:,}-row .xlsx batch"
    if runs:
        per_row = statistics.median(runs) / XLSX_ROWS
        figure(name, runs, 10.0, "s", note=f"{created} petitions created each run; CPU {med(cpu):.1f} s; "
                                            f"peak memory {med(mem):.0f} MB; load {r['load']:.1f}")
    else:
        figure(name, [], 10.0, "s", note=f"stopped after {IMPORT_CAP:.0f} s")
    runs, cpu, mem, created, r = repeat_import(src, csvf, None, IMPORT_RUNS[1])
    if runs:
        figure("import a 100,000-row .csv", runs, 30.0, "s",
               note=f"{created} petitions created each run; CPU {med(cpu):.1f} s; load {r['load']:.1f}")
        figure("peak memory of the 100,000-row .csv import", mem, 400.0, "MB",
               note="ru_maxrss of the import's own interpreter (bench/import_probe.py)")
    else:
        est = per_row * 100_000 if per_row else None
        figure("import a 100,000-row .csv", [], 30.0, "s", value=est,
               note=f"stopped after {IMPORT_CAP:.0f} s; the median is an ESTIMATE: the .xlsx import's time per row "
                    f"× 100,000" if est else f"stopped after {IMPORT_CAP:.0f} s")


def run_import(src: Path, path: Path, batch: int | None, profile: Path | None = None) -> dict:
    db = copy_db(src, "import.db")
    cmd = [PY, str(HERE / "import_probe.py"), str(db), str(path)]
    if batch:
        cmd += ["--batch", str(batch)]
    if profile:
        cmd += ["--profile", str(profile)]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=IMPORT_CAP or None)
    except subprocess.TimeoutExpired:
        return {"timeout": True}
    if p.returncode != 0:
        raise SystemExit(f"bench: import of {path.name} failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


# -- report ---------------------------------------------------------------------------------------
def write_results(info: dict, db: Path, build_s: float | None, started: float, when: str | None = None,
                  minutes: float | None = None) -> None:
    when = when or f"{dt.datetime.now():%Y-%m-%d %H:%M}"
    minutes = minutes if minutes is not None else (time.perf_counter() - started) / 60
    info.setdefault("load_end", os.getloadavg())
    counts = {}
    con = sqlite3.connect(db)
    for t in ("batches", "petitions", "petition_results", "petition_status_log", "audit", "handoffs",
              "handoff_progress", "roster_days", "duty_log", "bulletins"):
        counts[t] = con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
    lo, avg, hi = con.execute("SELECT min(length(content)), avg(length(content)), max(length(content)) "
                              "FROM petitions").fetchone()
    con.close()
    lines = [
        "# Benchmark results (issue 8)",
        "",
        f"Produced by `{COMMAND}` on {when} "
        f"(whole run {minutes:.1f} min). Generated file: edit `bench/run.py`, "
        "not this file (the analysis below is `bench/ANALYSIS.md`).",
        "",
        "## Machine",
        "",
        f"- CPU: {info['cpu']}, {info['cores']} cores; memory {info['memory_gb']} GB; {info['os']}",
        f"- Python {info['python']}, SQLite {info['sqlite']}, Textual {info['textual']}",
        f"- Load average (1/5/15 min) at start {', '.join(f'{x:.2f}' for x in info['load_start'])}; "
        f"at end {', '.join(f'{x:.2f}' for x in info['load_end'])}. A load above the core count means other "
        "processes shared the CPU: every figure is then slower than on an idle machine.",
        "",
        "## Database",
        "",
        f"`{db.name}` ({db.stat().st_size / 1e6:.0f} MB), "
        + (f"built in {build_s:.0f} s" if build_s else "reused from `bench/.cache/`")
        + ": " + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        + f". Petition text {lo}–{hi} characters (mean {avg:.0f}).",
        "",
        "## Figures",
        "",
        "Median of the runs, spread = min–max, n = number of runs.",
        "",
        "| figure | target | median | spread | n | |",
        "|---|---|---|---|---|---|",
    ]
    for f in FIGURES:
        spread = f"{min(f['runs']):.{2 if f['unit'] in ('s', '×') else 0}f}–{max(f['runs']):.{2 if f['unit'] in ('s', '×') else 0}f}" \
            if f["runs"] else "—"
        mark = "" if f["met"] is None else ("met" if f["met"] else "**missed**")
        target = f"≤ {fmt(f['target'], f['unit'])}" if f["target"] is not None else ""
        name = f["name"] + (f" — {f['note']}" if f["note"] else "")
        lines.append(f"| {name} | {target} | {fmt(f['median'], f['unit'])} | {spread} | {len(f['runs'])} | {mark} |")
    lines += ["", *[f"- {n}" for n in NOTES], ""]
    analysis = HERE / "ANALYSIS.md"
    if analysis.exists():
        lines += [analysis.read_text(encoding="utf-8").rstrip(), ""]
    (HERE / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")
    (HERE / "results.json").write_text(json.dumps(
        {"machine": info, "figures": FIGURES, "notes": NOTES, "build_s": build_s, "when": when, "minutes": minutes},
        ensure_ascii=False, indent=1), encoding="utf-8")


def main() -> None:
    if {"-h", "--help"} & set(sys.argv):  # asking for help must not start a ten-minute run
        print(__doc__)
        return
    unknown = [a for a in sys.argv[1:] if a.startswith("-") and a not in
               {"--runs", "--import-cap", "--force-build", "--rewrite", "--no-write", "--only"}]
    if unknown:
        sys.exit(f"unknown option: {' '.join(unknown)} (see --help)")
    started = time.perf_counter()
    if "--rewrite" in sys.argv:  # RESULTS.md again from results.json (after editing ANALYSIS.md)
        data = json.loads((HERE / "results.json").read_text(encoding="utf-8"))
        FIGURES[:] = data["figures"]
        NOTES[:] = data.get("notes", [])
        src, _ = build.cached_db()
        write_results(data["machine"], src, data.get("build_s"), started, data.get("when"), data.get("minutes"))
        return
    info = machine()
    say(f"machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB, Python {info['python']}, "
        f"SQLite {info['sqlite']}, Textual {info['textual']}, load {info['load_start']}")
    say("database: building or reusing bench/.cache/ …")
    src, build_s = build.cached_db(force="--force-build" in sys.argv, log=say)
    say(f"  {src.name}" + (f" built in {build_s:.0f} s" if build_s else " (cached)"))
    parts = {"startup", "tui", "sql", "bulletin", "imports", "overview"}
    only = set(arg("--only", "").split(",")) - {""} or parts
    if only - parts:
        sys.exit(f"unknown part: {', '.join(sorted(only - parts))} (see --help)")
    db = copy_db(src, "app.db")
    steps = {"startup": lambda: startup(db), "tui": lambda: tui(db), "sql": lambda: sql_breakdown(db),
             "overview": lambda: overview_figures(db), "bulletin": lambda: bulletin(src),
             "imports": lambda: imports(src)}
    for part, step in steps.items():  # in this order
        if part in only:
            step()
    if "--no-write" not in sys.argv and only == parts:
        write_results(info, src, build_s, started)
        say(f"wrote {HERE / 'RESULTS.md'}")
    missed = [f["name"] for f in FIGURES if f["met"] is False]
    say(f"targets missed: {len(missed)}" + "".join(f"\n  - {m}" for m in missed))


if __name__ == "__main__":
    main()
