"""Environment variables capture does not use, turned into findings and doctor advice.

Capture reads no environment (`cctrace.config`, `cctrace.statedir`), because a repository can
set a Claude Code session's environment. That rule needs no recognising of attacks, so it
cannot be bypassed by parsing tricks; what is left is telling the user. The hook notes which
watched variables an event arrived with (name and CRC-32, `cctrace.hook.envnote`);
`session_findings` turns each one whose value differs from the config into a `destination`
finding for that session (the variable's name and what was done, never its value).
`shell_report` tells `cctrace doctor` which variables of the user's own shell are ignored
and how to move them into the config (`cctrace setup --from-env`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cctrace.config import Config
from cctrace.findings import Finding, finding_id
from cctrace.hook.envnote import UNUSED, WATCHED, fingerprint

PRODUCER = "destination"
TAGS = ["owasp-llm.LLM02", "owasp-asi.T9", "attack.T1567"]
# The config setting each watched variable used to override.
SETTING = {
    "LANGFUSE_BASE_URL": "langfuse.base_url", "LANGFUSE_HOST": "langfuse.base_url",
    "LANGFUSE_PUBLIC_KEY": "langfuse.public_key", "LANGFUSE_SECRET_KEY": "langfuse.secret_key",
    "CCTRACE_OTLP_ENDPOINT": "otlp.endpoint", "CCTRACE_HOME": None, "CCTRACE_CONFIG": None,
    "CCTRACE_USER_ID": "trace.user_id", "CCTRACE_ENVIRONMENT": "trace.environment",
    "CCTRACE_RELEASE": "trace.release",
}
# Variables Python's HTTP stack would read; cctrace's client reads none of them.
TRANSPORT = ("https_proxy", "http_proxy", "all_proxy", "requests_ca_bundle", "curl_ca_bundle",
             "ssl_cert_file", "ssl_cert_dir", "netrc")


def configured(cfg: Config, name: str) -> str | None:
    """The config's own value for the setting `name` used to override."""
    return {
        "LANGFUSE_BASE_URL": cfg.langfuse_base_url, "LANGFUSE_HOST": cfg.langfuse_base_url,
        "LANGFUSE_PUBLIC_KEY": cfg.langfuse_public_key,
        "LANGFUSE_SECRET_KEY": cfg.langfuse_secret_key,
        "CCTRACE_OTLP_ENDPOINT": cfg.otlp_endpoint, "CCTRACE_USER_ID": cfg.user_id,
        "CCTRACE_ENVIRONMENT": cfg.environment, "CCTRACE_RELEASE": cfg.release,
    }.get(name)


def matches(cfg: Config, name: str, crc: int) -> bool:
    """Whether a noted value is the config's own (then nothing was ignored)."""
    value = configured(cfg, name)
    if not value:
        return False
    forms = {value, value.rstrip("/"), value.rstrip("/") + "/"}
    return any(fingerprint(v) == crc for v in forms)


@dataclass(frozen=True)
class Ignored:
    """One variable set in an environment and not used."""

    name: str
    setting: str | None
    configured: bool  # the config has its own value for that setting

    @property
    def reason(self) -> str:
        if self.name == "CCTRACE_HOME":
            return "the hook records to the state dir pinned at install, not CCTRACE_HOME"
        if self.name == "CCTRACE_CONFIG":
            return "cctrace reads only <state dir>/config.toml"
        if self.configured:
            return f"differs from {self.setting} in the config, which is what is used"
        return (f"{self.setting} is not set in the config; environment values are not used "
                "(cctrace setup --from-env copies your own)")


def ignored(cfg: Config, note: Mapping[str, int],
            names: Iterable[str] = WATCHED) -> list[Ignored]:
    """The noted variables (of `names`) whose value is not the config's."""
    out = []
    for name in names:
        if name in note and not matches(cfg, name, note[name]):
            setting = SETTING.get(name)
            out.append(Ignored(name, setting, bool(setting and configured(cfg, name))))
    return out


def session_findings(cfg: Config, entries: Iterable[Any],
                     now_ns: int | None = None) -> list[Finding]:
    """One finding per (session, variable, value) among spool entries' environment notes."""
    now = time.time_ns() if now_ns is None else now_ns
    out: dict[str, Finding] = {}
    for entry in entries:
        note = getattr(entry, "env", None)
        payload = getattr(entry, "payload", None)
        if not note:
            continue
        session = payload.get("session_id") if isinstance(payload, dict) else None
        session = session if isinstance(session, str) and session else None
        for name, crc in note.items():
            if name.lower() not in UNUSED:
                continue
            # Once per value, not per session: a corporate proxy in the user's own shell
            # is worth one note, not one per session.
            fid = finding_id(PRODUCER, "env_unused", name, str(crc))
            out.setdefault(fid, Finding(
                id=fid, kind="destination", rule_id="destination.env_unused", severity="low",
                title=f"{name} in the session's environment is not used by cctrace",
                time_ns=now, session_id=session, tags=list(TAGS),
                detail={"variable": name, "action": "ignored",
                        "reason": "cctrace's HTTP client, interpreter and state dir take "
                        "nothing from the environment (export.proxy / *.ca_bundle in the "
                        "config)"}))
        for item in ignored(cfg, note):
            # A value that contradicts the config, or moves state, is reported for every
            # session it appears in; one the config simply lacks (a user who configured
            # through the environment before, or a plant where nothing is configured) once
            # per value, so an upgrade is told once, not every session.
            per_session = item.configured or item.setting is None
            fid = finding_id(PRODUCER, "env_ignored", session if per_session and session
                             else "-", item.name, str(note[item.name]))
            if fid in out:
                continue
            severity = "high" if item.configured or item.setting is None else "medium"
            out[fid] = Finding(
                id=fid, kind="destination", rule_id="destination.env_ignored",
                severity=severity, title=f"{item.name} in the session's environment was "
                "ignored", time_ns=now, session_id=session, tags=list(TAGS),
                detail={"variable": item.name, "action": "ignored", "reason": item.reason,
                        "setting": item.setting or ""},
            )
    return list(out.values())


def transport_report(environ: Mapping[str, str]) -> str | None:
    """A note for doctor when this shell sets proxy / CA variables cctrace does not read
    (common and harmless on corporate machines: informational only)."""
    seen = sorted({k for k in environ if k.lower() in TRANSPORT and environ[k].strip()})
    if not seen:
        return None
    return (f"{', '.join(seen)} set but not used: cctrace takes no proxy or CA bundle from the "
            "environment (set export.proxy / langfuse.ca_bundle / otlp.ca_bundle if exports "
            "need them)")


def shell_report(cfg: Config, environ: Mapping[str, str]) -> list[str]:
    """Lines for doctor: cctrace and Langfuse variables of this shell that capture does not
    use (their values differ from the config, or the config lacks them), and why."""
    names = tuple(n for n in (*WATCHED, "CCTRACE_USER_ID", "CCTRACE_ENVIRONMENT",
                              "CCTRACE_RELEASE") if n != "CCTRACE_HOME")
    note = {n: fingerprint(v) for n in names if (v := environ.get(n, "").strip())}
    return [f"{item.name} is set but not used: {item.reason}"
            for item in ignored(cfg, note, names)]
