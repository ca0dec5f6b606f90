"""`detectors/table_column.py`: the cells under a table header naming a secret are redacted
(every 12-character piece gone); other columns, other tables, placeholders and look-alikes
in the secret column, and tables of other kinds stay byte-identical."""

from __future__ import annotations

import json

import pytest

from cctrace.redact import registry
from cctrace.redact.detectors.table_column import (
    LOOKBACK,
    _cells,
    _secret_columns,
    line_end_before,
)
from cctrace.redact.engine import Finding, SecretRedactor
from support.absence import assert_absent

PW = "Rocket6998-x"
TOKEN = "9f8Xk2LmQ7pZ3vW1aB4cD5eF"
HEX40 = "cfd4c9a02605084b8d102df6919dd9f558761c44"


def _all() -> SecretRedactor:
    return SecretRedactor(registry.detectors(), b"k" * 32)


def _alone() -> SecretRedactor:
    return SecretRedactor([registry.load("table_column")], b"k" * 32)


POSITIVE = [
    ("| service | user | password |\n|---|---|---|\n| postgres | app | {v} |\n"
     "| redis | default | n/a |\n", PW),
    ("| service | user | password |\n|---|---|---|\n| postgres | app | {v} |\n", HEX40),
    ("| Name | API Token |\n| :--- | :---: |\n| ci | `{v}` |\n", TOKEN),
    ("| Name | Secret |\r\n|--|---|\r\n| ci | {v} |\r\n", TOKEN),
    ("Accounts:\n\n| env | db_password | notes |\n|---|---|---|\n| prod | **{v}** | rotated |\n",
     PW),
    (" name | client_secret \n------+---------------\n app  | {v}\n(1 row)\n", TOKEN),
    (" id | user  | pwd\n----+-------+-----\n  1 | admin | {v}\n", PW),
    # MySQL's client opens and closes its rules with `+`
    ("mysql> SELECT id, api_token FROM users;\n+----+-----------+\n| id | api_token |\n"
     "+----+-----------+\n|  1 | {v} |\n+----+-----------+\n1 row in set\n", TOKEN),
]


@pytest.mark.parametrize("layout,value", POSITIVE)
def test_secret_column_cells_are_redacted(layout: str, value: str) -> None:
    text = layout.format(v=value)
    for r in (_alone(), _all()):
        out = r.redact_text(text)
        assert_absent(value, out)
        assert "[REDACTED:table_secret:" in out
    # the other cells stay
    assert _alone().redact_text(text).replace(value, "") .count("|") == text.count("|")
    at = text.index(value)
    assert _alone().explain(text) == [Finding("table_secret", "table_column", at,
                                              at + len(value))]


def test_every_row_of_the_column() -> None:
    text = ("| user | password |\n|---|---|\n| a | Tr0ub4dor&3 |\n| b | n/a |\n"
            "| c | hunter2hunter2 |\n| d | Sp4rkle!Sky |\n\nafter | table\n")
    out = _alone().redact_text(text)
    for v in ("Tr0ub4dor&3", "hunter2hunter2", "Sp4rkle!Sky"):
        assert v not in out
    assert out.count("[REDACTED:table_secret:") == 3
    assert "| b | n/a |" in out and "after | table" in out


def test_a_table_inside_a_json_string() -> None:
    text = json.dumps({"c": json.dumps({"tool_result": POSITIVE[0][0].format(v=PW)})})
    out = _alone().redact_text(text)
    assert_absent(PW, out)
    assert "postgres | app | [REDACTED:table_secret:" in out


NEGATIVE = [
    # the secret column holds placeholders, references, look-alikes
    "| service | password |\n|---|---|\n| a | n/a |\n| b | ******** |\n| c | <password> |\n"
    "| d | ${DB_PASSWORD} |\n| e | op://prod/db/password |\n| f | changeme |\n| g | - |\n",
    "| service | token |\n|---|---|\n| a | production |\n| b | rotated |\n| c | 2024-01-01 |\n"
    "| d | v1.2.3 |\n| e | 123e4567-e89b-42d3-a456-426614174000 |\n| f | see vault |\n",
    "| commit | secret |\n|---|---|\n| fix | " + HEX40 + " |\n",  # a commit table
    # headers that do not name one secret
    "| key | value |\n|---|---|\n| region | eu-west-1 |\n| retries | 3aX9-bQ7 |\n",
    "| model | input tokens | output tokens |\n|:--|--:|--:|\n| opus | 1200 | 9f8Xk2LmQ7 |\n",
    "| password policy | min length |\n|---|---|\n| strict | Abc123!x |\n",
    "| test | pass | fail |\n|---|---|---|\n| auth | 12 | 0 |\n",
    # the secret column of another table, or no header above the separator
    "|---|---|\n| a | Tr0ub4dor&3 |\n",
    "| user | password |\n|---|---|\n| a | n/a |\n\n| user | role |\n|---|---|\n"
    "| b | Tr0ub4dor&3 |\n",
    # not tables: rules, YAML documents, diffs, RST grid tables with no secret header
    "title\n---\nTr0ub4dor&3\n",
    "---\npassword: ${DB_PASSWORD}\n---\n",
    "--- a/auth.py\n+++ b/auth.py\n@@ -1 +1 @@\n-x\n+y\n",
    "+-----------+----------+\n| name      | value    |\n+===========+==========+\n"
    "| token     | 3aX9bQ7z |\n+-----------+----------+\n",
    "$ ls -l | grep secret\n-rw------- 1 me staff 44 key.pem\n",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_stays_byte_identical(text: str) -> None:
    assert _alone().redact_text(text) == text
    assert _alone().explain(text) == []


def test_cells_and_columns() -> None:
    assert _cells("| a | `b` |c|") == [(0, 0), (2, 3), (7, 8), (11, 12), (13, 13)]
    assert _cells(" x | **y** ") == [(1, 2), (7, 8)]
    assert _secret_columns("| service | user | password | API token | key | pass |") == {
        3: True, 4: False}
    assert _secret_columns(" id | pwd | client_secret | passphrase ") == {
        1: True, 2: False, 3: True}
    assert _secret_columns("| a | b |") == {}


def test_header_lookback() -> None:
    assert LOOKBACK == 4096
    text = "| name | password |\n|---|---|\n| a | Tr0ub4dor&3 |\n"
    # a header line longer than the lookback is not read
    long_head = "| " + "n" * LOOKBACK + " | password |\n|---|---|\n| a | Tr0ub4dor&3 |\n"
    assert "Tr0ub4dor&3" not in _alone().redact_text("x\n" + text)
    assert _alone().redact_text("x\n" + long_head) == "x\n" + long_head


def test_a_cell_is_cut_at_blanks_and_quotes_only() -> None:
    text = "| n | token |\n|---|---|\n| a | X9f8Xk2LmQ7pZ3vW1X |\n"
    at = text.index("X9f8")
    assert _alone().explain(text) == [Finding("table_secret", "table_column", at, at + 18)]


def test_the_header_is_the_line_right_above() -> None:
    # a line above the header with a `|` of its own does not shift the columns
    text = "a | b\n| x | password |\n|---|---|\n| 1 | S3cr3t!xy |\n"
    at = text.index("S3cr3t!xy")
    assert _alone().explain(text) == [Finding("table_secret", "table_column", at, at + 9)]


def test_a_header_starting_just_out_of_sight() -> None:
    # the separator's `---` at LOOKBACK + 1: the header's first character is out of sight
    head = "| password" + " " * (LOOKBACK - 12) + "|"
    assert len(head) == LOOKBACK - 1
    text = head + "\n|---|\n| S3cr3t!xy |\n"
    assert text.index("---") == LOOKBACK + 1
    assert _alone().redact_text(text) == text
    # one character closer, it is read
    text = head.replace("  |", " |") + "\n|---|\n| S3cr3t!xy |\n"
    assert "S3cr3t!xy" not in _alone().redact_text(text)


def test_a_cell_with_blanks_is_a_note_not_a_password() -> None:
    text = "| user | password |\n|---|---|\n| a | see 1Password vault |\n"
    assert _alone().redact_text(text) == text


def test_line_end() -> None:
    assert line_end_before("ab\ncd", 3) == 2
    assert line_end_before("ab\r\ncd", 4) == 2
    assert line_end_before("aX\ncd", 3) == 2
    assert line_end_before("ab\\ncd", 4) == 2
    assert line_end_before("ab\\\\ncd", 5) == 2             # a doubly escaped break
    assert line_end_before("\\\\nb", 3) == 0
    assert line_end_before("\\nx\\", 2) == 0


@pytest.mark.parametrize("text", [
    "|---|\n| S3cr3t!xy |\n| password |  ",            # no header above the separator
    "x" * 5000 + " |---|\n| S3cr3t!xy |\n",             # the separator line out of sight
])
def test_no_header_line(text: str) -> None:
    assert _alone().redact_text(text) == text


def test_probes7_a_header_in_another_language() -> None:
    text = f"| Dienst | Benutzer | Passwort |\n|---|---|---|\n| Jenkins | admin | {PW} |\n"
    r = SecretRedactor([registry.load("table_column")], b"k" * 32)
    assert [(f.type, text[f.start:f.end]) for f in r.explain(text)] == [("table_secret", PW)]
    kept = "| Dienst | Passwort-Richtlinie |\n|---|---|\n| Jenkins | 12 Zeichen |\n"
    assert r.explain(kept) == []


# -- SQL INSERT: the column list is the header (probes-8) ------------------------------------

@pytest.mark.parametrize("text,values", [
    ("INSERT INTO api_keys (name, key) VALUES ('prod', '{t}');", [TOKEN]),
    ("insert into service_tokens (service, token, created_at) values ('b', '{t}', now());",
     [TOKEN]),
    ("INSERT INTO users (name, password) VALUES ('ada', '{p}'), ('bob', '{t}');", [PW, TOKEN]),
    ("INSERT INTO users (name, password)\nVALUES\n  ('ada', '{p}'),\n  ('bob', '{t}');",
     [PW, TOKEN]),
    ('"INSERT INTO `users` (`name`, `password`) VALUES (\'ada\', \'{p}\'),\\n(\'b\', \'{t}\')"',
     [PW, TOKEN]),
    ("INSERT INTO app.secrets (id, key) VALUES (7, '{t}')", [TOKEN]),
    ('"INSERT INTO \\"accounts\\" (\\"login\\", \\"passwd\\") VALUES (\'r\', \'{p}\');"', [PW]),
    ('"INSERT INTO \\"api_keys\\" (\\"name\\", \\"key\\") VALUES (\'r\', \'{t}\');"', [TOKEN]),
    ("INSERT INTO creds (n, password) VALUES ('a', 'it''s{p}')", ["it''s" + PW]),
])
def test_insert_values_under_a_secret_column(text: str, values: list[str]) -> None:
    text = text.format(t=TOKEN, p=PW)
    spans = [(text.index(v), text.index(v) + len(v)) for v in values]
    assert _alone().explain(text) == [Finding("table_secret", "table_column", a, b)
                                      for a, b in spans]


@pytest.mark.parametrize("text", [
    "INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.com');",
    "INSERT INTO api_keys (name, scopes) VALUES ('prod', 'read:all write:orders');",
    f"INSERT INTO settings (name, key) VALUES ('prod', '{TOKEN}');",   # a bare key column
    "INSERT INTO users (name, password) VALUES ('ada', $1), (?, ?);",   # binds
    "INSERT INTO users (name, password) VALUES ('ada', 'changeme');",   # a placeholder
    f"INSERT INTO users (password, name) VALUES (crypt('x', gen_salt('bf')), '{PW}');",
    f"INSERT INTO users (name, password) SELECT name, '{PW}' FROM old;",
])
def test_insert_values_that_stay(text: str) -> None:
    assert _alone().explain(text) == []


def test_insert_rows_are_bounded() -> None:
    from cctrace.redact.detectors.table_column import _MAX_ROWS
    assert _MAX_ROWS == 256
    rows = ", ".join(f"('u{i}', '{PW}{i}')" for i in range(_MAX_ROWS + 1))
    found = _alone().explain(f"INSERT INTO users (name, password) VALUES {rows};")
    assert len(found) == _MAX_ROWS


@pytest.mark.parametrize("text,found", [
    # the table's name: its last dotted part, stripped of quotes, singular
    (f"INSERT INTO vault.tokens (id, key) VALUES (1, '{TOKEN}')", True),
    (f"INSERT INTO tokens.config (id, key) VALUES (1, '{TOKEN}')", False),
    (f"INSERT INTO api_keyX (name, key) VALUES ('p', '{TOKEN}')", False),
    (f"INSERT INTO users (name, passwordX) VALUES ('a', '{PW}')", False),
    (f"INSERT INTO users (name, pass) VALUES ('a', '{PW}')", False),     # a bare pass
    (f"INSERT INTO logins (name, pass) VALUES ('a', '{PW}')", False),
    (f"INSERT INTO passwords (name, pass) VALUES ('a', '{PW}')", True),
    # a chosen password is taken under a password column, not under a token's
    ("INSERT INTO users (name, password) VALUES ('a', 'letmein99')", True),
    ("INSERT INTO users (name, token) VALUES ('a', 'letmein99')", False),
])
def test_insert_columns_and_table_names(text: str, found: bool) -> None:
    assert bool(_alone().explain(text)) is found


def test_insert_a_row_wider_than_its_columns_ends_the_reading() -> None:
    text = f"INSERT INTO users (name, password) VALUES ('a', 'b', 'c'), ('d', '{PW}');"
    assert _alone().explain(text) == []
