"""JSON string literals, byte-for-byte as `json.dumps(s, ensure_ascii=False)` writes them.

The store, the audit digest and the exporter JSON-encode the same large strings (tool
outputs of hundreds of KB). CPython's C escaper walks them one code point at a time
(~260 MB/s); `json_string` finds out with a few whole-buffer C passes (`translate`,
`replace`) whether only the common escapes occur and then builds the identical literal
about 2-3x faster. Any string it is not sure about goes to the stdlib escaper itself.
A literal is also kept (by the string's identity) until it is asked for once more, so the
digest reuses what the store just wrote.
"""

from __future__ import annotations

import threading
from json.encoder import encode_basestring

# Below this length the stdlib escaper's fixed cost is lower than the passes here.
FAST_MIN = 2048
# Control characters json escapes as \\u00XX, \\b or \\f: their presence sends the string
# to the stdlib escaper. (\\t, \\n and \\r get their short escapes below.)
_RARE_CONTROLS = bytes(c for c in range(32) if c not in (9, 10, 13))


# The same string object is encoded by the store and then by the audit digest: literals
# are kept by identity (with the string itself, so its id stays its own) and handed out
# once more, then dropped, so what is kept is what is still to be reused (about one read
# slice at most); the budget bounds what is never asked for again.
RECENT_MAX_CHARS = 16 * 1024 * 1024
_recent: dict[int, tuple[str, str]] = {}
_recent_chars = 0
_lock = threading.Lock()


def json_string(s: str) -> str:
    """`json.dumps(s, ensure_ascii=False)` for a `str` (quotes included)."""
    global _recent_chars
    if len(s) < FAST_MIN or type(s) is not str:
        return encode_basestring(s)
    with _lock:
        hit = _recent.pop(id(s), None)
        if hit is not None:
            _recent_chars -= len(hit[0]) + len(hit[1])
            if hit[0] is s:
                return hit[1]
            # else: an older string that had this id
    out = _escape(s)
    size = len(s) + len(out)
    if size <= RECENT_MAX_CHARS // 4:
        with _lock:
            while _recent and _recent_chars + size > RECENT_MAX_CHARS:
                old, old_out = _recent.pop(next(iter(_recent)))
                _recent_chars -= len(old) + len(old_out)
            _recent[id(s)] = (s, out)
            _recent_chars += size
    return out


def _escape(s: str) -> str:
    # Control characters are single bytes in UTF-8 and never occur inside multi-byte
    # sequences, so deleting them from the encoded text counts them exactly.
    raw = s.encode("ascii") if s.isascii() else s.encode("utf-8", "surrogatepass")
    if len(raw.translate(None, _RARE_CONTROLS)) != len(raw):
        return encode_basestring(s)
    out = s
    # The backslash goes first: the later escapes add backslashes that must stay single.
    if "\\" in out:
        out = out.replace("\\", "\\\\")
    if '"' in out:
        out = out.replace('"', '\\"')
    if "\n" in out:
        out = out.replace("\n", "\\n")
    if "\r" in out:
        out = out.replace("\r", "\\r")
    if "\t" in out:
        out = out.replace("\t", "\\t")
    return '"' + out + '"'
