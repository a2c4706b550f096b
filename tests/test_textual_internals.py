"""Textual's private names: only ``ui/internals.py`` uses them, and each one it relies on is still
there, in the same shape, on the installed Textual (an upgrade that changes one fails here, by name).

Run against the newest Textual with ``bench/newest_textual.sh``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
from functools import lru_cache
from pathlib import Path

import pytest

import dutydesk.ui
from dutydesk.ui import internals

UI = Path(dutydesk.ui.__file__).parent


# -- 1. what internals.py relies on ----------------------------------------------------------------
def resolve(target: str):
    module_name, _, dotted = target.partition(":")
    owner = importlib.import_module(module_name)
    *path, name = dotted.split(".")
    for part in path:
        owner = getattr(owner, part)
    return owner, name


def params(func) -> str:
    out = []
    for p in inspect.signature(func).parameters.values():
        out.append(p.name + ("=" if p.default is not inspect.Parameter.empty else ""))
    return ", ".join(out)


@pytest.mark.parametrize("target", sorted(internals.RELIES_ON))
def test_private_textual_name_still_there(target):
    expected = internals.RELIES_ON[target]
    owner, name = resolve(target)
    if expected == "class":
        assert inspect.isclass(getattr(owner, name)), f"{target} is no longer a class"
    elif expected.startswith(("def ", "async def ")):
        func = inspect.getattr_static(owner, name, None)
        assert func is not None, f"{target} is gone"
        assert inspect.isfunction(func), f"{target} is no longer a plain method: {func!r}"
        is_async = expected.startswith("async ")
        assert inspect.iscoroutinefunction(func) == is_async, f"{target}: async changed"
        want = expected.split("(", 1)[1].rstrip(")")
        assert params(func) == want, f"{target}: parameters are now ({params(func)}), internals.py expects ({want})"
    else:  # an instance attribute: its type on a fresh instance
        value = getattr(owner(), name, KeyError)  # (made without an app running)
        assert value is not KeyError, f"{target} is gone (not set on a new {owner.__name__})"
        assert type(value).__name__ in expected.split("|"), \
            f"{target} is now a {type(value).__name__}, internals.py expects {expected}"


def test_every_private_name_in_internals_is_listed():
    """``RELIES_ON`` is complete: each private attribute internals.py reads or overrides on a
    Textual class is in it (so none changes unnoticed)."""
    listed = {t.rsplit(".", 1)[-1] for t in internals.RELIES_ON} | {t.split(":")[1] for t in internals.RELIES_ON}
    tree = ast.parse((UI / "internals.py").read_text(encoding="utf-8"))
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            used.add(node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_private(node.name):
            used.add(node.name)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("textual."):
            used |= {a.name for a in node.names if is_private(a.name)} | (
                {a.name for a in node.names} if any(is_private(p) for p in node.module.split(".")) else set())
    assert used - listed == set()


def test_public_hooks_shadow_nothing():
    """What replaced private overrides with public names relies on Textual not defining them
    itself: ``Input`` has no public ``watch_value`` (SearchBox's runs after Input's private
    ``_watch_value``), ``Screen`` no public ``on_screen_resume``/``on_screen_suspend`` (BaseScreen's
    run before Textual's own ``_on_screen_resume``, which ``prevent_default`` skips), and ``App``
    still reads ``DEFAULT_MODE`` (the app starts in the first screen's mode)."""
    from textual.app import App
    from textual.screen import Screen
    from textual.widgets import Input

    for cls, names in ((Input, ["watch_value"]), (Screen, ["on_screen_resume", "on_screen_suspend"])):
        for klass in cls.__mro__:
            for name in names:
                assert name not in vars(klass), f"{klass.__name__}.{name} now exists: see dutydesk/ui/internals.py"
    assert "self.DEFAULT_MODE" in inspect.getsource(App.__init__)


async def test_hooks_fire(make_test_app):
    """The first-frame hook runs once a whole screen is written, and the app started in its
    first screen's mode without building Textual's default screen."""
    app = make_test_app(start="petitions")
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        assert app.first_frame_done and app.current_mode == "petitions"
        assert "_default" not in app.MODES and internals.mode_screen(app, "_default") is None


# -- 2. nobody else touches Textual's private names -------------------------------------------------
def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


@lru_cache(maxsize=None)
def privates_of(klass: type) -> frozenset[str]:
    """Private names a Textual class defines: in its namespace, or as ``self._x`` in its code."""
    names = {n for n in vars(klass) if is_private(n)}
    try:
        source = textwrap.dedent(inspect.getsource(klass))
    except (OSError, TypeError):
        return frozenset(names)
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"
                and is_private(node.attr)):
            names.add(node.attr)
    return frozenset(names)


def textual_privates(cls: type) -> frozenset[str]:
    out: set[str] = set()
    for klass in cls.__mro__:
        if klass.__module__.split(".")[0] == "textual":
            out |= privates_of(klass)
    return frozenset(out)


@lru_cache(maxsize=None)
def all_textual_privates() -> frozenset[str]:
    """Private names of every Textual class a dutydesk UI module can reach: the app, screens,
    widgets, events, messages, and the classes dutydesk subclasses."""
    import textual.app
    import textual.events
    import textual.screen
    import textual.widget
    import textual.widgets

    classes = {textual.app.App, textual.screen.Screen, textual.widget.Widget}
    for module in (textual.events, textual.widgets, textual.screen, textual.app):
        for name in getattr(module, "__all__", dir(module)):
            obj = getattr(module, name, None)
            if inspect.isclass(obj) and obj.__module__.startswith("textual"):
                classes.add(obj)
    out: set[str] = set()
    for cls in classes:
        out |= textual_privates(cls)
    return frozenset(out)


def ui_modules():
    for info in pkgutil.walk_packages([str(UI)], prefix="dutydesk.ui."):
        if info.name != "dutydesk.ui.internals":
            yield info.name


def violations(module_name: str, source: str | None = None, module=None) -> list[str]:
    """Private Textual names a module reads, writes or overrides (``internals`` aside)."""
    if module is None:
        module = importlib.import_module(module_name)
    if source is None:
        source = Path(module.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    found: list[str] = []
    everything = all_textual_privates()

    def receiver_privates(node: ast.expr, cls: type | None) -> frozenset[str]:
        if isinstance(node, ast.Name) and node.id in ("self", "cls") and cls is not None:
            return textual_privates(cls)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super" and cls:
            return textual_privates(cls)
        if isinstance(node, ast.Name):
            obj = getattr(module, node.id, None)
            if inspect.ismodule(obj):  # a module's private name: a Textual module's only
                return everything if obj.__name__.startswith("textual") else frozenset()
            if inspect.isclass(obj):
                return textual_privates(obj)
        return everything  # app, screen, event, a widget…: any Textual class's

    def visit(node: ast.AST, cls: type | None) -> None:
        if isinstance(node, ast.ClassDef):
            inner = getattr(module if cls is None else cls, node.name, None)
            inner = inner if inspect.isclass(inner) else None
            if inner is not None:
                own = textual_privates(inner)
                for item in node.body:
                    names = []
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        names = [item.name]
                    elif isinstance(item, (ast.Assign, ast.AnnAssign)):
                        targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                        names = [t.id for t in targets if isinstance(t, ast.Name)]
                    found.extend(f"{module_name}: {node.name}.{n} overrides Textual's" for n in names
                                 if is_private(n) and n in own)
            for child in ast.iter_child_nodes(node):
                visit(child, inner or cls)
            return
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            if node.attr in receiver_privates(node.value, cls):
                found.append(f"{module_name}:{node.lineno}: .{node.attr} is Textual's")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("getattr", "setattr", "hasattr", "delattr") and len(node.args) >= 2
              and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)
              and is_private(node.args[1].value)):
            if node.args[1].value in receiver_privates(node.args[0], cls):
                found.append(f"{module_name}:{node.lineno}: {node.func.id}(…, {node.args[1].value!r}) is Textual's")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "textual":
            if any(is_private(p) for p in node.module.split(".")) or any(is_private(a.name) for a in node.names):
                found.append(f"{module_name}:{node.lineno}: imports a private Textual name from {node.module}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "textual" and any(is_private(p) for p in alias.name.split(".")):
                    found.append(f"{module_name}:{node.lineno}: imports {alias.name}")
        for child in ast.iter_child_nodes(node):
            visit(child, cls)

    visit(tree, None)
    return found


def test_no_private_textual_name_outside_internals():
    found = [v for name in ui_modules() for v in violations(name)]
    assert found == [], "move these to dutydesk/ui/internals.py (or use public API):\n" + "\n".join(found)


def test_the_fast_table_uses_public_names_only():
    assert violations("dutydesk.ui.widgets.fast_table") == []


def test_the_check_finds_what_it_should():
    """The checker itself: each kind of use is caught, dutydesk's own private names are not."""
    import types

    from textual.app import App
    from textual.screen import Screen
    from textual.widgets import DataTable

    module = types.ModuleType("planted")

    class Planted(App):
        pass

    class Table(DataTable):
        pass

    module.Planted, module.Table, module.Screen = Planted, Table, Screen
    source = textwrap.dedent('''
        from textual._compositor import LayoutUpdate
        class Planted(App):
            _batch_count = 0
            def _display(self, screen, renderable):
                super()._display(screen, renderable)
                screen._compositor.reflow(screen, self.size)
                getattr(self, "_screen_stacks")
            def _mine(self):
                self._my_own = 1
                other._also_mine = 2
        class Table(DataTable):
            def _render_cell(self, *a):
                return self._row_locations
        def free(app):
            return app._batch_count + Screen._compositor_refresh
        ''')
    found = violations("planted", source, module)
    for expected in ("from textual._compositor", "Planted._batch_count", "Planted._display", ":6: ._display", "._compositor",
                     "'_screen_stacks'", "Table._render_cell", "._row_locations", ":16: ._batch_count",
                     "._compositor_refresh"):
        assert any(expected in f for f in found), (expected, found)
    assert not any("_mine" in f or "_my_own" in f or "_also_mine" in f for f in found), found
