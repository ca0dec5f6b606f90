"""Detector: passwords and keys in the configuration files of common daemons, written the
way each daemon reads them, which no assignment rule matches.

Redis (`requirepass <pw>`, `masterauth <pw>`), keepalived (`auth_pass <pw>`) and HAProxy
(`insecure-password <pw>`) take a directive and a blank; wpa_supplicant and NetworkManager
keep a Wi-Fi passphrase as `psk="<8-63 characters>"` (or 64 hex digits, the derived key);
Maven's `settings-security.xml` holds the master password as `<master>{<base64>}</master>`;
cloud-init's `chpasswd:` `list:` gives one `user:password` a line (`RANDOM` draws one);
OpenVPN's static key is a `-----BEGIN OpenVPN Static key V1-----` block of hex lines (not
PEM: the private key detector does not read it). A directive must start its line (a JSON
string's opening quote or `\\n` escape counts), so prose naming it (`set requirepass in
redis.conf`) is not one, and its value (quotes off; `#` inside it is part of it) is judged
as a password (`stoplist.password_value`): references, placeholders and paths stay.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import LINE_BREAK, SPECIFIC, STRUCTURAL, Detector, Pattern
from cctrace.redact.stoplist import password_value

# A line's start, or a JSON string's: its opening quote or a `\n` escape before it.
_START = r"(?:^|(?<=\n)|(?<=\\n)|(?<=\"))[ \t]*"


# cloud-init's `chpasswd:` `list:` (a block scalar or a YAML list): one `user:password` a
# line, at most 32 lines; `RANDOM` / `R` ask cloud-init to draw one.
_CHPASSWD = (r"chpasswd:[ \t]*" + LINE_BREAK + r"(?:[ \t]+[\w-]{1,32}:[^\r\n\\]{0,64}"
             + LINE_BREAK + r"){0,4}?[ \t]+list:[ \t]*(?:\|[-+]?)?[ \t]*" + LINE_BREAK
             + r"(?P<body>(?:[ \t]+(?:-[ \t]+)?[\w.\-]{1,64}:[^\s\\\"]{1,256}[ \t]*(?:"
             + LINE_BREAK + r"|(?=\\*\")|$)){1,32})")
_CHPASSWD_LINE = re.compile(r"[\w.\-]{1,64}:(?P<p>[^\s\\\"]{1,256})")


def _chpasswd(match: re.Match[str]) -> list[tuple[int, int]]:
    body, at = match.group("body"), match.start("body")
    return [(at + m.start("p"), at + m.end("p")) for m in _CHPASSWD_LINE.finditer(body)
            if m.group("p") != "RANDOM"  # (`R`, its short form, is too short for one)
            and password_value(m.group("p"), quoted=True, env=True)]


def _ok(match: re.Match[str]) -> bool:
    # The daemon reads the value as typed (`redis.pass.word` is a password, not a dotted
    # name): the quoted reading, which asks no code shape (and reads no `env`).
    return password_value(match.group("s"), quoted=True, env=True)


DETECTOR = Detector(
    name="daemon_config",
    description="Daemon configuration passwords: Redis, keepalived, HAProxy directives, "
                "Wi-Fi psk, Maven's master password, OpenVPN static keys.",
    patterns=(
        Pattern(
            "config_password",
            _START + r"(?:requirepass|masterauth|auth_pass|insecure-password)[ \t]+"
            r"(?:\\{0,3}[\"'])?(?P<s>[^\s\\\"']{1,512})(?=\\{0,3}[\"']?[ \t]*(?:$|\r?\n|\\[nr]|#))",
            anchors=("requirepass", "masterauth", "auth_pass", "insecure-password"),
            flags=re.MULTILINE,
            check=_ok,
            # The daemon's own syntax names the value, over prose's reading of the same
            # span (`insecure-password X` holds `password X`).
            priority=SPECIFIC,
        ),
        Pattern(
            "config_password",
            # A quoted passphrase, or the 64 hex digits of the key derived from one (as good
            # as the passphrase).
            _START + r"psk[ \t]*=[ \t]*(?:\\{0,3}\")?(?P<s>(?<=\")[^\"\\\r\n]{8,63}(?=\\{0,3}\")"
            r"|[0-9a-fA-F]{64}(?![0-9a-zA-Z]))",
            anchors=("psk",),
            flags=re.MULTILINE,
            check=_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "config_password",
            r"<master>[ \t]*(?P<s>\{[A-Za-z0-9+/]{16,}={0,2}\})[ \t]*</master>",
            anchors=("<master>",),
            priority=STRUCTURAL,
        ),
        Pattern(
            "config_password",
            _CHPASSWD,
            anchors=("chpasswd:",),
            expand=_chpasswd,
            priority=SPECIFIC,
        ),
        Pattern(
            "openvpn_static_key",
            r"-----BEGIN OpenVPN Static key V1-----(?:\s|\\+[nr])+(?:[0-9a-fA-F]{16,64}"
            r"(?:\s|\\+[nr])+){4,}-----END OpenVPN Static key V1-----",
            anchors=("-----begin openvpn static key",),
            priority=STRUCTURAL,
        ),
    ),
)
