"""Findings: the `findings` table (rules, detectors and audit results about sessions).

`add_findings` stores `cctrace.findings.Finding`s idempotently by id (title and detail
encrypted at rest, severity ranked so "this severity or worse" is one comparison);
`findings` lists them newest first with session, severity and kind filters.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from cctrace.findings import SEVERITIES, Finding, normalize_tags
from cctrace.store.connection import Connection, dumps, loads


class Findings(Connection):
    """Writes and reads of `findings`."""

    def add_findings(self, findings: Sequence[Finding]) -> list[Finding]:
        """Store findings; ones whose id is already stored are ignored. Returns the new."""
        new: list[Finding] = []
        digests = self.row_digests["findings"] = {}
        with self._write() as conn:
            for f in findings:
                if f.severity not in SEVERITIES:
                    raise ValueError(f"finding {f.id}: unknown severity {f.severity!r}")
                plain = [f.id, f.kind, f.rule_id, f.severity, SEVERITIES.index(f.severity),
                         f.title, f.time_ns, f.session_id, f.trace_id, f.observation_id,
                         dumps(f.tags), dumps(f.detail), dumps(f.scores)]
                values = list(plain)
                values[5] = self._enc(f.title, "findings.title")
                values[11] = self._enc(plain[11], "findings.detail")
                cur = conn.execute(
                    "INSERT OR IGNORE INTO findings (id, kind, rule_id, severity, severity_rank,"
                    " title, time_ns, session_id, trace_id, observation_id, tags, detail, scores)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
                if cur.rowcount:
                    new.append(f)
                    digests[f.id] = self._digest_written(conn, "findings", "id", f.id, plain)
        return new

    def findings(
        self,
        session_id: str | None = None,
        severity: str | None = None,
        kind: str | None = None,
        limit: int | None = None,
    ) -> list[Finding]:
        """Findings, newest first; `severity` means that severity or worse."""
        sql = "SELECT * FROM findings WHERE 1 = 1"
        params: list[Any] = []
        if session_id is not None:
            sql += " AND session_id = ?"
            params.append(session_id)
        if severity is not None:
            if severity not in SEVERITIES:
                raise ValueError(f"unknown severity {severity!r} (one of {', '.join(SEVERITIES)})")
            sql += " AND severity_rank >= ?"
            params.append(SEVERITIES.index(severity))
        if kind is not None:
            sql += " AND kind = ?"
            params.append(kind)
        sql += " ORDER BY time_ns DESC, id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return [
            self.finding_from_row(r) for r in self._read(sql, params)
        ]

    def finding_from_row(self, r: sqlite3.Row) -> Finding:
        """A stored finding, its title and detail decrypted."""
        return Finding(
            id=r["id"], kind=r["kind"], rule_id=r["rule_id"], severity=r["severity"],
            title=self._dec(r["title"], "findings.title") or "", time_ns=r["time_ns"],
            session_id=r["session_id"], trace_id=r["trace_id"],
            # Stored before one tag style: shown in it (`normalize_tags`).
            observation_id=r["observation_id"], tags=normalize_tags(loads(r["tags"], [])),
            detail=loads(self._dec(r["detail"], "findings.detail"), {}),
            scores=loads(r["scores"], {}))
