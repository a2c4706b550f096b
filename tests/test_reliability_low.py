"""Low items of issue 16 that are not about files (those are in test_private_files.py): the list's
--limit and a search of a thousand words."""

from __future__ import annotations

import datetime as dt

import pytest

from dutydesk.errors import UserError
from dutydesk.petitions import search
from dutydesk.petitions.batches import add_batch
from dutydesk.petitions.intake import PetitionInput, add_petition

DAY = dt.date(2024, 3, 13)


@pytest.fixture
def three(store, freeze_today):
    freeze_today(DAY)
    bid = add_batch(store, 1, DAY)
    for i in range(1, 4):
        add_petition(store, bid, PetitionInput(f"D2HH20240313000{i}", f"养殖场污水直排{i}", "零陵区"))
    return store


def test_list_limit_huge_lists_everything_and_zero_or_negative_is_refused(three, run_cli):
    r = run_cli("petitions", "list", "--limit", "99999999999999999999")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.count("D2HH2024031300") == 3 and "共 3 件" in r.stderr
    for bad in ("-1", "0"):
        r = run_cli("petitions", "list", "--limit", bad)
        assert r.exit_code == 1 and "--limit 应为正整数" in r.stderr and "Traceback" not in r.stderr
    assert run_cli("petitions", "list", "--limit", "2").stdout.count("D2HH2024031300") == 2


def test_page_takes_any_offset_and_limit(three):
    for offset, limit in ((0, 10 ** 20), (-5, 2), (10 ** 20, 10), (0, -1)):
        rows, total = search.page(three, search.Filters(), DAY, offset, limit)
        assert total == 3 and len(rows) == {(0, 10 ** 20): 3, (-5, 2): 2, (10 ** 20, 10): 0, (0, -1): 0}[(offset, limit)]


def test_a_thousand_search_words_get_a_clear_message(three, run_cli):
    words = " ".join(f"D{i:04d}" for i in range(1000))
    with pytest.raises(UserError, match="搜索词太多"):
        search.page(three, search.Filters(text=words), DAY, 0, 30)
    r = run_cli("petitions", "list", "--search", words)
    assert r.exit_code == 1 and "搜索词太多：1000 个（最多 32 个" in r.stderr and "Traceback" not in r.stderr
    with pytest.raises(UserError, match="搜索内容太长"):
        search.count(three, search.Filters(text="污" * (search.MAX_TEXT + 1)), DAY)
    # the same word many times is one word; 32 different words are fine
    rows, total = search.page(three, search.Filters(text=" ".join(["污水"] * 1000)), DAY, 0, 30)
    assert total == 3
    rows, total = search.page(three, search.Filters(text=" ".join(f"污水{i % 2 + 1}" for i in range(2))
                                                    + " " + " ".join(["直排"] * 40)), DAY, 0, 30)
    assert total == 0
    many = " ".join(["养殖场", "污水"] + [f"D{i:04d}" for i in range(30)])
    assert search.count(three, search.Filters(text=many), DAY) == 0
