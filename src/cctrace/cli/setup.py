"""`cctrace setup`: the first five minutes, as a short wizard or one non-interactive command.

Asks where traces go (Langfuse Cloud EU or US, a self-hosted Langfuse URL, or nowhere:
local only), the Langfuse keys (the secret without echo), the capture level and where to
install the hook; every question has a flag, and `--non-interactive` (or a stdin that is
not a terminal) never prompts. `--from-env` takes the answers from the `LANGFUSE_*` /
`CCTRACE_*` variables of the shell it runs in (the user's own: capture itself never reads
the environment, see `cctrace.config`) and shows what it took, secrets masked. Keys are
checked with a real authenticated request (`GET /api/public/projects`) before anything is
saved; the wizard asks again when they are
refused. Settings are written through `cctrace config`'s code path (comments kept, atomic,
0600); the secret key goes to the OS keychain or its 0600 file (`cctrace.security.keys`),
never into the config file, when that module is present. The hook is installed by
`cctrace install`'s code.
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cctrace import statedir
from cctrace.cli.main import CliError

REGIONS = {"eu": "https://cloud.langfuse.com", "us": "https://us.cloud.langfuse.com"}
LEVELS = ("redacted", "metadata", "full")
SCOPES = ("user", "project", "local", "none")
ATTEMPTS = 3


@dataclass
class Answers:
    """What the wizard settled on; `base_url` None means local only."""

    base_url: str | None
    public_key: str | None
    secret_key: str | None
    capture_level: str
    scope: str
    project: str | None = None
    # Taken over with --from-env; None leaves the config's own value as it is.
    otlp_endpoint: str | None = None
    trace: dict[str, str] | None = None


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "setup", help="set up cctrace: destination, keys (verified), capture level, hook",
        description="Interactive set-up. Every question has a flag; with --non-interactive "
        "nothing is asked (missing answers are an error).")
    p.add_argument("--non-interactive", action="store_true", help="never prompt")
    dest = p.add_mutually_exclusive_group()
    dest.add_argument("--langfuse-url", metavar="URL",
                      help="Langfuse base URL (self-hosted), or 'eu' / 'us' for Langfuse Cloud")
    dest.add_argument("--local-only", action="store_true",
                      help="no server: keep traces in the local store only")
    p.add_argument("--public-key", metavar="PK", help="Langfuse public key (pk-lf-...)")
    p.add_argument("--secret-key-stdin", action="store_true",
                   help="read the Langfuse secret key from stdin (never from the command line)")
    p.add_argument("--capture-level", choices=LEVELS, help="what content is captured")
    p.add_argument("--scope", choices=SCOPES,
                   help="where to install the hook (none: do not install)")
    p.add_argument("--claude-version", metavar="X.Y.Z",
                   help="assume this Claude Code release when installing the hook")
    p.add_argument("--from-env", action="store_true",
                   help="copy LANGFUSE_BASE_URL/LANGFUSE_HOST, LANGFUSE_PUBLIC_KEY, "
                   "LANGFUSE_SECRET_KEY, CCTRACE_OTLP_ENDPOINT and CCTRACE_USER_ID/"
                   "ENVIRONMENT/RELEASE from this shell into the config and the keychain")
    p.set_defaults(func=run)


# --------------------------------------------------------------------------- pure


def resolve_url(text: str) -> str:
    """A region name or a URL as a Langfuse base URL, in the form it will be used
    (`validate_url`); CliError when cctrace would not send there."""
    from cctrace.security.transport import URLError, validate_url

    value = text.strip()
    if value.lower() in REGIONS:
        return REGIONS[value.lower()]
    try:
        return str(validate_url(value)).rstrip("/")
    except URLError as exc:
        raise CliError(f"{value!r}: {exc} (give an https URL, or 'eu' / 'us')",
                       code=2) from exc


ENV_TRACE = {"CCTRACE_USER_ID": "user_id", "CCTRACE_ENVIRONMENT": "environment",
             "CCTRACE_RELEASE": "release"}


def _env(environ: Any, *names: str) -> str | None:
    for name in names:
        value = environ.get(name, "").strip()
        if value:
            return value
    return None


def from_env(args: argparse.Namespace, environ: Any) -> Answers:
    """The answers `--from-env` takes from `environ` (the shell setup runs in)."""
    from cctrace.security.transport import URLError, validate_url

    base = _env(environ, "LANGFUSE_BASE_URL", "LANGFUSE_HOST")
    pk = _env(environ, "LANGFUSE_PUBLIC_KEY")
    sk = _env(environ, "LANGFUSE_SECRET_KEY")
    endpoint = _env(environ, "CCTRACE_OTLP_ENDPOINT")
    given = [n for n, v in (("LANGFUSE_BASE_URL", base), ("LANGFUSE_PUBLIC_KEY", pk),
                            ("LANGFUSE_SECRET_KEY", sk)) if v]
    if given and len(given) < 3:
        missing = sorted({"LANGFUSE_BASE_URL", "LANGFUSE_PUBLIC_KEY",
                          "LANGFUSE_SECRET_KEY"} - set(given))
        raise CliError(f"--from-env: Langfuse is only partly set in this shell: "
                       f"{', '.join(missing)} missing", code=2)
    if endpoint:
        try:
            endpoint = str(validate_url(endpoint))
        except URLError as exc:
            raise CliError(f"--from-env: CCTRACE_OTLP_ENDPOINT: {exc}", code=2) from exc
    trace = {key: value for name, key in ENV_TRACE.items()
             if (value := _env(environ, name))}
    if not base and not endpoint and not trace:
        raise CliError("--from-env: none of LANGFUSE_BASE_URL, LANGFUSE_HOST, "
                       "CCTRACE_OTLP_ENDPOINT, CCTRACE_USER_ID, CCTRACE_ENVIRONMENT or "
                       "CCTRACE_RELEASE is set in this shell", code=2)
    base_url = resolve_url(base) if base else None
    return Answers(base_url, pk, sk, args.capture_level or _current().get("level")
                   or "redacted", args.scope or "user", None, endpoint, trace)


def taken_lines(answers: Answers) -> list[str]:
    """What --from-env took, secrets masked."""
    lines = []
    if answers.base_url:
        lines += [f"  langfuse.base_url   = {answers.base_url}",
                  f"  langfuse.public_key = {answers.public_key}",
                  "  langfuse.secret_key = <set> (to the keychain)"]
    if answers.otlp_endpoint:
        lines.append(f"  otlp.endpoint       = {answers.otlp_endpoint}")
    for key, value in (answers.trace or {}).items():
        lines.append(f"  trace.{key:<13}= {value}")
    return lines


def config_changes(answers: Answers, keychain: bool) -> tuple[dict[str, Any], list[str]]:
    """The settings to write and to remove for `answers`."""
    values: dict[str, Any] = {"capture.level": answers.capture_level}
    unset: list[str] = []
    if answers.otlp_endpoint:
        values["otlp.endpoint"] = answers.otlp_endpoint
    for key, value in (answers.trace or {}).items():
        values[f"trace.{key}"] = value
    if answers.base_url is None and (answers.otlp_endpoint or answers.trace):
        pass  # --from-env without Langfuse keeps a configured Langfuse as it is
    elif answers.base_url is None:
        unset += ["langfuse.base_url", "langfuse.public_key", "langfuse.secret_key"]
    else:
        values["langfuse.base_url"] = answers.base_url
        values["langfuse.public_key"] = answers.public_key
        if keychain:
            unset.append("langfuse.secret_key")
        else:
            values["langfuse.secret_key"] = answers.secret_key
    return values, unset


# --------------------------------------------------------------------------- I/O


def secret_store() -> Any | None:
    """`cctrace.security.keys` if it is there (keychain with a 0600-file fallback)."""
    try:
        mod = importlib.import_module("cctrace.security.keys")
    except ImportError:
        return None
    return mod if callable(getattr(mod, "store_secret_key", None)) else None


def save_config(values: dict[str, Any], unset: Sequence[str]) -> str:
    """Write settings through `cctrace config`'s editor (typed, validated, atomic, 0600)."""
    from cctrace import config as config_mod
    from cctrace.cli import configfile, configkeys

    path = config_mod.config_path(statedir.state_dir())

    def change(doc: Any) -> None:
        for name, value in values.items():
            key_name, key = configkeys.resolve_key(name)
            parts = key_name.split(".")
            table = configfile.table_at(doc, parts[:-1], create=True)
            table[parts[-1]] = configfile.toml_item(configkeys.check_value(key_name, key, value))
        for name in unset:
            parts = name.split(".")
            table = configfile.table_at(doc, parts[:-1], create=False)
            if table is not None and parts[-1] in table:
                del table[parts[-1]]
        return None

    configfile.edit(path, change)
    return path


def install_hook(scope: str, claude_version: str | None) -> int:
    from cctrace.cli import install

    ns = argparse.Namespace(scope=None if scope == "none" else scope, dry_run=False,
                            claude_bin=None, claude_version=claude_version,
                            worker_only=scope == "none")
    return install.run_install(ns)


class Prompter:
    """Questions on a terminal; `ask` / `secret` / `choose` loop until the answer fits."""

    def __init__(self, ask: Callable[[str], str] = input,
                 secret: Callable[[str], str] = getpass.getpass,
                 say: Callable[[str], None] = print) -> None:
        self._ask, self._secret, self.say = ask, secret, say

    def ask(self, question: str, default: str | None = None) -> str:
        suffix = f" [{default}]" if default else ""
        while True:
            answer = self._ask(f"{question}{suffix}: ").strip()
            if answer or default is not None:
                return answer or (default or "")
            self.say("  please answer")

    def secret(self, question: str) -> str:
        while True:
            answer = self._secret(f"{question}: ").strip()
            if answer:
                return answer
            self.say("  please answer")

    def choose(self, question: str, options: Sequence[tuple[str, str]], default: str) -> str:
        self.say(question)
        for n, (value, label) in enumerate(options, 1):
            self.say(f"  {n}) {label}{'  (default)' if value == default else ''}")
        names = [v for v, _ in options]
        while True:
            answer = self._ask(f"choice [1-{len(options)}]: ").strip().lower()
            if not answer:
                return default
            if answer.isdigit() and 1 <= int(answer) <= len(options):
                return names[int(answer) - 1]
            if answer in names:
                return answer
            self.say(f"  type a number from 1 to {len(options)}")


def _current() -> dict[str, Any]:
    from cctrace import config as config_mod

    try:
        cfg = config_mod.load(statedir.state_dir())
    except config_mod.ConfigError:
        return {}
    return {"base_url": cfg.langfuse_base_url, "public_key": cfg.langfuse_public_key,
            "level": (cfg.section("capture").get("level") or "redacted")}


def verify(base_url: str, public_key: str, secret_key: str) -> tuple[bool, str, str | None]:
    from cctrace.checks.probes import check_langfuse_credentials

    probe = check_langfuse_credentials(base_url, public_key, secret_key)
    return probe.ok, probe.message, probe.project


def interactive(args: argparse.Namespace, prompt: Prompter) -> Answers:
    current = _current()
    say = prompt.say
    say("cctrace setup: where Claude Code traces go, what they contain, and the hook.\n")
    base_url: str | None
    if args.local_only:
        base_url = None
    elif args.langfuse_url:
        base_url = resolve_url(args.langfuse_url)
    else:
        known = {v: k for k, v in REGIONS.items()}.get(current.get("base_url") or "")
        default = "local" if not current.get("base_url") else (known or "self")
        where = prompt.choose("Where should traces go?", [
            ("eu", f"Langfuse Cloud, EU region ({REGIONS['eu']})"),
            ("us", f"Langfuse Cloud, US region ({REGIONS['us']})"),
            ("self", "a self-hosted Langfuse (you give its URL)"),
            ("local", "nowhere: keep them in the local store only (cctrace report)"),
        ], default)
        if where == "local":
            base_url = None
        elif where == "self":
            while True:
                try:
                    base_url = resolve_url(prompt.ask(
                        "Langfuse URL", current.get("base_url") if default == "self" else None))
                    break
                except CliError as exc:
                    say(f"  {exc}")
        else:
            base_url = REGIONS[where]
    public_key = secret_key = project = None
    if base_url is not None:
        say(f"\nKeys: Langfuse > your project > Settings > API Keys ({base_url})")
        for attempt in range(ATTEMPTS):
            public_key = args.public_key if (args.public_key and attempt == 0) else \
                prompt.ask("Public key (pk-lf-...)", public_key or current.get("public_key"))
            secret_key = prompt.secret("Secret key (sk-lf-..., not shown)")
            say("  checking the keys with Langfuse ...")
            ok, message, project = verify(base_url, public_key, secret_key)
            say(f"  {'OK: ' if ok else 'not accepted: '}{message}")
            if ok:
                break
        else:
            raise CliError("the keys were not accepted; nothing was saved")
    level = args.capture_level or prompt.choose("\nWhat should traces contain?", [
        ("redacted", "everything, with secrets redacted (recommended)"),
        ("metadata", "no content at all: names, timings, tokens, cost"),
        ("full", "everything, unredacted"),
    ], current.get("level") if current.get("level") in LEVELS else "redacted")
    scope = args.scope or prompt.choose("\nWhere should the Claude Code hook go?", [
        ("user", "every project (~/.claude/settings.json)"),
        ("project", "this project, shared (.claude/settings.json)"),
        ("local", "this project, just me (.claude/settings.local.json)"),
        ("none", "do not install it now"),
    ], "user")
    return Answers(base_url, public_key, secret_key, level, scope, project)


def read_stdin_secret() -> str:
    value = sys.stdin.readline().strip()
    if not value:
        raise CliError("--secret-key-stdin: nothing on stdin", code=2)
    return value


def non_interactive(args: argparse.Namespace) -> Answers:
    if not args.local_only and not args.langfuse_url:
        raise CliError("say where traces go: --langfuse-url URL|eu|us or --local-only", code=2)
    level = args.capture_level or "redacted"
    scope = args.scope or "user"
    if args.local_only:
        if args.public_key or args.secret_key_stdin:
            raise CliError("--local-only takes no keys", code=2)
        return Answers(None, None, None, level, scope)
    base_url = resolve_url(args.langfuse_url)
    if not args.public_key or not args.secret_key_stdin:
        raise CliError("Langfuse needs --public-key and --secret-key-stdin", code=2)
    secret = read_stdin_secret()
    ok, message, project = verify(base_url, args.public_key, secret)
    if not ok:
        raise CliError(f"keys not accepted: {message}; nothing was saved")
    print(f"OK: {message}")
    return Answers(base_url, args.public_key, secret, level, scope, project)


def apply(answers: Answers, claude_version: str | None) -> int:
    keys = secret_store()
    stored = None
    if keys is not None and answers.base_url and answers.secret_key:
        stored = keys.store_secret_key(answers.secret_key, statedir.state_dir())
    values, unset = config_changes(answers, keychain=stored is not None)
    path = save_config(values, unset)
    if keys is not None and answers.base_url is None and not (answers.otlp_endpoint
                                                              or answers.trace):
        keys.delete_secret_key(statedir.state_dir())
    where = "local store only" if answers.base_url is None else f"Langfuse {answers.base_url}"
    if answers.otlp_endpoint:
        where = ("" if answers.base_url is None else where + ", ") + \
            f"OTLP {answers.otlp_endpoint}"
    print(f"\nsaved {path}: {where}, capture level {answers.capture_level}")
    if stored is not None:
        backend = getattr(stored, "backend", "")
        print("secret key: " + ("in the OS keychain" if backend == "keyring"
                                else f"in {getattr(stored, 'path', '') or 'a 0600 file'}"))
        if getattr(stored, "warning", None):
            print(f"note: {stored.warning}", file=sys.stderr)
    code = install_hook(answers.scope, claude_version)
    print("\nnext: run `claude` as usual, then `cctrace sessions` or `cctrace report`;"
          " `cctrace doctor` checks everything")
    return code


def run_from_env(args: argparse.Namespace) -> int:
    if args.langfuse_url or args.local_only or args.public_key or args.secret_key_stdin:
        raise CliError("--from-env takes the destination and keys from the environment; "
                       "drop --langfuse-url/--local-only/--public-key/--secret-key-stdin",
                       code=2)
    answers = from_env(args, os.environ)
    print("taken from this shell's environment:")
    print("\n".join(taken_lines(answers)))
    if answers.base_url:
        ok, message, _ = verify(answers.base_url, answers.public_key or "",
                                answers.secret_key or "")
        if not ok:
            raise CliError(f"keys not accepted: {message}; nothing was saved")
        print(f"OK: {message}")
    code = apply(answers, args.claude_version)
    print("from now on these variables are not needed (cctrace does not read them while "
          "capturing); the config and the keychain hold them")
    return code


def run(args: argparse.Namespace) -> int:
    if args.from_env:
        return run_from_env(args)
    if args.langfuse_url is None and not args.local_only and args.public_key:
        raise CliError("--public-key needs --langfuse-url", code=2)
    prompting = not args.non_interactive and sys.stdin.isatty() and not args.secret_key_stdin
    if args.secret_key_stdin and not args.non_interactive and sys.stdin.isatty():
        raise CliError("--secret-key-stdin needs the key piped in", code=2)
    answers = interactive(args, Prompter()) if prompting else non_interactive(args)
    return apply(answers, args.claude_version)
