"""The petitions domain's migrations from m013 on, appended to the set of :mod:`.schema` (which
holds m001–m012 and is full). Append new migrations here; never edit an applied one."""

from __future__ import annotations

from ..store.migration_set import exec_script
from .model import COUNTER_FIELDS, RESULT_TEXT_FIELDS
from .schema import migrations

__all__ = ["migrations"]


@migrations()
def m013_results_in_one_place(db):
    """What the petitions table held twice, or for nobody, goes (bench/ANALYSIS.md, "The file"):

    - the latest result's texts (调查核实情况, 是否属实, 处理和整改情况, 责任追究情况: some 400
      bytes a petition) were a copy of the latest row of ``petition_results``, which now is their
      one place (``rows.latest_texts``); a petition keeps its status, 办结日期 and counters.
      A petition whose texts differ from its latest result's (no writer makes that) first gets
      them as a result of its own (its status's kind, its 办结日期, its counters: the figures stay
      as they were), so no text is lost;
    - ``petition_results_asof``, the covering index of the figures "as of a day" before the day
      sums (m011), read by no query since;
    - ``petitions_batch_seq`` (every petition by batch and 序号, for the highest 序号 a batch
      ever gave): the live ones are in ``petitions_batch`` already, so only the deleted ones get
      an index of their own (``batches.last_seq`` asks both)."""
    texts = ", ".join(RESULT_TEXT_FIELDS + COUNTER_FIELDS)
    exec_script(
        db,
        f"""
        INSERT INTO petition_results (petition_id, kind, date, {texts}, operator, created_at, updated_at)
            SELECT p.id, CASE WHEN p.status IN ('已办结', '阶段性办结') THEN p.status
                              WHEN p.status = '已公开' THEN coalesce(r.kind, '已办结') ELSE '未办结' END,
                   coalesce(p.closed_date, substr(p.updated_at, 1, 10)), {", ".join(f"p.{f}" for f in texts.split(", "))},
                   'm013', p.updated_at, p.updated_at
            FROM petitions p LEFT JOIN petition_results r ON r.id = (
                SELECT id FROM petition_results WHERE petition_id = p.id ORDER BY date DESC, id DESC LIMIT 1)
            WHERE {" OR ".join(f"p.{f} IS NOT coalesce(r.{f}, '')" for f in RESULT_TEXT_FIELDS)};
        DROP INDEX petition_results_asof;
        DROP INDEX petitions_batch_seq;
        CREATE INDEX petitions_deleted_batch ON petitions (batch_id, seq) WHERE deleted_at IS NOT NULL;
        """,
    )
    for field in RESULT_TEXT_FIELDS:  # (one column at a time: SQLite drops no more in one statement)
        db.conn.execute(f"ALTER TABLE petitions DROP COLUMN {field}")


@migrations()
def m014_fewer_index_entries(db):
    """Two indexes that cost every new petition an entry for nothing:

    - ``petitions_open_due`` (the open petitions by due date) is the first column of
      ``petitions_open_due_numbers`` under the same condition, which serves its queries;
    - ``petitions_repeat_of`` held every petition, nearly all with no 重复关联件 (NULL); only the
      petitions that refer to another are looked up by it (the foreign key's check)."""
    exec_script(
        db,
        """
        DROP INDEX petitions_open_due;
        DROP INDEX petitions_repeat_of;
        CREATE INDEX petitions_repeat_of ON petitions (repeat_of_id) WHERE repeat_of_id IS NOT NULL;
        """,
    )
