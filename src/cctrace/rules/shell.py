"""Shell understanding for the behaviour rules: what a Bash command really runs.

`parse_shell(command)` turns a command line into the simple commands it would run, each
with its argv (wrappers such as `sudo`, `env`, `timeout`, `nohup`, `xargs` stripped and
recorded), redirections and pipeline neighbours, plus every script text it saw. It looks
through the usual wrappers and obfuscations an agent (or an injected prompt) may use:
`sh -c` / `bash -lc`, `eval`, `$(...)`, backticks and process substitution, here-documents
fed to a shell, `${IFS}`, `$'\\x..'` ANSI-C strings, variables assembled piecewise
(`a=cu;b=rl;$a$b`), `echo ... | base64 -d | sh` (also `xxd -r -p`, `rev`), and interpreter
one-liners (`python -c`, `node -e`, `perl -e`, `ruby -e`, `php -r`) whose string literals
(and `b64decode` payloads) are parsed as shell again. It uses only `shlex`: no grammar is
complete for bash, so whatever cannot be tokenized is still split on blanks, never dropped.
Results are cached because the same command is evaluated by every rule.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import re
import shlex
from dataclasses import dataclass, field
from functools import lru_cache

SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "fish", "ash", "busybox"})
INTERPRETERS = {
    "python": ("-c",), "python2": ("-c",), "python3": ("-c",), "node": ("-e", "--eval", "-p"),
    "nodejs": ("-e", "--eval", "-p"), "perl": ("-e", "-E"), "ruby": ("-e",), "php": ("-r",),
    "deno": ("eval",), "bun": ("-e", "--eval"), "osascript": ("-e",), "lua": ("-e",),
    "pwsh": ("-c", "-command", "-Command"), "powershell": ("-c", "-command", "-Command"),
}
# Prefix commands that run the rest of their arguments as a command.
WRAPPERS = frozenset({"sudo", "doas", "env", "time", "nice", "nohup", "command", "exec",
                      "builtin", "xargs", "timeout", "stdbuf", "ionice", "watch", "strace",
                      "setsid", "chroot", "unbuffer", "caffeinate", "flock", "torsocks",
                      "proxychains", "proxychains4", "script", "su"})
# Wrapper options that take a value (`sudo -u root`, `timeout -s KILL 5`, `xargs -I{}`).
_WRAPPER_VALUE_OPTS = {
    "sudo": frozenset({"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "--user"}),
    "doas": frozenset({"-u", "-C"}),
    "timeout": frozenset({"-s", "-k", "--signal", "--kill-after"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "ionice": frozenset({"-c", "-n", "-p"}),
    "xargs": frozenset({"-I", "-L", "-P", "-d", "-n", "-s", "-a", "-E"}),
    "env": frozenset({"-u", "-C", "--unset", "--chdir"}),
    "stdbuf": frozenset({"-i", "-o", "-e"}),
    "flock": frozenset({"-w", "-E"}),
    "watch": frozenset({"-n", "-d"}),
    "chroot": frozenset({"--userspec", "--groups"}),
}
_CONTROL = frozenset({"|", "||", "&&", ";", "&", "\n", ";;", "|&", "(", ")", "((", "))",
                      "{", "}", "!", "then", "do", "else", "elif", "fi", "done", "esac"})
_KEYWORDS = frozenset({"if", "while", "until", "for", "case", "in", "function", "select"})
REDIRECT_IN = frozenset({"<", "<>", "<<<", "<<", "<<-"})
REDIRECT_OUT = frozenset({">", ">>", ">|", "&>", "&>>", ">&"})
_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)
_IFS = re.compile(r"\$\{IFS[^}]*\}|\$IFS\b|\$\{[#!]?IFS\}")
_ANSI_C = re.compile(r"\$'((?:[^'\\]|\\.)*)'", re.S)
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_HEREDOC = re.compile(r"<<(-?)\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")
_B64 = re.compile(r"[A-Za-z0-9+/]{12,}={0,2}")
_PY_STRINGS = re.compile(
    r"""(?s)('''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|"""
    r"""`(?:[^`\\]|\\.)*`)""")
_B64_DECODERS = re.compile(r"b64decode|atob|decode_base64|base64_decode|Base64\.decode|"
                           r"FromBase64String|unpack\(['\"]m")
MAX_DEPTH = 6
MAX_TEXTS = 64


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


def _note(out: ParsedShell, trick: str) -> None:
    if trick not in out.tricks:
        out.tricks.append(trick)


def _decode_ansi_c(body: str) -> str:
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
            _note(out, "ifs")
            text = new
    if "$'" in text:
        def repl(m: re.Match[str]) -> str:
            return shlex.quote(_decode_ansi_c(m.group(1)))

        new = _ANSI_C.sub(repl, text)
        if new != text:
            _note(out, "ansi-c")
            text = new
    return text


def _substitutions(text: str) -> tuple[str, list[tuple[str, str]]]:
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


def _heredocs(text: str) -> tuple[str, list[str]]:
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


def _tokens(text: str) -> list[str]:
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


def _merge_redirects(tokens: list[str]) -> list[str]:
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


def _split(tokens: list[str]) -> list[tuple[str, list[str]]]:
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


def _expand(word: str, variables: dict[str, str]) -> str:
    if "$" not in word or not variables:
        return word

    def repl(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        return variables.get(name, m.group(0))

    return _VAR.sub(repl, word)


def _strip_wrappers(words: list[str]) -> tuple[list[str], list[str], dict[str, str]]:
    """(argv, wrappers, env) after leading assignments and wrapper commands."""
    wrappers: list[str] = []
    env: dict[str, str] = {}
    i = 0
    while i < len(words):
        word = words[i]
        m = _ASSIGNMENT.match(word)
        if m:
            env[m.group(1)] = m.group(2)
            i += 1
            continue
        name = posixpath.basename(word)
        if name in WRAPPERS and i + 1 < len(words):
            if name == "su":
                # `su -c 'cmd' user`: the -c text is the command.
                rest = words[i + 1:]
                if "-c" in rest and rest.index("-c") + 1 < len(rest):
                    wrappers.append(name)
                    return (["sh", "-c", rest[rest.index("-c") + 1]], wrappers, env)
            wrappers.append(name)
            i += 1
            while i < len(words):
                w = words[i]
                if w == "--":
                    i += 1
                    break
                if w.startswith("-"):
                    i += 1
                    if w in _WRAPPER_VALUE_OPTS.get(name, ()) and i < len(words):
                        i += 1
                    continue
                if name in ("timeout", "nice", "watch") and re.fullmatch(r"[\d.]+[smhd]?", w):
                    i += 1
                    continue
                if name in ("env", "sudo", "doas") and _ASSIGNMENT.match(w):
                    m2 = _ASSIGNMENT.match(w)
                    if m2:
                        env[m2.group(1)] = m2.group(2)
                    i += 1
                    continue
                if name == "flock" and len(wrappers) and not w.startswith("-"):
                    i += 1  # the lock file
                    break
                break
            continue
        break
    return words[i:], wrappers, env


def _looks_like_shell(text: str) -> bool:
    text = text.strip()
    if not text or len(text) > 20000 or " " not in text:
        return False
    if sum(1 for ch in text if ch.isprintable() or ch in "\n\t") < 0.98 * len(text):
        return False
    first = text.split()[0]
    return bool(re.fullmatch(r"[A-Za-z0-9_.+:(){}$/~\[\]'\"-]+", first))


def _decode_b64(blob: str) -> str | None:
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


def _decode_hex(blob: str) -> str | None:
    try:
        text = bytes.fromhex(re.sub(r"\s|\\x|0x", "", blob)).decode("utf-8")
    except ValueError:
        return None
    return text if text and all(ch.isprintable() or ch in "\n\t" for ch in text) else None


class _Walker:
    def __init__(self, out: ParsedShell) -> None:
        self.out = out
        self.variables: dict[str, str] = {}

    def walk(self, text: str, depth: int, via: str) -> None:
        out = self.out
        if depth > MAX_DEPTH or len(out.texts) >= MAX_TEXTS or not text.strip():
            return
        text = deobfuscate(text, out)
        text, bodies = _heredocs(text)
        text, inner = _substitutions(text)
        out.texts.append(text)
        for kind, sub in inner:
            self.walk(sub, depth + 1, kind)
        tokens = _merge_redirects(_tokens(text))
        prev: SimpleCommand | None = None
        body_iter = iter(bodies)
        for op, words in _split(tokens):
            cmd = self.simple(words, depth, via, body_iter)
            if cmd is None:
                prev = None if op not in ("|", "|&") else prev
                continue
            if op in ("|", "|&") and prev is not None:
                cmd.pipe_from = prev.name
                prev.pipe_to = cmd.name
            prev = cmd

    def simple(self, words: list[str], depth: int, via: str,
               bodies: object) -> SimpleCommand | None:
        out = self.out
        expanded = [_expand(w, self.variables) for w in words]
        first = next((k for k, w in enumerate(words) if not _ASSIGNMENT.match(w)), None)
        if first is not None and expanded[first] != words[first]:
            # A command name assembled from variables (`a=cu;b=rl;$a$b`) hides what runs.
            _note(out, "variables")
        words = expanded
        redirects: list[tuple[str, str]] = []
        plain: list[str] = []
        i = 0
        while i < len(words):
            word = words[i]
            if word in REDIRECT_OUT or word in REDIRECT_IN:
                target = words[i + 1] if i + 1 < len(words) else ""
                if word in ("<<", "<<-"):
                    body = next(bodies, "")  # type: ignore[call-overload]
                    redirects.append((word, body))
                else:
                    redirects.append((word, target))
                i += 2
                continue
            if re.fullmatch(r"\d", word) and i + 1 < len(words) and (
                    words[i + 1] in REDIRECT_OUT or words[i + 1] in REDIRECT_IN):
                i += 1
                continue
            plain.append(word)
            i += 1
        if plain and all(_ASSIGNMENT.match(w) for w in plain):
            for w in plain:
                m = _ASSIGNMENT.match(w)
                if m:
                    self.variables[m.group(1)] = m.group(2)
            if redirects:
                out.commands.append(SimpleCommand("", [], redirects, via=via, depth=depth))
            return None
        argv, wrappers, env = _strip_wrappers(plain)
        if not argv:
            if redirects:
                cmd = SimpleCommand("", [], redirects, env, wrappers, via=via, depth=depth)
                out.commands.append(cmd)
                return cmd
            return None
        name = posixpath.basename(argv[0])
        cmd = SimpleCommand(name, argv, redirects, env, wrappers, via=via, depth=depth)
        out.commands.append(cmd)
        self.unwrap(cmd, depth)
        return cmd

    def unwrap(self, cmd: SimpleCommand, depth: int) -> None:
        name, args = cmd.name, cmd.args
        here = [t for op, t in cmd.redirects if op in ("<<", "<<-", "<<<")]
        if name in SHELLS:
            script = None
            for j, a in enumerate(args):
                if a.startswith("-") and not a.startswith("--") and "c" in a[1:]:
                    script = args[j + 1] if j + 1 < len(args) else None
                    break
                if name == "busybox" and j == 0 and not a.startswith("-"):
                    # `busybox wget ...`: the applet is the command.
                    sub = SimpleCommand(a, args, cmd.redirects, cmd.env, cmd.wrappers + [name],
                                        cmd.pipe_from, None, cmd.via, depth)
                    self.out.commands.append(sub)
                    return
            if script is not None:
                self.walk(script, depth + 1, f"{name} -c")
            for body in here:
                self.walk(body, depth + 1, f"{name} <<")
            return
        if name == "eval":
            self.walk(" ".join(args), depth + 1, "eval")
            return
        flags = INTERPRETERS.get(name) or INTERPRETERS.get(re.sub(r"[\d.]+$", "", name))
        if flags:
            for j, a in enumerate(args):
                if a in flags and j + 1 < len(args):
                    self.code(name, args[j + 1], depth)
                    break
            for body in here:
                self.code(name, body, depth)
            return
        if name in ("base64", "xxd", "rev", "openssl") and cmd.pipe_from is None:
            self.decoder_source(cmd, depth)

    def code(self, interpreter: str, program: str, depth: int) -> None:
        out = self.out
        out.code.append((interpreter, program))
        out.texts.append(program)
        if depth >= MAX_DEPTH:
            return
        for m in _PY_STRINGS.finditer(program):
            lit = m.group(0)
            body = lit[3:-3] if lit[:3] in ("'''", '"""') else lit[1:-1]
            if _B64.fullmatch(body) and _B64_DECODERS.search(program):
                decoded = _decode_b64(body)
                if decoded:
                    _note(out, "base64")
                    out.texts.append(decoded)
                    if _looks_like_shell(decoded):
                        self.walk(decoded, depth + 1, f"{interpreter} base64")
                    continue
            if _looks_like_shell(body):
                self.walk(body, depth + 1, f"{interpreter} -c")

    def decoder_source(self, cmd: SimpleCommand, depth: int) -> None:
        """`base64 -d <<< X` / `base64 -d <<< X`: decode X when the operand is inline."""
        for op, target in cmd.redirects:
            if op == "<<<":
                self.decoded(cmd.name, cmd.args, target, depth)

    def decoded(self, name: str, args: list[str], blob: str, depth: int) -> None:
        text: str | None = None
        if name in ("base64", "openssl") and any(a in ("-d", "--decode", "-D", "-decode")
                                                  for a in args):
            text = _decode_b64(blob)
        elif name == "xxd" and any(a.startswith("-r") for a in args):
            text = _decode_hex(blob)
        elif name == "rev":
            text = blob[::-1]
        if text and _looks_like_shell(text):
            _note(self.out, "base64" if name in ("base64", "openssl") else name)
            self.out.texts.append(text)
            self.walk(text, depth + 1, name)


def _pipeline_decode(out: ParsedShell, walker: _Walker) -> None:
    """`echo X | base64 -d | sh`, `printf X | xxd -r -p | bash`, `echo X | rev | sh`."""
    cmds = out.commands
    for i, cmd in enumerate(cmds):
        if cmd.name not in ("echo", "printf") or cmd.pipe_to not in ("base64", "xxd", "rev",
                                                                        "openssl"):
            continue
        nxt = next((c for c in cmds[i + 1:] if c.pipe_from == cmd.name), None)
        if nxt is None:
            continue
        blob = " ".join(a for a in cmd.args if not a.startswith("-"))
        walker.decoded(nxt.name, nxt.args, blob, cmd.depth)


@lru_cache(maxsize=4096)
def _parse_cached(command: str) -> ParsedShell:
    out = ParsedShell()
    walker = _Walker(out)
    walker.walk(command, 0, "")
    _pipeline_decode(out, walker)
    if out.commands:
        # The argv of every command, quotes and variables resolved: patterns over command
        # text then see `curl` where the line said `c''url` or `$a$b`.
        out.texts.append("\n".join(" ".join(c.argv) for c in out.commands if c.argv))
    if "base64" in " ".join(out.texts) or "b64" in command:
        # A blob handed to a decoder indirectly (a variable, a file): decode loose blobs.
        for blob in _B64.findall(command):
            if len(blob) >= 16:
                decoded = _decode_b64(blob)
                if decoded and _looks_like_shell(decoded) and decoded not in out.texts:
                    _note(out, "base64")
                    walker.walk(decoded, 1, "base64")
    return out


def parse_shell(command: str) -> ParsedShell:
    """The simple commands a command line runs, through wrappers and obfuscation."""
    if not isinstance(command, str) or not command.strip():
        return ParsedShell()
    return _parse_cached(command[:100_000])
