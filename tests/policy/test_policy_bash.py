"""Bash command parsing: which paths a command reads or writes."""

from __future__ import annotations

import pytest

from cctrace.policy import Policy, bash_files, path_denied

POLICY = Policy(home="/home/u")


def denied(command: str, cwd: str | None = "/p") -> tuple[set[str], set[str]]:
    files = bash_files(command, cwd)
    reads = {p for p, at in files.reads if path_denied(p, at, POLICY)}
    writes = {p for p, at in files.writes if path_denied(p, at, POLICY)}
    return reads, writes


@pytest.mark.parametrize("command,path", [
    ("cat .env", ".env"),
    ("head -n 5 .env.production", ".env.production"),
    ("tail -f ~/.aws/credentials", "~/.aws/credentials"),
    ("less server.key", "server.key"),
    ("bat --style=plain id_rsa", "id_rsa"),
    ("grep -n API_KEY .env", ".env"),
    ("rg TOKEN config/secrets/prod.yml", "config/secrets/prod.yml"),
    ("sed -n '1,5p' .netrc", ".netrc"),
    ("awk -F= '{print $2}' .env", ".env"),
    ("base64 cert.p12", "cert.p12"),
    ("xxd store.keystore | head", "store.keystore"),
    ("strings ~/.ssh/id_ed25519", "~/.ssh/id_ed25519"),
    ("cp .env /tmp/x", ".env"),
    ("ls && cat .env", ".env"),
    ("true; cat .env || echo no", ".env"),
    ("cat src/app.py | grep x; cat .env", ".env"),
    ("sh -c \"cat .env\"", ".env"),
    ("bash -lc 'head .env'", ".env"),
    ("echo \"$(cat .env)\"", ".env"),
    ("echo `cat .env`", ".env"),
    ("sudo -u root cat /root/.ssh/id_rsa", "/root/.ssh/id_rsa"),
    ("FOO=1 cat .env", ".env"),
    ("wc -c < .env", ".env"),
    ("git show HEAD:.env", ".env"),
    ("scp host:~/.ssh/id_rsa .", "~/.ssh/id_rsa"),
    ("docker run --env-file=.env img", ".env"),
    ("python3 -c \"print(open('.env').read())\"", ".env"),
    ("ssh host 'cat ~/.aws/credentials'", "~/.aws/credentials"),
    ("cat \"unbalanced .env", ".env"),
])
def test_reads_of_denied_files(command, path):
    reads, writes = denied(command)
    assert path in reads
    assert not writes


def test_cd_is_followed():
    reads, _ = denied("cd ~/.aws && cat credentials", cwd="/p")
    assert reads == {"credentials"}
    reads, _ = denied("cd /srv && cat credentials", cwd="/p")
    assert reads == set()


@pytest.mark.parametrize("command,path", [
    ("echo A=1 >> .env", ".env"),
    ("printf x > server.key", "server.key"),
    ("cat > .env <<EOF\nSECRET=1\nEOF", ".env"),
    ("echo x | tee .env.local", ".env.local"),
    ("cp /tmp/k ~/.ssh/id_rsa", "~/.ssh/id_rsa"),
])
def test_writes_to_denied_files(command, path):
    _, writes = denied(command)
    assert path in writes


@pytest.mark.parametrize("command", [
    "ls -la",
    "grep -rn id_rsa docs/",
    "sed -i 's/.env/.cfg/' README.md",
    "pytest -q tests/",
    "echo hi 2>&1 > out.log",
    "cat src/id_card.py",
    "",
])
def test_harmless_commands(command):
    assert denied(command) == (set(), set())


def test_grep_with_explicit_pattern_flag_checks_every_argument():
    reads, _ = denied("grep -e x .env")
    assert reads == {".env"}
    reads, _ = denied("grep -f .env notes.txt")
    assert ".env" in reads


def rule_of(command: str, cwd: str | None = "/p") -> str | None:
    from cctrace.policy.apply import decide

    return decide("Bash", {"command": command}, cwd, POLICY).rule


@pytest.mark.parametrize("command,rule", [
    # ANSI-C quoting: bash decodes the escapes, so these are `cat .env` & co.
    ("cat $'\\x2e'env", ".env*"),
    ("cat $'.\\145nv'", ".env*"),
    ("cat $'.e''nv'", ".env*"),
    ("cat $'\\u002eenv'", ".env*"),
    ("cat $'\\x2eaws/credentials'", "**/.aws/credentials"),
    ("cat $'.env\\0junk'", ".env*"),  # the string ends at the NUL
    ("cat $'id_\\162sa'", "id_{rsa,dsa,ecdsa,ed25519,xmss}{,_sk}"),
    ('cat $".env"', ".env*"),
    # A word of the command is the folder the others resolve in.
    ("env -C .aws cat credentials", "**/.aws/credentials"),
    ("env --chdir=.aws cat credentials", "**/.aws/credentials"),
    ("tar -C deep/.aws -cf - credentials | tar -xOf -", "**/.aws/credentials"),
    ("git -C .kube show HEAD:config", "**/.kube/config"),
    ("make --directory=.aws credentials", "**/.aws/credentials"),
    ("pushd .kube >/dev/null; cat config", "**/.kube/config"),
    ("(pushd .aws && cat credentials)", "**/.aws/credentials"),
])
def test_indirect_spellings_of_a_denied_file(command, rule):
    assert rule_of(command) == rule


@pytest.mark.parametrize("command", [
    "cat README.md src/main.py", "env -C src cat main.py", "git -C lib show HEAD:setup.py",
    "echo $'hello\\tworld'", 'echo "cost $"', "tar -C build -cf - dist",
    "pushd docs; cat index.md",
])
def test_ordinary_commands_stay(command):
    assert rule_of(command) is None
