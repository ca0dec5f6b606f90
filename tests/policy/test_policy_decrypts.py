"""Commands that print an encrypted file's or a secret store's plaintext (`policy.decrypts`):
their output is withheld like the other secret printers', and what they write is a copy."""

from __future__ import annotations

import pytest
from tests.policy.test_policy_apply import make_trace

from cctrace.policy import Policy, apply_policy
from cctrace.policy.apply import decide
from cctrace.policy.decrypts import decrypts

POLICY = Policy(home="/home/u")


@pytest.mark.parametrize("name, args", [
    ("gpg", ["-d", "s.gpg"]), ("gpg2", ["--decrypt", "s.asc"]), ("gpg", ["-q", "-d", "x"]),
    ("sops", ["-d", "s.yaml"]), ("sops", ["--decrypt", "s.json"]), ("sops", ["decrypt", "s"]),
    ("age", ["-d", "-i", "k.txt", "s.age"]), ("rage", ["--decrypt", "s.age"]),
    ("ansible-vault", ["view", "v.yml"]), ("ansible-vault", ["decrypt", "--output", "-", "v"]),
    ("openssl", ["enc", "-d", "-aes256", "-in", "x.enc"]),
    ("openssl", ["smime", "-decrypt", "-in", "m"]), ("openssl", ["cms", "-decrypt"]),
    ("openssl", ["pkeyutl", "-decrypt", "-in", "x"]), ("openssl", ["rsautl", "-decrypt"]),
    ("kubectl", ["get", "secret", "db", "-o", "yaml"]),
    ("kubectl", ["-n", "prod", "get", "secret/db", "-ojsonpath={.data.password}"]),
    ("kubectl", ["get", "secrets", "--output=json"]),
    ("heroku", ["config"]), ("heroku", ["config:get", "DATABASE_URL"]),
])
def test_what_decrypts(name, args):
    assert decrypts(name, args)


@pytest.mark.parametrize("name, args", [
    ("gpg", ["--list-keys"]), ("gpg", ["-e", "-r", "me", "f"]), ("gpg", []),
    ("sops", ["-e", "s.json"]), ("sops", ["s.yaml", "-d2"]), ("sops", []),
    ("age", ["-e", "-r", "x", "f"]), ("ansible-vault", ["encrypt", "v.yml"]),
    ("ansible-vault", []), ("openssl", ["enc", "-aes256", "-in", "x"]),
    ("openssl", ["x509", "-d"]), ("openssl", ["smime", "-encrypt"]), ("openssl", []),
    ("openssl", ["-d", "enc"]), ("kubectl", ["get", "pods", "-o", "yaml"]),
    ("kubectl", ["get", "secret", "db"]), ("kubectl", ["get"]),
    ("kubectl", ["describe", "secret", "db", "-o", "yaml"]), ("kubectl", ["apply", "-f", "x"]),
    ("heroku", ["logs"]), ("heroku", []), ("cat", ["-d"]), ("tar", ["--decrypt"]),
    ("decrypt", ["-d"]),
])
def test_what_does_not(name, args):
    assert not decrypts(name, args)


def test_a_decryption_is_withheld_by_its_command():
    d = decide("Bash", {"command": "sops -d deploy/secrets.enc.yaml | grep db"}, "/p", POLICY)
    assert d.rule == "(prints a secret: sops -d deploy/secrets.enc.yaml)"


def test_what_a_decryption_writes_is_a_copy():
    trace = make_trace([("a", "Bash", {"command": "gpg -d s.gpg > plain.txt"}, ""),
                        ("b", "Bash", {"command": "cat plain.txt"}, "password=v7")], cwd="/p")
    result = apply_policy([trace], POLICY)
    assert result.copies == {
        "copy:/p/plain.txt": "(prints a secret: gpg -d s.gpg) (copied by an earlier call)"}
    out = [str(o.output) for o in trace.observations if o.type == "tool"]
    assert out[1] == ("[WITHHELD:path-policy (prints a secret: gpg -d s.gpg) "
                      "(copied by an earlier call)]")
