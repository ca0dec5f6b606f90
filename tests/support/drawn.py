"""Random tokens for redaction tests: what a service issues, planted beside look-alikes.

Seeded by the caller (`random.Random(N)`), so a test's values are the same on every run.
"""

from __future__ import annotations

import random
import string


def drawn_token(rng: random.Random, n: int) -> str:
    """A random base62 string of `n` characters with 3+ digits and 3+ letters."""
    alphabet = string.ascii_letters + string.digits
    while True:
        t = "".join(rng.choice(alphabet) for _ in range(n))
        if sum(c.isdigit() for c in t) >= 3 and sum(c.isalpha() for c in t) >= 3:
            return t
