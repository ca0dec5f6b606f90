"""The benign-session corpus: every built-in rule and every coverage/tamper check yields no
finding of medium or higher on the ordinary sessions recorded with the real Claude Code CLI,
of every supported release (2.1.x, 2.0.77, 1.0.128: tests/fixtures/transcripts) and on the
package's samples. Fixtures with hook payloads go through the real hook and the worker's
pipeline (rules and coverage reconciled against the hooks); the samples through `import`."""

from __future__ import annotations

import os
import shutil
from importlib import resources

import pytest

from cctrace.cli import importer
from cctrace.config import Config
from cctrace.findings import SEVERITIES
from cctrace.store.db import Store
from cctrace.worker import pipeline
from support import replay
from support.replay import FIXTURES

SCENARIOS = sorted(n for n in os.listdir(FIXTURES) if (FIXTURES / n).is_dir())
MEDIUM = SEVERITIES.index("medium")


def _loud(state: str) -> list[tuple[str, str, str]]:
    with Store.open(state) as store:
        return sorted((f.rule_id, f.severity, f.title) for f in store.findings(
            severity="medium"))


def test_every_release_is_recorded():
    versions = {n.split("_")[0] + "_" + n.split("_")[1] + "_" + n.split("_")[2]
                for n in SCENARIOS if n.startswith("v")}
    assert versions == {"v1_0_128", "v2_0_77"} and "multi_turn" in SCENARIOS  # 2.1.x


@pytest.mark.parametrize("name", SCENARIOS)
def test_recorded_session_raises_nothing_of_medium_or_higher(name, tmp_path, _isolated_state):
    state = str(_isolated_state)
    env = dict(os.environ, CCTRACE_HOME=state,
               CCTRACE_WORKER_PYTHON=shutil.which("true") or "/bin/true")
    if (FIXTURES / name / "hooks.jsonl").exists():
        shutil.copytree(FIXTURES / name, tmp_path / "t")
        (transcript,) = [p for p in (tmp_path / "t").glob("*.jsonl")
                         if p.name != "hooks.jsonl" and not p.name.startswith("agent-")]
        for payload in replay.payloads(name, transcript):
            assert replay.run_hook(payload, env).returncode == 0
        report = pipeline.drain(state, Config(state_dir=state))
        assert report.events and report.new_observations
    else:
        transcript = replay.copy_fixture(name, tmp_path / "t")
        counts = importer.import_paths([str(transcript)], export=False, live_minutes=0)
        assert counts["observations"] and not counts["errors"]
    with Store.open(state) as store:
        assert store.sessions()
        every = store.findings()
        total = len(every)
    # Every finding of a session says which (checkpoints of the audit log included).
    assert [f.rule_id for f in every if not f.session_id] == []
    loud = _loud(state)
    assert loud == [], f"{name}: {total} finding(s) in all; {loud}"


def test_package_samples_raise_nothing_of_medium_or_higher(tmp_path, _isolated_state):
    with resources.as_file(resources.files("cctrace") / "data" / "samples") as src:
        shutil.copytree(src, tmp_path / "samples")
    counts = importer.import_paths([str(tmp_path / "samples")], export=False, live_minutes=0)
    assert counts["files"] == 4 and not counts["errors"]
    loud = _loud(str(_isolated_state))
    assert loud == [], loud
