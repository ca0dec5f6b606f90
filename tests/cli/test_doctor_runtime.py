"""`cctrace doctor`'s view of the plugin's runtime: its state, and on failure the exact
reason and the fix recorded by the install (cctrace.install.runtime)."""

from __future__ import annotations

import json
import sys

import pytest

from cctrace.cli import doctor
from cctrace.worker import lifecycle


@pytest.fixture
def conf(tmp_path):
    c = tmp_path / "claude"
    c.mkdir()
    (c / "settings.json").write_text(json.dumps({"enabledPlugins": {"cctrace@cctrace": True}}))
    return c


def env_of(conf) -> dict[str, str]:
    return {"CLAUDE_CONFIG_DIR": str(conf), "HOME": str(conf.parent)}


def status(conf, **fields) -> None:
    d = conf / "plugins" / "data" / "cctrace-cctrace" / "runtime"
    d.mkdir(parents=True, exist_ok=True)
    (d / "status.json").write_text(json.dumps(fields))


def test_no_plugin_is_skipped(tmp_path):
    c = tmp_path / "empty"
    c.mkdir()
    got = doctor.check_plugin_runtime(env_of(c), str(tmp_path / "state"))
    assert (got.name, got.status, got.detail) == ("runtime", doctor.SKIP, "no cctrace plugin")


def test_failure_shows_the_reason_and_the_fix(conf, tmp_path):
    status(conf, state="failed", step="pip", reason="ERROR: No matching distribution found for x",
           fix="pip could not reach the package index: connect ...")
    got = doctor.check_plugin_runtime(env_of(conf), str(tmp_path / "state"))
    assert got.status == doctor.FAIL
    assert got.detail.startswith("install failed at pip: ERROR: No matching distribution found")
    assert got.fix == "pip could not reach the package index: connect ..."


def test_ready_and_not_yet(conf, tmp_path):
    got = doctor.check_plugin_runtime(env_of(conf), str(tmp_path / "state"))
    assert got.status == doctor.WARN and got.detail.startswith("not installed yet")
    assert "cctrace-plugin bootstrap" in got.fix
    status(conf, state="ready", python="/venv/bin/python")
    got = doctor.check_plugin_runtime(env_of(conf), str(tmp_path / "state"))
    assert (got.status, got.detail) == (doctor.OK, "ready: /venv/bin/python")


def test_not_needed_with_the_users_own_install(conf, tmp_path):
    status(conf, state="failed", step="pip", reason="x", fix="y")
    state = tmp_path / "state"
    lifecycle.write_worker_info(str(state), python=sys.executable)
    got = doctor.check_plugin_runtime(env_of(conf), str(state))
    assert got.status == doctor.OK and got.detail.startswith(f"not needed: the worker runs on "
                                                             f"{sys.executable}")
