"""Every variable the hook notes, and exactly how (name and CRC-32 of the stripped value).
Written against the mutants `bench/mutation.py -m hook.envnote` left alive (docs/testing.md)."""

from __future__ import annotations

import binascii
import os

import pytest

from cctrace.hook import envnote

WATCHED = ["CCTRACE_HOME", "CCTRACE_CONFIG", "LANGFUSE_BASE_URL", "LANGFUSE_HOST",
           "LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY", "CCTRACE_OTLP_ENDPOINT"]
UNUSED = ["http_proxy", "https_proxy", "all_proxy", "requests_ca_bundle", "curl_ca_bundle",
          "ssl_cert_file", "ssl_cert_dir", "netrc", "pythonpath", "pythonhome",
          "pythonstartup", "xdg_state_home"]


def crc(value: str) -> int:
    return binascii.crc32(value.strip().encode("utf-8", "surrogateescape"))


def test_the_lists():
    assert list(envnote.WATCHED) == WATCHED and envnote.UNUSED == frozenset(UNUSED)
    assert envnote.STATE_VARS == ("CCTRACE_HOME", "CCTRACE_CONFIG")


@pytest.mark.parametrize("name", WATCHED)
def test_each_watched_variable_is_noted_by_exact_name(name, tmp_path):
    assert envnote.note({name: " https://x.example \n"}, str(tmp_path)) == {
        name: crc("https://x.example")}
    assert envnote.note({name.lower(): "v"}, str(tmp_path)) == {}
    assert envnote.note({name: "   "}, str(tmp_path)) == {}
    assert envnote.note({name: ""}, str(tmp_path)) == {}


@pytest.mark.parametrize("name", UNUSED)
def test_each_unused_variable_is_noted_in_any_case(name, tmp_path):
    for spelt in (name, name.upper(), name.title()):
        assert envnote.note({spelt: "http://p:1", "PATH": "/bin"}, str(tmp_path)) == {
            spelt: crc("http://p:1")}
    assert envnote.note({name: " "}, str(tmp_path)) == {}


def test_odd_names_are_not_noted(tmp_path):
    odd = {"http_proxy\u0131": "x", "http-proxy": "x", "HTTP_PROXY ": "x", "NO_PROXY": "x",
           "LANGFUSE_HOSTS": "x", "CCTRACE_HOME_X": "x"}
    assert envnote.note(odd, str(tmp_path)) == {}


def test_cctrace_home_naming_the_pinned_dir_is_not_noted(tmp_path, monkeypatch):
    state = str(tmp_path / "state")
    assert envnote.note({"CCTRACE_HOME": state}, state) == {}
    assert envnote.note({"CCTRACE_HOME": f" {state} "}, state) == {}
    monkeypatch.setenv("HOME", str(tmp_path))
    assert envnote.note({"CCTRACE_HOME": "~/state"}, state) == {}
    monkeypatch.chdir(tmp_path)
    assert envnote.note({"CCTRACE_HOME": "state"}, state) == {}
    other = os.path.join(str(tmp_path), "other")
    assert envnote.note({"CCTRACE_HOME": other}, state) == {"CCTRACE_HOME": crc(other)}
    assert envnote.note({"CCTRACE_CONFIG": state}, state) == {"CCTRACE_CONFIG": crc(state)}


def test_fingerprint_is_crc32_of_the_stripped_utf8_value():
    assert envnote.fingerprint(" abc \t") == binascii.crc32(b"abc")
    assert envnote.fingerprint("\udcff") == binascii.crc32(b"\xff")
    assert envnote.fingerprint("é") == binascii.crc32("é".encode())
