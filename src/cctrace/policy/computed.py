"""Bash commands whose read target is computed at run time, so no static look can name it.

`bash.py` follows every path a command spells, however it is quoted, split or globbed. A
name the running shell or an interpreter computes is out of its reach: `cat "$(printf
'.%s' npmrc)"`, `f=$(echo .npm; echo rc); cat $f`, `base64 -d <<< ... | sh`, `eval "$x"`,
`python -c "print(open('.'+'env').read())"`. The guide's rule is to withhold by structure
what cannot be attributed, so `computed_reason(command)` names why a command is such a
case (None when it is not):
- a command substitution (`$(...)`, backticks) whose inner command is not one of the few
  pure ones (`PURE`: `pwd`, `date`, `git rev-parse`..., whose output is a folder or a
  value, never a file's name to be read), except a heredoc given as a git or gh message
  (`git commit -m "$(cat <<'EOF' ...)"`, how Claude Code commits); a process substitution
  `<(...)` is content, not a name, and is judged by what is inside it;
- `eval` or `source`/`.` of anything but plain words;
- a script piped into a shell or an interpreter (`... | sh`, `| python3`) from anything
  but `echo`/`printf`/`cat` of literal text (which `bash.py` parses as the script);
- an interpreter program (`-c`, `-e`, heredoc, here-string) that opens a file or runs a
  command with an argument other than one plain string literal.
`computed_rule(command, policy)` is what `apply._command_rule` calls last, for a command
no path rule withheld: the rule naming the reason, when the policy has deny patterns (the
promise that a denied path's content is never captured) and `capture.computed_paths` is
on (the default). Pure: text in, reason out.
"""

from __future__ import annotations

import re
from typing import Any

# Commands whose output, used as part of a word, names no file to be read: folders (the
# path rules try a path behind them in the working, home and root folders), dates, ids.
PURE = frozenset({"pwd", "date", "whoami", "hostname", "uname", "id", "nproc", "basename",
                  "dirname", "realpath", "mktemp", "seq", "true", "false", "arch", "tty",
                  "logname", "getconf", "uptime"})
# `git SUB` forms that print a revision, a branch or a folder.
PURE_GIT = frozenset({"rev-parse", "branch", "describe", "merge-base", "symbolic-ref",
                      "rev-list", "log"})
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "fish", "source", "."})
_INTERPRETERS = frozenset({"python", "python3", "python2", "node", "perl", "ruby", "php",
                           "deno", "bun", "lua", "Rscript", "osascript", "awk", "gawk"})
_LITERAL_PRODUCERS = frozenset({"echo", "printf", "cat"})
# A call that opens a file or runs a command, in the usual script languages.
_OPENS = re.compile(
    r"(?:\bopen|\bio\.open|\bread_text|\bread_bytes|\bPath|\breadFileSync|\breadFile|"
    r"\bcreateReadStream|\bfopen|\bfile_get_contents|\bFile\.(?:read|open|readlines)|"
    r"\bIO\.(?:read|readlines)|\bslurp|\bsystem|\bpopen|\bexec[lv]?p?e?|\bspawn(?:Sync)?|"
    r"\bexecSync|\bsubprocess\.\w+|\bos\.system|\bgetline|\bcheck_output|\brun)\s*\(\s*")
# An argument that is one plain string literal, whole: `'notes.txt')` or `"a.txt",`.
_PLAIN_ARG = re.compile(r"""(?:'[^'\\+%{}$`]*'|"[^"\\+%{}$`]*")\s*[,)]""")
# `eval`, `source` and `.` in command position (not `find . -name`).
_EVAL = re.compile(r"(?:^|[;&|(\n])\s*(?:(?:sudo|env|exec|command|builtin)\s+)*"
                   r"(?:eval|source|\.)\s+([^;&|\n]*)")
_PIPE_TO = re.compile(r"\|\s*(?:(?:sudo|env|exec|command|nohup)\s+)*([\w./-]+)")


def _substitutions(command: str) -> list[tuple[str, str]]:
    """(kind, inner text) of the outer `$(...)` and backtick substitutions (kind `$`) and
    `<(...)`, `>(...)` process substitutions (kind `<`)."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(command)
    quote = ""
    while i < n:
        c = command[i]
        if quote == "'":
            quote = "" if c == "'" else quote
            i += 1
            continue
        if c == "\\":
            i += 2
            continue
        if c == "'" and not quote:
            quote = "'"
        elif c == '"':
            quote = "" if quote == '"' else '"'
        elif c == "`":
            end = command.find("`", i + 1)
            out.append(("$", command[i + 1:] if end < 0 else command[i + 1:end]))
            i = n if end < 0 else end + 1
            continue
        elif c in "$<>" and command[i + 1:i + 2] == "(" and command[i + 2:i + 3] != "(":
            depth, j = 1, i + 2
            while j < n and depth:
                depth += {"(": 1, ")": -1}.get(command[j], 0)
                j += 1
            out.append(("$" if c == "$" else "<", command[i + 2:j - 1 if not depth else j]))
            i = j
            continue
        i += 1
    return out


def _pure(inner: str) -> bool:
    """Whether a substitution's command prints no file's name or content."""
    words = inner.split()
    if not words or any(ch in inner for ch in "|;&<>`$\n"):
        return False
    if words[0] == "git":
        return len(words) > 1 and words[1] in PURE_GIT
    return words[0] in PURE


def _message(command: str, inner: str) -> bool:
    """`git commit -m "$(cat <<'EOF' ... EOF)"` and `gh pr create --body "$(cat <<EOF...)"`:
    Claude Code's own way to pass a message, a heredoc's literal text as an option's value
    of git or gh (a file name is no such value)."""
    if not re.match(r"cat\s+<<-?\s*['\"]?\w+['\"]?\s*\n", inner.lstrip()):
        return False
    head = command[:command.find(inner)]
    return bool(re.search(r"(?:^|[;&|(\n])\s*(?:git|gh)\s[^;&|\n]*?\s(?:-m|--message|"
                          r"--body|--title|-b|-t|--notes)[ =]\s*\"?\$\($", head))


def _program_texts(command: str) -> list[str]:
    """Program texts given to an interpreter: `-c`/`-e` arguments, heredoc bodies and
    here-strings (a rough cut: quoted text after the option or the operator)."""
    texts = re.findall(r"""\s-[A-Za-z]{0,8}[ceEr]\s+(?:'([^']*)'|"((?:\\.|[^"\\])*)")""",
                       command)
    out = [a or b for a, b in texts]
    out += re.findall(r"<<-?\s*['\"]?(\w+)['\"]?\n(.*?)\n\1", command, re.S) and [
        body for _, body in re.findall(r"<<-?\s*['\"]?(\w+)['\"]?\n(.*?)\n\1", command,
                                       re.S)]
    out += [a or b for a, b in re.findall(r"""<<<\s*(?:'([^']*)'|"((?:\\.|[^"\\])*)")""",
                                          command)]
    return out


def _interpreter_computes(command: str) -> bool:
    words = set(re.findall(r"(?:^|[\s|;&(/])([\w.]+)(?=\s)", command))
    if not words & _INTERPRETERS:
        return False
    for text in _program_texts(command):
        for m in _OPENS.finditer(text):
            rest = text[m.end():]
            if rest.startswith(")"):
                continue  # `open()` of nothing, `run()`: no name
            if not _PLAIN_ARG.match(rest):
                return True
    return False


def computed_reason(command: str) -> str | None:
    """Why the file `command` reads cannot be worked out statically (None: it can)."""
    for kind, inner in _substitutions(command):
        if kind == "<":  # `<(...)`, `>(...)`: its output is content `bash.py` judges
            why = computed_reason(inner)
            if why:
                return why
        elif not _pure(inner.strip()) and not _message(command, inner):
            return "command substitution"
    for m in _EVAL.finditer(command):
        # A literal script is parsed by `bash.py`; a variable or substitution is not.
        if "$" in m.group(1) or "`" in m.group(1) or "<(" in m.group(1):
            return "eval or source of computed text"
    for m in _PIPE_TO.finditer(command):
        target = m.group(1).rsplit("/", 1)[-1]
        args = re.split(r"[|;&\n]", command[m.end():], maxsplit=1)[0].split()
        if _stdin_program(args, target in _SHELLS) and (
                target in _SHELLS or target in _INTERPRETERS):
            producer = command[:m.start()].rsplit("|", 1)[-1].strip().split()
            if not producer or producer[0] not in _LITERAL_PRODUCERS or "$" in " ".join(
                    producer):
                return "script piped into a shell or interpreter"
    if _interpreter_computes(command):
        return "interpreter opens a computed path"
    return None


def computed_rule(command: str, policy: Any, reason: str = "") -> str | None:
    """The withholding rule for `command` under `policy` (None: no reason, or off);
    `reason`: one the parse of the command found (`policy.words.Variables.computed`)."""
    if not getattr(policy, "computed_paths", True) or not policy.deny_patterns():
        return None
    why = computed_reason(command) or reason
    return f"(read target computed at run time: {why})" if why else None


def _stdin_program(args: list[str], shell: bool) -> bool:
    """Whether a shell or interpreter called with `args` runs its standard input: not with
    `-c`/`-e` or a script file (the piped text is then data), but with `-s` or `-` (the
    words after them are the program's arguments, `bash -s x`, `python3 - x`). A shell's
    `-e` is errexit, no program (`| bash -e` runs the piped text)."""
    for a in args:
        if a in ("-s", "-"):
            return True
        if a in ("-c", "-lc") or (a == "-e" and not shell) or not a.startswith("-"):
            return False
    return True
