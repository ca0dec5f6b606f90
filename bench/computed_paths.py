"""How many Bash outputs `policy.computed` would withhold on real agents' commands.

Reads every Bash command of the recorded transcripts (`tests/fixtures/**/*.jsonl`, real
Claude Code sessions) and of the rules corpus (`bench/rules_corpus/benign*.jsonl`: recorded
and hand-written benign agent commands; `malicious.jsonl` as a check that the attack shapes
are caught), and prints, per source, how many commands there are, how many the computed-path
rule would withhold, and why (its own reasons and the run-time variables
`policy.words.Variables.computed` names). Run: `.venv/bin/python bench/computed_paths.py [-v]`.
"""

from __future__ import annotations

import glob
import json
import os
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

from cctrace.policy.bash import bash_files  # noqa: E402
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


# Hand-written agent commands that use shell variables (environment variables, loop
# variables, `read` loops), for the run-time names `Variables.computed` withholds.
VARIABLE_COMMANDS = [
    'curl -s -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com/user',
    'curl -u "$USER:$TOKEN" https://example.com/api',
    'for f in src/*.py; do python -m py_compile "$f"; done',
    'for f in *.md; do wc -l "$f"; done',
    'for f in tests/*.py; do echo "$f"; head -5 "$f"; done',
    'find . -name \'*.py\' | while read f; do wc -l "$f"; done',
    'git log --oneline | while read sha msg; do echo $sha; done',
    'PORT=3000; curl localhost:$PORT/health',
    'cd $CLAUDE_PROJECT_DIR && npm test',
    'docker run -e DB_URL=$DATABASE_URL myimage',
    'kill $PID',
    'echo "Done: $?"',
    'python manage.py migrate --settings=$DJANGO_SETTINGS_MODULE',
    'cat $HOME/.bashrc',
    'ls $HOME',
    'npm run build -- --env=$ENV',
    'git checkout -b feature/$NAME',
    'while IFS= read -r line; do echo "$line"; done < input.txt',
    'cat "$TMPDIR/out.log"',
    'cat $LOGFILE',
    'tail -n 50 $LOG_DIR/app.log',
    'for i in $(seq 1 5); do echo $i; done',
    'for i in {1..5}; do curl -s localhost:8080/$i; done',
    'pytest tests/ -k "$TEST"',
    'python3 -c "import sys; print(sys.argv)" $HOME',
    'go test ./... -run $TESTNAME',
    'node scripts/build.js $TARGET',
    'git diff $BASE_SHA..HEAD',
    'gh pr view $PR_NUMBER',
    'python script.py --input "$INPUT_FILE"',
    "cat package.json | jq -r '.version'",
    "awk -F: '{print $1}' /etc/passwd",
    'sed -n "${START},${END}p" file.txt',
    'echo ${#PATH}',
    'ls -la ${HOME}/projects',
    'for d in */; do echo "$d"; ls "$d" | head -3; done',
    'if [ -n "$CI" ]; then npm ci; else npm install; fi',
    'while [ $i -lt 5 ]; do i=$((i+1)); done',
    'grep -n "$PATTERN" src/*.py',
    'rg "$QUERY" src/',
    'python3 -m venv .venv && source .venv/bin/activate && pip install -r requirements.txt',
    'for f in $(git diff --name-only); do echo $f; done',
    'export NODE_ENV=test && npm test',
    'source .venv/bin/activate && pytest -q',
    'for pkg in requests flask; do pip show $pkg | head -2; done',
    'for f in *.json; do jq . "$f" > /dev/null || echo "bad $f"; done',
    'ls "$CLAUDE_PROJECT_DIR"/src',
    'cd "$(git rev-parse --show-toplevel)" && make test',
    'docker logs $CONTAINER_ID --tail 50',
    'aws s3 ls s3://$BUCKET/',
    'npx prettier --write "$FILE"',
    'test -f "$CONFIG" && echo found',
    'while read -r pid; do kill "$pid"; done < pids.txt',
    'git rev-parse HEAD | while read sha; do git show --stat $sha; done',
]


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    sources = {
        "tests/fixtures transcripts (real CLI)": fixture_commands(),
        "rules_corpus benign_recorded (real CLI)": corpus_commands("benign_recorded.jsonl"),
        "rules_corpus benign (hand-written)": corpus_commands("benign.jsonl"),
        "shell variables (hand-written, benign)": VARIABLE_COMMANDS,
        "rules_corpus malicious (hand-written)": corpus_commands("malicious.jsonl"),
    }
    print(f"{'source':42} {'commands':>8} {'withheld':>8} {'share':>7}  reasons")
    for name, commands in sources.items():
        reasons = Counter()
        hits = []
        for command in commands:
            why = computed_reason(command) or bash_files(command, "/p").computed
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
