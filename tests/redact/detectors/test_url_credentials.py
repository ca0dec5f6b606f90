"""`detectors/url_credentials.py`, `connection_string.py`, `netrc.py`: passwords in
structured places, placeholders and empty or stand-in values left byte-identical."""

from __future__ import annotations

import pytest

from support.detector_samples import check_alone


@pytest.mark.parametrize("text,secret", [
    ("postgres://app:S3cr3tPw@db.internal/app", "S3cr3tPw"),
    ("redis://:S3cr3tPw@cache:6379/0", "S3cr3tPw"),           # no user
    ("https://u:x1y2@h.test/", "x1y2"),                        # 4 characters: a password
    ("https://u:x1@h.test/", None),                             # 1-3: a docs stub
    ("https://abc:xyz@example.com/", None),
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


@pytest.mark.parametrize("text,secret", [
    # git remotes carry access tokens as the whole user part (layouts benchmark, issue 13)
    ("url = https://1a40a2a325fab2775bcca3ec436cc654ab4d995f@gitlab.example.com/t/a.git",
     "1a40a2a325fab2775bcca3ec436cc654ab4d995f"),
    ("https://2gWK20aKOO21iOnX4wSffreq9Ax4Kj%2FsTY1zdeYf@git.test/a.git",
     "2gWK20aKOO21iOnX4wSffreq9Ax4Kj%2FsTY1zdeYf"),
    ("https://Kq8Zr2Lk9Vb4Nm7X@h.test/", "Kq8Zr2Lk9Vb4Nm7X"),        # 16 characters
    ("https://Kq8Zr2Lk9Vb4Nm7@h.test/", None),                       # 15: a user name
    ("https://deploy-bot-production@h.test/", None),                 # a typed name
    ("ssh://git@github.com/acme/api.git", None),
    ("https://x-access-token@github.com/acme/api.git", None),
    ("https://${GITHUB_TOKEN}@github.com/acme/api.git", None),        # a reference
    ("https://%24%7BGITHUB_TOKEN%7D@github.com/acme/api.git", None),  # the same, encoded
    ("https://Kq8Zr2Lk9Vb4Nm7XcP1w6@/path", None),                    # no host after @
])
def test_url_user_token(text: str, secret: str | None) -> None:
    check_alone("url_credentials", "url_password", text, secret)


@pytest.mark.parametrize("text,secret", [
    ("CREATE USER 'app'@'%' IDENTIFIED BY 'C0ff332760=';", "C0ff332760="),
    ("create user app identified by 'Summer2024!'", "Summer2024!"),
    ("ALTER USER 'a'@'h' IDENTIFIED WITH mysql_native_password BY 'Summer2024!';",
     "Summer2024!"),
    ("CREATE ROLE app WITH LOGIN PASSWORD 'N66Xh1UWDBPUTOXYFL0B';", "N66Xh1UWDBPUTOXYFL0B"),
    ("ALTER ROLE x PASSWORD 'it''s-Secret1';", "it''s-Secret1"),      # '' inside
    ("SET PASSWORD = PASSWORD('Summer2024!');", "Summer2024!"),
    ("SET PASSWORD FOR 'u'@'h' = 'Summer2024!';", "Summer2024!"),     # MySQL 5.7.6+'s form
    ("CREATE USER app IDENTIFIED BY '<password>';", None),
    ("ALTER ROLE x PASSWORD '${PGPASS}';", None),
    ("ALTER ROLE x PASSWORD NULL;", None),
    ("user_password 'Summer2024!'", None),                             # not the SQL word
    ("reset-password 'Summer2024!'", None),
    ("IDENTIFIED BY 'Qz9'", "Qz9"),                                   # any length
])
def test_sql_password(text: str, secret: str | None) -> None:
    check_alone("connection_string", "sql_password", text, secret)


@pytest.mark.parametrize("text,secret", [
    # probes-7: `PASSWORD = N'...'` (SQL Server, Snowflake), `FOR <user>` of MySQL's form
    ("CREATE LOGIN etl WITH PASSWORD = N'Dowel#Pin6161', CHECK_POLICY = OFF;",
     "Dowel#Pin6161"),
    ("CREATE USER analyst PASSWORD = 'Dowel#Pin6161' DEFAULT_ROLE = READER;", "Dowel#Pin6161"),
    ("SET PASSWORD FOR root = 'Dowel#Pin6161';", "Dowel#Pin6161"),
    ("SET PASSWORD FOR `app`@`%` = 'Dowel#Pin6161';", "Dowel#Pin6161"),
    ("SET PASSWORD FOR 'root'@'localhost' = PASSWORD('Dowel#Pin6161');", "Dowel#Pin6161"),
    # Oracle's password as an identifier, said of a user or a database link
    ("CREATE USER etl IDENTIFIED BY Etl4Load99x DEFAULT TABLESPACE users;", "Etl4Load99x"),
    ("create user scott identified by tiger;", "tiger"),
    ('ALTER USER "App" IDENTIFIED BY "x!y#z 99";', "x!y#z 99"),
    ("CREATE DATABASE LINK rpt CONNECT TO rpt IDENTIFIED BY \"p$w#1\" USING 'R';", "p$w#1"),
    ("ALTER USER app IDENTIFIED BY Etl4Load99x\nGRANT x", "Etl4Load99x"),
    ("CREATE USER 'u'@'%' IDENTIFIED BY Etl4Load99x", "Etl4Load99x"),
    ("SET PASSWORD FOR 'u'@'h' = '<password>';", None),
    ("password = 'Dowel#Pin6161'", None),                              # code: lower case
    ("Password = N'Dowel#Pin6161'", None),
    ("The package is identified by its name and version.", None),      # a sentence
    ("a user identified by Etl4Load99x", None),                        # no user name before
    ("CREATE USER x IDENTIFIED BY :pw;", None),                        # a bind variable
    ("CREATE USER x IDENTIFIED BY password;", None),                  # the word, a clause
    ("CREATE USER x IDENTIFIED BY VALUES 'S:ABCD';", None),
    ("CREATE USER x IDENTIFIED EXTERNALLY;", None),
    ("CREATE USER u IDENTIFIED BY RANDOM PASSWORD;", None),          # MySQL 8's clause
    ("CREATE USER x IDENTIFIED BY changeme;", None),                  # a placeholder
    ("USER etl IDENTIFIED BY Etl4Load99x", "Etl4Load99x"),            # USER at offset 0
    ("CREATE USER" + " " * 392 + "etl IDENTIFIED BY Etl4Load99x", "Etl4Load99x"),  # 400 back
    ("CREATE USER" + " " * 393 + "etl IDENTIFIED BY Etl4Load99x", None),           # 401 back
])
def test_sql_password_probes7(text: str, secret: str | None) -> None:
    check_alone("connection_string", "sql_password", text, secret)


def test_mysql_p_with_an_upper_case_key(redactor) -> None:
    # `AKIA...` all letters once read as a placeholder (`^(a|an|my...)[a-z]*` ignoring case)
    text = "$ mysql -h db.internal -u root -pAKIAPTTDYTBNOXPQPWJC app\n"
    out = redactor.redact_text(text)
    assert "AKIAPTTDYTBNOXPQPWJC" not in out and out.startswith("$ mysql -h db.internal")


@pytest.mark.parametrize("text,secret", [
    ("uri = 'https://kaNydBSAodo87dsm9asuiSAFtsd7.com.1234@qYY3SylY7fHP'", None),  # no host
    ("https://Kq8Zr2Lk9Vb4Nm7XcP1w6@localhost/x", None),
    ("https://Kq8Zr2Lk9Vb4Nm7XcP1w6@a.b/x", "Kq8Zr2Lk9Vb4Nm7XcP1w6"),
    ("https://Kq8Zr2Lk9Vb4Nm7XcP1w6@[::1]:8080/x", "Kq8Zr2Lk9Vb4Nm7XcP1w6"),
    ("https://Kq8Zr2Lk9Vb4Nm7XcP1w6@git-lab_1.corp/x", "Kq8Zr2Lk9Vb4Nm7XcP1w6"),
    ("https://Kq8Zr2Lk9Vb4Nm7XcP1w6@host./x", None),
])
def test_url_user_token_needs_a_host_after_it(text: str, secret: str | None) -> None:
    check_alone("url_credentials", "url_password", text, secret)


@pytest.mark.parametrize("text,secret", [
    # a method or a class named `password`, not SQL
    ("    const password = await read.password('Password:', creds.password)", None),
    ("    const cur = await readUserInfo.password('Current password: ')", None),
    ("const password = new Password('r0sebud');", None),
    ("the method get-password('r0sebud') here", None),
    ('    """Load a library identified by \'name\'.', None),
    ("SET PASSWORD = PASSWORD('r0sebud9');", "r0sebud9"),
    ("ALTER USER app PASSWORD('r0sebud9');", "r0sebud9"),
    ("CREATE USER app IDENTIFIED BY 'r0sebud9';", "r0sebud9"),
    ("renew Password('r0sebud9')", "r0sebud9"),
])
def test_sql_password_not_a_method(text: str, secret: str | None) -> None:
    check_alone("connection_string", "sql_password", text, secret)


@pytest.mark.parametrize("text,secret", [
    # People paste passwords unencoded: a `#` before the `@`, and an `@` before the last `@`
    # (the last one ends the user part, as URL parsers and libpq read it).
    ("pg_dump 'postgresql://app:Indigo#Dye13@db.corp:5432/prod'", "Indigo#Dye13"),
    ("postgres://app:Maple=9116otter@@pg:5432/app", "Maple=9116otter@"),
    ("mongodb://u:a@b@c#d@mongo0:27017/", "a@b@c#d"),
    # A `?` is not taken: an address in the query would join the password to the host.
    ("https://u:pass1234@host.io/x?to=a@b.io", "pass1234"),
    ("https://u:pa?ss1234@host.io/", None),
    ("https://host.io/#/x@y.io", None),                         # a fragment, no password
    ("https://u:S3cr3tPw@/x", None),                            # no host after the `@`
])
def test_url_password_unencoded(text: str, secret: str | None) -> None:
    check_alone("url_credentials", "url_password", text, secret)
