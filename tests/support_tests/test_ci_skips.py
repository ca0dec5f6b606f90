"""The suite's own rule: under CI=true a skipped security or trust test fails the run.

`tests/conftest.py` records every skip; these tests drive its hooks with recorded skips and
check which ones fail CI and the exit status it leaves, so weakening the rule fails here.
"""

from __future__ import annotations

import types

import pytest

import conftest


@pytest.fixture
def skipped(monkeypatch):
    recorded: list[tuple[str, str]] = []
    monkeypatch.setattr(conftest, "_SKIPPED", recorded)
    monkeypatch.delenv("CCTRACE_COMPAT_BINS", raising=False)
    return recorded


def _finish(status: int) -> int:
    session = types.SimpleNamespace(exitstatus=status)
    conftest.pytest_sessionfinish(session, status)
    return session.exitstatus


@pytest.mark.parametrize("nodeid", [
    "tests/security/test_purge_exact.py::test_scrub",
    "tests/e2e/test_redaction.py::test_planted",
    "tests/compat/test_import.py::test_x",
    "tests/hook/test_guard.py::test_y",
    "tests/install/test_install_e2e.py::test_z",
    "tests/compat/test_e2e.py::test_old_cli",  # the compat e2e when the CLIs were installed
])
def test_a_skipped_trust_test_fails_ci(skipped, monkeypatch, nodeid):
    monkeypatch.setenv("CCTRACE_COMPAT_BINS", "/opt/claude-1.0.128")
    monkeypatch.setenv("CI", "true")
    skipped.append((nodeid, "no reason good enough"))
    assert conftest._forbidden() == [(nodeid, "no reason good enough")]
    assert _finish(0) == 1
    assert _finish(5) == 1  # "no tests ran" is no pass either
    assert _finish(2) == 2  # an interrupted run keeps its own status


@pytest.mark.parametrize("ci", ["", "false", "0"])
def test_outside_ci_skips_are_listed_not_failed(skipped, monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    skipped.append(("tests/security/test_x.py::t", "r"))
    assert conftest._forbidden() == []
    assert _finish(0) == 0


@pytest.mark.parametrize("ci", ["true", "TRUE", "1", "yes", " true "])
def test_every_spelling_of_ci_counts(skipped, monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    skipped.append(("tests/security/test_x.py::t", "r"))
    assert conftest._forbidden() == [("tests/security/test_x.py::t", "r")]


def test_allowed_skips_in_ci(skipped, monkeypatch):
    monkeypatch.setenv("CI", "true")
    skipped.extend([
        ("tests/redact/test_engine_equivalence.py::test_hs", "hyperscan wheel not installed"),
        ("tests/compat/test_e2e.py::test_old_cli", "no older Claude Code installed"),
        ("tests/model/test_build_fixtures.py::test_durations", "no PostToolUse durations"),
    ])
    assert conftest._forbidden() == []
    assert _finish(0) == 0


def test_the_summary_lists_skips_by_reason_and_what_ci_could_not_install(skipped,
                                                                         monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("CCTRACE_CI_NOTES", "chromium (the HTML report browser test is skipped)\n")
    skipped.extend([("tests/redact/a.py::t1", "why A"), ("tests/redact/b.py::t2", "why A"),
                    ("tests/security/c.py::t3", "why B")])
    lines: list[str] = []
    tr = types.SimpleNamespace(section=lambda title, sep: lines.append(f"== {title}"),
                               write_line=lambda text, **kw: lines.append(text))
    conftest.pytest_terminal_summary(tr)
    assert lines == [
        "== skipped: 3 test(s), by reason",
        "    2  why A", "         tests/redact/a.py::t1", "         tests/redact/b.py::t2",
        "    1  why B", "         tests/security/c.py::t3",
        "  not installed by .ci/run: chromium (the HTML report browser test is skipped)",
        "CI: 1 security/trust test(s) skipped; failing the run:",
        "  tests/security/c.py::t3  (why B)",
    ]
