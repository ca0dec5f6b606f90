"""`detectors/delimited_rows.py` alone, exactly: the fields of CSV / TSV / sqlite list-mode
rows under a header column naming a secret, the rows printed after a SELECT list naming
one, ruled column tables (`.mode column`, `Format-Table`) and `NAME | VALUE` tables whose
name names a secret. A positive gives exactly one finding over exactly the value; a
negative none, the text byte-identical."""

from __future__ import annotations

import json

import pytest

from cctrace.redact.detectors import delimited_rows as dr
from cctrace.redact.detectors.delimited_rows import (
    _at,
    _columns,
    _header,
    _select_names,
    _split,
)
from cctrace.redact.engine import SecretRedactor
from support import alone as support_alone

PW = "Kestrel914Thistle%"
TOKEN = "Wb92O7SbeIdMWKLds3mo4eoRsKtp1HXnviu9PfRE"


def found(text: str, value: str) -> None:
    support_alone.found("delimited_rows", "table_secret", text, value)


def kept(text: str) -> None:
    support_alone.kept("delimited_rows", text)


@pytest.mark.parametrize("text,value", [
    (f"username,password,role\nalice,{PW},admin\n", PW),
    (f"name\temail\tpassword\ncarol\tc@acme.io\t{PW}\n", PW),
    (f"service;api_key;owner\nstripe;{TOKEN};billing\n", TOKEN),
    (f'"id","login","pass"\n"1","admin","{PW}"\n', PW),          # `pass` beside a login
    (f"sqlite> select * from users;\nid|email|password\n1|a@b.io|{PW}\n", PW),
    (f"id|name|db password\n1|prod|{PW}\nsqlite> ", PW),
    (f"id,secret\r\n7,{TOKEN}\r\n", TOKEN),
    (f"name,token\nci,n/a\nprod,{TOKEN}\n", TOKEN),             # a placeholder row passed
])
def test_a_header_column_marks_its_fields(text: str, value: str) -> None:
    found(text, value)


@pytest.mark.parametrize("text,value", [
    (f'$ sqlite3 app.db "select id,user,password from users"\n1|alice|{PW}\n', PW),
    (f"sqlite> select id, name, key from api_keys;\n1|prod|{TOKEN}\n", TOKEN),
    (f"sqlite> SELECT u.id, u.pw AS password FROM users u;\n1|{PW}\n", PW),
    (f"sqlite> .mode csv\nsqlite> select name, token from t;\nci,{TOKEN}\n", TOKEN),
    (f"sqlite> select id, token from t;\nid|token\n1|{TOKEN}\n", TOKEN),  # header passed over
])
def test_a_select_list_marks_the_rows_after_it(text: str, value: str) -> None:
    found(text, value)


@pytest.mark.parametrize("text,value", [
    (f"name   token\n-----  ----------\nci     {TOKEN}\n", TOKEN),
    ("Name                           Value\n----                           -----\n"
     f"API_TOKEN                      {TOKEN}\nPATH                           C:\\Windows\n",
     TOKEN),
])
def test_a_ruled_table(text: str, value: str) -> None:
    found(text, value)


def test_a_name_value_box() -> None:
    text = ("┌──────────┬──────┐\n│ NAME     │ VALUE │\n├──────────┼──────┤\n"
            f"│ API_KEY  │ {TOKEN} │\n│ LOG_LEVEL │ info │\n└──────────┴──────┘\n")
    # judged as `NAME=value`: generic_assignment's kind of find
    support_alone.found("delimited_rows", "generic_secret", text, TOKEN)
    support_alone.found("delimited_rows", "generic_secret",
                        f"NAME,VALUE\nLOG_LEVEL,info\nDB_PASSWORD,{PW}\n", PW)


def test_inside_a_json_string() -> None:
    for text, value in ((f"username,password\nalice,{PW}\n", PW),
                        (f"name\ttoken\nci\t{TOKEN}\n", TOKEN),
                        (f'sqlite3 db "select id,password from u"\n1|{PW}\n', PW)):
        out = json.dumps(text)
        found(out, json.dumps(value)[1:-1])


@pytest.mark.parametrize("text", [
    "username,password_last_changed,role\nalice,2026-01-02,admin\n",   # not a secret column
    "name,key,value\nprod,region,eu-west-1\n",                         # a bare key: names
    f"test,pass\nlogin,{PW}\n",                                          # a bare pass, no login
    "username,password\nalice,${DB_PASSWORD}\n",                       # a reference
    f"username,password\nalice\n{PW}\n",                                # another width
    f"a, token, b = x.split()\n1, {TOKEN}, 2\n",                       # code: no header
    "sqlite> select id, name, key_id from api_keys;\n1|prod|k-2026\n",
    '$ sqlite3 app.db "select id, user, password_changed_at from users"\n1|alice|2026-01-02\n',
    f"sqlite> select * from users;\n1|alice|{PW}\n",                   # no column named
    f"sqlite> select count(*), password from users;\n3|{PW}\n",
    f"name   role\n-----  -----\nci     {TOKEN}\n",
    f"Name    Value\n----    -----\nPATH    {TOKEN}\n",
    "Name     Value\n----     -----\nAPI_KEY  (set)\n",
    f"| user | password |\n{PW}\n",                                     # framed: table_column's
])
def test_kept(text: str) -> None:
    kept(text)


def test_rows_are_bounded() -> None:
    rows = "".join(f"u{i},{PW}{i}\n" for i in range(256 + 5))
    found_spans = support_alone.alone("delimited_rows").explain("user,password\n" + rows)
    assert len(found_spans) == 256


def test_parts() -> None:
    assert _split('"a", b ,c', ",") == [(1, 2), (5, 6), (8, 9)]
    assert _split("│ a │ b │", "│") == [(2, 3), (6, 7)]
    assert _header("id|email|password") == ("|", ["id", "email", "password"])
    assert _header("id, f(x), password") is None
    assert _header("password") is None
    assert _columns(["id", "pass"]) == {}
    assert _columns(["user", "pass", "api token"]) == {1: True, 2: False}
    assert _select_names("u.id, u.pw AS password ") == ["id", "password"]
    assert _select_names("u.id, u.pw password") == ["id", "password"]   # AS left out
    assert _select_names("count(*) , password") is None
    assert _select_names("id, ") is None
    assert _at("ab   cd  ", [0, 5], 0) == (0, 2)
    assert _at("ab   cd  ", [0, 5], 1) == (5, 7)
    assert _at("ab        ", [0, 5], 1) == (10, 10)


@pytest.mark.parametrize("text", [
    # psql's settings table: a public key's name, a SHA (as in the layouts benchmark)
    " name       | value\n------------+------------\n"
    " cache_key  | 6a04034db86fc592ec8c82c49ab6a395275f7d84\n",
    "name,value\ncache_key,6a04034db86fc592ec8c82c49ab6a395275f7d84\n",
    "NAME      VALUE\n----      -----\nAPI_KEY   6a04034db86fc592ec8c82c49ab6a395275f7d84\n",
    "id,cache_key\n1,Wb92O7SbeIdMWKLds3mo4eoRsKtp1HXnviu9PfRE\n",       # a public key column
    "id,primary key\n1,Wb92O7SbeIdMWKLds3mo4eoRsKtp1HXnviu9PfRE\n",
])
def test_public_keys_and_digests_stay(text: str) -> None:
    kept(text)


def _header_with_word_at(offset: int) -> str:
    """A CSV header whose `token` column starts `offset` characters into its line."""
    fields, size = [], 0
    while size + 42 < offset:
        fields.append("f" * 40)
        size += 41
    fields.append("g" * (offset - size - 1))
    return ",".join(fields) + ",token"


def test_the_header_line_is_read_back_2048_characters() -> None:
    for offset, seen in ((2047, True), (2048, False)):
        header = _header_with_word_at(offset)
        assert header.index("token") == offset
        row = ",".join("x" for _ in header.split(",")[:-1]) + f",{TOKEN}"
        text = f"rows:\n{header}\n{row}\n"
        if seen:
            found(text, TOKEN)
        else:
            kept(text)


@pytest.mark.parametrize("login", ["user", "username", "user_name", "login", "email",
                                   "account", "userid"])
def test_a_bare_pass_beside_each_login_column(login: str) -> None:
    found(f"{login},pass\nbob,{PW}\n", PW)


@pytest.mark.parametrize("name", ["name", "key", "variable", "setting", "secret"])
def test_each_name_column_of_a_name_value_table(name: str) -> None:
    support_alone.found("delimited_rows", "generic_secret",
                        f"{name},value\nAPI_TOKEN,{TOKEN}\n", TOKEN)


@pytest.mark.parametrize("text,value", [
    (f"name|token\n|\nci|{TOKEN}\n", TOKEN),             # an empty framed line: two fields
    (f"h|token|c\n|{TOKEN}|X\n", TOKEN),                   # not framed: closed by no `|`
    (f"user,password\nbob,{PW}X\n", f"{PW}X"),              # an X is no edge
    (f"name   {'token':<40}  note\n-----  {'-' * 40}  ----\nci     {TOKEN}  ok\n", TOKEN),
    ("Name         Value\n----         -----\nHOME         /root\n"
     f"API_TOKEN    {TOKEN}\n", TOKEN),                      # the second row
    ("name   password\n-----  --------\nci     n/a\n"
     f"cd     {PW}\n", PW),
])
def test_more_layouts(text: str, value: str) -> None:
    found(text, value)  # (a ruled `Name  Value` row too: the ruler's pattern)


@pytest.mark.parametrize("text", [
    f"a|token|b\n|{TOKEN}|\n",                                # framed: one field, not three
    f"user,password\nonly-one-field\nbob,{PW}\n",              # another width ends the rows
    f"name,key\nprod,{TOKEN}\n",                               # a bare key column
    "token,rev\n6a04034db86fc592ec8c82c49ab6a395275f7d84,v2\n",  # a SHA beside `rev`
    f"-----  -----\nci     {TOKEN}\n",                          # a ruler with no header
    f"name   token\n-----  -----\n\nci     {TOKEN}\n",          # an empty line ends it
    "Name           Value\n----           -----\nDB_PASSWORD    hunter2 secret9\n",  # a blank
    "name   password\n-----  --------\nci     hunter2 secret9\n",
    "name   password\n-----  --------\nci     n/a\n",
    f"sqlite> select id, lower(password) from users;\n1|{PW}\n",  # a call
    f"sqlite> select password from users;\n{PW}\n",               # one column: no rows told
])
def test_more_kept(text: str) -> None:
    kept(text)


@pytest.mark.parametrize("text", [
    f"name,token\nname,token\nci,{TOKEN}\n",                       # the header again
    f"name,token\nci,api_token\nprod,{TOKEN}\n",                   # a secret's name as a value
    f"NAME,VALUE\nNAME,VALUE\nAPI_TOKEN,{TOKEN}\n",
    "name   token\n-----  -----\nname   token\n-----  -----\n",     # the next ruler
])
def test_a_header_again_ends_the_rows(text: str) -> None:
    spans = support_alone.alone("delimited_rows").explain(text)
    # the second header reads its own table: one finding at most, from it
    assert len(spans) <= 1
    if spans:
        assert text[spans[0].start:spans[0].end] == TOKEN
        assert spans[0].start > text.index("\n", text.index("\n") + 1)


def test_a_line_past_4096_characters_is_no_table() -> None:
    for size, seen, end in ((4095, True, "\n"), (4096, False, "\n"),
                            (4096, True, ""), (4097, False, "")):
        row = "x" * (size - len(PW) - 1) + f",{PW}"
        text = "user,password\n" + row + end
        assert len(row) == size
        if seen:
            found(text, PW)
        else:
            kept(text)


def test_more_bounds() -> None:
    found(f"h|token|c\nX|{TOKEN}|\n", TOKEN)                     # an X opening the row
    found(f"id  token\n--  -----\n1   {TOKEN}\n", TOKEN)            # a first run of two
    kept(f"-----  -----\nci     {TOKEN}\nname   tokenXY")            # a ruler opens the text
    kept("sqlite> select id, token from t;")                         # no row after it
    # a header line whose start is out of sight (2,048 characters back): no header
    names = ",".join(["a"] * 1100)
    kept(f"{names},token\n{','.join(['1'] * 1100)},{TOKEN}\n")


# -- the cheap look left of a header's word, before its line is read

@pytest.mark.parametrize("text, at, want", [
    ("user,password\n", 5, True),            # after a delimiter
    ("password,user\n", 0, False),           # the text's start
    ("x\npassword,user\n", 2, False),        # a line break
    ("x\\npassword,user", 3, False),         # an escaped line break
    ("a\\tpassword\\n", 3, True),            # an escaped tab is a delimiter
    ('\\"db_password\\",', 2, False),        # escaped quotes around the name
    ('id,"db password"', 4, True),           # quotes and a blank in the cell
    ('{"api_key",', 3, None),                # a brace: code, no header
    ("x = key,", 4, None),                   # `=`: code
    ("a" * 201 + "key,", 201, None),         # a cell longer than any name
    ("a" * 200 + "key,", 200, False),        # exactly the longest, at the text's start
    ("\\qkey,", 2, None),                    # a backslash escaping something else
    ("\\", 1, None),                          # a backslash ending the text
    ("a\u2502password", 2, True),            # a box-drawing bar
    ("x\rpassword,", 2, False),               # a carriage return
    ("a;password", 2, True), ("a|password", 2, True), ("a\tpassword", 2, True),
    ("x\\rpassword,", 3, False),             # an escaped carriage return
    (",\\\\\"password", 4, True),           # a quote escaped twice (`\\\"`)
    ("ab,\\\\\"password", 6, True),         # the same further along the text
    (",\\'password", 3, True),               # an escaped single quote
    ("\\\"key,\\", 2, False),               # escaped quote at the text's start
])
def test_cell_left(text, at, want):
    assert dr._cell_left(text, at) is want


def test_ends_line():
    assert dr._ends_line("token\n") and dr._ends_line("key\\n") and dr._ends_line("key\\r")
    assert not dr._ends_line("key,") and not dr._ends_line("key\\t")


def test_a_word_alone_on_its_line_reads_no_header(monkeypatch):
    # (the generated transcript's `... record token` lines: no line is read for them)
    read = []
    monkeypatch.setattr(dr, "_header_line", lambda m: read.append(m.start()))
    kept("value total record token\nab12cd34ef56gh78ij90\n")
    assert read == []
    kept("a,record token\nab12,cd34ef56gh78ij90\n")  # after a delimiter: read
    assert read == [9]


def test_value_after_a_blank_only_is_no_pair_header(monkeypatch):
    searched = []
    real = dr._PAIR_HEAD
    monkeypatch.setattr(dr, "_PAIR_HEAD", type("P", (), {
        "search": staticmethod(lambda *a: searched.append(a[1:]) or real.search(*a))}))
    kept("name = x\nreturn value\nZq8vLx2Kp0Wd4hRtYbN3\n")
    assert searched == []
    kept("name | value\n")  # a delimiter in the gap: the name column is looked for
    assert len(searched) == 1


def test_cell_left_looks_past_seven_escaped_quotes_not_eight():
    seven = "," + '\\"a' * 7 + "key,"
    eight = "," + '\\"a' * 8 + "key,"
    assert dr._cell_left(seven, len(seven) - 4) is True
    assert dr._cell_left(eight, len(eight) - 4) is None


@pytest.mark.parametrize("delimiter", ["|", "\u2502", "\t", ",", ";"])
def test_a_name_value_table_with_each_delimiter(delimiter):
    text = f"NAME{delimiter}VALUE\nAPI_TOKEN{delimiter}{TOKEN}\nDEBUG{delimiter}true\n"
    out = SecretRedactor([dr.DETECTOR], b"k" * 32).redact_text(text)
    assert TOKEN not in out and f"DEBUG{delimiter}true" in out
