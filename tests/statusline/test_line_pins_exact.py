"""The statusline's state dir, exactly: the pinned `--state-dir`, else the account default.

The statusline runs inside a Claude Code session whose environment a repository can set:
it reads the summary of the state dir its command line pins (`cctrace install
--statusline`), an absolute path only, else the capture default under the OS account's
home (not `$HOME`), and takes a summary only when it is ours and not oversized. The
mutation run (`bench/mutation.py -m statusline.pins`) starts with this file.
"""

from __future__ import annotations

import json
import os

from cctrace import statedir
from cctrace.statusline import line


def test_parse_args_takes_only_an_absolute_pin(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "planted-home"))
    monkeypatch.setenv("CCTRACE_HOME", str(tmp_path / "planted-state"))
    default = statedir.capture_default()
    assert default == os.path.join(statedir.account_home(), ".local", "state", "cctrace")
    assert not default.startswith(str(tmp_path))
    assert line.parse_args([]) == (default, None)
    assert line.parse_args(["--state-dir=/srv/s"]) == ("/srv/s", None)
    assert line.parse_args(["--state-dir", "/srv/s/../t", "--then", "my cmd"]) == (
        "/srv/t", "my cmd")
    assert line.parse_args(["--state-dir=rel", "--then=a b"]) == (default, "a b")
    assert line.parse_args(["--then"]) == (default, None)
    assert line.parse_args(["--then", "x", "--then=y"]) == (default, "y")


def test_summary_path() -> None:
    assert line.summary_path("/srv/s") == "/srv/s/statusline.json"


def test_read_summary_takes_only_ours_and_not_oversized(tmp_path) -> None:
    path = tmp_path / "statusline.json"
    assert line.read_summary(str(tmp_path)) is None
    path.write_text('{"v": 1, "x": 2}')
    assert line.read_summary(str(tmp_path)) == {"v": 1, "x": 2}
    for bad in ('{"v": 2}', '{"x": 1}', "[1]", "not json", '"v"'):
        path.write_text(bad)
        assert line.read_summary(str(tmp_path)) is None, bad
    head = '{"v": 1, "pad": "'
    pad = "x" * (line.MAX_SUMMARY_BYTES - len(head) - 2)
    path.write_text(head + pad + '"}')
    assert path.stat().st_size == line.MAX_SUMMARY_BYTES
    assert line.read_summary(str(tmp_path)) == {"v": 1, "pad": pad}
    path.write_text(head + pad + 'x"}')
    assert line.read_summary(str(tmp_path)) is None
    path.write_bytes(b'{"v": 1, "s": "\xff"}')
    assert line.read_summary(str(tmp_path)) == {"v": 1, "s": "\ufffd"}
    assert json.loads(json.dumps(line.SUMMARY_VERSION)) == 1
