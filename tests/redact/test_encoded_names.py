"""Names that call a value a secret in ways the name gate missed: a personal access token
(`GITHUB_PAT`, `secrets/gh-pat`), `authkey` glued (`TS_AUTHKEY`), and a value stored encoded
under its secret's name (`API_KEY_B64`, `SigningKeyBase64`) (`redact/lone.py`,
`detectors/generic_assignment.py`, `detectors/secret_file.py`); `PATH`, `compat`,
`pattern` and references under such names stay.
"""

from __future__ import annotations

import base64

import pytest

from cctrace.redact.lone import names_secret
from support.absence import assert_absent

HEX = "7bc248719f9e7251072c9c7a7b366280"
B64 = base64.b64encode(b"figd_NeJfjp2GG1yVlvZjMzk1fRm2HCt64KFarpgwyuST").decode()


@pytest.mark.parametrize(("name", "word"), [
    ("GITHUB_PAT", "pat"), ("gh-pat", "pat"), ("TS_AUTHKEY", "key"), ("API_KEY_B64", "key"),
    ("SigningKeyBase64", "key"), ("COMPAT", ""), ("path", ""), ("pattern", ""),
    ("oauth", ""), ("b64", ""),
])
def test_names_secret(name: str, word: str) -> None:
    assert names_secret(name) == word


@pytest.mark.parametrize(("text", "secret"), [
    (f"$ cat secrets/gh-pat\n{HEX}\n", HEX),
    (f"$ echo $TS_AUTHKEY | base64\n{base64.b64encode(HEX.encode()).decode()}\n",
     base64.b64encode(HEX.encode()).decode()),
    (f"DOCKERHUB_TOKEN_B64={B64}\nBANNER_B64=V2VsY29tZSB0byBzdGFnaW5n\n", B64),
    (f'{{"Auth": {{"FigmaKeyBase64": "{B64}"}}}}\n', B64),
    (f'$ echo -n "$FIGMA_PAT" | base64\n{B64}\n', B64),
])
def test_values_under_those_names_are_redacted(redactor, text: str, secret: str) -> None:
    assert_absent(secret, redactor.redact_text(text))


@pytest.mark.parametrize("text", [
    "PATH=/usr/local/bin:/usr/bin:/bin\n",
    "PYTHON_COMPAT=py3k-compat-mode-2024\n",
    "pattern = \"[a-z]+_[0-9]{4,}\"\n",
    "BANNER_B64=V2VsY29tZSB0byBzdGFnaW5nIGVudmlyb25tZW50\n",
    "GITHUB_PAT=${{ secrets.GITHUB_PAT }}\n",
    "CREDENTIALS   vault:secret/data/prod/db#password\n",
    "/prod/api/credentials\tarn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db\n",
])
def test_look_alikes_stay(redactor, text: str) -> None:
    assert redactor.redact_text(text) == text
