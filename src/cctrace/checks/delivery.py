"""The `destination`, `outbox`, `queued` and `export` checks: what the store says of delivery.

Destination findings, dead and failing batches, batches queued for a destination the config
no longer names, and where the last delivery went (a URL the config does not name fails).
"""

from __future__ import annotations

from typing import Any

from cctrace.checks.base import FAIL, OK, SKIP, WARN, Check, Spec, duration


def check_delivery(state_dir: str, cfg: Any, now_s: float) -> list[Check]:
    from cctrace.export import outbox
    from cctrace.export.destinations import configured_names, destinations, safe_url
    from cctrace.store.db import Store

    with Store.open(state_dir) as store:
        counts = store.outbox_counts()
        dead = store.dead_letters()
        last = store.last_delivered_ns()
        sessions = len(store.sessions(limit=1))
        dest_findings = len(store.findings(kind="destination"))
        failing = store.failing()
    pending_by = {n: c["pending"] for n, c in counts.get("by_destination", {}).items()
                  if c.get("pending")}
    checks = []
    if dest_findings:
        checks.append(Check("destination", FAIL, f"{dest_findings} destination finding(s): "
                            "a session's environment named a destination, key or state dir "
                            "that cctrace ignored", "cctrace findings --kind destination",
                            {"findings": dest_findings}))
    data = {"pending": counts.get("pending", 0), "delivered": counts.get("delivered", 0),
            "dead": counts.get("dead", 0)}
    if dead:
        reason = (dead[0].get("reason") or "")[:120]
        checks.append(Check("outbox", FAIL, f"{len(dead)} batch(es) given up (latest: "
                            f"{reason})", "fix the destination, then re-send with "
                            "`cctrace flush`; details in <state dir>/logs", data))
    elif failing:
        first = failing[0]
        checks.append(Check("outbox", FAIL, "exports failing: " + ", ".join(
            f"{r['destination']} {r['n']} batch(es) retried up to {r['attempts']}x"
            for r in failing) + f" (latest: {(first.get('error') or '')[:120]})",
            "check the destination (cctrace doctor contacts it), then `cctrace flush`",
            {**data, "failing": failing}))
    elif data["pending"]:
        checks.append(Check("outbox", OK if data["pending"] < 100 else WARN,
                            f"{data['pending']} batch(es) waiting to be sent",
                            "cctrace flush" if data["pending"] >= 100 else "", data))
    else:
        checks.append(Check("outbox", OK, "nothing waiting", "", data))
    enabled = bool(cfg and (cfg.langfuse_enabled or cfg.otlp_enabled))
    last_data = dict(last)
    reached = outbox.last_deliveries(state_dir)
    current = {d.name: safe_url(d.url) for d in destinations(cfg)} if cfg else {}
    elsewhere = {n: r["url"] for n, r in reached.items() if current.get(n) != r["url"]}
    last_data["reached"] = {n: r["url"] for n, r in reached.items()}
    orphans = {n: c for n, c in pending_by.items()
               if n not in (configured_names(cfg) if cfg else [])}
    if orphans:
        checks.append(Check("queued", WARN, "batches wait for a destination the config no "
                            "longer names: " + ", ".join(f"{n} {c}" for n, c in
                                                         sorted(orphans.items())),
                            "configure it again (cctrace setup / cctrace config set) to send "
                            "them, or drop them: cctrace flush --drop DEST",
                            {"orphaned": orphans}))
    if not enabled:
        checks.append(Check("export", SKIP, "local only (no destination configured)", "",
                            last_data))
    elif elsewhere:
        checks.append(Check("export", FAIL, "last delivery went to a destination the config "
                            "does not name: " + ", ".join(f"{n} {u}" for n, u in
                                                         sorted(elsewhere.items())),
                            "check `cctrace config list` and `cctrace findings --kind "
                            "destination`", last_data))
    elif last:
        checks.append(Check("export", OK, "last delivery " + ", ".join(
            f"{dest} {duration(now_s - ns / 1e9)} ago"
            + (f" to {reached[dest]['url']}" if dest in reached else "")
            for dest, ns in sorted(last.items())), "", last_data))
    elif sessions or data["pending"]:
        checks.append(Check("export", WARN, "nothing delivered yet",
                            "cctrace flush, then cctrace doctor", last_data))
    else:
        checks.append(Check("export", OK, "nothing recorded yet, nothing to send", "",
                            last_data))
    return checks


CHECK = Spec(("destination", "outbox", "queued", "export"),
             lambda ctx: check_delivery(ctx.state_dir, ctx.cfg, ctx.now_s), needs_state_dir=True)
