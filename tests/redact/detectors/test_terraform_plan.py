"""`detectors/terraform_plan.py` alone, exactly: a block's `value` when its `name` names a
secret, and the new value of a secret attribute in a plan's `"old" -> "new"`. A positive
gives exactly one finding over exactly the value; a negative none, byte-identical."""

from __future__ import annotations

import json

import pytest

from support import alone as support_alone

PW = "Harbor%mango69#"


def found(text: str, value: str) -> None:
    support_alone.found("terraform_plan", "labelled_secret", text, value)


def kept(text: str) -> None:
    support_alone.kept("terraform_plan", text)


SSM = ('  + resource "aws_ssm_parameter" "api_key" {{\n      + arn   = (known after apply)\n'
       '      + name  = "{name}"\n      + type  = "SecureString"\n      + value = "{value}"\n'
       '    }}')


@pytest.mark.parametrize("text", [
    SSM.format(name="/prod/api_key", value=PW),
    SSM.format(name="/prod/db/password", value=PW),
    '  + resource "kubernetes_config_map" "x" {\n      + name = "db_password"\n'
    f'      + value = "{PW}"\n    }}',
    'resource "aws_ssm_parameter" "p" {\n  name  = "/app/token"\n'
    f'  value = "{PW}"\n}}',                                # the configuration itself
    f'  ~ secret_data = "old" -> "{PW}"',
    f'      ~ password = (sensitive value) -> "{PW}"',
    f'      ~ secret_string = null -> "{PW}"',
])
def test_found(text: str) -> None:
    found(text, PW)


def test_found_inside_a_json_string() -> None:
    found(json.dumps(SSM.format(name="/prod/api_key", value=PW)), PW)
    found(json.dumps(f'  ~ secret_data = "old" -> "{PW}"'), PW)


@pytest.mark.parametrize("text", [
    SSM.format(name="/prod/region", value="eu-west-1x"),     # the name names no secret
    SSM.format(name="/prod/api_key", value="(sensitive value)"),
    '  + resource "x" "y" {\n      + name  = "/prod/api_key"\n    }\n'
    f'  + resource "z" "w" {{\n      + value = "{PW}"\n    }}',  # another block
    f'  + name = "/prod/api_key"\n  + value = "{PW}"',     # no block around them
    f'tags = {{ name = "api_key", secret_value = "{PW}" }}',  # not the `value` attribute
    '  ~ instance_type = "t3.small" -> "t3.large"',
    '  ~ token_ttl = "1h" -> "2h"',
])
def test_kept(text: str) -> None:
    kept(text)


@pytest.mark.parametrize("text", [
    f'tags = {{\n  name = "/prod/api_key"\n}}\nvalue = "{PW}"',   # the block closed before
    f'{{\n  value = "{PW}"\n}}\n{{\n  name = "/prod/api_key"\n}}',  # a later block's name
    f'  ~ region = "x" -> "{PW}"',                            # the attribute names no secret
])
def test_kept_blocks(text: str) -> None:
    kept(text)


def test_a_secret_versions_payload_may_be_chosen() -> None:
    found('  ~ secret_data = "a" -> "sunshine99"', "sunshine99")
    kept('  ~ token_ttl = "a" -> "sunshine99"')                # a token must read as drawn


def test_found_blocks() -> None:
    found(f'{{\n  name = "/prod/api_key"\n  value = "{PW}"\n}}', PW)  # opens the text
    found(f'  ~ secret_string = "a" -> "{PW}"', PW)


@pytest.mark.parametrize("pad,ok", [(0, True), (1, False)])
def test_the_block_is_read_2048_characters_back(pad: int, ok: bool) -> None:
    head = '{\n  name = "/prod/api_key"\n#'
    tail = '\n  value = "'
    text = head + "x" * (2048 + pad - len(head) - 3) + tail + PW + '"\n}'
    assert text.index("value") - text.index("{") == 2048 + pad
    (found(text, PW) if ok else kept(text))


@pytest.mark.parametrize("indent,ok", [(47, True), (48, False)])
def test_the_attributes_line_is_read_48_characters_back(indent: int, ok: bool) -> None:
    text = '{\n  name = "/prod/api_key"\n' + " " * indent + f'value = "{PW}"\n}}'
    (found(text, PW) if ok else kept(text))
