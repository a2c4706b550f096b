"""The house rules that `lint-imports` (CI) cannot check alone: no import cycles (function-local
imports included), no module over 500 lines, the store names no domain, every top-level module
sits in a layer, and importing any module outside the UI loads no textual (nor rich's live
widgets) in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "dutydesk"
MAX_LINES = 500
LIVE_WIDGETS = ("textual", "rich.live", "rich.progress", "rich.status", "rich.prompt")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def _type_checking_block(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def imports_of(name: str) -> set[str]:
    """dutydesk modules that ``name`` imports anywhere (top level or inside functions), resolved
    to the module (``from pkg import mod`` counts as ``pkg.mod`` when that is a module), without
    the imports under ``if TYPE_CHECKING:``."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _type_checking_block(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "dutydesk")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "dutydesk":
                subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES]
                if subs:
                    found.update(subs)
                if len(subs) < len(node.names):
                    found.add(target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(name)
    # importing a.b.c runs a/__init__ and a/b/__init__: those are not edges of the design
    return {m for m in found if m in MODULES and not name.startswith(m + ".")}


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in graph:
        if v not in index:
            strong(v)
    return out


def test_the_cycle_finder_finds_a_cycle_through_a_function_local_import(tmp_path):
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_function_local_ones_included():
    graph = {name: imports_of(name) for name in MODULES}
    assert find_cycles(graph) == []


def test_no_module_over_500_lines():
    long = {name: n for name, path in MODULES.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_the_store_names_no_domain():
    allowed = ("dutydesk.store", "dutydesk.errors", "dutydesk.dates", "dutydesk.text")
    offenders = {name: sorted(m for m in imports_of(name) if not m.startswith(allowed) and m != "dutydesk")
                 for name in MODULES if name.startswith("dutydesk.store")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_every_top_level_module_sits_in_a_layer():
    config = tomllib.loads((PKG.parent / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    named = {part.strip().strip("()") for layer in layers for part in layer.replace(":", "|").split("|")}
    top = {name.split(".")[1] for name in MODULES if name.count(".") >= 1}
    assert top - named == set()


def test_no_module_outside_the_ui_loads_textual_in_a_fresh_interpreter():
    """Each module imported alone in a new interpreter (the AST and lint-imports see what a module
    names; this sees what importing it really loads, through other packages too)."""
    from concurrent.futures import ThreadPoolExecutor

    outside = [n for n in MODULES if not n.startswith("dutydesk.ui") and n != "dutydesk.launch"]
    probe = ("import importlib, sys; importlib.import_module(sys.argv[1]); "
             f"print(sorted(m for m in sys.modules if m in {LIVE_WIDGETS!r} or m.startswith({tuple(w + '.' for w in LIVE_WIDGETS)!r})))")

    def loaded(name: str) -> str:
        out = subprocess.run([sys.executable, "-c", probe, name], capture_output=True, text=True, cwd=PKG.parent)
        return out.stdout.strip() if out.returncode == 0 else out.stderr.strip()[-300:]

    with ThreadPoolExecutor(4) as pool:
        results = dict(zip(outside, pool.map(loaded, outside)))
    assert {name: got for name, got in results.items() if got != "[]"} == {}
    assert len(outside) > 40  # the check really ran over the package


@pytest.mark.parametrize("name", ["dutydesk.cli.main", "dutydesk.bootstrap"])
def test_the_command_line_and_bootstrap_do_not_import_the_ui(name):
    assert not any(m.startswith("dutydesk.ui") for m in imports_of(name))
