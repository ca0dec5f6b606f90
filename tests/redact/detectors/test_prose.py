"""`detectors/prose.py`: credentials in sentences, including the keywords written with
letters outside ASCII (which the byte-level prefilter cannot see)."""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import Finding, SecretRedactor
from support.absence import assert_absent

VALUE = "PliIX6meolEmA6"


def _prose() -> SecretRedactor:
    return SecretRedactor([registry.load("prose")], b"k" * 32)


@pytest.mark.parametrize("text,typ", [
    # Found by neither prefilter backend before the fix: the anchors were dropped.
    (f"the lösenord is {VALUE} for now", "prose_password"),
    (f"the LÖSENORD is {VALUE} for now", "prose_password"),
    (f"mitt lösenord är {VALUE} nu", "prose_password"),
    (f"the hasło is {VALUE} for now", "prose_password"),
    (f"le token é {VALUE} ok", "prose_secret"),
    (f"le secret è {VALUE} ok", "prose_secret"),
    (f"la key é {VALUE} ok", "prose_secret"),
    (f"the haslo is {VALUE} for now", "prose_password"),
])
def test_keywords_outside_ascii(text: str, typ: str) -> None:
    at = text.index(VALUE)
    assert _prose().explain(text) == [Finding(typ, "prose", at, at + len(VALUE))]
    for backend in ("re", "hyperscan"):
        try:
            r = SecretRedactor(registry.detectors(), b"k" * 32, backend=backend)
        except ImportError:
            continue  # the optional wheel is absent: the re backend was checked
        assert_absent(VALUE, r.redact_text(text))


def _finds(text: str, value: str, typ: str = "prose_password") -> None:
    at = text.index(value)
    assert _prose().explain(text) == [Finding(typ, "prose", at, at + len(value))], text


def _none(text: str) -> None:
    r = _prose()
    assert r.explain(text) == [], text
    assert r.redact_text(text) == text


@pytest.mark.parametrize("value", [
    "123X",            # ends in a letter that is no punctuation to strip
    "s3cr3t00",        # two classes, not all letters, no sentence part
    "hunter-pw",
    "NqVwYSVPHbDX",    # 12 letters drawn at random: random enough at 12
])
def test_values_after_a_verb(value: str) -> None:
    _finds(f"the password is {value} now", value)


@pytest.mark.parametrize("value", [
    "<your-password>",          # a placeholder
    "required",                 # the next word of the sentence
    "12345678",                 # one class
    "sunshine",                 # letters only
    "e.g.", "n/a.", "12.5%",    # a sentence part
    "self.password",            # code
])
def test_not_values_after_a_verb(value: str) -> None:
    _none(f"the password is {value} now")


def test_a_path_is_what_pwd_prints() -> None:
    _none("pwd: /home/deploy/app")
    _none("pwd: ./build/out.txt")
    _finds("pwd: s3cr3t00 ok", "s3cr3t00")


@pytest.mark.parametrize("value", ["Hunter#22", "hunter#22", "v9cyk21kkp"])
def test_password_then_value_without_a_verb(value: str) -> None:
    # three classes, or two and random-looking from 10 chars
    _finds(f"then use password {value} to log in", value)
    _finds(f"then use PASSWORD {value} to log in", value)


@pytest.mark.parametrize("value", ["s3cr3t00", "<Your-Password-1>", "hunter-pw", "NqVwYSVPHb"])
def test_not_values_without_a_verb(value: str) -> None:
    _none(f"then use password {value} to log in")


def test_pin_and_login() -> None:
    _finds("the card PIN is 48213377 today", "48213377", "prose_pin")
    _finds("PIN code: 4821 ok", "4821", "prose_pin")
    _none("the SPIN is 48213377 today")
    _finds("the login is deploy / s3cr3t00 for staging", "s3cr3t00", "prose_login")
    _none("the xlogin is deploy / s3cr3t00 for staging")


@pytest.mark.parametrize("verb", [
    "is", "was", "will be", "should be", "has been set to", "has been changed to",
    "has been reset to", "set to", "changed to", "reset to", "now", "ist", "lautet", "est",
    "es", "é", "è", "era", "är", "er", "jest", "je", "on", ":", "->", "→", "is:",
])
def test_every_verb(verb: str) -> None:
    _finds(f"the password {verb} s3cr3t00 ok", "s3cr3t00")


@pytest.mark.parametrize("text", [
    '// secret is "a-string-secret-at-least-256-bits-long"',
    "the token is my-api-token-here.",
    "The key is prod.api.key.2 for now",
])
def test_secret_statement_of_a_phrase_naming_itself_is_kept(text: str) -> None:
    _none(text)


@pytest.mark.parametrize(("text", "value", "typ"), [
    # A password statement keeps whatever was typed, self-described or not.
    ("the password is my-secret-password-2024 now", "my-secret-password-2024",
     "prose_password"),
    # Not every part letters or digits: a drawn value beside the word.
    ("the secret is my-secret-k3Yx9QwZ now", "my-secret-k3Yx9QwZ", "prose_secret"),
    ("the token is 05tUFwoJfK2dui0CWKxzqJHmNzQr now", "05tUFwoJfK2dui0CWKxzqJHmNzQr",
     "prose_secret"),
])
def test_other_statements_are_still_redacted(text: str, value: str, typ: str) -> None:
    _finds(text, value, typ)
    assert_absent(value, _prose().redact_text(text))


# Code and text nobody here wrote (`bench/redaction_realcode.py`): the "value" after the
# word is a type, an ordinary word, a quantity, a date or a variable's tail.
@pytest.mark.parametrize(("text", "value", "typ"), [
    ("    def login(self, user: str, password: str) -> None:", None, None),
    ("    def login(self, password: str, n: int):", None, None),
    ("# retries if password is bad. This will", None, None),
    (" * the maximum length of cookie key is 255. The volume", None, None),
    ("\t/* GRE key is 32bit, PPtP only uses 16bit */", None, None),
    (" * a 16-byte key is 16-byte here", None, None),
    ("     * returns TRUE if this token is write-protected.", None, None),
    (" * the value at *destKey is un-changed.", None, None),
    (" * whose key is greater-than-or-equal to the given key.", None, None),
    ("    s/&/ucfirst(lc($pw->name))/ge;", None, None),
    ("  print @password: hunter#22x", None, None),
    ("  %pw: hunter#22x", None, None),
    ("// pin : 2014-12-18 Amazon Registry Services", None, None),
    ("pin 1234.5 is a version", None, None),
    ("pin 0930:15 then", None, None),
    ("pin 2024/01 then", None, None),
    # the same sentences with a credential
    (f"the key is {VALUE}.", VALUE, "prose_secret"),
    (f"the token is {VALUE}, keep it", VALUE, "prose_secret"),
    ("the secret is lower-case", "lower-case", "prose_secret"),  # a chosen phrase
    ("the db password is hunter#22.", "hunter#22", "prose_password"),
    ("password: Hunter#22)", "Hunter#22", "prose_password"),
    ("the pin is 4821 for the door", "4821", "prose_pin"),
    ("pin 4821-", "4821", "prose_pin"),
    ("the key is 16-bytes-long-x9", "16-bytes-long-x9", "prose_secret"),
    ("the key is lower-caseX", "lower-caseX", "prose_secret"),     # not words: a key
    ("the password is 'ab1c.'", "ab1c.", "prose_password"),         # 4 once the dot is off
    ("the password is 'ab1.'", None, None),                          # 3
    ("the password is 'badly.'", None, None),                        # a word and a dot
])
def test_source_and_sentences_are_not_values(text: str, value: str | None, typ: str | None,
                                             ) -> None:
    found = _prose().explain(text)
    if value is None:
        assert found == [], text
        return
    at = text.index(value)
    assert found == [Finding(typ, "prose", at, at + len(value))], text


# -- a chosen password: letters mixed with digits, even where a code name looks the same ----
@pytest.mark.parametrize("text,value", [
    ("the password is hunter2Secret", "hunter2Secret"),
    ("the password is Summer2024.", "Summer2024"),
    ("the password is hunter2 now", "hunter2"),
    ("Passwort: hunter2Secret", "hunter2Secret"),
    ("the staging password was 2Fast4You", "2Fast4You"),
    ('The password for the database is "hunter2Secret".', "hunter2Secret"),
    ("then use password hunter2Secret to log in", "hunter2Secret"),   # three classes
])
def test_a_chosen_password_mixing_letters_and_digits(text: str, value: str) -> None:
    _finds(text, value)
    assert_absent(value, _prose().redact_text(text))


@pytest.mark.parametrize("text", [
    "the password is sha256 hashed",          # a hash's name
    "the password is Base64 encoded",
    "the password is argon2id hashed",
    "the password is hunter_2 now",           # an underscore: a code name
    "the password is self.pw2 now",
    "the password is hunter2() now",
    "the password is 12345678 now",           # digits only
    "the password is abcdefgh now",           # letters only
    "then use password hunter22 to log in",   # no verb: two classes are not enough
    "the password is ab12 now",               # under 6
])
def test_code_names_hashes_and_short_values_stay(text: str) -> None:
    _none(text)


@pytest.mark.parametrize("text,value,typ", [
    ("I've set the admin password to hunter2Secret, you can log in now.", "hunter2Secret",
     "prose_password"),
    ("I changed the root password to Xk9#mQ2vLp.", "Xk9#mQ2vLp", "prose_password"),
    ("reset your password to Summer2024!", "Summer2024!", "prose_password"),
    ("the password to the db is hunter2Secret", "hunter2Secret", "prose_password"),
    ("creds: admin / hunter2Secret", "hunter2Secret", "prose_login"),
    ("login is deploy / hunter2Secret", "hunter2Secret", "prose_login"),
])
def test_password_to_and_logins_of_chosen_passwords(text: str, value: str, typ: str) -> None:
    _finds(text, value, typ)


@pytest.mark.parametrize("text", [
    "reset the password to default", "the password to the db", "set the password to sha256",
    "change your password to something else", "creds: admin / sha256",
])
def test_password_to_a_word_stays(text: str) -> None:
    _none(text)


@pytest.mark.parametrize("text,value,typ", [
    ("**Password:** hunter2Secret", "hunter2Secret", "prose_password"),        # markdown
    ("- **Password**: `hunter2Secret`", "hunter2Secret", "prose_password"),
    ("*Password*: hunter2Secret", "hunter2Secret", "prose_password"),
    ("Password: **hunter2Secret**", "hunter2Secret", "prose_password"),
    ("The DB password (hunter2Secret) is in the vault.", "hunter2Secret", "prose_password"),
    ('the wifi password is "Summer 2024!"', "Summer 2024!", "prose_password"),  # blanks
    ("The credentials are admin/hunter2Secret", "hunter2Secret", "prose_login"),
    ("creds: admin/Xk9#mQ2v", "Xk9#mQ2v", "prose_login"),
])
def test_markdown_parentheses_quoted_blanks_and_glued_logins(text: str, value: str,
                                                             typ: str) -> None:
    _finds(text, value, typ)


@pytest.mark.parametrize("text", [
    'the password is "not set yet"',       # words in quotes
    "password (optional)", "password (8+ chars)", "the password (see below) is",
    "Password: **required**", "Password: _optional_", "**Password:** ********",
    "credentials are aws/prod-db",         # a path: two classes only
    "login is admin/settings",
    "const pw = await readUserInfo.password('New password: ')",  # a call, and a prompt
    "const password = new Password('r0sebud');",                 # a call
    "the password is 'Enter it: '",                              # a prompt in quotes
])
def test_markdown_words_and_paths_stay(text: str) -> None:
    assert [f for f in _prose().explain(text)] == [], text


# -- the value before the word: "use `X` as the password" ------------------------------------
@pytest.mark.parametrize("text,value", [
    ("Use `hunter2Secret` as the password.", "hunter2Secret"),
    ("use hunter2Secret as the admin password", "hunter2Secret"),
    ("with 'Xk9#mQ2v' as your passphrase", "Xk9#mQ2v"),
    ('pass "Summer 2024!" as password', "Summer 2024!"),
    ("use \u201cXk9#mQ2v\u201d as the password", "Xk9#mQ2v"),     # typographic quotes
    ("use hunter2Secret  as a password", "hunter2Secret"),          # blanks before `as`
    ("AS THE PASSWORD: hunter2Secret... no: use hunter2Secret AS THE PASSWORD", "hunter2Secret"),
    # each anchor of the phrase
    *[(f"use hunter2Secret as {w}", "hunter2Secret") for w in (
        "an admin password", "my password", "our password", "its password", "their password",
        "passphrase", "passwd", "passcode", "pw")],
])
def test_a_value_before_as_the_password(text: str, value: str) -> None:
    at = text.rindex(value)
    assert _prose().explain(text)[-1:] == [Finding("prose_password", "prose", at, at + len(value))]
    assert_absent(value, _prose().redact_text(text))


@pytest.mark.parametrize("text", [
    "Use your email as the password", "use $PW as the password", "use @pw as the password",
    "Set MY_VAR as the password", "use it as the password", "it was used as the password",
    "has the password", 'use "correct horse" as the password', "as the password",
    "use `short` as the password", "use `a\nb12345` as the password",   # quotes on two lines
    "use hunter2Secret as the password_field",                         # not the word
    "use hunter2Secret as the username",
    "use hunter2Secret\tas the key",
    # `was`, not `as` (`X was the password.` is a statement: `_IS_PASSWORD`, below)
    "hunter2Secret was the password field",
])
def test_other_values_before_as_stay(text: str) -> None:
    assert _prose().explain(text) == [], text


@pytest.mark.parametrize("text,value,typ", [
    ("use hunter2SecretX as the password", "hunter2SecretX", "prose_password"),  # ends in X
    ("hunter2Secret as the password", "hunter2Secret", "prose_password"),  # the text's start
    ("use 'hunter2Secret'  as the password", "hunter2Secret", "prose_password"),
    ("x" * 200 + " use hunter2Secret as the password", "hunter2Secret", "prose_password"),
    ("use '" + "a1" * 64 + "' as the password", "a1" * 64, "prose_password"),  # 128 inside
    ("use hunter2Secret\tas the password", "hunter2Secret", "prose_password"),
    ("creds: admin/123456X", "123456X", "prose_login"),      # letters and digits: chosen
    ("creds: admin/kQzXvBnMwPaL", "kQzXvBnMwPaL", "prose_login"),  # 12 drawn letters
    ("creds: admin/prod-db1", "prod-db1", "prose_login"),    # three classes
])
def test_values_before_as_and_glued_logins_at_their_bounds(text: str, value: str,
                                                           typ: str) -> None:
    at = text.rindex(value)
    assert _prose().explain(text) == [Finding(typ, "prose", at, at + len(value))], text


@pytest.mark.parametrize("text", [
    "use '" + "a1" * 65 + "' as the password",             # 130 inside: too long
    "use " + "a1" * 65 + " as the password",
    "use 'abc' as the password",                            # 3 inside
    "use 'a b' as the password",
    "use **required** as the password",                     # a word in emphasis
    "use **sunshine** as the password",                     # letters only, as unmarked
    "creds: admin/kQzXvBnMwPa",                            # 11 drawn letters, two classes
    "credentials: vault:secret/prod/db",                    # a store's reference
    "credentials: ssm:prod-db-pw9",                         # one whose path reads as a value
    "the token is hunter2Secret now",                       # a token is drawn, not chosen
])
def test_values_before_as_and_glued_logins_beyond_their_bounds(text: str) -> None:
    assert _prose().explain(text) == [], text


# -- a phrase that is the secret: passphrases, seed and recovery phrases ---------------------
SEED = "abandon ability able about above absent absorb abstract absurd abuse access accident"


@pytest.mark.parametrize("text,value", [
    ("passphrase: correct horse battery staple", "correct horse battery staple"),
    (f"seed phrase: {SEED}", SEED),                       # `above`: a BIP39 word
    (f'mnemonic phrase: "{SEED}"', SEED),
    (f"Recovery phrase is {SEED}.", SEED),
    ("secret phrase = zoo zoo wrong\nnext", "zoo zoo wrong"),
    ("the pass phrase: lemon tiger cloud", "lemon tiger cloud"),
])
def test_a_phrase_that_is_the_secret(text: str, value: str) -> None:
    _finds(text, value)


@pytest.mark.parametrize("text", [
    "The passphrase is used to encrypt the key",       # words that hold a sentence
    "passphrase: Enter a passphrase",
    "passphrase: none none none",                      # one word repeated
    "passphrase: lemon tiger",                         # two words: too few
    "seed phrase: abandon ability able, then more",    # the phrase goes on as a sentence
    "mnemonicphrase: lemon tiger cloud",               # not the word
    "seed phrase: lemon tiger cloud and more words",   # `and`
])
def test_phrases_that_are_sentences_stay(text: str) -> None:
    _none(text)


# -- probes-6: sentences nobody had tried ------------------------------------------------
PW6 = "Copper!4450ridge#"


def _found_once(text: str, value: str, typ: str) -> None:
    at = text.index(value)
    assert _prose().explain(text) == [Finding(typ, "prose", at, at + len(value))], text
    assert_absent(value, _prose().redact_text(text))


@pytest.mark.parametrize("text", [
    f"{PW6} is the admin password for the staging box.",
    f"`{PW6}` is the password.",
    f"{PW6} was my password",
    f"ok {PW6} is the root password, don't share",
    f"{PW6} is the new admin password.",
    f"{PW6} is the password for the db\nnext line",
    # each determiner the statement is anchored on
    f"{PW6} is our wifi password.", f"{PW6} is your password.", f"{PW6} was its password.",
    f"{PW6} is their password.",
])
def test_a_value_before_is_the_password(text: str) -> None:
    _found_once(text, PW6, "prose_password")


@pytest.mark.parametrize("text", [
    f"{PW6} is the password field",           # the clause goes on: something else is named
    "This is the password.",                  # a word
    "It is the password for the box.",
    f"{PW6} is the password manager I use.",
    f"{PW6} is the first admin password hint",
    f"{PW6}is the password.",                 # glued: no value before
    f"set {PW6} has the password",            # `as the` inside a word: no blank before it
])
def test_other_statements_stay(text: str) -> None:
    assert _prose().explain(text) == [], text


@pytest.mark.parametrize("text", [
    f"user admin pass {PW6}",
    f"username bob, password {PW6}",
    f"user: deploy pwd: {PW6}",
])
def test_user_then_pass(text: str) -> None:
    _found_once(text, PW6, "prose_login")


def test_user_then_a_chosen_password() -> None:
    # letters and digits only: a code name's shape, a password after a password word
    _found_once("user admin pass hunter2Secret", "hunter2Secret", "prose_login")
    _found_once("use admin:hunter2Secret to log in", "hunter2Secret", "prose_login")


@pytest.mark.parametrize("text", [
    "the user admin logged in at 10:42",
    "user bob: hello world",
    "user admin pass through the proxy",      # a word
    "user admin pass $PASSWORD",
    f"superuser admin pass {PW6}",             # not the word `user`
])
def test_other_user_lines_stay(text: str) -> None:
    assert _prose().explain(text) == [], text


@pytest.mark.parametrize("text", [
    f"use admin:{PW6} to log in to grafana",
    f"try 'admin:{PW6}' to sign in",
    f"with bob:{PW6} to authenticate",
    f"admin:{PW6} to log in",                  # at the text's very start
])
def test_user_colon_password_before_to_log_in(text: str) -> None:
    _found_once(text, PW6, "prose_login")


@pytest.mark.parametrize("text", [
    "go to https://x.io:443 to log in",
    "use admin:<password> to log in",
    "use admin:password to log in",           # a word
    f"use admin:{PW6}to log in",              # no blank before the phrase
    "click on:Settings to log in",
])
def test_other_words_before_to_log_in_stay(text: str) -> None:
    assert _prose().explain(text) == [], text


@pytest.mark.parametrize("text,typ", [
    (f'"The wifi password is {PW6}"', "prose_password"),     # a JSON string's end
    (f'"the password is \\"{PW6}\\""', "prose_password"),
    (f"Zugangsdaten: admin / {PW6}", "prose_login"),
    (f"la password dell'admin è {PW6}", "prose_password"),
    (f"You can now log in with **admin** / **{PW6}**.", "prose_login"),
    (f"login: admin password: {PW6}", "prose_login"),
])
def test_more_forms(text: str, typ: str) -> None:
    _found_once(text, PW6, typ)


def test_a_passphrase_after_a_qualifier() -> None:
    phrase = "purple monkey dishwasher radio"
    _found_once(f"the passphrase for the key is {phrase}", phrase, "prose_password")
    _found_once(f'"my seed phrase: {phrase}"', phrase, "prose_password")
    assert _prose().explain("the passphrase for the key is stored in the vault") == []
    assert _prose().explain("the passphrase for the key purple monkey dishwasher") == []


@pytest.mark.parametrize("text", [
    # A verb starts a word: `ist` in `MailList`, `er` in `user` are none (a qualifier may end
    # inside a word).
    "\"Enter username and password for 'Unicode-MailList-Archives' at server\"",
    "Enter passphrase for key '/Users/<user>/.ssh/id_rsa':",
])
def test_no_verb_inside_a_word(text: str) -> None:
    assert _prose().explain(text) == [], text


@pytest.mark.parametrize(("blanks", "found"), [(12, True), (13, False)])
def test_the_value_before_the_statement_starts_within_140_characters(blanks: int,
                                                                     found: bool) -> None:
    value = ("Zq8XvT3mWk9PbR4n" * 8)[:127] + "!"        # 128 characters, the longest value
    text = f"{value}{' ' * blanks}is the password."
    assert bool(_prose().explain(text)) is found


# -- probes-7: "set the password auf/sur/a X", bold labels, a prompt then output ----------
@pytest.mark.parametrize("text,value,typ", [
    (f"Ich habe das Passwort auf {VALUE}! gesetzt.", f"{VALUE}!", "prose_password"),
    (f"J'ai défini le mot de passe sur {VALUE}!", f"{VALUE}!", "prose_password"),
    (f"He cambiado la contraseña a {VALUE}!", f"{VALUE}!", "prose_password"),
    (f"Ik heb het wachtwoord naar {VALUE}! gewijzigd.", f"{VALUE}!", "prose_password"),
    (f"* **Token:** {VALUE}\n* **Expires:** 2027-01-01", VALUE, "prose_secret"),
    (f"- **API key**: {VALUE}", VALUE, "prose_secret"),
    (f"**Secret:*  {VALUE}", VALUE, "prose_secret"),
])
def test_probes7_found(text: str, value: str, typ: str) -> None:
    at = text.index(value)
    assert _prose().explain(text) == [Finding(typ, "prose", at, at + len(value))], text


@pytest.mark.parametrize("text", [
    '"docker login -u deployer registry.gitlab.com\\nPassword:\\nLogin Succeeded"',
    "Password:\\nLogin Succeeded",
    "**Key:** required",
    "**Token:** see the dashboard",
    "**Primary key:** id",
    "Das Passwort auf dem Zettel ist alt.",            # `auf` then words
    "set the password a few days ago",
])
def test_probes7_kept(text: str) -> None:
    assert _prose().explain(text) == [], text


@pytest.mark.parametrize("text", [
    "echo $CR_PAT | docker login --password-stdin",
    "run `podman login --password-stdin` then push",
    "docker login --password-stdin < token.txt",
])
def test_a_login_flag_is_no_user(text: str) -> None:
    _none(text)


def test_a_user_with_one_letter_still_counts() -> None:
    _finds("login: -a- password hunter2Secret", "hunter2Secret", "prose_login")
    _finds("login: -7- password hunter2Secret", "hunter2Secret", "prose_login")  # or digit


@pytest.mark.parametrize("text,value", [
    ("fix deploy: the root pw Saffron514Kestrel! was wrong in the runbook",
     "Saffron514Kestrel!"),
    ("ssh in with pw Otter874Granite% and restart nginx", "Otter874Granite%"),
    ("the pw `Qz8!kLm2pR` works", "Qz8!kLm2pR"),
])
def test_pw_then_the_value(text: str, value: str) -> None:
    at = text.index(value)
    assert _prose().explain(text) == [Finding("prose_password", "prose", at, at + len(value))]


@pytest.mark.parametrize("text", [
    "pw reset link sent to alice@acme.io",
    "set the pw length to 12",
    "npw 9f8Xk2Lm!Q7pZ",                        # glued to a word: no `pw`
    "the pw hunter22 fails",                   # two classes: could be a word of the sentence
])
def test_pw_then_a_word_stays(text: str) -> None:
    assert _prose().explain(text) == []
