"""`detectors/service_context.py` alone: the bounds of the name's word and of the window
after it (a word of a service name repeated glued costs a bounded look at each hit)."""

from __future__ import annotations

import pytest

from cctrace.redact.detectors.service_context import NAME_MAX, WINDOW
from support import alone as support_alone

TOKEN = "Zq8XvT3mWk9PbR4nLs2YzQ1w"


@pytest.mark.parametrize(("length", "found"), [
    (NAME_MAX + WINDOW - 3, True),   # the rest of the word and `: "` fill the window
    (NAME_MAX + WINDOW - 2, False),  # one character more: the token starts past it
])
def test_the_names_word_and_the_window_are_bounded(length: int, found: bool) -> None:
    assert (NAME_MAX, WINDOW) == (64, 80)
    text = "stripe" + "x" * (length - 6) + f': "{TOKEN}"'
    if found:
        support_alone.found("service_context", "service_token", text, TOKEN)
    else:
        support_alone.kept("service_context", text)


def test_a_name_repeated_glued_is_no_name_before_a_token() -> None:
    support_alone.kept("service_context", "abuseipdb" * 500)
    text = "abuseipdb" * 3 + f' = "{TOKEN}"'
    support_alone.found("service_context", "service_token", text, TOKEN)


def test_a_json_strings_escaped_line_break_ends_the_token() -> None:
    # `dns cloudflare <token>\n  }` of a Caddyfile inside a JSON string (a Write tool input)
    text = f"tls {{\\n    dns cloudflare {TOKEN}\\n  }}"
    support_alone.found("service_context", "service_token", text, TOKEN)
    support_alone.found("service_context", "service_token", f'"stripe {TOKEN}\\""', TOKEN)
    support_alone.kept("service_context", f"stripe {TOKEN}\\x41")  # another escape: cut
