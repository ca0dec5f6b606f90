"""`detectors/credential_lines.py` alone, exactly: passwords by position in davfs2's
`secrets`, pppd's `chap-secrets` / `pap-secrets` and Postfix's `sasl_passwd`. A positive
gives exactly one finding over exactly the value; a negative none, byte-identical."""

from __future__ import annotations

import json

import pytest

from cctrace.redact.detectors.credential_lines import _fields
from support import alone as support_alone

PW = "Bramble718Juniper%"
TOKEN = "1UGPGwrKSjzEMXUxHeaHHJVs"


def found(text: str, value: str) -> None:
    support_alone.found("credential_lines", "file_password", text, value)


def kept(text: str) -> None:
    support_alone.kept("credential_lines", text)


@pytest.mark.parametrize("text,value", [
    (f"https://dav.example.com/remote.php/webdav alice {PW}\n", PW),
    (f"https://cloud.acme.io/remote.php/dav/files/bob/ bob \"{PW} x\"", f"{PW} x"),
    (f"# /etc/davfs2/secrets\nhttps://dav.example.com/dav alice {PW}\n", PW),
    (f"$ cat ~/.davfs2/secrets\n/mnt/dav  alice  {PW}\n", PW),
    (f"$ sudo cat /etc/davfs2/secrets\n# comment\n\n/media/webdav bob \"{PW}\"\n", PW),
    (f"# client\tserver\tsecret\t\t\tIP addresses\nalice\t*\t{TOKEN}\t*\n", TOKEN),
    (f"$ cat /etc/ppp/chap-secrets\n\"bob\" * \"{PW}\" 10.0.0.2\n", PW),
    (f"/etc/ppp/pap-secrets:\nbob pptpd {PW} *\n", PW),
    (f"[smtp.gmail.com]:587 alerts@acme.io:{PW}\n", PW),
    (f"[mail.acme.io] relay:{PW}", PW),
    (f"smtp.sendgrid.net:587 apikey:{TOKEN}\n", TOKEN),
])
def test_found(text: str, value: str) -> None:
    found(text, value)


def test_inside_a_json_string() -> None:
    for text, value in (
            (f"# client\tserver\tsecret\t\t\tIP addresses\nalice\t*\t{TOKEN}\t*\n", TOKEN),
            (f"https://dav.example.com/dav bob \"{PW}\"\n", PW),
            (f"$ cat ~/.davfs2/secrets\n/mnt/dav  alice  {PW}\n", PW),
            (f"[smtp.gmail.com]:587 alerts@acme.io:{PW}\n", PW)):
        found(json.dumps(text), json.dumps(value)[1:-1])


@pytest.mark.parametrize("text", [
    "# /etc/davfs2/secrets\n# proxy.example.com  user  password\n/mnt/dav  alice\n",
    "$ cat ~/.davfs2/secrets\n/mnt/dav alice *\n",                 # asks
    f"/mnt/dav alice {PW}\n",                                       # a path alone: no file named
    "https://github.com/acme/app is down\n",                        # words
    "https://example.com user password\n",                          # a word
    f"see https://dav.example.com/dav alice {PW}\n",               # the URL does not open the line
    f"https://dav.example.com/dav alice {PW} more\n",              # a fourth word
    "# client\tserver\tsecret\t\t\tIP addresses\nalice\t*\t\"\"\t*\n",
    "$ cat /etc/ppp/chap-secrets\nbob * $CHAP_SECRET *\n",          # a reference
    "[smtp.gmail.com]:587 alerts@acme.io:${SMTP_PASSWORD}\n",
    "[INFO]:587 took 12ms\n",
    "client = Client(server, secret)\n",
    f"10:25 alice:{PW}\n",                                          # a time, no mail port
])
def test_kept(text: str) -> None:
    kept(text)


def test_lines_are_bounded() -> None:
    rows = "".join(f"/mnt/d{i} u{i} {PW}{i}\n" for i in range(64 + 5))
    spans = support_alone.alone("credential_lines").explain("# davfs2 secrets\n" + rows)
    assert len(spans) == 64


def test_fields() -> None:
    assert _fields('a  "b c"\tdd') == [(0, 1), (4, 7), (9, 11)]
    assert _fields("a\\tb\\t") == [(0, 1), (3, 4)]
    assert _fields('a "b') is None


@pytest.mark.parametrize("text", [
    f"$ sudo tee -a /etc/davfs2/secrets <<< 'https://nc.home.lan/dav/files/me me {PW}'",
    f"echo \"https://dav.acme.io/dav bob {PW}\" >> ~/.davfs2/secrets",
])
def test_a_url_line_written_as_a_quoted_string(text: str) -> None:
    found(text, PW)


def test_a_log_level_in_brackets_is_no_host() -> None:
    kept("[DEBUG]\t\torg.neo4j.neo4j-graphdb-api:jar:3.5.12:test\n")
    kept("[INFO] build:Xk29!mQpz81Lm\n")


@pytest.mark.parametrize("text", [
    "    https://github.com/HypothesisWorks/hypothesis/issues/2494 for details.\n",
    "https://example.com/docs see section-4.\n",
])
def test_a_url_then_a_sentence_stays(text: str) -> None:
    kept(text)


def test_a_next_hop_then_a_tab() -> None:
    found(f"[smtp.acme.io]\talerts@acme.io:{PW}\n", PW)
    found(json.dumps(f"[smtp.acme.io]\talerts@acme.io:{PW}\n"), PW)
    found(json.dumps(json.dumps(f"[smtp.acme.io]\talerts@acme.io:{PW}\n")), PW)
    kept(f"x = y[smtp.acme.io] alerts@acme.io:{PW}\n")          # not at the line's start


@pytest.mark.parametrize("text,value", [
    ("# davfs2 secrets\n/mnt/dav alice hunter2hunter\n", "hunter2hunter"),  # typed
    ("https://dav.acme.io/dav bob Summer2024x\n", "Summer2024x"),
    (f"https://dav.acme.io/dav bob {PW}X\n", f"{PW}X"),
    ("[smtp.acme.io]:587 relay:hunter2hunter\n", "hunter2hunter"),
    ("smtp.acme.io:587 relay:hunter2hunter\n", "hunter2hunter"),
])
def test_chosen_passwords(text: str, value: str) -> None:
    found(text, value)


@pytest.mark.parametrize("text", [
    f"# davfs2 secrets\n/mnt/dav alice\n/mnt/x bob {PW}\n",     # another shape ends the file
    f"X https://dav.acme.io/dav bob {PW}\n",                      # the URL opens no line
    f"x smtp.acme.io:587 relay:{PW}\n",
])
def test_more_kept(text: str) -> None:
    kept(text)


def test_a_url_scheme_in_capitals() -> None:
    found(f"HTTPS://DAV.ACME.IO/dav bob {PW}\n", PW)


def test_a_line_start_within_512_characters() -> None:
    for blanks, seen in ((511, True), (512, False)):
        text = f"x\n{' ' * blanks}[smtp.acme.io]:587 relay:{PW}\n"
        if seen:
            found(text, PW)
        else:
            kept(text)


def test_more_bounds() -> None:
    kept("davfs2 " + "x" * 5000 + f"\n/mnt/dav alice {PW}\n")      # the mention's line is long
    found("https://dav.acme.io/dav bob hunter2hunter\n", "hunter2hunter")
    found(f"x\n  https://dav.acme.io/dav bob {PW}\n", PW)
    found(f'x\\n  https://dav.acme.io/dav bob {PW}\\n', PW)
    kept(f"xx https://dav.acme.io/dav bob {PW}\n")
