"""The detector registry: every module under `redact/detectors/` listed once, in its group;
PII detectors only on request; a module whose `DETECTOR` is not a Detector is refused."""

from __future__ import annotations

import os
import sys
import types

import pytest

from cctrace.redact import registry
from cctrace.redact.detectors import base

DETECTORS_DIR = os.path.dirname(base.__file__)


def test_every_detector_module_is_listed_once() -> None:
    files = sorted(f[:-3] for f in os.listdir(DETECTORS_DIR)
                   if f.endswith(".py") and f not in ("__init__.py", "base.py"))
    listed = registry.PROVIDERS + registry.GENERIC + registry.PII
    assert sorted(listed) == files
    assert len(set(listed)) == len(listed)


def test_groups_and_order() -> None:
    assert registry.PII == ("email", "phone", "credit_card", "iban", "ip_address", "us_ssn")
    assert registry.GENERIC == ("jwt", "private_key", "url_credentials", "connection_string",
                                "auth_header", "generic_assignment", "env_command", "cli_flags",
                                "service_context", "prose", "prose_i18n", "netrc", "pgpass",
                                "url_path", "encoded", "table_column", "prose_value",
                                "secret_file", "name_value", "url_segment", "password_hash",
                                "ci_mask", "php_define", "terraform_state", "daemon_config",
                                "next_line", "one_time_codes", "windows_cli", "console_login",
                                "terraform_variable", "signed_url", "oauth_code",
                                "cli_positional", "k8s_secret", "app_password",
                                "label_argument", "command_output", "substitution",
                                "terraform_plan", "redis_console", "delimited_rows",
                                "credential_lines", "prose_rotation")
    assert registry.PROVIDERS == tuple(sorted(registry.PROVIDERS))
    assert len(registry.PROVIDERS) == 84


def test_detectors_leave_pii_out_unless_asked() -> None:
    names = list(registry.PROVIDERS + registry.GENERIC)
    assert [d.name for d in registry.detectors()] == names
    assert [d.name for d in registry.detectors(pii=False)] == names
    assert [d.name for d in registry.detectors(pii=True)] == names + list(registry.PII)
    assert [d.pii for d in registry.detectors(pii=True)] == \
        [False] * len(names) + [True] * len(registry.PII)


def test_load_gives_the_modules_detector() -> None:
    from cctrace.redact.detectors import github

    assert registry.load("github") is github.DETECTOR
    assert isinstance(registry.load("prose"), base.Detector)


def test_a_module_without_a_detector_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("cctrace.redact.detectors.zz_not_a_detector")
    fake.DETECTOR = {"name": "zz"}  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, fake.__name__, fake)
    with pytest.raises(TypeError) as err:
        registry.load("zz_not_a_detector")
    assert str(err.value) == \
        "cctrace.redact.detectors.zz_not_a_detector.DETECTOR is not a Detector"
