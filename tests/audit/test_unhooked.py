"""Sessions no cctrace hook ran in (`audit/unhooked.py`): found from Claude Code's
transcripts folder by name, time and the store's hook events, never by reading content; and
the worker's sweep (`worker.conclude.note_unhooked`) records each once, on a real store."""

from __future__ import annotations

import json
import os
import types

import pytest

from cctrace.audit import unhooked
from cctrace.config import Config
from cctrace.store.db import HookEvent, Store
from cctrace.worker import conclude

SID = "0b6f1c2e-3d4a-4b5c-8d9e-0f1a2b3c4d5e"
OTHER = "1c7a2d3f-4e5b-4c6d-9e0f-1a2b3c4d5e6f"
S = 1_000_000_000


def _write(path, body=b'{"type":"user"}\n', mtime_s=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    if mtime_s is not None:
        os.utime(path, (mtime_s, mtime_s))
    return path


def test_list_transcripts_takes_main_transcripts_named_by_a_session_id(tmp_path):
    projects = tmp_path / "projects"
    _write(projects / "-home-u-app" / f"{SID}.jsonl", b"x" * 7, mtime_s=1000)
    _write(projects / "-home-u-app" / f"{OTHER.upper()}.jsonl", b"y", mtime_s=2000)
    _write(projects / "-home-u-app" / "agent-1234abcd.jsonl")        # an old sidechain
    _write(projects / "-home-u-app" / "notes.jsonl")                 # not a session id
    _write(projects / "-home-u-app" / f"{SID}.json")                 # not a transcript
    _write(projects / "-home-u-app" / f"x{SID}.jsonl")               # id inside a name
    _write(projects / "-home-u-app" / SID / "subagents" / f"{OTHER}.jsonl")  # one level only
    # a folder named like one, listed first
    (projects / "-home-u-app" / "00000000-0000-4000-8000-000000000000.jsonl").mkdir()
    _write(projects / "-a-stray-file.jsonl")                         # not a project, first
    os.symlink(projects / "-home-u-app" / f"{SID}.jsonl",
               projects / "-home-u-app" / "2d8b3e4f-5f6c-4d7e-8f9a-2b3c4d5e6f7a.jsonl")
    got = unhooked.list_transcripts(str(projects))
    assert got == [
        unhooked.Transcript(SID, "-home-u-app", 1000 * S, 7),
        unhooked.Transcript(OTHER, "-home-u-app", 2000 * S, 1),
    ]


def test_list_transcripts_of_a_missing_folder_or_a_file_is_empty(tmp_path):
    assert unhooked.list_transcripts(str(tmp_path / "nope")) == []
    _write(tmp_path / "file")
    assert unhooked.list_transcripts(str(tmp_path / "file")) == []


def test_a_symlinked_project_folder_is_not_followed(tmp_path):
    real = tmp_path / "elsewhere"
    _write(real / f"{SID}.jsonl")
    (tmp_path / "projects").mkdir()
    os.symlink(real, tmp_path / "projects" / "-linked")
    assert unhooked.list_transcripts(str(tmp_path / "projects")) == []


def test_the_listing_is_bounded(tmp_path, monkeypatch):
    projects = tmp_path / "projects"
    for i in range(3):
        for j in range(3):
            _write(projects / f"p{i}" / f"{SID[:-1]}{j}.jsonl")
    monkeypatch.setattr(unhooked, "MAX_PROJECTS", 2)
    monkeypatch.setattr(unhooked, "MAX_PER_PROJECT", 2)
    got = unhooked.list_transcripts(str(projects))
    assert sorted((t.project, t.session_id[-1]) for t in got) == [
        ("p0", "0"), ("p0", "1"), ("p1", "0"), ("p1", "1")]


class _Entry:
    """A directory entry whose stat fails: the file went away after the listing."""

    def __init__(self, name, path, gone=False):
        self.name, self.path, self.gone = name, path, gone

    def is_file(self, follow_symlinks=True):
        return True

    def stat(self, follow_symlinks=True):
        if self.gone:
            raise FileNotFoundError(self.path)
        return types.SimpleNamespace(st_mtime_ns=3 * S, st_size=5)


def test_a_transcript_gone_since_the_listing_is_skipped_not_the_rest(tmp_path, monkeypatch):
    (tmp_path / "-p").mkdir()
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("-p"):
            return iter([_Entry(f"{SID}.jsonl", "a", gone=True), _Entry(f"{OTHER}.jsonl", "b")])
        return real_scandir(path)

    monkeypatch.setattr(unhooked.os, "scandir", scandir)
    assert unhooked.list_transcripts(str(tmp_path)) == [
        unhooked.Transcript(OTHER, "-p", 3 * S, 5)]


def _t(sid, mtime_ns, project="-p", size=3):
    return unhooked.Transcript(sid, project, mtime_ns, size)


def test_findings_only_for_settled_transcripts_since_the_install_without_events():
    installed, now, settle = 100 * S, 1000 * S, unhooked.SETTLE_NS
    listing = [
        _t("before-install", installed - 1),
        _t("at-install", installed),
        _t("just-settled", now - settle),
        _t("not-settled", now - settle + 1),
        _t("hooked", installed + 5),
    ]
    found = unhooked.findings(listing, lambda sid: sid == "hooked", installed, now)
    assert [f.session_id for f in found] == ["at-install", "just-settled"]
    f = found[0]
    assert (f.kind, f.rule_id, f.severity, f.time_ns, f.trace_id) == (
        "coverage", "coverage.unhooked_session", "high", installed, None)
    assert f.detail == {"project": "-p", "transcript_bytes": 3}
    assert f.scores == {"cctrace.coverage": 0.0}
    assert f.title == ("a Claude Code session ran with no cctrace hook (hooks disabled or "
                       "bypassed): nothing of it was captured")
    # one id per session, whatever the sweep: recorded once
    again = unhooked.findings([_t("at-install", installed + 9, size=99)], lambda s: False,
                              installed, now)
    assert again[0].id == f.id and len(f.id) == 16
    assert found[1].id != f.id


def test_settle_interval_and_bounds():
    assert unhooked.SETTLE_NS == 120 * S
    assert unhooked.INTERVAL_S == 300.0
    assert (unhooked.MAX_PROJECTS, unhooked.MAX_PER_PROJECT) == (4096, 4096)


def test_the_finding_id_is_the_coverage_producers():
    from cctrace.findings import finding_id

    (f,) = unhooked.findings([_t(SID, 5 * S)], lambda s: False, 0, 10**30)
    assert f.id == finding_id("coverage", "coverage.unhooked_session", SID)


def test_an_unreadable_project_is_skipped_not_the_rest(tmp_path, monkeypatch):
    _write(tmp_path / "-a" / f"{SID}.jsonl")
    _write(tmp_path / "-b" / f"{OTHER}.jsonl", mtime_s=7)
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("-a"):
            raise PermissionError(path)
        return real_scandir(path)

    monkeypatch.setattr(unhooked.os, "scandir", scandir)
    assert unhooked.list_transcripts(str(tmp_path)) == [
        unhooked.Transcript(OTHER, "-b", 7 * S, 16)]


def test_due_and_stamp(tmp_path):
    st = str(tmp_path)
    assert unhooked.due(st, 5000.0) is True            # never ran
    unhooked.stamp(st, 5000.0)
    assert os.stat(tmp_path / "unhooked.stamp").st_mtime == 5000.0
    assert unhooked.due(st, 5299.0) is False
    assert unhooked.due(st, 5300.0) is True
    assert unhooked.due(st, 4941.0) is False           # clock a little behind the stamp
    assert unhooked.due(st, 4940.0) is False
    assert unhooked.due(st, 4939.0) is True            # a stamp from the future
    assert unhooked.due(st, 5010.0, interval_s=10) is True


def test_projects_dirs_adds_the_folders_hook_events_named(tmp_path):
    home = "/home/u"
    paths = [
        "/home/u/.claude/projects/-a/x.jsonl",          # the default: once
        "/cfg/claude/projects/-b/y.jsonl",              # a CLAUDE_CONFIG_DIR
        "/cfg/claude/projects/-c/z.jsonl",
        "relative/projects/-d/w.jsonl",                 # not absolute: ignored
        "/cfg/other/projects/-e/w.txt",                 # not a transcript: ignored
    ]
    assert unhooked.projects_dirs(paths, home) == [
        "/home/u/.claude/projects", "/cfg/claude/projects"]
    many = [f"/c{i}/projects/-p/x.jsonl" for i in range(40)]
    assert len(unhooked.projects_dirs(many, home)) == 16


# --- the worker's sweep on a real store -------------------------------------------------

@pytest.fixture(autouse=True)
def _account_home(tmp_path, monkeypatch):
    # the machine's own ~/.claude/projects is not this test's
    from cctrace import statedir

    monkeypatch.setattr(statedir, "account_home", lambda: str(tmp_path / "account"))


def _setup(tmp_path, state):
    cfg = Config(state_dir=state)
    os.makedirs(state, mode=0o700, exist_ok=True)
    worker_json = os.path.join(state, "worker.json")
    with open(worker_json, "w") as fh:
        json.dump({"python": "/usr/bin/python3"}, fh)
    os.utime(worker_json, (1000, 1000))                 # installed at t = 1000 s
    projects = tmp_path / "cfg" / "projects"
    hooked = _write(projects / "-home-u-app" / f"{OTHER}.jsonl", mtime_s=2000)
    _write(projects / "-home-u-evil" / f"{SID}.jsonl", b"z" * 11, mtime_s=2000)
    _write(projects / "-home-u-old" / "2d8b3e4f-5f6c-4d7e-8f9a-2b3c4d5e6f7a.jsonl",
           mtime_s=500)                                 # before the install
    with Store.open(state) as store:
        store.add_hook_events([HookEvent(1, 2000 * S, OTHER, "SessionStart",
                                         transcript_path=str(hooked))])
    return cfg


def test_the_sweep_records_a_session_no_hook_ran_in_once(tmp_path, _isolated_state):
    state = str(_isolated_state)
    cfg = _setup(tmp_path, state)
    now = 3000 * S
    with Store.open(state) as store:
        assert conclude.note_unhooked(store, cfg, now_ns=now) == 1
        (f,) = store.findings()
        assert (f.rule_id, f.session_id, f.severity) == (
            "coverage.unhooked_session", SID, "high")
        assert f.detail == {"project": "-home-u-evil", "transcript_bytes": 11}
        # within the interval: not swept again; after it: the same finding, not a new one
        assert conclude.note_unhooked(store, cfg, now_ns=now + 10 * S) == 0
        assert conclude.note_unhooked(store, cfg, now_ns=now + 400 * S) == 0
        assert len(store.findings()) == 1


def test_the_sweep_waits_for_the_install_and_the_interval(tmp_path, _isolated_state):
    state = str(_isolated_state)
    cfg = _setup(tmp_path, state)
    os.remove(os.path.join(state, "worker.json"))       # not installed: nothing to expect
    with Store.open(state) as store:
        assert conclude.note_unhooked(store, cfg, now_ns=3000 * S) == 0
        assert store.findings() == []
        assert os.path.exists(os.path.join(state, unhooked.STAMP))


def test_an_erased_session_is_not_flagged_again(tmp_path, _isolated_state):
    from cctrace.store import tombstones

    state = str(_isolated_state)
    cfg = _setup(tmp_path, state)
    with Store.open(state) as store:
        tombstones.add(store, [tombstones.SESSION + SID], "purge")
        assert conclude.note_unhooked(store, cfg, now_ns=3000 * S) == 0
        assert store.findings() == []


@pytest.mark.parametrize("bad", ["transcripts", "store"])
def test_a_failing_sweep_never_stops_the_step(tmp_path, _isolated_state, monkeypatch, bad):
    from cctrace.worker import pipeline

    state = str(_isolated_state)
    _setup(tmp_path, state)

    def boom(*a, **k):
        raise OSError("disk gone")

    if bad == "transcripts":
        monkeypatch.setattr(unhooked, "list_transcripts", boom)
    else:
        monkeypatch.setattr(Store, "recent_transcript_paths", boom)
    report = pipeline.step(state, Config(state_dir=state))
    assert report.errors == []
    log = open(os.path.join(state, "logs", "worker.log"), encoding="utf-8").read()
    # logged by type and place, never by message (no secret in our own logs)
    assert "unhooked sessions: builtins.OSError" in log and "disk gone" not in log
