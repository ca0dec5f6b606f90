"""Secret and PII detectors, one module per provider or family, each exposing `DETECTOR`.

`cctrace.redact.registry` lists them; `base` holds the shared `Pattern`/`Detector` shapes.
"""
