"""Test support for cctrace: a scripted stand-in for the Anthropic Messages API, a loopback OTLP
receiver and a runner for the real Claude Code CLI. Nothing here is product code; tests import
it as `support.<module>` (pytest puts `tests/` on sys.path via the root conftest)."""
