"""What a run withheld, kept for the redactor (`policy.withheld`, `PolicyResult.withheld`)."""

from __future__ import annotations

from tests.policy.test_policy_apply import make_trace
from tests.policy.test_policy_usershell import shell_turn

from cctrace.policy import Policy, apply_policy, withheld
from cctrace.policy.withheld import Withheld

POLICY = Policy(home="/home/u")


def test_keep_takes_text_blocks_and_json():
    w = Withheld()
    w.keep("A=1")
    w.keep([{"type": "text", "text": "B=2"}, {"type": "image"}])
    w.keep({"stdout": "C=é"})
    w.keep(None)
    w.keep("")
    w.keep([])
    assert w.texts == ["A=1", "B=2", '{"stdout": "C=é"}'] and w.chars == 23


def test_keep_is_bounded(monkeypatch):
    monkeypatch.setattr(withheld, "MAX_CHARS", 5)
    w = Withheld()
    w.keep("abc")
    w.keep("defg")
    w.keep("h")
    assert w.texts == ["abc", "de"] and w.chars == 5
    monkeypatch.setattr(withheld, "MAX_CHARS", 4)
    w = Withheld()
    w.keep("abc")
    w.keep("de")  # one character of room is still room
    assert w.texts == ["abc", "d"] and w.chars == 4


def test_the_bound_is_the_one_documented():
    from pathlib import Path

    assert withheld.MAX_CHARS == 262_144
    doc = (Path(__file__).resolve().parents[2] / "docs" / "policy.md").read_text()
    assert "(at most 262,144 characters)" in " ".join(doc.split())


def test_a_run_hands_over_what_it_withheld_and_nothing_else():
    trace = make_trace([("a", "Bash", {"command": "cat .env"}, "TOKEN=v1"),
                        ("b", "Read", {"file_path": "/p/secrets/k"}, "k2"),
                        ("c", "Bash", {"command": "ls"}, "a.txt")], cwd="/p")
    assert apply_policy([trace], POLICY).withheld == ["TOKEN=v1", "k2"]
    shell = shell_turn("cat .env", "S=3", "warn")
    assert apply_policy([shell], POLICY).withheld == ["S=3\nwarn"]
    assert apply_policy([shell_turn("ls", "a.txt")], POLICY).withheld == []


def test_a_withheld_call_without_output_hands_over_nothing():
    trace = make_trace([("a", "Bash", {"command": "cp .env x"}, "")], cwd="/p")
    assert apply_policy([trace], POLICY).withheld == []
