"""Statistics tables as data (frozen into an issued bulletin as JSON) and as text.

A :class:`StatsTable` is what the domains compute (``petitions.overview``, ``handoffs.overview``)
and every writer renders: the per-unit table with its 合计 row, cells as real numbers; a
:class:`StatsReport` adds the headline figures (``dutydesk stats``). Text tables are aligned by
display width (a CJK character is two cells). No domain imports, no UI.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from rich.cells import cell_len

from .. import dates

TEXT, INT, PCT = "text", "int", "pct"  # column kinds: a label, a count, a percentage (0–100)
TOTAL_LABEL = "合计"


def pct_text(value: float) -> str:
    """45.45 → "45.5%", 100.0 → "100%" (as the bulletin's sentences write 办结率)."""
    return f"{value:.1f}".rstrip("0").rstrip(".") + "%"


def cell_text(value, kind: str) -> str:
    if kind == PCT:
        return "—" if value is None else pct_text(value)
    if kind == INT:
        return str(int(value or 0))
    return "" if value is None else str(value)


@dataclass
class StatsTable:
    title: str
    as_of: str  # ISO date
    headers: list[str]
    kinds: list[str]  # one of TEXT / INT / PCT per column
    rows: list[list] = field(default_factory=list)  # the last row is 合计
    notes: list[str] = field(default_factory=list)  # how the figures are counted (sentences)

    @property
    def subtitle(self) -> str:
        return f"（截至{dates.cn_date(self.as_of)}）"

    @property
    def note(self) -> str:
        """The notes as one line under the table: ``注：…``."""
        return "注：" + "".join(self.notes) if self.notes else ""

    def text_rows(self) -> list[list[str]]:
        return [[cell_text(v, k) for v, k in zip(row, self.kinds)] for row in self.rows]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> "StatsTable | None":
        if not data:
            return None
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Figure:
    label: str
    value: float | int | None
    kind: str = INT  # INT (件/个) or PCT
    unit: str = ""

    @property
    def text(self) -> str:
        return cell_text(self.value, self.kind) + (self.unit if self.kind == INT else "")


@dataclass
class StatsReport:
    """``dutydesk stats``: the headline figures by section, then the per-unit table."""

    title: str
    as_of: str
    sections: list[tuple[str, list[Figure]]]
    table: StatsTable

    def headline_lines(self) -> list[str]:
        return [f"{name}：" + "，".join(f"{f.label}{f.text}" for f in figures) for name, figures in self.sections]


# -- text --------------------------------------------------------------------------------------
def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` terminal cells (CJK characters are two)."""
    gap = max(0, width - cell_len(text))
    return " " * gap + text if right else text + " " * gap


def text_table(table: StatsTable, *, gap: int = 2) -> list[str]:
    """The table as lines of monospaced text: labels left, numbers right, columns aligned by
    display width; a rule under the header and above 合计."""
    cells = [list(table.headers)] + table.text_rows()
    widths = [max(cell_len(row[i]) for row in cells) for i in range(len(table.headers))]
    sep = " " * gap

    def line(row: list[str]) -> str:
        return sep.join(pad(c, w, right=k != TEXT) for c, w, k in zip(row, widths, table.kinds)).rstrip()

    rule = "─" * (sum(widths) + gap * (len(widths) - 1))
    out = [line(cells[0]), rule]
    body = cells[1:]
    for n, row in enumerate(body):
        if n == len(body) - 1 and row and row[0] == TOTAL_LABEL:
            out.append(rule)
        out.append(line(row))
    return out


def render_txt(table: StatsTable) -> list[str]:
    """Title, subtitle, the aligned table and the notes."""
    return [table.title, table.subtitle, "", *text_table(table), *(["", table.note] if table.notes else [])]


def render_report_txt(report: StatsReport) -> str:
    lines = [report.title, f"（截至{dates.cn_date(report.as_of)}）", "", *report.headline_lines(), "",
             *render_txt(report.table)]
    return "\n".join(lines) + "\n"


def md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def render_md(table: StatsTable) -> list[str]:
    """A Markdown table (numbers right-aligned)."""
    head = "| " + " | ".join(md_escape(h) for h in table.headers) + " |"
    align = "|" + "|".join("---" if k == TEXT else "---:" for k in table.kinds) + "|"
    rows = ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in table.text_rows()]
    return [head, align, *rows]


# -- .xlsx ---------------------------------------------------------------------------------------
def write_report_xlsx(report: StatsReport, path, *, force: bool = False):
    """Two sheets of real numbers: the per-unit table (办结率 as a percentage cell) and the
    headline figures (指标, 数值, 单位)."""
    from .xlsx import Sheet, write_sheets

    table = report.table
    rows = [[(v / 100 if v is not None else None) if k == PCT else v for v, k in zip(row, table.kinds)]
            for row in table.rows]
    widths = [18] + [10] * (len(table.headers) - 1)
    formats = ["0.0%" if k == PCT else ("0" if k == INT else None) for k in table.kinds]
    head = [[name, f.label, round(f.value, 1) if f.kind == PCT and f.value is not None else f.value,
             "%" if f.kind == PCT else f.unit] for name, figures in report.sections
            for f in figures]
    return write_sheets(path, [
        Sheet(table.title, table.headers, rows, title=f"{table.title}{table.subtitle}", widths=widths,
              number_formats=formats),
        Sheet("总体情况", ["类别", "指标", "数值", "单位"], head, title=f"{report.title}{table.subtitle}",
              widths=[12, 14, 10, 6], number_formats=None),
    ], force=force)
