"""Poison is isolated to its record: one record that cannot be read, built, redacted or
stored costs that record only (an ERROR event in its turn), never the session.

Known bug this guards (issue 12): a tool input nested 3,000 levels deep raised
RecursionError in the transcript reader, which caught only ValueError; every later hook
event of the session went to `spool/quarantine/` and nothing was exported.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cctrace import spool
from cctrace.cli import importer
from cctrace.config import Config
from cctrace.model import generations
from cctrace.spool import writer
from cctrace.store.db import Store
from cctrace.worker import pipeline
from transcript import synth

SESSION = "sess-1"


def _deep_line(record: dict, depth: int) -> str:
    """`record` as a JSON line whose first tool_use input nests `depth` levels deep."""
    text = json.dumps(record)
    inner = '{"a": ' * depth + "{}" + "}" * depth
    return text.replace('"__DEEP__"', inner)


def _session(tmp_path: Path, depth: int = 3000) -> Path:
    recs = [synth.user("turn one", 0)]
    recs += synth.assistant("m1", [synth.tool_use("t1", "mcp__x__y", {"q": "__DEEP__"})], 1,
                            stop="tool_use")
    recs += [synth.tool_result("t1", "ok", 2)]
    recs += synth.assistant("m2", [synth.text("first answer")], 3, stop="end_turn")
    recs += [synth.user("turn two", 4)]
    recs += synth.assistant("m3", [synth.text("second answer")], 5, stop="end_turn")
    path = tmp_path / "proj" / f"{SESSION}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(_deep_line(r, depth) + "\n" for r in recs))
    return path


def _spool(state: str, transcript: Path, events: list[str]) -> None:
    for i, event in enumerate(events):
        payload = {"hook_event_name": event, "session_id": SESSION,
                   "transcript_path": str(transcript), "cwd": str(transcript.parent)}
        writer.append(state, json.dumps(payload).encode(), received_ns=time.time_ns() + i,
                      event=event, fsync=False)


def _observations(state: str) -> list:
    with Store.open(state) as store:
        return [o for view in store.session_tree(SESSION) for o in view.observations]


def test_a_record_nested_3000_deep_costs_that_record_only(tmp_path, _isolated_state):
    state = str(_isolated_state)
    transcript = _session(tmp_path)
    _spool(state, transcript, ["UserPromptSubmit", "Stop", "UserPromptSubmit", "Stop",
                               "SessionEnd"])
    report = pipeline.drain(state, Config(state_dir=state))
    assert report.events == 5 and report.errors == []
    quarantine = Path(state) / "spool" / "quarantine"
    assert not quarantine.exists() or not any(quarantine.iterdir())
    assert spool.read_pending(state) == []
    obs = _observations(state)
    outputs = [o.output for o in obs if o.type == "agent" and o.parent_id is None]
    assert "first answer" in outputs and "second answer" in outputs
    bad = [o for o in obs if o.name == "unreadable record"]
    assert len(bad) == 1 and bad[0].level == "ERROR"
    assert "RecursionError" in bad[0].status_message
    assert bad[0].input is None and bad[0].output is None  # no content, type and size only
    with Store.open(state) as store:
        assert store.counters().get("transcript_unreadable_records") == 1


def test_depth_below_the_parser_limit_is_clamped_not_lost(tmp_path, _isolated_state):
    state = str(_isolated_state)
    transcript = _session(tmp_path, depth=500)
    with Store.open(state) as store:
        cfg = Config(state_dir=state)
        pipeline.process_transcript(store, cfg, pipeline.make_redactor(cfg, None),
                                    str(transcript), session_id=SESSION, final=True)
    obs = _observations(state)
    tool = next(o for o in obs if o.type == "tool")
    assert "[WITHHELD:too-deep]" in json.dumps(tool.input)  # the call is kept, its depth cut
    assert not [o for o in obs if o.name == "unreadable record"]


def test_a_record_the_builder_chokes_on_becomes_an_error_event(tmp_path, _isolated_state,
                                                               monkeypatch):
    state = str(_isolated_state)
    transcript = _session(tmp_path, depth=2)
    real = generations.generation

    def generation(state, trace_id, parent_id, msg, *args, **kw):
        if msg.id == "m2":
            raise TypeError("a shape nobody expected")
        return real(state, trace_id, parent_id, msg, *args, **kw)

    monkeypatch.setattr(generations, "generation", generation)
    with Store.open(state) as store:
        cfg = Config(state_dir=state)
        assert pipeline.process_transcript(store, cfg, pipeline.make_redactor(cfg, None),
                                           str(transcript), session_id=SESSION, final=True)
        assert store.counters().get("transcript_record_errors") == 1
    obs = _observations(state)
    bad = [o for o in obs if o.name == "unreadable record"]
    assert len(bad) == 1 and "TypeError" in bad[0].status_message
    assert "a shape nobody expected" not in json.dumps([o.status_message for o in obs])
    assert any(o.output == "second answer" for o in obs if o.type == "agent")
    assert any(o.name == "mcp__x__y" for o in obs)  # the rest of turn one flows too


def test_import_never_prints_a_traceback(tmp_path, _isolated_state, capsys, monkeypatch):
    good = _session(tmp_path / "a", depth=3000)
    other = _session(tmp_path / "b", depth=2)
    args = importer.argparse.Namespace(paths=[str(good.parent), str(other.parent)],
                                       no_export=True, quiet=True, live_minutes=0.0,
                                       include_purged=False)
    # A first line too deep to parse (the importer reads the first lines for the cwd).
    first = tmp_path / "c" / "first.jsonl"
    first.parent.mkdir()
    first.write_text('{"a": ' * 5000 + "1" + "}" * 5000 + "\n" + other.read_text())
    args.paths.append(str(first.parent))
    assert importer.run(args) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "imported 3 transcript(s)" in out

    # A failure nothing could isolate: a clear line, exit 1, the other file still imported.
    real = pipeline.process_transcript

    def broken(store, cfg, redactor, path, **kw):
        if "/a/" in path:
            raise RuntimeError("boom")
        return real(store, cfg, redactor, path, **kw)

    monkeypatch.setattr(pipeline, "process_transcript", broken)
    lines: list[str] = []
    counts = importer.import_paths([str(good.parent), str(other.parent)], export=False,
                                   progress=lines.append)
    assert counts["errors"] == 1 and counts["files"] == 1
    assert any("could not be processed (RuntimeError)" in line for line in lines)


# ------------------------------------------------------------------ hypothesis: the step

def _nested(depth: int, leaf: object) -> object:
    value = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


leaf = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                 st.floats(allow_nan=True, allow_infinity=True),
                 st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
                 st.text(max_size=20),
                 st.text(alphabet=st.characters(categories=["Cs"]), min_size=1, max_size=4))
shapes = st.one_of(
    st.builds(_nested, st.integers(0, 3000), leaf),
    st.builds(lambda n, s: s * n, st.integers(0, 200_000), st.sampled_from(["x", "é", "ghp_"])),
    st.lists(leaf, max_size=3000),
    st.dictionaries(st.text(max_size=8), leaf, max_size=300),
)
raw_tail = st.sampled_from([b"", b"\xff\xfe\n", b"\xed\xa0\x80\n", b'{"type": "user"\n',
                            b"\x00\n", b'{"a":' * 5000 + b"\n"])


@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(tool_input=shapes, result=shapes, prompt=shapes, tail=raw_tail)
def test_random_nesting_sizes_and_encodings_never_raise_out_of_the_worker_step(
        tmp_path_factory, tool_input, result, prompt, tail):
    root = tmp_path_factory.mktemp("poison")
    state = str(root / "state")
    os.environ["CCTRACE_HOME"] = state
    recs = [synth.user(prompt if isinstance(prompt, str) else "p", 0)]
    recs[0]["message"]["content"] = prompt if not isinstance(prompt, str) else prompt
    recs += synth.assistant("m1", [synth.tool_use("t1", "Bash", {"command": "x"})], 1,
                            stop="tool_use")
    recs[-1]["message"]["content"][0]["input"] = "__IN__"
    recs += [synth.tool_result("t1", "__OUT__", 2)]
    recs += synth.assistant("m2", [synth.text("done")], 3, stop="end_turn")
    recs += [synth.user("after", 4)] + synth.assistant("m3", [synth.text("later")], 5,
                                                       stop="end_turn")
    now = datetime.now(timezone.utc)
    for i, rec in enumerate(recs):  # recent: the step's retention must keep them
        rec["timestamp"] = (now + timedelta(seconds=i)).isoformat().replace("+00:00", "Z")
    path = root / f"{SESSION}.jsonl"
    with open(path, "wb") as fh:
        for rec in recs:
            try:
                line = json.dumps(rec).encode("utf-8", "surrogatepass")
            except (RecursionError, ValueError):
                line = b'{"type": "user"}'
            for marker, value in ((b'"__IN__"', tool_input), (b'"__OUT__"', result)):
                try:
                    encoded = json.dumps(value).encode("utf-8", "surrogatepass")
                except (RecursionError, ValueError):
                    encoded = b"[" * 3000 + b"]" * 3000
                line = line.replace(marker, encoded)
            fh.write(line + b"\n")
        fh.write(tail)
    _spool(state, path, ["UserPromptSubmit", "PreToolUse", "Stop", "SessionEnd"])
    report = pipeline.step(state, Config(state_dir=state))
    assert report.events == 4
    assert spool.read_pending(state) == []
    quarantine = Path(state) / "spool" / "quarantine"
    assert not quarantine.exists() or not any(quarantine.iterdir())
    assert any(o.output == "later" for o in _observations(state) if o.type == "agent")


def test_deep_hook_payloads_are_stored_not_quarantined(tmp_path, _isolated_state):
    state = str(_isolated_state)
    transcript = _session(tmp_path, depth=2)
    for i, depth in enumerate((900, 5000)):
        deep = '{"a": ' * depth + "{}" + "}" * depth
        body = (f'{{"hook_event_name": "PreToolUse", "session_id": "{SESSION}", '
                f'"transcript_path": {json.dumps(str(transcript))}, "tool_name": "Bash", '
                f'"tool_use_id": "t{i}", "tool_input": {deep}, "extra": {deep}}}')
        writer.append(state, body.encode(), received_ns=time.time_ns(), event="PreToolUse",
                      fsync=False)
    report = pipeline.drain(state, Config(state_dir=state))
    assert report.events == 2
    quarantine = Path(state) / "spool" / "quarantine"
    assert not quarantine.exists() or not any(quarantine.iterdir())
    assert spool.read_pending(state) == []


def test_doctor_counts_unreadable_records(tmp_path, _isolated_state):
    from cctrace.cli import doctor

    state = str(_isolated_state)
    transcript = _session(tmp_path)
    with Store.open(state) as store:
        cfg = Config(state_dir=state)
        pipeline.process_transcript(store, cfg, pipeline.make_redactor(cfg, None),
                                    str(transcript), session_id=SESSION, final=True)
    check = doctor.check_transcripts(state)
    assert check.status == doctor.WARN and "transcript_unreadable_records 1" in check.detail


def test_lone_surrogates_are_stored_not_fatal(tmp_path, _isolated_state):
    """`\\ud800` escapes no pair completes: valid JSON that no UTF-8 encoder takes."""
    state = str(_isolated_state)
    recs = [synth.user("go \ud800 x", 0)]
    recs += synth.assistant("m1", [synth.tool_use("t1", "Bash", {"command": "ls \udfff"})], 1,
                            stop="tool_use")
    recs += [synth.tool_result("t1", "out \ud83d", 2)]
    recs += synth.assistant("m2", [synth.text("done \udc00")], 3, stop="end_turn")
    path = tmp_path / f"{SESSION}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs))
    body = json.dumps({"hook_event_name": "PreToolUse", "session_id": SESSION + "\ud800",
                       "transcript_path": str(path), "tool_name": "Bash\udc00",
                       "tool_use_id": "t1", "tool_input": {"command": "ls \udfff"},
                       "cwd": "/p\ud800"})
    writer.append(state, body.encode(), received_ns=time.time_ns(), event="PreToolUse",
                  fsync=False)
    _spool(state, path, ["Stop"])
    report = pipeline.drain(state, Config(state_dir=state))
    assert report.events == 2 and report.errors == []
    quarantine = Path(state) / "spool" / "quarantine"
    assert not quarantine.exists() or not any(quarantine.iterdir())
    obs = _observations(state)
    assert any(o.type == "tool" and "\ufffd" in json.dumps(o.input, ensure_ascii=False)
               for o in obs)


def test_a_project_settings_file_nested_too_deep_is_refused_not_a_crash(tmp_path, monkeypatch):
    """A cloned repository controls `.claude/settings.json`; capture never reads it, but
    `cctrace doctor` / `install` do, run from inside the project: a deep file is refused."""
    from cctrace.cli import doctor
    from cctrace.install import settings as st

    (tmp_path / ".claude").mkdir()
    (tmp_path / ".claude" / "settings.json").write_text('{"a": ' * 5000 + "1" + "}" * 5000)
    with pytest.raises(st.SettingsError, match="nested too deeply"):
        st.read(str(tmp_path / ".claude" / "settings.json"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    checks = {c.name: c for c in doctor.run_checks(offline=True, cwd=str(tmp_path),
                                                   probe_claude=False)}
    assert checks["hooks"].status == doctor.FAIL  # no hook, and the file named as unreadable
