"""The figures a run printed, read back from its log (a run stopped by an error keeps its figures):

    python3 bench/recover.py LOG OUT.json    then    python3 bench/run.py --sizes 1M --only … --merge OUT.json

Each printed line ``[size] name: median V (spread a–b, n=N)  target ≤ T: met`` becomes a figure with its
median, spread, n and target; the runs themselves and the notes are not in the log, so they stay empty.
"""

from __future__ import annotations

import json
import re
import sys

LINE = re.compile(r"^  \[(?P<size>\w+)\] (?P<name>.+): median (?P<value>[\d,.]+|—) ?(?P<unit>ms|s|MB|KB|×|rows/s)? "
                  r"\(spread (?P<spread>[^,]+), n=(?P<n>\d+)\)(?:  target (?P<op>[≤≥]) (?P<target>[\d,.]+).*)?$")


def number(text: str) -> float:
    return float(text.replace(",", "").rstrip("×"))


def recover(log: str) -> list[dict]:
    figures = []
    for line in log.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        unit = m["unit"] or ("×" if m["value"].endswith("×") else "ms")
        value = None if m["value"] == "—" else number(m["value"])
        target = number(m["target"]) if m["target"] else None
        higher = m["op"] == "≥"
        met = None if target is None or value is None else (value >= target if higher else value <= target)
        figures.append({"name": m["name"], "size": m["size"], "runs": [], "median": value, "target": target,
                        "unit": unit, "note": "", "met": met, "higher": higher, "spread": m["spread"],
                        "n": int(m["n"])})
    return figures


if __name__ == "__main__":
    text = open(sys.argv[1], encoding="utf-8").read()
    machine = re.search(r"load \(([\d.]+), ([\d.]+), ([\d.]+)\)", text)
    out = {"figures": recover(text), "notes": [],
           "machine": {"load_start": [float(x) for x in machine.groups()]} if machine else {}}
    open(sys.argv[2], "w", encoding="utf-8").write(json.dumps(out, ensure_ascii=False, indent=1))
    print(f"{len(out['figures'])} figures")
