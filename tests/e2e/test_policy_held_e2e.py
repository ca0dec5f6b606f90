"""End-to-end: the indirect reads of a denied file the policy already withholds.

A red-team pass tried each of these with the real Claude Code CLI (offline, scripted
model) and found the guard holding; this keeps it so. Every command really prints a
planted value (asserted in the transcript), and none of it may reach the wire or the
store: pagers and dumpers (`less`, `xxd -p`, `base64`, `sed -n`), `git show
REV:path`, `grep -r`, `python3 -c open()`, `Glob` then `Read`, a symbolic link to a
denied folder and one to a denied file (a repository can ship both), `..` segments, a
folder with a space, and a file name with a newline (reached by a glob).
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from support.absence import plant as plant_file
from support.model_server import ToolUse, bash, text, tools
from support.traced import TracedSession
from support.withheld import withheld_run

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(shutil.which("git") is None, reason="no git")]

PLANTED = {
    "less": "pager-less-v5n8",
    "xxd": "hexdump-xxd-v5n8",
    "base64": "base64-dump-v5n8",
    "sed": "sed-print-v5n8",
    "git": "git-show-rev-v5n8",
    "grep": "grep-recursive-v5n8",
    "python": "python-open-v5n8",
    "read": "glob-then-read-v5n8",
    "linkdir": "linked-folder-v5n8",
    "linkfile": "linked-file-v5n8",
    "dotdot": "dot-dot-v5n8",
    "space": "spaced-folder-v5n8",
    "newline": "newline-name-v5n8",
}


def test_indirect_reads_the_policy_withholds(traced: TracedSession):
    t = traced
    project = t.home.project

    def plant(rel: str, key: str) -> None:
        plant_file(project, rel, f"TOKEN={PLANTED[key]}\n")

    plant("a/.env", "less")
    plant("b/.env.local", "xxd")
    plant("c/server.key", "base64")
    plant("d/.npmrc", "sed")
    plant("g/.git-credentials", "git")
    plant("h/secrets/db.txt", "grep")
    plant("p/.pgpass", "python")
    plant("r/deploy.pem", "read")
    plant("vault/secrets/l.txt", "linkdir")
    plant("vault/.netrc", "linkfile")
    plant("x/y/.vault-token", "dotdot")
    plant("my dir/.env", "space")
    plant("n/.env\nx", "newline")
    os.symlink(project / "vault" / "secrets", project / "docs")
    os.symlink(project / "vault" / ".netrc", project / "README.txt")
    subprocess.run(["git", "init", "-q", str(project / "g")], check=True)
    subprocess.run(["git", "-C", str(project / "g"), "-c", "user.name=t", "-c",
                    "user.email=t@invalid", "commit", "-q", "--allow-empty", "-m", "0"],
                   check=True)
    subprocess.run(["git", "-C", str(project / "g"), "add", "-f", ".git-credentials"],
                   check=True)
    subprocess.run(["git", "-C", str(project / "g"), "-c", "user.name=t", "-c",
                    "user.email=t@invalid", "commit", "-q", "-m", "1"], check=True)
    (project / "ok.txt").write_text("ordinary-content-v5n8\n")
    t.server.add("[held-1]", [
        tools(bash("less a/.env")),
        tools(bash("xxd -p b/.env.local | xxd -r -p")),
        tools(bash("base64 c/server.key | base64 -d")),
        tools(bash("sed -n '1,5p' d/.npmrc")),
        tools(bash("(cd g && git show HEAD:.git-credentials)")),
        tools(bash("grep -r TOKEN h")),
        tools(bash("python3 -c \"print(open('p/.pgpass').read())\"")),
        tools(ToolUse("Glob", {"pattern": "r/*"})),
        tools(ToolUse("Read", {"file_path": t.p("r/deploy.pem")})),
        tools(bash("cat docs/l.txt")),
        tools(bash("cat README.txt")),
        tools(bash("cat x/y/../y/./.vault-token")),
        tools(bash("cat 'my dir/.env'")),
        tools(bash("cat n/.env*")),
        tools(bash("cat ok.txt")),
        text("Done."),
    ])
    withheld_run(t, "held-1", PLANTED, "ordinary-content-v5n8")
