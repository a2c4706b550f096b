"""Bit-sliced counters (one bit of every counter per Python int) of the bigrams that sets share:
the arithmetic under :class:`~dutydesk.petitions.repeats.finder.RepeatFinder`."""

from __future__ import annotations

import math


def _count_planes(masks: list[int]) -> list[int]:
    """How many of ``masks`` have each bit, bit-sliced: plane k holds bit k of every count.

    A Harley-Seal carry-save adder tree over 16 masks at a time (about five int operations a
    mask instead of a ripple carry through every plane), so thousands of counters move with
    each Python operation."""
    ones = twos = fours = eights = 0
    high: list[int] = []
    masks = masks + [0] * (-len(masks) % 16)
    for i in range(0, len(masks), 16):
        x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15 = masks[i:i + 16]
        # each line is a full adder: (carry, sum) of three inputs
        u = ones ^ x0; tA = (ones & x0) | (u & x1); ones = u ^ x1
        u = ones ^ x2; tB = (ones & x2) | (u & x3); ones = u ^ x3
        u = twos ^ tA; fA = (twos & tA) | (u & tB); twos = u ^ tB
        u = ones ^ x4; tA = (ones & x4) | (u & x5); ones = u ^ x5
        u = ones ^ x6; tB = (ones & x6) | (u & x7); ones = u ^ x7
        u = twos ^ tA; fB = (twos & tA) | (u & tB); twos = u ^ tB
        u = fours ^ fA; eA = (fours & fA) | (u & fB); fours = u ^ fB
        u = ones ^ x8; tA = (ones & x8) | (u & x9); ones = u ^ x9
        u = ones ^ x10; tB = (ones & x10) | (u & x11); ones = u ^ x11
        u = twos ^ tA; fA = (twos & tA) | (u & tB); twos = u ^ tB
        u = ones ^ x12; tA = (ones & x12) | (u & x13); ones = u ^ x13
        u = ones ^ x14; tB = (ones & x14) | (u & x15); ones = u ^ x15
        u = twos ^ tA; fB = (twos & tA) | (u & tB); twos = u ^ tB
        u = fours ^ fA; eB = (fours & fA) | (u & fB); fours = u ^ fB
        u = eights ^ eA; carry = (eights & eA) | (u & eB); eights = u ^ eB
        k = 0  # the sixteens: a ripple carry, once per 16 masks
        while carry:
            if k == len(high):
                high.append(carry)
                break
            p = high[k]
            high[k] = p ^ carry
            carry &= p
            k += 1
    return [ones, twos, fours, eights, *high]


def _add_planes(a: list[int], b: list[int]) -> list[int]:
    """Bit-sliced a + b (ripple carry over the planes)."""
    out, carry = [], 0
    for k in range(max(len(a), len(b)) + 1):
        x = a[k] if k < len(a) else 0
        y = b[k] if k < len(b) else 0
        u = x ^ y
        out.append(u ^ carry)
        carry = (x & y) | (u & carry)
    return out


def _at_least(planes: list[int], bound: int, full: int) -> int:
    """Mask of the bit-sliced counters that are ≥ ``bound`` (among the bits of ``full``)."""
    ge, eq = 0, full
    for k in range(max(len(planes), bound.bit_length()) - 1, -1, -1):
        p = planes[k] if k < len(planes) else 0
        if bound >> k & 1:
            eq &= p
        else:
            ge |= eq & p
            eq &= ~p
    return ge | eq


class Counters:
    """Bit-sliced counters over a list of bigram sets ("the side"): for each bigram, a bitmask of
    the sets that have it (bit k = set k).

    :meth:`reaching` counts, for every set of the side at once, the bigrams it shares with
    another set and returns the sets that may reach a Dice coefficient of ``t``: a superset,
    scored exactly by the caller. n ≥ t(|A|+|B|)/2 implies OFF − ⌊t|A|/2⌋ + n ≥ OFF + ⌈t|B|/2⌉
    (both sides whole; the 1e-9 only widens the test), so counters start at OFF − ⌊t|A|/2⌋ ≥ 1
    and the other set has one bound for the whole side.
    """

    BLOCK = 1024

    def __init__(self, sets: list[set], sizes: list[int], t: float):
        self.t = t
        halves = [math.floor(t * n / 2 - 1e-9) for n in sizes]
        self.base = 1 << max(max(halves, default=0), 0).bit_length()
        bits = [1 << k for k in range(self.BLOCK)]
        masks: dict = {}
        for start in range(0, len(sets), self.BLOCK):  # a block at a time, so that each | works on short ints
            block: dict = {}
            get = block.get
            for bit, grams in zip(bits, sets[start:start + self.BLOCK]):
                for gram in grams:
                    block[gram] = get(gram, 0) | bit
            if not start:
                masks = block
                continue
            for gram, mask in block.items():
                masks[gram] = masks.get(gram, 0) | mask << start
        self.masks = masks
        starts = [self.base - half for half in reversed(halves)]  # the last set first: the most significant bit
        self.offsets = [int("0" + "".join(["01"[start >> p & 1] for start in starts]), 2)
                        for p in range((2 * self.base).bit_length())]
        self.full = (1 << len(sets)) - 1

    def reaching(self, grams: set, size: int) -> list[int]:
        """Positions of the side that may share enough of ``grams`` (a set of ``size`` bigrams, of
        which only those the side has need be given)."""
        masks = self.masks
        xs = [masks[g] for g in grams if g in masks]
        if not xs:
            return []
        planes = _add_planes(_count_planes(xs), self.offsets)
        hits = _at_least(planes, self.base + math.ceil(self.t * size / 2 - 1e-9), self.full)
        out = []
        while hits:
            low = hits & -hits
            out.append(low.bit_length() - 1)
            hits ^= low
        return out
