"""`detectors/env_command.py` alone, exactly: `ENV NAME value`, `setenv`, `set -gx` at a
line's start (a real or a JSON-escaped one), the name's secret word, and the value judged
as an env file's. A positive gives exactly one finding over exactly the value and leaves no
12-character piece of it; a negative gives none and comes back byte-identical."""

from __future__ import annotations

import json

import pytest

from support import alone as support_alone

# Random enough for a bare `key` (16 characters and more).
LONG = "k3J9xQ2mZ7vL5pW8rT1y"


def found(text: str, value: str) -> None:
    support_alone.found("env_command", "generic_secret", text, value)


def kept(text: str) -> None:
    support_alone.kept("env_command", text)


@pytest.mark.parametrize(("text", "value"), [
    ("ENV DB_PASSWORD hunter2Secret!\n", "hunter2Secret!"),   # a chosen password
    ("env DB_PASSWORD hunter2Secret!", None),   # a shell's `env` runs a command named so
    ("  ENV\tDB_PASSWORD   hunter2Secret!", "hunter2Secret!"),
    ('ENV DB_PASSWORD "hunter2 Secret!"', "hunter2 Secret!"),  # quoted: blanks inside
    ("ENV DB_PASSWORD 'hunter2Secret!' ", "hunter2Secret!"),
    ("setenv DB_PASS hunter2Secret!\n", "hunter2Secret!"),
    ("set -gx DB_PASSWORD hunter2Secret!", "hunter2Secret!"),
    ("set -g -x DB_PASSWORD hunter2Secret!", "hunter2Secret!"),
    ("ENV API_TOKEN tok_live_9f8s7d6f5g", "tok_live_9f8s7d6f5g"),
    (f"ENV API_KEY {LONG}", LONG),
    ("ENV API_KEY q8Zr2vLx7NwT", None),              # a bare key: 16 random characters
    (f"ENV API_KEY {LONG[:16]}", LONG[:16]),
    ("ENV API_KEY k3J9xQ2m!7vL5pW8", "k3J9xQ2m!7vL5pW8"),  # 16 with a `!`
    ("ENV DB_PASSWORD new_pass99", "new_pass99"),    # an env file's password
    ("ENV API_TOKEN new_pass99", "new_pass99"),      # an env file's value
    ("ENV DB_PASSWORD foo.bar.baz", None),           # a dotted name, unquoted
    ("\\nENV DB_PASSWORD hunter2Secret!", "hunter2Secret!"),  # an escaped break first
    ("ENV GPG_KEY 7169605F62C751356D054A26A821E680E5FA6305", None),  # a fingerprint
    ("ENV PYTHON_VERSION 3.12.1", None),             # no secret word
    ("ENV DB_PASSWORD_FILE /run/secrets/db", None),  # the name goes on past its word
    ("ENV PUBLIC_KEY " + LONG, None),                # a public qualifier
    ("ENV DB_PASSWORD ${DB_PASSWORD}", None),        # a reference
    ("ENV DB_PASSWORD changeme", None),              # a placeholder
    ("ENV SECRET_KEY_BASE dev_secret_key_base_value", None),  # words
    ("echo $x | env DB_PASSWORD hunter2Secret!", None),  # not the line's command
    ("RUN setenv DB_PASSWORD hunter2Secret!", None),
    ("the env DB_PASSWORD hunter2Secret!", None),
    ("my.env DB_PASSWORD hunter2Secret!", None),     # not a word of its own
    ("preset -x DB_PASSWORD hunter2Secret!", None),
])
def test_commands_that_assign_by_a_blank(text: str, value: str | None) -> None:
    if value is None:
        kept(text)
    else:
        found(text, value)


@pytest.mark.parametrize(("text", "value"), [
    ('{"out": "FROM alpine\\nENV DB_PASSWORD hunter2Secret!\\n"}', "hunter2Secret!"),
    ('{"out": "FROM alpine\\\\nENV DB_PASSWORD hunter2Secret!"}', "hunter2Secret!"),
    ('{"out": "echo\\nRUN ENV DB_PASSWORD hunter2Secret!"}', None),
    ("E\\nENV DB_PASSWORD hunter2Secret!", "hunter2Secret!"),   # escaped break near the start
])
def test_a_json_strings_escaped_line_break_starts_a_line(text: str, value: str | None) -> None:
    if value is None:
        kept(text)
    else:
        found(text, value)


@pytest.mark.parametrize(("text", "value"), [
    ('{"out": "FROM x\\nENV DB_PASSWORD \\"hunter 2Secret!\\"\\n"}', "hunter 2Secret!"),
    ('{"out": "FROM x\\nENV DB_PASSWORD \'hunter\\\\2Secret!\'"}', "hunter\\\\2Secret!"),
    ('ENV DB_PASSWORD "hunter\\2Secret!"', "hunter\\2Secret!"),   # a backslash inside quotes
])
def test_a_commands_value_quoted_in_a_json_string(text: str, value: str) -> None:
    found(text, value)


@pytest.mark.parametrize(("text", "value"), [
    ("setx DB_PASSWORD hunter2Secret!", "hunter2Secret!"),
    ('setx STRIPE_SECRET "x6MCacgJHlrOxB9vJMBz419QTISk" /M', "x6MCacgJHlrOxB9vJMBz419QTISk"),
    ("C:\\src> setx API_TOKEN tok_live_9f8s7d6f5g", "tok_live_9f8s7d6f5g"),
    ("PS C:\\Users\\bob> setx.exe DB_PASS hunter2Secret!", "hunter2Secret!"),
    ("x\nsetx DB_PASSWORD hunter2Secret!", "hunter2Secret!"),
    ('setx PATH "%PATH%;C:\\tools\\bin"', None),                 # no secret word
    ('setx JAVA_HOME "C:\\Program Files\\Java"', None),
    ("setx DB_PASSWORD %DB_PASSWORD%", None),                     # a variable
    ("run setx DB_PASSWORD hunter2Secret!", None),                # not at the line's start
    ("setx DB_PASSWORD_FILE C:\\secrets\\db.txt", None),
])
def test_setx(text: str, value: str | None) -> None:
    if value is None:
        kept(text)
    else:
        found(text, value)


def test_setx_in_a_json_string() -> None:
    found(json.dumps('setx STRIPE_SECRET "x6MCacgJHlrOxB9vJMBz419QTISk" /M'),
          "x6MCacgJHlrOxB9vJMBz419QTISk")


@pytest.mark.parametrize(("flags", "is_found"), [(8, True), (9, False)])
def test_set_takes_at_most_8_flags(flags: int, is_found: bool) -> None:
    """Bounded: `set -set -set ...` glued in one long line costs a bounded look per hit."""
    text = "set " + " ".join(["-g"] * flags) + " DB_PASSWORD hunter2Secret!"
    if is_found:
        found(text, "hunter2Secret!")
    else:
        kept(text)


@pytest.mark.parametrize(("text", "value"), [
    ("wp config set DB_PASSWORD 'hunter2Secret!'", "hunter2Secret!"),
    ("yarn config set npmAuthToken x6MCacgJHlrOxB9vJMBz419QTISk", "x6MCacgJHlrOxB9vJMBz419QTISk"),
    ("pnpm config set --location project API_TOKEN x6MCacgJHlrOxB9vJMBz419QTISk",
     "x6MCacgJHlrOxB9vJMBz419QTISk"),
    ('npx wp config set AUTH_KEY "x6MCacgJHlrOxB9vJMBz419QTISk" --type=constant',
     "x6MCacgJHlrOxB9vJMBz419QTISk"),
    ("wp config set DB_HOST db.internal", None),                # no secret word
    ("wp config set DB_PASSWORD $DB_PASSWORD", None),            # a variable
    ("yarn config set npmAuthTokenFile ~/.tok", None),
    ("git config set user.name Bob", None),
    ("wp configure set DB_PASSWORD hunter2Secret!", None),      # another command
])
def test_a_tools_config_set(text: str, value: str | None) -> None:
    if value is None:
        kept(text)
    else:
        found(text, value)


@pytest.mark.parametrize("text", [
    f'[Environment]::SetEnvironmentVariable("AZURE_DEVOPS_PAT", "{LONG}", "User")',
    f'Environment.SetEnvironmentVariable("API_TOKEN", "{LONG}");',
    f'os.Setenv("GITHUB_TOKEN", "{LONG}")',
    f"os.putenv('DB_PASSWORD', '{LONG}')",
    f'os.environ.setdefault("STRIPE_SECRET", "{LONG}")',
])
def test_a_call_setting_a_secret_named_variable(text: str) -> None:
    found(text, LONG)
    found(json.dumps(text), LONG)


@pytest.mark.parametrize("text", [
    f'[Environment]::SetEnvironmentVariable("PATH", "{LONG}", "User")',
    '[Environment]::SetEnvironmentVariable("API_TOKEN", "$token", "User")',
    'os.Setenv("API_TOKEN", "changeme")',
    f'os.environ.setdefault("TOKEN_FILE", "{LONG}")',
    'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings")',
])
def test_a_call_setting_another_variable_or_a_reference(text: str) -> None:
    kept(text)
