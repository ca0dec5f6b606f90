"""The end-to-end fixtures (`traced`, `model_server`, `receiver`) for the attack suite."""

from e2e.conftest import model_server, receiver, traced  # noqa: F401
