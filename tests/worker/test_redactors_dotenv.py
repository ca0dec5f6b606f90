"""A project's `.envrc` and `.env.*` files teach the worker's redactor their secrets.

direnv's `.envrc` and dotenv's `.env.local` put a repository's secrets into the shell the
session runs in, so they show up in tool outputs (`env`, `printenv`, logs). A value that
only those files hold, with a name no detector keys on and a shape no detector takes, is
redacted only because the file was read: the control case (same text, file absent) shows
it kept, so each test fails if that file is skipped.
"""

from __future__ import annotations

import pytest

from cctrace.config import Config
from cctrace.worker import redactors
from support.absence import assert_absent

# Word-shaped on purpose: no detector takes it without the file (checked below).
VALUE = "plain-horse-staple-orbit"
TEXT = f"deploy finished; the shell had {VALUE} loaded\n"


def _redact(tmp_path, files: dict[str, str]) -> str:
    project = tmp_path / "project"
    project.mkdir()
    for name, body in files.items():
        (project / name).write_text(body)
    redactors._redactors.clear()
    cfg = Config(state_dir=str(tmp_path / "state"))
    return redactors.make_redactor(cfg, cwd=str(project)).redact_text(TEXT)


def test_without_the_file_the_value_is_kept(tmp_path) -> None:
    assert _redact(tmp_path, {}) == TEXT


@pytest.mark.parametrize("name, body", [
    (".envrc", "source_env_if_exists .envrc.private\nlayout python3\n"
               f"export DEPLOY_PASSWORD={VALUE}\n"),
    (".envrc", f"export DEPLOY_PASSWORD='{VALUE}'\n"),
    (".env.local", f"DEPLOY_PASSWORD={VALUE}\n"),
    (".env.production", f"DEPLOY_PASSWORD=\"{VALUE}\"  # prod\n"),
])
def test_a_value_only_in_that_file_is_redacted(tmp_path, name: str, body: str) -> None:
    out = _redact(tmp_path, {name: body})
    assert_absent(VALUE, out)
    assert out.startswith("deploy finished; the shell had [REDACTED:known_secret:")
    assert out.endswith("] loaded\n")


@pytest.mark.parametrize("name", [".env.example", ".envrc.sample", ".env.template", "envrc"])
def test_examples_and_other_names_are_not_read(tmp_path, name: str) -> None:
    assert _redact(tmp_path, {name: f"DEPLOY_PASSWORD={VALUE}\n"}) == TEXT
