"""`cctrace import [PATH...]`: backfill historic transcripts into the store (and export).

Paths may be transcript files or folders (searched recursively); the default is every
project under Claude Code's `projects` folder. Subagent files are not imported on their
own: they are read through their session. Import is resumable and idempotent: cursors
remember how far each file was read and ids are derived from the transcripts, so a re-run
adds nothing twice. A transcript modified in the last `--live-minutes` keeps its last turn
open (the session may still be running); older ones are closed. Sessions and traces
`cctrace purge` erased stay erased (tombstones, `cctrace.store.tombstones`) unless
`--include-purged` says otherwise.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any

from cctrace import config as config_mod
from cctrace import statedir
from cctrace.cli.main import CliError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "import",
        help="backfill historic Claude Code transcripts into the local store",
        description="Import Claude Code transcripts (files or folders; default: all of "
        "Claude Code's projects folder) into the store, and queue them for export.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="transcript files or folders")
    p.add_argument("--no-export", action="store_true",
                   help="store locally only, even when a destination is configured")
    p.add_argument("--live-minutes", type=float, default=10.0, metavar="M",
                   help="files modified within M minutes keep their last turn open (default 10)")
    p.add_argument("--include-purged", action="store_true",
                   help="also restore sessions and traces `cctrace purge` erased (their "
                        "tombstones are lifted); without it they stay erased")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=run)


def claude_projects_dir() -> str:
    base = os.environ.get("CLAUDE_CONFIG_DIR", "").strip() or os.path.expanduser("~/.claude")
    return os.path.join(base, "projects")


def _is_main_transcript(path: str) -> bool:
    name = os.path.basename(path)
    return (name.endswith(".jsonl") and not name.startswith("agent-")
            and os.sep + "subagents" + os.sep not in path)


class NotATranscript(Exception):
    """A file named on the command line that holds no Claude Code transcript record."""


def find_transcripts(paths: Iterable[str]) -> Iterator[str]:
    """Main transcript files under `paths`, each once, in a stable order. A file named
    directly is imported whatever its name (it is checked for records instead)."""
    seen: set[str] = set()
    for root in paths:
        if os.path.isfile(root):
            real = os.path.realpath(root)
            if real not in seen:
                seen.add(real)
                yield root
            continue
        elif os.path.isdir(root):
            candidates = sorted(
                os.path.join(d, f) for d, _, files in os.walk(root) for f in files
            )
        else:
            raise CliError(f"{root}: no such file or folder")
        for path in candidates:
            real = os.path.realpath(path)
            if real not in seen and _is_main_transcript(path):
                seen.add(real)
                yield path


class ProgressBar:
    """One self-rewriting line on a terminal (`[####....] 12/40 name`); silent otherwise,
    so logs and pipes get no control characters."""

    def __init__(self, stream: Any = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(isatty and isatty())
        self._drawn = False

    def update(self, index: int, total: int, path: str) -> None:
        if not self.enabled or total <= 0:
            return
        done = round(self.width * index / total)
        name = os.path.basename(path)
        name = name if len(name) <= 40 else name[:39] + "…"
        self.stream.write(f"\r\033[K[{'#' * done}{'.' * (self.width - done)}] "
                          f"{index}/{total} {name}")
        self.stream.flush()
        self._drawn = True

    def message(self, line: str) -> None:
        """A line that must stay on screen (a skipped file), above the bar."""
        if self._drawn:
            self.stream.write("\r\033[K")
        self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._drawn = False


def import_paths(paths: list[str], *, export: bool = True, live_minutes: float = 10.0,
                 progress: Any = None, state_dir: str | None = None,
                 on_file: Any = None, include_purged: bool = False) -> dict[str, int]:
    """Import transcripts; returns counts (files, observations, errors)."""
    from cctrace.policy import Policy
    from cctrace.store.db import Store
    from cctrace.transcript import locate
    from cctrace.transcript.locate import transcript_cwd
    from cctrace.worker import pipeline

    root = state_dir or statedir.state_dir()
    try:
        cfg = config_mod.load(root)
        policy = Policy.from_config(cfg)
    except config_mod.ConfigError as exc:
        raise CliError(str(exc)) from exc
    if not export:
        cfg.langfuse_base_url = cfg.otlp_endpoint = None
    files = list(find_transcripts(paths))
    named = {os.path.realpath(p) for p in paths if os.path.isfile(p)}
    counts = {"files": 0, "observations": 0, "errors": 0, "skipped": 0}
    now = time.time()
    with Store.open(root) as store:
        for index, path in enumerate(files, 1):
            try:
                if not locate.is_transcript(path):
                    raise NotATranscript(path)
                final = now - os.path.getmtime(path) > live_minutes * 60
                cwd = transcript_cwd(path)
                counts["observations"] += pipeline.process_transcript(
                    store, cfg, pipeline.make_redactor(cfg, cwd, policy), path,
                    session_id=os.path.splitext(os.path.basename(path))[0], final=final,
                    policy=policy, judge=False, include_purged=include_purged,
                )
                counts["files"] += 1
            except NotATranscript:
                # Named on the command line: an error, said. Found in a folder walk (a
                # stray .jsonl beside transcripts, `claude -p` stream-json output): counted
                # in the summary line, not an error.
                if os.path.realpath(path) in named:
                    counts["errors"] += 1
                    if progress:
                        progress(f"  skipped {path}: not a Claude Code transcript (no JSON "
                                 "line with a record type and session id)")
                else:
                    counts["skipped"] += 1
            except OSError as exc:
                counts["errors"] += 1
                if progress:
                    progress(f"  skipped {path}: {exc.strerror or exc}")
            except sqlite3.Error:
                raise  # the store itself: nothing else can be imported either
            except Exception as exc:  # noqa: BLE001 - one file never stops the import
                # Records at fault are isolated inside `process_transcript`; what still
                # escapes is reported by type only (a message could quote content).
                counts["errors"] += 1
                if progress:
                    progress(f"  skipped {path}: could not be processed "
                             f"({type(exc).__name__}); the other files were imported")
            if progress:
                progress(f"[{index}/{len(files)}] {os.path.basename(path)}")
            if on_file:
                on_file(index, len(files), path)
    return counts


def run(args: argparse.Namespace) -> int:
    paths = args.paths or [claude_projects_dir()]
    bar = ProgressBar()
    bar.enabled = bar.enabled and not args.quiet

    def report(line: str) -> None:
        if line.startswith("  skipped"):  # per-file counters are the bar's job
            bar.message(line)

    try:
        counts = import_paths(paths, export=not args.no_export,
                              live_minutes=args.live_minutes, progress=report,
                              on_file=bar.update, include_purged=args.include_purged)
    except sqlite3.Error as exc:
        raise CliError(f"the store could not be written ({type(exc).__name__}: {exc}); "
                       "run `cctrace doctor`") from exc
    finally:
        bar.close()
    print(f"imported {counts['files']} transcript(s): {counts['observations']} new "
          f"observation(s); {counts['errors']} error(s)"
          + (f"; {counts['skipped']} other file(s) skipped" if counts["skipped"] else ""))
    if counts["observations"] and not args.no_export:
        print("run `cctrace flush` to deliver them now (the worker also sends them)")
    return 1 if counts["errors"] else 0
