"""Transcripts under faults: garbage, half-written lines, unknown records, truncation,
replacement, and a clock that jumps backwards. Every case ends with the exact span ids a
clean import of the recorded session yields (or, for a replaced file, no loss and no
duplicate of what had been delivered)."""

from __future__ import annotations

import json
import time

from reliability.harness import obs_ids, tally

FIXTURE = ("multi_turn",)


def _lines(rig) -> tuple[list[str], list[dict]]:
    payloads = rig.fixture_payloads("multi_turn")
    path = rig.transcripts["multi_turn"]
    return path.read_text().splitlines(keepends=True), payloads


def _final(rig, payloads) -> dict:
    rig.send(payloads[-1], via_hook=False)
    out = rig.flush(timeout=20)
    assert out["ok"], out
    return out


def test_garbage_unknown_types_and_half_written_lines(rig, receiver):
    lines, payloads = _lines(rig)
    path = rig.transcripts["multi_turn"]
    noise = ["{not json\n", "\n", "[1,2,3]\n", '"just a string"\n', "\x00\x01\x02\n",
             json.dumps({"type": "hologram-v9", "uuid": "u-x", "payload": {"a": [1] * 50}})
             + "\n", json.dumps({"type": "assistant", "message": "not an object"}) + "\n",
             json.dumps({"type": "user", "message": {"content": 42}}) + "\n"]
    mixed: list[str] = []
    for i, line in enumerate(lines):
        mixed.append(line)
        mixed.append(noise[i % len(noise)])
    text = "".join(mixed)
    cut = len(text) // 2
    path.write_text(text[:cut])  # the writer is mid-line
    for p in payloads[:5]:
        rig.send(p, via_hook=False)
    rig.send({**payloads[4], "hook_event_name": "Stop"}, via_hook=False)
    assert rig.flush(timeout=20)["ok"]
    path.write_text(text)  # the line is completed and the session goes on
    for p in payloads[5:]:
        rig.send(p, via_hook=False)
    _final(rig, payloads)
    t = tally(obs_ids(receiver), rig.expected(FIXTURE))
    assert t.exact, t.summary()
    # Never silent: what was skipped is counted and `doctor` names it.
    from cctrace.cli import doctor

    check = doctor.check_transcripts(str(rig.state))
    assert check.status == doctor.WARN, check.detail
    assert check.data["unknown_record_types"].get("hologram-v9", 0) >= 1, check.data
    assert check.data["transcript_bad_lines"] >= 1, check.data


def test_truncated_then_regrown_transcript(rig, receiver):
    lines, payloads = _lines(rig)
    path = rig.transcripts["multi_turn"]
    rig.spool(FIXTURE)
    assert rig.flush(timeout=20)["ok"]
    path.write_text("".join(lines[: len(lines) // 3]))  # truncated (e.g. rewritten shorter)
    rig.send({**payloads[-1], "hook_event_name": "Stop"}, via_hook=False)
    assert rig.flush(timeout=20)["ok"]
    path.write_text("".join(lines))
    _final(rig, payloads)
    t = tally(obs_ids(receiver), rig.expected(FIXTURE))
    assert t.exact, t.summary()


def test_replaced_transcript_same_content_new_inode(rig, receiver):
    lines, payloads = _lines(rig)
    path = rig.transcripts["multi_turn"]
    rig.spool(FIXTURE)
    assert rig.flush(timeout=20)["ok"]
    tmp = path.with_suffix(".new")
    tmp.write_text("".join(lines))
    tmp.replace(path)  # atomic replace: same bytes, new inode
    _final(rig, payloads)
    t = tally(obs_ids(receiver), rig.expected(FIXTURE))
    assert t.exact, t.summary()


def test_clock_jumps_backwards(rig, receiver):
    # Spool entries whose received_ns go backwards (the wall clock was set back between
    # hooks): order comes from the spool's counter, so nothing is lost or reordered away.
    from cctrace.spool import writer

    _, payloads = _lines(rig)
    now = time.time_ns()
    for i, p in enumerate(payloads):
        data = json.dumps(p).encode()
        writer.append(str(rig.state), data, received_ns=now - i * 3_600_000_000_000,
                      event=p.get("hook_event_name"), size=len(data), fsync=False)
    out = rig.flush(timeout=20)
    assert out["ok"] and out["events"] == len(payloads), out
    t = tally(obs_ids(receiver), rig.expected(FIXTURE))
    assert t.exact, t.summary()
