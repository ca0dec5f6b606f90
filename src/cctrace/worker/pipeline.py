"""One step of the worker's work: spool -> transcript -> traces -> store -> export.

Placeholder: the coordinator fills this in. `run_once(state_dir)` must return True when it
did some work (so the worker calls it again at once) and False when there was nothing to do.
"""

from __future__ import annotations


def run_once(state_dir: str) -> bool:
    """Process what is pending in `state_dir`; True if anything was done."""
    return False
