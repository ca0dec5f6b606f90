"""Detector: backup, recovery and one-time codes given after the words that name them.

A service's backup or recovery codes log in without the second factor, each once, for as
long as they are not used; a one-time or 2FA code is good for minutes, but a trace keeps
it. "Your backup codes:" then one code per line (a list marker or number before each
allowed), or "the 2FA code is 482913", "recovery codes: a1b2-c3d4, e5f6-a7b8". A code is
up to four groups of 3 to 12 letters and digits joined by a dash or one blank, 4+ letters
and digits in all, holding a digit (`single use` is words); a date, a time or a version
is none (`2026-12-07`: a 2-digit group; `10:42`, `1.2.3`: no `:` or `.` in a code).
Words that name a one-time code alone take it after a verb or colon too ("Your OTP is
483920", "passcode: 7731 0924", `Bestätigungscode lautet`, `code de vérification :`,
`código de verificación es`).
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import CONTEXTUAL, LINE_BREAK, Detector, Pattern

_KINDS = ("backup", "recovery", "one-time", "one time", "2fa", "mfa", "otp", "totp",
          "verification", "authentication", "login", "sign-in", "single-use", "two-factor",
          "2-step", "emergency", "scratch")
_HEAD = (r"(?:" + "|".join(re.escape(k) for k in _KINDS)
         + r")[ \t]+codes?(?:[ \t]*\([^()\r\n]{0,80}\))?[ \t]*(?:is|are|was|were)?[ \t]*:?")
# Words naming a one-time code by themselves (no `code` after them), and other languages'
# code words; a verb or a colon must follow, and no letter precede (`xotp`).
# (`one-time passcode` is `passcode`'s; `totp` needs its own: no letter before `otp`.)
_ALONE = ("otp", "totp", "one-time password", "passcode",
          "bestätigungscode", "bestaetigungscode", "sicherheitscode", "einmalcode",
          "verifizierungscode", "anmeldecode", "code de vérification", "code de confirmation",
          "code de sécurité", "código de verificación", "codigo de verificacion",
          "código de seguridad", "codice di verifica", "código de verificação")
_ALONE_HEAD = (r"(?<![A-Za-z0-9_])(?:" + "|".join(re.escape(k) for k in _ALONE)
               + r")(?:[ \t]+(?:is|was|lautet|ist|est|es|é|è)[ \t]*:?|[ \t]*:)")
# A digit among its letters, 4+ letters and digits in all, groups of 3-12 joined by `-` or
# one blank before a digit (`735 204`).
_CODE = (r"(?=[A-Za-z\-]*[0-9])(?=(?:[A-Za-z0-9][- ]?){4})[A-Za-z0-9]{3,12}"
         r"(?:(?:-|[ ](?=[0-9]))[A-Za-z0-9]{3,12}){0,3}")
# After the words: codes on the same line, separated by commas, each ending at a blank or
# punctuation (`the 2FA code is 482913 for now`).
_INLINE = re.compile(r"[ \t]*[`\"']?(?P<c>" + _CODE + r")[`\"']?[ \t]*"
                     r"(?:,[ \t]*|(?=[.;:!?)]|\s|\\[nr]|\\?\"|$))")
# On the lines after: one code each, with a list marker or number before it.
_LINE = re.compile(LINE_BREAK + r"(?:[ \t]*" + LINE_BREAK + r")?[ \t]*(?:[-*•]|\d{1,2}[.)])?[ \t]*"
                   r"[`\"']?(?P<c>" + _CODE + r")[`\"']?[ \t]*(?=" + LINE_BREAK
                   + r"|\\?\"|$)")
# At most this many codes on the head's line, and as many lines of codes after it (services
# issue 8 to 16). Bounded both: text repeating the head glued to a code-like word (`2fa
# code2fa code...`) would otherwise be read to its end from every head (quadratic).
_MAX_LINES = 24


def _codes(match: re.Match[str]) -> list[tuple[int, int]]:
    """The spans of the codes after the head: inline ones, then one per following line."""
    text, at = match.string, match.end()
    spans: list[tuple[int, int]] = []
    while len(spans) < _MAX_LINES and (m := _INLINE.match(text, at)) is not None:
        spans.append(m.span("c"))
        at = m.end()
    lines = 0
    while lines < _MAX_LINES and (m := _LINE.match(text, at)) is not None:
        spans.append(m.span("c"))
        at, lines = m.end(), lines + 1
    return spans


DETECTOR = Detector(
    name="one_time_codes",
    description="Backup, recovery and one-time codes listed after the words naming them.",
    patterns=(
        Pattern(
            "one_time_code",
            _HEAD,
            anchors=tuple(f"{k} code" for k in _KINDS),
            at_anchor=True,
            expand=_codes,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "one_time_code",
            _ALONE_HEAD,
            anchors=tuple(dict.fromkeys(k.lower() for k in _ALONE)),
            at_anchor=True,
            expand=_codes,
            priority=CONTEXTUAL,
        ),
    ),
)
