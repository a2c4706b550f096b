"""`dutydesk handoffs ...` commands (stable interface for office scripts)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import add_units_option, echo_table, parse_date_option, pass_ctx, progress_line, sheet_option


@click.group(name="handoffs")
def group() -> None:
    """问题交办：问题整改台账、进展、验收销号、回头看。"""



def _unit(store, unit: str | None) -> str | None:
    from ..refdata import resolve_unit

    return resolve_unit(store, unit) if unit else None


def _status_option(f):
    return click.option("--status", "status", default=None, help="状态：未启动/整改中/已完成/已验收/已销号")(f)


def _view_option(f):
    return click.option("--view", default="全部", show_default=True, help="视图：全部/即将到期/超期/反弹")(f)


@group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@sheet_option
@add_units_option
@pass_ctx
def import_cmd(obj, file: Path, sheet: str | None, add_units: bool) -> None:
    """从 .xlsx .xls .xlsb .ods .csv 或 .docx 表格导入问题（先逐行校验，有错误则一条也不导入）。"""
    from ..handoffs.io import import_file

    with progress_line() as progress:
        result = import_file(obj.store, file, sheet=sheet, add_units=add_units, progress=progress)
    click.echo(f"已导入 {result.count} 个问题：{'、'.join(result.numbers[:10])}{'…' if result.count > 10 else ''}")
    if result.new_units:
        click.echo(f"新增单位 {len(result.new_units)} 个：{'、'.join(result.new_units)}")


@group.command("export")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="输出文件：.xlsx（台账，可再导入）或 .docx（可打印的整改台账，横向）")
@click.option("--unit", default=None, help="只导出涉及该单位的问题")
@_status_option
@_view_option
@pass_ctx
def export_cmd(obj, output: Path, unit: str | None, status: str | None, view: str) -> None:
    """导出问题整改台账。"""
    from ..handoffs.export import export_ledger

    path = export_ledger(obj.store, output, unit=_unit(obj.store, unit), status=status, view=view)
    click.echo(f"已导出：{path}")


@group.command("list")
@click.option("--unit", default=None, help="单位（牵头、配合或行政区域）")
@_status_option
@_view_option
@pass_ctx
def list_cmd(obj, unit: str | None, status: str | None, view: str) -> None:
    """列出问题：未完成的在前，按整改时限倒排。"""
    from ..handoffs import lists

    rows = []
    for r in lists.iter_all(obj.store, unit=_unit(obj.store, unit), status=status, view=view):
        rows.append({
            "问题编号": r["problem_no"], "来源": r["source"], "行政区域": r["region"], "牵头单位": r["lead_unit"],
            "整改时限": r["deadline"] or "", "倒排": r["countdown"], "进度": r["pace"], "状态": r["status_text"],
            "反弹": r["rebound_text"], "最新进展": (r["latest"] or "").replace("\n", " ")[:60],
            "问题描述": r["description"].replace("\n", " ")[:40],
        })
    echo_table(rows, ["问题编号", "来源", "行政区域", "牵头单位", "整改时限", "倒排", "进度", "状态", "反弹",
                      "最新进展", "问题描述"])


@group.command("show")
@click.argument("no")
@pass_ctx
def show_cmd(obj, no: str) -> None:
    """显示一个问题的详情、进展、回头看和状态记录。"""
    from ..handoffs import detail, problems

    click.echo(detail.describe(obj.store, problems.by_no(obj.store, no)["id"]))


def _problem_options(f):
    options = [
        click.option("--no", "problem_no", default=None, help="问题编号（新增时默认自动生成，如 WT-2024-0001）"),
        click.option("--source", default=None, help="来源：督察组交办/暗访发现/未督先查/信访件/督察反馈"),
        click.option("--description", default=None, help="问题描述"),
        click.option("--region", default=None, help="行政区域"),
        click.option("--lead", "lead_unit", default=None, help="牵头单位"),
        click.option("--coop", "coop_units", default=None, help="配合单位（用、分隔）"),
        click.option("--owner", default=None, help="责任人"),
        click.option("--phone", "owner_phone", default=None, help="责任人联系电话"),
        click.option("--target", default=None, help="整改目标"),
        click.option("--measures", default=None, help="整改措施（一案一策）"),
        click.option("--deadline", default=None, help="整改时限（如 2024-06-30、6月底前）"),
        click.option("--category", "deadline_category", default=None, help="时限类别：立行立改/短期/中期/长期坚持"),
        click.option("--assigned", "assigned_on", default=None, help="交办日期"),
        click.option("--note", default=None, help="备注"),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@group.command("add")
@_problem_options
@pass_ctx
def add_cmd(obj, **fields) -> None:
    """新增一个问题。"""
    from ..handoffs import intake, problems

    hid = intake.create(obj.store, **{k: v for k, v in fields.items() if v is not None})
    click.echo(f"已新增问题：{problems.get(obj.store, hid)['problem_no']}")


@group.command("edit")
@click.argument("no")
@_problem_options
@pass_ctx
def edit_cmd(obj, no: str, **fields) -> None:
    """修改问题的字段（只改给出的选项；状态请用 status 命令）。"""
    from ..errors import UserError
    from ..handoffs import intake, problems

    changes = {k: v for k, v in fields.items() if v is not None}
    if not changes:
        raise UserError("没有要修改的内容（请给出 --description 等选项）")
    row = problems.by_no(obj.store, no)
    intake.update_problem(obj.store, row["id"], changes, expected_version=row["version"])
    click.echo(f"已修改：{changes.get('problem_no', row['problem_no'])}")


@group.command("progress")
@click.argument("no")
@click.argument("text")
@click.option("--date", "on", callback=parse_date_option, default=None, help="进展日期（默认今天）")
@pass_ctx
def progress_cmd(obj, no: str, text: str, on) -> None:
    """添加一条整改进展（未启动的问题自动转为整改中）。"""
    from ..handoffs import problems, progress

    row = problems.by_no(obj.store, no)
    progress.add_progress(obj.store, row["id"], text, on=on)
    click.echo(f"已添加进展：{row['problem_no']}")


@group.command("status")
@click.argument("no")
@click.argument("status")
@click.option("--by", "by", default="", help="验收人/销号人（验收、销号时必填）")
@click.option("--date", "on", callback=parse_date_option, default=None, help="日期（默认今天）")
@click.option("--basis", default="", help="验收情况/销号依据/退回原因")
@click.option("--note", default="", help="备注")
@pass_ctx
def status_cmd(obj, no: str, status: str, by: str, on, basis: str, note: str) -> None:
    """变更状态：未启动 → 整改中 → 已完成 → 已验收 → 已销号（销号须先验收）。"""
    from ..handoffs import lifecycle, problems

    row = problems.by_no(obj.store, no)
    lifecycle.change_status(obj.store, row["id"], status, on=on, by=by, basis=basis, note=note)
    click.echo(f"{row['problem_no']}：{row['status']} → {status}")


@group.command("recheck")
@click.argument("no")
@click.option("--finding", required=True, help="回头看发现的情况")
@click.option("--came-back", is_flag=True, help="问题反弹（重新打开为整改中）")
@click.option("--date", "on", callback=parse_date_option, default=None, help="回头看日期（默认今天）")
@click.option("--by", "checker", default="", help="检查人")
@click.option("--deadline", default=None, help="反弹时新的整改时限")
@pass_ctx
def recheck_cmd(obj, no: str, finding: str, came_back: bool, on, checker: str, deadline: str | None) -> None:
    """录入回头看；发现反弹时问题重新打开（整改中，标记反弹）。"""
    from ..handoffs import problems, rechecks

    row = problems.by_no(obj.store, no)
    rechecks.recheck(obj.store, row["id"], finding=finding, came_back=came_back, on=on, checker=checker,
                     new_deadline=deadline)
    click.echo(f"已录入回头看：{row['problem_no']}" + ("（发现反弹，已重新打开为整改中）" if came_back else "（未反弹）"))


@group.command("summary")
@pass_ctx
def summary_cmd(obj) -> None:
    """按牵头单位汇总：总数、各状态、滞后、反弹、销号率。"""
    from ..handoffs import summary

    rows = summary.summary(obj.store)
    titles = dict(summary.SUMMARY_COLUMNS)
    echo_table([{titles[k]: v for k, v in r.items()} for r in rows], [t for _, t in summary.SUMMARY_COLUMNS])


@group.command("from-petition")
@click.argument("case_no")
@click.option("--no", "problem_no", default=None, help="问题编号（默认自动生成）")
@click.option("--deadline", default=None, help="整改时限")
@click.option("--category", "deadline_category", default=None, help="时限类别")
@click.option("--lead", "lead_unit", default=None, help="牵头单位（默认取信访件的牵头单位）")
@pass_ctx
def from_petition_cmd(obj, case_no: str, **overrides) -> None:
    """由信访件（受理编号）生成问题，来源为“信访件”，并保留关联。"""
    from ..handoffs import links, problems

    pid = links.find_petition(obj.store, case_no)
    hid = links.create_from_petition(obj.store, pid, **{k: v for k, v in overrides.items() if v is not None})
    click.echo(f"已由信访件 {case_no} 生成问题：{problems.get(obj.store, hid)['problem_no']}")


@group.command("link")
@click.argument("no")
@click.argument("case_no")
@pass_ctx
def link_cmd(obj, no: str, case_no: str) -> None:
    """把信访件（受理编号）关联到已有问题。"""
    from ..handoffs import links, problems

    row = problems.by_no(obj.store, no)
    links.link_petition(obj.store, row["id"], links.find_petition(obj.store, case_no))
    click.echo(f"已关联：{row['problem_no']} ← {case_no}")
