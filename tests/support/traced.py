"""Drive a Claude Code session *with cctrace installed* and read back what cctrace produced.

`TracedSession` bundles a `ClaudeHome` (temp HOME, project), the scripted model server, the OTLP
receiver and cctrace's state dir, whose `config.toml` names the receiver (the documented way to
configure; capture reads no environment). `CCTRACE_HOME` is set only for the `cctrace` commands
run from the "user's shell": `install` pins it into the hook. It installs the hook via the
product's own `cctrace install --scope user`, runs prompts, calls `cctrace flush` and
`cctrace show --json`, and offers pure helpers to group received spans into trees.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from support.claude import ClaudeHome, RunResult, new_session_id
from support.configure import write_config
from support.model_server import ModelServer
from support.otlp_receiver import OTLPReceiver

TYPE = "langfuse.observation.type"


class TracedSession:
    def __init__(self, root: Path, server: ModelServer, receiver: OTLPReceiver,
                 cctrace_home: Path, *, langfuse: bool = False,
                 binary: Path | None = None) -> None:
        self.home = ClaudeHome(root, server.base_url, binary=binary)
        self.server = server
        self.receiver = receiver
        self.session_id = new_session_id()
        self.started = False
        self.state = Path(cctrace_home)
        self.state.mkdir(parents=True, exist_ok=True, mode=0o700)
        if langfuse:
            self.config = (f'[langfuse]\nbase_url = "{receiver.base_url}"\n'
                           'public_key = "pk-lf-test"\nsecret_key = "sk-lf-test"\n')
        else:
            self.config = f'[otlp]\nendpoint = "{receiver.endpoint}"\n'
        self.write_config()
        # Extra environment for the `claude` runs (a test may plant variables here).
        self.cctrace_env: dict[str, str] = {}

    def write_config(self, extra: str = "") -> None:
        write_config(self.config + extra, self.state)

    def p(self, rel: str) -> str:
        return str(self.home.project / rel)

    # product commands
    def cctrace(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        # The user's shell: the same extra variables as the `claude` runs (a secret the
        # redactor should learn, or what a direnv-style loader put there), the state dir.
        env = {**self.home.env(), **self.cctrace_env, "CCTRACE_HOME": str(self.state)}
        return subprocess.run([sys.executable, "-m", "cctrace", *args], env=env,
                              capture_output=True, text=True, timeout=timeout,
                              cwd=self.home.project, stdin=subprocess.DEVNULL)

    def install(self) -> None:
        res = self.cctrace("install", "--scope", "user", "--claude-bin", str(self.home.binary))
        assert res.returncode == 0, f"cctrace install failed: {res.stdout}\n{res.stderr}"
        assert "hooks" in self.home.read_settings(), "install wrote no hooks"

    def flush(self, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        return self.cctrace("flush", "--timeout", str(timeout), timeout=timeout + 30)

    def show(self) -> dict[str, Any]:
        res = self.cctrace("show", self.session_id, "--json")
        assert res.returncode == 0, f"cctrace show failed: {res.stdout}\n{res.stderr}"
        return json.loads(res.stdout)

    # the CLI
    def prompt(self, text: str, **kw: Any) -> RunResult:
        first = not self.started
        self.started = True
        res = self.home.run(text, session_id=self.session_id if first else None,
                            resume=None if first else self.session_id,
                            env=self.cctrace_env, **kw)
        return res.check()

    @property
    def transcript(self) -> Path:
        return self.home.transcript_path(self.session_id)

    def transcript_time_range(self) -> tuple[int, int]:
        """(min, max) record timestamp in ns over the session and its subagent files."""
        stamps = []
        files = [self.transcript, *(p for p in self.home.subagent_files(self.session_id)
                                    if p.suffix == ".jsonl")]
        for f in files:
            for line in f.read_text().splitlines():
                ts = json.loads(line).get("timestamp")
                if ts:
                    stamps.append(iso_ns(ts))
        return min(stamps), max(stamps)


def iso_ns(ts: str) -> int:
    dt = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    return int(dt.timestamp()) * 1_000_000_000 + dt.microsecond * 1000


# --- pure helpers over received spans ------------------------------------------------------


def trace_spans(spans: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The spans of the traces themselves, without finding event spans (`finding <rule>`),
    which cctrace adds for collectors when its rules or coverage checks conclude something."""
    return [s for s in spans if not str(s.get("name", "")).startswith("finding ")]


COST = "langfuse.observation.cost_details"
# What a cost update may change: the cost and the metadata key naming its source.
_COST_KEYS = (COST, "langfuse.observation.metadata.cost_source")


def latest_spans(spans: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """One span per id, the last received: what Langfuse keeps. A span may arrive more than
    once only as a cost update (a generation sent before its model's price was learned, sent
    again with its cost: same ids, times, name and content, a new `cost_details`); any
    other repeat is a double delivery and fails here."""
    last: dict[str, Mapping[str, Any]] = {}
    for s in spans:
        prev = last.get(s["span_id"])
        if prev is not None:
            same = ("trace_id", "parent_span_id", "name", "start_ns", "end_ns")
            assert kind(s) == "generation" and all(s[k] == prev[k] for k in same), \
                f"span {s['span_id']} was delivered twice"
            mine = {k: v for k, v in s["attributes"].items()
                    if k.startswith("langfuse.observation.") and k not in _COST_KEYS}
            theirs = {k: v for k, v in prev["attributes"].items()
                      if k.startswith("langfuse.observation.") and k not in _COST_KEYS}
            assert mine == theirs and COST in s["attributes"] and \
                s["attributes"][COST] != prev["attributes"].get(COST), \
                f"span {s['span_id']} was delivered twice, not as a cost update"
        last[s["span_id"]] = s
    return list(last.values())


def by_trace(spans: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """Spans grouped by trace id, each group sorted by start time; groups by first start."""
    groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for s in spans:
        groups[s["trace_id"]].append(s)
    ordered = sorted(groups.items(), key=lambda kv: min(x["start_ns"] for x in kv[1]))
    return {k: sorted(v, key=lambda x: (x["start_ns"], x["span_id"])) for k, v in ordered}


def kind(span: Mapping[str, Any]) -> str | None:
    return span["attributes"].get(TYPE)


def children(spans: Sequence[Mapping[str, Any]], parent: Mapping[str, Any]
             ) -> list[Mapping[str, Any]]:
    return [s for s in spans if s["parent_span_id"] == parent["span_id"]]


def descendants(spans: Sequence[Mapping[str, Any]], parent: Mapping[str, Any]
                ) -> list[Mapping[str, Any]]:
    out, todo = [], [parent]
    while todo:
        cur = todo.pop()
        kids = children(spans, cur)
        out.extend(kids)
        todo.extend(kids)
    return out


def roots(spans: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [s for s in spans if not s["parent_span_id"]]


def usage_of(span: Mapping[str, Any]) -> dict[str, int]:
    raw = span["attributes"].get("langfuse.observation.usage_details")
    return json.loads(raw) if isinstance(raw, str) else dict(raw or {})


def tool_name_matches(span: Mapping[str, Any], tool: str) -> bool:
    """A tool span names its tool in the span name (e.g. "Read" or "Read: a.txt")."""
    return span["name"] == tool or span["name"].startswith(tool)

