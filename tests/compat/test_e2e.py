"""Opt-in: record fresh sessions with each listed Claude Code release and check them.

`CCTRACE_COMPAT_BINS=/tmp/cc-1.0.128/node_modules/.bin/claude:/tmp/cc-2.0.77/...` (os.pathsep
separated) records the multi-turn and subagent scenarios with every binary (real CLI, scripted
model server, per-release hook events), then runs the same checks as the fixture tests: hook
path ids equal import ids, one generation per message with its usage, tools nested.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from compat import test_hook_path, test_import
from compat.fixtures import Fixture

BINS = [b for b in os.environ.get("CCTRACE_COMPAT_BINS", "").split(os.pathsep) if b.strip()]

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not BINS, reason="set CCTRACE_COMPAT_BINS to run")]


@pytest.mark.parametrize("binary", BINS)
@pytest.mark.parametrize("scenario", ["multi_turn", "subagent"])
def test_fresh_recording_traces_correctly(binary, scenario, tmp_path, _isolated_state,
                                          monkeypatch):
    from support.claude import claude_version
    from support.record_fixtures import record, version_prefix

    version = claude_version(Path(binary))
    assert version, binary
    folder = record(scenario, version, tmp_path / "rec", binary=Path(binary),
                    folder=version_prefix(version) + scenario)
    fx = Fixture(folder)
    assert all(r["returncode"] == 0 for r in fx.meta["runs"])
    test_hook_path.test_hook_path_ids_equal_import_ids(fx, tmp_path / "h", _isolated_state,
                                                       monkeypatch)
    imported = {fx.name: test_import.import_fixture(fx, tmp_path / "i")}
    test_import.test_tools_nested_under_their_generation(fx, imported)
    test_import.test_generations_once_each_with_their_usage(fx, imported)
