"""The `config` check: does `<state dir>/config.toml` load, and is each destination usable.

It loads the config once for the checks after it (`Context.cfg`; None when it fails).
"""

from __future__ import annotations

from typing import Any

from cctrace.checks.base import FAIL, OK, Check, Context, Spec


def check_config(state_dir: str) -> tuple[Check, Any]:
    from cctrace import config as config_mod

    try:
        cfg = config_mod.load(state_dir)
    except config_mod.ConfigError as exc:
        return Check("config", FAIL, str(exc), "fix it with `cctrace config` or by hand"), None
    from cctrace.export.destinations import problems, safe_url

    bad = problems(cfg)
    if bad:
        return Check("config", FAIL, "; ".join(f"{name} not used: {why}"
                                               for name, why in sorted(bad.items())),
                     "cctrace setup, or cctrace config set KEY VALUE", {"unusable": bad}), cfg
    dests = []
    if cfg.langfuse_enabled:
        dests.append(f"Langfuse {safe_url(cfg.langfuse_base_url or '')}")
    if cfg.otlp_enabled:
        dests.append(f"OTLP {safe_url(cfg.otlp_endpoint or '')}")
    try:
        from cctrace.policy import Policy

        level = Policy.from_config(cfg).level
    except config_mod.ConfigError as exc:
        return Check("config", FAIL, str(exc), "cctrace config list"), cfg
    return Check("config", OK, f"capture level {level}; "
                 + ("; ".join(dests) if dests else "local only"), "",
                 {"destinations": dests, "capture_level": level}), cfg


def _run(ctx: Context) -> list[Check]:
    check, ctx.cfg = check_config(ctx.state_dir)
    return [check]


CHECK = Spec(("config",), _run)
