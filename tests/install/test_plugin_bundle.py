"""The plugin marketplace files and the `sh` launcher, checked without Claude Code."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cctrace.install.events import CORE_EVENTS
from cctrace.install.settings import our_group

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "plugins" / "cctrace"
LAUNCHER = PLUGIN / "bin" / "cctrace-hook"
SH = shutil.which("sh") or "/bin/sh"
LAUNCH_COMMAND = 'sh "${CLAUDE_PLUGIN_ROOT}/bin/cctrace-hook"'


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def test_marketplace_lists_the_plugin_folder():
    market = load(REPO / ".claude-plugin" / "marketplace.json")
    plugin = load(PLUGIN / ".claude-plugin" / "plugin.json")
    assert market["name"] == "cctrace" and market["owner"]["name"]
    [entry] = market["plugins"]
    assert entry["name"] == plugin["name"] == "cctrace"
    assert (REPO / entry["source"]).resolve() == PLUGIN.resolve()
    assert entry["version"] == plugin["version"]


def test_plugin_hooks_are_the_core_events_through_the_launcher():
    hooks = load(PLUGIN / "hooks" / "hooks.json")["hooks"]
    assert hooks == {event: [our_group(event, LAUNCH_COMMAND)] for event in CORE_EVENTS}


def test_bundled_package_resolves_to_the_source_tree():
    assert (PLUGIN / "cctrace").resolve() == (REPO / "src" / "cctrace").resolve()
    assert os.access(LAUNCHER, os.X_OK)
    subprocess.run([SH, "-n", str(LAUNCHER)], check=True)


STUB = """import json, os, sys
with open(os.environ["PROBE_OUT"], "a") as fh:
    fh.write(json.dumps({"python": sys.executable, "no_site": sys.flags.no_site,
                         "stdin": sys.stdin.read()}) + "\\n")
sys.exit(int(os.environ.get("STUB_EXIT", "0")))
"""


@pytest.fixture
def plugin_root(tmp_path):
    root = tmp_path / "plugin"
    entry = root / "cctrace" / "hook" / "entry.py"
    entry.parent.mkdir(parents=True)
    entry.write_text(STUB)
    return root


def launch(tmp_path: Path, root: Path, **env: str) -> tuple[int, list[dict], str]:
    out = tmp_path / "out.jsonl"
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
            "CLAUDE_PLUGIN_ROOT": str(root), "CLAUDE_PLUGIN_DATA": str(tmp_path / "data"),
            "CCTRACE_HOME": str(tmp_path / "state"), "PROBE_OUT": str(out)}
    proc = subprocess.run([SH, str(LAUNCHER)], input='{"hook_event_name": "Stop"}',
                          capture_output=True, text=True, env={**base, **env})
    lines = [json.loads(x) for x in out.read_text().splitlines()] if out.exists() else []
    return proc.returncode, lines, proc.stdout + proc.stderr


def test_launcher_runs_the_hook_without_site_and_passes_stdin(tmp_path, plugin_root):
    code, runs, output = launch(tmp_path, plugin_root, CCTRACE_PYTHON=sys.executable)
    assert code == 0 and output == ""
    assert runs == [{"python": sys.executable, "no_site": 1,
                     "stdin": '{"hook_event_name": "Stop"}'}]


def test_launcher_prefers_the_worker_python(tmp_path, plugin_root):
    state = tmp_path / "state"
    state.mkdir()
    (state / "worker.json").write_text(json.dumps({"python": sys.executable}, indent=2))
    _, runs, _ = launch(tmp_path, plugin_root, PATH="/nonexistent")
    assert runs[0]["python"] == sys.executable


def test_launcher_resolves_a_python3_shim_once_and_caches_it(tmp_path, plugin_root):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    shim = bindir / "python3"  # like pyenv's: a script that execs the real interpreter
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    shim.chmod(0o755)
    path = f"{bindir}:/usr/bin:/bin"
    _, runs, _ = launch(tmp_path, plugin_root, PATH=path)
    cached = (tmp_path / "data" / "python").read_text().strip()
    assert cached != str(shim) and runs[0]["python"] == cached
    # Cached: the next run needs no python3 on PATH (sh still needs its own tools).
    (bindir / "python3").unlink()
    _, runs, _ = launch(tmp_path, plugin_root, PATH=path)
    assert len(runs) == 2 and runs[1]["python"] == cached


def test_launcher_exits_0_whatever_goes_wrong(tmp_path, plugin_root):
    code, runs, output = launch(tmp_path, plugin_root, CCTRACE_PYTHON=sys.executable,
                                STUB_EXIT="2")
    assert (code, len(runs), output) == (0, 1, "")
    code, runs, output = launch(tmp_path, tmp_path / "no-such-plugin")
    assert (code, output) == (0, "")
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, output = launch(tmp_path, plugin_root, PATH=str(empty))
    assert (code, output) == (0, "")
