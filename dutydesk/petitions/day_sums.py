"""``petition_day_sums``: the per-unit petition figures of any day as one sum over a small table.

What ``overview.unit_figures`` reports as of day D, per 行政区域 (DOMAIN.md's rules): 累计转办,
已办结, 阶段性办结 (by each petition's result as of D), 超期 and 今日到期. Each of those is a count
that changes on known days only: a petition is counted from its batch's transfer date B; a
result is in force from its 办结日期 until the day a later one supersedes it (``superseded_on``,
schema m002); a petition is late from the day after its 办理时限. So every petition and every
closing result is written here as a few signed changes, "+1 from day X" and "-1 from day Y",
summed per (day, unit, key): the figures as of D are ``sum(n) WHERE day <= D`` (one row per
day, unit and key that changed something: some 100,000 rows at a province's million petitions,
where joining each petition to its result then took seconds; bench/ANALYSIS.md).

The keys, per unit, summed up to D:

- ``transferred``: counted petitions (live, in a live batch transferred by D);
- ``closed`` / ``partial``: counted petitions whose result as of D is 已办结 / 阶段性办结;
- ``late``: counted petitions with a 办理时限 before D; ``late_closing``: those of them closed or
  partly closed as of D (超期 = late - late_closing);
- ``due``: counted petitions due on D; ``due_closing``: those of them closed or partly closed as
  of D (今日到期 = due - due_closing);
- each counter of a result (``n_rectify``, ``fine`` ...: 责令整改, 罚款 ...): summed over the
  counted petitions' results in force on D, whatever their kind (the bulletin's sentence).

Triggers keep the table for every writer (m011), each applying exactly the change of the row it
sees (minus what the old row contributed, plus what the new one does), so they add up whatever
order they fire in: on ``petition_facts`` (a live petition's unit, batch and 办理时限), on
``petition_results`` (date, kind, superseded_on, counters) and on ``batches`` (transfer date,
deleted). ``petition_type_days`` does the same for the 污染类型 counts (a (petition, type) row
counts from its batch's transfer date).
"""

from __future__ import annotations

from ..store import day_sums as sums
from ..store.db import Store
from .model import COUNTER_FIELDS, COUNTERS

CLOSING = "('已办结', '阶段性办结')"
_AFTER_DUE = "date(s.due, '+1 day')"
_CLOSING_FROM = "max(s.rd, s.b)"  # a closing result counts from its date, not before the transfer
_LATE_CLOSING_FROM = f"max(s.rd, s.b, {_AFTER_DUE})"
_DUE_CLOSING = "s.due >= s.b AND s.rd <= s.due AND (s.rs IS NULL OR s.rs > s.due)"

# (key, day, n, when) over a source ``s`` with columns unit, b (the batch's transfer date, NULL
# when the batch is deleted), due (办理时限) and w (how many petitions the row stands for) ...
PETITION_CHANGES = [
    ("'transferred'", "s.b", 1, "1"),
    ("'late'", f"max(s.b, {_AFTER_DUE})", 1, "s.due IS NOT NULL"),
    ("'due'", "s.due", 1, "s.due >= s.b"),
    ("'due'", _AFTER_DUE, -1, "s.due >= s.b"),
]
# ... and for a result, also rd (its date), rk (its kind) and rs (superseded_on); closing ones only
_KIND_KEY = "CASE s.rk WHEN '已办结' THEN 'closed' ELSE 'partial' END"
RESULT_CHANGES = [
    (_KIND_KEY, _CLOSING_FROM, 1, f"s.rs IS NULL OR s.rs > {_CLOSING_FROM}"),
    (_KIND_KEY, "s.rs", -1, f"s.rs > {_CLOSING_FROM}"),
    ("'late_closing'", _LATE_CLOSING_FROM, 1, f"s.due IS NOT NULL AND (s.rs IS NULL OR s.rs > {_LATE_CLOSING_FROM})"),
    ("'late_closing'", "s.rs", -1, f"s.rs > {_LATE_CLOSING_FROM}"),
    ("'due_closing'", "s.due", 1, _DUE_CLOSING),
    ("'due_closing'", _AFTER_DUE, -1, _DUE_CLOSING),
]

# ... and the counters (责令整改, 罚款 ...) of every result in force, whatever its kind; a decimal
# one (罚款, 万元) summed in units of FRACTION (1 元) so that adding and taking away stays exact
FRACTION = 10_000
_VALUE = {c.field: f"CAST(round(s.{c.field} * {FRACTION}) AS INTEGER)" if c.is_float else f"s.{c.field}"
          for c in COUNTERS}
RESULT_COUNTERS = [change for field, value in _VALUE.items() for change in (
    (f"'{field}'", _CLOSING_FROM, value, f"s.{field} != 0 AND (s.rs IS NULL OR s.rs > {_CLOSING_FROM})"),
    (f"'{field}'", "s.rs", f"-{value}", f"s.{field} != 0 AND s.rs > {_CLOSING_FROM}"),
)]

_BATCH_DATE = "(SELECT date FROM batches WHERE id = {batch} AND deleted_at IS NULL)"


def petition_source(facts: str, *, where: str = "", batch_date: str | None = None) -> str:
    """The petitions of ``facts`` (a ``petition_facts`` alias or NEW/OLD): a SELECT of a source."""
    b = batch_date or _BATCH_DATE.format(batch=f"{facts}.batch_id")
    if facts in ("NEW", "OLD"):
        return f"SELECT {facts}.unit AS unit, {b} AS b, {facts}.due_date AS due, 1 AS w"
    # many petitions, alike in what counts here: each alike group once, weighted (w)
    return (f"SELECT {facts}.unit AS unit, {b} AS b, {facts}.due_date AS due, count(*) AS w "
            f"FROM petition_facts {facts}{where} GROUP BY {facts}.unit, {facts}.batch_id, {facts}.due_date")


def result_source(facts: str, result: str, *, where: str, batch_date: str | None = None) -> str:
    """Pairs of a live petition and one of its results (a SELECT of a source): ``facts`` and ``result``
    are aliases or NEW/OLD; ``where`` joins and limits them (the FROM clause included)."""
    b = batch_date or _BATCH_DATE.format(batch=f"{facts}.batch_id")
    counters = "".join(f", {result}.{field} AS {field}" for field in COUNTER_FIELDS)
    return (f"SELECT {facts}.unit AS unit, {b} AS b, {facts}.due_date AS due, {result}.date AS rd, "
            f"{result}.kind AS rk, {result}.superseded_on AS rs, 1 AS w{counters} {where}")


def apply(sign: str, petitions: str | None, results: str | None) -> str:
    """One statement adding (``sign`` "+") or taking away ("-") the changes of the petitions of
    source ``petitions`` and the results of source ``results``."""
    parts = []
    if petitions:
        parts.append(sums.changes(sign, PETITION_CHANGES, petitions, " AND s.b IS NOT NULL"))
    if results:
        parts.append(sums.changes(sign, RESULT_CHANGES, results, f" AND s.b IS NOT NULL AND s.rk IN {CLOSING}"))
        parts.append(sums.changes(sign, RESULT_COUNTERS, results, " AND s.b IS NOT NULL"))
    return sums.upsert("petition_day_sums", *parts)


def of_petitions(sign: str, facts: str, *, where: str = "", results_where: str | None = None,
                 batch_date: str | None = None) -> str:
    """The changes of the petitions in ``facts`` (see :func:`petition_source`) with all their
    results (``results_where``: how to find those, about ``r`` and ``f``, when not by ``where``)."""
    if facts in ("NEW", "OLD"):
        results = f"FROM petition_results r WHERE r.petition_id = {facts}.petition_id"
    else:
        results = f"FROM petition_results r JOIN petition_facts {facts} ON {facts}.petition_id = r.petition_id" \
                  + (results_where if results_where is not None else where)
    return apply(sign, petition_source(facts, where=where, batch_date=batch_date),
                 result_source(facts, "r", where=results, batch_date=batch_date))


def of_result(sign: str, result: str) -> str:
    """The changes of one result (NEW or OLD), when its petition is live."""
    return apply(sign, None, result_source(
        "f", result, where=f"FROM petition_facts f WHERE f.petition_id = {result}.petition_id"))


def triggers(idle: str) -> str:
    """The triggers that keep ``petition_day_sums`` (m011); ``idle``: no bulk registration under way."""
    columns = ("date", "kind", "superseded_on", "petition_id", *COUNTER_FIELDS)
    result_changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    batch_then = "CASE WHEN {row}.deleted_at IS NULL THEN {row}.date END"
    in_batch = " WHERE f.batch_id = {row}.id"
    return f"""
        CREATE TRIGGER petition_day_sums_ai AFTER INSERT ON petition_facts WHEN {idle} BEGIN
            {of_petitions("+", "NEW")};
        END;
        CREATE TRIGGER petition_day_sums_ad AFTER DELETE ON petition_facts BEGIN
            {of_petitions("-", "OLD")};
        END;
        CREATE TRIGGER petition_day_sums_au AFTER UPDATE OF batch_id, unit, due_date ON petition_facts BEGIN
            {of_petitions("-", "OLD")};
            {of_petitions("+", "NEW")};
        END;
        CREATE TRIGGER petition_day_sums_result_ai AFTER INSERT ON petition_results BEGIN
            {of_result("+", "NEW")};
        END;
        CREATE TRIGGER petition_day_sums_result_ad AFTER DELETE ON petition_results BEGIN
            {of_result("-", "OLD")};
        END;
        CREATE TRIGGER petition_day_sums_result_au AFTER UPDATE OF {", ".join(columns)}
            ON petition_results WHEN {result_changed} BEGIN
            {of_result("-", "OLD")};
            {of_result("+", "NEW")};
        END;
        CREATE TRIGGER petition_day_sums_batch_au AFTER UPDATE OF date, deleted_at ON batches
            WHEN OLD.date IS NOT NEW.date OR (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL) BEGIN
            {of_petitions("-", "f", where=in_batch.format(row="OLD"), batch_date=batch_then.format(row="OLD"))};
            {of_petitions("+", "f", where=in_batch.format(row="NEW"), batch_date=batch_then.format(row="NEW"))};
        END;
        """


# -- 污染类型 per transfer day: ``petition_type_days`` ------------------------------------------------
# each (petition, 污染类型) row counts from its batch's transfer date; petition_types holds live petitions only
def of_types(sign: str, *, type_: str = "t.type", day: str, source: str = "") -> str:
    return f"""INSERT INTO petition_type_days (day, type, n)
        SELECT day, type, sum(n) FROM (SELECT {day} AS day, {type_} AS type, {1 if sign == '+' else -1} AS n {source})
        WHERE day IS NOT NULL GROUP BY day, type HAVING sum(n) != 0
        ON CONFLICT (day, type) DO UPDATE SET n = n + excluded.n"""


_DAY_OF_PETITION = ("(SELECT b.date FROM petitions p JOIN batches b ON b.id = p.batch_id "
                    "WHERE p.id = {row}.petition_id AND b.deleted_at IS NULL)")
_TYPES_IN_BATCH = ("FROM petitions p JOIN petition_types t ON t.petition_id = p.id WHERE p.batch_id = {row}.id")
_TYPES_MOVED = ("FROM petition_types t WHERE t.petition_id = {row}.id")
_BATCH_OF = "(SELECT date FROM batches WHERE id = {row}.batch_id AND deleted_at IS NULL)"


def type_triggers(idle: str) -> str:
    return f"""
        CREATE TRIGGER petition_type_days_ai AFTER INSERT ON petition_types WHEN {idle} BEGIN
            {of_types("+", type_="NEW.type", day=_DAY_OF_PETITION.format(row="NEW"))};
        END;
        CREATE TRIGGER petition_type_days_ad AFTER DELETE ON petition_types BEGIN
            {of_types("-", type_="OLD.type", day=_DAY_OF_PETITION.format(row="OLD"))};
        END;
        CREATE TRIGGER petition_type_days_au AFTER UPDATE ON petition_types BEGIN
            {of_types("-", type_="OLD.type", day=_DAY_OF_PETITION.format(row="OLD"))};
            {of_types("+", type_="NEW.type", day=_DAY_OF_PETITION.format(row="NEW"))};
        END;
        CREATE TRIGGER petition_type_days_moved AFTER UPDATE OF batch_id ON petitions
            WHEN OLD.batch_id IS NOT NEW.batch_id BEGIN
            {of_types("-", day=_BATCH_OF.format(row="OLD"), source=_TYPES_MOVED.format(row="OLD"))};
            {of_types("+", day=_BATCH_OF.format(row="NEW"), source=_TYPES_MOVED.format(row="NEW"))};
        END;
        CREATE TRIGGER petition_type_days_batch_au AFTER UPDATE OF date, deleted_at ON batches
            WHEN OLD.date IS NOT NEW.date OR (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL) BEGIN
            {of_types("-", day="CASE WHEN OLD.deleted_at IS NULL THEN OLD.date END",
                      source=_TYPES_IN_BATCH.format(row="OLD"))};
            {of_types("+", day="CASE WHEN NEW.deleted_at IS NULL THEN NEW.date END",
                      source=_TYPES_IN_BATCH.format(row="NEW"))};
        END;
        """


_TYPES_OF = ("FROM petition_types t JOIN petitions p ON p.id = t.petition_id "
             "JOIN batches b ON b.id = p.batch_id AND b.deleted_at IS NULL")

# every live petition (the migration), or those of an id range (a bulk registration, ?1..?2)
ALL = of_petitions("+", "f")
ID_RANGE = of_petitions("+", "f", where=" WHERE f.petition_id BETWEEN ?1 AND ?2",
                        results_where=" WHERE r.petition_id BETWEEN ?1 AND ?2")  # (new petitions: none)
ALL_TYPES = of_types("+", day="b.date", source=_TYPES_OF)
TYPES_ID_RANGE = of_types("+", day="b.date", source=(  # (petition_facts is filled first: narrower than petitions)
    "FROM petition_types t JOIN petition_facts f ON f.petition_id = t.petition_id "
    "JOIN batches b ON b.id = f.batch_id AND b.deleted_at IS NULL WHERE t.petition_id BETWEEN ?1 AND ?2"))

def create_script(idle: str) -> str:
    """The tables, their rows for every live petition and their triggers (schema m011)."""
    return f"""
        {sums.table_sql("petition_day_sums")};
        {ALL};
        {triggers(idle)}
        CREATE TABLE petition_type_days (
            day TEXT NOT NULL,
            type TEXT NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (day, type)
        ) WITHOUT ROWID;
        {ALL_TYPES};
        {type_triggers(idle)}
        """


KEYS = ("transferred", "closed", "partial", "late", "late_closing", "due", "due_closing")


def as_of(store: Store, day: str) -> dict[str, dict[str, int]]:
    """unit -> key -> the sum of its changes up to and including ``day`` (ISO date)."""
    out: dict[str, dict[str, int]] = {}
    for r in sums.as_of(store, "petition_day_sums", day, KEYS):
        out.setdefault(r["unit"], dict.fromkeys(KEYS, 0))[r["key"]] = r["n"]
    return out


def counters_as_of(store: Store, day: str) -> dict[str, int | float]:
    """Each counter (``model.COUNTERS``) summed over the results in force on ``day`` of the counted
    petitions."""
    whole = dict.fromkeys(COUNTER_FIELDS, 0)  # summed over the units as integers (罚款 in 元) ...
    for r in sums.as_of(store, "petition_day_sums", day, COUNTER_FIELDS):
        whole[r["key"]] += r["n"]
    decimal = {c.field for c in COUNTERS if c.is_float}  # ... then divided once
    return {field: n / FRACTION if field in decimal else n for field, n in whole.items()}


def types_as_of(store: Store, day: str) -> dict[str, int]:
    """污染类型 -> counted petitions of that type as of ``day`` (ISO date)."""
    return {r["type"]: r["n"] for r in store.query(
        "SELECT type, sum(n) AS n FROM petition_type_days WHERE day <= ? GROUP BY type HAVING sum(n) > 0", [day])}
