"""Exact values for `redact/known.py`: which names and values are known secrets, how
`.env` files parse, and under which encodings a known value is matched.

Fast unit tests, run first by the mutation driver (`bench/mutation.py -m redact.known`).
Redaction checks assert absence: no 12-character piece of the value is left.
"""

from __future__ import annotations

import base64
import json
from types import SimpleNamespace
from urllib.parse import quote

import pytest

from cctrace.redact import known, registry
from cctrace.redact.engine import SecretRedactor

VALUE = "Zq8vLx2Kp0Wd4hRt"          # 16 chars, high entropy
PEM_LINE = "MIIEowIBAAKCAQEA7Zq8vLx2Kp0Wd4hRtYbN3cQ"


def _absent(secret: str, out: str) -> None:
    for i in range(len(secret) - 11):
        assert secret[i:i + 12] not in out, secret[i:i + 12]


def test_min_len_and_usable() -> None:
    assert known.MIN_LEN == 8
    assert known.usable("qwmzrkvj")            # 8 distinct chars: entropy 3.0
    assert not known.usable("qwmzrkv")         # 7 chars
    assert known.usable("  qwmzrkvj  ")        # stripped first
    assert not known.usable("   qwmzrkv   ")
    assert not known.usable("qqwwmmzz")        # entropy 2.0, one class
    assert not known.usable("/usr/local/aB3x9Qz")   # an absolute path
    assert not known.usable("changeme")        # a placeholder
    assert not known.usable("aaaabbbb")        # entropy 1.0, one class
    assert known.usable("aaaaaaBBB1")          # three classes, 10 chars
    assert not known.usable("aaaaaBBB1")       # three classes, 9 chars
    assert not known.usable("aaaaaaaBBB")      # two classes, 10 chars, entropy 0.88
    assert known.usable("qwmzrkvjqwmzrkvj")    # entropy 3.0 at 16 chars


@pytest.mark.parametrize("name,want", [
    ("API_KEY", True), ("GITHUB_TOKEN", True), ("DB_PASSWORD", True), ("MYPASSWORD", True),
    ("AWS_SECRET_ACCESS_KEY", True), ("GH_PAT", True), ("SERVICE_CREDENTIALS", True),
    ("SENTRY_DSN", True), ("APIKEY", True), ("key", True), ("session_cookie", True),
    ("TOKEN", True), ("STRIPE_APIKEY_LIVE", True), ("MY_PWD", True), ("PASS", True),
    ("PWD", False), ("OLDPWD", False), ("pwd", False), ("SSH_AUTH_SOCK", False),
    ("TOKENIZERS_PARALLELISM", False), ("PASSWORD_STORE_DIR", False),
    ("KEYTIMEOUT", False), ("GPG_AGENT_INFO", False), ("XAUTHORITY", False),
    ("HISTCONTROL", False),
    ("API_KEY_FILE", False), ("TOKEN_PATH", False), ("SECRET_DIR", False), ("KEY_ID", False),
    ("DB_PASSWORD_HOST", False), ("SECRET_NAME", False), ("KEY_TYPE", False),
    ("API_PORT", False), ("HOME", False), ("MONKEY", False), ("PATH", False),
    ("KEYBOARD", False), ("PASSAGE", False),
    ("MYAPIKEY", True), ("MYCREDENTIAL", True), ("XX_MODE", False), ("MODE_XX", False),
])
def test_secret_name(name: str, want: bool) -> None:
    assert known.secret_name(name) is want


def test_from_env() -> None:
    env = {"API_KEY": f"  {VALUE}  ", "HOME": VALUE + "x", "GH_TOKEN": "short",
           "PWD": "/home/u/Zq8vLx2Kp0"}
    assert known.from_env(env) == [VALUE]


@pytest.mark.parametrize("text,want", [
    ("A=1\nB=2", [("A", "1"), ("B", "2")]),
    ("export KEY=v", [("KEY", "v")]),
    ("  export\tKEY \t=\t v \n", [("KEY", "v")]),
    ("KEY: v", [("KEY", "v")]),
    ("a.b-c=v", [("a.b-c", "v")]),
    ("# KEY=v\n  # X=y\nK=v", [("K", "v")]),
    ("KEY=v # comment", [("KEY", "v")]),
    ("KEY=v#notacomment", [("KEY", "v#notacomment")]),
    ("KEY=v\t# c", [("KEY", "v")]),
    ("KEY='a b # c'", [("KEY", "a b # c")]),
    ("KEY='a\\nb'", [("KEY", "a\\nb")]),
    ('KEY="a\\nb\\tc\\"d\\\\e\\$f\\\'g\\rh\\qi"',
     [("KEY", 'a\nb\tc"d\\e$f\'g\rh\\qi')]),
    ('KEY="line1\nline2"\nNEXT=x', [("KEY", "line1\nline2"), ("NEXT", "x")]),
    ("KEY='line1\nline2'\nNEXT=x", [("KEY", "line1\nline2"), ("NEXT", "x")]),
    ('KEY="x" trailing\nN=1', [("KEY", "x"), ("N", "1")]),
    ('KEY="x"', [("KEY", "x")]),
    ("KEY='x'", [("KEY", "x")]),
    ('KEY="unterminated\nN=1', [("KEY", "unterminated"), ("N", "1")]),
    ("KEY='unterminated\nN=1", [("KEY", "unterminated"), ("N", "1")]),
    ('KEY="ends with \\', [("KEY", "ends with \\")]),
    ("KEY=", [("KEY", "")]),
    ("1KEY=v\nnot a pair\n=v\n\n", []),
    ("KEY=v\r\nB=w", [("KEY", "v"), ("B", "w")]),
    ("\nKEY=v", [("KEY", "v")]),
    ('KEY="a\\"', [("KEY", 'a\\"')]),          # an escaped quote at the very end: unterminated
    ("\n\nKEY=v\n", [("KEY", "v")]),
])
def test_parse_dotenv(text: str, want: list) -> None:
    assert known.parse_dotenv(text) == want


def test_from_dotenv_text() -> None:
    inner = [PEM_LINE, "short", "a" * 20, VALUE]
    pem = "-----BEGIN KEY-----\n" + "\n".join(inner) + "\n-----END KEY-----"
    text = "\n".join([
        f"API_KEY={VALUE}",
        "DEBUG=true",
        "HOME_DIR_X=abcdefghijklmnopqrstuvwxyz0123",     # no secret name, high entropy
        "NAME=aaaaaaaaaaaaaaaabbbbbbbbbbbb",             # no secret name, low entropy
        "OTHER=Zq8vLx2Kp0Wd4hR",                          # no secret name, 15 chars
        "SIXTEEN=Mn3bV7cX1zLk9JhG",                       # 16 chars, entropy 4.0
        "HALF=QQwwEErrTyUiOpAs",                          # 16 chars, entropy exactly 3.5
        "LOWER=QQwwEErrTTyyUiOp",                         # 16 chars, entropy 3.25
        "TOKEN=changeme",
        f'PRIVATE_KEY="{pem}"',
    ])
    assert known.from_dotenv_text(text) == [
        VALUE, "abcdefghijklmnopqrstuvwxyz0123", "Mn3bV7cX1zLk9JhG", "QQwwEErrTyUiOpAs",
        pem, PEM_LINE, VALUE]


def test_from_dotenv_files(tmp_path) -> None:
    (tmp_path / ".env").write_text(f"API_KEY={VALUE}\n")
    (tmp_path / ".env.local").write_text("TOKEN=Local0Value9Xyz\n")
    (tmp_path / ".env.example").write_text("TOKEN=Example0Value9Xyz\n")
    (tmp_path / ".env.defaults").write_text("TOKEN=Default0Value9Xyz\n")
    (tmp_path / ".envrc").write_text("TOKEN=Envrc0Value9Xyz\n")
    (tmp_path / "x.env").write_text("TOKEN=Other0Value9Xyz\n")
    (tmp_path / ".env.big").write_text("TOKEN=Big0Value9Xyz\n" + "#" * 1_000_000)
    (tmp_path / ".env.d").mkdir()
    (tmp_path / ".env.bin").write_bytes(b"TOKEN=Bin0Value9Xyz\xff\n")
    assert known.from_dotenv_files(str(tmp_path)) == [
        VALUE, "Bin0Value9Xyz\ufffd", "Local0Value9Xyz", "Envrc0Value9Xyz"]
    assert known.from_dotenv_files(str(tmp_path / "missing")) == []
    (tmp_path / ".env.edge").write_text("TOKEN=Edge0Value9Xyz\n" + "#" * (1_000_000 - 21))
    assert (tmp_path / ".env.edge").stat().st_size == 1_000_000
    assert "Edge0Value9Xyz" in known.from_dotenv_files(str(tmp_path))
    (tmp_path / ".env.over").write_text("TOKEN=Over0Value9Xyz\n" + "#" * (1_000_001 - 21))
    assert (tmp_path / ".env.over").stat().st_size == 1_000_001
    assert "Over0Value9Xyz" not in known.from_dotenv_files(str(tmp_path))


def test_from_config() -> None:
    cfg = SimpleNamespace(langfuse_secret_key=f" sk-lf-{VALUE} ", langfuse_public_key=None,
                          otlp_headers={"Authorization": f"Bearer {VALUE}X",
                                        "x-short": "abc", "n": 5})
    assert known.from_config(cfg) == [f"sk-lf-{VALUE}", f"Bearer {VALUE}X", f"{VALUE}X"]
    cfg = SimpleNamespace(langfuse_public_key=f"pk-lf-{VALUE}", otlp_headers=None)
    assert known.from_config(cfg) == [f"pk-lf-{VALUE}"]
    assert known.from_config(object()) == []
    cfg = SimpleNamespace(otlp_headers={"a": f"Token {VALUE} Mn3bV7cX1zLk9JhG"})
    assert known.from_config(cfg) == [f"Token {VALUE} Mn3bV7cX1zLk9JhG", VALUE]


def test_encodings_exact() -> None:
    v = "p@ss/w+rd:Zq8vLx2Kp0"
    forms = known.encodings(v)
    raw = v.encode()
    assert v in forms
    assert quote(v, safe="") in forms and "p%40ss%2Fw%2Brd%3AZq8vLx2Kp0" in forms
    assert "p%40ss/w%2Brd%3AZq8vLx2Kp0" in forms            # quote() keeps '/'
    assert base64.b64encode(raw).decode() in forms
    assert base64.urlsafe_b64encode(raw).decode().rstrip("=") in forms
    q = 'a"b\\c\u00e9Zq8vLx2Kp0'
    f2 = known.encodings(q)
    assert 'a\\"b\\\\c\\u00e9Zq8vLx2Kp0' in f2               # JSON-escaped
    assert 'a\\\\\\"b\\\\\\\\c\\\\u00e9Zq8vLx2Kp0' in f2      # escaped twice
    assert 'a\\"b\\\\c\u00e9Zq8vLx2Kp0' in f2                 # JSON, non-ASCII kept
    assert "a%22b%5Cc%C3%A9Zq8vLx2Kp0" in f2
    assert "a%22b%5Cc%C3%A9Zq8vLx2Kp0" in f2
    assert "p%40ss%2Fw%2Brd%3AZq8vLx2Kp0" in forms
    assert known.encodings("a b+cdefgh") >= {"a+b%2Bcdefgh", "a%20b%2Bcdefgh"}
    assert all(len(f) >= 8 for f in forms)
    assert "YWJj" not in known.encodings("abcdefgh")         # under 8 chars: dropped


def test_base64_at_every_alignment_is_matched() -> None:
    v = "Zq8vLx2Kp0Wd4hRt/+?>"
    forms = known.encodings(v)
    for prefix in (b"", b"u", b"us", b"user:", b"user:x", b"ab:"):
        for enc in (base64.b64encode, base64.urlsafe_b64encode):
            text = enc(prefix + v.encode() + b"!tail").decode()
            assert any(f in text for f in forms if f != v), (prefix, enc)
    cores = list(known._b64_aligned(v.encode()))
    assert len(cores) == 6
    assert cores[0] == base64.b64encode(v.encode()).decode()[:26]
    assert cores[1] == cores[0].replace("+", "-").replace("/", "_")
    assert list(known._b64_aligned(b"abcde")) == []
    # 6 bytes at offset 0 give a core of exactly 8 characters: kept.
    assert list(known._b64_aligned(b"Zq8vLx"))[:2] == [base64.b64encode(b"Zq8vLx").decode()] * 2
    assert all(len(c) >= 8 for c in known._b64_aligned(b"abcdefgh"))


def test_literals_longest_first_without_duplicates() -> None:
    lits = known.literals(["Zq8vLx2Kp0", "Zq8vLx2Kp0", "short", "changeme"])
    assert lits == sorted(set(lits), key=lambda s: (-len(s), s))
    assert lits == sorted(known.encodings("Zq8vLx2Kp0"), key=lambda s: (-len(s), s))


def test_a_known_value_is_gone_in_every_encoding() -> None:
    r = SecretRedactor(registry.detectors(), b"k" * 32, known.literals([VALUE + "/+"]))
    v = VALUE + "/+"
    texts = [v, quote(v, safe=""), json.dumps({"x": v}), json.dumps(json.dumps(v)),
             base64.b64encode(b"user:" + v.encode()).decode(),
             base64.urlsafe_b64encode(b"ab" + v.encode()).decode()]
    for t in texts:
        out = r.redact_text(f"see {t} here")
        _absent(VALUE, out)
        enc = base64.b64encode(v.encode()).decode()
        _absent(enc[2:-2], out)


def test_an_unreadable_env_file_is_skipped_and_the_next_one_read(tmp_path, monkeypatch) -> None:
    (tmp_path / ".env.a").write_text("TOKEN=Aaa0Value9Xyz\n")
    (tmp_path / ".env.b").write_text("TOKEN=Bbb0Value9Xyz\n")
    real = open

    def fake_open(path, *a, **kw):
        if str(path).endswith(".env.a"):
            raise PermissionError(path)
        return real(path, *a, **kw)

    monkeypatch.setattr(known, "open", fake_open, raising=False)
    assert known.from_dotenv_files(str(tmp_path)) == ["Bbb0Value9Xyz"]


def test_encodings_strip_only_padding_and_keep_8_char_forms() -> None:
    # base64 of this value ends in 'X' (no padding): only '=' may be stripped from it.
    v = "Zq8vLx2KpqrW"
    b64 = base64.b64encode(v.encode()).decode()
    assert b64 == "WnE4dkx4MktwcXJX"
    forms = known.encodings(v)
    assert b64 in forms and "WnE4dkx4MktwcXJ" not in forms
    assert known.encodings("Zq8vLx2K") >= {"Zq8vLx2K"}          # exactly 8 chars: kept
    lits = known.literals(["Zq8vLx2Kp0", "Mn3bV7cX1zLk"])
    assert "Zq8vLx2Kp0" in lits and "Mn3bV7cX1zLk" in lits


# -- from_withheld_text: what the policy withheld, for the sweep

def test_from_withheld_text_reads_dotenv_lines_behind_reads_line_numbers() -> None:
    text = (f"     1→API_TOKEN={VALUE}\n     2→DEBUG=true\n     3→HOST=localhost\n"
            f"4\tDB_PASSWORD='{VALUE}x'\n")
    assert known.from_withheld_text(text) == [VALUE, VALUE + "x"]


def test_from_withheld_text_takes_long_random_tokens_once() -> None:
    token = "alice-and-bob-w8k2p5"
    text = f"customers: {token}\nagain {token}, see ({PEM_LINE})\nordinary_identifier_name"
    assert known.from_withheld_text(text) == [token, PEM_LINE]


@pytest.mark.parametrize("text", [
    "a short one: Zq8vLx2K",                       # under 16 characters
    "aaaaaaaaaaaaaaaaaaaaaaaa",                    # no entropy
    "see /usr/local/lib/python3.11/site-packages",  # a path
    "DEBUG=true\nHOST=localhost\nPORT=5432",
    "",
])
def test_from_withheld_text_leaves_ordinary_text(text: str) -> None:
    assert known.from_withheld_text(text) == []


def test_from_withheld_text_is_bounded(monkeypatch) -> None:
    monkeypatch.setattr(known, "WITHHELD_VALUES", 3)
    tokens = [f"k{i}-Zq8vLx2Kp0Wd4hRt" for i in range(5)]
    assert known.from_withheld_text(" ".join(tokens)) == tokens[:3]
    lines = "\n".join(f"TOKEN_{i}=v{i}-Zq8vLx2Kp0Wd4hRt" for i in range(5))
    assert known.from_withheld_text(lines) == [f"v{i}-Zq8vLx2Kp0Wd4hRt" for i in range(3)]


def test_a_token_may_not_hold_assignment_punctuation() -> None:
    assert known.from_withheld_text(f"- {VALUE}:{VALUE};{VALUE}|({VALUE})") == [VALUE]
    assert known.from_withheld_text(f"[{VALUE}]<{VALUE}>`{VALUE}`") == [VALUE]


def test_from_withheld_text_strips_the_line_number_before_a_name() -> None:
    # `PAT` is a secret name only at the start (or after `_`): the number must go first.
    assert known.from_withheld_text("     1→PAT=hunter2!Xy9\n") == ["hunter2!Xy9"]
    assert known.from_withheld_text("12\tPAT=hunter2!Xy9\n") == ["hunter2!Xy9"]


def test_from_withheld_text_entropy_bound_is_inclusive() -> None:
    token = "Q7w3E9r1Lm2kLm2k"  # 8 characters once and 4 twice: exactly 3.5 bits
    assert known.from_withheld_text(f"- {token}") == [token]
    assert known.from_withheld_text(f"- {token[:-1]}q") == [token[:-1] + "q"]
    assert known.from_withheld_text("- Q7w3E9r1LmLmLmLm") == []  # 3.0 bits


def test_from_withheld_text_counts_dotenv_values_and_tokens_together(monkeypatch) -> None:
    monkeypatch.setattr(known, "WITHHELD_VALUES", 2)
    text = f"API_TOKEN={VALUE}\n- {PEM_LINE} k9-Zq8vLx2Kp0Wd4hRt"
    assert known.from_withheld_text(text) == [VALUE, PEM_LINE]


@pytest.mark.parametrize("name", ["consectetur_adipiscing_elit", "getUserAccountBalance",
                                  "customers-2024-q3-export", "ami-0abcdef1234567890"])
def test_from_withheld_text_leaves_identifiers(name: str) -> None:
    assert known.from_withheld_text(f"- {name}") == []
