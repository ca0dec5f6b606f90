"""`cctrace flush`: process everything pending and block until it is delivered.

It drains the spool through the same pipeline as the background worker, then delivers the
outbox until nothing is pending or `--timeout` passes. Exit code 0 means everything was
stored and every configured destination confirmed every batch; 1 means something is still
pending or was dead-lettered (the summary says which). Running beside the worker is safe:
ids make processing idempotent and outbox leases keep a batch from being sent twice.
`--drop DEST` deletes the batches waiting for a destination the config no longer names
(they are never sent anywhere else).
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from cctrace import config as config_mod
from cctrace import statedir
from cctrace.cli.main import CliError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "flush",
        help="process everything pending and wait until it is delivered",
        description="Process every spooled hook event and deliver every pending export "
        "batch; exit 0 only when nothing is left pending.",
    )
    p.add_argument("--timeout", type=float, default=60.0, metavar="S",
                   help="give up delivering after S seconds (default 60)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--drop", metavar="DEST",
                   help="delete the batches waiting for DEST (e.g. langfuse, otlp) instead; "
                   "refused while the config still names DEST")
    p.set_defaults(func=run)


def run_drop(name: str, cfg: Any) -> int:
    from cctrace.export.destinations import configured_names
    from cctrace.store.db import Store

    if name in configured_names(cfg):
        raise CliError(f"{name} is still configured; its batches are sent, not dropped "
                       "(remove it from the config first)", code=2)
    with Store.open(cfg.state_dir) as store:
        dropped = store.drop_pending(name)
    print(f"dropped {dropped} batch(es) waiting for {name}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.timeout < 0:
        raise CliError("--timeout must be >= 0", code=2)
    from cctrace.export import outbox
    from cctrace.export.destinations import problems
    from cctrace.store.db import Store
    from cctrace.worker import pipeline

    root = statedir.state_dir()
    try:
        cfg = config_mod.load(root)
    except config_mod.ConfigError as exc:
        raise CliError(str(exc)) from exc
    if args.drop:
        return run_drop(args.drop, cfg)
    deadline = time.monotonic() + args.timeout
    from cctrace.store import recover

    recover.check_store(root)  # a corrupt store is moved aside and rebuilt, not fatal
    try:
        processed = pipeline.drain(root, cfg)
    except config_mod.ConfigError as exc:
        raise CliError(f"{exc} (nothing was processed; the spool is kept)") from exc
    with Store.open(root) as store:
        result = outbox.flush(store, cfg, max(0.0, deadline - time.monotonic()))
        counts = store.outbox_counts()
    summary = {
        "events": processed.events,
        "unusable_events": processed.bad_events,
        "new_observations": processed.new_observations,
        "delivered": result.delivered,
        "pending": result.pending,
        "orphaned": result.orphaned,
        "dead": result.dead,
        "dead_total": counts.get("dead", 0),
        # Delivered in all, by this flush, the worker or earlier flushes (rows kept).
        "delivered_total": {n: d.get("delivered", 0)
                            for n, d in sorted(counts.get("by_destination", {}).items())},
        "destinations": [n for n, on in (("langfuse", cfg.langfuse_enabled),
                                          ("otlp", cfg.otlp_enabled)) if on],
        "unusable": problems(cfg),
        "errors": sorted(set(processed.errors + result.errors))[:10],
    }
    summary["ok"] = result.ok and not summary["unusable"]
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        _print(summary)
    return 0 if summary["ok"] else 1


def _print(s: dict[str, Any]) -> None:
    print(f"processed {s['events']} hook event(s), {s['new_observations']} new observation(s)")
    for name, why in sorted(s["unusable"].items()):
        print(f"not sent to {name}: {why}; its batches wait (fix it with `cctrace config` or "
              "`cctrace setup`)")
    if not s["destinations"] and not s["unusable"]:
        print("no export destination configured: local store only")
        return
    where = ", ".join(s["destinations"])
    before = ", ".join(f"{s['delivered_total'].get(n, 0)} to {n}" for n in s["destinations"])
    if not (s["delivered"] or s["pending"] or s["dead"]):
        # The worker usually got there first: say so rather than "delivered 0".
        print(f"nothing was pending: every batch is delivered ({before} in all, by the "
              "worker or earlier flushes)")
    else:
        print(f"delivered {s['delivered']} batch(es) to {where} now; {s['pending']} pending, "
              f"{s['dead']} dead-lettered ({before} delivered in all)")
    if s["orphaned"]:
        print(f"{s['orphaned']} batch(es) wait for a destination that is no longer configured")
    for err in s["errors"]:
        print(f"  {err}")
