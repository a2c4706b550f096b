"""`dutydesk roster ...` commands (stable interface for office scripts)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..sheets import split_multi

from .common import echo_table, force_option, output_path, parse_date_option, pass_ctx, progress_line, sheet_option


@click.group(name="roster")
def group() -> None:
    """值班表。"""


# -- people -----------------------------------------------------------------------------------
@group.group("people")
def people_group() -> None:
    """值班人员和带班领导。"""


@people_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["leader", "officer"]), default="officer", show_default=True,
              help="leader 带班领导 / officer 值班人员")
@click.option("--phone", default="", help="手机（11 位）或带区号的固定电话")
@click.option("--title", default="", help="单位/职务")
@pass_ctx
def people_add(obj, name: str, role: str, phone: str, title: str) -> None:
    """添加一名人员。"""
    from ..roster.people import add_person

    add_person(obj.store, name, role=role, phone=phone, title=title)
    click.echo(f"已添加：{name}")


@people_group.command("list")
@click.option("--all", "include_inactive", is_flag=True, help="包括已停用的人员")
@pass_ctx
def people_list(obj, include_inactive: bool) -> None:
    """列出人员（制表符分隔）。"""
    from ..roster.people import list_people

    rows = [{"姓名": p.name, "角色": p.role_label, "单位/职务": p.title, "电话": p.phone,
             "在岗": "是" if p.active else "否"} for p in list_people(obj.store, include_inactive=include_inactive)]
    echo_table(rows, ["姓名", "角色", "单位/职务", "电话", "在岗"])


# -- roster -----------------------------------------------------------------------------------
@group.command("generate")
@click.option("--from", "start", required=True, callback=parse_date_option, help="开始日期")
@click.option("--to", "end", required=True, callback=parse_date_option, help="结束日期")
@click.option("--leaders", required=True, help="带班领导，按轮换顺序，用 , 或 、 分隔")
@click.option("--officers", required=True, help="值班人员，按轮换顺序，用 , 或 、 分隔")
@click.option("--per-day", default=1, show_default=True, type=int, help="每班值班人数")
@click.option("--skip-weekends", is_flag=True, help="跳过周末（调休上班日照常排）")
@click.option("--skip-holidays", is_flag=True, help="跳过法定节假日")
@click.option("--continue", "continue_rotation", is_flag=True, help="接着上次轮换停下的位置排")
@click.option("--force", is_flag=True, help="也覆盖手工修改过的日期")
@pass_ctx
def generate_cmd(obj, start: dt.date, end: dt.date, leaders: str, officers: str, per_day: int,
                 skip_weekends: bool, skip_holidays: bool, continue_rotation: bool, force: bool) -> None:
    """按轮换顺序生成一段日期的值班表。"""
    from ..roster.rotation import generate

    result = generate(obj.store, start, end, split_multi(leaders), split_multi(officers), per_day=per_day,
                      skip_weekends=skip_weekends, skip_holidays=skip_holidays,
                      continue_rotation=continue_rotation, force=force)
    click.echo(result.summary())


@group.command("show")
@click.option("--date", "day", callback=parse_date_option, help="开始日期（默认今天）")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 366), help="天数")
@pass_ctx
def show_cmd(obj, day: dt.date | None, days: int) -> None:
    """显示值班表（制表符分隔）：日期、星期、节假日、班次、带班领导、值班人员、联系电话、备注、冲突。

    有人连续值班超过两天时，在标准错误输出上提示（表格不变）。"""
    from .. import dates
    from ..roster.service import load_range
    from ..roster.streaks import long_streaks, warning_text

    start = day or dates.today()
    end = start + dt.timedelta(days=days - 1)
    rows = [{"日期": s.date.isoformat(), "星期": s.weekday, "节假日": s.holiday, "班次": s.shift,
             "带班领导": s.leader_name, "值班人员": s.member_names, "联系电话": s.phones,
             "备注": s.note.replace("\n", " "), "冲突": "；".join(s.conflicts)}
            for s in load_range(obj.store, start, end)]
    echo_table(rows, ["日期", "星期", "节假日", "班次", "带班领导", "值班人员", "联系电话", "备注", "冲突"])
    warning = warning_text(long_streaks(obj.store, start, end), most=20)
    if warning:
        click.echo("注意：" + warning, err=True)


@group.command("delete-day")
@click.option("--date", "day", required=True, callback=parse_date_option, help="日期")
@click.option("--shift", default=None, help="班次（默认该日第一个班次）")
@pass_ctx
def delete_day_cmd(obj, day: dt.date, shift: str | None) -> None:
    """删除某日某班次的值班安排（可在回收站恢复：dutydesk trash）。"""
    from ..roster.service import delete_slot

    slot = delete_slot(obj.store, day, shift)
    click.echo(f"已删除值班安排：{slot.date.isoformat()} {slot.shift}（可在回收站恢复）")


@group.command("delete-handover")
@click.option("--date", "day", required=True, callback=parse_date_option, help="班次日期")
@click.option("--shift", default=None, help="班次（默认该日第一个班次）")
@pass_ctx
def delete_handover_cmd(obj, day: dt.date, shift: str | None) -> None:
    """删除某班次的交班记录（可重新交班；可在回收站恢复）。"""
    from ..roster import dutylog

    day, shift_obj = dutylog.resolve_slot(obj.store, day, shift)
    dutylog.delete_handover(obj.store, day, shift_obj.name)
    click.echo(f"已删除交班记录：{day.isoformat()} {shift_obj.name}（可在回收站恢复）")


@group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@sheet_option
@pass_ctx
def import_cmd(obj, file: Path, sheet: str | None) -> None:
    """导入值班表（.xlsx .xls .xlsb .ods .csv 或 .docx 表格；列：日期、带班领导、值班人员、联系电话、备注）。"""
    from ..roster.transfer import import_roster

    with progress_line() as progress:
        result = import_roster(obj.store, file, sheet=sheet, progress=progress)
    click.echo(result.summary())


@group.command("export")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="输出文件（.xlsx 或 .docx；只写文件名时放在导出文件夹）")
@click.option("--from", "start", callback=parse_date_option, help="开始日期（默认：最早的值班日期）")
@click.option("--to", "end", callback=parse_date_option, help="结束日期（默认：最晚的值班日期）")
@force_option
@pass_ctx
def export_cmd(obj, output: str, start: dt.date | None, end: dt.date | None, force: bool) -> None:
    """导出值班表：.xlsx 表格，或 .docx 打印版。"""
    from ..refdata import exports_dir
    from ..roster.transfer import export_roster

    path = export_roster(obj.store, output_path(output, exports_dir(obj.store)), start, end, force=force)
    click.echo(f"已导出：{path}")


# -- duty log ---------------------------------------------------------------------------------
@group.group("log")
def log_group() -> None:
    """值班日志。"""


@log_group.command("add")
@click.option("--kind", required=True, help="类别：来电 / 来访 / 上级交办 / 会议 / 其他")
@click.option("--content", required=True, help="内容")
@click.option("--date", "day", callback=parse_date_option, help="班次日期（默认：当前班次）")
@click.option("--shift", help="班次名称（默认：当前班次或该日第一个班次）")
@click.option("--time", "at", help="时间，如 14:20（默认：现在）")
@click.option("--unit", "from_unit", default="", help="来电/来访单位")
@click.option("--name", "from_name", default="", help="来电/来访人姓名")
@click.option("--phone", "from_phone", default="", help="来电号码")
@click.option("--instruction", default="", help="领导批示和处理意见")
@click.option("--recorder", default="", help="记录人（默认：该班次第一名值班人员）")
@click.option("--done", is_flag=True, help="已办结")
@pass_ctx
def log_add(obj, kind: str, content: str, day: dt.date | None, shift: str | None, at: str | None,
            from_unit: str, from_name: str, from_phone: str, instruction: str, recorder: str, done: bool) -> None:
    """记录一条值班日志。"""
    from ..roster.dutylog import add_entry, default_recorder, resolve_slot

    slot_day, shift_obj = resolve_slot(obj.store, day, shift)
    entry_id = add_entry(obj.store, slot_day, shift_obj.name, kind=kind, content=content, at=at,
                         from_unit=from_unit, from_name=from_name, from_phone=from_phone,
                         instruction=instruction, done=done,
                         recorder=recorder or default_recorder(obj.store, slot_day, shift_obj.name))
    click.echo(f"已记录 #{entry_id}（{slot_day.isoformat()} {shift_obj.name}）")


@log_group.command("list")
@click.option("--date", "day", callback=parse_date_option, help="班次日期（默认：当前班次的日期）")
@pass_ctx
def log_list(obj, day: dt.date | None) -> None:
    """列出一天的值班日志（含之前班次转入的未办结事项）。"""
    from ..roster.dutylog import current_slot, log_for_date

    day = day or current_slot(obj.store)[0]
    rows = [{"编号": e.id, "时间": e.at_time, "班次": e.shift, "类别": e.kind, "来电": e.caller_masked,
             "内容": e.content.replace("\n", " "), "批示": e.instruction.replace("\n", " "), "记录人": e.recorder,
             "状态": ("已办结" if e.done else "未办结") + ("（上班次转入）" if e.carried else "")}
            for e in log_for_date(obj.store, day)]
    echo_table(rows, ["编号", "时间", "班次", "类别", "来电", "内容", "批示", "记录人", "状态"])
