"""The check registry: which modules under `checks/` run, in what order, and running them.

A check is added by writing its module (exposing `CHECK`, a `base.Spec`) and listing it here.
Order matters: `claude` finds the version `hooks` judges against, `config` loads the config
later checks read, `permissions` runs before anything opens the store (opening it tightens
the database file's mode), `keychain` before the checks that open the store (a store key
the keychain does not return skips them, with its reason given once), `runtime` before
`worker` (whose fix points at it).
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Mapping
from functools import cache

from cctrace import statedir
from cctrace.checks.base import FAIL, SKIP, WARN, Check, Context, Spec
from cctrace.security.keys import KeyUnavailable

ORDER: tuple[str, ...] = (
    "claude", "hooks", "pin", "config", "environment", "permissions", "keychain", "runtime",
    "worker",
    "writable", "hookcounters", "delivery", "limits", "transcripts", "quarantine",
    "destinations", "agenttamper",
)


@cache
def load(name: str) -> Spec:
    """The `CHECK` of module `cctrace.checks.<name>`."""
    spec = importlib.import_module(f"cctrace.checks.{name}").CHECK
    if not isinstance(spec, Spec):
        raise TypeError(f"cctrace.checks.{name}.CHECK is not a Spec")
    return spec


def specs() -> list[Spec]:
    """Every registered check, in the order they run."""
    return [load(name) for name in ORDER]


def run_checks(*, offline: bool, cwd: str | None = None, env: Mapping[str, str] | None = None,
               state_dir: str | None = None, now_s: float | None = None,
               probe_claude: bool = True) -> list[Check]:
    """Every check, in the order `doctor` prints them."""
    ctx = Context(cwd=cwd or os.getcwd(), env=os.environ if env is None else env,
                  state_dir=state_dir or statedir.state_dir(),
                  now_s=time.time() if now_s is None else now_s, offline=offline,
                  probe_claude=probe_claude)
    for spec in specs():
        if spec.needs_state_dir and not os.path.isdir(ctx.state_dir):
            continue
        try:
            ctx.done += spec.run(ctx)
        except KeyUnavailable:
            # The `keychain` check, earlier, says why and what to run; the rest of the
            # report must still come.
            ctx.done.append(Check(spec.names[0], SKIP, "not checked: the store cannot be "
                                  "opened without its key (see the keychain check)"))
    return ctx.done


def exit_code(checks: list[Check], strict: bool = False) -> int:
    """1 when a check failed (`strict`: or warned), else 0."""
    bad = {FAIL, WARN} if strict else {FAIL}
    return 1 if any(c.status in bad for c in checks) else 0
