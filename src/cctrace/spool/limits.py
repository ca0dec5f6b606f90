"""Size caps of the state dir that the hook must honour: the spool's and the logs'.

Standard library only: the hook imports this on every event. The caps come from the config
(`limits.spool_mb`, `limits.log_kb`), which the hook cannot afford to parse (TOML), so the
worker and the CLI copy them into `<state>/limits` (`name=bytes` lines) whenever they load
the config; without that file the defaults below apply.

The spool cap is kept with a flag file, `<spool>/.full`, so the hook's usual cost is one
`stat`. The flag is set by whoever measures the spool at or above the cap (the hook after
every `CHECK_EVERY`-th event or a large one, the worker after each slice) and cleared by a
measurement below it. A flag older than `FLAG_FRESH_S` is measured again before it is
believed: a worker that died while the spool was full cannot leave the hook dropping events
forever. Events refused at the cap are counted (`hook.dropped_cap`), never silently lost.
"""

from __future__ import annotations

import os
import time

from cctrace.spool import layout

LIMITS_NAME = "limits"
FULL_FLAG = ".full"
DEFAULT_SPOOL_BYTES = 512 * 1024 * 1024
DEFAULT_LOG_BYTES = 1024 * 1024
MIN_LOG_BYTES = 4 * 1024
# The hook measures the spool after every CHECK_EVERY-th event and after any event above
# LARGE_EVENT_BYTES, so the spool overshoots its cap by fewer than that many small events.
# A measurement stats every file (~22 ms at 10,000 waiting events): rare enough that the
# hook's p99 does not see it.
CHECK_EVERY = 256
LARGE_EVENT_BYTES = 1024 * 1024
FLAG_FRESH_S = 5.0
# `doctor` warns from this share of a cap on.
WARN_SHARE = 0.8


def limits_path(state_dir: str) -> str:
    return os.path.join(state_dir, LIMITS_NAME)


def read_limits(state_dir: str) -> dict[str, int]:
    """{"spool_bytes": N, "log_bytes": N} from `<state>/limits`, defaults for what is absent.

    A cap of 0 means no cap. Unreadable or malformed lines are ignored (the default stands).
    """
    out = {"spool_bytes": DEFAULT_SPOOL_BYTES, "log_bytes": DEFAULT_LOG_BYTES}
    try:
        with open(limits_path(state_dir), "rb") as fh:
            raw = fh.read(4096)
    except OSError:
        return out
    for line in raw.decode("ascii", "ignore").splitlines():
        name, _, value = line.partition("=")
        name, value = name.strip(), value.strip()
        if name in out and value.isdigit():
            out[name] = int(value)
    if out["log_bytes"]:
        out["log_bytes"] = max(out["log_bytes"], MIN_LOG_BYTES)
    return out


def write_limits(state_dir: str, spool_bytes: int, log_bytes: int) -> bool:
    """Record the caps for the hook (atomic; skipped when unchanged). True if written."""
    text = f"spool_bytes={max(0, int(spool_bytes))}\nlog_bytes={max(0, int(log_bytes))}\n"
    path = limits_path(state_dir)
    try:
        with open(path, encoding="ascii") as fh:
            if fh.read(4096) == text:
                return False
    except (OSError, ValueError):
        pass
    tmp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, text.encode("ascii"))
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return True


def spool_usage(state_dir: str) -> tuple[int, int]:
    """(events, bytes) in the spool, temp files of writers in progress included."""
    count = size = 0
    try:
        with os.scandir(layout.spool_dir(state_dir)) as it:
            for entry in it:
                name = entry.name
                final = layout.parse_seq(name) is not None
                if not final and not name.startswith(layout.TEMP_PREFIX):
                    continue
                try:
                    size += entry.stat(follow_symlinks=False).st_size
                except OSError:
                    continue  # acked (deleted) while we looked
                count += final
    except OSError:
        pass
    return count, size


def _flag_path(state_dir: str) -> str:
    return os.path.join(layout.spool_dir(state_dir), FULL_FLAG)


def measure(state_dir: str, cap: int | None = None) -> bool:
    """Measure the spool against its cap, set or clear the flag; True if at or above it."""
    cap = read_limits(state_dir)["spool_bytes"] if cap is None else cap
    full = bool(cap) and spool_usage(state_dir)[1] >= cap
    flag = _flag_path(state_dir)
    try:
        if full:
            fd = os.open(flag, os.O_WRONLY | os.O_CREAT, 0o600)
            os.close(fd)
            os.utime(flag)  # fresh again: the hook believes it for FLAG_FRESH_S
        else:
            os.unlink(flag)
    except OSError:
        pass
    return full


def refuses(state_dir: str, now: float | None = None) -> bool:
    """Whether the hook must drop the next event because the spool is at its cap.

    One `stat` when no flag exists (the normal case); a stale flag is measured again.
    """
    try:
        st = os.stat(_flag_path(state_dir))
    except OSError:
        return False
    now = time.time() if now is None else now
    if 0 <= now - st.st_mtime < FLAG_FRESH_S:
        return True
    return measure(state_dir)


def after_append(state_dir: str, seq: int, size: int) -> None:
    """The hook's periodic measurement after spooling event `seq` of `size` bytes."""
    if seq % CHECK_EVERY == 0 or size >= LARGE_EVENT_BYTES:
        measure(state_dir)
