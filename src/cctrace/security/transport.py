"""Transport rules for export destinations: https with verification for anything not on
this machine.

Pure functions, no I/O. A loopback destination (127.0.0.0/8, ::1, `localhost`) may use plain
http, because the bytes never leave the host; every other destination must be https, and
certificate verification is never turned off (a custom CA bundle may be named instead).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def host_of(url: str) -> str | None:
    """The lower-case host name of `url`, or None when it has none or cannot be parsed."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.lower().rstrip(".") if host else None


def port_of(url: str) -> int | None:
    """The explicit or scheme-default port of `url`, or None."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if port is not None:
        return port
    return {"https": 443, "http": 80}.get(parts.scheme.lower())


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    host = host.lower().strip("[]").rstrip(".")
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def transport_problem(url: str) -> str | None:
    """Why `url` may not be used as an export destination, or None when it may.

    Only http(s) is accepted; http only towards loopback.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "the URL cannot be parsed"
    scheme = parts.scheme.lower()
    host = host_of(url)
    if scheme not in ("http", "https"):
        return f"scheme {scheme or '(none)'!r} is not http(s)"
    if not host:
        return "the URL has no host"
    if scheme == "http" and not is_loopback(host):
        return f"plain http to non-loopback host {host}; use https"
    return None
