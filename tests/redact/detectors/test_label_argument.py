"""`detectors/label_argument.py` alone, exactly: a string literal labelling a secret, then
the value as the next argument, adjacent literal or `+` operand; a setter's last string
argument. A positive gives exactly one finding over exactly the value; a negative none."""

from __future__ import annotations

import json

import pytest

from support import alone as support_alone

PW = "Copper@quartz93!"
TOKEN = "paWNsyRAGFpDNBZU8JeQNVy2oiYjHPce8aLMxOid"


def found(text: str, value: str) -> None:
    support_alone.found("label_argument", "labelled_secret", text, value)


def kept(text: str) -> None:
    support_alone.kept("label_argument", text)


@pytest.mark.parametrize("text,value", [
    (f'print("password:", "{PW}")', PW),
    (f'console.log("token=", "{TOKEN}");', TOKEN),
    (f'log("token=" "{TOKEN}")', TOKEN),                        # adjacent literals
    (f'System.out.println("Secret key = " + "{TOKEN}");', TOKEN),
    (f"logger.info('db password: %s', '{PW}')", PW),           # a format's argument
    (f'fmt.Println("api key", "{TOKEN}")', TOKEN),             # no colon
    (f'puts "api_token:", "{TOKEN}"', TOKEN),
    (f'db.changeUserPassword("app", "{PW}")', PW),             # a setter's last argument
    (f'user.set_password("{PW}")', PW),
    (f'client.setToken(cfg, "{TOKEN}")', TOKEN),
    (f'resetSecret(user, "x", "{TOKEN}")', TOKEN),
])
def test_found(text: str, value: str) -> None:
    found(text, value)


def test_found_inside_a_json_string() -> None:
    found(json.dumps(f'print("password:", "{PW}")'), PW)
    found(json.dumps(json.dumps(f'console.log("token=", "{TOKEN}")')), TOKEN)


@pytest.mark.parametrize("text", [
    'print("token:", "none")',                                # a word, not a secret
    't("Password", "Passwort")',                              # a translation
    f'print("password policy:", "{PW}")',                     # the label names no secret
    'print("token:", token)',                                 # a variable
    'print("token", "summer-holiday")',                        # a token must read as drawn
    'assert_fields(["password", "secret_key", "api_token"])',  # a list of names
    f'print("Enter the new value for your password", "{PW}")',  # six words: a sentence
    f'f(x="password:", y="{PW}")',                            # not the label's own quote
    'user.set_password(new_password)',                        # a variable
    f'user.set_password("{PW}", extra("x"))',                 # not the last argument
    f'user.setName("{PW}")',                                  # the call names no secret
])
def test_kept(text: str) -> None:
    kept(text)


def test_the_label_may_follow_other_words_of_its_string() -> None:
    found(f'print("the db password:", "{PW}")', PW)
    kept(f'print("one two three four five six password:", "{PW}")')


def test_the_value_may_open_a_list() -> None:
    found(f"$this->logger->debug('smtp password', ['{PW}']);", PW)
    found(f'log("api token", {{"{TOKEN}"}})', TOKEN)


@pytest.mark.parametrize("text", [
    f'print("password:", "{PW}\')',                       # the value's quotes differ
    f'user.set_password("{PW}\')',
    f"print(a password\", \"{PW}\")",                    # no label string opens before
    f'print("monkey:", "{TOKEN}")',                        # the word runs into another
    'client.set_token("hello-world")',                     # a setter's value judged too
])
def test_kept_exactly(text: str) -> None:
    kept(text)


def test_the_labels_bounds() -> None:
    found(f'"password:", "{PW}"', PW)                      # the label opens the text
    found(f'print("one two three four five password:", "{PW}")', PW)  # five words before
    head = "a" * 40
    found(f'print("{head} password:", "{PW}")', PW)         # 41 characters before the word
    kept(f'print("{head}a password:", "{PW}")')             # 42: past the head's bound
