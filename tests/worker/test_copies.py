"""A fork's copied history is counted once, under the session that made it, whichever
transcript the worker reads first; a 2.0.x run's Warmup calls are its session's (#14).

Fixtures (tests/fixtures/forks/, see its README): the cost reconciliation e2e scenario as
Claude Code 1.0.128 and 2.0.77 wrote it (four runs of one session, the fourth after a
`/compact`, then `--resume --fork-session`). 1.0.128 copies the parent's history since the
compaction into the fork with the fork's session id and the time of the copy; 2.0.77 keeps
the parent's id on the copied prompts and times. In the 2.0.77 run, the `/compact` run's
Warmup files name the run's provisional session on two prompts and the parent on the third
(Claude Code switches ids while warming up); all three replies name the parent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cctrace.cli.main import main
from cctrace.config import Config
from cctrace.export import outbox
from cctrace.model.ids import span_id
from cctrace.policy import Policy
from cctrace.store.db import Store
from cctrace.transcript.locate import warmup_files
from cctrace.worker import pipeline
from support.otlp_receiver import OTLPReceiver

FORKS = Path(__file__).resolve().parents[1] / "fixtures" / "forks"

# release: (parent, fork, the calls the fork's run made: its answer, and on 2.0.x the
# Warmup calls it made as it started, 21:34:20.8, after every run of the parent).
CASES = {
    "v1_0_128": ("d12ba51e-0b95-4e43-aba7-14b4259636b9",
                 "3fb49b4b-cee0-49db-b5c3-1b386df1a735",
                 {"msg_4934567f08acc2423a2009e0"}),
    "v2_0_77": ("2c3facc4-a790-434f-a411-a95ba3086c26",
                "dfe76618-b3d7-4990-8351-16f92b679704",
                {"msg_49104d25f09c20922e1954ef",  # the answer on the fork
                 "msg_62dc1c0d52115da9287eddbf",  # agent-aae1970 (Warmup)
                 "msg_01add6c36902151e36ffab67",  # agent-ab25596 (Warmup)
                 "msg_6119573fd9589814bacbdce8"}),  # agent-a9b63a2 (Warmup)
}


def _calls(folder: Path) -> set[str]:
    """Every billed call the folder's files record (Claude Code's own `<synthetic>`
    notes are no call)."""
    out = set()
    for path in folder.glob("*.jsonl"):
        for line in path.read_text().splitlines():
            rec = json.loads(line)
            message = rec.get("message") or {}
            if rec.get("type") == "assistant" and message.get("model") != "<synthetic>":
                out.add(message["id"])
    return out


def _read(state: str, folder: Path, order: list[str], cfg: Config | None = None
          ) -> dict[str, list[str]]:
    """Process the transcripts in `order` (as finished sessions, each sent before the
    next when `cfg` names a destination); per session, the message ids of its
    generations."""
    cfg = cfg or Config(state_dir=state)
    with Store.open(state) as store:
        for sid in order:
            pipeline.process_transcript(
                store, cfg, pipeline.make_redactor(cfg), str(folder / f"{sid}.jsonl"),
                session_id=sid, final=True, policy=Policy.from_config(cfg), judge=False)
            if cfg.otlp_endpoint:
                assert outbox.flush(store, cfg, timeout=20).ok
        return {s.id: sorted(o.metadata["message_id"] for view in store.session_tree(s.id)
                             for o in view.observations if o.type == "generation")
                for s in store.sessions()}


@pytest.mark.parametrize("release", sorted(CASES))
@pytest.mark.parametrize("fork_first", [False, True], ids=["parent-first", "fork-first"])
def test_each_call_is_counted_once_under_the_session_that_made_it(_isolated_state, capsys,
                                                                 release, fork_first):
    folder = FORKS / release
    parent, fork, forks_own = CASES[release]
    order = [fork, parent] if fork_first else [parent, fork]
    got = _read(str(_isolated_state), folder, order)
    assert got == {parent: sorted(_calls(folder) - forks_own), fork: sorted(forks_own)}
    # A turn handed back to its session is cctrace's own change: the audit log has it.
    capsys.readouterr()
    assert main(["verify", "--json"]) == 0, capsys.readouterr().out


def test_a_warmup_is_the_session_its_reply_names(tmp_path):
    folder = FORKS / "v2_0_77"
    parent, fork, _ = CASES["v2_0_77"]
    transcript = str(folder / f"{parent}.jsonl")
    names = {sid: sorted(Path(p).name for p in warmup_files(transcript, sid))
             for sid in (parent, fork, "af28b0d3-0632-42d1-a5af-dc454ea80932")}
    # The /compact run's three: a7c5bd7 (its prompt names the parent), a8b8ecc and
    # aff3690 (their prompts name the run's provisional id af28b0d3): all the parent's.
    assert names == {
        parent: ["agent-a17730c.jsonl", "agent-a472e0f.jsonl", "agent-a7c4be0.jsonl",
                 "agent-a7c5bd7.jsonl", "agent-a8b8ecc.jsonl", "agent-ac5512b.jsonl",
                 "agent-acd8cdc.jsonl", "agent-ad1f68b.jsonl", "agent-adb9540.jsonl",
                 "agent-af24248.jsonl", "agent-af2fe7b.jsonl", "agent-aff3690.jsonl"],
        fork: ["agent-a9b63a2.jsonl", "agent-aae1970.jsonl", "agent-ab25596.jsonl"],
        "af28b0d3-0632-42d1-a5af-dc454ea80932": [],
    }


def test_a_turn_taken_back_from_a_copy_is_sent_again_under_its_session(tmp_path):
    """1.0.x, the fork read first: the copied turn went out under the fork's session; once
    the parent is read, its spans go out again under the parent's (Langfuse updates a
    span sent again with the same id)."""
    folder = FORKS / "v1_0_128"
    parent, fork, _ = CASES["v1_0_128"]
    copied = span_id("generation", "msg_bdaf0781bc4c8b013985f348")  # "Finish up [rc-3]"
    state = str(tmp_path / "state")
    with OTLPReceiver() as receiver:
        _read(state, folder, [fork, parent],
              Config(state_dir=state, otlp_endpoint=receiver.endpoint))
        spans = receiver.spans()
    sent = [s["attributes"]["session.id"] for s in spans if s["span_id"] == copied]
    assert sent == [fork, parent]
    turn = next(s["trace_id"] for s in spans if s["span_id"] == copied)
    last = {s["span_id"]: s["attributes"]["session.id"] for s in spans
            if s["trace_id"] == turn}
    assert len(last) > 1 and set(last.values()) == {parent}


def test_turns_without_uuid_at_the_same_offset_of_two_files_are_not_copies(tmp_path):
    """Two sessions whose first prompts carry no uuid: each turn is its own session's (an
    id from the offset alone was the same for both, and the later one was left out as a
    copy of the earlier)."""
    from transcript.synth import assistant, text, usage, user

    folder = tmp_path / "projects"
    folder.mkdir()
    for n, sid in enumerate(("s-first", "s-second")):
        prompt = {**user(f"question {n}", 10 * n), "sessionId": sid}
        del prompt["uuid"]
        reply = {**assistant(f"msg_{n}", [text(f"answer {n}")], 10 * n + 1, stop="end_turn",
                             use=usage())[0], "sessionId": sid}
        (folder / f"{sid}.jsonl").write_text(json.dumps(prompt) + "\n" + json.dumps(reply)
                                             + "\n")
    state = str(tmp_path / "state")
    assert _read(state, folder, ["s-first", "s-second"]) == {
        "s-first": ["msg_0"], "s-second": ["msg_1"]}
    with Store.open(state) as store:
        owners = {s.id: [v.trace.id for v in store.session_tree(s.id)] for s in store.sessions()}
    assert len(set(owners["s-first"] + owners["s-second"])) == 2
