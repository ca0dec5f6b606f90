"""Config: TOML file in the state dir, environment overrides, clear errors."""

from __future__ import annotations

import pytest

from cctrace import config


def test_defaults_are_local_only(tmp_path):
    cfg = config.load(str(tmp_path), env={})
    assert not cfg.langfuse_enabled and not cfg.otlp_enabled
    assert cfg.environment == "default" and cfg.user_id is None


def test_file_then_env_override(tmp_path):
    (tmp_path / "config.toml").write_text(
        '[langfuse]\nbase_url = "https://lf.example"\npublic_key = "pk-lf-1"\n'
        'secret_key = "sk-lf-1"\n[trace]\nuser_id = "alice"\n[otlp]\n'
        'endpoint = "http://127.0.0.1:4318/v1/traces"\nheaders = { "x-team" = "a" }\n'
    )
    cfg = config.load(str(tmp_path), env={"LANGFUSE_BASE_URL": "http://127.0.0.1:9"})
    assert cfg.langfuse_base_url == "http://127.0.0.1:9"
    assert cfg.langfuse_public_key == "pk-lf-1" and cfg.langfuse_enabled
    assert cfg.user_id == "alice"
    assert cfg.otlp_headers == {"x-team": "a"} and cfg.otlp_enabled


def test_bad_toml_names_file(tmp_path):
    (tmp_path / "config.toml").write_text("[langfuse\n")
    with pytest.raises(config.ConfigError, match="config.toml"):
        config.load(str(tmp_path), env={})


def test_wrong_type_is_reported(tmp_path):
    (tmp_path / "config.toml").write_text("[trace]\nuser_id = 5\n")
    with pytest.raises(config.ConfigError, match="user_id"):
        config.load(str(tmp_path), env={})
