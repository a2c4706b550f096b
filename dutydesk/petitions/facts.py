"""``petition_facts`` (schema m005): one narrow row per live petition (its batch, 行政区域, 受理方式,
重点件/重复件, 办理时限), the row the batch counts and the day sums are kept from. Since m012 it
no longer holds the latest result's kind: the day sums hold each result's days in force.

Triggers on ``petitions`` write it for every writer; a large registration fills it set-based
(``derived.py``)."""

# the triggers that write one petition's row, and the migration to them (schema m012)
_FACTS_OF = """
    INSERT INTO petition_facts (petition_id, batch_id, unit, method, key_case, is_repeat, due_date)
    SELECT NEW.id, NEW.batch_id, NEW.unit, NEW.method, NEW.key_case, NEW.is_repeat, NEW.due_date
    WHERE NEW.deleted_at IS NULL"""
FACTS_WITHOUT_KIND = f"""
    DROP TRIGGER petition_facts_result_ai;
    DROP TRIGGER petition_facts_result_au;
    DROP TRIGGER petition_facts_result_ad;
    DROP TRIGGER petition_facts_ai;
    DROP TRIGGER petition_facts_au;
    DROP INDEX petition_facts_batch;
    ALTER TABLE petition_facts DROP COLUMN result_kind;
    CREATE INDEX petition_facts_batch ON petition_facts (batch_id);
    CREATE TRIGGER petition_facts_ai AFTER INSERT ON petitions WHEN NOT EXISTS (SELECT 1 FROM bulk_registration)
        BEGIN {_FACTS_OF}; END;
    CREATE TRIGGER petition_facts_au AFTER UPDATE OF batch_id, unit, method, key_case, is_repeat, due_date,
        deleted_at ON petitions BEGIN
        DELETE FROM petition_facts WHERE petition_id IN (OLD.id, NEW.id);
        {_FACTS_OF};
    END;
    """
