"""Hostile text through every domain (issue 7): arbitrary text, with markup, ESC sequences,
control characters, emoji, rare CJK and long text, goes (a) through each import, (b) through
every exporter and (c) through one form per domain, pasted. Nothing raises anything but a
clear ``UserError`` (and then nothing is written); what is stored is the cleaned input, and
what is exported reads back as the stored text."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import itertools
import re
import tempfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from textual import events
from textual.widgets import Input, Select, Static, TextArea

from fresh import new_store
from dutydesk import dates
from dutydesk.bulletin import service as B
from dutydesk.exporters.bulletin_doc import clean_title, split_paragraphs
from dutydesk.errors import UserError, ValidationError
from dutydesk.exporters.xlsx import excel_safe, xlsx_cell
from dutydesk.handoffs import io as handoffs_io
from dutydesk.handoffs import intake, problems
from dutydesk.handoffs.export import export_ledger
from dutydesk.petitions import io as petitions_io
from dutydesk.petitions.batches import add_batch
from dutydesk.petitions.intake import PetitionInput, add_petition
from dutydesk.petitions.privacy import public_text
from dutydesk.petitions.rows import find_by_case_no, get_petition
from dutydesk.petitions.workflow import ResultInput, latest_result, record_result
from dutydesk.petitions.export import export_petitions
from dutydesk.roster import dutylog, people, transfer
from dutydesk.roster import service as R
from dutydesk.roster import shifts as shiftmod
from dutydesk.text import clean, clean_line
from dutydesk.ui.modals import FormModal
from test_reliability_ui import body_text, hostile, live

D = dt.date
DAY = D(2024, 3, 13)
MUST = ["[/]", "[@click=app.quit]x[/]", "\x1b[31m红\x1b[0m字\x07\x08\x7f", "😀👨‍👩‍👧 𠀀𪚥", "第一行\n第二行\t制表\r\n第三行",
        "[link=file:///etc/passwd]点[/link] \\[转义]"]
LONG = "长" * 100_000
text = st.one_of(hostile, st.text(max_size=40))
SETTINGS = dict(deadline=None, suppress_health_check=list(HealthCheck))


@contextlib.contextmanager
def fresh_store():
    with tempfile.TemporaryDirectory() as tmp:
        store = new_store(Path(tmp) / "t.db", operator="测试员", daily_backup=False)
        try:
            yield store, Path(tmp)
        finally:
            store.close()


def snapshot(store) -> dict[str, int]:
    """Row counts of every table (the audit log included): "nothing written" is an equal snapshot."""
    names = [r["name"] for r in store.query("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'petitions_fts%'")]
    return {n: store.scalar(f"SELECT count(*) FROM [{n}]") for n in names}


def in_file(raw: str, suffix: str) -> str:
    """The text as a file of that kind can hold it (an .xlsx cannot hold control characters)."""
    if suffix == ".xlsx":
        return ILLEGAL_CHARACTERS_RE.sub("", raw).replace("\ufffe", "").replace("\uffff", "")
    return raw


def write_sheet(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    if path.suffix == ".csv":
        with open(path, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, quoting=csv.QUOTE_ALL).writerows([header, *rows])
        return path
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, values in enumerate([header, *rows], 1):
        for c, value in enumerate(values, 1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.data_type = "s"  # a text starting with "=" stays text
    wb.save(path)
    return path


def chinese(message: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


def import_or_refuse(store, do_import, raw: str, value: str, suffix: str, *, required: bool = False) -> bool:
    """Run an import; a refusal must be a clear UserError that wrote nothing, for a reason the
    text gives: a NUL makes a .csv "not a text file", and a required field may clean to nothing.
    Returns whether it imported."""
    before = snapshot(store)
    try:
        do_import()
    except UserError as exc:
        assert chinese(str(exc)), str(exc)
        assert snapshot(store) == before
        assert raw not in MUST, f"refused: {exc}"
        if suffix == ".csv" and "\x00" in value:
            assert "不是文本表格文件" in str(exc)
        else:
            assert required and not clean(value).strip() and "不能为空" in getattr(exc, "report", exc.__str__)(), exc
        return False
    return True


# -- (a) imports ----------------------------------------------------------------------------------
@settings(max_examples=20, **SETTINGS)
@given(raw=text, suffix=st.sampled_from([".csv", ".xlsx"]))
@example(raw=LONG, suffix=".csv")
@example(raw=MUST[0], suffix=".xlsx")
@example(raw=MUST[1], suffix=".csv")
@example(raw=MUST[2], suffix=".csv")
@example(raw=MUST[3], suffix=".xlsx")
@example(raw=MUST[4], suffix=".csv")
@example(raw="", suffix=".csv")
def test_petition_sheet_import(raw, suffix):
    with fresh_store() as (store, tmp):
        value = in_file(raw, suffix)
        path = write_sheet(tmp / f"p{suffix}", ["批次", "转办日期", "受理编号", "交办问题基本情况", "行政区域", "信访人地址", "备注"],
                           [["1", "2024-03-14", "D2HH202403140001", value, "零陵区", value, value]])
        if import_or_refuse(store, lambda: petitions_io.import_petitions(store, path), raw, value, suffix,
                            required=True):
            row = store.one("SELECT content, petitioner_address, note FROM petitions")
            assert row == {"content": clean(value).strip(), "petitioner_address": clean_line(value),
                           "note": clean(value).strip()}


@settings(max_examples=15, **SETTINGS)
@given(raw=text, suffix=st.sampled_from([".csv", ".xlsx"]))
@example(raw=MUST[1], suffix=".xlsx")
@example(raw=MUST[2], suffix=".csv")
@example(raw=MUST[4], suffix=".csv")
def test_results_sheet_import(raw, suffix):
    with fresh_store() as (store, tmp):
        pid = add_petition(store, add_batch(store, 1, DAY), PetitionInput("D2HH202403130001", "污水直排", "零陵区"))
        value = in_file(raw, suffix)
        path = write_sheet(tmp / f"r{suffix}", ["受理编号", "办结情况", "办结日期", "调查核实情况", "处理和整改情况", "责任追究情况"],
                           [["D2HH202403130001", "已办结", "2024-03-20", value, value, value]])
        if import_or_refuse(store, lambda: petitions_io.import_results(store, path), raw, value, suffix):
            expected = clean(value).strip()
            result = latest_result(store, pid)
            assert (result["investigation"], result["handling"], result["accountability"]) == (expected,) * 3
            assert get_petition(store, pid)["investigation"] == expected


@settings(max_examples=15, **SETTINGS)
@given(raw=text, suffix=st.sampled_from([".csv", ".xlsx"]))
@example(raw=MUST[0], suffix=".csv")
@example(raw=MUST[3], suffix=".xlsx")
@example(raw=MUST[4], suffix=".xlsx")
def test_handoffs_sheet_import(raw, suffix):
    with fresh_store() as (store, tmp):
        value = in_file(raw, suffix)
        path = write_sheet(tmp / f"h{suffix}", ["来源", "问题描述", "牵头单位", "整改措施", "责任人"],
                           [["督察组交办", value, "零陵区", value, value]])
        if import_or_refuse(store, lambda: handoffs_io.import_file(store, path), raw, value, suffix, required=True):
            row = store.one("SELECT description, measures, owner FROM handoffs")
            assert row == {"description": clean(value).strip(), "measures": clean(value).strip(),
                           "owner": clean_line(value)[:40]}


@settings(max_examples=15, **SETTINGS)
@given(raw=text, suffix=st.sampled_from([".csv", ".xlsx"]))
@example(raw=MUST[1], suffix=".csv")
@example(raw=MUST[2], suffix=".csv")
@example(raw=MUST[4], suffix=".xlsx")
def test_roster_sheet_import(raw, suffix):
    with fresh_store() as (store, tmp):
        value = in_file(raw, suffix)
        path = write_sheet(tmp / f"d{suffix}", ["日期", "带班领导", "值班人员", "备注"],
                           [["2024-03-13", "王建国", "李明", value]])
        if import_or_refuse(store, lambda: transfer.import_roster(store, path), raw, value, suffix):
            slot = R.get_slot(store, DAY)
            assert (slot.leader_name, slot.member_names, slot.note) == ("王建国", "李明", clean(value).strip())


def test_bad_sheets_get_a_chinese_message_and_write_nothing(tmp_path):
    """Bad dates, unknown units, empty required fields, duplicate numbers, a truncated or
    non-spreadsheet file, a wrong encoding: each import refuses with one clear message."""
    good = tmp_path / "good.xlsx"
    write_sheet(good, ["批次", "受理编号", "交办问题基本情况", "行政区域"], [["1", "D2HH202403140001", "污水", "零陵区"]])
    truncated = tmp_path / "cut.xlsx"
    truncated.write_bytes(good.read_bytes()[:300])
    cases = {
        "bad date": (["批次", "转办日期", "受理编号", "交办问题基本情况", "行政区域"], ["1", "2024-13-45", "D1", "污水", "零陵区"]),
        "unknown unit": (["批次", "受理编号", "交办问题基本情况", "行政区域"], ["1", "D1", "污水", "火星区"]),
        "empty content": (["批次", "受理编号", "交办问题基本情况", "行政区域"], ["1", "D1", " \x1b[0m ", "零陵区"]),
    }
    with fresh_store() as (store, _):
        before = snapshot(store)
        for name, (header, row) in cases.items():
            path = write_sheet(tmp_path / f"{name}.csv", header, [row])
            with pytest.raises(ValidationError) as info:
                petitions_io.import_petitions(store, path)
            assert chinese(str(info.value)) and "第2行" in info.value.report(), name
        dup = write_sheet(tmp_path / "dup.csv", ["批次", "受理编号", "交办问题基本情况", "行政区域"],
                          [["1", "D1", "污水", "零陵区"], ["1", "Ｄ１", "废气", "零陵区"]])
        with pytest.raises(ValidationError) as info:
            petitions_io.import_petitions(store, dup)
        assert "第3行：受理编号 Ｄ１ 与第2行重复" in info.value.report()
        for path in (truncated, tmp_path / "fake.xlsx", tmp_path / "gbk.csv"):
            if path.name == "fake.xlsx":
                path.write_text("这不是表格", encoding="utf-8")
            if path.name == "gbk.csv":
                path.write_bytes("受理编号,交办问题基本情况\n".encode("utf-16-le"))
            for do in (lambda p: petitions_io.import_petitions(store, p, batch=1), lambda p: handoffs_io.import_file(store, p),
                       lambda p: transfer.import_roster(store, p), lambda p: petitions_io.import_results(store, p)):
                with pytest.raises(UserError) as info:
                    do(path)
                assert chinese(str(info.value))
        assert snapshot(store) == before


# -- (b) exporters ----------------------------------------------------------------------------------
def docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def xlsx_values(path: Path) -> list:
    ws = openpyxl.load_workbook(path).active
    return [v for row in ws.iter_rows(values_only=True) for v in row]


def csv_values(path: Path) -> list:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [v for row in csv.reader(fh) for v in row]


@settings(max_examples=15, **SETTINGS)
@given(raw=text)
@example(raw=LONG)
@example(raw=MUST[1])
@example(raw=MUST[4])
@example(raw="王 五 一（电话138-1234-5679）")
def test_petition_exports(raw):
    with fresh_store() as (store, tmp):
        pid = add_petition(store, add_batch(store, 1, DAY),
                           PetitionInput("D2HH202403130001", "内容：" + raw, "零陵区", note=raw))
        record_result(store, pid, ResultInput(kind="已办结", date=DAY, investigation="核实：" + raw))
        row = get_petition(store, pid)
        content, investigation = row["content"], row["investigation"]
        assert content == clean("内容：" + raw).strip() and investigation == clean("核实：" + raw).strip()
        for public in (False, True):
            name = "pub" if public else "ledger"
            # the public table carries the texts as privacy.public_text makes them (phones, names masked)
            content, investigation = ((public_text(store, t, row) if public else t)
                                      for t in (row["content"], row["investigation"]))
            cells = xlsx_values(export_petitions(store, tmp / f"{name}.xlsx", public=public))
            assert xlsx_cell(content) in cells and xlsx_cell(investigation) in cells  # a 100 KB text is cut visibly
            cells = csv_values(export_petitions(store, tmp / f"{name}.csv", public=public))
            assert excel_safe(content) in cells and excel_safe(investigation) in cells  # the .csv keeps it whole
            doc = docx_text(export_petitions(store, tmp / f"{name}.docx", public=public))
            assert content in doc and investigation in doc


@settings(max_examples=15, **SETTINGS)
@given(raw=text)
@example(raw=MUST[0])
@example(raw=MUST[4])
def test_handoff_exports(raw):
    with fresh_store() as (store, tmp):
        hid = intake.create(store, source="督察组交办", description="问题：" + raw, lead_unit="零陵区", measures=raw)
        row = problems.get(store, hid)
        assert row["description"] == clean("问题：" + raw).strip() and row["measures"] == clean(raw).strip()
        assert xlsx_cell(row["description"]) in xlsx_values(export_ledger(store, tmp / "l.xlsx", today=DAY))
        assert row["description"] in docx_text(export_ledger(store, tmp / "l.docx", today=DAY))


@settings(max_examples=15, **SETTINGS)
@given(raw=text)
@example(raw=MUST[2])
@example(raw=MUST[4])
def test_roster_exports(raw):
    with fresh_store() as (store, tmp):
        leader = people.add_person(store, "王建国", role="leader")
        member = people.add_person(store, "李明")
        R.save_slot(store, DAY, "全天", leader, [member], note="备注：" + raw)
        note = R.get_slot(store, DAY).note
        assert note == clean("备注：" + raw).strip()
        assert xlsx_cell(note) in xlsx_values(transfer.export_roster(store, tmp / "r.xlsx", DAY, DAY))
        assert note in docx_text(transfer.export_roster(store, tmp / "r.docx", DAY, DAY))


def md_unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


@settings(max_examples=15, **SETTINGS)
@given(raw=text, title=text)
@example(raw=LONG, title=MUST[1])
@example(raw=MUST[4], title=MUST[4])
@example(raw=MUST[0], title="#" + MUST[3])
def test_bulletin_exports(raw, title):
    with fresh_store() as (store, tmp):
        item = B.add_item(store, DAY, kind="news", title="标题" + title, body="正文：" + raw)
        county = B.add_item(store, DAY, kind="county", unit="零陵区", body=raw + "县区动态")
        stored = B.get_item(store, item)
        assert stored.title == clean_title(clean("标题" + title))
        assert stored.body == "\n".join(split_paragraphs(clean("正文：" + raw)))
        assert B.get_item(store, county).body == "\n".join(split_paragraphs(clean(raw + "县区动态")))
        paths = {p.suffix: p for p in B.export_formats(store, DAY, out_dir=tmp)}
        outputs = {".docx": docx_text(paths[".docx"]), ".md": md_unescaped(paths[".md"].read_text(encoding="utf-8")),
                   ".txt": paths[".txt"].read_text(encoding="utf-8")}
        for fmt, out in outputs.items():
            for para in split_paragraphs(stored.body):
                assert para in out, fmt
            # A long title is printed on balanced lines (centred in the .txt): its words, in order.
            unbroken = out.replace("\n", "").replace("\u3000", "")
            for line in split_paragraphs(stored.title):
                assert line.replace("\u3000", "") in unbroken, fmt
        assert "\x1b" not in "".join(outputs.values()) and "\x00" not in "".join(outputs.values())


# -- (c) one form per domain, text pasted -------------------------------------------------------------
# Opening a domain form costs most of a second (Textual lays out a dozen fields), so each test
# opens its screen's form once with the screen's own key and keeps it open: Ctrl+S builds the
# record as usual and hands it to the screen's own callback (which stores it), but the form
# stays, and the next example types and pastes into it again.
@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: DAY)
    monkeypatch.setattr(shiftmod, "clock", lambda: dt.time(10, 0))


@contextlib.contextmanager
def kept_form(store, start: str, key: str):
    from dutydesk.ui.app import make_app

    held: dict = {}

    async def setup(app, pilot):
        real_push = app.push_screen

        def push(screen, callback=None, *args, **kw):
            held["done"] = callback
            return real_push(screen, *args, **kw)

        app.push_screen = push
        try:
            await pilot.press(key)
            await pilot.pause()
        finally:
            del app.push_screen
        form = held["form"] = app.screen
        assert isinstance(form, FormModal) and held["done"] is not None
        form.dismiss = lambda result=None: held["done"](result)

    with live(make_app(store=store, strict=True, start=start), setup, size=(160, 45)) as run:
        yield run, held


async def paste_and_save(app, pilot, form, field_id: str, value: str) -> str:
    """Paste ``value`` into the (emptied) text area, press Ctrl+S; returns the form's message."""
    area = form.query_one(f"#{field_id}", TextArea)
    area.load_text("")
    area.focus()
    form.query_one("#form-error", Static).update("")
    await pilot.pause()
    app.post_message(events.Paste(value))
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert app.screen is form
    return str(form.query_one("#form-error", Static).render())


@pytest.fixture
def petition_form(store, frozen):
    with kept_form(store, "petitions", "a") as got:
        yield got


_numbers = itertools.count(1)


@settings(max_examples=15, **SETTINGS)
@given(body=body_text, line=hostile)
@example(body="𠀀😀\n" + "长" * 5_000, line="[@click=app.quit]x[/]")
@example(body=" \x1b[31m \n\t", line="张三")
def test_petition_form_with_pasted_text(petition_form, store, body, line):
    run, held = petition_form
    case_no = f"D2HH20240313{next(_numbers):04d}"

    async def fill(app, pilot):
        form = held["form"]
        form.query_one("#batch_no", Input).value = "1"
        form.query_one("#case_no", Input).value = case_no
        form.query_one("#unit", Select).value = "零陵区"
        form.query_one("#petitioner_address", Input).value = line
        return await paste_and_save(app, pilot, form, "content", body)

    message = run(fill)
    row = find_by_case_no(store, case_no)
    if clean(body).strip():
        assert row["content"] == clean(body).strip() and row["petitioner_address"] == clean_line(line), message
    else:
        assert row is None and "交办问题基本情况不能为空" in message


@pytest.fixture
def problem_form(store, frozen):
    with kept_form(store, "handoffs", "a") as got:
        yield got


@settings(max_examples=15, **SETTINGS)
@given(body=body_text, line=hostile)
@example(body="[/]\x00" + "长" * 3_000, line="\x1b]0;标题\x07")
def test_problem_form_with_pasted_text(problem_form, store, body, line):
    run, held = problem_form

    async def fill(app, pilot):
        form = held["form"]
        form.query_one("#problem_no", Input).value = ""
        form.query_one("#lead_unit", Select).value = "零陵区"
        form.query_one("#owner", Input).value = line
        return await paste_and_save(app, pilot, form, "description", body)

    before = store.scalar("SELECT count(*) FROM handoffs")
    message = run(fill)
    if clean(body).strip():
        row = store.one("SELECT description, owner FROM handoffs ORDER BY id DESC LIMIT 1")
        assert row == {"description": clean(body).strip(), "owner": clean_line(line)[:40]}, message
        assert store.scalar("SELECT count(*) FROM handoffs") == before + 1
    else:
        assert "问题描述不能为空" in message and store.scalar("SELECT count(*) FROM handoffs") == before


@pytest.fixture
def log_form(store, frozen):
    with kept_form(store, "roster", "n") as got:
        yield got


@settings(max_examples=15, **SETTINGS)
@given(body=body_text, line=hostile)
@example(body="[@click=app.quit]x[/]\n𠀀", line="\x1b[2J")
def test_duty_log_form_with_pasted_text(log_form, store, body, line):
    run, held = log_form

    async def fill(app, pilot):
        form = held["form"]
        form.query_one("#at", Input).value = "10:00"
        form.query_one("#from_unit", Input).value = line
        return await paste_and_save(app, pilot, form, "content", body)

    before = store.scalar("SELECT count(*) FROM duty_log")
    message = run(fill)
    if clean(body).strip():
        row = store.one("SELECT content, from_unit FROM duty_log ORDER BY id DESC LIMIT 1")
        assert row == {"content": clean(body).strip(), "from_unit": clean_line(line)}, message
        assert dutylog.log_for_date(store, DAY)[-1].content == row["content"]
    else:
        assert "内容不能为空" in message and store.scalar("SELECT count(*) FROM duty_log") == before


@pytest.fixture
def news_form(store, frozen):
    with kept_form(store, "bulletin", "a") as got:
        yield got


@settings(max_examples=15, **SETTINGS)
@given(body=body_text, title=body_text)
@example(body="第一段[/]\n\n  第二段\x1b[31m", title="长标题[b]\n第二行")
def test_news_form_with_pasted_text(news_form, store, body, title):
    run, held = news_form

    async def fill(app, pilot):
        form = held["form"]
        form.query_one("#title", TextArea).load_text(title)
        return await paste_and_save(app, pilot, form, "body", body)

    before = store.scalar("SELECT count(*) FROM bulletin_items")
    message = run(fill)
    want_title, want_body = clean_title(clean(title)), "\n".join(split_paragraphs(clean(body)))
    if want_title and want_body:
        row = store.one("SELECT title, body FROM bulletin_items ORDER BY id DESC LIMIT 1")
        assert row == {"title": want_title, "body": want_body}, message
        assert want_body.split("\n")[0] in B.render_text(store, DAY)
    else:
        assert "不能为空" in message and store.scalar("SELECT count(*) FROM bulletin_items") == before
