"""Redaction: the one stage every string passes through before the store or the wire.

`stage.redact_traces` walks every string of a trace (names, inputs, outputs, metadata,
status messages, tags) and of hook payloads through a `Redactor`. Nothing may reach
`store` or `export` without passing it: the store refuses traces the stage has not marked.
Detectors live one per module under `redact/detectors/` and are listed in a registry.
"""
