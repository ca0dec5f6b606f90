"""Own logs and files: whole replayed sessions leave no key and no planted secret in any
log, spool, store or config file of the state dir (the key file itself aside).

The run is at debug level: every Python logger (cctrace's own, requests/urllib3) writes
DEBUG records to `<state>/logs/debug.log` while the worker pipeline and the export run
in-process, so what the most verbose logging would write is scanned too.
"""

from __future__ import annotations

import logging
import os
import shutil

import pytest

from cctrace import config as config_mod
from cctrace.export import outbox
from cctrace.security import keys
from cctrace.store.db import Store
from cctrace.worker import lifecycle, pipeline
from support import replay
from support.otlp_receiver import OTLPReceiver

SECRET_KEY = "sk-lf-9c1e7b52-4d3a-4f6e-8a2b-7c0d5e1f3a9b"
PUBLIC_KEY = "pk-lf-4e8a1c3b-2f7d-4a6e-9b0c-5d1e8f2a7c3b"
CONTENT = "Added a second item; notes.md has 4 lines"  # text the multi_turn session holds
PLANTED = "ghp_" + "Zq8vLx2Kp0Wd4Rt7Yb1Nc5Vs9Hj3Gm6Fa0Qe"  # a format-valid fake GitHub token


def _files(root: str) -> dict[str, bytes]:
    out = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            out[os.path.relpath(path, root)] = open(path, "rb").read()
    return out


@pytest.fixture
def debug_log(_isolated_state):
    """Every logger at DEBUG into `<state>/logs/debug.log`, as verbose as logging goes."""
    path = _isolated_state / "logs" / "debug.log"
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _isolated_state.chmod(0o700)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()


def test_sessions_leave_no_key_or_secret_in_state_files(tmp_path, _isolated_state,
                                                         monkeypatch, debug_log):
    state = str(_isolated_state)
    keys.store_secret_key(SECRET_KEY, state, use_keyring=False)
    with OTLPReceiver() as recv:
        recv.push_faults([503, 503])  # failures get logged and stored as reasons
        (_isolated_state / "config.toml").write_text(
            f'[langfuse]\nbase_url = "{recv.base_url}"\npublic_key = "{PUBLIC_KEY}"\n')
        monkeypatch.setenv("MY_SERVICE_TOKEN", PLANTED)
        env = dict(os.environ)
        env["CCTRACE_WORKER_PYTHON"] = shutil.which("true") or "/bin/true"
        for name in ("multi_turn", "tool_errors"):
            transcript = replay.copy_fixture(name, tmp_path / name)
            text = transcript.read_text()
            if name == "multi_turn":
                assert CONTENT in text
                transcript.write_text(text.replace(CONTENT, f"{CONTENT} {PLANTED}"))
            for payload in replay.payloads(name, transcript):
                assert replay.run_hook(payload, env).returncode == 0
        cfg = config_mod.load(state)
        assert cfg.langfuse_secret_key == SECRET_KEY  # read from the key file
        pipeline.drain(state, cfg)
        with Store.open(state) as store:
            result = outbox.flush(store, cfg, timeout=20)
        lifecycle.log_line(state, f"flush: {result.errors}")
        assert recv.spans()
        assert "[REDACTED:" in str(recv.spans())  # the planted token was in the content
        auth = recv.requests[0].headers["authorization"]
    token = auth.split()[1]
    found = {
        rel: [n for n, v in (("secret key", SECRET_KEY), ("public key", PUBLIC_KEY),
                             ("basic token", token), ("planted", PLANTED)) if v.encode() in data]
        for rel, data in _files(state).items()
        if not rel.startswith("keys" + os.sep)
    }
    leaks = {k: v for k, v in found.items() if v and not (k == "config.toml" and v == [
        "public key"])}
    assert leaks == {}
    assert any(rel.startswith("logs") for rel in _files(state))
    debug = debug_log.read_text()
    # Debug logging was really on: the export's DEBUG records and the HTTP client's are there.
    assert "DEBUG" in debug and "delivered to" in debug and "urllib3" in debug
