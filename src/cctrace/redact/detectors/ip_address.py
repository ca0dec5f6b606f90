"""Detector (PII, opt-in): IPv4 and IPv6 addresses (validated with `ipaddress`)."""

from __future__ import annotations

import ipaddress

from cctrace.redact.detectors.base import PII, Detector, Pattern


def ipv6_ok(value: str) -> bool:
    if value.count(":") < 2 or ("::" not in value and value.count(":") != 7):
        return False
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


DETECTOR = Detector(
    name="ip_address",
    description="IPv4 and IPv6 addresses.",
    pii=True,
    patterns=(
        Pattern(
            "ipv4",
            r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}"
            r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.])",
            anchors=(".",),
            priority=PII,
        ),
        Pattern(
            "ipv6",
            r"(?<![:\w])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![:\w])",
            anchors=(":",),
            validate=ipv6_ok,
            priority=PII,
        ),
    ),
)
