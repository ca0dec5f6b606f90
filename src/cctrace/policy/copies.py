"""Files an earlier call filled with a denied file's content, denied in turn.

`cp .env notes.txt`, `cat ~/.ssh/id_rsa > /tmp/k`, `tee`, `mv`, `ln` (a hard link): the
call that read the denied file loses its output, but the copy is an ordinary name, and
the next call (`cat notes.txt`, a `Read` of `/tmp/k`, `cat note*`) would print it.
`Copies` remembers every file a call that reached a denied file wrote, under the rule
that withheld that call, and names that rule for any later call that reads one of them,
by name, by a glob that matches it, or as a folder searched. A background command that
reached a denied file (`run_in_background`) writes its output where Claude Code says
(2.1.x: a `tasks/<id>.output` file the model is told to `Read`) and under an id that
`BashOutput` / `TaskOutput` take, and Claude Code saves a large output of any call to a
file it names (`<persisted-output>`): all of them are copies too. Within one `apply_policy` run (the
turns the worker hands over together) `Copies` remembers them itself; `made` lists what a
run noted for the store, and `earlier` hands back what the store kept of the runs before.
Pure: paths and ids in, rules out.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any

from cctrace.model.content import content_text
from cctrace.policy.bash import bash_files
from cctrace.policy.globs import compile_glob, normalize
from cctrace.policy.inputs import _BUILTIN, _commands, _input_paths

# Copies remembered per run, at most (a run holds a few turns' calls).
MAX_COPIES = 4096
# How `made` and `earlier` name a copy: a file, or the id of a background command's output.
FILE, TASK = "copy:", "copy-task:"
# Claude Code's words, in its result of a call, for where the call's output also went: a
# background command's output file (2.1.x) and id (2.0.x, 2.1.x), and the file it saves a
# large output to (`<persisted-output>`, 2.1.x), which it tells the model to `Read`. Only
# where Claude Code writes them (a background call's result; the first line of a saved
# one) and only its own kinds of file (`tasks/`, `tool-results/`): a denied file's content
# is the attacker's, and could name any file to have its reads withheld.
_OUTPUT_FILE = re.compile(
    r"[Oo]utput is being written to:? (/[^\n]{0,4000}?/tasks/[^\n/]{1,255}?\.output)(?=[\s.,;]|$)")
_SAVED_FILE = re.compile(
    r"<persisted-output>\n[^\n]{0,200}?[Ff]ull output saved to:? "
    r"(/[^\n]{0,4000}?/tool-results/[^\n/]{1,255}?)[ \t]*(?:\n|$)")
_TASK_ID = re.compile(r"in background with ID:? ([\w-]{1,128})")
# The input fields the output tools name a background command by.
_ID_FIELDS = ("bash_id", "task_id", "shell_id")
# How a copy came to be, after the denied file's rule in its marker.
_COPIED, _OUTPUT = " (copied by an earlier call)", " (the output of an earlier call)"
_GLOB = re.compile(r"[*?\[]")


class Copies:
    """Files written by calls that reached a denied file: path (lower case) -> the rule."""

    def __init__(self, home: str, earlier: Mapping[str, str] | None = None) -> None:
        self.home = home
        self.rules: dict[str, str] = {}
        self.folders: dict[str, str] = {}  # every folder above a copy: a search of it
        self.tasks: dict[str, str] = {}  # ids of background commands' output
        self.made: dict[str, str] = {}  # what this run noted: `FILE` + path, `TASK` + id
        for subject, rule in (earlier or {}).items():
            if subject.startswith(FILE):
                self._file(subject[len(FILE):], rule)
            elif subject.startswith(TASK):
                self.tasks.setdefault(subject[len(TASK):], rule)
        self.made.clear()

    def note(self, name: str, tool_input: Any, cwd: str | None, rule: str) -> None:
        """Remember what a withheld call wrote: the write targets of a Bash command, or of
        an MCP tool's command lines (a shell server's `command`)."""
        writes = [w for command in _command_lines(name, tool_input)
                  for w in bash_files(command, cwd).writes]
        for path, at in writes:
            self._file(normalize(path, at, self.home), _named(rule, _COPIED))

    def note_output(self, output: Any, result: Any, rule: str, background: bool) -> None:
        """Remember where else a withheld call's output went: the files and the id
        Claude Code's result names (`output`: the result's text or blocks; `result`: its
        structured fields, `backgroundTaskId`; `background`: the call ran in the
        background, so its result is Claude Code's words only)."""
        named = _named(rule, _OUTPUT)
        text = content_text(output)
        saved = _SAVED_FILE.match(text)
        if saved:
            self._file(normalize(saved.group(1), None, self.home), named)
        if not background:
            return
        ids = _TASK_ID.findall(text)
        if isinstance(result, Mapping) and isinstance(result.get("backgroundTaskId"), str):
            ids.append(result["backgroundTaskId"])
        for path in _OUTPUT_FILE.findall(text):
            self._file(normalize(path, None, self.home), named)
        for task in ids:
            if task not in self.tasks and len(self.tasks) < MAX_COPIES:
                self.tasks[task] = self.made[TASK + task] = named

    def _file(self, full: str, named: str) -> None:
        # Kept in lower case: a file system that ignores case (macOS, Windows) reads
        # `NOTES.txt` as `notes.txt`, and the deny patterns ignore case for that reason too.
        key = full.lower()
        if key.startswith("/") and key not in self.rules and len(self.rules) < MAX_COPIES:
            self.rules[key] = self.made[FILE + full] = named
            folder = key.rsplit("/", 1)[0]  # (`normalize` leaves no trailing `/`)
            while folder and folder not in self.folders:
                self.folders[folder] = named
                folder = folder.rsplit("/", 1)[0]
            self.folders.setdefault("/", named)

    def rule(self, name: str, tool_input: Any, cwd: str | None) -> str | None:
        """The rule of a copy this call reads, if it reads one."""
        if not (self.rules or self.tasks) or not isinstance(tool_input, Mapping):
            return None
        for field in _ID_FIELDS:  # BashOutput, TaskOutput: a background command's output
            task = tool_input.get(field)
            if isinstance(task, str) and task in self.tasks:
                return self.tasks[task]
        paths = [(p, cwd) for p in (_input_paths(tool_input, every_string=name not in _BUILTIN)
                                    or [])] if name != "Bash" else []
        for command in _command_lines(name, tool_input):
            files = bash_files(command, cwd)
            paths += files.reads + files.inside + files.opaque
        for path, at in paths:
            full = normalize(path, at, self.home).lower()
            # The copy, or a folder that holds one (`grep -r x /tmp`, `ls ~`).
            hit = self.rules.get(full) or self.folders.get(full)
            if hit is None and _GLOB.search(full):
                hit = self._glob(full)
            if hit:
                return hit
        return None

    def _glob(self, pattern: str) -> str | None:
        """The rule of a copy (or a folder holding one) a glob the shell expands matches."""
        try:
            glob = compile_glob(pattern, self.home)
        except ValueError:
            return None
        for known in (self.rules, self.folders):
            for path, rule in known.items():
                if glob.matches(path, posixpath.basename(path)):
                    return rule
        return None


def _named(rule: str, how: str) -> str:
    """The rule a copy is denied under: the denied file's, and how the copy came to be
    (a copy of a copy names the first file once)."""
    for suffix in (_COPIED, _OUTPUT):
        rule = rule.removesuffix(suffix)
    return rule + how


def _command_lines(name: str, tool_input: Any) -> list[str]:
    """The command lines of a call: Bash's `command`, an MCP tool's strings that may be
    ones (judged like Bash's by `policy.apply` too)."""
    if not isinstance(tool_input, Mapping):
        return []
    if name == "Bash":
        command = tool_input.get("command")
        return [command] if isinstance(command, str) else []
    return _commands(tool_input) if name not in _BUILTIN else []
