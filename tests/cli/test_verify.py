"""`cctrace verify`: exit codes, the first bad entry, anchors and the inclusion proof."""

from __future__ import annotations

import argparse
import json

import pytest

from audit.helpers import build_log, paths
from cctrace import audit
from cctrace.cli import verify as verify_cli
from cctrace.cli.main import CliError
from cctrace.config import Config


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    verify_cli.register(parser.add_subparsers())
    # These logs are synthetic (no store behind them): the log checks only.
    args = parser.parse_args(["verify", "--log-only", *argv])
    return args.func(args)


def test_intact_log_exits_0(_isolated_state, capsys):
    build_log(str(_isolated_state), batches=3)
    assert run() == 0
    assert "OK: the audit trail is intact" in capsys.readouterr().out


def test_damage_exits_1_and_names_kind(_isolated_state, capsys):
    state = str(_isolated_state)
    build_log(state, batches=3)
    log_path, _ = paths(state)
    lines = open(log_path, "rb").read().splitlines(keepends=True)
    open(log_path, "wb").write(b"".join(lines[:5] + lines[6:]))
    assert run("--json") == 1
    out = json.loads(capsys.readouterr().out)
    assert out["damage"][0] == {**out["damage"][0], "target": "log", "kind": "deleted",
                                "position": 5}


def test_event_inclusion_proof(_isolated_state, capsys):
    build_log(str(_isolated_state), batches=10, per_batch=10)
    assert run("--event", "hook:42") == 0
    text = capsys.readouterr().out
    assert "inclusion proof: VALID" in text and "proof (224 bytes)" in text
    assert run("--event", "hook:42", "--json") == 0
    inc = json.loads(capsys.readouterr().out)["inclusion"]
    assert inc["entry"]["id"] == "hook:42" and inc["proof_bytes"] == 224
    with pytest.raises(CliError) as err:
        run("--event", "hook:nope")
    assert err.value.code == 3


def test_anchor_option_detects_local_wipe(_isolated_state, tmp_path, capsys):
    state = str(_isolated_state)
    anchor = tmp_path / "anchor.jsonl"
    cfg = Config(state_dir=state, raw={"audit": {"anchor_paths": [str(anchor)]}})
    for b in range(3):
        audit.record(state, [audit.AuditEntry("hook", f"hook:{b}", "00" * 32)], cfg)
    log_path, cp_path = paths(state)
    for path in (log_path, cp_path):
        first = open(path, "rb").read().splitlines(keepends=True)[0]
        open(path, "wb").write(first)
    # The local files alone are consistent: the default anchor outside the state dir
    # catches it, and so does any anchor given.
    assert run() == 1
    assert "the audit log was rolled back" in capsys.readouterr().out
    assert run("--anchors", str(anchor)) == 1
    assert "truncated" in capsys.readouterr().out
    with open(f"{state}/config.toml", "a") as fh:
        fh.write("[audit]\ndefault_anchor = false\n")
    assert run() == 0


def test_no_log_is_a_usage_error(_isolated_state):
    with pytest.raises(CliError) as err:
        run()
    assert err.value.code == 2
