"""`dutydesk petitions ...` commands (stable interface for office scripts).

Lists print the petitioner masked; only ``show --full`` and the full ledger export carry
the identity in clear.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..errors import UserError

from .common import (add_units_option, echo_table, force_option, output_path, parse_date_option, pass_ctx,
                     progress_line, sheet_option)


@click.group(name="petitions")
def group() -> None:
    """信访件：批次登记、交办、办理结果、公开。"""


def _petition(store, case_no: str) -> dict:
    from ..petitions.rows import find_by_case_no, find_referenced

    row = find_by_case_no(store, case_no) or find_referenced(store, case_no)
    if row is None:
        raise UserError(f"受理编号未登记：{case_no}")
    return row


@group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--batch", type=int, help="批次号（表中没有“批次”列时必填）")
@click.option("--date", "day", callback=parse_date_option, help="转办日期（新批次；默认今天）")
@click.option("--dry-run", is_flag=True, help="只检查并报告，不导入")
@sheet_option
@add_units_option
@pass_ctx
def import_cmd(obj, file: Path, batch: int | None, day: dt.date | None, dry_run: bool, sheet: str | None,
               add_units: bool) -> None:
    """导入督察组转办的信访件表（.xlsx .xls .xlsb .ods .csv，或 .docx 函件中的表格）。有错误的行逐行报告，整表不导入。"""
    from ..petitions.io import import_petitions

    try:
        with progress_line() as progress:
            result = import_petitions(obj.store, file, batch=batch, day=day, dry_run=dry_run, sheet=sheet,
                                      add_units=add_units, progress=progress)
    except UserError as exc:
        if exc.field == "batch":  # the domain names the field; here it is an option
            raise UserError(f"{exc}（用 --batch N 指定）") from None
        raise
    click.echo(result.report())
    if dry_run:
        click.echo("（试运行，未导入）")


@group.command("results")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查并报告，不录入")
@sheet_option
@pass_ctx
def results_cmd(obj, file: Path, dry_run: bool, sheet: str | None) -> None:
    """导入县区填报的办理结果表（按受理编号匹配；格式同 petitions import）。"""
    from ..petitions.io import import_results

    with progress_line() as progress:
        result = import_results(obj.store, file, dry_run=dry_run, sheet=sheet, progress=progress)
    click.echo(result.report())
    if dry_run:
        click.echo("（试运行，未录入）")


@group.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
              help="输出文件：.xlsx、.csv 或 .docx（只写文件名时放在导出文件夹；./文件名 为当前文件夹）")
@click.option("--batch", type=int, help="只导出第N批")
@click.option("--public", is_flag=True, help="公开表（不含信访人信息）；默认导出完整台账")
@click.option("--no-close-column", is_flag=True, help="公开表不加“是否办结”列")
@force_option
@pass_ctx
def export_cmd(obj, output: str, batch: int | None, public: bool, no_close_column: bool, force: bool) -> None:
    """导出信访件台账或公开表（格式按扩展名：.xlsx、.csv、.docx）。"""
    from ..petitions.export import export_dir, export_petitions

    path = export_petitions(obj.store, output_path(output, export_dir(obj.store)), batch_no=batch, public=public,
                            with_closed=not no_close_column, force=force)
    click.echo(f"已导出：{path}")


@group.command("notice")
@click.option("--batch", type=int, required=True, help="批次号")
@click.option("--unit", help="只生成这一牵头责任单位的")
@click.option("--format", "fmt", type=click.Choice(["docx", "xlsx"]), default="docx", show_default=True,
              help="docx：交办通知；xlsx：单位填报的办理结果表（可用 petitions results 导回）")
@click.option("-o", "--output", "out_dir", type=click.Path(),
              help="输出文件夹（默认：导出文件夹；只写名称时也在导出文件夹中，./名称 为当前文件夹）")
@click.option("--with-contact", is_flag=True, help="附信访人姓名、电话、地址供回访（标注注意保密，文件仅本人可读）")
@force_option
@pass_ctx
def notice_cmd(obj, batch: int, unit: str | None, fmt: str, out_dir: str | None, with_contact: bool,
               force: bool) -> None:
    """交办通知：一个批次中每个牵头责任单位一份，打印写出的每个文件。"""
    from ..petitions.export import export_dir
    from ..petitions.letters import write_notices

    folder = output_path(out_dir, export_dir(obj.store)) if out_dir else None
    for path in write_notices(obj.store, batch, unit=unit, fmt=fmt, out_dir=folder, with_contact=with_contact,
                              force=force):
        click.echo(str(path))


@group.command("chase")
@click.option("--date", "day", callback=parse_date_option, help="催办日期（默认今天）")
@click.option("--within", type=click.IntRange(0, 30), help="一并催办N个工作日内到期的（默认按设置 chase_window_days）")
@click.option("-o", "--output", "out_dir", type=click.Path(),
              help="输出文件夹（默认：导出文件夹；只写名称时也在导出文件夹中，./名称 为当前文件夹）")
@force_option
@pass_ctx
def chase_cmd(obj, day: dt.date | None, within: int | None, out_dir: str | None, force: bool) -> None:
    """催办通知：超期或即将到期的信访件和交办问题，每个责任单位一份，另附一份汇总表。"""
    from ..handoffs.chase import write_chase
    from ..petitions.export import export_dir

    folder = output_path(out_dir, export_dir(obj.store)) if out_dir else None
    result = write_chase(obj.store, day, within=within, out_dir=folder, force=force)
    for path in result.paths:
        click.echo(str(path))
    if result.warning:
        click.echo(result.warning, err=True)


@group.command("batches")
@pass_ctx
def batches_cmd(obj) -> None:
    """列出批次及件数。"""
    from ..petitions.batches import list_batches

    echo_table(list_batches(obj.store), ["no", "date", "group_name", "total", "phone", "letter", "key_cases", "repeats"])


@group.command("batch")
@click.argument("no", type=int)
@click.option("--date", "day", callback=parse_date_option, help="新的转办日期")
@click.option("--group", "group_name", help="督察组")
@click.option("--note", help="备注（如 分解后交办N件）")
@click.option("--create", is_flag=True, help="批次不存在时新建（转办日期默认今天）")
@click.option("--delete", is_flag=True, help="删除这个空批次（可在回收站恢复）")
@pass_ctx
def batch_cmd(obj, no: int, day, group_name, note, create: bool, delete: bool) -> None:
    """显示或修改一个批次（转办日期决定统计把这一批算在哪一天）。"""
    from .. import dates
    from ..petitions.batches import add_batch, batch_by_no, batch_summary, delete_batch, update_batch

    store = obj.store
    batch = batch_by_no(store, no)
    if delete:
        if batch is None:
            raise UserError(f"第{no}批不存在")
        delete_batch(store, batch["id"])
        click.echo(f"已删除第{no}批（可在回收站恢复）")
        return
    if batch is None:
        if not create:
            raise UserError(f"第{no}批不存在（新建请加 --create）")
        add_batch(store, no, day or dates.today(), group_name=group_name, note=note or "")
    elif day is not None or group_name is not None or note is not None:
        update_batch(store, batch["id"], day=day, group_name=group_name, note=note)
    b = batch_summary(store, batch_by_no(store, no)["id"])
    click.echo(f"第{b['no']}批\t转办日期 {b['date']}\t{b['group_name']}\t{b['total']}件（来电{b['phone']}、"
               f"来信{b['letter']}，重点件{b['key_cases']}、重复件{b['repeats']}）" + (f"\t{b['note']}" if b["note"] else ""))


def _limit(value: int | None) -> int | None:
    if value is not None and value < 1:
        raise UserError(f"--limit 应为正整数，不是 {value}")
    return value


@group.command("list")
@click.option("--batch", type=int, help="批次号")
@click.option("--unit", help="行政区域")
@click.option("--type", "ptype", help="污染类型")
@click.option("--status", help="状态")
@click.option("--overdue", is_flag=True, help="只列超期件")
@click.option("--no-notice", "no_notice", is_flag=True, help="只列未发交办通知的件（已交办）")
@click.option("--search", "text", default="", help="搜索受理编号和内容")
@click.option("--limit", type=int, default=100, show_default=True, callback=lambda ctx, param, value: _limit(value),
              help="最多列出几件（正整数）")
@pass_ctx
def list_cmd(obj, batch, unit, ptype, status, overdue, no_notice, text, limit) -> None:
    """列出信访件（超期、今日到期在前；信访人已隐去）。"""
    from .. import dates
    from ..refdata import resolve_unit
    from ..petitions.search import Filters, page
    from ..petitions.batches import batch_by_no

    store = obj.store
    batch_id = None
    if batch is not None:
        b = batch_by_no(store, batch)
        if b is None:
            raise UserError(f"第{batch}批不存在")
        batch_id = b["id"]
    filters = Filters(text=text, batch_id=batch_id, unit=resolve_unit(store, unit) if unit else "",
                      ptype=ptype or "", status=status or "", overdue_only=overdue, not_notified=no_notice)
    rows, total = page(store, filters, dates.today(), 0, limit)  # the content made public (search.page)
    echo_table(rows, ["mark", "case_no", "batch_no", "unit", "pollution_types", "petitioner", "lead_unit",
                      "due_date", "status", "content"])
    click.echo(f"共 {total} 件" + (f"（显示前 {len(rows)} 件）" if total > len(rows) else ""), err=True)


@group.command("show")
@click.argument("case_no")
@click.option("--full", is_flag=True, help="显示信访人完整信息")
@pass_ctx
def show_cmd(obj, case_no: str, full: bool) -> None:
    """显示一件信访件的详情和修改记录。"""
    from ..petitions.detail import detail_text
    from ..petitions.history import history_text

    row = _petition(obj.store, case_no)
    click.echo(detail_text(obj.store, row["id"], reveal=full))
    click.echo("\n修改记录：\n" + history_text(obj.store, row["id"], public=not full))


@group.command("assign")
@click.argument("case_no")
@click.option("--lead", required=True, help="牵头责任单位")
@click.option("--coop", default="", help="配合单位（用、或逗号分隔）")
@click.option("--date", "day", callback=parse_date_option, help="交办时间（默认今天）")
@click.option("--due", callback=parse_date_option, help="办理时限（默认按设置计算）")
@click.option("--target", default=None, help="办结目标")
@pass_ctx
def assign_cmd(obj, case_no, lead, coop, day, due, target) -> None:
    """交办：指定责任单位，计算办理时限。"""
    from ..petitions.workflow import hand_over

    row = _petition(obj.store, case_no)
    new, warning = hand_over(obj.store, row["id"], lead, coop, day=day, due=due, target=target)
    click.echo(f"已交办 {new['case_no']} 给 {new['lead_unit']}，办理时限 {new['due_date']}")
    if warning:
        click.echo(warning, err=True)


@group.command("publish")
@click.argument("case_nos", nargs=-1)
@click.option("--batch", type=int, help="公开第N批中已办结（含阶段性办结）的全部信访件")
@click.option("--date", "day", callback=parse_date_option, help="公开日期（默认今天）")
@pass_ctx
def publish_cmd(obj, case_nos, batch, day) -> None:
    """把已办结的信访件标记为已公开。"""
    from ..petitions.batches import batch_by_no
    from ..petitions.workflow import publish

    store = obj.store
    ids = [_petition(store, c)["id"] for c in case_nos]
    if batch is not None:
        b = batch_by_no(store, batch)
        if b is None:
            raise UserError(f"第{batch}批不存在")
        ids += [r["id"] for r in store.query(
            "SELECT id FROM petitions WHERE batch_id = ? AND deleted_at IS NULL AND status IN ('阶段性办结', '已办结')",
            [b["id"]])]
    if not ids:
        raise UserError("没有要公开的信访件（请给出受理编号或 --batch）")
    n = publish(store, ids, day)
    click.echo(f"已公开 {n} 件")


@group.command("link")
@click.argument("case_no")
@click.option("--to", "earlier", required=True, help="与之重复的（较早的）受理编号")
@pass_ctx
def link_cmd(obj, case_no: str, earlier: str) -> None:
    """把一件信访件标为另一件的重复件。"""
    from ..petitions.repeats.links import link_repeat

    row = link_repeat(obj.store, _petition(obj.store, case_no)["id"], _petition(obj.store, earlier)["id"])
    click.echo(f"已关联：{row['case_no']} {row['repeat_of']}")


@group.command("stats")
@click.option("--date", "day", callback=parse_date_option, help="统计日期（默认今天）")
@pass_ctx
def stats_cmd(obj, day: dt.date | None) -> None:
    """打印简报用的信访件统计句（按转办日期、办结日期统计）。"""
    from .. import dates
    from ..petitions.stats import bulletin_paragraphs

    for paragraph in bulletin_paragraphs(obj.store, day or dates.today()):
        click.echo(paragraph)


@group.command("reindex")
@pass_ctx
def reindex_cmd(obj) -> None:
    """重建信访件搜索索引（终端上显示进度）。"""
    from ..petitions.search import rebuild_index

    with progress_line() as show:
        n = rebuild_index(obj.store, show)
    click.echo(f"已重建索引：{n} 件")
