"""`detectors/ci_mask.py`: the value a CI step registers with `::add-mask::` is found over
exactly itself, in a raw log and in a JSON string; references stay byte-identical."""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import SecretRedactor
from support.detector_samples import check_as_stored

TOKEN = "Zq8Lm2Xv4Kp7Wn3Rt6Yb1Hs5Jd0FgQx"


def _alone() -> SecretRedactor:
    return SecretRedactor([registry.load("ci_mask")], b"k" * 32)


@pytest.mark.parametrize("text,value", [
    (f"2024-05-01T10:00:00.1234567Z ::add-mask::{TOKEN}\nnext\n", TOKEN),
    (f'echo "::add-mask::{TOKEN}"\n', TOKEN),
    ("::add-mask::correct horse battery  \n", "correct horse battery"),  # blanks inside
    ("::add-mask::hunter22", "hunter22"),  # to the text's end
    ("::add-mask::Xsecret\n", "Xsecret"),  # only quotes are trimmed before the check
])
def test_masked_value_is_found_exactly(text: str, value: str) -> None:
    check_as_stored("ci_mask", "ci_masked_value", text, value)


@pytest.mark.parametrize("text", [
    'echo "::add-mask::$TOKEN"\n',
    "echo '::add-mask::${{ steps.login.outputs.token }}'\n",
    "::add-mask::%API_TOKEN%\n",
    "::add-mask::\n",  # nothing after it
    "::add-mask::<token>\n",  # a placeholder in docs
])
def test_references_are_kept(text: str) -> None:
    assert _alone().redact_text(text) == text
