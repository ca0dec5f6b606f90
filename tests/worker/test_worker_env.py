"""The worker's environment and command line, one variable at a time. Written against the
mutants `bench/mutation.py -m worker.lifecycle` left alive (docs/testing.md)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cctrace import statedir
from cctrace.worker import lifecycle

KEEP = ["PATH", "LANG", "LANGUAGE", "TZ", "TMPDIR", "DBUS_SESSION_BUS_ADDRESS",
        "XDG_RUNTIME_DIR"]
SECRET_LOOKING = ["ACME_KEY", "GH_TOKEN", "app_secret", "DB_PASSWORD", "SMTP_PASSWD",
                  "MYSQL_PASS", "PGPWD", "AWS_CREDENTIALS", "BASIC_AUTH", "x_api_key"]
DROPPED = ["HOME", "PWD", "OLDPWD", "pwd", "USER", "SHELL", "EDITOR", "XDG_STATE_HOME",
           "HTTPS_PROXY", "http_proxy", "REQUESTS_CA_BUNDLE", "PYTHONPATH", "PYTHON_KEY",
           "pythonstartup", "CCTRACE_HOME", "CCTRACE_CONFIG", "CCTRACE_TOKEN",
           "cctrace_worker_python", "LANGFUSE_HOST", "Path", "lang", "LC", "XLC_ALL",
           # The timing knobs are config.toml's `[worker]`: a repository setting the
           # session's environment could otherwise make the worker exit at once or never.
           "CCTRACE_WORKER_IDLE", "CCTRACE_WORKER_MAX_SECONDS"]


def env_of(environ, state="/state"):
    return lifecycle.worker_env(environ, state)


def pinned(state="/state"):
    return {"HOME": statedir.account_home(), "CCTRACE_HOME": state}


@pytest.mark.parametrize("name", KEEP)
def test_kept_variables(name):
    assert env_of({name: "v"}) == {name: "v", **pinned()}


@pytest.mark.parametrize("name", ["LC_ALL", "LC_CTYPE", "LC_MESSAGES"])
def test_locale_variables_are_kept(name):
    assert env_of({name: "C.UTF-8"}) == {name: "C.UTF-8", **pinned()}


@pytest.mark.parametrize("name", SECRET_LOOKING)
def test_secret_looking_values_stay_for_the_redactor(name):
    assert env_of({name: "s3cr3t"}) == {name: "s3cr3t", **pinned()}


@pytest.mark.parametrize("name", DROPPED)
def test_everything_else_is_dropped(name):
    assert env_of({name: "/planted"}, "/pinned") == pinned("/pinned")


def test_the_pinned_state_dir_and_home_win_over_the_environment():
    env = env_of({"HOME": "/tmp/x", "CCTRACE_HOME": "/tmp/y", "PATH": "/bin"}, "/pinned")
    assert env == {"PATH": "/bin", "HOME": statedir.account_home(), "CCTRACE_HOME": "/pinned"}


def test_the_command_line_without_worker_json(tmp_path):
    state = str(tmp_path)
    argv, env = lifecycle.worker_command(state, environ={"PATH": "/bin", "PYTHONPATH": "/x"})
    assert argv == [sys.executable, "-I", "-c", argv[3], lifecycle.package_root(),
                    "--state-dir", state]
    assert argv[3] == ("import sys; sys.path.insert(0, sys.argv[1]) if sys.argv[1] else None; "
                       "from cctrace.worker.__main__ import main; sys.exit(main(sys.argv[2:]))")
    assert env == {"PATH": "/bin", **pinned(state)}


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
