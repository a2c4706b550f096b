"""Long work (imports, exports) in a thread worker on its own database connection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, TypeVar

from ..errors import UserError, ValidationError

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.worker import Worker

    from ..store.db import Store

R = TypeVar("R")


def run_in_thread(node: "DOMNode", work: Callable[["Store"], R], *, group: str, failed: str,
                  done: Callable[[R], None] | None = None,
                  invalid: Callable[[ValidationError], None] | None = None) -> "Worker":
    """Run ``work(store)`` in a thread worker of ``node`` (a screen, or the app) with a clone of
    the app's store (its own connection), closed when the work ends. One worker of ``group``
    runs at a time (a new one cancels the one before).

    Back on the UI thread: ``done(result)``; a :class:`ValidationError` goes to ``invalid``
    (when given, e.g. to show its report); any other :class:`UserError`, or an ``OSError``
    (a file that cannot be read or written), is an error notification titled ``failed``
    (markup=False). Anything else is raised: the app reports it as for every worker (a crash
    log and a message, ``DutyDeskApp._handle_exception``).
    """
    app = node.app

    def run() -> None:
        store = app.store.clone()
        try:
            result = work(store)
        except ValidationError as exc:
            if invalid is None:
                app.call_from_thread(_notify_failure, app, failed, exc.report())
            else:
                app.call_from_thread(invalid, exc)
            return
        except (UserError, OSError) as exc:
            app.call_from_thread(_notify_failure, app, failed, str(exc))
            return
        finally:
            store.close()
        if done is not None:
            app.call_from_thread(done, result)

    return node.run_worker(run, thread=True, group=group, exclusive=True)


def _notify_failure(app, title: str, message: str) -> None:
    app.notify(message, title=title, severity="error", markup=False)
