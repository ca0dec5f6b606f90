"""The `limits` check: spool, store and logs against their caps, and what a cap has cost."""

from __future__ import annotations

import os
from typing import Any

from cctrace.checks.base import OK, WARN, Check, Spec


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def check_limits(state_dir: str, cfg: Any) -> Check:
    """Spool, store and logs against their caps: warn from `WARN_SHARE` of a cap on, and
    when a cap has already cost something (events dropped, traces evicted, ingestion paused)."""
    from cctrace.spool import limits as spool_limits
    from cctrace.spool.diag import log_path
    from cctrace.store.db import Store
    from cctrace.worker import limits

    caps = limits.caps(cfg) if cfg is not None else limits.Caps()
    used = {"spool": spool_limits.spool_usage(state_dir)[1], "store": 0, "log": 0}
    with Store.open(state_dir) as store:
        used["store"] = store.live_bytes()
        counters = store.counters()
    for name in ("hook", "worker"):
        try:
            used["log"] = max(used["log"], os.path.getsize(log_path(state_dir, name)))
        except OSError:
            pass
    cap_of = {"spool": caps.spool_bytes, "store": caps.store_bytes, "log": caps.log_bytes}
    data: dict[str, Any] = {f"{k}_bytes": v for k, v in used.items()}
    data.update({f"{k}_cap_bytes": v for k, v in cap_of.items()})
    from cctrace.hook.main import read_counters

    paid = (("dropped_cap", "events dropped at the spool cap",
             read_counters(state_dir).get("hook.dropped_cap", 0)),
            ("evicted_cap", "traces evicted at the store cap",
             counters.get("store.evicted_cap", 0)),
            ("full_cap", "ingestion pauses at the store cap", counters.get("store.full_cap", 0)))
    data.update({key: n for key, _, n in paid})
    near = [f"{k} {_mb(used[k])} of {_mb(cap)}" for k, cap in cap_of.items()
            if cap and used[k] >= spool_limits.WARN_SHARE * cap]
    costs = [f"{n} {what}" for _, what, n in paid if n]
    if near or costs:
        return Check("limits", WARN, "; ".join(near + costs),
                     "cctrace flush (a destination that is down keeps the spool and store "
                     "full), or raise limits.spool_mb / limits.store_mb with cctrace config "
                     "set", data)
    shown = ", ".join(f"{k} {_mb(used[k])}" + (f" of {_mb(cap)}" if cap else "")
                      for k, cap in cap_of.items())
    return Check("limits", OK, shown, "", data)


CHECK = Spec(("limits",), lambda ctx: [check_limits(ctx.state_dir, ctx.cfg)],
             needs_state_dir=True)
