"""Plugin and settings hook side by side: the settings hook stands down exactly for the events
an installed, enabled cctrace plugin registers (cctrace.hook.defer). With the real CLI:
tests/e2e/test_plugin_e2e.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cctrace.hook import defer


@pytest.fixture
def claude(tmp_path):
    """A Claude config dir with the cctrace plugin installed (hooks: Stop and PreToolUse)."""
    conf = tmp_path / "claude"
    install = conf / "plugins" / "cache" / "cctrace" / "cctrace" / "0.1.0"
    (install / "hooks").mkdir(parents=True)
    (install / "hooks" / "hooks.json").write_text(json.dumps(
        {"hooks": {"Stop": [], "PreToolUse": []}}))
    (conf / "plugins" / "installed_plugins.json").write_text(json.dumps(
        {"version": 2, "plugins": {"cctrace@cctrace": [{"scope": "user",
                                                        "installPath": str(install)}]}}))
    (conf / "settings.json").write_text(json.dumps({"enabledPlugins": {"cctrace@cctrace": True}}))
    return conf


@pytest.fixture
def project(tmp_path):
    p = tmp_path / "project"
    (p / ".claude").mkdir(parents=True)
    return p


def settings(project: Path, name: str, enabled: bool) -> None:
    (project / ".claude" / name).write_text(
        json.dumps({"enabledPlugins": {"cctrace@cctrace": enabled}}))


def test_stands_down_for_the_plugins_events_only(claude, project):
    assert defer.plugin_records("Stop", str(claude), str(project)) is True
    assert defer.plugin_records("PreToolUse", str(claude), str(project)) is True
    # Events the plugin does not register stay with the settings hook.
    assert defer.plugin_records("PostToolUseFailure", str(claude), str(project)) is False
    assert defer.plugin_records(None, str(claude), str(project)) is False


def test_follows_enabled_plugins_as_claude_code_reads_them(claude, project):
    settings(project, "settings.json", False)  # the project switches the plugin off
    assert defer.plugin_records("Stop", str(claude), str(project)) is False
    settings(project, "settings.local.json", True)  # and the local file back on
    assert defer.plugin_records("Stop", str(claude), str(project)) is True


def test_enabled_but_not_installed_records(claude, project):
    # A repository can enable a plugin in its settings; not installed, it never runs.
    (claude / "plugins" / "installed_plugins.json").unlink()
    settings(project, "settings.json", True)
    assert defer.plugin_records("Stop", str(claude), str(project)) is False


def test_unreadable_files_mean_record(claude, project):
    (claude / "plugins" / "installed_plugins.json").write_text("{not json")
    assert defer.plugin_records("Stop", str(claude), str(project)) is False


def test_config_dir_is_pinned_or_the_accounts_never_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "planted"))
    monkeypatch.setenv("HOME", str(tmp_path / "planted-home"))
    assert defer.claude_dir(["--state-dir=/s", "--claude-dir=/pinned/claude"]) == "/pinned/claude"
    from cctrace import statedir

    assert defer.claude_dir([]) == str(Path(statedir.account_home()) / ".claude")
    assert defer.claude_dir(["--claude-dir=relative"]) == str(
        Path(statedir.account_home()) / ".claude")
