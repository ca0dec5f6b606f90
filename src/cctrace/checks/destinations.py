"""The `langfuse` and `otlp` checks: contact each configured destination (`--offline`: a
single `destination` skip instead, nothing contacted)."""

from __future__ import annotations

from typing import Any

from cctrace.checks.base import FAIL, OK, SKIP, Check, Context, Spec
from cctrace.checks.probes import check_langfuse_credentials, check_otlp_endpoint


def check_destinations(cfg: Any) -> list[Check]:
    checks = []
    if cfg is None:
        return checks
    if cfg.langfuse_enabled:
        probe = check_langfuse_credentials(cfg.langfuse_base_url, cfg.langfuse_public_key,
                                           cfg.langfuse_secret_key)
        fix = "" if probe.ok else (
            "check the keys (cctrace setup)" if probe.status_code in (401, 403)
            else "check the URL and your network (cctrace setup)")
        checks.append(Check("langfuse", OK if probe.ok else FAIL, probe.message, fix,
                            {"status_code": probe.status_code}))
    if cfg.otlp_enabled:
        probe = check_otlp_endpoint(cfg.otlp_endpoint, cfg.otlp_headers)
        checks.append(Check("otlp", OK if probe.ok else FAIL, probe.message,
                            "" if probe.ok else "check otlp.endpoint and otlp.headers",
                            {"status_code": probe.status_code}))
    return checks


def _run(ctx: Context) -> list[Check]:
    if not ctx.offline:
        return check_destinations(ctx.cfg)
    if ctx.cfg is not None and (ctx.cfg.langfuse_enabled or ctx.cfg.otlp_enabled):
        return [Check("destination", SKIP, "not contacted (--offline)")]
    return []


CHECK = Spec(("langfuse", "otlp", "destination"), _run)
