"""Check that ``widgets.FastTable`` looks exactly like Textual's DataTable (``cursor_type="row"``,
``zebra_stripes=True``, cells made by ``plain()``): the same character and style in every cell of
every line the widget paints (``render_lines``: after Textual has applied the widget's CSS), for
the same rows, focused and not, with the cursor on different rows, scrolled down, in a widget
narrower than the table, and the same widths for columns that fit their cells.

``python bench/check_fast_table.py [DB]``: DB is the bench database (or any dutydesk database):
its petition list rows are used (Chinese text wider than its column, empty cells, row styles);
without it, made-up rows with the same traits. ``tests/test_fast_table.py`` runs it on those.

Intended differences, not compared:
- DataTable puts ``{"row": …, "column": …}`` meta on every segment's style (its click handling
  reads it back); FastTable computes the row from the click position, so its styles carry no
  meta. Styles are compared without meta.
- DataTable highlights the row under the mouse (``datatable--hover``) once the mouse moves over
  it; FastTable has no hover highlight (no mouse moves here, so DataTable draws none either).
- Column labels: DataTable parses them as markup; FastTable shows them as text (the labels here
  hold no markup).
"""

from __future__ import annotations

import asyncio
import sys

from rich.style import Style
from textual.app import App
from textual.widgets import DataTable

SIZES = ((150, 20), (60, 12))  # (width, height) of both widgets: wider than the table, then narrower


def made_up_rows(n: int = 40) -> tuple[list, list[dict]]:
    """Petition-list-like rows: fixed and automatic columns, CJK wider than its column (cut in the
    middle of a wide character too), empty and None cells, ASCII, emoji, row styles."""
    from dutydesk.ui.widgets.paged_table import Column

    columns = [Column("mark", "标记", 8), Column("case_no", "受理编号", 18), Column("unit", "行政区域"),
               Column("summary", "内容摘要", 21), Column("note", "备注"), Column("status", "状态", 10)]
    looks = ["", "bold red", "dim", "bold yellow", "", "bold"]
    texts = ["群众反映某某镇某某村砂石场夜间施工噪声扰民，粉尘污染严重", "abc", "", None, "😀 表情与 ASCII mixed",
             "一二三四五六七八九十一二三四五六七八九十一", "x" * 30, "全角（标点）：测试"]
    rows = []
    for i in range(n):
        rows.append({"id": i + 1, "_style": looks[i % len(looks)], "mark": "【超期】" if i % 3 == 0 else "",
                     "case_no": f"D2HH2026{i:08d}", "unit": ["零陵区", "冷水滩区", "江华瑶族自治县", ""][i % 4],
                     "summary": texts[i % len(texts)], "note": texts[(i * 3) % len(texts)] if i % 5 else None,
                     "status": ["待交办", "办理中", "已办结"][i % 3]})
    return columns, rows


def db_rows(db: str) -> tuple[list, list[dict]]:
    from dutydesk import dates
    from dutydesk.bootstrap import open_store
    from dutydesk.petitions import search
    from dutydesk.ui.screens.petitions.screen import COLUMNS

    store = open_store(db, operator="bench", daily_backup=False)
    try:
        rows = search.page(store, search.Filters(), dates.today(), 0, 60)[0]
        rows += search.page(store, search.Filters(text="噪声"), dates.today(), 0, 60)[0]
    finally:
        store.close()
    for r in rows:
        r.setdefault("summary", r["content"])
    return COLUMNS, rows


def cells(strips) -> list[list[tuple[str, Style | None]]]:
    out = []
    for strip in strips:
        line = []
        for seg in strip:
            style = seg.style.clear_meta_and_links() if seg.style is not None else None
            line += [(ch, style) for ch in seg.text]
        out.append(line)
    return out


async def compare(columns, rows, *, say=print) -> int:
    """Paint both widgets in every state; the number of differing lines and widths."""
    from textual.geometry import Region

    from dutydesk.ui.widgets.cells import plain
    from dutydesk.ui.widgets.fast_table import FastTable

    bad = 0
    for width, height in SIZES:
        class Both(App):
            CSS = f"DataTable, FastTable {{ width: {width}; height: {height}; }}"

            def compose(self):
                yield DataTable(id="data", cursor_type="row", zebra_stripes=True)
                yield FastTable(id="fast")

        app = Both()
        async with app.run_test(size=(max(width, 80), 2 * height + 2)) as pilot:
            data, fast = app.query_one(DataTable), app.query_one(FastTable)
            for col in columns:
                data.add_column(col.label, key=col.key, width=col.width)
                fast.add_column(col.label, key=col.key, width=col.width)
            for i, r in enumerate(rows):  # (keyed by position: the two pages may share a petition)
                data.add_row(*(plain(r.get(c.key), r.get("_style", "")) for c in columns), key=str(i))
            fast.set_rows((i, [r.get(c.key) for c in columns], r.get("_style", "")) for i, r in enumerate(rows))
            await pilot.pause()
            widths = [[data.columns[c.key].content_width for c in columns if c.width is None],
                      [w for c, w in zip(columns, fast.column_widths) if c.width is None]]
            if widths[0] != widths[1]:
                bad += 1
                say("automatic column widths differ", widths)
            last = len(rows) - 1
            for focused in (True, False):
                for cursor, scroll in ((0, 0), (1, 0), (last, None), (height // 2, 3), (3, None)):
                    for table in (data, fast):
                        table.move_cursor(row=cursor, animate=False)
                        if scroll is not None:
                            table.scroll_to(y=scroll, animate=False, force=True)
                    painted = []
                    for table in (data, fast):  # (one has the focus at a time)
                        if focused:
                            table.focus()
                        else:
                            app.set_focus(None)
                        await pilot.pause()
                        painted.append(cells(table.render_lines(Region(0, 0, width, height))))
                    a, b = painted
                    if (data.scroll_offset, data.cursor_row) != (fast.scroll_offset, fast.cursor_row):
                        bad += 1
                        say("cursor or scroll differ", width, cursor, scroll, (data.scroll_offset, data.cursor_row),
                            (fast.scroll_offset, fast.cursor_row))
                    for y, (la, lb) in enumerate(zip(a, b)):
                        if la != lb:
                            bad += 1
                            if bad < 6:
                                at = next((i for i, (x, z) in enumerate(zip(la, lb)) if x != z), min(len(la), len(lb)))
                                say(f"line {y} differs (width {width}, focused {focused}, cursor {cursor}, "
                                    f"scroll {scroll}) at cell {at}:\n  DataTable {la[at:at + 3]}\n  FastTable {lb[at:at + 3]}")
    return bad


async def main(db: str | None) -> int:
    columns, rows = db_rows(db) if db else made_up_rows()
    bad = await compare(columns, rows)
    print(f"{len(rows)} rows × {len(columns)} columns, {len(SIZES)} sizes × 2 focus states × 5 cursor/scroll "
          f"positions: {bad} lines or widths differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else None)))
