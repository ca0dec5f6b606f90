"""Fixtures of the fault-injection suite: an OTLP receiver and a `Rig` pointed at it."""

from __future__ import annotations

import pytest

from reliability.harness import Rig
from support.otlp_receiver import OTLPReceiver


@pytest.fixture
def receiver():
    with OTLPReceiver() as recv:
        yield recv


@pytest.fixture
def rig(tmp_path, receiver, _isolated_state):
    return Rig(tmp_path, _isolated_state, endpoint=receiver.endpoint)
