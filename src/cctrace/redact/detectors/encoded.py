"""Detector: secrets inside base64 (`kubectl get secret -o yaml`, a kubeconfig's
`client-key-data`, `echo $TOKEN | base64` wrapped at 64 or 76 columns, JWTs wrapped once more).

A base64 run is decoded when it holds the encoding of a marker that starts most secrets
worth finding this way (PEM armour, URL schemes with credentials, provider prefixes, secret
words), at any of the three byte alignments; the prefilter looks for those encodings, so
text without them costs nothing. The run is redacted whole when the decoded text is
printable and the other detectors find a secret in it (a run that decodes to ordinary text
or to binary stays). Wrapped runs are read across their newlines when every line but the
last is exactly 64 or 76 characters, as `base64` and PEM write them.
"""

from __future__ import annotations

import base64
from functools import cache

from cctrace.redact.detectors.base import STRUCTURAL, Detector, Pattern
from cctrace.redact.views import decode_text

# What a decoded secret starts with (or holds near its start), as plain text.
MARKERS = (
    "-----BEGIN ", "postgres://", "postgresql://", "mysql://", "mongodb",
    "redis://", "amqp://", "https://", "password", "passwd", "secret", "token", "api_key",
    "apikey", "ghp_", "gho_", "ghs_", "github_pat_", "glpat-", "xoxb-", "xoxp-", "sk_live_",
    "rk_live_", "sk-ant-", "sk-proj-", "AKIA", "ASIA", "AIza", "npm_", "pypi-", "eyJhbGci",
    "hvs.", "dop_v1_", "shpat_", "ya29.",
    # TLS broker / warehouse URLs and Azure connection strings (whole values of a secret)
    "rediss://", "amqps://", "snowflake://", "DefaultEndpointsProtocol=", "Endpoint=sb://",
    # PEM armour already in base64 (a base64-encoded kubeconfig holding `client-key-data`)
    "LS0tLS1CRUdJTi",
)
# Per byte alignment (0, 1, 2 unknown bytes before the marker): the first base64 character
# that holds no bit of those bytes.
_FIRST = (0, 2, 3)


def encodings(marker: str) -> list[str]:
    """The base64 text `marker` always encodes to, at each of the 3 byte alignments: the
    characters whose 6 bits come from the marker alone (4+ of them), standard alphabet."""
    out = []
    raw = marker.encode()
    for lead in range(3):
        enc = base64.b64encode(b"\0" * lead + raw).decode()
        first = _FIRST[lead]
        last = (lead + len(raw)) * 8 // 6  # characters before this are whole marker bits
        part = enc[first:last]
        if len(part) >= 4:
            out.append(part)
    return out


def _anchors() -> tuple[str, ...]:
    """The prefilter's literals (lower-case): each encoding. None of them holds `+` or `/`
    (tests/redact/detectors/test_encoded.py), so they read the same in the URL-safe alphabet."""
    return tuple(sorted({part.lower() for marker in MARKERS for part in encodings(marker)}))


@cache
def _inner() -> object:
    """A redactor of every detector, for the decoded text (built on first use; the
    registry imports this module, so the engine is imported here, not at the top). Its own
    `encoded` detector reads base64 inside base64: each level is 3/4 as long."""
    from cctrace.redact import registry
    from cctrace.redact.engine import SecretRedactor

    return SecretRedactor(registry.detectors(), b"encoded-detector-inner-key-0000")


def _holds_secret(value: str) -> bool:
    plain = decode_text(value.replace("\n", "").replace("\r", ""))
    return plain is not None and bool(_inner().explain(plain))  # type: ignore[attr-defined]


_CH = r"[A-Za-z0-9+/_\-]"
DETECTOR = Detector(
    name="encoded",
    description="Secrets inside base64 (Kubernetes secrets, kubeconfigs, base64 output).",
    patterns=(
        Pattern(
            "encoded_secret",
            r"(?<![A-Za-z0-9+/_\-])(?:(?:" + _CH + r"{76}\r?\n)+" + _CH + r"{1,76}"
            r"|(?:" + _CH + r"{64}\r?\n)+" + _CH + r"{1,64}|" + _CH + r"{16,16384})"
            r"={0,2}(?![A-Za-z0-9+/=_\-])",
            anchors=_anchors(),
            validate=_holds_secret,
            # below every format's own: a JWT or key that is found encoded keeps its type
            priority=STRUCTURAL - 10,
        ),
    ),
)
