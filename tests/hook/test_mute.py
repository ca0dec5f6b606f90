"""Per-session mute (cctrace.hook.mute): `cctrace-plugin mute` writes `<state>/muted/<session
id>` and the hook spools nothing more for that session, from its next event on; after
`unmute`, the first event notes where the transcript stands. The whole path with the real CLI
and the worker: tests/e2e/test_plugin_e2e.py."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

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


# -- in process: `check`, the range file and `muted_ranges` to the byte


def _payload(session: str, transcript: str = "/none", **more: str) -> bytes:
    return json.dumps({"session_id": session, "transcript_path": transcript,
                       "hook_event_name": "Stop", **more}).encode()


def _muted(state: Path, session: str, text: str = "") -> Path:
    (state / "muted").mkdir(parents=True, exist_ok=True)
    path = state / "muted" / session
    path.write_text(text)
    return path


def test_nothing_muted_and_other_sessions_are_not_muted(tmp_path):
    state = tmp_path / "state"
    assert mute.check(str(state), _payload("s-1")) is False  # no folder at all
    _muted(state, "s-1")
    assert mute.check(str(state), _payload("s-2")) is False
    assert mute.check(str(state), b"not json") is False
    assert mute.check(str(state), b'{"session_id": 7}') is False
    assert sorted(p.name for p in (state / "muted").iterdir()) == ["s-1"]


def test_the_first_muted_event_notes_where_the_transcript_stands(tmp_path):
    state = tmp_path / "state"
    transcript = tmp_path / "s-1.jsonl"
    transcript.write_bytes(b"x" * 777)
    base = _muted(state, "s-1")
    assert mute.check(str(state), _payload("s-1", str(transcript))) == mute.BEGAN == "CctraceMuted"
    assert base.read_text() == "777\n"
    transcript.write_bytes(b"x" * 900)
    assert mute.check(str(state), _payload("s-1", str(transcript))) is True
    assert base.read_text() == "777\n"  # the start stays
    assert mute.muted_ranges(str(state), str(transcript)) == [(777, None)]


def test_a_missing_transcript_starts_the_mute_at_zero(tmp_path):
    state = tmp_path / "state"
    base = _muted(state, "s-1", "not a number")
    assert mute.check(str(state), _payload("s-1", str(tmp_path / "gone.jsonl"))) == mute.BEGAN
    assert base.read_text() == "0\n"
    _muted(state, "s-2")
    assert mute.check(str(state), b'{"session_id": "s-2"}') == mute.BEGAN  # no path at all
    assert (state / "muted" / "s-2").read_text() == "0\n"


def test_unmute_closes_the_range_once_and_ranges_add_up(tmp_path):
    state = tmp_path / "state"
    transcript = tmp_path / "s-1.jsonl"
    folder = state / "muted"
    was = folder / "s-1.was"
    _muted(state, "s-1")
    transcript.write_bytes(b"x" * 100)
    mute.check(str(state), _payload("s-1", str(transcript)))
    os.rename(folder / "s-1", was)  # what `unmute` does
    transcript.write_bytes(b"x" * 250)
    assert mute.muted_ranges(str(state), str(transcript)) == [(100, None)]  # until closed
    assert mute.check(str(state), _payload("s-1", str(transcript))) is False
    assert (folder / "s-1.ranges").read_text() == "100 250\n"
    assert not was.exists()
    assert mute.check(str(state), _payload("s-1", str(transcript))) is False
    assert (folder / "s-1.ranges").read_text() == "100 250\n"  # closed once
    # A second mute and unmute: a second line, the first kept.
    _muted(state, "s-1")
    transcript.write_bytes(b"x" * 300)
    mute.check(str(state), _payload("s-1", str(transcript)))
    os.rename(folder / "s-1", was)
    transcript.write_bytes(b"x" * 420)
    mute.check(str(state), _payload("s-1", str(transcript)))
    assert (folder / "s-1.ranges").read_text() == "100 250\n300 420\n"
    assert mute.muted_ranges(str(state), str(transcript)) == [(100, 250), (300, 420)]


def test_a_transcript_shorter_than_the_start_closes_an_empty_range(tmp_path):
    state = tmp_path / "state"
    transcript = tmp_path / "s-1.jsonl"
    transcript.write_bytes(b"x" * 50)
    _muted(state, "s-1.was", "1000\n")
    assert mute.check(str(state), _payload("s-1", str(transcript))) is False
    assert (state / "muted" / "s-1.ranges").read_text() == "1000 1000\n"


def test_unmute_before_any_muted_event_leaves_nothing_out(tmp_path):
    state = tmp_path / "state"
    _muted(state, "s-1.was")  # muted and unmuted with no event between
    assert mute.check(str(state), _payload("s-1", str(tmp_path / "s-1.jsonl"))) is False
    assert sorted(p.name for p in (state / "muted").iterdir()) == []


def test_mute_files_are_0600_whatever_the_umask(tmp_path):
    state = tmp_path / "state"
    transcript = tmp_path / "s-1.jsonl"
    transcript.write_bytes(b"x" * 10)
    (state / "muted").mkdir(parents=True)
    old = os.umask(0)
    try:
        (state / "muted" / "s-1").touch()
        os.chmod(state / "muted" / "s-1", 0o600)
        mute.check(str(state), _payload("s-1", str(transcript)))
        os.rename(state / "muted" / "s-1", state / "muted" / "s-1.was")
        mute.check(str(state), _payload("s-1", str(transcript)))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(state / "muted" / "s-1.ranges").st_mode) == 0o600


@pytest.mark.parametrize("sid, ok", [
    ("s-1", True), ("a_b-C9", True), ("x" * 128, True), ("x" * 129, False),
    ("", False), ("../x", False), ("a.b", False), ("a b", False), ("a/b", False),
])
def test_which_session_ids_can_be_muted(tmp_path, sid, ok):
    state = tmp_path / "state"
    (state / "muted").mkdir(parents=True)
    if sid and "/" not in sid:  # the mute file is there: only the id's shape refuses it
        (state / "muted" / sid).write_text("5\n")
    assert mute.check(str(state), _payload(sid)) is ok
    transcript = str(tmp_path / f"{sid}.jsonl")
    assert mute.muted_ranges(str(state), transcript) == ([(5, None)] if ok else [])


def test_only_the_first_64_kib_are_read_for_the_session_id(tmp_path):
    state = tmp_path / "state"
    _muted(state, "s-1", "5\n")
    tail = '", "session_id": "s-1"'
    fits = '{"pad": "' + "a" * (64 * 1024 - len('{"pad": "') - len(tail)) + tail
    assert len(fits) == 64 * 1024  # the closing quote is the head's last byte
    assert mute.check(str(state), (fits + "}").encode()) is True
    over = fits.replace('{"pad": "', '{"pad": "a', 1)
    assert mute.check(str(state), (over + "}").encode()) is False
    assert json.loads(mute.began_payload((fits + "}").encode()))["session_id"] == "s-1"
    assert json.loads(mute.began_payload((over + "}").encode()))["session_id"] == ""


def test_muted_ranges_reads_the_ranges_then_open_mutes(tmp_path):
    state = tmp_path / "state"
    folder = state / "muted"
    folder.mkdir(parents=True)
    (folder / "s-1.ranges").write_text("10 20\nbroken\n30 x\n1 2 3\n-4 5\n40 50\n")
    (folder / "s-1.was").write_text("70\n")
    (folder / "s-1").write_text("90\n")
    got = mute.muted_ranges(str(state), "/p/s-1.jsonl")
    assert got == [(10, 20), (40, 50), (90, None), (70, None)]
    assert mute.muted_ranges(str(state), "/p/s-1.json") == []
    assert mute.muted_ranges(str(state), "/p/s-1") == []
    assert mute.muted_ranges(str(state), "/p/.jsonl") == []
    # Only the first 32 bytes of a start file are read (a start has at most 20 digits).
    (folder / "s-1").write_text("0" * 31 + "9" + "x")
    assert mute.muted_ranges(str(state), "/p/s-1.jsonl")[-2] == (9, None)


def test_is_muted_with_an_open_range_and_several():
    assert [mute.is_muted(o, [(10, None)]) for o in (9, 10, 10**12)] == [False, True, True]
    ranges = [(0, 5), (20, 30)]
    assert [mute.is_muted(o, ranges) for o in (0, 4, 5, 19, 20, 29, 30)] == [
        True, True, False, False, True, True, False]
    assert mute.is_muted(3, []) is False


def test_bytes_that_are_not_utf8_do_not_hide_the_session(tmp_path):
    state = tmp_path / "state"
    _muted(state, "s-1", "5\n")
    data = b'{"pad": "\xff\xfe", "session_id": "s-1", "transcript_path": "/t/\xc3.jsonl"}'
    assert mute.check(str(state), data) is True
    assert json.loads(mute.began_payload(data)) == {
        "hook_event_name": "CctraceMuted", "session_id": "s-1", "transcript_path": "/t/.jsonl"}


def test_a_file_that_is_not_a_jsonl_transcript_is_never_muted(tmp_path):
    state = tmp_path / "state"
    _muted(state, "XXXX", "5\n")
    _muted(state, "s-1", "5\n")
    assert mute.muted_ranges(str(state), "/p/XXXX.jsonl") == [(5, None)]
    for path in ("/p/XXXX", "/p/s-1", "/p/s-1.jsonl.bak", "/p/s-1.JSONL"):
        assert mute.muted_ranges(str(state), path) == [], path


@pytest.mark.parametrize("sid", ["../muted/s-1", "s-1/.", "./s-1", "s-1.was", "s 1"])
def test_a_session_id_that_is_no_plain_name_never_reaches_a_mute_file(tmp_path, sid):
    # Each names an existing mute file through the path (or is one with a space):
    # refused before any file is looked at, so it is neither muted nor written.
    state = tmp_path / "state"
    _muted(state, "s-1", "5\n")
    _muted(state, "s-1.was.was", "6\n")
    _muted(state, "s 1", "7\n")
    before = {p.name: p.read_text() for p in (state / "muted").iterdir()}
    assert mute.check(str(state), _payload(sid)) is False
    assert {p.name: p.read_text() for p in (state / "muted").iterdir()} == before


def test_a_range_line_that_is_not_ascii_is_skipped(tmp_path):
    state = tmp_path / "state"
    (state / "muted").mkdir(parents=True)
    (state / "muted" / "s-1.ranges").write_bytes(
        "\u00e9 5\n10 20\n".encode() + b"\xff\xfe 7\nx 30\n40 50\n")
    assert mute.muted_ranges(str(state), "/p/s-1.jsonl") == [(10, 20), (40, 50)]
