"""Load benchmark: concurrent real Claude Code sessions, then a hook-payload replay flood.

(a) `--sessions N` (default 16) real CLI sessions run at once against the scripted model
server (`tests/support/`), each with its own temp HOME and cctrace installed there by
`cctrace install --scope user`, all sharing ONE `CCTRACE_HOME` (one spool, one store, one
worker lock). Each prompt makes two rounds of parallel tool calls. After `cctrace flush`
the spans the OTLP receiver accepted are compared by span id with a clean `cctrace import`
of copies of the same transcripts into a separate state dir (lost, duplicated, unexpected),
the stored hook events are checked against the tool calls and turns of the transcripts, and
the Stop hook's wall time is read from the transcripts' `system`/`stop_hook_summary`
records (`hookInfos[].durationMs`, measured by Claude Code itself).

(b) Recorded hook payloads of the 2.1.x fixtures are replayed through the real hook
(`python -S hook/entry.py`, one process per event as Claude Code does) by several
concurrent senders at `--rate` events/s (default 1,000) for `--seconds` (default 10), with
the real background worker; then `cctrace flush`. Reports events offered, sent (hook exit
0), stored, counted drops, lost, the hook's wall time, and spans against the import.
A sender that falls behind the schedule sends as fast as it can until the deadline; the
achieved rate is reported next to the target (hook start-up is ~15-20 ms of CPU, so 1,000
processes/s needs ~15-20 cores).

(b2) The same flood without interpreter start-up: several sender *processes* append the
payloads with the hook's own spool writer (`cctrace.spool.writer.append`, fsync on, as the
hook does) at `--rate` for `--seconds`, then `cctrace flush`: whether the spool, its lock
and the worker keep up with 1,000 events/s and lose nothing.

Not part of the test suite. Usage:
    python bench/load.py [--sessions 16] [--rate 1000] [--seconds 10] [--senders 8]
                         [--skip-sessions] [--skip-replay]
Prints markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from support import replay  # noqa: E402
from support.claude import claude_bin, copy_session  # noqa: E402
from support.configure import otlp_toml, write_config  # noqa: E402
from support.hookrun import hook_argv  # noqa: E402
from support.model_server import ModelServer, ToolUse, text, tools  # noqa: E402
from support.otlp_receiver import OTLPReceiver  # noqa: E402
from support.traced import TracedSession  # noqa: E402

REPLAY_FIXTURES = ("multi_turn", "parallel_tools", "subagent", "subagent_foreground",
                   "tool_errors", "thinking", "compact", "api_error")


# ------------------------------------------------------------------------------- helpers


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def tally(accepted: list[str], expected: dict[str, str] | set[str]) -> dict[str, int]:
    counts = Counter(accepted)
    return {"expected": len(expected), "accepted": len(accepted),
            "distinct": len(counts), "lost": len(set(expected) - set(counts)),
            "duplicated": sum(n - 1 for n in counts.values() if n > 1),
            "unexpected": len(set(counts) - set(expected))}


def obs_span_ids(receiver: OTLPReceiver) -> tuple[list[str], int]:
    """(accepted observation span ids, number of finding spans): findings depend on hook
    events, not transcripts, so the import cannot predict them; they are counted apart."""
    spans = receiver.spans()
    obs = [s["span_id"] for s in spans if not str(s.get("name", "")).startswith("finding ")]
    return obs, len(spans) - len(obs)


def import_ids(transcripts: list[Path], tmp: Path) -> dict[str, str]:
    """Observation ids of a clean import of `transcripts` into a fresh state dir."""
    from cctrace.cli.importer import import_paths
    from cctrace.store.db import Store

    state = tmp / "import-state"
    old = os.environ.get("CCTRACE_CONFIG")
    os.environ["CCTRACE_CONFIG"] = str(tmp / "none.toml")
    try:
        import_paths([str(p) for p in transcripts], export=False, live_minutes=0,
                     state_dir=str(state))
    finally:
        if old is None:
            os.environ.pop("CCTRACE_CONFIG", None)
        else:
            os.environ["CCTRACE_CONFIG"] = old
    with Store.open(str(state)) as store:
        return {r[0]: f"{r[1]} {r[2]!r}"
                for r in store._read("SELECT id, type, name FROM observations")}


def stored_ids(state: Path) -> set[str]:
    from cctrace.store.db import Store

    with Store.open(str(state)) as store:
        return {r[0] for r in store._read("SELECT id FROM observations")}


def lost_detail(received: list[str], expected: dict[str, str], state: Path) -> list[str]:
    """What each lost span is, and whether the hook path stored it (then it was not sent)."""
    have = stored_ids(state)
    return [f"{sid} {what} ({'stored, not sent' if sid in have else 'never built'})"
            for sid, what in sorted(expected.items()) if sid not in set(received)]


def store_events(state: Path) -> tuple[Counter[str], set[tuple[str, str]], dict[str, int]]:
    """(events by name, (event, tool_use_id) pairs, counters) of a state dir."""
    from cctrace.spool import diag
    from cctrace.store.db import Store

    with Store.open(str(state)) as store:
        rows = store._read("SELECT event, tool_use_id FROM hook_events")
        counters = dict(store.counters())
    counters.update(diag.read_counters(str(state)))
    return (Counter(r[0] for r in rows),
            {(r[0], r[1]) for r in rows if r[1]}, counters)


def flush(env: dict[str, str], timeout: float = 120) -> tuple[int, float, str]:
    start = time.monotonic()
    res = subprocess.run([sys.executable, "-m", "cctrace", "flush", "--json", "--timeout",
                          str(timeout)], env=env, capture_output=True, text=True,
                         timeout=timeout + 120, stdin=subprocess.DEVNULL)
    return res.returncode, time.monotonic() - start, (res.stdout + res.stderr)[-1500:]


def transcript_records(paths: list[Path]) -> list[dict[str, Any]]:
    out = []
    for path in paths:
        if path.suffix != ".jsonl":
            continue
        for line in path.read_text(errors="replace").splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if isinstance(rec, dict):
                out.append(rec)
    return out


def stop_hook_ms(records: list[dict[str, Any]]) -> list[float]:
    """Hook durations Claude Code measured itself (system / stop_hook_summary records)."""
    out = []
    for rec in records:
        if rec.get("type") == "system" and rec.get("subtype") == "stop_hook_summary":
            for info in rec.get("hookInfos") or []:
                if isinstance(info, dict) and isinstance(info.get("durationMs"), (int, float)):
                    out.append(float(info["durationMs"]))
    return out


def tool_use_ids(records: list[dict[str, Any]]) -> set[str]:
    out = set()
    for rec in records:
        msg = rec.get("message")
        if rec.get("type") == "assistant" and isinstance(msg, dict):
            for block in msg.get("content") or []:
                if isinstance(block, dict) and block.get("type") == "tool_use":
                    out.add(block["id"])
    return out


def floor_probe(env: dict[str, str], stop: threading.Event, out: list[float]) -> None:
    """The bare interpreter's start-up under the same load, every 50 ms until `stop`:
    separates the hook's own cost from CPU contention (more runnable processes than cores)."""
    while not stop.is_set():
        t0 = time.perf_counter_ns()
        subprocess.run([sys.executable, "-S", "-c", "pass"], env=env, check=False)
        out.append((time.perf_counter_ns() - t0) / 1e6)
        stop.wait(0.05)


# ------------------------------------------------------------------------------- (a)


def session_script(i: int, session: TracedSession) -> list[Any]:
    return [
        tools(ToolUse("Read", {"file_path": session.p("a.txt")}),
              ToolUse("Read", {"file_path": session.p("b.txt")}),
              ToolUse("Bash", {"command": f"echo load-{i}", "description": "echo"}),
              preamble="Reading both files and echoing."),
        tools(ToolUse("Glob", {"pattern": "*.txt"}),
              ToolUse("Grep", {"pattern": "line", "path": session.p("."),
                               "output_mode": "content"}),
              ToolUse("Bash", {"command": "wc -l a.txt b.txt", "description": "count"})),
        text(f"Done with load-{i}."),
    ]


def run_sessions(n: int, turns: int, root: Path) -> dict[str, Any]:
    home = root / "cctrace-home"
    home.mkdir(parents=True)
    with ModelServer() as server, OTLPReceiver() as receiver:
        sessions = []
        for i in range(n):
            s = TracedSession(root / f"s{i}", server, receiver, home)
            (s.home.project / "a.txt").write_text("line a1\nline a2\n")
            (s.home.project / "b.txt").write_text("line b1\n")
            s.install()
            for turn in range(turns):
                server.add(f"[load-{i}-{turn}]", session_script(i, s))
            sessions.append(s)
        errors: list[str] = []
        start = time.monotonic()

        def drive(i: int) -> None:
            try:
                for turn in range(turns):
                    sessions[i].prompt(f"Inspect the files [load-{i}-{turn}]", timeout=600)
            except Exception as exc:  # noqa: BLE001 - reported, not fatal to the others
                errors.append(f"session {i}: {str(exc)[:300]}")

        floor: list[float] = []
        stop = threading.Event()
        probe = threading.Thread(target=floor_probe, args=(dict(os.environ), stop, floor))
        probe.start()
        with ThreadPoolExecutor(n) as pool:
            list(pool.map(drive, range(n)))
        run_s = time.monotonic() - start
        stop.set()
        probe.join()
        env = {**sessions[0].home.env(), "CCTRACE_HOME": str(sessions[0].state)}
        rc, flush_s, flush_out = flush(env)
        received, findings = obs_span_ids(receiver)

        copies: list[Path] = []
        all_records: list[dict[str, Any]] = []
        for i, s in enumerate(sessions):
            if not s.transcript.exists():
                continue
            files = copy_session(s.home, s.session_id, root / "copies" / f"s{i}")
            copies.append(files[0])
            all_records += transcript_records(files)
        expected = import_ids(copies, root / "import")
        events, tool_events, counters = store_events(home)
        lost = lost_detail(received, expected, home)

    uses = tool_use_ids(all_records)
    missing_tool_events = sum(
        1 for tid in uses for ev in ("PreToolUse", "PostToolUse")
        if (ev, tid) not in tool_events and ("PostToolUseFailure", tid) not in tool_events)
    prompts = n * turns
    return {
        "sessions": n, "turns": prompts, "errors": errors, "run_s": run_s,
        "flush_rc": rc, "flush_s": flush_s, "flush_out": flush_out if rc else "",
        "events": events, "tool_uses": len(uses), "missing_tool_events": missing_tool_events,
        "missing_stop": max(0, prompts - events.get("Stop", 0)),
        "missing_prompt": max(0, prompts - events.get("UserPromptSubmit", 0)),
        "counters": {k: v for k, v in counters.items() if k.startswith("hook.") and v},
        "tally": tally(received, expected), "findings": findings,
        "stop_hook_ms": stop_hook_ms(all_records), "floor": floor, "lost": lost,
    }


# ------------------------------------------------------------------------------- (b)


def run_replay(rate: float, seconds: float, senders: int, root: Path) -> dict[str, Any]:
    state = root / "replay-home"
    state.mkdir(parents=True)
    payloads: list[bytes] = []
    transcripts: list[Path] = []
    for name in REPLAY_FIXTURES:
        if not (replay.FIXTURES / name).is_dir():
            continue
        transcript = replay.copy_fixture(name, root / "replay-t" / name)
        transcripts.append(transcript)
        payloads += [json.dumps(p).encode() for p in replay.payloads(name, transcript)]
    with OTLPReceiver() as receiver:
        env = dict(os.environ, CCTRACE_HOME=str(state))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        write_config(otlp_toml(receiver.endpoint), state)
        from cctrace.worker import lifecycle

        lifecycle.write_worker_info(str(state))  # the real background worker runs
        hook = hook_argv(state, entry=replay.HOOK)
        warm = 3
        for body in payloads[:warm]:  # warm-up: .pyc files, page cache (counted as sent)
            subprocess.run(hook, input=body, capture_output=True, env=env)
        target = int(rate * seconds)
        lock = threading.Lock()
        latencies: list[float] = []
        failed = [0]
        sent = [0]
        seen: set[int] = set(range(warm))  # payload indices that went through the hook
        start = time.monotonic() + 0.2
        deadline = start + seconds

        def sender(k: int) -> None:
            mine = list(range(k, target, senders))
            local: list[float] = []
            mine_seen: set[int] = set()
            bad = 0
            for j in mine:
                due = start + j / rate
                now = time.monotonic()
                if now >= deadline:
                    break
                if due > now:
                    time.sleep(due - now)
                t0 = time.perf_counter_ns()
                res = subprocess.run(hook, input=payloads[j % len(payloads)],
                                     capture_output=True, env=env, check=False)
                local.append((time.perf_counter_ns() - t0) / 1e6)
                mine_seen.add(j % len(payloads))
                if res.returncode != 0 or res.stdout:
                    bad += 1
            with lock:
                latencies.extend(local)
                seen.update(mine_seen)
                failed[0] += bad
                sent[0] += len(local)

        floor: list[float] = []
        stop = threading.Event()
        threads = [threading.Thread(target=sender, args=(k,)) for k in range(senders)]
        probe = threading.Thread(target=floor_probe, args=(env, stop, floor))
        probe.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        probe.join()
        send_s = time.monotonic() - start
        # Every fixture's whole payload set must have gone through the hook at least once
        # for the import to be the right expectation; send what the flood did not reach.
        top_up = 0
        for j in sorted(set(range(len(payloads))) - seen):
            res = subprocess.run(hook, input=payloads[j], capture_output=True, env=env)
            failed[0] += int(res.returncode != 0 or bool(res.stdout))
            top_up += 1
        rc, flush_s, flush_out = flush(env)
        received, findings = obs_span_ids(receiver)
    expected = import_ids(transcripts, root / "replay-import")
    events, _, counters = store_events(state)
    stored = sum(events.values())
    drops = sum(v for k, v in counters.items() if k in ("hook.lost", "hook.oversize",
                                                         "hook.unparsed"))
    return {
        "target": target, "rate": rate, "seconds": seconds, "senders": senders,
        "sent": sent[0], "failed": failed[0], "send_s": send_s, "stored": stored,
        "warm": warm, "top_up": top_up,
        "drops": drops, "lost": sent[0] + warm + top_up - failed[0] - stored - drops,
        "latencies": latencies, "floor": floor, "flush_rc": rc, "flush_s": flush_s,
        "flush_out": flush_out if rc else "", "tally": tally(received, expected),
        "findings": findings, "distinct_payloads": len(payloads),
    }


def _append_sender(args: tuple[str, list[bytes], int, int, float, float, float, Any]) -> None:
    """One (b2) sender process: its share of the schedule, each append timed."""
    from cctrace.spool import writer

    state, payloads, k, senders, rate, start, deadline, queue = args
    local: list[float] = []
    seen: set[int] = set()
    failed = 0
    target = int(rate * (deadline - start))
    for j in range(k, target, senders):
        due = start + j / rate
        now = time.time()
        if now >= deadline:
            break
        if due > now:
            time.sleep(due - now)
        body = payloads[j % len(payloads)]
        event = json.loads(body).get("hook_event_name")
        t0 = time.perf_counter_ns()
        try:
            writer.append(state, body, received_ns=time.time_ns(), event=event)
        except OSError:
            failed += 1
        local.append((time.perf_counter_ns() - t0) / 1e6)
        seen.add(j % len(payloads))
    queue.put((local, seen, failed))


def run_spool_flood(rate: float, seconds: float, senders: int, root: Path) -> dict[str, Any]:
    import multiprocessing

    state = root / "spool-home"
    state.mkdir(parents=True)
    payloads: list[bytes] = []
    transcripts: list[Path] = []
    for name in REPLAY_FIXTURES:
        if not (replay.FIXTURES / name).is_dir():
            continue
        transcript = replay.copy_fixture(name, root / "spool-t" / name)
        transcripts.append(transcript)
        payloads += [json.dumps(p).encode() for p in replay.payloads(name, transcript)]
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    start = time.time() + 0.5
    deadline = start + seconds
    procs = [ctx.Process(target=_append_sender, args=((str(state), payloads, k, senders, rate,
                                                        start, deadline, queue),))
             for k in range(senders)]
    for proc in procs:
        proc.start()
    latencies: list[float] = []
    seen: set[int] = set()
    failed = 0
    for _ in procs:
        local, mine, bad = queue.get()
        latencies += local
        seen |= mine
        failed += bad
    for proc in procs:
        proc.join()
    send_s = time.time() - start
    from cctrace.spool import writer

    top_up = 0
    for j in sorted(set(range(len(payloads))) - seen):
        writer.append(str(state), payloads[j], received_ns=time.time_ns(),
                      event=json.loads(payloads[j]).get("hook_event_name"))
        top_up += 1
    with OTLPReceiver() as receiver:
        env = dict(os.environ, CCTRACE_HOME=str(state))
        write_config(otlp_toml(receiver.endpoint), state)
        rc, flush_s, flush_out = flush(env)
        received, _ = obs_span_ids(receiver)
    expected = import_ids(transcripts, root / "spool-import")
    events, _, counters = store_events(state)
    stored = sum(events.values())
    sent = len(latencies)
    return {"target": int(rate * seconds), "rate": rate, "seconds": seconds,
            "senders": senders, "sent": sent, "send_s": send_s, "failed": failed,
            "top_up": top_up, "stored": stored, "lost": sent + top_up - failed - stored,
            "latencies": latencies, "flush_rc": rc, "flush_s": flush_s,
            "flush_out": flush_out if rc else "", "tally": tally(received, expected)}


# ------------------------------------------------------------------------------- output


def print_sessions(r: dict[str, Any]) -> None:
    t = r["tally"]
    hooks = r["stop_hook_ms"]
    print(f"### (a) {r['sessions']} concurrent Claude Code sessions, one shared CCTRACE_HOME\n")
    print(f"{os.cpu_count()} CPUs; {r['turns']} prompts, each two rounds of 3 parallel tool "
          f"calls; CLI runs took {r['run_s']:.1f} s, `cctrace flush` {r['flush_s']:.1f} s "
          f"(exit {r['flush_rc']}).\n")
    print("| measure | value |")
    print("|---|---:|")
    rows = [
        ("sessions (CLI runs failed)", f"{r['sessions']} ({len(r['errors'])})"),
        ("hook events stored", sum(r["events"].values())),
        ("tool calls in transcripts", r["tool_uses"]),
        ("tool hook events missing (Pre/Post per call)", r["missing_tool_events"]),
        ("Stop / UserPromptSubmit events missing", f"{r['missing_stop']} / "
                                                   f"{r['missing_prompt']}"),
        ("hook drop counters", r["counters"] or 0),
        ("spans expected (clean import)", t["expected"]),
        ("spans accepted by the receiver", t["accepted"]),
        ("lost", t["lost"]),
        ("duplicated", t["duplicated"]),
        ("unexpected", t["unexpected"]),
        ("finding spans (counted apart)", r["findings"]),
        ("Stop hook wall time p50 / p99 / max ms (n)",
         f"{pct(hooks, .5):.0f} / {pct(hooks, .99):.0f} / {max(hooks, default=0):.0f} "
         f"({len(hooks)})"),
        ("`python -S -c pass` during the run p50 / p99 ms",
         f"{pct(r['floor'], .5):.0f} / {pct(r['floor'], .99):.0f}"),
    ]
    for name, value in rows:
        print(f"| {name} | {value} |")
    print("\nEvents by name: " + ", ".join(f"{k} {v}" for k, v in sorted(r["events"].items())))
    for line in r["lost"]:
        print(f"\n- lost: {line}")
    for err in r["errors"]:
        print(f"\n- {err}")
    if r["flush_out"]:
        print(f"\nflush output: {r['flush_out']}")


def print_replay(r: dict[str, Any]) -> None:
    t = r["tally"]
    lat = r["latencies"]
    achieved = r["sent"] / r["send_s"] if r["send_s"] else 0
    print(f"\n### (b) hook payload replay: {r['senders']} senders, target {r['rate']:.0f} "
          f"events/s for {r['seconds']:.0f} s\n")
    print(f"{r['distinct_payloads']} recorded payloads of {len(REPLAY_FIXTURES)} fixtures, "
          f"cycled; real hook processes, real background worker; `cctrace flush` "
          f"{r['flush_s']:.1f} s (exit {r['flush_rc']}).\n")
    print("| measure | value |")
    print("|---|---:|")
    rows = [
        ("events offered (target)", r["target"]),
        ("events sent before the deadline", r["sent"]),
        ("achieved rate, events/s", f"{achieved:.0f}"),
        ("warm-up + top-up events (untimed; every payload sent once)",
         f"{r['warm']} + {r['top_up']}"),
        ("hook exit != 0 or stdout", r["failed"]),
        ("events stored (spooled, then ingested)", r["stored"]),
        ("counted drops (hook.lost/oversize/unparsed)", r["drops"]),
        ("lost (all sent - stored - counted)", r["lost"]),
        ("hook wall time p50 / p99 / max ms", f"{pct(lat, .5):.1f} / {pct(lat, .99):.1f} / "
                                              f"{max(lat, default=0):.1f}"),
        ("`python -S -c pass` under the same load p50 / p99 ms",
         f"{pct(r['floor'], .5):.1f} / {pct(r['floor'], .99):.1f}"),
        ("spans expected (clean import)", t["expected"]),
        ("spans accepted", t["accepted"]),
        ("lost / duplicated / unexpected spans",
         f"{t['lost']} / {t['duplicated']} / {t['unexpected']}"),
    ]
    for name, value in rows:
        print(f"| {name} | {value} |")
    if r["flush_out"]:
        print(f"\nflush output: {r['flush_out']}")


def print_spool_flood(r: dict[str, Any]) -> None:
    t = r["tally"]
    lat = r["latencies"]
    print(f"\n### (b2) spool writer flood: {r['senders']} sender processes, target "
          f"{r['rate']:.0f} events/s for {r['seconds']:.0f} s (fsync on), then `cctrace "
          f"flush` {r['flush_s']:.1f} s (exit {r['flush_rc']})\n")
    print("| measure | value |")
    print("|---|---:|")
    rows = [
        ("events offered (target)", r["target"]),
        ("events appended before the deadline", r["sent"]),
        ("achieved rate, events/s", f"{r['sent'] / r['send_s']:.0f}"),
        ("top-up events (untimed; every payload once)", r["top_up"]),
        ("append errors", r["failed"]),
        ("events stored after flush", r["stored"]),
        ("lost (appended - stored)", r["lost"]),
        ("append p50 / p99 / max ms", f"{pct(lat, .5):.2f} / {pct(lat, .99):.2f} / "
                                      f"{max(lat, default=0):.2f}"),
        ("spans expected / accepted", f"{t['expected']} / {t['accepted']}"),
        ("lost / duplicated / unexpected spans",
         f"{t['lost']} / {t['duplicated']} / {t['unexpected']}"),
    ]
    for name, value in rows:
        print(f"| {name} | {value} |")
    if r["flush_out"]:
        print(f"\nflush output: {r['flush_out']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--turns", type=int, default=1, help="prompts per session")
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--skip-sessions", action="store_true")
    parser.add_argument("--skip-replay", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="cctrace-load-"))
    try:
        if not args.skip_sessions:
            if claude_bin() is None:
                print("(a) skipped: Claude Code CLI not found (CCTRACE_CLAUDE_BIN)")
            else:
                print_sessions(run_sessions(args.sessions, args.turns, root / "a"))
        if not args.skip_replay:
            print_replay(run_replay(args.rate, args.seconds, args.senders, root / "b"))
            print_spool_flood(run_spool_flood(args.rate, args.seconds, args.senders,
                                              root / "b2"))
    finally:
        if args.keep:
            print(f"\n(kept {root})")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
