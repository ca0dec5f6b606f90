"""The detector registry: which modules under `redact/detectors/` exist, in what order.

A detector is added by writing its module (exposing `DETECTOR`) and listing it here. Order
only matters for ties; the engine resolves overlaps by priority and length.
"""

from __future__ import annotations

import importlib
from functools import cache

from cctrace.redact.detectors.base import Detector

# Provider token formats (specific, mostly prefixed; many checksum-validated).
PROVIDERS: tuple[str, ...] = (
    "adobe", "age", "airtable", "alibaba", "anthropic", "asana", "atlassian", "aws", "azure",
    "braintree", "brevo", "buildkite", "circleci", "clickup", "cloudflare", "contentful",
    "databricks", "datadog", "digitalocean", "discord", "dockerhub", "doppler", "dropbox",
    "dynatrace", "easypost", "facebook", "figma", "firebase", "flutterwave", "flyio", "gcp",
    "github",
    "gitlab", "grafana", "groq", "hashicorp", "heroku", "huggingface", "jfrog", "langfuse",
    "linear", "mailchimp", "mailgun", "mapbox", "msteams", "netlify", "newrelic", "notion",
    "npm", "nuget", "okta", "onepassword", "openai", "openrouter", "openshift",
    "perplexity", "planetscale", "postman", "prefect", "pulumi", "pypi", "readme", "render",
    "replicate", "rubygems", "salesforce", "sendgrid", "sentry", "shippo", "shopify", "slack",
    "sonarqube", "sourcegraph", "square", "stripe", "supabase", "tailscale", "telegram",
    "tencent", "twilio", "twitter", "typeform", "vercel", "xai",
)
# Structural and keyword-gated detectors.
GENERIC: tuple[str, ...] = (
    "jwt", "private_key", "url_credentials", "connection_string", "auth_header",
    "generic_assignment", "env_command", "cli_flags", "service_context", "prose", "prose_i18n",
    "netrc", "pgpass", "url_path", "encoded", "table_column", "prose_value", "secret_file",
    "name_value", "url_segment", "password_hash", "ci_mask", "php_define",
    "terraform_state", "daemon_config", "next_line", "one_time_codes", "windows_cli",
    "console_login", "terraform_variable", "signed_url", "oauth_code", "cli_positional",
    "k8s_secret", "app_password", "label_argument", "command_output", "substitution",
    "terraform_plan", "redis_console", "delimited_rows", "credential_lines",
    "prose_rotation",
)
# Personal data: only with PII redaction switched on.
PII: tuple[str, ...] = (
    "email", "phone", "credit_card", "iban", "ip_address", "us_ssn",
)


@cache
def load(name: str) -> Detector:
    """The `DETECTOR` of module `cctrace.redact.detectors.<name>`."""
    detector = importlib.import_module(f"cctrace.redact.detectors.{name}").DETECTOR
    if not isinstance(detector, Detector):
        raise TypeError(f"cctrace.redact.detectors.{name}.DETECTOR is not a Detector")
    return detector


def detectors(pii: bool = False) -> list[Detector]:
    """Every registered detector; PII ones only when `pii` is true."""
    names = PROVIDERS + GENERIC + (PII if pii else ())
    return [load(name) for name in names]
