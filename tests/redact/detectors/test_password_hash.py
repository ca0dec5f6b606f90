"""`detectors/password_hash.py`: stored password hashes in the formats that describe
themselves are found over exactly the hash; lengths their algorithm does not write, a
locked shadow account and code naming a scheme stay byte-identical."""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import SecretRedactor
from support.detector_samples import check_as_stored

# Written by `openssl passwd` (-6, -5, -1, -apr1) and by hand to each format's lengths.
SHA512 = ("$6$Zq8Lm2Xv$FtZFjqGc84KkJpRHcuKG.11vd8QMrV2SEtVTz8VHD4hEIKD4Gd4nmU8zenT.4bbpoQbH0"
          "bkJKKk8D8lWzcMeR1")
SHA256 = "$5$Zq8Lm2Xv$Ft0BNfFfu/fYS0FSg7Y8dxX7VOFlouUI/e8qTWG1yjA"
MD5 = "$1$abc$9dV135Rc3U8Xbm2DxadgF0"
APR1 = "$apr1$Zq8Lm2Xv$KlVQ1TqzH4alcc4T06zY71"
BCRYPT = "$2y$05$Zq8Lm2Xv4Kp7Wn3Rt6Yb1uHs5Jd0FgQxAe9Mn7Kz4Pw6Yb0Cd2Efg"
YESCRYPT = "$y$j9T$Zq8Lm2Xv4Kp7Wn3Rt6Yb1.$Hs5Jd0FgQxAe9Mn7Kz4Pw6Yb0Cd2EfGh1Ij3Kl5Mn7X"
SCRYPT = "$7$CU..../....Zq8Lm2Xv4Kp7Wn3R$Hs5Jd0FgQxAe9Mn7Kz4Pw6Yb0Cd2EfGh1Ij3Kl5Mn7X"
ARGON2 = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQxMjM0$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"
DJANGO = "pbkdf2_sha256$600000$Zq8Lm2Xv4Kp7$Hs5Jd0FgQxAe9Mn7Kz4Pw6Yb0Cd2EfGh1Ij3Kl5Mn7X0o="
SHA1 = "{SHA}87u9ZqY9S/F0eUBXjsPQEDUw4h0="
SSHA = "{SSHA}Zq8Lm2Xv4Kp7Wn3Rt6Yb1Hs5Jd0FgQxAe9M"


def _alone() -> SecretRedactor:
    return SecretRedactor([registry.load("password_hash")], b"k" * 32)


@pytest.mark.parametrize("text,value", [
    (f"root:{SHA512}:19500:0:99999:7:::\n", SHA512),
    (f"deploy:{SHA256}:19600:0:99999:7:::\n", SHA256),
    (f"admin:{APR1}\n", APR1),
    (f"old:{MD5}\n", MD5),
    (f"alice:{BCRYPT}\n", BCRYPT),
    (f'"bcrypt_hash": "{BCRYPT.replace("$2y$", "$2a$")}",', BCRYPT.replace("$2y$", "$2a$")),
    (f"me:{YESCRYPT}:19700:0:99999:7:::\n", YESCRYPT),
    (f"scrypt {SCRYPT} end", SCRYPT),
    (f"hash = '{ARGON2}'", ARGON2),
    (f"password | {DJANGO}\n", DJANGO),
    (f"bob:{SHA1}\n", SHA1),
    (f"userPassword: {SSHA}\n", SSHA),
])
def test_hash_is_found_exactly(text: str, value: str) -> None:
    check_as_stored("password_hash", "password_hash", text, value)


@pytest.mark.parametrize("text", [
    "daemon:*:19500:0:99999:7:::\n",  # a locked account: no hash
    "nobody:!:19500::::::\n",
    "grep '$6$' /etc/shadow | cut -d: -f1\n",  # the prefix in a command
    f"short:{SHA512[:-1]}\n",  # SHA-512-crypt is 86 characters, not 85
    f"long:{SHA256}x\n",  # nor 44 for SHA-256-crypt
    f"cut:{BCRYPT[:-1]}\n",  # bcrypt is 53 after its cost
    f"x{BCRYPT}\n",  # glued to a word
    'hashed = "{SHA}" + base64.b64encode(digest)\n',  # code naming the scheme
    "pbkdf2_sha256$100$salt$abc\n",  # too few iterations and bytes to be a stored hash
])
def test_look_alikes_are_kept(text: str) -> None:
    assert _alone().redact_text(text) == text


# probes-7: PostgreSQL's SCRAM verifier, MySQL's `mysql_native_password` hash (where MySQL
# accounts are named).
SCRAM = ("SCRAM-SHA-256$4096:aNLNMsmOu8gLeWNqZtLC5g==$qCSSXOmVPrfnL8gFy2RJT+LTG3u3kiGbf/EelYT"
         "BOTY=:CWXLkQHUsdIGXRtCRTnpe+AzOcmr4HRH/fUtNlV/Nao=")
MYSQL = "*BBD2F1901F2CE58E4107F238C0411523569EE499"


@pytest.mark.parametrize("text,value", [
    (f"  rolname  |  rolpassword\n app | {SCRAM}\n", SCRAM),
    (f"ALTER ROLE app PASSWORD '{SCRAM}';", SCRAM),
    (f"CREATE USER 'u'@'%' IDENTIFIED WITH mysql_native_password AS '{MYSQL}';", MYSQL),
    (f"SELECT user, authentication_string FROM mysql.user;\n| app | {MYSQL} |\n", MYSQL),
    (f"GRANT ALL ON db.* TO 'app'@'%' IDENTIFIED BY PASSWORD '{MYSQL}';", MYSQL),
    (f"SHOW GRANTS; -- mysql.user\\n{MYSQL}", MYSQL),           # after an escaped break
])
def test_probes7_hashes(text: str, value: str) -> None:
    check_as_stored("password_hash", "password_hash", text, value)


@pytest.mark.parametrize("text", [
    f"mysql_native_password x{MYSQL}",                 # glued to a word
    f"mysql_native_password *{MYSQL[1:].lower()}",     # MySQL writes upper case
    f"mysql_native_password {MYSQL}0",                 # the hex runs on
    f"mysql_native_password **{MYSQL[1:]}",            # markdown emphasis, not the hash
    f"the build {MYSQL} passed",                       # no MySQL account named
    f"x{SCRAM}",                                       # glued
    "SCRAM-SHA-256$4096:c2FsdHNhbHQ=$abc",             # a stub: too short to be one
    "mechanism SCRAM-SHA-256 is used",
])
def test_probes7_look_alikes_are_kept(text: str) -> None:
    assert _alone().redact_text(text) == text


PG_MD5 = "md558e38a0255037ce226ba68d8e1db33bd"


@pytest.mark.parametrize("text", [
    f"=# SELECT rolname, rolpassword FROM pg_authid;\n app | {PG_MD5}\n",
    f"SELECT usename, passwd FROM pg_shadow;\n app | {PG_MD5}",
    f"ALTER ROLE app ENCRYPTED PASSWORD '{PG_MD5}';",
])
def test_probes9_postgres_md5(text: str) -> None:
    check_as_stored("password_hash", "password_hash", text, PG_MD5)


@pytest.mark.parametrize("text", [
    f"etag {PG_MD5}",                                  # no PostgreSQL account named
    f"rolpassword x{PG_MD5}",                          # glued to a word
    f"rolpassword {PG_MD5}0",                          # the hex runs on
    f"rolpassword {PG_MD5[:-1]}",                      # 31 hex digits
])
def test_probes9_md5_look_alikes(text: str) -> None:
    assert _alone().redact_text(text) == text
