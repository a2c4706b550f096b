"""问题交办 domain: problems, their life cycle, progress, 回头看 and the per-unit summary.

Plain functions over the store (no UI imports). Every write is audited under the entity
``handoffs`` (so one history shows edits, status changes, progress and re-checks); status
changes are also kept, append-only, in ``handoff_status_log``.

Life cycle (DOMAIN.md section 4)::

    未启动 → 整改中 → 已完成 → 已验收 → 已销号
                ↑________|________|          (退回整改, with a reason)
    已销号 --回头看发现反弹--> 整改中 (rebound + 1)

序时推进 / 滞后 and the countdown (倒排工期, "剩5天" / "超期3天") come from the deadline and
``dates.today()``; see :func:`schedule`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Iterable

from .. import dates
from ..dates import now_iso
from ..errors import ConflictError, UserError
from ..refdata import resolve_unit, vocab
from ..sheets import split_multi
from ..store import records
from ..store.db import Store
from ..text import clean, clean_line

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

_PHONE = re.compile(r"^[0-9+\-()（）、,，/ 转]*$")
MAX_NO = 40


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


# -- reading ---------------------------------------------------------------------------------
def get(store: Store, handoff_id: int) -> dict:
    return records.get(store, TABLE, int(handoff_id))


def by_no(store: Store, problem_no: str) -> dict:
    no = clean_line(problem_no)
    row = store.one(f"SELECT * FROM {TABLE} WHERE problem_no = ? AND deleted_at IS NULL", [no])
    if row is None:
        raise UserError(f"找不到问题编号：{no[:40]}")
    return row


def resolve(store: Store, ref: int | str) -> dict:
    """A problem by id (int) or by 问题编号 (text)."""
    if isinstance(ref, int):
        return get(store, ref)
    return by_no(store, ref)


def progress_entries(store: Store, handoff_id: int) -> list[dict]:
    return store.query(
        "SELECT * FROM handoff_progress WHERE handoff_id=? AND deleted_at IS NULL ORDER BY date, id", [handoff_id]
    )


def latest_progress(store: Store, handoff_id: int) -> dict | None:
    return store.one(
        "SELECT * FROM handoff_progress WHERE handoff_id=? AND deleted_at IS NULL ORDER BY date DESC, id DESC LIMIT 1",
        [handoff_id],
    )


def rechecks(store: Store, handoff_id: int) -> list[dict]:
    return store.query(
        "SELECT * FROM handoff_rechecks WHERE handoff_id=? AND deleted_at IS NULL ORDER BY date, id", [handoff_id]
    )


def status_log(store: Store, handoff_id: int) -> list[dict]:
    return store.query("SELECT * FROM handoff_status_log WHERE handoff_id=? ORDER BY id", [handoff_id])


def petitions_table_exists(store: Store) -> bool:
    return bool(store.scalar("SELECT 1 FROM sqlite_master WHERE type='table' AND name='petitions'"))


def linked_petitions(store: Store, handoff_id: int) -> list[dict]:
    """Linked petitions as ``{id, case_no}`` (case_no empty if the petitions table is absent)."""
    if not petitions_table_exists(store):
        return [{"id": r["petition_id"], "case_no": ""} for r in
                store.query("SELECT petition_id FROM handoff_petitions WHERE handoff_id=?", [handoff_id])]
    return store.query(
        "SELECT p.id, p.case_no FROM handoff_petitions hp JOIN petitions p ON p.id = hp.petition_id "
        "WHERE hp.handoff_id=? ORDER BY p.id", [handoff_id]
    )


# -- validating input ------------------------------------------------------------------------
def _vocab_value(store: Store, kind: str, value: str, label: str, *, required: bool) -> str:
    value = clean_line(value)
    if not value:
        if required:
            raise UserError(f"{label}不能为空（可选：{'、'.join(vocab(store, kind))}）")
        return ""
    allowed = vocab(store, kind, include_inactive=True)
    if value not in allowed:
        raise UserError(f"{label}“{value[:20]}”不在词表中（可选：{'、'.join(vocab(store, kind))}）")
    return value


def _date_or_none(value: Any, label: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return dates.parse_date(value, default_year=dates.today().year).isoformat()
    except UserError as exc:
        raise UserError(f"{label}：{exc}") from None


_MONTH_END = re.compile(r"^\s*(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月\s*(?:底|末)\s*(?:前|之前)?\s*$")
_YEAR_END = re.compile(r"^\s*(\d{4})\s*年\s*(?:底|末)\s*(?:前|之前)?\s*$")


def parse_deadline(value: Any) -> str | None:
    """整改时限 as ledgers write it: a date, ``6月底前``, ``2024年底``; ``长期坚持`` / empty → None."""
    if value is None or isinstance(value, (dt.date, dt.datetime)):
        return _date_or_none(value, "整改时限")
    text = clean_line(value)
    if not text or text in UNDATED_DEADLINES:
        return None
    if m := _YEAR_END.match(text):
        return dt.date(int(m[1]), 12, 31).isoformat()
    if m := _MONTH_END.match(text):
        year, month = int(m[1] or dates.today().year), int(m[2])
        if not 1 <= month <= 12:
            raise UserError(f"整改时限：无法识别的日期：{text[:40]}")
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        return (nxt - dt.timedelta(days=1)).isoformat()
    text = re.sub(r"(?:之前|前)$", "", text)
    return _date_or_none(text, "整改时限")


def _units(store: Store, value: Any) -> str:
    """配合单位 as ``甲、乙``: known units are normalised to their names, others kept as written."""
    items = value if isinstance(value, (list, tuple)) else split_multi(clean(value))
    out: list[str] = []
    for item in items:
        item = clean_line(item)
        if not item:
            continue
        try:
            item = resolve_unit(store, item)
        except UserError:
            pass
        if item not in out:
            out.append(item)
    return "、".join(out)


def clean_problem(store: Store, values: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Validate and clean problem fields; raises :class:`UserError` on the first problem.

    With ``partial`` only the given fields are checked (for edits).
    """
    out: dict[str, Any] = {}
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise UserError(f"未知的字段：{'、'.join(sorted(unknown))}")

    def has(key: str) -> bool:
        return not partial or key in values

    if has("problem_no"):
        no = clean_line(values.get("problem_no", ""))
        if len(no) > MAX_NO:
            raise UserError(f"问题编号过长（最多{MAX_NO}个字符）")
        if partial and not no:
            raise UserError("问题编号不能为空")
        out["problem_no"] = no
    if has("source"):
        out["source"] = _vocab_value(store, "problem_source", values.get("source", ""), "来源", required=True)
    if has("description"):
        desc = clean(values.get("description", "")).strip()
        if not desc:
            raise UserError("问题描述不能为空")
        out["description"] = desc
    if has("region"):
        region = clean_line(values.get("region", ""))
        out["region"] = resolve_unit(store, region) if region else ""
    if has("lead_unit"):
        lead = clean_line(values.get("lead_unit", ""))
        if not lead:
            raise UserError("牵头单位不能为空")
        out["lead_unit"] = resolve_unit(store, lead)
    if has("coop_units"):
        out["coop_units"] = _units(store, values.get("coop_units", ""))
    if has("owner"):
        out["owner"] = clean_line(values.get("owner", ""))[:40]
    if has("owner_phone"):
        phone = clean_line(values.get("owner_phone", ""))
        if len(phone) > 40 or not _PHONE.match(phone):
            raise UserError(f"联系电话格式有误：{phone[:40]}")
        out["owner_phone"] = phone
    for key in ("target", "measures", "note"):
        if has(key):
            out[key] = clean(values.get(key, "")).strip()
    if has("deadline"):
        out["deadline"] = parse_deadline(values.get("deadline"))
    if has("deadline_category"):
        out["deadline_category"] = _vocab_value(store, "deadline_category", values.get("deadline_category", ""),
                                                "时限类别", required=False)
        if (not out["deadline_category"] and not partial
                and clean_line(values.get("deadline") or "") in UNDATED_DEADLINES):
            out["deadline_category"] = LONG_TERM
    if has("assigned_on"):
        out["assigned_on"] = _date_or_none(values.get("assigned_on"), "交办日期")
    if out.get("deadline") and out.get("assigned_on") and out["deadline"] < out["assigned_on"]:
        raise UserError("整改时限不能早于交办日期")
    return out


def next_problem_no(store: Store, year: int | None = None, *, taken: Iterable[str] = ()) -> str:
    """``WT-2024-0001``: the next free serial of the year."""
    year = year or dates.today().year
    prefix = f"{NUMBER_PREFIX}-{year}-"
    serial = 0
    existing = [r["problem_no"] for r in store.query(
        f"SELECT problem_no FROM {TABLE} WHERE problem_no LIKE ?", [prefix + "%"])] + list(taken)
    for no in existing:
        tail = no[len(prefix):] if no.startswith(prefix) else ""
        if tail.isdigit():
            serial = max(serial, int(tail))
    return f"{prefix}{serial + 1:04d}"


def _check_no_free(store: Store, no: str, *, except_id: int | None = None) -> None:
    row = store.one(f"SELECT id, deleted_at FROM {TABLE} WHERE problem_no = ?", [no])
    if row and row["id"] != except_id:
        extra = "（已删除的问题仍占用该编号）" if row["deleted_at"] else ""
        raise UserError(f"问题编号已存在：{no}{extra}")


# -- writing ---------------------------------------------------------------------------------
def create(store: Store, **fields: Any) -> int:
    """Create a problem (status 未启动); returns its id. ``problem_no`` is generated when empty."""
    values = clean_problem(store, fields)
    with store.write():
        if not values.get("problem_no"):
            values["problem_no"] = next_problem_no(store)
        _check_no_free(store, values["problem_no"])
        values["status"] = NOT_STARTED
        hid = records.insert(store, TABLE, values, entity=ENTITY)
        _log_status(store, hid, None, NOT_STARTED, date=values.get("assigned_on") or dates.today().isoformat(),
                    note="新建")
    return hid


def update_problem(store: Store, handoff_id: int, changes: dict[str, Any], *,
                   expected_version: int | None = None) -> dict:
    """Edit problem fields (not the status); raises ``ConflictError`` if someone saved first."""
    values = clean_problem(store, changes, partial=True)
    with store.write():
        if "problem_no" in values:
            _check_no_free(store, values["problem_no"], except_id=int(handoff_id))
        if "deadline" in values or "assigned_on" in values:
            current = get(store, handoff_id)
            deadline = values.get("deadline", current["deadline"])
            assigned = values.get("assigned_on", current["assigned_on"])
            if deadline and assigned and deadline < assigned:
                raise UserError("整改时限不能早于交办日期")
        return records.update(store, TABLE, int(handoff_id), values, expected_version=expected_version, entity=ENTITY)


def _log_status(store: Store, handoff_id: int, from_status: str | None, to_status: str, *, date: str | None,
                by_whom: str = "", basis: str = "", note: str = "") -> None:
    store.execute(
        "INSERT INTO handoff_status_log (handoff_id, at, operator, from_status, to_status, date, by_whom, basis, note) "
        "VALUES (?,?,?,?,?,?,?,?,?)",
        [handoff_id, now_iso(), store.operator, from_status, to_status, date, by_whom, basis, note],
    )


def _business_date(value: Any, label: str, *, not_before: str | None = None, not_before_label: str = "") -> str:
    day = _date_or_none(value, label) or dates.today().isoformat()
    if day > dates.today().isoformat():
        raise UserError(f"{label}不能晚于今天（{dates.cn_date(dates.today())}）")
    if not_before and day < not_before:
        raise UserError(f"{label}不能早于{not_before_label}（{dates.cn_date(not_before)}）")
    return day


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
            day = _business_date(on, "退回日期")
            changes.update(completed_on=None, accepted_on=None, accepted_by="", acceptance_note="")
            log = dict(date=day, by_whom=by, basis=reason, note=note if basis else "")
        elif target == IN_PROGRESS:
            day = _business_date(on, "开始整改日期", not_before=row["assigned_on"], not_before_label="交办日期")
            changes["started_on"] = day
            log = dict(date=day, by_whom=by, basis=basis, note=note)
        elif target == COMPLETED:
            day = _business_date(on, "完成日期", not_before=row["started_on"] or row["assigned_on"],
                                 not_before_label="开始整改日期" if row["started_on"] else "交办日期")
            changes["completed_on"] = day
            if not row["started_on"]:
                changes["started_on"] = day
            log = dict(date=day, by_whom=by, basis=basis, note=note)
        elif target == ACCEPTED:
            if not by:
                raise UserError("验收须填写验收人（或验收单位）")
            day = _business_date(on, "验收日期", not_before=row["completed_on"], not_before_label="完成日期")
            changes.update(accepted_on=day, accepted_by=by, acceptance_note=basis)
            log = dict(date=day, by_whom=by, basis=basis, note=note)
        else:  # CLOSED
            if not (row["accepted_on"] and row["accepted_by"]):
                raise UserError("未经验收不能销号：该问题缺少验收人或验收日期，请先重新验收")
            if not by:
                raise UserError("销号须填写销号人（或批准单位）")
            if not basis:
                raise UserError("销号须填写销号依据（如：验收意见、公示情况）")
            day = _business_date(on, "销号日期", not_before=row["accepted_on"], not_before_label="验收日期")
            changes.update(closed_on=day, closed_by=by, close_basis=basis)
            log = dict(date=day, by_whom=by, basis=basis, note=note)
        updated = records.update(store, TABLE, int(handoff_id), changes, entity=ENTITY,
                                 action=f"变更状态：{current} → {target}")
        _log_status(store, int(handoff_id), current, target, **log)
    return updated


def add_progress(store: Store, handoff_id: int, content: str, *, on: Any = None) -> int:
    """A dated 整改进展 entry. A problem not yet started moves to 整改中."""
    content = clean(content).strip()
    if not content:
        raise UserError("整改进展不能为空")
    with store.write():
        row = get(store, handoff_id)
        if row["status"] == CLOSED:
            raise UserError("已销号的问题不能再添加进展；如回头看发现问题反弹，请录入回头看记录")
        day = _business_date(on, "进展日期")
        pid = records.insert(store, "handoff_progress", {"handoff_id": int(handoff_id), "date": day,
                                                         "content": content})
        store.audit(ENTITY, handoff_id, "添加进展", {"date": day, "content": content})
        if row["status"] == NOT_STARTED:
            records.update(store, TABLE, int(handoff_id), {"status": IN_PROGRESS, "started_on": day},
                           entity=ENTITY, action=f"变更状态：{NOT_STARTED} → {IN_PROGRESS}")
            _log_status(store, int(handoff_id), NOT_STARTED, IN_PROGRESS, date=day, note="添加整改进展，自动转为整改中")
    return pid


def recheck(store: Store, handoff_id: int, *, finding: str, came_back: bool = False, on: Any = None,
            checker: str = "", new_deadline: Any = None) -> int:
    """A 回头看 on an accepted or closed problem. If the problem came back (反弹) it reopens:
    status 整改中, ``rebound`` + 1, acceptance and closure cleared (they stay in the status
    log and the audit), optionally a new deadline."""
    finding, checker = clean(finding).strip(), clean_line(checker)
    if not finding:
        raise UserError("回头看须填写发现情况")
    with store.write():
        row = get(store, handoff_id)
        if row["status"] not in RECHECKABLE:
            raise UserError(f"回头看只针对已验收或已销号的问题（当前状态：{row['status']}）")
        base = row["closed_on"] or row["accepted_on"]
        day = _business_date(on, "回头看日期", not_before=base,
                             not_before_label="销号日期" if row["closed_on"] else "验收日期")
        deadline = _date_or_none(new_deadline, "新的整改时限")
        if deadline and not came_back:
            raise UserError("只有发现反弹时才需要新的整改时限")
        if deadline and deadline < day:
            raise UserError("新的整改时限不能早于回头看日期")
        rid = records.insert(store, "handoff_rechecks", {"handoff_id": int(handoff_id), "date": day,
                                                         "checker": checker, "finding": finding,
                                                         "came_back": int(bool(came_back))})
        store.audit(ENTITY, handoff_id, "回头看", {"date": day, "checker": checker, "finding": finding,
                                                  "came_back": "是" if came_back else "否"})
        if came_back:
            changes: dict[str, Any] = {
                "status": IN_PROGRESS, "rebound": row["rebound"] + 1, "completed_on": None,
                "accepted_on": None, "accepted_by": "", "acceptance_note": "",
                "closed_on": None, "closed_by": "", "close_basis": "",
            }
            if deadline:
                changes["deadline"] = deadline
            records.update(store, TABLE, int(handoff_id), changes, entity=ENTITY,
                           action=f"回头看发现反弹：{row['status']} → {IN_PROGRESS}")
            _log_status(store, int(handoff_id), row["status"], IN_PROGRESS, date=day, by_whom=checker,
                        basis=finding, note="回头看发现反弹，重新打开")
    return rid


def soft_delete(store: Store, handoff_id: int) -> None:
    """Delete a problem (soft: it leaves lists, counts and exports and can be restored)."""
    records.soft_delete(store, TABLE, int(handoff_id), entity=ENTITY)


def undelete(store: Store, handoff_id: int) -> None:
    """Restore a deleted problem (its 问题编号 stayed reserved, so it cannot clash)."""
    records.undelete(store, TABLE, int(handoff_id), entity=ENTITY)


# -- petitions -------------------------------------------------------------------------------
def _require_petitions(store: Store) -> None:
    if not petitions_table_exists(store):
        raise UserError("信访件模块尚未建立（数据库中没有信访件表）")


def find_petition(store: Store, case_no: str) -> int:
    """The id of the petition with 受理编号 ``case_no``."""
    _require_petitions(store)
    case_no = clean_line(case_no)
    if not case_no:
        raise UserError("受理编号不能为空")
    rows = store.query("SELECT id FROM petitions WHERE case_no = ? AND deleted_at IS NULL ORDER BY id", [case_no])
    if not rows:
        raise UserError(f"找不到受理编号为 {case_no[:40]} 的信访件")
    if len(rows) > 1:
        raise UserError(f"受理编号 {case_no[:40]} 对应多件信访件，请在信访件界面核对")
    return rows[0]["id"]


def link_petition(store: Store, handoff_id: int, petition_id: int) -> None:
    _require_petitions(store)
    with store.write():
        get(store, handoff_id)
        p = store.one("SELECT id, case_no FROM petitions WHERE id=? AND deleted_at IS NULL", [petition_id])
        if p is None:
            raise UserError(f"信访件不存在或已删除（#{petition_id}）")
        if store.one("SELECT 1 FROM handoff_petitions WHERE handoff_id=? AND petition_id=?", [handoff_id, petition_id]):
            return
        store.execute("INSERT INTO handoff_petitions (handoff_id, petition_id) VALUES (?,?)", [handoff_id, petition_id])
        store.audit(ENTITY, handoff_id, "关联信访件", {"petition": p["case_no"]})


def problems_for_petition(store: Store, petition_id: int) -> list[dict]:
    """Problems made from a petition (``id``, ``problem_no``, ``status``)."""
    return store.query(
        f"SELECT h.id, h.problem_no, h.status FROM handoff_petitions hp JOIN {TABLE} h ON h.id = hp.handoff_id "
        "WHERE hp.petition_id=? AND h.deleted_at IS NULL ORDER BY h.id", [petition_id]
    )


def create_from_petition(store: Store, petition_id: int, **overrides: Any) -> int:
    """Turn a petition (信访件) into a problem with 来源 信访件 and the link; returns its id.

    Description, 行政区域, 牵头单位 and 配合单位 come from the petition; ``overrides``
    (any field of :func:`create`) win.
    """
    from ..petitions.model import scrub_identity

    _require_petitions(store)
    with store.write():
        p = store.one("SELECT id, case_no, content, unit, lead_unit, coop_units, petitioner_name, petitioner_phone, "
                      "petitioner_address FROM petitions WHERE id=? AND deleted_at IS NULL", [petition_id])
        if p is None:
            raise UserError(f"信访件不存在或已删除（#{petition_id}）")
        existing = problems_for_petition(store, petition_id)
        if existing:
            raise UserError(f"信访件 {p['case_no']} 已生成问题 {existing[0]['problem_no']}")
        fields: dict[str, Any] = {
            "source": PETITION_SOURCE,
            "description": scrub_identity(p["content"] or "", p),  # a ledger leaves the office: no petitioner
            "region": p["unit"] or "",
            "lead_unit": p["lead_unit"] or p["unit"] or "",
            "coop_units": p["coop_units"] or "",
            "note": f"由信访件 {p['case_no']} 生成" if p["case_no"] else "",
        }
        fields.update(overrides)
        hid = create(store, **fields)
        store.execute("INSERT INTO handoff_petitions (handoff_id, petition_id) VALUES (?,?)", [hid, petition_id])
        store.audit(ENTITY, hid, "关联信访件", {"petition": p["case_no"]})
    return hid


# -- lists -----------------------------------------------------------------------------------
LATEST_PROGRESS_SQL = (
    "(SELECT p.date || ' ' || p.content FROM handoff_progress p WHERE p.handoff_id = h.id "
    "AND p.deleted_at IS NULL ORDER BY p.date DESC, p.id DESC LIMIT 1)"
)
OPEN_SQL = "h.status IN ('未启动', '整改中')"


def _filters(unit: str | None, status: str | None, view: str | None, today: dt.date) -> tuple[str, list]:
    where, params = ["h.deleted_at IS NULL"], []
    if unit:
        where.append("(h.lead_unit = ? OR h.region = ? OR ('、' || h.coop_units || '、') LIKE ?)")
        params += [unit, unit, f"%、{unit}、%"]
    if status:
        if status not in STATUSES:
            raise UserError(f"未知的状态：{status}（可选：{'、'.join(STATUSES)}）")
        where.append("h.status = ?")
        params.append(status)
    view = view or "全部"
    if view == "即将到期":
        where.append(f"{OPEN_SQL} AND h.deadline BETWEEN ? AND ?")
        params += [today.isoformat(), (today + dt.timedelta(days=DUE_SOON_DAYS)).isoformat()]
    elif view == "超期":
        where.append(f"{OPEN_SQL} AND h.deadline < ?")
        params.append(today.isoformat())
    elif view == "反弹":
        where.append("h.rebound > 0")
    elif view != "全部":
        raise UserError(f"未知的视图：{view}（可选：{'、'.join(VIEWS)}）")
    return " AND ".join(where), params


ORDER_SQL = (f"ORDER BY CASE WHEN {OPEN_SQL} THEN 0 ELSE 1 END, h.deadline IS NULL, h.deadline, "
             "h.problem_no")


def decorate(row: dict, today: dt.date) -> dict:
    """Add the derived display fields (倒排, 进度, 状态 text, 反弹 text) to a row."""
    s = schedule(row["status"], row["deadline"], today, completed_on=row.get("completed_on"),
                 category=row.get("deadline_category") or "")
    row["countdown"] = s.countdown
    row["pace"] = s.pace
    row["late"] = s.late
    row["days_left"] = s.days_left
    row["status_text"] = status_text(row["status"], row["rebound"])
    row["rebound_text"] = rebound_text(row["rebound"])
    row["deadline_text"] = dates.cn_date(row["deadline"]) if row["deadline"] else (
        LONG_TERM if row.get("deadline_category") == LONG_TERM else "")
    return row


def page(store: Store, *, offset: int = 0, limit: int = 100, unit: str | None = None, status: str | None = None,
         view: str | None = None, today: dt.date | None = None) -> tuple[list[dict], int]:
    """One page of problems, open ones first by deadline (overdue first); with derived fields."""
    today = today or dates.today()
    where, params = _filters(unit, status, view, today)
    total = store.scalar(f"SELECT COUNT(*) FROM {TABLE} h WHERE {where}", params)
    rows = store.query(
        f"SELECT h.*, {LATEST_PROGRESS_SQL} AS latest FROM {TABLE} h WHERE {where} {ORDER_SQL} LIMIT ? OFFSET ?",
        params + [limit, offset],
    )
    return [decorate(r, today) for r in rows], total


def iter_all(store: Store, *, unit: str | None = None, status: str | None = None, view: str | None = None,
             today: dt.date | None = None, batch: int = 500) -> Iterable[dict]:
    """All matching problems in list order, fetched page by page (for exports and the CLI)."""
    offset = 0
    while True:
        rows, total = page(store, offset=offset, limit=batch, unit=unit, status=status, view=view, today=today)
        yield from rows
        offset += batch
        if offset >= total or not rows:
            return


def alert_counts(store: Store, today: dt.date | None = None) -> dict[str, int]:
    """Open problems past their deadline, due within ``DUE_SOON_DAYS``, and reopened after 反弹."""
    today = today or dates.today()
    row = store.one(
        f"""SELECT SUM({OPEN_SQL} AND h.deadline < ?) AS late,
                   SUM({OPEN_SQL} AND h.deadline BETWEEN ? AND ?) AS due_soon,
                   SUM(h.rebound > 0 AND h.status <> '已销号') AS rebound_open
            FROM {TABLE} h WHERE h.deleted_at IS NULL""",
        [today.isoformat(), today.isoformat(), (today + dt.timedelta(days=DUE_SOON_DAYS)).isoformat()],
    ) or {}
    return {k: int(row.get(k) or 0) for k in ("late", "due_soon", "rebound_open")}


SUMMARY_COLUMNS = [
    ("unit", "牵头单位"), ("total", "问题总数"), ("not_started", "未启动"), ("in_progress", "整改中"),
    ("completed", "已完成"), ("accepted", "已验收"), ("closed", "已销号"), ("late", "滞后"),
    ("rebound", "反弹"), ("close_rate", "销号率"),
]


def summary(store: Store, today: dt.date | None = None) -> list[dict]:
    """Per 牵头单位: total, each status, late (open and past the deadline), rebounds, closure rate.

    The last row is 合计. Units follow the reference list's order.
    """
    today = today or dates.today()
    rows = store.query(
        f"""
        SELECT h.lead_unit AS unit,
               COUNT(*) AS total,
               SUM(h.status = '未启动') AS not_started,
               SUM(h.status = '整改中') AS in_progress,
               SUM(h.status = '已完成') AS completed,
               SUM(h.status = '已验收') AS accepted,
               SUM(h.status = '已销号') AS closed,
               SUM({OPEN_SQL} AND h.deadline IS NOT NULL AND h.deadline < ?) AS late,
               SUM(h.rebound > 0) AS rebound
        FROM {TABLE} h LEFT JOIN units u ON u.name = h.lead_unit
        WHERE h.deleted_at IS NULL
        GROUP BY h.lead_unit
        ORDER BY COALESCE(MIN(u.sort), 1e9), h.lead_unit
        """,
        [today.isoformat()],
    )
    keys = [k for k, _ in SUMMARY_COLUMNS if k not in ("unit", "close_rate")]
    total = {"unit": "合计", **{k: sum(r[k] or 0 for r in rows) for k in keys}}
    out = []
    for r in [*rows, total]:
        r = {k: (r[k] or 0) if k != "unit" else r[k] for k in ["unit", *keys]}
        r["close_rate"] = f"{r['closed'] * 100 / r['total']:.0f}%" if r["total"] else "—"
        out.append(r)
    return out


# -- text ------------------------------------------------------------------------------------
def describe(store: Store, handoff_id: int, today: dt.date | None = None) -> str:
    """The detail of one problem as readable text (detail pane, ``handoffs show``)."""
    today = today or dates.today()
    row = decorate(get(store, handoff_id), today)
    d = dates.cn_date
    lines = [
        f"{row['problem_no']}  【{row['source']}】  {row['status_text']}"
        + (f"  {row['countdown']}" if row["countdown"] else "") + f"  {row['pace']}",
        f"问题描述：{row['description']}",
        f"行政区域：{row['region'] or '—'}    牵头单位：{row['lead_unit']}    配合单位：{row['coop_units'] or '—'}",
        f"责任人：{row['owner'] or '—'} {row['owner_phone']}".rstrip(),
        f"整改时限：{row['deadline_text'] or '未定'}（{row['deadline_category'] or '未分类'}）"
        f"    交办日期：{d(row['assigned_on']) if row['assigned_on'] else '—'}",
        f"整改目标：{row['target'] or '—'}",
        f"整改措施：{row['measures'] or '—'}",
    ]
    if row["completed_on"]:
        lines.append(f"完成日期：{d(row['completed_on'])}")
    if row["accepted_on"]:
        lines.append(f"验收：{d(row['accepted_on'])} {row['accepted_by']}"
                     + (f"，{row['acceptance_note']}" if row["acceptance_note"] else ""))
    if row["closed_on"]:
        lines.append(f"销号：{d(row['closed_on'])} {row['closed_by']}，依据：{row['close_basis']}")
    if row["rebound"]:
        lines.append(f"反弹：回头看发现反弹 {row['rebound']} 次")
    pets = linked_petitions(store, row["id"])
    if pets:
        lines.append("关联信访件：" + "、".join(p["case_no"] or f"#{p['id']}" for p in pets))
    if row["note"]:
        lines.append(f"备注：{row['note']}")
    prog = progress_entries(store, row["id"])
    lines.append(f"整改进展（{len(prog)}条）：" + ("" if prog else "无"))
    for p in reversed(prog):
        lines.append(f"  {d(p['date'])}  {p['content']}")
    checks = rechecks(store, row["id"])
    if checks:
        lines.append(f"回头看（{len(checks)}次）：")
        for c in checks:
            lines.append(f"  {d(c['date'])}  {c['checker'] or ''}  {'发现反弹' if c['came_back'] else '未反弹'}：{c['finding']}")
    log = status_log(store, row["id"])
    lines.append("状态记录：")
    for item in log:
        extra = "，".join(x for x in (item["by_whom"], item["basis"], item["note"]) if x)
        lines.append(f"  {d(item['date']) if item['date'] else ''}  {item['from_status'] or '—'} → {item['to_status']}"
                     f"  （{item['operator']} {item['at']}）" + (f"  {extra}" if extra else ""))
    return "\n".join(lines)


def progress_summary(entries: list[dict], limit: int = 3, *, sep: str = "；") -> str:
    """The latest entries as ``3月13日：…；3月10日：…`` (newest first)."""
    parts = [f"{dates.cn_date(p['date'], year=False)}：{p['content']}" for p in reversed(entries[-limit:])]
    return sep.join(parts)


def recheck_summary(entries: list[dict]) -> str:
    return "；".join(
        f"{dates.cn_date(c['date'], year=False)}{'发现反弹' if c['came_back'] else '未反弹'}：{c['finding']}" for c in entries
    )
