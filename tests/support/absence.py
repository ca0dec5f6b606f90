"""Asserting that a planted secret is gone: the secret and every 12-character piece of it.

A `[REDACTED:` marker in the output proves only that something was redacted; a partial leak
(the tail of a token left after a shorter match, a value cut in two by an escape) passes
such a check. These helpers look for the secret itself and for every window of `n`
characters of it, in any text the product produced: a redacted string, a JSON document,
the bytes sent on the wire, or every row of a SQLite store (`store_text`). They judge
against the value the test planted, never against what the redactor says it found.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from typing import Any

PIECE = 12
# The product's own markers name a type (`planetscale_oauth_token`), which can share 12
# characters with a token's fixed prefix (`pscale_oauth_`): they are not looked into.
MARKER = re.compile(r"\[(?:REDACTED|WITHHELD|TRUNCATED)[^\]\n]{0,120}\]")


def plant(root: Any, rel: str, content: str) -> None:
    """Write a planted file under `root` (a `Path`), its folders made as needed."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)


def pieces(secret: str, n: int = PIECE) -> list[str]:
    """The secret's windows of `n` characters (the secret itself when it is shorter)."""
    if len(secret) <= n:
        return [secret]
    return [secret[i:i + n] for i in range(len(secret) - n + 1)]


def _text(where: Any) -> str:
    if isinstance(where, str):
        text = where
    elif isinstance(where, (bytes, bytearray, memoryview)):
        text = bytes(where).decode("utf-8", "replace")
    else:
        text = json.dumps(where, ensure_ascii=False, default=str)
    return MARKER.sub("[]", text)


def leaks(secret: str, *where: Any, n: int = PIECE) -> list[str]:
    """The pieces of `secret` found in any of `where` (str, bytes, or JSON-able values)."""
    texts = [_text(w) for w in where]
    return [p for p in pieces(secret, n) if any(p in t for t in texts)]


def assert_absent(secrets: str | Iterable[str], *where: Any, n: int = PIECE) -> None:
    """Fail naming the first leaked piece when any piece of any secret is in `where`."""
    for secret in [secrets] if isinstance(secrets, str) else list(secrets):
        assert secret, "an empty secret proves nothing"
        found = leaks(secret, *where, n=n)
        assert not found, f"{len(found)} piece(s) of a planted secret left, first {found[0]!r}"


def store_text(db_path: str) -> str:
    """Every row of every table of a SQLite file, as text (blobs decoded as UTF-8)."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        out = []
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in con.execute(f'SELECT * FROM "{table}"'):
                out.extend(_text(v) if isinstance(v, (bytes, str)) else str(v) for v in row)
        return "\n".join(out)
    finally:
        con.close()


def state_store_text(state_dir: str) -> str:
    """Every row of a state dir's store as the product reads it: content columns decrypted
    (the store encrypts them at rest, so the file's bytes prove nothing about them), outbox
    payloads decrypted and un-gzipped."""
    import gzip

    from cctrace.store.db import Store

    out: list[str] = []
    with Store.open(state_dir) as store:
        tables = [r[0] for r in store._read(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in store._read(f'SELECT * FROM "{table}"'):
                for col, v in zip(row.keys(), row, strict=True):
                    if isinstance(v, str):
                        out.append(store._dec(v, f"{table}.{col}") or "")
                    elif isinstance(v, bytes):
                        data = v
                        if store.cipher is not None and table == "outbox":
                            data = store.cipher.decrypt_bytes(data, f"{table}.{col}")
                        if data[:2] == b"\x1f\x8b":
                            data = gzip.decompress(data)
                        out.append(data.decode("utf-8", "replace"))
                    elif v is not None:
                        out.append(str(v))
    return "\n".join(out)


def settled(state_dir: str, timeout: float = 60.0) -> None:
    """Wait until no worker holds the state dir: one still closing the store removes its
    WAL, so a file listed a moment earlier can vanish before it is read."""
    import time

    from cctrace.worker.lifecycle import is_worker_running

    deadline = time.monotonic() + timeout
    while is_worker_running(state_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not is_worker_running(state_dir), f"a worker still holds {state_dir}"
