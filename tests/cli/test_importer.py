"""`cctrace import` and `cctrace demo` on transcripts recorded with the real CLI."""

from __future__ import annotations

import json
import shutil

import pytest

from cctrace.cli.main import main
from cctrace.store.db import Store
from support.replay import FIXTURES


def test_import_is_idempotent_and_skips_subagent_files(tmp_path, capsys, _isolated_state):
    src = tmp_path / "projects"
    for name in ("multi_turn", "subagent_foreground"):
        shutil.copytree(FIXTURES / name, src / name, ignore=shutil.ignore_patterns("hooks.jsonl",
                                                                                  "runs"))
    assert main(["import", str(src), "--quiet", "--live-minutes", "0"]) == 0
    out = capsys.readouterr().out
    assert "imported 2 transcript(s)" in out
    with Store.open(str(_isolated_state)) as store:
        sessions = store.sessions()
        assert len(sessions) == 2
        tree = store.session_tree(
            next(s.id for s in sessions if s.id.startswith("24344242")))
    kinds = [o.type for view in tree for o in view.observations]
    assert kinds.count("agent") >= 2  # the turn and the subagent
    assert main(["import", str(src), "--quiet"]) == 0
    assert "0 new observation(s)" in capsys.readouterr().out


def test_import_missing_path_is_a_clear_error(tmp_path, capsys):
    assert main(["import", str(tmp_path / "nope")]) == 1
    assert "no such file or folder" in capsys.readouterr().err


def test_demo_uses_its_own_store(capsys, _isolated_state):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Imported 4 sample session(s)" in out and "Turn 1" in out
    assert not (_isolated_state / "cctrace.db").exists()
    with Store.open(str(_isolated_state / "demo")) as store:
        assert len(store.sessions()) == 4


@pytest.mark.parametrize("name", ["multi_turn", "tool_errors"])
def test_show_json_after_import(tmp_path, capsys, name):
    shutil.copytree(FIXTURES / name, tmp_path / name)
    (tmp_path / name / "hooks.jsonl").unlink()
    main(["import", str(tmp_path / name), "--quiet", "--live-minutes", "0"])
    capsys.readouterr()
    sid = next((tmp_path / name).glob("*.jsonl")).stem
    assert main(["show", sid, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    levels = [o["level"] for t in doc["traces"] for o in t["observations"]]
    assert ("ERROR" in levels) == (name == "tool_errors")


def test_demo_state_dir_is_private_and_its_closing_hint_works_as_typed(tmp_path):
    """`cctrace demo` run from a venv that is not on PATH: its state dir (parents created
    on the way) is 0700, its copies of the samples 0700/0600, and the closing hint, pasted
    into a shell as printed, lists the demo's sessions."""
    import os
    import stat
    import subprocess
    import sys

    script = os.path.join(os.path.dirname(sys.executable), "cctrace")
    assert os.path.isfile(script)
    home = tmp_path / "a" / "b" / "state"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"), "LANG": "C.UTF-8",
           "CCTRACE_HOME": str(home)}
    done = subprocess.run([script, "demo"], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]

    def mode(p) -> int:
        return stat.S_IMODE(os.stat(p).st_mode)

    assert mode(home) == 0o700 and mode(home / "demo") == 0o700
    samples = home / "demo" / "samples"
    assert {mode(p) for p in [samples, *samples.rglob("*")] if p.is_dir()} == {0o700}
    assert {mode(p) for p in samples.rglob("*") if p.is_file()} == {0o600}
    hint = done.stdout.strip().splitlines()[-1]
    prefix = "Look again any time: "
    assert hint.startswith(prefix) and hint.endswith(" sessions")
    command = hint[len(prefix):]
    assert command == f"CCTRACE_HOME={home / 'demo'} {script} sessions"
    again = subprocess.run(["sh", "-c", command], env={**env, "CCTRACE_HOME": ""},
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    listed = [line for line in again.stdout.splitlines() if line[:8].strip()]
    with Store.open(str(home / "demo")) as store:
        ids = {s.id[:8] for s in store.sessions()}
    assert len(ids) == 4 and all(any(i in line for line in listed) for i in ids)


def test_import_of_what_is_not_a_transcript_is_a_clear_error(tmp_path, capsys,
                                                             _isolated_state):
    """Random bytes and /etc/passwd named on the command line: exit 1, each named with why;
    the real transcript given beside them is still imported; a stray file found in a
    folder is skipped and said, not an error."""
    import os

    noise = tmp_path / "noise.jsonl"
    noise.write_bytes(bytes(range(256)) * 8 + b"\n{\"not\": \"a record\"}\n")
    folder = tmp_path / "folder"
    shutil.copytree(FIXTURES / "multi_turn", folder,
                    ignore=shutil.ignore_patterns("hooks.jsonl", "runs"))
    (folder / "stray.jsonl").write_bytes(os.urandom(512).replace(b"\n", b" "))
    args = ["import", "--no-export", "--live-minutes", "0"]
    assert main([*args, str(noise), "/etc/passwd", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[-1] == ("imported 1 transcript(s): 19 new observation(s); "
                                    "2 error(s); 1 other file(s) skipped")
    why = "not a Claude Code transcript (no JSON line with a record type and session id)"
    assert f"skipped {noise}: {why}" in err and f"skipped /etc/passwd: {why}" in err
    assert "stray.jsonl" not in err  # found in a folder: counted in the summary only
    with Store.open(str(_isolated_state)) as store:
        assert [s.id[:8] for s in store.sessions()] == ["f8669889"]
    assert main([*args, str(folder)]) == 0
