"""`detectors/generic_assignment.py`, table rows: a secret-named name and its value in the
next cell of a row (psql's and markdown's `|`, MySQL's ASCII box, tab-separated CLI
output, `column -t`'s aligned blanks) with no operator between them. The value is judged
as one only its surroundings call secret: hashes, ids, words and placeholders in the same
tables stay byte-identical.
"""

from __future__ import annotations

import pytest

from support.absence import assert_absent

KEY = "kDie3SODIQb7RGXZklt6IAwnczNlbTjUnBo8lQEO"
HEX = "0791e7522b30c8b8a0a6747f709b576151388497"
PW = "Zg77TxeBYEnts4T5"


@pytest.mark.parametrize(("text", "secret"), [
    (f" name           | value\n----------------+------\n aws_secret_key | {KEY}\n", KEY),
    (f"| 2  | db-password | {PW} |\n", PW),
    (f"| `JWT_SECRET` | `{HEX}` | vault |\n", HEX),
    (f"/prod/api/jwt_secret\t{HEX}\n/prod/api/log_level\tinfo\n", HEX),
    (f"PATH                /usr/bin:/bin\nSIGNING_KEY         {KEY}\n", KEY),
    (f"PGPASSWORD  {PW}\n", PW),
    ("| db_password | a1B2c3 |\n", "a1B2c3"),  # six characters: a password's least
    ("| db_password | Summer2024!x |\n", "Summer2024!x"),  # chosen, not drawn
    ("AUTH\tXk29fJ3kLm9Qp2Rz\n", "Xk29fJ3kLm9Qp2Rz"),  # a weak name: 16 drawn characters
])
def test_a_value_in_the_cell_after_a_secret_name_is_redacted(redactor, text: str,
                                                             secret: str) -> None:
    out = redactor.redact_text(text)
    assert_absent(secret, out)
    assert out.count("[REDACTED:generic_secret:") == 1


@pytest.mark.parametrize("text", [
    "| password | string | The user's password |\n",
    "| password | required | yes |\n",
    f"| cache_key | {HEX} |\n",
    "| sort_key | created_at |\n",
    "token  usage   1234\n",
    "  --token TOKEN     The API token to use\n",
    "| api_key | 7f3e2c1a-5b6d-4e8f-9a0b-1c2d3e4f5a6b |\n",
    "| db_password | ${DB_PASSWORD} |\n",
    "| secret_key | <your-secret> |\n",
    "monkey  Xk29fJ3kLm9Qp2Rz\n",
    "tokens\t0x1f3a\n",
    "auth  Summer2024!x\n",  # a weak name takes only a drawn value
    "| service_token | API-1234 |\n",  # a ticket's name in a token's cell
    "| db_password | a1B2c |\n",  # five characters
])
def test_cells_that_are_not_secrets_stay(redactor, text: str) -> None:
    assert redactor.redact_text(text) == text


def test_a_row_at_the_very_start_or_end_of_a_text(redactor) -> None:
    assert_absent(PW, redactor.redact_text(f"PGPASSWORD  {PW}"))  # no newline after it


def test_a_name_that_does_not_start_its_cell_is_no_row(redactor) -> None:
    text = f"$db_password\t{PW}\n"  # a variable's expansion, not a name in a column
    assert redactor.redact_text(text) == text


@pytest.mark.parametrize("text", [
    # C headers align a macro's value in a column: code, not a table (openssl's objects).
    "#define OBJ_userPassword                OBJ_X509,35L\n",
    '#define SN_id_it_revPassphrase          "id-it-revPassphrase"\n',
    f"#define DEFAULT_TOKEN   {PW}\n",
    f"    var dbPassword      {PW}\n",
])
def test_blank_columns_after_a_word_and_one_blank_are_code(redactor, text: str) -> None:
    assert redactor.redact_text(text) == text


@pytest.mark.parametrize(("text", "secret"), [
    (f"prod    DB_PASSWORD    {PW}\n", PW),  # after another blank-aligned column
    (f"\tSIGNING_KEY   {KEY}\n", KEY),  # indented by a tab
    (f"sanity auth token | {KEY}\n", KEY),  # `|` marks the cells: a name of several words
    (f"my api token\t{KEY}\n", KEY),  # and so does a tab
])
def test_columns_that_follow_a_separator_still_hold_a_secret(redactor, text: str,
                                                              secret: str) -> None:
    assert_absent(secret, redactor.redact_text(text))


@pytest.mark.parametrize(("text", "secret"), [
    (f'#define API_KEY "{KEY}"\n', KEY),  # one blank: a C macro's string constant
    (f'#  define WIFI_PASSWORD "{PW}"\n', PW),
    (f'#define BLYNK_AUTH_TOKEN        "{HEX}"\n', HEX),
])
def test_a_macro_defined_as_a_quoted_secret_is_redacted(redactor, text: str,
                                                        secret: str) -> None:
    assert_absent(secret, redactor.redact_text(text))


@pytest.mark.parametrize("text", [
    f"#define API_KEY {PW}\n",  # unquoted: another macro or an expression, code
    '#define LN_pbe_WithSHA1And3_Key_TripleDES_CBC  "pbeWithSHA1And3-KeyTripleDES-CBC"\n',
    '#define SN_id_regCtrl_regToken          "id-regCtrl-regToken"\n',  # its own name
    f'the_secret_key "{PW}" x\n',  # one blank before a quote is a cell only in a macro
])
def test_macros_that_are_not_secrets_stay(redactor, text: str) -> None:
    assert redactor.redact_text(text) == text


@pytest.mark.parametrize(("text", "secret"), [
    (f'#include <wifi.h>\n#define WIFI_PASSWORD "{PW}"\n', PW),  # a macro on a later line
    (f'\n#define API_KEY "{KEY}"\n', KEY),  # after a line break that starts the text
    (f"#define API_KEY '{KEY}'\n", KEY),  # single quotes
])
def test_a_macro_is_read_on_its_own_line(redactor, text: str, secret: str) -> None:
    assert_absent(secret, redactor.redact_text(text))


@pytest.mark.parametrize(("text", "secret"), [
    (f" DB_PASSWORD    {PW}\n", PW),  # one blank starts the text
    (f"\t DB_PASSWORD    {PW}\n", PW),  # after a tab and a blank
    (f"| DB_PASSWORD    {PW}\n", PW),  # after a bar and a blank
    (f"name    value\n DB_PASSWORD    {PW}\n", PW),  # after a line break and a blank
])
def test_one_blank_after_a_separator_still_starts_a_column(redactor, text: str,
                                                           secret: str) -> None:
    assert_absent(secret, redactor.redact_text(text))


@pytest.mark.parametrize(("text", "secret"), [
    (f"ENV DB_PASSWORD    {PW}\n", PW),  # a Dockerfile's legacy ENV, aligned
    (f"setenv API_TOKEN    {KEY}\n", KEY),  # csh
    (f"set -gx GITHUB_TOKEN    {KEY}\n", KEY),  # fish
    (f'  ENV  API_KEY   "{KEY}"\n', KEY),
])
def test_a_command_that_assigns_by_blanks_leads_a_column(redactor, text: str,
                                                         secret: str) -> None:
    assert_absent(secret, redactor.redact_text(text))
