"""Ids are deterministic, well-formed, and distinct per kind and key."""

from __future__ import annotations

import re

from cctrace.model import ids


def test_trace_id_shape_and_stability():
    a = ids.trace_id("0b7c9f1e-uuid")
    assert re.fullmatch(r"[0-9a-f]{32}", a)
    assert a == ids.trace_id("0b7c9f1e-uuid")
    assert a != ids.trace_id("other-uuid")


def test_span_id_depends_on_kind_and_key():
    assert re.fullmatch(r"[0-9a-f]{16}", ids.span_id("tool", "toolu_1"))
    assert ids.span_id("tool", "x") != ids.span_id("generation", "x")
    assert ids.span_id("tool", "x") == ids.span_id("tool", "x")
