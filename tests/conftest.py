"""Shared pytest set-up: every test gets its own CCTRACE_HOME so no state leaks."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path, monkeypatch):
    home = tmp_path / "cctrace-home"
    monkeypatch.setenv("CCTRACE_HOME", str(home))
    # The default audit anchor lives outside the state dir, under the account's home (no
    # environment variable moves it); in-process it goes to the test's folder instead.
    # Subprocess workers anchor under ~/.config/cctrace/anchors/<state key>, one folder per
    # test's state dir.
    from cctrace.audit import anchors

    monkeypatch.setattr(anchors, "_base", lambda: str(tmp_path / "default-anchors"))
    for name in ("LANGFUSE_BASE_URL", "LANGFUSE_HOST", "LANGFUSE_PUBLIC_KEY",
                 "LANGFUSE_SECRET_KEY", "CCTRACE_OTLP_ENDPOINT", "CCTRACE_CONFIG",
                 "CCTRACE_WORKER_PYTHON", "CCTRACE_WORKER_IDLE", "CCTRACE_WORKER_MAX_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    yield home
