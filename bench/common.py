"""What every part of the benchmark shares: options, the figures gathered so far, how a figure is
recorded and printed, the machine, fresh copies of a database, a process's own peak memory."""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build  # noqa: E402
from memory import peak_mb  # noqa: E402,F401

WORK = build.CACHE / "work"
PY = sys.executable
FIGURES: list[dict] = []  # name, size, target, unit, runs, median, note, met
NOTES: list[str] = []
STATE = {"size": "100k", "n": 100_000}  # the database being measured: its label and petitions


def arg(name: str, default):
    if name in sys.argv:
        return type(default)(sys.argv[sys.argv.index(name) + 1])
    return default


def say(*a) -> None:
    print(*a, flush=True)


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def target(**by_size):
    """The target at the size being measured: ``target(**{"1M": 50, "100k": 33})``; None elsewhere."""
    return by_size.get(STATE["size"])


def figure(name: str, runs: list[float], target: float | None, unit: str = "ms", note: str = "",
           value: float | None = None, higher: bool = False) -> dict:
    """Record a figure at the current size. ``higher``: the target is a floor (a rate)."""
    runs = [r for r in runs if r is not None]
    m = value if value is not None else med(runs)
    met = None if target is None or m is None else (m >= target if higher else m <= target)
    f = {"name": name, "size": STATE["size"], "runs": runs, "median": m, "target": target, "unit": unit,
         "note": note, "met": met, "higher": higher}
    # measured again (run.py --merge): in the place of the earlier figure; a new one after the last recorded
    same = [i for i, g in enumerate(FIGURES) if (g["name"], g["size"]) == (name, f["size"])]
    at = same[0] if same else min(STATE.get("last_at", len(FIGURES) - 1) + 1, len(FIGURES))
    if same:
        FIGURES[at] = f
    else:
        FIGURES.insert(at, f)
    STATE["last_at"] = at
    spread = f"{min(runs):.0f}–{max(runs):.0f}" if runs else "—"
    say(f"  [{STATE['size']}] {name}: median {fmt(m, unit)} (spread {spread}, n={len(runs)})"
        + (f"  target {'≥' if higher else '≤'} {fmt(target, unit)}: {'met' if met else 'MISSED'}"
           if target is not None else ""))
    return f


def fmt(v, unit: str) -> str:
    if v is None:
        return "—"
    if unit == "s":
        return f"{v:.2f} s"
    if unit == "MB":
        return f"{v:.0f} MB"
    if unit == "KB":
        return f"{v:.2f} KB"
    if unit == "×":
        return f"{v:.2f}×"
    if unit == "rows/s":
        return f"{v:,.0f} rows/s"
    return f"{v:.1f} ms" if v < 10 else f"{v:.0f} ms"


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
