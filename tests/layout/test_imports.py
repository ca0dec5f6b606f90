"""No import cycles in `src/cctrace`: the graph (tests/layout/imports.py) has none, and the
checker does find one where there is one."""

from __future__ import annotations

from pathlib import Path

from layout.imports import cycles, graph, modules


def test_no_import_cycles() -> None:
    found = cycles(graph())
    assert found == [], "import cycles: " + "; ".join(" -> ".join(c) for c in found)


def test_the_graph_sees_top_level_lazy_relative_and_package_imports() -> None:
    edges = graph()
    assert "cctrace.store.hooks" in edges["cctrace.store.db"]  # top level
    assert "cctrace.security.crypto" in edges["cctrace.store.connection"]  # in a function
    assert "cctrace.security.keys" in edges["cctrace.config"]  # `from pkg import module`
    assert len(modules()) == len(edges) > 150


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / "cctrace" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_a_cycle_is_named_with_its_path(tmp_path: Path) -> None:
    src = _tree(tmp_path, {
        "__init__.py": "",
        "a.py": "from cctrace import b\n",
        "b.py": "def f():\n    from cctrace.pkg.c import x\n",
        "pkg/__init__.py": "",
        "pkg/c.py": "from ..a import y\nx = 1\n",
        "d.py": "from cctrace import a\n",
    })
    assert cycles(graph(src)) == [["cctrace.a", "cctrace.b", "cctrace.pkg.c", "cctrace.a"]]


def test_type_checking_imports_make_no_cycle(tmp_path: Path) -> None:
    src = _tree(tmp_path, {
        "__init__.py": "",
        "a.py": "from cctrace import b\n",
        "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from cctrace import a\n",
    })
    assert graph(src)["cctrace.b"] == set()
    assert cycles(graph(src)) == []
