"""`detectors/k8s_secret.py` alone, exactly: the values under a Kubernetes Secret's `data:`
/ `stringData:` in the same YAML document (before or after `kind: Secret`), read decoded
under `data:`: under a key naming a secret judged as an env line, under any other key taken
when drawn (or binary); a block scalar's lines under a secret-named key; lines real or
JSON-escaped. Public keys, ordinary text (`region`, a `motd`), placeholders, a ConfigMap
and other documents stay."""

from __future__ import annotations

import base64
import json

from cctrace.redact import registry
from cctrace.redact.engine import SecretRedactor
from support import alone as support_alone
from support.absence import assert_absent

B64 = "TGhGVXJBQ2FvRFJQZTJMd09lemhGV3JKNmxZYlJmb1I="
PW = "Hawk#Eye2099"
SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8"
DRAWN = "Xk9fQ2mZpL7wR4tBv3Hc"


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
    text = (f"apiVersion: v1\ndata:\n  gh: {B64}\n  config.json: eyJhdXRocyI6e319\n"
            "  region: ZXUtd2VzdC0x\nkind: Secret\n")
    assert spans(text) == [B64]                 # `{"auths":{}}` and `eu-west-1` are text
    assert spans(json.dumps(text)) == [B64]


def test_binary_and_secret_named_values() -> None:
    key = base64.b64encode(bytes(range(200, 232))).decode()      # random bytes, not text
    pw = base64.b64encode(PW.encode()).decode()
    text = (f"kind: Secret\ndata:\n  tls.key: {key}\n  DB_PASSWORD: {pw}\n"
            f"  motd: {base64.b64encode(b'hello from the api team').decode()}\n"
            f"  git_commit: {base64.b64encode(SHA.encode()).decode()}\n"
            f"  api-token: {base64.b64encode(SHA.encode()).decode()}\n")
    assert spans(text) == [key, pw]             # a SHA is a digest, named a token or not


def test_string_data_quoted_and_block_scalars() -> None:
    text = (f"kind: Secret\nstringData:\n  DATABASE_PASSWORD: \"{PW}\"\n  app.yaml: |\n"
            f"    db:\n      pass: {PW}x\n  htpasswd: |\n    admin:{PW}z\n"
            f"  other: '{PW}y'\n  relay: '{DRAWN}'\nmetadata:\n  name: y\n")
    # a block under `app.yaml` is the other detectors'; `other` mixes all four classes
    assert spans(text) == [PW, f"{PW}y", DRAWN]
    plain = "kind: Secret\nstringData:\n  region: eu-west-1\n  image: nginx:1.25-alpine\n"
    assert spans(plain) == []
    text2 = f"kind: Secret\nstringData:\n  api_token: |\n    {B64}\n    {B64}x\n"
    assert spans(text2) == [B64, B64 + "x"]
    r = SecretRedactor([registry.load("k8s_secret")], b"a" * 32)
    assert_absent(B64, r.redact_text(text2))


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


def test_document_edges() -> None:
    # `---` lines end a document, real or JSON-escaped; `---` inside a line does
    # not (a value, a comment), and a second `kind: Secret` of one document adds nothing.
    other = f"kind: ConfigMap\ndata:\n  x: {DRAWN}\n"
    secret = f"kind: Secret\ndata:\n  gh: {B64}\n"
    for sep in ("---\n", "--- \n"):
        assert spans(other + sep + secret) == [B64]
        assert spans(secret + sep + other) == [B64]
        assert spans(json.dumps(other + sep + secret)) == [B64]
    assert spans(f"kind: Secret\n# a---b\ndata:\n  gh: {B64}\n") == [B64]
    assert spans(f"kind: Secret\ndata:\n  gh: {B64}\n  x: a---b\n  y: {DRAWN}\n") == [B64, DRAWN]
    assert spans(f"kind: Secret\ndata:\n  gh: {B64}\nkind: Secret\n") == [B64]
    assert spans(f"---\nkind: Secret\ndata:\n  gh: {B64}\n") == [B64]   # a separator first


def test_the_document_is_read_16384_characters_each_way() -> None:
    entry = f"data:\n  gh: {B64}\n"
    pad = "#" * (16384 - len(entry) - 1) + "\n"       # `data:` exactly 16384 before `kind`
    assert spans(entry + pad + "kind: Secret\n") == [B64]
    assert spans(entry + "#" + pad + "kind: Secret\n") == []
    after = "kind: Secret\n"
    pad = "#" * (16384 - len(after) - 1) + "\n"
    assert spans(after + pad + f"data:\n  gh: {B64}\n") == []   # its `data:` line starts past
    assert spans(after + pad[:-80] + "\n" + f"data:\n  gh: {B64}\n") == [B64]


def test_at_most_16_dashes_that_are_no_separator_are_passed() -> None:
    # `---` inside lines (no separator) cost a look each; past 16 the walk stops and the
    # document is taken to start at the reach's edge (here the text's start).
    def text(n: int) -> str:
        noise = "".join(f"# x---{i}\n" for i in range(n))
        return (f"kind: ConfigMap\ndata:\n  x: {DRAWN}\n---\n" + noise
                + f"kind: Secret\ndata:\n  gh: {B64}\n")
    assert spans(text(15)) == [B64]
    assert spans(text(16)) == [DRAWN, B64]


def test_a_line_the_reach_cuts_is_no_entry() -> None:
    # The reach back ends inside `metadata:`: what is left of it reads `data:`, which is
    # no header of a Secret's map (`name:` under it is no value).
    prefix = f"metadata:\n  name: {DRAWN}\n"
    pad = "#" * (16388 - len(prefix) - 1) + "\n"
    assert spans(prefix + pad + "kind: Secret\n") == []
    assert spans("data:\n" + f"  name: {DRAWN}\n" + pad + "kind: Secret\n") == [DRAWN]


DRAWN2 = "Qm7Zp2Lk9Vb4Nm7XcP1w"


def test_the_nearest_separator_ends_the_document() -> None:
    # backward: the last separator; forward: the first one, not the last
    text = (f"---\nkind: ConfigMap\ndata:\n  x: {DRAWN}\n---\n"
            f"kind: Secret\ndata:\n  gh: {B64}\n")
    assert spans(text) == [B64]
    text = (f"kind: Secret\ndata:\n  gh: {B64}\n---\nkind: ConfigMap\ndata:\n  x: {DRAWN}\n"
            "---\nkind: Other\n")
    assert spans(text) == [B64]
    # a `---` ending a line that holds more is no separator; the walk goes on past it
    assert spans(f"kind: Secret\ndata:\n  gh: {B64}\n  x: a---\n  y: {DRAWN}\n") == [B64, DRAWN]
    text = (f"kind: Secret\ndata:\n  gh: {B64}\n# a---b\n---\nkind: ConfigMap\ndata:\n"
            f"  x: {DRAWN}\n")
    assert spans(text) == [B64]


def test_the_last_line_of_the_text_is_read() -> None:
    assert spans(f"kind: Secret\ndata:\n  gh: {B64}") == [B64]


def test_a_cut_first_line_is_dropped_at_each_offset() -> None:
    # the reach back ends 1 character into the text: a line cut there is no header
    prefix = f"xdata:\n  a: {DRAWN}\n  b: {DRAWN2}\n"
    pad = "#" * (16385 - len(prefix) - 1) + "\n"
    assert spans(prefix + pad + "kind: Secret\n") == []
    # ... but a whole line starting right there is read
    prefix = f"\ndata:\n  a: {DRAWN}\n"
    pad = "#" * (16385 - len(prefix) - 1) + "\n"
    assert spans(prefix + pad + "kind: Secret\n") == [DRAWN]


def test_a_16_character_drawn_value_under_any_key() -> None:
    assert spans("kind: Secret\nstringData:\n  relay: Xk9fQ2mZpL7wR4tB\n") == ["Xk9fQ2mZpL7wR4tB"]


def test_where_the_map_ends() -> None:
    # a top-level key (whatever its first letter) ends it
    assert spans(f"kind: Secret\ndata:\n  gh: {B64}\nXtra:\n  y: {DRAWN}\n") == [B64]
    # blank lines (empty or blanks only) do not; an entry at the header's own indent does
    text = f"- kind: Secret\n  data:\n    a: {DRAWN}\n \n\n    b: {DRAWN2}\n  note: {B64}x\n"
    assert spans(text) == [DRAWN, DRAWN2]
    # a deeper line that is no entry (a comment) does not end it
    assert spans(f"kind: Secret\ndata:\n  a: {DRAWN}\n    # note\n  b: {DRAWN2}\n") == [
        DRAWN, DRAWN2]


def test_the_json_strings_quote_ends_the_last_value() -> None:
    assert spans(json.dumps("kind: Secret\ndata:\n  username: YWRtaW4=")) == []
    assert spans(json.dumps(f"kind: Secret\ndata:\n  gh: {B64}")) == [B64]


def test_a_data_value_that_is_no_base64_is_read_as_it_is() -> None:
    assert spans(f"kind: Secret\ndata:\n  relay: {PW}\n  note: not-base64\n") == [PW]
    raw = base64.b64encode(bytes(range(200, 224))).decode()      # 24 bytes, not text
    # a byte short of whole base64: read as it is, and drawn
    assert spans(f"kind: Secret\ndata:\n  k: {raw}\n  j: {raw[:-1]}\n") == [raw, raw[:-1]]


def test_the_line_right_after_an_escaped_separator_is_read() -> None:
    assert spans(json.dumps(f"x: 1\n---\ndata:\n  gh: {B64}\nkind: Secret\n")) == [B64]


def test_only_whole_base64_of_no_text_is_taken_as_bytes() -> None:
    ones = base64.b64encode(b"\x80\x81\x82" * 8).decode()          # `gIGC...`: bytes, not drawn
    assert spans(f"kind: Secret\ndata:\n  k: {ones}\n") == [ones]
    for plain in ("abcabcabcab", "abcabcabcabca", "abcabcabcabcabc", "not-base64!!"):
        assert spans(f"kind: Secret\ndata:\n  k: {plain}\n") == [], plain


# -- kubectl get secret -o json (probes-8) ---------------------------------------------------

B64PW = base64.b64encode(PW.encode()).decode()


def _json_secret(data: dict[str, str], kind: str = "Secret", indent: int | None = 4) -> str:
    return json.dumps({"apiVersion": "v1", "data": data, "kind": kind,
                       "metadata": {"name": "x"}, "type": "Opaque"}, indent=indent)


def found(text: str, value: str) -> None:
    assert spans(text) == [value]


def test_a_json_secret_under_any_key() -> None:
    for indent in (4, None):
        text = _json_secret({"relay": B64PW, "region": "ZXUtd2VzdC0x"}, indent=indent)
        found(text, B64PW)
        found(json.dumps(text), B64PW)                         # inside a JSON string
    found('{"kind": "Secret", "stringData": {"relay": "Hawk#Eye2099"}}', PW)
    found('{"kind": "Secret"}, {"x": 1}, {"data": {"relay": "' + B64PW + '"}}', B64PW)


def test_json_maps_that_are_no_secret_s() -> None:
    kept(_json_secret({"relay": B64PW}, kind="ConfigMap"))
    kept(_json_secret({"region": "ZXUtd2VzdC0x", "username": "YWRtaW4="}))
    # a List: the ConfigMap's data, then another object's kind, then the Secret's
    kept('{"items": [{"data": {"relay": "' + B64PW + '"}, "kind": "ConfigMap"}, '
         '{"kind": "Secret", "metadata": {}}]}')
    kept('{"kind": "Secret", "metadata": {}}, {"kind": "ConfigMap", "data": {"relay": "'
         + B64PW + '"}}')
    kept('{"kind": "Secret", "data": {"relay": "' + B64PW + '"')     # the map is not closed


def test_json_kinds_escaped_bound_the_map_too() -> None:
    configmap_first = ('{"items": [{"data": {"relay": "' + B64PW + '"}, "kind": "ConfigMap"}, '
                       '{"kind": "Secret", "metadata": {}}]}')
    secret_first = ('{"kind": "Secret", "metadata": {}}, {"kind": "ConfigMap", "data": '
                    '{"relay": "' + B64PW + '"}}')
    for text in (configmap_first, secret_first):
        kept(json.dumps(text))
        kept(json.dumps(json.dumps(text)))
    # a map at the text's very start
    found('"data": {"relay": "' + B64PW + '"}, "kind": "Secret"', B64PW)
