"""The words a shell makes of a command's text before a command sees them.

`policy.bash` judges the words of a command as paths; the shell builds many of those words
out of pieces a plain tokenizer does not join: a command or process substitution glued to
a path (`$(pwd)/.env`, `$(git rev-parse --show-toplevel)/.env`, `diff <(echo) .env`,
where the parentheses would otherwise split the word and make its path look like a
command name), a parameter with a default (`${UNSET:-.env}`), a variable assigned earlier
in the same command (`x=nv; cat .e$x`) and a file argument given as `@file` (`curl -d
@.env`). This module owns those expansions: `lift` cuts substitutions out (their bodies
are judged on their own) and leaves one placeholder word in their place, `Variables`
remembers plain assignments and applies them, and `variants` lists what else a word may
name: its defaults, its `@file`, and a path behind an unknown leading folder (a
substitution or an unset variable) tried in the working folder, the home folder and the
root. Over-reporting costs a withheld output; under-reporting leaks a file.
"""

from __future__ import annotations

import re

from cctrace.rules.shellwords import expand_vars, substitutions

# What a lifted substitution leaves in its word (`rules.shellwords` writes it).
PLACEHOLDER = "__subst__"
# `${NAME:-word}`, `${NAME-word}`, `${NAME:=word}`, `${NAME+word}`...: the word may be used.
_DEFAULT = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=+?]([^{}]*)\}")
# A word that starts with a folder only the running shell knows (`__subst__/x`, `$D/x`).
_UNKNOWN_HEAD = re.compile(r"^(?:" + PLACEHOLDER + r"|\$[A-Za-z_][A-Za-z0-9_]*"
                           r"|\$\{[A-Za-z_][A-Za-z0-9_]*\})/+(.+)$")
_NAME_VALUE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.DOTALL)
# Builtins whose arguments are assignments (`export X=.env`, `declare -r X=.env`).
_DECLARERS = frozenset({"export", "declare", "typeset", "local", "readonly"})
# Variables remembered per command (a command can hold no more than this many that matter).
_MAX_VARIABLES = 64


def lift(command: str) -> tuple[str, list[str]]:
    """The command with every `$(...)`, backtick, `<(...)` and `>(...)` replaced by
    `PLACEHOLDER` (one word with what surrounds it), and the bodies cut out."""
    text, inner = substitutions(command)
    return text, [body for _, body in inner]


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

    def note(self, words: list[str]) -> None:
        """Remember the assignments of a simple command made only of assignments (or of a
        declaring builtin and its assignments)."""
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
