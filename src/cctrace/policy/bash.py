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

from cctrace.policy import scripts
from cctrace.policy import words as shell_words
from cctrace.policy.decrypts import decrypts
from cctrace.redact.detectors.command_output import prints_secret

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
# Editors that rewrite their file arguments in place (`sed -i`, `perl -pi`: the new text,
# perhaps a secret, is in the command line), and the option clusters that say so.
_EDITORS = frozenset({"ed", "ex", "vi", "vim", "nvim", "nano", "emacs"})
_IN_PLACE = {"sed": re.compile(r"-[nrEsuz]*i.*|--in-place(?:=.*)?"),
             "gsed": re.compile(r"-[nrEsuz]*i.*|--in-place(?:=.*)?"),
             "perl": re.compile(r"-[lnpaes0-9]*i.*"), "awk": re.compile(r"inplace"),
             "gawk": re.compile(r"inplace")}
_REDIRECT_IN = frozenset({"<", "<>", "<<<"})
_REDIRECT_OUT = frozenset({">", ">>", ">|", "&>", "&>>", ">&"})
_CONTROL = frozenset({"|", "||", "&&", ";", "&", "\n", ";;", "|&", "(", ")", "((", "))",
                      "{", "}", "!"})
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
# Every operator, longest first (a run of operator characters is cut into these).
_OPERATORS = sorted(_CONTROL | _REDIRECT_IN | _REDIRECT_OUT | {"<<", "<&", ";", "&", "|",
                                                                "<", ">", "(", ")", "\n"},
                    key=len, reverse=True)
_RESERVED = frozenset({"do", "then", "else", "elif", "if", "while", "until"})  # then a command
_MAX_DEPTH = 4
# A word that is plainly a path or option (anything else may be code: scanned as script).
_PLAIN_WORD = re.compile(r"[\w.~/$@%+,:={}\-\[\]*?#^! ]*")
# grep/rg options that print lines the match did not (context, multiline, whole files).
_CONTEXT_OPTS = re.compile(r"(?:^|\s)(?:-[a-zA-Z]*[ABCUz]|-\d+\b|--(?:after-|before-)?context"
                           r"|--multiline|--null-data|--passthr)")
# Commands whose output is names, never contents (with `find`, only without -exec & co).
_LISTERS = frozenset({"ls", "find", "tree", "fd", "fdfind", "locate", "du", "stat", "file",
                      "pwd", "wc", "basename", "dirname", "realpath", "readlink"})
_LIST_FLAGS = frozenset({"-l", "-L", "-c", "--files-with-matches", "--files-without-match",
                         "--count", "--files", "--count-matches", "-lr", "-rl", "-Rl",
                         "-lR", "-rc", "-cr"})
_IFS = re.compile(r"\$\{IFS\}|\$IFS\b")
# Bash's ANSI-C quoting (`$'\x2eenv'` is `.env`) and its escapes; `$"..."` is a plain string.
_ANSI_C = re.compile(r"\$'((?:\\.|[^\\'])*)'", re.DOTALL)
_C_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|u([0-9A-Fa-f]{1,4})"
                       r"|U([0-9A-Fa-f]{1,8})|c(.)|(.))", re.DOTALL)
_C_NAMED = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r",
            "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
_LOCALE_QUOTE = re.compile(r'(?<![\\$\w])\$"')
# Words of one simple command tried as the folder its other arguments resolve against
# (`env -C .aws cat credentials`, `tar -C dir`, `git -C dir`, `make --directory=dir`).
_MAX_FOLDERS, _MAX_INSIDE = 16, 32
# Commands that print the contents of the files they are given.
_CONTENT = frozenset({"cat", "head", "tail", "less", "more", "xxd", "od", "hexdump", "base64",
                      "strings", "nl", "tac", "sed", "awk", "gawk", "sort", "uniq", "cut",
                      "paste", "bat", "batcat", "zcat", "bzcat", "xzcat", "gzip", "column",
                      "fold", "fmt", "pr", "rev", "tr", "iconv", "openssl", "jq", "yq"})
_GREPS = frozenset({"grep", "egrep", "fgrep", "zgrep", "rg", "ag", "ack"})
_PRINTS = _CONTENT | _GREPS | {"diff", "cmp", "cp", "mv", "dd"}
_FIND_EXEC = frozenset({"-exec", "-execdir", "-ok", "-okdir", "-fprint", "-fprintf", "-fls"})


@dataclass
class BashFiles:
    """Candidate paths of a command: `reads` may be printed, `writes` may be written to,
    `opaque` folders whose files' contents it may print with no file name attached
    (`grep -rh`, `rg -I`, `find -exec cat`, `cat *`, `xargs cat`), and `inside` the reads
    as they resolve if another word of their command is the folder it works in."""

    reads: list[tuple[str, str | None]] = field(default_factory=list)  # (path, cwd)
    writes: list[tuple[str, str | None]] = field(default_factory=list)
    opaque: list[tuple[str, str | None]] = field(default_factory=list)
    # Relative reads taken inside another word of their command (see `_inside`).
    inside: list[tuple[str, str | None]] = field(default_factory=list)
    # A script longer than `_scan_script` reads: what it opens cannot be cleared.
    unjudged: bool = False
    computed: str = ""  # why a name is known only at run time (`Variables.computed`)
    prints: str = ""  # a command whose whole output is a secret (`heroku auth:token`)

    def all(self) -> list[tuple[str, str | None]]:
        return self.reads + self.writes


def _tokens(command: str) -> list[str]:
    lexer = shlex.shlex(command, posix=True, punctuation_chars="();<>|&\n")
    lexer.whitespace = " \t\r"
    lexer.whitespace_split = True
    lexer.commenters = ""
    out: list[str] = []
    for tok in lexer:
        # shlex joins a run of operator characters (`);`, `;(`, `)&&`): split it.
        while tok and tok not in _OPERATORS and not tok.strip("();<>|&\n"):
            op = next(o for o in _OPERATORS if tok.startswith(o))
            out.append(op)
            tok = tok[len(op):]
        if tok:
            out.append(tok)
    return out


def _split(tokens: list[str], marks: bool = False) -> list[list[str]]:
    """Simple commands; redirection operators stay in place, control operators split. A
    `!` negates only where a command starts; inside one it is a word (`find . ! -name x`),
    as is a `(` (escaped: `find . '(' -name x ')'`) and the `)` that closes it. `marks`:
    a subshell's parentheses are kept, each as a command of its own."""
    out: list[list[str]] = [[]]
    opened = 0
    for tok in tokens:
        word = bool(out[-1]) and (tok in ("!", "(") or (tok == ")" and opened > 0))
        if tok in _CONTROL and not word:
            if out[-1]:
                out.append([])
            if marks and tok in ("(", ")"):  # a subshell: `_walk` keeps its `cd` inside
                out[-1:] = [[tok], []]
            opened = 0
        else:
            opened += (tok == "(") - (tok == ")") if word else 0
            out[-1].append(tok)
    return [c for c in out if c]


def _command_index(words: list[str]) -> int:
    """Index of the command name after assignments, reserved words and wrappers (`do sudo`)."""
    i = 0
    while i < len(words):
        word = words[i]
        if _ASSIGNMENT.match(word) or word in _RESERVED:
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


def _pattern_first(name: str, rest: list[str]) -> bool:
    """Whether the first positional argument is a pattern or program, not a file."""
    return name in _PATTERN_FIRST and not any(a in _PATTERN_OPTS or a.startswith(
        ("--regexp=", "--file=", "--expression=")) for a in rest)


def _in_place(name: str, rest: list[str]) -> bool:
    """Whether the command rewrites the files it names (`sed -i`, `perl -pi`, `vim`)."""
    option = _IN_PLACE.get(name)
    return name in _EDITORS or (option is not None and any(option.fullmatch(a) for a in rest))


def _c_escape(m: re.Match[str]) -> str:
    octal, hexa, u4, u8, ctl, other = m.groups()
    if octal or hexa:
        return chr(int(octal, 8) & 0xFF if octal else int(hexa, 16))
    if u4 or u8:
        code = int(u4 or u8, 16)
        return chr(code) if code < 0x110000 else ""
    if ctl is not None:
        return chr(ord(ctl) & 0x1F)
    return _C_NAMED.get(other, "\\" + other)


def _unquote(command: str) -> str:
    """The command with `$'...'` decoded the way bash does (`$'\x2eenv'`, `$'.\145nv'`
    are `.env`; the string ends at a NUL) and `$"..."` read as `"..."`, as plain quoted
    words; unchanged when that would not split (a `$'` inside other quotes)."""
    if "$'" not in command and '$"' not in command:
        return command

    def decode(m: re.Match[str]) -> str:
        return shlex.quote(_C_ESCAPE.sub(_c_escape, m.group(1)).split("\0", 1)[0])

    out = _LOCALE_QUOTE.sub('"', _ANSI_C.sub(decode, command))
    try:
        _tokens(out)
    except ValueError:
        return command
    return out


def _inside(words: list[str], found: BashFiles, first: int) -> None:
    """A command can change the folder its relative arguments resolve against (`env -C
    .aws cat credentials`, `tar -C d`, `git -C d show HEAD:config`, `--directory=d`,
    `pushd d; ...` in a subshell): each relative candidate of this simple command is also
    taken inside every other word of it."""
    folders = list(dict.fromkeys(v for w in words for v in shell_words.names(w)
                                 if not v.startswith("-")))[:_MAX_FOLDERS]
    extra: list[tuple[str, str | None]] = []
    for path, at in found.reads[first:first + _MAX_INSIDE]:
        if path.startswith(("/", "~", "$", "-")):
            continue
        extra.extend((posixpath.join(d, path), at) for d in folders if d != path)
    found.inside.extend(extra)


def _command_name(segment: str) -> str:
    try:
        words = _tokens(segment)
    except ValueError:
        words = segment.split()
    cmds = _split(words)
    if not cmds:
        return ""
    # The command that reads the heredoc: the one whose words hold the `<<`.
    for cmd in cmds:
        if any(w.startswith("<<") for w in cmd):
            k = _command_index(cmd)
            return posixpath.basename(cmd[k]) if k < len(cmd) else ""
    k = _command_index(cmds[-1])
    return posixpath.basename(cmds[-1][k]) if k < len(cmds[-1]) else ""


def _script(name: str, text: str, cwd: str | None, found: BashFiles, depth: int) -> None:
    """A script fed to `name` (heredoc, here-string, `-c`): shells run it as commands,
    everything else (interpreters, and commands we do not know) is scanned for paths."""
    base = re.sub(r"[0-9.]+$", "", name)
    if name in _SHELLS or base in _SHELLS or name == "eval":
        _walk(text, cwd, found, depth + 1)
    scripts.scan_script(text, cwd, found)


def _walk(command: str, cwd: str | None, found: BashFiles, depth: int) -> str | None:
    """Add the command's candidate paths to `found`; returns the cwd after it ran."""
    if depth > _MAX_DEPTH:
        # Nested past what is parsed (`bash -c` in `bash -c`...): its paths are read
        # loosely, what it runs cannot be judged (a nameless `grep -rh` in there): withheld.
        scripts.scan_loose(command, cwd, found)
        found.unjudged = True
        return cwd
    command = _unquote(_IFS.sub(" ", command))  # `cat${IFS}.env`, `cat $'\x2eenv'`
    command, bodies = shell_words.heredocs(command)
    for line, body in bodies:
        _script(_command_name(line), body, cwd, found, depth)
    # `$(pwd)/.env`, `diff <(echo) .env`: the body is judged alone, a placeholder keeps
    # the word whole (the parentheses would make `/.env` a command name).
    command, inner = shell_words.lift(command)
    for body in inner:
        _walk(body, cwd, found, depth + 1)
    try:
        tokens = _tokens(command)
    except ValueError:
        # Unbalanced quotes and the like: the command may still run (or be a fragment).
        scripts.scan_loose(command, cwd, found)
        return cwd
    variables = shell_words.Variables()  # `x=nv; cat .e$x`
    outer: list[str | None] = []  # the folders subshells were entered from
    for words in _split(tokens, marks=True):
        if words in (["("], [")"]):  # `(cd x; cat y) && cat z`: z is read where we were
            if words == ["("]:
                outer.append(cwd)
            elif outer:
                cwd = outer.pop()
            continue
        words = variables.expand(words)
        variables.note(words)
        start = _command_index(words)
        name = posixpath.basename(words[start]) if start < len(words) else ""
        found.computed = found.computed or variables.computed(
            words, start, "lists" if name in _LISTERS and name != "find" else
            "prints" if name in _PRINTS else "", _pattern_first(name, words[start + 1:]))
        first = len(found.reads)
        cwd = _simple(words, cwd, found, depth)
        _inside(words, found, first)
    return cwd


def _opaque(name: str, rest: list[str], wrapped: bool, cwd: str | None,
            found: BashFiles) -> None:
    """Folders whose files this command may print without naming them."""
    opts = [a for a in rest if a.startswith("-")]
    args = [a for a in rest if not a.startswith("-")]
    if name == "git" and rest[:1] == ["grep"]:
        name, rest, args = "grep", rest[1:], [a for a in rest[1:] if not a.startswith("-")]
        opts = [a for a in rest if a.startswith("-")] + ["-r"]
    if name in _GREPS:
        short = "".join(o[1:] for o in opts if not o.startswith("--"))
        recursive = name != "grep" and name not in ("egrep", "fgrep", "zgrep") or any(
            o in ("--recursive", "--dereference-recursive") for o in opts) or (
            "r" in short or "R" in short)
        nameless = "--no-filename" in opts or ("h" in short if name in (
            "grep", "egrep", "fgrep", "zgrep") else "I" in short)
        # A search that follows links names a file by the link's name (`grep -R`, `rg -L`).
        follows = "R" in short or any(o in ("--dereference-recursive", "--follow", "-L")
                                      for o in opts)
        if recursive and (nameless or follows):
            found.opaque.extend((a, cwd) for a in (args[1:] or ["."]))
    elif name == "find" and _FIND_EXEC.intersection(rest):
        at = rest.index(next(a for a in rest if a in _FIND_EXEC))
        tool = posixpath.basename(rest[at + 1]) if at + 1 < len(rest) else ""
        if tool not in _LISTERS:
            roots = []
            for a in rest:
                if a.startswith(("-", "(", "!")):
                    break
                roots.append(a)
            found.opaque.extend((a, cwd) for a in (roots or ["."]))
    elif name in _CONTENT:
        if wrapped and not args:
            found.opaque.append((".", cwd))  # `... | xargs cat`: files we cannot see
        for a in args:
            base = a.rstrip("/").rsplit("/", 1)[-1]
            if base in ("*", "**", "*.*", ".*") or base.startswith("*") and "." not in base:
                found.opaque.append((posixpath.dirname(a) or ".", cwd))


def _simple(words: list[str], cwd: str | None, found: BashFiles, depth: int) -> str | None:
    words = shell_words.expand_braces(words)
    start = _command_index(words)
    # Redirections first: they can sit anywhere in the command.
    args: list[str] = []
    i = start
    while i < len(words):
        word = words[i]
        if word in _REDIRECT_IN or word == "<<":
            if i + 1 < len(words) and word != "<<":
                found.reads.append((words[i + 1], cwd))
            if word == "<<<" and i + 1 < len(words):
                k = _command_index(words)
                _script(posixpath.basename(words[k]) if k < len(words) else "", words[i + 1],
                        cwd, found, depth)
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
        for variant in shell_words.names(word):
            found.reads.append((variant, cwd))
    if 0 < start < len(words) and words[start - 1].startswith("-"):
        # The word taken for the command may be the value of a wrapper's option that
        # names a file (`xargs -a .env echo`, `xargs --arg-file .env`).
        found.reads.extend((v, cwd) for v in shell_words.names(words[start]))
    if not args:
        return cwd
    name = posixpath.basename(args[0])
    rest = args[1:]
    _opaque(name, rest, any(posixpath.basename(w) == "xargs" for w in words[:start]), cwd,
            found)
    if not found.prints and (prints_secret(" ".join([name, *rest])) or decrypts(name, rest)):
        found.prints = " ".join([name, *rest])[:80]
    if name in ("cd", "pushd"):
        target = next((a for a in rest if not a.startswith("-")), "~")
        if target.startswith(("/", "~")) or cwd is None:
            return target
        return posixpath.join(cwd, target)
    if name == "eval":  # its arguments joined with blanks are the script
        _walk(" ".join(rest), cwd, found, depth + 1)
        return cwd
    edits = _in_place(name, rest)
    if name in _SHELLS or name in _INTERPRETERS:
        j = 0
        while j < len(rest):
            flag = rest[j]
            # The program's option, alone or ending a cluster of short ones: a shell's `-c`
            # (`bash -lc`), an interpreter's -c/-e/-E/-r (`python3 -Bc`, `node -pe`, `perl
            # -ne`, `php -r`).
            is_script = flag[:1] == "-" and flag[1:2] != "-" and (
                "c" in flag if name in _SHELLS else flag[-1] in "ceEr")
            if is_script and j + 1 < len(rest):
                if name in _INTERPRETERS:
                    scripts.scan_script(rest[j + 1], cwd, found)
                else:
                    _walk(rest[j + 1], cwd, found, depth + 1)
                j += 2
                continue
            for variant in shell_words.names(rest[j]):
                (found.writes if edits else found.reads).append((variant, cwd))
            j += 1
        return cwd
    skip_pattern = _pattern_first(name, rest)
    target = found.writes if name in _WRITERS or edits else found.reads
    for arg in rest:
        if arg.startswith("-") and "=" not in arg:
            continue
        if skip_pattern and not arg.startswith("-"):
            skip_pattern = False
            continue
        if any(ch.isspace() for ch in arg) and depth < _MAX_DEPTH:
            # A quoted phrase may be a script for a tool we do not know (ssh host "cat x").
            _walk(arg, cwd, found, depth + 1)
            scripts.scan_script(arg, cwd, found)
            continue
        if not _PLAIN_WORD.fullmatch(arg):
            # Code (`echo "print(open('.env').read())" | python3`): its literals count.
            scripts.scan_script(arg, cwd, found)
        for variant in shell_words.names(arg):
            target.append((variant, cwd))
    if name in ("cp", "mv", "install", "rsync", "scp", "ln") and rest:
        # The last argument is the destination: a copy of the source's content lands there.
        found.writes.extend((v, cwd) for v in shell_words.names(rest[-1]))
    return cwd


def bash_shape(command: str) -> dict[str, bool]:
    """How the structural output filter reads this command's output: `grep` when a
    grep-like command is part of it (its output may be attributed line by line),
    `context` when it may print lines it did not match (or it cannot be told), `listing`
    when every command only prints names (ls, find without -exec, grep -l...)."""
    context = bool(_CONTEXT_OPTS.search(command))
    try:
        commands = _split(_tokens(shell_words.heredocs(command)[0]))
    except ValueError:
        return {"context": True, "listing": False, "grep": False}
    listing = bool(commands)
    grep = False
    for words in commands:
        k = _command_index(words)
        name = posixpath.basename(words[k]) if k < len(words) else ""
        rest = words[k + 1:]
        if name in _GREPS or (name == "git" and rest[:1] == ["grep"]):
            grep = True
    for words in commands:
        k = _command_index(words)
        name = posixpath.basename(words[k]) if k < len(words) else ""
        rest = words[k + 1:]
        if name == "find" and not _FIND_EXEC.intersection(rest):
            continue
        if name in _LISTERS and name != "find":
            continue
        if name in _PATTERN_FIRST and _LIST_FLAGS.intersection(rest):
            continue
        if name == "git" and rest[:1] in (["status"], ["ls-files"], ["ls-tree"]):
            continue
        if name in ("cd", "true", ""):
            continue
        listing = False
        break
    return {"context": context, "listing": listing, "grep": grep}


def bash_files(command: str, cwd: str | None = None) -> BashFiles:
    """The candidate paths a Bash command reads and writes (with the cwd each runs in)."""
    found = BashFiles()
    if isinstance(command, str) and command.strip():
        _walk(command, cwd, found, 0)
    return found
