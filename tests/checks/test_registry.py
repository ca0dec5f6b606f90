"""`checks/registry.py`: every module listed loads, names its checks, and reports only those."""

from __future__ import annotations

import pytest

from cctrace.checks import base, registry
from support.configure import langfuse_toml, write_config


def test_every_listed_module_exposes_a_spec_with_its_names():
    names = [n for spec in registry.specs() for n in spec.names]
    assert names == ["claude", "hooks", "state dir pin", "config", "environment",
                     "permissions", "keychain", "runtime", "worker", "spool", "state dir", "hook",
                     "destination", "outbox", "queued", "export", "limits", "transcripts",
                     "quarantine", "langfuse", "otlp", "destination", "agent"]


def test_a_module_without_a_spec_is_refused(monkeypatch):
    registry.load.cache_clear()
    monkeypatch.setattr(base, "CHECK", "not a spec", raising=False)
    with pytest.raises(TypeError, match="cctrace.checks.base.CHECK is not a Spec"):
        registry.load("base")
    registry.load.cache_clear()


def test_each_check_reports_only_the_names_it_declares(tmp_path):
    ctx = base.Context(cwd=str(tmp_path), env={"HOME": str(tmp_path), "PATH": ""},
                       state_dir=str(tmp_path / "state"), now_s=0.0, offline=True)
    write_config(langfuse_toml("http://127.0.0.1:9", "pk-lf-test", "sk-lf-test"),
                 ctx.state_dir)
    reported = {}
    for name in registry.ORDER:
        spec = registry.load(name)
        got = spec.run(ctx)
        ctx.done += got
        reported[name] = [c.name for c in got]
        assert set(reported[name]) <= set(spec.names), name
    assert reported["destinations"] == ["destination"]  # offline: skipped, not contacted
    assert ctx.cfg is not None and ctx.cfg.langfuse_enabled  # the config check set it


def test_the_context_hands_earlier_verdicts_on():
    ctx = base.Context(cwd="/", env={}, state_dir="/nonexistent", now_s=0.0, offline=True)
    ctx.done.append(base.Check("runtime", base.WARN, "installing"))
    assert ctx.earlier("runtime").detail == "installing"
    assert ctx.earlier("worker") is None


@pytest.mark.parametrize("seconds, text", [(None, "?"), (42, "42s"), (720, "12m"),
                                           (12600, "3.5h"), (172800, "2.0d")])
def test_duration(seconds, text):
    assert base.duration(seconds) == text
