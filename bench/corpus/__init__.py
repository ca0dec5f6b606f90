"""Generators for the redaction evaluation corpus (no stored data)."""
