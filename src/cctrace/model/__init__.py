"""The data model: sessions, traces (one per user turn) and their observations.

Pure data and pure functions; no I/O. See `types` for the shapes and `ids` for the
deterministic identifiers that make re-processing idempotent.
"""
