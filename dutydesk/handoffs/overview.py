"""态势: petitions and problems as of a date, joined per unit, for the screen and ``dutydesk stats``.

The petition side is :mod:`dutydesk.petitions.overview` (the figures the bulletin's sentences
and its appendix use); the problem side is :mod:`.figures`. A unit's row joins its petitions
(by 行政区域) and the problems it leads (牵头单位).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..exporters.stats_table import INT, PCT, TEXT, TOTAL_LABEL, Figure, StatsReport, StatsTable
from ..petitions.overview import NO_UNIT, NOTES, PetitionFigures, UnitFigures, petition_figures, unit_cells
from ..refdata import list_units
from ..store.db import Store
from .figures import ProblemFigures, ProblemUnit, problem_figures

TABLE_TITLE = "各单位信访件及问题交办情况统计表"
REPORT_TITLE = "信访件及问题交办情况统计"
HEADERS = ["单位", "转办", "已办结", "阶段性办结", "未办结", "超期", "办结率", "问题数", "已销号"]
KINDS = [TEXT, INT, INT, INT, INT, INT, PCT, INT, INT]
PROBLEM_NOTE = "问题数为该单位牵头整改的交办问题（截至统计日已交办），已销号为其中截至统计日已销号的问题。"


@dataclass
class UnitRow:
    unit: str  # the unit's name ("" when a petition names none; 合计 for the total)
    label: str
    petitions: UnitFigures
    problems: ProblemUnit

    def cells(self) -> list:
        return [*unit_cells(self.petitions), self.problems.total, self.problems.closed]


@dataclass
class Overview:
    day: dt.date
    petitions: PetitionFigures
    problems: ProblemFigures
    rows: list[UnitRow]
    total: UnitRow

    def sections(self) -> list[tuple[str, list[Figure]]]:
        t, p = self.petitions.total, self.problems
        petitions = [Figure("累计转办", t.transferred, unit="件"), Figure("已办结", t.closed, unit="件"),
                     Figure("阶段性办结", t.partial, unit="件"), Figure("未办结", t.open, unit="件"),
                     Figure("办结率", t.rate if t.transferred else None, PCT), Figure("超期", t.overdue, unit="件"),
                     Figure("今日到期", t.due_today, unit="件"), Figure("重点件", self.petitions.key_cases, unit="件"),
                     Figure("重复件", self.petitions.repeats, unit="件")]
        problems = [Figure("问题数", p.total, unit="个"),
                    *[Figure(status, n, unit="个") for status, n in p.by_status.items()],
                    Figure("滞后", p.late, unit="个"), Figure("反弹", p.rebound, unit="个"),
                    Figure("销号率", p.rate, PCT)]
        return [("信访件", petitions), ("问题交办", problems)]

    def table(self) -> StatsTable:
        return StatsTable(TABLE_TITLE, self.day.isoformat(), list(HEADERS), list(KINDS),
                          [r.cells() for r in [*self.rows, self.total]], [*NOTES, PROBLEM_NOTE])

    def report(self) -> StatsReport:
        return StatsReport(REPORT_TITLE, self.day.isoformat(), self.sections(), self.table())


def overview(store: Store, day: dt.date) -> Overview:
    """Both sides as of ``day``, and the per-unit rows in the reference list's order: every
    县市区, then any other unit with petitions or problems."""
    pet = petition_figures(store, day)
    prob = problem_figures(store, day)
    by_unit = {r.unit: r for r in pet.units}
    order = {u.name: (i, u.display) for i, u in enumerate(list_units(store, include_inactive=True))}
    names = [r.unit for r in pet.units] + sorted((u for u, pu in prob.units.items() if pu.total and u not in by_unit),
                                                key=lambda u: (order.get(u, (10**6, u))[0], u))
    names.sort(key=lambda u: (order.get(u, (10**6, u))[0], u == "", u))
    rows = []
    for name in names:
        pf = by_unit.get(name) or UnitFigures(name, order.get(name, (0, name))[1] or name or NO_UNIT)
        rows.append(UnitRow(name, pf.label, pf, prob.units.get(name) or ProblemUnit(name)))
    total_problems = ProblemUnit(TOTAL_LABEL, prob.total, prob.closed, prob.late, prob.rebound)
    return Overview(day, pet, prob, rows, UnitRow(TOTAL_LABEL, TOTAL_LABEL, pet.total, total_problems))
