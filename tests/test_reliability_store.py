"""Reliability at the store level (issue 7): several processes, kill -9, audit, soft delete,
optimistic locking, backups and restore, private files, text cleaning and masking, and the
spreadsheet reader on hostile files."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dutydesk
from dutydesk import sheets
from dutydesk.errors import ConflictError, UserError
from dutydesk import registry
from dutydesk.bootstrap import open_store
from dutydesk.store import backup, db, drafts, records
from dutydesk.store.db import Store
from dutydesk.text import clean, clean_line, mask_name, mask_phone

ROOT = Path(dutydesk.__file__).resolve().parent.parent

SCRATCH = """
CREATE TABLE IF NOT EXISTS scratch (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT,
    updated_at TEXT,
    deleted_at TEXT
)"""


def make_scratch(store: Store) -> None:
    with store.write():
        store.execute(SCRATCH)
        store.execute("CREATE TABLE IF NOT EXISTS counter (n INTEGER NOT NULL)")
        if not store.scalar("SELECT COUNT(*) FROM counter"):
            store.execute("INSERT INTO counter (n) VALUES (0)")


def child_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def mode_of(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


# -- several processes ------------------------------------------------------------------------
WRITER = r"""
import sys, time
from pathlib import Path
from dutydesk.bootstrap import open_store
from dutydesk.store import records

db, who, n, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
store = open_store(db, operator=who, daily_backup=False)
print("ready", flush=True)
while not go.exists():
    time.sleep(0.002)
failed = 0
for i in range(n):
    try:
        records.insert(store, "scratch", {"title": f"{who}-{i}", "note": who})
        with store.write():  # read-modify-write: must never lose an update
            v = store.scalar("SELECT n FROM counter")
            store.execute("UPDATE counter SET n = ?", [v + 1])
    except Exception as exc:
        failed += 1
        print("FAIL", type(exc).__name__, exc, file=sys.stderr, flush=True)
store.close()
print(f"done {failed}", flush=True)
sys.exit(1 if failed else 0)
"""


def test_four_processes_write_200_records_each(store, tmp_path):
    make_scratch(store)
    go = tmp_path / "go"
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(store.path), f"p{i}", "200", str(go)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())
        for i in range(4)
    ]
    try:
        for p in procs:  # all connected before anyone writes: maximum contention
            assert p.stdout.readline().strip() == "ready", p.stderr.read()
        go.touch()
        results = [p.communicate(timeout=60) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, err
        assert out.strip() == "done 0"
        assert "locked" not in err
    rows = store.query("SELECT title, note FROM scratch")
    assert len(rows) == 800
    assert {r["title"] for r in rows} == {f"p{w}-{i}" for w in range(4) for i in range(200)}
    assert store.scalar("SELECT n FROM counter") == 800  # no lost update
    audit = store.query("SELECT operator, COUNT(*) AS n FROM audit WHERE entity='scratch' GROUP BY operator")
    assert {r["operator"]: r["n"] for r in audit} == {f"p{i}": 200 for i in range(4)}
    assert store.scalar("PRAGMA integrity_check") == "ok"


# -- kill -9 ------------------------------------------------------------------------------------
KILLED = r"""
import sys
from dutydesk.store.db import Store
from dutydesk.store import records

store = Store(sys.argv[1], operator="kill")
print("ready", flush=True)
i = 0
while True:
    i += 1
    rid = records.insert(store, "scratch", {"title": "标题" * (i % 300), "note": str(i)})
    if i % 5 == 0:
        records.update(store, "scratch", rid, {"note": "改过"})
    print(rid, flush=True)
"""


def test_sigkill_loop_loses_nothing_reported_saved(store, tmp_path):
    make_scratch(store)
    path = store.path
    store.close()
    rnd = random.Random(7)
    reported: set[int] = set()
    kills = 0
    for round_ in range(18):
        proc = subprocess.Popen([sys.executable, "-c", KILLED, str(path)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=child_env())
        try:
            if round_ % 5 == 4:
                time.sleep(rnd.uniform(0.0, 0.25))  # sometimes while it is still opening the database
            else:
                assert proc.stdout.readline().strip() == b"ready"
                time.sleep(rnd.uniform(0.0, 0.12))
            proc.send_signal(signal.SIGKILL)
            out, err = proc.communicate(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == -signal.SIGKILL, err.decode(errors="replace")
        kills += 1
        lines = out.decode().split("\n")[:-1]  # a line without its newline was not reported
        reported |= {int(x) for x in lines if x.isdigit()}

        conn = sqlite3.connect(path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            present = {r[0] for r in conn.execute("SELECT id FROM scratch")}
            assert reported <= present, sorted(reported - present)[:10]
            # each record and its audit row were committed together, or not at all
            orphans = conn.execute(
                "SELECT COUNT(*) FROM scratch s WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.entity='scratch' "
                "AND a.action='新增' AND a.entity_id = CAST(s.id AS TEXT))").fetchone()[0]
            ghosts = conn.execute(
                "SELECT COUNT(*) FROM audit a WHERE a.entity='scratch' AND NOT EXISTS "
                "(SELECT 1 FROM scratch s WHERE s.id = CAST(a.entity_id AS INTEGER))").fetchone()[0]
            assert orphans == 0 and ghosts == 0
            changed = conn.execute("SELECT COUNT(*) FROM scratch WHERE note='改过' AND version != 2").fetchone()[0]
            assert changed == 0
        finally:
            conn.close()
    assert kills == 18 and len(reported) > 50
    s = open_store(path, daily_backup=False)
    try:
        assert s.scalar("PRAGMA integrity_check") == "ok"
        assert reported <= {r["id"] for r in s.query("SELECT id FROM scratch")}
    finally:
        s.close()


# -- records: audit, optimistic locking, soft delete and undo --------------------------------
def test_insert_update_audit_and_conflict_carries_current_row(store, db_path):
    make_scratch(store)
    rid = records.insert(store, "scratch", {"title": "原标题", "note": "甲"})
    row = records.get(store, "scratch", rid)
    assert row["version"] == 1 and row["created_at"] and row["deleted_at"] is None

    other = Store(db_path, operator="另一终端")  # a second terminal edits first
    try:
        records.update(other, "scratch", rid, {"note": "乙"}, expected_version=1)
    finally:
        other.close()
    with pytest.raises(ConflictError) as info:
        records.update(store, "scratch", rid, {"title": "我的标题"}, expected_version=1)
    assert info.value.current["note"] == "乙" and info.value.current["version"] == 2
    assert "其他人修改" in str(info.value)
    assert records.get(store, "scratch", rid)["title"] == "原标题"  # nothing written

    updated = records.update(store, "scratch", rid, {"title": "我的标题", "note": "乙"}, expected_version=2)
    assert updated["version"] == 3 and updated["title"] == "我的标题"
    assert records.update(store, "scratch", rid, {"title": "我的标题"}) ["version"] == 3  # no change, no bump

    hist = store.history("scratch", rid)
    assert [(h["operator"], h["action"]) for h in hist] == [("测试员", "新增"), ("另一终端", "修改"), ("测试员", "修改")]
    assert hist[0]["changes"] == {"title": "原标题", "note": "甲"}
    assert hist[1]["changes"] == {"note": ["甲", "乙"]}
    assert hist[2]["changes"] == {"title": ["原标题", "我的标题"]}  # only what changed
    assert all(dt.datetime.fromisoformat(h["at"]) for h in hist)
    text = records.history_text(store, "scratch", rid, labels={"title": "标题"}, hidden={"note"})
    assert "另一终端" in text and "标题：原标题 → 我的标题" in text
    assert "甲" not in text and "乙" not in text and "（已隐藏）" in text


def test_soft_delete_and_undo(store):
    make_scratch(store)
    keep = records.insert(store, "scratch", {"title": "保留"})
    rid = records.insert(store, "scratch", {"title": "要删除"})
    records.soft_delete(store, "scratch", rid)
    assert store.one("SELECT deleted_at FROM scratch WHERE id=?", [rid])["deleted_at"]  # the row is still there
    with pytest.raises(UserError, match="已删除"):
        records.get(store, "scratch", rid)
    with pytest.raises(UserError):
        records.update(store, "scratch", rid, {"title": "x"})
    with pytest.raises(UserError):
        records.soft_delete(store, "scratch", rid)
    assert [r["id"] for r in records.deleted(store, "scratch")] == [rid]
    assert records.get(store, "scratch", rid, include_deleted=True)["title"] == "要删除"

    records.undelete(store, "scratch", rid)
    row = records.get(store, "scratch", rid)
    assert row["title"] == "要删除" and row["deleted_at"] is None and row["version"] == 3
    assert records.deleted(store, "scratch") == []
    records.undelete(store, "scratch", rid)  # already back: nothing happens
    assert [h["action"] for h in store.history("scratch", rid)] == ["新增", "删除", "恢复"]
    assert records.get(store, "scratch", keep)["version"] == 1


def test_write_is_atomic_nested_and_survives_a_failed_commit(store):
    make_scratch(store)
    with pytest.raises(RuntimeError):
        with store.write():
            records.insert(store, "scratch", {"title": "外层"})
            with store.write():
                records.insert(store, "scratch", {"title": "内层"})
            raise RuntimeError("boom")
    assert store.scalar("SELECT COUNT(*) FROM scratch") == 0
    assert store.scalar("SELECT COUNT(*) FROM audit WHERE entity='scratch'") == 0

    # A deferred foreign key fails at COMMIT: the transaction must be rolled back, not left open
    with store.write():
        store.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        store.execute("CREATE TABLE child (id INTEGER PRIMARY KEY, "
                         "parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)")
    with pytest.raises(sqlite3.IntegrityError):
        with store.write():
            store.execute("INSERT INTO child (parent_id) VALUES (42)")
    assert not store.conn.in_transaction
    records.insert(store, "scratch", {"title": "之后"})
    assert store.scalar("SELECT COUNT(*) FROM child") == 0
    assert store.scalar("SELECT COUNT(*) FROM scratch") == 1


def test_a_large_write_keeps_statement_journals_in_memory_and_is_still_atomic(store):
    make_scratch(store)
    assert store.scalar("PRAGMA temp_store") == 0
    with pytest.raises(RuntimeError):
        with store.write(large=True):
            assert store.scalar("PRAGMA temp_store") == 2  # MEMORY
            assert store.scalar("PRAGMA cache_size") == -db.LARGE_WRITE_CACHE_KB  # a smaller page cache meanwhile
            records.insert(store, "scratch", {"title": "甲"})
            with store.write(large=True):  # joins the outer transaction
                records.insert(store, "scratch", {"title": "乙"})
            raise RuntimeError("boom")
    assert store.scalar("PRAGMA temp_store") == 0 and not store.conn.in_transaction
    assert store.scalar("PRAGMA cache_size") == -db.CACHE_KB  # given back, even after a failure
    assert store.scalar("SELECT COUNT(*) FROM scratch") == 0
    with store.write(large=True):
        records.insert(store, "scratch", {"title": "丙"})
    assert store.scalar("PRAGMA temp_store") == 0 and store.scalar("SELECT COUNT(*) FROM scratch") == 1


def test_a_statement_outside_write_does_not_keep_the_lock(store, db_path, monkeypatch):
    import dutydesk.store.db as dbmod

    make_scratch(store)
    store.execute("INSERT INTO scratch (title) VALUES ('没有用 write()')")
    assert not store.conn.in_transaction
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_S", 0.3)
    other = Store(db_path, operator="乙")
    try:
        records.insert(other, "scratch", {"title": "另一终端"})  # not blocked
    finally:
        other.close()
    assert store.scalar("SELECT COUNT(*) FROM scratch") == 2


def test_reads_do_not_pin_an_old_snapshot(store, db_path):
    """A half-read SELECT must not keep a read transaction (which would hide others' commits)."""
    make_scratch(store)
    for i in range(3):
        records.insert(store, "scratch", {"title": str(i)})
    assert store.one("SELECT * FROM scratch ORDER BY id")["title"] == "0"
    version = store.scalar("PRAGMA data_version")
    other = Store(db_path, operator="乙")
    try:
        records.insert(other, "scratch", {"title": "别人的"})
    finally:
        other.close()
    assert store.scalar("PRAGMA data_version") != version
    assert store.one("SELECT title FROM scratch ORDER BY id DESC")["title"] == "别人的"


def test_drafts_round_trip(store):
    assert drafts.load_draft(store, "k") is None
    drafts.save_draft(store, "k", {"name": "市卫健委", "note": "[b]x[/b]\n𠀀😀"})
    drafts.save_draft(store, "k", {"name": "市卫健委2", "note": "[b]x[/b]\n𠀀😀"})
    assert drafts.load_draft(store, "k") == {"name": "市卫健委2", "note": "[b]x[/b]\n𠀀😀"}
    drafts.delete_draft(store, "k")
    assert drafts.load_draft(store, "k") is None


def test_drafts_belong_to_their_operator(store, db_path):
    """Two officers opening the same form at two terminals keep their own drafts."""
    other = Store(db_path, operator="乙")
    try:
        drafts.save_draft(store, "petitions.new", {"content": "甲正在录入"})
        assert drafts.load_draft(other, "petitions.new") is None
        drafts.save_draft(other, "petitions.new", {"content": "乙正在录入"})
        drafts.delete_draft(other, "petitions.new")
        assert drafts.load_draft(store, "petitions.new") == {"content": "甲正在录入"}
        assert drafts.load_draft(other, "petitions.new") is None
    finally:
        other.close()


# -- files and backups --------------------------------------------------------------------------
def test_db_wal_shm_and_backups_are_private_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        path = tmp_path / "sub" / "dd.db"
        s = open_store(path, operator="甲", daily_backup=True)
        try:
            make_scratch(s)
            records.insert(s, "scratch", {"title": "x"})
            for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                assert p.exists() and mode_of(p) == 0o600, p
            daily = backup.list_backups(s)
            assert len(daily) == 1 and daily[0].name.endswith("-daily.db") and mode_of(daily[0]) == 0o600
            manual = backup.backup_now(s, target=tmp_path / "out" / "copy.db")
            assert mode_of(manual) == 0o600
        finally:
            s.close()
        # an existing database (and WAL) with loose modes becomes private on open
        os.chmod(path, 0o644)
        Path(f"{path}-wal").touch()
        os.chmod(f"{path}-wal", 0o644)
        open_store(path, daily_backup=False).close()
        assert mode_of(path) == 0o600
        if Path(f"{path}-wal").exists():
            assert mode_of(Path(f"{path}-wal")) == 0o600
    finally:
        os.umask(old)


def test_folder_given_as_database_is_refused_and_left_alone(tmp_path):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    os.chmod(folder, 0o755)
    with pytest.raises(UserError, match="文件夹"):
        open_store(folder, daily_backup=False)
    assert mode_of(folder) == 0o755


def test_backup_is_a_consistent_private_copy(store, tmp_path):
    make_scratch(store)
    records.insert(store, "scratch", {"title": "备份前"})
    target = backup.backup_now(store, target=tmp_path / "bk.db")
    records.insert(store, "scratch", {"title": "备份后"})
    assert mode_of(target) == 0o600
    assert not list(tmp_path.glob(".*.tmp"))
    conn = sqlite3.connect(target)
    try:
        assert [r[0] for r in conn.execute("SELECT title FROM scratch")] == ["备份前"]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # standalone file
    finally:
        conn.close()
    with pytest.raises(UserError):
        backup.backup_now(store, target=store.path)


def test_backup_never_copies_half_a_transaction(store, tmp_path):
    """A worker thread writing on the same connection: the copy waits for its commit."""
    import threading

    make_scratch(store)
    started = threading.Event()

    def writer():
        with store.write():
            records.insert(store, "scratch", {"title": "甲"})
            started.set()
            time.sleep(0.3)
            records.insert(store, "scratch", {"title": "乙"})

    thread = threading.Thread(target=writer)
    thread.start()
    assert started.wait(5)
    target = backup.backup_now(store, target=tmp_path / "during.db")
    thread.join()
    conn = sqlite3.connect(target)
    try:
        assert sorted(r[0] for r in conn.execute("SELECT title FROM scratch")) == ["乙", "甲"]
    finally:
        conn.close()


def test_keep_last_n_backups(store):
    from dutydesk import refdata

    refdata.set_setting(store, "backup_keep", "3")
    made = []
    for _ in range(5):
        made.append(backup.backup_now(store))
        time.sleep(0.002)
    # another database's backups in the same folder are not ours to prune
    foreign = backup.backup_dir(store) / "dutydesk-old-20200101-000000-000000-manual.db"
    foreign.write_bytes(b"")
    kept = backup.list_backups(store)
    assert kept == made[-3:]
    assert all(not p.exists() for p in made[:2])
    backup.backup_now(store, keep=1)
    assert len(backup.list_backups(store)) == 1 and foreign.exists()


def test_daily_backup_once_a_day(store):
    first = backup.daily_backup(store)
    assert first is not None and first.name.endswith("-daily.db")
    assert backup.daily_backup(store) is None
    assert len(backup.list_backups(store)) == 1
    # pretend it was made yesterday: the next start makes today's
    yesterday = (dt.date.today() - dt.timedelta(days=1)).strftime("%Y%m%d")
    first.rename(first.with_name(first.name.replace(dt.date.today().strftime("%Y%m%d"), yesterday)))
    second = backup.daily_backup(store)
    assert second is not None and len(backup.list_backups(store)) == 2


def test_daily_backup_on_start(tmp_path):
    path = tmp_path / "dd.db"
    open_store(path, daily_backup=True).close()
    open_store(path, daily_backup=True).close()
    backups = list((tmp_path / "backups").glob("dd-*-daily.db"))
    assert len(backups) == 1


def test_restore_backs_up_current_first_and_other_terminals_see_it(store, db_path, tmp_path):
    make_scratch(store)
    records.insert(store, "scratch", {"title": "旧"})
    good = backup.backup_now(store, target=tmp_path / "good #1?.db")  # awkward name for a URI
    records.insert(store, "scratch", {"title": "新"})
    other = Store(db_path, operator="乙")  # another terminal keeps its connection open
    try:
        assert other.scalar("SELECT COUNT(*) FROM scratch") == 2
        safety = backup.restore(store, good, registry.migration_sets())
        assert safety.exists() and mode_of(safety) == 0o600 and safety.name.endswith("-prerestore.db")
        conn = sqlite3.connect(safety)
        assert [r[0] for r in conn.execute("SELECT title FROM scratch ORDER BY id")] == ["旧", "新"]
        conn.close()
        assert [r["title"] for r in store.query("SELECT title FROM scratch")] == ["旧"]
        assert [r["title"] for r in other.query("SELECT title FROM scratch")] == ["旧"]
        assert store.scalar("PRAGMA integrity_check") == "ok"
        assert store.one("SELECT action FROM audit ORDER BY id DESC")["action"] == "恢复备份"
        records.insert(other, "scratch", {"title": "恢复后"})  # still writable from everywhere
        assert store.scalar("SELECT COUNT(*) FROM scratch") == 2
    finally:
        other.close()


def _corrupt_copy(src: Path, dst: Path) -> Path:
    data = bytearray(src.read_bytes())
    for off in range(4096 * 2, min(len(data), 4096 * 6), 97):  # scribble over b-tree pages
        data[off] = (data[off] + 0x55) % 256
    dst.write_bytes(bytes(data))
    return dst


@pytest.mark.parametrize("kind", ["text", "truncated", "corrupt", "foreign", "newer", "missing"])
def test_restore_refuses_bad_files_and_changes_nothing(store, tmp_path, kind):
    make_scratch(store)
    for i in range(300):
        records.insert(store, "scratch", {"title": f"记录{i}" * 20})
    good = backup.backup_now(store, target=tmp_path / "good.db")
    bad = tmp_path / f"{kind}.db"
    if kind == "text":
        bad.write_text("这不是数据库\n" * 100, encoding="utf-8")
    elif kind == "truncated":
        bad.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    elif kind == "corrupt":
        _corrupt_copy(good, bad)
    elif kind == "foreign":
        conn = sqlite3.connect(bad)
        conn.execute("CREATE TABLE other (x)")
        conn.commit()
        conn.close()
    elif kind == "newer":
        bad.write_bytes(good.read_bytes())
        conn = sqlite3.connect(bad)
        conn.execute("PRAGMA user_version = 99")
        conn.commit()
        conn.close()
    records.insert(store, "scratch", {"title": "当前"})
    before = store.scalar("SELECT COUNT(*) FROM scratch")
    with pytest.raises(UserError) as info:
        backup.restore(store, bad, registry.migration_sets())
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value))
    assert store.scalar("SELECT COUNT(*) FROM scratch") == before
    assert backup.list_backups(store) == []  # refused before anything was written


def test_restore_file_with_another_page_size(store, tmp_path):
    make_scratch(store)
    records.insert(store, "scratch", {"title": "旧页大小"})
    good = backup.backup_now(store, target=tmp_path / "good.db")
    small = tmp_path / "small-pages.db"
    conn = sqlite3.connect(good)
    conn.execute("PRAGMA page_size = 1024")
    conn.execute("VACUUM")
    conn.execute(f"VACUUM INTO '{small}'")
    conn.close()
    assert sqlite3.connect(small).execute("PRAGMA page_size").fetchone()[0] == 1024
    records.insert(store, "scratch", {"title": "新"})
    backup.restore(store, small, registry.migration_sets())
    assert [r["title"] for r in store.query("SELECT title FROM scratch")] == ["旧页大小"]
    assert not list(backup.backup_dir(store).glob(".*tmp"))


def test_cli_restore_refuses_garbage(run_cli, tmp_path):
    assert run_cli("init").exit_code == 0
    bad = tmp_path / "bad.db"
    bad.write_bytes(os.urandom(5000))
    r = run_cli("restore", str(bad), "--yes")
    assert r.exit_code == 1 and r.stderr.startswith("错误：") and "Traceback" not in r.stderr


def test_cli_unexpected_error_is_one_line_and_a_private_crash_log(run_cli, db_path, monkeypatch):
    from dutydesk import refdata

    assert run_cli("init").exit_code == 0

    def broken(store):
        raise RuntimeError("设置读取故障 13812345678")

    monkeypatch.setattr(refdata, "all_settings", broken)
    r = run_cli("settings", "show")
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith("错误：发生意外错误（RuntimeError）") and len(r.stderr.strip().splitlines()) == 1
    log = db_path.parent / "dutydesk-crash.log"
    assert mode_of(log) == 0o600
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "设置读取故障" in text and "13812345678" not in text


# -- text cleaning and masking -----------------------------------------------------------------
SAFE_EXTRA = ["[/]", "[@click=app.quit]x[/]", "[b]粗[/b]", "😀", "👨‍👩‍👧", "𠀀", "𪚥", "\t", "\n", "　", "＜＞", "&lt;"]
safe_text = st.lists(
    st.one_of(
        st.sampled_from(SAFE_EXTRA),
        st.text(st.characters(blacklist_categories=("Cc", "Cs"),
                              blacklist_characters="\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                                   "\u2066\u2067\u2068\u2069\ufeff\u2028\u2029\ufffe\uffff"), max_size=8),
    ),
    max_size=12,
).map("".join)
controls = st.sampled_from([chr(c) for c in range(0x20) if c not in (9, 10, 13, 27)] + ["\x7f", "\x85", "\x9b", "\u202e", "\ufeff"])
hostile_text = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(safe_text, controls, st.sampled_from(["\x1b[31m", "\x1b]0;title\x07", "\x1b[2J", "\r\n", "\r", "\x1b"])),
             max_size=12).map("".join),
)


def _bad_chars(text: str) -> list[str]:
    return [ch for ch in text if (unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n") or ch == "\x1b"]


@given(hostile_text)
def test_clean_removes_control_characters_and_is_idempotent(value):
    out = clean(value)
    assert _bad_chars(out) == []
    assert "\r" not in out
    assert clean(out) == out
    line = clean_line(value)
    assert _bad_chars(line) == [] and "\n" not in line and "\t" not in line
    assert line == line.strip() and clean_line(line) == line


@given(safe_text)
def test_clean_keeps_ordinary_text_markup_emoji_and_rare_cjk(value):
    assert clean(value) == value


@given(st.lists(st.tuples(safe_text, controls), max_size=6), safe_text)
def test_clean_removes_exactly_the_control_characters(pieces, tail):
    dirty = "".join(a + c for a, c in pieces) + tail
    assert clean(dirty) == "".join(a for a, _ in pieces) + tail


def test_clean_examples():
    assert clean("\x1b[31m红\x1b[0m字\x00\x07") == "红字"
    assert clean("a\r\nb\rc") == "a\nb\nc"
    assert clean_line(" a\tb\nc ") == "a b c"
    assert clean(None) == "" and clean(12) == "12"
    big = "测" * 100_000
    assert clean(big) == big


@given(st.text(max_size=30))
def test_mask_name_shows_only_the_first_character(name):
    out = mask_name(name)
    stripped = name.strip()
    if not stripped:
        assert out == ""
        return
    assert out[0] == stripped[0] and set(out[1:]) == {"*"} and len(out) >= 2


@given(st.text(alphabet="0123456789-+ ", max_size=20))
def test_mask_phone_never_shows_more_than_3_plus_4_and_hides_enough(phone):
    out = mask_phone(phone)
    p = phone.strip()
    n = len(p)
    if n == 0:
        assert out == ""
        return
    if n <= 2:
        assert out == "**"
        return
    assert len(out) == n
    shown = [i for i, ch in enumerate(out) if ch != "*"]
    assert all(out[i] == p[i] for i in shown)
    assert all(i < 3 or i >= n - 4 for i in shown)  # only a prefix of 3 and a suffix of 4
    assert n - len(shown) >= min(4, (n + 1) // 2)  # at least 4 hidden, or half of a short number


def test_mask_phone_examples():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("82345678") == "****5678"
    assert "1234" not in mask_phone("01234")


# -- spreadsheets from hostile files -------------------------------------------------------------
def _xlsx_bytes() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "内容"])
    for i in range(20):
        ws.append([i, f"张{i}", "[@click=app.quit]x[/] \x1b[31m"[: i + 3] if i % 2 else "𠀀😀"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


XLSX = _xlsx_bytes()


def _flip(changes: list[tuple[int, int]]) -> bytes:
    data = bytearray(XLSX)
    for offset, value in changes:
        data[offset] = value
    return bytes(data)


def _empty_zip() -> bytes:
    buf = io.BytesIO()
    zipfile.ZipFile(buf, "w").close()
    return buf.getvalue()


def _xlsx_with(name: str, edit) -> bytes:
    """XLSX with one member rewritten (a well-formed zip whose content is wrong)."""
    src = zipfile.ZipFile(io.BytesIO(XLSX))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            out.writestr(item, edit(data) if item.filename == name else data)
    return buf.getvalue()


def _read_or_user_error(path: Path) -> None:
    try:
        sheet = sheets.read_sheet(path)
    except UserError as exc:
        assert str(exc) and any("\u4e00" <= ch <= "\u9fff" for ch in str(exc))
        return
    for row in sheet.rows:
        for value in row.values.values():
            if isinstance(value, str):
                assert _bad_chars(value) == []


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.one_of(
    st.binary(max_size=400),
    st.binary(max_size=200).map(lambda b: b"\xff\xfe" + b),
    st.binary(max_size=200).map(lambda b: b"\xef\xbb\xbf" + b),
    hostile_text.map(lambda t: ("序号,姓名\n1," + t).encode("utf-8", "surrogatepass")),
    hostile_text.map(lambda t: t.encode("gb18030", "replace")),
))
def test_read_sheet_csv_on_arbitrary_bytes_only_raises_user_error(tmp_path, data):
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    _read_or_user_error(path)


@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.one_of(
    st.binary(max_size=300),
    st.integers(0, len(XLSX)).map(lambda n: XLSX[:n]),  # truncated
    st.lists(st.tuples(st.integers(0, len(XLSX) - 1), st.integers(0, 255)), min_size=1, max_size=30).map(_flip),
))
def test_read_sheet_xlsx_on_arbitrary_bytes_only_raises_user_error(tmp_path, data):
    path = tmp_path / "in.xlsx"
    path.write_bytes(data)
    _read_or_user_error(path)


def test_read_sheet_specific_bad_files(tmp_path):
    cases = {
        "odd-utf16.csv": b"\xff\xfe" + "序号".encode("utf-16-le") + b"\x00",
        "empty.csv": b"",
        "nul.csv": b"a,b\n\x00\x00\x00",
        "zip.xlsx": _empty_zip(),
        "half.xlsx": XLSX[: len(XLSX) // 2],
        "pdf.xlsx": b"%PDF-1.4\n" + os.urandom(200),
        "doc.xls": b"\xd0\xcf\x11\xe0" + os.urandom(100),
        "no-sheets.xlsx": _xlsx_with("xl/workbook.xml", lambda d: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", d)),
        "bad-xml.xlsx": _xlsx_with("xl/worksheets/sheet1.xml", lambda d: d[: len(d) // 2]),
        "bad-cell.xlsx": _xlsx_with("xl/worksheets/sheet1.xml", lambda d: d.replace(b"<c r=\"A2\"", b"<c r=\"??\"", 1)),
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(UserError):
            sheets.read_sheet(path)
    # an old Mac-style CSV (CR line ends) and a quoted multi-line cell read correctly
    mac = tmp_path / "mac.csv"
    mac.write_bytes("序号,内容\r1,\"第一行\r\n第二行\"\r2,乙\r".encode("gb18030"))
    sheet = sheets.read_sheet(mac)
    assert [r.values["内容"] for r in sheet.rows] == ["第一行\n第二行", "乙"]
    ok = tmp_path / "ok.xlsx"
    ok.write_bytes(XLSX)
    sheet = sheets.read_sheet(ok)
    assert len(sheet.rows) == 20 and sheet.rows[0].values["内容"] == "𠀀😀"
    assert sheet.rows[1].values["内容"] == "[@cl"
    assert "\x1b" not in json.dumps([r.values for r in sheet.rows], ensure_ascii=False, default=str)
