"""End-to-end: a real Claude Code session full of planted secrets leaks none of them.

The session's prompt, the files it reads, the commands it runs and their output, a config
file it writes, a denied `.env` it reads and its final answer all carry format-valid fake
secrets (one per provider type the fake generator knows), a private key block, a URL
password, a bearer header, a generic password assignment and a value that is secret only
because the environment says so. After `cctrace flush`, neither the spans the OTLP receiver
decoded nor any file in the state dir may contain one of them, and redaction markers must
stand in their place.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys

import pytest

from support.absence import leaks, settled, state_store_text, store_text
from support.model_server import ToolUse, text, tools
from support.traced import TracedSession

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from bench.corpus.fakes import fakes  # noqa: E402

pytestmark = pytest.mark.e2e

PEM_BODY = "".join(random.Random(3).choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789+/")
                   for _ in range(64 * 12))
PEM = ("-----BEGIN RSA PRIVATE KEY-----\n"
       + "\n".join(PEM_BODY[i:i + 64] for i in range(0, len(PEM_BODY), 64))
       + "\n-----END RSA PRIVATE KEY-----")
URL_PASSWORD = "Zq8-vLx2-Kp0-Wd4"
BEARER = "mF3kP9qLz7Xw2Rt5Yb8Nc1Vd4Hs6Gj0A"
GENERIC_PASSWORD = "n0t-4-Real-Pa55w0rd-91Xq"
ENV_ONLY = "plain-looking-3b9f2c71d6a84e05"  # no format: known only from the environment
DOTENV_VALUE = "dotenv-value-7Hq2Lm9Xz4Rt"


def planted() -> dict[str, str]:
    """type -> secret value: every single-token fake, plus the hand-made ones."""
    values = {
        typ: value for typ, value in fakes(random.Random(11))
        if re.fullmatch(r"[A-Za-z0-9_\-.+/:]+=*", value) and "://" not in value
    }
    values.update({"pem_body_line": PEM_BODY[64:128], "url_password": URL_PASSWORD,
                   "bearer": BEARER, "generic_password": GENERIC_PASSWORD,
                   "env_only": ENV_ONLY, "dotenv": DOTENV_VALUE})
    return values


def test_planted_secrets_never_reach_the_wire_or_the_state_dir(traced: TracedSession,
                                                                _isolated_state):
    t = traced
    secrets = planted()
    tokens = [v for k, v in secrets.items() if k not in (
        "pem_body_line", "url_password", "bearer", "generic_password", "env_only", "dotenv")]
    project = t.home.project
    (project / "services.txt").write_text(
        "".join(f"key {i}: {value}\n" for i, value in enumerate(tokens)))
    (project / "db.txt").write_text(
        f"DATABASE_URL=postgres://admin:{URL_PASSWORD}@db.internal:5432/app\n"
        f'password = "{GENERIC_PASSWORD}"\n')
    (project / ".env").write_text(f"SERVICE_API_KEY={DOTENV_VALUE}\n")
    t.cctrace_env["ACME_API_TOKEN"] = ENV_ONLY
    config_yaml = ("deploy:\n  key: |\n" + "".join(f"    {line}\n" for line in PEM.splitlines())
                   + "".join(f"  token_{i}: {v}\n" for i, v in enumerate(tokens[:20])))
    t.server.add("[sec-1]", [
        tools(ToolUse("Read", {"file_path": t.p("services.txt")})),
        tools(ToolUse("Bash", {"command": f'cat db.txt; echo "$ACME_API_TOKEN"; '
                                          f'echo "Authorization: Bearer {BEARER}"',
                               "description": "Show settings"})),
        tools(ToolUse("Write", {"file_path": t.p("deploy.yaml"), "content": config_yaml})),
        tools(ToolUse("Read", {"file_path": t.p(".env")})),
        text(f"Configured. The first key was {tokens[0]} and the DB password {URL_PASSWORD}."),
    ])
    t.prompt(f"Set up the services with my key {tokens[1]} [sec-1]")
    res = t.flush()
    assert res.returncode == 0, res.stdout + res.stderr

    spans = t.receiver.spans()
    assert spans
    wire = json.dumps(spans)
    assert "[REDACTED:" in wire
    # Every 12-character piece, not just whole values: a partial leak is a leak.
    leaked = sorted(k for k, v in secrets.items() if leaks(v, wire))
    assert leaked == [], f"secrets on the wire: {leaked}"
    # The scripted steps really happened: the Bash output and the written file are traced.
    assert "ACME_API_TOKEN" in wire and "deploy.yaml" in wire

    settled(str(_isolated_state))
    found: dict[str, list[str]] = {}
    for folder, _, files in os.walk(_isolated_state):
        for name in files:
            path = os.path.join(folder, name)
            data = open(path, "rb").read()
            if name.endswith((".sqlite", ".db")) and data.startswith(b"SQLite format 3"):
                data += store_text(path).encode()
            hits = [k for k, v in secrets.items() if leaks(v, data)]
            if hits:
                found[os.path.relpath(path, _isolated_state)] = hits
    assert found == {}, f"secrets in the state dir: {found}"
    # The store encrypts content at rest: read it as cctrace does, decrypted.
    stored = state_store_text(str(_isolated_state))
    assert "[REDACTED:" in stored and "deploy.yaml" in stored
    in_store = sorted(k for k, v in secrets.items() if leaks(v, stored))
    assert in_store == [], f"secrets in the store: {in_store}"
