"""The steps of each import the screens start (petitions, results, roster, handoffs)."""

from __future__ import annotations

from pathlib import Path

from ....handoffs import io as handoffs_io
from ....petitions import io as petitions_io
from ....roster import transfer
from . import plans
from .flow import ImportSteps

REPEATS_SHOWN = 200  # an import's repeat candidates offered in one dialog (the screen lists those it has labels of)


def petitions_steps(screen, path: Path, batch: int | None, day) -> ImportSteps:
    def done(result: petitions_io.ImportResult) -> None:
        numbers = dict(zip(result.created, (r.values["case_no"] for r in result.stored or [])))  # as stored
        labels = {pid: numbers[pid] for pid, _ in result.candidates[:REPEATS_SHOWN]}
        screen._imported(result, labels)

    return ImportSteps(
        title=f"导入信访件：{path.name}",
        plan=lambda store, progress: petitions_io.plan_import(store, path, batch=batch, day=day, add_units=True,
                                                              progress=progress),
        preview=plans.petitions_preview,
        apply=lambda store, plan, answer, progress: petitions_io.apply_import(store, plan, progress=progress),
        done=done, aliases=petitions_io.PETITION_ALIASES)


def results_steps(screen, path: Path) -> ImportSteps:
    return ImportSteps(
        title=f"导入办理结果：{path.name}",
        plan=lambda store, progress: petitions_io.plan_results(store, path, progress=progress),
        preview=plans.results_preview,
        apply=lambda store, plan, answer, progress: petitions_io.apply_results(store, plan),
        done=lambda plan: screen.after_change(plan.report()), aliases=petitions_io.RESULT_ALIASES)


def roster_steps(screen, path: Path) -> ImportSteps:
    def done(result: transfer.ImportResult) -> None:
        screen.notify(result.summary(), title="导入完成", timeout=12 if result.streaks else 10, markup=False,
                      severity="warning" if result.streaks else "information")
        screen.refresh_data()

    return ImportSteps(
        title=f"导入值班表：{path.name}",
        plan=lambda store, progress: transfer.plan_roster(store, path, progress=progress),
        preview=plans.roster_preview,
        apply=lambda store, plan, answer, progress: transfer.apply_roster(store, plan),
        done=done, aliases=transfer.ALIASES)


def handoffs_steps(screen, path: Path) -> ImportSteps:
    return ImportSteps(
        title=f"导入整改台账：{path.name}",
        plan=lambda store, progress: handoffs_io.plan_import(store, path, add_units=True, progress=progress),
        preview=plans.handoffs_preview,
        apply=lambda store, plan, answer, progress: handoffs_io.apply_import(store, plan, progress=progress),
        done=lambda result: screen.after_change(result.summary()), aliases=handoffs_io.ALIASES)
