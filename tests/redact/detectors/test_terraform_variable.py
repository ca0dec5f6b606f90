"""`detectors/terraform_variable.py` alone, exactly: the `default` of a `variable` block
named after a secret (judged by its word) or marked `sensitive = true` (taken whatever it
looks like), raw and inside a JSON string."""

from __future__ import annotations

import json

import pytest

from support import alone as support_alone

PW = "Alder#Wood55"
TOKEN = "SQ5fTTtHsOEoHwccXdfZohTKMFZ5mVoqAXe30sZ8"


def found(text: str, value: str) -> None:
    support_alone.found("terraform_variable", "terraform_sensitive", text, value)


def kept(text: str) -> None:
    support_alone.kept("terraform_variable", text)


@pytest.mark.parametrize("text,value", [
    (f'variable "db_password" {{\n  type      = string\n  default   = "{PW}"\n'
     '  sensitive = true\n}', PW),
    (f'variable "db_password" {{\n  default = "{PW}"\n}}', PW),
    (f'variable "cloudflare_api_token" {{\n  default = "{TOKEN}"\n}}', TOKEN),
    ('variable "seed" {\n  sensitive = true\n  default = "dragon"\n}', "dragon"),
    (f'variable "db_password" {{\n  validation {{\n    condition = length(var.x) > 8\n'
     f'  }}\n  default = "{PW}"\n}}', PW),
])
def test_found(text: str, value: str) -> None:
    found(text, value)
    found(json.dumps(text), value)


def test_found_raw_with_an_escaped_quote_inside() -> None:
    found('variable "db_password" {\n  default = "Tr0ub\\"4dor&3x"\n}', 'Tr0ub\\"4dor&3x')


def test_a_password_is_typed_not_code() -> None:
    found('variable "db_password" {\n  default = "Pa55(w0rd)"\n}', "Pa55(w0rd)")


@pytest.mark.parametrize("body,kept_", [(4095, False), (4096, True)])
def test_a_block_is_read_up_to_4096_characters(body: int, kept_: bool) -> None:
    head = 'variable "db_password" {'
    inner = '\n  default = "hunter2Secret!"'
    text = head + inner + "\n" * (body - len(inner)) + "}"
    if kept_:
        kept(text)
    else:
        found(text, "hunter2Secret!")


@pytest.mark.parametrize("text", [
    'variable "db_password" {\n  type      = string\n  sensitive = true\n}',
    'variable "region" {\n  default = "eu-west-1"\n}',
    'variable "api_token" {\n  default = "abcdefghij"\n}',        # a word: not drawn
    'variable "api_token" {\n  default = "summer2024x"\n}',       # a token is drawn
    'variable "db_password" {\n  default = ""\n}',
    'variable "db_password" {\n  default = "changeme"\n}',       # a placeholder
    'variable "token_ttl" {\n  default = "3600"\n}',             # no secret word at its end
    'variable "db_password" {\n  default = null\n}',
    'variable "x" {\n  sensitive = false\n  default = "hunter2Secret!"\n}',
    'variable "db_password" {\n  type = string\n}\nlocals {\n  default = "hunter2Secret!"\n}',
])
def test_kept(text: str) -> None:
    kept(text)
