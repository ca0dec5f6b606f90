"""Detector: GitLab tokens (personal, deploy, runner, CI job, OAuth, SCIM, trigger...).

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="gitlab",
    description=("GitLab tokens (personal, deploy, runner, CI job, OAuth, SCIM, trigger...)."),
    patterns=(
        Pattern(
            "gitlab_pat",
            r"glpat-[A-Za-z0-9_\-]{20,}(?:\.[A-Za-z0-9_\-]+)*",
            anchors=("glpat-",),
        ),
        Pattern(
            "gitlab_deploy_token",
            r"gldt-[A-Za-z0-9_\-]{20,}" + END_ALNUM,
            anchors=("gldt-",),
        ),
        Pattern(
            "gitlab_runner_token",
            r"glrt-[A-Za-z0-9_\-]{20,}(?:\.[A-Za-z0-9_\-]+)*",
            anchors=("glrt-",),
        ),
        Pattern(
            "gitlab_ci_build_token",
            r"glcbt-[A-Za-z0-9_\-]{20,}" + END_ALNUM,
            anchors=("glcbt-",),
        ),
        Pattern(
            "gitlab_incoming_mail_token",
            r"glimt-[A-Za-z0-9_\-]{25,}" + END_ALNUM,
            anchors=("glimt-",),
        ),
        Pattern(
            "gitlab_agent_token",
            r"glagent-[A-Za-z0-9_\-]{50,}" + END_ALNUM,
            anchors=("glagent-",),
        ),
        Pattern(
            "gitlab_oauth_secret",
            r"gloas-[A-Za-z0-9_\-]{64}" + END_ALNUM,
            anchors=("gloas-",),
        ),
        Pattern(
            "gitlab_scim_token",
            r"glsoat-[A-Za-z0-9_\-]{20,}" + END_ALNUM,
            anchors=("glsoat-",),
        ),
        Pattern(
            "gitlab_feature_flag_token",
            r"glffct-[A-Za-z0-9_\-]{20,}" + END_ALNUM,
            anchors=("glffct-",),
        ),
        Pattern(
            "gitlab_feed_token",
            r"glft-[A-Za-z0-9_\-]{20,}" + END_ALNUM,
            anchors=("glft-",),
        ),
        Pattern(
            "gitlab_trigger_token",
            r"glptt-[0-9a-f]{40}" + END_ALNUM,
            anchors=("glptt-",),
        ),
        Pattern(
            "gitlab_runner_registration_token",
            r"GR1348941[A-Za-z0-9_\-]{20}" + END_ALNUM,
            anchors=("gr1348941",),
        ),
    ),
)
