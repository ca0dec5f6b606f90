"""The import graph of `src/cctrace`, read with `ast` (nothing is imported to build it).

An edge `a -> b` means module `a` imports module `b`, at the top of the file or inside a
function (a lazy import still makes a cycle: it only moves the failure to run time). Imports
under `if TYPE_CHECKING:` do not count (they never run). `from pkg import name` is an edge to
`pkg.name` when that is a module, else to `pkg` (whose `__init__` runs). Dynamic imports
(`importlib.import_module`) are not seen.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def modules(src: Path = SRC) -> dict[str, Path]:
    """Every module of the `cctrace` package: dotted name -> file."""
    out = {}
    for path in sorted((src / "cctrace").rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _imports(tree: ast.AST, name: str, is_package: bool, known: dict[str, Path]) -> set[str]:
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in known:
                    found.add(full)
                elif base in known:
                    found.add(base)
    return found


def _type_checking_only(tree: ast.AST) -> set[int]:
    """ids of the import nodes that sit under `if TYPE_CHECKING:`."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for stmt in node.body:
                ids |= {id(n) for n in ast.walk(stmt)}
    return ids


def graph(src: Path = SRC) -> dict[str, set[str]]:
    """Module -> the cctrace modules it imports."""
    known = modules(src)
    out: dict[str, set[str]] = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        skip = _type_checking_only(tree)
        for node in ast.walk(tree):
            if id(node) in skip and isinstance(node, (ast.Import, ast.ImportFrom)):
                node.names = []
        out[name] = _imports(tree, name, path.name == "__init__.py", known) - {name}
    return out


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a path back to its start) per strongly connected group of modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:  # Tarjan; the graph is a few hundred modules deep at most
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return [_path_in(edges, set(g)) for g in groups]


def _path_in(edges: dict[str, set[str]], group: set[str]) -> list[str]:
    """A cycle through the group's first module, staying inside the group (breadth first,
    so the shortest one)."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(edges[v] & group):
            if w == start:
                return paths[v] + [start]
            if w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)
    return sorted(group)
