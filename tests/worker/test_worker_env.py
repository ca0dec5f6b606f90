"""The worker's environment and command line, one variable at a time. Written against the
mutants `bench/mutation.py -m worker.lifecycle` left alive (docs/testing.md)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cctrace import statedir
from cctrace.worker import lifecycle

KEEP = ["LANG", "LANGUAGE", "TZ"]
SECRET_LOOKING = ["ACME_KEY", "GH_TOKEN", "app_secret", "DB_PASSWORD", "SMTP_PASSWD",
                  "MYSQL_PASS", "PGPWD", "AWS_CREDENTIALS", "BASIC_AUTH", "x_api_key"]
DROPPED = ["HOME", "PWD", "OLDPWD", "pwd", "USER", "SHELL", "EDITOR", "XDG_STATE_HOME",
           "HTTPS_PROXY", "http_proxy", "REQUESTS_CA_BUNDLE", "PYTHONPATH", "PYTHON_KEY",
           "pythonstartup", "CCTRACE_HOME", "CCTRACE_CONFIG", "CCTRACE_TOKEN",
           "cctrace_worker_python", "LANGFUSE_HOST", "Path", "lang", "LC", "XLC_ALL",
           # The timing knobs are config.toml's `[worker]`: a repository setting the
           # session's environment could otherwise make the worker exit at once or never.
           "CCTRACE_WORKER_IDLE", "CCTRACE_WORKER_MAX_SECONDS",
           # Places a library runs programs from or writes to (the PATH is our own).
           "TMPDIR", "TMP", "TEMP", "path",
           # The keychain's session bus: never the session's (a repository's own bus).
           "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"]


def env_of(environ, state="/state"):
    return lifecycle.worker_env(environ, state, {})


def pinned(state="/state"):
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": statedir.account_home(),
            "CCTRACE_HOME": state}


@pytest.mark.parametrize("name", KEEP)
def test_kept_variables(name):
    assert env_of({name: "v"}) == {name: "v", **pinned()}


@pytest.mark.parametrize("name", ["LC_ALL", "LC_CTYPE", "LC_MESSAGES"])
def test_locale_variables_are_kept(name):
    assert env_of({name: "C.UTF-8"}) == {name: "C.UTF-8", **pinned()}


@pytest.mark.parametrize("name", SECRET_LOOKING)
def test_secret_looking_values_stay_for_the_redactor(name):
    # Under a name of ours: by its own name a library may act on it (SSLKEYLOGFILE).
    assert env_of({name: "s3cr3t"}) == {"CCTRACE_LEARN_" + name: "s3cr3t", **pinned()}


def test_the_redactor_learns_the_values_kept_under_our_names():
    from cctrace.redact import known

    values = {"GH_TOKEN": "ghp_x8Kd92Lm3Qw7Zr5Tn1Vb4Yc6", "DB_PASSWORD": "summer2024summerQ",
              "x_api_key": "k3y-Value-99Zq"}
    assert sorted(known.from_env(env_of(values))) == sorted(known.from_env(values))
    assert sorted(known.from_env(env_of(values))) == sorted(values.values())


@pytest.mark.parametrize("name", ["SSLKEYLOGFILE", "KEYRING_PROPERTY_APPID",
                                  "KEYRING_PROPERTY_PREFERRED_COLLECTION"])
def test_no_variable_a_library_acts_on_reaches_the_worker_by_its_name(name):
    env = env_of({name: "/tmp/planted"})
    assert name not in env and env == {"CCTRACE_LEARN_" + name: "/tmp/planted", **pinned()}


def test_a_planted_tls_key_log_is_not_written(tmp_path):
    # A repository's `.claude/settings.json` env sets SSLKEYLOGFILE: urllib3 (under
    # requests) writes every TLS session key of the worker's exports there, and with them
    # a capture of the traffic reads the Langfuse key and the traces. The worker's HTTP
    # stack, in a process with exactly the worker's environment, opens a TLS connection
    # (to a listener that never answers the handshake): no key log may appear.
    import socket

    keylog = tmp_path / "keys.log"
    env = env_of({"SSLKEYLOGFILE": str(keylog)},
                 str(tmp_path / "state"))
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        code = ("from cctrace.export.outbox import http_session\n"
                "try:\n"
                f"    http_session().post('https://127.0.0.1:{port}/x', data=b'', timeout=1)\n"
                "except Exception as exc:\n"
                "    print(type(exc).__name__)\n")
        out = subprocess.run([sys.executable, "-I", "-c",
                              "import sys; sys.path.insert(0, sys.argv[1]); exec(sys.argv[2])",
                              lifecycle.package_root() or "", code],
                             env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() in ("ReadTimeout", "ConnectionError", "SSLError")
    assert not keylog.exists()


@pytest.mark.parametrize("name", DROPPED)
def test_everything_else_is_dropped(name):
    assert env_of({name: "/planted"}, "/pinned") == pinned("/pinned")


def test_the_pinned_state_dir_and_home_win_over_the_environment():
    env = env_of({"HOME": "/tmp/x", "CCTRACE_HOME": "/tmp/y", "PATH": "/repo/bin:/bin"},
                 "/pinned")
    assert env == {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": statedir.account_home(),
                   "CCTRACE_HOME": "/pinned"}


def test_the_command_line_without_worker_json(tmp_path, monkeypatch):
    monkeypatch.setattr(lifecycle, "RUN_BASE", str(tmp_path / "no-run"))
    state = str(tmp_path)
    argv, env = lifecycle.worker_command(state, environ={"PATH": "/bin", "PYTHONPATH": "/x"})
    assert argv == [sys.executable, "-I", "-c", argv[3], lifecycle.package_root(),
                    "--state-dir", state]
    assert argv[3] == ("import sys; sys.path.insert(0, sys.argv[1]) if sys.argv[1] else None; "
                       "from cctrace.worker.__main__ import main; sys.exit(main(sys.argv[2:]))")
    assert env == pinned(state)


def test_worker_json_names_the_interpreter_and_the_package_folder(tmp_path):
    state = str(tmp_path)
    lifecycle.write_worker_info(state, python="/opt/py/bin/python3", pythonpath="")
    argv, _ = lifecycle.worker_command(state, environ={})
    assert argv[0] == "/opt/py/bin/python3" and argv[4] == "" and argv[5:] == [
        "--state-dir", state]


def test_the_boot_line_runs_the_worker_from_the_named_folder(tmp_path):
    # The -c program with an empty folder argument must still import cctrace (installed),
    # and with a folder it must put that folder first on the path.
    argv, _ = lifecycle.worker_command(str(tmp_path), environ={})
    probe = argv[3].replace("from cctrace.worker.__main__ import main; "
                            "sys.exit(main(sys.argv[2:]))", "print(sys.path[0])")
    for folder in ("/some/where", ""):
        out = subprocess.run([sys.executable, "-c", probe, folder, "--state-dir", "x"],
                             capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
        # `python -c` puts "" (its cwd) first; the boot line inserts nothing for "".
        assert out.stdout.strip() == folder


def test_without_sys_executable_the_worker_runs_python3(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "executable", "")
    argv, _ = lifecycle.worker_command(str(tmp_path), environ={})
    assert argv[0] == "python3"


def test_the_worker_runs_no_program_from_the_sessions_path(tmp_path):
    # keyring (imported by the worker for the store key) loads its macOS backend on every
    # platform, and that asks ctypes.util.find_library for `Security`, which on Linux runs
    # `gcc`/`cc`, `ld` or `objdump` found on PATH. With exactly the worker's environment
    # built from a session whose PATH starts with a repository's `bin/`, importing what
    # the worker imports runs nothing from there.
    import os

    planted = tmp_path / "bin"
    planted.mkdir()
    for name in ("gcc", "cc", "ld", "objdump", "ldconfig", "uname", "file"):
        prog = planted / name
        prog.write_text('#!/bin/sh\ntouch "$0.pwned"\nexit 1\n')
        prog.chmod(0o755)
    env = env_of({"PATH": f"{planted}:{os.environ.get('PATH', '')}",
                  "TMPDIR": str(tmp_path / "tmp")}, str(tmp_path / "state"))
    assert env["PATH"] == lifecycle.SAFE_PATH and "TMPDIR" not in env
    done = subprocess.run(
        [sys.executable, "-I", "-c", "import ctypes.util, keyring; keyring.get_keyring(); "
         "ctypes.util.find_library('Security'); print('ok')"],
        env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout == "ok\n", done.stderr
    assert sorted(p.name for p in planted.glob("*.pwned")) == []


def test_every_variable_is_looked_at_after_a_kept_one():
    env = env_of({"LANG": "C.UTF-8", "GH_TOKEN": "t0k", "LC_ALL": "C", "TZ": "UTC",
                  "PATH": "/repo/bin"})
    assert env == {"LANG": "C.UTF-8", "CCTRACE_LEARN_GH_TOKEN": "t0k", "LC_ALL": "C",
                   "TZ": "UTC", **pinned()}


BUS = "DBUS_SESSION_BUS_ADDRESS"
SESSION = {BUS: "unix:path=/repo/evil.sock", "XDG_RUNTIME_DIR": "/repo/run"}


def test_the_bus_install_saw_wins_over_the_sessions(tmp_path, monkeypatch):
    """Third red team: a repository's settings `env` named its own session bus, whose
    Secret Service would then answer the worker's key requests."""
    state = str(tmp_path / "s")
    monkeypatch.setenv(BUS, "unix:path=/run/user/1000/bus")
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    lifecycle.write_worker_info(state, python="/opt/py/bin/python3", pythonpath="")
    _, env = lifecycle.worker_command(state, environ=SESSION)
    assert env == {BUS: "unix:path=/run/user/1000/bus", **pinned(state)}


def test_without_a_pin_the_accounts_standard_bus_or_none(tmp_path, monkeypatch):
    base = tmp_path / "run"
    monkeypatch.setattr(lifecycle, "RUN_BASE", str(base))
    state = str(tmp_path / "s")
    _, env = lifecycle.worker_command(state, environ=SESSION)
    assert env == pinned(state)
    run = base / str(os.getuid())
    run.mkdir(parents=True)
    assert lifecycle.account_bus() == {"XDG_RUNTIME_DIR": str(run)}
    (run / "bus").write_text("")
    _, env = lifecycle.worker_command(state, environ=SESSION)
    assert env == {BUS: f"unix:path={run}/bus", "XDG_RUNTIME_DIR": str(run), **pinned(state)}


def test_a_pin_holds_only_the_bus_names(tmp_path):
    state = str(tmp_path)
    (tmp_path / lifecycle.INFO_NAME).write_text(
        '{"python": "/p", "bus": {"XDG_RUNTIME_DIR": "/run/user/7", "PYTHONPATH": "/x", '
        f'"{BUS}": 5}}}}')
    assert lifecycle.read_worker_info(state)["bus"] == {"XDG_RUNTIME_DIR": "/run/user/7"}
    _, env = lifecycle.worker_command(state, environ=SESSION)
    assert env == {"XDG_RUNTIME_DIR": "/run/user/7", **pinned(state)}


def test_the_plugin_runtime_runs_the_worker_unless_worker_json_names_a_python_that_exists(
        tmp_path):
    state = str(tmp_path)
    runtime = ("/rt/bin/python", "/rt/src")
    argv, _ = lifecycle.worker_command(state, environ={}, runtime=runtime)
    assert (argv[0], argv[4]) == runtime
    lifecycle.write_worker_info(state, python=str(tmp_path / "gone" / "python"),
                                pythonpath="/mine")
    argv, _ = lifecycle.worker_command(state, environ={}, runtime=runtime)
    assert (argv[0], argv[4]) == runtime
    lifecycle.write_worker_info(state, python=sys.executable, pythonpath="/mine")
    argv, _ = lifecycle.worker_command(state, environ={}, runtime=runtime)
    assert (argv[0], argv[4]) == (sys.executable, "/mine")
