"""Path rules: glob semantics, defaults, `~` and cwd resolution, allow overrides."""

from __future__ import annotations

import os

import pytest

from cctrace.config import ConfigError
from cctrace.policy import Policy, parse_capture, path_denied
from cctrace.policy.globs import normalize

HOME = "/home/u"


@pytest.fixture
def policy() -> Policy:
    return Policy(home=HOME)


@pytest.mark.parametrize("path,cwd,rule", [
    (".env", "/p", ".env*"),
    ("/p/.env.local", None, ".env*"),
    ("../.env", "/p/sub", ".env*"),
    ("/srv/tls/server.pem", None, "*.pem"),
    ("/srv/tls/SERVER.KEY", None, "*.key"),
    ("id_rsa", "/p", "id_{rsa,dsa,ecdsa,ed25519,xmss}{,_sk}"),
    ("/x/id_ed25519_sk", None, "id_{rsa,dsa,ecdsa,ed25519,xmss}{,_sk}"),
    ("~/.ssh/config", None, "~/.ssh/**"),
    ("/home/u/.ssh/my_custom_key", None, "~/.ssh/**"),
    ("~/.aws/credentials", None, "~/.aws/**"),
    ("credentials", "/home/u/.aws", "~/.aws/**"),
    ("src/secrets/db.txt", "/p", "**/secrets/**"),
    ("/p/secrets", None, "**/secrets/**"),
    ("/home/u/.docker/config.json", None, "~/.docker/config.json"),
    ("/home/u/.kube/config", None, "~/.kube/config"),
    ("/p/.netrc", None, ".netrc"),
    ("/p/cert.p12", None, "*.p12"),
    ("/p/app/credentials.json", None, "credentials.json"),
])
def test_default_denies(policy, path, cwd, rule):
    assert path_denied(path, cwd, policy) == rule


@pytest.mark.parametrize("path", [
    "/p/id_card.py", "/p/identity.ts", "/p/src/app.py", "/p/environment.md",
    "/p/secretsx/a", "/p/keys.md", "/home/u/project/.dockerignore", "/p/.docker/config.json",
    "/p/README.md",
])
def test_ordinary_files_pass(policy, path):
    assert path_denied(path, None, policy) is None


def test_relative_path_resolves_against_cwd():
    policy = Policy(home=HOME, deny_paths=("/srv/private/**",))
    assert path_denied("notes.txt", "/srv/private", policy) == "/srv/private/**"
    assert path_denied("notes.txt", "/srv/public", policy) is None
    assert path_denied("../private/a", "/srv/public", policy) == "/srv/private/**"


def test_tilde_user_and_tilde_plus_expand_as_the_shell_does(monkeypatch):
    # `~alice/.ssh/deploy_key` is `~/.ssh/deploy_key` for alice: the account's home
    # folder from the password database (no environment variable), `~+` the cwd.
    import pwd

    me = pwd.getpwuid(os.getuid())
    policy = Policy(home=me.pw_dir)
    assert path_denied(f"~{me.pw_name}/.ssh/deploy_key", "/p", policy) == "~/.ssh/**"
    assert path_denied(f"~{me.pw_name}/.gnupg", None, policy) == "~/.gnupg/**"
    assert path_denied("~+/vault/a", "/srv", Policy(
        home=HOME, deny_paths=("/srv/vault/**",))) == "/srv/vault/**"
    # A trailing slash of the folder is not doubled (and nothing else is cut from it).
    assert normalize("~+/a", "/srv/vaultX/", HOME) == "/srv/vaultX/a"
    assert normalize("~+", "/srv/vaultX/", HOME) == "/srv/vaultX"

    class Entry:
        pw_dir = "/srv/homeX/"

    monkeypatch.setattr(pwd, "getpwnam", lambda name: Entry)
    assert normalize("~someone/.ssh/k", None, HOME) == "/srv/homeX/.ssh/k"
    assert normalize("~someone", None, HOME) == "/srv/homeX"
    monkeypatch.undo()
    # An account that does not exist is a plain relative name, as in the shell.
    assert path_denied("~no-such-user-q7/.ssh/k", "/p", policy) is None
    assert path_denied("~no-such-user-q7/.env", "/p", policy) == ".env*"


def test_user_patterns_add_and_allow_overrides():
    policy = parse_capture({"deny_paths": ["*.sqlite", "~/work/vault/**"],
                            "allow_paths": [".env.example", "**/fixtures/**"]}, home=HOME)
    assert path_denied("/p/data.sqlite", None, policy) == "*.sqlite"
    assert path_denied("~/work/vault/x", None, policy) == "~/work/vault/**"
    assert path_denied("/p/.env.example", None, policy) is None
    assert path_denied("/p/.env", None, policy) == ".env*"
    assert path_denied("/p/tests/fixtures/test.pem", None, policy) is None


def test_default_deny_can_be_turned_off():
    policy = parse_capture({"default_deny": False, "deny_paths": ["*.pem"]}, home=HOME)
    assert path_denied("/p/.env", None, policy) is None
    assert path_denied("/p/a.pem", None, policy) == "*.pem"


def test_empty_and_odd_paths(policy):
    assert path_denied("", "/p", policy) is None
    assert path_denied("   ", None, policy) is None


@pytest.mark.parametrize("table,key", [
    ({"level": "everything"}, "capture.level"),
    ({"level": 3}, "capture.level"),
    ({"deny_paths": [1]}, "capture.deny_paths"),
    ({"deny_paths": [""]}, "capture.deny_paths"),
    ({"max_field_kb": -1}, "capture.max_field_kb"),
    ({"max_field_kb": "big"}, "capture.max_field_kb"),
    ({"tools": {"Bash": "loud"}}, "capture.tools.Bash"),
    ({"tools": "Bash"}, "capture.tools"),
    ({"opt_in": {"a": 1}}, "capture.opt_in"),
    ({"levle": "full"}, "capture.levle"),
    ({"default_deny": "no"}, "capture.default_deny"),
])
def test_bad_values_name_the_key(table, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        parse_capture(table, home=HOME)


def test_from_config_defaults_and_values(tmp_path):
    from cctrace import config

    cfg = config.load(str(tmp_path))
    policy = Policy.from_config(cfg)
    assert policy.level == "redacted" and policy.max_field_kb == 256
    (tmp_path / "config.toml").write_text(
        '[capture]\nlevel = "Metadata"\nmax_field_kb = 8\n[capture.tools]\nBash = "full"\n')
    policy = Policy.from_config(config.load(str(tmp_path)))
    assert policy.level == "metadata" and policy.max_field_kb == 8
    assert policy.tool_level("Bash") == "full" and policy.tool_level("Read") == "metadata"


def test_project_rules():
    policy = parse_capture({"opt_out": ["~/work/secret-project/**"]}, home=HOME)
    assert policy.project_rule("/home/u/work/secret-project") == "opt_out ~/work/secret-project/**"
    assert policy.project_rule("/home/u/work/secret-project/sub") is not None
    assert policy.project_rule("/home/u/work/other") is None
    assert policy.project_rule(None) is None
    opt_in = parse_capture({"opt_in": ["~/oss/**"]}, home=HOME)
    assert opt_in.project_rule("/home/u/oss/lib") is None
    assert opt_in.project_rule("/home/u/work/lib") == "opt_in"
    assert opt_in.project_rule(None) == "opt_in"
