"""Trusted destinations: only the user's own config and shell decide where traces go.

The worker inherits Claude Code's environment, and a project can set that environment
(`.claude/settings.json` / `.claude/settings.local.json` `env`), while tools such as direnv or
dotenv loaders copy a repository's `.env` into the shell. So an environment value alone does
not prove the user chose it. `resolve_destination` compares every variable that steers
export (`LANGFUSE_BASE_URL`/`LANGFUSE_HOST`, `LANGFUSE_PUBLIC_KEY`, `LANGFUSE_SECRET_KEY`,
`CCTRACE_OTLP_ENDPOINT`, `CCTRACE_CONFIG`, and the TLS/proxy variables `requests` honours)
with what project-controlled files in the working directory and its parents set. A value
that equals a project-set one is refused unless its host was trusted with
`cctrace trust HOST`; the config file's own value (or the keychain's key) is used instead,
and each refusal becomes a `Finding` of kind "destination". Destinations whose value was
refused and that have no trusted replacement are *held*: their batches are still queued
under the destination's name but not sent, so the user's next `cctrace flush` from their own
shell (or a worker started outside that project) delivers them to the user's destination,
never to the planted one. Non-loopback destinations must be https (`transport`).

The trust list is `<state dir>/trusted-hosts.json` (0600). Project files are only read,
never executed; nothing here touches the network.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cctrace import statedir
from cctrace.config import Config
from cctrace.findings import Finding, finding_id
from cctrace.security.transport import host_of, is_loopback, port_of, transport_problem

TRUST_FILE = "trusted-hosts.json"
NOTED_FINDINGS = os.path.join("security", "destination-findings.jsonl")
PRODUCER = "destination"
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 64

URL_VARS = {"LANGFUSE_BASE_URL": "langfuse", "LANGFUSE_HOST": "langfuse",
            "CCTRACE_OTLP_ENDPOINT": "otlp"}
KEY_VARS = {"LANGFUSE_PUBLIC_KEY": "langfuse", "LANGFUSE_SECRET_KEY": "langfuse"}
CONFIG_VARS = ("CCTRACE_CONFIG",)
# Where the audit log's default anchor goes: a project moving it could hide a rollback.
ANCHOR_VARS = ("CCTRACE_ANCHOR_DIR",)
# Variables `requests` reads at send time: a planted CA bundle plus a planted proxy is a
# man-in-the-middle even over https, so a planted one turns environment use off entirely.
TRANSPORT_VARS = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR",
                  "HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY")
GUARDED = (*URL_VARS, *KEY_VARS, *CONFIG_VARS, *ANCHOR_VARS, *TRANSPORT_VARS)
TAGS = ["OWASP-LLM02", "OWASP-ASI-T9", "MITRE-T1567"]

_DOTENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)\s*[=:]\s*(.*?)\s*$")


# ------------------------------------------------------------------------- trust list


def normalize_host(text: str) -> str:
    """`HOST`, `HOST:PORT` or a URL as the trust list's key (`host` or `host:port`).

    Raises ValueError for something that names no host.
    """
    raw = text.strip()
    if not raw:
        raise ValueError("empty host")
    url = raw if "://" in raw else f"//{raw}"
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise ValueError(f"not a host: {raw!r}") from exc
    if not host or not re.fullmatch(r"[a-z0-9.\-:_\[\]]+", host.lower()):
        raise ValueError(f"not a host: {raw!r}")
    host = host.lower().rstrip(".")
    if "://" in raw and port is None:
        return host
    return f"{host}:{port}" if port else host


def trust_path(state_dir: str) -> str:
    return os.path.join(state_dir, TRUST_FILE)


def load_trusted(state_dir: str) -> list[str]:
    """The trusted hosts (normalized), `[]` when none; an unreadable file trusts nothing."""
    try:
        with open(trust_path(state_dir), encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, ValueError):
        return []
    hosts = doc.get("hosts") if isinstance(doc, dict) else None
    out = []
    for item in hosts if isinstance(hosts, list) else []:
        name = item.get("host") if isinstance(item, dict) else item
        if isinstance(name, str):
            try:
                out.append(normalize_host(name))
            except ValueError:
                continue
    return sorted(set(out))


def _write_private(path: str, text: str) -> None:
    statedir.ensure_dir(os.path.dirname(path))
    tmp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, statedir.FILE_MODE)
    try:
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, statedir.FILE_MODE)
    os.replace(tmp, path)


def save_trusted(state_dir: str, hosts: Iterable[str]) -> list[str]:
    hosts = sorted({normalize_host(h) for h in hosts})
    doc = {"version": 1, "hosts": [{"host": h} for h in hosts]}
    _write_private(trust_path(state_dir), json.dumps(doc, indent=2) + "\n")
    return hosts


def add_trusted(state_dir: str, host: str) -> tuple[str, bool]:
    """Trust `host`; returns (normalized host, whether it was new)."""
    name = normalize_host(host)
    hosts = load_trusted(state_dir)
    if name in hosts:
        return name, False
    save_trusted(state_dir, [*hosts, name])
    return name, True


def remove_trusted(state_dir: str, host: str) -> tuple[str, bool]:
    """Stop trusting `host`; returns (normalized host, whether it was listed)."""
    name = normalize_host(host)
    hosts = load_trusted(state_dir)
    if name not in hosts:
        return name, False
    save_trusted(state_dir, [h for h in hosts if h != name])
    return name, True


def host_trusted(url: str, trusted: Sequence[str]) -> bool:
    """Whether the host of `url` is on the trust list (`host` entries match any port)."""
    host = host_of(url)
    if not host:
        return False
    port = port_of(url)
    return host in trusted or (port is not None and f"{host}:{port}" in trusted)


# --------------------------------------------------------------- project-set values


@dataclass(frozen=True)
class Planted:
    """One value a project-controlled file sets for a variable."""

    name: str
    value: str
    source: str  # the file that sets it


def project_dirs(env: Mapping[str, str], cwd: str | Sequence[str] | None) -> list[str]:
    """The directories whose project files may have shaped `env`: the given cwd(s), plus
    `CLAUDE_PROJECT_DIR` and `PWD` (the worker runs in the state dir, but inherits those
    from the Claude Code session that started it)."""
    given = [cwd] if isinstance(cwd, str) else list(cwd or [])
    out: list[str] = []
    for d in [*given, env.get("CLAUDE_PROJECT_DIR", ""), env.get("PWD", "")]:
        d = d.strip() if isinstance(d, str) else ""
        if d and os.path.isabs(d):
            real = os.path.realpath(d)
            if real not in out:
                out.append(real)
    return out


def _ancestors(path: str, home: str | None) -> list[str]:
    """`path` and its parents, stopping before `home` (the user's own folder, whose
    `.claude/settings.json` is the user's settings, not a project's)."""
    out, cur = [], path
    for _ in range(MAX_DEPTH):
        if home and cur == home:
            break
        out.append(cur)
        parent = os.path.dirname(cur)
        if parent == cur:
            break
        cur = parent
    return out


def _read_small(path: str) -> str | None:
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > MAX_FILE_BYTES:
            return None
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return None


def _unquote(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        return raw[1:-1]
    return raw.split(" #", 1)[0].strip()


def parse_dotenv(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        m = _DOTENV_LINE.match(line)
        if m:
            out[m.group(1)] = _unquote(m.group(2)).strip()
    return out


def parse_settings_env(text: str) -> dict[str, str]:
    try:
        doc = json.loads(text)
    except ValueError:
        return {}
    env = doc.get("env") if isinstance(doc, dict) else None
    if not isinstance(env, dict):
        return {}
    return {k: v.strip() for k, v in env.items() if isinstance(k, str) and isinstance(v, str)}


def project_values(dirs: Sequence[str], home: str | None = None) -> list[Planted]:
    """Every guarded variable a project-controlled file in `dirs` or their parents sets."""
    home = os.path.realpath(home or os.path.expanduser("~"))
    seen: set[str] = set()
    out: list[Planted] = []
    for start in dirs:
        for d in _ancestors(start, home):
            if d in seen:
                continue
            seen.add(d)
            files: list[tuple[str, dict[str, str]]] = []
            for name in ("settings.json", "settings.local.json"):
                path = os.path.join(d, ".claude", name)
                text = _read_small(path)
                if text is not None:
                    files.append((path, parse_settings_env(text)))
            try:
                names = sorted(os.listdir(d))
            except OSError:
                names = []
            for name in names:
                if name in (".env", ".envrc") or name.startswith(".env."):
                    path = os.path.join(d, name)
                    text = _read_small(path)
                    if text is not None:
                        files.append((path, parse_dotenv(text)))
            for path, values in files:
                for var, value in values.items():
                    if var.upper() in GUARDED and value:
                        out.append(Planted(var.upper(), value, path))
    return out


# ------------------------------------------------------------------------- decision


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:12]


def _finding(rule: str, severity: str, title: str, now_ns: int, key: Sequence[str],
             detail: dict[str, Any]) -> Finding:
    return Finding(
        id=finding_id(PRODUCER, rule, *key), kind="destination", rule_id=rule,
        severity=severity, title=title, time_ns=now_ns, tags=list(TAGS), detail=detail,
    )


def _env_value(env: Mapping[str, str], name: str) -> str:
    return env.get(name, "").strip()


def resolve_destination(
    cfg: Config,
    env: Mapping[str, str],
    cwd: str | Sequence[str] | None,
    *,
    trusted: Sequence[str] | None = None,
    home: str | None = None,
    now_ns: int | None = None,
) -> tuple[Config, list[Finding]]:
    """The config with only the user's own destination values, and why others were refused.

    `cfg` is what `cctrace.config.load` built from the file and `env`. Returns a new
    `Config` (the input is not changed) whose refused values are replaced by the config
    file's (or the keychain's), whose insecure destinations are disabled, with
    `held_destinations` naming the destinations whose batches must wait for a trusted one,
    and `destination_checked` set.
    """
    from cctrace import config as config_mod

    now = time.time_ns() if now_ns is None else now_ns
    trusted = load_trusted(cfg.state_dir) if trusted is None else list(trusted)
    planted = project_values(project_dirs(env, cwd), home)
    by_name: dict[str, list[Planted]] = {}
    for p in planted:
        by_name.setdefault(p.name, []).append(p)

    def source(name: str) -> str | None:
        value = _env_value(env, name)
        if not value:
            return None
        for p in by_name.get(name, []):
            if p.value == value:
                return p.source
        return None

    findings: list[Finding] = []
    refused: dict[str, str] = {}  # variable -> source file

    def refuse(name: str, src: str, host: str | None, why: str) -> None:
        refused[name] = src
        detail = {"variable": name, "source": src, "action": "ignored", "reason": why}
        if host:
            detail["host"] = host
        findings.append(_finding(
            "destination.untrusted_env", "high",
            f"{name} set by a project file was ignored", now,
            (name, _digest(_env_value(env, name)), src), detail,
        ))

    # A planted config path swaps the whole file: reload from the user's own file.
    for name in CONFIG_VARS:
        src = source(name)
        if src:
            refuse(name, src, None, "a project may not choose cctrace's config file")
    if "CCTRACE_CONFIG" in refused:
        clean = {k: v for k, v in env.items() if k != "CCTRACE_CONFIG"}
        cfg = config_mod.load(cfg.state_dir, clean, trust=False)

    anchor_env_trusted = True
    for name in ANCHOR_VARS:
        src = source(name)
        if src:
            refuse(name, src, None, "a project may not move cctrace's audit anchor")
            anchor_env_trusted = False

    for name in URL_VARS:
        src = source(name)
        if src and not host_trusted(_env_value(env, name), trusted):
            refuse(name, src, host_of(_env_value(env, name)),
                   "the host is not trusted (cctrace trust HOST)")

    lf_file = cfg.section("langfuse")
    otlp_file = cfg.section("otlp")
    base_url = cfg.langfuse_base_url
    if "LANGFUSE_BASE_URL" in refused or "LANGFUSE_HOST" in refused:
        other = "LANGFUSE_HOST" if "LANGFUSE_BASE_URL" in refused else "LANGFUSE_BASE_URL"
        kept = _env_value(env, other) if other not in refused else ""
        base_url = kept or _file_str(lf_file.get("base_url"))
    # Keys a project sets are only usable towards a host the user trusted: otherwise they
    # could route the user's traces into the project owner's Langfuse project.
    for name in KEY_VARS:
        src = source(name)
        if src and not (base_url and host_trusted(base_url, trusted)):
            refuse(name, src, host_of(base_url or ""),
                   "keys set by a project are used only towards a trusted host")

    changes: dict[str, Any] = {"langfuse_base_url": base_url}
    if "LANGFUSE_PUBLIC_KEY" in refused:
        changes["langfuse_public_key"] = _file_str(lf_file.get("public_key"))
    if "LANGFUSE_SECRET_KEY" in refused:
        secret = _file_str(lf_file.get("secret_key"))
        if secret is None:
            from cctrace.security import keys

            secret = keys.load_secret_key(cfg.state_dir)
        changes["langfuse_secret_key"] = secret
    if "CCTRACE_OTLP_ENDPOINT" in refused:
        changes["otlp_endpoint"] = _file_str(otlp_file.get("endpoint"))

    planted_transport = [n for n in TRANSPORT_VARS
                         if source(n) or _lower_source(env, by_name, n)]
    for name in planted_transport:
        refused[name] = "project"
        findings.append(_finding(
            "destination.untrusted_transport_env", "high",
            f"{name} set by a project file: proxies and CA bundles from the environment "
            "are not used", now, (name,),
            {"variable": name, "action": "environment transport settings ignored"},
        ))

    out = dataclasses.replace(cfg, **changes)
    held = set(cfg.held_destinations)
    touched = {URL_VARS.get(n) or KEY_VARS.get(n) for n in refused}
    if "langfuse" in touched and not out.langfuse_enabled:
        held.add("langfuse")
    if "otlp" in touched and not out.otlp_enabled:
        held.add("otlp")

    for name, url, attr in (("langfuse", out.langfuse_base_url, "langfuse_base_url"),
                            ("otlp", out.otlp_endpoint, "otlp_endpoint")):
        problem = transport_problem(url) if url else None
        if problem:
            findings.append(_finding(
                "destination.insecure_transport", "medium",
                f"{name} destination not used: {problem}", now, (name, _digest(url or "")),
                {"destination": name, "host": host_of(url or ""), "reason": problem,
                 "action": "batches held until the URL is fixed"},
            ))
            out = dataclasses.replace(out, **{attr: None})
            held.add(name)
    out = dataclasses.replace(
        out, held_destinations=tuple(sorted(held)), destination_checked=True,
        trust_env_transport=cfg.trust_env_transport and not planted_transport,
        anchor_env_trusted=anchor_env_trusted, destination_findings=findings,
    )
    return out, findings


def _lower_source(env: Mapping[str, str], by_name: Mapping[str, list[Planted]],
                  name: str) -> bool:
    value = env.get(name.lower(), "").strip()
    return bool(value) and any(p.value == value for p in by_name.get(name, []))


def _file_str(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def is_loopback_url(url: str) -> bool:
    return is_loopback(host_of(url))


# -------------------------------------------------------------------- noted findings


def noted_path(state_dir: str) -> str:
    return os.path.join(state_dir, NOTED_FINDINGS)


def note_findings(state_dir: str, findings: Sequence[Finding]) -> list[Finding]:
    """Append findings not yet noted to `<state>/security/destination-findings.jsonl`
    (0600); returns the new ones. Config loading calls this, so a refusal is on record
    even in a process that never opens the store."""
    if not findings:
        return []
    known = {f.id for f in noted_findings(state_dir)}
    new = [f for f in findings if f.id not in known]
    if not new:
        return []
    path = noted_path(state_dir)
    statedir.ensure_dir(os.path.dirname(path))
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, statedir.FILE_MODE)
    try:
        for f in new:
            os.write(fd, (json.dumps(dataclasses.asdict(f), sort_keys=True) + "\n").encode())
    finally:
        os.close(fd)
    return new


def noted_findings(state_dir: str) -> list[Finding]:
    """The destination findings on record in the state dir, oldest first."""
    try:
        with open(noted_path(state_dir), encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return []
    out = []
    fields = set(Finding.__dataclass_fields__)
    for line in lines:
        try:
            doc = json.loads(line)
            out.append(Finding(**{k: v for k, v in doc.items() if k in fields}))
        except (ValueError, TypeError):
            continue
    return out


def record_findings(store: Any, findings: Sequence[Finding]) -> list[Finding]:
    """Hand findings to the store (`Store.add_findings`, once it exists); returns new ones."""
    add = getattr(store, "add_findings", None)
    if add is None or not findings:
        return []
    return list(add(list(findings)))
