"""Provider kinds for the layouts benchmark: token shapes public scanners know, drawn fresh.

Each kind is written from the provider's documented token shape (prefix, alphabet, length,
separators) as public scanners' rule names and providers' docs describe them, with the
variable names developers give it. Nothing here is derived from cctrace's detectors or from
the external corpus: a kind the product misses stays and is reported. Whole URLs (webhooks,
DSNs, SAS URLs) are `url` kinds scored on their secret part; multi-line documents (service
account JSON, PGP blocks) are `multiline`. Merged into `bench.corpus.kinds.KINDS`.
"""

from __future__ import annotations

import base64
import json
import random
import uuid
from collections.abc import Callable

from bench.corpus.fakes import _fill
from bench.corpus.kinds import Secret, _pick_name, _r

# kind -> (names, template): `{X:n}` fields as in bench.corpus.fakes (A alnum, a lower alnum,
# l letters, h hex, H upper hex, d digits, U upper alnum, w url-safe, b base64, bech bech32).
SIMPLE: dict[str, tuple[list[str], str]] = {
    "slack_user": (["slack_user_token", "slack_token"], "xoxp-{d:11}-{d:11}-{d:13}-{h:32}"),
    "slack_app": (["slack_app_token", "socket_token"], "xapp-1-A{U:10}-{d:13}-{h:64}"),
    "telegram_bot": (["telegram_bot_token", "tg_token", "bot_token"], "{d:10}:AA{w:33}"),
    "twilio_auth_token": (["twilio_auth_token", "twilio_token"], "{h:32}"),
    "twilio_api_key_secret": (["twilio_api_secret", "twilio_secret"], "{A:32}"),
    "sendgrid": (["sendgrid_api_key", "sg_key"], "SG.{w:22}.{w:43}"),
    "mailgun": (["mailgun_api_key", "mg_key"], "key-{h:32}"),
    "mailchimp": (["mailchimp_api_key", "mc_key"], "{h:32}-us{d:2}"),
    "shopify_admin": (["shopify_access_token", "shopify_token"], "shpat_{h:32}"),
    "shopify_shared_secret": (["shopify_shared_secret", "shopify_secret"], "shpss_{h:32}"),
    "square_access": (["square_access_token", "square_token"], "EAAA{w:60}"),
    "square_oauth_secret": (["square_oauth_secret", "square_app_secret"], "sq0csp-{w:43}"),
    "paypal_client_secret": (["paypal_client_secret", "paypal_secret"], "E{w:79}"),
    "atlassian_api_token": (["atlassian_api_token", "jira_api_token", "confluence_token"],
                            "ATATT3xFfGF0{w:170}={H:8}"),
    "jira_legacy_token": (["jira_api_token", "jira_token"], "{A:24}"),
    "linear": (["linear_api_key", "linear_token"], "lin_api_{A:40}"),
    "notion": (["notion_token", "notion_api_key"], "ntn_{d:11}{A:35}"),
    "airtable_pat": (["airtable_token", "airtable_pat"], "pat{A:14}.{h:64}"),
    "asana_pat": (["asana_access_token", "asana_pat"], "2/{d:16}/{d:16}:{h:32}"),
    "heroku": (["heroku_api_key", "heroku_token"], "HRKU-AA{w:58}"),
    "digitalocean": (["digitalocean_token", "do_token"], "dop_v1_{h:64}"),
    "vercel": (["vercel_token", "vercel_api_token"], "{A:24}"),
    "netlify": (["netlify_auth_token", "netlify_token"], "nfp_{A:36}"),
    "cloudflare_api_token": (["cloudflare_api_token", "cf_api_token"], "{w:40}"),
    "cloudflare_global_key": (["cloudflare_api_key", "cf_api_key"], "{h:37}"),
    "fastly": (["fastly_api_token", "fastly_key"], "{w:32}"),
    "datadog_api": (["datadog_api_key", "dd_api_key"], "{h:32}"),
    "datadog_app": (["datadog_app_key", "dd_app_key"], "{h:40}"),
    "newrelic_user": (["new_relic_api_key", "newrelic_user_key"], "NRAK-{U:27}"),
    "newrelic_license": (["new_relic_license_key", "nr_license_key"], "{h:36}NRAL"),
    "sentry_user_token": (["sentry_auth_token", "sentry_token"], "sntryu_{h:64}"),
    "grafana_sa": (["grafana_service_account_token", "grafana_token"], "glsa_{A:32}_{h:8}"),
    "vault_token": (["vault_token", "vault_root_token"], "hvs.CAESI{w:86}"),
    "terraform_cloud": (["tfe_token", "tf_token", "terraform_token"],
                        "{A:14}.atlasv1.{w:67}"),
    "doppler": (["doppler_token", "doppler_service_token"], "dp.st.prd.{A:43}"),
    "pulumi": (["pulumi_access_token", "pulumi_token"], "pul-{h:40}"),
    "dockerhub_pat": (["docker_hub_token", "dockerhub_pat", "docker_password"],
                      "dckr_pat_{w:27}"),
    "azure_client_secret": (["azure_client_secret", "arm_client_secret"], "{A:3}8Q~{w:34}"),
    "firebase_server_key": (["fcm_server_key", "firebase_server_key"],
                            "AAAA{w:7}:APA91b{w:134}"),
    "okta": (["okta_api_token", "okta_token"], "00{w:40}"),
    "auth0_client_secret": (["auth0_client_secret", "auth0_secret"], "{w:64}"),
    "huggingface": (["hf_token", "huggingface_token"], "hf_{l:34}"),
    "replicate": (["replicate_api_token", "replicate_token"], "r8_{A:37}"),
    "cohere": (["cohere_api_key", "co_api_key"], "{A:40}"),
    "mistral": (["mistral_api_key", "mistral_key"], "{A:32}"),
    "groq": (["groq_api_key", "groq_key"], "gsk_{A:52}"),
    "perplexity": (["perplexity_api_key", "pplx_key"], "pplx-{A:48}"),
    "databricks": (["databricks_token", "databricks_pat"], "dapi{h:32}"),
    "postman": (["postman_api_key", "postman_key"], "PMAK-{h:24}-{h:34}"),
    "supabase_access": (["supabase_access_token", "supabase_token"], "sbp_{h:40}"),
    "planetscale": (["planetscale_password", "pscale_password"], "pscale_pw_{w:43}"),
    "age_key": (["age_secret_key", "sops_age_key"], "AGE-SECRET-KEY-1{bech:58}"),
    "stripe_restricted": (["stripe_restricted_key", "stripe_key"], "rk_live_{A:99}"),
    "stripe_webhook": (["stripe_webhook_secret", "webhook_secret"], "whsec_{A:32}"),
    "gitlab_runner": (["runner_token", "gitlab_runner_token"], "glrt-{w:20}"),
    "rubygems": (["gem_host_api_key", "rubygems_api_key"], "rubygems_{h:48}"),
    "nuget": (["nuget_api_key", "nuget_key"], "oy2{a:43}"),
    "anthropic_admin": (["anthropic_admin_key", "anthropic_key"], "sk-ant-admin01-{w:93}AA"),
    "xai": (["xai_api_key", "grok_key"], "xai-{A:80}"),
    "openrouter": (["openrouter_api_key", "openrouter_key"], "sk-or-v1-{h:64}"),
    "tailscale": (["ts_authkey", "tailscale_auth_key"], "tskey-auth-k{A:9}CNTRL-{A:33}"),
    "mapbox_secret": (["mapbox_secret_token", "mapbox_token"], "sk.eyJ1Ijoi{w:50}.{w:22}"),
    "figma": (["figma_token", "figma_pat"], "figd_{w:40}"),
    "contentful": (["contentful_management_token", "cma_token"], "CFPAT-{w:43}"),
    "bitbucket_app_password": (["bitbucket_app_password", "bb_password"], "ATBB{A:28}{H:8}"),
    "circleci": (["circle_token", "circleci_token"], "CCIPAT_{A:22}_{h:40}"),
    "jenkins": (["jenkins_api_token", "jenkins_token"], "11{h:32}"),
    "pagerduty": (["pagerduty_token", "pd_api_key"], "u+{w:18}"),
    "facebook_page": (["facebook_page_token", "fb_access_token"], "EAA{A:180}"),
    "sourcegraph": (["src_access_token", "sourcegraph_token"], "sgp_{h:16}_{h:40}"),
    "onepassword_service": (["op_service_account_token"], "ops_eyJ{b:300}"),
    "aws_session_token": (["aws_session_token", "aws_security_token"],
                          "IQoJb3JpZ2luX2VjE{b:360}"),
}

# Services whose keys are a plain random string next to the service's name (issue 13:
# "dozens of services whose keys are plain 32-64 character hex or alphanumerics").
SERVICE_NAMES = [
    "algolia_admin_key", "segment_write_key", "launchdarkly_sdk_key", "rollbar_access_token",
    "bugsnag_api_key", "pusher_app_secret", "mixpanel_api_secret", "amplitude_api_key",
    "honeycomb_api_key", "logdna_ingestion_key", "sumologic_access_key", "loggly_token",
    "intercom_access_token", "zendesk_api_token", "freshdesk_api_key", "hubspot_api_key",
    "pipedrive_api_token", "codecov_token", "snyk_token", "browserstack_access_key",
    "saucelabs_access_key", "bitly_access_token", "openweather_api_key", "etherscan_api_key",
    "infura_project_secret", "alchemy_api_key", "coinbase_api_secret", "binance_secret_key",
    "plaid_secret", "lob_api_key", "postmark_server_token", "mandrill_api_key",
    "sparkpost_api_key", "vonage_api_secret", "messagebird_access_key", "ably_api_key",
    "pubnub_secret_key", "service_token", "db_pass", "elastic_api_key", "meilisearch_key",
]

HEX = "0123456789abcdef"
URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _simple(kind: str, names: list[str], template: str) -> Callable[[random.Random], Secret]:
    def draw(rng: random.Random) -> Secret:
        v = _fill(template, rng)
        return Secret(kind, _pick_name(rng, names), v, (v,))
    return draw


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _seg(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()
                                    ).decode().rstrip("=")


def _url(kind: str, names: list[str], build: Callable[[random.Random], tuple[str, str]]):
    def draw(rng: random.Random) -> Secret:
        url, secret = build(rng)
        return Secret(kind, _pick_name(rng, names), url, (secret,), url=True)
    return draw


def _slack_webhook(rng: random.Random) -> tuple[str, str]:
    s = _fill("{A:24}", rng)
    return _fill("https://hooks.slack.com/services/T{U:8}/B{U:10}/", rng) + s, s


def _discord_webhook(rng: random.Random) -> tuple[str, str]:
    s = _fill("{w:68}", rng)
    return _fill("https://discord.com/api/webhooks/{d:18}/", rng) + s, s


def _teams_webhook(rng: random.Random) -> tuple[str, str]:
    s = _fill("{h:32}", rng)
    return (f"https://acme.webhook.office.com/webhookb2/{_uuid(rng)}@{_uuid(rng)}"
            f"/IncomingWebhook/{s}/{_uuid(rng)}"), s


def _sentry_dsn(rng: random.Random) -> tuple[str, str]:
    s = _fill("{h:32}", rng)
    return _fill(f"https://{s}@o{{d:6}}.ingest.sentry.io/{{d:7}}", rng), s


def _mongo_atlas(rng: random.Random) -> tuple[str, str]:
    pw = _fill("{A:16}", rng)
    return _fill(f"mongodb+srv://app_user:{pw}@cluster0.{{a:5}}.mongodb.net/prod?"
                 "retryWrites=true&w=majority", rng), pw


def _redis_cloud(rng: random.Random) -> tuple[str, str]:
    pw = _fill("{A:32}", rng)
    return _fill(f"rediss://default:{pw}@redis-{{d:5}}.c1.us-east-1-2.ec2.cloud.redislabs.com"
                 ":{d:5}", rng), pw


def _amqp(rng: random.Random) -> tuple[str, str]:
    pw = _fill("{w:32}", rng)
    user = _fill("{l:8}", rng).lower()
    return f"amqps://{user}:{pw}@rat.rmq2.cloudamqp.com/{user}", pw


def _snowflake(rng: random.Random) -> tuple[str, str]:
    pw = _fill("{A:20}", rng)
    return _fill(f"snowflake://etl_user:{pw}@ab{{d:5}}.eu-central-1/ANALYTICS/PUBLIC?"
                 "warehouse=COMPUTE_WH", rng), pw


def _sas_url(rng: random.Random) -> tuple[str, str]:
    sig = _fill("{b:43}", rng).replace("+", "%2B").replace("/", "%2F") + "%3D"
    return _fill("https://st{a:8}.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b"
                 "&srt=co&sp=rl&se=2031-01-01T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https"
                 f"&sig={sig}", rng), sig


def _draw_parts(kind: str, names: list[str], build: Callable[[random.Random], tuple[str, str]]):
    """A value with one secret inside (a connection string's key): scored on that part."""
    def draw(rng: random.Random) -> Secret:
        value, secret = build(rng)
        return Secret(kind, _pick_name(rng, names), value, (secret,))
    return draw


def _braintree(rng: random.Random) -> tuple[str, str]:
    # The literal `access_token$` prefix is no secret (and is the key's name in a token
    # response): scored on what follows it.
    rest = _fill("production${a:16}${h:32}", rng)
    return "access_token$" + rest, rest


def _azure_storage(rng: random.Random) -> tuple[str, str]:
    key = _fill("{b:86}", rng) + "=="
    return _fill(f"DefaultEndpointsProtocol=https;AccountName=st{{a:8}};AccountKey={key};"
                 "EndpointSuffix=core.windows.net", rng), key


def _azure_servicebus(rng: random.Random) -> tuple[str, str]:
    key = _fill("{b:43}", rng) + "="
    return _fill("Endpoint=sb://ns-{a:8}.servicebus.windows.net/;SharedAccessKeyName="
                 f"RootManageSharedAccessKey;SharedAccessKey={key}", rng), key


def _k8s_sa_token(rng: random.Random) -> str:
    head = _seg({"alg": "RS256", "kid": _fill("{w:43}", rng)})
    ns, sa = rng.choice(["prod", "ci", "default"]), rng.choice(["deployer", "argocd", "runner"])
    body = _seg({"aud": ["https://kubernetes.default.svc.cluster.local"],
                 "exp": rng.randint(1800000000, 1900000000), "iat": rng.randint(1700000000,
                                                                               1799999999),
                 "iss": "https://kubernetes.default.svc.cluster.local",
                 "kubernetes.io": {"namespace": ns, "serviceaccount": {"name": sa,
                                                                       "uid": _uuid(rng)}},
                 "sub": f"system:serviceaccount:{ns}:{sa}"})
    return f"{head}.{body}.{_r(rng, URLSAFE, 342)}"


def _sentry_org(rng: random.Random) -> str:
    payload = {"iat": rng.randint(1700000000, 1799999999), "url": "https://sentry.io",
               "region_url": "https://us.sentry.io", "org": rng.choice(["acme", "initech"])}
    return ("sntrys_" + base64.b64encode(json.dumps(payload, separators=(",", ":")).encode())
            .decode().rstrip("=") + "_" + _fill("{A:43}", rng))


def _discord_bot(rng: random.Random) -> str:
    uid = base64.b64encode(_fill("{d:18}", rng).encode()).decode().rstrip("=")
    return f"{uid}.{_fill('{w:6}', rng)}.{_fill('{w:38}', rng)}"


def _twitter_bearer(rng: random.Random) -> str:
    return "A" * 22 + _fill("{A:18}", rng) + "%3D" + _fill("{A:50}", rng)


def _draw_token(kind: str, names: list[str], gen: Callable[[random.Random], str]):
    def draw(rng: random.Random) -> Secret:
        v = gen(rng)
        return Secret(kind, _pick_name(rng, names), v, (v,))
    return draw


def _gcp_sa_json(rng: random.Random) -> Secret:
    lines = [_fill("{b:64}", rng) for _ in range(6)] + [_fill("{b:40}", rng) + "=="]
    key_id = _fill("{h:40}", rng)
    pem = ("-----BEGIN PRIVATE KEY-----\n" + "\n".join(["MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"
                                                         + lines[0][32:]] + lines[1:])
           + "\n-----END PRIVATE KEY-----\n")
    doc = {"type": "service_account", "project_id": "acme-prod-4821", "private_key_id": key_id,
           "private_key": pem, "client_email": "deployer@acme-prod-4821.iam.gserviceaccount.com",
           "client_id": _fill("{d:21}", rng), "token_uri": "https://oauth2.googleapis.com/token"}
    text = json.dumps(doc, indent=2)
    return Secret("gcp_service_account_json", _pick_name(rng, ["google_credentials",
                                                               "gcp_sa_key"]),
                  text, (key_id, *lines[1:]), multiline=True)


def _pgp_block(rng: random.Random) -> Secret:
    lines = ["lQOYBG" + _fill("{b:58}", rng)] + [_fill("{b:64}", rng) for _ in range(5)]
    text = ("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + "\n".join(lines)
            + "\n=" + _fill("{A:4}", rng) + "\n-----END PGP PRIVATE KEY BLOCK-----")
    return Secret("pgp_private_key", _pick_name(rng, ["gpg_private_key", "signing_key"]), text,
                  tuple(lines), multiline=True)


def _ec_pem(rng: random.Random) -> Secret:
    lines = ["MHcCAQEEI" + _fill("{b:55}", rng), _fill("{b:64}", rng), _fill("{b:32}", rng) + "=="]
    text = "-----BEGIN EC PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END EC PRIVATE KEY-----"
    return Secret("ec_private_key", _pick_name(rng, ["tls_key", "jwt_signing_key"]), text,
                  tuple(lines), multiline=True)


def _service_value(kind: str, alphabet: str, lengths: tuple[int, ...]):
    def draw(rng: random.Random) -> Secret:
        v = _fill(f"{{{alphabet}:{rng.choice(lengths)}}}", rng)
        return Secret(kind, _pick_name(rng, SERVICE_NAMES), v, (v,))
    return draw


PROVIDER_KINDS: dict[str, Callable[[random.Random], Secret]] = {
    **{k: _simple(k, names, t) for k, (names, t) in SIMPLE.items()},
    "slack_webhook": _url("slack_webhook", ["slack_webhook_url", "slack_webhook"],
                          _slack_webhook),
    "discord_webhook": _url("discord_webhook", ["discord_webhook_url"], _discord_webhook),
    "teams_webhook": _url("teams_webhook", ["teams_webhook_url"], _teams_webhook),
    "sentry_dsn": _url("sentry_dsn", ["sentry_dsn"], _sentry_dsn),
    "mongodb_atlas_uri": _url("mongodb_atlas_uri", ["mongodb_uri", "mongo_url"], _mongo_atlas),
    "redis_cloud_url": _url("redis_cloud_url", ["redis_url", "cache_url"], _redis_cloud),
    "amqp_url": _url("amqp_url", ["amqp_url", "cloudamqp_url", "broker_url"], _amqp),
    "snowflake_url": _url("snowflake_url", ["snowflake_url", "warehouse_dsn"], _snowflake),
    "azure_sas_url": _url("azure_sas_url", ["backup_sas_url", "azure_blob_sas"], _sas_url),
    "braintree_token": _draw_parts("braintree_token", ["braintree_access_token", "bt_token"],
                                   _braintree),
    "azure_storage_conn": _draw_parts("azure_storage_conn", ["azure_storage_connection_string",
                                                             "storage_conn"], _azure_storage),
    "azure_servicebus_conn": _draw_parts("azure_servicebus_conn",
                                         ["servicebus_connection_string"], _azure_servicebus),
    "k8s_sa_token": _draw_token("k8s_sa_token", ["kube_token", "sa_token", "token"],
                                _k8s_sa_token),
    "sentry_org_token": _draw_token("sentry_org_token", ["sentry_auth_token"], _sentry_org),
    "discord_bot": _draw_token("discord_bot", ["discord_bot_token", "discord_token"],
                               _discord_bot),
    "twitter_bearer": _draw_token("twitter_bearer", ["twitter_bearer_token", "x_bearer_token"],
                                  _twitter_bearer),
    "gcp_service_account_json": _gcp_sa_json,
    "pgp_private_key": _pgp_block,
    "ec_private_key": _ec_pem,
    "service_hex": _service_value("service_hex", "h", (32, 40, 64)),
    "service_alnum": _service_value("service_alnum", "A", (32, 40, 48, 64)),
}
