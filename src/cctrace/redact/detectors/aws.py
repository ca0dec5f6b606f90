"""Detector: AWS access key ids, session tokens by their framing, and secret access keys /
session tokens where the context names them.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

# ruff: noqa: E501 - regexes read better unbroken
from __future__ import annotations

from cctrace.redact.detectors.base import (
    CONTEXTUAL,
    END_ALNUM,
    SEP,
    Detector,
    Pattern,
    not_example_aws,
    random40,
)

DETECTOR = Detector(
    name="aws",
    description=(
        "AWS access key ids, and secret access keys / session tokens where the context names them."
    ),
    patterns=(
        Pattern(
            "aws_access_key_id",
            r"(?:AKIA|ABIA|ACCA)[A-Z2-7]{16}" + END_ALNUM,
            anchors=("akia", "abia", "acca"),
            boundary=True,
            validate=not_example_aws,
        ),
        Pattern(
            "aws_temporary_access_key_id",
            r"ASIA[A-Z2-7]{16}" + END_ALNUM,
            anchors=("asia",),
            boundary=True,
            validate=not_example_aws,
        ),
        Pattern(
            "aws_secret_access_key",
            r"(?:secret[_\-]?access[_\-]?key|aws[_\-]?secret(?:[_\-]?key)?)(?:[\w\-]{0,64})"
            + SEP
            + r"(?P<s>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
            anchors=(
                "secret_access_key",
                "secretaccesskey",
                "secret-access-key",
                "aws_secret",
                "aws-secret",
            ),
            at_anchor=True,
            priority=CONTEXTUAL,
            validate=random40,
        ),
        Pattern(
            "aws_secret_access_key",
            r"""A(?:KIA|SIA)[A-Z2-7]{16}[\s,;:|\"'=\\]{1,12}(?P<s>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])""",
            anchors=("akia", "asia"),
            priority=CONTEXTUAL,
            validate=random40,
        ),
        Pattern(
            "aws_session_token",
            r"(?:session|security)[_\-]?token(?:[\w\-]{0,64})"
            + SEP
            + r"(?P<s>[A-Za-z0-9/+=]{100,})"
            + END_ALNUM,
            anchors=("session_token", "sessiontoken", "security_token", "session-token"),
            at_anchor=True,
            priority=CONTEXTUAL,
        ),
        # Session tokens carry their own mark: the base64 of their framing (`IQoJb3JpZ2lu
        # X2Vj...` = "\x21\n\torigin_ec", older `FwoGZXIvYXdzE` / `FQoGZXIvYXdzE`), so they
        # are found with no name beside them (a netrc password, a URL, a table cell).
        Pattern(
            "aws_session_token",
            r"(?i:IQoJb3JpZ2luX2Vj|F[wQ]oGZXIvYXdzE)[A-Za-z0-9/+]{80,}={0,2}"
            + r"(?![A-Za-z0-9/+=])",
            anchors=("iqojb3jpz2lux2vj", "fwogzxivyxdze", "fqogzxivyxdze"),
            boundary=True,
        ),
    ),
)
