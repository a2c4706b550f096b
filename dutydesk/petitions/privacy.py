"""The petitioner's identity (name, phone, address) kept out of audits, histories and crash logs:
the audit payloads with it masked, a petition's identity, the identities quoted in a text."""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from ..store.db import Store
from ..text import mask_address, mask_name, mask_phone
from .model import IDENTITY_MIN_LENGTH, PRIVATE_FIELDS, identity_needles, scrub_needles

_MASKS = {"petitioner_name": mask_name, "petitioner_phone": mask_phone, "petitioner_address": mask_address}


def masked_audit(values: dict, identity: dict | None = None) -> dict:
    """Audit payload with the petitioner's identity masked (values or [old, new] pairs), also
    where a text (content, results) quotes it: the one in ``values`` and the petition's own
    ``identity`` (its current name, phone, address)."""
    # Each text value is scrub_identity(value, who) for each who in turn (the petition's identity, then
    # each private value given); those (text, masked text) pairs are worked out once, and only the
    # values that hold one of the texts are scrubbed (the others would come out unchanged).
    needles = identity_needles(identity) if identity else []
    private = PRIVATE_FIELDS & set(values)
    out = dict(values)
    for key in private:  # identity_needles({key: v}) for each value given, inline
        value, fn, minimum = values[key], _MASKS[key], IDENTITY_MIN_LENGTH[key]
        for v in (value if isinstance(value, list) else [value]):
            v = (v or "").strip()
            if len(v) >= minimum:
                needles.append((v, fn(v)))
        out[key] = [fn(v or "") for v in value] if isinstance(value, list) else fn(value or "")
    if not needles:
        return out
    where, texts = [], []  # (key, index in a list value or None), text
    for key, value in values.items():
        if key in private:
            continue
        if isinstance(value, str):
            where.append((key, None))
            texts.append(value)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                if isinstance(v, str):
                    where.append((key, i))
                    texts.append(v)
    blob = "\x00".join(texts)
    hits: set[int] = set()
    ends = None
    for text, _ in needles:
        at = blob.find(text)
        while at >= 0:
            if ends is None:
                ends = list(accumulate(len(t) + 1 for t in texts))  # where each text ends (its separator)
            hits.add(bisect_right(ends, at))
            at = blob.find(text, at + 1)
    for n in sorted(hits):
        key, i = where[n]
        if i is None:
            out[key] = scrub_needles(texts[n], needles)
        else:
            if out[key] is values[key]:
                out[key] = list(values[key])
            out[key][i] = scrub_needles(texts[n], needles)
    return out


def identity_of(store: Store, petition_id: int) -> dict:
    return store.one("SELECT petitioner_name, petitioner_phone, petitioner_address FROM petitions WHERE id = ?",
                     [petition_id]) or {}


def identities_in(store: Store, text: str) -> list[str]:
    """Petitioners' names, phones and addresses (of any petition, deleted ones too) that occur in
    ``text``: what a crash log must hide when an exception message quotes them. One scan in SQL."""
    if not text or not text.strip():
        return []
    found: set[str] = set()
    for row in store.query(
        "SELECT petitioner_name AS a, petitioner_phone AS b, petitioner_address AS c FROM petitions "
        "WHERE (length(petitioner_name) >= 2 AND instr(?1, petitioner_name) > 0) "
        "OR (length(petitioner_phone) >= 5 AND instr(?1, petitioner_phone) > 0) "
        "OR (length(petitioner_address) >= 4 AND instr(?1, petitioner_address) > 0)", [text],
    ):
        found |= {v for v in row.values() if v and v in text}
    return sorted(found, key=len, reverse=True)
