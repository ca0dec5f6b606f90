"""Fixtures for the redaction tests: a redactor with a fixed key, and the fake generators."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from cctrace.redact import registry  # noqa: E402
from cctrace.redact.engine import SecretRedactor  # noqa: E402


@pytest.fixture(scope="session")
def redactor() -> SecretRedactor:
    return SecretRedactor(registry.detectors(), b"test-key" * 4)


@pytest.fixture(scope="session")
def pii_redactor() -> SecretRedactor:
    return SecretRedactor(registry.detectors(pii=True), b"test-key" * 4)
