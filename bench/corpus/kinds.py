"""Secret kinds and look-alike negatives for the layouts benchmark (bench/redaction_layouts.py).

A kind draws one fake secret: the value to plant, the forms of it that must be gone from
the output (a connection string's password, not its host), a variable name a developer
would give it and whether it spans lines. Negatives are values that are not secrets: either
references and placeholders that may stand in any secret slot, or look-alikes (git SHAs,
UUIDs, integrity hashes, digests, base64 of text, identifiers, paths) under a neutral name.
All values are random fakes drawn from a seeded `random.Random`; none is a real secret.
"""

from __future__ import annotations

import base64
import random
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from bench.corpus import fakes

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"


@dataclass(frozen=True)
class Secret:
    """One planted value: `forms` are the strings scored for leaks (each 12-char piece)."""

    kind: str
    name: tuple[str, ...]  # variable name as words: ("service", "token")
    value: str
    forms: tuple[str, ...]
    multiline: bool = False
    url: bool = False  # the value is a whole URL / DSN (its password is the form)


def _r(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _pick_name(rng: random.Random, options: list[str]) -> tuple[str, ...]:
    return tuple(rng.choice(options).split("_"))


# Names a secret gets, from the explicit to the vague (a tired developer's `KEY`, `AUTH`).
GENERIC_NAMES = [
    "service_token", "api_key", "api_secret", "db_pass", "db_password", "secret_key",
    "auth_token", "access_token", "webhook_secret", "signing_key", "session_secret",
    "client_secret", "master_key", "hmac_secret", "private_token", "app_secret", "auth",
    "key", "credentials", "encryption_key", "jwt_secret", "admin_password", "deploy_token",
]
PASSWORD_NAMES = ["password", "db_password", "admin_password", "pg_password", "smtp_password",
                  "redis_password", "mysql_root_password", "passwd", "pwd", "db_pass"]
WORDS = ["summer", "winter", "raptor", "falcon", "orange", "monkey", "dragon", "sunshine",
         "bluebird", "coffee", "harbor", "maple", "rocket", "tiger", "velvet", "zephyr",
         "puzzle", "granite", "lemon", "pirate"]
SYMBOLS = "!@#$%&*?-_.+="


def _password(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.choice((1, 1, 2)))]
    words = [w.capitalize() if rng.random() < 0.7 else w for w in words]
    digits = _r(rng, string.digits, rng.randint(2, 4))
    sym = rng.choice(SYMBOLS)
    shape = rng.randrange(4)
    if shape == 0:
        return "".join(words) + digits + sym
    if shape == 1:
        return "".join(words) + sym + digits
    if shape == 2:
        return sym.join(words) + digits + rng.choice("!#$%&")
    # leetspeak-ish with a symbol inside
    w = "".join(words).replace("o", "0").replace("a", "@").replace("e", "3")
    return w + digits + sym


def _pem(rng: random.Random, label: str, lines: int) -> tuple[str, tuple[str, ...]]:
    body = [_r(rng, B64, 64) for _ in range(lines)] + [_r(rng, B64, rng.randint(20, 60)) + "="]
    if label == "OPENSSH PRIVATE KEY":
        body[0] = "b3BlbnNzaC1rZXktdjEAAAAA" + body[0][24:]
        body[1:] = [line[:70] if len(line) > 70 else line for line in body[1:]]
    text = f"-----BEGIN {label}-----\n" + "\n".join(body) + f"\n-----END {label}-----"
    return text, tuple(body)


def _jwt(rng: random.Random) -> str:
    def seg(obj: str) -> str:
        return base64.urlsafe_b64encode(obj.encode()).decode().rstrip("=")
    head = seg('{"alg":"HS256","typ":"JWT"}')
    sub, name = rng.randint(1000, 99999), rng.choice(WORDS)
    body = seg(f'{{"sub":"{sub}","name":"{name}","iat":{rng.randint(1600000000, 1800000000)}}}')
    return f"{head}.{body}.{_r(rng, URLSAFE, 43)}"


def _dsn(rng: random.Random) -> tuple[str, str]:
    pw = rng.choice([_r(rng, ALNUM, rng.randint(12, 24)), _password(rng)])
    from urllib.parse import quote
    scheme, port = rng.choice([("postgresql", 5432), ("postgres", 5432), ("mysql", 3306),
                               ("mongodb+srv", None), ("redis", 6379), ("amqp", 5672)])
    host = rng.choice(["db.internal", "prod-db.cluster-c1x2.eu-west-1.rds.amazonaws.com",
                       "10.0.3.17", "cache.prod.svc"])
    user = rng.choice(["app", "admin", "deploy", "svc_billing"])
    hp = f"{host}:{port}" if port else host
    return f"{scheme}://{user}:{quote(pw, safe='')}@{hp}/{rng.choice(['app', 'prod', '0'])}", \
        quote(pw, safe="")


def _simple(kind: str, names: list[str], gen: Callable[[random.Random], str]):
    def draw(rng: random.Random) -> Secret:
        v = gen(rng)
        return Secret(kind, _pick_name(rng, names), v, (v,))
    return draw


def _draw_dsn(rng: random.Random) -> Secret:
    url, pw = _dsn(rng)
    return Secret("connection_string", _pick_name(rng, ["database_url", "db_dsn", "redis_url",
                                                          "mongo_uri", "broker_url"]),
                  url, (pw,), url=True)


def _draw_pem(label: str, lines: int, kind: str):
    def draw(rng: random.Random) -> Secret:
        text, body = _pem(rng, label, lines)
        return Secret(kind, _pick_name(rng, ["private_key", "ssh_key", "tls_key", "signing_key"]),
                      text, body, multiline=True)
    return draw


KINDS: dict[str, Callable[[random.Random], Secret]] = {
    "github_pat": _simple("github_pat", ["github_token", "gh_token", "token"],
                          lambda r: fakes.github_token("ghp_", r)),
    "github_fine_grained": _simple("github_fine_grained", ["github_token", "gh_pat"],
                                   lambda r: "github_pat_11" + _r(r, string.ascii_uppercase
                                                                  + string.digits, 20)
                                   + "_" + _r(r, ALNUM, 59)),
    "gitlab_pat": _simple("gitlab_pat", ["gitlab_token", "ci_token", "private_token"],
                          lambda r: "glpat-" + _r(r, URLSAFE, 20)),
    "slack_bot": _simple("slack_bot", ["slack_bot_token", "slack_token"],
                         lambda r: f"xoxb-{_r(r, string.digits, 12)}-{_r(r, string.digits, 13)}"
                         f"-{_r(r, ALNUM, 24)}"),
    "stripe_secret": _simple("stripe_secret", ["stripe_secret_key", "stripe_key", "stripe_api_key"],
                             lambda r: "sk_live_" + _r(r, ALNUM, r.choice((24, 99)))),
    "aws_access_key_id": _simple("aws_access_key_id", ["aws_access_key_id"],
                                 lambda r: "AKIA" + _r(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
    "aws_secret_access_key": _simple("aws_secret_access_key", ["aws_secret_access_key",
                                                               "aws_secret_key"],
                                     lambda r: _r(r, B64, 40)),
    "openai": _simple("openai", ["openai_api_key", "openai_key"],
                      lambda r: "sk-proj-" + _r(r, URLSAFE, 74) + "T3BlbkFJ" + _r(r, URLSAFE, 74)),
    "anthropic": _simple("anthropic", ["anthropic_api_key", "claude_key"],
                         lambda r: "sk-ant-api03-" + _r(r, URLSAFE, 93) + "AA"),
    "google_api_key": _simple("google_api_key", ["google_api_key", "maps_api_key", "gcp_key"],
                              lambda r: "AIza" + _r(r, URLSAFE, 35)),
    "npm": _simple("npm", ["npm_token", "node_auth_token"],
                   lambda r: fakes.github_token("npm_", r)),
    "pypi": _simple("pypi", ["pypi_token", "twine_password"],
                    lambda r: fakes.pypi_token(fakes.PYPI_LOCATION, r)),
    "jwt": _simple("jwt", ["jwt", "id_token", "access_token", "auth_token"], _jwt),
    "private_key_pem": _draw_pem("RSA PRIVATE KEY", 6, "private_key_pem"),
    "private_key_openssh": _draw_pem("OPENSSH PRIVATE KEY", 5, "private_key_openssh"),
    "generic_hex": _simple("generic_hex", GENERIC_NAMES,
                           lambda r: _r(r, HEX, r.choice((16, 24, 32, 40, 48, 64)))),
    "generic_base64": _simple("generic_base64", GENERIC_NAMES,
                              lambda r: _r(r, B64, r.choice((16, 22, 32, 43, 64)))),
    "generic_alnum": _simple("generic_alnum", GENERIC_NAMES,
                             lambda r: _r(r, ALNUM, r.randint(16, 64))),
    "password": _simple("password", PASSWORD_NAMES, _password),
    "connection_string": _draw_dsn,
}


@dataclass(frozen=True)
class Negative:
    """A value that must come out byte-identical. `slot`: a reference or placeholder that
    may stand where a secret goes; otherwise a look-alike under a neutral name."""

    kind: str
    name: tuple[str, ...]
    value: str
    slot: bool


def _b64_text(rng: random.Random) -> str:
    text = rng.choice(["Hello, world! This is the build banner for release ",
                       "Welcome to the staging environment of the billing service ",
                       '{"kind":"feature-flags","enabled":["search","export"]} '])
    return base64.b64encode((text + str(rng.randint(1, 99))).encode()).decode()


NEGATIVES: dict[str, Callable[[random.Random], Negative]] = {
    "git_sha": lambda r: Negative("git_sha", ("git", "commit"), _r(r, HEX, 40), False),
    "uuid": lambda r: Negative("uuid", ("request", "id"), str(uuid.UUID(int=r.getrandbits(128),
                                                                           version=4)), False),
    "integrity": lambda r: Negative("integrity", ("integrity",),
                                    "sha512-" + base64.b64encode(r.randbytes(64)).decode(), False),
    "image_digest": lambda r: Negative("image_digest", ("image", "digest"),
                                       "sha256:" + _r(r, HEX, 64), False),
    "base64_text": lambda r: Negative("base64_text", ("banner", "b64"), _b64_text(r), False),
    "identifier": lambda r: Negative("identifier", ("handler",), r.choice([
        "handlePaymentIntentSucceededWebhook", "com.example.billing.InvoiceReconciliationService",
        "AbstractSingletonProxyFactoryBean", "test_refresh_token_rotation_on_expiry"]), False),
    "path": lambda r: Negative("path", ("config", "path"), r.choice([
        "/etc/app/config/production.yaml", "/var/run/secrets/kubernetes.io/serviceaccount/token",
        "./certs/client-key.pem", "~/.config/gcloud/application_default_credentials.json"]),
        False),
    "env_ref": lambda r: Negative("env_ref", _pick_name(r, GENERIC_NAMES),
                                  r.choice(["${DB_PASSWORD}", "${API_TOKEN}", "$SECRET_KEY",
                                            "${{ secrets.DEPLOY_TOKEN }}", "{{ .Values.apiKey }}"]),
                                  True),
    "vault_ref": lambda r: Negative("vault_ref", _pick_name(r, GENERIC_NAMES), r.choice([
        "op://prod/stripe/secret-key", "vault:secret/data/prod/db#password",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
        "projects/acme-prod/secrets/api-key/versions/latest", "${ssm:/prod/db/password}"]), True),
    "placeholder": lambda r: Negative("placeholder", _pick_name(r, GENERIC_NAMES), r.choice([
        "<your-token>", "changeme", "xxxxxxxxxxxxxxxx", "YOUR_API_KEY_HERE", "********",
        "<password>", "REPLACE_ME", "your-secret-here"]), True),
}


def draw_secrets(rng: random.Random) -> list[Secret]:
    return [draw(rng) for draw in KINDS.values()]


def draw_negatives(rng: random.Random) -> list[Negative]:
    return [draw(rng) for draw in NEGATIVES.values()]


# The 20 kinds the benchmark started with (`--kinds base` scores only these).
BASE_KINDS: tuple[str, ...] = tuple(KINDS)

# Provider kinds register themselves here (bench/corpus/kinds_providers.py).
from bench.corpus.kinds_providers import PROVIDER_KINDS  # noqa: E402

KINDS.update(PROVIDER_KINDS)
