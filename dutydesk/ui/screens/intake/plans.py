"""The previews of the four imports, made from their plans (nothing is written to make them)."""

from __future__ import annotations

from ....errors import ValidationError
from ....handoffs import io as handoffs_io
from ....petitions import io as petitions_io
from ....roster import transfer
from ....sheets import Sheet
from .preview import PREVIEW_ROWS, PreviewInfo


def _source(sheet: Sheet | None) -> str:
    if sheet is None:
        return ""
    where = f"读取：{sheet.name or sheet.path.name}"
    if len(sheet.names) > 1:
        where += f"（文件中共 {len(sheet.names)} 个：{'、'.join(sheet.names)[:120]}）"
    return where + f"；表头在第 {sheet.header_row} 行"


def _mapped(sheet: Sheet | None, labels: dict[str, str]) -> list[tuple[str, str]]:
    if sheet is None:
        return []
    return [(header, labels.get(f, f)) for header, f in sheet.mapping.items()]


def _labels(aliases: dict[str, list[str]]) -> dict[str, str]:
    """A field's name as officers write it: the key when it is Chinese, else its first alias."""
    return {f: (f if not f.isascii() else (names[0] if names else f)) for f, names in aliases.items()}


def _info(title: str, sheet: Sheet | None, labels: dict[str, str], **kw) -> PreviewInfo:
    return PreviewInfo(title=title, source=_source(sheet), mapped=_mapped(sheet, labels),
                       ignored=list(sheet.ignored) if sheet else [], **kw)


PETITION_LABELS = {**_labels(petitions_io.PETITION_ALIASES), "lead_unit": "牵头责任单位", "coop_units": "配合单位",
                   "repeat": "是否重复件", "key_case": "是否重点件"}


def problems_preview(title: str, error: ValidationError, aliases: dict[str, list[str]]) -> PreviewInfo:
    """A file with problems: what was read, and every problem with its row number (Esc only)."""
    return _info(title, getattr(error, "sheet", None), _labels(aliases), problems=list(error.problems),
                 counts=str(error), can_import=False)


def petitions_preview(plan: petitions_io.ImportPlan) -> PreviewInfo:
    rows = [[r.number, f"第{r.batch_no}批", r.values["case_no"], r.values["content"], r.values["unit"],
             r.values.get("pollution_types", ""), r.values.get("lead_unit", ""), r.values.get("due_date") or ""]
            for r in plan.rows[:PREVIEW_ROWS]]
    return _info(f"导入预览：{plan.path.name}", plan.sheet, PETITION_LABELS,
                 columns=["行", "批次", "受理编号", "交办问题基本情况", "行政区域", "污染类型", "牵头责任单位", "办理时限"],
                 rows=rows, counts=plan.report(applied=False), new_units=dict(plan.new_unit_rows))


def results_preview(plan: petitions_io.ResultsImport) -> PreviewInfo:
    rows = [[r.number, r.case_no, r.values.get("kind", ""), r.values.get("date") or "", r.values.get("truth", ""),
             "与已录入的相同" if r.unchanged else "将录入"] for r in plan.rows[:PREVIEW_ROWS]]
    return _info(f"导入结果预览：{plan.path.name}", plan.sheet, _labels(petitions_io.RESULT_ALIASES),
                 columns=["行", "受理编号", "办结情况", "办结日期", "是否属实", "处理"], rows=rows, counts=plan.report(),
                 can_import=any(not r.unchanged for r in plan.rows))


def roster_preview(plan: transfer.RosterPlan) -> PreviewInfo:
    rows = [[r.number, r.date.isoformat(), r.shift, r.leader, "、".join(r.officers), r.note]
            for r in plan.items[:PREVIEW_ROWS]]
    return _info(f"导入值班表预览：{plan.path.name}", plan.sheet, _labels(transfer.ALIASES),
                 columns=["行", "日期", "班次", "带班领导", "值班人员", "备注"], rows=rows, counts=plan.report())


def handoffs_preview(plan: handoffs_io.ImportPlan) -> PreviewInfo:
    numbers = [r.number for r in plan.rows]
    rows = [[n, p.values.get("problem_no") or "（自动编号）", p.values.get("source", ""), p.values.get("description", ""),
             p.values.get("lead_unit", ""), p.values.get("deadline") or "", p.status]
            for n, p in list(zip(numbers, plan.planned))[:PREVIEW_ROWS]]
    return _info(f"导入整改台账预览：{plan.path.name}", plan.sheet, _labels(handoffs_io.ALIASES),
                 columns=["行", "问题编号", "来源", "问题描述", "牵头单位", "整改时限", "状态"], rows=rows,
                 counts=plan.report(), new_units=dict(plan.new_unit_rows))
