"""The capture policy: what of a session is captured at all, before redaction runs.

`Policy` holds the settings of the `[capture]` config table (level, path rules, per-tool
levels, size cap, project opt-in/opt-out); `apply_policy` applies them to built traces;
`path_denied` tells whether a file's content is off limits and by which rule. See
docs/policy.md for every option.
"""

from cctrace.policy.apply import PolicyResult, apply_policy, summary
from cctrace.policy.bash import bash_files
from cctrace.policy.settings import (
    DEFAULT_DENY_PATHS,
    LEVELS,
    Policy,
    parse_capture,
    path_denied,
)

__all__ = [
    "DEFAULT_DENY_PATHS",
    "LEVELS",
    "Policy",
    "PolicyResult",
    "apply_policy",
    "bash_files",
    "parse_capture",
    "path_denied",
    "summary",
]
