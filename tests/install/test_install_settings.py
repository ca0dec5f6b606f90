"""The settings merge: our entries added, updated and removed, everything else untouched."""

from __future__ import annotations

import copy
import json
import os
import stat

import pytest

from cctrace.install import settings as st
from cctrace.install.events import CORE_EVENTS, EVENTS

CMD = st.hook_command("/usr/bin/python3", "/opt/site/cctrace/hook/entry.py")
NEW_CMD = st.hook_command("/opt/py 3.12/bin/python", "/new/lib/cctrace/hook/entry.py")
MINE = {"type": "command", "command": "echo mine", "timeout": 2}


def user_doc() -> dict:
    return {
        "model": "opus",
        "env": {"FOO": "1"},
        "hooks": {
            "Stop": [{"hooks": [dict(MINE)]}],
            "PreToolUse": [{"matcher": "Bash", "hooks": [dict(MINE)]}],
            "CwdChanged": [{"hooks": [dict(MINE)]}],
        },
        "permissions": {"allow": ["Bash(ls)"]},
    }


def test_hook_command_quotes_paths_and_is_recognised():
    assert NEW_CMD.startswith(
        "'/opt/py 3.12/bin/python' -I -S /new/lib/cctrace/hook/entry.py")
    pinned = st.hook_command("/p", "/x/cctrace/hook/entry.py", "/st dir/it's")
    assert st.pinned_state_dir(pinned) == "/st dir/it's" and st.is_ours({"command": pinned})
    assert st.pinned_state_dir(NEW_CMD) is None
    assert st.is_ours({"type": "command", "command": NEW_CMD})
    assert st.is_ours({"command": r"C:\py\python.exe -S C:\x\cctrace\hook\entry.py"})
    assert not st.is_ours(MINE)
    assert not st.is_ours({"command": "python /x/notcctrace/hook/entry.pyc"})
    assert not st.is_ours("cctrace/hook/entry.py")


def test_merge_adds_one_group_per_event_and_keeps_the_rest():
    before = user_doc()
    pristine = copy.deepcopy(before)
    after = st.merge(before, CMD, EVENTS)
    assert before == pristine  # pure: the input is not modified
    assert {k: v for k, v in after.items() if k != "hooks"} == {
        k: v for k, v in pristine.items() if k != "hooks"
    }
    hooks = after["hooks"]
    assert hooks["CwdChanged"] == pristine["hooks"]["CwdChanged"]
    assert hooks["Stop"][0] == pristine["hooks"]["Stop"][0]
    assert hooks["PreToolUse"][0] == pristine["hooks"]["PreToolUse"][0]
    for event in EVENTS:
        ours = st.our_events(after)[event]
        assert ours == [{"type": "command", "command": CMD, "timeout": st.DEFAULT_TIMEOUT}]
    assert hooks["PreToolUse"][-1]["matcher"] == "*"
    assert "matcher" not in hooks["SessionStart"][0]


def test_merge_is_idempotent():
    once = st.merge(user_doc(), CMD, EVENTS)
    twice = st.merge(once, CMD, EVENTS)
    assert twice == once
    assert st.render(twice) == st.render(once)
    assert st.describe(once, twice) == {"added": [], "updated": [], "removed": []}


def test_merge_updates_a_moved_python_in_place():
    once = st.merge(user_doc(), CMD, EVENTS)
    again = st.merge(once, NEW_CMD, EVENTS)
    assert list(again["hooks"]) == list(once["hooks"])
    for event in EVENTS:
        assert [h["command"] for h in st.our_events(again)[event]] == [NEW_CMD]
        assert len(again["hooks"][event]) == len(once["hooks"][event])
    changes = st.describe(once, again)
    assert changes["updated"] == list(EVENTS) and not changes["added"]


def test_merge_updates_our_hook_inside_a_users_group_without_touching_theirs():
    doc = {"hooks": {"Stop": [{"matcher": "", "hooks": [dict(MINE), {"type": "command",
                                                                      "command": CMD}]}]}}
    after = st.merge(doc, NEW_CMD, ["Stop"])
    group = after["hooks"]["Stop"]
    assert len(group) == 1 and group[0]["matcher"] == ""
    assert group[0]["hooks"][0] == MINE
    assert group[0]["hooks"][1]["command"] == NEW_CMD


def test_merge_removes_duplicates_of_ours():
    doc = {"hooks": {"Stop": [st.our_group("Stop", CMD), {"hooks": [dict(MINE)]},
                              st.our_group("Stop", CMD)]}}
    after = st.merge(doc, CMD, ["Stop"])
    assert after["hooks"]["Stop"] == [st.our_group("Stop", CMD), {"hooks": [dict(MINE)]}]


def test_merge_drops_events_the_release_does_not_know():
    everything = st.merge(user_doc(), CMD, EVENTS)
    core = st.merge(everything, CMD, CORE_EVENTS)
    assert set(st.our_events(core)) == set(CORE_EVENTS)
    assert "StopFailure" not in core["hooks"]  # the list held only ours: gone entirely
    assert st.describe(everything, core)["removed"] == [
        e for e in EVENTS if e not in CORE_EVENTS
    ]


def test_merge_into_empty_document_creates_hooks():
    after = st.merge({}, CMD, ["Stop"])
    assert after == {"hooks": {"Stop": [st.our_group("Stop", CMD)]}}


def test_merge_refuses_malformed_structures():
    with pytest.raises(st.SettingsError):
        st.merge({"hooks": []}, CMD, ["Stop"])
    with pytest.raises(st.SettingsError, match="hooks.Stop"):
        st.merge({"hooks": {"Stop": {"oops": 1}}}, CMD, ["Stop"])
    # A malformed event we do not register is left alone.
    assert st.merge({"hooks": {"Odd": 3}}, CMD, ["Stop"])["hooks"]["Odd"] == 3


def test_unmerge_restores_the_original_exactly():
    original = user_doc()
    installed = st.merge(original, CMD, EVENTS)
    assert st.unmerge(installed) == original
    assert list(st.unmerge(installed)["hooks"]) == list(original["hooks"])


def test_unmerge_drops_containers_only_we_emptied():
    installed = st.merge({"model": "x"}, CMD, EVENTS)
    assert st.unmerge(installed) == {"model": "x"}
    keep_empty = {"hooks": {"Stop": []}, "model": "x"}
    assert st.unmerge(keep_empty) == keep_empty
    assert st.unmerge({"hooks": {}}) == {"hooks": {}}


def test_unmerge_finds_ours_under_any_event_name():
    doc = {"hooks": {"PostToolBatch": [st.our_group("PostToolBatch", CMD)],
                     "Stop": [{"hooks": [dict(MINE)]}]}}
    assert st.unmerge(doc) == {"hooks": {"Stop": [{"hooks": [dict(MINE)]}]}}


def test_enabled_cctrace_plugins():
    doc = {"enabledPlugins": {"cctrace@cctrace": True, "other@x": True, "cctrace@old": False}}
    assert st.enabled_cctrace_plugins(doc) == ["cctrace@cctrace"]
    assert st.enabled_cctrace_plugins({}) == []


def test_settings_path_per_scope(tmp_path):
    env = {"HOME": str(tmp_path / "home")}
    cwd = str(tmp_path / "proj")
    assert st.settings_path("user", cwd, env) == str(tmp_path / "home/.claude/settings.json")
    assert st.settings_path("project", cwd, env) == str(tmp_path / "proj/.claude/settings.json")
    assert st.settings_path("local", cwd, env) == str(
        tmp_path / "proj/.claude/settings.local.json"
    )
    env["CLAUDE_CONFIG_DIR"] = str(tmp_path / "cfg")
    assert st.settings_path("user", cwd, env) == str(tmp_path / "cfg/settings.json")
    with pytest.raises(ValueError):
        st.settings_path("global", cwd, env)


@pytest.mark.parametrize("text", ["{", "[1, 2]", '{"a": 1} trailing', '"str"'])
def test_parse_refuses_what_is_not_a_json_object(text):
    with pytest.raises(st.SettingsError, match="settings.json"):
        st.parse(text, "settings.json")


def test_parse_refuses_duplicate_keys_and_accepts_blank():
    with pytest.raises(st.SettingsError, match="duplicate key 'hooks'"):
        st.parse('{"hooks": {}, "hooks": {"Stop": []}}')
    assert st.parse("  \n") == {}


def test_read_missing_file_is_none(tmp_path):
    assert st.read(str(tmp_path / "nope.json")) is None


def test_write_atomic_keeps_mode_and_leaves_no_temp(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text("{}")
    os.chmod(path, 0o640)
    st.write_atomic(str(path), st.render({"a": 1}))
    assert json.loads(path.read_text()) == {"a": 1}
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_write_atomic_writes_through_a_symlink(tmp_path):
    real = tmp_path / "dotfiles" / "settings.json"
    real.parent.mkdir()
    real.write_text("{}")
    link = tmp_path / ".claude" / "settings.json"
    link.parent.mkdir()
    link.symlink_to(real)
    st.write_atomic(str(link), st.render({"b": 2}))
    assert link.is_symlink()
    assert json.loads(real.read_text()) == {"b": 2}


def test_write_atomic_creates_the_folder(tmp_path):
    path = tmp_path / "new" / ".claude" / "settings.local.json"
    st.write_atomic(str(path), "{}\n")
    assert path.read_text() == "{}\n"
