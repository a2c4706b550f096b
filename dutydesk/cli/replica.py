"""`dutydesk replica run / status / restore`: a continuous replica with Litestream (the store's
:mod:`dutydesk.store.replica` does the work; this module reads the options and prints)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from ..errors import UserError
from .common import Context, pass_ctx

_WHEN = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$")


def parse_at(text: str) -> dt.datetime:
    """A moment as people write it: ``2026-12-02 13:30``, ``2026/12/2 13:30:05``,
    ``2026年12月2日 13:30``, ISO 8601 with a zone (``…T05:30:00Z``, ``…+08:00``). Without a zone
    it is local time; a date alone is its midnight."""
    raw = (text or "").strip()
    value = raw.translate(str.maketrans("０１２３４５６７８９：／－．　", "0123456789:/-. "))
    value = re.sub(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?\s*", r"\1-\2-\3 ", value).strip()
    value = re.sub(r"(\d)\s*[时点]\s*(\d{1,2})\s*分?$", r"\1:\2", value)
    value = value.replace("/", "-")
    m = _WHEN.match(value)
    if not m:
        raise UserError(f"无法识别的时间：{raw[:40]}（请写成 2026-12-02 13:30、2026年12月2日 13:30 "
                        "或带时区的 2026-12-02T13:30:00+08:00）")
    year, month, day, hour, minute, second, frac, zone = m.groups()
    try:
        when = dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                           int((frac or "0").ljust(6, "0")))
    except ValueError as exc:
        raise UserError(f"无法识别的时间：{raw[:40]}（{exc}）") from exc
    if zone is None:
        return when.astimezone()  # local time
    if zone == "Z":
        return when.replace(tzinfo=dt.timezone.utc)
    sign = 1 if zone[0] == "+" else -1
    digits = zone[1:].replace(":", "")
    offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return when.replace(tzinfo=dt.timezone(sign * offset))


def _local(when: dt.datetime | None) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M:%S") if when else "未知"


def _access_options(f):
    f = click.option("--host-key", metavar="KEY",
                     help="sftp：服务器公钥（如 'ssh-ed25519 AAAA…'，可用 ssh-keyscan 取得）；不给则不校验主机")(f)
    f = click.option("--ssh-key", type=click.Path(dir_okay=False, path_type=Path), help="sftp：SSH 私钥文件")(f)
    return f


def _access(ssh_key: Path | None, host_key: str | None):
    from ..store.replica import Access

    return Access(ssh_key=ssh_key, host_key=host_key)


def _db_path(obj: Context) -> Path:
    from ..store.paths import default_db_path

    return Path(obj.db_path or default_db_path()).expanduser()


@click.group(name="replica")
def group() -> None:
    """持续副本（Litestream）：运行复制、查看副本、按时间点恢复。"""


@group.command("run")
@click.option("--to", "url", required=True, metavar="URL", help="副本地址：文件夹路径、file://、sftp:// 或 s3://")
@click.option("--interval", type=click.FloatRange(0.05, 3600), default=1.0, show_default=True,
              help="同步到副本的间隔（秒）；s3 按请求计费时可设大些")
@_access_options
@pass_ctx
def run_cmd(obj: Context, url: str, interval: float, ssh_key: Path | None, host_key: str | None) -> None:
    """在前台持续复制数据库，直到收到 SIGTERM 或 Ctrl+C（最后再同步一次）；适合做 systemd 服务。"""
    from ..store import replica

    target = replica.parse_target(url)
    path = obj.store.path  # create or upgrade the database first: Litestream replicates a file that exists
    obj.close()  # this command holds no connection of its own while it runs
    replica.run(path, target, emit=lambda line: click.echo(line, err=True), interval=interval,
                access=_access(ssh_key, host_key))


@group.command("status")
@click.option("--to", "url", required=True, metavar="URL", help="副本地址：文件夹路径、file://、sftp:// 或 s3://")
@_access_options
@pass_ctx
def status_cmd(obj: Context, url: str, ssh_key: Path | None, host_key: str | None) -> None:
    """副本是否存在、最新位置和时间、与本地数据库相差多少（副本不存在时退出状态为 1）。"""
    from ..store import replica

    target = replica.parse_target(url)
    db = _db_path(obj)
    st = replica.status(db, target, access=_access(ssh_key, host_key))
    if not st.exists:
        raise UserError(f"副本不存在：{target.shown}（尚未开始复制，或地址有误）")
    click.echo(f"副本：{target.shown}")
    click.echo(f"副本最新：事务 {st.replica_txid}，写入于 {_local(st.replica_time)}（共 {st.files} 个 LTX 文件）")
    changed = f"（最后修改 {_local(st.local_changed)}）" if st.local_changed else "（文件不存在）"
    click.echo(f"本地数据库：{db}{changed}")
    if st.local_txid is None:
        click.echo("本地复制位置：本机尚未复制过这个数据库")
    else:
        click.echo(f"本地复制位置：事务 {st.local_txid}，WAL {st.wal_size or '0 B'}")
        lag = st.lag or 0
        click.echo("差距：副本已跟上本地" if lag == 0 else f"差距：副本落后本地 {lag} 个事务")
    click.echo(f"复制进程：本机正在运行（进程 {st.running_pid}）" if st.running_pid else "复制进程：本机未运行")
    if (not st.running_pid and st.local_changed and st.replica_time
            and st.local_changed - st.replica_time > dt.timedelta(seconds=2)):
        click.echo("注意：本地数据库在副本最新时间之后有改动，而本机没有复制进程：可能有修改尚未复制")


@group.command("restore")
@click.argument("url")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="恢复到这个新文件（已存在时需加 --force）")
@click.option("--at", "at", metavar="TIME",
              help="恢复到这一时刻的状态（本地时间，如 '2026-12-02 13:30'；默认最新）")
@click.option("--force", is_flag=True, help="覆盖已存在的文件")
@_access_options
@pass_ctx
def restore_cmd(obj: Context, url: str, output: Path, at: str | None, force: bool, ssh_key: Path | None,
                host_key: str | None) -> None:
    """从副本恢复数据库到新文件（可按时间点），并像恢复备份一样检查它。"""
    from ..registry import migration_sets
    from ..store import replica
    from ..store.backup import check_backup_file

    target = replica.parse_target(url)
    moment = parse_at(at) if at else None
    sets = migration_sets()
    done = replica.restore(target, output, check=lambda path: check_backup_file(path, sets), at=moment,
                           force=force, protect=(_db_path(obj),), access=_access(ssh_key, host_key))
    txid = f"（事务 {done.txid}）" if done.txid is not None else ""
    click.echo(f"已从副本恢复到：{done.path}{txid}")
    click.echo(f"检查通过。要用它替换当前数据库：dutydesk restore {done.path}")
