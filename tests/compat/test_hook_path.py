"""Hook payloads of Claude Code 1.0.128 and 2.0.77 through the real hook and pipeline.

Each release's recorded payloads (only the events that release fires headless: 1.0.128 has
no PostToolUseFailure or SubagentStart) go through `hook/entry.py` as real subprocesses,
then `cctrace flush` processes the spool. The stored span ids must equal those of a plain
import of the same transcripts: the hook path neither loses nor invents observations.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from compat.fixtures import Fixture, fixtures
from support import replay

FIXTURES = fixtures()
pytestmark = pytest.mark.skipif(not FIXTURES, reason="no compat fixtures recorded")


def _ids(state: Path) -> set[str]:
    from cctrace.store.db import Store

    with Store.open(str(state)) as store:
        return {o.id for _, _, _, o in store.observations_after(0, limit=1_000_000)}


def _import_ids(fx: Fixture, tmp: Path) -> set[str]:
    from cctrace.cli.importer import import_paths

    main, _ = fx.copy_to(tmp / "import-t")
    state = tmp / "import-state"
    import_paths([str(main)], export=False, live_minutes=0, state_dir=str(state))
    return _ids(state)


@pytest.mark.parametrize("fx", [pytest.param(f, id=f.name) for f in FIXTURES])
def test_hook_path_ids_equal_import_ids(fx, tmp_path, _isolated_state, monkeypatch):
    monkeypatch.setenv("CCTRACE_CONFIG", str(tmp_path / "none.toml"))
    env = dict(os.environ)
    env["CCTRACE_HOME"] = str(_isolated_state)
    # Completing events would start a background worker; flush below does the work.
    env["CCTRACE_WORKER_PYTHON"] = shutil.which("true") or "/bin/true"
    _, payloads = fx.copy_to(tmp_path / "live")
    assert payloads
    for payload in payloads:
        res = replay.run_hook(payload, env)
        assert res.returncode == 0 and res.stdout == b""
    flush = subprocess.run([sys.executable, "-m", "cctrace", "flush", "--json", "--timeout",
                            "30"], env=env, capture_output=True, text=True, timeout=120)
    assert flush.returncode in (0, 1), flush.stderr[-2000:]
    live = _ids(_isolated_state)
    expected = _import_ids(fx, tmp_path)
    assert expected
    assert live == expected, (sorted(expected - live)[:5], sorted(live - expected)[:5])
    # Each release's own hook behaviour (1.0.x: no tool_use_id, no hook after a failed
    # tool; 1.0/2.0: none at all for a call refused in validation) is no coverage gap.
    from cctrace.store.db import Store

    with Store.open(str(_isolated_state)) as store:
        false_alarms = [f.title for f in store.findings(severity="low") if f.kind == "coverage"]
    assert not false_alarms, false_alarms


def test_hooks_fire_headless_per_release():
    """Which events each release fired in the recordings (and no unknown one)."""
    from cctrace.install.events import parse_version, supported_events

    fired: dict[str, set[str]] = {}
    for fx in FIXTURES:
        fired.setdefault(fx.version, set()).update(
            p["hook_event_name"] for p in fx.hook_payloads())
    assert {"SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "Stop",
            "SessionEnd", "SubagentStop"} <= fired["1.0.128"]
    assert not fired["1.0.128"] & {"PostToolUseFailure", "SubagentStart"}
    assert {"PostToolUseFailure", "SubagentStart", "SubagentStop"} <= fired["2.0.77"]
    for version, events in fired.items():
        # Every event that fired and cctrace listens to is registered for that release.
        registered = set(supported_events(parse_version(version)))
        assert events - {"PermissionRequest", "Notification"} <= registered, version
