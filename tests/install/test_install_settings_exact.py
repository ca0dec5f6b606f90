"""Exact hook commands: what is pinned in the command Claude Code runs, and what counts as
ours. Run first by `bench/mutation.py -m install.settings`."""

from __future__ import annotations

import shlex

import pytest

from cctrace.install import settings as st
from cctrace.install.events import TOOL_EVENTS


def test_the_command_is_isolated_pinned_and_never_blocks():
    assert st.hook_command("/usr/bin/python3", "/o/cctrace/hook/entry.py", "/home/u/.cctrace") \
        == "/usr/bin/python3 -I -S /o/cctrace/hook/entry.py --state-dir=/home/u/.cctrace || true"
    assert st.hook_command("/usr/bin/python3", "/o/cctrace/hook/entry.py") \
        == "/usr/bin/python3 -I -S /o/cctrace/hook/entry.py || true"
    assert st.hook_command("/usr/bin/python3", "/o/cctrace/hook/entry.py", "") \
        == "/usr/bin/python3 -I -S /o/cctrace/hook/entry.py || true"
    # Spaces and quotes are quoted as the shell reads them back.
    cmd = st.hook_command("/opt/py 3/python", "/a b/cctrace/hook/entry.py", "/st dir/it's")
    assert shlex.split(cmd) == ["/opt/py 3/python", "-I", "-S", "/a b/cctrace/hook/entry.py",
                                "--state-dir=/st dir/it's", "||", "true"]


@pytest.mark.parametrize("command,pinned", [
    ("python -I -S /x/cctrace/hook/entry.py --state-dir=/s || true", "/s"),
    ("python -I -S /x/cctrace/hook/entry.py '--state-dir=/a b' || true", "/a b"),
    ("python /x/cctrace/hook/entry.py --state-dir= || true", None),   # empty: not a pin
    ("python /x/cctrace/hook/entry.py --state-dir /s || true", None),  # only the = form
    ("python /x/cctrace/hook/entry.py --state-dirx=/s", None),
    ("python /x/cctrace/hook/entry.py 'unclosed", None),                # unparseable
    ("python /x/cctrace/hook/entry.py", None),
    ("a --state-dir=/first --state-dir=/second", "/first"),
])
def test_pinned_state_dir(command, pinned):
    assert st.pinned_state_dir(command) == pinned


@pytest.mark.parametrize("hook,ours", [
    ({"command": "/usr/bin/python3 -I -S /o/cctrace/hook/entry.py || true"}, True),
    ({"command": "cctrace/hook/entry.py"}, True),
    ({"command": r"C:\py\python.exe C:\x\cctrace\hook\entry.py"}, True),
    ({"command": "python /x/cctrace/hook/entry.pyc"}, False),
    ({"command": "python /x/notcctrace/hook/entry.py"}, False),
    ({"command": "python /x/cctrace/hooks/entry.py"}, False),
    ({"command": "python /x/cctrace/hook/entry_py"}, False),
    ({"command": ["cctrace/hook/entry.py"]}, False),
    ({"cmd": "cctrace/hook/entry.py"}, False),
    ("cctrace/hook/entry.py", False),
    (None, False),
])
def test_is_ours(hook, ours):
    assert st.is_ours(hook) is ours


def test_our_group_per_event():
    assert st.our_group("Stop", "C") == {"hooks": [{"type": "command", "command": "C",
                                                    "timeout": 5}]}
    tool = next(iter(sorted(TOOL_EVENTS)))
    assert st.our_group(tool, "C", timeout=9) == {
        "matcher": "*", "hooks": [{"type": "command", "command": "C", "timeout": 9}]}
    assert st.DEFAULT_TIMEOUT == 5
