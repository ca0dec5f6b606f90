"""`cctrace verify`: check the audit trail (chain, Merkle roots, signatures, key chain,
checkpoints), the store against it (every row changed, deleted or added behind cctrace's
back is named), optionally against anchors and against what Langfuse holds; print an
inclusion proof for one event.

Exit codes: 0 intact, 1 damage found (the first bad entry and its kind are printed),
2 usage error or nothing to verify, 3 the event is unknown or not sealed yet.
"""

from __future__ import annotations

import argparse
import base64
import json
from typing import Any

from cctrace import config as config_mod
from cctrace import statedir
from cctrace.cli.main import CliError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "verify",
        help="verify the tamper-evident audit trail",
        description="Recompute the audit log's hash chain and Merkle tree, check every "
        "checkpoint signature and the chain of signing keys, and compare with anchors.",
    )
    p.add_argument("--anchors", action="append", default=[], metavar="PATH",
                   help="anchor file or directory to compare with (repeatable; the "
                        "[audit] anchor_paths of the config are always used)")
    p.add_argument("--event", metavar="ID",
                   help="print and check the inclusion proof of one entry (observation "
                        "id, hook:<seq>, or a unique prefix)")
    p.add_argument("--langfuse", action="store_true",
                   help="also compare with the checkpoints recorded in Langfuse trace metadata")
    p.add_argument("--log-only", action="store_true",
                   help="check the audit files only, not the store against them")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cctrace.audit import proofs, settings_from_config, verify

    root = statedir.state_dir()
    try:
        cfg = config_mod.load(root)
        settings = settings_from_config(cfg)
    except (config_mod.ConfigError, ValueError) as exc:
        raise CliError(str(exc), code=2) from exc
    anchors = list(dict.fromkeys([*settings.all_anchors(), *args.anchors]))
    report = verify.verify_state(root, anchors, check_store=not args.log_only,
                                 own_anchor=settings.default_anchor)
    if report.entries == 0 and report.checkpoints == 0 and report.ok:
        raise CliError("no audit log in this state dir yet", code=2)
    if args.langfuse:
        if not cfg.langfuse_enabled:
            raise CliError("--langfuse needs Langfuse credentials in the config", code=2)
        remote = _langfuse_checkpoints(cfg)
        verify.check_remote(report, verify.local_checkpoints(root), remote)
    out: dict[str, Any] = report.to_dict()
    code = 0 if report.ok else 1
    if args.event:
        pos = proofs.find_entry(report, args.event)
        if pos is None:
            raise CliError(f"no single audit entry matches {args.event!r}", code=3)
        try:
            proof = proofs.inclusion(report, pos)
        except LookupError as exc:
            raise CliError(str(exc), code=3) from exc
        out["inclusion"] = proof.to_dict()
        if not proof.verified:
            code = 1
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        _print(out)
    return code


def _print(out: dict[str, Any]) -> None:
    latest = out["latest"]
    print(f"{out['entries']} entries, {out['checkpoints']} checkpoints, "
          f"{out['epochs']} key epochs" + (f", {out['anchored_checkpoints']} anchored "
                                           "checkpoint(s) compared"
                                           if out["anchored_checkpoints"] else ""))
    if latest:
        print(f"latest checkpoint {latest['n']}: size {latest['size']} root {latest['root']}")
    if out["genesis_key"]:
        print(f"genesis key {out['genesis_key']}")
    for w in out["warnings"]:
        print(f"warning: {w}")
    for d in out["damage"]:
        if d["target"] == "store":
            print(f"DAMAGE (store, {d['kind']}): {d['message']}")
        else:
            print(f"DAMAGE ({d['target']}, {d['kind']}) at line {d['position'] + 1}: "
                  f"{d['message']}")
    if not out["damage"]:
        rows = out.get("store_rows")
        print("OK: the audit trail is intact" + (
            f" and the store matches it ({rows} rows checked)" if rows is not None else ""))
    inc = out.get("inclusion")
    if inc:
        print(f"entry {inc['index']} ({inc['entry'].get('k')} {inc['entry'].get('id')}) in tree "
              f"of size {inc['tree_size']}, checkpoint {inc['checkpoint']['n']}")
        print(f"leaf {inc['leaf_hash']}")
        print(f"proof ({inc['proof_bytes']} bytes): {inc['path']}")
        print("inclusion proof: " + ("VALID" if inc["verified"] else "INVALID"))


def _langfuse_checkpoints(cfg: config_mod.Config) -> list[dict[str, Any]]:
    """Checkpoint summaries found in Langfuse trace metadata (GET /api/public/traces)."""
    import requests

    from cctrace.audit.verify import remote_from_attributes

    auth = base64.b64encode(
        f"{cfg.langfuse_public_key}:{cfg.langfuse_secret_key}".encode()).decode()
    base = (cfg.langfuse_base_url or "").rstrip("/")
    found: dict[tuple[str, int], dict[str, Any]] = {}
    page = 1
    while page <= 200:
        try:
            resp = requests.get(f"{base}/api/public/traces",
                                params={"page": page, "limit": 100, "fields": "core"},
                                headers={"Authorization": f"Basic {auth}"}, timeout=30)
        except requests.RequestException as exc:
            raise CliError(f"Langfuse unreachable: {exc.__class__.__name__}") from exc
        if resp.status_code != 200:
            raise CliError(f"Langfuse answered {resp.status_code}")
        body = resp.json()
        for trace in body.get("data") or []:
            meta = trace.get("metadata")
            if isinstance(meta, dict):
                r = remote_from_attributes(meta)
                if r:
                    found[(r["log"], r["n"])] = r
        total = (body.get("meta") or {}).get("totalPages") or 1
        if page >= total:
            break
        page += 1
    return sorted(found.values(), key=lambda r: r["n"])
