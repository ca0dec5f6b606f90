"""The plugin's private runtime (cctrace.install.runtime): when it installs, once, and what a
failure records. The full install with the real index runs in tests/e2e/test_plugin_e2e.py."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from cctrace.install import runtime

try:
    import tomllib
except ModuleNotFoundError:  # python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "plugins" / "cctrace"


def test_requirements_are_the_packages_dependencies():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    lines = (PLUGIN / runtime.REQUIREMENTS).read_text().splitlines()
    assert [ln for ln in lines if ln and not ln.startswith("#")] == project["dependencies"]


@pytest.fixture
def root(tmp_path):
    """A plugin folder of our own: its requirements file can be changed freely."""
    r = tmp_path / "plugin"
    (r / "runtime").mkdir(parents=True)
    (r / runtime.REQUIREMENTS).write_text("platformdirs>=4\n")
    return r


def write_status(data: Path, **fields) -> None:
    (data / "runtime").mkdir(parents=True, exist_ok=True)
    (data / "runtime" / "status.json").write_text(json.dumps(fields))


def test_ready_only_for_this_plugins_digest(tmp_path, root, monkeypatch):
    data, state = tmp_path / "data", str(tmp_path / "state")
    started = []
    monkeypatch.setattr(runtime, "start", lambda *a: started.append(a) or True)
    python = tmp_path / "venv-python"
    python.write_text("")
    write_status(data, state="ready", digest=runtime.digest(str(root)), python=str(python))
    assert runtime.ensure(state, str(data), str(root)) == str(python)
    assert started == []
    # A plugin upgrade with other requirements: not ready, one install started.
    (root / runtime.REQUIREMENTS).write_text("platformdirs>=4\nrequests>=2.31\n")
    assert runtime.ensure(state, str(data), str(root)) is None
    assert started == [(state, str(data), str(root))]


def test_no_second_install_while_one_holds_the_lock(tmp_path, root, monkeypatch):
    data, state = tmp_path / "data", tmp_path / "state"
    started = []
    monkeypatch.setattr(runtime, "start", lambda *a: started.append(a) or True)
    (data / "runtime").mkdir(parents=True)
    fd = os.open(data / "runtime" / runtime.LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert runtime.installing(str(data)) is True
        assert runtime.ensure(str(state), str(data), str(root)) is None
        assert started == []
        # The detached install itself, started anyway, leaves at once without a trace.
        assert runtime.main(["--state-dir", str(state), "--plugin-data", str(data),
                             "--plugin-root", str(root)]) == 0
        assert not (data / "runtime" / "status.json").exists()
    finally:
        os.close(fd)
    assert runtime.installing(str(data)) is False


def test_a_failure_is_retried_after_a_pause_not_on_every_event(tmp_path, root, monkeypatch):
    data, state = tmp_path / "data", str(tmp_path / "state")
    started = []
    monkeypatch.setattr(runtime, "start", lambda *a: started.append(a) or True)
    write_status(data, state="failed", digest=runtime.digest(str(root)), at=1000.0)
    assert runtime.ensure(state, str(data), str(root), now=1000.0 + 10) is None
    assert started == []
    assert runtime.ensure(state, str(data), str(root),
                          now=1000.0 + runtime.RETRY_SECONDS) is None
    assert len(started) == 1


def plugin_copy(tmp_path: Path, requirements: str) -> Path:
    """A plugin folder whose cctrace package is this one, with our own requirements."""
    r = tmp_path / "plugin"
    shutil.copytree(REPO / "src" / "cctrace", r / "cctrace",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (r / "runtime").mkdir()
    (r / runtime.REQUIREMENTS).write_text(requirements)
    return r


def run_main(plugin: Path, data: Path, state: Path) -> int:
    import subprocess

    proc = subprocess.run(runtime.bootstrap_command(str(state), str(data), str(plugin)),
                          env=runtime.clean_env(), capture_output=True, text=True, timeout=300)
    return proc.returncode


def status(data: Path) -> dict:
    return json.loads((data / "runtime" / "status.json").read_text())


def test_no_network_is_recorded_with_the_reason_and_the_fix(tmp_path):
    # The index is a closed loopback port: pip cannot connect, exactly as offline.
    plugin = plugin_copy(tmp_path, "--index-url http://127.0.0.1:9/simple\nplatformdirs>=4\n")
    data, state = tmp_path / "data", tmp_path / "state"
    assert run_main(plugin, data, state) == 1
    got = status(data)
    assert (got["state"], got["step"]) == ("failed", "pip")
    assert got["reason"].startswith("ERROR: ")
    assert "could not reach the package index" in got["fix"]
    log = (data / "runtime" / "bootstrap.log").read_text()
    assert "--isolated" in log and "FAILED at pip" in log
    # Nothing was left half-built to be mistaken for a runtime.
    assert runtime.ready_python(str(data), str(plugin)) is None


def test_a_pip_error_is_recorded_and_not_called_a_network_problem(tmp_path):
    plugin = plugin_copy(tmp_path, "./no-such-folder-here\n")
    data, state = tmp_path / "data", tmp_path / "state"
    assert run_main(plugin, data, state) == 1
    got = status(data)
    assert (got["state"], got["step"]) == ("failed", "pip")
    assert "no-such-folder-here" in got["reason"]
    assert got["fix"].startswith("see the log for pip's full output")


def test_an_old_python_is_refused_with_the_fix(tmp_path, root, monkeypatch):
    monkeypatch.setattr(runtime, "MIN_PYTHON", (sys.version_info[0] + 1, 0))
    fd = os.open(tmp_path / "log", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with pytest.raises(runtime.BootstrapError) as err:
            runtime.install(str(tmp_path / "data"), str(root), fd)
    finally:
        os.close(fd)
    assert err.value.step == "python"
    assert err.value.reason.endswith("is older than 3.10")
    assert err.value.fix.endswith(str(tmp_path / "data" / "python"))


def test_pip_sees_only_the_environment_built_for_it(monkeypatch):
    monkeypatch.setenv("PIP_INDEX_URL", "http://evil.invalid/simple")
    monkeypatch.setenv("PYTHONPATH", "/evil")
    monkeypatch.setenv("HTTPS_PROXY", "http://evil.invalid:3128")
    env = runtime.clean_env()
    assert sorted(env) == ["HOME", "LANG", "LC_ALL", "PATH"]
    assert env["PATH"] == "/usr/local/bin:/usr/bin:/bin"


def test_pip_failures_are_explained():
    out = ("WARNING: Retrying (Retry(total=0)) after connection broken by "
           "'NewConnectionError(...: Failed to establish a new connection')\n"
           "ERROR: Could not find a version that satisfies the requirement x\n"
           "ERROR: No matching distribution found for x\n")
    reason, fix = runtime.explain_pip_failure(out)
    assert reason == "ERROR: No matching distribution found for x"
    assert fix.startswith("pip could not reach the package index")
    reason, fix = runtime.explain_pip_failure("ERROR: Failed building wheel for hyperscan\n")
    assert reason == "ERROR: Failed building wheel for hyperscan"
    assert fix.startswith("see the log")
