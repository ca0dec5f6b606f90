"""End-to-end: reads of a denied file whose name the shell builds out of several pieces.

Found by the second red team with the real Claude Code CLI (offline, scripted model): each
command really prints a planted value (asserted in the transcript), yet the capture policy
let the output through because the denied name never stood as one plain word: a command
substitution or a process substitution glued to the path (`$(pwd)/.env`, `diff <(echo)
.env`, where the parentheses split the word and made the path look like a command name), a
parameter default (`${UNSET:-.env}`), a variable set earlier in the same command (`x=nv; cat
.e$x`), an option of a wrapper that names a file (`xargs -a .env`) and a folder reached
through a glob (`cd sec*s`). None of the values may reach the wire or the store.
"""

from __future__ import annotations

import shutil

import pytest

from support.absence import plant as plant_file
from support.model_server import bash, text, tools
from support.traced import TracedSession
from support.withheld import withheld_run

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(shutil.which("xargs") is None, reason="no xargs")]

PLANTED = {
    "pwd": "subst-pwd-q7w3",
    "procsub": "proc-subst-q7w3",
    "default": "param-default-q7w3",
    "assigned": "assigned-var-q7w3",
    "xargs": "xargs-argfile-q7w3",
    "cdglob": "cd-glob-q7w3",
}


def test_names_the_shell_builds_are_withheld(traced: TracedSession):
    t = traced
    project = t.home.project

    def plant(rel: str, key: str) -> None:
        # Plain words: no detector would take them; only the path policy keeps them out.
        plant_file(project, rel, f"notes {PLANTED[key]} end\n")

    plant("a/.npmrc", "pwd")
    plant("b/.pgpass", "procsub")
    plant("c/.netrc", "default")
    plant("d/server.pem", "assigned")
    plant("e/.git-credentials", "xargs")
    plant("f/secrets/a.txt", "cdglob")
    (project / "ok.txt").write_text("ordinary-content-q7w3\n")
    t.server.add("[words-1]", [
        tools(bash("cat ok.txt")),
        tools(bash("cat $(pwd)/a/.npmrc")),
        tools(bash("diff <(echo) b/.pgpass")),
        tools(bash("cat ${UNSET_Q7W3:-c/.netrc}")),
        tools(bash("x=pem; cat d/server.$x")),
        tools(bash("xargs -a e/.git-credentials echo")),
        tools(bash("cd f/sec*s && cat a.txt")),
        text("Done."),
    ])
    withheld_run(t, "words-1", PLANTED, "ordinary-content-q7w3")
