"""Foundation: store, migrations, settings, CLI contract, app shell, layering."""

from __future__ import annotations

import ast
import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

import dutydesk
from dutydesk import refdata
from dutydesk.errors import NewerDatabaseError, UserError
from dutydesk import registry
from dutydesk import bootstrap
from dutydesk.bootstrap import open_store
from dutydesk.store import migrations
from dutydesk.store.db import Store
from dutydesk.store.paths import default_db_path

PKG = Path(dutydesk.__file__).parent


def test_db_created_private_with_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "a" / "b" / "dd.db"
    s = open_store(path, daily_backup=False)
    try:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert s.scalar("PRAGMA journal_mode") == "wal"
        assert s.scalar("PRAGMA foreign_keys") == 1
        assert s.scalar("PRAGMA busy_timeout") >= 30000
        assert "settings" in s.db.table_names()
    finally:
        s.close()


def test_migrations_run_twice_without_change(store):
    before = store.query("SELECT sql FROM sqlite_master ORDER BY name")
    assert migrations.migrate(store, registry.migration_sets()) == []
    assert migrations.pending(store, registry.migration_sets()) == []
    assert store.query("SELECT sql FROM sqlite_master ORDER BY name") == before


def test_fresh_database_records_every_declared_migration(store):
    """The light declarations (MigrationSet) and what sqlite-utils recorded agree name for name."""
    declared = {(s.name, n) for s in registry.migration_sets() for n in s.names}
    recorded = {(r["migration_set"], r["name"]) for r in store.query("SELECT * FROM _sqlite_migrations")}
    assert declared == recorded and len(declared) >= 5


def test_a_pending_migration_is_found_and_applied(db_path):
    s = open_store(db_path, daily_backup=False)
    s.execute("DELETE FROM petitions_fts_config WHERE k = 'hashsize'")
    s.execute("DELETE FROM _sqlite_migrations WHERE name = 'm009_search_index_buffer'")
    assert migrations.pending(s, registry.migration_sets()) == ["dutydesk.petitions:m009_search_index_buffer"]
    assert migrations.migrate(s, registry.migration_sets()) == ["dutydesk.petitions:m009_search_index_buffer"]
    assert s.scalar("SELECT v FROM petitions_fts_config WHERE k = 'hashsize'") == 8 * 1024 * 1024
    assert migrations.pending(s, registry.migration_sets()) == []
    s.close()


def test_starting_the_tui_on_an_up_to_date_database_skips_heavy_imports(db_path):
    """Start-up speed (issue 8): neither sqlite-utils, click's subcommand modules, the sheet reader
    nor chinese-calendar (its tables come from the user cache) is imported to open an up-to-date
    database and build the app."""
    import subprocess
    import sys

    open_store(db_path, daily_backup=False).close()
    code = ("import sys; from dutydesk.ui.app import make_app; import dutydesk.cli.main; "
            "make_app(sys.argv[1]).store.close(); "
            "print(sorted(m for m in ('sqlite_utils', 'dutydesk.cli.roster', 'dutydesk.cli.petitions', "
            "'dutydesk.sheets', 'chinese_calendar') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(db_path)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_newer_schema_generation_is_refused_untouched(db_path):
    open_store(db_path, daily_backup=False).close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(NewerDatabaseError, match="更新版本"):
        open_store(db_path, daily_backup=False)
    assert db_path.read_bytes() == before


def test_unknown_migration_name_is_refused(db_path):
    open_store(db_path, daily_backup=False).close()
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('dutydesk.core', 'm999_future', 'x')"
    )
    conn.commit()
    conn.close()
    with pytest.raises(NewerDatabaseError):
        open_store(db_path, daily_backup=False)


def test_migration_backs_up_existing_db_first(db_path, monkeypatch):
    s = open_store(db_path, daily_backup=False)
    s.db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm001_core'")
    s.db.conn.commit()
    # Re-applying m001 would fail on existing tables: the backup must exist before that.
    with pytest.raises(sqlite3.OperationalError):
        bootstrap.migrate(s)
    backups = list((db_path.parent / "backups").glob("*premigrate.db"))
    assert backups and stat.S_IMODE(os.stat(backups[0]).st_mode) == 0o600
    s.close()


def test_default_path_env_and_platformdirs(monkeypatch, tmp_path):
    monkeypatch.setenv("DUTYDESK_DB", str(tmp_path / "env.db"))
    assert default_db_path() == tmp_path / "env.db"
    monkeypatch.delenv("DUTYDESK_DB")
    path = default_db_path()
    assert path.name == "dutydesk.db" and path.parent.name == "dutydesk"


def test_reference_data_loaded(store):
    names = refdata.unit_names(store)
    for unit in ["零陵区", "冷水滩区", "祁阳市", "江华瑶族自治县", "金洞管理区", "永州经济技术开发区", "市生态环境局"]:
        assert unit in names
    assert refdata.vocab(store, "pollution_type")[:7] == ["水", "大气", "噪声", "生态", "土壤", "辐射", "其他"]
    assert refdata.vocab(store, "truth") == ["属实", "基本属实", "部分属实", "不属实"]
    assert refdata.vocab(store, "handoff_status") == ["未启动", "整改中", "已完成", "已验收", "已销号"]
    assert refdata.get_setting(store, "org") == "永州市配合湖南省生态环境保护督察协调联络组"
    assert refdata.get_setting(store, "inspection") == "第二轮第三批省生态环境保护督察"
    assert "洪武书记" in refdata.get_setting(store, "report_to")


def test_resolve_unit_aliases_and_unknown(store):
    assert refdata.resolve_unit(store, "江华县") == "江华瑶族自治县"
    assert refdata.resolve_unit(store, " 永州经开区 ") == "永州经济技术开发区"
    with pytest.raises(UserError, match="未知的单位"):
        refdata.resolve_unit(store, "火星县")


def test_units_and_vocab_editable_and_audited(store):
    refdata.add_unit(store, "市卫健委", kind="部门")
    assert "市卫健委" in refdata.unit_names(store)
    refdata.set_unit_active(store, "市卫健委", False)
    assert "市卫健委" not in refdata.unit_names(store)
    refdata.add_vocab(store, "pollution_type", "光污染")
    assert "光污染" in refdata.vocab(store, "pollution_type")
    refdata.remove_vocab(store, "pollution_type", "光污染")
    assert "光污染" not in refdata.vocab(store, "pollution_type")
    actions = [r["action"] for r in store.query("SELECT action FROM audit WHERE entity IN ('units','vocab')")]
    assert actions == ["新增", "停用", "新增", "停用"]
    assert store.one("SELECT operator FROM audit")["operator"] == "测试员"


def test_write_transactions_roll_back_on_error(store):
    with pytest.raises(RuntimeError):
        with store.write():
            store.execute("INSERT INTO settings (key, value) VALUES ('x_test', '1')")
            raise RuntimeError("boom")
    assert store.one("SELECT * FROM settings WHERE key='x_test'") is None


# -- CLI -------------------------------------------------------------------------------------
def test_cli_version(run_cli):
    r = run_cli("--version")
    assert r.exit_code == 0 and dutydesk.__version__ in r.stdout


def test_cli_init_and_settings_round_trip(run_cli, db_path):
    assert run_cli("init").exit_code == 0
    assert db_path.exists()
    r = run_cli("settings", "set", "report_to", "甲单位\\n乙单位")
    assert r.exit_code == 0, r.stderr
    assert run_cli("settings", "show", "report_to").stdout == "甲单位\n乙单位\n"
    show = run_cli("settings", "show").stdout
    assert "report_to\t甲单位\\n乙单位" in show
    r = run_cli("settings", "set", "deadline_days", "七")
    assert r.exit_code == 1 and "整数" in r.stderr and "Traceback" not in r.stderr
    # a setting a domain owns is checked by it (the roster's shifts), and a bad one is not saved
    before = run_cli("settings", "show", "shifts").stdout
    r = run_cli("settings", "set", "shifts", "白班 25:99 12")
    assert r.exit_code == 1 and "Traceback" not in r.stderr and r.stderr.count("\n") == 1
    assert run_cli("settings", "show", "shifts").stdout == before
    assert run_cli("settings", "set", "shifts", "白班 08:30 12\\n夜班 20:30 12").exit_code == 0
    assert run_cli("settings", "show", "shifts").stdout == "白班 08:30 12\n夜班 20:30 12\n"


def test_cli_user_errors_exit_1_usage_errors_exit_2(run_cli, tmp_path):
    r = run_cli("settings", "set", "nope", "1")
    assert r.exit_code == 1 and r.stderr.startswith("错误：") and len(r.stderr.strip().splitlines()) == 1
    r = run_cli("holidays", "add", "2027年13月1日")
    assert r.exit_code == 1 and "无法识别的日期" in r.stderr
    r = run_cli("no-such-command")
    assert r.exit_code == 2
    bad = tmp_path / "garbage.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    r = run_cli("settings", "show", db=bad)
    assert r.exit_code == 1 and "Traceback" not in r.stderr


def test_cli_locked_database_is_a_clear_error(run_cli, db_path, monkeypatch):
    import dutydesk.store.db as dbmod

    run_cli("init")
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_S", 0.1)
    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        r = run_cli("units", "add", "市卫健委")
    finally:
        holder.rollback()
        holder.close()
    assert r.exit_code == 1 and "锁定" in r.stderr


def test_cli_units_vocab_holidays(run_cli):
    assert run_cli("units", "add", "市卫健委", "--kind", "部门").exit_code == 0
    assert "市卫健委" in run_cli("units", "list").stdout
    assert run_cli("units", "add", "市卫健委").exit_code == 1
    assert run_cli("vocab", "add", "pollution_type", "光污染").exit_code == 0
    assert "光污染" in run_cli("vocab", "list", "pollution_type").stdout
    assert run_cli("holidays", "add", "2027年1月1日", "--name", "元旦").exit_code == 0
    assert "2027-01-01\tholiday\t元旦" in run_cli("holidays", "list").stdout


def test_cli_backup_and_restore(run_cli, tmp_path, db_path):
    run_cli("units", "add", "市卫健委")
    target = tmp_path / "bk.db"
    assert run_cli("backup", "-o", str(target)).exit_code == 0
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    run_cli("units", "add", "市教育局")
    r = run_cli("restore", str(target), "--yes")
    assert r.exit_code == 0, r.stderr
    units = run_cli("units", "list").stdout
    assert "市卫健委" in units and "市教育局" not in units
    bad = tmp_path / "bad.db"
    bad.write_text("nope")
    assert run_cli("restore", str(bad), "--yes").exit_code == 1


# -- layering ------------------------------------------------------------------------------
def test_core_does_not_import_textual():
    offenders = []
    for path in PKG.rglob("*.py"):
        if "ui" in path.relative_to(PKG).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            if any(n == "textual" or n.startswith("textual.") for n in names):
                offenders.append(str(path.relative_to(PKG)))
    assert offenders == []


def test_nothing_reads_shared_folder():
    needle = "..", "/shared"
    for path in list(PKG.rglob("*.py")) + list((PKG.parent / "tests").rglob("*.py")):
        assert "".join(needle) not in path.read_text(encoding="utf-8"), path


# -- the console script ------------------------------------------------------------------------
def test_console_script_opens_the_tui_without_click_for_plain_starts(monkeypatch, tmp_path):
    from dutydesk import launch

    assert launch.tui_options([]) == {}
    assert launch.tui_options(["--db", "a.db"]) == {"db": "a.db"}
    assert launch.tui_options(["--db=a.db", "--operator", "张三"]) == {"db": "a.db", "operator": "张三"}
    for other in (["--help"], ["--version"], ["init"], ["--db"], ["--db", "--help"], ["--db", "a", "--db", "b"],
                  ["--db="], ["--db", "a.db", "roster", "show"], ["-h"]):
        assert launch.tui_options(other) is None, other
    started = []
    monkeypatch.setattr("dutydesk.ui.app.run_tui", lambda path, operator=None: started.append((path, operator)))
    launch.main(["--db", str(tmp_path / "x.db"), "--operator", "李四"])
    assert started == [(tmp_path / "x.db", "李四")]


def test_console_script_user_errors_are_one_line_either_way(tmp_path, capsys):
    import subprocess
    import sys

    junk = tmp_path / "notes.db"
    junk.write_text("这不是数据库" * 200, encoding="utf-8")
    lines = set()
    for args in (["--db", str(junk)], ["--db", str(junk), "settings", "show"]):
        out = subprocess.run([sys.executable, "-c", "from dutydesk.launch import main; main()", *args],
                             capture_output=True, text=True)
        assert out.returncode == 1, args
        assert out.stderr.startswith("错误：") and out.stderr.count("\n") == 1, out.stderr
        lines.add(out.stderr)
    assert len(lines) == 1  # the TUI start and a subcommand say the same
    out = subprocess.run([sys.executable, "-c", "from dutydesk.launch import main; main()", "--version"],
                         capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("dutydesk ")


# -- a database written by the previous release ----------------------------------------------------
RELEASE_DB = Path(__file__).parent / "data" / "release-0.1.0-demo.db"  # `dutydesk init --demo` of 0.1.0


def _schema(conn) -> list[tuple]:
    return sorted(conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall())


# Migrations added since 0.1.0 (each only adds tables, indexes and triggers, and one column to bulletins); the
# release's own stay as they were.
# what this version adds to a 0.1.0 database: the letters (交办通知/催办通知), web logins, the 态势 figures
# (petition_facts, the summary counts and their triggers, the problems' figure indexes, the bulletin's appendix
# switch), the petitioners' names (public_text) and indexes of the 回收站
SINCE_RELEASE = ["dutydesk.roster:m002_deleted_days", "dutydesk.petitions:m004_letters",
                 "dutydesk.petitions:m005_facts", "dutydesk.petitions:m006_petitioner_names",
                 "dutydesk.petitions:m007_counts", "dutydesk.petitions:m008_open_search",
                 "dutydesk.petitions:m009_search_index_buffer", "dutydesk.petitions:m010_bulk_registration",
                 "dutydesk.petitions:m011_day_sums", "dutydesk.petitions:m012_facts_without_kind",
                 "dutydesk.petitions:m013_results_in_one_place", "dutydesk.petitions:m014_fewer_index_entries",
                 "dutydesk.handoffs:m002_letter_handoffs", "dutydesk.handoffs:m003_figures",
                 "dutydesk.handoffs:m004_deleted_entries", "dutydesk.handoffs:m005_list_order",
                 "dutydesk.handoffs:m006_day_sums",
                 "dutydesk.bulletin:m002_appendix", "dutydesk.users:m001_users"]
SINCE_RELEASE_OBJECTS = {"bulk_registration", "letters", "letters_day", "letters_doc_seq", "letter_petitions", "letter_petitions_letter",
                         "letter_handoffs", "letter_handoffs_letter", "users", "login_failures",
                         "petition_facts", "petition_facts_batch", "petition_day_sums", "petition_day_sums_ai",
                         "petition_day_sums_ad", "petition_day_sums_au", "petition_day_sums_result_ai",
                         "petition_day_sums_result_ad", "petition_day_sums_result_au", "petition_day_sums_batch_au",
                         "petition_facts_ai", "petition_facts_au", "petition_facts_ad", "handoff_day_sums",
                         "handoff_day_sums_ai", "handoff_day_sums_bd",
                         *(f"handoff_day_sums_{t}_{w}" for t in ("u", "log_i", "log_d", "log_u", "back_i", "back_d",
                                                                  "back_u") for w in ("before", "after")),
                         "bulletins",  # bulletins: the table's text, with one column more
                         "petitions",  # petitions: the table's text, four columns fewer (m013)
                         "petitioner_names", "petitioner_names_ai", "petitioner_names_au", "batches_deleted",
                         "roster_days_deleted", "handovers_deleted", "handoff_progress_deleted",
                         "handoff_rechecks_deleted", "petition_batch_counts",
                         "petition_counts_ai", "petition_counts_ad", "petition_counts_au", "petition_type_days",
                         "petition_type_days_ai", "petition_type_days_ad", "petition_type_days_au",
                         "petition_type_days_moved", "petition_type_days_batch_au",
                         "petitions_open_fts", "petitions_open_fts_data", "petitions_open_fts_idx",
                         "petitions_open_fts_docsize", "petitions_open_fts_config", "handoffs_list_order",
                         "petitions_open_due_numbers", "petitions_deleted_batch",
                         "petitions_repeat_of"}  # petitions_repeat_of: partial (m014)
SINCE_RELEASE_SETTINGS = {"letter_issuer", "letter_doc_no", "letter_contact", "letter_phone", "notice_template",
                          "chase_template", "chase_window_days", "web_idle_minutes"}  # their defaults are added, the others kept


def test_a_database_written_by_the_previous_release_opens_and_migrates_as_before(tmp_path):
    """0.1.0's tables, indexes, rows and settings are untouched; only the migrations added since run."""
    import shutil

    path = tmp_path / "old.db"
    shutil.copy(RELEASE_DB, path)
    before = sqlite3.connect(path)
    old_schema = _schema(before)
    tables = [r[0] for r in before.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    old_counts = {t: before.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in tables}
    old_applied = before.execute("SELECT migration_set, name FROM _sqlite_migrations ORDER BY 1, 2").fetchall()
    names = {r[0] for r in before.execute("SELECT petitioner_name FROM petitions WHERE length(petitioner_name) >= 2")}
    old_settings = dict(before.execute("SELECT key, value FROM settings").fetchall())
    before.close()
    assert old_counts["petitions"] == 45 and old_counts["handoffs"] == 13
    plain = Store(path)  # not migrated yet: only what was added since the release is pending
    assert migrations.pending(plain, registry.migration_sets()) == SINCE_RELEASE
    plain.close()

    s = open_store(path, daily_backup=False)
    assert migrations.pending(s, registry.migration_sets()) == []
    s.close()
    after = sqlite3.connect(path)
    new_schema = _schema(after)
    # not a column or index of the release changed, but bulletins, which gained the appendix switch, and
    # what m013 took away: the petitions' copy of the latest result's texts and two indexes nothing needs, and
    # m014's two indexes (one superseded, one made partial)
    changed = set(old_schema) - set(new_schema)
    assert sorted(c[1] for c in changed) == ["bulletins", "petition_results_asof", "petitions", "petitions_batch_seq",
                                             "petitions_open_due", "petitions_repeat_of"]
    old_sql = next(c[3] for c in changed if c[1] == "bulletins")
    new_sql = next(c[3] for c in new_schema if c[:2] == ("table", "bulletins"))
    assert new_sql.replace(", appendix INTEGER NOT NULL DEFAULT 0", "") == old_sql
    old_columns = [r[1] for r in sqlite3.connect(RELEASE_DB).execute("PRAGMA table_info(petitions)")]
    assert [r[1] for r in after.execute("PRAGMA table_info(petitions)")] == [
        c for c in old_columns if c not in ("investigation", "truth", "handling", "accountability")]
    assert {name for _, name, _, _ in set(new_schema) - set(old_schema)} == SINCE_RELEASE_OBJECTS
    # the migrations added, the new settings' defaults (checked below), the search index's buffer size
    grown = {"_sqlite_migrations", "settings", "petitions_fts_config"}
    assert {t: after.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in tables if t not in grown} \
        == {t: n for t, n in old_counts.items() if t not in grown}
    settings = dict(after.execute("SELECT key, value FROM settings").fetchall())
    assert {k: settings[k] for k in old_settings} == old_settings and set(settings) - set(old_settings) \
        == SINCE_RELEASE_SETTINGS
    assert after.execute("SELECT count(*) FROM letters").fetchone()[0] == 0
    for fts in ("petitions_fts", "petitions_open_fts"):  # m009: 8 MB of new entries before a segment is written
        assert dict(after.execute(f"SELECT k, v FROM {fts}_config").fetchall())["hashsize"] == 8 * 1024 * 1024
    # the derived rows were filled from the old data: one per live petition
    assert after.execute("SELECT count(*) FROM petition_facts").fetchone()[0] == after.execute(
        "SELECT count(*) FROM petitions WHERE deleted_at IS NULL").fetchone()[0]
    assert after.execute("""SELECT count(*) FROM petition_facts f JOIN petitions p ON p.id = f.petition_id
        WHERE f.unit <> p.unit OR f.batch_id <> p.batch_id OR f.due_date IS NOT p.due_date""").fetchone()[0] == 0
    assert after.execute("SELECT count(*) FROM bulletins WHERE appendix <> 0").fetchone()[0] == 0
    assert {r[0] for r in after.execute("SELECT name FROM petitioner_names")} == {n.replace(" ", "") for n in names}
    applied = after.execute("SELECT migration_set, name FROM _sqlite_migrations ORDER BY 1, 2").fetchall()
    assert sorted(set(applied) - set(old_applied)) == sorted(tuple(m.split(":")) for m in SINCE_RELEASE)
    assert set(old_applied) <= set(applied)
    assert after.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    after.close()
    # and a database created now has the same schema as the release's once migrated
    fresh = tmp_path / "fresh.db"
    open_store(fresh, daily_backup=False).close()
    conn = sqlite3.connect(fresh)
    assert _schema(conn) == new_schema
    conn.close()


def test_m013_keeps_result_texts_that_differ_from_the_latest_result(tmp_path):
    """m013 drops the petitions' copy of the latest result's texts. A copy that differed (no writer
    makes one) first becomes a result of its own: the petition shows the same texts afterwards, and
    every figure of every day stays as it was."""
    import datetime as dt
    import shutil

    from dutydesk.petitions.overview import petition_figures
    from dutydesk.petitions.rows import get_petition

    plain, edited = tmp_path / "plain.db", tmp_path / "edited.db"
    shutil.copy(RELEASE_DB, plain)
    shutil.copy(RELEASE_DB, edited)
    conn = sqlite3.connect(edited)
    closed = conn.execute("SELECT id, closed_date FROM petitions p WHERE status = '已办结' AND EXISTS "
                          "(SELECT 1 FROM petition_results r WHERE r.petition_id = p.id) ORDER BY id LIMIT 1").fetchone()
    bare = conn.execute("SELECT id FROM petitions p WHERE status = '已交办' AND NOT EXISTS "
                        "(SELECT 1 FROM petition_results r WHERE r.petition_id = p.id) ORDER BY id LIMIT 1").fetchone()
    conn.execute("UPDATE petitions SET investigation = '手工改过的核实情况', truth = '属实' WHERE id = ?", [closed[0]])
    conn.execute("UPDATE petitions SET handling = '没有结果却有整改情况' WHERE id = ?", [bare[0]])
    first, last = conn.execute("SELECT min(date), max(date) FROM batches").fetchone()
    conn.commit()
    conn.close()
    a, b = (open_store(path, daily_backup=False) for path in (plain, edited))
    try:
        kept = get_petition(b, closed[0])
        assert (kept["investigation"], kept["truth"], kept["status"], kept["closed_date"]) == (
            "手工改过的核实情况", "属实", "已办结", closed[1])
        assert (get_petition(b, bare[0])["handling"], get_petition(b, bare[0])["status"]) == ("没有结果却有整改情况", "已交办")
        assert [b.scalar("SELECT count(*) FROM petition_results WHERE operator = 'm013'"),
                a.scalar("SELECT count(*) FROM petition_results WHERE operator = 'm013'")] == [2, 0]
        day, end = dt.date.fromisoformat(first) - dt.timedelta(days=1), dt.date.fromisoformat(last) + dt.timedelta(days=30)
        while day <= end:
            assert petition_figures(b, day) == petition_figures(a, day), day
            day += dt.timedelta(days=3)
    finally:
        a.close()
        b.close()


def test_upgrading_a_database_says_so_on_a_terminal(tmp_path, monkeypatch):
    """Upgrading takes a minute at a million petitions (a backup, then the new structure): a line on
    stderr before and after, on a terminal only; a new database and an up-to-date one say nothing."""
    import io
    import shutil

    class Tty(io.StringIO):
        def isatty(self):
            return True

    def opened(path) -> str:
        err = Tty()
        monkeypatch.setattr("sys.stderr", err)
        open_store(path, daily_backup=False).close()
        return err.getvalue()

    shutil.copy(RELEASE_DB, tmp_path / "old.db")
    said = opened(tmp_path / "old.db")
    assert "正在升级数据库" in said and said.rstrip().endswith("数据库升级完成。")
    assert opened(tmp_path / "old.db") == "" and opened(tmp_path / "new.db") == ""
    shutil.copy(RELEASE_DB, tmp_path / "piped.db")
    monkeypatch.setattr("sys.stderr", io.StringIO())  # not a terminal (a pipe, a log): nothing
    open_store(tmp_path / "piped.db", daily_backup=False).close()
    assert sys.stderr.getvalue() == ""
