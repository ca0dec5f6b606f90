"""Exact values for `redact/cut.py`: where each cut lands, what it keeps, what it adds.

Fast unit tests, run first by the mutation driver (`bench/mutation.py -m redact.cut`).
The secret-safety assertions are about absence: no 12-character piece of a secret is left.
"""

from __future__ import annotations
