"""Negative corpus: text that holds no secret but looks like it might.

The CPython standard library source of the running interpreter (read, not stored), plus
generated lockfile integrity hashes, git SHAs, UUIDs, base64 blobs and minified-JS-like text.
"""

from __future__ import annotations

import base64
import hashlib
import os
import random
import sysconfig
import uuid

_TEST_DIRS = ("test", "tests", "idle_test")


def stdlib_files(limit_bytes: int | None = None, skip_tests: bool = False) -> list[str]:
    """Paths of the stdlib's .py files (site-packages excluded), sorted, up to a size;
    `skip_tests`: without test suites (`test/`, `tests/`, `idle_test/`, `test_*.py`)."""
    root = sysconfig.get_paths()["stdlib"]
    out, total = [], 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("site-packages", "__pycache__")
                             and not (skip_tests and d in _TEST_DIRS))
        for name in sorted(filenames):
            if skip_tests and name.startswith("test_"):
                continue
            if name.endswith(".py"):
                path = os.path.join(dirpath, name)
                out.append(path)
                total += os.path.getsize(path)
                if limit_bytes and total >= limit_bytes:
                    return out
    return out


def generated(rng: random.Random, n: int = 2000) -> list[str]:
    """Lines of hashes, ids and blobs as they appear in lockfiles, logs and bundles."""
    lines = []
    for i in range(n):
        raw = bytes(rng.randrange(256) for _ in range(64))
        kind = i % 6
        if kind == 0:
            lines.append(f'  integrity: "sha512-{base64.b64encode(raw).decode()}"')
        elif kind == 1:
            lines.append(f'    --hash=sha256:{hashlib.sha256(raw).hexdigest()} \\')
        elif kind == 2:
            lines.append(f"commit {hashlib.sha1(raw).hexdigest()}  Merge branch 'main'")
        elif kind == 3:
            lines.append(f'{{"id": "{uuid.UUID(bytes=raw[:16])}", "ok": true}}')
        elif kind == 4:
            lines.append("data:image/png;base64," + base64.b64encode(raw * 3).decode())
        else:
            names = ["a", "b", "t", "e", "n", "r", "o", "i"]
            lines.append(
                ";".join(
                    f"var {rng.choice(names)}{j}=function(x){{return x.{rng.choice(names)}"
                    f"({j},'{hashlib.md5(raw[:j + 1]).hexdigest()[:12]}')}}"
                    for j in range(8)
                )
            )
    return lines
