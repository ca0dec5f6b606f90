"""Generators of format-valid fake secrets for every detector, and contexts to embed them in.

Templates use `{X:n}` fields (n random characters of class X); `@github:<prefix>` and
`@pypi:<host>` build checksum-valid GitHub/npm tokens and well-framed PyPI macaroons. Used
by `bench/redaction_eval.py` and by the tests; values are random fakes, never real secrets.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import re

from cctrace.redact.detectors.base import base62_encode

CLASSES = {
    "A": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "a": "abcdefghijklmnopqrstuvwxyz0123456789",
    "l": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "h": "0123456789abcdef",
    "H": "0123456789ABCDEF",
    "d": "0123456789",
    "U": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "w": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
    "b": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
    "B32": "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
    "bech": "qpzry9x8gf2tvdw0s3jn54khce6mua7l".upper(),
}

# type -> templates (one per pattern of that type); a template may carry context.
# The macaroon location of the Python Package Index's tokens, spelled in parts so that no
# registry host name stands in the sources.
PYPI_LOCATION = ".".join(("pypi", "org"))

TEMPLATES: dict[str, list[str]] = {
    "adobe_client_secret": ["p8e-{A:32}"],
    "age_secret_key": ["AGE-SECRET-KEY-1{bech:58}"],
    "airtable_pat": ["pat{A:14}.{h:64}"],
    "alibaba_access_key_id": ["LTAI{A:20}"],
    "anthropic_admin_key": ["sk-ant-admin01-{w:93}AA"],
    "anthropic_api_key": ["sk-ant-api03-{w:93}AA"],
    "anthropic_oauth_token": ["sk-ant-oat01-{w:93}AA"],
    "atlassian_admin_token": ["ATCTT3xFfGN0{w:170}={H:8}"],
    "atlassian_api_token": ["ATATT3xFfGF0{w:170}={H:8}"],
    "aws_access_key_id": ["AKIA{B32:16}"],
    "aws_secret_access_key": ["aws_secret_access_key = {b:40}", "AKIA{B32:16},{b:40}"],
    "aws_session_token": ["aws_session_token={b:300}"],
    "aws_temporary_access_key_id": ["ASIA{B32:16}"],
    "azure_client_secret": ["{A:3}8Q~{A:34}"],
    "azure_sas_signature": [
        "https://acct{a:6}.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&sig={b:43}%3D"
    ],
    "azure_shared_access_key": [
        "Endpoint=sb://ns{a:6}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={b:43}="
    ],
    "azure_storage_account_key": [
        "DefaultEndpointsProtocol=https;AccountName=acct{a:6};AccountKey={b:86}==;EndpointSuffix=core.windows.net"
    ],
    "bitbucket_app_password": ["ATBB{A:28}{H:8}"],
    "braintree_access_token": ["access_token$production${a:16}${h:32}"],
    "brevo_api_key": ["xkeysib-{h:64}-{A:16}"],
    "brevo_smtp_key": ["xsmtpsib-{h:64}-{A:16}"],
    "buildkite_token": ["bkua_{h:40}"],
    "circleci_token": ["CCIPAT_{A:22}_{h:40}"],
    "clickup_token": ["pk_{d:8}_{U:32}"],
    "cloudflare_origin_ca_key": ["v1.0-{h:24}-{h:146}"],
    "contentful_token": ["CFPAT-{w:43}"],
    "databricks_token": ["dapi{h:32}"],
    "datadog_api_key": ["DD_API_KEY={h:32}"],
    "digitalocean_oauth_token": ["doo_v1_{h:64}"],
    "digitalocean_pat": ["dop_v1_{h:64}"],
    "digitalocean_refresh_token": ["dor_v1_{h:64}"],
    "discord_bot_token": ["DISCORD_BOT_TOKEN=M{A:23}.{w:6}.{w:38}"],
    "discord_webhook": ["https://discord.com/api/webhooks/{d:18}/{w:68}"],
    "dockerhub_oat": ["dckr_oat_{w:32}"],
    "dockerhub_pat": ["dckr_pat_{w:27}"],
    "doppler_token": ["dp.pt.{A:43}"],
    "dropbox_token": ["sl.{w:138}"],
    "dynatrace_token": ["dt0c01.{U:24}.{U:64}"],
    "easypost_api_key": ["EZAK{A:54}"],
    "figma_token": ["figd_{w:40}"],
    "flutterwave_secret_key": ["FLWSECK-{h:32}-X"],
    "flyio_macaroon": ["FlyV1 fm2_{b:200}"],
    "flyio_token": ["fo1_{w:43}"],
    "gcp_api_key": ["AIza{w:35}"],
    "gcp_oauth_access_token": ["ya29.{w:120}"],
    "gcp_oauth_client_secret": ["GOCSPX-{w:28}"],
    "gcp_refresh_token": ["1//0{w:100}"],
    "gcp_service_account_key_id": ['"private_key_id": "{h:40}"'],
    "github_app_token": ["@github:ghs_"],
    "github_fine_grained_pat": ["github_pat_11{U:20}_{A:59}"],
    "github_oauth_token": ["@github:gho_"],
    "github_pat": ["@github:ghp_"],
    "github_refresh_token": ["@github:ghr_"],
    "github_user_token": ["@github:ghu_"],
    "gitlab_agent_token": ["glagent-{w:50}"],
    "gitlab_ci_build_token": ["glcbt-{h:2}_{w:20}"],
    "gitlab_deploy_token": ["gldt-{w:20}"],
    "gitlab_feature_flag_token": ["glffct-{w:20}"],
    "gitlab_feed_token": ["glft-{w:20}"],
    "gitlab_incoming_mail_token": ["glimt-{a:25}"],
    "gitlab_oauth_secret": ["gloas-{h:64}"],
    "gitlab_pat": ["glpat-{w:20}"],
    "gitlab_runner_registration_token": ["GR1348941{w:20}"],
    "gitlab_runner_token": ["glrt-{w:20}"],
    "gitlab_scim_token": ["glsoat-{w:20}"],
    "gitlab_trigger_token": ["glptt-{h:40}"],
    "grafana_cloud_token": ["glc_{b:80}="],
    "grafana_service_account_token": ["glsa_{A:32}_{h:8}"],
    "groq_api_key": ["gsk_{A:52}"],
    "heroku_api_key": ["HRKU-AA{w:58}", "HEROKU_API_KEY={h:8}-{h:4}-{h:4}-{h:4}-{h:12}"],
    "huggingface_org_token": ["api_org_{l:34}"],
    "huggingface_token": ["hf_{l:34}"],
    "jfrog_api_key": ["AKCp{A:69}"],
    "jfrog_reference_token": ["cmVmdGtu{A:56}"],
    "langfuse_public_key": ["pk-lf-{h:8}-{h:4}-{h:4}-{h:4}-{h:12}"],
    "langfuse_secret_key": ["sk-lf-{h:8}-{h:4}-{h:4}-{h:4}-{h:12}"],
    "linear_api_key": ["lin_api_{A:40}"],
    "linear_oauth_token": ["lin_oauth_{h:64}"],
    "mailchimp_api_key": ["{h:32}-us{d:1}"],
    "mailgun_api_key": ["key-{h:32}"],
    "mailgun_signing_key": ["MAILGUN_SIGNING_KEY={h:32}-{h:8}-{h:8}"],
    "mapbox_secret_token": ["sk.eyJ{w:60}.{w:22}"],
    "netlify_token": ["nfp_{A:36}"],
    "newrelic_browser_key": ["NRJS-{h:19}"],
    "newrelic_insert_key": ["NRII-{w:32}"],
    "newrelic_user_api_key": ["NRAK-{U:27}"],
    "notion_token": ["ntn_{d:11}{A:35}", "secret_{A:43}"],
    "npm_token": ["@github:npm_"],
    "nuget_api_key": ["oy2{a:43}"],
    "okta_api_token": ["OKTA_API_TOKEN=00{w:40}"],
    "onepassword_service_token": ["ops_eyJ{w:250}"],
    "openai_admin_key": ["sk-admin-{w:74}T3BlbkFJ{w:74}"],
    "openai_api_key": ["sk-{A:20}T3BlbkFJ{A:20}"],
    "openai_project_key": ["sk-proj-{w:74}T3BlbkFJ{w:74}"],
    "openai_service_account_key": ["sk-svcacct-{w:74}T3BlbkFJ{w:74}"],
    "openrouter_api_key": ["sk-or-v1-{h:64}"],
    "perplexity_api_key": ["pplx-{A:48}"],
    "planetscale_oauth_token": ["pscale_oauth_{w:43}"],
    "planetscale_password": ["pscale_pw_{w:43}"],
    "planetscale_token": ["pscale_tkn_{w:43}"],
    "postman_api_key": ["PMAK-{h:24}-{h:34}"],
    "prefect_api_key": ["pnu_{A:36}"],
    "pulumi_access_token": ["pul-{h:40}"],
    "pypi_token": ["@pypi:" + PYPI_LOCATION],
    "readme_api_key": ["rdme_{a:70}"],
    "render_api_key": ["rnd_{A:32}"],
    "replicate_api_token": ["r8_{A:37}"],
    "rubygems_api_key": ["rubygems_{h:48}"],
    "sendgrid_api_key": ["SG.{w:22}.{w:43}"],
    "sentry_dsn_key": ["https://{h:32}@o{d:6}.ingest.sentry.io/{d:7}"],
    "sentry_org_token": ["sntrys_eyJ{w:120}"],
    "sentry_user_token": ["sntryu_{h:64}"],
    "shippo_api_token": ["shippo_live_{h:40}"],
    "shopify_access_token": ["shpat_{h:32}"],
    "shopify_custom_app_token": ["shpca_{h:32}"],
    "shopify_private_app_token": ["shppa_{h:32}"],
    "shopify_shared_secret": ["shpss_{h:32}"],
    "slack_app_token": ["xapp-1-A{U:10}-{d:13}-{h:64}"],
    "slack_bot_token": ["xoxb-{d:12}-{d:13}-{A:24}"],
    "slack_config_token": ["xoxe.xoxp-1-{A:146}"],
    "slack_legacy_token": ["xoxs-{d:12}-{d:12}-{h:32}"],
    "slack_refresh_token": ["xoxe-1-{A:146}"],
    "slack_user_token": ["xoxp-{d:12}-{d:12}-{d:13}-{h:32}"],
    "slack_webhook": ["https://hooks.slack.com/services/T{U:8}/B{U:10}/{A:24}"],
    "sonarqube_token": ["squ_{h:40}"],
    "square_access_token": ["sq0atp-{w:22}"],
    "square_oauth_secret": ["sq0csp-{w:43}"],
    "stripe_restricted_key": ["rk_live_{A:99}"],
    "stripe_secret_key": ["sk_live_{A:99}"],
    "stripe_webhook_secret": ["whsec_{A:32}"],
    "supabase_access_token": ["sbp_{h:40}"],
    "supabase_secret_key": ["sb_secret_{w:31}"],
    "telegram_bot_token": ["{d:10}:AA{w:33}"],
    "tencent_secret_id": ["AKID{A:32}"],
    "terraform_cloud_token": ["{A:14}.atlasv1.{w:67}"],
    "testpypi_token": ["@pypi:test." + PYPI_LOCATION],
    "twilio_api_key": ["SK{h:32}"],
    "twilio_auth_token": ["TWILIO_AUTH_TOKEN={h:32}"],
    "typeform_token": ["tfp_{w:59}"],
    "vault_batch_token": ["hvb.AAAA{w:140}"],
    "vault_service_token": ["hvs.CAES{w:90}"],
    "vercel_token": ["vcp_{A:56}", "VERCEL_TOKEN={A:24}"],
    "xai_api_key": ["xai-{A:80}"],
}

# Structural and generic formats (no provider prefix): secrets found by shape or context.
TEMPLATES.update(
    {
        "private_key": [
            "-----BEGIN RSA PRIVATE KEY-----\n{b:64}\n{b:64}\n{b:40}==\n"
            "-----END RSA PRIVATE KEY-----",
            "-----BEGIN PRIVATE KEY-----\n{b:64}\n{b:30}=\n-----END PRIVATE KEY-----",
        ],
        "ssh_private_key": [
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA{b:40}\n{b:70}\n"
            "-----END OPENSSH PRIVATE KEY-----"
        ],
        "pgp_private_key": [
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF{b:58}\n{b:64}\n=AbCd\n"
            "-----END PGP PRIVATE KEY BLOCK-----"
        ],
        "jwt": ["eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOi{w:40}.{w:43}"],
        "url_password": ["postgres://app:{A:16}@db.internal:5432/app"],
        "connection_string_password": ["Server=db;Database=app;User Id=sa;Password={A:14};"],
        "authorization_header": ["Authorization: Token {A:32}"],
        "bearer_token": ["sent Bearer {w:40}"],
        "basic_auth": ["@basic"],
        "generic_secret": ['db_password = "{A:16}"', "SERVICE_SECRET={A:10}!{d:4}"],
        "cli_password": ["mysql -u root -p{A:12} app", "tool --api-key {A:24} run"],
    }
)

_FIELD = re.compile(r"\{([A-Za-z0-9]+):(\d+)\}")


def _fill(template: str, rng: random.Random) -> str:
    def one(m: re.Match[str]) -> str:
        chars = CLASSES[m.group(1)]
        while True:
            s = "".join(rng.choice(chars) for _ in range(int(m.group(2))))
            # Random fills must look random: at least 2 classes when the class allows it.
            if len(set(s)) > min(len(chars), len(s)) // 3 or len(s) < 6:
                return s

    return _FIELD.sub(one, template)


def github_token(prefix: str, rng: random.Random) -> str:
    body = _fill("{A:30}", rng)
    return prefix + body + base62_encode(binascii.crc32(body.encode()))


def pypi_token(host: str, rng: random.Random) -> str:
    ident = json.dumps({"version": 1, "permissions": "user", "nonce": _fill("{h:32}", rng)})
    data = bytes([2, 1, len(host)]) + host.encode()
    data += bytes([2, len(ident)]) + ident.encode() + b"\x00\x00"
    data += b"\x06\x20" + bytes(rng.randrange(256) for _ in range(32))
    return "pypi-" + base64.urlsafe_b64encode(data).decode().rstrip("=")


def fake(template: str, rng: random.Random) -> str:
    if template.startswith("@github:"):
        return github_token(template[8:], rng)
    if template == "@basic":
        cred = _fill("user{d:3}:{A:14}", rng).encode()
        return "Basic " + base64.b64encode(cred).decode()
    if template.startswith("@pypi:"):
        return pypi_token(template[6:], rng)
    return _fill(template, rng)


# Random fields of a template that are not secret (an account name in a host, a webhook's
# numeric id, a DSN's org and project): detectors leave them on purpose. (type, field index)
NOT_SECRET_FIELDS = {
    ("azure_sas_signature", 0), ("azure_storage_account_key", 0),
    ("azure_shared_access_key", 0), ("sentry_dsn_key", 1), ("sentry_dsn_key", 2),
    ("discord_webhook", 0),
}
MIN_FIELD = 8  # shorter random fields (a region digit, a 3-char prefix) prove nothing alone


def fake_fields(template: str, rng: random.Random) -> tuple[str, list[str]]:
    """A fake and its random fields: what a test checks is gone after redaction (the
    literal context of a template, `db_password = `, is no secret)."""
    if template == "@b64jwt":  # a JWT inside base64 (a Kubernetes secret, a header dump)
        jwt, _ = fake_fields(TEMPLATES["jwt"][0], rng)
        text = base64.b64encode(jwt.encode()).decode()
        return text, [text]
    if template.startswith("@b64:"):
        # `@b64:<lead bytes>:<url-safe 0/1>:<marker>`: a secret assignment starting with
        # `marker`, `lead` bytes into the encoded data, base64-encoded (Kubernetes secrets)
        _, lead, safe, marker = template.split(":", 3)
        raw = ("ab"[:int(lead)] + marker + "\nDB_PASSWORD=" + _fill("{A:20}", rng)).encode()
        text = (base64.urlsafe_b64encode if safe == "1" else base64.b64encode)(raw).decode()
        return "data:\n  value: " + text + "\n", [text]
    if template.startswith("@grouped:"):
        # `@grouped:<text before>`: four groups of four lower-case letters, an app
        # password as Google shows one (each group shorter than a field worth checking)
        value = " ".join(_fill("{l:4}", rng).lower() for _ in range(4))
        return template.split(":", 1)[1] + value + "\n", [value]
    if template.startswith("@"):
        text = fake(template, rng)
        return text, [text.split(" ", 1)[-1] if template == "@basic" else text]
    fields: list[str] = []

    def one(m: re.Match[str]) -> str:
        value = _fill(m.group(0), rng)
        fields.append(value)
        return value

    return _FIELD.sub(one, template), fields


def secret_fields(typ: str, fields: list[str]) -> list[str]:
    """The fields of a `typ` fake that must not survive redaction."""
    return [f for i, f in enumerate(fields)
            if len(f) >= MIN_FIELD and (typ, i) not in NOT_SECRET_FIELDS]


def fakes(rng: random.Random) -> list[tuple[str, str]]:
    """One (type, text) per template: the text holds exactly one secret of that type."""
    return [(typ, fake(t, rng)) for typ, ts in sorted(TEMPLATES.items()) for t in ts]
