"""`detectors/url_credentials.py`, `connection_string.py`, `netrc.py`: passwords in
structured places, placeholders and empty or stand-in values left byte-identical."""

from __future__ import annotations

import pytest

from support.detector_samples import check_alone


@pytest.mark.parametrize("text,secret", [
    ("postgres://app:S3cr3tPw@db.internal/app", "S3cr3tPw"),
    ("redis://:S3cr3tPw@cache:6379/0", "S3cr3tPw"),           # no user
    ("https://u:x1@h.test/", "x1"),
    ("https://app:pass@h.test/", None),                         # stand-ins for a password
    ("https://app:PW@h.test/", None),
    ("https://app:pwd@h.test/", None),
    ("https://app:$PGPASSWORD@h.test/", None),                  # a placeholder
    ("https://<user>:S3cr3tPw@h.test/", None),                  # a placeholder user
    ("https://${USER}:S3cr3tPw@h.test/", "S3cr3tPw"),          # the password is real
])
def test_url_password(text: str, secret: str | None) -> None:
    check_alone("url_credentials", "url_password", text, secret)


@pytest.mark.parametrize("text,secret", [
    ("Server=db;User Id=sa;Password=Sql!Pass42;", "Sql!Pass42"),
    ("Server=db; pwd = Sql!Pass42 ;x=1", "Sql!Pass42"),
    ("Server=db;Password=<password>;", None),
    ("Server=db;Password=${DB_PASSWORD};", None),
])
def test_connection_string(text: str, secret: str | None) -> None:
    check_alone("connection_string", "connection_string_password", text, secret)


@pytest.mark.parametrize("text,secret", [
    ("machine api.test login deploy password S3cr3tPw\n", "S3cr3tPw"),
    ("default login deploy password S3cr3tPw\n", "S3cr3tPw"),
    ("machine api.test\n  login deploy\n  passwd S3cr3tPw\n", "S3cr3tPw"),
    ("machine api.test login deploy password $NETRC_PW\n", None),
    ("machine api.test login deploy password <password>\n", None),
    ("xmachine api.test login deploy password S3cr3tPw\n", None),   # not a word start
])
def test_netrc(text: str, secret: str | None) -> None:
    check_alone("netrc", "netrc_password", text, secret)
