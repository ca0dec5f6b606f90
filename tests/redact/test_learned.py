"""Learned secrets: a value detected once is swept from every other field and batch."""

from __future__ import annotations

from cctrace.model.types import Observation, Trace
from cctrace.redact import registry
from cctrace.redact.engine import SecretRedactor
from cctrace.redact.stage import redact_traces, redact_value

PASSWORD = "Zq8-vLx2-Kp0-Wd4"
URL = f"postgres://admin:{PASSWORD}@db.internal:5432/app"


def _redactor(learned=None) -> SecretRedactor:
    return SecretRedactor(registry.detectors(), b"k" * 32, learned=learned)


def test_value_found_in_one_field_is_swept_from_another():
    obs = Observation(id="1" * 16, trace_id="2" * 32, parent_id=None, type="agent",
                      name="turn", start_ns=1, end_ns=2, input=f"DATABASE_URL={URL}")
    trace = Trace(id="2" * 32, session_id="s", name="t", start_ns=1, end_ns=2,
                  output=f"Connected, it took {PASSWORD} twice.", observations=[obs])
    redactor = _redactor()
    # The output comes first in the walk and has no context: only the sweep can catch it.
    redact_traces([trace], redactor)
    assert PASSWORD not in repr(trace)
    marker = trace.output.split("took ")[1].split(" twice")[0]
    assert marker.startswith("[REDACTED:") and marker in obs.input


def test_learned_values_carry_over_to_a_new_redactor_sharing_the_store():
    shared: dict[str, str] = {}
    redact_value({"env": URL}, _redactor(shared))
    assert redact_value({"later": f"pw {PASSWORD}"}, _redactor(shared))["later"].startswith(
        "pw [REDACTED:")
    assert PASSWORD not in repr(redact_value([PASSWORD], _redactor(shared)))


def test_sweep_is_exact_and_leaves_clean_text_alone():
    redactor = _redactor()
    redactor.redact_text(URL)
    assert redactor.learned_count >= 1
    assert redactor.sweep("nothing secret here") == "nothing secret here"
    assert redactor.sweep(PASSWORD.lower()) == PASSWORD.lower()  # case matters for secrets
    assert redactor.sweep(f"a{PASSWORD}b").startswith("a[REDACTED:")


def test_short_values_are_not_learned():
    redactor = _redactor()
    redactor.redact_text("mysql -u root -pab1")
    assert redactor.sweep("ab1 ab1") == "ab1 ab1"


def test_learn_sweeps_values_under_the_kind_given():
    learned: dict[str, str] = {}
    redactor = _redactor(learned)
    assert redactor.learn([PASSWORD, "short", PASSWORD], "withheld_value") == 1
    marker = f"[REDACTED:withheld_value:{redactor.tag(PASSWORD)}]"
    assert learned == {PASSWORD: marker}
    assert redactor.sweep(f"it was {PASSWORD}.") == f"it was {marker}."
    assert redactor.learn(["12345678", "abcdefgh9"], "x") == 2 and "12345678" in learned
    assert redactor.learn(["1234567"], "x") == 0


def test_learn_keeps_a_known_marker_and_the_bound(monkeypatch):
    from cctrace.redact import engine

    learned = {PASSWORD: "[REDACTED:password:first]"}
    redactor = _redactor(learned)
    assert redactor.learn([PASSWORD], "withheld_value") == 0
    assert learned[PASSWORD] == "[REDACTED:password:first]"
    monkeypatch.setattr(engine, "LEARN_MAX", 2)
    assert redactor.learn(["aaaaaaaa1", "bbbbbbbb2", "cccccccc3"], "k") == 1
    assert sorted(learned) == sorted([PASSWORD, "aaaaaaaa1"])
