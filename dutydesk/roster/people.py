"""Duty staff (值班人员 and 带班领导): names, units/posts, phones, roles."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..errors import UserError
from ..store import records
from ..store.db import Store
from ..text import clean_line

ROLES = {"leader": "带班领导", "officer": "值班人员"}
_ROLE_WORDS = {"leader": "leader", "officer": "officer", "带班领导": "leader", "带班": "leader", "领导": "leader",
               "值班人员": "officer", "值班": "officer", "值班员": "officer"}
LABELS = {"name": "姓名", "title": "单位/职务", "phone": "电话", "role": "角色", "active": "在岗", "sort": "排序"}

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^\(?(0\d{2,3})[)\-]?(\d{7,8})(?:(?:-|转|#)(\d{1,6}))?$")


@dataclass
class Person:
    id: int
    name: str
    title: str
    phone: str
    role: str
    active: bool
    sort: int
    version: int

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)


def normalize_phone(text: object) -> str:
    """A mobile (11 digits) or a landline with its area code, in one written form; "" stays "".

    ``138 1234 5678`` → ``13812345678``; ``(0746)8221234`` → ``0746-8221234``.
    """
    raw = clean_line(text)
    value = unicodedata.normalize("NFKC", raw).replace(" ", "").replace("（", "(").replace("）", ")")
    if not value:
        return ""
    if value.startswith("+86"):
        value = value[3:]
    digits = value.replace("-", "")
    if _MOBILE.match(digits):
        return digits
    m = _LANDLINE.match(value)
    if m:
        return f"{m[1]}-{m[2]}" + (f"-{m[3]}" if m[3] else "")
    if digits.isdigit() and 7 <= len(digits) <= 8:
        raise UserError(f"固定电话请加区号：{raw[:30]}（如 0746-{digits}）")
    raise UserError(f"电话号码格式不对：{raw[:30]}（应为 11 位手机号，如 13812345678；或带区号的固定电话，如 0746-8221234）")


def parse_role(text: str) -> str:
    role = _ROLE_WORDS.get(clean_line(text))
    if not role:
        raise UserError(f"角色只能是 带班领导（leader）或 值班人员（officer）：{clean_line(text)[:20]}")
    return role


def _person(row: dict) -> Person:
    return Person(row["id"], row["name"], row["title"], row["phone"], row["role"], bool(row["active"]),
                  row["sort"], row["version"])


def list_people(store: Store, *, role: str | None = None, include_inactive: bool = False) -> list[Person]:
    where, params = ["deleted_at IS NULL"], []
    if role:
        where.append("role = ?")
        params.append(role)
    if not include_inactive:
        where.append("active = 1")
    rows = store.query(f"SELECT * FROM people WHERE {' AND '.join(where)} ORDER BY role, sort, id", params)
    return [_person(r) for r in rows]


def get_person(store: Store, person_id: int) -> Person:
    return _person(records.get(store, "people", person_id))


def find_person(store: Store, name: str) -> Person | None:
    row = store.one("SELECT * FROM people WHERE name = ? AND deleted_at IS NULL", [clean_line(name)])
    return _person(row) if row else None


def person_named(store: Store, name: str) -> Person:
    person = find_person(store, name)
    if person is None:
        raise UserError(f"未知人员：{clean_line(name)[:20]}（请先在“人员管理”中添加）")
    return person


def people_named(store: Store, names: list[str]) -> list[Person]:
    """The people in the order named; every unknown name in one message."""
    found = {p.name: p for p in list_people(store, include_inactive=True)}
    missing = [n for n in names if n not in found]
    if missing:
        raise UserError(f"未知人员：{'、'.join(missing)[:60]}（请先在“人员管理”中添加）")
    return [found[n] for n in names]


def check_name(name: str) -> str:
    name = clean_line(name)
    if not name:
        raise UserError("姓名不能为空")
    if any(sep in name for sep in "、,，;；/"):
        raise UserError(f"姓名有误：{name[:20]}（一次只写一个人，不要含顿号或逗号）")
    if len(name) > 20:
        raise UserError(f"姓名过长：{name[:20]}…（最多 20 个字）")
    return name


def add_person(store: Store, name: str, *, role: str = "officer", phone: str = "", title: str = "",
               active: bool = True) -> int:
    name = check_name(name)
    role = parse_role(role)
    values = {"name": name, "title": clean_line(title), "phone": normalize_phone(phone), "role": role,
              "active": int(active)}
    with store.write():
        if find_person(store, name):
            raise UserError(f"人员已存在：{name}")
        values["sort"] = (store.scalar("SELECT MAX(sort) FROM people WHERE role = ?", [role]) or 0) + 1
        return records.insert(store, "people", values)


def update_person(store: Store, person_id: int, *, expected_version: int | None = None, **changes) -> Person:
    """Change name/title/phone/role/active; values are checked like :func:`add_person`."""
    clean: dict = {}
    if "name" in changes:
        clean["name"] = check_name(changes["name"])
    if "title" in changes:
        clean["title"] = clean_line(changes["title"])
    if "phone" in changes:
        clean["phone"] = normalize_phone(changes["phone"])
    if "role" in changes:
        clean["role"] = parse_role(changes["role"])
    if "active" in changes:
        clean["active"] = int(bool(changes["active"]))
    with store.write():
        if "name" in clean:
            other = find_person(store, clean["name"])
            if other and other.id != person_id:
                raise UserError(f"人员已存在：{clean['name']}")
        row = records.update(store, "people", person_id, clean, expected_version=expected_version)
    return _person(row)
