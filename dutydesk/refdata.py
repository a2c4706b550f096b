"""Settings, administrative units and vocabularies: reference data kept in the database."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Iterator

from .errors import UserError
from .resources import load_json
from .store.db import Store
from .text import clean, clean_line, normalize_key


# -- lookups cache -------------------------------------------------------------------------
@contextmanager
def cached_lookups(store: Store) -> Iterator[None]:
    """Within the block, settings, units and vocabularies are read from the database once.

    For long read-mostly work such as an import, which looks them up for every row and never
    changes them. Nested blocks share the outer cache. A write of reference data inside the
    block clears it.
    """
    if getattr(store, "_lookups", None) is not None:
        yield
        return
    store._lookups = {}
    try:
        yield
    finally:
        store._lookups = None


def _cached(store: Store, key: tuple, load):
    cache_ = getattr(store, "_lookups", None)
    if cache_ is None:
        return load()
    if key not in cache_:
        cache_[key] = load()
    return cache_[key]


def _forget_lookups(store: Store) -> None:
    if getattr(store, "_lookups", None):
        store._lookups.clear()


# -- settings -----------------------------------------------------------------------------
@cache
def setting_defaults() -> dict[str, dict]:
    return {k: v for k, v in load_json("settings.json")["settings"].items()}


def get_setting(store: Store, key: str) -> str:
    row = _cached(store, ("setting", key), lambda: store.one("SELECT value FROM settings WHERE key = ?", [key]))
    if row is not None:
        return row["value"]
    if key in setting_defaults():
        return setting_defaults()[key]["value"]
    raise UserError(f"未知的设置项：{key}")


def get_int_setting(store: Store, key: str, default: int) -> int:
    try:
        return int(get_setting(store, key))
    except (ValueError, UserError):
        return default


def all_settings(store: Store) -> dict[str, str]:
    values = {k: v["value"] for k, v in setting_defaults().items()}
    for row in store.query("SELECT key, value FROM settings"):
        values[row["key"]] = row["value"]
    return values


def exports_dir(store: Store) -> Path:
    """Where exports go: setting ``exports_dir``, else ``exports`` beside the database."""
    value = get_setting(store, "exports_dir").strip()
    return Path(value).expanduser() if value else store.path.parent / "exports"


def setting_label(key: str) -> str:
    return setting_defaults().get(key, {}).get("label", key)


def clean_setting(value: str) -> str:
    """A setting's value as stored: control characters dropped, ``\\n`` a new line."""
    return clean(value).replace("\\n", "\n")


def set_setting(store: Store, key: str, value: str) -> None:
    """Save a shared setting (general checks only; :func:`dutydesk.registry.set_setting` also runs
    the check of the domain that owns the key)."""
    if key not in setting_defaults():
        raise UserError(f"未知的设置项：{key}（可用：{'、'.join(setting_defaults())}）")
    value = clean_setting(value)
    if key in {"deadline_days", "copies", "backup_keep", "refresh_seconds", "web_idle_minutes"}:
        if not value.strip().isdigit():
            raise UserError(f"设置项 {key} 必须是非负整数")
        value = value.strip()
    _forget_lookups(store)
    if key == "deadline_mode" and value not in {"calendar", "workday"}:
        raise UserError("deadline_mode 只能是 calendar（自然日）或 workday（工作日）")
    with store.write():
        old = store.one("SELECT value FROM settings WHERE key=?", [key])
        store.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            [key, value],
        )
        store.audit("settings", key, "修改", {key: [old["value"] if old else None, value]})


# -- units --------------------------------------------------------------------------------
@dataclass
class Unit:
    id: int
    name: str
    short_name: str
    kind: str
    aliases: str
    sort: int
    active: bool

    @property
    def display(self) -> str:
        return self.short_name or self.name


def list_units(store: Store, *, include_inactive: bool = False, kind: str | None = None) -> list[Unit]:
    where = [] if include_inactive else ["active = 1"]
    params: list = []
    if kind:
        where.append("kind = ?")
        params.append(kind)
    sql = "SELECT * FROM units" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY sort, id"
    return list(_cached(store, ("units", include_inactive, kind),
                        lambda: [Unit(**{**r, "active": bool(r["active"])}) for r in store.query(sql, params)]))


def unit_names(store: Store) -> list[str]:
    return [u.name for u in list_units(store)]


class UnknownUnitError(UserError):
    """A unit name that matches no unit, even through the rules of ``data/unit_rules.json``."""

    def __init__(self, name: str):
        super().__init__(f"未知的单位：{name[:30]}（可在“设置 → 单位”中添加）")
        self.name = name


def resolve_unit(store: Store, text: str, *, required: bool = True) -> str:
    """Map a unit as written to its name: its name, short name or an alias (full-width variants
    too), else as government offices write it (冷水滩区人民政府, 中共冷水滩区委, 冷水滩区委、区政府,
    永州经开区管委会, 江华瑶族自治县人民政府) through the rules of ``data/unit_rules.json``.

    Raises :class:`UnknownUnitError`, unless an import collects new units (:class:`NewUnits`): then
    the name as written is taken and its row noted.
    """
    key = normalize_key(text)
    if not key:
        if required:
            raise UserError("行政区域/单位不能为空")
        return ""
    name = _known(store, key)
    if name is not None:
        return name
    new = _cached(store, ("new_units",), lambda: None)
    if isinstance(new, NewUnits):
        return new.take(clean_line(text))
    raise UnknownUnitError(clean_line(text))


def known_unit(store: Store, text: str) -> str | None:
    """The known unit ``text`` names (as :func:`resolve_unit` finds it), else None; nothing raised
    or noted."""
    key = normalize_key(text)
    return _known(store, key) if key else None


def _known(store: Store, key: str) -> str | None:
    keys = _cached(store, ("unit_keys",), lambda: _unit_keys(store))
    name = keys.get(key)
    if name is None:
        name = _by_rules(keys, key)
        if name is not None and getattr(store, "_lookups", None) is not None:
            keys[key] = name  # the same spelling on the next row: found at once
    return name


@cache
def unit_rules() -> dict:
    import re

    rules = load_json("unit_rules.json")
    return {
        "joiners": [normalize_key(j) or j for j in rules.get("joiners", [])],
        "bare": {normalize_key(b) for b in rules.get("bare", [])},
        "prefixes": [normalize_key(p) for p in rules.get("prefixes", [])],
        "suffixes": [normalize_key(x) for x in rules.get("suffixes", [])],
        "replace": [(re.compile(a), b) for a, b in rules.get("replace", [])],
    }


def _by_rules(keys: dict[str, str], key: str) -> str | None:
    """The unit a name names through the rules: parts joined, prefixes and suffixes dropped,
    patterns replaced, tried breadth first (a few steps deep)."""
    rules = unit_rules()
    for joiner in rules["joiners"]:
        if joiner in key:
            named = [p for p in key.split(joiner) if p and p not in rules["bare"]]
            found = {keys.get(p) or _by_rules(keys, p) for p in named}
            if len(found) == 1 and None not in found:
                return found.pop()
    seen, layer = {key}, [key]
    for _ in range(4):
        following = []
        for name in layer:
            variants = [name[len(p):] for p in rules["prefixes"] if name.startswith(p) and len(name) > len(p) + 1]
            variants += [name[: -len(x)] for x in rules["suffixes"] if name.endswith(x) and len(name) > len(x) + 1]
            variants += [pattern.sub(repl, name) for pattern, repl in rules["replace"]]
            for variant in variants:
                if variant in seen:
                    continue
                if variant in keys:
                    return keys[variant]
                seen.add(variant)
                following.append(variant)
        layer = following
    return None


def merge_unit_parts(parts: list[str]) -> list[str]:
    """A list of units as written, with each part that only repeats the level (``区政府`` in
    ``冷水滩区委、区政府``) joined back to the part before it."""
    bare = unit_rules()["bare"]
    out: list[str] = []
    for part in parts:
        if out and normalize_key(part) in bare:
            out[-1] = f"{out[-1]}、{part}"
        else:
            out.append(part)
    return out


class NewUnits:
    """Unit names an import finds unknown, with their rows. Within :func:`collecting_new_units`
    such a name resolves to itself as written; the import lists them as problems, or (when the
    user accepts them) adds them as units in its own transaction (:func:`add_units`)."""

    def __init__(self):
        self.row: int | str = ""  # the row being read: set by the import
        self.rows: dict[str, list] = {}

    def take(self, name: str) -> str:
        rows = self.rows.setdefault(name, [])
        if not rows or rows[-1] != self.row:
            rows.append(self.row)
        return name

    def problems(self) -> list[tuple[int | str, str]]:
        """One problem for each row that names an unknown unit."""
        return [(row, f"未知的单位：{name[:30]}（可在“设置 → 单位”中添加，或导入时选择把它作为新单位添加）")
                for name, rows in self.rows.items() for row in rows]

    def summary(self) -> str:
        """``未知的单位：火星县（第7、9行）、…`` (empty when there is none)."""
        if not self.rows:
            return ""
        return "未知的单位：" + "、".join(
            f"{name[:30]}（第{'、'.join(str(r) for r in rows[:20])}{'等' if len(rows) > 20 else ''}行）"
            for name, rows in list(self.rows.items())[:20]) + ("等" if len(self.rows) > 20 else "")


def add_units(store: Store, names: list[str]) -> list[str]:
    """Add the units an import was allowed to add, inside the caller's write transaction (the
    import's own); a name added meanwhile is left as it is. Returns the names added."""
    added = []
    with store.write():
        for name in names:
            if not store.one("SELECT id FROM units WHERE name = ?", [clean_line(name)]):
                add_unit(store, name)
                added.append(name)
    return added


@contextmanager
def collecting_new_units(store: Store) -> Iterator[NewUnits]:
    """Within the block (and a :func:`cached_lookups` block), unknown unit names are collected."""
    new = NewUnits()
    if getattr(store, "_lookups", None) is None:
        raise RuntimeError("collecting_new_units needs cached_lookups")
    store._lookups[("new_units",)] = new
    try:
        yield new
    finally:
        if store._lookups is not None:
            store._lookups.pop(("new_units",), None)


def _unit_keys(store: Store) -> dict[str, str]:
    """Normalised name, short name and aliases → unit name (the first unit in order wins)."""
    out: dict[str, str] = {}
    for unit in list_units(store, include_inactive=True):
        names = [unit.name, unit.short_name, *[a for a in unit.aliases.split("、") if a]]
        for n in names:
            if n:
                out.setdefault(normalize_key(n), unit.name)
    return out


def add_unit(store: Store, name: str, *, kind: str = "", short_name: str = "", aliases: str = "") -> int:
    name = clean_line(name)
    if not name:
        raise UserError("单位名称不能为空")
    _forget_lookups(store)
    with store.write():
        if store.one("SELECT id FROM units WHERE name = ?", [name]):
            raise UserError(f"单位已存在：{name}")
        sort = (store.scalar("SELECT MAX(sort) FROM units") or 0) + 1
        cur = store.execute(
            "INSERT INTO units (name, short_name, kind, aliases, sort) VALUES (?,?,?,?,?)",
            [name, clean_line(short_name), clean_line(kind), clean_line(aliases), sort],
        )
        store.audit("units", cur.lastrowid, "新增", {"name": name})
        return cur.lastrowid


def set_unit_active(store: Store, name: str, active: bool) -> None:
    _forget_lookups(store)
    with store.write():
        cur = store.execute("UPDATE units SET active=? WHERE name=?", [int(active), name])
        if not cur.rowcount:
            raise UserError(f"未知的单位：{name}")
        store.audit("units", name, "启用" if active else "停用")


def rename_unit(store: Store, old: str, new: str) -> None:
    new = clean_line(new)
    if not new:
        raise UserError("单位名称不能为空")
    _forget_lookups(store)
    with store.write():
        if store.one("SELECT id FROM units WHERE name=?", [new]):
            raise UserError(f"单位已存在：{new}")
        cur = store.execute("UPDATE units SET name=? WHERE name=?", [new, old])
        if not cur.rowcount:
            raise UserError(f"未知的单位：{old}")
        store.audit("units", old, "改名", {"name": [old, new]})


# -- vocabularies -------------------------------------------------------------------------
VOCAB_LABELS = {
    "pollution_type": "污染类型",
    "truth": "是否属实",
    "close_status": "办结状态",
    "petition_status": "信访件状态",
    "handoff_status": "整改状态",
    "problem_source": "问题来源",
    "deadline_category": "时限类别",
    "log_kind": "值班记录类别",
}


def vocab(store: Store, kind: str, *, include_inactive: bool = False) -> list[str]:
    sql = "SELECT value FROM vocab WHERE kind = ?" + ("" if include_inactive else " AND active = 1")
    return list(_cached(store, ("vocab", kind, include_inactive),
                        lambda: [r["value"] for r in store.query(sql + " ORDER BY sort, id", [kind])]))


def vocab_keys(store: Store, kind: str) -> dict[str, str]:
    """Normalised word → word for every word of a vocabulary, inactive ones too (a later word with
    the same normalised form wins). Read once per :func:`cached_lookups` block."""
    return _cached(store, ("vocab_keys", kind),
                   lambda: {normalize_key(v): v for v in vocab(store, kind, include_inactive=True)})


def add_vocab(store: Store, kind: str, value: str) -> None:
    if kind not in VOCAB_LABELS:
        raise UserError(f"未知的词表：{kind}（可用：{'、'.join(VOCAB_LABELS)}）")
    value = clean_line(value)
    if not value:
        raise UserError("词条不能为空")
    _forget_lookups(store)
    with store.write():
        sort = (store.scalar("SELECT MAX(sort) FROM vocab WHERE kind=?", [kind]) or 0) + 1
        store.execute(
            "INSERT INTO vocab (kind, value, sort) VALUES (?,?,?) "
            "ON CONFLICT(kind, value) DO UPDATE SET active=1",
            [kind, value, sort],
        )
        store.audit("vocab", f"{kind}:{value}", "新增")


def remove_vocab(store: Store, kind: str, value: str) -> None:
    """Deactivate (records that use the word keep it)."""
    _forget_lookups(store)
    with store.write():
        cur = store.execute("UPDATE vocab SET active=0 WHERE kind=? AND value=?", [kind, value])
        if not cur.rowcount:
            raise UserError(f"词表 {VOCAB_LABELS.get(kind, kind)} 中没有：{value}")
        store.audit("vocab", f"{kind}:{value}", "停用")


# -- first run ----------------------------------------------------------------------------
def seed_reference_data(store: Store) -> bool:
    """Load units, vocabularies and settings from ``data/`` when the tables are empty."""
    seeded = False
    with store.write():
        if not store.scalar("SELECT COUNT(*) FROM units"):
            for i, u in enumerate(load_json("units.json")["units"], 1):
                store.execute(
                    "INSERT INTO units (name, short_name, kind, aliases, sort) VALUES (?,?,?,?,?)",
                    [u["name"], u.get("short_name", ""), u.get("kind", ""), "、".join(u.get("aliases", [])), i],
                )
            seeded = True
        if not store.scalar("SELECT COUNT(*) FROM vocab"):
            for kind, values in load_json("vocab.json").items():
                if kind.startswith("_"):
                    continue
                for i, value in enumerate(values, 1):
                    store.execute("INSERT INTO vocab (kind, value, sort) VALUES (?,?,?)", [kind, value, i])
            seeded = True
        for key, meta in setting_defaults().items():
            store.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", [key, meta["value"]])
    return seeded
