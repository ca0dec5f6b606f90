"""The fault-injection rig: real fixtures, the real hook and `cctrace flush`, exact counting.

A `Rig` is one isolated state dir plus the environment a hook or worker gets. Fixtures are
replayed through the real hook (`tests/support/replay.py`) or, where the hook is not what a
case is about, appended to the spool in-process with the hook's own writer (the same bytes,
without 20 ms of interpreter start-up per event). The expected span ids of a fixture come
from a clean in-process import into a separate state dir, never from the run under test.
`tally` compares what an OTLP receiver accepted with that expectation by span id.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support import replay

# Fixtures used by most cases: several turns, parallel tools, a background subagent.
FIXTURES = ("multi_turn", "parallel_tools", "subagent")
ALL_FIXTURES = ("api_error", "compact", "multi_turn", "parallel_tools", "subagent",
                "subagent_foreground", "thinking", "tool_errors")


@dataclass
class Tally:
    """Accepted spans against the expectation: what was lost, duplicated or unexpected."""

    expected: int
    accepted: int
    lost: set[str] = field(default_factory=set)
    duplicated: dict[str, int] = field(default_factory=dict)
    unexpected: set[str] = field(default_factory=set)

    @property
    def exact(self) -> bool:
        return not (self.lost or self.duplicated or self.unexpected)

    def summary(self) -> str:
        return (f"expected {self.expected}, accepted {self.accepted}, lost {len(self.lost)}, "
                f"duplicated {len(self.duplicated)}, unexpected {len(self.unexpected)}")


def tally(accepted_ids: list[str], expected: set[str]) -> Tally:
    counts = Counter(accepted_ids)
    return Tally(
        expected=len(expected),
        accepted=len(accepted_ids),
        lost=expected - set(counts),
        duplicated={k: n for k, n in counts.items() if n > 1},
        unexpected=set(counts) - expected,
    )


def obs_ids(receiver) -> list[str]:
    """Accepted span ids of observations, without findings' event spans (`finding ...`):
    findings depend on which hook events the store holds, so they are counted apart. A
    generation sent again as a cost update (its model's price learned after it was sent)
    is one observation in Langfuse; `latest_spans` checks that every repeat is one, and
    every other repeat still counts as duplicated."""
    from support.traced import latest_spans

    spans = [s for s in receiver.spans() if not s["name"].startswith("finding ")]
    try:
        return [s["span_id"] for s in latest_spans(spans)]
    except AssertionError:
        return [s["span_id"] for s in spans]


def cost_versions(receiver) -> Counter[str]:
    """Per span id, how many different `cost_details` it was received with (None counts):
    a generation sent before its model's price was learned is enqueued again, once per new
    cost; more batches than that for one span is a double enqueue."""
    from support.traced import COST

    seen: dict[str, set[Any]] = {}
    for s in receiver.spans():
        seen.setdefault(s["span_id"], set()).add(s["attributes"].get(COST))
    return Counter({k: len(v) for k, v in seen.items()})


def finding_ids(receiver) -> list[str]:
    return [s["span_id"] for s in receiver.spans() if s["name"].startswith("finding ")]


@functools.cache
def expected_ids(name: str) -> frozenset[str]:
    """Observation ids a clean import of fixture `name` yields (== the span ids exported)."""
    from cctrace.cli.importer import import_paths
    from cctrace.store.db import Store

    with tempfile.TemporaryDirectory() as tmp:
        state = os.path.join(tmp, "state")
        transcript = replay.copy_fixture(name, Path(tmp) / "t")
        old = os.environ.get("CCTRACE_CONFIG")
        os.environ["CCTRACE_CONFIG"] = os.path.join(tmp, "none.toml")
        try:
            import_paths([str(transcript)], export=False, live_minutes=0, state_dir=state)
        finally:
            if old is None:
                os.environ.pop("CCTRACE_CONFIG", None)
            else:
                os.environ["CCTRACE_CONFIG"] = old
        with Store.open(state) as store:
            return frozenset(r[0] for r in store._read("SELECT id FROM observations"))


class Rig:
    """One isolated cctrace installation: state dir, config, environment, fixtures."""

    def __init__(self, root: Path, state: Path, *, endpoint: str | None = None,
                 timeout: float = 1.0, background_worker: bool = False) -> None:
        self.root = root
        self.state = state
        self.transcripts: dict[str, Path] = {}
        self.env = dict(os.environ)
        self.env["CCTRACE_HOME"] = str(state)
        if background_worker:
            self.env.pop("CCTRACE_WORKER_PYTHON", None)
            self.env["CCTRACE_WORKER_PYTHON"] = sys.executable
        else:
            # Completing events would start a worker; these cases run flush themselves.
            self.env["CCTRACE_WORKER_PYTHON"] = shutil.which("true") or "/bin/true"
        self.endpoint = endpoint
        self.timeout = timeout
        self.worker_idle_ms: int | None = None
        self.write_config()
        from support.hookrun import pin_worker

        pin_worker(state, self.env["CCTRACE_WORKER_PYTHON"])

    def write_config(self) -> None:
        self.state.mkdir(parents=True, exist_ok=True)
        lines = ["[export]", f"timeout = {self.timeout}"]
        if self.endpoint:
            lines += ["[otlp]", f'endpoint = "{self.endpoint}"']
        if self.worker_idle_ms is not None:
            lines += ["[worker]", f"idle_ms = {self.worker_idle_ms}"]
        (self.state / "config.toml").write_text("\n".join(lines) + "\n")

    def worker_idle(self, ms: int) -> None:
        """How long a background worker waits for work before exiting (config.toml's
        `[worker] idle_ms`, the only place the worker reads it from)."""
        self.worker_idle_ms = ms
        self.write_config()

    # -- input -----------------------------------------------------------------------------

    def fixture_payloads(self, name: str) -> list[dict]:
        transcript = self.transcripts.get(name)
        if transcript is None:
            transcript = replay.copy_fixture(name, self.root / "transcripts" / name)
            self.transcripts[name] = transcript
        return replay.payloads(name, transcript)

    def spool(self, names: tuple[str, ...] = FIXTURES, *, via_hook: bool = False) -> int:
        """Spool every hook payload of the fixtures; returns how many."""
        count = 0
        for name in names:
            for payload in self.fixture_payloads(name):
                self.send(payload, via_hook=via_hook)
                count += 1
        return count

    def send(self, payload: dict, *, via_hook: bool = True) -> subprocess.CompletedProcess | None:
        if via_hook:
            res = replay.run_hook(payload, self.env)
            assert res.returncode == 0 and res.stdout == b""
            return res
        from cctrace.spool import writer

        data = json.dumps(payload).encode()
        writer.append(str(self.state), data, received_ns=time.time_ns(),
                      event=payload.get("hook_event_name"), size=len(data), fsync=False)
        return None

    def expected(self, names: tuple[str, ...] = FIXTURES) -> set[str]:
        out: set[str] = set()
        for name in names:
            out |= expected_ids(name)
        return out

    # -- processing ------------------------------------------------------------------------

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cctrace", *args], env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def flush(self, timeout: float = 30.0) -> dict:
        res = self.cli("flush", "--json", "--timeout", str(timeout), timeout=timeout + 60)
        try:
            out = json.loads(res.stdout)
        except ValueError:
            out = {"ok": False, "stdout": res.stdout, "stderr": res.stderr[-2000:]}
        out["returncode"] = res.returncode
        return out

    def popen(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", *args], env=self.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stored_ids(self) -> set[str]:
        from cctrace.store.db import Store

        with Store.open(str(self.state)) as store:
            return {r[0] for r in store._read("SELECT id FROM observations")}

    def counters(self) -> dict[str, int]:
        from cctrace.spool import diag
        from cctrace.store.db import Store

        out = dict(diag.read_counters(str(self.state)))
        try:
            with Store.open(str(self.state)) as store:
                out.update(store.counters())
        except Exception:  # noqa: BLE001 - a case may have broken the store on purpose
            pass
        return out
