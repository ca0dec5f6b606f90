"""What a tool call's input names: the strings of it that may be files or command lines.

A built-in tool names its files under known keys (`file_path`, `notebook_path`...); an
MCP tool names them as it likes, so every short one-line string of its input counts, and
every string with a blank in it may be a shell server's command line. A `file:` URL under
any key is read as the path a URL parser gives. The walks are bounded (`_WALK_ITEMS`
values, `_WALK_DEPTH` levels): an input past them cannot be cleared, which `_input_paths`
says with None and `policy.apply.decide` turns into a withheld call. Nothing here knows the
deny rules: which of these strings reach a denied file is `policy.reach`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Input fields that name files, for built-in tools and MCP tools alike.
PATH_FIELDS = ("file_path", "notebook_path", "path", "paths", "filePath", "filename",
               "file", "files", "source", "destination", "target", "uri")


def _norm_key(key: Any) -> str:
    return str(key).lower().replace("_", "").replace("-", "")


# PATH_FIELDS and their spellings in MCP servers (`file_path`, `filePath`, `FILE-PATH`...).
_PATH_KEYS = frozenset(_norm_key(k) for k in (
    *PATH_FIELDS, "filepaths", "filenames", "pathname", "fullpath", "absolutepath",
    "relativepath", "dir", "directory", "folder", "src", "dest", "dst", "sources", "targets",
    "notebook", "document", "documentpath", "location"))
# Built-in tools whose input is read by name only (everything else may be an MCP tool).
_BUILTIN = frozenset({"Read", "Write", "Edit", "MultiEdit", "NotebookEdit", "NotebookRead",
                      "Grep", "Glob", "LS", "Bash", "BashOutput", "KillShell", "WebFetch",
                      "WebSearch", "TodoWrite", "Task", "Agent", "ExitPlanMode", "Skill",
                      "ToolSearch", "AskUserQuestion", "SlashCommand"})
# Values looked at, at most, in one tool input (past them it cannot be cleared).
_WALK_ITEMS = 2000
# As deep as a transcript record can hold (transcript.reader.MAX_DEPTH clamps the rest).
_WALK_DEPTH = 64


def _input_paths(tool_input: Mapping[str, Any], every_string: bool) -> list[str] | None:
    """Strings of a tool input that may name files: values under path-like keys at any
    depth (bounded), and with `every_string` any short one-line string value (MCP tools
    name their path arguments as they like). None when the input holds more than the
    bounds let us look at (`{"path": ".env", "pad": [...5000 items]}`): what it names
    cannot be cleared."""
    out: list[str] = []
    stack: list[tuple[Any, bool, int]] = [(tool_input, False, 0)]
    seen = 0
    while stack and seen < _WALK_ITEMS:
        value, under_path, depth = stack.pop()
        seen += 1
        if isinstance(value, str):
            if value[:5].lower() == "file:" and len(value) <= 4096:
                # A file URL under any name (WebFetch's `url`): read with its authority
                # as a folder (`file://~/.ssh/x`) and the way a URL parser reads it.
                raw = value[7:] if value[5:7] == "//" else value[5:]
                out.extend(dict.fromkeys((raw, file_url_path(value))))
            elif (under_path or every_string) and len(value) <= 4096 and "\n" not in value:
                out.append(value)
        elif isinstance(value, (dict, list)) and value and depth >= _WALK_DEPTH:
            return None
        elif isinstance(value, dict):
            stack.extend((v, under_path or _norm_key(k) in _PATH_KEYS, depth + 1)
                         for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, under_path, depth + 1) for v in value)
    return None if stack else out


def file_url_path(url: str) -> str:
    """The path a `file:` URL names, as a client reads it: the scheme in any case, a
    `localhost` (or any) authority, percent-escapes (`FILE://localhost/%2Eenv` is `/.env`)."""
    from urllib.parse import unquote, urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return url[5:]
    host = parts.netloc if parts.netloc.lower() not in ("", "localhost") else ""
    return ("//" + host if host else "") + unquote(parts.path)


def _commands(tool_input: Mapping[str, Any]) -> list[str]:
    """Strings of an MCP tool's input that may be command lines (a shell server's
    `command`, `cmd`, `script`...): every string with a blank in it, within the bounds of
    `_input_paths` (which withholds an input past them)."""
    out: list[str] = []
    stack: list[tuple[Any, int]] = [(tool_input, 0)]
    seen = 0
    while stack and seen < _WALK_ITEMS:
        value, depth = stack.pop()
        seen += 1
        if isinstance(value, str):
            if len(value) <= 4096 and any(c.isspace() for c in value):
                out.append(value)
        elif isinstance(value, dict) and depth < _WALK_DEPTH:
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list) and depth < _WALK_DEPTH:
            stack.extend((v, depth + 1) for v in value)
    return out
