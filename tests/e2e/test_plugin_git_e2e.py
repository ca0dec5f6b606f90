"""The plugin from a git-hosted marketplace, as most users will add it: by URL.

The marketplace (this repository's `.claude-plugin`, `plugins/cctrace` with its link to
`src/cctrace`, and `src/cctrace`) is committed to a git repository served by git's own
smart-HTTP backend on 127.0.0.1 (`support.git_http`): Claude Code takes a git marketplace
only by URL (a local path is a directory marketplace; `file://` is refused with "Invalid
marketplace source format. Try: owner/repo, https://..., or ./path"). The real CLI clones
it, installs the plugin (which copies it into its plugin cache: the package link becomes
real files), and a session in a clean HOME with no `cctrace` on PATH is recorded from that
copy and reaches the loopback OTLP receiver.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from e2e.test_plugin_e2e import (
    PATH,
    SCRIPT,
    _system_python,
    claude_cli,
    spans_of,
    wait_for_runtime,
)
from support.claude import REPO, ClaudeHome, new_session_id
from support.git_http import GitHTTPServer
from support.model_server import ModelServer
from support.otlp_receiver import OTLPReceiver

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(not _system_python(), reason="no python3 >= 3.10 in "
                                 "/usr/local/bin or /usr/bin: the plugin's launcher finds none"),
              pytest.mark.skipif(shutil.which("git") is None, reason="no git")]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=cctrace tests", "-c", "user.email=tests@invalid",
                    *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_marketplace_repo(root: Path) -> Path:
    """A bare repository holding the marketplace; returns its folder under `root`."""
    work = root / "work"
    shutil.copytree(REPO / ".claude-plugin", work / ".claude-plugin")
    shutil.copytree(REPO / "plugins", work / "plugins", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "src" / "cctrace", work / "src" / "cctrace",
                    ignore=shutil.ignore_patterns("__pycache__"))
    assert (work / "plugins" / "cctrace" / "cctrace").is_symlink()
    _git(work, "init", "-q", "-b", "main")
    _git(work, "add", "-A")
    _git(work, "commit", "-q", "-m", "cctrace marketplace")
    bare = root / "srv" / "cctrace.git"
    bare.parent.mkdir(parents=True)
    _git(root, "clone", "-q", "--bare", str(work), str(bare))
    return bare


def _installed_cli(home: ClaudeHome, plugin: Path, *args: str,
                   timeout: float = 150) -> subprocess.CompletedProcess:
    """The installed copy's own bin/cctrace (what Claude Code's Bash tool finds)."""
    return subprocess.run(["sh", str(plugin / "bin" / "cctrace"), *args],
                          env=home.env({"PATH": PATH}), cwd=home.project, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def test_plugin_from_a_git_marketplace_records_and_exports(tmp_path):
    assert shutil.which("cctrace", path=PATH) is None
    bare = make_marketplace_repo(tmp_path / "git")
    state = tmp_path / "state"
    with GitHTTPServer(str(bare.parent)) as git, ModelServer(SCRIPT) as server, \
            OTLPReceiver() as receiver:
        home = ClaudeHome(tmp_path / "c", server.base_url)
        url = f"{git.base_url}/cctrace.git"
        added = claude_cli(home, "plugin", "marketplace", "add", url)
        assert f"Cloning repository (timeout: 120s): {url}" in added
        assert "Successfully added marketplace: cctrace" in added
        # Cloned over git's protocol (shallow), not read from a folder.
        assert any(r.startswith("POST /cctrace.git/git-upload-pack") for r in git.requests)
        known = json.loads((home.claude_dir / "plugins" / "known_marketplaces.json")
                           .read_text())
        assert known["cctrace"]["source"] == {"source": "git", "url": url}
        claude_cli(home, "plugin", "install", "cctrace@cctrace")
        (plugin,) = (home.claude_dir / "plugins" / "cache" / "cctrace" / "cctrace").iterdir()
        # The package link of the repository is real files in the installed copy.
        assert (plugin / "cctrace" / "hook" / "entry.py").is_file()
        assert not (plugin / "cctrace").is_symlink()
        data = home.claude_dir / "plugins" / "data" / "cctrace-cctrace"
        data.mkdir(parents=True, exist_ok=True)
        (data / "state-dir").write_text(f"{state}\n")

        first, second = new_session_id(), new_session_id()
        home.run("[one] run echo one", session_id=first, env={"PATH": PATH}).check()
        status = wait_for_runtime(data)
        assert status["state"] == "ready", status
        assert status["root"] == str(plugin)  # the hooks ran from the installed copy
        done = _installed_cli(home, plugin, "config", "set", "otlp.endpoint",
                              receiver.endpoint)
        assert done.returncode == 0, done.stdout + done.stderr
        home.run("[two] run echo two", session_id=second, env={"PATH": PATH}).check()
        flushed = _installed_cli(home, plugin, "flush", "--timeout", "60")
        assert flushed.returncode == 0, flushed.stdout + flushed.stderr
        for sid, prompt in ((first, "[one] run echo one"), (second, "[two] run echo two")):
            shown = _installed_cli(home, plugin, "show", sid, "--json")
            assert shown.returncode == 0, shown.stdout + shown.stderr
            assert [t["input"] for t in json.loads(shown.stdout)["traces"]] == [prompt]
        exported = spans_of(receiver, second)
        kinds = {s["attributes"].get("langfuse.observation.type") for s in exported}
        assert {"generation", "tool"} <= kinds, kinds
