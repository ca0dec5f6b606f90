"""The words a shell makes of a command's text before a command sees them.

`policy.bash` judges the words of a command as paths; the shell builds many of those words
out of pieces a plain tokenizer does not join: a command or process substitution glued to
a path (`$(pwd)/.env`, `$(git rev-parse --show-toplevel)/.env`, `diff <(echo) .env`,
where the parentheses would otherwise split the word and make its path look like a
command name), a parameter with a default (`${UNSET:-.env}`), a variable assigned earlier
in the same command (`x=nv; cat .e$x`) and a file argument given as `@file` (`curl -d
@.env`). This module owns those expansions: `lift` cuts substitutions out (their bodies
are judged on their own) and leaves one placeholder word in their place, `Variables`
remembers plain assignments and applies them, `names` lists the forms in which a word may
name a file (itself, after `=`, after `host:` or `REV:`), and `variants` what else it may
name: its defaults, its `@file`, and a path behind an unknown leading folder (a
substitution or an unset variable) tried in the working folder, the home folder and the
root. What no static look can know, `Variables.computed` names: a variable the command
sets at run time (`read`, `mapfile`, `printf -v`), a positional parameter, an operator
applied to a value (`${f#x}`, `${f,,}`, `${a[@]}`, `${!ref}`), or, for a command that
prints the files it is given, a variable from the environment (`cat $CREDS_FILE`).
`expand_braces` does the shell's brace expansion, `heredocs` cuts heredoc bodies out of a
command (each is judged as the script of the command it is fed to). Over-reporting costs a
withheld output; under-reporting leaks a file.
"""

from __future__ import annotations

import re

from cctrace.policy.globs import _expand_braces
from cctrace.rules.shellwords import expand_vars, substitutions

# What a lifted substitution leaves in its word (`rules.shellwords` writes it).
PLACEHOLDER = "__subst__"
# `${NAME:-word}`, `${NAME-word}`, `${NAME:=word}`, `${NAME+word}`...: the word may be used.
_DEFAULT = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=+?]([^{}]*)\}")
# A word that starts with a folder only the running shell knows (`__subst__/x`, `$D/x`).
_UNKNOWN_HEAD = re.compile(r"^(?:" + PLACEHOLDER + r"|\$[A-Za-z_][A-Za-z0-9_]*"
                           r"|\$\{[A-Za-z_][A-Za-z0-9_]*\})/+(.+)$")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NAME_VALUE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.DOTALL)
# Builtins whose arguments are assignments (`export X=.env`, `declare -r X=.env`).
_DECLARERS = frozenset({"export", "declare", "typeset", "local", "readonly"})
# Variables remembered per command (a command can hold no more than this many that matter).
_MAX_VARIABLES = 64
# `<<EOF`, `<<-EOF`, `<< 'EOF'`, `<<"EOF"`, `<<\EOF` (not `<<<`, a here-string).
_HEREDOC = re.compile(r"(?<!<)<<(-?)[ \t]*(?:'([^'\n]*)'|\"([^\"\n]*)\"|\\?([\w.@%+-]+))")
# Every parameter expansion: `${!name...}`, `${#name}`, `${name<operator>}`, `$name`, `$1`.
_EXPANSION = re.compile(r"\$(?:\{([!#]?)([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*])([^}]*)\}"
                        r"|([A-Za-z_][A-Za-z0-9_]*|[0-9@*]))")
# The operators `variants` fills in (`${X:-.env}`: the default is judged as a path).
_DEFAULT_OP = re.compile(r":?[-=+?]")
# Builtins that set variables to what they read (`read f`, `mapfile -t a`, `printf -v f`).
_BINDERS = frozenset({"read", "mapfile", "readarray", "getopts", "printf"})
# Options whose value is a pattern or a program (`grep -e "$P"`, `sed -e`, `docker -e`).
_PATTERN_OPTS = frozenset({"-e", "--regexp", "--expression"})
# Loops whose variable takes the loop's own words, which are judged as paths.
_LOOPS = frozenset({"for", "select"})
# Environment variables naming a folder (a path behind one is tried in the home folder,
# the working folder and the root) or an account: never a file to print by themselves.
_FOLDER_ENV = frozenset({"HOME", "PWD", "OLDPWD", "TMPDIR", "TMP", "TEMP", "USER", "LOGNAME",
                         "CLAUDE_PROJECT_DIR", "VIRTUAL_ENV", "CONDA_PREFIX", "GOPATH",
                         "XDG_RUNTIME_DIR", "RUNNER_TEMP", "GITHUB_WORKSPACE"})
# Builtins that never open a file their arguments name.
_NO_FILES = frozenset({"echo", "printf", "test", "[", "[[", "true", "false", ":", "exit",
                       "return", "shift", "sleep", "kill", "wait", "unset", "export", "local",
                       "declare", "typeset", "readonly", "let", "set", "read", "mapfile",
                       "readarray", "getopts", "popd", "case"})


def heredocs(command: str) -> tuple[str, list[tuple[str, str]]]:
    """The command without its heredoc bodies, and each body with the text of the line
    that introduced it. An unterminated heredoc is left in place (parsed as commands)."""
    if "<<" not in command:
        return command, []
    lines = command.split("\n")
    out: list[str] = []
    bodies: list[tuple[str, str]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        ops = [m for m in _HEREDOC.finditer(line) if not line[m.end():m.end() + 1] == "<"]
        if not ops:
            continue
        j = i
        found: list[tuple[str, str]] = []
        for op in ops:
            delim = op.group(2) if op.group(2) is not None else (
                op.group(3) if op.group(3) is not None else op.group(4))
            strip_tabs = op.group(1) == "-"
            body: list[str] = []
            while j < len(lines):
                candidate = lines[j].lstrip("\t") if strip_tabs else lines[j]
                j += 1
                if candidate == delim:
                    break
                body.append(lines[j - 1])
            else:
                found = []  # unterminated: not a heredoc we understand
                break
            found.append((line, "\n".join(body)))
        if found:
            bodies.extend(found)
            i = j
    return "\n".join(out), bodies


def expand_braces(words: list[str]) -> list[str]:
    """Brace expansion as the shell does it (`{cat,.env}` is `cat .env`), bounded."""
    out: list[str] = []
    for word in words:
        if "{" in word and "," in word and "}" in word and len(out) < 512:
            out.extend(_expand_braces(word)[:32])
        else:
            out.append(word)
    return out


def lift(command: str) -> tuple[str, list[str]]:
    """The command with every `$(...)`, backtick, `<(...)` and `>(...)` replaced by
    `PLACEHOLDER` (one word with what surrounds it), and the bodies cut out."""
    text, inner = substitutions(command)
    return text, [body for _, body in inner]


def names(word: str) -> list[str]:
    """The ways a word can name a file: itself, after `=`, after `host:` or `REV:`, and
    its `variants`."""
    out = [word]
    if "=" in word:
        out.append(word.split("=", 1)[1])
    if ":" in word and not word.startswith(("http://", "https://")):
        out.append(word.rsplit(":", 1)[1])
    out.extend(v for w in list(out) for v in variants(w))  # ${X:-.env}, @.env
    return [w for w in out if w and w not in ("-", "--")]


def variants(word: str) -> list[str]:
    """What else `word` may name once the shell has expanded it (not the word itself)."""
    out: list[str] = []
    if "${" in word:
        filled = _DEFAULT.sub(lambda m: m.group(1), word)
        if filled != word:
            out.append(filled)
    for w in [word, *out]:
        if w.startswith("@") and len(w) > 1:
            out.append(w[1:])  # curl -d @file, a compiler's @response-file
        m = _UNKNOWN_HEAD.match(w)
        if m:
            rest = m.group(1)
            out.extend((rest, "~/" + rest, "/" + rest))
    return out


class Variables:
    """Plain assignments seen so far in one command line (`x=nv`, `export X=.env`)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.bound: set[str] = set()  # loop variables: they take judged words
        self.runtime: set[str] = set()  # set to what a command read at run time

    def note(self, words: list[str]) -> None:
        """Remember the assignments of a simple command made only of assignments (or of a
        declaring builtin and its assignments)."""
        if len(words) > 2 and words[0] in _LOOPS and words[2] == "in":
            self.bound.add(words[1])
        for i, word in enumerate(words):
            if word in _BINDERS and (word != "printf" or "-v" in words[i + 1:i + 2]):
                self.runtime.update(w for w in words[i + 1:] if _NAME.fullmatch(w))
                return
        rest = words[1:] if words and words[0] in _DECLARERS else words
        pairs = [_NAME_VALUE.match(w) for w in rest if not w.startswith("-")]
        if not pairs or not all(pairs):
            return
        for m in pairs:
            if m and (m.group(1) in self.values or len(self.values) < _MAX_VARIABLES):
                self.values[m.group(1)] = m.group(2)

    def expand(self, words: list[str]) -> list[str]:
        """`words` with `$NAME` / `${NAME}` of remembered variables replaced."""
        if not self.values:
            return words
        return [expand_vars(w, self.values) for w in words]

    def computed(self, words: list[str], start: int, kind: str, pattern: bool) -> str:
        """Why an argument of this simple command (its command word at `start`, after
        `expand`) names a file no static look can know; "" when none does. `kind`:
        "prints" for a command that prints the files it is given (then a variable of the
        environment in a file name counts too), "lists" for one that prints only names
        (only a `<` redirect's source counts, as for builtins that open no file).
        `pattern`: the first positional argument is a pattern."""
        if start >= len(words):
            return ""
        ignored = words[start] in _NO_FILES or kind == "lists"
        for i, word in enumerate(words[start + 1:], start + 1):
            if pattern and not word.startswith("-"):
                pattern = False
                continue
            if "$" not in word or any(ch.isspace() for ch in word) or "://" in word or (
                    words[i - 1] in _PATTERN_OPTS):
                continue  # a phrase is scanned as a script; a URL or a pattern is no file
            source = words[i - 1] in ("<", "<>")  # a redirect's: any command prints it
            if ignored and not source:
                continue
            reads = kind == "prints" or source
            for m in _EXPANSION.finditer(word):
                flag, name, op, plain = m.groups()
                name = name or plain
                # A default form stands for an unknown value's default (judged by
                # `variants`); of a value set in the command, `expand` did not fill it.
                if flag == "!" or name[0].isdigit() or name in "@*" or (op and (
                        not _DEFAULT_OP.match(op) or name in self.values)):
                    return "a parameter expanded at run time"
                if name in self.runtime:
                    return "a variable set at run time"
                # Behind a folder variable the rest is judged (`$LOGS/app.log`); a
                # variable in the file's own name is not.
                if reads and flag != "#" and "/" not in word[m.end():] and not (
                        name in self.values or name in self.bound or name in _FOLDER_ENV):
                    return "a variable of the environment"
        return ""
