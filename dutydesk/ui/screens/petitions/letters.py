"""交办通知 (key n, for the batch under the cursor) and 催办通知 (key c) from the 信访件 screen:
the two forms, and the writing in a thread worker on its own connection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from .... import dates, refdata
from ....errors import UserError
from ....petitions import letter_log
from ....petitions.batches import get_batch, list_batches
from ....petitions.rows import get_petition
from ....text import clean_line
from ...base import ask_overwrite
from ...modals import FormModal, field
from ...workers import run_in_thread
from .files import GROUP  # one file job at a time on this screen
from ...widgets.checkbox import Checkbox

if TYPE_CHECKING:
    from .screen import PetitionsScreen


def _folder(value: str, default: Path) -> Path:
    text = clean_line(value)
    return Path(text).expanduser() if text else default


# -- 交办通知 ---------------------------------------------------------------------------------
@dataclass
class NoticeRequest:
    batch_no: int
    unit: str  # "" = every lead unit of the batch
    fmt: str  # docx / xlsx
    folder: Path
    with_contact: bool


class NoticeForm(FormModal[NoticeRequest]):
    """Which batch (the one under the cursor), which unit, which file, where."""

    FOCUS = "batch"

    def __init__(self, store, batches: list[dict], batch_no: int | None, folder: Path):
        self.batches, self.folder = batches, folder
        super().__init__(store, initial={"batch": batch_no, "fmt": "docx", "folder": str(folder)},
                         title="生成交办通知（每个牵头责任单位一份）")

    def compose_fields(self) -> ComposeResult:
        yield field("批次", Select([(f"第{b['no']}批（{dates.cn_date(b['date'], year=False)}转办，{b['total']}件）", b["no"])
                                   for b in self.batches], id="batch", prompt="选择批次"))
        yield field("牵头责任单位", Select([(u, u) for u in refdata.unit_names(self.store)], id="unit",
                                        prompt="全部（每个单位一份）"))
        yield field("文件", Select([("交办通知（Word .docx，公文格式）", "docx"),
                                  ("办理结果表（Excel .xlsx，单位填报后可导回）", "xlsx")], id="fmt", allow_blank=False))
        yield field("保存到文件夹", Input(id="folder"))
        yield Checkbox("附信访人姓名、电话、地址（供承办单位回访；标注注意保密，文件仅本人可读）", id="with_contact")

    def build(self, values: dict[str, Any]) -> NoticeRequest:
        if values["batch"] in ("", None):
            raise UserError("请选择批次")
        return NoticeRequest(int(values["batch"]), values["unit"] or "", values["fmt"] or "docx",
                             _folder(values["folder"], self.folder), bool(values["with_contact"]))


def _batch_under_cursor(screen: "PetitionsScreen") -> int | None:
    rid = screen.table.selected_id
    if rid is not None:
        try:
            return get_petition(screen.store, int(rid))["batch_no"]
        except UserError:
            pass
    batch_id = screen.filter_value("#pf-batch")
    return get_batch(screen.store, batch_id)["no"] if batch_id else None


def open_notice(screen: "PetitionsScreen") -> None:
    from ....petitions.export import export_dir
    from ....petitions.letters import notice_targets, write_notices

    batches = list_batches(screen.store)
    if not batches:
        screen.notify("还没有批次：请先按 i 导入督察组的转办表", severity="warning", markup=False)
        return

    def start(req: NoticeRequest, force: bool) -> None:
        screen.notify(f"正在生成第{req.batch_no}批的交办通知…", markup=False)
        what = "交办通知" if req.fmt == "docx" else "办理结果表"
        run_in_thread(screen, lambda store: write_notices(store, req.batch_no, unit=req.unit or None, fmt=req.fmt,
                                                          out_dir=req.folder, with_contact=req.with_contact,
                                                          force=force),
                      group=GROUP, failed=f"未生成{what}", done=lambda paths: _written(screen, what, paths, ""))

    def done(req: NoticeRequest | None) -> None:
        if req:  # a file dutydesk did not write at one of the names: asked first
            try:
                targets = notice_targets(screen.store, req.batch_no, unit=req.unit or None, fmt=req.fmt,
                                         out_dir=req.folder, with_contact=req.with_contact)
            except UserError:
                targets = []  # (the run says why)
            ask_overwrite(screen.app, targets, lambda force: start(req, force))

    screen.app.push_screen(NoticeForm(screen.store, batches, _batch_under_cursor(screen), export_dir(screen.store)),
                           done)


def _written(screen: "PetitionsScreen", what: str, paths: list[Path], warning: str) -> None:
    folder = paths[0].parent if paths else ""
    screen.after_change(f"已生成{what} {len(paths)} 个文件（{folder}）：\n" + "\n".join(p.name for p in paths)
                        + (f"\n{warning}" if warning else ""))


# -- 催办通知 ---------------------------------------------------------------------------------
@dataclass
class ChaseRequest:
    day: dt.date
    within: int
    folder: Path


class ChaseForm(FormModal[ChaseRequest]):
    FOCUS = "day"

    def __init__(self, store, folder: Path):
        self.folder = folder
        super().__init__(store, initial={"day": dates.today().isoformat(),
                                         "within": str(letter_log.chase_window(store)), "folder": str(folder)},
                         title="生成催办通知（超期和即将到期的信访件、交办问题，每个责任单位一份）")

    def compose_fields(self) -> ComposeResult:
        yield field("催办日期", Input(id="day"))
        yield field("一并催办几个工作日内到期的（0 = 只催超期和今日到期）", Input(id="within"))
        yield field("保存到文件夹", Input(id="folder"))
        yield Static("另生成一份催办汇总表（.xlsx）供办公室留存。", classes="pet-label", markup=False)

    def build(self, values: dict[str, Any]) -> ChaseRequest:
        day = dates.parse_date(values["day"])
        within = clean_line(values["within"])
        if not within.isdigit() or int(within) > letter_log.MAX_WINDOW:
            raise UserError(f"工作日数应为 0 到 {letter_log.MAX_WINDOW} 的整数")
        return ChaseRequest(day, int(within), _folder(values["folder"], self.folder))


def open_chase(screen: "PetitionsScreen") -> None:
    from ....handoffs.chase import chase_targets, write_chase
    from ....petitions.export import export_dir

    def start(req: ChaseRequest, force: bool) -> None:
        screen.notify(f"正在生成{dates.cn_date(req.day)}的催办通知…", markup=False)
        run_in_thread(screen, lambda store: write_chase(store, req.day, within=req.within, out_dir=req.folder,
                                                        force=force),
                      group=GROUP, failed="未生成催办通知",
                      done=lambda result: _written(screen, "催办通知", result.paths, result.warning))

    def done(req: ChaseRequest | None) -> None:
        if req:  # a file dutydesk did not write at one of the names: asked first
            try:
                targets = chase_targets(screen.store, req.day, within=req.within, out_dir=req.folder)
            except UserError:
                targets = []
            ask_overwrite(screen.app, targets, lambda force: start(req, force))

    screen.app.push_screen(ChaseForm(screen.store, export_dir(screen.store)), done)
