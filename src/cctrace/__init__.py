"""cctrace: Claude Code sessions as redacted, full-fidelity Langfuse / OpenTelemetry traces.

This top-level module must stay import-free: the hook entry point imports the package
with nothing but the standard library loaded.
"""

__version__ = "0.1.0"
