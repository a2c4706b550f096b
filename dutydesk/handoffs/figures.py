"""问题交办 figures as of a date, per 牵头单位 and in total (the 态势 screen, ``dutydesk stats``).

The rules, "as of" day D:

- a problem counts once its status log has an entry dated on or before D (one without any
  entry, as none should be, counts with its current status); its status is the latest such
  entry (by business date, then entry);
- 滞后: 未启动 or 整改中 as of D, with a 整改时限 before D;
- 反弹: problems a 回头看 found back (反弹) on or before D;
- 销号率: 已销号 / counted problems.

As of today these are ``service.summary``'s figures. The counts come from a covering index
over the live problems' current status; the few problems whose status changed (or came back)
after D are read again from their log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..store.db import Store
from .model import CLOSED, OPEN_STATUSES, STATUSES


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

    def count(self, unit: str, status: str, *, late: bool, rebound: bool, n: int = 1) -> None:
        u = self.units.setdefault(unit, ProblemUnit(unit))
        u.total += n
        u.closed += n * (status == CLOSED)
        u.late += n * late
        u.rebound += n * rebound
        self.by_status[status] = self.by_status.get(status, 0) + n
        self.late += n * late
        self.rebound += n * rebound


_CHANGED_AFTER = ("SELECT handoff_id FROM handoff_status_log INDEXED BY handoff_status_log_date WHERE date > ?1 "
                  "UNION SELECT handoff_id FROM handoff_rechecks WHERE came_back AND deleted_at IS NULL AND date > ?1")
_OPEN = "('" + "', '".join(OPEN_STATUSES) + "')"


def problem_figures(store: Store, day: dt.date) -> ProblemFigures:
    """The problems' figures as of ``day`` (module docstring)."""
    d = day.isoformat()
    out = ProblemFigures(day)
    for r in store.query(
            f"""SELECT lead_unit, status, status IN {_OPEN} AND deadline < ?1 AS late, rebound > 0 AS came_back,
                       count(*) AS n
                FROM handoffs INDEXED BY handoffs_figures
                WHERE deleted_at IS NULL AND id NOT IN ({_CHANGED_AFTER})
                GROUP BY lead_unit, status, late, came_back""", [d]):
        out.count(r["lead_unit"], r["status"], late=bool(r["late"]), rebound=bool(r["came_back"]), n=r["n"])
    for r in store.query(
            f"""SELECT h.lead_unit, h.deadline, h.rebound,
                       (SELECT l.to_status FROM handoff_status_log l WHERE l.handoff_id = h.id AND l.date <= ?1
                        ORDER BY l.date DESC, l.id DESC LIMIT 1) AS status_then,
                       (SELECT count(*) FROM handoff_rechecks k WHERE k.handoff_id = h.id AND k.came_back
                        AND k.deleted_at IS NULL AND k.date > ?1) AS later_rebounds
                FROM handoffs h WHERE h.deleted_at IS NULL AND h.id IN ({_CHANGED_AFTER})""", [d]):
        status = r["status_then"]
        if status is None:  # not handed over yet on the day
            continue
        late = status in OPEN_STATUSES and bool(r["deadline"]) and r["deadline"] < d
        out.count(r["lead_unit"], status, late=late, rebound=r["rebound"] - r["later_rebounds"] > 0)
    return out
