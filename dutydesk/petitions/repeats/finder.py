"""Finding earlier petitions of the same unit whose text looks like a new one (Dice coefficient
of character bigrams)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ...store.db import Store
from ..privacy import names_index, public_text
from .bigrams import text_bigrams
from .counters import Counters


@dataclass
class RepeatCandidate:
    petition_id: int
    case_no: str
    batch_no: int
    unit: str
    content: str
    score: float


REPEAT_THRESHOLD = 0.5


class RepeatFinder:
    """Finds earlier petitions of the same unit whose text looks like a new one: Dice coefficient of
    character bigrams ≥ the threshold, exactly what scoring every petition of the pool finds.

    Each unit's most recent ``POOL`` petitions are read once, with their bigram sets. The texts
    searched for are taken together, unit by unit (:meth:`find_many`). Bigram counts are
    bit-sliced (:class:`Counters`): for each bigram a bitmask, and carry-save adders over
    Python ints, so one int operation moves a counter for every petition of the pool (texts
    searched one at a time) or, when a unit has more texts than pooled petitions (a large
    import), for every text (pooled petitions taken one at a time). The few pairs that may
    reach the threshold are scored exactly; a handful of texts are scored against the pool
    directly. Keep one finder for one import.
    """

    POOL = 1000  # per unit: some fifty days of an inspection
    DIRECT = 8  # up to this many texts of a unit: score each petition of the pool directly
    TRANSPOSE = 1  # more than this many texts per pooled petition: count over the texts

    # At most this many texts of one unit searched together (their bigram sets in memory). Fewer than
    # a full pool: a unit's texts are then counted over its pool, one at a time, which measured faster
    # than counting over 4,096 texts per pooled petition (a 100,000-row import's search 12.0 -> 9.0 s,
    # its peak memory 195 -> 130 MB); the count over the texts is left for pools smaller than a block.
    BLOCK_TEXTS = 512

    def __init__(self, store: Store, *, threshold: float = REPEAT_THRESHOLD, ignore: frozenset[int] = frozenset()):
        """``ignore``: petitions left out of the pools as if they were not stored (an import's own
        rows, when its search runs after its commit: the pools are then those before the import)."""
        self.store, self.threshold, self.ignore = store, threshold, ignore
        self._pools: dict[str, tuple[list[dict], list[set[int]]]] = {}
        self._prefetched: dict[str, list[dict]] = {}  # rows read ahead, their bigrams made when searched
        self._masks: dict[str, Counters] = {}  # per unit, over its pool

    def _pool(self, unit: str) -> tuple[list[dict], list[set[int]]]:
        """(rows, their bigram sets), the newest petitions first."""
        if unit not in self._pools and unit in self._prefetched:
            self._set_pool(unit, self._prefetched.pop(unit))
        if unit not in self._pools:
            rows = self.store.query(
                "SELECT p.id, p.case_no, p.unit, p.content, b.no FROM petitions p INDEXED BY petitions_unit "
                "JOIN batches b ON b.id = p.batch_id WHERE p.unit = ? AND p.deleted_at IS NULL "
                "ORDER BY b.no DESC, p.seq LIMIT ?", [unit, self.POOL + len(self.ignore)])
            self._set_pool(unit, [r for r in rows if r["id"] not in self.ignore][: self.POOL])
        return self._pools[unit]

    def _set_pool(self, unit: str, rows: list[dict]) -> None:
        grams = [text_bigrams(r["content"], unit) for r in rows]
        self._pools[unit] = (rows, grams)

    def prefetch(self, units: set[str]) -> None:
        """The pools of several units at once: the same rows as :meth:`_pool`'s query for each (the
        newest ``POOL`` of the unit by batch number, then 序号), read batch by batch from the newest
        until every unit has its ``POOL``, instead of sorting all of each unit's petitions."""
        wanted = {u for u in units if u not in self._pools and u not in self._prefetched}
        if len(wanted) < 2:
            return
        batches: dict[int, list[int]] = {}
        for b in self.store.query("SELECT id, no FROM batches"):  # deleted batches too, as the JOIN has them
            batches.setdefault(b["no"], []).append(b["id"])
        pools: dict[str, list[dict]] = {u: [] for u in wanted}
        filling = set(wanted)
        for no in sorted(batches, reverse=True):
            ids = batches[no]
            for row in self.store.query(
                    f"SELECT id, case_no, unit, content FROM petitions WHERE batch_id IN ({', '.join('?' for _ in ids)}) "
                    "AND deleted_at IS NULL ORDER BY seq", ids):
                if row["unit"] in filling and row["id"] not in self.ignore:
                    row["no"] = no
                    pool = pools[row["unit"]]
                    pool.append(row)
                    if len(pool) == self.POOL:
                        filling.discard(row["unit"])
            if not filling:
                break
        self._prefetched.update(pools)

    def find(self, content: str, unit: str, *, before_batch_no: int | None = None,
             exclude_id: int | None = None, limit: int = 3) -> list[RepeatCandidate]:
        """Best first: Dice coefficient of character bigrams ≥ the threshold."""
        return self.find_many([(content, unit, before_batch_no)], exclude_id=exclude_id, limit=limit)[0]

    def find_many(self, items: list[tuple[str, str, int | None]], *, exclude_id: int | None = None,
                  limit: int = 3, release: bool = False) -> list[list[RepeatCandidate]]:
        """:meth:`find` for each (content, unit, before_batch_no), in one pass per unit (the texts of
        a unit ``BLOCK_TEXTS`` at a time). With ``release`` (a finder used once, by an import) a
        unit's pool is let go once its texts are searched: one unit's bigrams in memory at a time."""
        found: list[list[RepeatCandidate]] = [[] for _ in items]
        by_unit: dict[str, list[int]] = {}
        for i, (content, unit, _) in enumerate(items):
            if unit and content:
                by_unit.setdefault(unit, []).append(i)
        self.prefetch(set(by_unit))
        for unit, numbers in by_unit.items():
            size = -(-len(numbers) // -(-len(numbers) // self.BLOCK_TEXTS))  # blocks of (nearly) equal size
            for start in range(0, len(numbers), size):
                self._search_unit(unit, [(i, *items[i]) for i in numbers[start:start + size]], found, exclude_id)
            if release:
                self._pools.pop(unit, None)
                self._masks.pop(unit, None)
        for cands in found:
            cands.sort(key=lambda c: (-c.score, -c.batch_no, c.petition_id))
            del cands[limit:]
        return found

    def _search_unit(self, unit: str, items: list[tuple[int, str, str, int | None]],
                     found: list[list[RepeatCandidate]], exclude_id: int | None) -> None:
        rows, grams = self._pool(unit)
        if not rows:
            return
        t = self.threshold
        texts = []  # (item number, its bigrams, before_batch_no)
        for i, content, _, before in items:
            mine = text_bigrams(content, unit)
            if mine:
                texts.append((i, mine, before, len(mine)))

        def score(k: int, j: int) -> None:
            i, mine, before, size = texts[k]
            row = rows[j]
            if (before is not None and row["no"] >= before) or row["id"] == exclude_id:
                return
            value = 2 * len(mine & grams[j]) / (size + len(grams[j]))
            if value >= t:
                found[i].append(RepeatCandidate(row["id"], row["case_no"], row["no"], row["unit"], row["content"],
                                                round(value, 2)))

        if len(texts) <= self.DIRECT:
            for k in range(len(texts)):
                for j in range(len(rows)):
                    score(k, j)
        elif len(texts) <= len(rows) * self.TRANSPOSE:  # count over the pool, one text at a time
            if unit not in self._masks:
                self._masks[unit] = Counters(grams, [len(g) for g in grams], t)
            pool = self._masks[unit]
            for k, (_, mine, _, size) in enumerate(texts):
                for j in pool.reaching(mine, size):
                    score(k, j)
        else:  # more texts than petitions: count over the texts, one petition at a time
            vocab = set().union(*grams)  # a text's other bigrams meet no petition: no masks for them
            # (and none counts in a score: each text keeps only those, with its own size)
            texts = [(i, mine & vocab, before, size) for i, mine, before, size in texts]
            counters = Counters([mine for _, mine, _, _ in texts], [size for _, _, _, size in texts], t)
            for j, theirs in enumerate(grams):
                for k in counters.reaching(theirs, len(theirs)):
                    score(k, j)


def repeat_candidates(store: Store, content: str, unit: str, *, before_batch_no: int | None = None,
                      exclude_id: int | None = None, limit: int = 3,
                      threshold: float = REPEAT_THRESHOLD) -> list[RepeatCandidate]:
    """Earlier petitions of the same unit whose text looks like ``content`` (best first), their
    content made public (they are shown to choose from: ``privacy.public_text``)."""
    found = RepeatFinder(store, threshold=threshold).find(content, unit, before_batch_no=before_batch_no,
                                                          exclude_id=exclude_id, limit=limit)
    names = names_index(store) if found else None
    return [replace(c, content=public_text(names, c.content)) for c in found]
