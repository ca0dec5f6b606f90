"""Erasure: delete chosen traces locally and in Langfuse, and say what went where.

`select` picks traces by session (id or unique prefix, also a session the store knows
without a trace of it), by end time or by project folder; `purge` deletes them from the
store (`Store.purge_traces`: observations, findings, undelivered batches, emptied sessions;
freed pages zeroed) and, for a session or project erased as a whole, everything else that
names the session (`Store.purge_sessions`: hook events, cost counts, fork relations,
cursors); `delete_remote` asks Langfuse
to delete the same trace ids (`DELETE /api/public/traces` with `{"traceIds": [...]}`, at
most 1,000 per request, 429 answered by waiting `Retry-After`, no redirects followed) and
an erased session's session scores (`DELETE /api/public/scores/{id}`). Trace
ids are the OTLP trace ids cctrace sent, which are Langfuse's trace ids. A plain OTLP
collector has no delete API: the report says so instead of pretending.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from cctrace.config import Config
from cctrace.export.destinations import safe_url, scrub
from cctrace.export.send import describe_exception, parse_retry_after
from cctrace.security.transport import URLError, validate_url

DELETE_PATH = "/api/public/traces"
SCORES_PATH = "/api/public/scores"
BATCH = 1000
MAX_ATTEMPTS = 6
RETRY_CAP_S = 120.0


@dataclass
class Selection:
    trace_ids: list[str]
    session_ids: list[str]


def select(
    store: Any,
    session: str | None = None,
    before_ns: int | None = None,
    project: str | None = None,
) -> Selection:
    """The traces matching every given filter (a session id prefix must be unique)."""
    session_ids = None
    if session is not None:
        full = store.known_session(session)
        if full is None:
            return Selection([], [])
        session_ids = [full]
    pairs = store.select_traces(session_ids, before_ns, project)
    sessions = {s for _, s in pairs}
    if session_ids and before_ns is None and project is None:
        sessions |= set(session_ids)  # the session itself, with traces or without
    return Selection([t for t, _ in pairs], sorted(sessions))


@dataclass
class RemoteReport:
    destination: str
    supported: bool = True
    deleted: int = 0  # trace ids Langfuse accepted for deletion
    failed: int = 0
    scores: int = 0  # session scores deleted (or found already gone)
    requests: int = 0
    errors: list[str] = field(default_factory=list)


def _auth(cfg: Config) -> dict[str, str]:
    token = base64.b64encode(
        f"{cfg.langfuse_public_key or ''}:{cfg.langfuse_secret_key or ''}".encode()).decode()
    return {"Authorization": f"Basic {token}", "Content-Type": "application/json"}


def delete_remote(
    cfg: Config,
    trace_ids: Sequence[str],
    *,
    session: Any | None = None,
    sleep: Callable[[float], None] = time.sleep,
    timeout: float = 30.0,
    batch: int = BATCH,
    score_ids: Sequence[str] = (),
) -> list[RemoteReport]:
    """Delete `trace_ids` at every configured destination that can delete, and in
    Langfuse the scores `score_ids` (`DELETE /api/public/scores/{id}`, one a request: the
    session scores of erased sessions' findings, which no trace deletion takes; an id
    Langfuse does not know, 404, was never sent or is gone already)."""

    out: list[RemoteReport] = []
    if cfg.otlp_enabled:
        out.append(RemoteReport("otlp", supported=False, errors=[
            "an OTLP collector has no delete API: erase there by its own means"]))
    if not cfg.langfuse_enabled or not (trace_ids or score_ids):
        if cfg.langfuse_enabled:
            out.insert(0, RemoteReport("langfuse"))
        return out
    report = RemoteReport("langfuse")
    out.insert(0, report)
    from cctrace.export.destinations import proxy_url

    try:
        url = str(validate_url(cfg.langfuse_base_url or "")).rstrip("/") + DELETE_PATH
        proxy = proxy_url(cfg)
    except URLError as exc:
        report.failed = len(trace_ids) + len(score_ids)
        report.errors.append(f"not sent: {exc}")
        return out
    headers = _auth(cfg)
    secrets = [v for v in (cfg.langfuse_secret_key, cfg.langfuse_public_key,
                           headers["Authorization"].split()[1]) if v]
    own = session is None
    if own:
        from cctrace.export.send import http_session

        session = http_session(proxy)
    http = session
    verify: bool | str = True
    bundle = cfg.section("langfuse").get("ca_bundle")
    if isinstance(bundle, str) and bundle.strip():
        verify = bundle.strip()
    ids = list(dict.fromkeys(trace_ids))
    try:
        for i in range(0, len(ids), batch):
            chunk = ids[i:i + batch]
            ok, error = _send(http, url, headers, json.dumps({"traceIds": chunk}), verify,
                              timeout, sleep, report)
            if ok:
                report.deleted += len(chunk)
            else:
                report.failed += len(chunk)
                report.errors.append(_scrub(error, secrets))
        scores_url = url[:-len(DELETE_PATH)] + SCORES_PATH
        for score_id in dict.fromkeys(score_ids):
            ok, error = _send(http, f"{scores_url}/{quote(score_id, safe='')}", headers, None,
                              verify, timeout, sleep, report, missing_ok=True)
            if ok:
                report.scores += 1
            else:
                report.failed += 1
                report.errors.append(_scrub(error, secrets))
    finally:
        if own:
            http.close()
    return out


def _scrub(text: str, secrets: Sequence[str]) -> str:
    for s in sorted(secrets, key=len, reverse=True):
        if len(s) >= 4:
            text = text.replace(s, "[REDACTED]")
    return text


def _send(http: Any, url: str, headers: dict[str, str], body: str | None,
          verify: bool | str, timeout: float, sleep: Callable[[float], None],
          report: RemoteReport, missing_ok: bool = False) -> tuple[bool, str]:
    import requests

    error = ""
    for attempt in range(MAX_ATTEMPTS):
        report.requests += 1
        try:
            resp = http.request("DELETE", url, data=body, headers=headers, timeout=timeout,
                                allow_redirects=False, verify=verify)
        except requests.exceptions.TooManyRedirects as exc:
            # Our session has max_redirects = 0, so requests raises on any 3xx answer even
            # though it follows none: a redirect, final like the status check below.
            code = getattr(exc.response, "status_code", None) or "3xx"
            return False, f"HTTP {code} from {safe_url(url)}: redirect not followed"
        except requests.exceptions.RequestException as exc:
            error = describe_exception(exc)
            sleep(min(RETRY_CAP_S, 2.0 ** attempt))
            continue
        if 200 <= resp.status_code < 300 or (missing_ok and resp.status_code == 404):
            return True, ""
        error = f"HTTP {resp.status_code} from {safe_url(url)}"
        if 300 <= resp.status_code < 400:
            return False, error + ": redirect not followed"
        if resp.status_code == 429 or resp.status_code >= 500:
            wait = parse_retry_after(resp.headers.get("Retry-After"), time.time())
            sleep(min(RETRY_CAP_S, wait if wait is not None else 2.0 ** attempt))
            continue
        return False, error + ": " + " ".join((resp.text or "").split())[:200]
    return False, error or "gave up"


def session_score_ids(store: Any, session_ids: Sequence[str]) -> list[str]:
    """The Langfuse score ids of the sessions' session-level findings (those about no
    trace, exported with `sessionId`), as `findings.export.score_bodies` names them."""
    from cctrace.findings.export import score_bodies

    return [body["id"] for sid in session_ids for f in store.findings(session_id=sid)
            if not f.trace_id for body in score_bodies(f)]


@dataclass
class PurgeResult:
    selection: Selection
    local: dict[str, int] = field(default_factory=dict)
    remote: list[RemoteReport] = field(default_factory=list)
    dry_run: bool = False
    tombstones: list[Any] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "traces": len(self.selection.trace_ids),
            "sessions": self.selection.session_ids,
            "local": self.local,
            "remote": [r.__dict__ for r in self.remote],
        }


def purge(
    store: Any, cfg: Config, selection: Selection, *, local_only: bool = False,
    dry_run: bool = False, sleep: Callable[[float], None] = time.sleep,
    whole_sessions: Sequence[str] = (), reason: str = "purge",
) -> PurgeResult:
    """Remote first, then local: a failed remote delete keeps the ids on record locally,
    so running the same purge again retries it. Each deleted trace, and each session of
    `whole_sessions` (a purge by session or project), leaves a tombstone
    (`cctrace.store.tombstones`) so nothing brings it back."""
    result = PurgeResult(selection, dry_run=dry_run)
    if dry_run or not (selection.trace_ids or whole_sessions):
        return result
    if not local_only:
        scores = session_score_ids(store, whole_sessions) if cfg.langfuse_enabled else []
        result.remote = delete_remote(cfg, selection.trace_ids, sleep=sleep,
                                      score_ids=scores)
        if any(r.failed for r in result.remote):
            return result
    from cctrace.store import tombstones

    subjects = [tombstones.TRACE + t for t in selection.trace_ids]
    subjects += [tombstones.SESSION + s for s in whole_sessions]
    result.tombstones = tombstones.add(store, subjects, reason)
    result.local = store.purge_traces(selection.trace_ids)
    # A session erased as a whole: what names it without a trace (a session with no
    # trace at all has only this).
    rest = store.purge_sessions(whole_sessions)
    for name, n in rest.items():
        result.local[name] = result.local.get(name, 0) + n
    result.local["tombstones"] = len(result.tombstones)
    return result


__all__ = ["PurgeResult", "RemoteReport", "Selection", "delete_remote", "purge", "scrub",
           "select"]
