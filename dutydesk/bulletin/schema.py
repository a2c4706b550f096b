"""Tables of the bulletin domain (its own migration set; append new migrations, never edit old ones).

``bulletins``: one row per issue of a date's bulletin. At most one *current* row per date
(``superseded_by IS NULL AND deleted_at IS NULL``; enforced in :mod:`dutydesk.bulletin.service`
inside the write transaction). ``revision`` counts corrected versions of the same 期
(1 = the original, 2 = the first 更正); the ``version`` column is the optimistic-locking
counter every domain table has. NULL in ``number``/``report_to``/``send_to``/``issue_to``/
``copies`` means "not set on this bulletin: use the proposal or the setting" until issue.
``snapshot`` is the JSON of the fully resolved document as issued (see ``model.BulletinDoc``).

``bulletin_items``: news items (``kind='news'``: title + body) and county items
(``kind='county'``: unit + body) of a bulletin, ordered by ``sort`` within their kind.
"""

from __future__ import annotations

from ..store.migration_set import MigrationSet, exec_script

migrations = MigrationSet("dutydesk.bulletin")


@migrations()
def m001_bulletins(db):
    exec_script(
        db,
        """
        CREATE TABLE bulletins (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL,
            number INTEGER,
            revision INTEGER NOT NULL DEFAULT 1,
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued')),
            report_to TEXT,
            send_to TEXT,
            issue_to TEXT,
            copies INTEGER,
            petition_text_override TEXT,
            snapshot TEXT,
            issued_at TEXT,
            issued_by TEXT,
            superseded_by INTEGER REFERENCES bulletins (id),
            corrects INTEGER REFERENCES bulletins (id),
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            deleted_at TEXT
        );
        CREATE INDEX bulletins_date ON bulletins (date);
        CREATE INDEX bulletins_number ON bulletins (number);
        CREATE TABLE bulletin_items (
            id INTEGER PRIMARY KEY,
            bulletin_id INTEGER NOT NULL REFERENCES bulletins (id),
            kind TEXT NOT NULL CHECK (kind IN ('news', 'county')),
            unit TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL DEFAULT '',
            sort INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            deleted_at TEXT
        );
        CREATE INDEX bulletin_items_bulletin ON bulletin_items (bulletin_id, kind, sort);
        """,
    )


@migrations()
def m002_appendix(db):
    """``appendix``: 1 when the bulletin carries 附件：各县市区信访件办理情况统计表 (a new page of the
    .docx, a table in .md/.txt), frozen in the snapshot on issue like the rest."""
    exec_script(db, "ALTER TABLE bulletins ADD COLUMN appendix INTEGER NOT NULL DEFAULT 0;")
