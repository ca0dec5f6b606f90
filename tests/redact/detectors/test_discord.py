"""`detectors/discord.py`: a bot token passed to `client.run(...)` is found with the quote
as written and JSON-escaped (code shown in a tool result inside a transcript's JSON)."""

from __future__ import annotations

import json

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import Finding, SecretRedactor
from support.absence import assert_absent

TOKEN = "MIk2zwEQHfwcepYyNGfB51Yb.A5idNo.DCDBwb2Dc4-dsdc6lC1MXlPq2Ymk-yE9fz1Wuv"


@pytest.mark.parametrize("code", [f'client.run("{TOKEN}")', f"bot.start('{TOKEN}')",
                                  f"client.login(`{TOKEN}`)"])
def test_bot_token_in_code_plain_and_json_escaped(code: str) -> None:
    r = SecretRedactor([registry.load("discord")], b"k" * 32)
    for text in (code, json.dumps(code), json.dumps(json.dumps({"out": code}))):
        at = text.index(TOKEN)
        assert r.explain(text) == [Finding("discord_bot_token", "discord", at, at + len(TOKEN))]
        assert_absent(TOKEN, SecretRedactor(registry.detectors(), b"k" * 32).redact_text(text))
