"""`dutydesk serve`: the TUI in a browser (textual-serve), behind per-person logins."""

from __future__ import annotations

import ipaddress

import click

from ..errors import UserError
from .common import Context, pass_ctx

TLS_SECTION = "README.md 的 “Putting nginx or Caddy with TLS in front” 一节"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址（默认只允许本机访问；其他地址会收到明文 http）")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口")
@pass_ctx
def serve(obj: Context, host: str, port: int) -> None:
    """在浏览器里使用 dutydesk：每人用自己的账号登录（dutydesk users add），其姓名记为操作人。"""
    from ..users.accounts import has_active_users

    store = obj.store
    if not has_active_users(store):
        raise UserError("还没有可以登录的用户，请先添加：dutydesk users add 姓名")
    if not is_loopback(host):
        click.echo(f"警告：在 {host} 上以明文 http 提供服务，同一网络中的人能看到密码和信访件内容。"
                   f"请在前面放一个带 TLS 的 nginx 或 Caddy（见 {TLS_SECTION}）。", err=True)
    from ..web.server import DutydeskServer

    shown = f"[{host}]" if ":" in host else host
    click.echo(f"dutydesk 网页版：http://{shown}:{port}/ （数据库 {store.path}；按 Ctrl+C 停止）")
    server = DutydeskServer(store, host=host, port=port)
    try:
        server.serve()
    except OSError as exc:
        raise UserError(f"无法在 {host}:{port} 上监听：{exc.strerror or exc}") from exc
