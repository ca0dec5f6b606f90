"""Record the transcript fixtures under tests/fixtures/transcripts/ with the real Claude Code CLI.

Re-runnable: `/tmp/venv/bin/python tests/support/record_fixtures.py [SCENARIO ...]` replaces the
named scenario folders (all when none is named). Each scenario drives `claude -p` (offline, temp
HOME) against the scripted model server and keeps, unmodified: the session transcript
`<session-id>.jsonl`, the subagent folder `<session-id>/subagents/agent-*.jsonl|.meta.json`, the
hook payloads (`hooks.jsonl`, one {"event", "payload"} per line, from a recorder hook registered
for every event the release knows), the CLI's stream-json output per run (`runs/NN.stdout.jsonl`)
and `scenario.json` (CLI version, session id, prompts, temp paths used, model requests seen).

Older releases (the compatibility matrix): `record_fixtures.py --bin PATH [--out DIR] [SCENARIO
...]` drives that binary, registers only the hook events its release knows and names the folders
`v<X_Y_Z>_<scenario>` (e.g. `v2_0_77_subagent`). 2.0.x subagents (and its "Warmup" pre-calls)
are `agent-*.jsonl` files beside the session file; they are kept there.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support.claude import (  # noqa: E402
    ClaudeHome,
    claude_version,
    copy_session,
    hook_events_for,
    new_session_id,
    subagent_tool_for,
)
from support.model_server import (  # noqa: E402
    ModelServer,
    Reply,
    Text,
    Thinking,
    ToolUse,
    text,
    tools,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts"


class Recording:
    """One scenario's temp HOME, server, session and the runs made so far."""

    def __init__(self, name: str, server: ModelServer, root: Path, *,
                 binary: Path | None = None, version: str | None = None) -> None:
        self.name = name
        self.server = server
        self.home = ClaudeHome(root, server.base_url, binary=binary)
        self.hooks_file = root / "hooks.jsonl"
        self.home.install_recorder(self.hooks_file, hook_events_for(version))
        self.agent_tool = subagent_tool_for(version)
        self.session_id = new_session_id()
        self.runs: list[dict[str, object]] = []
        (self.home.project / "a.txt").write_text("alpha\nbeta\ngamma\n")
        (self.home.project / "b.txt").write_text("one\ntwo\n")
        (self.home.project / "src").mkdir()
        (self.home.project / "src" / "app.py").write_text(
            "def main():\n    print('hello')  # TODO: greet by name\n")

    def p(self, rel: str) -> str:
        return str(self.home.project / rel)

    def run(self, prompt: str, **kw: object) -> None:
        first = not self.runs
        res = self.home.run(prompt, session_id=self.session_id if first else None,
                            resume=None if first else self.session_id, **kw)  # type: ignore
        self.runs.append({"prompt": prompt, "args": res.args[1:], "returncode": res.returncode,
                          "stdout": res.stdout, "stderr": res.stderr})
        if res.returncode != 0:
            print(f"[{self.name}] run exited {res.returncode}: {res.stderr[-500:]}",
                  file=sys.stderr)

    def save(self, dest: Path, version: str | None) -> None:
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        copy_session(self.home, self.session_id, dest)
        if self.hooks_file.exists():
            shutil.copy2(self.hooks_file, dest / "hooks.jsonl")
        runs_dir = dest / "runs"
        runs_dir.mkdir()
        for i, run in enumerate(self.runs, 1):
            (runs_dir / f"{i:02d}.stdout.jsonl").write_text(str(run["stdout"]))
        reqs = [{"path": r.path, "kind": r.kind, "marker": r.marker, "step": r.step,
                 "status": r.status} for r in self.server.requests]
        meta = {
            "scenario": self.name,
            "claude_version": version,
            "session_id": self.session_id,
            "home": str(self.home.home),
            "cwd": str(self.home.project),
            "transcript": f"{self.session_id}.jsonl",
            "runs": [{"prompt": r["prompt"], "args": r["args"], "returncode": r["returncode"]}
                     for r in self.runs],
            "model_requests": reqs,
            "unknown_paths": self.server.unknown_paths,
        }
        (dest / "scenario.json").write_text(json.dumps(meta, indent=2) + "\n")


# --- scenarios -----------------------------------------------------------------------------


def multi_turn(r: Recording) -> None:
    r.server.add("[mt-1]", [
        tools(ToolUse("Write", {"file_path": r.p("notes.md"),
                                "content": "# Notes\n\n- first item\n"}),
              preamble="I'll create the notes file."),
        tools(ToolUse("Read", {"file_path": r.p("notes.md")})),
        text("Created notes.md with one item."),
    ])
    r.server.add("[mt-2]", [
        tools(ToolUse("Edit", {"file_path": r.p("notes.md"), "old_string": "- first item",
                               "new_string": "- first item\n- second item"})),
        tools(ToolUse("Bash", {"command": "wc -l notes.md", "description": "Count lines"})),
        tools(ToolUse("Grep", {"pattern": "TODO", "path": r.p("src"),
                               "output_mode": "content"})),
        text("Added a second item; notes.md has 4 lines and src/app.py has one TODO."),
    ])
    r.server.add("[mt-3]", [text("We wrote and edited notes.md and found one TODO.")])
    r.run("Create notes.md with a first item [mt-1]")
    r.run("Add a second item, count lines and find TODOs [mt-2]")
    r.run("Summarise what we did [mt-3]")


def tool_errors(r: Recording) -> None:
    r.server.add("[err-1]", [
        tools(ToolUse("Bash", {"command": "ls /nonexistent-cctrace-dir && echo ok",
                               "description": "List a missing directory"})),
        tools(ToolUse("Read", {"file_path": r.p("missing.txt")})),
        text("The directory and the file do not exist."),
    ])
    r.run("Look at the missing directory and file [err-1]")


def parallel_tools(r: Recording) -> None:
    r.server.add("[par-1]", [
        tools(ToolUse("Read", {"file_path": r.p("a.txt")}),
              ToolUse("Read", {"file_path": r.p("b.txt")}),
              ToolUse("Grep", {"pattern": "TODO", "path": r.p("src"),
                               "output_mode": "files_with_matches"}),
              ToolUse("Bash", {"command": "echo parallel", "description": "Echo"}),
              preamble="Reading everything at once."),
        text("a.txt has 3 lines, b.txt has 2, one TODO in src."),
    ])
    r.run("Read a.txt and b.txt, grep TODO and echo, all at once [par-1]")


def subagent(r: Recording) -> None:
    r.server.add("[sub-main]", [
        tools(ToolUse(r.agent_tool, {"description": "Inspect a.txt",
                                "prompt": "Inspect a.txt and count its bytes [sub-agent-task]",
                                "subagent_type": "general-purpose"}),
              preamble="Delegating to a subagent."),
        text("Waiting for the subagent."),
        text("The subagent says a.txt has three lines."),
        text("Done."),
    ])
    r.server.add("[sub-agent-task]", [
        tools(ToolUse("Read", {"file_path": r.p("a.txt")})),
        tools(ToolUse("Bash", {"command": "wc -c a.txt", "description": "Count bytes"})),
        text("a.txt has three lines (alpha, beta, gamma) and 17 bytes."),
    ])
    r.run("Use a subagent to inspect a.txt [sub-main]")


def subagent_foreground(r: Recording) -> None:
    r.server.add("[fg-main]", [
        tools(ToolUse(r.agent_tool, {"description": "Search TODOs",
                                "prompt": "Find TODO comments under src [fg-agent-task]",
                                "subagent_type": "general-purpose",
                                "run_in_background": False})),
        text("The subagent found one TODO in src/app.py."),
    ])
    r.server.add("[fg-agent-task]", [
        tools(ToolUse("Grep", {"pattern": "TODO", "path": r.p("src"),
                               "output_mode": "content"})),
        tools(ToolUse("Bash", {"command": "false", "description": "Fail on purpose"})),
        text("One TODO: src/app.py line 2 (greet by name)."),
    ])
    r.run("Use a foreground subagent to find TODOs [fg-main]")


def thinking(r: Recording) -> None:
    r.server.add("[think-1]", [
        Reply([Thinking("The user wants the line count. I should run wc."),
               Text("Let me count."),
               ToolUse("Bash", {"command": "wc -l a.txt", "description": "Count lines"})]),
        Reply([Thinking("wc said 3 lines. Answer briefly."), Text("a.txt has 3 lines.")]),
    ])
    r.run("How many lines does a.txt have? Think first. [think-1]",
          extra_args=["--effort", "high"])


def compact(r: Recording) -> None:
    r.server.add("[cmp-1]", [
        tools(ToolUse("Read", {"file_path": r.p("a.txt")})),
        text("a.txt lists alpha, beta and gamma."),
    ])
    r.server.add("[cmp-2]", [
        tools(ToolUse("Bash", {"command": "cat b.txt", "description": "Show b.txt"})),
        text("b.txt has one and two."),
    ])
    r.run("Read a.txt [cmp-1]")
    r.run("/compact")
    r.run("Now show b.txt [cmp-2]")


def api_error(r: Recording) -> None:
    r.server.add("[apierr-1]", [
        tools(ToolUse("Read", {"file_path": r.p("a.txt")}), errors=[500]),
        text("a.txt has three lines.", errors=[529]),
    ])
    r.run("Read a.txt despite a flaky API [apierr-1]")


SCENARIOS: dict[str, Callable[[Recording], None]] = {
    "multi_turn": multi_turn,
    "tool_errors": tool_errors,
    "parallel_tools": parallel_tools,
    "subagent": subagent,
    "subagent_foreground": subagent_foreground,
    "thinking": thinking,
    "compact": compact,
    "api_error": api_error,
}


def record(name: str, version: str | None, out: Path = FIXTURES, *,
           binary: Path | None = None, folder: str | None = None) -> Path:
    # A fixed temp root keeps the absolute paths inside the transcripts stable across
    # re-recordings, so diffs of the fixtures show real format changes only.
    folder = folder or name
    root = Path(tempfile.gettempdir()) / "cctrace-fixture-rec" / folder
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    try:
        with ModelServer(id_seed=folder) as server:
            rec = Recording(name, server, root, binary=binary, version=version)
            SCENARIOS[name](rec)
            dest = out / folder
            rec.save(dest, version)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return dest


def version_prefix(version: str) -> str:
    """Folder prefix of a release's fixtures: "2.0.77" -> "v2_0_77_"."""
    return "v" + version.replace(".", "_") + "_"


def _take(argv: list[str], flag: str) -> str | None:
    if flag not in argv:
        return None
    i = argv.index(flag)
    if i + 1 >= len(argv):
        raise SystemExit(f"{flag} needs a value")
    value = argv[i + 1]
    del argv[i:i + 2]
    return value


def main(argv: list[str]) -> int:
    argv = list(argv)
    bin_arg = _take(argv, "--bin")
    out_arg = _take(argv, "--out")
    binary = Path(bin_arg).resolve() if bin_arg else None
    out = Path(out_arg) if out_arg else FIXTURES
    names = argv or list(SCENARIOS)
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        print(f"unknown scenario(s): {unknown}; known: {list(SCENARIOS)}", file=sys.stderr)
        return 2
    version = claude_version(binary)
    if version is None:
        print("Claude Code CLI not found (set CCTRACE_CLAUDE_BIN or pass --bin)", file=sys.stderr)
        return 1
    prefix = version_prefix(version) if binary else ""
    for name in names:
        dest = record(name, version, out, binary=binary, folder=prefix + name)
        print(f"{name}: {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
