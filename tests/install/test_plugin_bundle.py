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
# `/bin/sh`, not `sh`: Claude Code resolves a hook command's words on the session's PATH,
# which a repository's `.claude/settings.json` env sets (checked with the real CLI by
# tests/e2e/test_plugin_path_e2e.py).
LAUNCH_COMMAND = '/bin/sh "${CLAUDE_PLUGIN_ROOT}/bin/cctrace-hook"'


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
                         "isolated": sys.flags.isolated, "argv": sys.argv[1:],
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


def launch(tmp_path: Path, root: Path, *, python: str | None = None, pin: bool = True,
           **env: str) -> tuple[int, list[dict], str]:
    """Run the launcher as Claude Code does. `python` is cached as the plugin's interpreter
    (what the launcher found before); `pin` writes the state dir `cctrace install --plugin`
    pins into the plugin's data folder."""
    out = tmp_path / "out.jsonl"
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    if python:
        (data / "python").write_text(python + "\n")
    if pin:
        (data / "state-dir").write_text(str(tmp_path / "state") + "\n")
    else:
        (data / "state-dir").unlink(missing_ok=True)
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
            "CLAUDE_PLUGIN_ROOT": str(root), "CLAUDE_PLUGIN_DATA": str(data),
            "PROBE_OUT": str(out)}
    proc = subprocess.run([SH, str(LAUNCHER)], input='{"hook_event_name": "Stop"}',
                          capture_output=True, text=True, env={**base, **env})
    lines = [json.loads(x) for x in out.read_text().splitlines()] if out.exists() else []
    return proc.returncode, lines, proc.stdout + proc.stderr


def test_launcher_runs_the_hook_without_site_and_passes_stdin(tmp_path, plugin_root):
    code, runs, output = launch(tmp_path, plugin_root, python=sys.executable)
    assert code == 0 and output == ""
    assert runs == [{"python": sys.executable, "no_site": 1, "isolated": 1,
                     "argv": [f"--state-dir={tmp_path / 'state'}",
                              f"--plugin-data={tmp_path / 'data'}",
                              f"--plugin-root={plugin_root}"],
                     "stdin": '{"hook_event_name": "Stop"}'}]


def test_launcher_takes_nothing_from_variables_a_project_can_set(tmp_path, plugin_root):
    evil = tmp_path / "evil"
    evil.mkdir()
    fake = evil / "python3"
    fake.write_text(f'#!/bin/sh\necho pwned > {evil}/ran\nexec "{sys.executable}" "$@"\n')
    fake.chmod(0o755)
    (evil / "worker.json").write_text(json.dumps({"python": str(fake)}))
    code, runs, _ = launch(tmp_path, plugin_root, python=sys.executable,
                           CCTRACE_HOME=str(evil), CCTRACE_PYTHON=str(fake),
                           XDG_STATE_HOME=str(evil), PYTHONPATH=str(evil))
    assert code == 0 and not (evil / "ran").exists()
    assert runs[0]["python"] == sys.executable and runs[0]["isolated"] == 1
    assert runs[0]["argv"] == [f"--state-dir={tmp_path / 'state'}",
                               f"--plugin-data={tmp_path / 'data'}",
                               f"--plugin-root={plugin_root}"]
    # Unpinned (no `cctrace install --plugin` yet): no --state-dir, the hook's own default;
    # and a worker.json under a $HOME the project chose does not pick the interpreter.
    (evil / ".local" / "state" / "cctrace").mkdir(parents=True)
    (evil / ".local" / "state" / "cctrace" / "worker.json").write_text(
        json.dumps({"python": str(fake)}))
    _, runs, _ = launch(tmp_path, plugin_root, pin=False, python=sys.executable,
                        CCTRACE_HOME=str(evil), HOME=str(evil))
    assert runs[-1]["argv"] == [f"--plugin-data={tmp_path / 'data'}",
                                f"--plugin-root={plugin_root}"]
    assert runs[-1]["python"] == sys.executable and not (evil / "ran").exists()


def test_launcher_prefers_the_worker_python(tmp_path, plugin_root):
    state = tmp_path / "state"
    state.mkdir()
    (state / "worker.json").write_text(json.dumps({"python": sys.executable}, indent=2))
    _, runs, _ = launch(tmp_path, plugin_root, PATH="/nonexistent")
    assert runs[0]["python"] == sys.executable


SYSTEM_PYTHONS = [f"{d}/{n}" for d in ("/usr/local/bin", "/usr/bin", "/opt/homebrew/bin",
                                         "/opt/local/bin")
                  for n in ("python3", "python3.14", "python3.13", "python3.12", "python3.11",
                            "python3.10")]


def _first_system_python() -> str | None:
    for candidate in SYSTEM_PYTHONS:
        if os.access(candidate, os.X_OK):
            out = subprocess.run([candidate, "-I", "-S", "-c", "import sys; print(sys.executable "
                                  "if sys.version_info >= (3, 10) else '')"],
                                 capture_output=True, text=True).stdout.strip()
            if out:
                return out
    return None


@pytest.mark.skipif(_first_system_python() is None, reason="no python3 >= 3.10 in system dirs")
def test_launcher_never_searches_path_and_caches_a_system_python(tmp_path, plugin_root):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    planted = bindir / "python3"  # a project's settings "env" can put this first on PATH
    planted.write_text(f'#!/bin/sh\necho ran > {tmp_path}/planted-ran\n'
                       f'exec "{sys.executable}" "$@"\n')
    planted.chmod(0o755)
    path = f"{bindir}:/usr/bin:/bin"
    _, runs, _ = launch(tmp_path, plugin_root, PATH=path)
    cached = (tmp_path / "data" / "python").read_text().strip()
    assert cached == runs[0]["python"] == _first_system_python()
    assert not (tmp_path / "planted-ran").exists()
    # Cached: the next run starts no version probe; a python written there by the user wins.
    (tmp_path / "data" / "python").write_text(sys.executable + "\n")
    _, runs, _ = launch(tmp_path, plugin_root, PATH=path)
    assert len(runs) == 2 and runs[1]["python"] == sys.executable


def test_launcher_runs_no_program_from_the_sessions_path(tmp_path, plugin_root):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    names = ("sh", "dirname", "mkdir", "mv", "cat", "python3", "uname", "printf")
    for name in names:
        prog = bindir / name
        prog.write_text(f'#!/bin/sh\necho ran > "{tmp_path}/{name}.pwned"\nexit 1\n')
        prog.chmod(0o755)
    path = f"{bindir}:/usr/bin:/bin"
    # No cached python (a probe, then mkdir and mv to cache it), no CLAUDE_PLUGIN_ROOT
    # (dirname finds the plugin folder).
    code, runs, _ = launch(tmp_path, plugin_root, PATH=path)
    assert code == 0 and runs[0]["python"] == _first_system_python()
    code, _, _ = launch(tmp_path, plugin_root, PATH=path, CLAUDE_PLUGIN_ROOT="")
    assert code == 0
    assert sorted(p.name for p in tmp_path.glob("*.pwned")) == []


def test_launcher_exits_0_whatever_goes_wrong(tmp_path, plugin_root):
    code, runs, output = launch(tmp_path, plugin_root, python=sys.executable, STUB_EXIT="2")
    assert (code, len(runs), output) == (0, 1, "")
    code, runs, output = launch(tmp_path, tmp_path / "no-such-plugin")
    assert (code, output) == (0, "")
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, output = launch(tmp_path, plugin_root, PATH=str(empty))
    assert (code, output) == (0, "")
