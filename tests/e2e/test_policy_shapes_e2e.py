"""End-to-end: denied files never leak through the real tools' real output shapes.

Known leaks this guards (issue 12): `Grep` with `-A 30` over a `*.pem` exported the 25
base64 body lines (only the BEGIN/END match lines were withheld); `-C 2` over `.env`
exported `.env-2-DB_HOST=...` (ripgrep writes context lines as `path-N-text`); a match line
whose path contains a space passed; `python3 - <<'EOF' ... open('.env') ... EOF` exported the
whole `.env`. Every call below runs in the real Claude Code CLI against a scripted model;
after `cctrace flush` no denied line may be on the wire or in the state dir.
"""

from __future__ import annotations

import os
import random

import pytest

from support.absence import leaks
from support.model_server import ToolUse, text, tools
from support.traced import TracedSession
from support.withheld import withheld_run

pytestmark = pytest.mark.e2e

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_RNG = random.Random(12)
BODY = ["".join(_RNG.choice(ALPHABET) for _ in range(64)) for _ in range(25)]
PEM = ("-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(BODY)
       + "\n-----END RSA PRIVATE KEY-----\n")
# Plain-looking values: no detector knows them, only the path policy can keep them off.
ENV = ("APP_NAME=shapes\nDB_HOST=db-host-q7w3e9r1.internal\nDB_PORT=5432\n"
       "DB_USER=svc_q7w3e9r1\nDB_NAME=orders_q7w3e9r1\n")
ENV_VALUES = ["db-host-q7w3e9r1", "svc_q7w3e9r1", "orders_q7w3e9r1"]
SPACED_VALUE = "spaced-dir-value-x4c8v2b6"


def _grep(**kw):
    return ToolUse("Grep", kw)


def test_grep_and_heredoc_shapes_leak_nothing(traced: TracedSession, _isolated_state):
    t = traced
    project = t.home.project
    (project / "keys").mkdir()
    (project / "keys" / "server.pem").write_text(PEM)
    (project / ".env").write_text(ENV)
    (project / "notes.txt").write_text("DB_PORT is documented here\nnothing else\n")
    (project / "my dir").mkdir()
    (project / "my dir" / ".env").write_text(f"SPACED={SPACED_VALUE}\nDB_PORT=1\n")
    t.server.add("[shapes-1]", [
        tools(_grep(pattern="BEGIN", path=t.p("keys"), output_mode="content", **{"-A": 30,
                                                                                 "-n": True})),
        tools(_grep(pattern="BEGIN", glob="*.pem", output_mode="content", **{"-A": 30})),
        tools(_grep(pattern="DB_PORT", output_mode="content", **{"-C": 2, "-n": True})),
        tools(_grep(pattern="DB_PORT", output_mode="content", **{"-C": 2})),
        tools(_grep(pattern="DB_PORT", output_mode="content", multiline=True,
                    **{"-B": 3})),
        tools(_grep(pattern="SPACED", path=t.p("my dir"), output_mode="content",
                    **{"-n": True, "-A": 2})),
        tools(_grep(pattern="DB_", output_mode="count")),
        tools(_grep(pattern="DB_", output_mode="files_with_matches")),
        tools(ToolUse("Bash", {"command": "python3 - <<'EOF'\nprint(open('.env').read())\nEOF",
                               "description": "show env"})),
        tools(ToolUse("Bash", {"command": 'python3 <<< "print(open(\'.env\').read())"',
                               "description": "show env"})),
        tools(ToolUse("Bash", {"command": "grep -rn -A 30 BEGIN . ; rg -C 2 DB_PORT",
                               "description": "search"})),
        text("Done."),
    ])
    # Every 12-character piece of each value, not just whole values.
    planted = {f"pem-{i}": line for i, line in enumerate(BODY)}
    planted.update({f"env-{i}": v for i, v in enumerate(ENV_VALUES)}, spaced=SPACED_VALUE)
    withheld_run(t, "shapes-1", planted, "notes.txt")  # non-denied matches survive
    found = {}
    for folder, _, files in os.walk(_isolated_state):
        for name in files:
            path = os.path.join(folder, name)
            data = open(path, "rb").read()
            hits = [v for v in BODY + ENV_VALUES + [SPACED_VALUE] if leaks(v, data)]
            if hits:
                found[os.path.relpath(path, _isolated_state)] = hits[:3]
    assert found == {}, f"denied content in the state dir: {found}"
