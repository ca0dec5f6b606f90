"""Detector: credentials in sentences the `prose` detector's forms do not cover.

Password words of more languages and scripts, with the particles and verbs they take
(`пароль: X`, `数据库密码是 X`, `비밀번호는 X`, `şifresi X`, `hasło ... to X`), key
and token words of other languages (`API-Schlüssel lautet X`, `token de API es X`,
`la clé est X`), and English sentences where the secret's name (two words: `api key`,
`service token`, `client secret`) and its value stand a few words apart (`the datadog api
key we use in prod is X`, `rotated the service token, new one: X`, `test with api key X`).
The word and its verb are the context; because key and token words are common, the value
must read as drawn (`looks_random`), except after a password word.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import CONTEXTUAL, GENERIC, Detector, Pattern, char_classes
from cctrace.redact.detectors.prose import _value_ok
from cctrace.redact.randomness import is_digest, looks_random
from cctrace.redact.stoplist import is_placeholder, self_described

# The value: quoted (also `«»`, `「」`), or up to whitespace or CJK punctuation; trailing
# punctuation excluded.
_VALUE = (
    r"(?:(?P<q>[\"'`])|[“‘「«])?(?P<s>[^\s\"'`“”‘’「」«»，。、！？]{4,256}?)(?(q)(?P=q))"
    r"[”’」»]?"
    r"(?=[.,;:!?)\]]*(?:\s|$|<|\\n|\\?\")|[，。、！？])"
)
# A drawn value after a key or token word: 16+ token characters, so the regex itself stops
# at ordinary words (`the token is valid`), which are most of the hits of `key ` / `token `.
_DRAWN = (
    r"(?:(?P<q>[\"'`])|[“‘「«])?(?P<s>[A-Za-z0-9_\-+/=.%~]{16,256}?)(?(q)(?P=q))[”’」»]?"
    r"(?=[.,;:!?)\]]*(?:\s|$|<|\\n|\\?\")|[，。、！？])"
)
_PASSWORD = (
    r"(?:пароль|пароля|парола|密码|密碼|口令|비밀번호|암호|パスワード|şifre(?:si|n|m)?"
    r"|sifre(?:si)?|jelsz(?:ó|o|ava)|lozinka|geslo|parool|has(?:ł|l)o|heslo|parola"
    r"|password|wachtwoord|senha|passwort|kennwort|l(?:ö|o)senord(?:et)?|mật[ \t]+khẩu"
    r"|kata[ \t]+sandi(?:nya)?|كلمة[ \t]+المرور|ה?סיסמה|κωδικός|mot[ \t]+de[ \t]+passe)"
)
_KEY = (
    r"(?:api-schl(?:ü|ue)ssel|schl(?:ü|ue)ssel|cl(?:é|e)|clave|chiave|sleutel|ключ|токен"
    r"|密钥|密鑰|令牌|キー|토큰|키|token|chave|jeton|(?:[ \t](?:el|le|il|der)|das)[ \t]+token)"
)
# Between the word and the verb: a few short words (`del database di staging`, `de API`,
# `do bazy`, `от базы`), never a `:` or `=` (that is an assignment, others' business).
_BETWEEN = r"(?:[ \t]+[^\s:=：]{1,24}){0,4}?"
_VERB = (
    r"(?:[ \t]*[:：=][ \t]*|(?:는|은|가|이|は|が|是|为|為)[ \t]*"
    r"|[ \t]+(?:is|ist|lautet|est|es|é|è|era|to|je|jest|это|—|-|on|är|er|c['’]est|là|adalah"
    r"|هي|היא|είναι)[ \t]*:?[ \t]*)"
)
# English names of a key, two words each, as prose spells them (`api key`, `api-key`; code's
# `api_key` is the assignment detectors'): the bare words `key` / `token` / `secret` stand in
# every second line of code and prose, and matching after each of them cost more than all
# the other detectors on transcript text.
_EN_FIRST = ("api", "access", "secret", "auth", "app", "bot", "service", "client", "deploy",
             "refresh", "bearer", "signing", "master", "license", "webhook", "private")
_EN_SECOND = ("key", "token", "secret")
_EN_ANCHORS = tuple(f"{a}{sep}{b}" for a in _EN_FIRST for b in _EN_SECOND
                    for sep in (" ", "-") if a != b) + ("apikey",)
_EN_NAME = r"(?:" + "|".join(_EN_FIRST) + r")[ \-]?(?:" + "|".join(_EN_SECOND) + ")"
_EN_BETWEEN = r"(?:[ \t]+[^\s:=]{1,20}){0,5}?"
_EN_VERB = r"(?:[ \t]+(?:is|was)\b[ \t]*:?[ \t]*|[ \t]*:[ \t]*)"
# A bare `key` / `token` / `secret` after a determiner ("the key I gave you earlier: X",
# "the token you asked for — X", "I rotated the key; it's now X"): the sentence points at
# one secret; a dash and `now` may stand for the verb.
_EN_DET = ("the", "your", "my", "new")
# The word's end is in the anchor: `the keyboard`, `the tokenizer` are no hits (a hit costs
# a step in Python; transcripts and prose hold those words by the thousand). Four
# determiners, three endings: each anchor more costs the prefilter's pass over all text
# (eight determiners and four endings cost keyword prose 8-10 %).
_EN_DET_ANCHORS = tuple(f"{d} {w}{e}" for d in _EN_DET for w in ("key", "token", "secret")
                        for e in " ;:")
_EN_DET_NAME = r"(?:" + "|".join(_EN_DET) + r")[ \t]+(?:key|token|secret)\b;?"
_EN_DET_VERB = (r"(?:[ \t]+(?:is|was|now)\b[ \t]*:?[ \t]*|[ \t]*:[ \t]*"
                r"|[ \t]+(?:—|–|--?)[ \t]+)")


def _password_ok(match: re.Match[str]) -> bool:
    return _value_ok(match, chosen=True) and (looks_random(match.group("s"), 10)
                                              or char_classes(match.group("s")) >= 3)


def _drawn(match: re.Match[str]) -> bool:
    value = match.group("s")  # trailing punctuation is left out by `_VALUE` already
    return (looks_random(value, 16) and not is_digest(value) and not is_placeholder(value)
            and not self_described(value))


DETECTOR = Detector(
    name="prose_i18n",
    description="Passwords and keys in sentences of more languages, and English sentences "
                "naming a key a few words before its value.",
    patterns=(
        Pattern(
            "prose_password",
            _PASSWORD + r"(?:[ \t]+(?:do|od|от|для|di|del|van|voor|de|da|do|du|μου)[ \t]+[^\s:=：]"
            r"{1,24}(?:[ \t]+[^\s:=：]{1,24}){0,2}?)?" + r"(?:" + _VERB + r"|[ \t]+)" + _VALUE,
            anchors=("sifre", "пароль", "пароля", "парола", "密码", "密碼", "口令", "비밀번호",
                     "암호", "パスワード", "şifre", "jelszó", "jelszo", "jelszava", "lozinka",
                     "geslo", "parool", "hasło", "haslo", "heslo", "parola", "lösenord",
                     "losenord", "mật khẩu", "kata sandi", "كلمة المرور", "סיסמה", "κωδικός",
                     "mot de passe"),
            at_anchor=True,
            check=_password_ok,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "prose_secret",
            _KEY + _BETWEEN + _VERB + _DRAWN,
            anchors=("api-schluessel", "api-schlüssel", "schlüssel", "schluessel", "clé",
                     "clave", "chiave", "sleutel", "ключ", "токен", "密钥", "密鑰", "令牌",
                     "キー", "토큰", "키", "token de api", "token da api", "token d'api", "chave",
                     # with the blank before the article: `model token`, `header token`
                     # hold `el token`, `der token` (a hit each, in every LLM transcript)
                     "jeton", " el token", " le token", " il token", "das token",
                     " der token"),
            at_anchor=True,
            check=_drawn,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "prose_secret",
            _EN_NAME + r"(?:" + _EN_BETWEEN + _EN_VERB + r"|[ \t]+)" + _DRAWN,
            anchors=_EN_ANCHORS,
            at_anchor=True,
            check=_drawn,
            # A fallback: where a header, flag or assignment detector finds the same value,
            # its type is the one the marker names.
            priority=GENERIC,
        ),
        Pattern(
            "prose_secret",
            _EN_DET_NAME + _EN_BETWEEN + _EN_DET_VERB + _DRAWN,
            anchors=_EN_DET_ANCHORS,
            at_anchor=True,
            boundary=True,
            check=_drawn,
            priority=GENERIC,
        ),
    ),
)
