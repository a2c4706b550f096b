"""`dutydesk bulletin ...` commands (stable interface for office scripts)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from .common import echo_table, force_option, output_path, parse_date_option, pass_ctx
from ..errors import UserError


def _today(ctx, param, value):
    from .. import dates

    return parse_date_option(ctx, param, value) if value is not None else dates.today()


date_option = click.option("--date", "day", callback=_today, help="简报日期（默认：今天），如 2024-03-13、3月13日")


def _read_text(body: str | None, body_file: str | None) -> str:
    if body is not None and body_file is not None:
        raise UserError("--body 与 --body-file 只能用一个")
    if body is not None:
        return body.replace("\\n", "\n")
    if body_file is None:
        raise UserError("请用 --body 或 --body-file 给出正文")
    from ..sheets import decode_csv_bytes

    if body_file == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
    else:
        path = Path(body_file).expanduser()
        if not path.is_file():
            raise UserError(f"文件不存在：{path}")
        data = path.read_bytes()
    return decode_csv_bytes(data)


@click.group(name="bulletin")
def group() -> None:
    """工作简报。"""


@group.command("add")
@date_option
@click.option("--county", "county", help="县区动态：单位名称或简称（条目进入【县区动态】，无需标题）")
@click.option("--title", help="新闻标题（长标题可用 \\n 指定回行处）")
@click.option("--body", help="正文（每行一段；可用 \\n 分段）")
@click.option("--body-file", help="从文件读取正文（- 为标准输入），每行一段")
@pass_ctx
def add(obj, day: dt.date, county: str | None, title: str | None, body: str | None, body_file: str | None) -> None:
    """新增一条新闻或县区动态。"""
    from ..bulletin import service

    text = _read_text(body, body_file)
    if county:
        item_id = service.add_item(obj.store, day, kind="county", unit=county, body=text)
    else:
        if not title:
            raise UserError("新闻条目需要 --title（县区动态请用 --county 单位）")
        item_id = service.add_item(obj.store, day, kind="news", title=title.replace("\\n", "\n"), body=text)
    click.echo(f"已添加条目 #{item_id}（{day.isoformat()}）")


@group.command("items")
@date_option
@pass_ctx
def items_cmd(obj, day: dt.date) -> None:
    """列出某日简报的条目（编号可用于 remove）。"""
    from ..bulletin import service

    row = service.current(obj.store, day)
    rows = []
    if row:
        for n, item in enumerate(service.items(obj.store, row["id"]), 1):
            rows.append({"id": item.id, "seq": n, "kind": item.kind_label, "title": item.title or item.unit,
                         "chars": len(item.body)})
    echo_table(rows, ["id", "seq", "kind", "title", "chars"])


@group.command("remove")
@click.argument("item_id", type=int)
@pass_ctx
def remove(obj, item_id: int) -> None:
    """删除一个条目（草稿才能删除）。"""
    from ..bulletin import service

    service.delete_item(obj.store, item_id)
    click.echo(f"已删除条目 #{item_id}")


@group.command("set")
@date_option
@click.option("--number", type=int, help="期号（第N期）")
@click.option("--report-to", help="报：每行一项（可用 \\n 分行）")
@click.option("--send-to", help="送：每行一项")
@click.option("--issue-to", help="发：每行一项（空字符串=不印）")
@click.option("--copies", type=int, help="共印份数（0=不印）")
@click.option("--appendix", type=click.Choice(["on", "off"]),
              help="附件：各县市区信访件办理情况统计表（on 附上，off 不附）")
@click.option("--reset", multiple=True, type=click.Choice(["number", "report_to", "send_to", "issue_to", "copies"]),
              help="恢复为设置中的默认值（可多次）")
@pass_ctx
def set_cmd(obj, day: dt.date, number, report_to, send_to, issue_to, copies, appendix, reset) -> None:
    """设置期号、版记（报、送、发、印数）和附件统计表。"""
    from ..bulletin import service

    service.set_fields(obj.store, day, number=number, report_to=report_to, send_to=send_to, issue_to=issue_to,
                       copies=copies, appendix=None if appendix is None else appendix == "on", clear=tuple(reset))
    click.echo(f"已保存 {day.isoformat()} 的简报设置")


@group.command("petition")
@date_option
@click.option("--text", help="替换自动生成的信访段（每行一段）")
@click.option("--file", "text_file", help="从文件读取（- 为标准输入）")
@click.option("--regenerate", is_flag=True, help="放弃修改，按信访台账重新生成")
@pass_ctx
def petition(obj, day: dt.date, text: str | None, text_file: str | None, regenerate: bool) -> None:
    """编辑或重新生成信访件交办情况段落。"""
    from ..bulletin import service

    if regenerate:
        service.set_petition_text(obj.store, day, None)
        click.echo("已重新生成信访段")
        return
    service.set_petition_text(obj.store, day, _read_text(text, text_file))
    click.echo("已保存信访段")


@group.command("list")
@pass_ctx
def list_cmd(obj) -> None:
    """往期简报（含更正版）。"""
    from ..bulletin import service

    rows, _ = service.list_bulletins(obj.store, 0, 10_000)
    echo_table(rows, ["date", "number", "revision", "state", "items", "issued_at", "issued_by", "id"])


@group.command("show")
@date_option
@click.option("--id", "bulletin_id", type=int, help="显示某一版本（编号见 bulletin list 的 id 列，含已更正的旧版）")
@pass_ctx
def show(obj, day: dt.date, bulletin_id: int | None) -> None:
    """以纯文本显示某日简报。"""
    from ..bulletin import service

    if bulletin_id is not None:
        click.echo(service.render_bulletin_text(obj.store, bulletin_id), nl=False)
        return
    click.echo(service.render_text(obj.store, day), nl=False)


@group.command("export")
@date_option
@click.option("--format", "fmt", type=click.Choice(["docx", "md", "txt"]), help="只导出一种格式（默认三种都导出）")
@click.option("-o", "--output", help="输出文件（指定 --format 时）或文件夹（默认：设置中的导出文件夹；"
                                    "只写名称时也在导出文件夹中）")
@force_option
@pass_ctx
def export(obj, day: dt.date, fmt: str | None, output: str | None, force: bool) -> None:
    """签发并导出简报（.docx、.md、.txt）。签发后内容冻结，可原样重新导出。"""
    from ..bulletin import service

    out = output_path(output, service.exports_dir(obj.store)) if output else None
    if fmt:
        if out is not None and not out.is_dir() and out.suffix:
            paths = service.export_formats(obj.store, day, (fmt,), target=out, force=force)
        else:
            paths = service.export_formats(obj.store, day, (fmt,), out_dir=out, force=force)
    else:
        if out is not None and ((out.exists() and not out.is_dir()) or out.suffix.lower() in (".docx", ".md", ".txt")):
            raise UserError(f"导出三种格式时 -o 应为文件夹（单个文件请加 --format）：{out}")
        paths = service.export_bulletin(obj.store, day, out, force=force)
    for path in paths:
        click.echo(str(path))


@group.command("reopen")
@date_option
@pass_ctx
def reopen(obj, day: dt.date) -> None:
    """更正重开：保留已签发的一期，另起同期号的更正稿。"""
    from ..bulletin import service

    row = service.reopen(obj.store, day)
    click.echo(f"已重开 {day.isoformat()} 的简报为第{row['revision']}版（更正稿），原签发版本保留")
