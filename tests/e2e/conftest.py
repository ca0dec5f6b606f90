"""Fixtures for end-to-end tests: skip without the real CLI; a model server, an OTLP receiver and
a `TracedSession` (temp HOME + cctrace installed) per test."""

from __future__ import annotations

import pytest

from support.claude import claude_bin
from support.model_server import ModelServer
from support.otlp_receiver import OTLPReceiver
from support.traced import TracedSession


def pytest_collection_modifyitems(items):
    if claude_bin() is None:
        skip = pytest.mark.skip(reason="Claude Code CLI not found: set CCTRACE_CLAUDE_BIN or "
                                       "npm install the pinned @anthropic-ai/claude-code")
        for item in items:
            if "e2e" in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def model_server():
    with ModelServer() as srv:
        yield srv


@pytest.fixture
def receiver():
    with OTLPReceiver() as recv:
        yield recv


@pytest.fixture
def traced(tmp_path, model_server, receiver, _isolated_state):
    session = TracedSession(tmp_path / "run", model_server, receiver, _isolated_state)
    session.install()
    return session
