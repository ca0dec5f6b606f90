"""Where the compatibility fixtures live and how to read them, shared by the compat tests.

A compat fixture is a folder `v<X_Y_Z>_<scenario>` under tests/fixtures/transcripts recorded by
`tests/support/record_fixtures.py --bin` with an older Claude Code release. `scenario.json`
names the session transcript; 2.0.x's `agent-*.jsonl` files (subagents and "Warmup"
pre-calls) sit beside it, 1.0.x keeps subagent records inline (`isSidechain: true`).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(os.environ.get("CCTRACE_COMPAT_FIXTURES")
            or Path(__file__).resolve().parents[1] / "fixtures" / "transcripts")
RELEASES = ("1.0.128", "2.0.77")


def prefix(version: str) -> str:
    return "v" + version.replace(".", "_") + "_"


@dataclass(frozen=True)
class Fixture:
    folder: Path

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def meta(self) -> dict[str, Any]:
        return json.loads((self.folder / "scenario.json").read_text())

    @property
    def version(self) -> str:
        return str(self.meta["claude_version"])

    @property
    def scenario(self) -> str:
        return str(self.meta["scenario"])

    @property
    def transcript(self) -> Path:
        return self.folder / self.meta["transcript"]

    def files(self) -> list[Path]:
        """The session file and every agent file beside it (2.0.x)."""
        return [self.transcript, *sorted(self.folder.glob("agent-*.jsonl"))]

    def records(self, path: Path | None = None) -> list[dict[str, Any]]:
        text = (path or self.transcript).read_text()
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def hook_payloads(self) -> list[dict[str, Any]]:
        lines = (self.folder / "hooks.jsonl").read_text().splitlines()
        return [json.loads(line)["payload"] for line in lines if line.strip()]

    def copy_to(self, dest: Path) -> tuple[Path, list[dict[str, Any]]]:
        """Copy the transcripts to `dest`; returns the copy's session path and the hook
        payloads with their transcript paths rewritten to the copy."""
        dest.mkdir(parents=True, exist_ok=True)
        for path in self.files():
            shutil.copy2(path, dest / path.name)
        sub = self.folder / self.transcript.stem
        if sub.is_dir():
            shutil.copytree(sub, dest / sub.name, dirs_exist_ok=True)
        main = dest / self.transcript.name
        recorded_dir = os.path.dirname(next(
            p["transcript_path"] for p in self.hook_payloads() if p.get("transcript_path")))
        payloads = []
        for payload in self.hook_payloads():
            for key in ("transcript_path", "agent_transcript_path"):
                value = payload.get(key)
                if isinstance(value, str) and value:
                    payload[key] = str(dest / os.path.relpath(value, recorded_dir))
            payloads.append(payload)
        return main, payloads


def fixtures(version: str | None = None) -> list[Fixture]:
    if not ROOT.is_dir():
        return []
    found = []
    for release in RELEASES if version is None else (version,):
        found += [Fixture(p) for p in sorted(ROOT.glob(prefix(release) + "*"))
                  if (p / "scenario.json").is_file()]
    return found
