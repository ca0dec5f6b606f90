"""Detector: values assigned to secret-named keys in code, YAML, JSON, TOML, INI and env files.

`password = "..."`, `DB_PASSWORD=...`, `"api_key": "..."`, `secret: ...`. The key must
contain a secret word (password, token, secret, api key...) that is not part of another
word (`tokenizer`) nor qualified by a non-secret suffix (`password_file`, `token_type`);
the value must pass the stop-list and an entropy/shape gate, stricter when it is unquoted
(where it is usually code: `token = self.next()`).
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import GENERIC, Detector, Pattern
from cctrace.redact.stoplist import plausible_secret

KEYWORDS = (
    "password", "passwd", "passphrase", "pwd", "secret", "token", "api_key", "apikey",
    "api-key", "access_key", "accesskey", "private_key", "privatekey", "auth_key",
    "credential", "signing_key", "encryption_key", "master_key",
)
_KW = (
    r"(?P<kw>password|passwd|passphrase|pwd|secret|token|api[_\-]?key|access[_\-]?key"
    r"|private[_\-]?key|auth[_\-]?key|credential|signing[_\-]?key|encryption[_\-]?key"
    r"|master[_\-]?key)"
)
_KEY = r"(?P<k>" + _KW + r"[A-Za-z0-9_.\-]{0,40})"
_CLOSE = r"(?:\\{0,3}[\"'])?\]?[ \t]*"

_NON_SECRET_SUFFIX = re.compile(
    r"(?i)(?:file|path|dir|name|names|field|fields|type|types|len|length|prompt|label|hint"
    r"|format|pattern|regex|re|url|uri|endpoint|env|var|id|ids|count|size|timeout|ttl"
    r"|expiry|expires|expiration|mode|policy|required|enabled|reset|changed|set|class|cls"
    r"|kind|index|idx|pos|chars|min|max|manager|handler|store|provider|callback|func|fn"
    r"|method|cache|strength|validator|input|form|version|source|header|headers|param"
    r"|params|prefix|suffix|location|limit|option|options|flag|attr|key_id|keyid|arn"
    r"|ref|scope|scopes|usage|endpoint|host|port|user|username|login|email|hash_algorithm"
    r"|placeholder|example|description|doc|help|text|message|error|exception|test|tests)$"
)


def _key_ok(match: re.Match[str]) -> bool:
    key, kw = match.group("k"), match.group("kw")
    rest = key[len(kw) :]
    # `tokenizer`, `secretary`: the secret word runs on into another lowercase word.
    if rest[:1].islower() and not re.match(r"s(?:$|[^a-z])", rest):
        return False
    return not _NON_SECRET_SUFFIX.search(key.rstrip("_.-"))


def _quoted_ok(match: re.Match[str]) -> bool:
    return _key_ok(match) and plausible_secret(match.group("s"), quoted=True, min_len=6)


def _unquoted_ok(match: re.Match[str]) -> bool:
    return _key_ok(match) and plausible_secret(match.group("s"), quoted=False, min_len=8)


DETECTOR = Detector(
    name="generic_assignment",
    description="Secret-named keys assigned a value (code, YAML, JSON, TOML, env files).",
    patterns=(
        Pattern(
            "generic_secret",
            _KEY + _CLOSE + r"(?:=>|:=|=|:)[ \t]*(?:[bru]{0,2})(?P<q>\\{0,3}[\"'`])"
            r"(?P<s>[^\r\n\"'`\\]{1,512}?)(?P=q)",
            anchors=KEYWORDS,
            at_anchor=True,
            check=_quoted_ok,
            priority=GENERIC,
        ),
        Pattern(
            "generic_secret",
            _KEY + _CLOSE + r"(?:=>|:=|=|:)[ \t]*(?![=>\s\"'`\\])"
            r"(?P<s>[^\s\"'`\\,;)\]}<>|&]{8,512})",
            anchors=KEYWORDS,
            at_anchor=True,
            check=_unquoted_ok,
            priority=GENERIC,
        ),
        Pattern(
            "generic_secret",
            r"<(?P<k>(?P<kw>password|passwd|secret|token|api[_\-]?key|access[_\-]?key)"
            r"[A-Za-z0-9_.\-]{0,40})>(?P<s>[^<\s]{6,512})</(?P=k)>",
            anchors=("<password", "<passwd", "<secret", "<token", "<api", "<access"),
            at_anchor=True,
            check=_quoted_ok,
            priority=GENERIC,
        ),
    ),
)
