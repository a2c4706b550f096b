"""The data's figures: the 态势 screen's counts and first paint, the bulletin export, the imports
(rates and memory, each in a fresh interpreter), the search index (rebuild, update, optimize,
vacuum) and the database's size per petition."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import build
from common import HERE, NOTES, PY, STATE, WORK, arg, copy_db, figure, med, say, target
from measure_tui import probe

IMPORT_CAP = arg("--import-cap", 180.0)
IMPORT_RUNS = (3, 2)  # runs of the .xlsx and the .csv import
XLSX_ROWS = 50_000  # rows of the .xlsx batch (issue 12)


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
    for label, days, goal in (("as of today", 0, 100), ("as of 7 days ago", 7, None), ("as of 90 days ago", 90, None),
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
        figure(f"态势 data, {label}", runs, goal if STATE["size"] == "100k" else None, note=note)
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
    reference = probe("settings-unprepared", db, 3)
    figure("open the 态势 screen, first time (key 5 → figures painted)", [r["open_cold_ms"] for r in runs], 150,
           note="key 5 pressed 3.5 s after the start, as `dutydesk` runs: the app has prepared the screen "
                f"(in {sum(r['prepared'] for r in runs)} of {len(runs)} runs) in idle time after its first paint")
    figure("open the 态势 screen, first time, not prepared (key 5 builds it and counts its figures)",
           [r["open_cold_ms"] for r in built], 150, note="the app started without preparing screens; key 5 at 1.5 s")
    figure("for reference: open the 设置 screen, first time, not prepared (key 0 builds a form)",
           [r["open_cold_ms"] for r in reference], None,
           note="the same app; what building any screen on a key costs here, with nothing to count")
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
    days = [dates.from_iso(r["date"]) for r in store.query(  # (at 1M an overlapping round's bulletin may be on one)
        "SELECT b.date FROM batches b JOIN petitions p ON p.batch_id = b.id "
        "WHERE NOT EXISTS (SELECT 1 FROM bulletins u WHERE u.date = b.date) GROUP BY b.id HAVING count(*) = 500 "
        "ORDER BY b.no")]
    runs, sizes = [], []
    out = WORK / "exports"
    for day in days:  # at 1M other rounds' batches share the day: the bulletin counts them all
        sizes.append(store.scalar("SELECT count(*) FROM petitions p JOIN batches b ON b.id = p.batch_id "
                                  "WHERE b.date = ?", [day.isoformat()]))
        service.add_item(store, day, kind="news", title="市协调联络组召开信访件办理调度会",
                         body=f"{dates.cn_date(day, year=False)}，市协调联络组召开调度会，逐件调度信访件办理情况。")
        service.add_item(store, day, kind="county", unit="道县", body="道县成立专班，对交办信访件逐件核查。")
        t0 = time.perf_counter()
        paths = service.export_bulletin(store, day, out)
        runs.append((time.perf_counter() - t0) * 1000)
        assert len(paths) == 3
    store.close()
    figure("export the bulletin of a 500-petition day (3 formats)", runs, 1000,
           note="service.export_bulletin, what F5 runs: issue (statistics, snapshot) + .docx/.md/.txt; petitions "
                f"received those days: {min(sizes)}–{max(sizes)}")


# -- imports ------------------------------------------------------------------------------------
def repeat_import(src: Path, path: Path, batch: int | None, times: int) -> tuple[list, list, list, int, dict]:
    """Import ``path`` ``times`` times (each on a fresh copy): seconds, CPU seconds and peak memory of
    each run (the peak of the import and its helper process together), the petitions created, and the last
    run's record (stops at the first time-out), with ``own_mb`` (the importing process alone) and
    ``helper_cpu`` / ``helper_mb``: the medians of the repeat search's helper process."""
    runs, cpu, mem, created, r = [], [], [], 0, {}
    helper_cpu, helper_mb, own, reference = [], [], [], []
    for _ in range(times):
        r = run_import(src, path, batch)
        if r.get("timeout"):
            break
        runs.append(r["seconds"])
        cpu.append(r["cpu_seconds"])
        mem.append(r.get("together_mb", r["maxrss_mb"]))  # the import and its repeat search's helper, at once
        own.append(r["maxrss_mb"])
        reference += [r["reference_ms"]] if "reference_ms" in r else []
        created = r["created"]
        helper_cpu += [r["helper"]["cpu_s"]] if r.get("helper", {}).get("cpu_s") is not None else []
        helper_mb += [r["helper"]["peak_mb"]] if r.get("helper", {}).get("peak_mb") is not None else []
    r = {**r, "helper_cpu": med(helper_cpu) if helper_cpu else None, "helper_mb": med(helper_mb) if helper_mb else None,
         "own_mb": med(own) if own else None, "reference": sorted(reference)}
    return runs, cpu, mem, created, r


def _speed(r: dict) -> str:
    """How fast the VM was during the runs (bench/import_probe.py's reference loop), for a note."""
    ref = r.get("reference") or []
    if not ref:
        return ""
    span = f"{ref[0]:.0f}–{ref[-1]:.0f}" if len(ref) > 1 else f"{ref[0]:.0f}"
    return f"; speed reference (a fixed Python loop beside each run, bench/import_probe.py) {span} ms"


def _helper(r: dict) -> str:
    """The repeat search's helper process, for a figure's note."""
    if r.get("helper_cpu") is None:
        return "repeat search in the importing process"
    return f"repeat search beside it in a helper process: CPU {r['helper_cpu']:.1f} s, peak memory {r['helper_mb']:.0f} MB"


def imports(src: Path) -> None:
    """Issue 12's targets at 100k: a 50,000-row .xlsx batch ≤ 10 s, a 100,000-row .csv ≤ 30 s, the
    peak memory of the .csv import ≤ 400 MB (VmHWM of the import's own fresh interpreter); issue 19's
    at 1M: the .csv at ≥ 5,000 rows/s."""
    import import_files

    files = build.CACHE / "files"
    files.mkdir(exist_ok=True)
    xlsx = files / f"batch-{XLSX_ROWS}-from-{import_files.FIRST_BATCH}.xlsx"
    csvf = files / f"ledger-100000-from-{import_files.FIRST_BATCH}.csv"
    if not xlsx.exists():
        import_files.make_xlsx(xlsx, n=XLSX_ROWS)
    if not csvf.exists():
        import_files.make_csv(csvf)
    say("imports through io.import_petitions (the CLI's function), each in a fresh interpreter on a fresh copy "
        "of the database")
    at100k = STATE["size"] == "100k"
    runs, cpu, mem, created, r = repeat_import(src, xlsx, import_files.FIRST_BATCH, IMPORT_RUNS[0])
    name = f"import a {XLSX_ROWS:,}-row .xlsx batch"
    if runs:
        figure(name, runs, 10.0 if at100k else None, "s",
               note=f"{created} petitions created each run; CPU {med(cpu):.1f} s; peak memory (with the helper) "
                    f"{med(mem):.0f} MB; {_helper(r)}; load {r['load']:.1f}{_speed(r)}")
        figure(".xlsx import rate", [created / x for x in runs], None, "rows/s", higher=True)
    else:
        figure(name, [], 10.0 if at100k else None, "s", note=f"stopped after {IMPORT_CAP:.0f} s")
    runs, cpu, mem, created, r = repeat_import(src, csvf, None, IMPORT_RUNS[1])
    if runs:
        figure("import a 100,000-row .csv", runs, 30.0 if at100k else None, "s",
               note=f"{created} petitions created each run; CPU {med(cpu):.1f} s; {_helper(r)}; load {r['load']:.1f}"
                    f"{_speed(r)}")
        figure(".csv import rate", [created / x for x in runs], target(**{"1M": 5000}), "rows/s", higher=True)
        figure("peak memory of the 100,000-row .csv import", mem, 400.0 if at100k else None, "MB",
               note=f"the import's interpreter and its repeat search's helper process together (their resident "
                    f"sizes summed, sampled every 20 ms; bench/import_probe.py); alone: the import {r['own_mb']:.0f} MB, "
                    f"the helper {r['helper_mb']:.0f} MB (VmHWM)" if r.get("helper_mb") else
                    "VmHWM of the import's own interpreter (bench/import_probe.py)")
    else:
        figure("import a 100,000-row .csv", [], 30.0 if at100k else None, "s",
               note=f"stopped after {IMPORT_CAP:.0f} s")
        figure(".csv import rate", [], target(**{"1M": 5000}), "rows/s", higher=True,
               note=f"stopped after {IMPORT_CAP:.0f} s")


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




# -- the search index and the file ----------------------------------------------------------------
def search_index(src: Path) -> None:
    """What the search index costs at this size: its pages, a rebuild (``petitions reindex``), the
    update of one edited petition, FTS5's optimize (merge into one segment) and a VACUUM of the file."""
    from dutydesk.bootstrap import open_store
    from dutydesk.petitions import search

    say("search index: size, rebuild, one update, optimize, vacuum (on a copy)")
    db = copy_db(src, "index.db")
    store = open_store(db, operator="bench", daily_backup=False)
    n = STATE["n"]
    fts = store.scalar("SELECT sum(length(block)) FROM petitions_fts_data") or 0
    figure("search index: bytes per petition (petitions_fts_data)", [], None, "KB", value=fts / n / 1024)
    open_fts = store.scalar("SELECT sum(length(block)) FROM petitions_open_fts_data") or 0
    n_open = store.scalar("SELECT count(*) FROM petitions WHERE deleted_at IS NULL AND status IN ('待交办', '已交办')")
    figure("search index of the open petitions: bytes per petition (petitions_open_fts_data)", [], None, "KB",
           value=open_fts / n / 1024, note=f"{n_open:,} open petitions")
    rows = store.query("SELECT id, content FROM petitions WHERE deleted_at IS NULL AND status = '待交办' "
                       "ORDER BY id DESC LIMIT 20")
    runs = []
    for row in rows:
        t0 = time.perf_counter()
        with store.write():
            search.reindex_petition(store, row["id"], (row["content"], True), (row["content"] + "补充", True))
        runs.append((time.perf_counter() - t0) * 1000)
    figure("search index: one open petition's content edited (both indexes, committed)", runs, None)
    t0 = time.perf_counter()
    search.rebuild_index(store)
    figure("search index: rebuild (petitions reindex)", [], None, "s", value=time.perf_counter() - t0)
    t0 = time.perf_counter()
    with store.write():
        store.execute("INSERT INTO petitions_fts (petitions_fts) VALUES ('optimize')")
    figure("search index: optimize (one segment)", [], None, "s", value=time.perf_counter() - t0)
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    t0 = time.perf_counter()
    store.execute("VACUUM")
    figure("VACUUM of the whole file", [], None, "s", value=time.perf_counter() - t0)
    store.close()


def file_size(src: Path) -> None:
    """The database's bytes per petition, all tables and indexes, and the largest parts."""
    import sqlite3

    n = STATE["n"]
    figure("database size per petition (file / petitions, indexes included)", [], target(**{"1M": 3.0}), "KB",
           value=src.stat().st_size / n / 1024, note=f"{src.stat().st_size / 1e6:,.0f} MB")
    con = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    try:
        parts = con.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8").fetchall()
    except sqlite3.OperationalError:  # SQLite built without dbstat
        parts = []
    con.close()
    if parts:
        NOTES.append(f"Largest parts of the {STATE['size']} file (bytes per petition): "
                     + ", ".join(f"{name} {size / n:,.0f}" for name, size in parts) + ".")
