"""`cctrace install` and `cctrace uninstall`: our hook in a Claude Code settings file.

`install` asks the installed Claude Code for its release, registers the hook for exactly the
events that release accepts (an unknown one would silence every hook in the file), records the
python that runs the background worker, and prints what it changed. `uninstall` removes our
entries and nothing else. The merge itself is `cctrace.install.settings` (pure).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import cctrace
from cctrace import statedir
from cctrace.cli.main import CliError
from cctrace.install import events as ev
from cctrace.install import settings as st
from cctrace.install.claude import claude_version, find_claude


def hook_entry_path() -> str:
    """The hook entry point of the cctrace package this command runs from."""
    return str(Path(cctrace.__file__).resolve().parent / "hook" / "entry.py")


def statusline_entry_path() -> str:
    """The statusline entry point of the cctrace package this command runs from."""
    return str(Path(cctrace.__file__).resolve().parent / "statusline" / "entry.py")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "install",
        help="register the cctrace hook in a Claude Code settings file",
        description="Register the cctrace hook in a Claude Code settings file, for the hook "
        "events the installed Claude Code release supports.",
    )
    _scope_arg(p)
    p.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    p.add_argument("--statusline", action="store_true",
                   help="also set Claude Code's statusLine to cctrace's (session, today and "
                   "5-hour block cost); a statusline you already have keeps running, ours is "
                   "appended to it, and `cctrace uninstall` puts yours back")
    p.add_argument("--claude-bin", metavar="PATH",
                   help="the claude binary to ask for its version (default: $CCTRACE_CLAUDE_BIN, "
                   "else claude on PATH)")
    p.add_argument("--claude-version", metavar="X.Y.Z",
                   help="assume this Claude Code release instead of asking the binary")
    p.add_argument("--worker-only", "--plugin", action="store_true", dest="worker_only",
                   help="for plugin installs: record the python that runs the worker and pin "
                   "this state dir for the plugin's hook; settings untouched")
    p.set_defaults(func=run_install)

    u = subparsers.add_parser(
        "uninstall",
        help="remove the cctrace hook (and statusline) from Claude Code settings",
        description="Remove cctrace's hook entries (and only those) from Claude Code settings; "
        "a statusline set by `install --statusline` goes too, the one you had before is "
        "restored.",
    )
    group = u.add_mutually_exclusive_group()
    _scope_arg(group)
    group.add_argument("--all", action="store_true", help="every scope: user, project and local")
    u.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    u.set_defaults(func=run_uninstall)


def _scope_arg(parser: Any) -> None:
    parser.add_argument("--scope", choices=st.SCOPES, default=None,
                        help="user (~/.claude/settings.json, honours CLAUDE_CONFIG_DIR; default), "
                        "project (.claude/settings.json) or local (.claude/settings.local.json)")


def _detect_events(args: argparse.Namespace) -> tuple[tuple[str, ...], str]:
    """The events to register and a line saying how that was decided."""
    if args.claude_version:
        version = ev.parse_version(args.claude_version)
        if version is None:
            raise CliError(f"--claude-version {args.claude_version!r} is not X.Y.Z")
        source = f"Claude Code {ev.format_version(version)} (--claude-version)"
    else:
        binary = find_claude(args.claude_bin, os.environ)
        if binary is None and (args.claude_bin or os.environ.get("CCTRACE_CLAUDE_BIN", "").strip()):
            raise CliError(f"claude binary not found: {args.claude_bin or '$CCTRACE_CLAUDE_BIN'}")
        version = claude_version(binary) if binary else None
        if version is not None:
            source = f"Claude Code {ev.format_version(version)} ({binary})"
        elif binary:
            source = f"could not read the release of {binary}; registering the core events only"
        else:
            source = "claude not found; registering the core events only"
    try:
        return ev.supported_events(version), source
    except ev.UnsupportedRelease as exc:
        raise CliError(f"{exc}; upgrade Claude Code") from exc


def _record_worker(dry_run: bool) -> str:
    if os.environ.get("CCTRACE_PLUGIN_RUNTIME") == "1":
        # Run by the plugin's bin/cctrace: its hook already starts the worker on the
        # plugin's runtime, whose python and folder change with plugin upgrades; a
        # worker.json naming them would outlive them.
        return "worker python: the plugin's runtime (nothing to record)"
    if dry_run:
        return f"would record the worker's python ({sys.executable})"
    from cctrace.worker.lifecycle import write_worker_info

    write_worker_info(statedir.state_dir())
    from cctrace.audit import configwatch

    # The config as installed is the baseline the worker tells others' edits from, also
    # when the worker's first look comes after one (`audit.configwatch`); never replaced.
    if configwatch.remembered(statedir.state_dir()) is None:
        configwatch.remember(statedir.state_dir())
    _compile_hook()
    return f"worker python recorded: {sys.executable}"


def _pin_plugin(dry_run: bool) -> str:
    """Pin this state dir for the plugin's launcher (it reads no environment for it)."""
    from cctrace.security.keys import write_private

    path = st.plugin_pin_path(os.environ)
    state = os.path.realpath(statedir.state_dir())
    if dry_run:
        return f"would pin the plugin's state dir: {state} (in {path})"
    write_private(path, (state + "\n").encode("utf-8"))
    return f"plugin state dir pinned: {state} (in {path})"


def _compile_hook() -> None:
    """Byte-compile the package so no hook call pays ~5 ms compiling from source."""
    import compileall
    import os

    import cctrace

    try:
        compileall.compile_dir(os.path.dirname(cctrace.__file__), quiet=2)
    except OSError:
        pass  # a read-only install: hooks still work, only a little slower


def _load(path: str) -> dict[str, Any] | None:
    try:
        return st.read(path)
    except st.SettingsError as exc:
        raise CliError(str(exc)) from exc


def _write(path: str, before: dict[str, Any] | None, after: dict[str, Any], dry: bool) -> bool:
    """Write `after` if it differs from what is on disk; returns whether it did (or would)."""
    if before is not None and after == before:
        return False
    if not dry:
        try:
            st.write_atomic(path, st.render(after))
        except OSError as exc:
            raise CliError(f"{path}: cannot write: {exc}") from exc
    return True


def _print_changes(changes: dict[str, list[str]], note: str = "") -> None:
    for kind in ("added", "updated", "removed"):
        if changes[kind]:
            print(f"  {kind}: {', '.join(changes[kind])}{note if kind == 'removed' else ''}")


def run_install(args: argparse.Namespace) -> int:
    if args.worker_only:
        print(_record_worker(args.dry_run))
        print(_pin_plugin(args.dry_run))
        return 0
    scope = args.scope or "user"
    if scope == "project" and getattr(args, "statusline", False):
        # A project's settings file is shared: a statusline command carries this machine's
        # python and state dir, and the statusline is a personal view anyway.
        raise CliError("--statusline is personal: use --scope user or --scope local "
                       "(a project's settings.json is shared with teammates)")
    entry = hook_entry_path()
    if not os.path.isfile(entry):
        raise CliError(f"hook entry point missing: {entry} (reinstall cctrace)")
    python = sys.executable
    if not python or not os.path.isabs(python):
        raise CliError("cannot tell which python runs cctrace (sys.executable is empty)")
    events, source = _detect_events(args)
    # The state dir this command works on (CCTRACE_HOME of the user's own shell, else the
    # default) is written into the hook command: the session's environment never moves it.
    pinned = os.path.realpath(statedir.state_dir())
    command = st.hook_command(python, entry, pinned, st.claude_dir_pin(os.environ))
    # A project's settings file is shared: it gets the portable command, which runs each
    # account's own locator (written below), never a path of this machine.
    written = st.portable_command() if scope == "project" else command
    path = st.settings_path(scope, os.getcwd(), os.environ)
    before = _load(path)
    try:
        after = st.merge(before or {}, written, events)
        statusline = getattr(args, "statusline", False)  # `setup` calls this too, without it
        if statusline:
            after = st.merge_statusline(after, python, statusline_entry_path(), pinned)
    except st.SettingsError as exc:
        raise CliError(f"{path}: {exc}") from exc
    wrote = _write(path, before, after, args.dry_run)
    verb = "would update" if args.dry_run else "updated"
    print(f"{verb if wrote else 'up to date'}: {path} ({scope} scope)")
    print(f"  {source}")
    _print_changes(st.describe(before or {}, after), " (not supported by this release)")
    print(f"  hook: {written}")
    if scope == "project":
        print("  (portable: no path of this machine; on a teammate's machine it runs their own "
              "cctrace, or notes on stderr that there is none and does nothing)")
    if statusline:
        _print_statusline(before or {}, after)
    print(f"  state dir (pinned into the hook): {pinned}")
    print(f"  {_write_locator(path if scope == 'user' else None, after, args.dry_run)}")
    print(f"  {_record_worker(args.dry_run)}")
    user_path = st.settings_path("user", os.getcwd(), os.environ)
    plugins = sorted({p for doc in (after, _safe_read(user_path) if user_path != path else None)
                      for p in st.enabled_cctrace_plugins(doc or {})})
    if plugins:
        # Side by side is safe: this hook stands down for every event the plugin records
        # (cctrace.hook.defer). Both must record to one place, so the plugin is pinned too.
        print(f"  plugin {', '.join(plugins)} is enabled too: it records the events it "
              "registers, this hook only the others (never both)")
        print(f"  {_pin_plugin(args.dry_run)}")
    return 0


def _write_locator(user_path: str | None, user_doc: dict[str, Any] | None,
                   dry_run: bool) -> str:
    """Write this account's locator (`<claude dir>/cctrace/hook.sh`), run by project-scope
    commands: this machine's hook command, or nothing at all when the user-scope settings
    hold our hook (it already records every session of the account: never twice)."""
    from cctrace.security.keys import write_private

    path = st.locator_path(os.environ)
    if user_path is None:
        user_path = st.settings_path("user", os.getcwd(), os.environ)
        user_doc = _safe_read(user_path)
    if st.our_events(user_doc or {}):
        body = ": # the user-scope hook in settings.json records this account's sessions"
    else:
        claude_dir = os.path.dirname(st.settings_path("user", "/", os.environ))
        body = st.hook_command(sys.executable, hook_entry_path(),
                               os.path.realpath(statedir.state_dir()), claude_dir)
    if dry_run:
        return f"would write the locator for project-scope hooks: {path}"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_private(path, st.locator_text(body).encode("utf-8"))
    return f"locator for project-scope hooks: {path}"


def _print_statusline(before: dict[str, Any], after: dict[str, Any]) -> None:
    old, new = before.get("statusLine"), after.get("statusLine")
    if old == new:
        print("  statusline: up to date")
        return
    theirs = st.statusline_theirs(new["command"]) if isinstance(new, dict) else None
    if st.is_our_statusline(old) and not st.is_our_statusline(new):
        print(f"  statusline: removed{'; yours restored: ' + new['command'] if new else ''}")
    elif theirs:
        print(f"  statusline: set; yours runs first and keeps showing: {theirs}")
    else:
        print("  statusline: set")


def _safe_read(path: str) -> dict[str, Any] | None:
    try:
        return st.read(path)
    except st.SettingsError:
        return None


def run_uninstall(args: argparse.Namespace) -> int:
    scopes = st.SCOPES if args.all else (args.scope or "user",)
    failed: list[str] = []
    seen: set[str] = set()
    for scope in scopes:
        path = st.settings_path(scope, os.getcwd(), os.environ)
        if path in seen:  # cwd == $HOME: project scope is the user file
            continue
        seen.add(path)
        try:
            before = st.read(path)
            if before is None:
                print(f"no file: {path} ({scope} scope)")
                continue
            try:
                after = st.unmerge_statusline(st.unmerge(before))
            except st.SettingsError as exc:
                raise st.SettingsError(f"{path}: {exc}") from exc
        except st.SettingsError as exc:
            # One unreadable file must not keep the other scopes from being cleaned.
            print(f"cctrace: error: {exc}", file=sys.stderr)
            failed.append(path)
            continue
        wrote = _write(path, before, after, args.dry_run)
        verb = "would update" if args.dry_run else "updated"
        print(f"{verb if wrote else 'nothing of cctrace'}: {path} ({scope} scope)")
        _print_changes(st.describe(before, after))
        if st.is_our_statusline(before.get("statusLine")):
            _print_statusline(before, after)
        if scope == "user" and wrote and os.path.exists(st.locator_path(os.environ)):
            # Project-scope hooks of this account now have to record themselves.
            print(f"  {_write_locator(path, after, args.dry_run)}")
    if failed:
        raise CliError(f"left untouched: {', '.join(failed)}")
    return 0
