"""Check that ``widgets.FastTable`` paints exactly what Textual's DataTable paints: the same
character and style in every cell (and column label), for real petition rows (Chinese text wider than its column,
empty cells, row styles), with the cursor and hover on, at several column widths.

``python bench/check_fast_table.py DB`` (DB: the bench database, or any dutydesk database).
"""

from __future__ import annotations

import asyncio
import sys

from rich.cells import cell_len
from rich.style import Style

from textual.app import App
from textual.widgets import DataTable


def cells(lines) -> list[tuple[str, object]]:
    out = []
    for line in lines:
        for seg in line:
            out += [(ch, seg.style) for ch in seg.text]
    return out


async def main(db: str) -> int:
    from dutydesk import dates
    from dutydesk.petitions import search
    from dutydesk.bootstrap import open_store
    from dutydesk.ui.screens.petitions.screen import COLUMNS
    from dutydesk.ui.widgets.cells import plain
    from dutydesk.ui.widgets.fast_table import FastTable

    store = open_store(db, operator="bench", daily_backup=False)
    rows = search.page(store, search.Filters(), dates.today(), 0, 60)[0]
    rows += search.page(store, search.Filters(text="噪声"), dates.today(), 0, 60)[0]
    store.close()

    class Two(App):
        def compose(self):
            yield FastTable(id="fast", cursor_type="row", zebra_stripes=True)

    checked = bad = 0  # the generic path (DataTable._render_cell) and the fast one, on the same table
    app = Two()
    async with app.run_test(size=(160, 45)) as pilot:
        for table in app.query(DataTable):
            for col in COLUMNS:
                table.add_column(col.label, key=col.key, width=col.width)
            for r in rows:
                r.setdefault("summary", r["content"])
                table.add_row(*(plain(r.get(c.key), r["_style"]) for c in COLUMNS), key=f"{r['id']}-{checked}")
                checked += 1
        app.query_one("#fast").focus()
        await pilot.pause()
        fast = app.query_one("#fast", FastTable)
        base = fast.rich_style
        for row in range(-1, len(rows)):  # -1: the header row (column labels)
            for col in range(len(COLUMNS)):
                for width in (COLUMNS[col].width + 2, cell_len(COLUMNS[col].label) + 2, 5, 2, 1):
                    for cursor, hover in ((False, False), (True, False), (False, True)):
                        fast._cell_render_cache.clear()
                        a = cells(DataTable._render_cell(fast, row, col, base, width, cursor, hover))
                        if row >= 0:  # with a row cursor FastTable's body cells say column 0 (see there)
                            a = [(ch, st + Style.from_meta({"row": row, "column": 0})) for ch, st in a]
                        fast._cell_render_cache.clear()
                        b = cells(fast._render_cell(row, col, base, width, cursor, hover))
                        if row >= 0:  # (cells too narrow for text go Textual's way, with their column)
                            b = [(ch, st + Style.from_meta({"row": row, "column": 0})) for ch, st in b]
                        if a != b:
                            bad += 1
                            if bad < 5:
                                print("differs", row, col, width, cursor, hover, "\n ", a[:12], "\n ", b[:12])
        # whole lines (FastTable._render_line_in_row) = DataTable's, cursor and hover on and off
        from textual.coordinate import Coordinate

        def norm(pair, row):
            out = []
            for part in pair:
                for line in part:
                    for seg in line:
                        st = seg.style
                        if row >= 0 and st is not None and st.meta and not st.meta.get("out_of_bounds"):
                            st = st + Style.from_meta({"row": row, "column": 0})
                        out.append((seg.text, st))
            return out

        lines_checked = 0
        for row in range(-1, len(rows)):
            key = fast._header_row_key if row == -1 else fast._row_locations.get_key(row)
            for cur, hov in ((Coordinate(0, 0), Coordinate(-1, 0)), (Coordinate(row, 0), Coordinate(0, 0)),
                             (Coordinate(1, 0), Coordinate(row, 0))):
                fast._row_render_cache.clear()
                fast._cell_render_cache.clear()
                fast._pass, fast._memo = fast._settings(), {}
                a = norm(DataTable._render_line_in_row(fast, key, 0, base, cur, hov), row)
                fast._row_render_cache.clear()
                fast._cell_render_cache.clear()
                b = norm(fast._render_line_in_row(key, 0, base, cur, hov), row)
                fast._pass = fast._memo = None
                lines_checked += 1
                if a != b:
                    bad += 1
                    if bad < 5:
                        print("line differs", row, cur, hov, "\n ", a[:6], "\n ", b[:6])
        # column widths measured by FastTable._update_dimensions = DataTable's
        app.query_one("#fast").styles.display = "none"
        await app.mount(DataTable(id="slow"))
        slow = app.query_one("#slow", DataTable)
        for col in COLUMNS:
            slow.add_column(col.label, key=col.key)
        fast2 = FastTable(id="fast2")
        await app.mount(fast2)
        for col in COLUMNS:
            fast2.add_column(col.label, key=col.key)
        for table in (slow, fast2):
            for r in rows:
                table.add_row(*(plain(r.get(c.key), r["_style"]) for c in COLUMNS))
        await pilot.pause()
        widths = [[c.content_width for c in t.ordered_columns] for t in (slow, fast2)]
        if widths[0] != widths[1]:
            bad += 1
            print("column widths differ", widths)
    print(f"{(len(rows) + 1) * len(COLUMNS) * 5 * 3} cells, {lines_checked} lines and {len(COLUMNS)} column widths "
          f"compared, {bad} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1])))
