"""The shape every health check shares: a verdict (`Check`), what it may read (`Context`), and
its registry entry (`Spec`).

A check module exposes `CHECK = Spec(names, run)`: `run(ctx)` returns its verdicts (none when
it does not apply), each named from `names`; `registry.py` lists the modules in the order
`doctor` prints them. The `Context` carries what earlier checks learned (the Claude Code
version, the loaded config, the verdicts so far), so no check repeats another's work.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
MARK = {OK: "OK  ", WARN: "WARN", FAIL: "FAIL", SKIP: "skip"}


@dataclass
class Check:
    """One verdict: `fix` says what to run or change when status is warn or fail."""

    name: str
    status: str
    detail: str
    fix: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def json(self) -> dict[str, Any]:
        """The verdict as `doctor --json` / `status --json` print it (keys in field order)."""
        return asdict(self)


@dataclass
class Context:
    """Where the checks look, and what the checks before this one found."""

    cwd: str
    env: Mapping[str, str]
    state_dir: str
    now_s: float
    offline: bool
    probe_claude: bool = True
    version: Any = None  # Claude Code's version, set by the `claude` check
    cfg: Any = None  # the loaded config, set by the `config` check (None: it did not load)
    done: list[Check] = field(default_factory=list)  # verdicts so far, in order

    def earlier(self, name: str) -> Check | None:
        """The verdict named `name` an earlier check returned, if any."""
        return next((c for c in self.done if c.name == name), None)


@dataclass(frozen=True)
class Spec:
    """One registry entry: the check names it may report and how to run it."""

    names: tuple[str, ...]
    run: Callable[[Context], list[Check]]
    needs_state_dir: bool = False  # opens the store: only once the state dir exists


def read_settings(path: str) -> tuple[dict[str, Any] | None, str | None]:
    """A Claude Code settings file (None when absent) and the error that made it unreadable."""
    from cctrace.install import settings as st

    try:
        return st.read(path), None
    except st.SettingsError as exc:
        return None, str(exc)


def duration(seconds: float | None) -> str:
    """A duration for a person: 42s, 12m, 3.5h, 2.0d."""
    if seconds is None:
        return "?"
    if seconds < 90:
        return f"{seconds:.0f}s"
    if seconds < 5400:
        return f"{seconds / 60:.0f}m"
    if seconds < 172800:
        return f"{seconds / 3600:.1f}h"
    return f"{seconds / 86400:.1f}d"
