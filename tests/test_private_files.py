"""Private files (issue 16, M1, M2 and the low items about files): every file that can hold an
identity is created 0600 in a 0700 folder through a temporary file renamed into place; a link
planted at the target is replaced, never followed; an existing file dutydesk did not write is
overwritten only with --force (CLI) or a confirmation (TUI); temporary files of killed writers
are removed at the next start. Every hostile file is made here, in the test."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings, strategies as st

from dutydesk.bootstrap import open_store
from dutydesk.bulletin import service as B
from dutydesk.crashlog import write_crash_log
from dutydesk.handoffs import intake
from dutydesk.handoffs.export import export_ledger
from dutydesk.petitions.batches import add_batch
from dutydesk.petitions.export import export_petitions
from dutydesk.petitions.intake import PetitionInput, add_petition
from dutydesk.roster import people
from dutydesk.roster import service as R
from dutydesk.roster.transfer import export_roster
from dutydesk.store import backup, files
from dutydesk.store.files import NotOursError
from dutydesk.text import neutralise_formula, restore_formula

DAY = dt.date(2024, 3, 13)
ROOT = Path(__file__).resolve().parent.parent


def mode_of(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def loose_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def filled(store, freeze_today):
    """A petition with its petitioner, a problem, a roster day with phones, a bulletin item."""
    freeze_today(DAY)
    add_petition(store, add_batch(store, 1, DAY), PetitionInput(
        "D2HH202403130001", "养殖场污水直排", "零陵区", ["水"], petitioner_name="诸葛孔明",
        petitioner_phone="13987654321", petitioner_address="南阳卧龙岗草庐七号院"))
    intake.create(store, source="督察组交办", description="河道垃圾", lead_unit="零陵区")
    R.save_slot(store, DAY, "全天", people.add_person(store, "王建国", role="leader", phone="13907461001"),
                [people.add_person(store, "李明", phone="13807462001")])
    B.add_item(store, DAY, kind="news", title="督察工作推进会召开", body="会议通报了信访件办理情况。")
    return store


def writers(store):
    """Every writer of a file that can hold an identity, as ``name -> write(path, force)``."""
    return {
        "台账.xlsx": lambda p, f: export_petitions(store, p, force=f),
        "台账.csv": lambda p, f: export_petitions(store, p, force=f),
        "台账.docx": lambda p, f: export_petitions(store, p, force=f),
        "公开表.csv": lambda p, f: export_petitions(store, p, public=True, force=f),
        "问题台账.xlsx": lambda p, f: export_ledger(store, p, today=DAY, force=f),
        "问题台账.docx": lambda p, f: export_ledger(store, p, today=DAY, force=f),
        "值班表.xlsx": lambda p, f: export_roster(store, p, DAY, DAY, force=f),
        "值班表.docx": lambda p, f: export_roster(store, p, DAY, DAY, force=f),
        "简报.txt": lambda p, f: B.export_formats(store, DAY, ("txt",), target=p, force=f),
        "备份.db": lambda p, f: backup.backup_now(store, target=p, force=f),
    }


# -- M1: private files in private folders -------------------------------------------------------
def test_every_export_and_backup_is_0600_in_a_new_0700_folder(filled, tmp_path, loose_umask):
    for name, write in writers(filled).items():
        target = tmp_path / "new" / name.split(".")[1] / name
        write(target, False)
        assert mode_of(target) == 0o600, name
        assert mode_of(target.parent) == 0o700 and mode_of(target.parent.parent) == 0o700, name
        leftovers = [p.name for p in target.parent.iterdir() if p.name.endswith(files.TEMP_SUFFIX)]
        assert leftovers == [], name


def test_the_folders_dutydesk_owns_become_private_at_start(tmp_path, loose_umask):
    db = tmp_path / "data" / "dd.db"
    open_store(db, daily_backup=False).close()
    assert mode_of(db.parent) == 0o700  # created by dutydesk
    for name in ("backups", "exports"):
        (db.parent / name).mkdir(mode=0o755)
        os.chmod(db.parent / name, 0o755)
    open_store(db, daily_backup=False).close()
    assert mode_of(db.parent / "backups") == 0o700 and mode_of(db.parent / "exports") == 0o700


def test_a_bare_output_name_goes_to_the_exports_folder_and_dot_slash_to_the_current_one(
        filled, run_cli, tmp_path, monkeypatch, db_path):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    exports = db_path.parent / "exports"
    r = run_cli("petitions", "export", "-o", "台账.xlsx")
    assert r.exit_code == 0, r.stderr
    assert (exports / "台账.xlsx").is_file() and not (cwd / "台账.xlsx").exists()
    assert str(exports / "台账.xlsx") in r.stdout
    assert run_cli("petitions", "export", "-o", "2024/台账.csv").exit_code == 0
    assert (exports / "2024" / "台账.csv").is_file()
    r = run_cli("petitions", "export", "-o", "./台账.xlsx")
    assert r.exit_code == 0 and (cwd / "台账.xlsx").is_file(), r.stderr
    assert run_cli("handoffs", "export", "-o", "问题.xlsx").exit_code == 0 and (exports / "问题.xlsx").is_file()
    assert run_cli("roster", "export", "-o", "值班.docx").exit_code == 0 and (exports / "值班.docx").is_file()
    assert run_cli("backup", "-o", "copy.db").exit_code == 0 and (db_path.parent / "backups" / "copy.db").is_file()
    assert run_cli("backup", "-o", "./copy.db").exit_code == 0 and (cwd / "copy.db").is_file()
    r = run_cli("bulletin", "export", "--date", DAY.isoformat(), "--format", "txt", "-o", "简报.txt")
    assert r.exit_code == 0 and (exports / "简报.txt").is_file(), r.stderr


# -- M2: a link at the target is replaced, never followed --------------------------------------------
def test_a_symlink_planted_at_the_target_is_replaced_and_its_victim_untouched(filled, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("不要动我", encoding="utf-8")
    os.chmod(victim, 0o644)
    out = tmp_path / "out"
    out.mkdir()
    for name, write in writers(filled).items():
        target = out / name
        target.symlink_to(victim)
        write(target, False)
        assert not target.is_symlink() and target.is_file() and mode_of(target) == 0o600, name
        assert victim.read_text(encoding="utf-8") == "不要动我" and mode_of(victim) == 0o644, name
    dangling = out / "dangling.xlsx"
    dangling.symlink_to(tmp_path / "nowhere" / "x.xlsx")
    export_petitions(filled, dangling)
    assert dangling.is_file() and not dangling.is_symlink() and not (tmp_path / "nowhere").exists()


def test_the_crash_log_replaces_a_planted_symlink(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("原有内容\n", encoding="utf-8")
    log = tmp_path / "dutydesk-crash.log"
    log.symlink_to(victim)
    try:
        raise ValueError("出错了 13812345678")
    except ValueError as exc:
        assert write_crash_log(log, exc) == log
        again = exc
    assert victim.read_text(encoding="utf-8") == "原有内容\n"
    assert not log.is_symlink() and mode_of(log) == 0o600
    write_crash_log(log, again)  # appended: both entries are there
    text = log.read_text(encoding="utf-8")
    assert text.count("==== ") == 2 and "ValueError: 出错了" in text and "13812345678" not in text


# -- overwriting: only what dutydesk wrote, unless --force ---------------------------------------------
def test_an_unrelated_file_is_overwritten_only_with_force(filled, tmp_path):
    for name, write in writers(filled).items():
        target = tmp_path / name
        target.write_bytes(b"someone's own file")
        with pytest.raises(NotOursError) as caught:
            write(target, False)
        assert "--force" in str(caught.value) and caught.value.path == target
        assert target.read_bytes() == b"someone's own file", name
        write(target, True)
        assert target.read_bytes() != b"someone's own file" and mode_of(target) == 0o600, name
        write(target, False)  # dutydesk wrote it: again without asking


def test_an_export_edited_since_is_no_longer_dutydesks(filled, tmp_path):
    target = tmp_path / "台账.csv"
    export_petitions(filled, target)
    assert files.is_ours(target)
    with open(target, "a", encoding="utf-8") as fh:
        fh.write("手工添加的一行\n")
    assert not files.is_ours(target)
    with pytest.raises(NotOursError):
        export_petitions(filled, target)


def test_cli_refuses_to_overwrite_and_force_overwrites(filled, run_cli, tmp_path):
    for args in (("petitions", "export"), ("handoffs", "export"), ("roster", "export"), ("backup",)):
        target = tmp_path / ("x.db" if args == ("backup",) else "x.xlsx")
        target.write_bytes(b"notes")
        r = run_cli(*args, "-o", str(target))
        assert r.exit_code == 1 and "不是 dutydesk 写的" in r.stderr and "Traceback" not in r.stderr, args
        assert target.read_bytes() == b"notes"
        r = run_cli(*args, "-o", str(target), "--force")
        assert r.exit_code == 0 and target.read_bytes() != b"notes", (args, r.stderr)
        assert run_cli(*args, "-o", str(target)).exit_code == 0  # now it is dutydesk's
        target.unlink()
    target = tmp_path / "简报.txt"
    target.write_text("notes", encoding="utf-8")
    r = run_cli("bulletin", "export", "--date", DAY.isoformat(), "--format", "txt", "-o", str(target))
    assert r.exit_code == 1 and target.read_text(encoding="utf-8") == "notes"
    r = run_cli("bulletin", "export", "--date", DAY.isoformat(), "--format", "txt", "-o", str(target), "--force")
    assert r.exit_code == 0 and "督察工作推进会召开" in target.read_text(encoding="utf-8")


def test_a_folder_or_a_fifo_at_the_target_is_refused(filled, tmp_path):
    (tmp_path / "d.xlsx").mkdir()
    with pytest.raises(Exception, match="文件夹"):
        export_petitions(filled, tmp_path / "d.xlsx", force=True)
    os.mkfifo(tmp_path / "f.xlsx")
    with pytest.raises(Exception, match="不是普通文件"):
        export_petitions(filled, tmp_path / "f.xlsx", force=True)


async def test_the_tui_asks_before_overwriting_a_file_dutydesk_did_not_write(make_test_app, filled, db_path):
    from dutydesk.ui.modals import ConfirmModal

    target = db_path.parent / "exports" / f"问题整改台账-{DAY:%Y%m%d}.xlsx"
    target.parent.mkdir()
    target.write_bytes(b"own notes")
    app = make_test_app(start="handoffs")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal) and str(target) in app.screen.question
        assert target.read_bytes() == b"own notes"
        await pilot.press("n")
        await pilot.pause()
        assert target.read_bytes() == b"own notes"
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert target.read_bytes() != b"own notes" and files.is_ours(target)
        assert files.is_ours(target.with_suffix(".docx"))


# -- killed writers ------------------------------------------------------------------------------
KILLED_BACKUP = textwrap.dedent("""
    import os, signal, sqlite3, sys
    sys.path.insert(0, sys.argv[1])
    from dutydesk.store import files
    with files.private_output(sys.argv[2]) as tmp:
        con = sqlite3.connect(str(tmp))
        con.execute("CREATE TABLE t (x)")
        con.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(1000)])
        con.commit()
        print(tmp, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
""")


def test_a_killed_backup_leaves_a_temporary_file_that_the_next_start_removes(tmp_path):
    db = tmp_path / "dd.db"
    open_store(db, daily_backup=False).close()
    folder = db.parent / "backups"
    folder.mkdir(exist_ok=True)
    proc = subprocess.run([sys.executable, "-c", KILLED_BACKUP, str(ROOT), str(folder / "dd-manual.db")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL
    tmp = Path(proc.stdout.strip())
    assert tmp.exists() and tmp.parent == folder and not (folder / "dd-manual.db").exists()
    legacy = folder / ".dd-20240313-101010-000001-manual.db.999999999.tmp"  # dutydesk 0.1's name, a dead pid
    legacy.write_bytes(b"x" * 1000)
    live = folder / files.temp_name("in-progress.db")  # this process writes it: kept
    live.write_bytes(b"")
    elsewhere = folder / f".x.db.0badc0de-1-00{files.TEMP_SUFFIX}"  # another machine's, a day old: removed
    elsewhere.write_bytes(b"")
    old = os.stat(elsewhere).st_mtime - 2 * files.FOREIGN_TEMP_AGE_S
    os.utime(elsewhere, (old, old))
    victim = tmp_path / "victim.db"
    victim.write_bytes(b"keep")
    trap = folder / ".trap.db.999999999.tmp"  # a link named like a stale temp: the link goes, not its target
    trap.symlink_to(victim)
    open_store(db, daily_backup=False).close()
    assert not tmp.exists() and not legacy.exists() and not elsewhere.exists() and not trap.is_symlink()
    assert live.exists() and victim.read_bytes() == b"keep"


def test_a_temporary_file_of_a_killed_export_is_removed_at_the_next_start(tmp_path):
    db = tmp_path / "dd.db"
    store = open_store(db, daily_backup=False)
    exports = db.parent / "exports"
    exports.mkdir()
    stale = exports / f".台账.xlsx.{files._HOST}-999999999-0a0b0c0d{files.TEMP_SUFFIX}"
    stale.write_bytes(b"PK half a workbook")
    mkstemp_left = exports / ".tmp-a1b2c3d4"  # dutydesk 0.1's bulletin temporary, an hour old
    mkstemp_left.write_bytes(b"")
    old = os.stat(mkstemp_left).st_mtime - 2 * files.LEGACY_ANON_AGE_S
    os.utime(mkstemp_left, (old, old))
    store.close()
    open_store(db, daily_backup=False).close()
    assert not stale.exists() and not mkstemp_left.exists()


# -- the database file -------------------------------------------------------------------------------
def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path, run_cli):
    notes = tmp_path / "notes.txt"
    notes.write_text("这是一份笔记，不是数据库。\n" * 20, encoding="utf-8")
    os.chmod(notes, 0o644)
    before = notes.read_bytes()
    r = run_cli("petitions", "list", db=notes)
    assert r.exit_code == 1 and "数据库" in r.stderr
    assert mode_of(notes) == 0o644 and notes.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_checking_and_restoring_a_backup_leaves_nothing_beside_it(store, tmp_path):
    made = backup.backup_now(store, target=tmp_path / "made.db")
    src = tmp_path / "copy" / "in-wal-mode.db"
    src.parent.mkdir()
    src.write_bytes(made.read_bytes())
    con = sqlite3.connect(src)
    con.execute("PRAGMA journal_mode=WAL").fetchone()  # a file whose header says WAL
    con.close()
    for side in ("-wal", "-shm"):
        Path(f"{src}{side}").unlink(missing_ok=True)
    from dutydesk import registry

    backup.check_backup_file(src, registry.migration_sets())
    assert sorted(p.name for p in src.parent.iterdir()) == ["in-wal-mode.db"]
    backup.restore(store, src, registry.migration_sets())
    assert sorted(p.name for p in src.parent.iterdir()) == ["in-wal-mode.db"]


# -- formulas ----------------------------------------------------------------------------------------
def test_equals_one_is_a_string_cell_in_xlsx_and_round_trips_through_csv(store, freeze_today, tmp_path):
    freeze_today(DAY)
    texts = ["=1", "=HYPERLINK(\"http://x\",\"y\")", "'=1", "+1+1", "-5", "@SUM(A1)", "''=x", "普通文字"]
    bid = add_batch(store, 1, DAY)
    for i, t in enumerate(texts, 1):
        add_petition(store, bid, PetitionInput(f"D2HH20240313{i:04d}", t, "零陵区"))
    wb = openpyxl.load_workbook(export_petitions(store, tmp_path / "t.xlsx"))
    ws = wb.active
    cells = {c.value: c.data_type for row in ws.iter_rows() for c in row if c.value in texts}
    assert set(cells) == set(texts) and set(cells.values()) == {"s"}  # as written, and never a formula
    with open(export_petitions(store, tmp_path / "t.csv"), encoding="utf-8-sig", newline="") as fh:
        written = [row[6] for row in csv.reader(fh)][1:]
    assert sorted(restore_formula(v) for v in written) == sorted(texts)
    assert "'=1" in written and "''=1" in written and "-5" in written and "普通文字" in written


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("'=+-@.0123456789eE 文a")), max_size=8) | st.text(max_size=8))
def test_neutralising_a_formula_is_undone_exactly(text):
    safe = neutralise_formula(text)
    assert restore_formula(safe) == text
    # what Excel runs as a formula never reaches the file: "=…", "@…", or a sign before anything but a number
    assert not safe.startswith(("=", "@")) or safe == "@"
    if safe[:1] in "+-" and len(safe) > 1:
        assert re.fullmatch(r"[+-](?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", safe, re.ASCII)


def test_the_bulletin_targets_are_known_before_issuing(filled, tmp_path):
    planned = B.export_targets(filled, DAY, out_dir=tmp_path)
    assert B.current(filled, DAY)["status"] == "draft"
    assert B.export_bulletin(filled, DAY, tmp_path) == planned  # what F5 asks about is what it writes
    assert B.export_targets(filled, DAY, out_dir=tmp_path) == planned  # issued: from the snapshot


async def test_f5_asks_before_overwriting_a_bulletin_file_dutydesk_did_not_write(make_test_app, filled):
    from dutydesk.ui.modals import ConfirmModal

    docx = B.export_targets(filled, DAY)[0]
    docx.parent.mkdir(parents=True, exist_ok=True)
    docx.write_bytes(b"a file of someone else's")
    app = make_test_app(start="roster")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("y")  # F5 shows what it will issue first; then the foreign file is asked about
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal) and str(docx) in app.screen.question
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert files.is_ours(docx) and docx.read_bytes()[:2] == b"PK"


def test_letters_replace_a_planted_link_and_refuse_a_foreign_file_without_force(filled, tmp_path, run_cli):
    from dutydesk.petitions import letters
    from dutydesk.petitions.workflow import hand_over

    hand_over(filled, filled.scalar("SELECT id FROM petitions"), "零陵区", day=DAY)
    out = tmp_path / "letters"
    (target,) = letters.notice_targets(filled, 1, out_dir=out, with_contact=True)
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("不要动我", encoding="utf-8")
    target.symlink_to(victim)
    assert letters.write_notices(filled, 1, out_dir=out, with_contact=True) == [target]
    assert not target.is_symlink() and mode_of(target) == 0o600 and victim.read_text(encoding="utf-8") == "不要动我"
    target.unlink()
    target.write_bytes(b"someone's own letter")
    with pytest.raises(NotOursError):
        letters.write_notices(filled, 1, out_dir=out, with_contact=True)
    r = run_cli("petitions", "notice", "--batch", "1", "--with-contact", "-o", str(out))
    assert r.exit_code == 1 and "--force" in r.stderr and target.read_bytes() == b"someone's own letter"
    r = run_cli("petitions", "notice", "--batch", "1", "--with-contact", "-o", str(out), "--force")
    assert r.exit_code == 0 and files.is_ours(target) and mode_of(target) == 0o600


def test_formula_like_texts_round_trip_through_our_csv_and_the_import(store, freeze_today, tmp_path):
    from dutydesk.petitions.io import import_petitions

    freeze_today(DAY)
    texts = ["=1", "=SUM(A1:A2)", "'=1", "''=x", "+1+1", "-5", "@home", "'引号开头", "普通文字"]
    bid = add_batch(store, 1, DAY)
    for i, t in enumerate(texts, 1):
        add_petition(store, bid, PetitionInput(f"D2HH20240313{i:04d}", t, "零陵区"))
    path = export_petitions(store, tmp_path / "台账.csv")
    other = open_store(tmp_path / "other.db", daily_backup=False)
    try:
        import_petitions(other, path)
        back = {r["case_no"]: r["content"] for r in other.query("SELECT case_no, content FROM petitions")}
    finally:
        other.close()
    assert back == {f"D2HH20240313{i:04d}": t for i, t in enumerate(texts, 1)}


def test_stats_files_follow_the_same_rules(filled, run_cli, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("不要动我", encoding="utf-8")
    for fmt in ("txt", "xlsx", "docx"):
        target = tmp_path / f"stats.{fmt}"
        target.symlink_to(victim)
        r = run_cli("stats", "--date", DAY.isoformat(), "--format", fmt, "-o", str(target))
        assert r.exit_code == 0, r.stderr
        assert not target.is_symlink() and mode_of(target) == 0o600 and victim.read_text(encoding="utf-8") == "不要动我"
        target.unlink()
        target.write_bytes(b"own figures")
        r = run_cli("stats", "--date", DAY.isoformat(), "--format", fmt, "-o", str(target))
        assert r.exit_code == 1 and "--force" in r.stderr and target.read_bytes() == b"own figures"
        assert run_cli("stats", "--date", DAY.isoformat(), "--format", fmt, "-o", str(target), "--force").exit_code == 0
