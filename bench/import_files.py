"""The import benchmark's input files, as the inspection group sends them (cached beside the db).

- ``batch-5000.xlsx``: one batch of 5,000 petitions (a title row above the header, like the
  group's 交办表), imported with ``--batch 5001``;
- ``ledger-100000.csv``: 100,000 petitions over 200 batches (批次 and 转办日期 columns), GB18030
  as Excel on Chinese Windows saves "CSV (逗号分隔)".

New case numbers (group code 5YX) and batch numbers from 5001 (the 1M database has 3,000 batches),
so none is already in the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import gen

FIRST_BATCH = 5001
HEADER = ["序号", "受理编号", "交办问题基本情况", "行政区域", "污染类型", "是否重点件", "重复件", "信访人", "联系电话",
          "信访人地址"]


def _rows(n: int, start: dt.date, per_batch: int, seed: int):
    rng = random.Random(seed)
    for i in range(n):
        batch = i // per_batch
        day = start + dt.timedelta(days=batch)
        seq = i % per_batch + 1
        letter = rng.random() < 0.25
        unit = rng.choice(gen.UNITS)
        content, types, address = gen.petition_text(rng, unit, letter=letter)
        case = gen.case_no(letter, "5YX", day - dt.timedelta(days=1), seq)
        yield batch, day, [seq, case, content, unit, "、".join(types), "是" if rng.random() < 0.1 else "否", "",
                           gen.person_name(rng), gen.phone(rng), address]


def make_xlsx(path: Path, n: int = 5000, start: dt.date = dt.date(2027, 3, 1)) -> Path:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(f"第{FIRST_BATCH}批")
    ws.append([f"第{FIRST_BATCH}批信访件交办表"])
    ws.append(HEADER)
    for _, _, row in _rows(n, start, n, seed=11):
        ws.append(row)
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)
    return path


def make_csv(path: Path, n: int = 100_000, start: dt.date = dt.date(2027, 4, 1), batches: int = 200) -> Path:
    per = n // batches
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="gb18030", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["批次", "转办日期"] + HEADER)
        for batch, day, row in _rows(n, start, per, seed=12):
            w.writerow([f"第{FIRST_BATCH + batch}批", day.isoformat()] + row)
    tmp.replace(path)
    return path
