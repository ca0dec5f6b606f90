"""What the capture policy's copies kept between batches cost the worker (stop 29).

Every transcript read reads and decrypts the `policy_copies` rows (`store.policycopies`)
and builds `policy.copies.Copies` from them; a glob read is matched against every
remembered copy. Prints the figures for an empty table and for the bound (5,000 rows),
with the store's cipher, as the median of `--rounds`.

    python bench/policy_copies_cost.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable

from cctrace.policy.copies import Copies
from cctrace.security.crypto import Cipher
from cctrace.store import policycopies
from cctrace.store.db import Store


def _ms(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    bound = policycopies.MAX_ROWS
    with tempfile.TemporaryDirectory() as tmp, \
            Store(os.path.join(tmp, "c.db"), Cipher(os.urandom(32))) as store:
        print(f"empty table, read per transcript read: {_ms(store.policy_copies, rounds):.2f} ms")
        made = {f"copy:/home/u/work/proj{i % 50}/notes{i}.txt": "r" for i in range(bound)}
        start = time.perf_counter()
        store.note_policy_copies(made)
        print(f"{bound} copies noted at once: {(time.perf_counter() - start) * 1000:.1f} ms")
        print(f"{bound} rows read and decrypted: {_ms(store.policy_copies, rounds):.1f} ms")
        earlier = store.policy_copies()
        print(f"Copies built from them: {_ms(lambda: Copies('/home/u', earlier), rounds):.1f} ms")
        copies = Copies("/home/u", earlier)
        call = {"command": "cat src/x*.py"}
        glob = _ms(lambda: copies.rule("Bash", call, "/home/u/work/proj1"), rounds)
        print(f"a glob read matched against {bound} copies: {glob:.2f} ms")


if __name__ == "__main__":
    main()
