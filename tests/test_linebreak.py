"""Chinese line breaking (dutydesk.linebreak): 避头尾 by display width, balanced titles."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from dutydesk.linebreak import CLOSING, OPENING, balance, can_break, segments, wrap, wrap_text

IDEOGRAPHS = "督察信访件交办整改永州市生态环境保护问题办结率"
PUNCT = "，。、；：？！）》」』”’%…（《「『“‘"
LATIN = "abcXYZ0123456789.% "
ALPHABET = IDEOGRAPHS + PUNCT + LATIN + "１２３４５年月日第"

texts = st.text(alphabet=ALPHABET, max_size=120)
widths = st.integers(min_value=1, max_value=60)


def visible(line: str) -> int:
    return cell_len(line.rstrip(" "))


@settings(max_examples=300, deadline=None)
@given(texts, widths)
def test_wrap_keeps_the_text_and_the_rules(text, width):
    lines = wrap(text, width)
    assert "".join(lines) == text
    for n, line in enumerate(lines):
        if n:
            assert line[0] not in CLOSING, (lines, n)
            assert line[0] != " "
        if n < len(lines) - 1:
            assert line[-1] not in OPENING, (lines, n)
        if visible(line) > width:
            # Only a run no rule lets break is wider than the width, alone on its line.
            assert len(segments(line)) == 1, (lines, n)
            assert not any(can_break(line[i - 1], line[i]) for i in range(1, len(line)))


@settings(max_examples=200, deadline=None)
@given(texts, widths)
def test_wrap_is_greedy(text, width):
    """A line ends only because the next run would not fit."""
    lines = wrap(text, width)
    for line, after in zip(lines, lines[1:]):
        assert visible(line + segments(after)[0]) > width


# Chinese text as it is written: each character with at most one opening mark before it and one
# closing mark after it. No run is then wider than 6 cells, so no line may be wider than the width.
token = st.tuples(st.sampled_from(["", "（", "《", "“"]), st.sampled_from(IDEOGRAPHS),
                  st.sampled_from(["", "，", "。", "》", "”", "、", "）"])).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(token, max_size=60).map("".join), st.integers(min_value=6, max_value=60))
def test_chinese_prose_never_overflows(text, width):
    lines = wrap(text, width)
    assert "".join(lines) == text
    assert all(visible(line) <= width for line in lines)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=IDEOGRAPHS, min_size=1, max_size=30), st.sampled_from(["12.5%", "2026年", "第3期", "45％"]),
       st.text(alphabet=IDEOGRAPHS, max_size=30), st.integers(min_value=10, max_value=40))
def test_a_number_and_its_unit_stay_on_one_line(head, number, tail, width):
    lines = wrap(head + number + tail, width)
    assert any(number in line for line in lines), lines


def test_the_preview_bug_comma_and_percent():
    text = "截至11月29日，累计办结信访件1234件，办结率为12.5%。"
    for width in range(8, 50):
        lines = wrap(text, width)
        assert not any(line.startswith(("，", "。", "%")) for line in lines)
        assert any("12.5%" in line for line in lines)
    # At 28 cells a plain fold would start the next line with "，": it is pushed out with the 日.
    assert wrap(text, 28)[0] == "截至11月29日，累计办结信访件"


def test_wrap_text_keeps_empty_lines_and_a_hanging_space():
    assert wrap_text("一二\n\n三四", 4) == ["一二", "", "三四"]
    assert wrap("hello world", 5) == ["hello ", "world"]
    assert wrap("", 5) == [""]


def test_balance_a_title_instead_of_leaving_one_character():
    title = "永州市召开生态环境保护督察整改工作推进会议"  # 21 characters, 20 fit a line
    lines = balance(title, 40)
    assert "".join(lines) == title
    assert [cell_len(line) // 2 for line in lines] in ([10, 11], [11, 10])
    assert balance("短标题", 40) == ["短标题"]


def test_balance_prefers_a_pause_and_keeps_a_name_whole():
    assert balance("蓝山县开展《畜禽养殖污染防治条例》专项整治行动取得阶段性成效", 40) == [
        "蓝山县开展《畜禽养殖污染防治条例》", "专项整治行动取得阶段性成效"]
    lines = balance("市委召开督察整改调度会，部署下一阶段信访件办理工作", 40)
    assert lines[0].endswith("，")


@settings(max_examples=200, deadline=None)
@given(texts, st.integers(min_value=6, max_value=60))
def test_balance_keeps_the_text_the_rules_and_the_number_of_lines(text, width):
    lines = balance(text, width)
    assert "".join(lines) == text
    assert len(lines) == len(wrap(text, width))
    for n, line in enumerate(lines):
        if n:
            assert line[0] not in CLOSING
        if n < len(lines) - 1:
            assert line[-1] not in OPENING
        if visible(line) > width:
            assert len(segments(line)) == 1


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="督察信访件交办整改生态环境保护问题", min_size=1, max_size=80), st.integers(min_value=4, max_value=60))
def test_balanced_lines_of_plain_characters_differ_by_one_at_most(text, width):
    """Characters no rule prefers a break around (no mark, no 市/县 of a place name)."""
    lines = balance(text, width)
    lengths = [len(line) for line in lines]
    assert max(lengths) - min(lengths) <= 1, lines
    assert all(cell_len(line) <= max(width, 2) for line in lines)


def test_balance_keeps_a_given_word_whole_when_nearly_as_balanced():
    title = "永州市召开生态环境保护督察整改工作推进会议"
    assert balance(title, 40) == ["永州市召开生态环境保", "护督察整改工作推进会议"]  # no words: the middle
    assert balance(title, 40, words=["保护"]) == ["永州市召开生态环境保护", "督察整改工作推进会议"]
    # Not at any price: a long "word" is given up for a break much nearer the middle.
    assert balance(title, 40, words=["生态环境保护督察整改工作"]) == ["永州市召开生态环境保", "护督察整改工作推进会议"]
