"""`detectors/windows_cli.py` alone, exactly: `ConvertTo-SecureString` with `-AsPlainText`
(the string after it or piped into it), `net use`'s password word, `schtasks /RP` and
`/P`, FreeRDP's `/p:` and `rdesktop -p`. A positive gives exactly one finding over exactly
the value and leaves no 12-character piece of it; a negative gives none and comes back
byte-identical."""

from __future__ import annotations

import json

import pytest

from support import alone as support_alone

PW = "Tr0ub4dor&3x"


def found(text: str, value: str) -> None:
    support_alone.found("windows_cli", "cli_password", text, value)


def kept(text: str) -> None:
    support_alone.kept("windows_cli", text)


@pytest.mark.parametrize("text", [
    f'$pw = ConvertTo-SecureString "{PW}" -AsPlainText -Force',
    f"$pw = ConvertTo-SecureString '{PW}' -AsPlainText -Force",
    f"ConvertTo-SecureString -String '{PW}' -AsPlainText -Force",
    f'ConvertTo-SecureString -AsPlainText -Force -String "{PW}"',
    f"convertto-securestring {PW} -asplaintext -force",            # unquoted, lower case
    f'$c = [PSCredential]::new("u", (ConvertTo-SecureString "{PW}" -AsPlainText -Force))',
    f'$p = "{PW}" | ConvertTo-SecureString -AsPlainText -Force',      # piped into it
    f"'{PW}'|ConvertTo-SecureString -Force -AsPlainText",
    f'net use Z: \\\\fileserv01\\share {PW} /user:CORP\\bob',
    f'net use \\\\10.0.4.12\\c$ /user:Administrator {PW}',
    f'net use * \\\\srv\\s "{PW}" /user:bob /persistent:no',
    f'NET USE Z: \\\\srv\\s {PW}',
    f'cmd /c net use Z: \\\\srv\\s {PW} /user:bob',
    f'schtasks /Create /TN "Nightly" /TR C:\\jobs\\run.bat /RU CORP\\svc /RP {PW}',
    f'schtasks.exe /Change /TN Backup /RU admin /RP "{PW}"',
    f'schtasks /Query /S host /U admin /P {PW}',
    f"xfreerdp /v:10.1.2.3 /u:Administrator /p:{PW} /cert:ignore",
    f"xfreerdp /u:admin /p:'{PW}' /v:jump.corp",
    f"wfreerdp /v:h /password:{PW}",
    f"rdesktop -u admin -p {PW} jump01",
])
def test_found(text: str) -> None:
    found(text, PW)


def test_found_in_a_json_string() -> None:
    # A tool result stored as a JSON string: quotes and backslashes escaped once.
    found(json.dumps(f'$pw = ConvertTo-SecureString "{PW}" -AsPlainText'), PW)
    found(json.dumps(f'net use Z: \\\\srv\\share {PW} /user:CORP\\bob'), PW)
    found(json.dumps(f'"{PW}" | ConvertTo-SecureString -AsPlainText'), PW)


@pytest.mark.parametrize("text", [
    f'ConvertTo-SecureString "{PW}" -Force',              # no -AsPlainText: an encrypted one
    f'ConvertTo-SecureString "{PW}"\n-AsPlainText',        # the flag on another line
    f'"{PW}" | ConvertTo-SecureString',
    "$sec = ConvertTo-SecureString $plain -AsPlainText -Force",     # a variable
    '$s = ConvertTo-SecureString -String $env:PW -AsPlainText -Force',
    'ConvertTo-SecureString "$Password" -AsPlainText -Force',
    'ConvertTo-SecureString "<password>" -AsPlainText -Force',       # a placeholder
    "ConvertTo-SecureString -AsPlainText -Force",
    'net use Z: \\\\srv\\share /persistent:yes',
    'net use Z: \\\\srv\\share * /user:CORP\\bob',                   # `*`: asks
    'net use Z: \\\\srv\\share %PW% /user:bob',                      # a variable
    'net use',
    'magnet use \\\\x\\y hunter2Secret!',                            # not the command
    'xnet use \\\\x\\y hunter2Secret!',
    'net use Z: \\\\srv\\share\nhunter2Secret!',                    # the next line
    "schtasks /Create /TN Backup /RU admin /RP /DELAY 0001:00",       # the next option
    "schtasks /Create /TN Backup /TR backup.cmd /SC DAILY /RU SYSTEM",
    "schtasks /Create /TN Backup /RU admin /RP *",
    'schtasks /Create /TN Backup /RU admin /RP "$PW"',
    "xfreerdp /v:10.1.2.3 /u:admin /cert:ignore",
    "xfreerdp /v:h /p:%RDP_PW%",
    "rdesktop -u admin -p - jump01",                                 # `-`: from stdin
    "the net use of it is low",
])
def test_kept(text: str) -> None:
    kept(text)


def test_the_first_word_after_the_share_is_the_password() -> None:
    # Options and the share are skipped, the first other word is judged and the walk
    # stops there: a second word is no password.
    found('net use Z: \\\\srv\\share /user:bob /persistent:no ' + PW + ' extra', PW)
    kept('net use Z: \\\\srv\\share $pw ' + PW)


def test_a_password_is_typed_not_code() -> None:
    # Parentheses in a password are characters, not a call (asked as a quoted value is).
    found("schtasks /Create /TN x /RU admin /RP Pa55(w0rd)", "Pa55(w0rd)")


def test_a_unc_host_starting_with_n_is_no_line_break() -> None:
    # `\\nas01`: the `n` after two backslashes starts a host name, not a JSON-escaped break.
    found(f"net use R: \\\\nas01\\backups {PW} /user:CORP\\svc", PW)
    found(json.dumps(f"net use R: \\\\nas01\\backups {PW} /user:CORP\\svc"), PW)
    kept(json.dumps("net use R: \\\\srv\\share\nhunter2Secret!"))


def test_a_commands_line_is_read_so_far_on() -> None:
    """`LINE_REACH` (1024) characters after the command: a long line holding the command
    many times costs a bounded look each time, not the rest of the line (quadratic)."""
    from cctrace.redact.detectors.windows_cli import LINE_REACH

    assert LINE_REACH == 1024
    # the line is read from the end of the match (the command and its argument) on
    near = 'ConvertTo-SecureString "Pw0rd!Secure1"' + " " * (LINE_REACH - 12) + "-AsPlainText"
    found(near, "Pw0rd!Secure1")
    kept(near.replace("-AsPlainText", " -AsPlainText"))       # one character too far
    share = "net use Z: \\\\srv\\share"
    rest = len(share) - len("net use") + len(" Pw0rd!Secure1")
    words = " /persistent:no" * ((LINE_REACH - rest) // 15)
    line = f"{share}{words} Pw0rd!Secure1"
    assert LINE_REACH - 15 < len(line) - len("net use") <= LINE_REACH
    found(line, "Pw0rd!Secure1")
    kept(f"{share}{words} /persistent:no Pw0rd!Secure1")         # past the reach


@pytest.mark.parametrize("text,value", [
    (f"net user svc_backup {PW} /add", PW),
    (f'C:\\> net user "Backup Svc" "{PW}" /add /domain', PW),
    (f"NET USER admin {PW}", PW),
])
def test_net_user_password(text: str, value: str) -> None:
    found(text, value)
    found(json.dumps(text), json.dumps(value)[1:-1])


@pytest.mark.parametrize("text", [
    "net user svc_backup /add",
    "net user svc_backup * /add",                 # asks for it
    "net user admin $pw",
    "net user alice",
    f"magnet user alice {PW}",
])
def test_net_user_without_a_password(text: str) -> None:
    kept(text)


@pytest.mark.parametrize("text", ["anet user alice Tr0ub4dor&3x", " xnet user alice Tr0ub4dor&3x"])
def test_net_inside_a_word(text: str) -> None:
    kept(text)
