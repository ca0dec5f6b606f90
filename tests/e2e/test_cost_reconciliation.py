"""Every dollar and token cctrace reports equals Claude Code's own count (issue 14, item 4).

For each recorded release (the pinned 2.1.x, and 1.0.128 / 2.0.77 where installed under
`.compat/V` as `.ci/run` does, or listed in `CCTRACE_COMPAT_BINS`), one scenario runs the
real CLI with `claude -p --output-format json` against the scripted model server, with
cctrace installed: a foreground subagent, a Bash call, a background subagent (2.1.x), a
manual compaction, a resumed run after it, and a fork of the session. Claude Code's count
is the `result` record of each run (`total_cost_usd`, `modelUsage`): on 2.1.x the session's
running total (a fork starts from its parent's), on 1.0.x / 2.0.x per invocation.

Per session, to the token: the tokens of cctrace's generations plus the *residue* (model
calls the server answered that no transcript records: compaction calls, 1.0.x / 2.0.x
side calls about Bash commands, 2.0.x Warmup calls of a resumed run that name only the
run's provisional session id) equal Claude Code's `modelUsage`; every residue call is of
such a kind. Every traced call is counted once, under the session whose run made it (a
fork's copied history under its parent, on every release). To the dollar (1e-9):
`cctrace sessions --json` shows Claude Code's own figure on 2.1.x and the table's price
plus the residue's on older releases. docs/cost.md explains the residue.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from cctrace.store.cost import model_usage_details, price
from cctrace.transcript.records import usage_details
from support.claude import REPO, claude_bin, claude_version, subagent_tool_for
from support.model_server import ModelServer, ToolUse, text, tools
from support.otlp_receiver import OTLPReceiver
from support.traced import TracedSession

pytestmark = pytest.mark.e2e


def _binaries() -> list[Any]:
    found: list[Path] = []
    pinned = claude_bin()
    if pinned is not None:
        found.append(pinned)
    listed = [Path(b) for b in os.environ.get("CCTRACE_COMPAT_BINS", "").split(os.pathsep)
              if b.strip()]
    for v in ("1.0.128", "2.0.77"):
        local = REPO / ".compat" / v / "node_modules" / ".bin" / "claude"
        if local.exists() and not any(str(v) in str(b) for b in listed):
            listed.append(local)
    found += [b for b in listed if b.exists()]
    # ids: "pinned", or the folder the release was installed into (`.compat/2.0.77`).
    return [pytest.param(b, id="pinned" if b == pinned else b.parent.parent.parent.name)
            for b in found]


BINARIES = _binaries()


def _old(version: str) -> bool:
    return version.startswith(("1.", "2.0."))


def _result(stdout: str) -> dict[str, Any]:
    """The `result` record of `claude -p --output-format json [--verbose]`."""
    doc = json.loads(stdout)
    if isinstance(doc, list):
        doc = [m for m in doc if isinstance(m, dict) and m.get("type") == "result"][-1]
    assert doc.get("type") == "result", doc
    return doc


def _cc_tokens(model_usage: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {m: {k: v for k, v in model_usage_details(u).items() if v}
            for m, u in model_usage.items()}


def _add(into: dict[str, dict[str, int]], model: str, usage: dict[str, int]) -> None:
    for k, v in usage.items():
        if v:
            into.setdefault(model, {})
            into[model][k] = into[model].get(k, 0) + v


def _minus(a: dict[str, dict[str, int]], b: dict[str, dict[str, int]]
           ) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for m, usage in a.items():
        for k, v in usage.items():
            left = v - b.get(m, {}).get(k, 0)
            if left:
                out.setdefault(m, {})[k] = left
    return out


def _scenario(t: TracedSession, server: ModelServer, version: str) -> list[dict[str, Any]]:
    """Run the scenario; one entry per run: its session, result and server requests."""
    agent = subagent_tool_for(version)
    (t.home.project / "a.txt").write_text("alpha\nbeta\n")
    fg = {"description": "Inspect a.txt", "prompt": "Read a.txt [rc-sub]",
          "subagent_type": "general-purpose"}
    if not _old(version):
        fg["run_in_background"] = False
    server.add("[rc-1]", [tools(ToolUse(agent, fg)), text("The subagent read a.txt.")])
    server.add("[rc-sub]", [tools(ToolUse("Read", {"file_path": t.p("a.txt")})),
                            text("a.txt has two lines.")])
    server.add("[rc-2]", [tools(ToolUse("Bash", {"command": "wc -l a.txt",
                                                 "description": "Count lines"})),
                          text("a.txt has 2 lines.")])
    server.add("[rc-bg]", [
        tools(ToolUse(agent, {"description": "Count bytes",
                              "prompt": "Count the bytes of a.txt [rc-bg-task]",
                              "subagent_type": "general-purpose",
                              "run_in_background": True})),
        text("Waiting for the subagent."),
        text("The subagent counted 11 bytes."),
        text("Done."),
    ])
    server.add("[rc-bg-task]", [tools(ToolUse("Bash", {"command": "wc -c a.txt",
                                                       "description": "Count bytes"})),
                                text("a.txt has 11 bytes.")])
    server.add("[rc-3]", [text("Done after compaction.")])
    server.add("[rc-4]", [text("The forked answer.")])
    plan: list[tuple[str, list[str]]] = [("Use a subagent to read a.txt [rc-1]", []),
                                         ("Count the lines of a.txt [rc-2]", [])]
    if not _old(version):
        plan.append(("Count bytes with a background subagent [rc-bg]", []))
    plan += [("/compact", []), ("Finish up [rc-3]", []),
             ("Answer on a fork [rc-4]", ["--fork-session"])]
    runs = []
    for n, (prompt, extra) in enumerate(plan):
        before = len(server.requests)
        res = t.home.run(prompt, session_id=t.session_id if n == 0 else None,
                         resume=None if n == 0 else t.session_id, output_format="json",
                         extra_args=extra, timeout=180).check()
        result = _result(res.stdout)
        runs.append({"prompt": prompt, "session_id": result["session_id"], "result": result,
                     "requests": [r for r in server.requests[before:]
                                  if r.status == 200 and r.message_id]})
    return runs


def _late_warmups(runs: list[dict[str, Any]], gens: dict[str, dict[str, Any]]
                  ) -> list[dict[str, Any]]:
    """The traced Warmup calls of `runs` whose reply came after their run's answer (the
    run's last other call)."""
    late = []
    for r in runs:
        mine = [gens[q.message_id] for q in r["requests"] if q.message_id in gens]
        answered = max((g["end_ns"] for g in mine if not g["metadata"].get("warmup")),
                       default=None)
        late += [g for g in mine if g["metadata"].get("warmup") and answered is not None
                 and g["end_ns"] > answered]
    return late


def _late_warmups_omitted(total: dict[str, dict[str, int]], cc: dict[str, dict[str, int]],
                          late: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The smallest subset of `late` whose calls make up `total` minus `cc` exactly
    ([] when they are equal), None when no subset does."""
    for size in range(len(late) + 1):
        for subset in combinations(late, size):
            counted = {m: dict(u) for m, u in cc.items()}
            for g in subset:
                _add(counted, g["model"], g["usage"])
            if counted == total:
                return list(subset)
    return None


def _explain(runs: list[dict[str, Any]], traced_ids: set[str]) -> str:
    """Each run's Claude Code count and the calls the server answered (for a failure)."""
    lines = []
    for r in runs:
        lines.append(f"{r['prompt']} -> {r['session_id']} "
                     f"{json.dumps(_cc_tokens(r['result'].get('modelUsage') or {}))}")
        lines += [f"    {q.kind} {q.marker} {q.model} {q.usage} "
                  f"{'traced' if q.message_id in traced_ids else 'residue'}"
                  for q in r["requests"]]
    return "\n".join(lines)


@pytest.mark.parametrize("binary", BINARIES)
def test_cost_and_tokens_reconcile_with_claude_code(binary, tmp_path, _isolated_state):
    version = claude_version(binary)
    assert version, binary
    with ModelServer(id_seed=f"rc-{version}") as server, OTLPReceiver() as receiver:
        t = TracedSession(tmp_path / "run", server, receiver, _isolated_state, binary=binary)
        t.install()
        runs = _scenario(t, server, version)
        flushed = t.flush()
        assert flushed.returncode == 0, flushed.stderr
        listed = t.cctrace("sessions", "--json")
        assert listed.returncode == 0, listed.stderr
        sessions = {s["id"]: s for s in json.loads(listed.stdout)["sessions"]}
        shown = {sid: t.show() if sid == t.session_id else json.loads(
            t.cctrace("show", sid, "--json").stdout) for sid in sessions}

    session_ids = list(dict.fromkeys(r["session_id"] for r in runs))
    parent, fork = t.session_id, runs[-1]["session_id"]
    assert session_ids == [parent, fork] and set(sessions) == {parent, fork}

    # 1.0.x / 2.0.x: the `-p /compact` result reports the compaction's cost but no tokens
    # (modelUsage {}): the calls of such a run, traced or not, stay out of the token
    # comparison (their cost is compared).
    unreported = {q.message_id for r in runs
                  if r["prompt"] == "/compact" and not r["result"].get("modelUsage")
                  for q in r["requests"]}
    made_by = {q.message_id: r["session_id"] for r in runs for q in r["requests"]}
    traced_ids: set[str] = set()
    gens: dict[str, dict[str, Any]] = {}
    traced: dict[str, dict[str, dict[str, int]]] = {}
    for sid, doc in shown.items():
        traced[sid] = {}
        for trace in doc["traces"]:
            for o in trace["observations"]:
                if o["type"] == "generation":
                    mid = o["metadata"]["message_id"]
                    assert mid not in traced_ids, ("counted twice", mid)
                    traced_ids.add(mid)
                    # Each call is counted under the session whose run made it: a fork's
                    # copied history under its parent, a run's warmups under its session.
                    assert made_by.get(mid) == sid, (version, mid, made_by.get(mid), sid)
                    gens[mid] = o
                    if mid not in unreported:
                        _add(traced[sid], o["model"], o["usage"])

    # Claude Code's own count per session.
    cc_cost: dict[str, float] = defaultdict(float)
    cc_tokens: dict[str, dict[str, dict[str, int]]] = {sid: {} for sid in session_ids}
    if _old(version):  # per invocation
        for r in runs:
            cc_cost[r["session_id"]] += r["result"]["total_cost_usd"]
            for m, u in _cc_tokens(r["result"]["modelUsage"]).items():
                _add(cc_tokens[r["session_id"]], m, u)
    else:  # the running total; the fork's starts from its parent's
        last = {r["session_id"]: r["result"] for r in runs}
        at_fork = runs[-2]["result"]
        cc_cost[parent] = last[parent]["total_cost_usd"]
        cc_cost[fork] = last[fork]["total_cost_usd"] - at_fork["total_cost_usd"]
        cc_tokens[parent] = _cc_tokens(last[parent]["modelUsage"])
        cc_tokens[fork] = _minus(_cc_tokens(last[fork]["modelUsage"]),
                                 _cc_tokens(at_fork["modelUsage"]))

    for sid in session_ids:
        residue: dict[str, dict[str, int]] = {}
        residue_usd = 0.0
        for r in runs:
            if r["session_id"] != sid:
                continue
            tokens_unreported = r["prompt"] == "/compact" and not r["result"].get("modelUsage")
            if tokens_unreported:
                assert _old(version), (version, r["result"])
            for req in r["requests"]:
                if req.message_id in traced_ids:
                    continue
                allowed = {"aux", "warmup"} | ({"compact", "unscripted"}
                                               if r["prompt"] == "/compact" else set())
                assert req.kind in allowed, (version, r["prompt"], req.kind, req.marker)
                # Only a resumed run's warmups can escape (when they name only the run's
                # provisional id); the first run and the fork name their own session.
                if req.kind == "warmup":
                    assert r is not runs[0] and r is not runs[-1], (
                        "the first run's and the fork's Warmup calls must be traced")
                usage = usage_details(req.usage)
                if not tokens_unreported:
                    _add(residue, req.model, usage)
                priced = price(req.model, usage)
                residue_usd += priced["total"] if priced else 0.0
        total: dict[str, dict[str, int]] = {}
        for part in (traced[sid], residue):
            for m, u in part.items():
                _add(total, m, u)
        # 2.0.x counts a run's Warmup calls into its `-p` result only if they came back
        # before it wrote the result: under load, a Warmup whose reply came after the run's
        # answer may be missing from Claude Code's count, though billed and on disk (and
        # counted by cctrace). Such late Warmups are the only difference allowed: exactly
        # the calls of a subset of them (docs/cost.md).
        omitted = _late_warmups_omitted(total, cc_tokens[sid], _late_warmups(
            [r for r in runs if r["session_id"] == sid and r["prompt"] != "/compact"],
            gens))
        if omitted is None:
            print(_explain(runs, traced_ids))
        assert omitted is not None, (version, sid, total, cc_tokens[sid])
        assert not omitted or _old(version), (version, omitted)
        omitted_usd = sum(o["cost"]["total"] for o in omitted)

        s = sessions[sid]
        assert s["unpriced_tokens"] == 0, s
        if _old(version):
            assert s["cost_source"] == "table"
            assert s["cost"] + residue_usd - omitted_usd == pytest.approx(cc_cost[sid],
                                                                          abs=1e-9)
        else:
            assert s["cost_source"] == "claude-code"
            assert s["cost"] == pytest.approx(cc_cost[sid], abs=1e-9)
            assert s["claude_code"]["tokens"] == cc_tokens[sid]
        assert round(s["cost"] + (residue_usd - omitted_usd if _old(version) else 0),
                     2) == round(cc_cost[sid], 2)

    # The fork's copied history is counted once, under the session that made those calls.
    fork_gens = [o for tr in shown[fork]["traces"] for o in tr["observations"]
                 if o["type"] == "generation" and not o["metadata"].get("warmup")]
    assert [o["metadata"]["message_id"] for o in fork_gens] == [
        r.message_id for r in runs[-1]["requests"] if r.kind == "scripted"]
