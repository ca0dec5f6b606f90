"""The hook's script form, exactly: its own folder leaves sys.path (a module there can never
shadow the standard library), the package's root comes first, symlinks are followed, and
the process exits 0 whatever `main` does. Run on a copy of entry.py next to a stand-in
`cctrace.hook.main` that reports what it sees."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

import cctrace

ENTRY = os.path.join(os.path.dirname(cctrace.__file__), "hook", "entry.py")

# The stand-in main: what it sees, then the outcome the test asks for.
MAIN = """
import gc, json, os, sys

def main():
    import email  # a module the hook folder shadows if it stays on sys.path
    out = {"path": sys.path, "email": email.__name__,
           "shadowed": getattr(email, "PLANTED", False), "gc": gc.isenabled()}
    with open(os.environ["ENTRY_REPORT"], "w") as fh:
        json.dump(out, fh)
    how = os.environ.get("ENTRY_HOW", "")
    if how == "raise":
        raise RuntimeError("boom")
    if how == "exit":
        sys.exit(5)
"""


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "site"
    hook = root / "cctrace" / "hook"
    hook.mkdir(parents=True)
    (root / "cctrace" / "__init__.py").write_text("")
    (hook / "__init__.py").write_text("")
    (hook / "main.py").write_text(MAIN)
    (hook / "email.py").write_text("PLANTED = True\n")
    shutil.copy(ENTRY, hook / "entry.py")
    return root


def _run(entry, report, how: str = "", cwd=None, flags=("-S",)):
    env = {"PATH": os.environ.get("PATH", ""), "ENTRY_REPORT": str(report), "ENTRY_HOW": how}
    proc = subprocess.run([sys.executable, *flags, str(entry)], capture_output=True, env=env,
                          timeout=60, cwd=cwd)
    return proc, json.loads(report.read_text())


def _base_path(*flags: str) -> list[str]:
    """sys.path of this interpreter with `flags` and no script (`-c`'s '' left out)."""
    out = subprocess.run([sys.executable, *flags, "-c", "import sys, json; "
                          "print(json.dumps([p for p in sys.path if p]))"],
                         capture_output=True, env={"PATH": os.environ.get("PATH", "")},
                         timeout=60, check=True).stdout
    return json.loads(out)


@pytest.mark.parametrize("flags", [("-S",), ("-I", "-S")])
def test_sys_path_is_the_package_root_then_the_interpreters_own(tree, tmp_path, flags):
    # `-S` alone (the form entry.py's docstring names) puts the hook folder first, which
    # goes; `-I -S` (the settings hook and the plugin's launcher) puts no script folder,
    # and nothing else goes.
    proc, seen = _run(tree / "cctrace" / "hook" / "entry.py", tmp_path / "r.json",
                      flags=flags)
    assert (proc.returncode, proc.stderr) == (0, b"")
    assert seen["path"] == [str(tree), *_base_path(*flags)]


@pytest.mark.parametrize("how", ["", "raise", "exit"])
def test_the_package_root_replaces_the_hook_folder_and_the_exit_is_0(tree, tmp_path, how):
    proc, seen = _run(tree / "cctrace" / "hook" / "entry.py", tmp_path / "r.json", how)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    assert seen["path"][0] == str(tree)
    assert str(tree / "cctrace" / "hook") not in seen["path"]
    assert (seen["email"], seen["shadowed"], seen["gc"]) == ("email", False, False)


def test_a_symlinked_entry_finds_the_package_it_belongs_to(tree, tmp_path):
    link = tmp_path / "bin" / "hook.py"
    link.parent.mkdir()
    link.symlink_to(tree / "cctrace" / "hook" / "entry.py")
    proc, seen = _run(link, tmp_path / "r.json")
    assert (proc.returncode, proc.stderr) == (0, b"")
    # Python puts the script's real folder first, which the entry takes out again
    assert seen["path"][0] == str(tree)
    assert str(tree / "cctrace" / "hook") not in seen["path"]
    assert seen["shadowed"] is False


def test_run_from_a_relative_path(tree, tmp_path):
    proc, seen = _run(os.path.join("cctrace", "hook", "entry.py"), tmp_path / "r.json",
                      cwd=tree)
    assert (proc.returncode, proc.stderr) == (0, b"")
    assert seen["path"][0] == str(tree) and seen["shadowed"] is False
