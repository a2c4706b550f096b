"""问题交办 figures as of a date, per 牵头单位 and in total (the 态势 screen, ``dutydesk stats``).

The rules, "as of" day D:

- a problem counts once its status log has an entry dated on or before D (one without any
  entry, as none should be, counts with its current status); its status is the latest such
  entry (by business date, then entry);
- 滞后: 未启动 or 整改中 as of D, with a 整改时限 before D;
- 反弹: problems a 回头看 found back (反弹) on or before D;
- 销号率: 已销号 / counted problems.

As of today these are ``service.summary``'s figures. They are one sum over ``handoff_day_sums``
(``day_sums.py``: each problem written as signed changes per day, kept by triggers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..store.db import Store
from . import day_sums
from .model import CLOSED, STATUSES


@dataclass
class ProblemUnit:
    unit: str
    total: int = 0  # 问题数
    closed: int = 0  # 已销号
    late: int = 0  # 滞后
    rebound: int = 0  # 反弹


@dataclass
class ProblemFigures:
    day: dt.date
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    units: dict[str, ProblemUnit] = field(default_factory=dict)  # by 牵头单位
    late: int = 0
    rebound: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def closed(self) -> int:
        return self.by_status.get(CLOSED, 0)

    @property
    def rate(self) -> float | None:
        """销号率 in percent (None when there are no problems)."""
        return 100.0 * self.closed / self.total if self.total else None


def problem_figures(store: Store, day: dt.date) -> ProblemFigures:
    """The problems' figures as of ``day`` (module docstring)."""
    out = ProblemFigures(day)
    for r in day_sums.as_of(store, day.isoformat()):
        unit, key, n = r["unit"], r["key"], r["n"]
        u = out.units.setdefault(unit, ProblemUnit(unit))
        if key == "late":
            u.late += n
            out.late += n
        elif key == "rebound":
            u.rebound += n
            out.rebound += n
        else:
            u.total += n
            u.closed += n * (key == CLOSED)
            out.by_status[key] = out.by_status.get(key, 0) + n
    return out
