"""Fitting the lines of a bulletin: how wide a text is in points, where a title breaks, how
the 编印单位 and the date share the 版头's last line (the .docx; the .txt uses the same breaks).

A Chinese character is one em wide (its font size in points), a Latin letter or a digit about
half an em (:func:`print_cells` counts 0.6 to be safe); a line holds ``width / size * 2`` cells. Word and LibreOffice break a centred title wherever the line ends, which can leave one
character alone on the last line, and push a date that does not fit after the unit onto a line
of its own. These functions decide the breaks instead (:func:`dutydesk.linebreak.balance`:
lines of about equal length, broken by 避头尾) and the exporters write them as line breaks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.cells import cell_len

from ..linebreak import balance

MM_PT = 72 / 25.4

# Words a title (or a 编印单位) is not broken inside when a nearly as balanced break exists: the
# vocabulary of an inspection's bulletins. A break inside another word is only a little worse
# than a break between two (Chinese has no spaces to tell them apart).
TITLE_WORDS = (
    "生态环境", "环境保护", "保护", "督察组", "督察", "整改", "信访件", "信访", "交办", "办理", "办结",
    "推进会", "调度会", "动员会", "座谈会", "推进", "会议", "工作", "问题", "污染", "防治", "专项",
    "整治", "行动", "阶段性", "成效", "调度", "部署", "召开", "开展", "中央", "省级", "市委", "人民政府",
    "政府", "协调", "联络", "联络组", "办公室", "反馈", "落实", "情况", "通知", "动员", "进驻", "迎接",
    "领导", "小组", "全市", "县市区", "现场", "检查", "督导", "调研", "汇报", "群众", "举报", "投诉",
    "畜禽", "养殖", "扬尘", "大气", "水质", "河道", "垃圾", "固体废物", "饮用水", "水源地", "保护区",
    "矿山", "修复", "回头看", "销号", "验收", "永州", "中共",
)


NARROW = 1.2  # cells of a Latin letter or digit: 0.6 em, as wide as the fallback fonts set them


def print_cells(text: str) -> float:
    """``text``'s width in half ems as printed: a Chinese character 2, a Latin letter or a digit
    :data:`NARROW` (0.5 em in 仿宋_GB2312, up to 0.6 em in the fonts that stand in for it)."""
    return sum(NARROW if w == 1 else w for w in map(cell_len, text))


def width_pt(text: str, size: float) -> float:
    """The width of ``text`` set in ``size`` points (a Chinese character is ``size`` wide)."""
    return print_cells(text) * size / 2


def cells_in(width: float, size: float) -> int:
    """How many cells (half ems) of ``size``-point text a line ``width`` points long holds."""
    return max(1, math.floor(width / size * 2 + 1e-6))


def fit_title(lines: list[str], size: float, width: float) -> list[str]:
    """A title's lines as printed: each line given (a break the writer chose) that does not fit
    ``width`` points is broken into lines of about equal length (21 characters in lines of 20:
    11 + 10, never 20 + 1)."""
    out: list[str] = []
    for line in lines:
        out.extend(balance(line, cells_in(width, size), print_cells, words=TITLE_WORDS))
    return out


@dataclass(frozen=True)
class HeaderFit:
    """How the 版头's line ``编印单位 …… 日期`` is set: the unit's lines and font size."""

    unit_lines: list[str]
    unit_size: float


def fit_header(unit: str, date: str, *, size: float, width: float, sizes: tuple[float, ...] = (),
               gap_chars: float = 1.5) -> HeaderFit:
    """The 编印单位 and the date on one line ``width`` points long, the date (``size`` points) at the
    right, at least ``gap_chars`` characters after the unit, never on a line of its own.

    In order: the unit on one line in ``size``, then in each smaller size of ``sizes`` (a step or
    two: 四号 → 小四); then on two lines of about equal length in ``size``, then in the smaller
    sizes; the date stands at the right of the unit's last line. A unit longer still is set in
    the smallest size on as many lines as it needs.
    """
    room = width - width_pt(date, size) - gap_chars * size
    steps = (size, *sorted((s for s in sizes if s < size), reverse=True))
    for most in (1, 2):
        for step in steps:
            lines = balance(unit, cells_in(room, step), print_cells, words=TITLE_WORDS)
            if len(lines) <= most and all(width_pt(line.rstrip(), step) <= room for line in lines):
                return HeaderFit(lines, step)
    return HeaderFit(balance(unit, cells_in(room, steps[-1]), print_cells, words=TITLE_WORDS), steps[-1])


# GB/T 9704's text block is 156 mm wide; the 版头's unit and date are set in 四号 (14 pt), the
# unit one step smaller (小四, 12 pt) before it takes two lines.
TEXT_WIDTH_PT = 156 * MM_PT
HEADER_SIZE = 14
HEADER_SMALLER = (12,)


def bulletin_header(unit: str, date: str) -> HeaderFit:
    """The bulletin's ``编印单位 …… 日期`` line as the .docx sets it (the .txt follows its breaks)."""
    return fit_header(unit, date, size=HEADER_SIZE, width=TEXT_WIDTH_PT, sizes=HEADER_SMALLER)
