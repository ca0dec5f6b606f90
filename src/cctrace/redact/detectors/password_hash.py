"""Detector: stored password hashes (`/etc/shadow`, `htpasswd`, LDAP, app databases).

A hash of a password is not the password, but whoever holds it can try guesses offline at
the speed of their hardware, so a trace must not carry it. The formats are self-describing:
the modular crypt format (`$2b$12$<53>` bcrypt, `$6$<salt>$<86>` SHA-512-crypt, `$5$`,
`$1$`/`$apr1$` MD5-crypt, `$y$`/`$gy$` yescrypt, `$7$` scrypt, `$argon2id$v=19$m=...`),
Django's `pbkdf2_sha256$<iterations>$<salt>$<hash>` and the LDAP/htpasswd schemes
(`{SHA}`, `{SSHA}`, `{SSHA512}`, `{PBKDF2-SHA256}...`), PostgreSQL's SCRAM verifier
(`SCRAM-SHA-256$<iterations>:<salt>$<stored key>:<server key>`) and MySQL's
`mysql_native_password` hash (`*` and 40 upper-case hex digits: SHA-1 twice, no salt, so
the cheapest of all to guess; in a text naming `mysql_native_password`,
`authentication_string`, `mysql.user` or `BY PASSWORD`); PostgreSQL's `md5` verifier (`md5` and
32 hex digits) in a text naming `rolpassword`, `pg_authid`, `pg_shadow` or `ENCRYPTED
PASSWORD`.
Each is taken only with the exact length its algorithm writes (bcrypt, SHA-crypt,
MD5-crypt) or a minimum one, so a `$6$` in
a shell script or a `{SHA}` in code is not one. A shadow line's `*`, `!` or `!!` (a locked
account, no hash) is nothing to take.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import STRUCTURAL, Detector, Pattern

_C = r"[./A-Za-z0-9]"  # crypt's base64 alphabet
_END = r"(?![./A-Za-z0-9$])"
_B64 = r"[A-Za-z0-9+/]"

DETECTOR = Detector(
    name="password_hash",
    description="Password hashes: crypt formats (bcrypt, SHA-crypt, MD5-crypt, yescrypt, "
                "argon2), Django PBKDF2 and LDAP/htpasswd {SHA} schemes.",
    patterns=(
        Pattern(
            "password_hash",
            r"\$2[abxy]?\$\d\d\$" + _C + r"{53}" + _END,
            anchors=("$2a$", "$2b$", "$2y$", "$2x$", "$2$"),
            boundary=True,
            priority=STRUCTURAL,
        ),
        Pattern(
            "password_hash",
            # SHA-256-crypt writes 43 characters, SHA-512-crypt 86; the salt is 1-16.
            r"\$5\$(?:rounds=\d+\$)?" + _C + r"{1,16}\$" + _C + r"{43}" + _END,
            anchors=("$5$",),
            boundary=True,
            priority=STRUCTURAL,
        ),
        Pattern(
            "password_hash",
            r"\$6\$(?:rounds=\d+\$)?" + _C + r"{1,16}\$" + _C + r"{86}" + _END,
            anchors=("$6$",),
            boundary=True,
            priority=STRUCTURAL,
        ),
        Pattern(
            "password_hash",
            r"\$(?:1|apr1)\$" + _C + r"{1,8}\$" + _C + r"{22}" + _END,
            anchors=("$1$", "$apr1$"),
            boundary=True,
            priority=STRUCTURAL,
        ),
        Pattern(
            "password_hash",
            # yescrypt and scrypt: parameters, salt, then a 43-character hash.
            r"\$(?:y|gy|7)\$" + _C + r"{1,64}(?:\$" + _C + r"{1,86})?\$" + _C + r"{43}" + _END,
            anchors=("$y$", "$gy$", "$7$"),
            boundary=True,
            priority=STRUCTURAL,
        ),
        Pattern(
            "password_hash",
            r"\$argon2(?:id|i|d)\$(?:v=\d+\$)?m=\d+,t=\d+,p=\d+\$" + _B64 + r"{8,}\$"
            + _B64 + r"{16,}",
            anchors=("$argon2",),
            boundary=True,
            priority=STRUCTURAL,
        ),
        Pattern(
            "password_hash",
            r"pbkdf2_sha(?:1|256|512)\$\d{4,}\$[A-Za-z0-9]{4,}\$" + _B64 + r"{32,}={0,2}",
            anchors=("pbkdf2_sha",),
            boundary=True,
            priority=STRUCTURAL,
        ),
        Pattern(
            "password_hash",
            r"SCRAM-SHA-(?:1|256)\$\d{3,7}:" + _B64 + r"{8,64}={0,2}\$" + _B64 + r"{27,88}={0,2}:"
            + _B64 + r"{27,88}={0,2}",
            anchors=("scram-sha-",),
            boundary=True,
            priority=STRUCTURAL,
        ),
        Pattern(
            "password_hash",
            # Upper case as MySQL writes it; the `*` glued to a word or the hex running on
            # (`**ABC...` emphasis, a longer hex run) is something else; a JSON-escaped line
            # break before it is a break (`\n*6BB4...`). Looked for in a
            # text that speaks of MySQL's accounts (a `*` anchor costs a step per `*`).
            r"(?:(?<![\w*])|(?<=\\n))\*[0-9A-F]{40}(?![0-9A-Za-z])",
            anchors=("mysql_native_password", "authentication_string", "by password",
                     "mysql.user"),
            priority=STRUCTURAL,
        ),
        Pattern(
            "password_hash",
            # PostgreSQL's md5 verifier (`md5` + MD5 of password and user name: guessed
            # offline as cheaply as MySQL's), in a text naming where PostgreSQL keeps it.
            r"(?<![\w])md5[0-9a-f]{32}(?![0-9A-Za-z])",
            anchors=("rolpassword", "pg_authid", "pg_shadow", "encrypted password"),
            priority=STRUCTURAL,
        ),
        Pattern(
            "password_hash",
            # htpasswd and LDAP `userPassword`: the scheme in braces, then base64 of the
            # digest (and salt); SHA-1's is 28 characters, the shortest.
            r"\{(?:S?SHA(?:256|384|512)?|S?MD5|PBKDF2(?:-SHA(?:256|512))?|CRYPT|ARGON2)\}"
            r"(?:\d+\$[A-Za-z0-9+/.]+\$)?[A-Za-z0-9+/.$]{20,}={0,2}",
            anchors=("{sha", "{ssha", "{md5", "{smd5", "{pbkdf2", "{crypt", "{argon2"),
            priority=STRUCTURAL,
        ),
    ),
)
