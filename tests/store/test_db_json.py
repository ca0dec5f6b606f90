"""Stored content is the JSON text it always was: `_dumps` writes large strings through the
fast escaper, and the stored columns (decrypted) equal what `json.dumps` would have written."""

from __future__ import annotations

import json

import pytest

from cctrace.security.crypto import Cipher
from cctrace.store.connection import dumps as _dumps
from cctrace.store.db import Store
from store.helpers import turn

BIG = ('line "one" \\ tab\there\r\n' * 300) + "é€😀\u2028\x7f"


def reference(value):
    """`_dumps` as it was (kept verbatim)."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))


@pytest.mark.parametrize("value", [
    None, "", "short\n", BIG, BIG + "\ud800", "\x00" + BIG, {"k": BIG, "n": [1, 2.5, None]},
    [BIG], 3, 0.1,
])
def test_dumps_matches_json_dumps(value) -> None:
    assert _dumps(value) == reference(value)


def test_stored_columns_are_byte_identical_json(tmp_path) -> None:
    t = turn("s1", "a")
    tool = next(o for o in t.observations if o.type == "tool")
    tool.output = BIG
    tool.input = {"command": BIG[:3000]}
    with Store.open(str(tmp_path / "state")) as store:
        store.insert_traces([t])
        cipher: Cipher | None = store.cipher
        row = store._conn.execute(  # noqa: SLF001 - the raw stored column is the point
            "SELECT input, output FROM observations WHERE id = ?", (tool.id,)).fetchone()
        stored = [cipher.decrypt_text(v, f"observations.{c}") if cipher else v
                  for v, c in zip(row, ("input", "output"), strict=True)]
        assert stored == [reference(tool.input), reference(BIG)]
        (view,) = store.session_tree("s1")
        got = next(o for o in view.observations if o.id == tool.id)
        assert (got.input, got.output) == (tool.input, BIG)
