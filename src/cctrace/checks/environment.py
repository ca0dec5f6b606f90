"""The `environment` check: variables of this shell that capture ignores, and where they go."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cctrace.checks.base import OK, SKIP, WARN, Check, Spec


def check_environment(cfg: Any, env: Mapping[str, str]) -> Check:
    """Variables of this shell that capture does not read, and how to move them."""
    from cctrace.security import envcheck

    if cfg is None:
        return Check("environment", SKIP, "config not loaded", "")
    lines = envcheck.shell_report(cfg, env)
    note = envcheck.transport_report(env)
    if not lines:
        return Check("environment", OK, note or "no ignored cctrace or Langfuse variable set",
                     "", {"transport": note})
    return Check("environment", WARN, "; ".join(lines),
                 "cctrace setup --from-env copies them into the config and the keychain; "
                 "then unset them", {"ignored": lines, "transport": note})


CHECK = Spec(("environment",), lambda ctx: [check_environment(ctx.cfg, ctx.env)])
