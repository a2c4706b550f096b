"""`dutydesk users`: who may log in to `dutydesk serve` (passwords stored as argon2id hashes)."""

from __future__ import annotations

import sys

import click

from ..errors import UserError
from .common import Context, echo_table, pass_ctx, switch_commands

_STDIN_HELP = "从标准输入读一行作为密码（用于脚本；不回显、不出现在命令行里）"


def read_password(from_stdin: bool) -> str:
    """The new password: one line of stdin, or typed twice at a prompt that does not echo it."""
    if from_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise UserError("标准输入里没有密码")
        return password
    first = click.prompt("新密码", hide_input=True, show_default=False)
    second = click.prompt("再输入一次", hide_input=True, show_default=False)
    if first != second:
        raise UserError("两次输入的密码不一致，未修改")
    return first


@click.group()
def group() -> None:
    """网页登录用户（dutydesk serve）：添加、列出、改密码、停用。"""


@group.command("add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help=_STDIN_HELP)
@pass_ctx
def users_add(obj: Context, name: str, password_stdin: bool) -> None:
    """添加用户 NAME（其姓名记为网页操作的操作人）。"""
    from ..users.accounts import add_user, validate_name

    validate_name(name)  # before asking for a password
    user = add_user(obj.store, name, read_password(password_stdin))
    click.echo(f"已添加用户：{user.name}")


@group.command("list")
@pass_ctx
def users_list(obj: Context) -> None:
    """列出用户（不显示密码）。"""
    from ..users.accounts import list_users

    rows = [{"name": u.name, "state": "停用" if u.disabled else "启用", "created": u.created_at,
             "last_login": u.last_login_at or ""} for u in list_users(obj.store)]
    echo_table(rows, ["name", "state", "created", "last_login"])


@group.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help=_STDIN_HELP)
@pass_ctx
def users_passwd(obj: Context, name: str, password_stdin: bool) -> None:
    """修改 NAME 的密码（其已登录的网页会话随即结束，登录锁定解除）。"""
    from ..users.accounts import find_user, set_password

    if find_user(obj.store, name) is None:
        raise UserError(f"没有这个用户：{name[:40]}")
    set_password(obj.store, name, read_password(password_stdin))
    click.echo(f"已修改密码：{name}")


def _set_enabled(store, name: str, enabled: bool) -> None:
    from ..users.accounts import set_disabled

    set_disabled(store, name, not enabled)


switch_commands(group, _set_enabled, noun="", helps=("停用 NAME（不能再登录，已登录的网页会话随即结束）。", "重新启用 NAME。"))
