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
Results are cached because the same command is evaluated by every rule. The lexical layer
(de-obfuscation, tokens, here-documents, decoders) and the result shapes are in
`rules.shellwords`; this module walks them: wrappers, shells, interpreters, decode pipelines.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache

from cctrace.rules.shellwords import (
    ASSIGNMENT,
    REDIRECT_IN,
    REDIRECT_OUT,
    ParsedShell,
    SimpleCommand,
    decode_b64,
    decode_hex,
    deobfuscate,
    expand_vars,
    heredocs,
    looks_like_shell,
    merge_redirects,
    note_trick,
    split_commands,
    substitutions,
    tokenize,
)

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
_B64 = re.compile(r"[A-Za-z0-9+/]{12,}={0,2}")
_PY_STRINGS = re.compile(
    r"""(?s)('''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|"""
    r"""`(?:[^`\\]|\\.)*`)""")
_B64_DECODERS = re.compile(r"b64decode|atob|decode_base64|base64_decode|Base64\.decode|"
                           r"FromBase64String|unpack\(['\"]m")
MAX_DEPTH = 6
MAX_TEXTS = 64


def _strip_wrappers(words: list[str]) -> tuple[list[str], list[str], dict[str, str]]:
    """(argv, wrappers, env) after leading assignments and wrapper commands."""
    wrappers: list[str] = []
    env: dict[str, str] = {}
    i = 0
    while i < len(words):
        word = words[i]
        m = ASSIGNMENT.match(word)
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
                if name in ("env", "sudo", "doas") and ASSIGNMENT.match(w):
                    m2 = ASSIGNMENT.match(w)
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


class _Walker:
    def __init__(self, out: ParsedShell) -> None:
        self.out = out
        self.variables: dict[str, str] = {}

    def walk(self, text: str, depth: int, via: str) -> None:
        out = self.out
        if depth > MAX_DEPTH or len(out.texts) >= MAX_TEXTS or not text.strip():
            return
        text = deobfuscate(text, out)
        text, bodies = heredocs(text)
        text, inner = substitutions(text)
        out.texts.append(text)
        for kind, sub in inner:
            self.walk(sub, depth + 1, kind)
        tokens = merge_redirects(tokenize(text))
        prev: SimpleCommand | None = None
        body_iter = iter(bodies)
        for op, words in split_commands(tokens):
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
        expanded = [expand_vars(w, self.variables) for w in words]
        first = next((k for k, w in enumerate(words) if not ASSIGNMENT.match(w)), None)
        if first is not None and expanded[first] != words[first]:
            # A command name assembled from variables (`a=cu;b=rl;$a$b`) hides what runs.
            note_trick(out, "variables")
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
        if plain and all(ASSIGNMENT.match(w) for w in plain):
            for w in plain:
                m = ASSIGNMENT.match(w)
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
                decoded = decode_b64(body)
                if decoded:
                    note_trick(out, "base64")
                    out.texts.append(decoded)
                    if looks_like_shell(decoded):
                        self.walk(decoded, depth + 1, f"{interpreter} base64")
                    continue
            if looks_like_shell(body):
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
            text = decode_b64(blob)
        elif name == "xxd" and any(a.startswith("-r") for a in args):
            text = decode_hex(blob)
        elif name == "rev":
            text = blob[::-1]
        if text and looks_like_shell(text):
            note_trick(self.out, "base64" if name in ("base64", "openssl") else name)
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
                decoded = decode_b64(blob)
                if decoded and looks_like_shell(decoded) and decoded not in out.texts:
                    note_trick(out, "base64")
                    walker.walk(decoded, 1, "base64")
    return out


def parse_shell(command: str) -> ParsedShell:
    """The simple commands a command line runs, through wrappers and obfuscation."""
    if not isinstance(command, str) or not command.strip():
        return ParsedShell()
    return _parse_cached(command[:100_000])


__all__ = ["REDIRECT_IN", "REDIRECT_OUT", "ParsedShell", "SimpleCommand", "parse_shell"]
