"""The run every capture-policy end-to-end test ends with: prompt, flush, check absence.

A policy e2e test plants values in denied files, scripts the model to print them with
the real tools, then asks one prompt of the real Claude Code CLI. What it checks after is
the same each time, and is here: the tools really printed every planted value (they are in
the transcript, so a pass is not a command that printed nothing), none of them (no
12-character piece, `support.absence.leaks`) reached the OTLP wire or the store read as
cctrace reads it (content decrypted, once the worker let go of the state dir), and an
ordinary file's content reached both (so a pass is not a policy that withholds everything).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from support.absence import leaks, settled, state_store_text
from support.traced import TracedSession


def withheld_run(t: TracedSession, marker: str, planted: Mapping[str, str],
                 ordinary: str) -> tuple[str, str]:
    """Prompt `Look around [marker]`, flush, and check the planted values (name -> value)
    and the `ordinary` content as above. Returns (wire, stored): the received spans as
    JSON and the store's text, for the test's own checks (the markers and reasons)."""
    t.prompt(f"Look around [{marker}]")
    res = t.flush()
    assert res.returncode == 0, res.stdout + res.stderr

    transcript = t.transcript.read_text()
    assert sorted(k for k, v in planted.items() if v not in transcript) == []
    wire = json.dumps(t.receiver.spans())
    assert ordinary in wire
    assert sorted(k for k, v in planted.items() if leaks(v, wire)) == []
    settled(str(t.state))
    stored = state_store_text(str(t.state))
    assert ordinary in stored
    assert sorted(k for k, v in planted.items() if leaks(v, stored)) == []
    return wire, stored
