"""The shape of the code: no import cycles, dependencies pointing one way, modules plugged in one way.

Imports are read from the source (every ``import`` and ``from … import``, at module level and
inside functions alike: a lazy import is still a dependency), so a cycle fails here even when
Python would tolerate it at run time.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("webapp", "indexer")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            out[_module_name(path)] = path
    return out


MODULES = _modules()


def _target(name: str) -> str | None:
    """The project module an import name refers to (the longest known prefix)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # "from a.b import c" depends on a.b.c when c is a module, else on a.b.
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names
            ]
        else:
            continue
        for name in names:
            target = _target(name)
            if target is not None and target != module:
                found.add(target)
    return found


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def test_no_import_cycles() -> None:
    assert _cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


FEATURES = ("webapp.accounts", "webapp.directory", "webapp.demo", "webapp.api", "webapp.p2p")


def _depends_on(module: str, prefixes: tuple[str, ...]) -> list[str]:
    return sorted(t for t in GRAPH[module] if t.startswith(prefixes))


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("indexer", ("webapp",)),  # the search library knows nothing of Flask or the models
        ("webapp.taxonomy", ("webapp.core", *FEATURES)),  # vocabulary below the platform
        ("webapp.core", FEATURES),  # the platform imports no feature module
        ("webapp.api", ("webapp.directory", "webapp.accounts", "webapp.demo", "webapp.p2p")),  # generic
    ],
)
def test_dependencies_point_one_way(layer: str, forbidden: tuple[str, ...]) -> None:
    offending = {
        module: _depends_on(module, forbidden)
        for module in GRAPH
        if (module == layer or module.startswith(layer + ".")) and _depends_on(module, forbidden)
    }
    assert offending == {}


def test_every_module_plugs_in_through_init_app() -> None:
    """Each entry of MODULES is a package with init_app(app); the factory knows nothing else."""
    from webapp import MODULES as APP_MODULES

    for name in APP_MODULES:
        module = importlib.import_module(name)
        assert callable(getattr(module, "init_app", None)), f"{name} has no init_app(app)"
    factory = ast.parse((REPO / "webapp" / "__init__.py").read_text(encoding="utf-8"))
    imported = {
        node.module
        for node in ast.walk(factory)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(FEATURES)
    }
    assert imported == set(), "create_app imports a feature module directly instead of walking MODULES"
