"""cctrace.worker.redactors, exactly (filled in below)."""
