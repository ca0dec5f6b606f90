"""The `agent` check: erasures and changes of cctrace that looked like an agent's.

`audit.agent_tamper` findings (`cctrace.audit.selferase`) name no session, so no purge
removes them; this check keeps them in front of the user until they have been looked at.
"""

from __future__ import annotations

from cctrace.checks.base import FAIL, OK, Check, Spec


def check_agent_tamper(state_dir: str) -> Check:
    """FAIL while any `audit.agent_tamper` finding is stored, naming the newest."""
    from cctrace.audit.selferase import RULE
    from cctrace.store.db import Store

    with Store.open(state_dir) as store:
        found = [f for f in store.findings(kind="tamper") if f.rule_id == RULE]
    if not found:
        return Check("agent", OK, "no erasure or change of cctrace from inside a session")
    return Check("agent", FAIL, f"{len(found)} erasure(s) or change(s) of cctrace made as if "
                 f"by an agent (latest: {found[0].detail.get('action', '?')})",
                 "cctrace findings --kind tamper (they name the command and why; the "
                 "audit log holds them, `cctrace verify` shows if one goes)",
                 {"findings": len(found)})


CHECK = Spec(("agent",), lambda ctx: [check_agent_tamper(ctx.state_dir)],
             needs_state_dir=True)
