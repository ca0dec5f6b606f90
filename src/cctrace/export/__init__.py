"""Export: observations -> OTel spans -> OTLP protobuf batches -> durable outbox -> HTTP.

`spans` (pure mapping), `encode` (protobuf bytes and batching), `destinations` (where to send,
from the config) and `outbox` (enqueue before any send; delivery with retry/dead-lettering).
"""
