"""The capture policy's settings, exactly: every default deny rule, every key, every error.

`policy.settings` says which files' content is never captured (the built-in deny list,
the user's additions, `allow_paths` overriding both) and turns `[capture]` into a
`Policy`. Each built-in rule is matched by a path of its own and reported by its exact
text; every setting's default, accepted forms and error message are asserted whole. The
mutation run (`bench/mutation.py -m policy.settings`) starts with this file.
"""

from __future__ import annotations

import os

import pytest

from cctrace.config import ConfigError
from cctrace.policy import settings as S
from cctrace.policy.settings import Policy, parse_capture, path_denied

HOME = "/home/u"

# One path per built-in rule, and the rule that must name it.
DEFAULT_CASES = [
    ("/p/.env", ".env*"), ("/p/.env.production", ".env*"),
    ("/p/a.pem", "*.pem"), ("/p/a.key", "*.key"),
    ("/p/id_rsa", "id_{rsa,dsa,ecdsa,ed25519,xmss}{,_sk}"),
    ("/p/id_dsa", "id_{rsa,dsa,ecdsa,ed25519,xmss}{,_sk}"),
    ("/p/id_ecdsa_sk", "id_{rsa,dsa,ecdsa,ed25519,xmss}{,_sk}"),
    ("/p/id_xmss", "id_{rsa,dsa,ecdsa,ed25519,xmss}{,_sk}"),
    ("/p/a.p12", "*.p12"), ("/p/a.pfx", "*.pfx"), ("/p/a.keystore", "*.keystore"),
    ("/p/a.jks", "*.jks"), ("/p/a.ppk", "*.ppk"), ("/p/.netrc", ".netrc"),
    ("/p/_netrc", "_netrc"), ("/p/.npmrc", ".npmrc"), ("/p/.pypirc", ".pypirc"),
    ("/p/.git-credentials", ".git-credentials"), ("/p/.pgpass", ".pgpass"),
    ("/p/.my.cnf", ".my.cnf"), ("/p/.htpasswd", ".htpasswd"),
    ("/p/.vault-token", ".vault-token"), ("/p/credentials.json", "credentials.json"),
    ("/p/client_secret_123.json", "client_secret*.json"),
    ("/p/terraform.tfstate", "*.tfstate"), ("/p/terraform.tfstate.backup", "*.tfstate.backup"),
    ("/p/secrets/a.txt", "**/secrets/**"),
    ("/home/u/.aws/config", "~/.aws/**"), ("/home/u/.ssh/known_hosts", "~/.ssh/**"),
    ("/home/u/.gnupg/pubring.kbx", "~/.gnupg/**"),
    ("/home/u/.docker/config.json", "~/.docker/config.json"),
    ("/home/u/.kube/config", "~/.kube/config"),
    ("/home/u/.config/gcloud/adc.json", "~/.config/gcloud/**"),
    ("/home/u/.azure/msal_token_cache.json", "~/.azure/**"),
    ("/home/u/.config/gh/hosts.yml", "~/.config/gh/hosts.yml"),
    ("/home/u/.cargo/credentials.toml", "~/.cargo/credentials*"),
    ("/home/u/.gem/credentials", "~/.gem/credentials"),
    ("/srv/x/.aws/credentials", "**/.aws/credentials"),
    ("/srv/x/.kube/config", "**/.kube/config"),
    ("/proc/self/environ", "/proc/**/environ"),
    ("/proc/1/task/7/environ", "/proc/**/environ"),
    ("/home/u/.claude/.credentials.json", "**/.claude/.credentials.json"),
    ("/home/u/.claude/projects/-p/0b1c.jsonl", "**/.claude/projects/**/*.jsonl"),
    ("/srv/c/.claude/projects/-p/0b1c/subagents/agent-a1.jsonl",
     "**/.claude/projects/**/*.jsonl"),
    ("/home/u/.claude/history.jsonl", "**/.claude/history.jsonl"),
]


@pytest.mark.parametrize("path, rule", DEFAULT_CASES)
def test_every_built_in_rule_denies_its_files(path: str, rule: str) -> None:
    assert path_denied(path, None, Policy(home=HOME)) == rule


def test_the_cases_cover_every_built_in_rule() -> None:
    assert {rule for _, rule in DEFAULT_CASES} == set(S.DEFAULT_DENY_PATHS)
    assert len(S.DEFAULT_DENY_PATHS) == 39


@pytest.mark.parametrize("path", [
    "/p/id_card.py", "/p/id_rsa.pub", "/p/envrc.md", "/p/a.pem.txt", "/p/netrc",
    "/p/credentials.yaml", "/p/client.json", "/p/terraform.tfvars", "/p/secretsx/a",
    "/srv/x/.aws/config", "/srv/x/.kube/other", "/home/u/.config/gh/config.yml",
    "/home/u/.gem/other", "/home/u/.cargo/config.toml", "/home/u/.docker/daemon.json",
    # Claude Code's saved large outputs and settings stay readable.
    "/home/u/.claude/projects/-p/0b1c/tool-results/toolu_1.txt", "/home/u/.claude/settings.json",
    "/home/u/.claude/projects/-p/notes.md", "/p/credentials.json.md",
])
def test_near_misses_are_not_denied(path: str) -> None:
    assert path_denied(path, None, Policy(home=HOME)) is None


def test_without_the_defaults_nothing_built_in_is_denied() -> None:
    policy = Policy(home=HOME, use_default_deny=False)
    assert [path_denied(p, None, policy) for p, _ in DEFAULT_CASES] == [None] * len(
        DEFAULT_CASES)


def test_defaults() -> None:
    p = Policy()
    assert (p.level, p.deny_paths, p.allow_paths, dict(p.tools), p.max_field_kb, p.opt_out,
            p.opt_in, p.use_default_deny, p.pii) == (
        "redacted", (), (), {}, 256, (), (), True, False)
    assert p.home == os.path.expanduser("~")
    assert S.LEVELS == ("full", "redacted", "metadata")
    assert parse_capture({}, home=HOME) == Policy(home=HOME)
    assert parse_capture({}).home == os.path.expanduser("~")


def test_every_key_is_read() -> None:
    p = parse_capture({
        "level": " Metadata ", "deny_paths": "*.db", "allow_paths": ["a.pem"],
        "default_deny": False, "tools": {"Bash": "FULL", "Read": "redacted"},
        "max_field_kb": 0, "opt_out": ["~/x/**"], "opt_in": ["~/y/**"], "pii": True,
    }, home=HOME)
    assert (p.level, p.deny_paths, p.allow_paths, dict(p.tools), p.max_field_kb, p.opt_out,
            p.opt_in, p.use_default_deny, p.pii, p.home) == (
        "metadata", ("*.db",), ("a.pem",), {"Bash": "full", "Read": "redacted"}, 0,
        ("~/x/**",), ("~/y/**",), False, True, HOME)
    assert p.tool_level("Bash") == "full"
    assert p.tool_level("Edit") == "metadata"
    assert path_denied("/p/.env", None, p) is None
    assert path_denied("/p/a.db", None, p) == "*.db"
    assert parse_capture({"level": "full", "max_field_kb": 1}, home=HOME).level == "full"


def test_allow_paths_override_and_odd_paths() -> None:
    p = Policy(home=HOME, deny_paths=("*.db",), allow_paths=("/p/keep/**",))
    assert path_denied("/p/keep/a.db", None, p) is None
    assert path_denied("/p/keep/.env", None, p) is None
    assert path_denied("/p/other/a.db", None, p) == "*.db"
    assert path_denied("a.db", "/p/keep", p) is None
    assert path_denied("a.db", "/p/other", p) == "*.db"
    assert path_denied(" ", None, p) is None
    assert path_denied("", None, p) is None
    assert path_denied(None, None, p) is None  # type: ignore[arg-type]
    assert path_denied(["/p/.env"], None, p) is None  # type: ignore[arg-type]


def test_project_rules() -> None:
    p = Policy(home=HOME, opt_out=("~/w/**",))
    assert p.project_rule("/home/u/w/a") == "opt_out ~/w/**"
    assert p.project_rule("/home/u/v") is None
    assert p.project_rule("") is None
    assert p.project_rule(None) is None
    both = Policy(home=HOME, opt_out=("~/oss/private/**",), opt_in=("~/oss/**",))
    assert both.project_rule("/home/u/oss/private/x") == "opt_out ~/oss/private/**"
    assert both.project_rule("/home/u/oss/lib") is None
    assert both.project_rule("/home/u/w") == "opt_in"
    assert both.project_rule("") == "opt_in"
    assert both.project_rule(None) == "opt_in"


@pytest.mark.parametrize("table, message", [
    ([], "[capture] must be a table"),
    ({"levle": "full", "zz": 1}, "capture.levle is not a known setting (known: level, "
     "deny_paths, allow_paths, default_deny, tools, max_field_kb, opt_out, opt_in, pii, "
     "computed_paths)"),
    ({"tools": "Bash"}, "capture.tools must be a table of tool name = level"),
    ({"tools": {"Bash": "loud"}},
     "capture.tools.Bash must be one of full, redacted, metadata, not 'loud'"),
    ({"level": 3}, "capture.level must be one of full, redacted, metadata, not 3"),
    ({"default_deny": "no"}, "capture.default_deny must be true or false"),
    ({"pii": 1}, "capture.pii must be true or false"),
    ({"computed_paths": "no"}, "capture.computed_paths must be true or false"),
    ({"deny_paths": [1]}, "capture.deny_paths must be a list of path patterns (strings)"),
    ({"allow_paths": {"a": 1}}, "capture.allow_paths must be a list of path patterns "
     "(strings)"),
    ({"opt_out": [" "]}, "capture.opt_out has an empty pattern"),
    ({"opt_in": ["a", ""]}, "capture.opt_in has an empty pattern"),
    ({"max_field_kb": -1}, "capture.max_field_kb must be a whole number of KB >= 0 "
     "(0 = no cap), not -1"),
    ({"max_field_kb": True}, "capture.max_field_kb must be a whole number of KB >= 0 "
     "(0 = no cap), not True"),
    ({"max_field_kb": 1.5}, "capture.max_field_kb must be a whole number of KB >= 0 "
     "(0 = no cap), not 1.5"),
])
def test_errors_name_the_key_exactly(table: object, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_capture(table, home=HOME)  # type: ignore[arg-type]
    assert str(err.value) == message


def test_a_bad_pattern_names_the_key_and_the_pattern() -> None:
    with pytest.raises(ConfigError) as err:
        S.check_patterns(["a", "[z-a]"], "capture.deny_paths", HOME)
    assert str(err.value).startswith("capture.deny_paths: bad pattern '[z-a]': ")
    assert S.check_patterns("a", "k") == ("a",)
    assert S.check_patterns(["a", "b"], "k", HOME) == ("a", "b")
    assert S.check_kb(0, "k") == 0
    assert S.check_level(" FULL\n", "k") == "full"
    assert S._where("level") == "capture.level"


def test_a_policy_is_frozen_and_read_from_the_capture_table() -> None:
    import dataclasses

    from cctrace.config import Config

    p = Policy(home=HOME)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.level = "full"  # type: ignore[misc]
    cfg = Config(state_dir="/s", raw={"capture": {"level": "full", "pii": True},
                                      "XXcaptureXX": {"level": "metadata"}})
    got = Policy.from_config(cfg)
    assert (got.level, got.pii, got.computed_paths) == ("full", True, True)
    off = Config(state_dir="/s", raw={"capture": {"computed_paths": False}})
    assert Policy.from_config(off).computed_paths is False
    assert Policy.from_config(Config(state_dir="/s")).level == "redacted"


def test_home_patterns_are_checked_against_the_real_home() -> None:
    assert S.check_patterns(["~/x/**"], "k") == ("~/x/**",)
    assert parse_capture({"deny_paths": ["~/vault/**"]}).deny_paths == ("~/vault/**",)


def test_path_denied_answers_are_kept_per_policy_and_stay_right() -> None:
    from cctrace.policy import settings

    assert settings.DENIED_MEMO == 4096
    p = Policy()
    for _ in range(2):  # the second answer comes from the memo
        assert path_denied("/home/u/.env", None, p) == ".env*"
        assert path_denied("src/app.py", "/home/u/proj", p) is None
    assert p._denied == {("/home/u/.env", None): ".env*",
                         ("src/app.py", "/home/u/proj"): None}

    class Folder(str):
        pass

    # A cwd of another type than str is answered, not kept.
    assert path_denied(".env.local", Folder("/home/u/proj"), p) == ".env*"
    assert len(p._denied) == 2
    # A full memo is emptied before the next answer is kept.
    for i in range(settings.DENIED_MEMO - 2):
        path_denied(f"f{i}.txt", None, p)
    assert len(p._denied) == settings.DENIED_MEMO
    assert path_denied("/home/u/.env", None, p) == ".env*"
    assert len(p._denied) == settings.DENIED_MEMO
    assert path_denied("id_rsa", None, p) == "id_{rsa,dsa,ecdsa,ed25519,xmss}{,_sk}"
    assert p._denied == {("id_rsa", None): "id_{rsa,dsa,ecdsa,ed25519,xmss}{,_sk}"}
    assert Policy()._denied == {}
