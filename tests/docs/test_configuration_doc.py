"""docs/configuration.md's reference table is generated from `cctrace.cli.config.SCHEMA`;
this test fails when the two disagree. Regenerate with:

    /tmp/venv/bin/python tests/docs/test_configuration_doc.py --write
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from cctrace.cli.config import SCHEMA

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
BEGIN = "<!-- BEGIN GENERATED from cctrace.cli.config.SCHEMA: do not edit by hand -->"
END = "<!-- END GENERATED -->"
KINDS = {"str": "string", "int": "integer", "bool": "true/false", "level": "level",
         "list": "list of strings", "table": "table of strings",
         "levels": "table of levels", "prices": "table of model prices"}


def _default(value: object) -> str:
    if value is None or value == [] or value == {}:
        return ""
    if isinstance(value, list) and len(value) > 4:
        return f"{len(value)} built-in patterns (`cctrace config get {{key}}`)"
    return "`" + json.dumps(value, ensure_ascii=False) + "`"


def table() -> str:
    rows = ["| key | type | default | environment | meaning |", "|---|---|---|---|---|"]
    for name, key in SCHEMA.items():
        notes = []
        if key.secret:
            notes.append("secret, never printed")
        if key.read_only:
            notes.append("read-only")
        meaning = key.help.replace("|", "\\|") + (f" ({'; '.join(notes)})" if notes else "")
        rows.append(f"| `{name}` | {KINDS.get(key.kind, key.kind)} | "
                    f"{_default(key.default).replace('{key}', name)} | "
                    f"{', '.join(f'`{e}`' for e in key.env)} | {meaning} |")
    rows.append("| `capture.tools.<Tool>` | level |  |  | capture level of one tool "
                "(case-sensitive tool name, e.g. `capture.tools.Bash`) |")
    return "\n".join(rows)


def generated_section(text: str) -> str:
    return text[text.index(BEGIN) + len(BEGIN): text.index(END)].strip()


def test_doc_matches_schema():
    text = DOC.read_text(encoding="utf-8")
    assert generated_section(text) == table(), (
        "docs/configuration.md is out of date: run "
        "`python tests/docs/test_configuration_doc.py --write`")
    for name in SCHEMA:
        assert f"`{name}`" in text


if __name__ == "__main__" and "--write" in sys.argv:
    text = DOC.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{BEGIN}\n{table()}\n{END}{tail}", encoding="utf-8")
    print(f"wrote {DOC}")
