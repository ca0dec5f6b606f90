"""https-only for non-loopback hosts; redirects are never followed; CA bundle option."""

from __future__ import annotations

from cctrace.config import Config
from cctrace.export.destinations import Destination, destinations
from cctrace.export.send import Sender
from cctrace.security.transport import is_loopback, transport_problem
from support.otlp_receiver import Fault, OTLPReceiver


def test_transport_rules():
    assert transport_problem("https://cloud.langfuse.com") is None
    assert transport_problem("http://127.0.0.1:4318/v1/traces") is None
    assert transport_problem("http://localhost:3000") is None
    assert transport_problem("http://[::1]:3000") is None
    assert "https" in transport_problem("http://langfuse.example.com")
    assert "https" in transport_problem("http://127.0.0.1.evil.example.com")
    assert transport_problem("ftp://x") and transport_problem("https://")
    assert is_loopback("127.8.0.1") and not is_loopback("10.0.0.1")


def test_sender_refuses_plain_http_to_a_remote_host():
    out = Sender().send(Destination("otlp", "http://collector.example.com/v1/traces"),
                        b"x", "application/x-protobuf", 1.0)
    assert out.kind == "retry" and "not sent" in out.reason


def test_redirect_to_another_host_is_not_followed():
    with OTLPReceiver() as first, OTLPReceiver() as second:
        first.push_faults([Fault(307, {"Location": second.endpoint})])
        dest = Destination("otlp", first.endpoint, {"Authorization": "Bearer tok-123456"})
        with Sender() as sender:
            out = sender.send(dest, b"", "application/x-protobuf", 5.0)
        assert out.kind == "retry" and "redirect not followed" in out.reason
        assert len(first.requests) == 1 and second.requests == []


def test_ca_bundle_option_reaches_the_destination(tmp_path):
    cfg = Config(state_dir=str(tmp_path), otlp_endpoint="https://c.example.com/v1/traces",
                 raw={"otlp": {"ca_bundle": "/etc/corp-ca.pem"}})
    (dest,) = destinations(cfg)
    assert dest.verify == "/etc/corp-ca.pem" and dest.proxy is None
    cfg = Config(state_dir=str(tmp_path), otlp_endpoint="https://c.example.com/v1/traces")
    assert destinations(cfg)[0].verify is True
