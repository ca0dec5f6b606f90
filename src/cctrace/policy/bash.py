"""Which files a Bash command reads or writes, as far as a static look can tell.

The capture policy needs the paths whose contents a command could print or write. The
command is split with `shlex` into simple commands (at `|`, `&&`, `||`, `;`, `&` and
newlines); every argument that could name a file is a candidate, as are redirection
targets, `--opt=VALUE` values, `host:path` / `REV:path` suffixes, and the script texts of
`sh -c`, `bash -c`, `eval`, `$(...)` and backticks, which are parsed the same way. A
known pattern argument (grep's, sed's, awk's) is skipped, so `grep id_rsa notes.txt` does
not look like a read of `id_rsa`. Over-reporting is cheap (an output is withheld that was
harmless); under-reporting leaks a secret, so unparseable text falls back to scanning
every path-like word. `cd DIR` is followed so relative paths resolve where they run.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, field

# Commands that run their first non-option argument's text as a script.
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "fish", "su"})
# Interpreters whose `-c`/`-e` program text may open files by name.
_INTERPRETERS = frozenset({"python", "python3", "python2", "node", "perl", "ruby", "php",
                           "deno", "bun", "osascript"})
# Prefix commands that run the rest of the line as a command.
_WRAPPERS = frozenset({"sudo", "env", "time", "nice", "nohup", "command", "exec", "builtin",
                       "xargs", "timeout", "doas", "stdbuf", "ionice", "watch", "strace"})
# First positional argument is a pattern/program, not a file (unless -e/-f gives it).
_PATTERN_FIRST = frozenset({"grep", "egrep", "fgrep", "rg", "ag", "ack", "sed", "gsed",
                            "awk", "gawk", "mawk", "nawk", "zgrep", "jq", "yq"})
_PATTERN_OPTS = frozenset({"-e", "-f", "--regexp", "--file", "--expression"})
# Commands that write their file arguments (what they write may come from the command).
_WRITERS = frozenset({"tee", "dd", "truncate", "sponge"})
_REDIRECT_IN = frozenset({"<", "<>", "<<<"})
_REDIRECT_OUT = frozenset({">", ">>", ">|", "&>", "&>>", ">&"})
_CONTROL = frozenset({"|", "||", "&&", ";", "&", "\n", ";;", "|&", "(", ")", "((", "))",
                      "{", "}", "!"})
_PATHLIKE = re.compile(r"[\w.~/$@%+,:={}\-\[\]*?]+")
_SUBSTITUTION = re.compile(r"\$\(([^()]*(?:\([^()]*\)[^()]*)*)\)|`([^`]*)`")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_MAX_DEPTH = 4


@dataclass
class BashFiles:
    """Candidate paths of a command: `reads` may be printed, `writes` may be written to."""

    reads: list[tuple[str, str | None]] = field(default_factory=list)  # (path, cwd)
    writes: list[tuple[str, str | None]] = field(default_factory=list)

    def all(self) -> list[tuple[str, str | None]]:
        return self.reads + self.writes


def _tokens(command: str) -> list[str]:
    lexer = shlex.shlex(command, posix=True, punctuation_chars="();<>|&\n")
    lexer.whitespace = " \t\r"
    lexer.whitespace_split = True
    lexer.commenters = ""
    return list(lexer)


def _split(tokens: list[str]) -> list[list[str]]:
    """Simple commands; redirection operators stay in place, control operators split."""
    out: list[list[str]] = [[]]
    for tok in tokens:
        if tok in _CONTROL:
            if out[-1]:
                out.append([])
        else:
            out[-1].append(tok)
    return [c for c in out if c]


def _variants(word: str) -> list[str]:
    """The ways a word can name a file: itself, after `=`, after `host:` or `REV:`."""
    out = [word]
    if "=" in word:
        out.append(word.split("=", 1)[1])
    if ":" in word and not word.startswith(("http://", "https://")):
        out.append(word.rsplit(":", 1)[1])
    return [w for w in out if w and w not in ("-", "--")]


def _command_index(words: list[str]) -> int:
    """Index of the real command name after assignments and wrappers (`sudo -u x cat`)."""
    i = 0
    while i < len(words):
        word = words[i]
        if _ASSIGNMENT.match(word):
            i += 1
            continue
        name = posixpath.basename(word)
        if name in _WRAPPERS:
            i += 1
            # Wrapper options and `timeout 5`-style numbers belong to the wrapper.
            while i < len(words) and (words[i].startswith("-") or words[i].isdigit()
                                      or _ASSIGNMENT.match(words[i])):
                i += 1
            continue
        return i
    return len(words)


def _scan_loose(text: str, cwd: str | None, found: BashFiles) -> None:
    for word in _PATHLIKE.findall(text):
        for variant in _variants(word.strip(",;'\"").rstrip(".:")):
            found.reads.append((variant, cwd))


def _walk(command: str, cwd: str | None, found: BashFiles, depth: int) -> str | None:
    """Add the command's candidate paths to `found`; returns the cwd after it ran."""
    if depth > _MAX_DEPTH:
        _scan_loose(command, cwd, found)
        return cwd
    for inner in _SUBSTITUTION.findall(command):
        _walk(inner[0] or inner[1], cwd, found, depth + 1)
    try:
        tokens = _tokens(command)
    except ValueError:
        # Unbalanced quotes and the like: the command may still run (or be a fragment).
        _scan_loose(command, cwd, found)
        return cwd
    for words in _split(tokens):
        cwd = _simple(words, cwd, found, depth)
    return cwd


def _simple(words: list[str], cwd: str | None, found: BashFiles, depth: int) -> str | None:
    start = _command_index(words)
    # Redirections first: they can sit anywhere in the command.
    args: list[str] = []
    i = start
    while i < len(words):
        word = words[i]
        if word in _REDIRECT_IN or word == "<<":
            if i + 1 < len(words) and word != "<<":
                found.reads.append((words[i + 1], cwd))
            i += 2
            continue
        if word in _REDIRECT_OUT:
            if i + 1 < len(words) and not words[i + 1].isdigit():
                found.writes.append((words[i + 1], cwd))
            i += 2
            continue
        if word.isdigit() and i + 1 < len(words) and (
                words[i + 1] in _REDIRECT_OUT or words[i + 1] in _REDIRECT_IN):
            i += 1  # the `2` of `2>`
            continue
        args.append(word)
        i += 1
    for word in words[:start]:
        for variant in _variants(word):
            found.reads.append((variant, cwd))
    if not args:
        return cwd
    name = posixpath.basename(args[0])
    rest = args[1:]
    if name == "cd":
        target = next((a for a in rest if not a.startswith("-")), "~")
        if target.startswith(("/", "~")) or cwd is None:
            return target
        return posixpath.join(cwd, target)
    if name in _SHELLS or name == "eval" or name in _INTERPRETERS:
        script_flags = ("-c",) if name in _SHELLS else ("-c", "-e", "-E", "-r")
        j = 0
        while j < len(rest):
            flag = rest[j]
            is_script = flag in script_flags or (
                name in _SHELLS and flag[:1] == "-" and flag[1:2] != "-" and "c" in flag)
            if is_script and j + 1 < len(rest):
                if name in _INTERPRETERS:
                    _scan_loose(rest[j + 1], cwd, found)
                else:
                    _walk(rest[j + 1], cwd, found, depth + 1)
                j += 2
                continue
            if name == "eval":
                _walk(rest[j], cwd, found, depth + 1)
            else:
                for variant in _variants(rest[j]):
                    found.reads.append((variant, cwd))
            j += 1
        return cwd
    skip_pattern = name in _PATTERN_FIRST and not any(
        a in _PATTERN_OPTS or a.startswith(("--regexp=", "--file=", "--expression="))
        for a in rest)
    target = found.writes if name in _WRITERS else found.reads
    for arg in rest:
        if arg.startswith("-") and "=" not in arg:
            continue
        if skip_pattern and not arg.startswith("-"):
            skip_pattern = False
            continue
        if any(ch.isspace() for ch in arg) and depth < _MAX_DEPTH:
            # A quoted phrase may be a script for a tool we do not know (ssh host "cat x").
            _walk(arg, cwd, found, depth + 1)
            continue
        for variant in _variants(arg):
            target.append((variant, cwd))
    if name in ("cp", "mv", "install", "rsync", "scp") and rest:
        # The last argument is the destination: a copy of the source's content lands there.
        found.writes.extend((v, cwd) for v in _variants(rest[-1]))
    return cwd


def bash_files(command: str, cwd: str | None = None) -> BashFiles:
    """The candidate paths a Bash command reads and writes (with the cwd each runs in)."""
    found = BashFiles()
    if isinstance(command, str) and command.strip():
        _walk(command, cwd, found, 0)
    return found
