"""`bench/mutation.py` stopped by SIGINT alone puts the mutated source back.

The driver writes each mutant over the real source file, so an interrupted run must restore
it. The run here is started the way a script's `cmd &` starts one, with SIGINT inherited
ignored (the case where Ctrl-C / `kill -INT` used to leave it running). It runs on a copy
of the repository (its own git repository), never on this work tree, so no other test sees
a mutant.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULE = "src/cctrace/redact/stoplist.py"
RUN = "redact.stoplist.words"  # a short run of a mutation map entry over MODULE


def _selection(module: str) -> list[str]:
    """The test files `bench/mutation.py` runs for `module` (read from its map)."""
    spec = importlib.util.spec_from_file_location("mutation_map", ROOT / "bench" /
                                                  "mutation.py")
    assert spec is not None and spec.loader is not None
    driver = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = driver  # its dataclasses look their module up there
    try:
        spec.loader.exec_module(driver)
    finally:
        del sys.modules[spec.name]
    return sorted({t.split("::")[0] for t in driver.MODULES[module].tests})


def _copy(dest: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for tree in ("src", "tests/support"):
        shutil.copytree(ROOT / tree, dest / tree, ignore=ignore)
    for name in ("pyproject.toml", "bench/mutation.py", "tests/conftest.py",
                 "tests/redact/__init__.py", "tests/redact/conftest.py",
                 *_selection(RUN)):
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(dest)]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "copy"]):
        subprocess.run(git + args, check=True, capture_output=True)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_sigint_stops_the_run_and_restores_the_source(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    _copy(repo)
    source = repo / MODULE
    original = subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{MODULE}"],
                              check=True, capture_output=True).stdout
    assert source.read_bytes() == original
    env = dict(os.environ, PYTHONPATH=str(repo / "src"))
    proc = subprocess.Popen([sys.executable, "bench/mutation.py", "-m", RUN],
                            cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            preexec_fn=_ignore_sigint)
    try:
        # Wait (bounded) until a mutant is in place: that is when an interruption matters.
        deadline = time.monotonic() + 300
        while source.read_bytes() == original and proc.poll() is None \
                and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, proc.communicate()[0].decode()
        assert source.read_bytes() != original
        proc.send_signal(signal.SIGINT)
        out = proc.communicate(timeout=120)[0].decode()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # Python ends an unhandled KeyboardInterrupt by dying of SIGINT.
    assert proc.returncode == -signal.SIGINT, out
    assert "KeyboardInterrupt" in out
    assert source.read_bytes() == original
    status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--", "src"],
                            check=True, capture_output=True, text=True).stdout
    assert status == ""
