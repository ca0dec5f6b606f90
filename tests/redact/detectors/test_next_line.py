"""`detectors/next_line.py` alone, exactly: a value alone on the line after a label that
ends with a secret word and a colon (a pasted credential, a YAML block scalar), raw and
after JSON-escaped line breaks. Labels that are code (`if token:`) or name no secret
(`primary key:`), and values that are words, references or placeholders, stay."""

from __future__ import annotations

import json

import pytest

from support import alone as support_alone

PW = "Marlin&8364bramble*"
TOKEN = "MMhxs9PZ40qdcr8A9NWcxQhbeebFsNQD41KQvdqz"


def found(text: str, value: str) -> None:
    support_alone.found("next_line", "labelled_secret", text, value)


def kept(text: str) -> None:
    support_alone.kept("next_line", text)


@pytest.mark.parametrize("text,value", [
    (f"Here is the password:\n\n{PW}\n", PW),
    (f"Here is the password:\n{PW}", PW),
    (f"**Password**:\n`{PW}`\n", PW),
    (f"- DB password:\n  {PW}\n", PW),
    (f"secrets:\n  api_token: |\n    {TOKEN}\n  region: eu", TOKEN),
    (f"db:\n  password: >-\n    {PW}\n", PW),
    (f"API token:\r\n{TOKEN}\r\n", TOKEN),
    (f"The new signing secret :\n{TOKEN}", TOKEN),
    ("Here is the password:\nhunter2Secret\n", "hunter2Secret"),   # chosen: code-like
])
def test_found(text: str, value: str) -> None:
    found(text, value)


@pytest.mark.parametrize("text,value", [
    (f"Here is the password:\n\n{PW}\n", PW),
    (f"secrets:\n  api_token: |\n    {TOKEN}\n", TOKEN),
])
def test_found_in_a_json_string(text: str, value: str) -> None:
    found(json.dumps(text), value)
    # a tool result holding JSON, stored in a JSON string: the label opens a string
    found(json.dumps({"result": json.dumps({"stdout": text})}), value)


@pytest.mark.parametrize("text", [
    "password:\n  required: true\n  minLength: 12",
    "token:\n    description: The API token to use\n    type: string",
    "if token:\n    return\nelse:\n    raise ValueError()",
    f"if not key:\n    {TOKEN}\n",                        # a branch, whatever follows
    f"while token:\n    {TOKEN}\n",
    "API token:\nsummer2024x\n",                         # a token word asks for a drawn one
    f"primary key:\n{TOKEN}\n",                            # a key that is no secret
    f"monkey:\n{TOKEN}\n",                                 # no secret word of its own
    f"password policy:\n{PW}\n",                           # the label goes on past it
    "Here is the password:\n\nSee the vault.\n",           # words
    "Here is the password:\n${DB_PASSWORD}\n",             # a reference
    "API token:\n<your token>\n",
    "API token:\nabcdefghij\n",                            # a word, not drawn
    f"Here is the password: {PW}\n",                       # same line: others' business
    f"one two three four five six seven password:\n{PW}\n",  # a sentence, not a label
    f"password:\n\n\n{PW}\n",                              # two blank lines: not next
])
def test_kept(text: str) -> None:
    kept(text)


# -- a field name without a colon, as a console page copies it -------------------------------
@pytest.mark.parametrize("text", [
    f"API key\n{TOKEN}\n",
    f"Secret access key\n{TOKEN}",
    f"Personal access token\r\n{TOKEN}\r\n",
    f"Password\n{PW}\n",
    f"Client secret\n\n{TOKEN}\n",
    f"  API key\n  {TOKEN}  \n",
])
def test_a_field_name_then_its_value(text: str) -> None:
    found(text, TOKEN if TOKEN in text else PW)
    found(json.dumps(text), TOKEN if TOKEN in text else PW)


def test_a_drawn_value_of_letters_only() -> None:
    found("API key\nGnQhYCIqqHriSpQAgfYkGWxXKCNKMfGx\n", "GnQhYCIqqHriSpQAgfYkGWxXKCNKMfGx")


@pytest.mark.parametrize("text", [
    "Key\nValue\n",                                      # words
    "Password\nrequired\n",
    "Password\nhunter2\n",                               # chosen, no colon: not enough
    "Sort key\nuser_id\n",
    f"Primary key\n{TOKEN}\n",
    "## Password\nUse a strong one.\n",
    f"## Password\n{TOKEN}\n",                           # a heading, not a field
    f"- API key\n{TOKEN}\n",                             # a list item
    f"**API key**\n{TOKEN}\n",
    f"Your new account API key\n{TOKEN}\n",              # five words: a sentence
    f"api_key\n{TOKEN}\n",                               # a name, not a field label
    f"the API key {TOKEN}\nnext\n",                      # not alone on its line
    "Idempotency key\n0f8fad5b-d9cb-469f-a165-70867728950e\n",
    "Commit key\n3f9c2d1e8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d\n",
    "    return token\n    self.next()\n",
    f"for key\n{TOKEN}\n",                               # code
    f"API key\n{TOKEN} and more\n",
])
def test_not_a_field_and_its_value(text: str) -> None:
    kept(text)
