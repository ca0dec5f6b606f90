"""Destinations from the config, and that credentials never show in reprs or messages."""

from __future__ import annotations

import base64

from cctrace.config import Config
from cctrace.export.destinations import Destination, destinations, problems, scrub
from support.absence import assert_absent

PK, SK = "pk-lf-test-123", "sk-lf-very-secret-456"


def _langfuse(tmp_path, **kw) -> Config:
    return Config(
        state_dir=str(tmp_path),
        langfuse_base_url="http://127.0.0.1:3000/",
        langfuse_public_key=PK,
        langfuse_secret_key=SK,
        **kw,
    )


def test_none_configured_is_local_only(tmp_path):
    assert destinations(Config(state_dir=str(tmp_path))) == []


def test_langfuse_destination(tmp_path):
    [dest, scores] = destinations(_langfuse(tmp_path))
    assert (scores.name, scores.kind) == ("langfuse-scores", "scores")
    assert scores.url == "http://127.0.0.1:3000/api/public/scores"
    assert scores.headers["Authorization"] == dest.headers["Authorization"]
    assert dest.name == "langfuse" and dest.kind == "spans"
    assert dest.url == "http://127.0.0.1:3000/api/public/otel/v1/traces"
    scheme, token = dest.headers["Authorization"].split(" ")
    assert scheme == "Basic"
    assert base64.b64decode(token).decode() == f"{PK}:{SK}"
    assert dest.headers["x-langfuse-ingestion-version"] == "4"
    assert dest.headers["x-langfuse-public-key"] == PK


def test_incomplete_langfuse_config_is_inactive(tmp_path):
    cfg = _langfuse(tmp_path)
    cfg.langfuse_secret_key = None
    assert destinations(cfg) == []


def test_both_destinations(tmp_path):
    cfg = _langfuse(
        tmp_path,
        otlp_endpoint="http://127.0.0.1:4318/v1/traces",
        otlp_headers={"x-api-key": "otlp-token-789"},
    )
    dests = destinations(cfg)
    assert [d.name for d in dests] == ["langfuse", "langfuse-scores", "otlp"]
    assert dests[2].url == "http://127.0.0.1:4318/v1/traces"
    assert dests[2].headers == {"x-api-key": "otlp-token-789"}


def test_repr_and_scrub_hide_header_values(tmp_path):
    cfg = _langfuse(
        tmp_path,
        otlp_endpoint="http://127.0.0.1:4318/v1/traces",
        otlp_headers={"x-api-key": "otlp-token-789"},
    )
    for dest in destinations(cfg):
        text = repr(dest) + str(dest) + repr([dest])
        for value in dest.headers.values():
            if len(value) > 1:
                assert value not in text
        assert SK not in text
    lf = destinations(cfg)[0]
    token = lf.headers["Authorization"].split(" ")[1]
    leaked = f"bad auth {lf.headers['Authorization']} / {token} / {SK} / {PK}"
    cleaned = scrub(leaked, lf)
    assert_absent([token, SK, PK], cleaned)
    assert "[REDACTED]" in cleaned


def test_repr_hides_url_credentials():
    dest = Destination("otlp", "http://u:pw-xyz@127.0.0.1:4318/v1?token=t0k")
    text = repr(dest)
    assert "pw-xyz" not in text and "t0k" not in text
    assert "127.0.0.1:4318/v1" in text


def test_url_with_credentials_is_not_a_destination(tmp_path):
    cfg = Config(
        state_dir=str(tmp_path), otlp_endpoint="http://u:pw-xyz@127.0.0.1:4318/v1?token=t0k"
    )
    assert destinations(cfg) == []
    assert "user info" in problems(cfg)["otlp"] and "pw-xyz" not in problems(cfg)["otlp"]
