"""End-to-end: what the second red team tried against the capture policy and found held.

Each command really prints a planted value (asserted in the transcript), and none of it
may reach the wire or the store. The files hold plain words (no detector would take them)
under denied names other than `.env` (whose values the redactor learns, which would hide a
policy leak): stdin and descriptor redirections (`cat <f`, `exec 3<f`, `read <f`,
`while read ... done <f`, `mapfile <f`), `source` then `echo $X`, `/proc/self/cwd/...`,
brace and quote splitting (`{.n,}pmrc`, `.np""mrc`, `c\\at`), a script fed to a shell on
stdin (`bash <<< '...'`, `echo ... | bash`), `find -exec cat`, `$PWD/...`, and an `Edit`
whose `old_string` is a denied file's content.
"""

from __future__ import annotations

import pytest

from support.absence import plant as plant_file
from support.model_server import ToolUse, bash, text, tools
from support.traced import TracedSession
from support.withheld import withheld_run

pytestmark = pytest.mark.e2e

PLANTED = {
    "stdin": "stdin-redirect-m2x9",
    "fd": "fd-exec-m2x9",
    "read": "read-builtin-m2x9",
    "loop": "while-loop-m2x9",
    "mapfile": "mapfile-m2x9",
    "source": "sourced-m2x9",
    "proc": "proc-cwd-m2x9",
    "brace": "brace-split-m2x9",
    "quote": "quote-split-m2x9",
    "escape": "escaped-name-m2x9",
    "herestr": "here-string-m2x9",
    "pipe": "piped-script-m2x9",
    "find": "find-exec-m2x9",
    "pwd": "pwd-var-m2x9",
    "edit": "edit-old-string-m2x9",
}


def test_more_indirect_reads_the_policy_withholds(traced: TracedSession):
    t = traced
    project = t.home.project

    def plant(rel: str, key: str, line: str | None = None) -> None:
        plant_file(project, rel, line or f"notes {PLANTED[key]} end\n")

    plant("a/.npmrc", "stdin")
    plant("b/.pgpass", "fd")
    plant("c/.netrc", "read")
    plant("d/.git-credentials", "loop")
    plant("e/server.pem", "mapfile")
    plant("f/.npmrc", "source", f"X={PLANTED['source']}\n")
    plant("g/.pgpass", "proc")
    plant("h/.npmrc", "brace")
    plant("i/.npmrc", "quote")
    plant("j/.npmrc", "escape")
    plant("k/secrets/a.txt", "herestr")
    plant("l/secrets/b.txt", "pipe")
    plant("m/secrets/c.txt", "find")
    plant("n/.netrc", "pwd")
    plant("o/.npmrc", "edit")
    (project / "ok.txt").write_text("ordinary-content-m2x9\n")
    t.server.add("[held2-1]", [
        tools(bash("cat ok.txt")),
        tools(bash("cat <a/.npmrc")),
        tools(bash("exec 3<b/.pgpass; cat <&3")),
        tools(bash("read -r X <c/.netrc; echo \"$X\"")),
        tools(bash("while read -r l; do echo \"$l\"; done < d/.git-credentials")),
        tools(bash("mapfile -t a < e/server.pem; echo \"${a[@]}\"")),
        tools(bash("source f/.npmrc; echo $X")),
        tools(bash("cat /proc/self/cwd/g/.pgpass")),
        tools(bash("cat h/{.n,}pmrc")),
        tools(bash("cat i/.np\"\"mrc")),
        tools(bash("c\\at j/\\.npmrc")),
        tools(bash("bash <<< 'cat k/secrets/a.txt'")),
        tools(bash("echo 'cat l/secrets/b.txt' | bash")),
        tools(bash("find m -name c.txt -exec cat {} +")),
        tools(bash("cat \"$PWD/n/.netrc\"")),
        tools(ToolUse("Edit", {"file_path": t.p("o/.npmrc"),
                               "old_string": f"notes {PLANTED['edit']} end",
                               "new_string": "notes replaced end"})),
        text("Done."),
    ])
    withheld_run(t, "held2-1", PLANTED, "ordinary-content-m2x9")
