"""`cctrace setup`: non-interactive flags, and the wizard driven through a pseudo-terminal,
both against a loopback stand-in for Langfuse's API."""

from __future__ import annotations

import io
import json
import os
import pty
import select
import stat
import sys
import termios
import time

import pytest

from cctrace import config as config_mod
from cctrace.cli import main as cli_main
from cctrace.cli import setup
from cctrace.cli.main import CliError
from cctrace.install import settings as st
from cli.langfuse_standin import PROJECT, PUBLIC_KEY, SECRET_KEY, LangfuseStandIn


@pytest.fixture(autouse=True)
def _env(tmp_path, monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["setup", "install"])
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.setenv("CCTRACE_CLAUDE_BIN", str(tmp_path / "no-claude"))
    (tmp_path / "proj").mkdir()
    monkeypatch.chdir(tmp_path / "proj")
    # The secret goes to the config file in these tests, whatever keychain module exists.
    monkeypatch.setattr(setup, "secret_store", lambda: None)
    return tmp_path


@pytest.fixture
def server():
    with LangfuseStandIn() as s:
        yield s


def run(capsys, monkeypatch, *argv, stdin: str = ""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli_main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def user_settings() -> dict | None:
    return st.read(st.settings_path("user", os.getcwd(), os.environ))


def test_non_interactive_langfuse(capsys, monkeypatch, server):
    code, out, err = run(capsys, monkeypatch, "setup", "--non-interactive", "--langfuse-url",
                         server.base_url, "--public-key", PUBLIC_KEY, "--secret-key-stdin",
                         "--capture-level", "metadata", "--scope", "user",
                         "--claude-version", "2.1.328", stdin=SECRET_KEY + "\n")
    assert code == 0, err
    assert PROJECT in out and SECRET_KEY not in out + err
    assert server.requests[0] == {"method": "GET", "path": "/api/public/projects",
                                  "auth_ok": True}
    cfg = config_mod.load()
    assert (cfg.langfuse_base_url, cfg.langfuse_public_key, cfg.langfuse_secret_key) == (
        server.base_url, PUBLIC_KEY, SECRET_KEY)
    assert cfg.section("capture")["level"] == "metadata"
    path = config_mod.config_path()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "StopFailure" in st.our_events(user_settings())


def test_refused_keys_save_nothing(capsys, monkeypatch, server):
    code, _, err = run(capsys, monkeypatch, "setup", "--non-interactive", "--langfuse-url",
                       server.base_url, "--public-key", PUBLIC_KEY, "--secret-key-stdin",
                       stdin="sk-lf-wrong\n")
    assert code == 1 and "refused the keys" in err and "sk-lf-wrong" not in err
    assert not os.path.exists(config_mod.config_path()) and user_settings() is None


def test_local_only_removes_a_destination_and_keeps_other_settings(capsys, monkeypatch):
    path = config_mod.config_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        fh.write('# mine\n[langfuse]\nbase_url = "https://cloud.langfuse.com"\n'
                 'public_key = "pk-lf-x"\nsecret_key = "sk-lf-x"\n[trace]\nuser_id = "al"\n')
    code, out, _ = run(capsys, monkeypatch, "setup", "--non-interactive", "--local-only",
                       "--scope", "none")
    assert code == 0 and "local store only" in out
    text = open(path).read()
    assert "# mine" in text and 'user_id = "al"' in text and "sk-lf-x" not in text
    assert not config_mod.load().langfuse_enabled
    assert user_settings() is None  # scope none: settings untouched


@pytest.mark.parametrize("argv, message", [
    (["--non-interactive"], "--langfuse-url URL|eu|us or --local-only"),
    (["--non-interactive", "--langfuse-url", "eu"], "--public-key and --secret-key-stdin"),
    (["--non-interactive", "--langfuse-url", "ftp://x"], "give an https URL"),
    (["--non-interactive", "--langfuse-url", "http://lf.example.org"], "use https"),
    (["--non-interactive", "--local-only", "--public-key", "pk"], "takes no keys"),
])
def test_bad_flags_exit_2(capsys, monkeypatch, argv, message):
    code, _, err = run(capsys, monkeypatch, "setup", *argv)
    assert code == 2 and message in err


def test_resolve_url_and_config_changes():
    assert setup.resolve_url("EU") == "https://cloud.langfuse.com"
    assert setup.resolve_url("us") == "https://us.cloud.langfuse.com"
    assert setup.resolve_url("https://lf.example.org/") == "https://lf.example.org"
    with pytest.raises(CliError):
        setup.resolve_url("https://u:p@lf.example.org")
    answers = setup.Answers("https://x", "pk", "sk", "full", "user")
    assert setup.config_changes(answers, keychain=True) == (
        {"capture.level": "full", "langfuse.base_url": "https://x",
         "langfuse.public_key": "pk"}, ["langfuse.secret_key"])
    assert setup.resolve_url("http://127.0.0.1:3000") == "http://127.0.0.1:3000"
    with pytest.raises(CliError):
        setup.resolve_url("http://a.example")


# ------------------------------------------------------------------ the wizard on a terminal


class Terminal:
    """`cctrace setup` in a child process whose controlling terminal is a pty."""

    def __init__(self, env: dict[str, str], cwd: str) -> None:
        code = ("import sys; from cctrace.cli import main; main.COMMANDS[:] = ['setup', "
                "'install']; sys.exit(main.main(['setup', '--claude-version', '2.1.328']))")
        pid, fd = pty.fork()
        if pid == 0:  # child
            os.chdir(cwd)
            os.execve(sys.executable, [sys.executable, "-c", code], env)
        self.pid, self.fd, self.seen, self.pos = pid, fd, "", 0

    def expect(self, text: str, timeout: float = 20.0) -> str:
        """Wait for `text` to appear after the previous match."""
        deadline = time.monotonic() + timeout
        while text not in self.seen[self.pos:]:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                raise AssertionError(f"never saw {text!r}; screen:\n{self.seen}")
            try:
                chunk = os.read(self.fd, 4096).decode(errors="replace")
            except OSError:
                chunk = ""
            if not chunk:
                raise AssertionError(f"exited before {text!r}; screen:\n{self.seen}")
            self.seen += chunk
        self.pos = self.seen.index(text, self.pos) + len(text)
        return self.seen

    def send(self, line: str) -> None:
        os.write(self.fd, (line + "\n").encode())

    def secret(self, line: str, timeout: float = 20.0) -> None:
        """Type `line` once the prompt has turned echo off (getpass flushes input typed
        before that, so typing ahead would lose it)."""
        deadline = time.monotonic() + timeout
        while termios.tcgetattr(self.fd)[3] & termios.ECHO:
            if time.monotonic() > deadline:
                raise AssertionError("echo was never turned off for the secret")
            time.sleep(0.01)
        self.send(line)

    def wait(self) -> int:
        try:
            while os.read(self.fd, 4096):
                pass
        except OSError:
            pass
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)


def test_interactive_wizard_on_a_pty(_env, server):
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TERM": "dumb"}
    term = Terminal(env, os.getcwd())
    term.expect("Where should traces go?")
    term.expect("choice [1-4]")
    term.send("7")  # out of range: asked again
    term.expect("type a number from 1 to 4")
    term.send("3")  # self-hosted
    term.expect("Langfuse URL")
    term.send(server.base_url)
    term.expect("Public key")
    term.send(PUBLIC_KEY)
    term.expect("Secret key")
    term.secret("sk-lf-typo-123456")
    term.expect("not accepted")
    term.expect("Public key")
    term.send("")  # the default: the key typed before
    term.expect("Secret key")
    term.secret(SECRET_KEY)
    term.expect(f"OK: keys valid for project {PROJECT!r}")
    term.expect("What should traces contain?")
    term.send("")  # default: redacted
    term.expect("Where should the Claude Code hook go?")
    term.send("3")  # local
    assert term.wait() == 0, term.seen
    assert SECRET_KEY not in term.seen and "sk-lf-typo" not in term.seen  # no echo
    assert [r["auth_ok"] for r in server.requests] == [False, True]
    cfg = config_mod.load()
    assert (cfg.langfuse_base_url, cfg.langfuse_secret_key) == (server.base_url, SECRET_KEY)
    assert cfg.section("capture")["level"] == "redacted"
    local = st.read(st.settings_path("local", os.getcwd(), os.environ))
    assert "SessionStart" in st.our_events(local)
    assert json.loads(json.dumps(local))  # a valid settings document


def test_interactive_local_only_on_a_pty(_env):
    term = Terminal({**os.environ, "TERM": "dumb"}, os.getcwd())
    term.expect("choice [1-4]")
    term.send("")  # default with no config: local only
    term.expect("What should traces contain?")
    term.send("metadata")
    term.expect("Where should the Claude Code hook go?")
    term.send("none")
    assert term.wait() == 0, term.seen
    assert "local store only" in term.seen
    assert config_mod.load().section("capture")["level"] == "metadata"


def test_secret_key_goes_to_the_key_store_not_the_config(capsys, monkeypatch, server):
    from cctrace.security import keys

    monkeypatch.setattr(setup, "secret_store", lambda: keys)
    monkeypatch.setenv("CCTRACE_KEYRING", "0")  # the 0600-file fallback, deterministically
    code, out, err = run(capsys, monkeypatch, "setup", "--non-interactive", "--langfuse-url",
                         server.base_url, "--public-key", PUBLIC_KEY, "--secret-key-stdin",
                         "--scope", "none", stdin=SECRET_KEY + "\n")
    assert code == 0, err
    assert SECRET_KEY not in open(config_mod.config_path()).read()
    assert SECRET_KEY not in out + err
    assert config_mod.load().langfuse_secret_key == SECRET_KEY
    assert stat.S_IMODE(os.stat(keys.key_path(keys.LANGFUSE_SECRET)).st_mode) == 0o600
    code, _, _ = run(capsys, monkeypatch, "setup", "--non-interactive", "--local-only",
                     "--scope", "none")
    assert code == 0 and keys.load_secret_key() is None


def test_from_env_copies_the_shell_into_config_and_pins_the_hook(capsys, monkeypatch, server,
                                                                 _isolated_state):
    from cctrace.security import keys

    monkeypatch.setattr(setup, "secret_store", lambda: keys)
    monkeypatch.setenv("CCTRACE_KEYRING", "0")
    monkeypatch.setenv("LANGFUSE_HOST", server.base_url + "/")
    monkeypatch.setenv("LANGFUSE_PUBLIC_KEY", PUBLIC_KEY)
    monkeypatch.setenv("LANGFUSE_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("CCTRACE_OTLP_ENDPOINT", "http://127.0.0.1:4318/v1/traces")
    monkeypatch.setenv("CCTRACE_USER_ID", "alice")
    code, out, err = run(capsys, monkeypatch, "setup", "--from-env", "--scope", "user",
                         "--claude-version", "2.1.328")
    assert code == 0, out + err
    assert SECRET_KEY not in out + err and "<set>" in out and "taken from" in out
    text = (_isolated_state / "config.toml").read_text()
    assert SECRET_KEY not in text
    for name in ("LANGFUSE_HOST", "LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY",
                 "CCTRACE_OTLP_ENDPOINT", "CCTRACE_USER_ID"):
        monkeypatch.delenv(name)
    cfg = config_mod.load(str(_isolated_state))
    assert (cfg.langfuse_base_url, cfg.langfuse_public_key, cfg.langfuse_secret_key) == (
        server.base_url, PUBLIC_KEY, SECRET_KEY)
    assert cfg.otlp_endpoint == "http://127.0.0.1:4318/v1/traces" and cfg.user_id == "alice"
    commands = [h["command"] for hooks in st.our_events(user_settings()).values()
                for h in hooks]
    assert commands and all(st.pinned_state_dir(c) == os.path.realpath(_isolated_state)
                            for c in commands)


@pytest.mark.parametrize("env, message", [
    ({"LANGFUSE_BASE_URL": "https://lf.example.org"}, "LANGFUSE_PUBLIC_KEY"),
    ({"CCTRACE_OTLP_ENDPOINT": "http://collector.example.org/v1/traces"}, "use https"),
    ({}, "none of"),
])
def test_from_env_refuses_what_it_cannot_use(capsys, monkeypatch, env, message,
                                             _isolated_state):
    for name in ("LANGFUSE_BASE_URL", "LANGFUSE_HOST", "CCTRACE_OTLP_ENDPOINT",
                 "CCTRACE_USER_ID", "CCTRACE_ENVIRONMENT", "CCTRACE_RELEASE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, _, err = run(capsys, monkeypatch, "setup", "--from-env", "--scope", "none")
    assert code == 2 and message in err
    assert not (_isolated_state / "config.toml").exists()
