"""A petition's history: its audit entries with its registration, and its status log.

A registration (``intake.add_petitions``: a form's one petition or an import's thousands) is
audited once, in an entry of its batch (action ``登记信访件``, the ids it gave); a petition's
history makes its 新增 from that entry. (An entry a petition was some 185 bytes of the 3 KB a
petition may take.) Every later change of a petition is audited on the petition itself."""

from __future__ import annotations

import json

from ..store import records
from ..store.db import Store
from .model import LABELS, PRIVATE_FIELDS, scrub_identity
from .privacy import identity_of, public_text
from .rows import CREATION_AUDITED, ENTITY

REGISTERED = "登记信访件"  # the audit action of a registration, on its batch


def registration_changes(first_id: int, last_id: int) -> str:
    """The audit changes of a registration of the petitions ``first_id`` to ``last_id`` (consecutive)."""
    return json.dumps({"count": last_id - first_id + 1, "first_id": first_id, "last_id": last_id})


def history(store: Store, petition_id: int) -> list[dict]:
    """The petition's audit entries, oldest first, beginning with its 新增: the values it was
    registered with (受理编号, 行政区域, batch, 序号: the current ones taken back through every later
    change), when and by whom (its batch's registration entry). A petition registered before
    the registrations were audited on the batch has its own 新增 entry."""
    items = store.history(ENTITY, petition_id)
    if items and items[0]["action"] == "新增":
        return items
    row = store.one(f"SELECT {', '.join(CREATION_AUDITED)} FROM petitions WHERE id = ?", [petition_id])
    if row is None:
        return items
    values = dict(row)
    for item in reversed(items):
        for key, change in (item["changes"] or {}).items():
            if key in values and isinstance(change, list) and len(change) == 2:
                values[key] = change[0]
    for entry in store.query("SELECT at, operator, changes FROM audit WHERE entity = 'batches' AND entity_id = ? "
                             "AND action = ? ORDER BY id", [str(values["batch_id"]), REGISTERED]):
        ids = json.loads(entry["changes"])
        if ids["first_id"] <= petition_id <= ids["last_id"]:
            return [{"at": entry["at"], "operator": entry["operator"], "action": "新增", "changes": values}, *items]
    return items


def status_log(store: Store, petition_id: int, *, items: list[dict] | None = None) -> list[dict]:
    """Every status a petition had: its registration (登记), then each change, oldest first.

    The registration is no longer logged (it was a row per petition, ~90 bytes of the 3 KB a
    petition may take): it is made here from the 新增 of :func:`history` (when, who, the batch it
    was registered in) and the status the first change started from (or the status now). Files
    registered before that keep their logged row. ``items``: the petition's :func:`history`, when the
    caller has it already."""
    log = store.query("SELECT * FROM petition_status_log WHERE petition_id = ? ORDER BY id", [petition_id])
    if log and not log[0]["old_status"]:  # logged at registration (registered before)
        return log
    row = store.one("SELECT status, batch_id, created_at FROM petitions WHERE id = ?", [petition_id])
    if row is None:
        return log
    items = history(store, petition_id) if items is None else items
    created = items[0] if items and items[0]["action"] == "新增" else {}
    batch_id = (created.get("changes") or {}).get("batch_id") or row["batch_id"]
    day = store.scalar("SELECT date FROM batches WHERE id = ?", [batch_id])
    registered = {"id": 0, "petition_id": petition_id, "old_status": "",
                  "new_status": log[0]["old_status"] if log else row["status"], "day": day or "",
                  "at": created.get("at") or row["created_at"] or "", "operator": created.get("operator") or "",
                  "note": "登记"}
    return [registered, *log]


def history_text(store: Store, petition_id: int, *, public: bool = False) -> str:
    """Change history with the petitioner's identity hidden (also where a text quotes it), then the
    status log. ``public``: every text made public too (``privacy.public_text``: any phone,
    ID number or petitioner's name), for ``petitions show`` without ``--full``."""
    items = history(store, petition_id)
    text = records.history_text(store, ENTITY, petition_id, labels=LABELS, hidden=set(PRIVATE_FIELDS),
                                items=_batches_named(store, items))
    text = scrub_identity(text, identity_of(store, petition_id))
    if public:
        text = public_text(store, text)
    log = status_log(store, petition_id, items=items)
    if log:
        text += "\n\n状态变更：\n" + "\n".join(
            f"  {r['day']}  {r['old_status'] or '（登记）'} → {r['new_status']}  {r['operator']}  {r['at']}"
            + (f"  {r['note']}" if r["note"] else "") for r in log)
    return text


def _batches_named(store: Store, items: list[dict]) -> list[dict]:
    """The entries with each batch as officers name it (第5批), not by its id."""
    ids = {v for item in items for v in _as_list((item["changes"] or {}).get("batch_id")) if v is not None}
    if not ids:
        return items
    nos = {r["id"]: r["no"] for r in store.query(
        f"SELECT id, no FROM batches WHERE id IN ({', '.join('?' for _ in ids)})", sorted(ids))}

    def name(batch_id):
        return f"第{nos[batch_id]}批" if batch_id in nos else batch_id

    out = []
    for item in items:
        changes = item["changes"] or {}
        if "batch_id" in changes:
            value = changes["batch_id"]
            named = [name(v) for v in value] if isinstance(value, list) else name(value)
            item = {**item, "changes": {**changes, "batch_id": named}}
        out.append(item)
    return out


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]
