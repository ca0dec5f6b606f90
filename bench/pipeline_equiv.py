"""Does a change of the worker pipeline change any output? Store, audit log and outbox of
two revisions, compared byte for byte.

Exports `REV`'s `src/` (default `main`) with `git archive`, generates transcripts with this
checkout's `bench/transcript_gen.py` (the built-in template with fake secrets of every
detector type and non-ASCII prose mixed into a share of its tool outputs, and turns copied
from a recorded fixture; first a plain template), then runs `pipeline.process_transcript`
(final) on each of them in that order with both trees, each in a fresh child process, and
compares what they wrote:

- every row of every store table, content columns decrypted (AES-GCM nonces are random,
  the plaintext is not), outbox payloads as the SHA-256 of their decrypted bytes;
- the audit log, its checkpoints and head, byte for byte.

Outputs are made deterministic the only two ways they are not: both trees start from one
copy of the same state dir (store key, redaction key, audit key and log id, made by a run
of REV on a small transcript), and the clock (`time.time_ns`, `time.time`) is fixed, so
audit times, signatures, coverage judgements and row times agree. Exit status 1 and the
first difference per table when they differ.

    python bench/pipeline_equiv.py [--rev main] [--mb 20] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from corpus import fakes  # noqa: E402
from transcript_gen import generate  # noqa: E402

FIXTURE = os.path.join(ROOT, "tests", "fixtures", "transcripts", "subagent_foreground",
                       "24344242-887c-46b3-b3af-a0e68c1d1eaa.jsonl")
# Prose outside ASCII: the non-ASCII detector keywords (found by str.find, not the
# prefilter) and plain accented text around them.
NON_ASCII = [
    "Das lösenord är {v} för admin — bitte nicht teilen.",
    "hasło: {v}", "le token é {v}", "the secret è {v}", "clé: key é {v}",
    "Größe: 12 KB, café, naïve résumé, 東京, emoji 🙂 and no secret here.",
]

# Run in the child with PYTHONPATH naming the tree under test.
CHILD = r"""
import json, os, sys, time
FIXED = 1_800_000_000 * 10**9
time.time_ns = lambda: FIXED
time.time = lambda: FIXED / 1e9
sys.path.insert(0, sys.argv[1])
import cctrace
from cctrace.config import Config
from cctrace.store.db import Store
from cctrace.worker import pipeline
state, out = sys.argv[2], sys.argv[3]
cfg = Config(state_dir=state, otlp_endpoint="http://127.0.0.1:9/v1/traces")
with Store.open(state) as store:
    redactor = pipeline.make_redactor(cfg, None)
    for path in sys.argv[4:]:
        pipeline.process_transcript(store, cfg, redactor, path, final=True)
print(json.dumps({"package": cctrace.__file__}))
"""

DUMP = r"""
import hashlib, json, os, sqlite3, sys
sys.path.insert(0, sys.argv[1])
from cctrace.security.crypto import cipher_for_state_dir
state, out = sys.argv[2], sys.argv[3]
cipher = cipher_for_state_dir(state)
conn = sqlite3.connect(os.path.join(state, "cctrace.db"))
tables = [r[0] for r in conn.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
with open(out, "w") as fh:
    for table in tables:
        cur = conn.execute(f"SELECT * FROM {table} ORDER BY rowid")
        cols = [d[0] for d in cur.description]
        for row in cur:
            vals = []
            for col, v in zip(cols, row):
                if isinstance(v, str) and cipher is not None:
                    v = cipher.decrypt_text(v, f"{table}.{col}")
                elif isinstance(v, bytes):
                    if cipher is not None:
                        v = cipher.decrypt_bytes(v, f"{table}.{col}")
                    v = "sha256:" + hashlib.sha256(v).hexdigest() + f" ({len(v)} bytes)"
                vals.append(v)
            fh.write(json.dumps([table, dict(zip(cols, vals))], ensure_ascii=False) + "\n")
    audit = os.path.join(state, "audit")
    for name in sorted(os.listdir(audit)):
        path = os.path.join(audit, name)
        if os.path.isfile(path) and name != "lock":
            with open(path, "rb") as f:
                data = f.read()
            for i, line in enumerate(data.split(b"\n")):
                fh.write(json.dumps(["audit/" + name, i, line.decode("utf-8", "replace")])
                         + "\n")
"""


def sprinkle(path: str, seed: int, share: float = 0.3) -> int:
    """Put fake secrets (one per detector template, cycled) and non-ASCII prose into a
    `share` of the tool results of `path`; returns how many were put."""
    rng = random.Random(seed)
    pool = [text for _, text in fakes.fakes(rng)]
    lines, put = [], 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            content = (rec.get("message") or {}).get("content")
            if rec.get("type") == "user" and isinstance(content, list):
                for block in content:
                    if (isinstance(block, dict) and block.get("type") == "tool_result"
                            and isinstance(block.get("content"), str) and rng.random() < share):
                        extra = [pool[(put * 7 + k) % len(pool)] for k in range(3)]
                        extra.append(rng.choice(NON_ASCII).format(v=pool[put % len(pool)][-20:]))
                        body = block["content"]
                        cut = rng.randrange(len(body) + 1)
                        block["content"] = body[:cut] + "\n" + "\n".join(extra) + "\n" + body[cut:]
                        put += 1
            lines.append(json.dumps(rec, ensure_ascii=rng.random() < 0.5))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return put


def run(src: str, state: str, out: str, paths: list[str]) -> None:
    env = dict(os.environ, PYTHONPATH=src)
    res = subprocess.run([sys.executable, "-c", CHILD, src, state, out, *paths], env=env,
                         check=True, stdout=subprocess.PIPE, text=True, cwd=state)
    package = json.loads(res.stdout.strip().splitlines()[-1])["package"]
    if not package.startswith(src + os.sep):
        raise SystemExit(f"the child imported {package}, not the tree in {src}")
    subprocess.run([sys.executable, "-c", DUMP, src, state, out], env=env, check=True)


def first_differences(a: str, b: str) -> list[str]:
    seen: dict[str, tuple[int, str, str]] = {}
    with open(a, encoding="utf-8") as fa, open(b, encoding="utf-8") as fb:
        la, lb = fa.read().splitlines(), fb.read().splitlines()
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else "<none>"
        y = lb[i] if i < len(lb) else "<none>"
        if x != y:
            key = (x if x != "<none>" else y)[:40].split(",")[0]
            seen.setdefault(key, (i, x[:300], y[:300]))
    out = [f"{len(la)} vs {len(lb)} lines"]
    for key, (i, x, y) in seen.items():
        out.append(f"{key}: first at line {i + 1}\n  base: {x}\n  tree: {y}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rev", default="main")
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--keep", help="keep the work folder here (dumps to compare by hand)")
    args = ap.parse_args(argv)
    work = args.keep or tempfile.mkdtemp(prefix="cctrace-equiv-")
    os.makedirs(work, exist_ok=True)
    try:
        base = os.path.join(work, "base")
        os.makedirs(base, exist_ok=True)
        archive = subprocess.run(["git", "-C", ROOT, "archive", args.rev, "src"],
                                 stdout=subprocess.PIPE, check=True).stdout
        subprocess.run(["tar", "-x", "-C", base], input=archive, check=True)
        trees = [(args.rev, os.path.join(base, "src")), ("worktree", os.path.join(ROOT, "src"))]
        # First a template without secrets (nothing learned yet: the sweep pass has nothing
        # to do), then one with them, then turns of a recorded session.
        plain = os.path.join(work, "plain.jsonl")
        generate(plain, int(args.mb / 4 * 1048576), None, seed=2)
        template = os.path.join(work, "template.jsonl")
        generate(template, int(args.mb * 1048576), None, seed=3)
        put = sprinkle(template, seed=3)
        real = os.path.join(work, "real.jsonl")
        generate(real, int(max(1.0, args.mb / 10) * 1048576), FIXTURE, seed=4)
        seed_state = os.path.join(work, "seed-state")
        small = os.path.join(work, "small.jsonl")
        generate(small, 200_000, None, seed=5)
        run(trees[0][1], _fresh_dir(seed_state), os.path.join(work, "seed.dump"), [small])
        dumps = []
        for name, src in trees:
            state = os.path.join(work, f"state-{name}")
            shutil.rmtree(state, ignore_errors=True)
            shutil.copytree(seed_state, state)
            dump = os.path.join(work, f"{name}.dump")
            run(src, state, dump, [plain, template, real])
            dumps.append(dump)
        digests = [_sha(d) for d in dumps]
        print(f"transcripts: template {os.path.getsize(plain) / 1048576:.1f} MB, then "
              f"template {os.path.getsize(template) / 1048576:.1f} MB "
              f"({put} tool results with fake secrets), fixture turns "
              f"{os.path.getsize(real) / 1048576:.1f} MB")
        for (name, _), dump, dig in zip(trees, dumps, digests, strict=True):
            print(f"{name}: {sum(1 for _ in open(dump, encoding='utf-8'))} rows and audit "
                  f"lines, sha256 {dig[:16]}")
        if digests[0] != digests[1]:
            print("DIFFERENT:\n" + "\n".join(first_differences(*dumps)))
            return 1
        print("identical: store rows, outbox payloads and audit log")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def _fresh_dir(path: str) -> str:
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def _sha(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


if __name__ == "__main__":
    raise SystemExit(main())
