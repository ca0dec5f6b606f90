"""`detectors/prose_i18n.py`: passwords and keys in sentences of more languages and
scripts, and English sentences naming a key a few words before its value."""

from __future__ import annotations

import json

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import Finding, SecretRedactor
from support.absence import assert_absent

V = "Xk9fQ2mZpL7wR4tBv3Hc"


def _alone() -> SecretRedactor:
    return SecretRedactor([registry.load("prose_i18n")], b"k" * 32)


@pytest.mark.parametrize("text,typ", [
    (f"hasło do bazy to {V}", "prose_password"),
    (f"пароль от базы: {V}", "prose_password"),
    (f"ПАРОЛЬ: {V}", "prose_password"),
    (f"数据库密码是 {V}，别提交到仓库", "prose_password"),
    (f"비밀번호는 {V} 입니다", "prose_password"),
    (f"パスワードは {V} です", "prose_password"),
    (f"veritabanı şifresi {V}", "prose_password"),
    (f"a jelszó: {V}", "prose_password"),
    (f"mi token de API es {V}, úsalo para las pruebas", "prose_secret"),
    (f"Der API-Schlüssel lautet {V}", "prose_secret"),
    (f"la clé est «{V}»", "prose_secret"),
    (f"The datadog api key we use in prod is {V} - please don't log it.", "prose_secret"),
    (f"I rotated the service token this morning, new one: {V}", "prose_secret"),
    (f"can you test with mistral api key {V} and tell me?", "prose_secret"),
])
def test_found_alone_and_gone_in_the_product(text: str, typ: str) -> None:
    found = _alone().explain(text)
    assert [f.type for f in found] == [typ]
    assert text[found[0].start:found[0].end] == V
    red = SecretRedactor(registry.detectors(), b"k" * 32)
    assert_absent(V, red.sweep(red.redact_text(text)))


def test_exact_span() -> None:
    text = f"пароль: {V}."
    assert _alone().explain(text) == [Finding("prose_password", "prose_i18n", 8, 8 + len(V))]


@pytest.mark.parametrize("text", [
    "the key is required for this call, and the token is None",
    "the API key we use in prod is stored in vault, not here",
    "the cache key was 3f2a9c1d7e8b4a6f5c2d1e0f9a8b7c6d5e4f3a2b",  # a digest
    "token: ${{ secrets.DEPLOY_TOKEN }}",
    "with api key YOUR_API_KEY_HERE run it",
    "the key 3fa85f64-5717-4562-b3fc-2c963f66afa6 names the row",
    "пароль от базы: смотри в менеджере",
    "密码是 必需的",
    "mi token de API es obligatorio",
    "for key in sorted(keys): print(key)",
    "secret sauce is handlePaymentIntentSucceededWebhook",
    "the api key is handlePaymentIntentSucceededWebhook",  # 16+ characters, a name
])
def test_ordinary_sentences_are_left(text: str) -> None:
    assert _alone().redact_text(text) == text


@pytest.mark.parametrize("value", [
    "k3x9q2m7zp",  # drawn, 10 characters, two classes
    "dragon#12",  # chosen, three classes
])
def test_a_password_is_drawn_or_mixes_three_classes(value: str) -> None:
    text = f"пароль: {value}"
    assert _alone().explain(text) == [Finding("prose_password", "prose_i18n", 8,
                                              8 + len(value))]


@pytest.mark.parametrize("text", [
    "şifresi abc123def",  # two classes, not drawn: a word with a number
    "пароль: /etc/app/s3cret",  # a path
])
def test_a_password_word_before_other_things(text: str) -> None:
    assert _alone().redact_text(text) == text


def test_a_key_of_sixteen_drawn_characters() -> None:
    text = "the api key is Qm7xK2pLz9RtW4vN"
    assert _alone().explain(text) == [Finding("prose_secret", "prose_i18n", 15, 31)]


@pytest.mark.parametrize("text,value", [
    ("пароль: hunter2Secret", "hunter2Secret"),       # a chosen password: letters and digits
    ("密码：hunter2Secret!", "hunter2Secret"),
    ("パスワードは Summer2024 です", "Summer2024"),
])
def test_a_chosen_password_in_other_languages(text: str, value: str) -> None:
    found = _alone().explain(text)
    assert [(f.type, text[f.start:f.end]) for f in found] == [("prose_password", value)]


@pytest.mark.parametrize("text", ["пароль: sha256", "пароль: hunter2", "пароль: hunter_22x"])
def test_hash_names_short_and_code_names_stay(text: str) -> None:
    assert _alone().explain(text) == []


def test_the_end_of_a_json_string_ends_the_value() -> None:
    # A sentence printed as a JSON string: the closing quote (escaped or not) ends it.
    r = _alone()
    for text in ('"пароль от базы: Fennel?7876meadow"',
                 json.dumps('"пароль от базы: Fennel?7876meadow"', ensure_ascii=False),
                 '"the api key is Zl2kGKeQK0ub5JPvqP2J7Tki4P"'):
        value = "Fennel?7876meadow" if "meadow" in text else "Zl2kGKeQK0ub5JPvqP2J7Tki4P"
        at = text.index(value)
        assert [(f.start, f.end) for f in r.explain(text)] == [(at, at + len(value))], text


# -- probes-7: a bare key/token/secret after a determiner, `jeton`, `el token` -------------
@pytest.mark.parametrize("text", [
    f"Use the key I gave you earlier: {V}",
    f"Here's the token from before: {V}",
    f"Here is the token you asked for — {V}",
    f"Here is the token you asked for -- {V}",
    f"I rotated the key; it's now {V}",
    f"your new token is {V}.",
    f"Le jeton d'accès est {V}",
    f"Aquí está el token que pediste: {V}",
    f"Das ist der Token: {V}",
    f"Das Token lautet {V}",
])
def test_probes7_found(text: str) -> None:
    found = _alone().explain(text)
    assert [text[f.start:f.end] for f in found] == [V], text
    assert {f.type for f in found} == {"prose_secret"}


@pytest.mark.parametrize("text", [
    "the key is in the cache: sha256",
    "the token is refreshed every 3600 seconds",
    "Use the key I gave you earlier: it's in 1Password under 'Staging'.",
    "Here is the token you asked for — it's in your clipboard.",
    f"the key: {'9fceb02d0ae598e95dc970b74767f19372d61af8'}",   # a digest, not drawn
    f"monkey the key: {'x' * 20}",                                # a filler, not drawn
    f"thekey: {V}",                                               # glued: no determiner
    f"the model token count is {V}",                              # `el token` inside a word
    f"the keyboard layout is {V}",                                # `the key` inside a word
])
def test_probes7_kept(text: str) -> None:
    assert _alone().explain(text) == [], text


# -- probes-9: password words of six more languages, French `c'est` -------------------------
@pytest.mark.parametrize("text", [
    f"mon mot de passe c'est {V}",
    f"le mot de passe est {V}",
    f"lösenordet är {V}",
    f"mật khẩu là {V}",
    f"kata sandinya {V}",
    f"كلمة المرور هي {V}",
    f"הסיסמה היא {V}",
    f"ο κωδικός είναι {V}",
])
def test_probes9_found(text: str) -> None:
    found = _alone().explain(text)
    assert [(f.type, text[f.start:f.end]) for f in found] == [("prose_password", V)], text
    for t in (json.dumps(text), json.dumps(text, ensure_ascii=False)):
        red = SecretRedactor(registry.detectors(), b"k" * 32)
        assert_absent(V, red.sweep(red.redact_text(t)))


@pytest.mark.parametrize("text", [
    "le mot de passe est trop court",
    "ο κωδικός είναι λάθος",
    "lösenordet är fel",
    "mật khẩu là bắt buộc",
])
def test_probes9_sentences_about_passwords(text: str) -> None:
    assert _alone().explain(text) == []


@pytest.mark.parametrize("text", [
    f"le mot de passe du wifi c'est {V}",
    f"ο κωδικός μου είναι {V}",
])
def test_probes9_words_between(text: str) -> None:
    assert [text[f.start:f.end] for f in _alone().explain(text)] == [V]
