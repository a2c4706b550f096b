"""Tables of the petitions domain (its own migration set: m001–m012 here, the later ones in
``schema2.py``; append new migrations there, never edit old ones).

- ``batches``: one numbered batch (第N批) transferred by the inspection group on ``date``.
- ``petitions``: one petition (信访件). ``case_no`` is stored as given; ``case_key`` is its
  normalised form (unique among live rows; a ``*`` merged multi-site case is unique per unit).
  ``case_rev`` is the normalised number reversed, so a number's end (its serial, ``0005``)
  is found through an index like its start.
  Its status, 办结日期 and counters follow the latest result; ``petition_results`` keeps every
  result with its business date (办结日期) and is the one place of the result texts (m013).
- ``petition_types``: one row per (petition, 污染类型) for fast filtering.
- ``petition_status_log``: every status change, append-only (who, when, business date).
- ``petitions_fts``: contentless FTS5 index of the content, one token per character (Chinese
  queries of any length are phrases; ``search.py``); live petitions only, as ``petition_types``.
- ``letters`` / ``letter_petitions``: every 交办通知, 催办通知 and sheet made, and the petitions
  each listed (see ``letter_log.py``).
"""

from __future__ import annotations

from ..store.migration_set import MigrationSet, exec_script

migrations = MigrationSet("dutydesk.petitions")

_COUNTER_COLUMNS = """
            n_rectify INTEGER NOT NULL DEFAULT 0,
            n_penalty INTEGER NOT NULL DEFAULT 0,
            fine REAL NOT NULL DEFAULT 0,
            n_investigate INTEGER NOT NULL DEFAULT 0,
            n_admin_detention INTEGER NOT NULL DEFAULT 0,
            n_criminal_detention INTEGER NOT NULL DEFAULT 0,
            n_interview INTEGER NOT NULL DEFAULT 0,
            n_accountable INTEGER NOT NULL DEFAULT 0,
            n_clues INTEGER NOT NULL DEFAULT 0,"""

_RESULT_TEXT_COLUMNS = """
            investigation TEXT NOT NULL DEFAULT '',
            truth TEXT NOT NULL DEFAULT '',
            handling TEXT NOT NULL DEFAULT '',
            accountability TEXT NOT NULL DEFAULT '',"""


@migrations()
def m001_petitions(db):
    exec_script(
        db,
        f"""
        CREATE TABLE batches (
            id INTEGER PRIMARY KEY,
            no INTEGER NOT NULL,
            date TEXT NOT NULL,
            group_name TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT, updated_at TEXT, deleted_at TEXT
        );
        CREATE UNIQUE INDEX batches_no ON batches (no) WHERE deleted_at IS NULL;
        CREATE INDEX batches_date ON batches (date);

        CREATE TABLE petitions (
            id INTEGER PRIMARY KEY,
            case_no TEXT NOT NULL,
            case_key TEXT NOT NULL,
            case_rev TEXT NOT NULL DEFAULT '',
            batch_id INTEGER NOT NULL REFERENCES batches (id),
            seq INTEGER NOT NULL DEFAULT 0,
            method TEXT NOT NULL DEFAULT '' CHECK (method IN ('来电', '来信', '')),
            received_date TEXT,
            content TEXT NOT NULL DEFAULT '',
            unit TEXT NOT NULL DEFAULT '',
            pollution_types TEXT NOT NULL DEFAULT '',
            key_case INTEGER NOT NULL DEFAULT 0,
            is_repeat INTEGER NOT NULL DEFAULT 0,
            repeat_of TEXT NOT NULL DEFAULT '',
            repeat_of_id INTEGER REFERENCES petitions (id),
            petitioner_name TEXT NOT NULL DEFAULT '',
            petitioner_phone TEXT NOT NULL DEFAULT '',
            petitioner_address TEXT NOT NULL DEFAULT '',
            lead_unit TEXT NOT NULL DEFAULT '',
            coop_units TEXT NOT NULL DEFAULT '',
            assigned_date TEXT,
            due_date TEXT,
            target TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT '待交办',
            closed_date TEXT,
            published_date TEXT,{_RESULT_TEXT_COLUMNS}{_COUNTER_COLUMNS}
            note TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT, updated_at TEXT, deleted_at TEXT
        );
        CREATE UNIQUE INDEX petitions_case_key ON petitions (case_key) WHERE deleted_at IS NULL;
        CREATE INDEX petitions_case_rev ON petitions (case_rev) WHERE deleted_at IS NULL;
        CREATE INDEX petitions_batch ON petitions (batch_id, seq) WHERE deleted_at IS NULL;
        CREATE INDEX petitions_unit ON petitions (unit, status, due_date) WHERE deleted_at IS NULL;
        CREATE INDEX petitions_status ON petitions (status, due_date) WHERE deleted_at IS NULL;
        CREATE INDEX petitions_repeat_of ON petitions (repeat_of_id);
        CREATE INDEX petitions_open_due ON petitions (due_date)
            WHERE deleted_at IS NULL AND status IN ('待交办', '已交办') AND due_date IS NOT NULL;

        CREATE TABLE petition_types (
            petition_id INTEGER NOT NULL REFERENCES petitions (id) ON DELETE CASCADE,
            type TEXT NOT NULL,
            PRIMARY KEY (type, petition_id)
        ) WITHOUT ROWID;
        CREATE INDEX petition_types_petition ON petition_types (petition_id);

        CREATE TABLE petition_results (
            id INTEGER PRIMARY KEY,
            petition_id INTEGER NOT NULL REFERENCES petitions (id),
            kind TEXT NOT NULL CHECK (kind IN ('已办结', '阶段性办结', '未办结')),
            date TEXT NOT NULL,{_RESULT_TEXT_COLUMNS}{_COUNTER_COLUMNS}
            operator TEXT NOT NULL DEFAULT '',
            created_at TEXT, updated_at TEXT
        );
        CREATE INDEX petition_results_petition ON petition_results (petition_id, date, id);
        CREATE INDEX petition_results_date ON petition_results (date);

        CREATE TABLE petition_status_log (
            id INTEGER PRIMARY KEY,
            petition_id INTEGER NOT NULL REFERENCES petitions (id),
            old_status TEXT NOT NULL DEFAULT '',
            new_status TEXT NOT NULL,
            day TEXT NOT NULL,
            at TEXT NOT NULL,
            operator TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX petition_status_log_petition ON petition_status_log (petition_id, id);

        CREATE VIRTUAL TABLE petitions_fts USING fts5 (
            content, content='', tokenize='unicode61 remove_diacritics 0'
        );
        """,
    )


_SUPERSEDED = """
    UPDATE petition_results SET superseded_on = (
        SELECT min(r2.date) FROM petition_results r2
        WHERE r2.petition_id = petition_results.petition_id
          AND (r2.date > petition_results.date OR (r2.date = petition_results.date AND r2.id > petition_results.id)))"""


@migrations()
def m002_results_as_of(db):
    """``superseded_on``: the 办结日期 of the result that replaced this one (NULL while it is the
    latest), kept by triggers for every writer. "The result as of day D" is then a plain
    filter (date <= D and not superseded by D) over one covering index, not a search per petition."""
    counters = "n_rectify, n_penalty, fine, n_investigate, n_admin_detention, n_criminal_detention, n_interview, " \
               "n_accountable, n_clues"
    exec_script(
        db,
        f"""
        ALTER TABLE petition_results ADD COLUMN superseded_on TEXT;
        {_SUPERSEDED};
        CREATE INDEX petition_results_asof ON petition_results (date, superseded_on, petition_id, kind, {counters});
        CREATE INDEX petitions_deleted ON petitions (deleted_at) WHERE deleted_at IS NOT NULL;
        CREATE TRIGGER petition_results_superseded_ai AFTER INSERT ON petition_results BEGIN
            {_SUPERSEDED} WHERE petition_id = NEW.petition_id;
        END;
        CREATE TRIGGER petition_results_superseded_au AFTER UPDATE OF date, petition_id ON petition_results BEGIN
            {_SUPERSEDED} WHERE petition_id IN (NEW.petition_id, OLD.petition_id);
        END;
        CREATE TRIGGER petition_results_superseded_ad AFTER DELETE ON petition_results BEGIN
            {_SUPERSEDED} WHERE petition_id = OLD.petition_id;
        END;
        """,
    )


@migrations()
def m003_batch_seq_index(db):
    """An index for ``max(seq)`` of a batch (the 序号 of a new petition), which counts deleted
    rows too and so cannot use the partial index ``petitions_batch``: without it every new
    petition read the whole table (bench/: ~70 ms a row at 100,000 petitions)."""
    exec_script(db, "CREATE INDEX petitions_batch_seq ON petitions (batch_id, seq);")


@migrations()
def m004_letters(db):
    """The record of generated letters (交办通知, 催办通知) and sheets (办理结果表, 催办汇总表):
    what, when (``day``: the business date; ``created_at``), by whom (``operator``), to which
    unit, with which 文号 (``doc_year``/``doc_seq``: numbered per year), and in
    ``letter_petitions`` which petitions each one listed (with the unit and the deadline then)."""
    exec_script(
        db,
        """
        CREATE TABLE letters (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('交办通知', '办理结果表', '催办通知', '催办汇总表')),
            day TEXT NOT NULL,
            unit TEXT NOT NULL DEFAULT '',
            batch_id INTEGER REFERENCES batches (id),
            doc_no TEXT NOT NULL DEFAULT '',
            doc_year INTEGER,
            doc_seq INTEGER,
            file_name TEXT NOT NULL DEFAULT '',
            with_contact INTEGER NOT NULL DEFAULT 0,
            operator TEXT NOT NULL DEFAULT '',
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT, updated_at TEXT, deleted_at TEXT
        );
        CREATE INDEX letters_day ON letters (day, kind);
        CREATE UNIQUE INDEX letters_doc_seq ON letters (doc_year, doc_seq)
            WHERE doc_seq IS NOT NULL AND deleted_at IS NULL;

        CREATE TABLE letter_petitions (
            petition_id INTEGER NOT NULL REFERENCES petitions (id),
            letter_id INTEGER NOT NULL REFERENCES letters (id),
            unit TEXT NOT NULL DEFAULT '',
            due_date TEXT,
            PRIMARY KEY (petition_id, letter_id)
        ) WITHOUT ROWID;
        CREATE INDEX letter_petitions_letter ON letter_petitions (letter_id);
        """,
    )


_LATEST_KIND = """coalesce((SELECT r.kind FROM petition_results r WHERE r.petition_id = {id}
                  ORDER BY r.date DESC, r.id DESC LIMIT 1), '')"""
_FACTS_OF = f"""
    INSERT INTO petition_facts (petition_id, batch_id, unit, method, key_case, is_repeat, due_date, result_kind)
    SELECT NEW.id, NEW.batch_id, NEW.unit, NEW.method, NEW.key_case, NEW.is_repeat, NEW.due_date,
           {_LATEST_KIND.format(id="NEW.id")}
    WHERE NEW.deleted_at IS NULL"""
_KIND_OF = "UPDATE petition_facts SET result_kind = {kind} WHERE petition_id IN ({ids})"


@migrations()
def m005_facts(db):
    """``petition_facts``: what the figures as of a date (``overview.py``) read, one narrow row
    per live petition (its batch, 行政区域, 受理方式, 重点件/重复件, 办理时限) and the kind of its
    latest result by 办结日期 ('' when none). Derived data, kept by triggers for every writer (as
    ``superseded_on`` is), so the audited petition rows are written exactly as before. With
    three covering indexes (by unit and kind; by batch; the petitions without a closing result
    by 办理时限) the figures at 100,000 petitions read narrow indexes, not the wide rows."""
    exec_script(
        db,
        f"""
        CREATE TABLE petition_facts (
            petition_id INTEGER PRIMARY KEY,  -- petitions.id (live petitions only)
            batch_id INTEGER NOT NULL,
            unit TEXT NOT NULL,
            method TEXT NOT NULL,
            key_case INTEGER NOT NULL,
            is_repeat INTEGER NOT NULL,
            due_date TEXT,
            result_kind TEXT NOT NULL
        );
        INSERT INTO petition_facts (petition_id, batch_id, unit, method, key_case, is_repeat, due_date, result_kind)
        SELECT p.id, p.batch_id, p.unit, p.method, p.key_case, p.is_repeat, p.due_date, {_LATEST_KIND.format(id="p.id")}
        FROM petitions p WHERE p.deleted_at IS NULL;
        CREATE INDEX petition_facts_unit_kind ON petition_facts (unit, result_kind);
        CREATE INDEX petition_facts_batch ON petition_facts (batch_id, method, key_case, is_repeat, unit, result_kind);
        CREATE INDEX petition_facts_due_open ON petition_facts (due_date, unit, batch_id, result_kind)
            WHERE due_date IS NOT NULL AND result_kind NOT IN ('已办结', '阶段性办结');
        CREATE TRIGGER petition_facts_ai AFTER INSERT ON petitions BEGIN {_FACTS_OF}; END;
        CREATE TRIGGER petition_facts_au AFTER UPDATE OF batch_id, unit, method, key_case, is_repeat, due_date,
            deleted_at ON petitions BEGIN
            DELETE FROM petition_facts WHERE petition_id IN (OLD.id, NEW.id);
            {_FACTS_OF};
        END;
        CREATE TRIGGER petition_facts_ad AFTER DELETE ON petitions BEGIN
            DELETE FROM petition_facts WHERE petition_id = OLD.id;
        END;
        CREATE TRIGGER petition_facts_result_ai AFTER INSERT ON petition_results BEGIN
            {_KIND_OF.format(kind=_LATEST_KIND.format(id="NEW.petition_id"), ids="NEW.petition_id")};
        END;
        CREATE TRIGGER petition_facts_result_au AFTER UPDATE OF date, kind, petition_id ON petition_results BEGIN
            {_KIND_OF.format(kind=_LATEST_KIND.format(id="petition_facts.petition_id"),
                             ids="NEW.petition_id, OLD.petition_id")};
        END;
        CREATE TRIGGER petition_facts_result_ad AFTER DELETE ON petition_results BEGIN
            {_KIND_OF.format(kind=_LATEST_KIND.format(id="OLD.petition_id"), ids="OLD.petition_id")};
        END;
        """,
    )


_NAME_KEY = "replace(replace(replace(replace(trim({0}), ' ', ''), char(12288), ''), char(9), ''), char(160), '')"


@migrations()
def m006_petitioner_names(db):
    """``petitioner_names``: every petitioner's name ever stored (spaces removed), in the order
    first stored, kept by triggers for every writer (an edited or deleted petition's name stays).
    ``privacy.public_text`` hides them wherever a text quotes them; it loads them once, then only
    those with a higher id. Also: the 回收站 reads deleted batches through an index."""
    new = _NAME_KEY.format("NEW.petitioner_name")
    exec_script(
        db,
        f"""
        CREATE TABLE petitioner_names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        INSERT OR IGNORE INTO petitioner_names (name)
            SELECT {_NAME_KEY.format("petitioner_name")} FROM petitions
            WHERE length({_NAME_KEY.format("petitioner_name")}) >= 2 ORDER BY id;
        CREATE TRIGGER petitioner_names_ai AFTER INSERT ON petitions WHEN length({new}) >= 2 BEGIN
            INSERT OR IGNORE INTO petitioner_names (name) VALUES ({new});
        END;
        CREATE TRIGGER petitioner_names_au AFTER UPDATE OF petitioner_name ON petitions
        WHEN length({new}) >= 2 BEGIN
            INSERT OR IGNORE INTO petitioner_names (name) VALUES ({new});
        END;
        CREATE INDEX batches_deleted ON batches (deleted_at) WHERE deleted_at IS NOT NULL;
        """,
    )


def _count(table: str, key: dict[str, str], sign: str, extra: dict[str, str] | None = None) -> str:
    """Add ``sign``1 to the row of ``table`` at ``key`` (column -> value), and ``sign`` times each
    ``extra`` (column -> 0/1 value) to its other counters, creating the row when adding."""
    extra = extra or {}
    cols = [*key, "n", *extra]
    if sign == "+":
        values = [*key.values(), "1", *extra.values()]
        updates = ", ".join(f"{c} = {c} + excluded.{c}" for c in ["n", *extra])
        return (f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(values)}) "
                f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}")
    updates = ", ".join(["n = n - 1", *(f"{c} = {c} - {v}" for c, v in extra.items())])
    where = " AND ".join(f"{c} = {v}" for c, v in key.items())
    return f"UPDATE {table} SET {updates} WHERE {where}"


def _counts_of(row: str, sign: str) -> str:
    """The summary rows one ``petition_facts`` row (``NEW`` or ``OLD``) counts in."""
    return ";\n".join([
        _count("petition_batch_counts", {"batch_id": f"{row}.batch_id", "method": f"{row}.method"}, sign,
               {"key_cases": f"({row}.key_case != 0)", "repeats": f"({row}.is_repeat != 0)"}),
        _count("petition_unit_kinds", {"unit": f"{row}.unit", "result_kind": f"{row}.result_kind"}, sign),
    ])


@migrations()
def m007_counts(db):
    """Counts the 态势 figures and the bulletin's statistics start from, kept by triggers: live
    petitions per (batch, 受理方式) with their 重点件 and 重复件, per (行政区域, latest result's
    kind), and per 污染类型. A few thousand rows at a province's million petitions, where
    counting ``petition_facts`` itself took a second (bench/ANALYSIS.md). Rows whose count went
    back to 0 stay (and count nothing). The index by unit and kind that count read goes."""
    exec_script(
        db,
        f"""
        CREATE TABLE petition_batch_counts (
            batch_id INTEGER NOT NULL,
            method TEXT NOT NULL,
            n INTEGER NOT NULL,
            key_cases INTEGER NOT NULL,
            repeats INTEGER NOT NULL,
            PRIMARY KEY (batch_id, method)
        ) WITHOUT ROWID;
        CREATE TABLE petition_unit_kinds (
            unit TEXT NOT NULL,
            result_kind TEXT NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (unit, result_kind)
        ) WITHOUT ROWID;
        CREATE TABLE petition_type_counts (type TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
        INSERT INTO petition_batch_counts (batch_id, method, n, key_cases, repeats)
            SELECT batch_id, method, count(*), sum(key_case != 0), sum(is_repeat != 0) FROM petition_facts
            GROUP BY batch_id, method;
        INSERT INTO petition_unit_kinds (unit, result_kind, n)
            SELECT unit, result_kind, count(*) FROM petition_facts GROUP BY unit, result_kind;
        INSERT INTO petition_type_counts (type, n) SELECT type, count(*) FROM petition_types GROUP BY type;
        DROP INDEX petition_facts_unit_kind;
        CREATE TRIGGER petition_counts_ai AFTER INSERT ON petition_facts BEGIN {_counts_of("NEW", "+")}; END;
        CREATE TRIGGER petition_counts_ad AFTER DELETE ON petition_facts BEGIN {_counts_of("OLD", "-")}; END;
        CREATE TRIGGER petition_counts_au AFTER UPDATE ON petition_facts BEGIN
            {_counts_of("OLD", "-")};
            {_counts_of("NEW", "+")};
        END;
        CREATE TRIGGER petition_type_counts_ai AFTER INSERT ON petition_types BEGIN
            {_count("petition_type_counts", {"type": "NEW.type"}, "+")};
        END;
        CREATE TRIGGER petition_type_counts_ad AFTER DELETE ON petition_types BEGIN
            {_count("petition_type_counts", {"type": "OLD.type"}, "-")};
        END;
        CREATE TRIGGER petition_type_counts_au AFTER UPDATE ON petition_types BEGIN
            {_count("petition_type_counts", {"type": "OLD.type"}, "-")};
            {_count("petition_type_counts", {"type": "NEW.type"}, "+")};
        END;
        """,
    )


@migrations()
def m008_open_search(db):
    """``petitions_open_fts``: the search index of the open petitions only (待交办 / 已交办, live),
    as ``petitions_fts`` is of all, kept by the same writers (``search.py``). The list's first
    part (the open petitions due by today, ~25,000 at a province's million) searches it instead
    of reading every match of a word among a million petitions (bench/ANALYSIS.md); a 受理编号
    fragment is tested there on ``petitions_open_due_numbers`` (their numbers beside the due
    date, ~25,000 entries) instead of on each row."""
    from .search import tokens_text  # the tokens exactly as the main index has them

    exec_script(
        db,
        """
        CREATE VIRTUAL TABLE petitions_open_fts USING fts5 (
            content, content='', tokenize='unicode61 remove_diacritics 0'
        );
        CREATE INDEX petitions_open_due_numbers ON petitions (due_date, case_key, case_rev)
            WHERE deleted_at IS NULL AND status IN ('待交办', '已交办') AND due_date IS NOT NULL;
        """,
    )
    rows = db.conn.execute("SELECT id, content FROM petitions WHERE deleted_at IS NULL "
                           "AND status IN ('待交办', '已交办')").fetchall()
    db.conn.executemany("INSERT INTO petitions_open_fts (rowid, content) VALUES (?, ?)",
                        [(pid, tokens_text(content)) for pid, content in rows])


FTS_HASH_BYTES = 8 * 1024 * 1024


@migrations()
def m009_search_index_buffer(db):
    """Both search indexes gather up to 8 MB of new entries in memory before writing a segment
    (FTS5's ``hashsize``, 1 MB by default, kept in the index's own config table). A 50,000-row
    import then writes a few large segments instead of dozens that FTS5 merges again at once:
    its two index inserts take about half the time (bench/ANALYSIS.md). A small write flushes
    at its commit as before."""
    for table in ("petitions_fts", "petitions_open_fts"):
        db.conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('hashsize', ?)", [FTS_HASH_BYTES])


@migrations()
def m010_bulk_registration(db):
    """``bulk_registration``: holds a row only inside the transaction of a large registration
    (``derived.registering_many``), and while it does, the per-row triggers that keep
    ``petition_facts``, the counts and ``petitioner_names`` leave the new petitions to that
    registration, which fills the same rows with a few statements over all of them (a
    50,000-row import: about 1.5 s less; bench/ANALYSIS.md). Every other writer, and every
    other connection, sees the table empty and the triggers as before."""
    new = _NAME_KEY.format("NEW.petitioner_name")
    idle = "NOT EXISTS (SELECT 1 FROM bulk_registration)"
    exec_script(
        db,
        f"""
        CREATE TABLE bulk_registration (one INTEGER PRIMARY KEY CHECK (one = 1));
        DROP TRIGGER petition_facts_ai;
        CREATE TRIGGER petition_facts_ai AFTER INSERT ON petitions WHEN {idle} BEGIN {_FACTS_OF}; END;
        DROP TRIGGER petitioner_names_ai;
        CREATE TRIGGER petitioner_names_ai AFTER INSERT ON petitions WHEN length({new}) >= 2 AND {idle} BEGIN
            INSERT OR IGNORE INTO petitioner_names (name) VALUES ({new});
        END;
        DROP TRIGGER petition_counts_ai;
        CREATE TRIGGER petition_counts_ai AFTER INSERT ON petition_facts WHEN {idle} BEGIN
            {_counts_of("NEW", "+")};
        END;
        DROP TRIGGER petition_type_counts_ai;
        CREATE TRIGGER petition_type_counts_ai AFTER INSERT ON petition_types WHEN {idle} BEGIN
            {_count("petition_type_counts", {"type": "NEW.type"}, "+")};
        END;
        """,
    )


@migrations()
def m011_day_sums(db):
    """``petition_day_sums`` (the per-unit figures of any day as sums of signed changes per day)
    and ``petition_type_days`` (污染类型 per transfer day), kept by triggers (``day_sums.py``),
    replace the counts per (unit, latest kind) and per 污染类型 and an index that served today only
    (a day long past took 3-11 s at a million petitions; bench/ANALYSIS.md)."""
    from . import day_sums

    idle = "NOT EXISTS (SELECT 1 FROM bulk_registration)"
    batch_counts = {sign: _count("petition_batch_counts", {"batch_id": f"{row}.batch_id", "method": f"{row}.method"},
                                 sign, {"key_cases": f"({row}.key_case != 0)", "repeats": f"({row}.is_repeat != 0)"})
                    for sign, row in (("+", "NEW"), ("-", "OLD"))}
    drop = ";\n".join(f"DROP TRIGGER {name}" for name in (
        "petition_counts_ai", "petition_counts_ad", "petition_counts_au",
        "petition_type_counts_ai", "petition_type_counts_ad", "petition_type_counts_au"))
    exec_script(
        db,
        f"""
        {day_sums.create_script(idle)}
        {drop};
        CREATE TRIGGER petition_counts_ai AFTER INSERT ON petition_facts WHEN {idle} BEGIN {batch_counts["+"]}; END;
        CREATE TRIGGER petition_counts_ad AFTER DELETE ON petition_facts BEGIN {batch_counts["-"]}; END;
        CREATE TRIGGER petition_counts_au AFTER UPDATE OF batch_id, method, key_case, is_repeat ON petition_facts BEGIN
            {batch_counts["-"]};
            {batch_counts["+"]};
        END;
        DROP TABLE petition_unit_kinds;
        DROP TABLE petition_type_counts;
        DROP INDEX petition_facts_due_open;
        """,
    )


@migrations()
def m012_facts_without_kind(db):
    """``petition_facts`` loses the latest result's kind (three triggers on every result written;
    since m011 nothing reads it); its index by batch becomes one by batch alone (``facts.py``)."""
    from .facts import FACTS_WITHOUT_KIND
    exec_script(db, FACTS_WITHOUT_KIND)


# the SQL the triggers share with derived.py (which fills the same rows for many petitions at once)
NAME_KEY = _NAME_KEY
