#!/usr/bin/env python3
"""dutydesk from a city to a province: build (or reuse) databases of 10,000, 100,000 and 1,000,000
petitions, measure every figure at each size over several runs, print median and spread, and write
bench/RESULTS.md with one growth table (every figure at every size).

    python3 -m pip install -e '.[bench]' && python3 bench/run.py

Options: ``--sizes 10k,100k,1M`` (the databases to measure, default all three; ``--sizes 10k,100k``
for a quicker run), ``--runs N`` (start-up runs, default 15), ``--import-cap S`` (seconds an import
may take before it is stopped, default 180; 0 = no cap), ``--force-build`` (rebuild the databases),
``--no-write`` (do not touch RESULTS.md), ``--rewrite`` (only render RESULTS.md again from
results.json and ANALYSIS.md), ``--only startup,tui,sql,overview,bulletin,imports,index,size``
(measure only these parts; implies ``--no-write``), ``--merge FILE`` (figures measured before, e.g.
read back from a stopped run's log by ``bench/recover.py``: the parts given are measured and RESULTS.md
written with both). Building the 1M database once takes some
twenty minutes; it is cached in ``bench/.cache/``. A benchmark, not a test: CI does not run it.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build  # noqa: E402
import measure_data  # noqa: E402
import measure_tui  # noqa: E402
import report  # noqa: E402
from common import FIGURES, NOTES, STATE, arg, copy_db, machine, say  # noqa: E402

PARTS = ("startup", "tui", "sql", "overview", "bulletin", "imports", "index", "size")
OPTIONS = {"--sizes", "--runs", "--import-cap", "--force-build", "--rewrite", "--no-write", "--only", "--merge"}


def measure(label: str, src: Path, only: set[str]) -> None:
    STATE.update(size=label, n=build.parse_size(label))
    db = copy_db(src, "app.db")
    steps = {"startup": lambda: measure_tui.startup(db),
             "tui": lambda: measure_tui.tui(db, whole_table=label == "100k"),
             "sql": lambda: measure_tui.sql_breakdown(db),
             "overview": lambda: measure_data.overview_figures(db),
             "bulletin": lambda: measure_data.bulletin(src),
             "imports": lambda: measure_data.imports(src),
             "index": lambda: measure_data.search_index(src),
             "size": lambda: measure_data.file_size(src)}
    for part in PARTS:  # in this order
        if part in only:
            say(f"== {label}: {part}")
            steps[part]()


def main() -> None:
    if {"-h", "--help"} & set(sys.argv):  # asking for help must not start a long run
        print(__doc__)
        return
    unknown = [a for a in sys.argv[1:] if a.startswith("-") and a not in OPTIONS]
    if unknown:
        sys.exit(f"unknown option: {' '.join(unknown)} (see --help)")
    started = time.perf_counter()
    if "--rewrite" in sys.argv:  # RESULTS.md again from results.json (after editing ANALYSIS.md)
        data = json.loads((HERE / "results.json").read_text(encoding="utf-8"))
        FIGURES[:] = data["figures"]
        NOTES[:] = data.get("notes", [])
        dbs = {k: (Path(p), b) for k, (p, b) in data["databases"].items()}
        report.write_results(data["machine"], dbs, started, data.get("when"), data.get("minutes"))
        return
    sizes = [s for s in arg("--sizes", ",".join(build.SIZES)).split(",") if s]
    bad = [s for s in sizes if s not in build.SIZES]
    if bad:
        sys.exit(f"unknown size: {', '.join(bad)} (choose from {', '.join(build.SIZES)})")
    only = set(arg("--only", "").split(",")) - {""} or set(PARTS)
    if only - set(PARTS):
        sys.exit(f"unknown part: {', '.join(sorted(only - set(PARTS)))} (see --help)")
    merged = arg("--merge", "")  # figures of earlier parts of the same run (a run stopped by an error)
    if merged:
        data = json.loads(Path(merged).read_text(encoding="utf-8"))
        FIGURES[:] = data["figures"]
        NOTES[:] = data.get("notes", [])
    info = machine()
    if merged:
        info["load_start"] = data.get("machine", {}).get("load_start", info["load_start"])
    say(f"machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB, Python {info['python']}, "
        f"SQLite {info['sqlite']}, Textual {info['textual']}, load {info['load_start']}")
    dbs = {}
    for label in sizes:
        say(f"database of {label} petitions: building or reusing bench/.cache/ …")
        src, build_s = build.cached_db(force="--force-build" in sys.argv, log=say, n=build.SIZES[label])
        say(f"  {src.name}" + (f" built in {build_s:.0f} s" if build_s else " (cached)"))
        dbs[label] = (src, build_s)
    for label, (src, _) in dbs.items():
        measure(label, src, only)
    if "--no-write" not in sys.argv and (only == set(PARTS) or merged):
        if merged:  # every size the merged figures name
            for label in dict.fromkeys(f["size"] for f in FIGURES):
                if label not in dbs:
                    dbs[label] = build.cached_db(n=build.SIZES[label], log=say)
            dbs = {k: dbs[k] for k in build.SIZES if k in dbs}
        when = minutes = None
        if merged and only != set(PARTS):  # parts measured again after the run named in the file
            again = (time.perf_counter() - started) / 60
            NOTES.append(f"Measured again on {dt.datetime.now():%Y-%m-%d %H:%M} (`run.py --only "
                         f"{','.join(sorted(only))} --merge`, {again:.1f} min): the figures of those parts; "
                         "the others are from the run named above.")
            when, minutes = data.get("when"), data.get("minutes", 0) + again
        report.write_results(info, dbs, started, when, minutes)
        say(f"wrote {HERE / 'RESULTS.md'}")
    missed = [f"{f['name']} at {f['size']}" for f in FIGURES if f["met"] is False]
    say(f"targets missed: {len(missed)}" + "".join(f"\n  - {m}" for m in missed))


if __name__ == "__main__":
    main()
