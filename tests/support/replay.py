"""Replay a recorded fixture through the real hook: copy its transcripts, spool its payloads.

The recorded payloads name the recording machine's transcript paths; replay rewrites them
to the copy, so the worker pipeline reads real transcripts exactly as it would live.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "transcripts"
HOOK = REPO / "src" / "cctrace" / "hook" / "entry.py"


def copy_fixture(name: str, dest: Path) -> Path:
    """Copy fixture `name` to `dest`; returns the main transcript's path in the copy."""
    shutil.copytree(FIXTURES / name, dest, dirs_exist_ok=True)
    (main,) = [p for p in dest.glob("*.jsonl") if p.name != "hooks.jsonl"]
    return main


def payloads(name: str, transcript: Path) -> list[dict]:
    out = []
    for line in (FIXTURES / name / "hooks.jsonl").read_text().splitlines():
        payload = json.loads(line)["payload"]
        for key in ("transcript_path", "agent_transcript_path"):
            if isinstance(payload.get(key), str) and payload[key]:
                rel = os.path.relpath(payload[key], os.path.dirname(_recorded(name)))
                payload[key] = str(transcript.parent / rel)
        out.append(payload)
    return out


def _recorded(name: str) -> str:
    for line in (FIXTURES / name / "hooks.jsonl").read_text().splitlines():
        path = json.loads(line)["payload"].get("transcript_path")
        if path:
            return path
    raise LookupError(f"fixture {name} has no transcript_path")


def run_hook(payload: dict, env: dict | None = None) -> subprocess.CompletedProcess:
    """One hook run as installed: the state dir pinned from `env["CCTRACE_HOME"]` (the hook
    itself reads no environment for it); a `CCTRACE_WORKER_PYTHON` in `env` is pinned into
    the state dir's worker.json the same way (the hook does not read that variable)."""
    from support.hookrun import hook_argv, pin_worker

    env = dict(os.environ if env is None else env)
    state = env["CCTRACE_HOME"]
    worker = env.pop("CCTRACE_WORKER_PYTHON", None)
    if worker:
        pin_worker(state, worker)
    return subprocess.run(
        hook_argv(state, entry=HOOK), input=json.dumps(payload).encode(),
        capture_output=True, env=env, timeout=30,
    )


def spool_fixture(name: str, dest: Path, env: dict | None = None) -> Path:
    """Copy fixture `name` under `dest` and send all its hook payloads through the hook."""
    transcript = copy_fixture(name, dest)
    for payload in payloads(name, transcript):
        assert run_hook(payload, env).returncode == 0
    return transcript
