"""Values a terminal or `fold` wrapped where their first fragment matches nothing on its
own (`"ghToken": "ghp_vmx` + newline, `TOKEN -> ghp` + newline): the value cut by the line's
end after a secret-named key is a near miss that opens the wrap window
(`detectors/generic_assignment.py`, `redact/views.py`), and the joined line is detected.
A reference wrapped the same way stays (`arn:...:123` + newline + `456:secret:name`).
"""

from __future__ import annotations

import json

import pytest

from support.absence import assert_absent

GHP = "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"
HEX = "73b311e9df527d7d218c973789a52c24"


def _fold(line: str, width: int = 80) -> str:
    return "\n".join(line[i:i + width] for i in range(0, len(line), width)) + "\n"


@pytest.mark.parametrize("cut", [3, 12, 28])
def test_a_quoted_json_value_wrapped_after_a_few_characters(redactor, cut: int) -> None:
    head = '{"region": "eu-west-1", "retries": 3, "ghToken": "'
    line = head.rjust(80 - cut) + GHP + '"}'
    text = _fold(line)
    assert text.split("\n")[0].endswith(GHP[:cut])  # the first fragment is the cut
    assert_absent(GHP, redactor.redact_text(text))


@pytest.mark.parametrize("cut", [2, 5, 9])
def test_a_log_value_after_an_arrow_wrapped_early(redactor, cut: int) -> None:
    line = "2024-05-02T10:01:12Z INFO resolved GITHUB_TOKEN -> ".rjust(80 - cut) + GHP + " ok"
    assert_absent(GHP, redactor.redact_text(_fold(line)))


def test_a_drawn_hex_value_in_json_wrapped(redactor) -> None:
    line = json.dumps({"bucket": "acme-artifacts-eu-west", "region": "eu-west-1",
                       "apiSecret": HEX})
    text = _fold(line)
    assert "\n" in text[text.index(HEX[:4]):]  # wrapped inside the value
    assert_absent(HEX, redactor.redact_text(text))


@pytest.mark.parametrize("text", [
    _fold('{"region": "eu-west-1", "bucket": "acme-artifacts", "retries": 3, "endpoint": "h'
          'ttps://s3.eu-west-1.amazonaws.com", "accessToken": "arn:aws:secretsmanager:us-ea'
          'st-1:123456789012:secret:prod/db-AbCdEf"}'),
    _fold("x" * 60 + ' "token": "abcd') + "\n",  # a line end that is no wrap: nothing joined
    "API_TOKEN=ab\n\nother text\n",
])
def test_wrapped_references_and_short_lines_stay(redactor, text: str) -> None:
    assert redactor.redact_text(text) == text


def test_a_spaced_arrow_maps_a_log_key_to_its_value(redactor) -> None:
    text = f"2024-05-02T10:01:12Z INFO resolved SERVICE_TOKEN -> {HEX} (mounted)\n"
    assert_absent(HEX, redactor.redact_text(text))
    line = "2024-05-02T10:01:12Z INFO resolved SERVICE_TOKEN -> ".rjust(76) + HEX + " ok"
    assert_absent(HEX, redactor.redact_text(_fold(line)))


@pytest.mark.parametrize("text", [
    f"if (tok->token->{HEX[:8]}) x;\n",  # a pointer's member, not a mapping
    "next token -> next_token_value\n",
])
def test_a_glued_arrow_or_a_word_stays(redactor, text: str) -> None:
    assert redactor.redact_text(text) == text


def test_a_wrapped_arn_from_the_start_of_its_line_stays(redactor) -> None:
    arn = ("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf-and-a-longer"
           "-name:secret:Xk29fJ3kLm9Qp2Rz7Tb")
    text = _fold(arn)
    assert text.index("\n") == 80 and text[80:].startswith("\n-name:secret:")
    assert redactor.redact_text(text) == text


def test_a_key_after_an_arn_that_was_not_wrapped_is_a_key(redactor) -> None:
    # the line above ends in an ARN but is not a wrap width long: no ARN goes on here
    text = "role=arn:aws:iam::123456789012:role/deploy\nfoo:secret=Xk29fJ3kLm9Qp2Rz7Tb\n"
    assert_absent("Xk29fJ3kLm9Qp2Rz7Tb", redactor.redact_text(text))


def test_an_arn_wrapped_inside_its_own_scheme_stays(redactor) -> None:
    head = "resource: ".rjust(78) + "ar"
    text = head + "\nn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf\n"
    assert len(head) == 80
    assert redactor.redact_text(text) == text
