"""Status changes along the life cycle (see :mod:`.model`): which steps are allowed, and
moving a problem (完成, 验收, 销号, 退回整改) with its dates and the status log."""

from __future__ import annotations

from typing import Any

from ..errors import ConflictError, UserError
from ..store import records
from ..store.db import Store
from ..text import clean, clean_line
from .model import ACCEPTED, BACKWARD, CLOSED, COMPLETED, ENTITY, FORWARD, IN_PROGRESS, STATUSES, TABLE
from .problems import get, log_status
from .when import business_date


def allowed_next(status: str) -> tuple[str, ...]:
    """The statuses a problem in ``status`` may move to by a status change."""
    return FORWARD.get(status, ()) + BACKWARD.get(status, ())


def check_transition(current: str, target: str) -> None:
    """Refuse an illegal status change with a clear Chinese message."""
    if target not in STATUSES:
        raise UserError(f"未知的状态：{clean_line(target)[:20]}（可选：{'、'.join(STATUSES)}）")
    if target == current:
        raise UserError(f"问题已是“{current}”状态")
    if current == CLOSED:
        raise UserError("已销号的问题不能直接变更状态；如回头看发现问题反弹，请录入回头看记录（发现反弹会自动重新打开）")
    if target == CLOSED and current != ACCEPTED:
        raise UserError(f"未经验收不能销号：当前状态为“{current}”，请先完成整改并验收（变更为“已验收”，填写验收人和验收日期）")
    if target not in allowed_next(current):
        nxt = "、".join(f"“{s}”" for s in allowed_next(current))
        raise UserError(f"不能从“{current}”直接变更为“{target}”（当前只能变更为：{nxt}）")


def change_status(store: Store, handoff_id: int, target: str, *, on: Any = None, by: str = "", basis: str = "",
                  note: str = "", expected_version: int | None = None) -> dict:
    """Move a problem to ``target``.

    - 已完成: ``on`` = completion date (default today).
    - 已验收: ``by`` (验收人/单位) required, ``on`` = acceptance date, ``basis`` = 验收情况.
    - 已销号: only after 验收; ``by``, ``basis`` (销号依据) required, ``on`` = closure date.
    - back to 整改中 (验收未通过 / 验收后发现问题): ``basis`` or ``note`` (the reason) required.
    Returns the updated row.
    """
    target = clean_line(target)
    by, basis, note = clean_line(by), clean(basis).strip(), clean(note).strip()
    with store.write():
        row = get(store, handoff_id)
        if expected_version is not None and row["version"] != expected_version:
            raise ConflictError("该问题已被其他人修改，请刷新后再试", current=row)
        current = row["status"]
        check_transition(current, target)
        changes: dict[str, Any] = {"status": target}
        if target in BACKWARD.get(current, ()):
            reason = basis or note
            if not reason:
                raise UserError(f"退回“{target}”须说明原因（如：验收未通过的理由）")
            day = business_date(on, "退回日期")
            changes.update(completed_on=None, accepted_on=None, accepted_by="", acceptance_note="")
            log = dict(date=day, by_whom=by, basis=reason, note=note if basis else "")
        elif target == IN_PROGRESS:
            day = business_date(on, "开始整改日期", not_before=row["assigned_on"], not_before_label="交办日期")
            changes["started_on"] = day
            log = dict(date=day, by_whom=by, basis=basis, note=note)
        elif target == COMPLETED:
            day = business_date(on, "完成日期", not_before=row["started_on"] or row["assigned_on"],
                                 not_before_label="开始整改日期" if row["started_on"] else "交办日期")
            changes["completed_on"] = day
            if not row["started_on"]:
                changes["started_on"] = day
            log = dict(date=day, by_whom=by, basis=basis, note=note)
        elif target == ACCEPTED:
            if not by:
                raise UserError("验收须填写验收人（或验收单位）")
            day = business_date(on, "验收日期", not_before=row["completed_on"], not_before_label="完成日期")
            changes.update(accepted_on=day, accepted_by=by, acceptance_note=basis)
            log = dict(date=day, by_whom=by, basis=basis, note=note)
        else:  # CLOSED
            if not (row["accepted_on"] and row["accepted_by"]):
                raise UserError("未经验收不能销号：该问题缺少验收人或验收日期，请先重新验收")
            if not by:
                raise UserError("销号须填写销号人（或批准单位）")
            if not basis:
                raise UserError("销号须填写销号依据（如：验收意见、公示情况）")
            day = business_date(on, "销号日期", not_before=row["accepted_on"], not_before_label="验收日期")
            changes.update(closed_on=day, closed_by=by, close_basis=basis)
            log = dict(date=day, by_whom=by, basis=basis, note=note)
        updated = records.update(store, TABLE, int(handoff_id), changes, entity=ENTITY,
                                 action=f"变更状态：{current} → {target}")
        log_status(store, int(handoff_id), current, target, **log)
    return updated
