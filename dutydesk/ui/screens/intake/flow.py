"""One import from a screen: read and check in a worker (with a progress bar), show the preview,
write on Enter (in a worker, with the progress bar), nothing written on Esc or on a problem."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ....errors import UserError, ValidationError
from .plans import problems_preview
from .preview import ImportPreview, ImportProgress, PreviewAnswer, PreviewInfo, progress_callback


@dataclass
class ImportSteps:
    """What one kind of import does: ``plan(store, progress)`` reads and checks (nothing written),
    ``preview(plan)`` describes it, ``apply(store, plan, answer, progress)`` writes it, ``done(result)``
    runs on the UI thread after. ``aliases`` name the fields in a preview of problems."""

    title: str
    plan: Callable[[Any, Any], Any]
    preview: Callable[[Any], PreviewInfo]
    apply: Callable[[Any, Any, PreviewAnswer, Any], Any]
    done: Callable[[Any], None]
    aliases: dict[str, list[str]]


def start_import(screen, steps: ImportSteps) -> None:
    """Run ``steps`` from ``screen`` (a BaseScreen with ``store``)."""
    app = screen.app
    progress = ImportProgress(steps.title)
    app.push_screen(progress)

    def close() -> None:
        if progress.is_attached:
            progress.dismiss(None)

    def fail(message: str) -> None:
        close()
        app.notify(message, title="导入失败", severity="error", markup=False)

    def ask(info: PreviewInfo, plan) -> None:
        close()

        def answered(answer: PreviewAnswer | None) -> None:
            if answer is not None:
                _write(screen, steps, plan, answer)
            elif hasattr(plan, "close"):  # left at the preview: work it still does in the background stops
                plan.close()

        app.push_screen(ImportPreview(info), answered)

    def read() -> None:
        store = screen.store.clone()
        try:
            plan = steps.plan(store, progress_callback(app, progress))
            info = steps.preview(plan)
        except ValidationError as exc:
            app.call_from_thread(ask, problems_preview(f"{steps.title}：表格有误，未写入任何内容", exc, steps.aliases), None)
            return
        except (UserError, OSError) as exc:
            app.call_from_thread(fail, str(exc))
            return
        finally:
            store.close()
        app.call_from_thread(ask, info, plan)

    screen.run_worker(read, thread=True, group="intake", exclusive=True)


def _write(screen, steps: ImportSteps, plan, answer: PreviewAnswer) -> None:
    app = screen.app
    progress = ImportProgress(f"{steps.title}：正在写入")
    app.push_screen(progress)

    def finish(result=None, message: str | None = None) -> None:
        if progress.is_attached:
            progress.dismiss(None)
        if message is not None:
            app.notify(message, title="导入失败", severity="error", markup=False)
        else:
            steps.done(result)

    def write() -> None:
        store = screen.store.clone()
        try:
            result = steps.apply(store, plan, answer, progress_callback(app, progress))
        except (UserError, OSError) as exc:
            app.call_from_thread(finish, None, str(exc))
            return
        finally:
            store.close()
        app.call_from_thread(finish, result)

    screen.run_worker(write, thread=True, group="intake", exclusive=True)
