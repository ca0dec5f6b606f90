"""cctrace.hook.defer, exactly: which files decide, in which order, what counts as enabled
and installed, and how much of a file is read. A wrong True loses the event (the settings
hook stands down and no plugin records it), so every doubt must come out False."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cctrace.hook import defer

KEY = "cctrace@cctrace"


def _install(conf: Path, plugins: dict, hooks: dict | None = None) -> None:
    (conf / "plugins").mkdir(parents=True, exist_ok=True)
    (conf / "plugins" / "installed_plugins.json").write_text(json.dumps({"plugins": plugins}))


def _plugin_dir(root: Path, name: str, events: list[str]) -> str:
    path = root / name
    (path / "hooks").mkdir(parents=True)
    (path / "hooks" / "hooks.json").write_text(json.dumps({"hooks": {e: [] for e in events}}))
    return str(path)


def _enable(path: Path, value: object, key: str = KEY) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"enabledPlugins": {key: value}}))


@pytest.fixture
def dirs(tmp_path):
    conf, cwd = tmp_path / "claude", tmp_path / "project"
    conf.mkdir()
    cwd.mkdir()
    return conf, cwd


def _user(conf: Path) -> Path:
    return conf / "settings.json"


def _project(cwd: Path) -> Path:
    return cwd / ".claude" / "settings.json"


def _local(cwd: Path) -> Path:
    return cwd / ".claude" / "settings.local.json"


@pytest.mark.parametrize(("user", "project", "local", "expected"), [
    (True, None, None, True),
    (None, True, None, True),
    (None, None, True, True),
    (True, False, None, False),     # the project over the user
    (False, True, None, True),
    (None, False, True, True),      # local over the project
    (True, True, False, False),     # local over both
    (False, None, True, True),      # local over the user, no project entry in between
    (True, None, False, False),
    (None, None, None, False),
])
def test_enabled_is_the_last_file_that_names_the_plugin(dirs, user, project, local, expected):
    conf, cwd = dirs
    for path, value in ((_user(conf), user), (_project(cwd), project), (_local(cwd), local)):
        if value is not None:
            _enable(path, value)
    assert defer.enabled(KEY, str(conf), str(cwd)) is expected


def test_a_file_that_does_not_name_the_plugin_leaves_the_value(dirs):
    conf, cwd = dirs
    _enable(_user(conf), True)
    _enable(_project(cwd), False, key="other@market")
    _local(cwd).write_text(json.dumps({"enabledPlugins": ["cctrace@cctrace"]}))
    assert defer.enabled(KEY, str(conf), str(cwd)) is True


@pytest.mark.parametrize("value", [1, "true", [True], {"on": True}, None])
def test_only_true_itself_enables(dirs, value):
    conf, cwd = dirs
    _enable(_user(conf), value)
    assert defer.enabled(KEY, str(conf), str(cwd)) is False


def test_a_settings_file_with_a_bom_or_a_bad_byte_is_still_read(dirs):
    conf, cwd = dirs
    _user(conf).write_bytes(b"\xef\xbb\xbf" + json.dumps(
        {"enabledPlugins": {KEY: True}}).encode())
    assert defer.enabled(KEY, str(conf), str(cwd)) is True
    _project(cwd).parent.mkdir()
    _project(cwd).write_bytes(b'{"note": "\xff\xfe", "enabledPlugins": {"' + KEY.encode()
                              + b'": false}}')
    assert defer.enabled(KEY, str(conf), str(cwd)) is False


def _padded(size: int) -> bytes:
    doc = json.dumps({"enabledPlugins": {KEY: True}, "pad": ""}).encode()
    head, tail = doc[:-2], doc[-2:]
    return head + b"x" * (size - len(doc)) + tail


def test_a_file_is_read_up_to_4_mib(dirs):
    conf, cwd = dirs
    limit = 4 * 1024 * 1024
    _user(conf).write_bytes(_padded(limit))
    assert len(_user(conf).read_bytes()) == limit
    assert defer.enabled(KEY, str(conf), str(cwd)) is True
    _user(conf).write_bytes(_padded(limit + 1))
    # cut at 4 MiB it is no JSON: not enabled, the settings hook records
    assert defer.enabled(KEY, str(conf), str(cwd)) is False


def test_claude_dir_takes_the_first_absolute_pin_normalized(tmp_path):
    assert defer.claude_dir(["--claude-dir=rel/dir", "--claude-dir=/a/b/../c/"]) == "/a/c"
    assert defer.claude_dir(["--claude-dir=/first", "--claude-dir=/second"]) == "/first"
    assert defer.claude_dir(["--claude-dir=//x//y/"]) == "//x/y"
    # the space form is not a pin
    from cctrace import statedir

    home = str(Path(statedir.account_home()) / ".claude")
    assert defer.claude_dir(["--claude-dir", "/pinned"]) == home
    assert defer.claude_dir(["--claude-dirx=/pinned"]) == home


def test_plugin_records_needs_a_cctrace_key_enabled_installed_and_the_event(dirs, tmp_path):
    conf, cwd = dirs
    good = _plugin_dir(tmp_path, "good", ["Stop"])
    _install(conf, {"cctrace@market": [{"installPath": good}]})
    assert defer.plugin_records("Stop", str(conf), str(cwd)) is False  # not enabled
    _enable(_user(conf), True, key="cctrace@market")
    assert defer.plugin_records("Stop", str(conf), str(cwd)) is True
    assert defer.plugin_records("", str(conf), str(cwd)) is False
    assert defer.plugin_records("stop", str(conf), str(cwd)) is False


@pytest.mark.parametrize("key", ["cctrace", "cctrace-other@market", "other@cctrace",
                                 "xcctrace@market", "Cctrace@market"])
def test_other_plugins_never_make_the_hook_stand_down(dirs, tmp_path, key):
    conf, cwd = dirs
    _install(conf, {key: [{"installPath": _plugin_dir(tmp_path, "p", ["Stop"])}]})
    _enable(_user(conf), True, key=key)
    assert defer.plugin_records("Stop", str(conf), str(cwd)) is False


def test_every_entry_and_key_is_looked_at(dirs, tmp_path):
    conf, cwd = dirs
    good = _plugin_dir(tmp_path, "good", ["Stop"])
    other = _plugin_dir(tmp_path, "other", ["PreToolUse"])
    _install(conf, {
        "cctrace@off": [{"installPath": good}],             # installed, not enabled
        "cctrace@bad": {"installPath": good},               # entries not a list
        "cctrace@on": ["junk", {"scope": "user"}, {"installPath": 7},
                       {"installPath": str(tmp_path / "missing")},
                       {"installPath": other}, {"installPath": good}],
    })
    user = {"enabledPlugins": {"cctrace@off": False, "cctrace@bad": True, "cctrace@on": True}}
    _user(conf).write_text(json.dumps(user))
    assert defer.plugin_records("Stop", str(conf), str(cwd)) is True
    assert defer.plugin_records("PreToolUse", str(conf), str(cwd)) is True
    assert defer.plugin_records("SessionStart", str(conf), str(cwd)) is False


def test_a_hooks_file_without_a_table_records(dirs, tmp_path):
    conf, cwd = dirs
    path = tmp_path / "p"
    (path / "hooks").mkdir(parents=True)
    (path / "hooks" / "hooks.json").write_text(json.dumps({"hooks": ["Stop"], "Stop": []}))
    _install(conf, {KEY: [{"installPath": str(path)}]})
    _enable(_user(conf), True)
    assert defer.plugin_records("Stop", str(conf), str(cwd)) is False


@pytest.mark.parametrize("doc", [[], {"plugins": []}, {"plugins": None}, {"other": {}}])
def test_an_installed_list_of_another_shape_records(dirs, tmp_path, doc):
    conf, cwd = dirs
    (conf / "plugins").mkdir()
    (conf / "plugins" / "installed_plugins.json").write_text(json.dumps(doc))
    _enable(_user(conf), True)
    assert defer.plugin_records("Stop", str(conf), str(cwd)) is False
