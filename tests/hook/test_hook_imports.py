"""The hook must load nothing but cheap standard-library modules and its own few modules.

Measured the way the issue asks: `python -S -X importtime entry.py` on real payloads, with
every module the run imported checked against the standard library and a deny-list of
modules that cost milliseconds (`json` alone pulls in `re` and `enum`, ~6 ms).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import cctrace
from support.hookrun import hook_argv, pin_worker

ENTRY = os.path.join(os.path.dirname(cctrace.__file__), "hook", "entry.py")

# Costly or pointless on a hook's path; any of them (or their submodules) fails the test.
HEAVY = {
    "asyncio", "email", "http", "urllib", "subprocess", "threading", "logging", "typing",
    "re", "json", "enum", "dataclasses", "inspect", "socket", "ssl", "selectors",
    "concurrent", "tomllib", "sqlite3", "importlib.metadata", "traceback", "tempfile",
    "shutil", "pathlib", "datetime", "uuid", "random", "hashlib", "platform", "locale",
    "argparse", "collections", "functools",
}
OWN = {
    "cctrace", "cctrace.hook", "cctrace.hook.defer", "cctrace.hook.envnote", "cctrace.hook.main",
    "cctrace.hook.mute",
    "cctrace.statedir",
    "cctrace.spool",
    "cctrace.spool.jsonlite", "cctrace.spool.layout", "cctrace.spool.limits",
    "cctrace.spool.writer",
    "cctrace.worker", "cctrace.worker.lifecycle",
}


def imported_modules(home, body: bytes) -> list[str]:
    pin_worker(home, "/bin/true")
    proc = subprocess.run(hook_argv(home, "-X", "importtime"), input=body,
                          capture_output=True, env=dict(os.environ), timeout=60)
    assert proc.returncode == 0 and proc.stdout == b""
    lines = proc.stderr.decode().splitlines()
    names = [line.rsplit("|", 1)[1].strip() for line in lines[1:] if "|" in line]
    assert "cctrace.hook.main" in names  # the measurement saw the hook's own imports
    return names


def _top(name: str) -> str:
    return name.split(".", 1)[0]


@pytest.mark.parametrize(
    "event", ["PreToolUse", "PostToolUse", "Stop", "SessionStart", "UserPromptSubmit"]
)
def test_hook_imports_only_cheap_stdlib(_isolated_state, event):
    body = json.dumps({"session_id": "s", "transcript_path": "/t", "cwd": "/",
                       "hook_event_name": event, "tool_response": "x" * 50_000}).encode()
    names = imported_modules(_isolated_state, body)
    foreign = [n for n in names
               if _top(n) not in sys.stdlib_module_names and _top(n) != "cctrace"]
    assert foreign == []
    heavy = [n for n in names if n in HEAVY or any(n.startswith(h + ".") for h in HEAVY)]
    assert heavy == []
    assert sorted(n for n in names if _top(n) == "cctrace") == sorted(
        n for n in OWN if event == "Stop" or not n.startswith("cctrace.worker")
    )


def test_plugin_hook_on_stop_imports_only_cheap_stdlib(_isolated_state, tmp_path):
    """Run by the plugin (its runtime not ready), Stop still loads only cheap modules: the
    runtime check reads one file and checksums with zlib. (A failure recorded just now keeps
    it from starting a real install in the background.)"""
    import time

    from cctrace.install import runtime

    plugin = tmp_path / "plugin"
    (plugin / "runtime").mkdir(parents=True)
    (plugin / "runtime" / "requirements.txt").write_text("platformdirs>=4\n")
    (tmp_path / "data" / "runtime").mkdir(parents=True)
    (tmp_path / "data" / "runtime" / "status.json").write_text(json.dumps(
        {"state": "failed", "digest": runtime.digest(str(plugin), sys.executable),
         "at": time.time()}))
    body = json.dumps({"session_id": "s", "hook_event_name": "Stop"}).encode()
    proc = subprocess.run(
        hook_argv(_isolated_state, "-X", "importtime",
                  extra=(f"--plugin-data={tmp_path / 'data'}", f"--plugin-root={plugin}")),
        input=body, capture_output=True, env=dict(os.environ), timeout=60)
    assert proc.returncode == 0 and proc.stdout == b""
    names = [ln.rsplit("|", 1)[1].strip() for ln in proc.stderr.decode().splitlines()[1:]
             if "|" in ln]
    assert "cctrace.install.runtime" in names and "zlib" in names
    assert not (tmp_path / "data" / "runtime" / "bootstrap.log").exists()
    assert [n for n in names if _top(n) not in sys.stdlib_module_names
            and _top(n) != "cctrace"] == []
    assert [n for n in names if n in HEAVY or any(n.startswith(h + ".") for h in HEAVY)] == []


def test_garbage_input_stays_in_the_stdlib(_isolated_state):
    # On malformed JSON `_json` itself imports `json.decoder` to build its error: allowed
    # (rare path), but nothing from outside the standard library may appear.
    names = imported_modules(_isolated_state, b"{not json")
    assert [n for n in names
            if _top(n) not in sys.stdlib_module_names and _top(n) != "cctrace"] == []
    assert not [n for n in names if _top(n) in {"asyncio", "email", "http", "subprocess"}]
