"""The worker's timing knobs: config.toml's `[worker]`, never the environment (a repository
can set a Claude Code session's environment, and the hook starts the worker from it)."""

from __future__ import annotations

import os

import pytest

from cctrace.worker import __main__ as worker_main
from cctrace.worker import lifecycle


def _config(root, text: str) -> str:
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "config.toml"), "w") as fh:
        fh.write(text)
    return str(root)


def test_defaults_without_a_config(tmp_path):
    assert worker_main.timing(str(tmp_path)) == (lifecycle.DEFAULT_IDLE_SECONDS, None)
    assert lifecycle.DEFAULT_IDLE_SECONDS == 2.0


def test_the_config_sets_both(tmp_path):
    root = _config(tmp_path, "[worker]\nidle_ms = 250\nmax_seconds = 90\n")
    assert worker_main.timing(root) == (0.25, 90.0)


def test_zero_idle_is_kept_and_zero_max_is_no_cap(tmp_path):
    root = _config(tmp_path, "[worker]\nidle_ms = 0\nmax_seconds = 0\n")
    assert worker_main.timing(root) == (0.0, None)


def test_the_environment_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setenv("CCTRACE_WORKER_IDLE", "0")
    monkeypatch.setenv("CCTRACE_WORKER_MAX_SECONDS", "0.001")
    assert worker_main.timing(str(tmp_path)) == (2.0, None)
    root = _config(tmp_path / "c", "[worker]\nidle_ms = 1500\n")
    assert worker_main.timing(root) == (1.5, None)


@pytest.mark.parametrize("text", [
    "[worker]\nidle_ms = -1\nmax_seconds = -5\n",
    "[worker]\nidle_ms = \"300\"\nmax_seconds = 1.5\n",
    "[worker]\nidle_ms = true\nmax_seconds = false\n",
    "worker = 3\n",
    "[worker\n",  # not TOML: the pipeline reports it; the worker keeps its defaults
])
def test_invalid_values_keep_the_defaults(tmp_path, text):
    assert worker_main.timing(_config(tmp_path, text)) == (2.0, None)
