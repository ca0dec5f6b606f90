"""Run the real Claude Code CLI headless and offline against the scripted model server.

Each `ClaudeHome` is a throw-away `HOME` (settings, transcripts under `$HOME/.claude`) with a
project directory used as the CLI's cwd. `run()` calls `claude -p` with the environment from
shared/reference/claude-code.md, so nothing leaves the machine. Also: where the CLI writes
transcripts, a helper to register hooks in `$HOME/.claude/settings.json`, and the recording hook
used to capture hook payloads for fixtures.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]

# Every hook event 2.1.328 knows (from its binary). An unknown name disables the whole
# settings file's hooks, so never register more than the running release supports.
HOOK_EVENTS_2_1: tuple[str, ...] = (
    "PreToolUse", "PostToolUse", "PostToolUseFailure", "PostToolBatch", "Notification",
    "UserPromptSubmit", "UserPromptExpansion", "SessionStart", "SessionEnd", "Stop",
    "StopFailure", "SubagentStart", "SubagentStop", "PreCompact", "PostCompact",
    "PreModelSwitch", "PostModelSwitch", "PermissionRequest", "PermissionDenied", "Setup",
    "TeammateIdle", "TaskCreated", "TaskCompleted", "Elicitation", "ElicitationResult",
    "ConfigChange", "InstructionsLoaded", "CwdChanged", "FileChanged", "DirectoryAdded",
    "MessageDisplay",
)
# WorktreeCreate/WorktreeRemove are left out on purpose: a WorktreeCreate hook replaces the
# CLI's own worktree creation, so a recorder there would change behaviour.

# Every hook event the older releases know (from their cli.js). 1.0.128 lacks
# PostToolUseFailure, SubagentStart and PermissionRequest; neither knows PostToolBatch,
# StopFailure or PostCompact, whose presence would silence every hook of the settings file.
HOOK_EVENTS_1_0: tuple[str, ...] = (
    "PreToolUse", "PostToolUse", "Notification", "UserPromptSubmit", "SessionStart",
    "SessionEnd", "Stop", "SubagentStop", "PreCompact",
)
HOOK_EVENTS_2_0: tuple[str, ...] = (
    "PreToolUse", "PostToolUse", "PostToolUseFailure", "Notification", "UserPromptSubmit",
    "SessionStart", "SessionEnd", "Stop", "SubagentStart", "SubagentStop", "PreCompact",
    "PermissionRequest",
)


def hook_events_for(version: str | None) -> tuple[str, ...]:
    """Every hook event the release `version` ("X.Y.Z") accepts; 2.1.x's set when unknown."""
    parts = tuple(int(x) for x in (version or "").split(".")[:2] if x.isdigit())
    if parts and parts < (2, 0):
        return HOOK_EVENTS_1_0
    if parts and parts < (2, 1):
        return HOOK_EVENTS_2_0
    return HOOK_EVENTS_2_1


def subagent_tool_for(version: str | None) -> str:
    """The subagent tool's name: `Task` before 2.1, `Agent` since."""
    parts = tuple(int(x) for x in (version or "").split(".")[:2] if x.isdigit())
    return "Task" if parts and parts < (2, 1) else "Agent"


DEFAULT_ALLOWED_TOOLS = "Bash Read Write Edit Grep Glob Agent Task"


def claude_bin() -> Path | None:
    """The CLI to drive: `CCTRACE_CLAUDE_BIN`, else the repo's pinned node_modules copy."""
    env = os.environ.get("CCTRACE_CLAUDE_BIN")
    path = Path(env) if env else REPO / "node_modules" / ".bin" / "claude"
    return path if path.exists() else None


def claude_version(binary: Path | None = None) -> str | None:
    binary = binary or claude_bin()
    if binary is None:
        return None
    # A throw-away HOME: on a machine whose ~/.claude.json is missing or being written, some
    # releases print a notice before the version ("Claude configuration file ..."), and a
    # wrong version picks the wrong hook-event set, which silences every hook.
    with tempfile.TemporaryDirectory(prefix="cctrace-claude-version-") as home:
        out = subprocess.run([str(binary), "--version"], capture_output=True, text=True,
                             timeout=60, env={**os.environ, "DISABLE_AUTOUPDATER": "1",
                                              "HOME": home})
    from cctrace.install.events import format_version, parse_version

    found = parse_version(out.stdout) if out.returncode == 0 else None
    return format_version(found) if found else None


def project_slug(cwd: Path | str) -> str:
    """The folder under ~/.claude/projects: cwd with every non-alphanumeric char as '-'."""
    return re.sub(r"[^A-Za-z0-9]", "-", str(cwd))


@dataclass
class RunResult:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    def check(self) -> RunResult:
        if self.returncode != 0:
            raise AssertionError(
                f"claude exited {self.returncode}\nargs: {self.args}\n"
                f"stdout:\n{self.stdout[-3000:]}\nstderr:\n{self.stderr[-3000:]}")
        return self


class ClaudeHome:
    """A temp HOME + project dir for driving the CLI; `base_url` is the model server's."""

    def __init__(self, root: Path, base_url: str, *, binary: Path | None = None,
                 project_name: str = "project") -> None:
        self.root = Path(root)
        self.home = self.root / "home"
        self.project = self.root / project_name
        self.home.mkdir(parents=True, exist_ok=True)
        self.project.mkdir(parents=True, exist_ok=True)
        self.base_url = base_url
        found = binary or claude_bin()
        if found is None:
            raise FileNotFoundError("Claude Code CLI not found (set CCTRACE_CLAUDE_BIN)")
        self.binary = found

    # paths
    @property
    def claude_dir(self) -> Path:
        return self.home / ".claude"

    @property
    def settings_path(self) -> Path:
        return self.claude_dir / "settings.json"

    @property
    def projects_dir(self) -> Path:
        return self.claude_dir / "projects" / project_slug(self.project.resolve())

    def transcript_path(self, session_id: str) -> Path:
        return self.projects_dir / f"{session_id}.jsonl"

    def subagent_files(self, session_id: str) -> list[Path]:
        d = self.projects_dir / session_id / "subagents"
        return sorted(d.iterdir()) if d.is_dir() else []

    # environment
    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items()
                if k in ("PATH", "LANG", "LC_ALL", "TERM", "TMPDIR", "CCTRACE_HOME",
                         "CCTRACE_OTLP_ENDPOINT", "LANGFUSE_BASE_URL", "LANGFUSE_PUBLIC_KEY",
                         "LANGFUSE_SECRET_KEY", "ANTHROPIC_MODEL")}
        env = {
            **keep,
            "HOME": str(self.home),
            "CLAUDE_CONFIG_DIR": str(self.claude_dir),
            "ANTHROPIC_BASE_URL": self.base_url,
            "ANTHROPIC_API_KEY": "sk-ant-test",
            "DISABLE_TELEMETRY": "1",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "DISABLE_AUTOUPDATER": "1",
            "DISABLE_ERROR_REPORTING": "1",
            "IS_SANDBOX": "1",
        }
        env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
        if extra:
            env.update(extra)
        return env

    def run(self, prompt: str, *, session_id: str | None = None, resume: str | None = None,
            allowed_tools: str | None = DEFAULT_ALLOWED_TOOLS, extra_args: Sequence[str] = (),
            env: Mapping[str, str] | None = None, timeout: float = 120,
            output_format: str | None = "stream-json") -> RunResult:
        """One `claude -p PROMPT` run. Pass `session_id` for a new session, `resume` to continue."""
        args = [str(self.binary), "-p", prompt, "--dangerously-skip-permissions"]
        if session_id:
            args += ["--session-id", session_id]
        if resume:
            args += ["--resume", resume]
        if allowed_tools:
            args += ["--allowedTools", allowed_tools]
        if output_format:
            args += ["--output-format", output_format, "--verbose"]
        args += list(extra_args)
        try:
            proc = subprocess.run(args, cwd=self.project, env=self.env(env), capture_output=True,
                                  text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise AssertionError(f"claude timed out after {timeout}s: {args}\n"
                                 f"{(exc.stdout or b'')[-2000:]!r}") from exc
        return RunResult(args, proc.returncode, proc.stdout, proc.stderr)

    # settings / hooks
    def read_settings(self) -> dict[str, Any]:
        try:
            return json.loads(self.settings_path.read_text())
        except FileNotFoundError:
            return {}

    def write_hooks(self, hooks: Mapping[str, Sequence[Mapping[str, Any]]],
                    *, merge: bool = True) -> None:
        """Set `hooks` in the user settings.json (merged with existing entries by event)."""
        settings = self.read_settings()
        current = settings.get("hooks", {}) if merge else {}
        for event, groups in hooks.items():
            current.setdefault(event, []).extend(json.loads(json.dumps(list(groups))))
        settings["hooks"] = current
        self.settings_path.parent.mkdir(parents=True, exist_ok=True)
        self.settings_path.write_text(json.dumps(settings, indent=2))

    def install_recorder(self, out_file: Path, events: Sequence[str] = HOOK_EVENTS_2_1) -> None:
        """Register the payload-recording hook for every event (see `recording_hook_command`)."""
        self.write_hooks({
            ev: [{"matcher": "*" if ev in _MATCHER_EVENTS else "",
                  "hooks": [{"type": "command", "timeout": 30,
                             "command": recording_hook_command(out_file, ev)}]}]
            for ev in events})


_MATCHER_EVENTS = {"PreToolUse", "PostToolUse", "PostToolUseFailure", "PermissionRequest",
                   "PermissionDenied"}

_RECORDER = Path(__file__).with_name("record_hook.py")


def recording_hook_command(out_file: Path, event: str) -> str:
    """Shell command for a hook that appends {"event", "payload"} as one line to `out_file`."""
    return f"{sys.executable} -S {_RECORDER} {event} {out_file}"


def new_session_id() -> str:
    return str(uuid.uuid4())


def copy_session(home: ClaudeHome, session_id: str, dest: Path) -> list[Path]:
    """Copy a session's transcript and its subagent folder, keeping the CLI's relative layout."""
    dest.mkdir(parents=True, exist_ok=True)
    copied = []
    src = home.transcript_path(session_id)
    shutil.copy2(src, dest / src.name)
    copied.append(dest / src.name)
    sub = home.projects_dir / session_id
    if sub.is_dir():
        shutil.copytree(sub, dest / session_id, dirs_exist_ok=True)
        copied.extend(p for p in (dest / session_id).rglob("*") if p.is_file())
    # 2.0.x wrote each subagent (and each "Warmup" pre-call) as agent-*.jsonl beside the
    # session file; keep those whose records belong to this session (a resumed run's
    # Warmup names it on its reply only).
    for agent in sorted(home.projects_dir.glob("agent-*.jsonl")):
        if _belongs_to(agent, session_id):
            shutil.copy2(agent, dest / agent.name)
            copied.append(dest / agent.name)
    return copied


def _belongs_to(path: Path, session_id: str) -> bool:
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("sessionId") == session_id:
                return True
    return False
