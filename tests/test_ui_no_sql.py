"""No SQL in dutydesk/ui: the screens, forms and dialogs read and write through domain functions.

The rule, checked on the source of every module under dutydesk/ui (its syntax tree):

1. no call of ``query``, ``one``, ``scalar``, ``execute``, ``executemany``, ``executescript`` or
   ``write`` on a store: an expression whose last name ends in ``store`` (``store``,
   ``self.store``, ``self.app.store``, ``other_store``…), so neither a read nor a transaction;
2. no use of a store's ``db`` (the sqlite-utils database);
3. no string that is SQL: a literal starting with a statement keyword (SELECT, INSERT, UPDATE,
   DELETE, PRAGMA, WITH, CREATE, DROP, ALTER, REPLACE, BEGIN) followed by a space;
4. no ``import sqlite3`` or ``sqlite_utils``.

A store may still be passed to domain functions, cloned for a worker and closed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import dutydesk

UI = Path(dutydesk.__file__).parent / "ui"
STORE_CALLS = {"query", "one", "scalar", "execute", "executemany", "executescript", "write"}
SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|PRAGMA|WITH|CREATE|DROP|ALTER|REPLACE|BEGIN)\s")


def _names_a_store(node: ast.AST) -> bool:
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return name.lower().endswith("store")


def sql_uses(source: str) -> list[str]:
    """Where ``source`` breaks the rule, as ``line: what``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and _names_a_store(node.value):
            if node.attr in STORE_CALLS:
                found.append(f"{node.lineno}: store.{node.attr}")
            elif node.attr == "db":
                found.append(f"{node.lineno}: store.db")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value):
            found.append(f"{node.lineno}: SQL {node.value[:40]!r}")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"{node.lineno}: import {m}" for m in modules if m.split(".")[0] in ("sqlite3", "sqlite_utils")]
    return found


def test_the_rule_finds_what_it_forbids():
    bad = '''
import sqlite3
def f(self, store, other_store):
    self.store.query("SELECT 1")
    store.scalar(q)
    with self.app.store.write():
        other_store.execute(q)
    self.store.db["people"].insert({})
    sql = """
        UPDATE people SET name = ?"""
'''
    assert len(sql_uses(bad)) == 8
    ok = '''
def f(self, store):
    self.query("Input")  # Textual's DOM query
    rows = search.page(self.store, filters)
    clone = self.store.clone(); clone.close()
    text = "SELECTED 已选"
'''
    assert sql_uses(ok) == []


def test_no_sql_in_the_ui():
    modules = sorted(UI.rglob("*.py"))
    assert len(modules) > 20
    found = {str(p.relative_to(UI)): uses for p in modules if (uses := sql_uses(p.read_text(encoding="utf-8")))}
    assert found == {}
