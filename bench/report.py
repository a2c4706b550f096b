"""bench/RESULTS.md and results.json: the machine, the databases, the growth table (every figure
at every size) and each size's figures with their spread."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import time
from pathlib import Path

from common import FIGURES, HERE, NOTES, fmt

COMMAND = "python3 -m pip install -e '.[bench]' && python3 bench/run.py"


def _db_line(label: str, db: Path, build_s: float | None) -> str:
    counts = {}
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    for t in ("batches", "petitions", "petition_results", "petition_status_log", "audit", "handoffs",
              "handoff_progress", "roster_days", "duty_log", "bulletins"):
        counts[t] = con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
    lo, avg, hi = con.execute("SELECT min(length(content)), avg(length(content)), max(length(content)) "
                              "FROM petitions").fetchone()
    con.close()
    return (f"- **{label}**: `{db.name}` ({db.stat().st_size / 1e6:,.0f} MB), "
            + (f"built in {build_s:.0f} s" if build_s else "reused from `bench/.cache/`")
            + ": " + ", ".join(f"{v:,} {k}" for k, v in counts.items())
            + f". Petition text {lo}–{hi} characters (mean {avg:.0f}).")


def _spread(f: dict) -> str:
    if not f["runs"]:
        return f.get("spread", "—")  # a figure recovered from a run's log (bench/recover.py)
    d = 2 if f["unit"] in ("s", "×", "KB") else 0
    return f"{min(f['runs']):,.{d}f}–{max(f['runs']):,.{d}f}"


def _target(f: dict) -> str:
    return f"{'≥' if f.get('higher') else '≤'} {fmt(f['target'], f['unit'])}" if f["target"] is not None else ""


def growth_table(sizes: list[str]) -> list[str]:
    """One row a figure, one column a size: the medians; a target applies at the sizes it names."""
    names = list(dict.fromkeys(f["name"] for f in FIGURES))
    at = {(f["name"], f["size"]): f for f in FIGURES}
    lines = ["| figure | " + " | ".join(sizes) + " | targets |", "|---|" + "---|" * len(sizes) + "---|"]
    for name in names:
        cells, targets = [], []
        for size in sizes:
            f = at.get((name, size))
            if f is None:
                cells.append("")
                continue
            mark = "" if f["met"] is None else (" ✓" if f["met"] else " **✗**")
            cells.append(fmt(f["median"], f["unit"]) + mark)
            if f["target"] is not None:
                targets.append(f"{_target(f)} at {size}")
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {'; '.join(targets)} |")
    return lines


def write_results(info: dict, dbs: dict[str, tuple[Path, float | None]], started: float, when: str | None = None,
                  minutes: float | None = None) -> None:
    when = when or f"{dt.datetime.now():%Y-%m-%d %H:%M}"
    minutes = minutes if minutes is not None else (time.perf_counter() - started) / 60
    info.setdefault("load_end", os.getloadavg())
    sizes = list(dbs)
    missed = [f for f in FIGURES if f["met"] is False]
    lines = [
        "# Benchmark results (issues 8, 12, 15, 19)",
        "",
        f"Produced by `{COMMAND}` on {when} "
        f"(whole run {minutes:.1f} min). Generated file: edit `bench/run.py` and `bench/report.py`, "
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
        "## Databases",
        "",
        *[_db_line(label, path, build_s) for label, (path, build_s) in dbs.items()],
        "",
        "## Growth: every figure at every size",
        "",
        "Medians; ✓ met, ✗ missed where a target applies at that size. "
        + (f"Targets missed: {len(missed)} ("
           + "; ".join(f"{f['name']} at {f['size']}" for f in missed) + ")." if missed else "Every target met."),
        "",
        *growth_table(sizes),
        "",
    ]
    for size in sizes:
        lines += [f"## Figures at {size}", "", "Median of the runs, spread = min–max, n = number of runs.", "",
                  "| figure | target | median | spread | n | |", "|---|---|---|---|---|---|"]
        for f in (f for f in FIGURES if f["size"] == size):
            mark = "" if f["met"] is None else ("met" if f["met"] else "**missed**")
            name = f["name"] + (f" — {f['note']}" if f["note"] else "")
            lines.append(f"| {name} | {_target(f)} | {fmt(f['median'], f['unit'])} | {_spread(f)} | "
                         f"{f.get('n', len(f['runs']))} | {mark} |")
        lines.append("")
    lines += [*[f"- {n}" for n in NOTES], ""]
    analysis = HERE / "ANALYSIS.md"
    if analysis.exists():
        lines += [analysis.read_text(encoding="utf-8").rstrip(), ""]
    (HERE / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")
    (HERE / "results.json").write_text(json.dumps(
        {"machine": info, "figures": FIGURES, "notes": NOTES, "when": when, "minutes": minutes,
         "databases": {k: [str(p), b] for k, (p, b) in dbs.items()}}, ensure_ascii=False, indent=1), encoding="utf-8")
