"""`detectors/redis_console.py` alone, exactly: `CONFIG SET requirepass X`, `CONFIG GET
requirepass`'s reply lines, ACL rules' `>password` and `#<sha256>`. A positive gives
exactly the values' findings; a negative none, byte-identical."""

from __future__ import annotations

import json

import pytest

from cctrace.redact.engine import Finding
from support import alone as support_alone

PW = "Velvet%rapid69?"
HASH = "735f2485e8236a353ce4d8a154f4527d355d796140c018ef10cbc1ed878cc0e9"


def found(text: str, value: str) -> None:
    support_alone.found("redis_console", "config_password", text, value)


def kept(text: str) -> None:
    support_alone.kept("redis_console", text)


@pytest.mark.parametrize("text,value", [
    (f'127.0.0.1:6379> CONFIG SET requirepass "{PW}"\nOK', PW),
    (f"r1:6379> config set masterauth {PW}", PW),
    (f'127.0.0.1:6379> CONFIG GET requirepass\n1) "requirepass"\n2) "{PW}"', PW),
    (f'1) "masterauth"\n2) "{PW}"\n', PW),
    (f"127.0.0.1:6379> ACL SETUSER app on >{PW} ~cache:* +get +set\nOK", PW),
    (f"ACL SETUSER app reset ~* +@all >{PW}", PW),
    (f'127.0.0.1:6379> ACL LIST\n1) "user app on #{HASH} ~cache:* +get"', HASH),
    (f"user app on #{HASH} ~* &* +@all\n", HASH),          # an aclfile line
])
def test_found(text: str, value: str) -> None:
    found(text, value)


def test_found_inside_a_json_string() -> None:
    found(json.dumps(f'r:6379> CONFIG GET requirepass\n1) "requirepass"\n2) "{PW}"'), PW)
    found(json.dumps(f"r:6379> ACL SETUSER app on >{PW} ~*"), PW)


def test_every_password_of_a_rule() -> None:
    other = "Copper@quartz93!"
    text = f"ACL SETUSER app on >{PW} >{other} #{HASH} ~*"
    at = [text.index(v) for v in (PW, other, HASH)]
    assert support_alone.alone("redis_console").explain(text) == [
        Finding("config_password", "redis_console", a, a + len(v))
        for a, v in zip(at, (PW, other, HASH), strict=True)]


@pytest.mark.parametrize("text", [
    '127.0.0.1:6379> CONFIG GET requirepass\n1) "requirepass"\n2) ""',
    '127.0.0.1:6379> CONFIG GET maxmemory\n1) "maxmemory"\n2) "0"',
    "127.0.0.1:6379> CONFIG SET requirepass $REDIS_PASSWORD",
    '1) "user default on nopass ~* &* +@all"',
    "ACL SETUSER app on <oldpass ~* +@all",               # `<` removes a password
    f"the user app on #{HASH[:12]} channel",              # no 64-hex hash
    f"a user bob who logs in > {PW}",                      # prose: no on/off first
    "set requirepass in redis.conf",
])
def test_kept(text: str) -> None:
    kept(text)


def test_a_code_like_password_is_typed_as_it_is() -> None:
    found("r:6379> CONFIG SET requirepass pa(ss)word1", "pa(ss)word1")
    found("ACL SETUSER app on >pa(ss)word1 ~*", "pa(ss)word1")
