"""Exact behaviour of `security/purge.py`: what is asked of Langfuse, how failures are
reported (and scrubbed of the keys), the retry schedule, and what a purge keeps locally.

Real loopback HTTP (`support.otlp_receiver`), a real store. Run first by
`bench/mutation.py -m security.purge`.
"""

from __future__ import annotations

import base64
import json
import os
import sys

import pytest
import requests

from cctrace.config import Config
from cctrace.security import purge
from cctrace.store.db import Store
from support.absence import assert_absent
from support.otlp_receiver import Fault, OTLPReceiver

sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))
from store.helpers import SEC, T0, turn  # noqa: E402

PK, SK = "pk-lf-public-0001", "sk-lf-secret-value-0001"
BASIC = base64.b64encode(f"{PK}:{SK}".encode()).decode()
IDS = [f"{i:032x}" for i in range(3)]


def _cfg(tmp_path, base_url: str, **raw) -> Config:
    return Config(state_dir=str(tmp_path), langfuse_base_url=base_url,
                  langfuse_public_key=PK, langfuse_secret_key=SK, raw=raw)


def _run(tmp_path, faults=(), ids=IDS, **kw):
    slept: list[float] = []
    with OTLPReceiver() as recv:
        recv.push_faults(list(faults))
        reports = purge.delete_remote(_cfg(tmp_path, recv.base_url), ids,
                                      sleep=slept.append, **kw)
        return reports, recv.deletes(), slept, recv.base_url


def test_the_request_is_exactly_langfuses_delete(tmp_path):
    (report,), reqs, slept, _ = _run(tmp_path, ids=[IDS[0], IDS[1], IDS[0]])
    (req,) = reqs
    assert (req.method, req.path) == ("DELETE", "/api/public/traces")
    assert json.loads(req.body) == {"traceIds": [IDS[0], IDS[1]]}  # duplicates once
    assert req.headers["authorization"] == f"Basic {BASIC}"
    assert req.headers["content-type"] == "application/json"
    assert report.__dict__ == {"destination": "langfuse", "supported": True, "deleted": 2,
                               "failed": 0, "scores": 0, "requests": 1, "errors": []}
    assert slept == []


def test_batches_split_at_exactly_the_batch_size(tmp_path):
    ids = [f"{i:032x}" for i in range(4)]
    (report,), reqs, _, _ = _run(tmp_path, ids=ids, batch=2)
    assert [json.loads(r.body)["traceIds"] for r in reqs] == [ids[:2], ids[2:]]
    assert (report.deleted, report.requests) == (4, 2)
    assert purge.BATCH == 1000


def test_a_redirect_is_not_followed_and_not_retried(tmp_path):
    # Before the fix, requests' TooManyRedirects (our session allows 0 redirects, so any 3xx
    # raises) was taken for a transport error: six attempts over 63 s of back-off, then
    # "TooManyRedirects" as the reason.
    (report,), reqs, slept, base = _run(tmp_path, [Fault(302, {"Location": "http://x.test/"})])
    assert len(reqs) == 1 and slept == []
    assert report.__dict__ == {"destination": "langfuse", "supported": True, "deleted": 0,
                               "failed": 3, "scores": 0, "requests": 1, "errors": [
                                   f"HTTP 302 from {base}/api/public/traces: redirect not"
                                   " followed"]}


def test_a_client_error_quotes_the_body_without_the_keys(tmp_path):
    body = f"bad   key {SK}\n for {PK} (basic {BASIC}) " + "x" * 300
    (report,), reqs, slept, base = _run(tmp_path, [Fault(401, body=body.encode())])
    assert len(reqs) == 1 and slept == []
    text = " ".join(body.split())[:200]
    text = text.replace(BASIC, "[REDACTED]").replace(SK, "[REDACTED]").replace(PK, "[REDACTED]")
    assert report.errors == [f"HTTP 401 from {base}/api/public/traces: {text}"]
    assert_absent([SK, BASIC], report.errors)
    assert (report.failed, report.deleted, report.requests) == (3, 0, 1)
    # 399 is no redirect range end: 400 is a client error, not retried.
    (report,), reqs, slept, _ = _run(tmp_path, [Fault(400, body=b"no")])
    assert (len(reqs), slept, report.errors[0].endswith(": no")) == (1, [], True)


def test_server_errors_and_429_are_retried_with_backoff_and_retry_after(tmp_path):
    (report,), reqs, slept, _ = _run(tmp_path, [500, Fault(503, {"Retry-After": "7"}),
                                                Fault(429, {"Retry-After": "999"}), 502])
    assert len(reqs) == 5 and report.deleted == 3 and report.failed == 0
    # 2**0 for the first, Retry-After 7, 999 capped at 120, 2**3 for the fourth.
    assert slept == [1.0, 7.0, 120.0, 8.0]
    assert report.requests == 5 and report.errors == []


def test_giving_up_after_six_attempts(tmp_path):
    (report,), reqs, slept, base = _run(tmp_path, [500] * 6)
    assert len(reqs) == 6 and slept == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
    assert report.errors == [f"HTTP 500 from {base}/api/public/traces"]
    assert (report.failed, report.requests) == (3, 6)
    # The attempts are per batch: a batch after a failed one starts again.
    (report,), reqs, slept, _ = _run(tmp_path, [500] * 6, ids=[f"{i:032x}" for i in range(2)],
                                     batch=1)
    assert (report.deleted, report.failed, report.requests) == (1, 1, 7)


def test_connection_errors_are_retried_then_described_without_the_url(tmp_path):
    slept: list[float] = []
    cfg = _cfg(tmp_path, "http://127.0.0.1:9")
    (report,) = purge.delete_remote(cfg, IDS, sleep=slept.append, timeout=2)
    assert slept == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
    assert report.requests == 6 and report.failed == 3
    assert report.errors == ["ConnectionError: Connection refused"]
    assert purge.MAX_ATTEMPTS == 6 and purge.RETRY_CAP_S == 120.0


def test_a_refused_url_is_not_sent(tmp_path):
    cfg = _cfg(tmp_path, "http://langfuse.example.com")  # plain HTTP off loopback
    (report,) = purge.delete_remote(cfg, IDS, sleep=lambda s: None)
    assert (report.failed, report.requests, report.deleted) == (3, 0, 0)
    assert len(report.errors) == 1 and report.errors[0].startswith("not sent: ")


def test_destinations_listed_in_order(tmp_path):
    otlp = Config(state_dir=str(tmp_path), otlp_endpoint="http://127.0.0.1:9/v1/traces")
    (o,) = purge.delete_remote(otlp, IDS)
    assert o.__dict__ == {"destination": "otlp", "supported": False, "deleted": 0,
                          "failed": 0, "scores": 0, "requests": 0, "errors": [
                              "an OTLP collector has no delete API: erase there by its own"
                              " means"]}
    both = Config(state_dir=str(tmp_path), otlp_endpoint="http://127.0.0.1:9/v1/traces",
                  langfuse_base_url="http://127.0.0.1:9", langfuse_public_key=PK,
                  langfuse_secret_key=SK)
    reports = purge.delete_remote(both, [])
    assert [(r.destination, r.requests) for r in reports] == [("langfuse", 0), ("otlp", 0)]
    assert purge.delete_remote(Config(state_dir=str(tmp_path)), IDS) == []


def test_the_ca_bundle_is_what_requests_verifies_with(tmp_path):
    seen: list[object] = []

    class Recording(requests.Session):
        def request(self, method, url, **kw):  # type: ignore[override]
            seen.append(kw["verify"])
            assert kw["allow_redirects"] is False and kw["timeout"] == 3.0
            return super().request(method, url, **kw)

    with OTLPReceiver() as recv:
        for raw, want in (({"langfuse": {"ca_bundle": " /etc/ca.pem "}}, "/etc/ca.pem"),
                          ({"langfuse": {"ca_bundle": "  "}}, True), ({}, True)):
            cfg = _cfg(tmp_path, recv.base_url, **raw)
            with Recording() as s:
                purge.delete_remote(cfg, IDS[:1], session=s, sleep=lambda x: None, timeout=3.0)
            assert seen[-1] == want


def test_scrub_replaces_longest_first_and_skips_short_values():
    assert purge._scrub("abcdef abcd abc", ["abcd", "abcdef", "abc"]) == (
        "[REDACTED] [REDACTED] abc")


def _store(tmp_path) -> Store:
    store = Store(str(tmp_path / "db.sqlite"))
    store.insert_traces([turn("s-old", "a", T0), turn("s-old", "b", T0 + 60 * SEC)])
    return store


def test_purge_dry_run_empty_and_local_only(tmp_path):
    store = _store(tmp_path)
    sel = purge.select(store, session="s-old")
    with OTLPReceiver() as recv:
        cfg = _cfg(tmp_path, recv.base_url)
        dry = purge.purge(store, cfg, sel, dry_run=True)
        assert dry.to_dict() == {"dry_run": True, "traces": 2, "sessions": ["s-old"],
                                 "local": {}, "remote": []}
        empty = purge.purge(store, cfg, purge.Selection([], []))
        assert (empty.local, empty.remote, empty.tombstones) == ({}, [], [])
        assert recv.deletes() == []
        local = purge.purge(store, cfg, sel, local_only=True, whole_sessions=["s-old"])
        assert recv.deletes() == [] and local.remote == []
    # Two turns of three observations each, the session's row; nothing else named it.
    assert local.local == {"traces": 2, "observations": 6, "outbox": 0, "findings": 0,
                           "sessions": 1, "hook_events": 0, "cost_states": 0,
                           "session_forks": 0, "cursors": 0, "tombstones": 3}
    assert len(local.tombstones) == 3
    assert {t.reason for t in local.tombstones} == {"purge"}
    assert sorted(t.subject for t in local.tombstones)[0] == "session:s-old"
    assert purge.select(store, session="s-old").trace_ids == []
    assert purge.select(store, session="nope").__dict__ == {"trace_ids": [], "session_ids": []}


def test_a_redirect_through_a_session_that_allows_redirects_is_not_followed_either(tmp_path):
    # A caller's own session (max_redirects left at 30): the status check refuses the 3xx.
    with OTLPReceiver() as recv, requests.Session() as s:
        recv.push_faults([Fault(307, {"Location": recv.base_url + "/elsewhere"})])
        (report,) = purge.delete_remote(_cfg(tmp_path, recv.base_url), IDS, session=s,
                                        sleep=lambda x: None)
        assert [r.path for r in recv.deletes()] == ["/api/public/traces"]
    assert report.errors == [f"HTTP 307 from {recv.base_url}/api/public/traces: redirect not"
                             " followed"]
    assert (report.failed, report.requests) == (3, 1)


def test_both_destinations_with_ids_langfuse_first(tmp_path):
    with OTLPReceiver() as recv:
        both = Config(state_dir=str(tmp_path), otlp_endpoint="http://127.0.0.1:9/v1/traces",
                      langfuse_base_url=recv.base_url, langfuse_public_key=PK,
                      langfuse_secret_key=SK)
        reports = purge.delete_remote(both, IDS, sleep=lambda s: None)
    assert [(r.destination, r.deleted, r.supported) for r in reports] == [
        ("langfuse", 3, True), ("otlp", 0, False)]


def test_the_default_timeout_is_30_seconds(tmp_path):
    seen: list[object] = []

    class Recording(requests.Session):
        def request(self, method, url, **kw):  # type: ignore[override]
            seen.append(kw["timeout"])
            return super().request(method, url, **kw)

    with OTLPReceiver() as recv, Recording() as s:
        purge.delete_remote(_cfg(tmp_path, recv.base_url), IDS[:1], session=s)
    assert seen == [30.0]


def test_the_export_proxy_is_checked_before_anything_is_sent(tmp_path):
    with OTLPReceiver() as recv:
        cfg = _cfg(tmp_path, recv.base_url, export={"proxy": 3})
        (report,) = purge.delete_remote(cfg, IDS, sleep=lambda s: None)
        assert recv.deletes() == []
    assert report.errors == ["not sent: export.proxy must be a URL string"]
    assert (report.failed, report.requests) == (3, 0)


def test_a_base_url_path_is_kept(tmp_path):
    with OTLPReceiver() as recv:
        (report,) = purge.delete_remote(_cfg(tmp_path, recv.base_url + "/lfX/"), IDS[:1],
                                        sleep=lambda s: None)
        assert [r.path for r in recv.deletes()] == ["/lfX/api/public/traces"]


def test_failures_add_up_over_batches(tmp_path):
    (report,), reqs, _, base = _run(tmp_path, [Fault(400, body=b"a"), Fault(400, body=b"b")],
                                    ids=IDS[:2], batch=1)
    assert (report.failed, report.deleted, report.requests) == (2, 0, 2)
    assert report.errors == [f"HTTP 400 from {base}/api/public/traces: a",
                             f"HTTP 400 from {base}/api/public/traces: b"]


@pytest.mark.parametrize("status", [300, 399])
def test_the_whole_3xx_range_is_not_followed(tmp_path, status):
    # 300 and 399 are no redirects to requests (no exception): the status check decides.
    (report,), reqs, slept, base = _run(tmp_path, [Fault(status, body=b"choices")])
    assert len(reqs) == 1 and slept == []
    assert report.errors == [f"HTTP {status} from {base}/api/public/traces: redirect not"
                             " followed"]
    assert (report.failed, report.deleted) == (3, 0)


def test_a_client_error_without_a_body(tmp_path):
    (report,), _, _, base = _run(tmp_path, [Fault(404)])
    assert report.errors == [f"HTTP 404 from {base}/api/public/traces: "]


def test_session_scores_are_deleted_one_a_request_and_404_is_already_gone(tmp_path):
    with OTLPReceiver() as recv:
        sent = {"id": "f1-severity", "name": "cctrace.severity", "sessionId": "s-1"}
        assert requests.post(recv.base_url + "/api/public/scores", json=sent,
                             timeout=10).status_code == 200
        (report,) = purge.delete_remote(_cfg(tmp_path, recv.base_url), [],
                                        score_ids=["f1-severity", "never/sent", "f1-severity"],
                                        sleep=lambda s: None)
        paths = [r.path for r in recv.deletes()]
        assert recv.deleted_score_ids() == ["f1-severity"]
    # Duplicates once; a slash in an id stays inside the path segment.
    assert paths == ["/api/public/scores/f1-severity", "/api/public/scores/never%2Fsent"]
    assert report.__dict__ == {"destination": "langfuse", "supported": True, "deleted": 0,
                               "failed": 0, "scores": 2, "requests": 2, "errors": []}


def test_a_refused_url_counts_traces_and_scores_as_failed(tmp_path):
    cfg = _cfg(tmp_path, "http://langfuse.example.com")  # plain HTTP off loopback
    (report,) = purge.delete_remote(cfg, IDS[:2], score_ids=["s1"], sleep=lambda s: None)
    assert (report.failed, report.requests, report.scores) == (3, 0, 0)


def test_score_deletes_that_fail_count_one_each(tmp_path):
    (report,), reqs, _, base = _run(tmp_path, [Fault(400, body=b"x")] * 2, ids=[],
                                    score_ids=["s1", "s2"])
    assert (report.failed, report.scores, report.deleted, report.requests) == (2, 0, 0, 2)
    assert report.errors == [f"HTTP 400 from {base}/api/public/scores/s1: x",
                             f"HTTP 400 from {base}/api/public/scores/s2: x"]


def test_a_redirect_without_a_response_is_reported_as_3xx(tmp_path):
    class Redirecting:
        def request(self, *a, **kw):
            raise requests.exceptions.TooManyRedirects("no response kept")

    (report,) = purge.delete_remote(_cfg(tmp_path, "http://127.0.0.1:9"), IDS[:1],
                                    sleep=lambda s: None, session=Redirecting())
    assert report.errors == ["HTTP 3xx from http://127.0.0.1:9/api/public/traces: redirect"
                             " not followed"]


def test_a_session_purge_counts_the_rows_naming_the_session(tmp_path):
    store = _store(tmp_path)
    # Read positions of its transcript and of a subagent's: rows no trace purge removes.
    store.set_cursor(str(tmp_path / "p" / "s-old.jsonl"), {"offset": 10})
    store.set_cursor(str(tmp_path / "p" / "s-old" / "subagents" / "a.jsonl"), {"offset": 5})
    sel = purge.select(store, session="s-old")
    result = purge.purge(store, _cfg(tmp_path, "http://127.0.0.1:9"), sel, local_only=True,
                         whole_sessions=["s-old"])
    assert (result.local["traces"], result.local["cursors"]) == (2, 2)
