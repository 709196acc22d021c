"""The package's import graph has no cycles, lazy imports included.

A cycle (the batch importing the kit that imports the batch) makes the order of imports matter
and hides which stage depends on which; the stages are folders so that data flows one way.
"""

from __future__ import annotations

import ast
from pathlib import Path

import presskit

PACKAGE = Path(presskit.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, known: set[str]) -> set[str]:
    """presskit modules `path` imports anywhere in its body (inside functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(name for name in names if name in known)
    return found


def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    known = set(files)
    edges = {name: imports_of(path, known) - {name} for name, path in files.items()}
    # `import presskit.x.y` runs the packages' __init__ too, but they import nothing heavy;
    # a package's own __init__ is not an edge of its modules.
    for name in edges:
        edges[name] = {dep for dep in edges[name] if not name.startswith(dep + ".")}
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(edges.get(node, ())):
            if state.get(dep) == 1:
                return [*stack[stack.index(dep) :], dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycles() -> None:
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_every_stage_is_a_package_folder() -> None:
    for stage in ("source", "shortcodes", "output", "weasy", "batch", "themes"):
        assert (PACKAGE / stage / "__init__.py").is_file(), stage
