"""How many Bash outputs `policy.computed` would withhold on real agents' commands.

Reads every Bash command of the recorded transcripts (`tests/fixtures/**/*.jsonl`, real
Claude Code sessions) and of the rules corpus (`bench/rules_corpus/benign*.jsonl`: recorded
and hand-written benign agent commands; `malicious.jsonl` as a check that the attack shapes
are caught), and prints, per source, how many commands there are, how many the computed-path
rule would withhold, and why. Run: `.venv/bin/python bench/computed_paths.py [-v]`.
"""

from __future__ import annotations

import glob
import json
import os
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

from cctrace.policy.computed import computed_reason  # noqa: E402


def fixture_commands() -> list[str]:
    out: list[str] = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "**", "*.jsonl"),
                                 recursive=True)):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                content = (rec.get("message") or {}).get("content") if isinstance(
                    rec, dict) else None
                for block in content if isinstance(content, list) else []:
                    if isinstance(block, dict) and block.get("type") == "tool_use" and \
                            block.get("name") == "Bash":
                        command = (block.get("input") or {}).get("command")
                        if isinstance(command, str):
                            out.append(command)
    return out


def corpus_commands(name: str) -> list[str]:
    out: list[str] = []
    with open(os.path.join(ROOT, "bench", "rules_corpus", name), encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            command = (rec.get("input") or {}).get("command")
            if rec.get("tool") == "Bash" and isinstance(command, str):
                out.append(command)
    return out


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    sources = {
        "tests/fixtures transcripts (real CLI)": fixture_commands(),
        "rules_corpus benign_recorded (real CLI)": corpus_commands("benign_recorded.jsonl"),
        "rules_corpus benign (hand-written)": corpus_commands("benign.jsonl"),
        "rules_corpus malicious (hand-written)": corpus_commands("malicious.jsonl"),
    }
    print(f"{'source':42} {'commands':>8} {'withheld':>8} {'share':>7}  reasons")
    for name, commands in sources.items():
        reasons = Counter()
        hits = []
        for command in commands:
            why = computed_reason(command)
            if why:
                reasons[why] += 1
                hits.append((why, command))
        share = 100.0 * len(hits) / len(commands) if commands else 0.0
        print(f"{name:42} {len(commands):8d} {len(hits):8d} {share:6.1f}%  "
              + "; ".join(f"{k}: {v}" for k, v in reasons.most_common()))
        if verbose:
            for why, command in hits:
                print(f"    [{why}] {command[:160]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
