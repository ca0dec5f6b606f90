"""The sending rules (export/send.py) to the letter: status classes and their reasons, Retry-After,
backoff values, error descriptions without URLs, the HTTP session's settings, and what the
sender puts on the wire. Written against the mutants `bench/mutation.py -m export.send`
left alive (docs/testing.md)."""

from __future__ import annotations

import gzip

import pytest
import requests

from cctrace.export import send
from cctrace.export.destinations import Destination
from cctrace.export.send import (
    Outcome,
    Sender,
    backoff_ns,
    classify,
    describe_exception,
    http_session,
    parse_retry_after,
)
from support.otlp_receiver import Fault, OTLPReceiver


def test_constants():
    assert (send.PROTOBUF, send.BACKOFF_BASE_S, send.BACKOFF_CAP_S,
            send.RETRY_AFTER_CAP_S, send.REASON_MAX, send.RETRYABLE_4XX) == (
        "application/x-protobuf", 1.0, 300.0, 3600.0, 300, (408, 429))


@pytest.mark.parametrize("value, now, expected", [
    ("30", 0.0, 30.0), (" 7 ", 0.0, 7.0), ("0", 0.0, 0.0),
    ("Thu, 01 Jan 1970 00:01:40 GMT", 40.0, 60.0),
    ("Thu, 01 Jan 1970 00:01:40 GMT", 100.0, 0.0),
    ("Thu, 01 Jan 1970 00:01:40 GMT", 500.0, 0.0),
    ("", 0.0, None), (None, 0.0, None), ("-5", 0.0, None), ("1.5", 0.0, None),
    ("soon", 0.0, None), ("Mon, 99 Foo 2020 99:99:99 GMT", 0.0, None),
])
def test_parse_retry_after(value, now, expected):
    assert parse_retry_after(value, now) == expected


@pytest.mark.parametrize("status, kind", [
    (199, "dead"), (200, "delivered"), (204, "delivered"), (299, "delivered"),
    (300, "retry"), (301, "retry"), (399, "retry"), (400, "dead"), (401, "dead"),
    (404, "dead"), (407, "dead"), (408, "retry"), (413, "dead"), (429, "retry"),
    (499, "dead"), (500, "retry"), (503, "retry"), (599, "retry"),
])
def test_status_classes(status, kind):
    assert classify(status).kind == kind


def test_reasons_exactly():
    assert classify(200, "ignored body") == Outcome("delivered", 200, "")
    assert classify(400) == Outcome("dead", 400, "HTTP 400")
    assert classify(400, "  bad \n\t request ") == Outcome("dead", 400, "HTTP 400: bad request")
    assert classify(503, "busy", 12.0) == Outcome("retry", 503, "HTTP 503: busy", 12.0)
    assert classify(429, "", 3.0) == Outcome("retry", 429, "HTTP 429", 3.0)
    assert classify(302, "moved", 5.0) == Outcome(
        "retry", 302, "HTTP 302: redirect not followed; check the URL", None)
    long = classify(400, "x" * 1000)
    assert long.reason == ("HTTP 400: " + "x" * 1000)[:300] and len(long.reason) == 300


@pytest.mark.parametrize("exc, text", [
    (requests.exceptions.ConnectionError(
        "HTTPConnectionPool(host='h', port=1): Max retries exceeded with url: /x?k=s "
        "(Caused by NewConnectionError('<x>: Failed to establish a new connection: "
        "[Errno 111] Connection refused'))"), "ConnectionError: Connection refused"),
    (OSError("[Errno -2] Name or service not known"), "OSError: Name or service not known"),
    (requests.exceptions.ReadTimeout("read timed out https://u:p@h/x"), "ReadTimeout"),
    (ValueError(""), "ValueError"),
])
def test_describe_exception(exc, text):
    assert describe_exception(exc) == text


def test_backoff_values():
    s = 1_000_000_000
    assert [backoff_ns(n, None, 1.0) for n in range(10)] == [
        1 * s, 2 * s, 4 * s, 8 * s, 16 * s, 32 * s, 64 * s, 128 * s, 256 * s, 300 * s]
    assert backoff_ns(100, None, 1.0) == backoff_ns(10**9, None, 1.0) == 300 * s
    assert backoff_ns(-3, None, 1.0) == 1 * s
    assert backoff_ns(0, None, 0.0) == s // 2 and backoff_ns(0, None, -5.0) == s // 2
    assert backoff_ns(0, None, 0.5) == 750_000_000 and backoff_ns(0, None, 7.0) == s
    assert backoff_ns(3, 2.0, 1.0) == 8 * s          # Retry-After below the backoff
    assert backoff_ns(0, 90.0, 0.5) == 90 * s
    assert backoff_ns(0, 3600.0, 0.5) == 3600 * s
    assert backoff_ns(0, 3601.0, 0.5) == 3600 * s    # capped
    assert backoff_ns(0, 0.0, 1.0) == s


def test_http_session_reads_nothing_from_the_environment():
    s = http_session()
    assert s.trust_env is False and s.max_redirects == 0 and s.proxies == {}
    p = http_session("https://proxy.example:3128")
    assert p.proxies == {"https": "https://proxy.example:3128",
                         "http": "https://proxy.example:3128"}
    assert http_session("").proxies == {}


def test_what_the_sender_puts_on_the_wire():
    with OTLPReceiver() as recv, Sender() as sender:
        spans = Destination("otlp", recv.endpoint, headers={"X-Team": "a"})
        assert sender.send(spans, b"", "", 5.0) == Outcome("delivered", 200, "")
        req = recv.requests[-1]
        assert req.headers["content-type"] == "application/x-protobuf"
        assert req.headers["content-encoding"] == "gzip" and req.headers["x-team"] == "a"
        assert req.body == gzip.compress(b"", mtime=0)  # a re-send is byte-identical

        scores = Destination("langfuse-scores", recv.base_url + "/api/public/scores",
                             headers={"Authorization": "Basic abcd1234"}, kind="scores")
        sender.send(scores, b'{"a": 1}', "application/json", 5.0)
        req = recv.requests[-1]
        assert req.body == b'{"a": 1}' and "content-encoding" not in req.headers
        assert req.headers["content-type"] == "application/json"
        assert req.headers["authorization"] == "Basic abcd1234"
        # One session per destination, reused.
        sender.send(spans, b"", "", 5.0)
        assert len(sender._sessions) == 2
    assert sender._sessions == {}


def test_a_refusal_reason_is_scrubbed_and_retry_after_read():
    with OTLPReceiver() as recv, Sender() as sender:
        dest = Destination("otlp", recv.endpoint, headers={"Authorization": "Bearer tok-secret-9"})
        recv.push_faults([Fault(status=429, headers={"Retry-After": "17"},
                                body=b"slow down, Bearer tok-secret-9")])
        out = sender.send(dest, b"x", "", 5.0)
        assert out == Outcome("retry", 429, "HTTP 429: slow down, [REDACTED]", 17.0)
        recv.push_faults([Fault(status=400, body=b"\xff\xfe bad")])
        out = sender.send(dest, b"x", "", 5.0)
        assert out.kind == "dead" and out.reason == "HTTP 400: \ufffd\ufffd bad"


def test_urls_not_in_their_checked_form_are_never_sent():
    with OTLPReceiver() as recv, Sender() as sender:
        odd = Destination("otlp", recv.endpoint.replace("127.0.0.1", "127.0.0.1."))
        assert sender.send(odd, b"x", "", 5.0) == Outcome(
            "retry", None, "not sent: the URL is not in its checked form")
        bad = Destination("otlp", "http://collector.example.com/v1/traces")
        assert sender.send(bad, b"x", "", 5.0) == Outcome(
            "retry", None,
            "not sent: plain http to non-loopback host collector.example.com; use https")
        assert recv.requests == []


def test_a_refused_connection_and_a_redirect(dead_url):
    with Sender() as sender:
        out = sender.send(Destination("otlp", dead_url), b"x", "", 5.0)
        assert out.kind == "retry" and out.status is None
        assert out.reason == "ConnectionError: Connection refused"
    with OTLPReceiver() as recv, Sender() as sender:
        recv.push_faults([Fault(status=307, headers={"Location": "https://elsewhere.example/"})])
        out = sender.send(Destination("otlp", recv.endpoint), b"x", "", 5.0)
        # max_redirects = 0: requests raises on any 3xx before following it.
        assert out == Outcome("retry", None, "HTTP 3xx: redirect not followed; check the URL")


def test_a_request_that_cannot_be_made_is_kept_for_a_corrected_config():
    with OTLPReceiver() as recv, Sender() as sender:
        dest = Destination("otlp", recv.endpoint, headers={"X-Bad": "a\nb"})
        out = sender.send(dest, b"", "", 5.0)
        assert out == Outcome("retry", None, "cannot send: InvalidHeader")
        assert recv.requests == []


def test_one_session_per_destination_and_proxy():
    sender = Sender()
    a = Destination("otlp", "https://o.example/t")
    b = Destination("otlp", "https://o.example/t", proxy="https://p.example")
    assert sender._session(a) is sender._session(a)
    assert sender._session(a) is not sender._session(b)
    assert sender._session(b).proxies == {"https": "https://p.example",
                                          "http": "https://p.example"}
    sender.close()


def test_error_bodies_are_decoded_bounded_and_optional():
    with OTLPReceiver() as recv, Sender() as sender:
        dest = Destination("otlp", recv.endpoint)
        recv.push_faults([
            Fault(status=503, headers={"Content-Encoding": "gzip"},
                  body=gzip.compress(b"quota exceeded")),
            Fault(status=400, body=None),
            Fault(status=400, body=b" " * 2048 + b"beyond the first 2 KB"),
        ])
        assert sender.send(dest, b"", "", 5.0).reason == "HTTP 503: quota exceeded"
        assert sender.send(dest, b"", "", 5.0).reason == "HTTP 400"
        assert sender.send(dest, b"", "", 5.0).reason == "HTTP 400"


def test_a_timeout_is_retried():
    with OTLPReceiver() as recv, Sender() as sender:
        recv.set_delay(3.0)
        out = sender.send(Destination("otlp", recv.endpoint), b"", "", 0.5)
        assert out == Outcome("retry", None, "ReadTimeout")


def test_an_unreadable_error_body_is_left_out_of_the_reason():
    with OTLPReceiver() as recv, Sender() as sender:
        recv.push_faults([Fault(status=503, headers={"Content-Encoding": "gzip"},
                                body=b"this is not gzip")])
        out = sender.send(Destination("otlp", recv.endpoint), b"", "", 5.0)
        assert out == Outcome("retry", 503, "HTTP 503")
