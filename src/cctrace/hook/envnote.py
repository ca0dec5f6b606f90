"""What the hook notes about the environment an event arrived with: never used, only reported.

Standard library only (the hook imports this). Capture takes nothing from the environment
(see `cctrace.statedir` and `cctrace.config`), but a variable that would have steered it
once is worth knowing about: it may be a repository's attempt to redirect or blind cctrace,
or a user who has not yet moved their settings into the config. For each watched variable
that is set, the spool header gets its name and a CRC-32 of its value (never the value);
the worker compares that with the config (`cctrace.security.envcheck`) and records a
`destination` finding for the session when they differ. `CCTRACE_HOME` is noted only when
it names another folder than the pinned state dir.
"""

from __future__ import annotations

import os

WATCHED = ("CCTRACE_HOME", "CCTRACE_CONFIG", "LANGFUSE_BASE_URL", "LANGFUSE_HOST",
           "LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY", "CCTRACE_OTLP_ENDPOINT")
# Variables that would steer Python's HTTP stack, interpreter or state folders in any
# letter case (`Http_Proxy` counts: urllib reads proxies case-insensitively). cctrace uses
# none of them while capturing; they are noted so the user learns they are set.
UNUSED = frozenset({"http_proxy", "https_proxy", "all_proxy", "requests_ca_bundle",
                    "curl_ca_bundle", "ssl_cert_file", "ssl_cert_dir", "netrc", "pythonpath",
                    "pythonhome", "pythonstartup", "xdg_state_home"})
# Noted variables that point capture itself elsewhere: the hook also counts these.
STATE_VARS = ("CCTRACE_HOME", "CCTRACE_CONFIG")


def fingerprint(value: str) -> int:
    import binascii

    return binascii.crc32(value.strip().encode("utf-8", "surrogateescape"))


def note(environ: dict[str, str], state_dir: str) -> dict[str, int]:
    """{variable: fingerprint} of the watched variables set in `environ` (`os.environ` or
    any mapping; typed loosely because `collections.abc` is too slow to import here)."""
    out: dict[str, int] = {}
    for name in WATCHED:
        value = environ.get(name)
        if not value or not value.strip():
            continue
        if name == "CCTRACE_HOME":
            try:
                if os.path.abspath(os.path.expanduser(value.strip())) == state_dir:
                    continue
            except (ValueError, OSError):
                pass
        out[name] = fingerprint(value)
    for name in environ:
        if name.lower() in UNUSED and name.replace("_", "").isalnum() and name.isascii():
            value = environ.get(name)
            if value and value.strip():
                out[name] = fingerprint(value)
    return out
