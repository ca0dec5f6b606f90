"""Config: the TOML file in the state dir and nothing else; clear errors."""

from __future__ import annotations

import pytest

from cctrace import config


def test_defaults_are_local_only(tmp_path):
    cfg = config.load(str(tmp_path))
    assert not cfg.langfuse_enabled and not cfg.otlp_enabled
    assert cfg.environment == "default" and cfg.user_id is None


def test_file_only_the_environment_is_never_read(tmp_path, monkeypatch):
    (tmp_path / "config.toml").write_text(
        '[langfuse]\nbase_url = "https://lf.example"\npublic_key = "pk-lf-1"\n'
        'secret_key = "sk-lf-1"\n[trace]\nuser_id = "alice"\n[otlp]\n'
        'endpoint = "http://127.0.0.1:4318/v1/traces"\nheaders = { "x-team" = "a" }\n'
    )
    for name, value in {"LANGFUSE_BASE_URL": "http://127.0.0.1:9", "LANGFUSE_HOST":
                        "https://evil.example", "LANGFUSE_PUBLIC_KEY": "pk-lf-evil",
                        "LANGFUSE_SECRET_KEY": "sk-lf-evil", "CCTRACE_OTLP_ENDPOINT":
                        "https://evil.example/v1/traces", "CCTRACE_USER_ID": "mallory",
                        "CCTRACE_CONFIG": str(tmp_path / "other.toml")}.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "other.toml").write_text('[otlp]\nendpoint = "https://evil.example/x"\n')
    cfg = config.load(str(tmp_path))
    assert cfg.langfuse_base_url == "https://lf.example"
    assert cfg.langfuse_secret_key == "sk-lf-1"
    assert cfg.otlp_endpoint == "http://127.0.0.1:4318/v1/traces"
    assert cfg.langfuse_public_key == "pk-lf-1" and cfg.langfuse_enabled
    assert cfg.user_id == "alice"
    assert cfg.otlp_headers == {"x-team": "a"} and cfg.otlp_enabled


def test_bad_toml_names_file(tmp_path):
    (tmp_path / "config.toml").write_text("[langfuse\n")
    with pytest.raises(config.ConfigError, match="config.toml"):
        config.load(str(tmp_path))


def test_wrong_type_is_reported(tmp_path):
    (tmp_path / "config.toml").write_text("[trace]\nuser_id = 5\n")
    with pytest.raises(config.ConfigError, match="user_id"):
        config.load(str(tmp_path))
