"""One import through the function the CLI's ``dutydesk petitions import`` calls
(:func:`dutydesk.petitions.io.import_petitions`), in its own process. Prints JSON.

``python bench/import_probe.py DB FILE [--batch N] [--profile OUT.txt]``

Besides the wall-clock ``seconds`` it prints the process's CPU time for the import, the repeat
candidates offered, its peak memory, those of the helper process that searched the repeats
(``helper``: ``cpu_s``, ``peak_mb``; empty when the search ran in the importing process), the most
memory both held at one moment (``together_mb``: their resident sizes summed, sampled every 20 ms) and the
1-minute load average at the end (the machine is shared: a figure with a high load is slower than
the code) and ``reference_ms``: a fixed pure-Python loop timed just before and just after the import
(their mean). This VM's speed drifts by half from one minute to the next with no load at all (the
same loop took 0.71 s and 1.13 s within the hour): the reference says how fast the machine was while
the import ran.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time

def reference_ms() -> float:
    """A fixed piece of pure-Python work (two million additions), in milliseconds."""
    t0, total = time.perf_counter(), 0
    for i in range(2_000_000):
        total += i
    return (time.perf_counter() - t0) * 1000


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from memory import peak_mb, rss_mb

    db, path = sys.argv[1], sys.argv[2]
    batch = int(sys.argv[sys.argv.index("--batch") + 1]) if "--batch" in sys.argv else None
    profile = sys.argv[sys.argv.index("--profile") + 1] if "--profile" in sys.argv else None
    from dutydesk.petitions.io import import_petitions
    from dutydesk.bootstrap import open_store

    from dutydesk.petitions.repeats.background import RepeatSearch

    searches = []  # the import's repeat search: its helper process's own CPU time and peak memory
    ahead = RepeatSearch.ahead.__func__
    RepeatSearch.ahead = classmethod(lambda cls, *a, **k: searches.append(ahead(cls, *a, **k)) or searches[-1])
    store = open_store(db, operator="bench", daily_backup=False)
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    together = [0.0]  # the most both processes held at one moment (VmRSS sampled every 20 ms)
    finished = threading.Event()

    def sample() -> None:
        while not finished.wait(0.02):
            process = searches[0]._process if searches else None
            pids = ["self"] + ([str(process.pid)] if process is not None else [])
            together[0] = max(together[0], sum(rss_mb(pid) for pid in pids))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    before = reference_ms()
    t0, cpu0 = time.perf_counter(), time.process_time()
    result = import_petitions(store, path, batch=batch)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    after = reference_ms()
    finished.set()
    sampler.join()
    if profiler:
        profiler.stop()
        with open(profile, "w", encoding="utf-8") as fh:
            fh.write(profiler.output_text(unicode=True))
    store.close()
    print(json.dumps({"seconds": seconds, "created": len(result.created), "rows": len(result.plan.rows),
                      "cpu_seconds": round(cpu, 3), "candidates": len(result.candidates),
                      "maxrss_mb": round(peak_mb()),
                      "helper": searches[0].usage if searches else {},
                      "together_mb": round(max(together[0], peak_mb())),
                      "load": os.getloadavg()[0], "reference_ms": round((before + after) / 2, 1)}))
