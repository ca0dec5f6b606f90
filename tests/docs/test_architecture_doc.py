"""docs/architecture.md against the code: its generated tables (which module writes each
table, which package imports which) are what the code says, every package and store module
is named, and every module path it names exists. Regenerate the tables with:

    .venv/bin/python tests/docs/test_architecture_doc.py --write
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from layout.imports import SRC, graph  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
PKG = SRC / "cctrace"
BLOCK = "<!-- BEGIN GENERATED {name}: do not edit by hand -->\n{body}<!-- END GENERATED -->"
_CREATE = re.compile(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)")
_WRITE = re.compile(r"(?:INSERT(?: OR \w+)? INTO|REPLACE INTO|UPDATE|DELETE FROM) (\w+)\b")


def table_writers() -> dict[str, list[str]]:
    """Each table of the schema -> the modules whose SQL inserts, updates or deletes it."""
    tables = set(_CREATE.findall((PKG / "store" / "schema.py").read_text(encoding="utf-8")))
    tables.discard("schema_version")  # the migration bookkeeping, schema.py alone
    out: dict[str, set[str]] = {t: set() for t in tables}
    for path in sorted(PKG.rglob("*.py")):
        for table in _WRITE.findall(path.read_text(encoding="utf-8")):
            if table in out:
                out[table].add(path.relative_to(PKG).as_posix())
    return {t: sorted(m) for t, m in sorted(out.items())}


def package_imports() -> dict[str, list[str]]:
    """Each package (or top-level module) of cctrace -> the others it imports."""
    def room(module: str) -> str:
        parts = module.split(".")
        return parts[1] if len(parts) > 1 else ""

    out: dict[str, set[str]] = {}
    for module, targets in graph().items():
        name = room(module)
        if name in ("", "__main__"):
            continue
        out.setdefault(name, set()).update(room(t) for t in targets)
    return {k: sorted(v - {k, ""}) for k, v in sorted(out.items())}


def _table(header: str, rows: dict[str, list[str]], fmt: str) -> str:
    lines = [header, "|---|---|"]
    for key, values in rows.items():
        cell = ", ".join(fmt.format(v) for v in values)
        lines.append(f"| `{key}` | {cell} |" if cell else f"| `{key}` | |")
    return "\n".join(lines) + "\n"


def generated() -> dict[str, str]:
    return {
        "tables": _table("| table | written by |", table_writers(), "`{}`"),
        "imports": _table("| package | imports |", package_imports(), "`{}`"),
    }


def _replace(text: str, name: str, body: str) -> str:
    begin = f"<!-- BEGIN GENERATED {name}: do not edit by hand -->"
    end_mark = "<!-- END GENERATED -->"
    start = text.index(begin)
    end = text.index(end_mark, start) + len(end_mark)
    return text[:start] + BLOCK.format(name=name, body=body) + text[end:]


def test_generated_tables_match_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name, body in generated().items():
        assert BLOCK.format(name=name, body=body) in text, (
            f"docs/architecture.md: the {name} table is stale; run "
            "tests/docs/test_architecture_doc.py --write")


def test_every_table_has_a_writer_in_a_module_named_for_it() -> None:
    writers = table_writers()
    assert set(writers) == {"cost_states", "counters", "cursors", "dead_letters", "findings",
                            "hook_events", "observations", "outbox", "policy_copies",
                            "session_forks", "sessions", "store_meta", "tombstones", "traces"}
    assert writers["cost_states"] == ["store/costs.py", "store/erasure.py"]
    assert writers["hook_events"] == ["store/erasure.py", "store/hooks.py"]
    assert writers["tombstones"] == ["store/tombstones.py"]
    assert writers["policy_copies"] == ["store/erasure.py", "store/policycopies.py"]
    assert all(writers.values())


def test_every_package_and_store_module_is_named() -> None:
    text = DOC.read_text(encoding="utf-8")
    rooms = sorted(f"`{p.name}/`" for p in PKG.iterdir()
                   if p.is_dir() and (p / "__init__.py").exists())
    rooms += sorted(f"`{p.name}`" for p in PKG.glob("*.py")
                    if p.name not in ("__init__.py", "__main__.py"))
    missing = [r for r in rooms if f"| {r} |" not in text]
    assert missing == [], "packages without a row in the rooms table"
    store = sorted(f"`store/{p.name}" for p in (PKG / "store").glob("*.py")
                   if p.name != "__init__.py")
    assert [m for m in store if m not in text] == [], "store modules the doc does not name"


def test_every_module_path_named_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    named = set(re.findall(r"\b([a-z_]+/[a-z_/]*[a-z_]+\.py)\b", text))
    named = {n.removeprefix("cctrace/") for n in named
             if not n.startswith(("tests/", "bench/", "src/"))}
    assert len(named) > 40
    assert sorted(n for n in named if not (PKG / n).exists()) == []


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        raise SystemExit(__doc__)
    doc = DOC.read_text(encoding="utf-8")
    for block, body in generated().items():
        doc = _replace(doc, block, body)
    DOC.write_text(doc, encoding="utf-8")
