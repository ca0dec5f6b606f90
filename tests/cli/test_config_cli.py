"""`cctrace config`: path, list, get, set, unset; comments survive, secrets never print."""

from __future__ import annotations

import io
import json
import os
import stat

import pytest

from cctrace import config
from cctrace.cli import main as cli_main
from cctrace.policy import Policy

SECRET = "sk-lf-test-value-not-real-42"
ORIGINAL = f"""# my cctrace settings
[langfuse]
base_url = "https://lf.example"  # self-hosted
secret_key = "{SECRET}"

[capture]
# keep databases out
deny_paths = [
  "*.sqlite",  # local data
  "~/vault/**",
]
"""


@pytest.fixture(autouse=True)
def _registered(monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["config"])


@pytest.fixture
def cfg_file(_isolated_state):
    _isolated_state.mkdir(parents=True, exist_ok=True)
    path = _isolated_state / "config.toml"
    path.write_text(ORIGINAL)
    return path


def run(capsys, *argv):
    code = cli_main.main(["config", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def loaded(path) -> config.Config:
    return config.load(str(path.parent))


def test_path(capsys, _isolated_state, monkeypatch, tmp_path):
    assert run(capsys, "path")[1].strip() == str(_isolated_state / "config.toml")
    # Capture reads one file only: CCTRACE_CONFIG (a project could set it) is not honoured.
    monkeypatch.setenv("CCTRACE_CONFIG", str(tmp_path / "other.toml"))
    assert run(capsys, "path")[1].strip() == str(_isolated_state / "config.toml")


def test_list_shows_defaults_and_never_secrets(capsys, cfg_file, monkeypatch):
    code, out, _ = run(capsys, "list")
    assert code == 0 and SECRET not in out
    assert "langfuse.secret_key" in out and "<set>" in out
    assert "capture.level" in out and "redacted" in out and "# default" in out
    code, out, _ = run(capsys, "list", "--json")
    data = json.loads(out)
    assert data["langfuse.secret_key"] == {"value": "<set>", "source": "file"}
    assert data["capture.max_field_kb"] == {"value": 256, "source": "default"}
    assert data["capture.deny_paths"]["value"] == ["*.sqlite", "~/vault/**"]
    assert ".env*" in data["capture.default_deny_paths"]["value"]
    monkeypatch.setenv("LANGFUSE_SECRET_KEY", "sk-lf-from-env-not-real")
    monkeypatch.setenv("LANGFUSE_BASE_URL", "http://127.0.0.1:9")
    code, out, _ = run(capsys, "list", "--json")
    data = json.loads(out)
    assert "sk-lf-from-env" not in out and "127.0.0.1:9" not in out  # the environment: unused
    assert data["langfuse.secret_key"]["source"] == "file"
    assert data["langfuse.base_url"]["source"] == "file"


def test_get(capsys, cfg_file):
    assert run(capsys, "get", "langfuse.base_url")[1] == "https://lf.example\n"
    code, out, _ = run(capsys, "get", "langfuse.secret_key")
    assert out == "<set>\n" and SECRET not in out
    assert run(capsys, "get", "capture.level")[1] == "redacted\n"
    assert run(capsys, "get", "capture.deny_paths")[1] == '["*.sqlite", "~/vault/**"]\n'
    assert run(capsys, "get", "trace.user_id")[:2] == (1, "")


def test_set_keeps_comments_and_is_loadable(capsys, cfg_file):
    code, out, _ = run(capsys, "set", "capture.level", "metadata")
    assert code == 0 and out == "capture.level = metadata\n"
    assert run(capsys, "set", "capture.max_field_kb", "64")[0] == 0
    assert run(capsys, "set", "capture.tools.Bash", "full")[0] == 0
    assert run(capsys, "set", "capture.default_deny", "no")[0] == 0
    assert run(capsys, "set", "trace.user_id", "alice")[0] == 0
    text = cfg_file.read_text()
    for comment in ("# my cctrace settings", "# self-hosted", "# keep databases out",
                    "# local data"):
        assert comment in text
    cfg = loaded(cfg_file)
    assert cfg.user_id == "alice" and cfg.langfuse_secret_key == SECRET
    policy = Policy.from_config(cfg)
    assert policy.level == "metadata" and policy.max_field_kb == 64
    assert policy.tools == {"Bash": "full"} and policy.use_default_deny is False
    assert stat.S_IMODE(os.stat(cfg_file).st_mode) == 0o600
    # No temporary file left; the digest the worker tells cctrace's own edits by, 0600,
    # signed with a key kept like the other secrets.
    assert sorted(os.listdir(cfg_file.parent)) == ["config.sum", "config.toml", "keys"]
    assert "config-sum-key" in os.listdir(cfg_file.parent / "keys")
    assert stat.S_IMODE(os.stat(cfg_file.parent / "config.sum").st_mode) == 0o600


def test_list_add_remove_in_place(capsys, cfg_file):
    code, out, _ = run(capsys, "set", "capture.deny_paths", "--add", "*.db",
                       "--remove", "~/vault/**")
    assert code == 0 and out == 'capture.deny_paths = ["*.sqlite", "*.db"]\n'
    assert "# local data" in cfg_file.read_text()
    assert run(capsys, "set", "capture.opt_out", '["~/work/secret/**"]')[0] == 0
    assert run(capsys, "set", "capture.allow_paths", "--add", ".env.example")[0] == 0
    policy = Policy.from_config(loaded(cfg_file))
    assert policy.deny_paths == ("*.sqlite", "*.db")
    assert policy.opt_out == ("~/work/secret/**",)
    assert policy.allow_paths == (".env.example",)


def test_removing_a_builtin_pattern_points_to_allow_paths(capsys, cfg_file):
    code, _, err = run(capsys, "set", "capture.deny_paths", "--remove", ".env*")
    assert code == 0 and "capture.allow_paths --add" in err


def test_set_on_a_fresh_state_dir_creates_the_file(capsys, _isolated_state):
    assert run(capsys, "set", "capture.level", "full")[0] == 0
    path = _isolated_state / "config.toml"
    assert Policy.from_config(loaded(path)).level == "full"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


@pytest.mark.parametrize("argv,message", [
    (("set", "capture.levle", "full"), "did you mean capture.level"),
    (("set", "capture.level", "everything"), "capture.level must be one of"),
    (("set", "capture.max_field_kb", "big"), "capture.max_field_kb"),
    (("set", "capture.max_field_kb", "-3"), "capture.max_field_kb"),
    (("set", "capture.deny_paths", "*.db"), "--add"),
    (("set", "capture.deny_paths", '[1, 2]'), "capture.deny_paths"),
    (("set", "capture.tools.bash", "full"), "capture.tools.Bash"),
    (("set", "capture.tools.Bash", "loud"), "capture.tools.Bash"),
    (("set", "capture.default_deny_paths", "[]"), "read-only"),
    (("set", "capture.level", "--add", "x"), "--add/--remove work on lists"),
    (("set", "capture.default_deny", "maybe"), "true or false"),
    (("set", "otlp.headers", '{"a": 1}'), "otlp.headers"),
    (("get", "langfuse.secret"), "langfuse.secret_key"),
])
def test_bad_keys_and_values_leave_the_file_alone(capsys, cfg_file, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and message in err
    assert cfg_file.read_text() == ORIGINAL


def test_bad_toml_is_reported_and_untouched(capsys, cfg_file):
    cfg_file.write_text("[capture\nlevel = 1\n")
    code, _, err = run(capsys, "set", "capture.level", "full")
    assert code == 1 and "not valid TOML" in err and "config.toml" in err
    assert cfg_file.read_text() == "[capture\nlevel = 1\n"
    assert run(capsys, "list")[0] == 1


def test_unset(capsys, cfg_file):
    assert run(capsys, "unset", "langfuse.base_url")[0] == 0
    text = cfg_file.read_text()
    assert "base_url" not in text and "# keep databases out" in text
    assert loaded(cfg_file).langfuse_base_url is None
    code, _, err = run(capsys, "unset", "trace.release")
    assert code == 0 and "was not set" in err
    assert run(capsys, "set", "capture.tools.Read", "metadata")[0] == 0
    assert run(capsys, "unset", "capture.tools.Read")[0] == 0
    assert Policy.from_config(loaded(cfg_file)).tools == {}


def test_secret_from_stdin_is_stored_and_not_printed(capsys, cfg_file, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("sk-lf-from-stdin-not-real\n"))
    code, out, err = run(capsys, "set", "langfuse.secret_key", "-")
    assert code == 0 and "sk-lf-from-stdin" not in out + err
    assert out.startswith("langfuse.secret_key stored in ")
    assert "secret_key" not in cfg_file.read_text()  # the keychain (here its 0600 file) only
    assert loaded(cfg_file).langfuse_secret_key == "sk-lf-from-stdin-not-real"
    assert run(capsys, "unset", "langfuse.secret_key")[0] == 0
    assert loaded(cfg_file).langfuse_secret_key is None


@pytest.mark.parametrize("key, value, reason", [
    ("otlp.endpoint", "http://collector.example.com/v1/traces", "use https"),
    ("langfuse.base_url", "https://u:p@lf.example.org", "user info"),
    ("langfuse.base_url", "https://evil.example\\@lf.example.org", "backslash"),
    ("export.proxy", "socks5://proxy.example:1080", "not https"),
])
def test_a_destination_cctrace_would_not_use_is_refused(capsys, cfg_file, key, value, reason):
    before = cfg_file.read_text()
    code, _, err = run(capsys, "set", key, value)
    assert code == 2 and reason in err and "not written" in err
    assert cfg_file.read_text() == before


def test_destination_is_written_as_it_will_be_used(capsys, cfg_file):
    assert run(capsys, "set", "langfuse.base_url", "HTTPS://LF.Example.ORG./")[0] == 0
    assert loaded(cfg_file).langfuse_base_url == "https://lf.example.org"


def test_table_values_are_masked(capsys, cfg_file):
    assert run(capsys, "set", "otlp.headers", '{"authorization": "Bearer abc-not-real"}')[0] == 0
    code, out, _ = run(capsys, "list")
    assert "Bearer" not in out and '"authorization": "<set>"' in out
    assert loaded(cfg_file).otlp_headers == {"authorization": "Bearer abc-not-real"}


def test_unknown_keys_in_the_file_are_listed_masked(capsys, cfg_file):
    cfg_file.write_text(ORIGINAL + '\n[extra]\napi_token = "tok-not-real"\nname = "x"\n')
    code, out, _ = run(capsys, "list", "--json")
    data = json.loads(out)
    assert data["extra.api_token"]["value"] == "<set>"
    assert data["extra.name"] == {"value": "x", "source": "file (unknown key)"}
