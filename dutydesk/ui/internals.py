"""Every place dutydesk overrides or reads a private Textual name, and why.

Textual is pinned exactly (pyproject.toml). Nothing else in ``dutydesk/ui`` touches a Textual name
that starts with an underscore: ``tests/test_textual_internals.py`` checks that (AST), and checks
that every name in :data:`RELIES_ON` still exists on the installed Textual with the same kind and
parameters, so an upgrade that renames or reshapes one fails there, by name.
``bench/newest_textual.sh`` runs the whole suite against the newest Textual release.

One section per override: what it does, why, the Textual behaviour it relies on, and the public
API that would replace it. The app and the screens inherit the mixins (``ui/app.py``,
``ui/base.py``) and implement the public hooks they call (``handle_error``,
``first_frame_written``).

What used to be here and is public API now: the start in the first screen's mode
(``App.DEFAULT_MODE`` set per app), the screen-resume de-duplication
(``BaseScreen.on_screen_resume`` with ``event.prevent_default()``), the search box's
search-as-you-type (``SearchBox.watch_value``) and the list widget (``widgets/fast_table.py``,
Textual's Line API instead of DataTable's private renderers).
"""

from __future__ import annotations

import textual.screen
from rich.cells import get_character_cell_size
from textual._compositor import Compositor, LayoutUpdate
from textual.css.stylesheet import Stylesheet
from textual.css.tokenize import tokenize_values
from textual.strip import Strip

# Every private Textual name used below: "module:Class.name" -> what the test expects it to be:
# "def (params)" / "async def (params)" for a method (parameter names, "=" when it has a default),
# "class" for a class, or the type name of an instance attribute (checked on a fresh instance).
RELIES_ON: dict[str, str] = {
    # 1. SafeDispatch
    "textual.message_pump:MessagePump._dispatch_message": "async def (self, message)",
    "textual.app:App._handle_exception": "def (self, error)",
    # 2. ErrorHook
    # (App._handle_exception, above)
    # 3. FirstFrameHook
    "textual.app:App._display": "def (self, screen, renderable)",
    "textual.app:App._batch_count": "int",
    "textual._compositor:LayoutUpdate": "class",
    # 4. prepared screens
    "textual.app:App._screen_stacks": "dict",
    "textual.app:App._init_mode": "def (self, mode)",
    "textual.app:App._css_update_count": "int",
    "textual.screen:Screen._css_update_count": "int",
    "textual.screen:Screen._compositor": "Compositor|WholeWideChars",  # (7. once installed)
    "textual._compositor:Compositor.reflow": "def (self, parent, size)",
    "textual._compositor:Compositor.render_update": "def (self, full=, screen_stack=, simplify=)",
    # 5. BatchedRepaint
    "textual.screen:Screen._compositor_refresh": "def (self)",
    "textual.widget:Widget._repaint_required": "bool",
    # 6. CachedStylesheet
    "textual.css.stylesheet:Stylesheet._parse_rules": "def (self, css, read_from, is_default_rules=, tie_breaker=, scope=)",
    "textual.css.stylesheet:Stylesheet._variable_tokens": "dict",
    "textual.css.stylesheet:Stylesheet._variables": "dict",
    "textual.css.stylesheet:Stylesheet._invalid_css": "set",
    "textual.css.stylesheet:Stylesheet._rules": "list",
    "textual.css.stylesheet:Stylesheet._rules_map": "NoneType|dict",
    "textual.css.stylesheet:Stylesheet._require_parse": "bool",
    # 7. WholeWideChars
    "textual.screen:Compositor": "class",
    "textual._compositor:Compositor": "class",
    "textual._compositor:ChopsUpdate": "class",
    "textual._compositor:Compositor._render_chops": "def (self, crop, is_rendered_line)",
    "textual._compositor:Compositor._get_renders": "def (self, crop=)",
    "textual._compositor:Compositor.render_partial_update": "def (self)",
}


# -- 1. SafeDispatch: a failing handler does not freeze its widget ----------------------------------
class SafeDispatch:
    """Mixin for the app, screens and widgets: an exception in one of their handlers is
    reported by the app (crash log + message, or a notification for ``UserError``) and the
    node keeps processing messages. In ``strict`` mode (tests) and outside a dutydesk app the
    default behaviour is kept.

    Why: Textual's message loop (``MessagePump._process_messages_loop``) passes an exception
    raised by a handler to ``App._handle_exception`` (which exits) and leaves its loop: the
    widget, or for a binding handled by the app the whole app, stops responding.
    Relies on: every message of a node goes through ``MessagePump._dispatch_message(message)``;
    ``App._handle_exception(error)`` is where unhandled errors go (see ErrorHook).
    Public replacement: none in Textual 8 (no per-handler error hook); each handler would need
    its own try/except.
    """

    async def _dispatch_message(self, message) -> None:
        try:
            await super()._dispatch_message(message)  # type: ignore[misc]
        except Exception as error:
            app = self.app  # type: ignore[attr-defined]
            if getattr(app, "strict", True) or not hasattr(app, "handle_error"):
                raise
            app._handle_exception(error)


# -- 2. ErrorHook: an unexpected error is reported, the app goes on --------------------------------
class ErrorHook:
    """App mixin: errors Textual did not expect (a handler, a worker, a callback) go to the
    app's public ``handle_error(error) -> bool`` first; Textual's default (print the traceback
    and exit) only when it returns False (strict mode in tests, or reporting itself failed).

    Why: an office app must not close on the first unexpected error with the officer's unsaved
    work; it writes a crash log and stays up (``DutyDeskApp.report_crash``).
    Relies on: ``App._handle_exception(error)`` receives every unhandled exception (message
    loops, workers as ``WorkerFailed``, ``call_later`` callbacks) and is what ends the app.
    Public replacement: none in Textual 8 (an ``App.on_exception``-style hook would do).
    """

    def _handle_exception(self, error: Exception) -> None:
        if not self.handle_error(error):  # type: ignore[attr-defined]
            super()._handle_exception(error)  # type: ignore[misc]


# -- 3. FirstFrameHook: the moment the first whole screen reaches the terminal ---------------------
class FirstFrameHook:
    """App mixin: calls the app's ``first_frame_written(screen) -> bool`` after each whole frame
    written to the terminal until it returns True (dutydesk then turns the garbage collector
    back on, and exits for the start-up benchmark, ``DUTYDESK_EXIT_AFTER_PAINT``).

    Why: start-up is measured to the first painted screen; the collector is off until then.
    Relies on: ``App._display(screen, renderable)`` is the one place a frame is written (nothing
    is written while ``App._batch_count`` > 0); a whole-screen frame is a ``LayoutUpdate``.
    Public replacement: none; ``call_after_refresh`` runs after a refresh was scheduled, not
    after the frame was written, and also for frames dropped inside a batch.
    """

    first_frame_done = False

    def _display(self, screen, renderable) -> None:
        super()._display(screen, renderable)  # type: ignore[misc]
        if not self.first_frame_done and not self._batch_count and isinstance(renderable, LayoutUpdate):  # type: ignore[attr-defined]
            self.first_frame_done = self.first_frame_written(screen)  # type: ignore[attr-defined]


# -- 4. Prepared screens: build a mode's screen without showing it, draw it off screen -------------
def mode_screen(app, mode: str):
    """The base screen of ``mode`` if it has been built (shown or prepared), else None."""
    stack = app._screen_stacks.get(mode)
    return stack[-1] if stack else None


def build_mode(app, mode: str) -> None:
    """Compose and mount the screen of ``mode`` without switching to it (as ``switch_mode``
    does for a mode shown the first time)."""
    app._init_mode(mode)


def draw_off_screen(app, screen) -> None:
    """Style, lay out and render ``screen`` while another one is shown, so that showing it
    later reuses all that (a frame is computed, not written)."""
    if screen._css_update_count != app._css_update_count:  # as App.refresh_css does for a stack
        app.stylesheet.update(screen, animate=False)
        screen._css_update_count = app._css_update_count
    screen._compositor.reflow(screen, app.size)
    screen._compositor.render_update(full=True)


# Why: keys 2 and 3 would build, style and lay out a list screen (~300 ms) when first pressed;
# dutydesk builds them in idle moments after the first paint (DutyDeskApp._prepare_next).
# Relies on: ``App._screen_stacks`` maps each built mode to its screen stack; ``App._init_mode``
# builds a mode's screen (mounted, resumed once) without switching; ``switch_mode`` then reuses
# it. A screen restyled when ``Screen._css_update_count`` lags ``App._css_update_count``;
# ``Screen._compositor`` lays out (``reflow``) and renders (``render_update``) a screen.
# Public replacement: MODES entries naming installed screens (``App.install_screen``) would
# build screens up front but not mount, style or draw them; nothing draws a screen off screen.


# -- 5. BatchedRepaint: no frame rendered only to be dropped --------------------------------------
class BatchedRepaint:
    """Screen mixin: while the app is inside a batch update (its start, a mode switch) the
    screen's regions stay dirty and one repaint is asked for, which the screen makes once the
    batch ends (``Screen._on_idle``).

    Why: Textual renders the whole screen when its layout changes even inside a batch, then
    drops the result because ``App._display`` writes nothing during a batch: ~65 ms of the
    start on a frame nobody sees (bench/ANALYSIS.md).
    Relies on: ``Screen._compositor_refresh()`` renders and displays the screen;
    ``App._batch_count`` > 0 inside a batch; ``Widget._repaint_required`` makes the next idle
    pass repaint.
    Public replacement: none (``App.batch_update`` suspends writing, not rendering).
    """

    def _compositor_refresh(self) -> None:
        app = self.app  # type: ignore[attr-defined]
        if app._batch_count and self is app.screen and not app.is_inline:
            self._repaint_required = True
            return
        super()._compositor_refresh()  # type: ignore[misc]


# -- 6. CachedStylesheet: each CSS source parsed once ---------------------------------------------
class CachedStylesheet(Stylesheet):
    """A Textual stylesheet that parses each CSS source once per set of variables
    (``ui/stylesheet.py`` keeps the parsed rules between runs: ``ParseCache``).

    Why: Textual re-parses every CSS source whenever one is added or the variables are set
    (``App.refresh_css`` and ``Stylesheet.reparse`` build a fresh ``Stylesheet`` whose parse
    cache is empty): four times at start-up, ~110 ms of the start (bench/ANALYSIS.md). Parsed
    rules depend only on the source text, where it came from, its flags and the variables.
    Relies on: ``Stylesheet._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)``
    parses one source; the ``_variable_tokens`` property gives the variables tokenized (kept here
    per set of variables too); ``_variables`` holds the variables; ``reparse`` fills ``_rules``,
    resets ``_rules_map`` and ``_require_parse``, and collects errors in ``_invalid_css``.
    Public replacement: none (Textual has no hook for a shared parse cache).
    """

    def __init__(self, *, variables: dict[str, str] | None = None, shared: dict | None = None,
                 max_entries: int = 512) -> None:
        super().__init__(variables=variables)
        self.shared: dict = {} if shared is None else shared
        self.max_entries = max_entries
        self.variables_key: tuple | None = None

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        self.variables_key = None

    def key_of_variables(self) -> tuple:
        if self.variables_key is None:
            self.variables_key = tuple(sorted(self._variables.items()))
        return self.variables_key

    @property
    def _variable_tokens(self) -> dict:
        """The variables tokenized once per set of variables, not once per fresh sheet: a screen
        whose widgets bring CSS not parsed before (the 态势 screen's Sparkline) would otherwise
        tokenize all the theme's variables again (~35 ms of building it)."""
        key = ("variable tokens", self.key_of_variables())
        tokens = self.shared.get(key)
        if tokens is None:
            tokens = self.shared[key] = tokenize_values(self._variables)
        return tokens

    def _parse_rules(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
        key = (css, read_from, is_default_rules, tie_breaker, scope, self.key_of_variables())
        rules = self.shared.get(key)
        if rules is None:
            rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
            if len(self.shared) >= self.max_entries:
                self.shared.clear()
            self.shared[key] = rules
        return rules

    def copy(self) -> "CachedStylesheet":
        stylesheet = CachedStylesheet(variables=self._variables.copy(), shared=self.shared,
                                      max_entries=self.max_entries)
        stylesheet.source = self.source.copy()
        return stylesheet

    def reparse(self) -> None:
        """As ``Stylesheet.reparse`` (parse into a fresh sheet so that an error leaves this one
        intact), with the shared cache."""
        stylesheet = CachedStylesheet(variables=self._variables, shared=self.shared, max_entries=self.max_entries)
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            stylesheet.add_source(css, read_from=read_from, is_default_css=is_defaults, tie_breaker=tie_breaker,
                                  scope=scope)
        try:
            stylesheet.parse()
        except Exception:
            self._invalid_css.update(stylesheet._invalid_css)
            raise
        else:
            self._rules = stylesheet.rules
            self._rules_map = None
            self.source = stylesheet.source
            self._require_parse = False


# -- 7. WholeWideChars: a Chinese character is never cut in two where widgets overlap -----------
NO_CELLS = Strip([], 0)


class WholeWideChars(Compositor):
    """The compositor of every screen (:func:`keep_wide_chars_whole`): where one widget lies over
    others (a Select's list, a toast, a tooltip), a two-cell character of it that straddles the
    edge of a widget underneath is drawn whole, not as two blanks.

    Why: the 请假 form's 人员 list showed "    丽（值班人员）" for 赵丽: Textual cuts every screen
    line at each widget's left and right edge, also under an overlay that covers them, and
    cuts the overlay's line there (``Strip.divide``); a two-cell character across a cut becomes
    two spaces. Here such a cut is not made when the same widget shows on both sides of it:
    that widget's piece runs on over the next one (whose place keeps an empty strip, so nothing
    beneath shows through), and a partial update (``ChopsUpdate``) is told where the longer
    piece ends. Textual issue #6357 (open for 8.2.8).
    Relies on: ``Compositor._render_chops(crop, is_rendered_line)`` builds, per screen line, a
    dict {cut: strip or None} from ``cuts`` and ``_get_renders(crop)`` (region, clip, strips),
    front to back, the first strip for a cut winning; ``render_full_update`` and
    ``render_strips`` join a line's strips; ``render_partial_update()`` returns a
    ``ChopsUpdate`` whose ``chops``, ``spans`` and ``chop_ends`` (per line, the end of each
    chop, in the order of ``chops``) are what gets written; a ``Screen`` makes its compositor
    as ``textual.screen.Compositor()``.
    Public replacement: none; a fix of #6357 in Textual would make this section unnecessary.
    """

    def _render_chops(self, crop, is_rendered_line):
        cuts = self.cuts
        chops: list[dict] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
        for region, clip, strips in self._get_renders(crop):
            render_region = region.intersection(clip)
            render_x = render_region.x
            first_cut, last_cut = render_region.column_span
            for y, strip in zip(render_region.line_range, strips):
                if not is_rendered_line(y):
                    continue
                line = chops[y]
                line_cuts = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
                joined = cuts_inside_wide_chars(strip, render_x, line_cuts, line)
                if joined:
                    line_cuts = [cut for cut in line_cuts if cut not in joined]
                pieces = strip.divide([cut - render_x for cut in line_cuts[1:]])
                for cut, piece in zip(line_cuts, pieces):  # front to back: the first piece for a cut wins
                    if line.get(cut) is None:
                        line[cut] = piece
                for cut in joined:
                    line[cut] = NO_CELLS
        return chops

    def render_partial_update(self):
        update = super().render_partial_update()
        if update is not None:
            for y in {y for y, _, _ in update.spans}:
                update.chop_ends[y] = [max(end, x + strip.cell_length) if strip is not None else end
                                       for end, (x, strip) in zip(update.chop_ends[y], update.chops[y].items())]
        return update


def cuts_inside_wide_chars(strip: Strip, x: int, line_cuts: list[int], line: dict) -> set[int]:
    """The cuts inside ``line_cuts`` (a widget's line drawn from screen column ``x``) that fall
    between the two cells of a wide character, where no widget in front has taken either side."""
    free = {cut for before, cut in zip(line_cuts, line_cuts[1:-1]) if line.get(before) is None and line.get(cut) is None}
    if not free or strip.text.isascii():
        return set()
    middles = set()
    for segment in strip:
        if segment.control:
            continue
        if segment.text.isascii():
            x += len(segment.text)
            continue
        for char in segment.text:
            width = get_character_cell_size(char)
            if width == 2:
                middles.add(x + 1)
            x += width
    return free & middles


def keep_wide_chars_whole() -> None:
    """Make every screen created from now on draw with :class:`WholeWideChars` (idempotent)."""
    textual.screen.Compositor = WholeWideChars  # type: ignore[attr-defined,misc]
