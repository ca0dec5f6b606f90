"""A generated store for pricing views: many sessions, every way a call can be priced.

`build(state_dir, generations)` writes sessions, traces and generations straight into the
store's tables (fast enough for a million rows; only the tables `cctrace sessions` reads),
a `[prices]` override with a tier in `config.toml`, and Claude Code counts (`cost_states`)
that teach `claude-opus-5-5`'s prices and cover part of some sessions. Calls vary in model
(table with a 200k-token tier, learned, override, unknown, none), in usage shape (the one
cctrace writes, with the 1-hour cache key, other key orders, extra keys, floats), in size
and in model parameters (`speed: fast` picks another table tier). Deterministic per seed.
"""

from __future__ import annotations

import json
import os
import random
from typing import Any

from cctrace.store.counts import ClaudeCodeCost
from cctrace.store.db import Store

T0 = 1_790_000_000_000_000_000
SEC = 1_000_000_000
MODELS = ("claude-sonnet-4-5-20250929", "claude-opus-5-5", "claude-custom-7",
          "mystery-model-1", "claude-haiku-4-5-20251001", None)
CONFIG = """[prices."claude-custom-*"]
input = 3.0
output = 15.0

[[prices."claude-custom-*".tiers]]
above_input_tokens = 150000
input = 6.0
output = 22.5
"""


def _usage(rng: random.Random) -> str:
    big = rng.random() < 0.1
    u: dict[str, Any] = {"input": rng.randrange(0, 300_000 if big else 5_000),
                         "output": rng.randrange(0, 4_000),
                         "input_cache_read": rng.randrange(0, 250_000 if big else 60_000),
                         "input_cache_creation": rng.randrange(0, 9_000)}
    r = rng.random()
    if r < 0.08:
        u["input_cache_creation_1h"] = rng.randrange(0, 5_000)
    elif r < 0.10:
        u = dict(reversed(list(u.items())))  # another key order
    elif r < 0.11:
        u["web_search_requests"] = 2  # a key no price names
    elif r < 0.12:
        u["output"] = float(u["output"])  # a count written as a float
    elif r < 0.13:
        u["input"] = 0
        u["output"] = 0
    return json.dumps(u, separators=(",", ":"))


def build(state_dir: str, generations: int, sessions: int = 50, seed: int = 1) -> None:
    """Write the store and config under `state_dir` (which must not hold a store yet)."""
    rng = random.Random(seed)
    os.makedirs(state_dir, exist_ok=True)
    with open(os.path.join(state_dir, "config.toml"), "w", encoding="utf-8") as fh:
        fh.write(CONFIG)
    with Store.open(state_dir, cipher=None) as store:
        per_session = max(1, generations // sessions)
        with store.transaction() as conn:
            for s in range(sessions):
                sid = f"session-{s:04d}"
                first = T0 + s * per_session * 10 * SEC
                conn.execute("INSERT INTO sessions (id, project, cwd, first_ns, last_ns, models,"
                             " cc_version) VALUES (?, 'proj', '/p', ?, ?, '[]', '2.1.328')",
                             (sid, first, first + per_session * 10 * SEC))
                rows = []
                for g in range(per_session):
                    n = s * per_session + g
                    tid = f"{n:032x}"
                    start = first + g * 10 * SEC
                    if g % 20 == 0 or g == 0:
                        trace = tid
                        conn.execute("INSERT INTO traces (id, session_id, name, start_ns,"
                                     " end_ns) VALUES (?, ?, 'turn', ?, ?)",
                                     (trace, sid, start, start + 200 * SEC))
                    model = rng.choice(MODELS)
                    params = rng.choice((None, None, '{"speed":"fast"}', '{"max_tokens":8}'))
                    rows.append((f"{n:016x}", trace, "generation", str(model), start,
                                 start + SEC, model, params, _usage(rng)))
                conn.executemany(
                    "INSERT INTO observations (id, trace_id, type, name, start_ns, end_ns,"
                    " model, model_parameters, usage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        # Claude Code's counts: consistent opus-5-5 prices ($4/$20/$0.20/$5 per million),
        # covering the first half of every fifth session; one says it guessed.
        for s in range(0, sessions, 5):
            sid = f"session-{s:04d}"
            first = T0 + s * per_session * 10 * SEC
            for k in range(3):
                tokens = {"inputTokens": 100 + 37 * k + s, "outputTokens": 50 + 11 * k,
                          "cacheReadInputTokens": 1000 + 7 * k,
                          "cacheCreationInputTokens": 300 + 3 * k + s}
                usd = (tokens["inputTokens"] * 4 + tokens["outputTokens"] * 20
                       + tokens["cacheReadInputTokens"] * 0.2
                       + tokens["cacheCreationInputTokens"] * 5) / 1e6
                store.save_cost_state(sid, ClaudeCodeCost(
                    usd * (k + 1), {"claude-opus-5-5": {**tokens, "costUSD": usd}},
                    unknown_model_cost=(s == 10 and k == 2),
                    time_ns=first + (per_session // 2 + k) * 10 * SEC))
