"""Passwords people choose (`summer2024summer`, `dragon12`) in password slots: no randomness
is asked of them; placeholders, references, paths and code stay byte-identical."""

from __future__ import annotations

import os

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import SecretRedactor
from cctrace.redact.stoplist import password_value
from support.absence import assert_absent

CHOSEN = ["summer2024summer", "hunter2hunter2", "dragon12", "qwerty123456", "admin123",
          "bluebird77", "letmein12345", "companyname2023", "123456", "Tr0ub4dor&3"]
SYNTAXES = [
    'export DB_PASSWORD="{v}"\n', "DB_PASSWORD={v}\n", "password: {v}\n",
    '{{"password": "{v}"}}', "<password>{v}</password>", "spring.datasource.password={v}\n",
    "[client]\npasswd = {v}\n", 'db_pass = "{v}"\n',
]


def _red() -> SecretRedactor:
    return SecretRedactor(registry.detectors(), os.urandom(32))


@pytest.mark.parametrize("value", CHOSEN)
@pytest.mark.parametrize("layout", SYNTAXES)
def test_a_chosen_password_is_redacted(layout: str, value: str) -> None:
    text = layout.format(v=value)
    out = _red().redact_text(text)
    assert value not in out
    if len(value) >= 12:
        assert_absent(value, out)
    assert "[REDACTED:" in out


# One lower-case word starting like an article or pronoun (a, an, my, some, the, your) is a
# chosen password, not a `yourtoken` placeholder. Unquoted YAML/INI words are left out here:
# there a bare word reads as a name in code (`password: tiger`, kept below).
ARTICLE_WORDS = ["avalanche", "andromeda", "mystery", "therapy", "someday", "yourself"]


@pytest.mark.parametrize("value", ARTICLE_WORDS)
@pytest.mark.parametrize("layout", [s for s in SYNTAXES if not s.startswith(("password:", "["))])
def test_a_word_starting_like_an_article_is_redacted(layout: str, value: str) -> None:
    out = _red().redact_text(layout.format(v=value))
    assert value not in out
    assert "[REDACTED:" in out


KEPT = [
    "password = self.password\n", "password: ${DB_PASSWORD}\n", "PASSWORD=$DB_PASS\n",
    "password: /etc/secret/pw\n", '"password": "",\n', "password=None\n",
    "password = get_password()\n", "password_file: /x/y\n", 'password: "{{ vault_pw }}"\n',
    "passwd = getpass.getpass()\n", "password: userPassword\n", "pass: new_password\n",
    "password: password\n", "password: newpassword\n", "f(password=pw_value)\n",
    "def read(self, name, pwd=None):\n", "def extract(self, path=None, pwd=None):\n",
    'password="password="password="\n', "password: changeme\n", "password: tiger\n",
]


@pytest.mark.parametrize("text", KEPT)
def test_what_is_not_a_password_is_kept(text: str) -> None:
    assert _red().redact_text(text) == text


@pytest.mark.parametrize(("value", "quoted", "env", "ok"), [
    ("abcde1", True, False, True), ("abcd1", True, False, False),        # 6 is the floor
    ("a1" * 256, True, False, True), ("a1" * 256 + "b", True, False, False),  # 512 the cap
    ("123456", False, False, True), ("12345", False, False, False),
    ("changeme", True, False, False),                                  # a placeholder
    ("token=abc123", True, False, False), ("mypwd:x9", True, False, False),
    ("pass word", True, False, True),                                  # quoted: any text
    ("~/secrets/pw", False, True, False), ("./pw.txt", False, False, False),
    ("hunter2hunter2", False, False, True), ("hunter2hunter2", False, True, True),
    ("newpassword", False, False, False), ("newpassword", False, True, True),
    ("new_pass99", False, False, False), ("new_pass99", False, True, True),
    ("userPass99", False, False, False),
    ("conf.pw_value", False, True, False), ("get_pw(x)", False, True, False),
    ("None):", False, False, False), ("pw9x7q2k):", False, False, True),
    ("get_pw):", False, True, False), ("abc):", False, False, False),
    ("x9#k2q):", False, False, True), ("x9#k2):", False, False, False),  # core of 6 / 5
    ("new_passX", False, True, True),       # only `)]}:,;` are stripped before the code check
    ("NEW_PASSX9", False, True, True), ("hunter2X", False, False, True),  # only `.([` is code
    ("/Zk3jQ9xLm2P", False, True, True),    # a random 12 after a slash is no path
])
def test_password_value_bounds(value: str, quoted: bool, env: bool, ok: bool) -> None:
    assert password_value(value, quoted, env) is ok
