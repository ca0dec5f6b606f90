"""Files an earlier call filled with a denied file's content, denied in turn.

`cp .env notes.txt`, `cat ~/.ssh/id_rsa > /tmp/k`, `tee`, `mv`, `ln` (a hard link): the
call that read the denied file loses its output, but the copy is an ordinary name, and
the next call (`cat notes.txt`, a `Read` of `/tmp/k`) would print it. `Copies` remembers
every file a call that reached a denied file wrote, under the rule that withheld that
call, and names that rule for a later call that reads one of them: in the same
`apply_policy` run (the turns the worker hands over together) from memory, in a later
run through `earlier`, what the store kept of the runs before (`made`: keyed hashes of
the copies' paths and of the folders above them, never the paths; `hasher` is the
store's). Pure: paths and hashes in, rules out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from cctrace.policy.bash import bash_files
from cctrace.policy.globs import normalize
from cctrace.policy.inputs import _BUILTIN, _commands, _input_paths

# Copies remembered per run, at most (a run holds a few turns' calls).
MAX_COPIES = 4096
# What the store keys a copy by: the file, or a folder above one (`grep -r x /tmp`).
FILE, FOLDER = "copy:", "copy-folder:"


class Copies:
    """Files written by calls that reached a denied file: path -> the rule."""

    def __init__(self, home: str, earlier: Mapping[str, str] | None = None,
                 hasher: Callable[[str], str] | None = None) -> None:
        self.home = home
        self.rules: dict[str, str] = {}
        self.folders: dict[str, str] = {}  # every folder above a copy: a search of it
        # Copies of earlier runs: keyed hash of `FILE`/`FOLDER` + path -> rule.
        self.earlier = earlier if earlier is not None and hasher is not None else {}
        self.hasher = hasher

    @property
    def made(self) -> dict[str, str]:
        """What this run noted, for the store: `FILE`/`FOLDER` + path -> rule."""
        return {**{FILE + p: r for p, r in self.rules.items()},
                **{FOLDER + p: r for p, r in self.folders.items()}}

    def note(self, name: str, tool_input: Any, cwd: str | None, rule: str) -> None:
        """Remember what a withheld call wrote: the write targets of a Bash command, or of
        an MCP tool's command lines (a shell server's `command`)."""
        writes = [w for command in _command_lines(name, tool_input)
                  for w in bash_files(command, cwd).writes]
        for path, at in writes:
            full = normalize(path, at, self.home)
            if full.startswith("/") and len(self.rules) < MAX_COPIES:
                named = self.rules.setdefault(full, f"{rule} (copied by an earlier call)")
                folder = full.rstrip("/").rsplit("/", 1)[0]
                while folder and folder not in self.folders:
                    self.folders[folder] = named
                    folder = folder.rsplit("/", 1)[0]
                self.folders.setdefault("/", named)

    def rule(self, name: str, tool_input: Any, cwd: str | None) -> str | None:
        """The rule of a copy this call reads, if it reads one."""
        if not (self.rules or self.earlier) or not isinstance(tool_input, Mapping):
            return None
        paths = [(p, cwd) for p in (_input_paths(tool_input, every_string=name not in _BUILTIN)
                                    or [])] if name != "Bash" else []
        for command in _command_lines(name, tool_input):
            files = bash_files(command, cwd)
            paths += files.reads + files.inside + files.opaque
        for path, at in paths:
            full = normalize(path, at, self.home)
            # The copy, or a folder that holds one (`grep -r x /tmp`, `ls ~`).
            folder = full.rstrip("/") or "/"
            hit = self.rules.get(full) or self.folders.get(folder)
            if not hit and self.earlier and self.hasher is not None:
                hit = (self.earlier.get(self.hasher(FILE + full))
                       or self.earlier.get(self.hasher(FOLDER + folder)))
            if hit:
                return hit
        return None


def _command_lines(name: str, tool_input: Any) -> list[str]:
    """The command lines of a call: Bash's `command`, an MCP tool's strings that may be
    ones (judged like Bash's by `policy.apply` too)."""
    if not isinstance(tool_input, Mapping):
        return []
    if name == "Bash":
        command = tool_input.get("command")
        return [command] if isinstance(command, str) else []
    return _commands(tool_input) if name not in _BUILTIN else []
