"""End-to-end: reads whose file name is computed while the command runs (third red team).

Each command really prints a planted value (asserted in the transcript) from a denied file
whose name no static look can see: built by `printf` in a command substitution, by two
`echo`s into a variable, a base64 script piped into `sh`, `eval` of a variable (which the
path rules already resolve), and a Python program decoding the name from base64. None of
it may reach the wire or the store; each output is recorded as withheld with its reason,
and a plain command's output stays.
"""

from __future__ import annotations

import pytest

from support.absence import plant as plant_file
from support.model_server import bash, text, tools
from support.traced import TracedSession
from support.withheld import withheld_run

pytestmark = pytest.mark.e2e

PLANTED = {
    "printf": "printf-built-r3k8",
    "echoes": "echo-pieces-r3k8",
    "base64": "base64-piped-r3k8",
    "eval": "eval-var-r3k8",
    "python": "python-joined-r3k8",
}


def test_names_computed_at_run_time_are_withheld(traced: TracedSession):
    t = traced
    project = t.home.project

    def plant(rel: str, key: str) -> None:
        # Plain words: no detector would take them; only the policy keeps them out.
        plant_file(project, rel, f"notes {PLANTED[key]} end\n")

    plant("a/.npmrc", "printf")
    plant("b/.npmrc", "echoes")
    plant("c/.netrc", "base64")
    plant("d/.pgpass", "eval")
    plant("e/.npmrc", "python")
    (project / "ok.txt").write_text("ordinary-content-r3k8\n")
    t.server.add("[computed-1]", [
        tools(bash("cat ok.txt")),
        tools(bash("cat \"a/$(printf '.%s' npmrc)\"")),
        tools(bash("f=$(echo b/.npm; echo rc); cat $(echo $f | tr -d ' ')")),
        # `cat c/.netrc`, base64-encoded.
        tools(bash("echo Y2F0IGMvLm5ldHJj | base64 -d | sh")),
        tools(bash("x='cat d/.pg'; x=\"${x}pass\"; eval \"$x\"")),
        # `e/.npmrc`, base64-encoded inside the program.
        tools(bash("python3 -c \"import base64; print(open(base64.b64decode("
                    "'ZS8ubnBtcmM=').decode()).read())\"")),
        text("Done."),
    ])
    wire, stored = withheld_run(t, "computed-1", PLANTED, "ordinary-content-r3k8")
    assert wire.count("read target computed at run time: ") >= 4
    # (`eval "$x"` here is caught by the path rules already: the assignments are applied.)
    for reason in ("command substitution", "script piped into a shell or interpreter",
                   "interpreter opens a computed path"):
        assert f"read target computed at run time: {reason}" in stored, reason
