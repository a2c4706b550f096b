"""A petition typed by hand (the 信访件 form): saved into its batch, created when new."""

from __future__ import annotations

from .. import dates
from ..errors import UserError
from ..store.db import Store
from .batches import add_batch, batch_by_no
from .intake import PetitionInput, add_petition, prepare, update_petition


def enter_petition(store: Store, inp: PetitionInput, *, batch_no: int, batch_date: str = "",
                   petition_id: int | None = None, expected_version: int | None = None) -> int:
    """Add a petition (``petition_id`` None) or update one, in batch number ``batch_no``; a batch
    that does not exist yet is created, transferred on ``batch_date`` (text; empty: today).

    Every problem with the petition is raised before anything is written; the batch and the
    petition are written in one transaction, so a refused update (``ConflictError`` when
    someone else saved first with ``expected_version``) creates no batch either. Returns the
    petition's id."""
    prepare(store, inp)
    with store.write():
        batch = batch_by_no(store, batch_no)
        if batch is None:
            batch_id = add_batch(store, batch_no, _day(batch_date) or dates.today())
        else:
            batch_id = batch["id"]
        if petition_id is None:
            return add_petition(store, batch_id, inp)
        update_petition(store, petition_id, inp, expected_version=expected_version, batch_id=batch_id)
        return petition_id


def _day(text: str):
    try:
        return dates.parse_optional_date(text)
    except UserError as exc:
        raise UserError(f"转办日期：{exc}") from None
