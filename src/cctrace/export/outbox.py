"""The durable outbox: enqueue encoded batches, deliver them, retry or dead-letter.

Every batch is serialized OTLP bytes written to the store's outbox *before* any send, and is
marked delivered only on a 2xx, so a crash loses nothing and a confirmed batch is never sent
again (Langfuse turns a re-sent span into a duplicate observation). Delivery uses our own
small HTTP client (`cctrace.export.send`) rather than the stock `OTLPSpanExporter`, because
that exporter retries inside `export()`, silently drops a batch once its own timeout passes,
and reports only success/failure: it cannot tell a retryable failure (429, 5xx, timeout,
refused or reset connection) from a permanent one (other 4xx), which is exactly what the
outbox needs to decide between "try again later" and "dead letter". Batches still waiting
are re-redacted when a value is learned later (`resweep_pending`); each is leased to one
sender at a time, and `flush` delivers what is due before a deadline.

Errors stored in the outbox or logged are short and pass through `destinations.scrub`, so a
header value (a key, a token) never reaches the database or a log.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from cctrace.config import Config
from cctrace.export.destinations import (
    LANGFUSE_SCORES,
    Destination,
    configured_names,
    destinations,
    safe_url,
    scrub,
)
from cctrace.export.encode import MAX_BYTES, MAX_SPANS, batches
from cctrace.export.send import (
    PROTOBUF,
    REASON_MAX,
    Outcome,
    Sender,
    backoff_ns,
)
from cctrace.export.spans import make_resource
from cctrace.model.types import Observation, Trace

log = logging.getLogger("cctrace.export")

# "Due at any time": lets flush() retry batches whose backoff would outlast its deadline.
EVERYTHING_DUE_NS = 2**62


class OutboxStore(Protocol):
    """The part of `cctrace.store` the outbox uses."""

    def enqueue_batch(
        self, destination: str, payload: bytes, span_ids: list[str], content_type: str = ...
    ) -> int: ...

    def due_batches(self, destination: str | None, now_ns: int, limit: int = ...) -> list[Any]: ...

    def mark_delivered(self, batch_id: int, status_code: int) -> None: ...

    def mark_retry(self, batch_id: int, error: str, next_attempt_ns: int) -> None: ...

    def dead_letter(self, batch_id: int, status_code: int | None, reason: str) -> None: ...

    def pending_count(self, destination: str | None = None) -> int: ...


# ---------------------------------------------------------------- enqueue


def enqueue(
    store: OutboxStore,
    pairs: list[tuple[Trace, list[Observation]]],
    config: Config,
    *,
    max_spans: int = MAX_SPANS,
    max_bytes: int = MAX_BYTES,
) -> int:
    """Encode the observations once and enqueue the batches for every active destination.

    Returns the number of outbox rows written; 0 when no destination is configured (the
    embedded, local-only mode) or there is nothing to send.
    """
    # A configured destination that cannot be used yet (a bad URL, a missing key) still gets
    # its batches: they wait in the outbox until the config is fixed.
    names = [n for n in configured_names(config) if n != LANGFUSE_SCORES]
    # After a store rebuild, spans the quarantined store had confirmed are not resent.
    from cctrace.store.recover import delivered_before_rebuild

    sent = delivered_before_rebuild(config.state_dir) if config.state_dir else frozenset()
    if sent:
        pairs = [(t, [o for o in obs if o.id not in sent]) for t, obs in pairs]
    pairs = [(t, obs) for t, obs in pairs if obs]
    if not names or not pairs:
        return 0
    resource = make_resource(config.environment, config.release)
    rows = 0
    for payload, span_ids in batches(pairs, resource, max_spans, max_bytes):
        for name in names:
            store.enqueue_batch(name, payload, span_ids, PROTOBUF)
            rows += 1
    return rows


# ---------------------------------------------------------------- re-redaction before sending


def resweep_pending(store: Any, sweep: Callable[[str], str], limit: int = 100_000
                    ) -> list[str]:
    """Pass every string of every batch still waiting in the outbox through `sweep` (the
    redactor's replacement of the secret values learned so far) and store the result, so
    a value learned after a batch was queued (turn 18 teaches what turn 10 said) is not
    sent in clear once the destination is back. Returns the span ids of the batches it
    rewrote (their stored rows hold the same content: the caller sweeps those too).

    A batch in flight (leased) is left as it is: its send has started.
    """
    changed: list[str] = []
    for batch in store.due_batches(None, EVERYTHING_DUE_NS, limit=limit):
        new = sweep_payload(batch.payload, batch.content_type, sweep)
        if new is not None and store.replace_payload(batch.id, new):
            changed.extend(str(i) for i in batch.span_ids)
    return changed


def sweep_payload(payload: bytes, content_type: str, sweep: Callable[[str], str]
                  ) -> bytes | None:
    """`payload` with `sweep` applied to each of its strings, or None if none changed
    (or it cannot be read: then it is sent as it was queued)."""
    if content_type.startswith("application/json"):
        try:
            doc = json.loads(payload)
        except ValueError:
            return None
        new_doc = _sweep_json(doc, sweep)
        return None if new_doc == doc else json.dumps(new_doc).encode()
    from google.protobuf.message import DecodeError
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
        ExportTraceServiceRequest,
    )

    try:
        req = ExportTraceServiceRequest.FromString(payload)
    except DecodeError:
        return None
    dirty = False

    def text(old: str) -> str:
        nonlocal dirty
        new = sweep(old)
        dirty = dirty or new != old
        return new

    def value(v: Any) -> None:
        kind = v.WhichOneof("value")
        if kind == "string_value":
            v.string_value = text(v.string_value)
        elif kind == "array_value":
            for item in v.array_value.values:
                value(item)
        elif kind == "kvlist_value":
            for kv in v.kvlist_value.values:
                value(kv.value)

    for rs in req.resource_spans:
        for ss in rs.scope_spans:
            for span in ss.spans:
                span.name = text(span.name)
                span.status.message = text(span.status.message)
                for kv in span.attributes:
                    value(kv.value)
                for event in span.events:
                    event.name = text(event.name)
                    for kv in event.attributes:
                        value(kv.value)
    return req.SerializeToString() if dirty else None


def _sweep_json(doc: Any, sweep: Callable[[str], str]) -> Any:
    if isinstance(doc, str):
        return sweep(doc)
    if isinstance(doc, list):
        return [_sweep_json(v, sweep) for v in doc]
    if isinstance(doc, dict):
        return {k: _sweep_json(v, sweep) for k, v in doc.items()}
    return doc


# ---------------------------------------------------------------- delivery


@dataclass
class DeliveryReport:
    """What one `deliver_due` pass did."""

    delivered: int = 0
    retried: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.delivered + self.retried + self.dead


# A lease outlives the request's timeout by this much, then another sender may take over.
LEASE_SLACK_S = 30.0


def _pid_namespace() -> str:
    """This process's host and pid namespace: pids are comparable only within one."""
    import socket

    try:
        ns = str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        ns = "-"
    return f"{socket.gethostname()}:{ns}"


_NAMESPACE = _pid_namespace()
_OWNER = f"{os.getpid()}-{os.urandom(4).hex()}@{_NAMESPACE}"


def owner_is_dead(owner: str, *, namespace: str = _NAMESPACE, me: str | None = None) -> bool:
    """True only when the sender that took a lease is certainly gone.

    A SIGKILLed worker's lease would otherwise block its batch for the request timeout plus
    `LEASE_SLACK_S`. Leases from another host or pid namespace (a state dir shared between
    containers), unknown formats and pids that exist (or were reused) count as alive.
    """
    me = _OWNER if me is None else me
    pid_text, sep, rest = owner.partition("-")
    _, at, owner_ns = rest.partition("@")
    if not sep or not at or owner_ns != namespace or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return owner != me  # an earlier process with our pid: it cannot still run
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _claim(store: OutboxStore, batch_id: int, until_ns: int) -> bool:
    claim = getattr(store, "claim", None)
    if claim is None:
        return True
    if claim(batch_id, _OWNER, until_ns):
        return True
    lease_owner = getattr(store, "lease_owner", None)
    break_lease = getattr(store, "break_lease", None)
    if lease_owner is None or break_lease is None:
        return False
    holder = lease_owner(batch_id)
    if holder and owner_is_dead(holder) and break_lease(batch_id, holder):
        log.info("outbox batch %s: lease of a dead sender taken over", batch_id)
        return bool(claim(batch_id, _OWNER, until_ns))
    return False


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else deadline - time.monotonic()


def _apply(
    store: OutboxStore,
    dest: Destination,
    batch: Any,
    outcome: Outcome,
    report: DeliveryReport,
    rand: Callable[[], float],
) -> None:
    reason = scrub(outcome.reason, dest)[:REASON_MAX]
    if outcome.kind == "delivered":
        store.mark_delivered(batch.id, int(outcome.status or 200))
        report.delivered += 1
        log.debug("outbox batch %s delivered to %s", batch.id, dest.name)
    elif outcome.kind == "dead":
        store.dead_letter(batch.id, outcome.status, reason)
        report.dead += 1
        report.errors.append(f"{dest.name}: {reason}")
        log.warning("outbox batch %s dead-lettered for %s: %s", batch.id, dest.name, reason)
    else:
        delay = backoff_ns(int(batch.attempts), outcome.retry_after_s, rand())
        store.mark_retry(batch.id, reason, time.time_ns() + delay)
        report.retried += 1
        report.errors.append(f"{dest.name}: {reason}")
        log.info("outbox batch %s for %s will be retried: %s", batch.id, dest.name, reason)


def deliver_due(
    store: OutboxStore,
    config: Config,
    now_ns: int | None = None,
    deadline: float | None = None,
    *,
    sender: Sender | None = None,
    limit: int = 50,
    rand: Callable[[], float] = random.random,
) -> DeliveryReport:
    """Send every batch due at `now_ns` once, for each configured destination.

    The first retryable failure ends the pass for that destination (the other batches stay
    due), so a server that is down costs one request per pass, not one timeout per batch.

    `deadline` is a `time.monotonic()` value after which no new request starts. Batches of
    a destination that is no longer configured are left pending, never dropped.
    """
    now = time.time_ns() if now_ns is None else now_ns
    report = DeliveryReport()
    own = sender is None
    sender = sender or Sender()
    reached: dict[str, str] = {}
    try:
        for dest in destinations(config):
            before = report.delivered
            seen: set[int] = set()
            while True:
                remaining = _remaining(deadline)
                if remaining is not None and remaining <= 0:
                    return report
                # Already-tried batches may still be "due" (flush queries with a far-future
                # now), so over-fetch by the number seen and skip them.
                due = [
                    b
                    for b in store.due_batches(dest.name, now, limit=limit + len(seen))
                    if b.id not in seen
                ]
                if not due:
                    break
                outcome = None
                for batch in due:
                    remaining = _remaining(deadline)
                    if remaining is not None and remaining <= 0:
                        return report
                    seen.add(batch.id)
                    timeout = dest.timeout if remaining is None else min(dest.timeout, remaining)
                    lease_until = time.time_ns() + int((timeout + LEASE_SLACK_S) * 1e9)
                    if not _claim(store, batch.id, lease_until):
                        continue  # another sender (worker or flush) has it in flight
                    outcome = sender.send(dest, batch.payload, batch.content_type, timeout)
                    _apply(store, dest, batch, outcome, report, rand)
                    if report.delivered > before:
                        reached[dest.name] = safe_url(dest.url)
                    if outcome.kind == "retry":
                        break
                if outcome is not None and outcome.kind == "retry":
                    # The destination is down or throttling: one probe per pass is enough;
                    # sending the rest would only stack up timeouts. They stay due.
                    break
    finally:
        if own:
            sender.close()
        if reached and getattr(config, "state_dir", None):
            note_delivered(config.state_dir, reached)
    return report


LAST_DELIVERY = "last-delivery.json"


def note_delivered(state_dir: str, reached: dict[str, str]) -> None:
    """Record where each destination last delivered (`safe_url`, no credentials), so
    `cctrace doctor` can tell a delivery to the configured URL from one elsewhere."""
    path = os.path.join(state_dir, LAST_DELIVERY)
    doc = last_deliveries(state_dir)
    now = time.time_ns()
    for name, url in reached.items():
        doc[name] = {"url": url, "ns": now}
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(doc, fh)
        os.replace(tmp, path)
    except OSError:
        pass  # bookkeeping for doctor only; the delivery itself is recorded in the store


def last_deliveries(state_dir: str) -> dict[str, dict[str, Any]]:
    """{destination name: {"url": ..., "ns": ...}} as `note_delivered` left it."""
    try:
        with open(os.path.join(state_dir, LAST_DELIVERY), encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, ValueError):
        return {}
    if not isinstance(doc, dict):
        return {}
    return {k: v for k, v in doc.items() if isinstance(v, dict)
            and isinstance(v.get("url"), str) and isinstance(v.get("ns"), int)}


@dataclass
class FlushResult:
    """Outcome of `flush`: counts during the flush and what is still pending after it."""

    delivered: int = 0
    dead: int = 0
    retried: int = 0
    pending: int = 0  # still pending for configured destinations
    orphaned: int = 0  # pending for destinations that are no longer configured
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.pending == 0 and self.dead == 0


def flush(
    store: OutboxStore,
    config: Config,
    timeout: float,
    *,
    pause: float = 0.25,
    max_pause: float = 5.0,
    sender: Sender | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> FlushResult:
    """Deliver until nothing is pending for the configured destinations or `timeout` passes.

    Backoff times are ignored: every pending batch is tried each round, with a short pause
    (doubling up to `max_pause`) between rounds that made no progress, so the wait stays
    within the deadline instead of waiting out a backoff that would exceed it.
    """
    deadline = time.monotonic() + max(0.0, timeout)
    result = FlushResult()
    names = [d.name for d in destinations(config)]
    own = sender is None
    sender = sender or Sender()
    wait = pause
    try:
        while True:
            pending = sum(store.pending_count(n) for n in names)
            remaining = deadline - time.monotonic()
            if pending == 0 or remaining <= 0:
                break
            report = deliver_due(store, config, EVERYTHING_DUE_NS, deadline, sender=sender)
            result.delivered += report.delivered
            result.dead += report.dead
            result.retried += report.retried
            result.errors = (result.errors + report.errors)[-20:]
            if not report.delivered and not report.dead:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    continue
                sleep(min(wait, remaining))
                wait = min(wait * 2, max_pause)
            else:
                wait = pause
    finally:
        if own:
            sender.close()
    result.pending = sum(store.pending_count(n) for n in names)
    result.orphaned = max(0, store.pending_count(None) - result.pending)
    return result
