"""Engine behaviour: markers and tags, the key file, known secrets, idempotence, properties."""

from __future__ import annotations

import base64
import json
import os
import random
import stat
from urllib.parse import quote

import pytest
from bench.corpus import fakes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cctrace.config import Config
from cctrace.redact import known, registry
from cctrace.redact.engine import (
    MARKER_RE,
    SecretRedactor,
    build_redactor,
    load_or_create_key,
)
from cctrace.redact.stage import redact_value

RNG = random.Random(99)
SECRETS = [text for _typ, text in fakes.fakes(RNG)]


def test_marker_format_and_tag_stability(redactor) -> None:
    tok = fakes.fake("@github:ghp_", random.Random(3))
    a = redactor.redact_text(f"one {tok}")
    b = redactor.redact_text(f"two: {tok} again")
    marker = a[4:]
    assert MARKER_RE.fullmatch(marker)
    assert marker.startswith("[REDACTED:github_pat:")
    assert marker in b
    other = SecretRedactor(registry.detectors(), b"another-key" * 3)
    assert other.redact_text(f"one {tok}") != a


def test_key_file_is_created_0600_and_reused(tmp_path) -> None:
    state = str(tmp_path / "state")
    k1 = load_or_create_key(state)
    path = os.path.join(state, "redaction.key")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(k1) == 32
    os.chmod(path, 0o644)
    assert load_or_create_key(state) == k1
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_explain_reports_positions_not_values(redactor) -> None:
    tok = fakes.fake("sk-ant-api03-{w:93}AA", random.Random(4))
    text = f"key is {tok}."
    (finding,) = redactor.explain(text)
    assert (finding.type, finding.detector) == ("anthropic_api_key", "anthropic")
    assert text[finding.start : finding.end] == tok
    assert tok not in repr(finding)


def test_overlaps_merge_into_the_most_specific(redactor) -> None:
    tok = fakes.fake("@github:ghp_", random.Random(8))
    out = redactor.redact_text(f'GITHUB_TOKEN="{tok}"')
    assert out.startswith('GITHUB_TOKEN="[REDACTED:github_pat:')


KNOWN = "Vq7#Lm2$Zx9!Kp4w"


def _known_redactor() -> SecretRedactor:
    return SecretRedactor(registry.detectors(), b"k" * 32, [KNOWN])


@pytest.mark.parametrize(
    "form",
    [
        KNOWN,
        quote(KNOWN, safe=""),
        json.dumps(KNOWN)[1:-1],
        base64.b64encode(KNOWN.encode()).decode(),
        base64.b64encode(b"user:" + KNOWN.encode()).decode(),
        base64.b64encode(b"ab:" + KNOWN.encode() + b"!").decode(),
    ],
)
def test_known_secret_in_encodings(form: str) -> None:
    r = _known_redactor()
    out = r.redact_text(f"value here: {form} end")
    assert "known_secret" in out
    assert KNOWN not in out and form not in out


def test_harvest_env_dotenv_and_config(tmp_path) -> None:
    env = {
        "MY_SERVICE_TOKEN": "Tk9-aa81-Zq55-Lp02",
        "DB_PASSWORD": "Pa55-w0rd-Xyz",
        "PWD": "/home/user/project",
        "SHORT_KEY": "abc",
        "HOME": "/root",
        "EDITOR_KEY": "aaaaaaaaaaaa",
    }
    assert sorted(known.from_env(env)) == ["Pa55-w0rd-Xyz", "Tk9-aa81-Zq55-Lp02"]
    (tmp_path / ".env").write_text("export API_SECRET='Sx8!Ew3@Rt6#'\nPORT=8080\n")
    (tmp_path / ".env.example").write_text("API_SECRET=Ex4mpleOnly!9Zz\n")
    (tmp_path / ".env.local").write_text("RANDOM_BLOB=q8Zr2Lk9Vb4Nm7Xc1Pw6\n")
    assert known.from_dotenv_files(str(tmp_path)) == ["Sx8!Ew3@Rt6#", "q8Zr2Lk9Vb4Nm7Xc1Pw6"]
    cfg = Config(
        state_dir=str(tmp_path / "state"),
        langfuse_secret_key="sk-lf-0000-secret-Zz9",
        otlp_headers={"Authorization": "Basic QWxhZGRpbjpPcGVuU2VzYW1l"},
    )
    r = build_redactor(cfg, cwd=str(tmp_path), env=env)
    text = "a Sx8!Ew3@Rt6# b Tk9-aa81-Zq55-Lp02 c QWxhZGRpbjpPcGVuU2VzYW1l d"
    out = r.redact_text(text)
    assert "Sx8!Ew3@Rt6#" not in out and "Tk9-aa81" not in out and "QWxhZGRp" not in out
    assert "Ex4mpleOnly" not in str(r._known)  # noqa: SLF001 - examples are not harvested
    assert os.path.exists(os.path.join(cfg.state_dir, "redaction.key"))


def test_re_backend_matches_default_backend() -> None:
    a = SecretRedactor(registry.detectors(), b"k" * 32)
    b = SecretRedactor(registry.detectors(), b"k" * 32, backend="re")
    text = "\n".join(SECRETS) + "\nnon-ascii é ü " + SECRETS[0]
    assert b.backend == "re"
    assert a.redact_text(text) == b.redact_text(text)
    assert a.explain(text) == b.explain(text)


def test_non_ascii_text_keeps_offsets(redactor) -> None:
    tok = fakes.fake("@github:ghp_", random.Random(21))
    text = f"İstanbul ß ﬃ token {tok} ok"
    (f,) = redactor.explain(text)
    assert text[f.start : f.end] == tok


# --- properties ----------------------------------------------------------------------

_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
_secret = st.sampled_from(SECRETS)


@st.composite
def with_secrets(draw) -> tuple[str, list[str]]:
    parts, planted = [], []
    for _ in range(draw(st.integers(0, 3))):
        parts.append(draw(_text))
        s = draw(_secret)
        parts.append(" " + s + " ")
        planted.append(s)
    parts.append(draw(_text))
    return "".join(parts), planted


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_secrets())
def test_redaction_is_idempotent(redactor, case) -> None:
    text, _ = case
    once = redactor.redact_text(text)
    assert redactor.redact_text(once) == once


@settings(max_examples=150, deadline=None)
@given(_text)
def test_no_detection_means_unchanged(redactor, text: str) -> None:
    out = redactor.redact_text(text)
    if not redactor.explain(text):
        assert out == text
    else:
        assert out != text


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for c in node:
            yield from _strings(c)
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(k)
            yield from _strings(v)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.recursive(
        with_secrets(),
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.dictionaries(st.text(max_size=8), children, max_size=3),
        ),
        max_leaves=6,
    )
)
def test_no_detected_value_survives_in_nested_fields(redactor, tree) -> None:
    def plain(node):
        if isinstance(node, tuple):
            return node[0]
        if isinstance(node, list):
            return [plain(c) for c in node]
        return {k: plain(v) for k, v in node.items()}

    value = plain(tree)
    detected = [text[f.start : f.end] for text in _strings(value) for f in redactor.explain(text)]
    planted = [s for text in _strings(value) for s in SECRETS if s in text]
    assert len(detected) >= len(set(planted)) or not planted
    out = list(_strings(redact_value(value, redactor)))
    for secret in detected:
        assert not any(secret in o for o in out)


def test_a_marker_naming_a_secret_type_is_not_an_assignment_key(redactor) -> None:
    # The first pass leaves `[REDACTED:<type>:<tag>] =value`; the type is a secret word
    # (`api_key`, `client_secret`), which must not make the value after it a secret.
    once = redactor.redact_text("ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8" + " =001123:A")
    assert once.endswith(" =001123:A") and redactor.redact_text(once) == once
