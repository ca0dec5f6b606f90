"""Shell mode (`! cat .env`) through the worker: what the user's command printed of a
denied file is neither stored nor queued for export; an ordinary command's output is.

Claude Code writes the command and its output as two user records
(`<bash-input>...</bash-input>`, then `<bash-stdout>...</bash-stdout><bash-stderr>...`);
the transcript here is shaped like 2.1.x's (`transcript.synth`). `-p` runs have no shell
mode, so the real CLI cannot drive it headless.
"""

from __future__ import annotations

import json
from pathlib import Path

from cctrace.config import Config
from cctrace.policy import Policy
from cctrace.store.db import Store
from cctrace.worker import pipeline
from support.absence import leaks, state_store_text
from transcript.synth import flatten, user

PLANTED = "shell-mode-x2c4v6b8"


def process(state: str, transcript: Path, records: list[dict]) -> dict[str, int]:
    """Write `records` as the session's transcript and run the worker's read of it, as
    finished; the store's counters after."""
    transcript.write_text("".join(json.dumps(r) + "\n" for r in records))
    cfg = Config(state_dir=state)
    with Store.open(state) as store:
        pipeline.process_transcript(
            store, cfg, pipeline.make_redactor(cfg), str(transcript), session_id="sess-1",
            final=True, policy=Policy.from_config(cfg), judge=False)
        return store.counters()


def test_a_denied_file_printed_in_shell_mode_is_withheld(tmp_path):
    state = str(tmp_path / "state")
    transcript = tmp_path / "sess-1.jsonl"
    records = flatten(
        user("<bash-input>cat .env</bash-input>", 0.0),
        user(f"<bash-stdout>DB_NOTE={PLANTED}</bash-stdout><bash-stderr></bash-stderr>", 0.5),
        user("<bash-input>cat notes.md</bash-input>", 1.0),
        user("<bash-stdout>ordinary-notes-k2m4</bash-stdout><bash-stderr></bash-stderr>", 1.5),
        user("thanks", 2.0),
    )
    counters = process(state, transcript, records)
    assert counters.get("policy_withheld_user_commands") == 1
    stored = state_store_text(state)
    assert "ordinary-notes-k2m4" in stored
    assert not leaks(PLANTED, stored)
    assert "<bash-input>cat .env</bash-input><bash-stdout>[WITHHELD:path-policy .env*]" in stored
