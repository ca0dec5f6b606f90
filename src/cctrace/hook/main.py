"""What the hook does for one Claude Code event: spool the payload, maybe wake the worker, exit.

Runs under `python -S` on every hook event, so it loads only cheap standard-library modules
(`os`, `sys`, `time`, `fcntl`, `_json`), never parses the whole payload and never touches the
network. The payload is stored exactly as received; only the top-level `hook_event_name` is
read (it precedes tool input and output in Claude Code's payloads, so that is a few hundred
bytes). Events that complete work (`WAKE_EVENTS`) then start the worker if none runs.

It never raises, never prints (stdout of SessionStart / UserPromptSubmit hooks goes to the
model; fd 1 is pointed at /dev/null first), and always returns 0. The one exception is guard
mode (off by default, see `guard.py`): after a PreToolUse event is spooled, if
`<state>/guard.json` exists, the call is checked against the blocking rules and a deny
decision is written to the original stdout. With guard mode off that costs one `stat`. Anything that
goes wrong is counted in `<state>/counters/hook.<kind>` and logged to `<state>/logs/hook.log`
with the event name, sizes and errno only, never payload content. Kinds: `lost` (nothing
spooled: unwritable state dir, full disk...), `oversize` (a stub was spooled instead of a
payload above the cap), `unparsed` (spooled, but no event name could be read),
`dropped_cap` (not spooled: the spool is at its size cap, see `cctrace.spool.limits`),
`guard_error` (guard mode could not judge a call, which was therefore allowed),
`env_ignored` (recorded, but the session's environment named another state dir or config
file: see `envnote`), `muted` (not spooled: the session is muted, see `mute`),
`deferred` (not spooled by a settings-file hook: the cctrace plugin records that event,
see `defer`; counted only).

Where it records is fixed by its command line, never by the environment, which a
repository can set: `--state-dir DIR` as `cctrace install` / `setup` pinned it, else the
account's default (`cctrace.statedir.capture_default`). `--max-bytes N` lowers the payload
cap (tests). `--plugin-data DIR --plugin-root DIR` say the plugin's launcher runs us (the
`CLAUDE_PLUGIN_DATA` Claude Code gave it, and the plugin's folder): with no `worker.json`
of a user's own install, the worker then runs on the plugin's private runtime, installed
in the background on first need (`cctrace.install.runtime`; SessionStart starts it).
Without them we are a settings-file hook, and stand down for an event the cctrace plugin
records itself (`cctrace.hook.defer`).
Nothing else is read from the command line.
"""

from __future__ import annotations

import os
import sys
import time

from cctrace import statedir
from cctrace.hook import envnote, mute
from cctrace.spool import jsonlite, limits, writer

WAKE_EVENTS = frozenset({"Stop", "SubagentStop", "PreCompact", "SessionEnd", "StopFailure",
                         mute.BEGAN})
MAX_PAYLOAD_BYTES = 64 * 1024 * 1024
HEAD_BYTES = 64 * 1024
_READ_CHUNK = 256 * 1024


def read_stdin(limit: int, fd: int = 0) -> tuple[bytes, int, bool]:
    """(data, total size, oversize). Above `limit`, data is just the first HEAD_BYTES.

    The rest of an oversize payload is still read and dropped, so the size is known and
    Claude Code's write end never sees a broken pipe.
    """
    chunks: list[bytes] = []
    total = 0
    head = b""
    over = False
    while True:
        try:
            chunk = os.read(fd, _READ_CHUNK)
        except OSError:
            break  # closed or unreadable stdin: whatever arrived is the payload
        if not chunk:
            break
        total += len(chunk)
        if over:
            continue
        chunks.append(chunk)
        if total > limit:
            over = True
            head = b"".join(chunks)[:HEAD_BYTES]
            chunks = []
    if over:
        return head, total, True
    return (chunks[0] if len(chunks) == 1 else b"".join(chunks)), total, False


def event_name(data: bytes, complete: bool = True) -> str | None:
    """The top-level `hook_event_name`, if it is a plain identifier; None otherwise."""
    head = data[:HEAD_BYTES].decode("utf-8", "ignore")
    name = jsonlite.top_level_string(head, "hook_event_name")
    if name is None and complete and len(data) > HEAD_BYTES and head.lstrip().startswith("{"):
        name = jsonlite.top_level_string(data.decode("utf-8", "ignore"), "hook_event_name")
    if name and len(name) <= 64 and name.isascii() and name.replace("_", "").isalnum():
        return name
    return None


def record(state_dir: str, kind: str, event: str | None, detail: str = "") -> None:
    """Count and log an anomaly; never raises (the state dir may be the problem)."""
    try:
        from cctrace.spool import diag
    except Exception:  # noqa: BLE001
        return
    try:
        diag.bump_counter(state_dir, f"hook.{kind}")
    except Exception:  # noqa: BLE001
        pass
    try:
        diag.append_log(state_dir, "hook", f"{kind} event={event or '-'} {detail}".rstrip())
    except Exception:  # noqa: BLE001
        pass


def _error_detail(exc: BaseException) -> str:
    text = f"error={type(exc).__name__}"
    if isinstance(exc, OSError) and exc.errno is not None:
        text += f" errno={exc.errno} ({exc.strerror})"
    return text


def read_counters(state_dir: str) -> dict[str, int]:
    """The hook's anomaly counters, e.g. {"hook.lost": 2}; for `cctrace status`."""
    from cctrace.spool import diag

    return diag.read_counters(state_dir, "hook.")


def _silence_stdout() -> int:
    """Point fd 1 at /dev/null; returns a (close-on-exec) copy of the original, or -1."""
    # Belt and braces: even a stray print can never reach the model. stderr stays (Claude
    # Code ignores it for exit code 0, and `-X importtime` measurements need it). The copy
    # is kept for guard mode's deliberate answer.
    try:
        saved = os.dup(1)
    except OSError:
        saved = -1
    fd = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(fd, 1)
    finally:
        os.close(fd)
    return saved


def guard(state_dir: str, data: bytes, out_fd: int) -> None:
    """Guard mode for a spooled PreToolUse payload: write a deny decision to `out_fd` if a
    blocking rule matches. Fails open: any error allows the call and is counted."""
    try:
        os.stat(state_dir + "/guard.json")
    except OSError:
        return  # guard mode off (the common case): nothing else is imported or read
    try:
        from cctrace.hook import guard as guard_mod

        hit = guard_mod.decide(state_dir, data)
    except BaseException as exc:  # noqa: BLE001 - fail open
        record(state_dir, "guard_error", "PreToolUse", _error_detail(exc))
        return
    if hit is None:
        return
    rule_id, answer = hit
    try:
        while answer:
            answer = answer[os.write(out_fd, answer):]
    except OSError as exc:
        record(state_dir, "guard_error", "PreToolUse", _error_detail(exc))
        return
    try:
        from cctrace.spool import diag

        diag.bump_counter(state_dir, guard_mod.DENIED_COUNTER)
        diag.append_log(state_dir, "hook", f"guard denied event=PreToolUse rule={rule_id}")
    except Exception:  # noqa: BLE001 - the decision stands; bookkeeping is best effort
        pass


def handle(state_dir: str, data: bytes, size: int, oversize: bool,
           received_ns: int, env: dict[str, int] | None = None,
           plugin: tuple[str, str] | None = None) -> str | None:
    """Spool one received payload and wake the worker if the event completes work.

    `env` is the event's environment note (`envnote.note`), kept in the spool header.
    `plugin`: (data folder, plugin folder) when the plugin runs us (see the module
    docstring). Returns the event name (None when unreadable)."""
    event = event_name(data, complete=not oversize)
    if env and any(name in env for name in envnote.STATE_VARS):
        # Recorded here all the same; the count makes the attempt visible to doctor.
        names = ",".join(n for n in envnote.STATE_VARS if n in env)
        record(state_dir, "env_ignored", event, f"variables={names}")
    try:
        refused = limits.refuses(state_dir)
    except Exception:  # noqa: BLE001 - a broken cap check must not cost the event
        refused = False
    if refused:
        record(state_dir, "dropped_cap", event, f"size={size}")
        if event in WAKE_EVENTS:
            _wake(state_dir, plugin)  # the worker is what drains the spool below its cap
        return event
    try:
        seq = writer.append(
            state_dir,
            b"" if oversize else data,
            received_ns=received_ns,
            event=event,
            size=size,
            oversize=oversize,
            # Always: durability is not a knob a session's environment may turn off.
            fsync=True,
            env=env or None,
        )
    except Exception as exc:  # noqa: BLE001 - unwritable dir, full disk, ...
        record(state_dir, "lost", event, f"size={size} {_error_detail(exc)}")
        return event
    try:
        limits.after_append(state_dir, seq, size)
    except Exception:  # noqa: BLE001 - the event is spooled; the next check will measure
        pass
    if oversize:
        record(state_dir, "oversize", event, f"size={size}")
    elif event is None:
        record(state_dir, "unparsed", None, f"size={size}")
    if event in WAKE_EVENTS:
        _wake(state_dir, plugin)
    elif event == "SessionStart" and plugin and not _users_install(state_dir):
        _plugin_runtime(state_dir, plugin)  # start a first install early
    return event


def _users_install(state_dir: str) -> bool:
    """Whether `worker.json` names an interpreter that exists (a user's own install wins)."""
    from cctrace.worker import lifecycle

    info = lifecycle.read_worker_info(state_dir)
    return bool(info and os.path.isfile(info["python"]))


def _plugin_runtime(state_dir: str, plugin: tuple[str, str]) -> tuple[str, str] | None:
    """(python, plugin folder) of the plugin's runtime when it is ready; otherwise starts
    its install (once) and returns None. Callers first check `_users_install`."""
    from cctrace.install import runtime

    data, root = plugin
    python = runtime.ensure(state_dir, data, root)
    return (python, root) if python else None


def _wake(state_dir: str, plugin: tuple[str, str] | None = None) -> None:
    from cctrace.worker import lifecycle

    if lifecycle.is_worker_running(state_dir):
        return
    runtime = None
    if plugin and not _users_install(state_dir):
        runtime = _plugin_runtime(state_dir, plugin)
        if runtime is None:
            return  # the runtime's install wakes the worker once it is ready
    lifecycle.wake_worker(state_dir, runtime)


def _plugin_records(argv: list[str], data: bytes, oversize: bool) -> bool:
    """Whether this settings-file hook stands down because the plugin records the event."""
    try:
        from cctrace.hook import defer

        return defer.plugin_records(event_name(data, complete=not oversize),
                                    defer.claude_dir(argv), os.getcwd())
    except Exception:  # noqa: BLE001 - in doubt, record: a duplicate beats a loss
        return False


def _count(state_dir: str, kind: str) -> None:
    """Count without a log line (for what happens on every event by design)."""
    try:
        from cctrace.spool import diag

        diag.bump_counter(state_dir, f"hook.{kind}")
    except Exception:  # noqa: BLE001
        pass


def _plugin_args(argv: list[str]) -> tuple[str, str] | None:
    """(`--plugin-data`, `--plugin-root`) when the launcher gave both, as absolute paths."""
    found = {}
    for arg in argv:
        name, _, value = arg.partition("=")
        if name in ("--plugin-data", "--plugin-root") and os.path.isabs(value):
            found[name] = os.path.normpath(value)
    if len(found) != 2:
        return None
    return found["--plugin-data"], found["--plugin-root"]


def _max_bytes(argv: list[str]) -> int:
    for arg in argv:
        if arg.startswith("--max-bytes="):
            raw = arg[len("--max-bytes="):]
            if raw.isdigit():
                return min(int(raw), MAX_PAYLOAD_BYTES)
    return MAX_PAYLOAD_BYTES


def main(argv: list[str] | None = None) -> int:
    """The whole hook. Always returns 0."""
    received_ns = time.time_ns()
    state_dir = ""
    try:
        os.umask(0o077)
        out_fd = _silence_stdout()
        try:
            import _signal

            # A full file-size limit must fail the write (counted), not kill us silently.
            _signal.signal(_signal.SIGXFSZ, _signal.SIG_IGN)
        except Exception:  # noqa: BLE001
            pass
        argv = sys.argv[1:] if argv is None else argv
        state_dir = statedir.pinned_arg(argv) or statedir.capture_default()
        data, size, oversize = read_stdin(_max_bytes(argv))
        try:
            env = envnote.note(os.environ, state_dir)
        except Exception:  # noqa: BLE001 - a note is never worth an event
            env = None
        muted = mute.check(state_dir, data)
        if muted:
            record(state_dir, "muted", event_name(data, complete=not oversize))
            if muted == mute.BEGAN:
                # Never silent: that the session went dark is recorded (ids only).
                began = mute.began_payload(data)
                handle(state_dir, began, len(began), False, received_ns, None,
                       _plugin_args(argv))
            return 0
        plugin = _plugin_args(argv)
        if plugin is None and _plugin_records(argv, data, oversize):
            _count(state_dir, "deferred")
            return 0
        event = handle(state_dir, data, size, oversize, received_ns, env, plugin)
        if event == "PreToolUse" and not oversize and out_fd >= 0:
            guard(state_dir, data, out_fd)
    except BaseException as exc:  # noqa: BLE001 - never fail Claude Code
        if state_dir:
            record(state_dir, "lost", None, _error_detail(exc))
    return 0


if __name__ == "__main__":  # pragma: no cover - use entry.py or `python -m cctrace.hook`
    sys.exit(main())
