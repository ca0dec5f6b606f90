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


# What an ordinary file holds in the tests that read one beside a denied file.
ORDINARY = "ordinary-notes-k2m4"


def later_turn(t: TracedSession, marker: str) -> str:
    """Flush the turns so far (they are a worker batch of their own), prompt `Look around
    [marker]` and flush again; the transcript text that later turn added."""
    res = t.flush()
    assert res.returncode == 0, res.stdout + res.stderr
    before = t.transcript.read_text()
    t.prompt(f"Look around [{marker}]")
    res = t.flush()
    assert res.returncode == 0, res.stdout + res.stderr
    return t.transcript.read_text()[len(before):]


def withheld_everywhere(t: TracedSession, planted: str, rule: str) -> None:
    """`planted` is on neither the wire nor in the store, withheld under `rule`; the
    ordinary file's content (`ORDINARY`) is on both."""
    wire = json.dumps(t.receiver.spans())
    assert ORDINARY in wire
    assert not leaks(planted, wire)
    assert f"[WITHHELD:path-policy {rule}]" in wire
    settled(str(t.state))
    stored = state_store_text(str(t.state))
    assert ORDINARY in stored and not leaks(planted, stored)
