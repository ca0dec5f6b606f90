"""Configuring cctrace in tests the way users do: `<state dir>/config.toml` (capture reads no
environment variables, so tests never configure through them)."""

from __future__ import annotations

import os
from pathlib import Path


def write_config(text: str, state: str | os.PathLike[str] | None = None) -> Path:
    root = Path(state or os.environ["CCTRACE_HOME"])
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = root / "config.toml"
    path.write_text(text)
    path.chmod(0o600)
    return path


def langfuse_toml(base_url: str, public_key: str, secret_key: str) -> str:
    return (f'[langfuse]\nbase_url = "{base_url}"\npublic_key = "{public_key}"\n'
            f'secret_key = "{secret_key}"\n')


def otlp_toml(endpoint: str) -> str:
    return f'[otlp]\nendpoint = "{endpoint}"\n'
