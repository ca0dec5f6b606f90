"""The paths a script may open, read out of text that is not parsed as shell.

`policy.bash` parses shell; a program given to an interpreter (`python -c`, a heredoc fed to
`node`), a quoted phrase a command we do not know may run (`ssh host "cat x"`) and text past
the parser's depth are scanned instead: every path-like word, every quoted literal, and runs
of two to four literals joined as a path, also from the home folder
(`os.path.join(home, '.ssh', 'id_rsa')`, `Path.home() / '.aws' / 'credentials'`). A script
longer than what is read marks the command unjudged (withheld). Over-reporting costs a
withheld output; under-reporting leaks a file.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cctrace.policy import words as shell_words

if TYPE_CHECKING:
    from cctrace.policy.bash import BashFiles

_PATHLIKE = re.compile(r"[\w.~/$@%+,:={}\-\[\]*?]+")
# Quoted literals of a script (Python, JS, Ruby, Perl, shell).
_LITERAL = re.compile(r"""(['"`])((?:\\.|(?!\1)[^\\\n])*)\1""")


def scan_loose(text: str, cwd: str | None, found: BashFiles) -> None:
    """Every path-like word of `text`, in each form it may name a file."""
    for word in _PATHLIKE.findall(text):
        for variant in shell_words.names(word.strip(",;'\"").rstrip(".:")):
            found.reads.append((variant, cwd))


def scan_script(text: str, cwd: str | None, found: BashFiles) -> None:
    """Paths a script (Python, JS, Ruby, Perl...) may open: every path-like word, every
    quoted literal, and runs of literals joined as a path (`os.path.join(home, '.ssh',
    'id_rsa')`, `Path.home() / '.aws' / 'credentials'`), also from the home folder."""
    scan_loose(text, cwd, found)
    literals = [m.group(2) for m in _LITERAL.finditer(text[:200_000])]
    if len(text) > 200_000 or len(literals) > 2000:
        found.unjudged = True
    for i, lit in enumerate(literals[:2000]):
        if lit:
            found.reads.append((lit, cwd))
            if lit.startswith("/"):
                found.reads.append(("~" + lit, cwd))  # os.environ['HOME'] + '/.aws/...'
        for n in (2, 3, 4):
            window = literals[i:i + n]
            if len(window) == n and all(window):
                joined = "/".join(w.strip("/") for w in window)
                found.reads.append((joined, cwd))
                found.reads.append(("~/" + joined, cwd))
                found.reads.append(("".join(window), cwd))  # '.e' + 'nv'
