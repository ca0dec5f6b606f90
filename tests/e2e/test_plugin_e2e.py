"""The plugin alone, as a new user gets it: the two `claude plugin` commands, nothing else.

A clean HOME, a PATH without any `cctrace`, the real CLI installing the plugin from this
repository's marketplace. The first session's events wait in the spool while the plugin's
runtime installs itself in the background (real venv, real pip against the package index);
then they are processed, none lost. The destination is chosen from inside Claude Code
(`/cctrace:setup otlp URL`, the plugin's slash command), and the next session reaches the
loopback OTLP receiver. The test pins its own state dir for the plugin (the file
`cctrace install --plugin` writes) so nothing is written to this account's own state dir.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from support.claude import REPO, ClaudeHome, new_session_id
from support.model_server import ModelServer, ToolUse, text, tools
from support.otlp_receiver import OTLPReceiver


def _system_python() -> bool:
    """The plugin's launcher looks for python3 >= 3.10 in fixed system folders only."""
    for d in ("/usr/local/bin", "/usr/bin", "/opt/homebrew/bin", "/opt/local/bin"):
        for n in ("python3", "python3.14", "python3.13", "python3.12", "python3.11",
                  "python3.10"):
            p = Path(d) / n
            if p.exists() and subprocess.run(
                    [str(p), "-I", "-S", "-c",
                     "import sys; sys.exit(sys.version_info < (3, 10))"]).returncode == 0:
                return True
    return False


pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not _system_python(), reason="no python3 >= 3.10 in "
                                 "/usr/local/bin or /usr/bin: the plugin's launcher finds none")]

PATH = "/usr/bin:/bin"  # no cctrace here (asserted); claude is run by absolute path
PLUGIN = REPO / "plugins" / "cctrace"
SCRIPT = {
    "[one]": [tools(ToolUse("Bash", {"command": "echo one"})), text("first done")],
    "[two]": [tools(ToolUse("Bash", {"command": "echo two"})), text("second done")],
    "[three]": [text("third done")],
}
INSTALL_DEADLINE_S = 900  # a slow mirror; the figure is not what is tested


def claude_cli(home: ClaudeHome, *args: str) -> str:
    proc = subprocess.run([str(home.binary), *args], env=home.env({"PATH": PATH}),
                          cwd=home.project, capture_output=True, text=True, timeout=180,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, f"claude {args}: {proc.stdout}\n{proc.stderr}"
    return proc.stdout


def plugin_cli(home: ClaudeHome, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """The plugin's own bin/cctrace, as Claude Code's Bash tool finds it (plugin bin on PATH)."""
    return subprocess.run(["sh", str(PLUGIN / "bin" / "cctrace"), *args],
                          env=home.env({"PATH": PATH}), cwd=home.project, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def wait_for_runtime(data: Path, not_digest: str | None = None) -> dict:
    """The install's outcome (ready or failed), for another digest than `not_digest`."""
    status = data / "runtime" / "status.json"
    deadline = time.monotonic() + INSTALL_DEADLINE_S
    while time.monotonic() < deadline:
        if status.exists():
            got = json.loads(status.read_text())
            if got["state"] in ("ready", "failed") and got.get("digest") != not_digest:
                return got
        time.sleep(1)
    raise AssertionError(f"runtime install did not finish: {status.read_text()}")


def spans_of(receiver: OTLPReceiver, session_id: str) -> list[dict]:
    return [s for s in receiver.spans()
            if s["attributes"].get("langfuse.session.id") == session_id]


def test_plugin_alone_bootstraps_records_and_exports(tmp_path):
    assert shutil.which("cctrace", path=PATH) is None
    state = tmp_path / "state"
    with ModelServer(SCRIPT) as server, OTLPReceiver() as receiver:
        home = ClaudeHome(tmp_path / "c", server.base_url)
        claude_cli(home, "plugin", "marketplace", "add", str(REPO))
        claude_cli(home, "plugin", "install", "cctrace@cctrace")
        data = home.claude_dir / "plugins" / "data" / "cctrace-cctrace"
        data.mkdir(parents=True, exist_ok=True)
        (data / "state-dir").write_text(f"{state}\n")

        first, second = new_session_id(), new_session_id()
        home.run("[one] run echo one", session_id=first, env={"PATH": PATH}).check()
        status = wait_for_runtime(data)
        assert status["state"] == "ready", status
        venv_python = Path(status["python"])
        assert venv_python.parent.parent.parent == data / "runtime"
        # The runtime holds the dependencies; cctrace itself is the plugin's own copy.
        assert status["root"] == str(PLUGIN)
        log = (data / "runtime" / "bootstrap.log").read_text()
        assert "--isolated" in log and log.rstrip().endswith("ready")

        # Every event spooled before the runtime existed is processed.
        flushed = plugin_cli(home, "flush", "--timeout", "60", timeout=150)
        assert flushed.returncode == 0, flushed.stdout + flushed.stderr
        assert not list((state / "spool").glob("*.evt"))
        shown = plugin_cli(home, "show", first, "--json")
        assert shown.returncode == 0, shown.stdout + shown.stderr
        tree = json.loads(shown.stdout)
        assert [t["input"] for t in tree["traces"]] == ["[one] run echo one"]
        assert {o["type"] for o in tree["traces"][0]["observations"]} >= {"generation", "tool"}

        # The destination, from inside Claude Code: the plugin's slash command.
        setup = home.run(f"/cctrace:setup otlp {receiver.endpoint}", env={"PATH": PATH})
        setup.check()
        got = plugin_cli(home, "config", "get", "otlp.endpoint")
        assert got.stdout.strip() == receiver.endpoint

        home.run("[two] run echo two", session_id=second, env={"PATH": PATH}).check()
        flushed = plugin_cli(home, "flush", "--timeout", "60", timeout=150)
        assert flushed.returncode == 0, flushed.stdout + flushed.stderr
        exported = spans_of(receiver, second)
        names = sorted({s["attributes"].get("langfuse.observation.type", "trace")
                        for s in exported})
        assert exported and "generation" in names, names

        # Status from inside Claude Code: the command's output reaches the conversation.
        home.run("/cctrace:status", env={"PATH": PATH}).check()
        said = json.dumps([r.body for r in server.requests if r.body])
        assert f"runtime: ready ({venv_python})" in said


def test_plugin_and_settings_hook_side_by_side_record_each_event_once(tmp_path):
    """The plugin records what it registers; `cctrace install`'s hook stands down for those
    events and records the rest (here PostToolUseFailure, which the plugin does not know)."""
    import sqlite3
    import sys

    from cctrace.spool import diag

    state = tmp_path / "state"
    script = {"[both]": [tools(ToolUse("Bash", {"command": "echo ok"})),
                         tools(ToolUse("Bash", {"command": "exit 3"})), text("done")]}
    with ModelServer(script) as server:
        home = ClaudeHome(tmp_path / "c", server.base_url)
        claude_cli(home, "plugin", "marketplace", "add", str(REPO))
        claude_cli(home, "plugin", "install", "cctrace@cctrace")

        def cctrace(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run([sys.executable, "-m", "cctrace", *args],
                                  env={**home.env(), "CCTRACE_HOME": str(state)},
                                  cwd=home.project, capture_output=True, text=True, timeout=120)

        # Installed second, it sees the plugin and pins it to its own state dir.
        done = cctrace("install", "--scope", "user", "--claude-bin", str(home.binary))
        assert done.returncode == 0, done.stdout + done.stderr
        assert "never both" in done.stdout
        sid = new_session_id()
        home.run("[both] run two commands", session_id=sid).check()
        flushed = cctrace("flush", "--timeout", "60")
        assert flushed.returncode == 0, flushed.stdout + flushed.stderr
    with sqlite3.connect(state / "cctrace.db") as db:
        rows = db.execute("SELECT event, count(*) FROM hook_events WHERE session_id = ? "
                          "GROUP BY event", (sid,)).fetchall()
    counts = dict(rows)
    assert counts["PreToolUse"] == 2 and counts["PostToolUse"] == 1
    assert counts["PostToolUseFailure"] == 1  # only the settings hook has it
    assert counts["UserPromptSubmit"] == 1 and counts["Stop"] == 1
    assert counts["SessionStart"] == 1
    # Every event the plugin registers was offered to the settings hook too, which stood down.
    deferred = diag.read_counters(str(state), "hook.deferred")["hook.deferred"]
    plugin_events = sum(n for e, n in counts.items() if e != "PostToolUseFailure")
    assert deferred == plugin_events


def test_muted_turns_never_reach_the_store(traced, model_server, tmp_path):
    """Mute, a turn, unmute, a turn: the real CLI's transcript holds all three turns, the
    store only the two that were not muted (the hook skips, the worker leaves the rest out)."""
    model_server.set_script({"[m1]": [text("one")], "[m2]": [text("two")],
                             "[m3]": [text("three")]})
    data = tmp_path / "plugin-data"
    data.mkdir()
    (data / "state-dir").write_text(f"{traced.state}\n")

    def plugin_ctl(*args: str) -> str:
        done = subprocess.run(["sh", str(PLUGIN / "bin" / "cctrace-plugin"), *args],
                              env={"PATH": PATH, "HOME": str(traced.home.home),
                                   "CLAUDE_PLUGIN_DATA": str(data)},
                              capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        return done.stdout

    traced.prompt("[m1] first turn")
    plugin_ctl("mute", traced.session_id)
    traced.prompt("[m2] a muted turn")
    # The worker reading the transcript while the mute is in force (for an earlier event,
    # at any time): here forced, with the import that backfills transcripts.
    done = traced.cctrace("import", str(traced.transcript), "--no-export")
    assert done.returncode == 0, done.stdout + done.stderr
    plugin_ctl("unmute", traced.session_id)
    traced.prompt("[m3] third turn")
    assert traced.flush().returncode == 0
    assert "[m2] a muted turn" in traced.transcript.read_text()
    inputs = [t["input"] for t in traced.show()["traces"]]
    assert inputs == ["[m1] first turn", "[m3] third turn"]


def test_a_plugin_upgrade_upgrades_the_runtime(tmp_path):
    """A new plugin version with other requirements: the next session installs the new
    runtime (new digest), removes the old venv, and its events are processed."""
    market = tmp_path / "market"
    shutil.copytree(REPO / ".claude-plugin", market / ".claude-plugin")
    shutil.copytree(PLUGIN, market / "plugins" / "cctrace",  # the package as real files
                    ignore=shutil.ignore_patterns("__pycache__"))
    requirements = market / "plugins" / "cctrace" / "runtime" / "requirements.txt"
    state = tmp_path / "state"
    with ModelServer(SCRIPT) as server:
        home = ClaudeHome(tmp_path / "c", server.base_url)
        claude_cli(home, "plugin", "marketplace", "add", str(market))
        claude_cli(home, "plugin", "install", "cctrace@cctrace")
        data = home.claude_dir / "plugins" / "data" / "cctrace-cctrace"
        data.mkdir(parents=True, exist_ok=True)
        (data / "state-dir").write_text(f"{state}\n")
        home.run("[one] run echo one", session_id=new_session_id(), env={"PATH": PATH}).check()
        old = wait_for_runtime(data)
        assert old["state"] == "ready", old
        # The new version needs one more package (a directory marketplace runs its hooks
        # from the source folder, so editing it is the upgrade).
        requirements.write_text(requirements.read_text() + "six>=1.16\n")
        second = new_session_id()
        home.run("[three] say three", session_id=second, env={"PATH": PATH}).check()
        new = wait_for_runtime(data, not_digest=old["digest"])
        assert new["state"] == "ready", new
        assert new["digest"] != old["digest"]
        assert not Path(old["python"]).exists() and Path(new["python"]).is_file()
        assert subprocess.run([new["python"], "-I", "-c", "import six"]).returncode == 0
        flushed = plugin_cli(home, "flush", "--timeout", "60", timeout=150)
        assert flushed.returncode == 0, flushed.stdout + flushed.stderr
        shown = plugin_cli(home, "show", second, "--json")
        assert shown.returncode == 0, shown.stdout + shown.stderr
        assert [t["input"] for t in json.loads(shown.stdout)["traces"]] == ["[three] say three"]
