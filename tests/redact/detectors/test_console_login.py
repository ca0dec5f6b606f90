"""`detectors/console_login.py` alone, exactly: Oracle's `user/password` first word
(`sqlplus`, `expdp`, `impdp`, `rman target`, `CONNECT` at a line's or a `SQL>` prompt's
start), `AUTH` after a redis-cli prompt, `ftp>`'s `user` and `quote PASS`, `lftp -u`,
`mc alias set`'s fourth word. A positive gives exactly one finding over exactly the value
and leaves no 12-character piece of it; a negative gives none and comes back
byte-identical."""

from __future__ import annotations

import json

import pytest

from support import alone as support_alone

PW = "Hawk#Eye2099"


def found(text: str, value: str) -> None:
    support_alone.found("console_login", "cli_password", text, value)


def kept(text: str) -> None:
    support_alone.kept("console_login", text)


@pytest.mark.parametrize("text", [
    f"sqlplus scott/{PW}@ORCLPDB1",
    f"sqlplus -s system/{PW}@//db01.corp:1521/XEPDB1 as sysdba",
    f"sqlplus app/{PW}",
    f'sqlplus app/"{PW}"@db',                          # Oracle's quoting of a password
    f"expdp hr/{PW} DIRECTORY=dpump DUMPFILE=hr.dmp",
    f"impdp system/{PW}@PROD full=Y",
    f"rman target sys/{PW}@prod",
    f"sqlldr userid={'scott'}/{PW} control=x.ctl",
    f"SQL> CONNECT app_owner/{PW}@PDB2",
    f"conn sys/{PW} as sysdba",
    f"  connect app/{PW}",
    f"127.0.0.1:6379> AUTH {PW}",
    f"cache.internal:6379> AUTH default {PW}\nOK",
    f"r1:6380[2]> auth '{PW}'",
    f"$ redis-cli -h r1\nr1:6379> AUTH {PW}",
    f"r:6379> AUTH {PW}",                              # a one-letter host at the text's start
    f"ftp> user deploy {PW}\n331 Password required",
    f"ftp> quote PASS {PW}",
    f"lftp -u deploy,{PW} sftp://files.corp.io",
    f"lftp -e 'open -u ftpuser,{PW} ftp.example.org; mirror -R ./dist /www'",
    f"mc alias set s3 https://minio.corp.io AKIAEXAMPLE {PW}",
    f"mc config host add m http://127.0.0.1:9000 minioadmin {PW}",
])
def test_found(text: str) -> None:
    found(text, PW)


def test_found_in_a_json_string() -> None:
    found(json.dumps(f"SQL> CONNECT app/{PW}@PDB2"), PW)
    found(json.dumps(f"x\nconnect app/{PW}"), PW)
    found(json.dumps(f"127.0.0.1:6379> AUTH {PW}"), PW)
    found(json.dumps(f"ftp> user anonymous {PW}\n331 x"), PW)


@pytest.mark.parametrize("text", [
    "sqlplus / as sysdba",
    "sqlplus -s /nolog @deploy/run_all.sql",
    'sqlplus "$DB_USER/$DB_PASS@$DB_TNS" @x.sql',
    "sqlplus scott@ORCLPDB1",
    "sqlplus app/$PW@db",
    "SQL> CONNECT / AS SYSDBA",
    f"we connect app/{PW} later",                      # a verb in a sentence
    f"reconnect app/{PW}",
    "127.0.0.1:6379> AUTH",
    "127.0.0.1:6379> AUTH $REDIS_PASSWORD",
    f"> AUTH {PW}",                                    # no redis-cli prompt before it
    f"see r1:6379> AUTH {PW}",                         # the prompt must start its line
    "sqlplus app/<password>@db",
    "ftp> user deploy %FTP_PW%",
    "ftp> user anonymous\n331 Please specify the password.",
    "lftp -u deploy sftp://files.corp.io",
    "lftp -u deploy,$PW sftp://x",
    "mc alias set local http://localhost:9000 $MINIO_ACCESS_KEY $MINIO_SECRET_KEY",
    "mc alias set local http://localhost:9000",
])
def test_kept(text: str) -> None:
    kept(text)


def test_a_password_is_typed_not_code() -> None:
    found("sqlplus app/Pa55(w0rd)@db", "Pa55(w0rd)")


# -- probes-7: Oracle's JDBC thin URL, IMAP LOGIN, SMTP AUTH PLAIN -------------------------
SASL = "AHVzZXJAY29ycC5pbwBNYWlscDRzcyE5OQ=="  # base64 of "\0user@corp.io\0Mailp4ss!99"


@pytest.mark.parametrize("text,value", [
    (f"jdbc:oracle:thin:scott/{PW}@//db.corp:1521/ORCLPDB1", PW),
    (f'url=jdbc:oracle:thin:app/"{PW}"@db:1521:XE', PW),
    (f"jdbc:oracle:oci:app/{PW}@PROD", PW),
    (f"a001 LOGIN ops@corp.io {PW}\na001 OK LOGIN completed", PW),
    (f'C: A1 LOGIN "ops" "{PW}"', PW),
    (f"* OK ready\n>> 3 LOGIN ops {PW}", PW),
    (f"C: AUTH PLAIN {SASL}\nS: 235 2.7.0 Authentication successful", SASL),
    (f"AUTH PLAIN {SASL}", SASL),
])
def test_probes7_found(text: str, value: str) -> None:
    found(text, value)
    found(json.dumps(text), value)


@pytest.mark.parametrize("text", [
    "jdbc:oracle:thin:@//db.corp:1521/ORCLPDB1",           # no user in the URL
    "jdbc:oracle:thin:scott/$PW@db",
    "Please LOGIN again to continue",                      # no tag before it
    "The user must login before use",
    f"a001 login ops {PW}",                                # LOGIN is written upper case
    "a001 LOGIN ops $IMAP_PW",
    "AUTH PLAIN dGVzdA==",                                 # no NULs: not SASL PLAIN
    "AUTH PLAIN AHVzZXIA",                                 # no password after the user
    "AUTH PLAIN",
])
def test_probes7_kept(text: str) -> None:
    kept(text)


def test_probes7_sasl_plain_needs_user_and_password() -> None:
    kept("AUTH PLAIN AHVzZXIAabc")                        # not base64 (length 11)
    kept("AUTH PLAIN AABwYXNzd29yZDE=")                    # "\0\0password1": no user


# -- an expect script answering a password prompt ------------------------------------------
@pytest.mark.parametrize("text", [
    f"expect -c 'spawn ssh bob@h; expect \"password:\"; send \"{PW}\\r\"; interact'",
    f'#!/usr/bin/expect\nspawn ssh bob@host\nexpect "*assword:*"\nsend "{PW}\\r"\ninteract',
    f"child.expect('Password:')\nchild.sendline('{PW}')",
    f"p.expect(r'Enter PIN')\r\np.sendline('{PW}')",
    f'expect {{\n  "password:" {{ send "{PW}\\r" }}\n}}',
    f'expect "Enter passphrase for key:"\nsend -- "{PW}\\r"',
    f'expect -exact "Passcode: "\n\n  send "{PW}\\n"',
])
def test_expect_sends_the_password(text: str) -> None:
    found(text, PW)
    found(json.dumps(text), PW)


@pytest.mark.parametrize("text", [
    'expect "password:"\nsend "$env(SSH_PASS)\\r"',          # a reference
    f'expect "login:"\nsend "{PW}\\r"',                     # no password prompt
    f'expect "$ "\nsend "ls {PW}\\r"',
    f'expect "password:"\n\n\n\nsend "{PW}\\r"',            # four line breaks: too far
    f'expect "password:"\nputs "{PW}"',                     # not sent
    f'expected "password:"; send "{PW}\\r"',                 # not the command
    f'expect "{"x" * 41}password:"\nsend "{PW}\\r"',         # the prompt read to a bound
])
def test_expect_without_a_password_sent(text: str) -> None:
    kept(text)


# A launcher's flags are read to a bound (`sqlplus -x -x ...` repeated was read to the
# line's end from every hit): eight flags of up to 32 characters.
@pytest.mark.parametrize(("flags", "is_found"), [
    (" -s" * 8, True), (" -s" * 9, False), (" -" + "l" * 32, True), (" -" + "l" * 33, False),
])
def test_launcher_flags_read_to_a_bound(flags: str, is_found: bool) -> None:
    text = f"sqlplus{flags} scott/{PW}@ORCLPDB1"
    if is_found:
        found(text, PW)
    else:
        kept(text)


# -- an interactive prompt's answer after its arrow (probes-8) -------------------------------

@pytest.mark.parametrize("text,value", [
    ("? Enter a secret value: › Kestrel#Dive42\n✔ Success! Uploaded secret", "Kestrel#Dive42"),
    ("✔ API token · 9fK2mQ7xLp3Rt8vW1zYb4NcD", "9fK2mQ7xLp3Rt8vW1zYb4NcD"),
    ("✓ Password › Kestrel#Dive42", "Kestrel#Dive42"),
    ("  ? Enter your password ›  Kestrel#Dive42  \nnext", "Kestrel#Dive42"),
    ('"? Enter a secret value: › Kestrel#Dive42\\n✔ Saved"', "Kestrel#Dive42"),
    ('"? Password › Kestrel#Dive42"', "Kestrel#Dive42"),
])
def test_a_prompt_answer_after_the_arrow(text: str, value: str) -> None:
    found(text, value)


@pytest.mark.parametrize("text", [
    "? Project name: › my-app",
    "? Enter a secret value: › ********",
    "a · b · c",
    "› Kestrel#Dive42",                                  # no question
    "? Password policy: › strict",                       # a word
    "? Project name: › Kestrel#Dive42",                  # the label names no secret
    "Enter a secret value: › Kestrel#Dive42",            # no status mark
    "? Enter a secret value: › Kestrel#Dive42 (hidden)",  # more after the answer
    "? Token › abc",                                     # under 4 characters
])
def test_prompt_arrows_without_a_secret(text: str) -> None:
    kept(text)


def test_the_prompt_is_its_own_line() -> None:
    found("npx wrangler secret put API_TOKEN\n? Enter a secret value: › Kestrel#Dive42",
          "Kestrel#Dive42")
    kept("? Enter a secret value:\n› Kestrel#Dive42")


def test_the_prompt_line_is_read_200_characters_back() -> None:
    for pad, seen in ((188, True), (189, False)):
        text = "x\n" + " " * pad + "? Password › Kestrel#Dive42"
        if seen:
            found(text, "Kestrel#Dive42")
        else:
            kept(text)


# -- a prompt asked on its line, answered on the next (probes-9) ----------------------------
DRAWN = "S18bZhiR8I0jlW9HyC3kKLEmynK6PBTu2j1HGxPW"


@pytest.mark.parametrize("text,value", [
    (f"\u25c6  Enter your API key\n\u2502  {DRAWN}\n\u2514", DRAWN),          # clack
    ("\u25c7  What is your database password?\n\u2502  Kestrel#Dive42\n\u2502\n"
     "\u25c6  Pick a region", "Kestrel#Dive42"),
    (f"? Paste your access token\n> {DRAWN}", DRAWN),                       # inquirer
    (f"\u2714 Enter your Vercel token \u2026 \n  {DRAWN}", DRAWN),
    (f"\u25c6  Enter your API key\n\u2502\n\u2502  {DRAWN}", DRAWN),            # a bar between
    (f'"\u25c6  Enter your API key\\n\u2502  {DRAWN}\\n\u2514"', DRAWN),       # a JSON string
])
def test_a_prompt_answered_on_the_next_line(text: str, value: str) -> None:
    support_alone.found("console_login", "prompt_secret", text, value)


@pytest.mark.parametrize("text", [
    "\u25c6  Enter your project name\n\u2502  my-app\n\u2514",             # names no secret
    "? Do you want a primary key\n> yes",                             # a word
    f"Enter your API key\n\u2502  {DRAWN}",                            # no prompt mark
    f"\u25c6  Enter your API key for the staging cluster now please\n\u2502  {DRAWN}",
    f"\u25c6  Enter your API key\n\u2502  {DRAWN} (hidden)",             # more after it
    "\u25c6  Enter your API key\n\u2502  ********",                      # masked
])
def test_a_prompt_on_its_line_without_a_secret_answer(text: str) -> None:
    kept(text)


def test_the_question_is_read_to_bounds() -> None:
    def ask(indent: int, label: str = "Enter your API ") -> str:
        return "ok\n" + " " * indent + f"\u25c6 {label}key\n\u2502  {DRAWN}"
    support_alone.found("console_login", "prompt_secret", ask(142), DRAWN)  # starts 160 back
    kept(ask(143))                                                          # 161: out of sight
    support_alone.found("console_login", "prompt_secret", ask(0, "a b c d e f g "), DRAWN)
    kept(ask(0, "a b c d e f g h "))                                        # eight words
    kept(ask(0, "Enter your mon"))                                          # `monkey`
