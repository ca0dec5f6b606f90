"""Which config sources count, exactly: the state dir's `config.toml` and the keychain.

A repository can set the environment of a Claude Code session (its settings' `env`,
dotenv and direnv loaders), so `config.load` reads nothing but `<state dir>/config.toml`
(or the `path` it is given) and, for the Langfuse secret alone, the keychain or its 0600
file in that state dir. Every field, default, table check and message is asserted whole,
with every variable a repository could plant set to a value that must not win. The
mutation run (`bench/mutation.py -m config.sources`) starts with this file.
"""

from __future__ import annotations

import os

import pytest

from cctrace import config
from cctrace.config import Config, ConfigError
from cctrace.security import keys

PLANTED = {
    "LANGFUSE_BASE_URL": "http://127.0.0.1:9", "LANGFUSE_HOST": "https://evil.example",
    "LANGFUSE_PUBLIC_KEY": "pk-lf-evil", "LANGFUSE_SECRET_KEY": "sk-lf-evil",
    "CCTRACE_OTLP_ENDPOINT": "https://evil.example/v1/traces",
    "OTEL_EXPORTER_OTLP_ENDPOINT": "https://evil.example", "CCTRACE_USER_ID": "mallory",
    "CCTRACE_ENVIRONMENT": "evil", "CCTRACE_RELEASE": "evil",
}


@pytest.fixture
def planted(monkeypatch, tmp_path):
    for name, value in PLANTED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CCTRACE_CONFIG", str(tmp_path / "evil.toml"))
    monkeypatch.setenv("CCTRACE_KEYRING", "0")
    (tmp_path / "evil.toml").write_text('[otlp]\nendpoint = "https://evil.example/x"\n')


def test_config_path(tmp_path, monkeypatch) -> None:
    assert config.config_path(str(tmp_path)) == os.path.join(str(tmp_path), "config.toml")
    monkeypatch.setenv("CCTRACE_HOME", str(tmp_path / "cli"))
    assert config.config_path() == os.path.join(str(tmp_path / "cli"), "config.toml")
    assert config.config_path("") == os.path.join(str(tmp_path / "cli"), "config.toml")


def test_read_file(tmp_path) -> None:
    assert config.read_file(str(tmp_path / "missing.toml")) == {}
    (tmp_path / "a.toml").write_text('x = "1"\n[t]\ny = 2\n')
    assert config.read_file(str(tmp_path / "a.toml")) == {"x": "1", "t": {"y": 2}}
    (tmp_path / "bad.toml").write_text("[t\n")
    with pytest.raises(ConfigError) as err:
        config.read_file(str(tmp_path / "bad.toml"))
    assert str(err.value).startswith(f"{tmp_path / 'bad.toml'}: not valid TOML: ")
    (tmp_path / "dir.toml").mkdir()
    with pytest.raises(ConfigError) as err:
        config.read_file(str(tmp_path / "dir.toml"))
    assert str(err.value) == f"{tmp_path / 'dir.toml'}: cannot read: Is a directory"


def test_str() -> None:
    assert config._str(None, "w") is None
    assert config._str("  ", "w") is None
    assert config._str(" a b ", "w") == "a b"
    with pytest.raises(ConfigError) as err:
        config._str(3, "f: t.k")
    assert str(err.value) == "f: t.k must be a string, not int"


def test_defaults_with_every_variable_planted(tmp_path, planted) -> None:
    root = str(tmp_path / "state")
    assert config.load(root) == Config(state_dir=root, path=os.path.join(root, "config.toml"))


def test_every_field_comes_from_the_file(tmp_path, planted) -> None:
    (tmp_path / "config.toml").write_text(
        '[langfuse]\nbase_url = " https://lf.example "\npublic_key = "pk-lf-1"\n'
        'secret_key = "sk-lf-1"\n[trace]\nuser_id = "alice"\nenvironment = "prod"\n'
        'release = "1.2"\n[otlp]\nendpoint = "http://127.0.0.1:4318/v1/traces"\n'
        'headers = { "x-team" = "a" }\n')
    cfg = config.load(str(tmp_path))
    assert (cfg.state_dir, cfg.langfuse_base_url, cfg.langfuse_public_key,
            cfg.langfuse_secret_key, cfg.user_id, cfg.environment, cfg.release,
            cfg.otlp_endpoint, cfg.otlp_headers, cfg.path, cfg.prices) == (
        str(tmp_path), "https://lf.example", "pk-lf-1", "sk-lf-1", "alice", "prod", "1.2",
        "http://127.0.0.1:4318/v1/traces", {"x-team": "a"},
        os.path.join(str(tmp_path), "config.toml"), ())
    assert cfg.raw["trace"] == {"user_id": "alice", "environment": "prod", "release": "1.2"}
    assert cfg.environment == "prod"


def test_another_path_for_the_same_state_dir(tmp_path, planted) -> None:
    (tmp_path / "config.toml").write_text('[trace]\nuser_id = "main"\n')
    (tmp_path / "edit.toml").write_text('[trace]\nuser_id = "edited"\nenvironment = " "\n')
    cfg = config.load(str(tmp_path), path=str(tmp_path / "edit.toml"))
    assert (cfg.state_dir, cfg.user_id, cfg.environment, cfg.path) == (
        str(tmp_path), "edited", "default", str(tmp_path / "edit.toml"))


@pytest.mark.parametrize("body, message", [
    ('langfuse = "x"\n', "[langfuse] must be a table"),
    ("otlp = 1\n", "[otlp] must be a table"),
    ("trace = [1]\n", "[trace] must be a table"),
    ('[otlp]\nheaders = "x"\n', "otlp.headers must be a table of strings"),
    ("[otlp.headers]\na = 1\n", "otlp.headers must be a table of strings"),
    ("[trace]\nuser_id = 5\n", "trace.user_id must be a string, not int"),
    ("[trace]\nenvironment = true\n", "trace.environment must be a string, not bool"),
    ("[trace]\nrelease = 1.5\n", "trace.release must be a string, not float"),
    ("[langfuse]\nbase_url = 1\n", "langfuse.base_url must be a string, not int"),
    ("[langfuse]\npublic_key = 1\n", "langfuse.public_key must be a string, not int"),
    ("[langfuse]\nsecret_key = 1\n", "langfuse.secret_key must be a string, not int"),
    ("[otlp]\nendpoint = 1\n", "otlp.endpoint must be a string, not int"),
    ('prices = "x"\n', "[prices] must be a table of models"),
])
def test_bad_tables_name_the_file_and_key(tmp_path, body: str, message: str) -> None:
    (tmp_path / "config.toml").write_text(body)
    with pytest.raises(ConfigError) as err:
        config.load(str(tmp_path))
    assert str(err.value) == f"{tmp_path / 'config.toml'}: {message}"


def test_empty_tables_are_defaults(tmp_path, planted) -> None:
    (tmp_path / "config.toml").write_text('langfuse = ""\notlp = {}\n[trace]\n')
    cfg = config.load(str(tmp_path))
    assert (cfg.langfuse_base_url, cfg.otlp_endpoint, cfg.otlp_headers, cfg.environment) == (
        None, None, {}, "default")


def test_the_secret_key_comes_from_the_state_dirs_store_only(tmp_path, planted) -> None:
    keys.store_secret_key("sk-lf-stored", str(tmp_path), use_keyring=False)
    (tmp_path / "config.toml").write_text('[langfuse]\nbase_url = "https://lf.example"\n')
    assert config.load(str(tmp_path)).langfuse_secret_key == "sk-lf-stored"
    assert config.load(str(tmp_path), keychain=False).langfuse_secret_key is None
    (tmp_path / "config.toml").write_text('[langfuse]\npublic_key = "pk-lf-1"\n')
    assert config.load(str(tmp_path)).langfuse_secret_key == "sk-lf-stored"
    # no Langfuse configured: the store is not asked
    (tmp_path / "config.toml").write_text('[trace]\nuser_id = "a"\n')
    assert config.load(str(tmp_path)).langfuse_secret_key is None
    # the file's own key wins
    (tmp_path / "config.toml").write_text(
        '[langfuse]\nbase_url = "https://lf.example"\nsecret_key = "sk-lf-file"\n')
    assert config.load(str(tmp_path)).langfuse_secret_key == "sk-lf-file"
    # another state dir has no key: the environment's is never taken
    other = tmp_path / "other"
    other.mkdir()
    (other / "config.toml").write_text('[langfuse]\nbase_url = "https://lf.example"\n')
    assert config.load(str(other)).langfuse_secret_key is None


def test_without_a_state_dir_the_clis_is_used(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CCTRACE_HOME", str(tmp_path))
    (tmp_path / "config.toml").write_text('[trace]\nuser_id = "cli"\n')
    cfg = config.load()
    assert (cfg.state_dir, cfg.user_id) == (str(tmp_path), "cli")
