"""``dutydesk stats``: the 态势 figures as of a date, as text, .xlsx or .docx (stable interface)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .common import force_option, output_path, parse_date_option, pass_ctx

FORMATS = ("txt", "xlsx", "docx")


def _today(ctx, param, value):
    from .. import dates

    return parse_date_option(ctx, param, value) if value is not None else dates.today()


def _target(store, day: dt.date, fmt: str, output: str | None) -> Path:
    from ..refdata import exports_dir

    name = f"信访件及问题交办情况统计-{day.isoformat()}.{fmt}"
    if output is None:
        return exports_dir(store) / name
    path = output_path(output, exports_dir(store))  # a bare name: in the exports folder (cli.common)
    return path / name if path.is_dir() else path


@click.command("stats")
@click.option("--date", "day", callback=_today, help="统计截至日期（默认：今天），如 2024-03-13、3月13日")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="txt", show_default=True,
              help="txt 输出文字表格；xlsx、docx 写入文件")
@click.option("-o", "--output", type=click.Path(), help="输出文件或文件夹（txt 默认输出到屏幕；"
              "xlsx/docx 默认写入导出文件夹；只写名称时也在导出文件夹中）")
@force_option
@pass_ctx
def stats(obj, day: dt.date, fmt: str, output: str | None, force: bool) -> None:
    """各单位信访件及问题交办情况统计表（含合计）和总体数字，口径与工作简报的统计段相同。"""
    from ..handoffs.overview import overview

    store = obj.store
    report = overview(store, day).report()
    if fmt == "txt" and output is None:
        from ..exporters.stats_table import render_report_txt

        click.echo(render_report_txt(report), nl=False)
        return
    from ..store.files import write_private  # every file through store.files (0600, no link followed)

    path = _target(store, day, fmt, output)
    if fmt == "txt":
        from ..exporters.stats_table import render_report_txt

        write_private(path, render_report_txt(report).encode("utf-8"), force=force)
    elif fmt == "xlsx":
        from ..exporters.stats_table import write_report_xlsx

        write_report_xlsx(report, path, force=force)
    else:
        from ..exporters.stats_docx import report_docx_bytes
        from ..refdata import all_settings

        settings = all_settings(store)
        fonts = {"title": settings.get("font_title", ""), "body": settings.get("font_body", ""),
                 "h1": settings.get("font_heading1", ""), "h2": settings.get("font_heading2", ""),
                 "page": settings.get("font_pagenum", "")}
        write_private(path, report_docx_bytes(report, fonts), force=force)
    click.echo(str(path))
