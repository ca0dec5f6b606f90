"""A store written before tombstones and row digests upgrades in place (schema v3)."""

from __future__ import annotations

from cctrace.store import schema
from cctrace.store.db import HookEvent, Store
from store.helpers import T0, turn


def test_an_old_store_upgrades_and_notes_its_legacy_rows(tmp_path, monkeypatch):
    path = str(tmp_path / "old.db")
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:2])
    with Store(path) as old:
        assert old.schema_version == 2
        old.insert_traces([turn("s1", "a", T0)])
        old.add_hook_events([HookEvent(7, T0, "s1", "Stop")])
    monkeypatch.undo()
    with Store(path) as store:
        assert store.schema_version == len(schema.MIGRATIONS) >= 3
        meta = {r["key"]: r["value"] for r in store._read("SELECT * FROM store_meta")}
        assert meta["legacy_rowid.traces"] == 1 and meta["legacy_rowid.hook_events"] == 7
        assert meta["legacy_rowid.observations"] >= 1 and meta["legacy_rowid.findings"] == 0
        assert store._read("SELECT COUNT(*) FROM tombstones")[0][0] == 0
        assert len(store.sessions()) == 1  # old rows still read
