"""JSON reading for the hook's hot path, built on the C accelerator `_json` alone.

`import json` costs ~6 ms (it pulls in `re` and `enum`), as much again as the interpreter's
own start-up; `_json` costs ~0.2 ms. Well-formed input never leaves C code here. On malformed
input `_json` itself imports `json.decoder` to build its error, which is acceptable: that is
the rare path. Every function returns None instead of raising.
"""

from __future__ import annotations

import _json

_WS = " \t\n\r"


class _Context:
    # The attributes `_json.make_scanner` reads; same defaults as `json.JSONDecoder`.
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = float  # NaN, Infinity, -Infinity


_scan = _json.make_scanner(_Context())
_scanstring = _json.scanstring


def _skip(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i] in _WS:
        i += 1
    return i


def loads(text: str) -> object | None:
    """The value of a whole JSON document, or None if it is not one."""
    try:
        value, end = _scan(text, _skip(text, 0))
    except Exception:  # noqa: BLE001 - StopIteration, ValueError, RecursionError...
        return None
    return value if _skip(text, end) == len(text) else None


def top_level_string(text: str, key: str) -> str | None:
    """The string value of `key` in the top-level object of `text`, parsing only as far as needed.

    Members before `key` are scanned (C speed), members after it are not looked at, so on
    Claude Code payloads, whose event name precedes any tool input or output, this reads a few
    hundred bytes. `text` may be a prefix of the document as long as the key comes first.
    """
    try:
        i = _skip(text, 0)
        if text[i] != "{":
            return None
        i += 1
        while True:
            i = _skip(text, i)
            if text[i] != '"':
                return None
            name, i = _scanstring(text, i + 1, True)
            i = _skip(text, i)
            if text[i] != ":":
                return None
            i = _skip(text, i + 1)
            if name == key:
                if text[i] != '"':
                    return None
                return _scanstring(text, i + 1, True)[0]
            _, i = _scan(text, i)
            i = _skip(text, i)
            if text[i] != ",":
                return None
            i += 1
    except Exception:  # noqa: BLE001 - IndexError at a cut prefix, decode errors, ...
        return None
