"""The one editing flow: a record form saves itself, and a record someone else saved first is compared.

Every form that writes one record (a problem, a petition and its 交办/结果/状态/批次, a person,
a duty-log entry, a roster day, a bulletin item) is a :class:`RecordForm`. On Ctrl+S it calls
:func:`save_with_conflict`, which runs the form's ``build`` (validate, then save through a
domain function, expecting ``form.expected_version``). A rule the domain refuses is shown in
the form, which stays open. When another terminal saved the record first, the domain raises
:class:`ConflictError` with the record as it is now (theirs); both versions are shown side by
side (:class:`ConflictModal`) and each of the three choices has one meaning, on every form:

- 用我的覆盖 (M, "use mine"): my values are saved at once over theirs, expecting their version
  (so a third save in the meantime brings the dialog again instead of being lost); no form is
  reopened: the form closes with ``EditOutcome(MINE, value)``.
- 保留对方的 (T, "keep theirs"): nothing of mine is saved and my draft is dropped; the form closes
  with ``EditOutcome(THEIRS)`` and the screen reloads, showing their version.
- 返回编辑 (Esc, "back to editing"): the same form is shown again with MY typed values. It now
  expects their version: I have just seen it in the dialog, so the next Ctrl+S saves over it
  (the dialog comes again only if someone saved once more). Reopening with the stale version
  (one copy did) would bring the same dialog back on every save.

The screen opens a record form with :func:`open_record_form`: ``saved`` gets the outcome of a
save (``outcome.notice(text)`` says whether it went over someone else's version), ``kept``
gets the notice for "keep theirs" and reloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generic, TypeVar

from ..errors import ConflictError, UserError
from .modals import ConflictModal, FormModal

T = TypeVar("T")

SAVED = "saved"  # saved with no conflict
MINE = "mine"  # "use mine": saved over the version someone else saved first
THEIRS = "theirs"  # "keep theirs": nothing saved

KEPT_THEIRS = "已保留对方的修改"
OVERWROTE = "（已用我的内容覆盖对方的修改）"


@dataclass
class EditOutcome(Generic[T]):
    """How a record form closed after Ctrl+S (a cancelled form returns None).

    ``how`` is :data:`SAVED`, :data:`MINE` or :data:`THEIRS`; ``value`` is what the save
    returned (an id, the saved row, …), None when theirs was kept.
    """

    how: str
    value: T | None = None

    @property
    def saved(self) -> bool:
        return self.how != THEIRS

    def notice(self, text: str) -> str:
        """``text`` (e.g. 已保存：…), saying so when my version went over theirs."""
        return text + OVERWROTE if self.how == MINE else text


@dataclass
class Comparison:
    """What the conflict dialog shows: field labels, my values and theirs, as text."""

    labels: dict[str, str]
    mine: dict[str, Any]
    theirs: dict[str, Any]


class RecordForm(FormModal[EditOutcome[T]], Generic[T]):
    """A form that saves one record itself. ``build(values)`` validates and saves through a
    domain function with ``expected_version`` (None: a new record, or no check) and returns
    what the save returned; ``compare(values, theirs)`` says what the conflict dialog shows."""

    expected_version: int | None = None

    def compare(self, values: dict[str, Any], theirs: dict) -> Comparison | None:
        """The dialog's content when ``build`` met a :class:`ConflictError` (``theirs``: the
        record as saved now); None shows the conflict as an error in the form."""
        return None

    def action_submit(self) -> None:
        save_with_conflict(self, self.values())

    def finish(self, outcome: EditOutcome[T]) -> None:
        self._drop_draft()
        self.dismiss(outcome)


def save_with_conflict(form: RecordForm[T], values: dict[str, Any], *, how: str = SAVED) -> None:
    """Save ``values`` with ``form.build``; on a conflict, compare and let the officer choose
    (the meaning of each choice is in this module's docstring)."""
    try:
        value = form.build(values)
    except ConflictError as exc:
        comparison = form.compare(values, exc.current)
        if comparison is None:
            form.show_error(str(exc))
        else:
            _ask(form, values, exc.current, comparison)
        return
    except UserError as exc:
        form.show_error(str(exc), exc.field)
        return
    form.finish(EditOutcome(how, value))


def _ask(form: RecordForm, values: dict[str, Any], theirs: dict, comparison: Comparison) -> None:
    def chosen(choice: str | None) -> None:
        if choice == THEIRS:
            form.finish(EditOutcome(THEIRS))
            return
        form.expected_version = theirs.get("version")  # mine and back: their version is the one seen
        if choice == MINE:
            save_with_conflict(form, values, how=MINE)
        # back to editing: the form is shown again, my values still in it

    form.app.push_screen(ConflictModal(comparison.labels, comparison.mine, comparison.theirs), chosen)


def open_record_form(host, form: RecordForm[T], saved: Callable[[EditOutcome[T]], None],
                     kept: Callable[[str], None]) -> None:
    """Show ``form`` over ``host`` (a screen or dialog); when it closes after Ctrl+S call
    ``saved(outcome)``, or ``kept(notice)`` when theirs was kept (the host reloads there)."""

    def done(outcome: EditOutcome[T] | None) -> None:
        if outcome is None:
            return
        if outcome.how == THEIRS:
            kept(KEPT_THEIRS)
        else:
            saved(outcome)

    host.app.push_screen(form, done)
