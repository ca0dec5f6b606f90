"""Export destination URLs: parsed once, checked, and handed to the HTTP client as checked.

Pure functions, no I/O. `validate_url` is the only parser of a destination URL: it accepts
`https://host[:port][/path]`, or `http://` towards loopback only (the bytes never leave the
host), and returns the URL rebuilt from the parts it checked. Everything that could make
another parser see another host is refused rather than interpreted: user info (`@`),
backslashes, whitespace and control characters, percent-encoded or otherwise odd host
characters, non-canonical IPv4 forms (`127.1`, `0x7f.0.0.1`), query strings and fragments.
Unicode host names are IDNA-encoded, so the host checked is the ASCII host connected to.
Callers give the HTTP client `validate_url(...)`'s result and nothing else; certificate
verification is never turned off (a custom CA bundle may be named instead).
"""

from __future__ import annotations

import ipaddress
import re

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
SCHEMES = ("https", "http")
DEFAULT_PORTS = {"https": 443, "http": 80}
MAX_URL = 2048

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\Z")
_NUMERIC_ISH = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)\Z")
_PATH_OK = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*\Z")
_PCT = re.compile(r"%(?![0-9A-Fa-f]{2})")


class URLError(ValueError):
    """A destination URL that cctrace will not send to; the message says why."""


class URL(str):
    """A validated destination URL (a `str`), with the parts that were checked."""

    scheme: str
    host: str
    port: int
    path: str

    def __new__(cls, scheme: str, host: str, port: int | None, path: str) -> URL:
        shown = f"[{host}]" if ":" in host else host
        text = f"{scheme}://{shown}{f':{port}' if port is not None else ''}{path}"
        self = super().__new__(cls, text)
        self.scheme, self.host, self.path = scheme, host, path
        self.port = port if port is not None else DEFAULT_PORTS[scheme]
        return self


def _host(raw: str) -> str:
    """The normalised host of an authority's host part; URLError when it is not one."""
    if raw.startswith("["):
        if not raw.endswith("]"):
            raise URLError("unbalanced [ in the host")
        try:
            return str(ipaddress.IPv6Address(raw[1:-1]))
        except ValueError as exc:
            raise URLError(f"not an IPv6 address: {raw}") from exc
    name = raw[:-1] if raw.endswith(".") else raw
    if not name:
        raise URLError("the URL has no host")
    if not name.isascii():
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise URLError(f"host {raw!r} is not a valid international domain name") from exc
    name = name.lower()
    labels = name.split(".")
    if _NUMERIC_ISH.match(labels[-1]):
        # Resolvers read `127.1`, `0177.0.0.1` or `0x7f.1` as addresses; only the one
        # canonical dotted quad is accepted, so every parser agrees on which address it is.
        try:
            return str(ipaddress.IPv4Address(name))
        except ValueError as exc:
            raise URLError(f"host {raw!r} is not a canonical IPv4 address") from exc
    for label in labels:
        if not _LABEL.match(label):
            raise URLError(f"host {raw!r} has an invalid label {label!r}")
    if len(name) > 253:
        raise URLError("host name too long")
    return name


def validate_url(text: str) -> URL:
    """The destination URL `text`, checked and rebuilt; URLError says what is wrong."""
    if not isinstance(text, str):
        raise URLError("the URL is not a string")
    url = text.strip(" ")
    if not url:
        raise URLError("the URL is empty")
    if len(url) > MAX_URL:
        raise URLError("the URL is too long")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 or c in "\\\u2028\u2029" for c in url):
        raise URLError("the URL contains whitespace, control characters or a backslash")
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in SCHEMES:
        raise URLError(f"scheme {scheme if sep else '(none)'!r} is not https")
    cut = min([i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0],
              default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    if "@" in authority:
        raise URLError("user info (user@ or user:password@) is not allowed in the URL; "
                       "keys go in the config and the keychain")
    if "%" in authority:
        raise URLError("percent-encoded characters are not allowed in the host")
    if "?" in tail or "#" in tail:
        raise URLError("a query string or fragment is not allowed in the URL")
    if not _PATH_OK.match(tail) or _PCT.search(tail):
        raise URLError("the URL path contains characters that must be percent-encoded")
    port: int | None = None
    if authority.startswith("["):
        end = authority.find("]")
        hostpart, after = (authority[:end + 1], authority[end + 1:]) if end >= 0 \
            else (authority, "")
        if after and not after.startswith(":"):
            raise URLError("text after the IPv6 address")
        portpart = after[1:] if after else None
    else:
        hostpart, colon, portpart_ = authority.partition(":")
        portpart = portpart_ if colon else None
    if portpart is not None:
        if not (portpart.isascii() and portpart.isdigit()) or len(portpart) > 5 \
                or not 0 < int(portpart) < 65536:
            raise URLError(f"port {portpart!r} is not a number from 1 to 65535")
        port = int(portpart)
    host = _host(hostpart)
    if scheme == "http" and not is_loopback(host):
        raise URLError(f"plain http to non-loopback host {host}; use https")
    return URL(scheme, host, port, tail)


def transport_problem(url: str) -> str | None:
    """Why `url` may not be used as an export destination, or None when it may."""
    try:
        validate_url(url)
    except URLError as exc:
        return str(exc)
    return None


def host_of(url: str) -> str | None:
    """The normalised host of a valid destination URL, else None."""
    try:
        return validate_url(url).host
    except URLError:
        return None


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
