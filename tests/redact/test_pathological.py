"""Pathological input: keyword anchors repeated thousands of times are read once per
distinct value, not once per anchor with a fresh scan; every such input comes back in a
subprocess well inside a generous hang guard (no timing is asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from cctrace.redact import stoplist

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_repeated_keyword_values_are_judged_once_each(redactor) -> None:
    text = "token=" * 10_000
    stoplist.unquoted_secret.cache_clear()
    assert redactor.redact_text(text) == text
    info = stoplist.unquoted_secret.cache_info()
    # 10,000 anchors, but the 512-character values they start are 6 distinct strings.
    # The last anchors start shorter values (the text ends within 512 characters).
    assert info.misses <= 6 + 512 // 6
    assert info.hits >= 10_000 - 6 - 512 // 6


def test_pathological_inputs_finish_and_keep_their_text() -> None:
    script = (
        "import json, sys\n"
        "from cctrace.redact import registry\n"
        "from cctrace.redact.engine import SecretRedactor\n"
        "red = SecretRedactor(registry.detectors(), b'k' * 32)\n"
        "texts = json.loads(sys.stdin.read())\n"
        "print(json.dumps([red.redact_text(t).count('[REDACTED:') for t in texts]))\n"
    )
    n = 100_000
    texts = [
        "token=" * (n // 6),
        "token: " * (n // 7),
        'password="' * (n // 10),
        "api_key=x&" * (n // 10),
        "stripe " * (n // 7),
        "<token>" * (n // 7),
        "=" * n,
        '"' * n,
        json.dumps(json.dumps(json.dumps({"a": ["token"] * 3000}))),
    ]
    out = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(texts), capture_output=True,
        text=True, timeout=120, cwd=ROOT, check=True,  # a hang guard, not a speed claim
    )
    # Nothing is a secret, except `x&api_key=x&...`: one value given to an `api_key`
    # slot (a query string, 511 characters), redacted once.
    assert json.loads(out.stdout) == [0, 0, 0, 1, 0, 0, 0, 0, 0]
