"""`detectors/substitution.py` alone, exactly: a `sed` substitution's replacement when its
pattern is a secret-named placeholder, or when the replacement is `NAME=value` with a
secret name. A positive gives exactly one finding over exactly the value; a negative none."""

from __future__ import annotations

import json

import pytest

from support import alone as support_alone

PW = "Quartz559Lantern%"
TOKEN = "GMm1WPmSNPG1bLx8Wz7Esnfxv4PCgYmlRlghyBlO"


def found(text: str, value: str) -> None:
    support_alone.found("substitution", "labelled_secret", text, value)


def kept(text: str) -> None:
    support_alone.kept("substitution", text)


@pytest.mark.parametrize("text,value", [
    (f"sed -i 's/__TOKEN__/{TOKEN}/g' config.yml", TOKEN),
    (f'sed -i "s/{{{{DB_PASSWORD}}}}/{PW}/" .env', PW),
    (f"sed -i -e 's|API_KEY=.*|API_KEY={TOKEN}|' .env", TOKEN),
    (f"sed -e 's/<api-key>/{TOKEN}/' template.json > app.json", TOKEN),
    (f"sed -i.bak 's#%SECRET%#{TOKEN}#' app.conf", TOKEN),
    (f"sed -i 's/password: .*/password: {PW}/' config.yml", PW),
    (f"sed -i '3s/@DB_PASS@/{PW}/' app.ini", PW),
])
def test_found(text: str, value: str) -> None:
    found(text, value)


def test_found_inside_a_json_string() -> None:
    found(json.dumps(f"sed -i 's/__TOKEN__/{TOKEN}/g' config.yml"), TOKEN)
    found(json.dumps(f'sed -i "s/__PASSWORD__/{PW}/" .env'), PW)


@pytest.mark.parametrize("text", [
    "sed -i 's/__VERSION__/1.4.2/g' package.json",        # the placeholder names no secret
    'sed -i "s/__TOKEN__/$TOKEN/g" config.yml',            # a reference
    "sed -i 's/__TOKEN__/\\1/g' config.yml",               # a back-reference
    f"sed -i 's/__HOST__/{TOKEN}/g' config.yml",           # the placeholder names no secret
    "sed -i 's/API_KEY=.*/API_KEY=/' .env",                # emptied
    "sed -i 's/__TOKEN__/hello-world/g' config.yml",       # a token must read as drawn
    f"it used s/__TOKEN__/{TOKEN}/ there",                 # no sed command
])
def test_kept(text: str) -> None:
    kept(text)


def test_the_placeholder_is_its_name_once_dressed_off() -> None:
    kept(f"sed -i 's/XTOKENX/{TOKEN}/' app.conf")          # letters run on: no name
