"""A large import's repeat search runs in a helper process beside the writing (issue 12): it finds
exactly what the search in the importing process finds, and falls back to that search when the
helper cannot start, dies or is left at the preview."""

from __future__ import annotations

import datetime as dt
import random
import sys

import openpyxl
import pytest

from dutydesk.bootstrap import open_store
from dutydesk.petitions import io
from dutydesk.petitions.batches import add_batch
from dutydesk.petitions.intake import PetitionInput, add_petition
from dutydesk.petitions.repeats import background
from dutydesk.petitions.repeats.background import RepeatSearch
from dutydesk.petitions.repeats.finder import RepeatFinder
from dutydesk.store import records

D = dt.date
WORDS = ["养猪场", "粪污", "直排", "河道", "臭气", "夜间", "施工", "噪声", "砂石场", "非法", "采砂", "工地",
         "废气", "油烟", "餐馆", "化工厂", "偷排", "污水", "黑烟", "垃圾", "焚烧", "沱江镇", "岚角山"]
UNITS = ["零陵区", "冷水滩区", "道县"]


def _texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))) for _ in range(n)]


def _stored(path):
    """A database with 90 petitions in batches 1-3, of texts the import's rows resemble."""
    store = open_store(path, operator="测试员", daily_backup=False)
    for b in (1, 2, 3):
        bid = add_batch(store, b, D(2024, 3, b))
        for i, text in enumerate(_texts(b, 30)):
            add_petition(store, bid, PetitionInput(case_no=f"D{b}-{i:03d}", content=text, unit=UNITS[i % 3]))
    return store


def _file(tmp_path):
    """60 rows over batches 4 and 5; some copy stored texts, some copy rows of batch 4 of this file."""
    rng = random.Random(9)
    old = [(text, UNITS[i % 3]) for b in (1, 2, 3) for i, text in enumerate(_texts(b, 30))]
    rows, mine = [], []
    for i in range(60):
        batch, unit = (4 if i < 30 else 5), UNITS[i % 3]
        if i % 3 == 0:
            text, unit = rng.choice(old)
            text += rng.choice(WORDS)
        elif batch == 5 and i % 3 == 1:
            text = mine[i - 30] + rng.choice(WORDS)  # resembles a row of this import's batch 4
        else:
            text = "".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9)))
        mine.append(text)
        rows.append([f"N{i:03d}", text, unit, str(batch), f"2024-03-0{batch}"])
    wb = openpyxl.Workbook()
    wb.active.append(["受理编号", "信访内容", "所属区县", "批次", "转办日期"])
    for r in rows:
        wb.active.append(r)
    path = tmp_path / "in.xlsx"
    wb.save(path)
    return path


def _candidates(store, result) -> list[tuple[str, str, float]]:
    return [(records.get(store, "petitions", pid)["case_no"], c.case_no, c.score) for pid, c in result.candidates]


@pytest.fixture
def spawned(monkeypatch):
    """How many helpers were started."""
    calls = []
    spawn = RepeatSearch._spawn

    def counting(self, path):
        calls.append(path)
        spawn(self, path)

    monkeypatch.setattr(RepeatSearch, "_spawn", counting)
    return calls


@pytest.fixture
def reference(tmp_path_factory):
    """The candidates the importing process finds by itself (no helper)."""
    folder = tmp_path_factory.mktemp("reference")
    store = _stored(folder / "ref.db")
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(background, "BACKGROUND_ROWS", 10**9)
            found = _candidates(store, io.import_petitions(store, _file(folder)))
    finally:
        store.close()
    assert len(found) >= 15 and any(c.startswith("N0") for _, c, _ in found) is False
    return found


def test_helper_finds_what_the_importing_process_finds(tmp_path, monkeypatch, spawned, reference):
    monkeypatch.setattr(background, "BACKGROUND_ROWS", 10)
    store = _stored(tmp_path / "db.db")
    plan = io.plan_import(store, _file(tmp_path))
    assert spawned and plan.repeats is not None and "疑似重复件：正在查找" in plan.report(applied=False)
    result = io.apply_import(store, plan)
    assert plan.repeats is None and _candidates(store, result) == reference
    assert "疑似重复件" in result.report() and "正在查找" not in result.report()
    store.close()


def test_a_helper_that_dies_leaves_the_search_to_the_import(tmp_path, monkeypatch, spawned, reference):
    monkeypatch.setattr(background, "BACKGROUND_ROWS", 10)
    monkeypatch.setattr(background, "HELPER", "dutydesk.no_such_module")
    store = _stored(tmp_path / "db.db")
    plan = io.plan_import(store, _file(tmp_path))
    search = plan.repeats
    result = io.apply_import(store, plan)
    assert spawned and "helper process ended" in search.failed
    # searched after the commit, leaving out the rows of this import (batch 5 resembles batch 4)
    assert _candidates(store, result) == reference
    store.close()


def test_a_helper_that_dies_once_the_import_filled_the_pools(tmp_path, monkeypatch):
    """Searched after the commit, the pools are those before the import, not its own rows."""
    monkeypatch.setattr(RepeatFinder, "POOL", 12)  # a unit's newest 12: after the import, all of them its own
    monkeypatch.setattr(background, "BACKGROUND_ROWS", 10**9)
    store = _stored(tmp_path / "ref.db")
    want = _candidates(store, io.import_petitions(store, _file(tmp_path)))
    store.close()
    assert want
    monkeypatch.setattr(background, "BACKGROUND_ROWS", 10)
    monkeypatch.setattr(background, "HELPER", "dutydesk.no_such_module")
    (tmp_path / "again").mkdir()
    store = _stored(tmp_path / "db.db")
    plan = io.plan_import(store, _file(tmp_path / "again"))
    search = plan.repeats
    assert _candidates(store, io.apply_import(store, plan)) == want and search.failed
    store.close()


def test_the_helper_runs_this_dutydesk_whatever_the_working_folder(tmp_path, monkeypatch, reference):
    """A folder named dutydesk in the working directory is not what the helper imports."""
    (tmp_path / "dutydesk").mkdir()
    (tmp_path / "dutydesk" / "__init__.py").write_text("raise SystemExit('wrong dutydesk')\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(background, "BACKGROUND_ROWS", 10)
    store = _stored(tmp_path / "db.db")
    plan = io.plan_import(store, _file(tmp_path))
    search = plan.repeats
    assert _candidates(store, io.apply_import(store, plan)) == reference
    assert search.failed == "" and search.usage.get("cpu_s") is not None
    store.close()


def test_no_process_can_be_started_so_the_search_runs_at_once(tmp_path, monkeypatch, reference):
    monkeypatch.setattr(background, "BACKGROUND_ROWS", 10)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    store = _stored(tmp_path / "db.db")
    plan = io.plan_import(store, _file(tmp_path))
    assert plan.repeats is None  # already collected
    assert _candidates(store, io.apply_import(store, plan)) == reference
    store.close()


def test_dry_run_lists_the_candidates_the_helper_found(tmp_path, monkeypatch, spawned, reference):
    monkeypatch.setattr(background, "BACKGROUND_ROWS", 10)
    store = _stored(tmp_path / "db.db")
    result = io.import_petitions(store, _file(tmp_path), dry_run=True)
    report = result.plan.report(applied=False)
    assert spawned and f"疑似重复件 {len(reference)} 件" in report and "正在查找" not in report
    assert store.scalar("SELECT count(*) FROM petitions") == 90
    store.close()


def test_a_plan_left_at_its_preview_stops_its_helper(tmp_path, monkeypatch):
    store = _stored(tmp_path / "db.db")
    items = [(text, UNITS[i % 3], 9) for i, text in enumerate(_texts(7, 50))] * 200
    search = RepeatSearch.start(store, items, background=True)
    process = search._process
    assert process is not None and not search.done
    search.close()
    assert process.poll() is not None and search._process is None
    store.close()


def test_a_search_inside_an_open_write_runs_here(tmp_path):
    """Rows not yet committed are seen by this connection only: no helper then."""
    store = _stored(tmp_path / "db.db")
    items = [(text, UNITS[i % 3], 9) for i, text in enumerate(_texts(1, 5))]
    with store.write():
        search = RepeatSearch.start(store, items, background=True)
        assert search.done and search._process is None
    assert all(found and found[0].score == 1.0 for found in search.result(store))
    store.close()


def test_a_plan_refused_for_its_rows_stops_the_helper_started_ahead(tmp_path, monkeypatch):
    """The helper starts as soon as the sheet is read (it opens the database while the rows are
    checked); a sheet refused for a bad row leaves no helper running."""
    monkeypatch.setattr(background, "BACKGROUND_ROWS", 10)
    started = []
    ahead = RepeatSearch.ahead.__func__
    monkeypatch.setattr(RepeatSearch, "ahead", classmethod(lambda cls, *a, **k: started.append(ahead(cls, *a, **k))
                                                           or started[-1]))
    store = _stored(tmp_path / "db.db")
    path = _file(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.active["A21"] = wb.active["A22"].value  # the same number on two rows: refused
    wb.save(path)
    process = None

    def keep(self, path_):  # the helper as it starts
        nonlocal process
        spawn(self, path_)
        process = self._process

    spawn = RepeatSearch._spawn
    monkeypatch.setattr(RepeatSearch, "_spawn", keep)
    with pytest.raises(io.ValidationError):
        io.plan_import(store, path)
    assert process is not None and process.wait(10) is not None  # started, then stopped
    assert started[0]._process is None
    store.close()


def test_the_helper_given_the_rows_as_read_finds_what_the_check_would_give_it(tmp_path, monkeypatch, spawned):
    """The helper starts on the rows as read (import_search.early_items); rows whose check changes what is
    searched (a unit added by this import, a unit as government offices write it, a 重复件 mark, a 批次
    written 第5批) still get exactly the candidates of the search in the importing process."""
    rng = random.Random(9)
    old = [(text, UNITS[i % 3]) for b in (1, 2, 3) for i, text in enumerate(_texts(b, 30))]
    wb = openpyxl.Workbook()
    wb.active.append(["受理编号", "信访内容", "所属区县", "批次", "转办日期", "重复件"])
    for i in range(40):
        text, unit = rng.choice(old)
        unit = {0: "冷水滩区人民政府", 1: "新设管理区", 2: "中共道县县委"}.get(i % 5, unit)
        wb.active.append([f"N{i:03d}", text + rng.choice(WORDS), unit, "第5批" if i % 4 else "5", "2024-03-05",
                          "是" if i % 7 == 3 else ""])
    path = tmp_path / "in.xlsx"
    wb.save(path)

    def found(db, rows_in_background):
        monkeypatch.setattr(background, "BACKGROUND_ROWS", rows_in_background)
        store = _stored(tmp_path / db)
        plan = io.plan_import(store, path, add_units=True)
        search = plan.repeats
        result = io.apply_import(store, plan)
        try:
            return _candidates(store, result), search
        finally:
            store.close()

    want, _ = found("ref.db", 10**9)
    got, search = found("db.db", 10)
    assert spawned and len(want) >= 10 and got == want
    # most rows were searched by the helper from the rows as read; those of the new unit here, after the check
    assert search.here is not None and 0 < search.places.count(None) < len(search.places) // 2


def test_a_large_file_has_its_helper_started_before_it_is_read(tmp_path, monkeypatch, spawned, reference):
    """A file of EARLY_HELPER_BYTES or more gets its helper before the reading (its start-up hidden
    behind it); should the file hold fewer rows than a helper is for, the helper is stopped and the
    search runs in this process. Either way the candidates are the same."""
    monkeypatch.setattr(io, "EARLY_HELPER_BYTES", 1)
    monkeypatch.setattr(background, "BACKGROUND_ROWS", 10)
    store = _stored(tmp_path / "db.db")
    order = []
    read = io.read_mapped
    monkeypatch.setattr(io, "read_mapped", lambda *a, **k: order.append(len(spawned)) or read(*a, **k))
    plan = io.plan_import(store, _file(tmp_path))
    assert order == [1] and plan.repeats is not None  # spawned before the file was read
    assert _candidates(store, io.apply_import(store, plan)) == reference
    store.close()
    monkeypatch.setattr(background, "BACKGROUND_ROWS", 1000)  # 60 rows: too few for a helper
    store = _stored(tmp_path / "db2.db")
    plan = io.plan_import(store, _file(tmp_path))
    assert len(spawned) == 2 and plan.repeats is None  # the second helper stopped, the search done here
    assert _candidates(store, io.apply_import(store, plan)) == reference
    store.close()


def test_the_units_not_sent_to_the_helper_yet_are_searched_here(tmp_path, monkeypatch, spawned, reference):
    """Once the import has stored its rows, the units the helper has not been sent yet are taken back
    and searched in the importing process (its own rows left out), while the helper ends its own."""
    import time

    monkeypatch.setattr(background, "BACKGROUND_ROWS", 10)
    take = background._Units.next

    def slowly(units):  # a helper far behind: after the first unit, the next ones wait
        if len(units.by_unit) < len(units.names):
            time.sleep(1.0)
        return take(units)

    monkeypatch.setattr(background._Units, "next", slowly)
    store = _stored(tmp_path / "db.db")
    plan = io.plan_import(store, _file(tmp_path))
    search = plan.repeats
    result = io.apply_import(store, plan)
    assert spawned and search.failed == "" and 0 < search.kept < 60
    assert _candidates(store, result) == reference
    store.close()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")  # (the sender's own error)
def test_a_sender_that_fails_leaves_the_search_to_the_import(tmp_path, monkeypatch, spawned, reference):
    """Should sending the texts fail on something unforeseen, the helper is told the input ended (it
    answers with its error) and the import searches by itself: no wait without end."""
    monkeypatch.setattr(background, "BACKGROUND_ROWS", 10)

    def broken(units):
        raise TypeError("unforeseen")

    monkeypatch.setattr(background._Units, "next", broken)
    store = _stored(tmp_path / "db.db")
    plan = io.plan_import(store, _file(tmp_path))
    search = plan.repeats
    assert _candidates(store, io.apply_import(store, plan)) == reference
    assert spawned and search.failed
    store.close()
