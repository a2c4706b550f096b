"""`dutydesk settings / units / vocab / holidays`: reference data shared by all terminals."""

from __future__ import annotations

import datetime as dt

import click

from ..errors import UserError

from .common import Context, echo_table, parse_date_option, pass_ctx, switch_commands


@click.group()
def settings() -> None:
    """查看和修改设置（所有终端共用）。"""


@settings.command("show")
@click.argument("key", required=False)
@pass_ctx
def settings_show(obj: Context, key: str | None) -> None:
    """显示全部设置，或一项设置的值。"""
    from ..refdata import all_settings, get_setting, setting_label

    if key:
        click.echo(get_setting(obj.store, key))
        return
    for k, v in all_settings(obj.store).items():
        shown = v.replace("\n", "\\n")
        click.echo(f"{k}\t{shown}\t# {setting_label(k)}")


@settings.command("set")
@click.argument("key")
@click.argument("value")
@pass_ctx
def settings_set(obj: Context, key: str, value: str) -> None:
    """设置 KEY 为 VALUE（多行文字用 \\n 分行）。"""
    from ..registry import set_setting

    set_setting(obj.store, key, value)
    click.echo(f"已设置 {key}")


# -- units ------------------------------------------------------------------------------------
@click.group()
def units() -> None:
    """行政区域和责任单位。"""


@units.command("list")
@click.option("--all", "include_inactive", is_flag=True, help="包括已停用的单位")
@pass_ctx
def units_list(obj: Context, include_inactive: bool) -> None:
    from ..refdata import list_units

    rows = [u.__dict__ | {"active": "是" if u.active else "否"} for u in list_units(obj.store, include_inactive=include_inactive)]
    echo_table(rows, ["name", "short_name", "kind", "aliases", "active"])


@units.command("add")
@click.argument("name")
@click.option("--kind", default="", help="区/县/县级市/管理区/开发区/部门")
@click.option("--short", "short_name", default="", help="简称")
@click.option("--aliases", default="", help="别名，用、分隔")
@pass_ctx
def units_add(obj: Context, name: str, kind: str, short_name: str, aliases: str) -> None:
    from ..refdata import add_unit

    add_unit(obj.store, name, kind=kind, short_name=short_name, aliases=aliases)
    click.echo(f"已添加单位：{name}")


def _set_unit_active(store, name: str, active: bool) -> None:
    from ..refdata import set_unit_active

    set_unit_active(store, name, active)


switch_commands(units, _set_unit_active, noun="单位", helps=("停用单位（不再出现在选择列表中）。", "重新启用单位。"))


@units.command("rename")
@click.argument("old")
@click.argument("new")
@pass_ctx
def units_rename(obj: Context, old: str, new: str) -> None:
    from ..refdata import rename_unit

    rename_unit(obj.store, old, new)
    click.echo(f"已改名：{old} → {new}")


# -- vocabularies -----------------------------------------------------------------------------
@click.group()
def vocab() -> None:
    """词表（污染类型、是否属实、办结状态等）。"""


@vocab.command("list")
@click.argument("kind", required=False)
@pass_ctx
def vocab_list(obj: Context, kind: str | None) -> None:
    from ..refdata import VOCAB_LABELS, vocab as get_vocab

    kinds = [kind] if kind else list(VOCAB_LABELS)
    for k in kinds:
        if k not in VOCAB_LABELS:
            raise UserError(f"未知的词表：{k}（可用：{'、'.join(VOCAB_LABELS)}）")
        click.echo(f"{k}\t{VOCAB_LABELS[k]}\t{'、'.join(get_vocab(obj.store, k))}")


@vocab.command("add")
@click.argument("kind")
@click.argument("value")
@pass_ctx
def vocab_add(obj: Context, kind: str, value: str) -> None:
    from ..refdata import add_vocab

    add_vocab(obj.store, kind, value)
    click.echo(f"已添加：{value}")


@vocab.command("remove")
@click.argument("kind")
@click.argument("value")
@pass_ctx
def vocab_remove(obj: Context, kind: str, value: str) -> None:
    from ..refdata import remove_vocab

    remove_vocab(obj.store, kind, value)
    click.echo(f"已停用：{value}")


# -- holidays ---------------------------------------------------------------------------------
@click.group()
def holidays() -> None:
    """节假日和调休（补充或更正官方安排）。"""


@holidays.command("list")
@pass_ctx
def holidays_list(obj: Context) -> None:
    from ..workdays import list_holidays

    echo_table(list_holidays(obj.store), ["date", "kind", "name"])


@holidays.command("add")
@click.argument("date", callback=parse_date_option)
@click.option("--workday", is_flag=True, help="调休上班日（默认：放假日）")
@click.option("--name", default="", help="名称，如 春节")
@pass_ctx
def holidays_add(obj: Context, date: dt.date, workday: bool, name: str) -> None:
    from ..workdays import add_holiday

    add_holiday(obj.store, date, "workday" if workday else "holiday", name)
    click.echo(f"已设置 {date.isoformat()} 为{'调休上班日' if workday else '放假日'}")


@holidays.command("remove")
@click.argument("date", callback=parse_date_option)
@pass_ctx
def holidays_remove(obj: Context, date: dt.date) -> None:
    from ..workdays import remove_holiday

    remove_holiday(obj.store, date)
    click.echo(f"已删除 {date.isoformat()}")
