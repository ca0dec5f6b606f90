"""`detectors/pgpass.py`: the password field of PostgreSQL password-file lines."""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import Finding, SecretRedactor
from support.absence import assert_absent

PW = "Xk9fQ2mZpL7wR4tB"


def _alone() -> SecretRedactor:
    return SecretRedactor([registry.load("pgpass")], b"k" * 32)


@pytest.mark.parametrize("text,value", [
    (f"$ cat ~/.pgpass\ndb.internal:5432:app:app:{PW}\n", PW),
    (f"*:*:*:replicator:{PW}\n", PW),
    ("db:6432:app:app:Summer2024!\n", "Summer2024!"),
    ("*:*:19500:0:99999:7::x\n", "99999:7::x"),  # not only ageing numbers after the user
    ("*:*:19500:0:99999:7::::1\n", "99999:7::::1"),  # six fields: not a shadow line's five
    ("10.0.0.5:5432:app:app:pa\\:ss\\\\word99\n", "pa\\:ss\\\\word99"),  # escapes
])
def test_passwords_are_gone(text: str, value: str) -> None:
    red = SecretRedactor(registry.detectors(), b"k" * 32)
    assert_absent(value, red.sweep(red.redact_text(text)))


def test_exact_span_and_type() -> None:
    text = f"db.internal:5432:app:app:{PW}  \nnext"
    at = text.index(PW)
    assert _alone().explain(text) == [Finding("pgpass_password", "pgpass", at, at + len(PW))]


@pytest.mark.parametrize("text", [
    "db.internal:5432:app:app:${PGPASSWORD}\n",  # a reference
    "db.internal:5432:app:app:<password>\n",  # a placeholder
    "db.internal:5432:app:app:\n",  # empty
    "12:34:56:5432:77 elapsed\n",  # a log line's a:b:c:d:e with another second field
    "2024-01-01 12:00:5432:app:x\n",  # blank in the first field
    "db.internal:8080:app:app:Xk9fQ2mZpL7wR4tB\n",  # not a PostgreSQL port
    "daemon:*:19500:0:99999:7:::\n",  # /etc/shadow, a locked account: ageing numbers
    "bin:*:19500:0:99999:7:::",
    "svc:*:19500:0::::::\n",
])
def test_other_lines_are_left(text: str) -> None:
    assert _alone().redact_text(text) == text


@pytest.mark.parametrize("text", [
    "db.internal:5432:app:app:op\\://vault/db/password\n",  # `op://` escaped for the file
    "db.internal:5432:app:app:op\\:\\/\\/vault/db/password\n",
])
def test_an_escaped_reference_is_read_unescaped(text: str) -> None:
    assert _alone().redact_text(text) == text
