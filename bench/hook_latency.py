"""Wall-clock cost of one hook call, next to the bare interpreter's start-up, in the same run.

Runs `python -I -S .../cctrace/hook/entry.py --state-dir=DIR` the way `cctrace install`
writes it and Claude Code runs it (payload on stdin, wait for exit) for three realistic
payloads: PreToolUse, PostToolUse with a 50 KB tool_response, and Stop (which also checks
the worker lock and spawns a worker; worker.json names `true` as the worker so the
benchmark measures the hook, not the worker), plus PreToolUse in a session whose
environment sets watched variables (the hook notes them in the spool header). Two more rows
measure the plugin paths: a settings-file hook beside an installed, enabled cctrace plugin
(it reads installed_plugins.json, the settings files and the plugin's hooks.json, then stands
down: `cctrace.hook.defer`), and the plugin's own hook on Stop with its runtime ready (status
read and digest, then the worker spawn; the runtime "python" is `true`). Hook runs are
interleaved with `python -S -c pass` runs so both see the same machine load. Also reports the
`-X importtime` total of the hook against that of `-c pass`.

With `--guard`, guard mode is on with every finding-emitting rule of the built-in pack marked
blocking (the worst case: the benign PreToolUse call is checked against all of them).

Usage: python bench/hook_latency.py [-n 200] [--python PATH] [--guard]
Prints a markdown table for BENCHMARKS.md. Targets: p50 <= 2x the floor, p99 <= 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENTRY = os.path.join(ROOT, "src", "cctrace", "hook", "entry.py")


def payloads() -> dict[str, bytes]:
    base = {"session_id": "5f0c1d2e-0000-4000-8000-000000000001",
            "transcript_path": "/home/u/.claude/projects/-home-u-proj/5f0c.jsonl",
            "cwd": "/home/u/proj", "prompt_id": "p-1"}
    tool = {"tool_name": "Bash", "tool_use_id": "toolu_01ABCDEF",
            "tool_input": {"command": "ls -la && cat README.md", "description": "List"},
            "permission_mode": "bypassPermissions", "effort": "medium"}
    return {
        "PreToolUse": json.dumps({**base, "hook_event_name": "PreToolUse", **tool}).encode(),
        "PostToolUse 50 KB": json.dumps({
            **base, "hook_event_name": "PostToolUse", **tool,
            "tool_response": {"stdout": ("line of output text " * 2600)[:50_000],
                              "stderr": "", "interrupted": False},
            "duration_ms": 41}).encode(),
        "Stop (wakes worker)": json.dumps({
            **base, "hook_event_name": "Stop", "stop_hook_active": False,
            "last_assistant_message": "Done: the tests pass.", "background_tasks": []}).encode(),
    }


def plugin_fixture(root: str) -> tuple[str, str, str]:
    """A Claude config dir with the cctrace plugin installed and enabled, and a plugin data
    dir whose runtime is ready; returns (claude dir, plugin data, plugin root)."""
    sys.path.insert(0, os.path.join(ROOT, "src"))
    from cctrace.install import runtime

    claude = os.path.join(root, "claude")
    plugin_root = os.path.join(ROOT, "plugins", "cctrace")
    os.makedirs(os.path.join(claude, "plugins"))
    with open(os.path.join(claude, "plugins", "installed_plugins.json"), "w") as fh:
        json.dump({"version": 2, "plugins": {"cctrace@cctrace": [
            {"scope": "user", "installPath": plugin_root, "version": "0.1.0"}]}}, fh)
    with open(os.path.join(claude, "settings.json"), "w") as fh:
        json.dump({"enabledPlugins": {"cctrace@cctrace": True}}, fh)
    data = os.path.join(root, "data")
    os.makedirs(os.path.join(data, "runtime"))
    with open(runtime.status_path(data), "w") as fh:
        json.dump({"state": "ready", "python": shutil.which("true") or "/bin/true",
                   "digest": runtime.digest(plugin_root, sys.executable)}, fh)
    return claude, data, plugin_root


def enable_guard(home: str) -> int:
    """Write guard.json with every emitting built-in rule blocking; returns how many."""
    from cctrace.hook.guard import build_guard, write_guard
    from cctrace.rules import build_ruleset
    from cctrace.rules.engine import builtin_pack_files

    data, _ = build_guard(builtin_pack_files(), build_ruleset([]), ["*"])
    write_guard(home, data)
    return len(data["rules"])


def run_ms(argv: list[str], stdin: bytes, env: dict[str, str]) -> float:
    start = time.perf_counter_ns()
    subprocess.run(argv, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env, check=False)
    return (time.perf_counter_ns() - start) / 1e6


def importtime_us(argv: list[str], stdin: bytes, env: dict[str, str], runs: int = 7) -> float:
    """Median over runs of the summed self-times `-X importtime` reports."""
    totals = []
    for _ in range(runs):
        proc = subprocess.run(argv[:1] + ["-X", "importtime"] + argv[1:], input=stdin,
                              capture_output=True, env=env, check=False)
        total = 0
        for line in proc.stderr.decode().splitlines()[1:]:
            if line.startswith("import time:") and "|" in line:
                total += int(line.split(":", 1)[1].split("|", 1)[0])
        totals.append(total)
    return statistics.median(totals)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="runs per payload (default 200)")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the hook")
    parser.add_argument("--guard", action="store_true",
                        help="guard mode on, every built-in rule blocking")
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="cctrace-bench-")
    env = dict(os.environ)
    for name in list(env):
        if name.upper().startswith(("CCTRACE_", "LANGFUSE_")):
            del env[name]
    sys.path.insert(0, os.path.join(ROOT, "src"))
    from cctrace.worker import lifecycle

    lifecycle.write_worker_info(home, python=shutil.which("true") or "/bin/true")
    noted_env = dict(env, CCTRACE_HOME="/elsewhere", LANGFUSE_BASE_URL="https://lf.example",
                     CCTRACE_OTLP_ENDPOINT="https://otel.example/v1/traces",
                     HTTPS_PROXY="http://proxy.example:3128")
    # As installed, the hook's modules have up-to-date .pyc files; let the warm-up write them
    # (a stale or missing .pyc means compiling from source on every call, ~5 ms more).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.guard:
        enable_guard(home)
    hook = [args.python, "-I", "-S", ENTRY, f"--state-dir={home}"]
    floor_cmd = [args.python, "-S", "-c", "pass"]
    cases = payloads()
    side = tempfile.mkdtemp(prefix="cctrace-bench-plugin-")
    claude, data, plugin_root = plugin_fixture(side)
    beside = hook + [f"--claude-dir={claude}"]
    plugin_home = os.path.join(side, "state")
    plugin_hook = [args.python, "-I", "-S", ENTRY, f"--state-dir={plugin_home}",
                   f"--plugin-data={data}", f"--plugin-root={plugin_root}"]
    try:
        for body in cases.values():  # warm-up: .pyc files, page cache
            run_ms(hook, body, env)
        run_ms(floor_cmd, b"", env)
        noted = "PreToolUse, 4 watched variables set"
        stands = "PreToolUse, settings hook beside the enabled plugin (stands down)"
        plugin_stop = "Stop via the plugin, its runtime ready (wakes worker)"
        run_ms(plugin_hook, cases["Stop (wakes worker)"], env)
        results: dict[str, list[float]] = {name: [] for name in [*cases, noted, stands,
                                                                 plugin_stop]}
        floor: list[float] = []
        for _ in range(args.n):
            for name, body in cases.items():
                results[name].append(run_ms(hook, body, env))
                floor.append(run_ms(floor_cmd, b"", env))
            results[noted].append(run_ms(hook, cases["PreToolUse"], noted_env))
            results[stands].append(run_ms(beside, cases["PreToolUse"], env))
            results[plugin_stop].append(run_ms(plugin_hook, cases["Stop (wakes worker)"], env))
        stop = cases["Stop (wakes worker)"]
        hook_imports = importtime_us(hook, stop, env)
        floor_imports = importtime_us(floor_cmd, b"", env)
    finally:
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(side, ignore_errors=True)

    floor_p50 = statistics.median(floor)
    everything = [v for values in results.values() for v in values]
    print(f"Hook latency, {args.n} runs per payload, {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]} (`{args.python} -I -S`), spool fsync on, guard mode "
          f"{'on (built-in pack, all blocking)' if args.guard else 'off'}\n")
    print("| command | p50 ms | p99 ms | mean ms | p50 / floor |")
    print("|---|---:|---:|---:|---:|")
    print(f"| `python -S -c pass` (floor) | {floor_p50:.1f} | {pct(floor, 0.99):.1f} | "
          f"{statistics.fmean(floor):.1f} | 1.00 |")
    for name, values in [*results.items(), ("all hook calls", everything)]:
        p50 = statistics.median(values)
        print(f"| hook: {name} | {p50:.1f} | {pct(values, 0.99):.1f} | "
              f"{statistics.fmean(values):.1f} | {p50 / floor_p50:.2f} |")
    print(f"\n`-X importtime` total (median of 7): hook (Stop) {hook_imports / 1000:.1f} ms, "
          f"`-c pass` {floor_imports / 1000:.1f} ms.")
    p50_all, p99_all = statistics.median(everything), pct(everything, 0.99)
    print(f"Targets: p50 <= 2x floor: {'met' if p50_all <= 2 * floor_p50 else 'MISSED'} "
          f"({p50_all / floor_p50:.2f}x); p99 <= 50 ms: "
          f"{'met' if p99_all <= 50 else 'MISSED'} ({p99_all:.1f} ms).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
