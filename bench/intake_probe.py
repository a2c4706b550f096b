"""Peak memory and time of the bounded intake on hostile files (issue 16: H1, H2, M3, M4), each file
read in its own fresh interpreter (VmHWM, that process's own peak). Prints one JSON line a case.

``python bench/intake_probe.py [FOLDER]`` (default: bench/.cache/intake; the files are made once)

- ``csv-1m``: a 1,000,000-row .csv just under the 200 MB limit (M4: it took ~7 GB): refused at the
  row limit while streaming;
- ``zip-bomb``: a 1 MB .xlsx with a member of 1 GiB (H1: 15.6 GB);
- ``gap-row``: a 5 KB .xlsx with a cell at row 200,000,000 (H2: hit a 4 GB cap);
- ``dev-zero``: /dev/zero (M3: MemoryError or a hang).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHILD = r"""
import json, sys, time
from dutydesk.errors import UserError
from dutydesk.sheets import read_mapped
from dutydesk.petitions.io import PETITION_ALIASES
sys.path.insert(0, {here!r})
from memory import peak_mb
t = time.perf_counter()
try:
    _, rows = read_mapped(sys.argv[1], PETITION_ALIASES, required=["case_no", "content", "unit"])
    outcome = f"read {len(rows)} rows"
except UserError as exc:
    outcome = "refused: " + str(exc)
print(json.dumps({"seconds": round(time.perf_counter() - t, 2), "outcome": outcome,
                  "maxrss_mb": round(peak_mb())}, ensure_ascii=False))
"""


def csv_1m(path: Path) -> Path:
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write("受理编号,交办问题基本情况,行政区域\n")
            line = "某厂夜间偷排废水，河道发黑发臭，群众多次反映未见处理" * 2
            for i in range(1_000_000):
                fh.write(f"D2HH2024{i:09d},{line},冷水滩区\n")
        tmp.replace(path)
    return path


def zip_bomb(path: Path) -> Path:
    if not path.exists():
        sys.path.insert(0, str(ROOT / "tests"))
        from test_intake_limits import zip_bomb as make

        make(path)
    return path


def gap_row(path: Path) -> Path:
    if not path.exists():
        sys.path.insert(0, str(ROOT / "tests"))
        from test_intake_limits import crafted_xlsx

        crafted_xlsx(path, '<row r="200000000"><c r="A200000000"><v>1</v></c></row>')
    return path


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / ".cache" / "intake"
    folder.mkdir(parents=True, exist_ok=True)
    cases = {"csv-1m": csv_1m(folder / "rows-1000000.csv"), "zip-bomb": zip_bomb(folder / "bomb.xlsx"),
             "gap-row": gap_row(folder / "gap.xlsx"), "dev-zero": Path("/dev/zero")}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    for name, path in cases.items():
        t = time.perf_counter()
        p = subprocess.run([sys.executable, "-c", CHILD.replace("{here!r}", repr(str(HERE))), str(path)], capture_output=True, text=True, env=env,
                           cwd=ROOT, timeout=600)
        out = json.loads(p.stdout.strip().splitlines()[-1]) if p.returncode == 0 else {"error": p.stderr[-500:]}
        size = path.stat().st_size if path.is_file() else None
        print(json.dumps({"case": name, "file_mb": round(size / 2**20, 1) if size else None, **out,
                          "wall_s": round(time.perf_counter() - t, 2), "load": round(os.getloadavg()[0], 1)},
                         ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
