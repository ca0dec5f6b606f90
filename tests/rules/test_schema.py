"""Rule files: schema errors name file and line; lists, macros, exceptions, overrides."""

from __future__ import annotations

import pytest

from cctrace.rules import RuleError, build_ruleset, evaluate

from .helpers import bash, call


def ids(text, traces, **kw):
    rs = build_ruleset([("mine.yaml", text)], builtin=False, **kw)
    return sorted({f.rule_id for f in evaluate(traces, rs)})


GOOD = """
lists:
  deploy_hosts: [deploy.example.com]
macros:
  is_deploy: {tool: Bash, cmd: {name: [rsync, scp], egress: true}}
rules:
  - id: team.deploy_outside_ci
    title: Deploy from a laptop
    severity: medium
    tags: [team.policy]
    when: {macro: is_deploy}
    unless:
      - {host: $deploy_hosts}
"""


def test_user_rules_with_lists_macros_and_exceptions():
    assert ids(GOOD, [bash("rsync -a dist/ me@web.example.org:/srv")]) == [
        "team.deploy_outside_ci"]
    assert ids(GOOD, [bash("rsync -a dist/ me@deploy.example.com:/srv")]) == []
    assert ids(GOOD, [bash("rsync -a dist/ /tmp/x")]) == []


@pytest.mark.parametrize("text,line,message", [
    ("rules:\n  - id: x\n    severity: bad\n    when: {tool: Bash}\n", 2, "severity"),
    ("rules:\n  - id: x\n    severity: low\n", 2, "'when' is required"),
    ("rules:\n  - id: x\n    severity: low\n    when: {tol: Bash}\n", 4, "unknown condition"),
    ("rules:\n  - id: x\n    severity: low\n    when: {command: '(['}\n", 4, "regular expr"),
    ("rules:\n  - id: x\n    severity: low\n    when: {tool: $nope}\n", 4, "unknown list"),
    ("rules:\n  - id: x\n    severity: low\n    when: {macro: nope}\n", 4, "unknown macro"),
    ("rules:\n  - id: X Y\n    severity: low\n    when: {tool: Bash}\n", 2, "id:"),
    ("rules:\n  - id: x\n    severity: low\n    when: {tool: Bash}\n    after: [{rule: a}]\n",
     2, "within"),
    ("rules:\n  - id: x\n    severity: low\n    when: {cmd: {nme: ls}}\n", 4, "unknown cmd"),
    ("rules:\n  - id: x\n    severity: low\n    bogus: 1\n    when: {tool: Bash}\n", 2,
     "unknown rule key"),
    ("rules:\n  - id: x\n   severity: low\n", 3, "not valid YAML"),
])
def test_errors_name_file_and_line(text, line, message):
    with pytest.raises(RuleError) as err:
        build_ruleset([("mine.yaml", text)], builtin=False)
    assert str(err.value).startswith(f"mine.yaml:{line}:"), str(err.value)
    assert message in str(err.value)


def test_user_rule_replaces_builtin_with_same_id():
    text = ("rules:\n  - id: secrets.dotenv_read\n    severity: info\n"
            "    when: {tool: Never}\n")
    rs = build_ruleset([("mine.yaml", text)])
    assert rs.get("secrets.dotenv_read").severity == "info"
    assert not [f for f in evaluate([call("Read", {"file_path": ".env"})], rs)
                if f.rule_id == "secrets.dotenv_read"]


def test_windowed_user_rule():
    text = """
rules:
  - id: a.read
    severity: info
    emit: false
    when: {tool: Read}
  - id: a.then_bash
    severity: high
    when: {tool: Bash}
    after: [{rule: a.read}]
    within: {events: 2}
"""
    near = [call("Read", {"file_path": "x"}, n=1), bash("ls", n=2)]
    far = [call("Read", {"file_path": "x"}, n=1), bash("ls", n=2), bash("ls", n=3),
           bash("ls", n=4)]
    assert ids(text, near) == ["a.then_bash"]
    rs = build_ruleset([("mine.yaml", text)], builtin=False)
    last = [f for f in evaluate(far, rs) if f.observation_id == far[-1].observations[0].id]
    assert last == []


def test_config_paths_load_user_files(tmp_path):
    from cctrace.rules import load_ruleset

    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "team.yaml").write_text(GOOD)
    rs = load_ruleset({"paths": [str(tmp_path / "rules")]})
    assert rs.get("team.deploy_outside_ci") is not None
    (tmp_path / "rules" / "bad.yaml").write_text("rules: [1]\n")
    with pytest.raises(RuleError, match="bad.yaml"):
        load_ruleset({"paths": [str(tmp_path / "rules")]})
