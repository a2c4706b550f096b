"""The character bigrams a complaint is compared by (letters and digits only, without the unit's
name and boilerplate words), each bigram as one int."""

from __future__ import annotations

import sys
from itertools import repeat
from operator import itemgetter, lshift, or_

from .. import search


# Words every complaint has; they say nothing about whether two complaints are the same.
BOILERPLATE = ("群众", "来电", "来信", "反映", "举报", "投诉", "希望", "尽快", "处理", "请求", "督察组", "督促",
               "整改", "多次", "当地", "解决", "问题", "存在", "某")


def _pairs(chars: str) -> set[int]:
    """Every two adjacent characters of ``chars``, each pair as one int (its 8 bytes of UTF-32-LE
    read as an unsigned integer: c1 | c2 << 32 on a little-endian machine): the same set as
    ``{chars[i:i + 2] for i in ...}``, made in C rather than a Python loop."""
    n = len(chars)
    view = memoryview(chars.encode("utf-32-le", "surrogatepass"))
    out = set(view[: 8 * (n // 2)].cast("Q"))  # pairs starting at 0, 2, 4 …
    out.update(view[4: 4 + 8 * ((n - 1) // 2)].cast("Q"))  # … and at 1, 3, 5 …
    return out


_first, _last = itemgetter(0), itemgetter(-1)
_SPACE_SPACE = 0x20 | 0x20 << 32


def text_bigrams(text: str, unit: str = "") -> set[int]:
    """The character bigrams of a text for comparing complaints (letters and digits only, without the
    unit's name and boilerplate words), each as an int (see :func:`_pairs`); a one-character piece
    between removed words counts as itself (its code point)."""
    chars = search.searchable(text)
    for word in ((unit,) if unit else ()) + BOILERPLATE:
        chars = chars.replace(word, " ")
    out = _pairs(chars)
    if " " in chars:  # no pair across a removed word: drop every pair with a space
        parts = chars.split()
        if not parts:
            return set()
        if sys.byteorder == "little":  # (space, first character) and (last character, space) of each part
            out.discard(_SPACE_SPACE)
            out.difference_update(map(or_, repeat(0x20), map(lshift, map(ord, map(_first, parts)), repeat(32))))
            out.difference_update(map(or_, map(ord, map(_last, parts)), repeat(0x20 << 32)))
        else:  # pragma: no cover
            out -= _pairs("  " + " ".join(map(_first, parts)) + " " + " ".join(map(_last, parts)) + " ")
        if min(map(len, parts)) == 1:
            out.update(ord(p) for p in parts if len(p) == 1)
    elif len(chars) == 1:
        out.add(ord(chars))
    return out
