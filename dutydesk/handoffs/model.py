"""问题交办: statuses and their life cycle, field labels, and the schedule of one problem
(pure: no store).

Life cycle (DOMAIN.md section 4)::

    未启动 → 整改中 → 已完成 → 已验收 → 已销号
                ↑________|________|          (退回整改, with a reason)
    已销号 --回头看发现反弹--> 整改中 (rebound + 1)

序时推进 / 滞后 and the countdown (倒排工期, "剩5天" / "超期3天") come from the deadline and
``dates.today()``; see :func:`schedule`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import dates


TABLE = "handoffs"
ENTITY = "handoffs"

NOT_STARTED, IN_PROGRESS, COMPLETED, ACCEPTED, CLOSED = "未启动", "整改中", "已完成", "已验收", "已销号"
STATUSES = (NOT_STARTED, IN_PROGRESS, COMPLETED, ACCEPTED, CLOSED)
OPEN_STATUSES = (NOT_STARTED, IN_PROGRESS)
DONE_STATUSES = (COMPLETED, ACCEPTED, CLOSED)
RECHECKABLE = (ACCEPTED, CLOSED)
LONG_TERM = "长期坚持"
PETITION_SOURCE = "信访件"

# Forward steps, and steps back to 整改中 (which need a reason).
FORWARD = {
    NOT_STARTED: (IN_PROGRESS, COMPLETED),
    IN_PROGRESS: (COMPLETED,),
    COMPLETED: (ACCEPTED,),
    ACCEPTED: (CLOSED,),
    CLOSED: (),
}
BACKWARD = {COMPLETED: (IN_PROGRESS,), ACCEPTED: (IN_PROGRESS,)}

DUE_SOON_DAYS = 7
UNDATED_DEADLINES = (LONG_TERM, "长期", "持续整改")  # 整改时限 cells that name a category, not a date
VIEWS = ("全部", "即将到期", "超期", "反弹")
NUMBER_PREFIX = "WT"

# Field labels (Chinese), also the ledger's column names.
LABELS = {
    "problem_no": "问题编号",
    "source": "来源",
    "description": "问题描述",
    "region": "行政区域",
    "lead_unit": "牵头单位",
    "coop_units": "配合单位",
    "owner": "责任人",
    "owner_phone": "联系电话",
    "target": "整改目标",
    "measures": "整改措施",
    "deadline": "整改时限",
    "deadline_category": "时限类别",
    "assigned_on": "交办日期",
    "status": "状态",
    "started_on": "开始整改日期",
    "completed_on": "完成日期",
    "accepted_on": "验收日期",
    "accepted_by": "验收人",
    "acceptance_note": "验收情况",
    "closed_on": "销号日期",
    "closed_by": "销号人",
    "close_basis": "销号依据",
    "rebound": "反弹次数",
    "note": "备注",
    "date": "日期",
    "content": "进展",
    "checker": "检查人",
    "finding": "发现情况",
    "came_back": "是否反弹",
    "petition": "关联信访件",
}

# Fields a user edits on the problem itself (status and its dates change only through
# :func:`change_status` / :func:`recheck`).
EDITABLE = ("problem_no", "source", "description", "region", "lead_unit", "coop_units", "owner",
            "owner_phone", "target", "measures", "deadline", "deadline_category", "assigned_on", "note")


# -- schedule (倒排工期 / 序时推进 / 滞后) ---------------------------------------------------
@dataclass(frozen=True)
class Schedule:
    days_left: int | None  # None: no deadline or already done
    countdown: str  # 剩5天 / 今天到期 / 超期3天 / 未定时限 / 长期坚持 / "" (done)
    pace: str  # 序时推进 / 滞后 / 按期完成 / 逾期完成 / 已完成
    late: bool  # open and past its deadline


def schedule(status: str, deadline: str | dt.date | None, today: dt.date, *,
             completed_on: str | dt.date | None = None, category: str = "") -> Schedule:
    """Countdown and pace of one problem on ``today``."""
    deadline = dates.from_iso(deadline) if isinstance(deadline, str) else deadline
    completed = dates.from_iso(completed_on) if isinstance(completed_on, str) else completed_on
    if status in DONE_STATUSES:
        if deadline is None or completed is None:
            pace = "按期完成" if deadline is None else "已完成"
        else:
            pace = "按期完成" if completed <= deadline else "逾期完成"
        return Schedule(None, "", pace, False)
    if deadline is None:
        return Schedule(None, LONG_TERM if category == LONG_TERM else "未定时限", "序时推进", False)
    days = (deadline - today).days
    if days > 0:
        countdown = f"剩{days}天"
    elif days == 0:
        countdown = "今天到期"
    else:
        countdown = f"超期{-days}天"
    return Schedule(days, countdown, "滞后" if days < 0 else "序时推进", days < 0)


def status_text(status: str, rebound: int) -> str:
    """状态 as listed: a reopened problem says so (``整改中（反弹）``)."""
    return f"{status}（反弹）" if rebound and status != CLOSED else status


def rebound_text(rebound: int) -> str:
    if not rebound:
        return ""
    return "反弹" if rebound == 1 else f"反弹{rebound}次"
