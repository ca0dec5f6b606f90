"""Shell text, lexically: de-obfuscation, substitutions, here-documents, tokens, commands.

The layer under `cctrace.rules.shell`: it turns one script level into words and commands
without deciding what runs. `deobfuscate` undoes `${IFS}` and `$'..'` strings,
`substitutions` lifts `$(...)`, backticks and process substitution out of a line,
`heredocs` takes here-document bodies, `tokenize` / `merge_redirects` / `split_commands`
cut a line into simple commands at control operators, `expand_vars` applies variables
assigned earlier, and `decode_b64` / `decode_hex` / `looks_like_shell` judge decoded blobs.
The shapes `parse_shell` returns (`ParsedShell`, `SimpleCommand`) are defined here so both
layers share them; `note_trick` records an obfuscation seen. Standard library only.
"""

from __future__ import annotations

import base64
import binascii
import re
import shlex
from dataclasses import dataclass, field

_CONTROL = frozenset({"|", "||", "&&", ";", "&", "\n", ";;", "|&", "(", ")", "((", "))",
                      "{", "}", "!", "then", "do", "else", "elif", "fi", "done", "esac"})
_KEYWORDS = frozenset({"if", "while", "until", "for", "case", "in", "function", "select"})
REDIRECT_IN = frozenset({"<", "<>", "<<<", "<<", "<<-"})
REDIRECT_OUT = frozenset({">", ">>", ">|", "&>", "&>>", ">&"})
ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)
_IFS = re.compile(r"\$\{IFS[^}]*\}|\$IFS\b|\$\{[#!]?IFS\}")
_ANSI_C = re.compile(r"\$'((?:[^'\\]|\\.)*)'", re.S)
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_HEREDOC = re.compile(r"<<(-?)\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")


@dataclass
class SimpleCommand:
    """One command the shell would run: `name` is argv[0]'s basename."""

    name: str
    argv: list[str]
    redirects: list[tuple[str, str]] = field(default_factory=list)  # (operator, target)
    env: dict[str, str] = field(default_factory=dict)
    wrappers: list[str] = field(default_factory=list)
    pipe_from: str | None = None  # name of the command whose output feeds this one
    pipe_to: str | None = None  # name of the command this one's output feeds
    via: str = ""  # how it was reached: "", "sh -c", "eval", "$()", "base64", "python -c"...
    depth: int = 0

    @property
    def args(self) -> list[str]:
        return self.argv[1:]


@dataclass
class ParsedShell:
    """Everything a command line would run, and the texts seen on the way."""

    commands: list[SimpleCommand] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # each script level, deobfuscated
    code: list[tuple[str, str]] = field(default_factory=list)  # (interpreter, program text)
    tricks: list[str] = field(default_factory=list)  # obfuscations seen: "ifs", "base64"...
    heredocs: list[str] = field(default_factory=list)  # here-document bodies (data)

    def names(self) -> set[str]:
        return {c.name for c in self.commands}


def note_trick(out: ParsedShell, trick: str) -> None:
    if trick not in out.tricks:
        out.tricks.append(trick)


def decode_ansi_c(body: str) -> str:
    try:
        raw = body.encode("latin-1", "backslashreplace").decode("unicode_escape")
    except (UnicodeDecodeError, ValueError):
        return body
    return raw


def deobfuscate(text: str, out: ParsedShell) -> str:
    """`${IFS}` to a blank and `$'..'` strings to quoted plain text."""
    if "IFS" in text:
        new = _IFS.sub(" ", text)
        if new != text:
            note_trick(out, "ifs")
            text = new
    if "$'" in text:
        def repl(m: re.Match[str]) -> str:
            return shlex.quote(decode_ansi_c(m.group(1)))

        new = _ANSI_C.sub(repl, text)
        if new != text:
            note_trick(out, "ansi-c")
            text = new
    return text


def substitutions(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Cut `$(...)`, `<(...)`, `>(...)` and backtick bodies out; a placeholder stays."""
    inner: list[tuple[str, str]] = []
    if "$(" not in text and "`" not in text and "<(" not in text and ">(" not in text:
        return text, inner
    parts: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "'":
            # Single quotes stop substitution, but only outside double quotes; a cheap
            # approximation: track them and skip their content.
            end = text.find("'", i + 1)
            if end < 0:
                parts.append(text[i:])
                break
            # Inside double quotes a ' is literal: check the quote balance before it.
            if text.count('"', 0, i) % 2 == 1:
                parts.append(ch)
                i += 1
                continue
            parts.append(text[i:end + 1])
            i = end + 1
            continue
        if ch in "$<>" and i + 1 < n and text[i + 1] == "(" and not (
                ch == "$" and i + 2 < n and text[i + 2] == "("):
            depth, j = 1, i + 2
            while j < n and depth:
                if text[j] == "(":
                    depth += 1
                elif text[j] == ")":
                    depth -= 1
                j += 1
            body = text[i + 2:j - 1] if depth == 0 else text[i + 2:]
            inner.append(("<()" if ch != "$" else "$()", body))
            parts.append(" __subst__ " if ch != "$" else "__subst__")
            i = j
            continue
        if ch == "`":
            end = text.find("`", i + 1)
            end = n if end < 0 else end
            inner.append(("$()", text[i + 1:end]))
            parts.append("__subst__")
            i = end + 1
            continue
        parts.append(ch)
        i += 1
    return "".join(parts), inner


def heredocs(text: str) -> tuple[str, list[str]]:
    """Remove here-document bodies from the text; returns them in operator order."""
    if "<<" not in text:
        return text, []
    lines = text.split("\n")
    out_lines: list[str] = []
    bodies: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        out_lines.append(line)
        i += 1
        for m in _HEREDOC.finditer(line):
            if line[m.start():m.start() + 3] == "<<<":
                continue
            strip, delim = m.group(1) == "-", m.group(3)
            body: list[str] = []
            while i < len(lines):
                candidate = lines[i].lstrip("\t") if strip else lines[i]
                i += 1
                if candidate.strip() == delim:
                    break
                body.append(lines[i - 1])
            bodies.append("\n".join(body))
    return "\n".join(out_lines), bodies


def tokenize(text: str) -> list[str]:
    for attempt in (text, text + "'", text + '"'):
        lexer = shlex.shlex(attempt, posix=True, punctuation_chars="();<>|&\n")
        lexer.whitespace = " \t\r"
        lexer.whitespace_split = True
        lexer.commenters = ""
        try:
            return list(lexer)
        except ValueError:
            continue
    return text.replace("\n", " ; ").split()


def merge_redirects(tokens: list[str]) -> list[str]:
    """shlex splits `2>&1` and `>&` oddly; re-join redirect operators it broke apart."""
    out: list[str] = []
    for tok in tokens:
        if out and tok in (">", ">>", "&", "<", "|") and out[-1] in (">", "&", "<"):
            joined = out[-1] + tok
            if joined in REDIRECT_OUT or joined in REDIRECT_IN or joined in ("&>", "&>>"):
                out[-1] = joined
                continue
        out.append(tok)
    return out


def split_commands(tokens: list[str]) -> list[tuple[str, list[str]]]:
    """(operator before it, words) per simple command."""
    out: list[tuple[str, list[str]]] = []
    current: list[str] = []
    op = ""
    for tok in tokens:
        if tok in _CONTROL and not (current and current[-1] in REDIRECT_OUT | REDIRECT_IN):
            if current:
                out.append((op, current))
                current = []
            op = tok if tok in ("|", "|&") else ("" if tok in ("(", "{", "!", "do", "then")
                                                 and op in ("|", "|&") else tok)
            if tok in ("(", "{", "!", "do", "then", "else", "elif"):
                # A group after a pipe still reads the pipe.
                op = op if op in ("|", "|&") else tok
            continue
        if not current and tok in _KEYWORDS:
            continue
        current.append(tok)
    if current:
        out.append((op, current))
    return out


def expand_vars(word: str, variables: dict[str, str]) -> str:
    if "$" not in word or not variables:
        return word

    def repl(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        return variables.get(name, m.group(0))

    return _VAR.sub(repl, word)


def looks_like_shell(text: str) -> bool:
    text = text.strip()
    if not text or len(text) > 20000 or " " not in text:
        return False
    if sum(1 for ch in text if ch.isprintable() or ch in "\n\t") < 0.98 * len(text):
        return False
    first = text.split()[0]
    return bool(re.fullmatch(r"[A-Za-z0-9_.+:(){}$/~\[\]'\"-]+", first))


def decode_b64(blob: str) -> str | None:
    blob = blob.strip()
    try:
        raw = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True)
    except (binascii.Error, ValueError):
        try:
            raw = base64.urlsafe_b64decode(blob + "=" * (-len(blob) % 4))
        except (binascii.Error, ValueError):
            return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\n\t")
    return text if text and printable / len(text) > 0.95 else None


def decode_hex(blob: str) -> str | None:
    try:
        text = bytes.fromhex(re.sub(r"\s|\\x|0x", "", blob)).decode("utf-8")
    except ValueError:
        return None
    return text if text and all(ch.isprintable() or ch in "\n\t" for ch in text) else None
