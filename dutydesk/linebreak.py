"""Chinese line breaking (避头尾) by display width: wrapping a paragraph and balancing a title.

Rich and Textual fold a line without spaces at any cell, so a Chinese paragraph can put "，" at
the start of a line or split "12.5%"; Unicode's line breaking (UAX #14, in PyICU or uniseg)
allows a break before a closing quotation mark between Chinese characters and between "2026"
and "年". The rules here are the few a Chinese reader expects (W3C clreq, GB/T 15834):

- no line starts with a closing mark (``，。、；：？！）》」』”’%…——`` and their kin);
- no line ends with an opening mark (``（《「『“‘`` and their kin);
- a number stays whole with what follows it (``12.5%``, ``2026年``, ``3件``) and with a ``第`` before
  it; a Latin word, a code or a URL (narrow characters without a space) is never split;
- a space stays at the end of its line (it "hangs": it is not counted against the width).

Widths are terminal cells (``rich.cells.cell_len``: a Chinese character is 2, a Latin letter 1);
a document gives the same measure in half-ems. Pure functions, no UI imports.
"""

from __future__ import annotations

from typing import Callable, Iterable

from rich.cells import cell_len

Measure = Callable[[str], float]  # a width in cells

CLOSING = frozenset(
    "，。、；：？！）》」』〕】〉〗〙〛｝］”’〞"
    ",.;:?!)]}"
    "%％‰…⋯‥—～·・"
)
OPENING = frozenset("（《「『〔【〈〖〘〚｛［“‘〝([{")
DIGITS = frozenset("0123456789０１２３４５６７８９")
_DECIMAL_POINTS = frozenset(".．")
_JOINERS = frozenset("\u200d\ufe0f\ufe0e")  # zero width joiner, variation selectors
SPACE = " "

# Where a balanced title (or a two-line 编印单位) is best broken: after a pause mark, before an
# opening mark. Penalised: inside a 《…》 or “…” span, which is read as one name.
_PAUSES = frozenset("，、；：。？！）》」』”")
_PAIRS = {"《": "》", "“": "”", "（": "）", "「": "」", "『": "』"}
_PAIR_ENDS = frozenset(_PAIRS.values())
_PLACE_SUFFIXES = frozenset("省市县区镇乡村")


def can_break(before: str, after: str) -> bool:
    """Whether a line may end after the character ``before`` and the next start with ``after``."""
    if after == SPACE or after in CLOSING or before in OPENING:
        return False
    if after in _JOINERS or before == "\u200d" or cell_len(after) == 0:
        return False  # never inside a grapheme cluster
    if before in DIGITS or (before == "第" and after in DIGITS) or (before in _DECIMAL_POINTS and after in DIGITS):
        return False  # 12.5%, 2026年, 3件, 第3期
    if before == SPACE:
        return True
    # Two narrow characters belong to one word, number or code; a wide character on either side
    # (Chinese) may be broken around, and so may ”“ (narrow in a terminal).
    return not (cell_len(before) == 1 and cell_len(after) == 1) or (before in CLOSING and after in OPENING)


def segments(text: str) -> list[str]:
    """``text`` cut at every place a line may break: the runs no line break may split."""
    if not text:
        return []
    out: list[str] = []
    start = 0
    for i in range(1, len(text)):
        if can_break(text[i - 1], text[i]):
            out.append(text[start:i])
            start = i
    out.append(text[start:])
    return out


def _visible(measure: Measure, segment: str) -> int:
    return measure(segment.rstrip(SPACE))


def wrap(text: str, width: int, measure: Measure = cell_len) -> list[str]:
    """One paragraph (no newline) in lines at most ``width`` wide, breaking only where allowed.

    Greedy: each line takes as many runs as fit; a run wider than ``width`` gets a line of its own
    (it is not split; a terminal folds it). ``"".join(wrap(text, w)) == text``; trailing spaces of a
    line hang past the width.
    """
    width = max(1, width)
    lines: list[str] = []
    line, used = "", 0
    for segment in segments(text):
        if line and used + _visible(measure, segment) > width:
            lines.append(line)
            line, used = "", 0
        line += segment
        used += measure(segment)
    lines.append(line)
    return lines


def wrap_text(text: str, width: int, measure: Measure = cell_len) -> list[str]:
    """Every line of ``text`` wrapped with :func:`wrap` (empty lines kept)."""
    return [line for paragraph in text.split("\n") for line in wrap(paragraph, width, measure)]


def balance(text: str, width: int, measure: Measure = cell_len, *, words: Iterable[str] = ()) -> list[str]:
    """``text`` in as few lines as :func:`wrap` needs, broken so the lines are about equally long.

    For a centred title or a 编印单位 beside a date: a title of 21 characters in lines of 20 becomes
    11 + 10, not 20 + 1. Among nearly equal choices it prefers a break after a pause mark (，、：)
    or before an opening mark, not inside one of ``words`` (生态环境, 督察…), nor inside a 《…》 or
    “…” name if it can, and a first line no longer than the second (a 正梯形).
    ``"".join(result) == text``.
    """
    width = max(1, width)
    greedy = wrap(text, width, measure)
    if len(greedy) == 1:
        return greedy
    runs = segments(text)
    widths = [measure(r) for r in runs]
    target = sum(_visible(measure, line) for line in greedy) / len(greedy)
    return _best_partition(runs, widths, measure, _cut_scores(runs, words), len(greedy), width, target)


def _cut_scores(runs: list[str], words: Iterable[str]) -> list[float]:
    """A penalty (negative: a bonus) for a break before ``runs[i]``, in cells of imbalance: a
    bonus after a pause mark or before an opening one, a penalty inside a name in 《》/“”, inside
    one of ``words`` or before a place name's 县/区/市/镇/乡/村."""
    scores = [0.0] * len(runs)
    starts: dict[int, int] = {}  # text offset of a run -> its index
    offset = 0
    for i, run in enumerate(runs):
        starts[offset] = i
        offset += len(run)
    text = "".join(runs)
    for word in words:
        at = text.find(word)
        while at >= 0:
            for inside in range(at + 1, at + len(word)):
                if inside in starts:
                    scores[starts[inside]] += 10
            at = text.find(word, at + 1)
    depth = 0
    for i, run in enumerate(runs):
        if i:
            if runs[i - 1][-1] in _PAUSES:
                scores[i] -= 6
            if run[0] in OPENING:
                scores[i] -= 3
            if run[0] in _PLACE_SUFFIXES:
                scores[i] += 4
            if depth:
                scores[i] += 12
        for ch in run:
            if ch in _PAIRS:
                depth += 1
            elif ch in _PAIR_ENDS and depth:
                depth -= 1
    return scores


def _best_partition(runs: list[str], widths: list[float], measure: Measure, cuts: list[float], lines: int,
                    width: int, target: float) -> list[str]:
    """The cheapest way to put ``runs`` on ``lines`` lines no wider than ``width`` (a line may be
    wider only when it is one run); the caller knows from :func:`wrap` that such a way exists.

    Cost: each line's distance from ``target`` in cells, the cut penalties, and a little for a line
    longer than the next one (a title reads best widening downwards).
    """
    n = len(runs)
    prefix = [0]
    for w in widths:
        prefix.append(prefix[-1] + w)

    hanging = [w - measure(r.rstrip(SPACE)) for r, w in zip(runs, widths)]

    def line_width(i: int, j: int) -> float:  # runs[i:j], the trailing spaces hanging
        return prefix[j] - prefix[i] - hanging[j - 1]

    # best[k][j]: (cost, previous cut, width of the last line) for runs[:j] on k lines
    inf = float("inf")
    best: list[dict[int, tuple[float, int, float]]] = [{0: (0.0, -1, 0)}] + [{} for _ in range(lines)]
    for k in range(1, lines + 1):
        for j in range(k, n + 1):
            if k == lines and j != n:
                continue
            choice: tuple[float, int, float] = (inf, -1, 0.0)
            for i, (cost, _prev, last) in best[k - 1].items():
                if i >= j:
                    continue
                w = line_width(i, j)
                if w > width and j - i > 1:
                    continue
                c = cost + abs(w - target) + (cuts[i] if i else 0.0) + (0.5 if k > 1 and last > w else 0.0)
                if c < choice[0]:
                    choice = (c, i, w)
            if choice[0] < inf:
                best[k][j] = choice
    out: list[str] = []
    j, k = n, lines
    while k:
        i = best[k][j][1]
        out.append("".join(runs[i:j]))
        j, k = i, k - 1
    return out[::-1]

