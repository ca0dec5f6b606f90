"""The facts a rule can test about one tool call, extracted once per observation (pure).

`tool_event(obs, trace)` reads a `tool` observation as the model builder shapes it (`name`
= tool name, `input` = tool_input, `output` = the result, `metadata["tool_use_id"]`) and
returns an `Event`: the parsed shell command (see `shell.py`), the paths it reads and
writes (Read/Write/Edit/Grep/Glob inputs, Bash arguments and redirections, `curl -d @file`),
the hosts and URLs it talks to, the content it writes, the text of its output, and the
trace's cwd and permission mode. Paths are canonical: the home directory becomes `~`, and
relative paths are joined to the cwd, so one glob (`~/.ssh/**`) fits every spelling.
"""

from __future__ import annotations

import ipaddress
import json
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from cctrace.model.types import Observation, Trace
from cctrace.redact.cut import cut_text
from cctrace.rules.shell import REDIRECT_OUT, ParsedShell, SimpleCommand, parse_shell

OUTPUT_CHARS = 64 * 1024
_HOME = re.compile(r"^(?:/home/[^/]+|/Users/[^/]+|/root|/var/root|\$HOME|\$\{HOME\}|~[^/]*)"
                   r"(?=/|$)")
_URL = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]{1,15})://(?:[^/@\s'\"]*@)?(\[[0-9a-fA-F:]+\]|"
                  r"[^/:\s'\"?#)]+)")
_HOSTNAME = re.compile(r"^(?=.{3,253}$)(?:[a-zA-Z0-9_](?:[a-zA-Z0-9_-]{0,62}[a-zA-Z0-9])?\.)+"
                       r"[a-zA-Z]{2,63}\.?$")
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_DEV_TCP = re.compile(r"/dev/(?:tcp|udp)/([^/\s]+)/")
_SCP = re.compile(r"^(?:[^@\s/]+@)?([A-Za-z0-9_.-]+\.[A-Za-z]{2,}|\d{1,3}(?:\.\d{1,3}){3}):")
_SOCAT = re.compile(r"^(?:TCP|TCP4|TCP6|UDP|UDP4|UDP6|OPENSSL|SSL|TCP-CONNECT):([^:,]+):",
                    re.I)
# Commands whose bare host arguments mean network traffic.
NET_COMMANDS = frozenset({
    "curl", "wget", "nc", "ncat", "netcat", "socat", "scp", "sftp", "rsync", "ftp", "tftp",
    "telnet", "ssh", "http", "https", "xh", "aria2c", "dig", "nslookup", "host", "drill",
    "openssl", "ping", "git", "lftp", "smbclient", "ncftp", "mosquitto_pub", "sendmail",
    "mail", "mutt", "s3cmd", "aws", "gsutil", "rclone", "axel", "fetch", "lwp-request", "whois",
})
# Commands that print their arguments: those are data, not files.
_NOT_PATHS = frozenset({"echo", "printf", "grep", "egrep", "fgrep", "rg", "ag", "sed", "awk",
                        "jq", "yq", "git", "gh", "npm", "pip", "pip3", "uv", "cargo", "go",
                        "make", "pytest", "node", "python", "python3", "docker", "kubectl",
                        "test", "[", "[["})
_GIT_PATH_SUBCOMMANDS = frozenset({"add", "rm", "mv", "checkout", "restore", "diff", "show",
                                   "log", "blame"})
_WRITERS = frozenset({"tee", "touch", "truncate", "rm", "rmdir", "shred", "chmod", "chown",
                      "mkdir", "ln", "unlink", "dd", "sponge"})
_COPIERS = frozenset({"cp", "mv", "install", "rsync", "scp", "ln"})
_PATH_INPUT_KEYS = ("file_path", "path", "notebook_path", "filePath", "directory")
_CONTENT_KEYS = ("content", "new_string", "new_source", "edits", "text")


@dataclass
class Event:
    """What one tool call did, in the terms rules test."""

    tool: str
    tool_input: dict[str, Any]
    output: str = ""
    command: str = ""
    shell: ParsedShell = field(default_factory=ParsedShell)
    reads: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    content: str = ""
    input_text: str = ""
    cwd: str | None = None
    permission_mode: str | None = None
    branch: str | None = None
    is_error: bool = False
    session_id: str | None = None
    trace_id: str | None = None
    observation_id: str | None = None
    tool_use_id: str | None = None
    time_ns: int = 0
    # Per simple command: canonical path arguments and hosts (filled lazily by the engine).
    cmd_paths: dict[int, list[str]] = field(default_factory=dict)
    cmd_writes: dict[int, list[str]] = field(default_factory=dict)
    cmd_hosts: dict[int, list[str]] = field(default_factory=dict)
    # Per-text prefilter answers (rules.prefilter.Scanner), shared by the rules.
    memo: dict[int, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def paths(self) -> list[str]:
        return self.reads + self.writes

    @property
    def evidence(self) -> str:
        if self.command:
            return _short(self.command)
        for key in ("url", "file_path", "path", "notebook_path", "pattern", "query"):
            value = self.tool_input.get(key)
            if isinstance(value, str) and value:
                return _short(value)
        return self.tool


def _short(text: str, limit: int = 300) -> str:
    return cut_text(" ".join(text.split()), limit, "...")


def text_of(value: Any, limit: int = OUTPUT_CHARS, depth: int = 0) -> str:
    """The text of a tool result (string, content blocks, or structured JSON)."""
    if value is None or depth > 8:
        return ""
    if isinstance(value, str):
        return cut_text(value, limit)
    if isinstance(value, list):
        parts = []
        for block in value:
            if isinstance(block, dict):
                if isinstance(block.get("text"), str):
                    parts.append(block["text"])
                elif isinstance(block.get("content"), (str, list)):
                    parts.append(text_of(block["content"], limit, depth + 1))
            elif isinstance(block, str):
                parts.append(block)
        return cut_text("\n".join(parts), limit)
    try:
        return cut_text(json.dumps(value, ensure_ascii=False), limit)
    except (TypeError, ValueError, RecursionError):
        return ""


def canonical_path(path: str, cwd: str | None) -> str:
    """Home as `~`, relative joined to cwd, `..` folded; no file system access."""
    path = path.strip().strip("'\"")
    if not path:
        return path
    m = _HOME.match(path)
    if m:
        path = "~" + path[m.end():]
    elif not path.startswith("/") and cwd:
        base = cwd
        mb = _HOME.match(base)
        if mb:
            base = "~" + base[mb.end():]
        path = posixpath.join(base, path)
    if path.startswith("~"):
        rest = posixpath.normpath("/" + path[1:].lstrip("/"))
        return "~" + (rest if rest != "/" else "")
    return posixpath.normpath(path) if path.startswith("/") else path


def host_of(text: str) -> str | None:
    text = text.strip().strip("'\"").rstrip(".").lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if not text:
        return None
    return text


def is_local_host(host: str) -> bool:
    """Loopback, private and link-local addresses, and names that only resolve locally."""
    if host in ("localhost", "localhost.localdomain", "0.0.0.0", "ip6-localhost",
                "host.docker.internal"):
        return True
    if host.endswith((".localhost", ".local", ".internal", ".lan", ".home.arpa")):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified


def _hosts_in_text(text: str) -> list[tuple[str, str]]:
    """(url, host) pairs in free text."""
    out = []
    for m in _URL.finditer(text):
        host = host_of(m.group(2))
        if host and m.group(1).lower() not in ("file", "data", "about", "chrome"):
            out.append((m.group(0), host))
    return out


def command_hosts(cmd: SimpleCommand) -> list[str]:
    """Hosts one simple command talks to (URLs anywhere; bare hosts for network tools)."""
    hosts: list[str] = []
    for arg in cmd.args:
        for _, host in _hosts_in_text(arg):
            hosts.append(host)
    for _op, target in cmd.redirects:
        m = _DEV_TCP.search(target)
        if m:
            hosts.append(m.group(1).lower())
    if cmd.name in NET_COMMANDS:
        args = cmd.args
        if cmd.name == "git":
            sub = next((a for a in args if not a.startswith("-")), "")
            if sub not in ("push", "clone", "fetch", "pull", "remote", "ls-remote", "submodule"):
                return hosts
        for arg in args:
            if arg.startswith("-") or "://" in arg:
                continue
            word = arg.split("@", 1)[1] if "@" in arg and cmd.name != "curl" else arg
            m = _SCP.match(arg) or _SOCAT.match(arg)
            if m:
                hosts.append(m.group(1).lower())
                continue
            word = word.split(":", 1)[0].split("/", 1)[0]
            if _IPV4.match(word) or (_HOSTNAME.match(word) and not _looks_like_file(word)):
                hosts.append(word.lower().rstrip("."))
    return hosts


_FILE_EXT = re.compile(r"\.(?:txt|json|ya?ml|toml|py|js|ts|sh|md|log|csv|tar|gz|tgz|zip|"
                       r"env|pem|key|crt|html|xml|conf|cfg|ini|lock|whl|so|bin|out|sql|db)$",
                       re.I)


def _looks_like_file(word: str) -> bool:
    return bool(_FILE_EXT.search(word))


def command_paths(cmd: SimpleCommand, cwd: str | None) -> tuple[list[str], list[str]]:
    """(reads, writes) of one simple command, canonical."""
    reads: list[str] = []
    writes: list[str] = []
    for op, target in cmd.redirects:
        if op in REDIRECT_OUT and target and not target.isdigit() and target != "-":
            writes.append(canonical_path(target, cwd))
        elif op in ("<", "<>") and target:
            reads.append(canonical_path(target, cwd))
    name, args = cmd.name, cmd.args
    if not name:
        return reads, writes
    positional: list[str] = []
    for arg in args:
        if arg.startswith("@") and len(arg) > 1:
            reads.append(canonical_path(arg[1:], cwd))  # curl -d @file, -F x=@file
            continue
        if "=@" in arg:
            reads.append(canonical_path(arg.split("=@", 1)[1].split(";", 1)[0], cwd))
            continue
        if arg.startswith("-"):
            if "=" in arg and name not in _NOT_PATHS:
                value = arg.split("=", 1)[1]
                if value.startswith(("/", "~", ".")):
                    reads.append(canonical_path(value, cwd))
            continue
        if "://" in arg or arg == "__subst__" or "\n" in arg or (
                any(ch.isspace() for ch in arg) and not arg.startswith(("/", "~", "./"))):
            continue
        positional.append(arg)
    if name in _NOT_PATHS:
        if name == "git" and positional and positional[0] in _GIT_PATH_SUBCOMMANDS:
            reads.extend(canonical_path(a, cwd) for a in positional[1:])
        elif name in ("grep", "egrep", "fgrep", "rg", "ag", "sed", "awk", "jq", "yq"):
            # The first positional is the pattern/program unless -e/-f gave it.
            given = any(a in ("-e", "-f", "--regexp", "--file") for a in args)
            files = positional if given else positional[1:]
            target = writes if name == "sed" and any(a.startswith("-i") for a in args) else reads
            target.extend(canonical_path(a, cwd) for a in files)
        return reads, writes
    if name in _WRITERS:
        writes.extend(canonical_path(a, cwd) for a in positional)
        if name == "dd":
            for a in args:
                if a.startswith("of="):
                    writes.append(canonical_path(a[3:], cwd))
                elif a.startswith("if="):
                    reads.append(canonical_path(a[3:], cwd))
        return reads, writes
    if name in _COPIERS and len(positional) >= 2:
        reads.extend(canonical_path(a, cwd) for a in positional[:-1] if not _SCP.match(a))
        if not _SCP.match(positional[-1]):
            writes.append(canonical_path(positional[-1], cwd))
        return reads, writes
    if name in ("crontab",) and positional:
        reads.extend(canonical_path(a, cwd) for a in positional)
        return reads, writes
    reads.extend(canonical_path(a, cwd) for a in positional if not _SCP.match(a))
    return reads, writes


def _strings(value: Any, out: list[str], depth: int = 0) -> None:
    if depth > 6:
        return
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, out, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out, depth + 1)


def own_notice(obs: Observation) -> bool:
    """Whether the result is Claude Code's own "Async agent launched..." notice (a background
    subagent started; its words arrive later, in their own turn). The builder marks it from
    the structured `toolUseResult` Claude Code writes, not from the text, so a subagent
    cannot earn it by quoting the notice; its instructions to the model ("do not mention to
    user") are Claude Code's, not a file's or a page's."""
    return obs.name in ("Task", "Agent") and obs.metadata.get("async") is True


def tool_event(obs: Observation, trace: Trace | None = None) -> Event:
    """The rule-testable facts of one tool observation."""
    meta = trace.metadata if trace is not None else {}
    cwd = meta.get("cwd") if isinstance(meta.get("cwd"), str) else None
    tool_input = obs.input if isinstance(obs.input, dict) else {}
    ev = Event(
        tool=obs.name,
        tool_input=tool_input,
        output="" if own_notice(obs) else text_of(obs.output),
        cwd=cwd,
        permission_mode=meta.get("permission_mode") if isinstance(
            meta.get("permission_mode"), str) else None,
        branch=meta.get("git_branch") if isinstance(meta.get("git_branch"), str) else None,
        is_error=obs.level == "ERROR",
        session_id=trace.session_id if trace is not None else None,
        trace_id=obs.trace_id,
        observation_id=obs.id,
        tool_use_id=obs.metadata.get("tool_use_id") if isinstance(
            obs.metadata.get("tool_use_id"), str) else None,
        time_ns=obs.start_ns,
    )
    strings: list[str] = []
    _strings(tool_input, strings)
    ev.input_text = "\n".join(strings)
    for key in _PATH_INPUT_KEYS:
        value = tool_input.get(key)
        if isinstance(value, str) and value:
            target = ev.writes if obs.name in ("Write", "Edit", "MultiEdit", "NotebookEdit") \
                else ev.reads
            target.append(canonical_path(value, cwd))
    if obs.name == "Glob" and isinstance(tool_input.get("pattern"), str):
        base = tool_input.get("path") if isinstance(tool_input.get("path"), str) else cwd
        pattern = tool_input["pattern"]
        ev.reads.append(canonical_path(posixpath.join(base or "", pattern), cwd))
        # `**/id_rsa` under ~/.ssh names ~/.ssh/id_rsa too: test the plain name as a path.
        ev.reads.append(canonical_path(posixpath.join(base or "", posixpath.basename(pattern)),
                                       cwd))
    content: list[str] = []
    for key in _CONTENT_KEYS:
        _strings(tool_input.get(key), content)
    ev.content = "\n".join(content)
    command = tool_input.get("command")
    if isinstance(command, str) and command.strip():
        ev.command = command
        ev.shell = parse_shell(command)
        for i, cmd in enumerate(ev.shell.commands):
            reads, writes = command_paths(cmd, cwd)
            ev.reads.extend(reads)
            ev.writes.extend(writes)
            ev.cmd_paths[i] = reads
            ev.cmd_writes[i] = writes
            hosts = command_hosts(cmd)
            ev.cmd_hosts[i] = hosts
            ev.hosts.extend(hosts)
        for _, program in ev.shell.code:
            for url, host in _hosts_in_text(program):
                ev.urls.append(url)
                ev.hosts.append(host)
        for text in ev.shell.texts:
            ev.urls.extend(url for url, _ in _hosts_in_text(text))
        ev.content = "\n".join([ev.content, *ev.shell.heredocs]) if ev.shell.heredocs \
            else ev.content
    url = tool_input.get("url")
    if isinstance(url, str):
        ev.urls.append(url)
        ev.hosts.extend(h for _, h in _hosts_in_text(url))
    elif obs.name.startswith("mcp__"):
        for text in strings:
            for u, h in _hosts_in_text(text):
                ev.urls.append(u)
                ev.hosts.append(h)
    ev.hosts = list(dict.fromkeys(ev.hosts))
    return ev
