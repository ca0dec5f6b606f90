"""Rollback and wipe of the audit dir are caught by the default anchor outside it."""

from __future__ import annotations

import json
import os
import shutil

from cctrace import audit
from cctrace import config as config_mod
from cctrace.cli.main import main


def _record(state: str, n: int, start: int = 0) -> None:
    cfg = config_mod.load(state)
    for b in range(start, start + n):
        audit.record(state, [audit.AuditEntry("hook", f"hook:{b}", "22" * 32)], cfg)


def _verify(capsys) -> tuple[int, dict]:
    code = main(["verify", "--log-only", "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_rolling_the_audit_dir_back_is_detected(_isolated_state, capsys):
    state = str(_isolated_state)
    _record(state, 2)
    audit_dir = os.path.join(state, "audit")
    shutil.copytree(audit_dir, str(_isolated_state) + ".snapshot")
    _record(state, 3, start=2)
    assert _verify(capsys)[0] == 0
    # Back to the earlier checkpoint: later log lines, head.json and the key go with it.
    shutil.rmtree(audit_dir)
    shutil.copytree(str(_isolated_state) + ".snapshot", audit_dir)
    code, out = _verify(capsys)
    assert code == 1 and "rolled back" in out["damage"][0]["message"]
    # ...and it stays detected once the writer has carried on from the old state.
    _record(state, 2, start=10)
    code, out = _verify(capsys)
    assert code == 1 and out["damage"]


def test_wiping_the_audit_dir_is_detected(_isolated_state, capsys):
    state = str(_isolated_state)
    _record(state, 3)
    shutil.rmtree(os.path.join(state, "audit"))
    code, out = _verify(capsys)
    assert code == 1 and "rolled back" in out["damage"][0]["message"]
    _record(state, 1, start=50)  # a fresh genesis key and log id
    code, out = _verify(capsys)
    assert code == 1
    assert any("wiped and started again" in d["message"] for d in out["damage"])


def test_the_default_anchor_is_outside_the_state_dir_and_private(_isolated_state, tmp_path):
    state = str(_isolated_state)
    _record(state, 1)
    settings = audit.settings_from_config(config_mod.load(state))
    anchor = settings.default_anchor
    assert anchor and not os.path.realpath(anchor).startswith(os.path.realpath(state))
    (name,) = os.listdir(anchor)
    assert name.startswith("cctrace-audit-")
    assert os.stat(os.path.join(anchor, name)).st_mode & 0o077 == 0
    assert os.stat(anchor).st_mode & 0o077 == 0
