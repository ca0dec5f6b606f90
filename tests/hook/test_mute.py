"""Per-session mute (cctrace.hook.mute): `cctrace-plugin mute` writes `<state>/muted/<session
id>` and the hook spools nothing more for that session, from its next event on; after
`unmute`, the first event notes where the transcript stands. The whole path with the real CLI
and the worker: tests/e2e/test_plugin_e2e.py."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from cctrace.hook import mute
from cctrace.spool import diag, reader
from support.hookrun import hook_argv

PLUGIN_BIN = Path(__file__).resolve().parents[2] / "plugins" / "cctrace" / "bin"


def hook(state: Path, session: str, event: str = "UserPromptSubmit",
         transcript: Path | None = None) -> None:
    body = json.dumps({"session_id": session, "transcript_path": str(transcript or "/none"),
                       "hook_event_name": event, "prompt": "hi"})
    done = subprocess.run(hook_argv(state), input=body.encode(), capture_output=True,
                          timeout=60)
    assert done.returncode == 0


def plugin(state: Path, tmp_path: Path, *args: str, session: str = "") -> str:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    (data / "state-dir").write_text(f"{state}\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CLAUDE_PLUGIN_DATA": str(data),
           "CLAUDE_CODE_SESSION_ID": session}
    done = subprocess.run(["sh", str(PLUGIN_BIN / "cctrace-plugin"), *args], env=env,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout


def spooled_sessions(state: Path) -> list[str]:
    return [e.payload["session_id"] for e in reader.read_pending(str(state))]


def test_mute_and_unmute_take_effect_at_the_next_event(tmp_path):
    state = tmp_path / "state"
    transcript = tmp_path / "s-one.jsonl"
    transcript.write_text("x" * 1000)
    hook(state, "s-one")
    said = plugin(state, tmp_path, "mute", session="s-one")
    assert said.startswith("cctrace: session s-one muted")
    assert (state / "muted" / "s-one").is_file()
    hook(state, "s-one", transcript=transcript)
    # The first muted event notes where the mute begins; while it lasts, the worker leaves
    # out everything from there on.
    assert mute.muted_ranges(str(state), str(transcript)) == [(1000, None)]
    hook(state, "s-two")  # another session is not muted
    # A mute is never silent: its first muted event spools a marker of ids only.
    assert [(e.event, e.payload) for e in reader.read_pending(str(state))][1] == (
        "CctraceMuted", {"hook_event_name": "CctraceMuted", "session_id": "s-one",
                         "transcript_path": str(transcript)})
    assert spooled_sessions(state) == ["s-one", "s-one", "s-two"]
    hook(state, "s-one", transcript=transcript)  # a later muted event: no second marker
    assert spooled_sessions(state) == ["s-one", "s-one", "s-two"]
    assert diag.read_counters(str(state), "hook.muted") == {"hook.muted": 2}
    plugin(state, tmp_path, "unmute", "s-one")
    transcript.write_text("x" * 1234)
    hook(state, "s-one", transcript=transcript)
    assert spooled_sessions(state) == ["s-one", "s-one", "s-two", "s-one"]
    # The first event after the unmute closes the range where the transcript stands.
    assert mute.muted_ranges(str(state), str(transcript)) == [(1000, 1234)]
    assert not (state / "muted" / "s-one.was").exists()
    assert mute.muted_ranges(str(state), str(tmp_path / "s-two.jsonl")) == []
    assert [mute.is_muted(o, [(1000, 1234)]) for o in (999, 1000, 1233, 1234)] == [
        False, True, True, False]


def test_a_session_id_that_is_not_a_plain_name_is_refused(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    done = subprocess.run(["sh", str(PLUGIN_BIN / "cctrace-plugin"), "mute", "../../etc"],
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                               "CLAUDE_PLUGIN_DATA": str(data)},
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "give a session id" in done.stderr


def test_the_marker_quotes_what_it_copies():
    data = json.dumps({"session_id": "s-1", "transcript_path": '/t/a "b"\\c\u00e9.jsonl',
                       "hook_event_name": "Stop", "prompt": "secret words"}).encode()
    payload = mute.began_payload(data)
    assert json.loads(payload) == {"hook_event_name": "CctraceMuted", "session_id": "s-1",
                                   "transcript_path": '/t/a "b"\\c\u00e9.jsonl'}
    assert b"secret" not in payload
    assert json.loads(mute.began_payload(b"{}")) == {
        "hook_event_name": "CctraceMuted", "session_id": "", "transcript_path": ""}


def test_the_marker_is_the_event_the_audit_judges():
    from cctrace.audit import coverage

    assert mute.BEGAN == coverage.MUTE_BEGAN == "CctraceMuted"
