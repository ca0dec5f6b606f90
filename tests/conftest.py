"""Shared pytest set-up: every test gets its own CCTRACE_HOME so no state leaks."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path, monkeypatch):
    home = tmp_path / "cctrace-home"
    monkeypatch.setenv("CCTRACE_HOME", str(home))
    # The default audit anchor lives outside the state dir, under the account's home (no
    # environment variable moves it); in-process it goes to the test's folder instead.
    # Subprocess workers anchor under ~/.config/cctrace/anchors/<state key>, one folder per
    # test's state dir.
    from cctrace.audit import anchors

    monkeypatch.setattr(anchors, "_base", lambda: str(tmp_path / "default-anchors"))
    # Tests run from a Claude Code session must not read as an agent's erasure in-process
    # (`audit.selferase`; its own tests and the e2e CLI runs see the real marks).
    from cctrace.audit import selferase

    monkeypatch.setattr(selferase, "PROC", str(tmp_path / "no-proc"))
    for name in ("CLAUDECODE", "CLAUDE_CODE_ENTRYPOINT", "LANGFUSE_BASE_URL", "LANGFUSE_HOST",
                 "LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY", "CCTRACE_OTLP_ENDPOINT",
                 "CCTRACE_CONFIG", "CCTRACE_WORKER_PYTHON", "CCTRACE_WORKER_IDLE",
                 "CCTRACE_WORKER_MAX_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    yield home


# --- what was skipped, and a skipped trust test failing CI ---------------------------------
# Every run ends with the list of skipped tests grouped by reason (and what `.ci/run` could
# not install, from CCTRACE_CI_NOTES). Under CI=true a skipped security or trust test fails
# the run: the suites below must run on CI's machine. Two optional extras may skip there:
# the browser test when no Chromium could be installed, and the compatibility e2e when no
# older Claude Code release could be (CCTRACE_COMPAT_BINS unset); both are listed.
TRUST_SUITES = ("tests/security/", "tests/e2e/", "tests/compat/", "tests/hook/",
                "tests/install/test_install_e2e.py")
_SKIPPED: list[tuple[str, str]] = []


def _ci() -> bool:
    import os

    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _skip_allowed_in_ci(nodeid: str) -> bool:
    import os

    if not nodeid.startswith(TRUST_SUITES):
        return True
    if nodeid.startswith("tests/e2e/test_report_browser.py"):
        from e2e.test_report_browser import browser

        return browser() is None
    if nodeid.startswith("tests/compat/test_e2e.py"):
        return not os.environ.get("CCTRACE_COMPAT_BINS", "").strip()
    return False


def _record_skip(report) -> None:
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    _SKIPPED.append((report.nodeid, reason.removeprefix("Skipped: ")))


def pytest_runtest_logreport(report):
    if report.when in ("setup", "call"):
        _record_skip(report)


def pytest_collectreport(report):
    _record_skip(report)


def _forbidden() -> list[tuple[str, str]]:
    return [(n, r) for n, r in _SKIPPED if not _skip_allowed_in_ci(n)] if _ci() else []


def pytest_terminal_summary(terminalreporter):
    import os
    from collections import defaultdict

    tr = terminalreporter
    notes = [x for x in os.environ.get("CCTRACE_CI_NOTES", "").split("\n") if x.strip()]
    if not _SKIPPED and not notes:
        return
    tr.section(f"skipped: {len(_SKIPPED)} test(s), by reason", sep="=")
    by_reason: dict[str, list[str]] = defaultdict(list)
    for nodeid, reason in _SKIPPED:
        by_reason[reason].append(nodeid)
    for reason, ids in sorted(by_reason.items(), key=lambda kv: -len(kv[1])):
        tr.write_line(f"{len(ids):5}  {reason}")
        for nodeid in ids[:5]:
            tr.write_line(f"         {nodeid}")
        if len(ids) > 5:
            tr.write_line(f"         ... and {len(ids) - 5} more")
    for note in notes:
        tr.write_line(f"  not installed by .ci/run: {note}")
    bad = _forbidden()
    if bad:
        tr.write_line(f"CI: {len(bad)} security/trust test(s) skipped; failing the run:",
                      red=True, bold=True)
        for nodeid, reason in bad:
            tr.write_line(f"  {nodeid}  ({reason})", red=True)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if _forbidden() and exitstatus in (0, 5):
        session.exitstatus = 1
