"""A Bash result whose command prints nothing but a secret is withheld by that command:
Claude Code keeps the command line in the tool's input and the bare secret in its output,
so no detector sees a name beside the value (`redact.detectors.command_output`)."""

from __future__ import annotations

import pytest
from tests.policy.test_policy_apply import leaks, make_trace

from cctrace.policy import Policy, apply_policy
from cctrace.policy.apply import decide

POLICY = Policy(home="/home/u")
TOKEN = "tok-7Gq2Lx9Vb4Nw8Rz1Pk6Ty3"


@pytest.mark.parametrize("command, printer", [
    ("heroku auth:token", "heroku auth:token"),
    ("gcloud auth print-access-token", "gcloud auth print-access-token"),
    ("aws ecr get-login-password --region eu-west-1 | docker login --username AWS "
     "--password-stdin 1.dkr.ecr.eu-west-1.amazonaws.com",
     "aws ecr get-login-password --region eu-west-1"),
    ("cd infra && vault read -field=password secret/db", "vault read -field=password secret/db"),
    ("sudo security find-generic-password -s api -w", "security find-generic-password -s api -w"),
    ("etcdctl get /app/db/password", "etcdctl get /app/db/password"),
    ("vault kv get -field=api_key kv/app", "vault kv get -field=api_key kv/app"),
    ("gh auth token", "gh auth token"),
    ("bash -c 'op read op://vault/item/credential'", "op read op://vault/item/credential"),
])
def test_the_output_of_a_secret_printer_is_withheld(command, printer):
    d = decide("Bash", {"command": command}, "/p", POLICY)
    assert d.rule == f"(prints a secret: {printer})" and d.input_too is False
    trace = make_trace([("t1", "Bash", {"command": command}, TOKEN + "\n")])
    apply_policy([trace], POLICY)
    assert not leaks(trace, TOKEN)
    tool = next(o for o in trace.observations if o.type == "tool")
    assert tool.input == {"command": command}  # the command line stays


@pytest.mark.parametrize("command", [
    "gh auth status", "heroku apps", "vault read -field=ttl auth/token/lookup-self",
    "etcdctl get /app/db/host", "vault kv get -field=port kv/app",
    "security find-generic-password -s api", "echo heroku auth:token",
    "grep 'gh auth token' README.md",
])
def test_other_commands_keep_their_output(command):
    assert decide("Bash", {"command": command}, "/p", POLICY).rule is None


def test_without_deny_patterns_the_output_is_left_to_the_detectors():
    off = Policy(home="/home/u", use_default_deny=False)
    assert decide("Bash", {"command": "heroku auth:token"}, "/p", off).rule is None
