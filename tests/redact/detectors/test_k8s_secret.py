"""`detectors/k8s_secret.py` alone, exactly: every value under a Kubernetes Secret's
`data:` / `stringData:` in the same YAML document (before or after `kind: Secret`), plain,
quoted or a block scalar's lines, lines real or JSON-escaped; keys naming a public part and
placeholders kept, a ConfigMap and other documents untouched."""

from __future__ import annotations

import json

from cctrace.redact import registry
from cctrace.redact.engine import SecretRedactor
from support import alone as support_alone
from support.absence import assert_absent

B64 = "TGhGVXJBQ2FvRFJQZTJMd09lemhGV3JKNmxZYlJmb1I="
PW = "Hawk#Eye2099"


def spans(text: str) -> list[str]:
    r = SecretRedactor([registry.load("k8s_secret")], b"a" * 32)
    return [text[f.start:f.end] for f in r.explain(text) if f.type == "k8s_secret"]


def kept(text: str) -> None:
    support_alone.kept("k8s_secret", text)


def test_data_values_whatever_their_key() -> None:
    text = f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: stripe\ndata:\n  STRIPE_SK: {B64}\n"
    assert spans(text) == [B64]
    support_alone.found("k8s_secret", "k8s_secret", text, B64)


def test_data_before_kind_as_kubectl_sorts_it_and_json_escaped() -> None:
    text = f"apiVersion: v1\ndata:\n  gh: {B64}\n  config.json: eyJhdXRocyI6e319\nkind: Secret\n"
    assert spans(text) == [B64, "eyJhdXRocyI6e319"]
    escaped = json.dumps(text)
    assert spans(escaped) == [B64, "eyJhdXRocyI6e319"]


def test_string_data_quoted_and_block_scalars() -> None:
    text = (f"kind: Secret\nstringData:\n  DATABASE_PASSWORD: \"{PW}\"\n  app.yaml: |\n"
            f"    db:\n      pass: {PW}x\n  other: '{PW}y'\nmetadata:\n  name: y\n")
    assert spans(text) == [PW, "db:", f"pass: {PW}x", f"{PW}y"]
    r = SecretRedactor([registry.load("k8s_secret")], b"a" * 32)
    assert_absent(PW, r.redact_text(text))


def test_public_keys_and_placeholders_stay() -> None:
    text = (f"kind: Secret\ndata:\n  username: YWRtaW4=\n  host: ZGIuaW50ZXJuYWw=\n"
            f"  tls.crt: LS0tLS1CRUdJTg==\n  ref: \"${{DB_PASSWORD}}\"\n"
            f"  tpl: {{{{ .Values.password | b64enc }}}}\n  password: {B64}\n")
    assert spans(text) == [B64]


def test_a_block_under_a_public_key_stays() -> None:
    text = "kind: Secret\nstringData:\n  tls.crt: |\n    -----BEGIN CERTIFICATE-----\n    MIIB\n"
    kept(text)


def test_other_documents_and_kinds_stay() -> None:
    kept(f"kind: ConfigMap\ndata:\n  log.conf: {B64}\n")
    kept(f"kind: SecretProviderClass\ndata:\n  x: {B64}\n")
    kept(f"kind: Secret\nmetadata:\n  name: a\n---\nkind: ConfigMap\ndata:\n  x: {B64}\n")
    kept(f"kind: ConfigMap\ndata:\n  x: {B64}\n---\nkind: Secret\ntype: Opaque\n")
    # the map ends where the indentation does: `metadata:` after it is no value
    assert spans(f"kind: Secret\ndata:\n  a: {B64}\nmetadata:\n  name: b{B64}\n") == [B64]
