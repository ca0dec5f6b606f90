"""Mutation testing of the modules that guard secrets and trust.

Each module is mapped to the fast test selection that is meant to catch a bug in it. For
every mutant mutmut's engine (pinned in the `test` extra) makes of the module (or of the
listed functions only), the mutant is written over the source file, the selection runs
(`pytest -x`, stopping at the first failure), and the file is put back. A mutant is
*killed* when the selection fails or times out, *survived* when it passes. Survivors listed
in EQUIVALENT (the mutated line and why no test can tell it apart) do not count against the
score: score = killed / (mutants - equivalent). Run from the repository root:

    .venv/bin/python bench/mutation.py                      # every module in the map
    .venv/bin/python bench/mutation.py -m security.transport -m hook.envnote
    .venv/bin/python bench/mutation.py --list               # the map: modules, tests, scope
    .venv/bin/python bench/mutation.py -m export.send --survivors   # re-run last survivors
    .venv/bin/python bench/mutation.py -m 'redact.detectors.*'        # every detector module
    .venv/bin/python bench/mutation.py -m redact.detectors.github     # one of them

Mutants run one at a time (the source file is changed in place, and the hook and worker
tests run it in child processes), so never run two of these at once in one work tree, and
commit nothing while it runs. The source file is restored on exit, Ctrl-C included; the
script refuses to start on a module with uncommitted changes, so `git checkout` is always
a safe undo. Results go to `.mutation/<module>.json`; docs/testing.md has the scores.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import glob
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "src", "cctrace")
OUT = os.path.join(ROOT, ".mutation")


@dataclass(frozen=True)
class Target:
    path: str                     # relative to src/cctrace
    tests: tuple[str, ...]        # pytest node ids or files, relative to the repository
    scope: tuple[str, ...] = ()   # qualified function/class names; empty = whole module
    note: str = ""
    # Modules imported once by the driver, before any mutant: each mutant's selection then
    # runs in a fork of it (pytest, the engine and the fakes already loaded), not in a new
    # interpreter, without hypothesis' pytest plugin. Only for a module none of them
    # imports (a detector: the registry loads them lazily) and a selection that does not
    # use hypothesis; empty = a new `python -m pytest` per mutant.
    preload: tuple[str, ...] = ()


# What a detector's selection imports that no detector module is part of (the registry
# loads detector modules lazily): a fork of the driver starts with them.
DETECTOR_PRELOAD = ("pytest", "cctrace.redact.engine", "cctrace.redact.detectors.base",
                    "bench.corpus.fakes", "support.absence")

MODULES: dict[str, Target] = {
    # -- security/
    "security.transport": Target("security/transport.py", (
        "tests/security/test_transport_edges.py", "tests/security/test_transport.py",
        "tests/security/test_urls.py")),
    "security.envcheck": Target("security/envcheck.py", (
        "tests/security/test_envcheck_table.py", "tests/security/test_envcheck.py")),
    "security.keys": Target("security/keys.py", (
        "tests/security/test_keys_exact.py", "tests/security/test_keys.py",
        "tests/security/test_keys_unreachable.py")),
    "security.purge": Target("security/purge.py", (
        "tests/security/test_purge_exact.py", "tests/security/test_purge.py",
        "tests/security/test_purge_erases_everything.py"),
        # What is sent where, retried, reported and kept; `select` is the store's query.
        scope=("delete_remote", "_scrub", "_send", "purge")),
    # Encryption at rest of the store's content columns: the cipher, the column bound in,
    # the config switch, the per-state-dir cache keyed on the key file.
    "security.crypto": Target("security/crypto.py", (
        "tests/security/test_crypto.py", "tests/store/test_db_json.py",
        "tests/security/test_keys_unreachable.py")),
    # Erasure on request and retention: which traces a purge selects, and every row that
    # names an erased trace or session (findings, unsent batches, cursors, cost counts).
    # What the capture policy keeps between batches: copies of denied files, keyed hashes.
    "store.policycopies": Target("store/policycopies.py", (
        "tests/store/test_policycopies.py", "tests/policy/test_policy_copies.py")),
    "store.erasure": Target("store/erasure.py", (
        "tests/store/test_erasure.py", "tests/store/test_erasure_sessions.py",
        "tests/security/test_tombstones.py", "tests/security/test_purge_exact.py",
        "tests/worker/test_limits.py", "tests/security/test_purge.py",
        "tests/security/test_purge_erases_everything.py")),
    # Retention: the setting, the cutoff, the audit entries of what it deletes, at most
    # once an interval (the stamp file).
    "security.retention": Target("security/retention.py", (
        "tests/security/test_retention.py", "tests/security/test_purge.py",
        "tests/spool/test_quarantine.py")),
    # -- hook (standard library only)
    "hook.envnote": Target("hook/envnote.py", (
        "tests/hook/test_envnote_table.py", "tests/security/test_envcheck.py",
        "tests/hook/test_hook_imports.py")),
    "hook.guard": Target("hook/guard.py", (
        # the deciding tests first, so `-x` stops early; the CLI round trip (3-4 s) adds
        # nothing the others do not check of guard.py
        "tests/hook/test_guard_exact.py",
        "tests/hook/test_guard.py::test_decide_denies_only_blocking_matches",
        "tests/hook/test_guard.py::test_reason_quotes_the_rule_never_the_input",
        "tests/hook/test_guard.py::test_other_events_are_never_judged",
        "tests/hook/test_guard.py::test_deny_output_is_claude_codes_pretooluse_shape",
        "tests/hook/test_guard.py",
        "--deselect=tests/hook/test_guard.py::test_cli_enable_status_disable"),
        # What the hook runs on every PreToolUse; build_guard (run by `cctrace rules guard
        # enable`) and the file helpers are the next run's.
        scope=("decide_payload", "decide", "deny_output", "reason_for", "_clean", "_event",
               "read_guard", "guard_path", "digest")),
    # Which hook records an event when the plugin and a settings-file hook both run: a
    # settings hook that stands down wrongly loses the event.
    "hook.defer": Target("hook/defer.py", (
        "tests/hook/test_defer_exact.py", "tests/hook/test_defer.py")),
    # The script form: the hook folder off sys.path, the package root first, exit 0.
    "hook.entry": Target("hook/entry.py", (
        "tests/hook/test_entry_exact.py",
        "tests/hook/test_hook_process.py::test_one_event_one_entry_nothing_printed",
        "tests/hook/test_hook_process.py::test_symlinked_entry_point_finds_its_package",
        "tests/hook/test_hook_process.py::test_unusable_state_dir_exits_zero_silently")),
    "hook.main": Target("hook/main.py", (
        "tests/hook/test_hook_main.py", "tests/hook/test_hook_process.py",
        "tests/security/test_envcheck.py", "tests/hook/test_mute.py"),
        scope=("_max_bytes", "main")),
    "statedir": Target("statedir.py", (
        "tests/test_statedir_capture.py", "tests/test_statedir.py",
        "tests/hook/test_hook_main.py::test_a_relative_state_dir_is_not_taken_from_the_command_line"),
                       scope=("account_home", "capture_default", "pinned_arg")),
    # The stamp files of periodic jobs (retention, the unhooked-session sweep).
    "statedir.stamps": Target("statedir.py", (
        "tests/audit/test_unhooked.py", "tests/security/test_purge.py"),
                              scope=("stamp_due", "touch_stamp")),
    # Which config sources count: the state dir's config.toml only (never the
    # environment), the CLI's state dir (`CCTRACE_HOME`, XDG), the statusline's pin.
    "config.sources": Target("config.py", (
        "tests/test_config_exact.py", "tests/test_config.py"),
        scope=("config_path", "read_file", "_str", "load")),
    "statedir.cli": Target("statedir.py", (
        "tests/test_statedir_cli_exact.py", "tests/test_statedir.py"),
        scope=("default_state_dir", "state_dir")),
    "statusline.pins": Target("statusline/line.py", (
        "tests/statusline/test_line_pins_exact.py", "tests/statusline/test_line.py"),
        scope=("summary_path", "read_summary", "parse_args")),
    # Per-session mute: a mute is never silent (the `CctraceMuted` marker), and the muted
    # byte ranges of the transcript the worker leaves out.
    "hook.mute": Target("hook/mute.py", (
        "tests/hook/test_mute.py", "tests/hook/test_hook_main.py")),
    # -- spool (the hook's append, the worker's read: nothing lost, nothing torn)
    # The temp file, the seq under the counter's flock, the rename; the header line.
    "spool.writer": Target("spool/writer.py", (
        "tests/spool/test_writer_exact.py", "tests/spool/test_spool_io.py",
        "tests/spool/test_layout.py")),
    # The worker's read: which headers are trusted, each error's text, a vanished or
    # unreadable file, the limit, the temp sweep's grace, ack. The last test of the exact
    # file runs a worker step (~2 s); the concurrent writers' test (~2 s) is last.
    "spool.reader": Target("spool/reader.py", (
        "tests/spool/test_reader_exact.py", "tests/spool/test_spool_io.py")),
    # What is kept of an event the worker could not process: ids and sizes, encrypted for
    # the `quarantine` column; purge, retention and the cap.
    "spool.quarantine": Target("spool/quarantine.py", (
        "tests/spool/test_quarantine_exact.py", "tests/spool/test_quarantine.py")),
    # The caps the hook honours: the limits file it reads, the flag, when it measures, a
    # stale flag believed no longer (a dead worker must not make the hook drop forever).
    "spool.limits": Target("spool/limits.py", (
        "tests/spool/test_limits.py", "tests/spool/test_layout.py")),
    # The hook's JSON reading: a whole document or nothing, the event name found in a
    # prefix, None (never an exception) on anything malformed.
    "spool.jsonlite": Target("spool/jsonlite.py", (
        "tests/spool/test_jsonlite.py",)),
    # Names and seqs of spool files: what the reader takes as an event, in which order.
    "spool.layout": Target("spool/layout.py", (
        "tests/spool/test_layout.py", "tests/spool/test_writer_exact.py",
        "tests/spool/test_reader_exact.py")),
    # Logs and counters: bounded, rotated, never raising into the hook.
    "spool.diag": Target("spool/diag.py", (
        "tests/spool/test_diag.py", "tests/reliability/test_counters.py",
        "tests/spool/test_limits.py")),
    # -- worker
    "worker.lifecycle": Target("worker/lifecycle.py", (
        "tests/worker/test_worker_env.py",
        "tests/worker/test_lifecycle.py::test_worker_command_resolution_order"),
        scope=("worker_env", "worker_command")),
    # A bad transcript record isolated, never the session: the binary search, the repair,
    # the stand-in (no content), which errors are the environment's, the read counters.
    # test_poison.py runs it in the worker (20 s): not selected.
    # The redactors the worker uses: which settings make a new one, how long one is
    # reused, values learned shared by all, the outbox swept again once per new value.
    "worker.redactors": Target("worker/redactors.py", (
        "tests/worker/test_redactors_exact.py", "tests/worker/test_redactors_dotenv.py",
        "tests/worker/test_learn_before_sending.py")),
    "worker.isolate": Target("worker/isolate.py", ("tests/worker/test_isolate.py",)),
    # -- export
    "export.destinations": Target("export/destinations.py", (
        "tests/export/test_destinations_exact.py", "tests/export/test_export_destinations.py",
        "tests/security/test_transport.py")),
    # Findings on the wire: Langfuse scores and collector event spans through the outbox
    # (no secret in them, none lost; a store-wide finding's own trace).
    "findings.export": Target("findings/export.py", (
        "tests/findings/test_export_exact.py", "tests/findings/test_findings.py",
        "tests/audit/test_selferase_exact.py")),
    # What goes on the wire: the OTLP bytes written directly, compared with the stock
    # encoder's (the oracle) on recorded sessions and generated spans.
    "export.wire": Target("export/wire.py", (
        "tests/export/test_wire_exact.py", "tests/export/test_export_wire.py")),
    "export.send": Target("export/send.py", (
        "tests/export/test_send_exact.py", "tests/export/test_export_outbox.py",
        "tests/security/test_transport.py"),
        scope=("parse_retry_after", "classify", "describe_exception", "backoff_ns",
               "_KeepHeaders", "http_session", "Sender", "_read_text")),
    # -- redact/
    # Redact, then cut: the exact tests first (fast, so `-x` stops early), then the
    # exhaustive every-sample-at-every-cut-position run.
    "redact.cut": Target("redact/cut.py", (
        "tests/redact/test_cut_exact.py", "tests/redact/test_cut.py")),
    "redact.engine": Target("redact/engine.py", (
        "tests/redact/test_engine_exact.py", "tests/redact/test_engine.py",
        "tests/redact/test_views.py", "tests/redact/test_cells.py",
        "tests/redact/test_views_percent.py"),
        # Span finding, merging and markers, the learned-value sweep; candidate search and
        # the prefilter plans (backend equivalence: tests/redact/test_engine_equivalence.py)
        # are the next run's.
        scope=("_neutral_marker", "SecretRedactor._find", "SecretRedactor._spans",
               "SecretRedactor.redact_text", "SecretRedactor.tag", "SecretRedactor.sweep",
               "SecretRedactor._learned_at")),
    "redact.stage": Target("redact/stage.py", ("tests/redact/test_stage_exact.py",
                                               "tests/redact/test_stage.py")),
    "redact.known": Target("redact/known.py", ("tests/redact/test_known_exact.py",
                                               "tests/redact/test_learned.py")),
    # What the model may repeat of a withheld read: the values learned from it, and the
    # engine's door for them (stop 29).
    "redact.known.withheld": Target("redact/known.py", ("tests/redact/test_known_exact.py",),
                                    scope=("from_withheld_text",)),
    "redact.engine.learn": Target("redact/engine.py", ("tests/redact/test_learned.py",),
                                  scope=("SecretRedactor.learn",)),
    "policy.withheld": Target("policy/withheld.py", ("tests/policy/test_policy_withheld.py",)),
    # Which files of the working folder are read as dotenv (`.envrc` joined `.env`,
    # `.env.*` after the whole run): the one function of known.py changed since.
    "redact.known.dotenv": Target("redact/known.py", ("tests/redact/test_known_exact.py",
                                                      "tests/worker/test_redactors_dotenv.py"),
                                  scope=("from_dotenv_files",)),
    # The gate that tells drawn tokens from typed words (every threshold at its boundary),
    # the placeholder stop list, the anchor prefilter, and the rest of engine.py: candidate
    # search, acceptance, the anchor plans and their common gates.
    "redact.randomness": Target("redact/randomness.py", (
        "tests/redact/test_randomness_exact.py", "tests/redact/test_context.py",
        "tests/redact/test_token_shape.py")),
    # The whole module: password_value and the #13 word gates (name_not_secret and the
    # fifth round's) have their exact tests in the last three files.
    "redact.stoplist": Target("redact/stoplist.py", (
        "tests/redact/test_stoplist_exact.py", "tests/redact/test_context.py",
        "tests/redact/test_token_shape.py", "tests/redact/test_pathological.py",
        "tests/redact/test_words_not_tokens.py", "tests/redact/test_not_secrets.py",
        "tests/redact/test_password_slots.py")),
    "redact.prefilter": Target("redact/prefilter.py", (
        "tests/redact/test_prefilter_exact.py", "tests/redact/test_engine_equivalence.py",
        "tests/redact/test_engine.py")),
    # The gates' hyperscan expressions: a necessary condition of each gate (the keyword
    # soups), and the engine's findings unchanged with gated anchors (the reference).
    "redact.gates": Target("redact/gates.py", (
        "tests/redact/test_gates_exact.py", "tests/redact/test_gates.py",
        "tests/redact/test_engine_equivalence.py")),
    "redact.engine.rest": Target("redact/engine.py", (
        # the exact tests first so `-x` stops early; the backend equivalence (10 s) last
        "tests/redact/test_engine_rest_exact.py", "tests/redact/test_engine_exact.py",
        "tests/redact/test_engine.py", "tests/redact/test_engine_equivalence.py"),
        scope=("_masked", "_items", "_prefix_related", "common_gate", "_AnchorPlan.gate",
               "SecretRedactor._anchor_plan", "SecretRedactor._candidates",
               "SecretRedactor._accept")),
    # The detectors: `base.py` (shared validators, classes, separators), the registry, and
    # one entry per detector module, `redact.detectors.<name>` (generated below).
    # Files that build samples at collection (test_detectors.py, the alternatives) would
    # turn a mutant that breaks base62_encode into a collection error (exit 2, not counted
    # as killed): the selection holds only files that use base.py inside their tests.
    "redact.detectors.base": Target("redact/detectors/base.py", (
        "tests/redact/detectors/test_base.py", "tests/redact/test_detector_exact.py")),
    # test_detector_exact.py parametrizes over the registry's names at collection: a mutant
    # that breaks them would be a collection error there (exit 2), so it is not selected.
    "redact.registry": Target("redact/registry.py", ("tests/redact/test_registry.py",)),
    # Per-service key shapes: the grammar, the table, the matcher (#13).
    "redact.service_shapes": Target("redact/service_shapes.py", (
        "tests/redact/test_service_shapes.py",)),
    "redact.detectors.service_context": Target("redact/detectors/service_context.py", (
        "tests/redact/detectors/test_service_context.py", "tests/redact/test_service_shapes.py",
        "tests/redact/test_token_shape.py", "tests/redact/test_context.py")),
    # Its exact tests first (every keyword, key rule, slot and syntax; ~3 s), so `-x`
    # stops early; none of the selection uses hypothesis, so it runs in a fork.
    # Since stop 26 the scoped targets' tests too (table rows, wrapped starts, real code),
    # so the whole module's run kills what they kill.
    "redact.detectors.generic_assignment": Target("redact/detectors/generic_assignment.py", (
        "tests/redact/detectors/test_generic_assignment.py",
        "tests/redact/test_detector_exact.py::test_detector[generic_assignment]",
        "tests/redact/test_table_rows.py", "tests/redact/test_wrapped_plain_start.py",
        "tests/redact/test_password_slots.py",
        "tests/redact/test_words_not_tokens.py", "tests/redact/test_context.py",
        "tests/redact/test_real_code.py", "tests/redact/test_encoded_names.py",
        "tests/redact/test_detectors.py"), preload=DETECTOR_PRELOAD),
    # Which keys call their value a secret (split out of generic_assignment in stop 26):
    # `key_ok`, the slots, the name walk, ARNs and scoped names. The preload does not
    # import it (the registry loads detectors only when asked), so the fork reads the mutant.
    "redact.secret_names": Target("redact/secret_names.py", (
        "tests/redact/detectors/test_generic_assignment.py",
        "tests/redact/test_encoded_names.py",
        "tests/redact/test_detector_exact.py::test_detector[generic_assignment]",
        "tests/redact/test_password_slots.py",
        "tests/redact/test_words_not_tokens.py", "tests/redact/test_context.py",
        "tests/redact/test_table_rows.py", "tests/redact/test_wrapped_plain_start.py",
        "tests/redact/detectors/test_env_command.py",
        "tests/redact/test_detectors.py"), preload=DETECTOR_PRELOAD),
    # The service names that `detectors/service_context.py` looks for (data only).
    "redact.services": Target("redact/services.py", (
        "tests/redact/test_service_shapes.py", "tests/redact/test_token_shape.py",
        "tests/redact/test_context.py")),
    # Only the functions #13's false-positive round added to randomness/stoplist (the
    # whole modules are `redact.randomness` / `redact.stoplist`'s runs).
    "redact.randomness.words": Target("redact/randomness.py", (
        "tests/redact/test_words_not_tokens.py",),
        scope=("reads_as_words", "_wordlike_short")),
    # #13's sixth false-positive round: placeholder shapes (CamelCase names, keyboard rows).
    "redact.randomness.shapes": Target("redact/randomness.py", (
        "tests/redact/test_placeholder_shapes.py",),
        scope=("mostly_words", "keyboard_run")),
    # The value a command prints: after a prompt only, or a drawn token in a script.
    "redact.detectors.cli_flags.printed": Target("redact/detectors/cli_flags.py", (
        "tests/redact/detectors/test_cli_flags.py",),
        scope=("_printed_secret_ok", "_after_prompt")),
    # How `gated_anchors` joins the gates, with a group of one pattern as its own gate.
    "redact.gates.anchors": Target("redact/gates.py", (
        "tests/redact/test_gates_exact.py", "tests/redact/test_gates.py"),
        scope=("gated_anchors", "_gate_of")),
    # The sample marks every detector's match is checked against (`invalid` added).
    "redact.engine.masked": Target("redact/engine.py", (
        "tests/redact/test_placeholder_shapes.py", "tests/redact/test_engine_rest_exact.py",
        "tests/redact/test_not_secrets.py"), scope=("_masked",)),
    # Code nobody here wrote (bench/redaction_realcode.py): source text in a value, type
    # names and labelled digests, and the syntax around an assignment that says "code".
    "redact.stoplist.source": Target("redact/stoplist.py", (
        "tests/redact/test_real_code.py",), scope=("source_text",)),
    "redact.randomness.type_name": Target("redact/randomness.py", (
        "tests/redact/test_real_code.py", "tests/redact/test_randomness_exact.py"),
        scope=("type_name", "_sayable", "constant_name", "is_digest")),
    "redact.detectors.generic_assignment.code": Target(
        "redact/detectors/generic_assignment.py", (
            "tests/redact/detectors/test_generic_assignment.py", "tests/redact/test_real_code.py"),
        scope=("_alias", "_in_code", "_subscript", "_log_pair", "_pair_ok",
               "_unquoted_ok"), preload=DETECTOR_PRELOAD),
    # The value gate of a service-name match (keyboard fillers added).
    "redact.detectors.service_context.ok": Target("redact/detectors/service_context.py", (
        "tests/redact/test_real_code.py",
        "tests/redact/test_placeholder_shapes.py", "tests/redact/test_service_shapes.py",
        "tests/redact/test_token_shape.py", "tests/redact/test_context.py"), scope=("_ok",)),
    # The auth pair's quotes, compared by a check instead of a back-reference.
    "redact.detectors.auth_header.pair": Target("redact/detectors/auth_header.py", (
        "tests/redact/detectors/test_auth_header.py",),
        scope=("_same_quotes", "_pair_password_ok")),
    "redact.stoplist.words": Target("redact/stoplist.py", (
        "tests/redact/test_words_not_tokens.py", "tests/redact/test_not_secrets.py"),
        scope=("name_not_secret", "self_described", "parameter_list", "encoded_placeholder")),
    # What #13's fifth false-positive round added: where a match ends (asked by the engine
    # of every detector's match).
    "redact.randomness.runs_on": Target("redact/randomness.py", (
        "tests/redact/test_not_secrets.py",), scope=("runs_on",)),
    # Stop 27: the dictionary asked by app passwords' phrase check.
    "redact.randomness.dictionary": Target("redact/randomness.py", (
        "tests/redact/test_randomness_exact.py::test_dictionary_word",
        "tests/redact/detectors/test_app_password.py"), scope=("dictionary_word",)),
    "redact.engine.accept": Target("redact/engine.py", (
        "tests/redact/test_not_secrets.py", "tests/redact/test_engine_rest_exact.py",
        "tests/redact/test_engine_exact.py",
        # a refused match at a line's end is a near miss opening a wrap window
        "tests/redact/test_views.py"), scope=("SecretRedactor._accept",)),
    # password_value and the path / code checks it shares with unquoted_secret.
    "redact.stoplist.password": Target("redact/stoplist.py", (
        "tests/redact/test_stoplist_exact.py::test_bare_reference",
        "tests/redact/test_password_slots.py", "tests/redact/test_real_code.py"),
        scope=("password_value", "bare_reference")),
    # Secrets across wrapped lines, and base64 decoded for `detectors/encoded.py` (issue 13).
    "redact.cells": Target("redact/cells.py", ("tests/redact/test_cells.py",)),
    "redact.views": Target("redact/views.py", (
        "tests/redact/test_views.py", "tests/redact/detectors/test_encoded.py")),
    # Stop 24: URLs %-encoded into a query, read decoded; a wrap's newline asked by others.
    "redact.views.percent": Target("redact/views.py", (
        "tests/redact/test_views_percent.py", "tests/redact/test_wrapped_plain_start.py"),
        scope=("percent_candidates", "_unquote", "wrapped_at")),
    # Stop 27 (probes-7): `\uXXXX` escapes read decoded in the windows around them.
    "redact.views.unicode": Target("redact/views.py", (
        "tests/redact/test_views_unicode.py",),
        scope=("unicode_candidates", "_decodes", "_unescape", "other_readings")),
    # Stop 27 (probes-7): a failed login's `tried X`.
    "redact.detectors.prose_value.tried": Target("redact/detectors/prose_value.py", (
        "tests/redact/detectors/test_prose_value.py",
        "tests/redact/test_detector_exact.py::test_detector[prose_value]"),
        scope=("_tried_ok",), preload=DETECTOR_PRELOAD),
    # Stop 27 (probes-7): what a flag's value may not be (`-x`, `file://`, placeholders).
    "redact.detectors.cli_flags.value": Target("redact/detectors/cli_flags.py", (
        "tests/redact/detectors/test_cli_flags.py",
        "tests/redact/test_detector_exact.py::test_detector[cli_flags]"),
        scope=("_value_ok",), preload=DETECTOR_PRELOAD),
    # Stop 27 (probes-8): the checks of the round's new rules.
    "redact.detectors.private_key.der": Target("redact/detectors/private_key.py", (
        "tests/redact/detectors/test_private_key.py",),
        scope=("der_private_key",), preload=DETECTOR_PRELOAD),
    "redact.detectors.table_column.insert": Target("redact/detectors/table_column.py", (
        "tests/redact/detectors/test_table_column.py",),
        scope=("named_columns", "insert_cells"), preload=DETECTOR_PRELOAD),
    "redact.detectors.cli_flags.substituted": Target("redact/detectors/cli_flags.py", (
        "tests/redact/detectors/test_cli_flags.py",),
        scope=("_substituted_ok",), preload=DETECTOR_PRELOAD),
    "redact.detectors.prose_value.paren": Target("redact/detectors/prose_value.py", (
        "tests/redact/detectors/test_prose_value.py",),
        scope=("_paren_ok",), preload=DETECTOR_PRELOAD),
    "redact.detectors.console_login.prompt": Target("redact/detectors/console_login.py", (
        "tests/redact/detectors/test_console_login.py",),
        scope=("_prompt_answer",), preload=DETECTOR_PRELOAD),
    "redact.detectors.k8s_secret.json": Target("redact/detectors/k8s_secret.py", (
        "tests/redact/detectors/test_k8s_secret.py",),
        scope=("_json_values",), preload=DETECTOR_PRELOAD),
    "redact.detectors.auth_header.argument": Target("redact/detectors/auth_header.py", (
        "tests/redact/detectors/test_auth_header.py",),
        scope=("_header_ok", "_quotes_close"), preload=DETECTOR_PRELOAD),
    # Stop 28 (probes-9): the checks added to detectors that existed (the new detectors,
    # label_argument, command_output, substitution, terraform_plan and redis_console, are
    # run whole by their generated targets).
    "redact.detectors.auth_header.tuple": Target("redact/detectors/auth_header.py", (
        "tests/redact/detectors/test_auth_header.py",),
        scope=("_bearer_arg_ok",), preload=DETECTOR_PRELOAD),
    "redact.detectors.console_login.asked": Target("redact/detectors/console_login.py", (
        "tests/redact/detectors/test_console_login.py",),
        scope=("_asked_answer",), preload=DETECTOR_PRELOAD),
    "redact.detectors.daemon_config.chpasswd": Target("redact/detectors/daemon_config.py", (
        "tests/redact/detectors/test_daemon_config.py",),
        scope=("_chpasswd",), preload=DETECTOR_PRELOAD),
    "redact.detectors.name_value.pair": Target("redact/detectors/name_value.py", (
        "tests/redact/detectors/test_name_value.py",),
        scope=("_named", "_plist_ok"), preload=DETECTOR_PRELOAD),
    # Stop 29 (probes-10): the checks added to modules that existed (the new detectors,
    # delimited_rows, credential_lines and prose_rotation, are run whole by their generated
    # targets).
    "redact.secret_names.weak": Target("redact/secret_names.py", (
        "tests/redact/detectors/test_generic_assignment.py",
        "tests/redact/test_detector_exact.py::test_detector[generic_assignment]"),
        scope=("key_ok",), preload=DETECTOR_PRELOAD),
    "redact.detectors.generic_assignment.lists": Target(
        "redact/detectors/generic_assignment.py", (
            "tests/redact/detectors/test_generic_assignment.py",
            "tests/redact/test_detector_exact.py::test_detector[generic_assignment]"),
        scope=("_in_list", "_pair_ok"), preload=DETECTOR_PRELOAD),
    "redact.detectors.cli_flags.mysql": Target("redact/detectors/cli_flags.py", (
        "tests/redact/detectors/test_cli_flags.py",),
        scope=("_mysql_ok",), preload=DETECTOR_PRELOAD),
    "redact.detectors.table_column.separator": Target("redact/detectors/table_column.py", (
        "tests/redact/detectors/test_table_column.py",),
        scope=("secret_cells", "line_end_before"), preload=DETECTOR_PRELOAD),
    # (with `.ok`'s selection, which tests the rest of `_whole_token`)
    "redact.detectors.service_context.end": Target("redact/detectors/service_context.py", (
        "tests/redact/detectors/test_service_context.py", "tests/redact/test_real_code.py",
        "tests/redact/test_placeholder_shapes.py", "tests/redact/test_service_shapes.py",
        "tests/redact/test_token_shape.py", "tests/redact/test_context.py"),
        scope=("_whole_token",), preload=DETECTOR_PRELOAD),
    # Stop 24: table rows and values cut by a line's end (one pattern); the wrapped ARN and
    # the encoding suffix after the keyword are `redact.secret_names`' since stop 26.
    "redact.detectors.generic_assignment.rows": Target(
        "redact/detectors/generic_assignment.py", (
            "tests/redact/test_table_rows.py", "tests/redact/test_wrapped_plain_start.py",
            "tests/redact/test_encoded_names.py",
            "tests/redact/detectors/test_generic_assignment.py",
            "tests/redact/test_detector_exact.py::test_detector[generic_assignment]"),
        scope=("_cell_ok",), preload=DETECTOR_PRELOAD),
    # Stop 25: one blank, no operator (`the token <drawn>`); the walk back over a key's name
    # is `redact.secret_names`' since stop 26, the commands that assign by a blank are
    # `redact.detectors.env_command`'s.
    "redact.detectors.generic_assignment.blank": Target(
        "redact/detectors/generic_assignment.py", (
            "tests/redact/detectors/test_generic_assignment.py",
            "tests/redact/test_detector_exact.py::test_detector[generic_assignment]"),
        scope=("_word_ok",), preload=DETECTOR_PRELOAD),
    # The whole module with the one-word rule's own tests (`token "X"`, test_prose_word.py).
    "redact.detectors.prose": Target("redact/detectors/prose.py", (
        "tests/redact/test_detector_exact.py::test_detector[prose]",
        "tests/redact/detectors/test_prose.py", "tests/redact/detectors/test_prose_word.py"),
        preload=DETECTOR_PRELOAD),
    # Stop 25: sentences giving a password (chosen ones, markdown, `as the password`).
    "redact.detectors.prose.sentences": Target("redact/detectors/prose.py", (
        "tests/redact/detectors/test_prose.py",
        "tests/redact/test_detector_exact.py::test_detector[prose]",
        "tests/redact/detectors/test_prose_i18n.py"),
        scope=("_value_ok", "sentence_value", "chosen_password", "_password_ok", "_login_ok",
               "_before_as", "_password_direct_ok", "_phrase_ok"), preload=DETECTOR_PRELOAD),
    # Stop 26 (probes-6): a value before `is the password`, `user:pw` before `to log in`, a
    # passphrase after a qualifier.
    "redact.detectors.prose.probes6": Target("redact/detectors/prose.py", (
        "tests/redact/detectors/test_prose.py",
        "tests/redact/test_detector_exact.py::test_detector[prose]"),
        scope=("_before_as", "_login_before", "_phrase_ok"),
        preload=DETECTOR_PRELOAD),
    # Stop 26 (probes-6): a cookie's value judged alike in a header and a HAR entry.
    "redact.detectors.auth_header.cookie": Target("redact/detectors/auth_header.py", (
        "tests/redact/detectors/test_auth_header.py",
        "tests/redact/detectors/test_name_value.py"),
        scope=("cookie_ok",), preload=DETECTOR_PRELOAD),
    # Stop 25: where a line starts, one function for table_column, generic_assignment and
    # env_command (a JSON-escaped break counts).
    "redact.detectors.base.line_start": Target("redact/detectors/base.py", (
        "tests/redact/detectors/test_base.py", "tests/redact/detectors/test_table_column.py",
        "tests/redact/detectors/test_env_command.py"),
        scope=("line_start",)),  # no preload: the preload imports base itself
    # Stop 25: an SSH public key's blob and a public qualifier before `key` are no secrets
    # (the one-blank rule of generic_assignment, prose's one word before a quoted value).
    "redact.stoplist.ssh": Target("redact/stoplist.py", (
        "tests/redact/test_stoplist_exact.py", "tests/redact/detectors/test_generic_assignment.py"),
        scope=("ssh_public_key",)),
    "redact.lone.public_key": Target("redact/lone.py", (
        "tests/redact/detectors/test_generic_assignment.py", "tests/redact/detectors/test_prose.py",
        "tests/redact/detectors/test_prose_word.py"),
        scope=("public_key_before",)),
    # Stop 25: a password echoed through a pipe into the command that reads it.
    "redact.detectors.cli_flags.echoed": Target("redact/detectors/cli_flags.py", (
        "tests/redact/detectors/test_cli_flags.py",
        "tests/redact/test_detector_exact.py::test_detector[cli_flags]"),
        scope=("_echoed",), preload=DETECTOR_PRELOAD),
    # Stop 25: a login's password given to a call (`smtp.login("me", "pw")`, `new PDO(...)`).
    "redact.detectors.auth_header.call": Target("redact/detectors/auth_header.py", (
        "tests/redact/detectors/test_auth_header.py",
        "tests/redact/test_detector_exact.py::test_detector[auth_header]"),
        scope=("_call_password_ok",), preload=DETECTOR_PRELOAD),
    # Stop 24: one word naming a quoted value; a login's `user:value` that is a reference.
    "redact.detectors.prose.word": Target("redact/detectors/prose.py", (
        "tests/redact/detectors/test_prose_word.py", "tests/redact/test_encoded_names.py",
        "tests/redact/detectors/test_prose.py"),
        scope=("_word_value_ok", "_login_ok"), preload=DETECTOR_PRELOAD),
    # References and placeholders seen through XML / Go JSON / URL escaping (issue 13's
    # layouts benchmark); markdown emphasis around a placeholder (stop 26).
    "redact.stoplist.placeholder": Target("redact/stoplist.py", (
        "tests/redact/test_escaped_references.py", "tests/redact/test_stoplist_exact.py"),
        scope=("is_placeholder", "_names_only", "unescape", "_unescape_one")),
    # Values with little or no context (issue 13's layouts): which names call a value a
    # secret and which values they make one; the three detectors using it are generated.
    "redact.lone": Target("redact/lone.py", (
        "tests/redact/test_lone.py", "tests/redact/test_encoded_names.py",
        "tests/redact/detectors/test_table_column.py",
        "tests/redact/detectors/test_prose_value.py",
        "tests/redact/detectors/test_secret_file.py")),
    # Its diff pattern is tried at its anchor or scanned alike (no letters to case-fold):
    # the keyword table test is what tells `at_anchor` apart.
    "redact.detectors.secret_file": Target("redact/detectors/secret_file.py", (
        "tests/redact/test_detector_exact.py::test_detector[secret_file]",
        "tests/redact/detectors/test_secret_file.py",
        "tests/redact/test_detector_exact.py::test_the_keyword_table_is_what_the_detectors_declare"),
        preload=DETECTOR_PRELOAD),
    # -- policy/ (capture policy: what a trace keeps of denied files)
    "policy.apply": Target("policy/apply.py", (
        "tests/policy/test_policy_apply_exact.py", "tests/policy/test_policy_apply.py",
        "tests/policy/test_policy_shapes.py", "tests/policy/test_policy_apply_mcp.py"),
        # The path decisions and where they withhold; levels, summaries and the walk over
        # generations are policy.apply.levels' and .rest's (which rule a path reaches:
        # policy.reach).
        scope=("decide", "_command_rule", "_withhold_input", "_TraceRun.tool")),
    "policy.shapes": Target("policy/shapes.py", (
        "tests/policy/test_policy_shapes_exact.py", "tests/policy/test_policy_shapes.py"),
        # What decides which lines of an output are withheld; the literal prefilter
        # (`_literal`, `_literals_of`, `__init__`) and the memo (`text`) are the next run's.
        scope=("OutputFilter.rule", "OutputFilter.mention", "OutputFilter._unread",
               "OutputFilter._text", "_numbered", "_plain", "_trivial")),
    # The rest of the two modules above, as their own entries (their own score and cache).
    "policy.shapes.literals": Target("policy/shapes.py", (
        "tests/policy/test_policy_shapes_exact.py", "tests/policy/test_policy_shapes.py"),
        scope=("_literal", "_literals_of", "_deny_literals", "deny_literals",
               "OutputFilter.__init__", "OutputFilter.text")),
    "policy.globs.translate": Target("policy/globs.py", (
        "tests/policy/test_policy_globs_exact.py", "tests/policy/test_policy_paths.py"),
        scope=("_translate",)),
    "policy.bash": Target("policy/bash.py", (
        "tests/policy/test_policy_bash_exact.py", "tests/policy/test_policy_opaque.py",
        "tests/policy/test_policy_bash.py",
        "tests/policy/test_policy_shapes.py", "tests/policy/test_policy_words.py",
        "tests/policy/test_policy_runtime_names.py", "tests/policy/test_policy_in_place.py",
        "tests/policy/test_policy_links_in_searches.py"),
        # How a command line is cut into commands and which word is the command: the word
        # rules (`_simple`, `_opaque`) are policy.bash.rules', `bash_shape` policy.bash.shape's.
        scope=("_tokens", "_split", "_command_index", "_command_name",
               "_pattern_first", "_in_place", "_walk", "_script", "_unquote", "_c_escape",
               "_inside")),
    # Copies of denied files made by an earlier call (`cp .env x`, then `cat x`).
    "policy.copies": Target("policy/copies.py", (
        "tests/policy/test_policy_copies.py", "tests/store/test_policycopies.py")),
    # The word rules: which words of a simple command are reads, writes, scripts or
    # folders looked through (`_simple`, `_opaque`: in-place edits, link-following
    # searches, secret printers, eval's joined words).
    "policy.bash.rules": Target("policy/bash.py", (
        "tests/policy/test_policy_opaque.py", "tests/policy/test_policy_word_rules.py",
        "tests/policy/test_policy_bash_exact.py", "tests/policy/test_policy_words.py",
        "tests/policy/test_policy_in_place.py",
        "tests/policy/test_policy_secret_printers.py", "tests/policy/test_policy_runtime_names.py",
        "tests/policy/test_policy_links_in_searches.py", "tests/policy/test_policy_bash.py",
        "tests/policy/test_policy_copies.py", "tests/policy/test_policy_shapes.py"),
        scope=("_simple", "_opaque")),
    # What a script of another language may open (moved out of policy/bash.py, stop 28).
    "policy.scripts": Target("policy/scripts.py", (
        "tests/policy/test_policy_bash_exact.py", "tests/policy/test_policy_bash.py",
        "tests/policy/test_policy_computed.py")),
    # The words the shell builds out of pieces (substitutions, defaults, variables, @file).
    "policy.words": Target("policy/words.py", (
        "tests/policy/test_policy_words.py", "tests/policy/test_policy_runtime_names.py",
        "tests/policy/test_policy_bash_exact.py", "tests/policy/test_policy_bash.py")),
    # Read targets computed at run time ($(...), eval, a script piped into a shell, an
    # interpreter opening a joined name): withheld when no static look can name them.
    "policy.computed": Target("policy/computed.py", (
        "tests/policy/test_policy_computed_exact.py", "tests/policy/test_policy_computed.py",
        "tests/policy/test_policy_apply_exact.py")),
    # The rest of apply.py that withholds: how an output is shaped for the filter, and
    # the walk over a generation's messages and blocks. Summaries and levels are
    # policy.apply.levels'.
    "policy.apply.rest": Target("policy/apply.py", (
        "tests/policy/test_policy_apply_rest_exact.py",
        "tests/policy/test_policy_apply_exact.py", "tests/policy/test_policy_apply.py",
        "tests/policy/test_policy_shapes.py", "tests/policy/test_policy_words.py",
        "tests/policy/test_policy_apply_mcp.py"),
        scope=("_output_shape",
               "_TraceRun.metadata_only", "_TraceRun.generation", "_TraceRun.message",
               "_TraceRun.block", "_TraceRun.lines", "_TraceRun.decision")),
    # Where a call's decision meets the copies (a copy read, a copy's writes and Claude
    # Code's output files noted) and a run's copies in and out (stop 29).
    "policy.apply.copies": Target("policy/apply.py", (
        "tests/policy/test_policy_copies.py", "tests/policy/test_policy_apply_rest_exact.py",
        "tests/policy/test_policy_usershell.py", "tests/policy/test_policy_withheld.py",
        "tests/policy/test_policy_apply_exact.py", "tests/policy/test_policy_apply.py"),
        scope=("_TraceRun.decision", "_TraceRun.collect", "_TraceRun.user_shell",
               "apply_policy")),
    # Commands that print a decrypted secret (`gpg -d`, `sops -d`, stop 29).
    "policy.decrypts": Target("policy/decrypts.py", ("tests/policy/test_policy_decrypts.py",)),
    # Shell mode's prompt taken apart and put back (`! cmd`, stop 29).
    "policy.usershell": Target("policy/usershell.py", (
        "tests/policy/test_policy_usershell.py",)),
    # Which strings of a tool input are judged as paths or command lines (file: URLs,
    # MCP tools' keys and shell servers, the walk's bounds); split out of apply.py.
    "policy.inputs": Target("policy/inputs.py", (
        "tests/policy/test_policy_inputs.py", "tests/policy/test_policy_apply_mcp.py",
        "tests/policy/test_policy_apply_rest_exact.py", "tests/policy/test_policy_words.py",
        "tests/policy/test_policy_apply.py"),
        scope=("_input_paths", "file_url_path", "_commands")),
    # Which deny rule a path reaches beyond its text: a glob in its name or folders, a
    # link, a folder printed without names, a Grep glob; split out of apply.py. The
    # example names of the deny patterns (`_examples`) are policy.reach.examples'.
    "policy.reach": Target("policy/reach.py", (
        "tests/policy/test_policy_reach.py", "tests/policy/test_policy_apply_exact.py",
        "tests/policy/test_policy_apply_rest_exact.py", "tests/policy/test_policy_words.py",
        "tests/policy/test_policy_apply.py", "tests/policy/test_policy_shapes.py",
        "tests/policy/test_policy_apply_mcp.py", "tests/policy/test_policy_links_in_searches.py"),
        scope=("glob_rule", "_denied", "_glob_rule", "scope_rule", "link_rule",
               "expanded_rule")),
    # Heredoc bodies cut out of a command (each judged as the script it is fed to).
    "policy.words.heredocs": Target("policy/words.py", (
        "tests/policy/test_policy_words.py", "tests/policy/test_policy_opaque.py",
        "tests/policy/test_policy_shapes.py", "tests/policy/test_policy_computed_exact.py",
        "tests/policy/test_policy_bash.py"),
        scope=("heredocs",)),
    # How the output filter reads a Bash command's output (grep-like, context, listing).
    "policy.bash.shape": Target("policy/bash.py", (
        "tests/policy/test_policy_bash_exact.py", "tests/policy/test_policy_shapes.py",
        "tests/policy/test_policy_apply_rest_exact.py",
        "tests/policy/test_policy_shapes_exact.py"),
        scope=("bash_shape",)),
    # The example names of the deny patterns a shell glob is matched against, and the
    # links listed once per run in a folder.
    "policy.reach.examples": Target("policy/reach.py", (
        "tests/policy/test_policy_reach.py", "tests/policy/test_policy_links_in_searches.py",
        "tests/policy/test_policy_apply_exact.py", "tests/policy/test_policy_bash.py"),
        scope=("_examples", "_links_in")),
    # What level `metadata` keeps (size-and-hash summaries of content, identifiers kept)
    # and which observations and traces it applies to.
    "policy.apply.levels": Target("policy/apply.py", (
        "tests/policy/test_policy_apply_rest_exact.py", "tests/policy/test_policy_apply_exact.py",
        "tests/policy/test_policy_apply.py"),
        scope=("_text_of", "summary", "summary_text", "_summarize_meta", "_summarize_block",
               "_TraceRun.other", "_TraceRun.run", "apply_policy")),
    "policy.globs": Target("policy/globs.py", (
        "tests/policy/test_policy_globs_exact.py", "tests/policy/test_policy_paths.py"),
        # Compiling, normalizing and matching; `_translate` (glob syntax -> regex, 79
        # mutants) is the next run's.
        scope=("_expand_braces", "compile_glob", "Glob.matches", "normalize",
               "_tilde_user", "first_match")),
    "policy.settings": Target("policy/settings.py", (
        "tests/policy/test_policy_settings_exact.py", "tests/policy/test_policy_paths.py")),
    # -- audit/ (the tamper-evident trail: chain, Merkle tree, checkpoints, anchors)
    "audit.verify": Target("audit/verify.py", (
        "tests/audit/test_verify_exact.py", "tests/audit/test_rollback.py",
        "tests/cli/test_verify.py", "tests/audit/test_mutations.py"),
        # What judges the files: the damage found and its kind. Inclusion proofs, remote
        # copies (`check_remote`), reading files and the store comparison (store_check,
        # tests/audit/test_store_verify.py) are the next run's; test_verify_exact.py
        # covers them already.
        scope=("_scan_log", "_classify_log", "_classify_cp", "_key_ok", "verify_data",
               "_check_cps", "_check_anchors", "_compare_heads", "_check_own_anchor")),
    "audit.log": Target("audit/log.py", (
        "tests/audit/test_log_exact.py", "tests/audit/test_log.py", "tests/audit/test_rollback.py",
        "tests/audit/test_mutations.py"),
        # What the chain and the checkpoints are made of, and the writer.
        scope=("Checkpoint.from_dict", "Checkpoint.parse", "Checkpoint.signature_ok",
               "chain_next", "make_line", "split_line", "entry_index", "_rebuild", "append",
               "_seal")),
    "audit.merkle": Target("audit/merkle.py", (
        "tests/audit/test_merkle_exact.py", "tests/audit/test_merkle.py", "tests/audit/test_log.py",
        "tests/audit/test_mutations.py")),
    # Sessions no hook ran in (a repository's disableAllHooks): the sweep and its bounds.
    "audit.unhooked": Target("audit/unhooked.py", ("tests/audit/test_unhooked.py",)),
    # An agent erasing or reconfiguring its own trace: live-session and inside-Claude-Code
    # checks, and the sealed finding no purge drops (third red team).
    "audit.selferase": Target("audit/selferase.py", (
        "tests/audit/test_selferase_exact.py", "tests/audit/test_selferase.py",
        "tests/cli/test_agentchange.py")),
    # Which commands are changes of cctrace (a config key, never its value), and the
    # record and stderr note one made from inside Claude Code gets before it runs.
    "cli.agentchange": Target("cli/agentchange.py", (
        "tests/cli/test_agentchange_exact.py", "tests/cli/test_agentchange.py",
        "tests/audit/test_selferase.py")),
    # The doctor's `agent` check: FAIL while an `audit.agent_tamper` finding is stored.
    "checks.agenttamper": Target("checks/agenttamper.py", (
        "tests/checks/test_agenttamper.py",
        "tests/checks/test_registry.py::test_every_listed_module_exposes_a_spec_with_its_names",
        "tests/checks/test_registry.py::test_each_check_reports_only_the_names_it_declares")),
    # The doctor's `keychain` check: a key the keychain marker names that this process
    # cannot read (`KeyUnavailable`), said plainly with what it means and what to run.
    "checks.keychain": Target("checks/keychain.py", (
        "tests/checks/test_keychain.py",
        "tests/checks/test_registry.py::test_every_listed_module_exposes_a_spec_with_its_names",
        "tests/checks/test_registry.py::test_each_check_reports_only_the_names_it_declares")),
    # The store's rows against what the audit log committed to (`cctrace verify`): the
    # replay of the log, agreed deletions, legacy rows, checkpoint findings.
    "audit.store_check": Target("audit/store_check.py", (
        "tests/audit/test_store_check_exact.py", "tests/audit/test_store_verify.py",
        "tests/audit/test_store_verify_counts.py")),
    # Capture coverage and bypass: the hook settings' state, tool calls that change them,
    # id-less (1.0.x) tool hooks paired with calls, every finding `reconcile` makes.
    "audit.coverage": Target("audit/coverage.py", (
        "tests/audit/test_coverage_exact.py", "tests/audit/test_coverage.py")),
    # Inclusion proofs of one entry (`cctrace verify --event`).
    "audit.proofs": Target("audit/proofs.py", (
        "tests/audit/test_proofs.py",
        "tests/audit/test_verify_exact.py::test_find_entry_and_inclusion",
        "tests/audit/test_log.py::test_inclusion_proof_for_one_event",
        "tests/cli/test_verify.py::test_event_inclusion_proof")),
    # A hand edit of config.toml inside an agent's tool call (third red team's open end):
    # the ctime that tells and times it, the signed config.sum, a sum that does not verify.
    "audit.configwatch": Target("audit/configwatch.py", (
        "tests/audit/test_configwatch_exact.py", "tests/audit/test_configwatch.py")),
    "audit.anchors": Target("audit/anchors.py", (
        "tests/audit/test_anchors_exact.py", "tests/audit/test_rollback.py",
        "tests/audit/test_log.py")),
    # The log's signing keys: Ed25519 epochs, the certificate chain, rotation when an
    # epoch is over, the old key file's bytes overwritten (forward security).
    "audit.keys": Target("audit/keys.py", (
        "tests/audit/test_keys.py", "tests/audit/test_log_exact.py", "tests/audit/test_log.py",
        "tests/audit/test_verify_exact.py")),
    # -- install/ (what is pinned in the hook command)
    "install.settings": Target("install/settings.py", (
        "tests/install/test_install_settings_exact.py",
        "tests/install/test_install_settings.py"),
        scope=("hook_command", "pinned_state_dir", "is_ours", "our_group")),
}




# A detector whose tests live in another detector's file (same validator, one file).
DETECTOR_TESTS = {"npm": "github", "connection_string": "url_credentials",
                  "netrc": "url_credentials", "credit_card": "pii", "iban": "pii",
                  "phone": "pii", "ip_address": "pii", "us_ssn": "pii", "email": "pii",
                  "aws": "provider_shapes", "newrelic": "provider_shapes",
                  "doppler": "provider_shapes"}


def _detector_targets() -> dict[str, Target]:
    """`redact.detectors.<name>` for every detector module: its own exact test first (the
    detector alone, every declared alternative: `-x` stops there for most mutants), then
    the module's tests of its validators and near-misses, when it has some."""
    out = {}
    for path in sorted(glob.glob(os.path.join(SRC, "redact", "detectors", "*.py"))):
        name = os.path.basename(path)[:-3]
        if name in ("__init__", "base"):
            continue
        own = f"tests/redact/detectors/test_{DETECTOR_TESTS.get(name, name)}.py"
        tests = (f"tests/redact/test_detector_exact.py::test_detector[{name}]",)
        if os.path.exists(os.path.join(ROOT, own)):
            tests += (own,)
        out[f"redact.detectors.{name}"] = Target(f"redact/detectors/{name}.py", tests,
                                                 preload=DETECTOR_PRELOAD)
    return out


# An entry written above (another selection, a scope) wins over the generated one.
for _name, _target in _detector_targets().items():
    MODULES.setdefault(_name, _target)

# Survivors that no test can tell apart from the original, with why. Key: module; value:
# (original line, mutated line, why), lines stripped, as the report prints them.
EQUIVALENT: dict[str, list[tuple[str, str, str]]] = {
    'policy.computed': [
        ('quote = ""', 'quote = None',
         'quote is only tested for truth and compared with quote characters: None and "" '
         'are alike there'),
        ('end = command.find("`", i + 1)', 'end = command.find("`", i + 2)',
         'differs only when i + 1 is a backtick (``): the original\'s inner is empty, the '
         "mutant's starts with a backtick; neither is pure nor a message, both give the "
         'same reason at that substitution, the first one judged'),
        ('out.append(("$", command[i + 1:] if end < 0 else command[i + 1:end]))',
         'out.append(("XX$XX", command[i + 1:] if end < 0 else command[i + 1:end]))',
         'the kind is only compared with "<": any other value is a command substitution'),
        ('out.append(("$", command[i + 1:] if end < 0 else command[i + 1:end]))',
         'out.append(("$", command[i + 1:] if end <= 0 else command[i + 1:end]))',
         'end is found from i + 1 >= 1: it is -1 or at least 1, never 0'),
        ('out.append(("$", command[i + 1:] if end < 0 else command[i + 1:end]))',
         'out.append(("$", command[i + 1:] if end < 1 else command[i + 1:end]))',
         'end is found from i + 1 >= 1: it is -1 or at least 1, never 0'),
        ('i = n if end < 0 else end + 1', 'i = n if end <= 0 else end + 1',
         'end is found from i + 1 >= 1: it is -1 or at least 1, never 0'),
        ('i = n if end < 0 else end + 1', 'i = n if end < 1 else end + 1',
         'end is found from i + 1 >= 1: it is -1 or at least 1, never 0'),
        ('elif c in "$<>" and command[i + 1:i + 2] == "(" and command[i + 2:i + 3] != "(":',
         'elif c in "XX$<>XX" and command[i + 1:i + 2] == "(" and command[i + 2:i + 3] != "(":',  # noqa: E501
         'adds X( as a process substitution, whose inner is judged by computed_reason as the '
         'original judges it in place; inside double quotes the quote state after it is the '
         "same, unquoted X( is a bash syntax error (X() a function, inner empty)"),
        ('out.append(("$" if c == "$" else "<", command[i + 2:j - 1 if not depth else j]))',
         'out.append(("XX$XX" if c == "$" else "<", command[i + 2:j - 1 if not depth else j]))',  # noqa: E501
         'the kind is only compared with "<": any other value is a command substitution'),
        ('target = m.group(1).rsplit("/", 1)[-1]', 'target = m.group(1).rsplit("/", 2)[-1]',
         'the last piece of an rsplit is the same for any maxsplit >= 1'),
        ('args = re.split(r"[|;&\\n]", command[m.end():], maxsplit=1)[0].split()',
         'args = re.split(r"[|;&\\n]", command[m.end():], maxsplit=2)[0].split()',
         'only the first piece is used, the same for any maxsplit >= 1'),
        ('producer = command[:m.start()].rsplit("|", 1)[-1].strip().split()',
         'producer = command[:m.start()].rsplit("|", 2)[-1].strip().split()',
         'the last piece of an rsplit is the same for any maxsplit >= 1'),
        ('if not producer or producer[0] not in _LITERAL_PRODUCERS or "$" in " ".join(',
         'if not producer or producer[0] not in _LITERAL_PRODUCERS or "$" in "XX XX".join(',
         'a "$" is in the joined words whatever joins them, and the joiner holds none'),
    ],
    'security.transport': [
        ('if any(c.isspace() or ord(c) < 32 or ord(c) == 127 or c in "\\\\\\u2028\\u2029" for c in url):',  # noqa: E501
         'if any(c.isspace() or ord(c) <= 32 or ord(c) == 127 or c in "\\\\\\u2028\\u2029" for c in url):',  # noqa: E501
         '32 is the space, which c.isspace() refuses first'),
        ('if any(c.isspace() or ord(c) < 32 or ord(c) == 127 or c in "\\\\\\u2028\\u2029" for c in url):',  # noqa: E501
         'if any(c.isspace() or ord(c) < 33 or ord(c) == 127 or c in "\\\\\\u2028\\u2029" for c in url):',  # noqa: E501
         '32 is the space, which c.isspace() refuses first'),
        ('port: int | None = None',
         'port: int & None = None',
         'an annotation, never evaluated (from __future__ import annotations)'),
        ('hostpart, after = (authority[:end + 1], authority[end + 1:]) if end >= 0 \\',
         'hostpart, after = (authority[:end + 1], authority[end + 1:]) if end > 0 \\',
         "the authority starts with '[' here, so ']' is never at index 0"),
        ('hostpart, after = (authority[:end + 1], authority[end + 1:]) if end >= 0 \\',
         'hostpart, after = (authority[:end + 1], authority[end + 1:]) if end >= 1 \\',
         "the authority starts with '[' here, so ']' is never at index 0"),
        ('host = host.lower().strip("[]").rstrip(".")',
         'host = host.lower().strip("XX[]XX").rstrip(".")',
         "the host was lowercased first: it holds no 'X' to strip"),
        ('host = host.lower().strip("[]").rstrip(".")',
         'host = host.lower().strip("[]").rstrip("XX.XX")',
         "the host was lowercased first: it holds no 'X' to strip"),
    ],
    'policy.inputs': [
        ('host = parts.netloc if parts.netloc.lower() not in ("", "localhost") else ""',
         'host = parts.netloc if parts.netloc.lower() not in ("XXXX", "localhost") else ""',
         "an empty netloc gives an empty host either way"),
    ],
    'hook.main': [
        ('state_dir = ""',
         'state_dir = None',
         "state_dir is only read as `if state_dir:`; None and '' are both false"),
        ('env = None',
         'env = ""',
         "env is only read as `env and ...` / `env or None`; '' and None agree"),
        ('if event == "PreToolUse" and not oversize and out_fd >= 0:',
         'if event == "PreToolUse" and not oversize and out_fd > 0:',
         'out_fd is os.dup(1) or -1; dup gives 0 only when stdin is closed, and then there is no payload to judge'),  # noqa: E501
        ('if event == "PreToolUse" and not oversize and out_fd >= 0:',
         'if event == "PreToolUse" and not oversize and out_fd >= 1:',
         'out_fd is os.dup(1) or -1; dup gives 0 only when stdin is closed, and then there is no payload to judge'),  # noqa: E501
    ],
    'security.keys': [
        ('path: str | None = None',
         'path: str & None = None',
         'an annotation, never evaluated (from __future__ import annotations)'),
        ('warning: str | None = None',
         'warning: str & None = None',
         'an annotation, never evaluated (from __future__ import annotations)'),
        ('if env.get("CCTRACE_KEYRING", "").strip().lower() in ("0", "false", "no", "off"):',
         'if env.get("CCTRACE_KEYRING", "XXXX").strip().lower() in ("0", "false", "no", "off"):',
         "a default of 'xxxx' is no off value, just like ''"),
        ('if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:',
         'if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 2) <= 0:',
         'the default applies only to a backend without `priority`; 1 and 2 are both > 0'),
        ('kr = None',
         'kr = ""',
         'kr is not read again on that path (the file fallback follows)'),
    ],
    'worker.lifecycle': [
        ('python: str | None = None',
         'python: str & None = None',
         "a local variable's annotation, never evaluated"),
        ('python: str | None = None',
         'python: str | None = ""',
         "`if not python:` treats '' and None alike"),
        ('pythonpath: str | None = package_root()',
         'pythonpath: str & None = package_root()',
         "a local variable's annotation, never evaluated"),
    ],
    'hook.envnote': [
        ('if name.lower() in UNUSED and name.replace("_", "").isalnum() and name.isascii():',
         'if name.lower() in UNUSED and name.replace("_", "XXXX").isalnum() and name.isascii():',
         "X is alphanumeric: isalnum() is the same with the underscores removed or replaced by 'XXXX'"),  # noqa: E501
    ],
    'security.envcheck': [
        ('@dataclass(frozen=True)',
         '@dataclass(frozen=False)',
         'nothing assigns to an Ignored; frozen only forbids what no code does'),
    ],
    'hook.guard': [
        ('tool_use_id = payload.get("tool_use_id")',
         'tool_use_id = payload.get("XXtool_use_idXX")',
         'a throwaway observation for the rule engine: blocking rules read only the tool, its input, cwd and permission mode (ids, times, names and the session feed findings and windows, which guard mode has not)'),  # noqa: E501
        ('tool_use_id = payload.get("tool_use_id")',
         'tool_use_id = None',
         'a throwaway observation for the rule engine: blocking rules read only the tool, its input, cwd and permission mode (ids, times, names and the session feed findings and windows, which guard mode has not)'),  # noqa: E501
        ('obs = Observation(id="0" * 16, trace_id="0" * 32, parent_id=None, type="tool", name=tool,',  # noqa: E501
         'obs = Observation(id="XX0XX" * 16, trace_id="0" * 32, parent_id=None, type="tool", name=tool,',  # noqa: E501
         'a throwaway observation for the rule engine: blocking rules read only the tool, its input, cwd and permission mode (ids, times, names and the session feed findings and windows, which guard mode has not)'),  # noqa: E501
        ('obs = Observation(id="0" * 16, trace_id="0" * 32, parent_id=None, type="tool", name=tool,',  # noqa: E501
         'obs = Observation(id="0" * 17, trace_id="0" * 32, parent_id=None, type="tool", name=tool,',  # noqa: E501
         'a throwaway observation for the rule engine: blocking rules read only the tool, its input, cwd and permission mode (ids, times, names and the session feed findings and windows, which guard mode has not)'),  # noqa: E501
        ('obs = Observation(id="0" * 16, trace_id="0" * 32, parent_id=None, type="tool", name=tool,',  # noqa: E501
         'obs = Observation(id="0" * 16, trace_id="XX0XX" * 32, parent_id=None, type="tool", name=tool,',  # noqa: E501
         'a throwaway observation for the rule engine: blocking rules read only the tool, its input, cwd and permission mode (ids, times, names and the session feed findings and windows, which guard mode has not)'),  # noqa: E501
        ('obs = Observation(id="0" * 16, trace_id="0" * 32, parent_id=None, type="tool", name=tool,',  # noqa: E501
         'obs = Observation(id="0" * 16, trace_id="0" * 33, parent_id=None, type="tool", name=tool,',  # noqa: E501
         'a throwaway observation for the rule engine: blocking rules read only the tool, its input, cwd and permission mode (ids, times, names and the session feed findings and windows, which guard mode has not)'),  # noqa: E501
        ('obs = Observation(id="0" * 16, trace_id="0" * 32, parent_id=None, type="tool", name=tool,',  # noqa: E501
         'obs = Observation(id="0" * 16, trace_id="0" * 32, parent_id=None, type="XXtoolXX", name=tool,',  # noqa: E501
         'a throwaway observation for the rule engine: blocking rules read only the tool, its input, cwd and permission mode (ids, times, names and the session feed findings and windows, which guard mode has not)'),  # noqa: E501
        ('start_ns=0, end_ns=0,',
         'start_ns=1, end_ns=0,',
         'a throwaway observation for the rule engine: blocking rules read only the tool, its input, cwd and permission mode (ids, times, names and the session feed findings and windows, which guard mode has not)'),  # noqa: E501
        ('start_ns=0, end_ns=0,',
         'start_ns=0, end_ns=1,',
         'a throwaway observation for the rule engine: blocking rules read only the tool, its input, cwd and permission mode (ids, times, names and the session feed findings and windows, which guard mode has not)'),  # noqa: E501
        ('metadata={"tool_use_id": tool_use_id}',
         'metadata={"XXtool_use_idXX": tool_use_id}',
         'a throwaway observation for the rule engine: blocking rules read only the tool, its input, cwd and permission mode (ids, times, names and the session feed findings and windows, which guard mode has not)'),  # noqa: E501
        ('session = payload.get("session_id")',
         'session = payload.get("XXsession_idXX")',
         'a throwaway observation for the rule engine: blocking rules read only the tool, its input, cwd and permission mode (ids, times, names and the session feed findings and windows, which guard mode has not)'),  # noqa: E501
        ('session = payload.get("session_id")',
         'session = None',
         'a throwaway observation for the rule engine: blocking rules read only the tool, its input, cwd and permission mode (ids, times, names and the session feed findings and windows, which guard mode has not)'),  # noqa: E501
        ('trace = Trace(id="0" * 32, session_id=session if isinstance(session, str) else "",',
         'trace = Trace(id="XX0XX" * 32, session_id=session if isinstance(session, str) else "",',
         'a throwaway observation for the rule engine: blocking rules read only the tool, its input, cwd and permission mode (ids, times, names and the session feed findings and windows, which guard mode has not)'),  # noqa: E501
        ('trace = Trace(id="0" * 32, session_id=session if isinstance(session, str) else "",',
         'trace = Trace(id="0" * 33, session_id=session if isinstance(session, str) else "",',
         'a throwaway observation for the rule engine: blocking rules read only the tool, its input, cwd and permission mode (ids, times, names and the session feed findings and windows, which guard mode has not)'),  # noqa: E501
        ('trace = Trace(id="0" * 32, session_id=session if isinstance(session, str) else "",',
         'trace = Trace(id="0" * 32, session_id=session if isinstance(session, str) else "XXXX",',
         'a throwaway observation for the rule engine: blocking rules read only the tool, its input, cwd and permission mode (ids, times, names and the session feed findings and windows, which guard mode has not)'),  # noqa: E501
        ('name="guard", start_ns=0, end_ns=0, metadata=meta)',
         'name="XXguardXX", start_ns=0, end_ns=0, metadata=meta)',
         'a throwaway observation for the rule engine: blocking rules read only the tool, its input, cwd and permission mode (ids, times, names and the session feed findings and windows, which guard mode has not)'),  # noqa: E501
        ('name="guard", start_ns=0, end_ns=0, metadata=meta)',
         'name="guard", start_ns=1, end_ns=0, metadata=meta)',
         'a throwaway observation for the rule engine: blocking rules read only the tool, its input, cwd and permission mode (ids, times, names and the session feed findings and windows, which guard mode has not)'),  # noqa: E501
        ('name="guard", start_ns=0, end_ns=0, metadata=meta)',
         'name="guard", start_ns=0, end_ns=1, metadata=meta)',
         'a throwaway observation for the rule engine: blocking rules read only the tool, its input, cwd and permission mode (ids, times, names and the session feed findings and windows, which guard mode has not)'),  # noqa: E501
        ('comp = Compiler(f"guard:{entry.get(\'source\', \'\')}", dict(entry.get("lists") or {}),',
         'comp = Compiler(f"guard:{entry.get(\'XXsourceXX\', \'\')}", dict(entry.get("lists") or {}),',  # noqa: E501
         "the compiler's name only labels compile errors, and the hook records only the exception's type (fail open)"),  # noqa: E501
        ('comp = Compiler(f"guard:{entry.get(\'source\', \'\')}", dict(entry.get("lists") or {}),',
         'comp = Compiler(f"guard:{entry.get(\'source\', \'XXXX\')}", dict(entry.get("lists") or {}),',  # noqa: E501
         "the compiler's name only labels compile errors, and the hook records only the exception's type (fail open)"),  # noqa: E501
        ('comp = Compiler(f"guard:{entry.get(\'source\', \'\')}", dict(entry.get("lists") or {}),',
         'comp = Compiler(f"XXguard:{entry.get(\'source\', \'\')}XX", dict(entry.get("lists") or {}),',  # noqa: E501
         "the compiler's name only labels compile errors, and the hook records only the exception's type (fail open)"),  # noqa: E501
        ('lazy, patterns.LAZY_PATTERNS = patterns.LAZY_PATTERNS, True',
         'lazy, patterns.LAZY_PATTERNS = patterns.LAZY_PATTERNS, False',
         'lazy or eager compiling gives the same patterns; lazy is for speed (every pattern was compiled when guard.json was written)'),  # noqa: E501
    ],
    'export.destinations': [
        ('verify: bool | str = field(default=True, compare=False)',
         'verify: bool & str = field(default=True, compare=False)',
         'an annotation, never evaluated (from __future__ import annotations)'),
        ('proxy: str | None = field(default=None, compare=False)',
         'proxy: str & None = field(default=None, compare=False)',
         'an annotation, never evaluated (from __future__ import annotations)'),
        ('verify: bool | str = True',
         'verify: bool & str = True',
         "a local variable's annotation, never evaluated"),
        ('lf = config.section(LANGFUSE)',
         'lf = None',
         'lf is never read (deleted at the end of problems(): dead code)'),
        ('base = str(validate_url(config.langfuse_base_url or "")).rstrip("/")',
         'base = str(validate_url(config.langfuse_base_url or "XXXX")).rstrip("/")',
         'unreachable: langfuse_enabled requires a base URL'),
        ('pk = config.langfuse_public_key or ""',
         'pk = config.langfuse_public_key or "XXXX"',
         'unreachable: langfuse_enabled requires a public key'),
        ('sk = config.langfuse_secret_key or ""',
         'sk = config.langfuse_secret_key or "XXXX"',
         'unreachable: langfuse_enabled requires a secret key'),
        ('url=str(validate_url(config.otlp_endpoint or "")),',
         'url=str(validate_url(config.otlp_endpoint or "XXXX")),',
         'unreachable: otlp_enabled requires an endpoint'),
        ('out += [LANGFUSE, LANGFUSE_SCORES]',
         'out = [LANGFUSE, LANGFUSE_SCORES]',
         'out is empty at that point: += and = agree'),
    ],
    'export.send': [
        ('base = min(BACKOFF_CAP_S, BACKOFF_BASE_S * (2 ** min(max(attempts, 0), 30)))',
         'base = min(BACKOFF_CAP_S, BACKOFF_BASE_S * (2 ** min(max(attempts, 0), 31)))',
         '2**30 s and 2**31 s are both far above the 300 s cap'),
        ('self._sessions: dict[tuple[str, str, str | None], requests.Session] = {}',
         'self._sessions: dict[tuple[str, str, str & None], requests.Session] = {}',
         'an annotation, never evaluated (from __future__ import annotations)'),
        ('allow_redirects=False,',
         'allow_redirects=True,',
         'max_redirects = 0: requests raises on any 3xx before following it either way'),
        ('text = ""',
         'text = "XXXX"',
         'text is read only for non-2xx statuses, and classify() ignores it for 2xx'),
        ('if not 200 <= status < 300:',
         'if not 201 <= status < 300:',
         'for 2xx and 300 classify() ignores the body: reading it or draining it only changes what is consumed from a connection that is used up either way'),  # noqa: E501
        ('if not 200 <= status < 300:',
         'if not 200 < status < 300:',
         'for 2xx and 300 classify() ignores the body: reading it or draining it only changes what is consumed from a connection that is used up either way'),  # noqa: E501
        ('if not 200 <= status < 300:',
         'if not 200 <= status <= 300:',
         'for 2xx and 300 classify() ignores the body: reading it or draining it only changes what is consumed from a connection that is used up either way'),  # noqa: E501
        ('if not 200 <= status < 300:',
         'if not 200 <= status < 301:',
         'for 2xx and 300 classify() ignores the body: reading it or draining it only changes what is consumed from a connection that is used up either way'),  # noqa: E501
    ],
    'policy.shapes': [
        ('if path.startswith("./"):',
         'if path.startswith("XX./XX"):',
         'path_denied normalizes the path: `./x` and `x` name the same file'),
        ('for m in _SEP.finditer(head, first.end() if first is not None else 0):',
         'for m in _SEP.finditer(head, first.end() if first is not None else 1):',
         'a separator at index 0 gives the empty prefix, which the next line skips'),
        ('if m.start() > 0:',
         'if m.start() >= 0:',
         "the empty prefix names no file: rule('') is None"),
        ('if at > 0:',
         'if at >= 0:',
         "the empty prefix names no file: rule('') is None"),
        ('run_end = -1',
         'run_end = -2',
         'a separator is at 0 or later: no first one is taken for the rest of a run either way'),
        ('run_end = -1',
         'run_end = None',
         'a separator is at 0 or later: no first one is taken for the rest of a run either way'),
        ('marked: set[int] | None = None',
         'marked: set[int] & None = None',
         "a local variable's annotation, never evaluated"),
        ('marked = {bisect.bisect_right(starts, pos) - 1 for pos, _ in hits}',
         'marked = None',
         'a speed-up: a line the scan did not mark holds no literal, so mention() returns None for it too'),  # noqa: E501
        ('for line, hit in zip(lines, rules, strict=True):',
         'for line, hit in zip(lines, rules, strict=False):',
         'rules is built from lines one for one: the lengths are equal'),
        ('m = _MATCH_LINE.match(line[:_SCAN_CHARS + 32])',
         'm = _MATCH_LINE.match(line[:_SCAN_CHARS + 33])',
         'both loops of _numbered read match lines with this window: a match ending one character later is read by one loop only, and the output is unattributable (or the line a context line) either way'),  # noqa: E501
        ('if not word or not self.maybe(word):',
         'if not word and not self.maybe(word):',
         'maybe() is a speed-up: with literals on, a word holding none of them is no denied path (every denied path holds one)'),  # noqa: E501
    ],
    'policy.reach': [
        # glob_rule (policy.apply's until the split)
        ('base = path.rstrip("/").rsplit("/", 1)[-1]',
         'base = path.rstrip("/").rsplit("/", 2)[-1]',
         'the last part of rsplit is the same whatever the number of splits'),
        ('if not any(c in base for c in "*?[") or base in ("*", "**"):',
         'if not any(c in base for c in "XX*?[XX") or base in ("*", "**"):',
         "a base without glob characters is a literal name; one matching a pattern's example file matches the pattern, which path_denied checked first"),  # noqa: E501
        # expanded_rule (policy.apply.expand's until the split)
        ('if not isinstance(path, str) or len(path) > 4096 or "\\0" in path:',
         'if not isinstance(path, str) or len(path) > 4096 or "XX\\0XX" in path:',
         "a path holding a NUL names no file: glob matches nothing for it either"),
        # link_rule (policy.apply.rest's until the split)
        ('if not isinstance(path, str) or not path.strip() or len(path) > 4096 or "\\0" in path:',
         'if not isinstance(path, str) or not path.strip() or len(path) > 4096 or "XX\\0XX" in path:',  # noqa: E501
         'a path holding NUL goes on to realpath, which refuses it (ValueError): real = full, and the answer is None as well'),  # noqa: E501
        ('real = full',
         'real = None',
         'unreachable: os.path.realpath (strict=False) raises neither error here: a NUL was refused above and lstat errors are swallowed'),  # noqa: E501
        ('real = _REAL.get(full)',
         'real = None',
         'the cache only saves time within one apply_policy call (it is cleared at each): resolving again gives the same answer'),  # noqa: E501
    ],
    'policy.apply': [
        ('if isinstance(obs.status_message, str) and obs.status_message:',
         'if isinstance(obs.status_message, str) or obs.status_message:',
         "status_message is a str or None: '' and None skip either way (text('') is '')"),
    ],
    'redact.detectors.encoded': [
        ('return SecretRedactor(registry.detectors(), b"encoded-detector-inner-key-0000")',
         'return SecretRedactor(registry.detectors(), b"XXencoded-detector-inner-key-0000XX")',
         'the inner redactor is only asked what it finds (explain), never for markers or tags'),
    ],
    'redact.views': [
        ('NEAR = -1', 'NEAR = +1',
         'a sentinel no pattern priority takes (10-90): only compared with == / !='),
        ('NEAR = -1', 'NEAR = -2',
         'a sentinel no pattern priority takes (10-90): only compared with == / !='),
        ('NEAR = -1', 'NEAR = None',
         'a sentinel no pattern priority takes (10-90): near misses are dropped before the '
         'candidates are sorted'),
        ('Candidate = tuple[int, int, int, str, str]',
         'Candidate = None',
         'a type alias, only read in annotations (from __future__ import annotations)'),
        ('Find = Callable[[str], list[Candidate]]',
         'Find = None',
         'a type alias, only read in annotations (from __future__ import annotations)'),
        ('_TOKEN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-.%~")',  # noqa: E501
         '_TOKEN = frozenset("XXABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-.%~XX")',  # noqa: E501
         'X is in the set already: the same set of characters'),
        ('return first, len(text) if last < 0 else last',
         'return first, len(text) if last <= 0 else last',
         'last is never 0: a wrap newline has a full-width line before it'),
        ('return first, len(text) if last < 0 else last',
         'return first, len(text) if last < 1 else last',
         'last is never 0: a wrap newline has a full-width line before it'),
        ('last = text.find("\\n", last + 1)',
         'last = text.find("\\n", last + 2)',
         'the character after a wrap newline is a token character, never a newline'),
        ('first = text.rfind("\\n", 0, first - 1) + 1',
         'first = text.rfind("\\n", 0, first - 2) + 1',
         'the character before a wrap newline is a token character, never a newline'),
        ('if not plain.replace("\\n", "").replace("\\r", "").replace("\\t", "").isprintable():',
         'if not plain.replace("\\n", "XXXX").replace("\\r", "").replace("\\t", "").isprintable():',
         'any printable replacement gives the same verdict'),
        ('if not plain.replace("\\n", "").replace("\\r", "").replace("\\t", "").isprintable():',
         'if not plain.replace("\\n", "").replace("\\r", "XXXX").replace("\\t", "").isprintable():',
         'any printable replacement gives the same verdict'),
        ('if not plain.replace("\\n", "").replace("\\r", "").replace("\\t", "").isprintable():',
         'if not plain.replace("\\n", "").replace("\\r", "").replace("\\t", "XXXX").isprintable():',
         'any printable replacement gives the same verdict'),
    ],
    'audit.unhooked': [
        ('st = entry.stat(follow_symlinks=False)', 'st = entry.stat(follow_symlinks=True)',
         'a regular file is asked first (not following links): its stat is the same '
         'whether or not it follows one'),
    ],
    'redact.stoplist.placeholder': [
        ('@lru_cache(maxsize=4096)',
         '@lru_cache(maxsize=4097)',
         'the cache size: is_placeholder is pure, caching only saves time'),
        (' / @lru_cache(maxsize=4096)',
         '',
         'the cache: is_placeholder is pure, caching only saves time'),
    ],
    'redact.stoplist.words': [
        ('if len(value) > 172 or _BASE64.fullmatch(value) is None:',
         'if len(value) > 173 or _BASE64.fullmatch(value) is None:',
         'base64 that decodes has a length that is a multiple of 4: 173 to 175 never do'),
    ],
    'redact.stoplist.password': [
        ('@lru_cache(maxsize=4096)',
         '@lru_cache(maxsize=4097)',
         'the cache size: password_value is pure, caching only saves time'),
        (' / @lru_cache(maxsize=4096)',
         '',
         'the cache: password_value is pure, caching only saves time'),
    ],
    'policy.globs': [
        ('@lru_cache(maxsize=4096)',
         '@lru_cache(maxsize=4097)',
         'the cache size: compile_glob is pure, caching only saves time'),
        (' / @lru_cache(maxsize=4096)',
         '',
         'the cache: compile_glob is pure, caching only saves time'),
        ('if len(pattern) > 1:',
         'if len(pattern) >= 1:',
         "a one-character pattern: rstrip('/') of '/' is '' and `or '/'` gives '/' back; any other one is unchanged"),  # noqa: E501
        ('if raw.startswith("~") or raw.startswith("$HOME") or raw.startswith("${HOME}"):',
         'if raw.startswith("XX~XX") or raw.startswith("$HOME") or raw.startswith("${HOME}"):',
         'for a `~`/`$HOME` path this candidate is the resolved path again; the mutant adds the path as written instead, which differs only by a first folder named `~`/`$HOME` that no pattern names (the basename is the same)'),  # noqa: E501
        ('if raw.startswith("~") or raw.startswith("$HOME") or raw.startswith("${HOME}"):',
         'if raw.startswith("~") or raw.startswith("XX$HOMEXX") or raw.startswith("${HOME}"):',
         'for a `~`/`$HOME` path this candidate is the resolved path again; the mutant adds the path as written instead, which differs only by a first folder named `~`/`$HOME` that no pattern names (the basename is the same)'),  # noqa: E501
        ('if raw.startswith("~") or raw.startswith("$HOME") or raw.startswith("${HOME}"):',
         'if raw.startswith("~") or raw.startswith("$HOME") or raw.startswith("XX${HOME}XX"):',
         'for a `~`/`$HOME` path this candidate is the resolved path again; the mutant adds the path as written instead, which differs only by a first folder named `~`/`$HOME` that no pattern names (the basename is the same)'),  # noqa: E501
        ('if raw.startswith("~") or raw.startswith("$HOME") or raw.startswith("${HOME}"):',
         'if raw.startswith("~") and raw.startswith("$HOME") or raw.startswith("${HOME}"):',
         'for a `~`/`$HOME` path this candidate is the resolved path again; the mutant adds the path as written instead, which differs only by a first folder named `~`/`$HOME` that no pattern names (the basename is the same)'),  # noqa: E501
    ],
    'policy.shapes.literals': [
        ('pattern = pattern[1:]',
         'pattern = pattern[2:]',
         'only `~` and `~/...` reach here: the next character is none or the `/` that split drops'),
        ('if _META.search(part) or len(tail) == 2:',
         'if _META.search(part) or len(tail) == 3:',
         'a three-part tail is found wherever a path holds all three parts, and inside any of its folders the prefilter is off: the same lines are checked'),  # noqa: E501
        ('return "/".join(tail).lower(), tuple(p.lower() for p in tail[:-1])',
         'return "/".join(tail).lower(), tuple(p.lower() for p in tail[:+1])',
         'only turns the prefilter off more often (inside a folder named like a one-part literal): every line is then checked, same output'),  # noqa: E501
        ('runs = [r for r in _META.split(part) if len(r) >= 2]',
         'runs = [r for r in _META.split(part) if len(r) > 2]',
         'a pattern whose only fixed runs are 2 characters gets no literal: the prefilter is off and every line is checked, same output'),  # noqa: E501
        ('runs = [r for r in _META.split(part) if len(r) >= 2]',
         'runs = [r for r in _META.split(part) if len(r) >= 3]',
         'a pattern whose only fixed runs are 2 characters gets no literal: the prefilter is off and every line is checked, same output'),  # noqa: E501
        ('def text(self, text: str, *, context: bool = True, listing: bool = False,',
         'def text(self, text: str, *, context: bool = False, listing: bool = False,',
         'every caller passes context: the shapes of apply._output_shape carry all three keys'),
        ('def text(self, text: str, *, context: bool = True, listing: bool = False,',
         'def text(self, text: str, *, context: bool = True, listing: bool = True,',
         'every caller passes listing: the shapes of apply._output_shape carry all three keys'),
        ('grep: bool = False) -> str:',
         'grep: bool = True) -> str:',
         'every caller passes grep: the shapes of apply._output_shape carry all three keys'),
        ('done = self.memo.get(key)',
         'done = None',
         'the memo only saves time: recomputing gives the same text and adds the same count'),
        ('done = self.memo[key] = (out, self.count - before)',
         'done = self.memo[key] = None',
         'the memo only saves time: with None stored, every call recomputes the same text and count'),  # noqa: E501
        ('found = _deny_literals(policy)',
         'found = None',
         'the prefilter off: every line is checked, same output'),
        ('literals = found[0] if found and all(x.isascii() for x in found[0]) else None',
         'literals = None',
         'the prefilter off: every line is checked, same output'),
        ('self.literals = literals',
         'self.literals = None',
         'the prefilter off: every line is checked, same output'),
        ('@lru_cache(maxsize=64)',
         '@lru_cache(maxsize=65)',
         'the cache size: _scanners is pure, caching only saves time'),
        (' / @lru_cache(maxsize=64)',
         '',
         'the cache: _scanners is pure, caching only saves time'),
        ('self.seen: dict[str, str | None] = {}',
         'self.seen: dict[str, str & None] = {}',
         'an annotation, never evaluated (from __future__ import annotations)'),
        ('if path_denied(cwd.rstrip("/") + "/x", None, policy) or parts & found[1]:',
         'if path_denied(cwd.rstrip("/") + "/x", None, policy) or parts | found[1]:',
         'only turns the prefilter off (whenever there is a cwd): every line is then checked, same output'),  # noqa: E501
        ('self.literals = literals',
         'self.literals = None',
         'self.literals is not read: hit and scan are built from the local'),
    ],
    'policy.globs.translate': [
        ('if at_start and j == n and i > 0:',
         'if at_start and j == n and i > 1:',
         '`**` at index 1 after a `/` is `/**`: `/(?:/.*)?` without the slash and `/.*` match the same absolute paths'),  # noqa: E501
        ('continue',
         'break',
         'i = j = n here: the loop ends either way'),
        ('if end < 0:',
         'if end <= 0:',
         'find starts at i + 1 >= 1: end is never 0'),
        ('if end < 0:',
         'if end < 1:',
         'find starts at i + 1 >= 1: end is never 0'),
        ('if body[:1] in ("!", "^"):',
         'if body[:1] in ("!", "XX^XX"):',
         '`^` first in a regex class negates it already'),
    ],
    'redact.cut': [
        ('_MARKER_SPAN = 420',
         '_MARKER_SPAN = 421',
         'a marker is at most 412 chars ([TRUNCATED: + 400 + ]): a window of 420 or 421 finds it alike'),  # noqa: E501
        ('MAX_DEPTH = 200',
         'MAX_DEPTH = 201',
         'MAX_DEPTH is not read in cut.py (map_strings is iterative): dead constant'),
        ('MAX_DEPTH = 200',
         'MAX_DEPTH = None',
         'MAX_DEPTH is not read in cut.py (map_strings is iterative): dead constant'),
        ('if at <= 0 or at >= len(text) or "[" not in text[max(0, at - _MARKER_SPAN):at]:',
         'if at < 0 or at >= len(text) or "[" not in text[max(0, at - _MARKER_SPAN):at]:',
         'at 0 the window text[0:0] is empty, so the early return gives 0 either way'),
        ('if at <= 0 or at >= len(text) or "[" not in text[max(0, at - _MARKER_SPAN):at]:',
         'if at <= 0 or at > len(text) or "[" not in text[max(0, at - _MARKER_SPAN):at]:',
         'at len(text) no marker ends after the point: the loop returns at, as the early return does'),  # noqa: E501
        ('if m.start() < at < m.end():',
         'if m.start() <= at < m.end():',
         'a point at a marker start returns m.start(), which is the point itself'),
        ('if m.start() >= at:',
         'if m.start() > at:',
         'a marker starting at the point cannot span it, nor can any later one: only the loop runs longer'),  # noqa: E501
        ('break',
         'continue',
         'markers after the point cannot span it: the loop only runs longer'),
        ('if len(text) * 4 <= limit:',
         'if len(text) * 5 <= limit:',
         'only the shortcut is stricter: the exact byte count decides next'),
        ('if len(text) * 4 <= limit:',
         'if len(text) * 4 < limit:',
         'at equality the exact byte count (at most 4 per char) decides the same'),
        ('dst[key] = src',
         'dst[key] = None',
         'unreachable: only strings, dicts and lists are pushed on the stack'),
    ],
    'redact.stage': [
        ('_MARK = "_cctrace_redacted"',
         '_MARK = "XX_cctrace_redactedXX"',
         'a private attribute name, set and read only through _MARK'),
        # The sweep skip (`redact_traces`): `longest` is only compared with the scan budget.
        ('longest = [0]',
         'longest = [1]',
         'longest is only compared with SCAN_MAX_CHARS (8 MiB): 0 and 1 are both below it'),
        ('if len(out) > longest[0]:',
         'if len(out) >= longest[0]:',
         'at equality the same length is stored again'),
        ('and first.longest[0] <= SCAN_MAX_CHARS):  # type: ignore[attr-defined]',
         'and first.longest[0] < SCAN_MAX_CHARS):  # type: ignore[attr-defined]',
         'at exactly SCAN_MAX_CHARS the mutant runs the sweep the original skips: with '
         'nothing learned it returns every text (none is over the budget) unchanged'),
        ('continue',
         'break',
         '_passes gives at most one sweep pass, so nothing follows in the loop either way'),
    ],
    'redact.gates': [
        ('_parser: Any = sys.modules["re._parser" if sys.version_info >= (3, 11) else "sre_parse"]',  # noqa: E501
         '_parser: Any = sys.modules["re._parser" if sys.version_info > (3, 11) else "sre_parse"]',  # noqa: E501
         'sys.version_info has five fields, so it is never equal to (3, 11): > and >= agree'),
        ('_compiler: Any = sys.modules["re._compiler" if sys.version_info >= (3, 11) else "sre_compile"]',  # noqa: E501
         '_compiler: Any = sys.modules["re._compiler" if sys.version_info > (3, 11) else "sre_compile"]',  # noqa: E501
         'sys.version_info has five fields, so it is never equal to (3, 11): > and >= agree'),
        ('_c: Any = sys.modules["re._constants" if sys.version_info >= (3, 11) else "sre_constants"]',  # noqa: E501
         '_c: Any = sys.modules["re._constants" if sys.version_info > (3, 11) else "sre_constants"]',  # noqa: E501
         'sys.version_info has five fields, so it is never equal to (3, 11): > and >= agree'),
        (' / @functools.cache',
         '',
         'necessary is a pure function of its arguments: the cache only saves work'),
        ('accepted = {c for c in range(128) if rx.fullmatch(chr(c))}',
         'accepted = {c for c in range(129) if rx.fullmatch(chr(c))}',
         'only codes below 128 are ever looked up in accepted (low is built over range(128))'),
        ('low = {c for c in range(128) if not 65 <= c <= 90 and (',
         'low = {c for c in range(129) if not 65 <= c <= 90 and (',
         '128 is never in accepted (built over range(128)) and is no lower-case letter'),
        ('raise Unsupported("a character test no ASCII character passes")',
         'raise Unsupported("XXa character test no ASCII character passesXX")',
         'necessary catches Unsupported and returns None: the message is never shown'),
    ],
    'redact.engine.rest': [
        ('parser = sys.modules["re._parser" if sys.version_info >= (3, 11) else "sre_parse"]',
         'parser = sys.modules["re._parser" if sys.version_info > (3, 11) else "sre_parse"]',
         'sys.version_info has five fields, so it is never equal to (3, 11): > and >= agree'),
        (' / @functools.cache',
         '',
         '_prefix_related is a pure function of its tuple: the cache only saves work'),
        ('once: list[tuple[Callable[[str, int], re.Match[str] | None], _Compiled]] = []',
         'once: list[tuple[Callable[[str, int], re.Match[str] & None], _Compiled]] = []',
         'an annotation, never evaluated (from __future__ import annotations)'),
        ('if len(members) > 1 and len({comp.regex.flags for _, comp in members}) == 1:',
         'if len(members) >= 1 and len({comp.regex.flags for _, comp in members}) == 1:',
         'common_gate of a single regex is None, the same gate as not asking'),
        ('members[0][1].regex.flags)',
         'members[1][1].regex.flags)',
         'reached only with 2+ members, all of one flags value (the set has one element)'),
        ('tried: set[tuple[int, int]] | None = None',
         'tried: set[tuple[int, int]] & None = None',
         'an annotation, never evaluated (from __future__ import annotations)'),
        ('last: str | None = None',
         'last: str & None = None',
         'an annotation, never evaluated (from __future__ import annotations)'),
        ('last: str | None = None',
         'last: str | None = ""',
         'no anchor is empty (prefilter.build drops empty words): the first hit still looks up its plan'),  # noqa: E501
        ('step = _EMPTY_PLAN',
         'step = None',
         'the first hit always differs from last (None), which sets step before it is read'),
        ('last = anchor',
         'last = None',
         'the plan is then looked up on every hit instead of once per run: the same plan, and adding its scan patterns to the set again changes nothing'),  # noqa: E501
    ],
    'redact.engine': [
        ('kind, tag = m.group()[len("[REDACTED:"):-1].rsplit(":", 1)',
         'kind, tag = m.group()[len("[REDACTED:"):-1].rsplit(":", 2)',
         'MARKER_RE allows no colon in the type: "type:tag" has one colon, so both splits agree'),
        ('if len(text) > SHORT_TEXT:',
         'if len(text) >= SHORT_TEXT:',
         'the short-text cache only saves work: a verdict is a pure function of the text, so finding it again gives the same spans'),  # noqa: E501
        ('known = self._short.get(text)',
         'known = None',
         'the short-text cache only saves work: a verdict is a pure function of the text, so finding it again gives the same spans'),  # noqa: E501
        ('if len(self._short) >= SHORT_CACHE:',
         'if len(self._short) > SHORT_CACHE:',
         'one entry more in the cache before it is cleared: memory only'),
        ('self._short[text] = known',
         'self._short[text] = None',
         'the short-text cache only saves work: a verdict is a pure function of the text, so finding it again gives the same spans'),  # noqa: E501
        ('cur_s, cur_e, best = -1, -1, None',
         'cur_s, cur_e, best = +1, -1, None',
         'the start and end are read only once best is set, which sets them too'),
        ('cur_s, cur_e, best = -1, -1, None',
         'cur_s, cur_e, best = -2, -1, None',
         'the start and end are read only once best is set, which sets them too'),
        ('cur_s, cur_e, best = -1, -1, None',
         'cur_s, cur_e, best = -1, +1, None',
         'the start and end are read only once best is set, which sets them too'),
        ('cur_s, cur_e, best = -1, -1, None',
         'cur_s, cur_e, best = -1, -2, None',
         'the start and end are read only once best is set, which sets them too'),
        ('last = 0',
         'last = None',
         'text[None:i] is text[0:i]'),
        ('if not self._learned or not text:',
         'if not self._learned and not text:',
         'with nothing learned the index is empty and no sweeper is built; an empty text has no hit: both return the text'),  # noqa: E501
        ('self._sweep_size = len(self._learned)',
         'self._sweep_size = None',
         'the index is then rebuilt on every call, from the same values: slower only'),
    ],
    'redact.service_shapes': [
        ('@lru_cache(maxsize=1)',
         '@lru_cache(maxsize=2)',
         'table() takes no argument: one entry, whatever the size'),
        ('for end in range(min(len(low), 40), 1, -1):',
         'for end in range(min(len(low), 41), 1, -1):',
         'the longest name in the table has 32 characters'),
        ('for end in range(min(len(low), 40), 1, -1):',
         'for end in range(min(len(low), 40), 2, -1):',
         'the shortest name in the table has 4 characters (test_every_shipped_row_parses...)'),
    ],
    'redact.cells': [
        ('Candidate = tuple[int, int, int, str, str]', 'Candidate = None',
         'a type alias read only in annotations'),
        ('Find = Callable[[str], list[Candidate]]', 'Find = None',
         'a type alias read only in annotations'),
        ('pos = 0', 'pos = 1', 'a row end at offset 0 is a line holding one bar: no row'),
        ('pos = 0', 'pos = None', 'str.find takes None as the start'),
        ('while (nl := _next_row_end(text, pos, ends)) >= 0:',
         'while (nl := _next_row_end(text, pos, ends)) > 0:',
         '_next_row_end returns a newline offset + 1 (>= 1) or -1'),
        ('while (nl := _next_row_end(text, pos, ends)) >= 0:',
         'while (nl := _next_row_end(text, pos, ends)) >= 1:', 'the same'),
        ('while head is not None and at < len(text):',
         'while head is not None and at <= len(text):',
         'at the end the next line is empty: no row, the loop breaks'),
        ('end = len(text) if end < 0 else end', 'end = len(text) if end <= 0 else end',
         'the search starts at at >= 1: a newline found is at >= 1'),
        ('end = len(text) if end < 0 else end', 'end = len(text) if end < 1 else end',
         'the same'),
        ('pos = max(nl + 1, at - 1)', 'pos = max(nl - 1, at - 1)',
         'at - 1 >= nl; the bar before nl is passed already'),
        ('pos = max(nl + 1, at - 1)', 'pos = max(nl + 2, at - 1)',
         'a row end one character into the next line is a line of one bar: no row'),
        ('pos = max(nl + 1, at - 1)', 'pos = max(nl + 1, at + 1)',
         'the same, for the line after the continuation rows'),
        ('pos = max(nl + 1, at - 1)', 'pos = max(nl + 1, at - 2)',
         'the last continuation row, found again as a head, has no row after it that '
         'continues it (that row would have been joined already)'),
        ('found = [i for i in (text.find(e, pos) for e in ends) if i >= 0]',
         'found = [i for i in (text.find(e, pos) for e in ends) if i > 0]',
         'a bar and newline at offset 0 end a line of one bar: no row'),
        ('found = [i for i in (text.find(e, pos) for e in ends) if i >= 0]',
         'found = [i for i in (text.find(e, pos) for e in ends) if i >= 1]', 'the same'),
        ('return min(found) + 1 if found else -1', 'return min(found) + 1 if found else -2',
         'the caller asks >= 0 only'),
        ('return bool(filled) and all(head[k][1] > head[k][0] for k in filled)',
         'return bool(filled) and all(head[k][1] >= head[k][0] for k in filled)',
         'a blank head cell adds an empty piece, never hit; the row after it then heads '
         'the same join'),
        ('line = "|"', 'line = "XX|XX"',
         'offsets are taken from the line as built; no find spans its first bar'),
        ('for s, e in [(a, b)] + [r[k] for r in more if r[k][1] > r[k][0]]:',
         'for s, e in [(a, b)] + [r[k] for r in more if r[k][1] >= r[k][0]]:',
         'an empty piece sits where the piece before it ends: a find reaching past it has '
         'crossed or left that piece already (at most blanks of the cell join the span)'),
    ],
    'redact.detectors.url_path': [
        ('if not _SEGMENT_START.search(text, max(0, start - 41), start):',
         'if not _SEGMENT_START.search(text, max(0, start - 42), start):',
         'the pattern allows 40 name characters after the `/`: a wider window only adds '
         'characters the `$`-anchored pattern cannot use'),
    ],
    'redact.detectors.daemon_config': [
        ('return password_value(match.group("s"), quoted=True, env=True)',
         'return password_value(match.group("s"), quoted=True, env=False)',
         'password_value reads `env` only in its unquoted branch, which quoted=True never '
         'takes'),
    ],
    'redact.detectors.url_segment': [
        ('line = text[max(text.rfind("\\n", 0, start) + 1, start - 200):start]',
         'line = text[max(text.rfind("\\n", 1, start) + 1, start - 200):start]',
         'a newline at offset 0 has nothing before it: the line after it is the same slice'),
        ('return looks_random(value, MIN_LEN) and lone_value(value, False, "")',
         'return looks_random(value, MIN_LEN) and lone_value(value, True, "")',
         'lone_value ends with `password or looks_random(...)`: looks_random(value, 20) was '
         'asked first and is true here'),
        ('return looks_random(value, MIN_LEN) and lone_value(value, False, "")',
         'return looks_random(value, MIN_LEN) and lone_value(value, False, "XXXX")',
         'the context only decides 40/64 hex digits, which is_digest turned away before'),
    ],
    'redact.detectors.twitter': [
        ('rest = value.lstrip("A")', 'rest = value.lstrip("XXAXX")',
         'an `X` right after the run is a drawn character the checks that follow read the '
         'same whether it is stripped or not: one letter fewer in 60+'),
    ],
    'redact.detectors.service_context': [
        ('_TOKEN_CHARS = r"A-Za-z0-9_\\-+/="',
         '_TOKEN_CHARS = r"XXA-Za-z0-9_\\-+/=XX"',
         'X is in A-Z already: the class is the same'),
        ('before = text[start - 1] if start else " "',
         'before = text[start - 1] if start else "XX XX"',
         'the service name precedes the token in the same match: start is never 0'),
        ('after = text[end] if end < len(text) else " "',
         'after = text[end] if end < len(text) else "XX XX"',
         'neither " " nor "XX XX" is a foreign character or in "([{": the same verdict'),
        ('if (after in TOKEN_FOREIGN or after in "([{") and not (path and after == "?"):',
         'if (after in TOKEN_FOREIGN or after in "XX([{XX") and not (path and after == "?"):',
         'X is a token character: the token never ends before one'),
    ],
    'redact.randomness.words': [
        ('return len(part) <= 5 and any(c in "aeiouy" for c in part) and re.search(',
         'return len(part) <= 6 and any(c in "aeiouy" for c in part) and re.search(',
         'a 6-letter part with 2+ vowels and no 4 consonants in a row is _wordlike already; with one vowel its 5 consonants make a run of 3'),  # noqa: E501
        ('return len(part) <= 5 and any(c in "aeiouy" for c in part) and re.search(',
         'return len(part) <= 5 and any(c in "XXaeiouyXX" for c in part) and re.search(',
         'the parts are lower-cased first: "X" never occurs; an "x"-only part of 4-5 letters has 3 consonants in a row'),  # noqa: E501
    ],
    'redact.detectors.generic_assignment': [
        ('while n < 4 and at - n > 0 and text[at - n - 1] == "\\\\":',
         'while n <= 4 and at - n > 0 and text[at - n - 1] == "\\\\":',
         'a quote between a key and its value has at most 3 backslashes (the operator and '
         'the close take `\\\\{0,3}`): an opener counted 4 or 5 matches none of them alike'),
        ('while n < 4 and at - n > 0 and text[at - n - 1] == "\\\\":',
         'while n < 5 and at - n > 0 and text[at - n - 1] == "\\\\":',
         'a quote between a key and its value has at most 3 backslashes (the operator and '
         'the close take `\\\\{0,3}`): an opener counted 4 or 5 matches none of them alike'),
        # since stop 26 its selection runs the table rows' tests: the rows' equivalents
        ('if i > 0 and text[i - 1] not in " \\t|/`\'\\"\\n" and not after_escape(text, i):',
         'if i > 0 and text[i - 1] not in "XX \\t|/`\'\\"\\nXX" and not after_escape(text, i):',
         'the walk back over the name takes every letter, so the character before it is '
         'never an X (where the walk stops at an escape, it is the escape\'s n, r or t)'),
        ('and cell.strip(" `\'\\"") == ""):', 'and cell.strip("XX `\'\\"XX") == ""):',
         'the cell group holds only quotes, blanks, tabs and a bar (its regex), never an X: '
         'stripping X as well strips nothing more'),
        ('i = name_start(text, start, "_.-:")', 'i = name_start(text, start, "XX_.-:XX")',
         "X is alphanumeric: the walk over the tag name takes it already"),
        ('while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_.-"):',
         'while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "XX_.-XX"):',
         'X is alphanumeric: the walk over the key name takes it already'),
        ('while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_.-"):',
         'while i > 1 and (text[i - 1].isalnum() or text[i - 1] in "_.-"):',
         "_log_pair's walk (the same line in _full_key is killed): stopped at 1 instead of 0, "
         "text[0] is a name character, not `(` or `,`, and text[-1:1] is empty like "
         'text[-2:0]: True either way'),
        ('while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_.-:"):',
         'while i > 1 and (text[i - 1].isalnum() or text[i - 1] in "_.-:"):',
         "_element_ok's walk: stopped at 1 instead of 0, text[0] is a name character, not "
         '`<`: no opening tag either way'),
        ('while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_.-:"):',
         'while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "XX_.-:XX"):',
         'X is alphanumeric: the walk over the tag name takes it already'),
        ('return password_value(value, quoted=True, env=False)',
         'return password_value(value, quoted=True, env=True)',
         'password_value reads env only for unquoted values (it returns before for quoted ones)'),
    ],
    'redact.detectors.base': [
        *[(f'{n} = {v}', f'{n} = {v + 1}',
           'priorities are only compared with each other (and the known-secret 100): with one '
           'added, the values in use (100, 90, 75, 70, 65, 50, 40, 35, 20, 12, 11, 10) keep '
           'their order and stay distinct')
          for n, v in (('CHECKSUM', 90), ('SPECIFIC', 70), ('CONTEXTUAL', 50),
                       ('STRUCTURAL', 40), ('GENERIC', 20), ('PII', 10))],
        ('validate: Callable[[str], bool] | None = None',
         'validate: Callable[[str], bool] & None = None',
         'an annotation, never evaluated (from __future__ import annotations)'),
        ('check: Callable[[re.Match[str]], bool] | None = None',
         'check: Callable[[re.Match[str]], bool] & None = None',
         'an annotation, never evaluated (from __future__ import annotations)'),
        ('expand: Callable[[re.Match[str]], list[tuple[int, int]]] | None = None',
         'expand: Callable[[re.Match[str]], list[tuple[int, int]]] & None = None',
         'an annotation, never evaluated (from __future__ import annotations)'),
        ('description: str = ""', 'description: str = "XXXX"',
         'Detector.description is documentation: no code reads it'),
        ('description: str = ""', 'description: str = None',
         'Detector.description is documentation: no code reads it'),
        ('if d > 9:', 'if d >= 9:',
         'd is a doubled digit here (0, 2, ..., 18): it is never 9'),
        ('total += d', 'total -= d',
         'Python\'s modulo: -t % 10 == 0 exactly when t % 10 == 0'),
        ('digits = value[2:] if value[:2].upper() in ("SK", "AC") else value.rsplit("-", 1)[-1]',
         'digits = value[2:] if value[:2].upper() in ("SK", "AC") else value.rsplit("-", 2)[-1]',
         'the last piece of a split from the right is the same whatever the number of splits'),
        ('data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))',
         'data = base64.urlsafe_b64decode(body + "=" * (+len(body) % 4))',
         'the padding differs only for a length of 3 mod 4 (3 instead of 1): the non-strict '
         'decoder ignores padding beyond what it needs'),
        ('tags: tuple[str, ...] = field(default_factory=tuple)',
         'tags: tuple[str, ...] = None',
         'Detector.tags is set by no detector and read by no code'),
    ],
    'redact.registry': [
        (' / @cache', '',
         'importlib keeps the module: without the cache, load() returns the same DETECTOR '
         'object from sys.modules; the cache only saves the lookup'),
    ],
    'redact.detectors.github': [
        ('validate=lambda v: shannon_entropy(v[4:]) >= 3.5,',
         'validate=lambda v: shannon_entropy(v[4:]) > 3.5,',
         'no 36-character string has exactly 3.5 bits: that needs a sum of c*log2(c) over its '
         'counts equal to 72*log2(3) - 54, whose rational part is negative'),
    ],
    'redact.detectors.npm': [
        ('validate=lambda v: shannon_entropy(v[4:]) >= 3.5,',
         'validate=lambda v: shannon_entropy(v[4:]) > 3.5,',
         'no 36-character string has exactly 3.5 bits: that needs a sum of c*log2(c) over its '
         'counts equal to 72*log2(3) - 54, whose rational part is negative'),
    ],
    'redact.detectors.jwt': [
        ('return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))',
         'return json.loads(base64.urlsafe_b64decode(part + "=" * (+len(part) % 4)))',
         'the padding differs only for a length of 3 mod 4 (3 instead of 1): the non-strict '
         'decoder ignores padding beyond what it needs'),
        ('raw = base64.b64decode(value + "=" * (-len(value) % 4)).decode("ascii")',
         'raw = base64.b64decode(value + "=" * (+len(value) % 4)).decode("ascii")',
         'the padding differs only for a length of 3 mod 4 (3 instead of 1): the non-strict '
         'decoder ignores padding beyond what it needs'),
    ],
    'redact.detectors.auth_header': [
        ('and password_value(match.group("s"), quoted=True, env=False))',
         'and password_value(match.group("s"), quoted=True, env=True))',
         'a quoted value returns from password_value before `env` is read (it only tells bare '
         'names in env-style lines from code)'),
        ('raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)',
         'raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=False)',
         'the pattern gives only the base64 alphabet and trailing `=` (stripped into `body`): '
         'with nothing to discard, the strict and lenient decoders agree'),
        ('priority=STRUCTURAL - 5,', 'priority=STRUCTURAL - 6,',
         "bearer_token at 34 instead of 35: nothing else has 34 or 35 but authorization_header, "
         "which wins a tie with it already (same span, its name sorts first)"),
    ],
    'redact.detectors.ip_address': [
        ('if value.count(":") < 2 or ("::" not in value and value.count(":") != 7):',
         'if value.count(":") < 2 and ("::" not in value and value.count(":") != 7):',
         'the pattern gives 2+ colons and hex groups only; without `::` ipaddress itself '
         'refuses anything but 8 groups (7 colons): the early return only saves the call'),
    ],
    'redact.detectors.url_credentials': [
        ('return not is_placeholder(value) and value.lower() not in ("pass", "pw", "pwd")',
         'return not is_placeholder(value) and value.lower() not in ("XXpassXX", "pw", "pwd")',
         "is_placeholder('pass') is true already"),
        ('at_anchor=True,', 'at_anchor=False,',
         'the anchor `://` and the regex hold no letter (case folding changes nothing) and '
         'a match cannot hold another `://` (no `/` in user or password): scanning finds the '
         'matches that trying at each anchor finds'),
    ],
    'redact.detectors.facebook': [
        ('head = text[max(0, bar - 17) : bar]', 'head = text[max(0, bar - 18) : bar]',
         'the check reads only the digit run that ends at the bar and the one character '
         'before it (or the window start); a run of 15-16 digits and its neighbour fit in 17'),
        ('at_anchor=True,', 'at_anchor=False,',
         'the anchor `|` and the regex hold no letter, and a match holds no other `|`: '
         'scanning finds the matches that trying at each `|` finds'),
    ],
    'redact.detectors.us_ssn': [
        ('priority=PII + 1,', 'priority=PII + 2,',
         'at 12 it ties only credit_card, which cannot overlap an SSN (both are bounded by no '
         'digit or dash), and iban, always longer than the 11 characters of an SSN: the IBAN '
         'wins that tie as it wins now'),
    ],
    'redact.detectors.iban': [
        ('return False', 'return True',
         'the except branch: the pattern admits only A-Z, 0-9 and spaces (removed first), so '
         'int(c, 36) never raises'),
    ],
    'redact.detectors.private_key': [
        ('priority=SPECIFIC + 5,', 'priority=SPECIFIC + 6,',
         'no pattern has priority 75 or 76 but these two: every comparison stays the same'),
    ],
    'redact.detectors.openai': [
        ('priority=SPECIFIC - 5,', 'priority=SPECIFIC - 6,',
         'no pattern has priority 64 or 65 but this one: every comparison stays the same'),
    ],
    'redact.known': [
        ('{"PWD", "OLDPWD", "SSH_AUTH_SOCK", "GPG_AGENT_INFO", "XAUTHORITY", "KEYTIMEOUT",',
         '{"PWD", "XXOLDPWDXX", "SSH_AUTH_SOCK", "GPG_AGENT_INFO", "XAUTHORITY", "KEYTIMEOUT",',
         'SECRET_NAME does not match this name (or _NOT_SECRET_SUFFIX excludes it): the entry is belt and braces'),  # noqa: E501
        ('{"PWD", "OLDPWD", "SSH_AUTH_SOCK", "GPG_AGENT_INFO", "XAUTHORITY", "KEYTIMEOUT",',
         '{"PWD", "OLDPWD", "SSH_AUTH_SOCK", "XXGPG_AGENT_INFOXX", "XAUTHORITY", "KEYTIMEOUT",',
         'SECRET_NAME does not match this name (or _NOT_SECRET_SUFFIX excludes it): the entry is belt and braces'),  # noqa: E501
        ('{"PWD", "OLDPWD", "SSH_AUTH_SOCK", "GPG_AGENT_INFO", "XAUTHORITY", "KEYTIMEOUT",',
         '{"PWD", "OLDPWD", "SSH_AUTH_SOCK", "GPG_AGENT_INFO", "XXXAUTHORITYXX", "KEYTIMEOUT",',
         'SECRET_NAME does not match this name (or _NOT_SECRET_SUFFIX excludes it): the entry is belt and braces'),  # noqa: E501
        ('{"PWD", "OLDPWD", "SSH_AUTH_SOCK", "GPG_AGENT_INFO", "XAUTHORITY", "KEYTIMEOUT",',
         '{"PWD", "OLDPWD", "SSH_AUTH_SOCK", "GPG_AGENT_INFO", "XAUTHORITY", "XXKEYTIMEOUTXX",',
         'SECRET_NAME does not match this name (or _NOT_SECRET_SUFFIX excludes it): the entry is belt and braces'),  # noqa: E501
        ('"HISTCONTROL", "TOKENIZERS_PARALLELISM", "PASSWORD_STORE_DIR"}',
         '"XXHISTCONTROLXX", "TOKENIZERS_PARALLELISM", "PASSWORD_STORE_DIR"}',
         'SECRET_NAME does not match this name (or _NOT_SECRET_SUFFIX excludes it): the entry is belt and braces'),  # noqa: E501
        ('"HISTCONTROL", "TOKENIZERS_PARALLELISM", "PASSWORD_STORE_DIR"}',
         '"HISTCONTROL", "TOKENIZERS_PARALLELISM", "XXPASSWORD_STORE_DIRXX"}',
         'SECRET_NAME does not match this name (or _NOT_SECRET_SUFFIX excludes it): the entry is belt and braces'),  # noqa: E501
        ('while pos < n:',
         'while pos <= n:',
         'at pos == n the line is empty: no key matches and pos moves past the end'),
        ('if m is None or text[pos:end].lstrip().startswith("#"):',
         'if m is None or text[pos:end].lstrip().startswith("XX#XX"):',
         'a line whose first non-blank is # never matches _DOTENV_KEY (a key starts with a letter or _ after blanks): m is None already'),  # noqa: E501
        ('if j < 0:  # unterminated: take the rest of the line as it is',
         'if j <= 0:  # unterminated: take the rest of the line as it is',
         'j is -1 or the offset past a closing quote, which is at least 2: never 0'),
        ('if j < 0:  # unterminated: take the rest of the line as it is',
         'if j < 1:  # unterminated: take the rest of the line as it is',
         'j is -1 or the offset past a closing quote, which is at least 2: never 0'),
        ('pos = n if pos < 0 else pos + 1',
         'pos = n if pos <= 0 else pos + 1',
         'pos is -1 or a newline found from j >= 1: never 0'),
        ('pos = n if pos < 0 else pos + 1',
         'pos = n if pos < 1 else pos + 1',
         'pos is -1 or a newline found from j >= 1: never 0'),  # noqa: E501
        ('pos = n if pos < 0 else pos + 1',
         'pos = n if pos < 0 else pos - 1',
         'the next line then starts one char before its newline: one char holds no key and separator, so it is skipped'),  # noqa: E501
        ('pos = end + 1',
         'pos = end - 1',
         'the next line then starts one char before its newline: one char holds no key and separator, so it is skipped'),  # noqa: E501
        ('return (text[i:j], j + 1) if j >= 0 else ("", -1)',
         'return (text[i:j], j - 1) if j >= 0 else ("", -1)',
         'the caller only looks for the next newline from there: a line starting at the closing quote never holds a key'),  # noqa: E501
        ('return (text[i:j], j + 1) if j >= 0 else ("", -1)',
         'return (text[i:j], j + 1) if j > 0 else ("", -1)',
         'the search starts after the opening quote (i >= 1): j is -1 or >= 1'),  # noqa: E501
        ('return (text[i:j], j + 1) if j >= 0 else ("", -1)',
         'return (text[i:j], j + 1) if j >= 1 else ("", -1)',
         'the search starts after the opening quote (i >= 1): j is -1 or >= 1'),  # noqa: E501
        ('return (text[i:j], j + 1) if j >= 0 else ("", -1)',
         'return (text[i:j], j + 1) if j >= 0 else ("XXXX", -1)',
         'unterminated: the caller tests only j < 0 and then takes the rest of the line instead of the value'),  # noqa: E501
        ('return (text[i:j], j + 1) if j >= 0 else ("", -1)',
         'return (text[i:j], j + 1) if j >= 0 else ("", -2)',
         'unterminated: the caller tests only j < 0 and then takes the rest of the line instead of the value'),  # noqa: E501
        ('return "", -1',
         'return "XXXX", -1',
         'unterminated: the caller tests only j < 0 and then takes the rest of the line instead of the value'),  # noqa: E501
        ('return "", -1',
         'return "", -2',
         'unterminated: the caller tests only j < 0 and then takes the rest of the line instead of the value'),  # noqa: E501
        ('return "".join(parts), i + 1',
         'return "".join(parts), i - 1',
         'the caller only looks for the next newline from there: a line starting at the closing quote never holds a key'),  # noqa: E501
        ('first = -(-shift * 8 // 6)  # first char whose bits all come from raw',
         'first = -(-shift * 9 // 6)  # first char whose bits all come from raw',
         'for shift 0, 1, 2 both give 0, 2, 3 (ceil of 8s/6, 9s/6 and 8s/7 agree)'),  # noqa: E501
        ('first = -(-shift * 8 // 6)  # first char whose bits all come from raw',
         'first = -(-shift * 8 // 7)  # first char whose bits all come from raw',
         'for shift 0, 1, 2 both give 0, 2, 3 (ceil of 8s/6, 9s/6 and 8s/7 agree)'),  # noqa: E501
        ('forms = {value, quote(value, safe=""), quote_plus(value), quote(value)}',
         'forms = {value, quote(value, safe="XXXX"), quote_plus(value), quote(value)}',
         "X is unreserved: quote() never escapes it, so safe='XXXX' is safe=''"),
    ],
    'audit.verify': [
        ('report.damage.append(Damage("checkpoints", TRUNCATED, len(cps), (',
         'report.damage.append(Damage("XXcheckpointsXX", TRUNCATED, len(cps), (',
         'unreachable: _check_anchors runs only on intact local checkpoints (numbers 0..head), and an anchored number past the head is a rollback, reported first by _compare_heads'),  # noqa: E501
        ('f"anchored checkpoint {a.n} ({name}) is missing locally")))',
         'f"XXanchored checkpoint {a.n} ({name}) is missing locallyXX")))',
         'unreachable: _check_anchors runs only on intact local checkpoints (numbers 0..head), and an anchored number past the head is a rollback, reported first by _compare_heads'),  # noqa: E501
        ('newest: tuple[Checkpoint, str] | None = None',
         'newest: tuple[Checkpoint, str] & None = None',
         'a local variable annotation, never evaluated'),
        ('first_bad: int | None = None',
         'first_bad: int & None = None',
         'a local variable annotation, never evaluated'),
        ('indices: list[int | None] = []',
         'indices: list[int & None] = []',
         'a local variable annotation, never evaluated'),
        ('prev = b""',
         'prev = b"XXXX"',
         'set after an unreadable line, which is first_bad already: prev is read only while first_bad is None (the `and` stops before the link check)'),  # noqa: E501
        ('prev = b""',
         'prev = None',
         'set after an unreadable line, which is first_bad already: prev is read only while first_bad is None (the `and` stops before the link check)'),  # noqa: E501
        ('prev: Checkpoint | None = None',
         'prev: Checkpoint & None = None',
         'a local variable annotation, never evaluated'),
        ('problem = None',
         'problem = ""',
         "problem is only read as `if problem:`; '' and None are both false"),
    ],
    'audit.log': [
        ('if cp.line() != line.rstrip(b"\\n"):',
         'if cp.line() != line.rstrip(b"XX\\nXX"):',
         "json.loads accepted the line as an object: it ends in '}' (and blanks), so there is no 'X' to strip"),  # noqa: E501
        ('end = leaf_data.find(b",", 5)',
         'end = leaf_data.find(b",", 6)',
         "a comma at 5 means no digits: the original stops at `end > 5`, the mutant's digits start with ',' and fail isdigit()"),  # noqa: E501
        ('if end > 5 and digits.isdigit():',
         'if end >= 5 and digits.isdigit():',
         "at end == 5 the digits are '' and ''.isdigit() is False"),
        ('unsealed = head.size > head.cp_size or (head.cp_n < 0 and head.size > 0)',
         'unsealed = head.size > head.cp_size or (head.cp_n < 0 and head.size > 1)',
         'with no checkpoint (cp_n < 0) cp_size is 0, so size > cp_size already holds for any size > 0'),  # noqa: E501
    ],
    'policy.apply.rest': [
        ('d: ToolDecision | None = None',
         'd: ToolDecision & None = None',
         'a local variable annotation, never evaluated'),
    ],
    'security.purge': [
        ("ok, error = _send(http, f\"{scores_url}/{quote(score_id, safe='')}\", headers, None,",
         "ok, error = _send(http, f\"{scores_url}/{quote(score_id, safe='XXXX')}\", headers, None,",
         'quote never escapes a letter: X is safe either way'),
        ('verify: bool | str = True',
         'verify: bool & str = True',
         'a local variable annotation, never evaluated'),
        ('url = str(validate_url(cfg.langfuse_base_url or "")).rstrip("/") + DELETE_PATH',
         'url = str(validate_url(cfg.langfuse_base_url or "XXXX")).rstrip("/") + DELETE_PATH',
         'reached only when langfuse_enabled, which needs a base URL: the default is never used'),
        ('return False, error or "gave up"',
         'return False, error or "XXgave upXX"',
         'every attempt sets error before the loop can end (MAX_ATTEMPTS >= 1): the fallback is never used'),  # noqa: E501
        ('return True, ""',
         'return True, "XXXX"',
         'on success the caller reads only the flag, never the error text'),
        ('error = ""',
         'error = "XXXX"',
         'every attempt sets error before the loop can end (MAX_ATTEMPTS >= 1): the initial value is never returned'),  # noqa: E501
        ('error = ""',
         'error = None',
         'every attempt sets error before the loop can end (MAX_ATTEMPTS >= 1): the initial value is never returned'),  # noqa: E501
    ],
    'policy.bash': [
        ('return posixpath.basename(cmd[k]) if k < len(cmd) else ""',
         'return posixpath.basename(cmd[k]) if k <= len(cmd) else ""',
         'the command holding the `<<` word stops _command_index at that word at the latest: k < len(cmd) always'),  # noqa: E501
        ('return posixpath.basename(cmd[k]) if k < len(cmd) else ""',
         'return posixpath.basename(cmd[k]) if k < len(cmd) else "XXXX"',
         'the command holding the `<<` word stops _command_index at that word at the latest: k < len(cmd) always'),  # noqa: E501
        ('return shlex.quote(_C_ESCAPE.sub(_c_escape, m.group(1)).split("\\0", 1)[0])',
         'return shlex.quote(_C_ESCAPE.sub(_c_escape, m.group(1)).split("\\0", 2)[0])',
         'only the part before the first NUL is taken: how many later parts are split off does not change it'),  # noqa: E501
        ('extra: list[tuple[str, str | None]] = []',
         'extra: list[tuple[str, str & None]] = []',
         'the annotation of a local variable is never evaluated'),
    ],
    'redact.randomness': [
        ('_UPPERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")',
         '_UPPERS = frozenset("XXABCDEFGHIJKLMNOPQRSTUVWXYZXX")',
         "'X' is an upper-case letter already: the same set"),
        ('vowels = sum(c in "aeiouy" for c in seg)',
         'vowels = sum(c in "XXaeiouyXX" for c in seg)',
         "the only caller passes the segment lower-cased: it holds no 'X'"),
        ('{**{c: "d" for c in "0123456789"},',
         '{**{c: "d" for c in "XX0123456789XX"},',
         "the upper-case entries come later in the dict and map 'X' back to 'u'"),
        ('**{c: "u" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},',
         '**{c: "u" for c in "XXABCDEFGHIJKLMNOPQRSTUVWXYZXX"},',
         "'X' is an upper-case letter already: the same mapping"),
        ('_NOT_KIND = re.compile(r"[^dul]")',
         '_NOT_KIND = re.compile(r"XX[^dul]XX")',
         "after translate every letter and digit is d/u/l; the other characters are "
         "never d/u/l, so whether they become 'o' or stay, no d/u/l pair is made or broken"),
        ('kinds = _NOT_KIND.sub("o", value.translate(_KINDS))',
         'kinds = _NOT_KIND.sub("XXoXX", value.translate(_KINDS))',
         "'XXoXX' holds no d/u/l either: pairs of kinds are counted alike"),
        ('prev = ""',
         'prev = None',
         "prev is only read as `if prev and ...`: '' and None are both false"),
        ('kind = "d" if c.isdigit() else "u" if c.isupper() else "l" if c.islower() else "o"',
         'kind = "XXdXX" if c.isdigit() else "u" if c.isupper() else "l" if c.islower() else "o"',  # noqa: E501
         "kinds are only compared with each other and with 'o' (tuple membership): any "
         "distinct name works"),
        ('kind = "d" if c.isdigit() else "u" if c.isupper() else "l" if c.islower() else "o"',
         'kind = "d" if c.isdigit() else "XXuXX" if c.isupper() else "l" if c.islower() else "o"',  # noqa: E501
         "kinds are only compared with each other and with 'o': any distinct name works"),
        ('kind = "d" if c.isdigit() else "u" if c.isupper() else "l" if c.islower() else "o"',
         'kind = "d" if c.isdigit() else "u" if c.isupper() else "XXlXX" if c.islower() else "o"',  # noqa: E501
         "kinds are only compared with each other and with 'o': any distinct name works"),
        ('@lru_cache(maxsize=4096)',
         '@lru_cache(maxsize=4097)',
         'the size of a cache of a pure function'),
        (' / @lru_cache(maxsize=4096)',
         '',
         'a cache of a pure function: the answers are the same without it'),
        ('return not looks_random(value, min_len=8) and transitions(value) <= max(2, len(value) // 8)',  # noqa: E501
         'return not looks_random(value, min_len=8) and transitions(value) <= max(2, len(value) / 8)',  # noqa: E501
         'transitions() is an integer: t <= n / 8 exactly when t <= n // 8'),
        ('_ALPHA_SEQ = "abcdefghijklmnopqrstuvwxyz"',
         '_ALPHA_SEQ = "XXabcdefghijklmnopqrstuvwxyzXX"',
         "the chunks looked up are lower-cased: none holds 'X'"),
        ('_DIGIT_SEQ = "01234567890"',
         '_DIGIT_SEQ = "XX01234567890XX"',
         "the chunks looked up are lower-cased: none holds 'X'"),
        ('return not (_HEX.fullmatch(body) and len(body) % 2 and len(body) >= 16)',
         'return not (_HEX.fullmatch(body) and len(body) % 2 and len(body) > 16)',
         'only odd lengths get here, and the first odd length >= 16 is 17'),
        ('return not (_HEX.fullmatch(body) and len(body) % 2 and len(body) >= 16)',
         'return not (_HEX.fullmatch(body) and len(body) % 2 and len(body) >= 17)',
         'only odd lengths get here, and the first odd length >= 16 is 17'),
    ],
    'policy.settings': [
        ('memo: dict[tuple[str, str | None], str | None] = policy._denied'
         '  # type: ignore[attr-defined]',
         'memo: dict[tuple[str, str & None], str | None] = policy._denied'
         '  # type: ignore[attr-defined]',
         "a local variable's annotation is never evaluated (PEP 526; the module also has "
         "`from __future__ import annotations`)"),
        ('memo: dict[tuple[str, str | None], str | None] = policy._denied'
         '  # type: ignore[attr-defined]',
         'memo: dict[tuple[str, str | None], str & None] = policy._denied'
         '  # type: ignore[attr-defined]',
         "a local variable's annotation is never evaluated (PEP 526; the module also has "
         "`from __future__ import annotations`)"),
        ('compile_glob(item, home or os.path.expanduser("~"))',
         'compile_glob(item, home or os.path.expanduser("XX~XX"))',
         'the compiled glob is only a check and is thrown away: `~` expands to any string '
         'and compiles alike'),
    ],
    'statusline.pins': [
        ('raw = fh.read(MAX_SUMMARY_BYTES + 1)',
         'raw = fh.read(MAX_SUMMARY_BYTES + 2)',
         'one byte past the cap or two: an oversized file is refused alike'),
    ],
    'redact.prefilter': [
        ('Prefilter = Callable[[str], list[tuple[int, str]]]',
         'Prefilter = None',
         'a type alias read only in annotations, never evaluated (from __future__ import '
         'annotations)'),
        ('node[""] = {}',
         'node[""] = None',
         'the end-of-word mark is only tested with `"" in node`; emit() skips its value'),
    ],
    'redact.stoplist': [
        ('r"^\\$\\(.*\\)$",  # $(command)',
         'r"XX^\\$\\(.*\\)$XX",  # $(command)',
         'subsumed: `^\\$\\(` (commands, templates, markup) matches every such value'),
        ('r"^\\{[A-Za-z_][A-Za-z0-9_.]*\\}$",  # {password}',
         'r"XX^\\{[A-Za-z_][A-Za-z0-9_.]*\\}$XX",  # {password}',
         'subsumed: `^\\{[A-Za-z_][\\w.]*\\}?$` matches every such value'),
        ('r"^\\[REDACTED",',
         'r"XX^\\[REDACTEDXX",',
         "subsumed: 'redacted' anywhere in the lower-cased value is a placeholder part"),
        ('r"^\\$\\{[^}]*\\}",  # ${ssm:/path}, ${{ secrets.X }}, ${VAR}suffix',
         'r"XX^\\$\\{[^}]*\\}XX",  # ${ssm:/path}, ${{ secrets.X }}, ${VAR}suffix',
         'subsumed: `^\\$\\{` matches every such value'),
        ('r"^\\$[A-Za-z_][A-Za-z0-9_]*$",',
         'r"XX^\\$[A-Za-z_][A-Za-z0-9_]*$XX",',
         'subsumed: the `$VAR` / `${VAR:-x}` pattern matches every such value'),
        ('@lru_cache(maxsize=4096)',
         '@lru_cache(maxsize=4097)',
         'the size of a cache of a pure function'),
        (' / @lru_cache(maxsize=4096)',
         '',
         'a cache of a pure function (unquoted_secret\'s is asserted by test_pathological)'),
        ('and looks_random(value[:512], 12)',
         'and looks_random(value[:512], 13)',
         'only values longer than 512 get here: the first 512 characters are never under 13'),
        ('if len(value) > 172 or _BASE64.fullmatch(value) is None:',
         'if len(value) > 173 or _BASE64.fullmatch(value) is None:',
         'base64 that decodes has a length that is a multiple of 4: 173 to 175 never do'),
    ],
}


@dataclass
class Mutant:
    key: str            # "<line_number>:<index>:<line text>"
    line: int           # 1-based
    before: str
    after: str
    status: str = "pending"   # killed | timeout | survived | equivalent
    seconds: float = 0.0
    why: str = ""


@dataclass
class Report:
    module: str
    mutants: list[Mutant] = field(default_factory=list)

    def count(self, *status: str) -> int:
        return sum(m.status in status for m in self.mutants)

    @property
    def score(self) -> float:
        live = len(self.mutants) - self.count("equivalent")
        return 100.0 * self.count("killed", "timeout") / live if live else 100.0


def _scope_lines(source: str, scope: tuple[str, ...]) -> set[int] | None:
    """1-based line numbers inside the named functions/classes, or None for all."""
    if not scope:
        return None
    tree = ast.parse(source)
    lines: set[int] = set()
    found: set[str] = set()

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if name in scope:
                    found.add(name)
                    first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                    lines.update(range(first, child.end_lineno + 1))
                walk(child, name + ".")

    walk(tree, "")
    missing = set(scope) - found
    if missing:
        raise SystemExit(f"scope names not found: {sorted(missing)}")
    return lines


def _list(path: str, scope: tuple[str, ...]) -> tuple[str, list]:
    from mutmut import ALL, Context, list_mutations
    with open(path, encoding="utf-8") as f:
        source = f.read()
    ids = list_mutations(Context(source=source, filename=path, mutation_id=ALL))
    keep = _scope_lines(source, scope)
    return source, [i for i in ids if keep is None or i.line_number + 1 in keep]


def _apply(source: str, path: str, mid) -> str:
    from mutmut import Context, mutate
    mutated, n = mutate(Context(source=source, filename=path, mutation_id=mid))
    assert n == 1, (mid, n)
    return mutated


def _changed(source: str, mutated: str, line: int) -> tuple[str, str]:
    a, b = source.splitlines(), mutated.splitlines()
    before = [x for x in difflib.ndiff(a, b) if x.startswith("- ")]
    after = [x for x in difflib.ndiff(a, b) if x.startswith("+ ")]
    return (" / ".join(x[2:].strip() for x in before) or a[line - 1].strip(),
            " / ".join(x[2:].strip() for x in after))


def _drop_bytecode(path: str) -> None:
    # Child processes run `python -I`, which writes bytecode whatever the environment says;
    # a mutant of the same size written within one second could be served from a stale
    # .pyc, so the module's cached bytecode goes before every run.
    stem = os.path.splitext(os.path.basename(path))[0]
    for pyc in glob.glob(os.path.join(os.path.dirname(path), "__pycache__", f"{stem}.*.pyc")):
        try:
            os.remove(pyc)
        except OSError:
            pass


def _pytest(tests: tuple[str, ...], timeout: float) -> tuple[str, float]:
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
           "-o", "addopts=", "--no-header", "-W", "ignore", *tests]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        code = proc.wait(timeout)
    except BaseException as exc:
        # A timeout, Ctrl-C or SIGTERM: the selection's whole session goes (hooks and
        # workers it started included), so nothing keeps running on a restored file.
        _kill_session(proc)
        if isinstance(exc, subprocess.TimeoutExpired):
            return "timeout", time.monotonic() - t0
        raise
    took = time.monotonic() - t0
    if code == 0:
        return "survived", took
    if code in (1, 3):   # tests failed / internal error caused by the mutant
        return "killed", took
    return f"error{code}", took


def _kill_session(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        proc.kill()
    proc.wait()


def _imports(path: str) -> bool:
    """Whether `src/cctrace/<path>` (as mutated now) imports in a fresh interpreter (and,
    for a detector module, whether every detector still loads)."""
    module = "cctrace." + path.removesuffix(".py").replace("/", ".")
    code = f"import {module}"
    if path.startswith("redact/detectors/"):
        # What a detector module defines (base.py's priorities and classes) is used by
        # every detector at import: the registry loading them all must work too.
        code += "; from cctrace.redact import registry; registry.detectors(pii=True)"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT,
                          env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    return proc.returncode == 0


def _preload(modules: tuple[str, ...], path: str) -> None:
    """Import `modules` into the driver, refusing when that imports the mutated file."""
    import importlib
    for extra in (ROOT, os.path.join(ROOT, "tests")):
        if extra not in sys.path:
            sys.path.insert(0, extra)
    for name in modules:
        importlib.import_module(name)
    loaded = {os.path.abspath(getattr(m, "__file__", "") or "") for m in list(sys.modules.values())}
    if os.path.abspath(path) in loaded:
        raise SystemExit(f"{path}: imported by the preload {modules}: mutants would not be seen")


def _pytest_forked(tests: tuple[str, ...], timeout: float) -> tuple[str, float]:
    """`_pytest`, in a fork of the driver (see `Target.preload`): same statuses."""
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: pytest.main over the selection, its status as exit code
        code = 70
        try:
            os.setsid()
            os.chdir(ROOT)
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            sys.dont_write_bytecode = True
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            import pytest
            # Without hypothesis' plugin, whose end-of-run report imports all of hypothesis
            # (most of what a detector's selection costs): preloaded selections do not use it.
            code = int(pytest.main(["-x", "-q", "-p", "no:cacheprovider", "-p",
                                    "no:hypothesispytest", "-o", "addopts=", "--no-header",
                                    "-W", "ignore", *tests]))
        finally:
            os._exit(code)
    def stop() -> None:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)

    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() - t0 > timeout:
                stop()
                return "timeout", time.monotonic() - t0
            time.sleep(0.02)
    except BaseException:  # Ctrl-C / SIGTERM: no child left running on a restored file
        stop()
        raise
    took = time.monotonic() - t0
    code = os.waitstatus_to_exitcode(status)
    if code == 0:
        return "survived", took
    if code in (1, 3):
        return "killed", took
    return f"error{code}", took


DESCRIPTION_WHY = ("Detector.description is documentation: no code reads it (the registry, "
                   "engine and CLI use name, patterns and pii only)")


# Type names (bench/redaction_realcode.py): parts are lower-cased before `_sayable`, and a
# part counted in `said` has 4+ letters.
EQUIVALENT["redact.detectors.private_key.der"] = [
    ("i = 2 + (der[1] - 0x80 if der[1] > 0x80 else 0)",
     "i = 2 + (der[1] - 0x80 if der[1] >= 0x80 else 0)",
     "at 0x80 both give 2 + 0, and the next line refuses a length byte of 0x80"),
]
EQUIVALENT["redact.detectors.auth_header.pair"] = [
    ("env=False)", "env=True)",
     "password_value reads env only for an unquoted value: this call passes quoted=True"),
]
EQUIVALENT["redact.detectors.k8s_secret.json"] = [
    ("""lo = max(text.rfind('kind"', max(0, at - _REACH), at),""",
     """lo = max(text.rfind('kind"', max(1, at - _REACH), at),""",
     "a kind at offset 0 missed gives -1, and the floor max(0, at - _REACH) is 0 then: "
     "lo is 0 either way"),
    (r"""text.rfind("kind\\", max(0, at - _REACH), at), max(0, at - _REACH))""",
     r"""text.rfind("kind\\", max(1, at - _REACH), at), max(0, at - _REACH))""",
     "a kind at offset 0 missed gives -1, and the floor max(0, at - _REACH) is 0 then: "
     "lo is 0 either way"),
    ("if i >= 0]", "if i > 0]",
     "the kinds after are looked for from the Secret's match end, never at offset 0"),
    ("if i >= 0]", "if i >= 1]",
     "the kinds after are looked for from the Secret's match end, never at offset 0"),
]
EQUIVALENT["redact.detectors.label_argument"] = [
    ("_HEAD_WINDOW = 42", "_HEAD_WINDOW = 43",
     "the head is a quote and at most 41 characters (`_LABEL_HEAD`): a window of 42 or more "
     "finds the same one; 41 is killed (`test_the_labels_bounds`)"),
    ('lq = match.group("lq").lstrip("\\\\")', 'lq = match.group("lq").lstrip("XX\\\\XX")',
     "the label's closing quote is backslashes and one quote character: there is no X to "
     "strip"),
    ('if head is None or head.group("q") != lq or len((head.group("h") or "").split()) > 5:',
     'if head is None or head.group("q") != lq or len((head.group("h") or "XXXX").split()) > 5:',
     "with no words before the secret word the count is 0, with XXXX 1: both pass the "
     "bound of 5"),
    ('label = raw.rstrip(" \\t:=%sv{}")', 'label = raw.rstrip("XX \\t:=%sv{}XX")',
     "the pattern ends the label with a secret word, `password` ... `key` in any case "
     "(none ends with an upper-case X), then only blanks, `:`, `=` and a format: an X is "
     "never at its end"),
]
EQUIVALENT["redact.detectors.command_output"] = [
    ("return password_value(value[:512], quoted=True, env=False) and not is_placeholder(value)",
     "return password_value(value[:512], quoted=True, env=True) and not is_placeholder(value)",
     "password_value reads `env` for unquoted values only, and this call passes quoted=True"),
]
EQUIVALENT["redact.detectors.terraform_plan"] = [
    ("if _LEAD.search(text, max(0, start - _INDENT), start) is None:",
     "if _LEAD.search(text, max(1, start - _INDENT), start) is None:",
     "differs only when the attribute's line starts at offset 0; a block's `{` stands "
     "before every attribute taken, so that line never opens the text"),
]
EQUIVALENT["redact.detectors.redis_console"] = [
    ('return password_value(match.group("s"), quoted=True, env=True)',
     'return password_value(match.group("s"), quoted=True, env=False)',
     "password_value reads `env` for unquoted values only, and this call passes quoted=True"),
    ('elif password_value(m.group("p"), quoted=True, env=True):',
     'elif password_value(m.group("p"), quoted=True, env=False):',
     "password_value reads `env` for unquoted values only, and this call passes quoted=True"),
]
EQUIVALENT["redact.detectors.auth_header.tuple"] = [
    ('if match.group("atom") is not None and _ATOM_OPEN.search(text, max(0, start - 4),',
     'if match.group("atom") is not None and _ATOM_OPEN.search(text, max(0, start - 5),',
     "`_ATOM_OPEN` is at most three characters (`{ :`): a look-back of 4 or more finds the "
     "same"),
]
EQUIVALENT["redact.detectors.service_context.end"] = [
    ('before = text[start - 1] if start else " "',
     'before = text[start - 1] if start else "XX XX"',
     "`before` is only asked `in TOKEN_FOREIGN` (a set of single characters) and compared "
     "with `/`: a blank and XX XX are neither"),
    ('after = text[end] if end < len(text) else " "',
     'after = text[end] if end < len(text) else "XX XX"',
     "`after` is asked `in TOKEN_FOREIGN` (single characters), `in \"([{\"` and `== \"?\"`: "
     "a blank and XX XX pass none of them"),
    ('if ((after in TOKEN_FOREIGN or after in "([{") and not escaped_end',
     'if ((after in TOKEN_FOREIGN or after in "XX([{XX") and not escaped_end',
     "`after` is one character that the token's own pattern refuses to run on into: never "
     "an X, a token character"),
]
EQUIVALENT["redact.detectors.daemon_config.chpasswd"] = [
    ('and password_value(m.group("p"), quoted=True, env=True)]',
     'and password_value(m.group("p"), quoted=True, env=False)]',
     "password_value reads `env` for unquoted values only, and this call passes quoted=True"),
]
EQUIVALENT["redact.detectors.table_column.insert"] = [
    ('if v.group("sep") == ")":', 'if v.group("sep") == "XX)XX":',
     "a row of valid SQL holds one value per column: its `)` comes with the last one, "
     "where the loop over the columns ends anyway; only a row shorter than its columns "
     "(invalid SQL) reads on past its `)`"),
    ("break", "continue",
     "a row of valid SQL holds one value per column: its `)` comes with the last one, "
     "where the loop over the columns ends anyway; only a row shorter than its columns "
     "(invalid SQL) reads on past its `)`"),
]
EQUIVALENT["redact.randomness.type_name"] = [
    ('return part in _WORDS or (any(c in "aeiouy" for c in part)',
     'return part in _WORDS or (any(c in "XXaeiouyXX" for c in part)',
     'the parts are lower-cased before the call: an upper-case X is never in one'),
    ("return said > 0 and 2 * said >= letters", "return said > 1 and 2 * said >= letters",
     "said sums parts of 4+ letters: it is 0 or at least 4, never 1"),
]
# The walk back to a subscript's `[`: stopping at 1 instead of 0 leaves text[0] to the
# check, a name character (the walk went on over it), which is not `[` either way.
EQUIVALENT["redact.detectors.generic_assignment.code"] = [
    ('while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_.-"):',
     'while i > 1 and (text[i - 1].isalnum() or text[i - 1] in "_.-"):',
     "at i == 1 text[0] is a name character: `text[0:1]` and the original's `text[-1:0]` "
     "(empty) are both not `[` or `{`"),
    # `_log_pair`'s walk, the same two ways (in the scope for its new `_ARGUMENT_END`).
    ('while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_.-"):',
     'while i > 1 and (text[i - 1].isalnum() or text[i - 1] in "_.-"):',
     "at i == 1 text[0] is a name character, not `(` or `,`, and text[-1:1] is empty: "
     "the original's empty slices give the same answer"),
    ('while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_.-"):',
     'while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "XX_.-XX"):',
     "an X is alphanumeric: the walk already goes over it"),
]
# Stop 24's scoped runs.
EQUIVALENT["redact.views.percent"] = [
    ('if "%" not in text or ("%3A%2F%2F" not in text and "%3a%2f%2f" not in text):',
     'if "%" not in text and ("%3A%2F%2F" not in text and "%3a%2f%2f" not in text):',
     'the one-character test is a shortcut: a text without `%` holds no encoded scheme, '
     'and one with `%` but none goes on to the run regex, which finds nothing: [] both ways'),
]
EQUIVALENT["redact.views.unicode"] = [
    ('if "\\\\" not in text or "\\\\u" not in text:',
     'if "\\\\" not in text and "\\\\u" not in text:',
     'the tests are a shortcut: a text with a backslash but no `\\u` holds no escape, and the '
     'search for them finds none'),
]
EQUIVALENT["redact.detectors.auth_header.call"] = [
    ('and password_value(match.group("s"), quoted=True, env=False))',
     'and password_value(match.group("s"), quoted=True, env=True))',
     'a quoted value returns from password_value before `env` is read (it only tells bare '
     'names in env-style lines from code)'),
]
EQUIVALENT["redact.detectors.generic_assignment.rows"] = [
    ('if i > 0 and text[i - 1] not in " \\t|/`\'\\"\\n" and not after_escape(text, i):',
     'if i > 0 and text[i - 1] not in "XX \\t|/`\'\\"\\nXX" and not after_escape(text, i):',
     'the walk back over the name takes every letter, so the character before it is never an '
     'X (where the walk stops at an escape, it is the escape\'s n, r or t)'),
    ('and cell.strip(" `\'\\"") == ""):', 'and cell.strip("XX `\'\\"XX") == ""):',
     'the cell group holds only quotes, blanks, tabs and a bar (its regex), never an X: '
     'stripping X as well strips nothing more'),
    ('while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_.-"):',
     'while i >= 0 and (text[i - 1].isalnum() or text[i - 1] in "_.-"):',
     'past offset 0 the walk only makes i negative, and the next test is `i > 0`: the key '
     'is taken as starting its cell both ways'),
    ('while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_.-"):',
     'while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "XX_.-XX"):',
     '`X` is alphanumeric: the first test already takes it'),
    ('if i > 0 and text[i - 1] not in " \\t|/`\'\\"\\n":',
     'if i > 0 and text[i - 1] not in "XX \\t|/`\'\\"\\nXX":',
     'the walk before stops at a character that is not alphanumeric: never an `X`'),
    ('while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_.-"):',
     'while i > 0 or (text[i - 1].isalnum() or text[i - 1] in "_.-"):',
     'it only goes on walking below 0 (the row holds a `|`, tab or blanks, so it stops), '
     'and the next test is `i > 0`: the same verdict'),
]
# Split out of generic_assignment in stop 26, with the equivalents of its functions there.
EQUIVALENT["redact.secret_names"] = [
    ('return not kw.startswith(("pass", "pwd", "secret", "credential"))',
     'return not kw.startswith(("XXpassXX", "pwd", "secret", "credential"))',
     'shape_ok returns for password slots (password_slot) before it asks token_slot'),
    ('return not kw.startswith(("pass", "pwd", "secret", "credential"))',
     'return not kw.startswith(("pass", "XXpwdXX", "secret", "credential"))',
     'shape_ok returns for password slots (password_slot) before it asks token_slot'),
    ('kw == "key" and _KEY_COMPOUND.search(text, max(0, start - 8), start)',
     'kw == "key" and _KEY_COMPOUND.search(text, max(0, start - 9), start)',
     'the longest compound word has 7 letters: with the non-letter before it, 8 '
     'characters; a window one character wider finds no other match (`^` is the '
     "text's start, which the 8-character window reaches too when it is that close)"),
    # The same line since probes-9 put it in parentheses, beside `_PASS_COMPOUND`'s.
    ('(kw == "key" and _KEY_COMPOUND.search(text, max(0, start - 8), start))',
     '(kw == "key" and _KEY_COMPOUND.search(text, max(0, start - 9), start))',
     'the longest compound word has 7 letters: with the non-letter before it, 8 '
     'characters; a window one character wider finds no other match (`^` is the '
     "text's start, which the 8-character window reaches too when it is that close)"),
    ('or (kw != "auth" and _PASS_COMPOUND.search(text, max(0, start - 8), start))',
     'or (kw != "auth" and _PASS_COMPOUND.search(text, max(0, start - 9), start))',
     "the longest owner word (`remote`) has 6 letters: with the `\\n` escape before it, "
     "8 characters; a window one character wider finds no other match (`^` is the "
     "text's start, reached by the 8-character window too when a match there can end)"),
    ('and _PASS_COMPOUND.search(text, max(0, start - 8), start)))',
     'and _PASS_COMPOUND.search(text, max(0, start - 9), start)))',
     "weak_key's look for the owner word: the longest match is 8 characters (`\\n` and "
     "`remote`), as in key_ok's"),
    ('if start > 4 and text[start - 1] == ":" and _in_arn(text, start):',
     'if start >= 4 and text[start - 1] == ":" and _in_arn(text, start):',
     '_in_arn needs `arn:`, a service and `:` before the key: at least 6 characters, '
     'so start is 6 or more whenever it holds'),
    ('if start > 4 and text[start - 1] == ":" and _in_arn(text, start):',
     'if start > 5 and text[start - 1] == ":" and _in_arn(text, start):',
     '_in_arn needs `arn:`, a service and `:` before the key: at least 6 characters, '
     'so start is 6 or more whenever it holds'),
    ('nl = text.rfind("\\n", 0, start)', 'nl = text.rfind("\\n", 1, start)',
     'they differ only for a newline at offset 0, where `nl <= 0` returns False; from 1 '
     'the search gives -1 there, which returns False too'),
    ('if nl <= 0 or not wrapped_at(text, nl):', 'if nl < 0 or not wrapped_at(text, nl):',
     'at nl == 0 the line before the newline is empty, never a wrap width: wrapped_at is '
     'False and the function returns False both ways'),
    ('if nl <= 0 or not wrapped_at(text, nl):', 'if nl <= 1 or not wrapped_at(text, nl):',
     'at nl == 1 the line before is one character, never a wrap width (64 or more): '
     'wrapped_at is False and the function returns False both ways'),
    ('line = text[text.rfind("\\n", 0, nl) + 1:nl]',
     'line = text[text.rfind("XX\\nXX", 0, nl) + 1:nl]',
     'then `line` is all the text before the wrap: the ARN regex is anchored at the end and '
     'takes no blank, so only its last line can be part of a match either way'),
    ('line = text[text.rfind("\\n", 0, nl) + 1:nl]',
     'line = text[text.rfind("\\n", 1, nl) + 1:nl]',
     'they differ only for a newline at offset 0, which the mutant keeps at the start of '
     '`line`: the ARN regex is anchored at the end and takes no blank, so it matches both '
     'ways'),
    ('def name_start(text: str, start: int, more: str = "_.-") -> int:',
     'def name_start(text: str, start: int, more: str = "XX_.-XX") -> int:',
     '`X` is a letter, which the walk takes as a name character already'),
]

# `_after_prompt` walks back over blanks; where it stops only `i > 0` and the last
# character decide, and the text's first character is then a blank, never a prompt.
EQUIVALENT["redact.detectors.cli_flags.printed"] = [
    ('while i > 0 and text[i - 1] in " \\t":', 'while i >= 0 and text[i - 1] in " \\t":',
     'at i == 0 a blank text[-1] only moves i to -1: `return i > 0 and ...` is False both ways'),
    ('while i > 0 and text[i - 1] in " \\t":', 'while i > 1 and text[i - 1] in " \\t":',
     'stopping at i == 1 leaves text[0] to the return: a blank there is no prompt character, '
     'which is what walking on to i == 0 returns'),
]
EQUIVALENT["redact.detectors.signed_url"] = [
    ('if _AFTER_QUERY.search(text, max(0, start - 6), start) is None:',
     'if _AFTER_QUERY.search(text, max(0, start - 7), start) is None:',
     'the longest thing before a parameter is `\\u0026`, 6 characters, and the regex is '
     'anchored at the window\'s end: a 7-character window holds the same matches'),
]
EQUIVALENT["redact.detectors.cli_positional"] = [
    ('break', 'continue',
     'the conversions are numbered in order: once one has no argument, none after it has '
     'one either, so going on finds nothing more'),
]
# k8s_secret's walk to a document's edges: a separator at the text's very start, a
# window one longer than the 4 characters a break before `---` can take, a cut line before
# a separator (an empty one), and the first values of variables every header resets.
_SEP0 = ('a `---` at offset 0 or 1 only moves the document\'s start to the text\'s: nothing '
         'but a break stands before it')
_WINDOW5 = ('only a break right before the `---` (at most 4 characters: `\\\\\\n`) makes '
            'line_start return its offset; a fifth character back changes no answer')
EQUIVALENT["redact.detectors.k8s_secret"] = [
    ('if i < 0:', 'if i <= 0:', _SEP0),
    ('if i < 0:', 'if i < 1:', _SEP0),
    ('if _DOC_END.match(text, i) and line_start(text, i, max(0, i - 4)) == i:',
     'if _DOC_END.match(text, i) and line_start(text, i, max(1, i - 4)) == i:', _SEP0),
    ('if _DOC_END.match(text, i) and line_start(text, i, max(0, i - 4)) == i:',
     'if _DOC_END.match(text, i) and line_start(text, i, max(0, i - 5)) == i:', _WINDOW5),
    ('if first == lo and lo > 0 and line_start(text, lo, max(0, lo - 4)) != lo:',
     'if first == lo and lo > 0 and line_start(text, lo, max(0, lo - 5)) != lo:', _WINDOW5),
    ('if first == lo and lo > 0 and line_start(text, lo, max(0, lo - 4)) != lo:',
     'if first == lo and lo >= 0 and line_start(text, lo, max(0, lo - 4)) != lo:',
     'at lo == 0 line_start returns 0: nothing is popped either way'),
    ('at = i if backward else i + 3', 'at = i if backward else i + 4',
     'a separator starts its line: none can start right after another `---` (a `-` before it)'),
    ('first = lo if sep is None else sep + 3', 'first = lo if sep is None else sep - 3',
     'the three characters before a separator are the end of a line and its break: a line of '
     'at most two characters is no header (`data:`) nor entry (` k:`)'),
    ('if sep is None and hi < len(text):', 'if sep is not None and hi < len(text):',
     'the text before a separator ends with the break before it: the line popped is empty'),
    ('return lone_value(plain, False, key) and (looks_random(plain, 16)',
     'return lone_value(plain, True, key) and (looks_random(plain, 16)',
     'drawn (16) or of four classes passes lone_value\'s drawn (12) or three-class test too: '
     'the password reading adds nothing the second clause lets through'),
    ('encoded = False  # `data:` (base64) or `stringData:` (plain)',
     'encoded = True  # `data:` (base64) or `stringData:` (plain)',
     'set at every header, before any entry is read'),
    ('encoded = False  # `data:` (base64) or `stringData:` (plain)',
     'encoded = None  # `data:` (base64) or `stringData:` (plain)',
     'set at every header, before any entry is read'),
    ('block: tuple[int, bool] | None = None  # a block scalar\'s key indent, and whether taken',
     'block: tuple[int, bool] & None = None  # a block scalar\'s key indent, and whether taken',
     'a local variable annotation, never evaluated'),
    ('block: tuple[int, bool] | None = None  # a block scalar\'s key indent, and whether taken',
     'block: tuple[int, bool] | None = ""  # a block scalar\'s key indent, and whether taken',
     'reset at every header, and not read before one'),
]
# The whole module's run meets `_json_values`' look-backs and look-ahead too (its scoped
# run's entries, above).
EQUIVALENT["redact.detectors.k8s_secret"] += EQUIVALENT["redact.detectors.k8s_secret.json"]
EQUIVALENT["redact.detectors.oauth_code"] = [
    ('first = max([text.rfind(c, lo, start) + 1 for c in _URL_ENDS] + [lo])',
     'first = max([text.rfind(c, lo, start) - 1 for c in _URL_ENDS] + [lo])',
     'the run then starts with one character and the blank or quote that ended it: no OAuth '
     'word or parameter holds a blank or quote, so none is found there that was not before'),
    ('if _AFTER.search(text, max(0, start - 6), start) is None:',
     'if _AFTER.search(text, max(0, start - 7), start) is None:',
     'the longest thing before `code=` is `\\u0026` or `=\\\\\\"`, 6 characters at most, and '
     'the regex is anchored at the window\'s end (`\\Z`; its `^` only at the text\'s start)'),
]
# The module's whole run mutates `_after_prompt` too: the same two are equivalent there.
EQUIVALENT["redact.detectors.cli_flags"] = [
    *EQUIVALENT["redact.detectors.cli_flags.printed"],
    ('_ECHO_REACH = 600', '_ECHO_REACH = 601',
     'a match of _ECHOED is at most 530 characters and ends where the window does: windows '
     'of 600 and 601 characters hold the same matches'),
]
# A signed sum always has `seen_ns` (cctrace's fingerprint sets it); without one, a
# default of 0 or 1 ns is decades before any ctime, and the stat is trusted either way.
EQUIVALENT["audit.configwatch"] = [
    ('return same and old.get("seen_ns", 0) - st.st_ctime_ns >= RACY_NS',
     'return same and old.get("seen_ns", 1) - st.st_ctime_ns >= RACY_NS',
     "the default only counts for a sum without `seen_ns`: 0 and 1 ns are both ~1.8e18 ns "
     "before any real ctime, so the difference is below RACY_NS (not trusted) both ways"),
]

EQUIVALENT["audit.store_check"] = [
    ('lifted: bool = False  # an `unerase`: the tombstone row must be gone',
     'lifted: bool = None  # an `unerase`: the tombstone row must be gone',
     'read only for its truth (`not v[-1].lifted`, `stack[-1].lifted`); None and False are both false'),  # noqa: E501
    ("baseline: dict[str, int] | None = None  # the first `baseline` entry's legacy rowids",
     "baseline: dict[str, int] & None = None  # the first `baseline` entry's legacy rowids",
     'an annotation, never evaluated (from __future__ import annotations)'),
    ('if exp.trace and log.erased_traces.get(exp.trace, -1) > exp.pos:',
     'if exp.trace and log.erased_traces.get(exp.trace, -2) > exp.pos:',
     'positions start at 0: -1 and -2 are both below every entry, so neither agrees to a deletion'),  # noqa: E501
    ('and log.erased_sessions.get(exp.session, -1) > exp.pos:',
     'and log.erased_sessions.get(exp.session, -2) > exp.pos:',
     'positions start at 0: -1 and -2 are both below every entry, so neither agrees to a deletion'),  # noqa: E501
    ('detail = json.loads(dec(row["detail"], "findings.detail") or "{}")',
     'detail = json.loads(dec(row["detail"], "findings.detail") or "XX{}XX")',
     "no detail is no checkpoint either way: '{}' names none (False), 'XX{}XX' is not JSON (caught: False)"),  # noqa: E501
    ('legacy = {r["key"].split(".", 1)[1]: r["value"] for r in store._read(',
     'legacy = {r["key"].split(".", 2)[1]: r["value"] for r in store._read(',
     "the keys are `legacy_rowid.<table>` and no table name holds a dot: the second part is the same"),  # noqa: E501
]

EQUIVALENT["audit.coverage"] = [
    ('cache: dict[str | None, dict[str, Any]] = {}',
     'cache: dict[str & None, dict[str, Any]] = {}',
     'a local variable annotation, never evaluated'),
    ('first: dict[str, Any] | None = None',
     'first: dict[str, Any] & None = None',
     'a local variable annotation, never evaluated'),
    ('return item, bool(getattr(item, "complete", True))',
     'return item, bool(getattr(item, "complete", False))',
     "the default is never read: every Trace has `complete` (a dataclass field, default True) and a TraceView takes the branch above"),  # noqa: E501
    ('version = str((getattr(trace, "metadata", None) or {}).get("version") or "")',
     'version = str((getattr(trace, "metadata", None) or {}).get("version") or "XXXX")',
     "neither '' nor 'XXXX' has a numeric part: both read as an unknown release, (99,)"),
    ('if ev.seq in used or ev.event not in phase or ev.received_ns < lo:',
     'if ev.seq in used or ev.event  in phase or ev.received_ns < lo:',
     'the two phases split the tool events in two halves; the mutant swaps which loop takes which half, each loop starts from fresh queues and the halves share no event: the same pairs'),  # noqa: E501
    ('seen_change = seen_uninstall = False',
     'seen_change = seen_uninstall = None',
     'read only as `not seen_change` / `not seen_uninstall`; None and False are both false'),
]

EQUIVALENT["security.crypto"] = [
    ('_cache: dict[str, tuple[tuple[int, int, int] | None, Cipher | None]] = {}',
     '_cache: dict[str, tuple[tuple[int, int, int] & None, Cipher | None]] = {}',
     'a module variable annotation, never evaluated (from __future__ import annotations)'),
    ('_cache: dict[str, tuple[tuple[int, int, int] | None, Cipher | None]] = {}',
     '_cache: dict[str, tuple[tuple[int, int, int] | None, Cipher & None]] = {}',
     'a module variable annotation, never evaluated (from __future__ import annotations)'),
]

EQUIVALENT["hook.mute"] = [
    ('return bool(sid) and len(sid) <= 128 and sid.replace("-", "").replace("_", "").isalnum()',
     'return bool(sid) and len(sid) <= 128 and sid.replace("-", "XXXX").replace("_", "").isalnum()',  # noqa: E501
     "X is alphanumeric: isalnum() is the same with the dashes removed or replaced by 'XXXX'"),
    ('return bool(sid) and len(sid) <= 128 and sid.replace("-", "").replace("_", "").isalnum()',
     'return bool(sid) and len(sid) <= 128 and sid.replace("-", "").replace("_", "XXXX").isalnum()',  # noqa: E501
     "X is alphanumeric: isalnum() is the same with the underscores removed or replaced by 'XXXX'"),  # noqa: E501
    ('ranges: list[tuple[int, int | None]] = []',
     'ranges: list[tuple[int, int & None]] = []',
     'a local variable annotation, never evaluated'),
]

EQUIVALENT["security.retention"] = [
    ('cutoff_ns: int | None = None',
     'cutoff_ns: int & None = None',
     'a dataclass annotation, never evaluated (from __future__ import annotations)'),
    ('if report.ran and report.cutoff_ns is not None:',
     'if report.ran or report.cutoff_ns is not None:',
     'the two always agree: `enforce` returns either RetentionReport() (not ran, no cutoff) '
     'or one that ran with its cutoff'),
]

EQUIVALENT["worker.isolate"] = [
    ('repaired: Record | None = Record(fix_surrogates(copy.deepcopy(recs[lo].data)),',
     'repaired: Record & None = Record(fix_surrogates(copy.deepcopy(recs[lo].data)),',
     'a local variable annotation, never evaluated'),
    ('ok = 0 < len(text) <= 40 and all(c.isascii() and (c.isalnum() or c in "_-") for c in text)',
     'ok = 0 < len(text) <= 40 and all(c.isascii() and (c.isalnum() or c in "XX_-XX") for c in text)',  # noqa: E501
     '`X` is alphanumeric: isalnum() takes it before the set is looked at'),
]

EQUIVALENT["store.erasure"] = [
    ('params += list(session_ids)', 'params = list(session_ids)',
     'the first filter: `params` is still the empty list there'),
    ('@staticmethod', '',
     '_delete_finding_batches is only called on the class (`Erasure._delete_finding_batches(conn, '
     'ids)`), where a plain function takes the same two arguments'),
]

# Stop 26 (probes-6): a value typed as it is (quoted=True) is never read as an env line.
_QUOTED_ENV = ('password_value reads `env` only in its unquoted branch, which quoted=True '
               'never takes')
EQUIVALENT["redact.detectors.windows_cli"] = [
    ('return password_value(value, quoted=True, env=False)',
     'return password_value(value, quoted=True, env=True)', _QUOTED_ENV),
    ('_PIPED_REACH = 300', '_PIPED_REACH = 301',
     'the reach only bounds where the search starts: any reach at least as long as the '
     "longest match of `_PIPED` (281 characters) finds the same"),
]
EQUIVALENT["redact.detectors.console_login"] = [
    ('return password_value(value, quoted=True, env=False)',
     'return password_value(value, quoted=True, env=True)', _QUOTED_ENV),
    ('parts = base64.b64decode(value, validate=True).split(b"\\0")',
     'parts = base64.b64decode(value, validate=False).split(b"\\0")',
     'the regex admits only base64 characters and padding; a wrong length raises either way'),
    ('at_anchor=True,', 'at_anchor=False,',
     "IMAP's pattern starts with its literal and is case-sensitive (`(?-i:LOGIN)`): tried at "
     'its anchor or scanned for, the same matches (the keyword table test pins the flag)'),
]
EQUIVALENT["redact.detectors.credential_lines"] = [
    ('at_anchor=True,', 'at_anchor=False,',
     "the mail port's regex (`:587` then blanks and `user:password`) holds no letter: "
     'scanned for or tried at each port, the same matches (the URL pattern, whose scheme '
     'is matched in any case only at its anchor, is killed by `HTTPS://` in capitals; '
     'the keyword table test pins both flags)'),
]
EQUIVALENT["redact.detectors.delimited_rows"] = [
    ('gap = _GAP.search(text, max(0, start - 80), start)',
     'gap = _GAP.search(text, max(1, start - 80), start)',
     "a gap from the text's first character has no name word before it, which "
     "`_PAIR_HEAD` asks for next: the hit is refused either way"),
    ('gap = _GAP.search(text, max(0, start - 80), start)',
     'gap = _GAP.search(text, max(0, start - 81), start)',
     "`_GAP` takes at most the 80 characters before the hit: a wider window finds the "
     "same run"),
    ('if _PAIR_HEAD.search(text, max(0, start - 96), start) is None:',
     'if _PAIR_HEAD.search(text, max(0, start - 97), start) is None:',
     "the regex spans at most 88 characters (`variable` and 80 more), ending at the hit: "
     "any window of 88 or more finds the same"),
    ('context: str = "") -> list[tuple[int, int]]:',
     'context: str = "XXXX") -> list[tuple[int, int]]:',
     "the default is taken by the NAME | VALUE call only, whose rows named_value_ok judges "
     "without a context"),
    ('ends = [i for i in (text.find("\\n", pos, limit), text.find("\\\\n", pos, limit)) if i >= 0]',
     'ends = [i for i in (text.find("\\n", pos, limit), text.find("\\\\n", pos, limit)) if i > 0]',
     'a find returns pos or more; 0 only for pos 0 with a break first, and no caller asks '
     'from 0 with a break there (a match or a line start is past it)'),
    ('ends = [i for i in (text.find("\\n", pos, limit), text.find("\\\\n", pos, limit)) if i >= 0]',
     'ends = [i for i in (text.find("\\n", pos, limit), text.find("\\\\n", pos, limit)) if i >= 1]',
     'a find returns pos or more; 0 only for pos 0 with a break first, and no caller asks '
     'from 0 with a break there (a match or a line start is past it)'),
    ('while end > pos and text[end - 1] in "\\\\\\r":',
     'while end >= pos and text[end - 1] in "\\\\\\r":',
     'going back past pos only happens for an empty line (the break at pos): its text is '
     'empty either way, one field, which no table of two or more takes'),
    ('at_anchor=True,', 'at_anchor=False,',
     "the ruler's regex (a dash, blanks, a dash) holds no letter, and `ruler_cells` reads the "
     'whole line around any match of it: scanned for or tried at each anchor, the same '
     'cells (the keyword table test pins the flag)'),
]
EQUIVALENT["redact.detectors.terraform_variable"] = [
    ('return password_value(value, quoted=True, env=False)',
     'return password_value(value, quoted=True, env=True)', _QUOTED_ENV),
]

# Stop 27 (mutation-7): the spool, what the hook hands on, what goes on the wire.
EQUIVALENT["spool.writer"] = [
    ('_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)',
     '_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 1)',
     'the default is read only where os has no O_CLOEXEC (none of the POSIX systems the '
     'hook runs on: it needs fcntl), and 1 is O_WRONLY there, in the flags already'),
    ('_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)',
     '_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "XXO_CLOEXECXX", 0)',
     "os.open makes every descriptor non-inheritable itself (PEP 446): the flag only says "
     "so; the test checks FD_CLOEXEC on the temp file's descriptor"),
    ('if seq is not None and seq > best:', 'if seq is not None and seq >= best:',
     'an equal seq sets `best` to the value it has: the maximum is the same'),
]

# Stop 28: the hook's caps, logs and counters.
_CLOEXEC_DEFAULT = ("the default is read only where os has no O_CLOEXEC (none of the POSIX "
                    "systems the hook runs on: it needs fcntl)")
_CLOEXEC_PEP446 = ("os.open makes every descriptor non-inheritable itself (PEP 446), and this "
                   "one is closed before the function returns")
_FD_ZERO = ("open() returns 0 only in a process whose stdin is closed; the hook reads its "
            "stdin and the worker's is /dev/null, so a log descriptor is never 0")
EQUIVALENT["spool.limits"] = [
    ('if fh.read(4096) == text:', 'if fh.read(4097) == text:',
     'the text compared is under 100 bytes: a prefix of 4096 or 4097 bytes equals it only '
     'when the whole file is that text'),
]
EQUIVALENT["spool.diag"] = [
    ('_APPEND = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)',
     '_APPEND = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "XXO_CLOEXECXX", 0)',
     _CLOEXEC_PEP446),
    ('_APPEND = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)',
     '_APPEND = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 1)',
     _CLOEXEC_DEFAULT),
    ('fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)',
     'fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "XXO_CLOEXECXX", 0), 0o600)',
     _CLOEXEC_PEP446),
    ('fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)',
     'fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 1), 0o600)',
     _CLOEXEC_DEFAULT),
    ('| getattr(os, "O_CLOEXEC", 0), 0o600)', '| getattr(os, "XXO_CLOEXECXX", 0), 0o600)',
     _CLOEXEC_PEP446),
    ('| getattr(os, "O_CLOEXEC", 0), 0o600)', '| getattr(os, "O_CLOEXEC", 1), 0o600)',
     _CLOEXEC_DEFAULT),
    ('fd = -1', 'fd = -2', 'read only as `fd >= 0`: both are below it'),
    ('if fd >= 0:', 'if fd > 0:', _FD_ZERO),
    ('if fd >= 0:', 'if fd >= 1:', _FD_ZERO),
]

EQUIVALENT["policy.words"] = [
    ('pattern = False', 'pattern = None', 'read only as a truth value: both are false'),
]
EQUIVALENT["policy.words.heredocs"] = [
    ('found = []  # unterminated: not a heredoc we understand',
     'found = None  # unterminated: not a heredoc we understand',
     'the loop breaks right after, and `found` is then only read as a truth value'),
    ('break', 'continue',
     'after an unterminated heredoc every later operator of the line starts at the last '
     'line too: each ends unterminated, `found` is [] either way'),
]
EQUIVALENT["policy.bash.shape"] = [
    ('name = posixpath.basename(words[k]) if k < len(words) else ""',
     'name = posixpath.basename(words[k]) if k < len(words) else "XXXX"',
     'in the first loop (the grep flag) the name is only compared with the grep commands '
     'and "git": "" and "XXXX" are neither (the same mutant in the second loop is killed)'),
    ('break', 'continue', 'once `listing` is False nothing sets it again'),
]
EQUIVALENT["policy.reach.examples"] = [
    ('break', 'continue',
     'past the bound no entry is appended either way, and `n` is over the bound whether '
     'the listing stops there or counts on (only slower)'),
]
EQUIVALENT["policy.apply.levels"] = [
    ('parent = self.tool_levels.get(obs.parent_id or "")',
     'parent = self.tool_levels.get(obs.parent_id or "XXXX")',
     'the keys are observation ids (16 hex characters): neither "" nor "XXXX" is one'),
]
EQUIVALENT["policy.apply.copies"] = [
    ('d = self.decision(f"shell:{self.trace.id}", "Bash", {"command": command}, self.cwd)',
     'd = self.decision(f"XXshell:{self.trace.id}XX", "Bash", {"command": command}, self.cwd)',
     "the key only has to differ from every tool_use id of the turn (Claude Code's "
     "`toolu_...`); any prefix does"),
]
EQUIVALENT["policy.copies"] = [
    ('or [])] if name != "Bash" else []', 'or [])] if name != "XXBashXX" else []',
     "Bash is a built-in tool: `_input_paths` reads only its path fields, and its input "
     "has none (`command`, `description`, `timeout`)"),
    ("if hit is None and _GLOB.search(full):", "if hit is None or _GLOB.search(full):",
     "a path with no glob character compiles to a glob that matches only itself, and the "
     "rule of a remembered path is the one `rules`/`folders` already gave: work, not a "
     "different answer"),
]
EQUIVALENT["policy.bash"] = EQUIVALENT.get("policy.bash", []) + [
    ('name = posixpath.basename(words[start]) if start < len(words) else ""',
     'name = posixpath.basename(words[start]) if start < len(words) else "XXXX"',
     'with no command word (start == len(words)) `Variables.computed` returns "" before '
     'it looks at the kind the name gives'),
    ('"prints" if name in _PRINTS else "", _pattern_first(name, words[start + 1:]))',
     '"prints" if name in _PRINTS else "XXXX", _pattern_first(name, words[start + 1:]))',
     '`Variables.computed` compares the kind with "prints" and "lists" only'),
]
_NO_FLAG_X = "no grep option the code asks about is the letter X"
EQUIVALENT["policy.bash.rules"] = [
    ('opts = [a for a in rest if a.startswith("-")] + ["-r"]',
     'opts = [a for a in rest if a.startswith("-")] + ["XX-rXX"]',
     '"XX-rXX"[1:] holds an `r` too: git grep is recursive either way'),
    ('short = "".join(o[1:] for o in opts if not o.startswith("--"))',
     'short = "XXXX".join(o[1:] for o in opts if not o.startswith("--"))', _NO_FLAG_X),
    ('tool = posixpath.basename(rest[at + 1]) if at + 1 < len(rest) else ""',
     'tool = posixpath.basename(rest[at + 1]) if at + 1 < len(rest) else "XXXX"',
     'no tool after -exec: "" and "XXXX" are both no lister'),
    ('base = a.rstrip("/").rsplit("/", 1)[-1]', 'base = a.rstrip("/").rsplit("/", 2)[-1]',
     'the last part is the same however many splits are made before it'),
    ('if base in ("*", "**", "*.*", ".*") or base.startswith("*") and "." not in base:',
     'if base in ("XX*XX", "**", "*.*", ".*") or base.startswith("*") and "." not in base:',
     '`*` also starts with `*` and holds no dot'),
    ('if base in ("*", "**", "*.*", ".*") or base.startswith("*") and "." not in base:',
     'if base in ("*", "XX**XX", "*.*", ".*") or base.startswith("*") and "." not in base:',
     '`**` also starts with `*` and holds no dot'),
    ('_script(posixpath.basename(words[k]) if k < len(words) else "", words[i + 1],',
     '_script(posixpath.basename(words[k]) if k <= len(words) else "", words[i + 1],',
     '`_command_index` stops at the `<<<` word at the latest: k < len(words) always'),
    ('_script(posixpath.basename(words[k]) if k < len(words) else "", words[i + 1],',
     '_script(posixpath.basename(words[k]) if k < len(words) else "XXXX", words[i + 1],',
     '`_command_index` stops at the `<<<` word at the latest: k < len(words) always'),
    ('if 0 < start < len(words) and words[start - 1].startswith("-"):',
     'if 1 < start < len(words) and words[start - 1].startswith("-"):',
     'start is 1 only after a wrapper word, which does not start with `-`'),
    ('if target.startswith(("/", "~")) or cwd is None:',
     'if target.startswith(("XX/XX", "~")) or cwd is None:',
     'posixpath.join keeps an absolute second part whole: the same folder'),
    ('skip_pattern = False', 'skip_pattern = None', 'read only as a truth value'),
]

EQUIVALENT["hook.defer"] = [
    ('value = None', 'value = ""',
     'read only as `value is True`: neither None nor "" is True'),
]

# export.wire's caches of encoded key fields, small KeyValues and tag lists only save
# work: the bytes are a pure function of (field, key, value), so a miss or a value cached
# that was not writes the same request. What the caches hold at their bound (which kills
# the mutants that stop caching a kind of value) and a trace's attributes written once
# are asserted in tests/export/test_wire_exact.py.
_WIRE_CACHE = ('a cache of encoded bytes, a pure function of field, key and value: without '
               'it, or holding one more value, the same bytes are written')
_WIRE_MESSAGE = ('the message of an _Unsupported is never shown: encode_request catches it '
                 'and asks the stock encoder')
EQUIVALENT["export.wire"] = [
    ('_VARINTS = [_varint_slow(n) for n in range(1 << 14)]',
     '_VARINTS = [_varint_slow(n) for n in range(2 << 14)]',
     'a longer table holds the same varints, and `_varint` reads it below 16384 only'),
    ('_VARINTS = [_varint_slow(n) for n in range(1 << 14)]',
     '_VARINTS = [_varint_slow(n) for n in range(1 << 15)]',
     'a longer table holds the same varints, and `_varint` reads it below 16384 only'),
    ('return _VARINTS[n] if 0 <= n < 16384 else _varint_slow(n)',
     'return _VARINTS[n] if 1 <= n < 16384 else _varint_slow(n)',
     "0 then takes _varint_slow, which writes b'\\x00' as the table does"),
    ('return _VARINTS[n] if 0 <= n < 16384 else _varint_slow(n)',
     'return _VARINTS[n] if 0 < n < 16384 else _varint_slow(n)',
     "0 then takes _varint_slow, which writes b'\\x00' as the table does"),
    ('raise _Unsupported("int beyond int64")  # the stock encoder logs and drops it',
     'raise _Unsupported("XXint beyond int64XX")  # the stock encoder logs and drops it',
     _WIRE_MESSAGE),
    ('raise _Unsupported("attribute key not text")  # the stock encoder drops it',
     'raise _Unsupported("XXattribute key not textXX")  # the stock encoder drops it',
     _WIRE_MESSAGE),
    ('raise _Unsupported("events or links")', 'raise _Unsupported("XXevents or linksXX")',
     _WIRE_MESSAGE),
    ('raise _Unsupported("span without scope")',
     'raise _Unsupported("XXspan without scopeXX")', _WIRE_MESSAGE),
    ('field = _KEY_FIELDS.get(key)', 'field = None', _WIRE_CACHE),
    ('_KEY_FIELDS[key] = field', '_KEY_FIELDS[key] = None', _WIRE_CACHE),
    ('_SMALL_VALUE = 256', '_SMALL_VALUE = 257', _WIRE_CACHE),
    ('if kind is str and len(value) < _SMALL_VALUE and type(key) is str:',
     'if kind is str and len(value) <= _SMALL_VALUE and type(key) is str:', _WIRE_CACHE),
    ('encoded = _SMALL_KV.get(cache_key)', 'encoded = None', _WIRE_CACHE),
    ('_SMALL_KV[cache_key] = encoded', '_SMALL_KV[cache_key] = None', _WIRE_CACHE),
    ('if (kind is list or kind is tuple) and type(key) is str and len(value) < 64 and all(',
     'if (kind is list or kind is tuple) and type(key) is str and len(value) <= 64 and all(',
     _WIRE_CACHE),
    ('if (kind is list or kind is tuple) and type(key) is str and len(value) < 64 and all(',
     'if (kind is list or kind is tuple) and type(key) is str and len(value) < 65 and all(',
     _WIRE_CACHE),
    ('type(v) is str and len(v) < _SMALL_VALUE for v in value):',
     'type(v) is str and len(v) <= _SMALL_VALUE for v in value):', _WIRE_CACHE),
    ('cache_key = (field, key, tuple(value), 1)', 'cache_key = (field, key, tuple(value), 2)',
     "the marker only keeps a list's entries (4-tuples) apart from a text value's "
     '(3-tuples): any constant does'),
    ('if len(raw) < 512:', 'if len(raw) <= 512:',
     'only where the chunk list is split; the chunks are joined once: the same bytes'),
    ('if len(raw) < 512:', 'if len(raw) < 513:',
     'only where the chunk list is split; the chunks are joined once: the same bytes'),
    ('if not status.description and not status.status_code.value:',
     'if  status.description and not status.status_code.value:',
     "a status with neither a description nor a code then takes the general branch, which "
     "writes the same b'\\x7a\\x00' (an empty message 15); a description with code UNSET "
     'does not exist (OpenTelemetry drops it)'),
    ('last_resource: Any = None', 'last_resource: Any = ""',
     'the first span always starts a group: its scope is an object (`or None` above raises '
     'without one), never the initial `last_scope`'),
    ('last_scope: Any = None', 'last_scope: Any = ""',
     'the first span always starts a group: its scope is an object, never ""'),
    ('chunks: list[bytes] = []', 'chunks: list[bytes] = None',
     'the first span always starts a group (its scope is never the initial `last_scope`), '
     'which sets `chunks` before it is used'),
]

_ANNOTATION = 'a dataclass annotation, never evaluated (from __future__ import annotations)'
EQUIVALENT["spool.reader"] = [
    ('error: str | None = None', 'error: str & None = None', _ANNOTATION),
    ('pid: int | None = None', 'pid: int & None = None', _ANNOTATION),
    ('env: dict[str, int] | None = None', 'env: dict[str, int] & None = None', _ANNOTATION),
    ('error: str | None = None', 'error: str | None = ""',
     'every SpoolEntry the reader makes sets `error` (the parse result or a reason); the '
     'default serves only entries built by hand, and the one reader of it takes '
     '`entry.error or ...` (hookevents): "" and None alike'),
    ('head = _parse_header(data[:newline]) if newline >= 0 else None',
     'head = _parse_header(data[:newline]) if newline > 0 else None',
     'a newline at 0 leaves an empty header, which _parse_header refuses too (not JSON)'),
    ('head = _parse_header(data[:newline]) if newline >= 0 else None',
     'head = _parse_header(data[:newline]) if newline >= 1 else None',
     'a newline at 0 leaves an empty header, which _parse_header refuses too (not JSON)'),
]

EQUIVALENT["spool.quarantine"] = [
    ('out: list[tuple[str, dict[str, Any] | None]] = []',
     'out: list[tuple[str, dict[str, Any] & None]] = []',
     'a local variable annotation, never evaluated'),
]

EQUIVALENT["hook.entry"] = [
    ('if sys.path and os.path.realpath(sys.path[0] or ".") == here:',
     'if sys.path and os.path.realpath(sys.path[0] or "XX.XX") == here:',
     "sys.path[0] is '' only for -c, stdin and the REPL, none of which runs this file "
     "(read from stdin it has no __file__ and exits 0 in the try); a file run puts its "
     "folder there, or under -I the standard library's zip"),
]

EQUIVALENT["worker.redactors"] = [
    ('sweeper = SecretRedactor((), bytes(32), learned=_learned)',
     'sweeper = SecretRedactor((), bytes(33), learned=_learned)',
     'the sweeper has no detectors and only sweeps: the learned values carry their markers '
     'already, and the key feeds only `tag`, which `sweep` never calls'),
]

EQUIVALENT["redact.lone"] = [
    ('_PUBLIC_BEFORE = 16', '_PUBLIC_BEFORE = 17',
     "_PUBLIC_KEY's longest match is 15 characters (`idempotency` and 4 blanks), 16 with "
     "the newline its `$` may stand before, and it has no look-behind: a window one "
     "character wider holds the same matches"),
]


def _equivalent(name: str) -> list[tuple[str, str, str]]:
    """EQUIVALENT's entries for `name`, and for a detector module every mutant of its
    `Detector(description=...)` text (one per string line), made here from the source."""
    out = list(EQUIVALENT.get(name, []))
    target = MODULES.get(name)
    if target is None or not name.startswith("redact.detectors.") or name.endswith(".base"):
        return out
    path = os.path.join(SRC, target.path)
    source, ids = _list(path, ())
    lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Detector":
            for kw in node.keywords:
                if kw.arg == "description":
                    lines.update(range(kw.value.lineno, kw.value.end_lineno + 1))
    for mid in ids:
        if mid.line_number + 1 in lines:
            before, after = _changed(source, _apply(source, path, mid), mid.line_number + 1)
            out.append((before, after, DESCRIPTION_WHY))
    return out


def _dirty(path: str) -> bool:
    return subprocess.run(["git", "diff", "--quiet", "HEAD", "--", path], cwd=ROOT).returncode != 0


def run_module(name: str, target: Target, survivors_only: bool, verbose: bool) -> Report:
    path = os.path.join(SRC, target.path)
    if _dirty(path):
        raise SystemExit(f"{target.path} has uncommitted changes; commit or stash them first")
    missing = [t for t in target.tests if not t.startswith("-")
               and not os.path.exists(os.path.join(ROOT, t.split("::")[0]))]
    if missing:
        raise SystemExit(f"{name}: test selection missing: {missing}")
    source, ids = _list(path, target.scope)
    cache_file = os.path.join(OUT, f"{name}.json")
    previous: dict[str, str] = {}
    if survivors_only and os.path.exists(cache_file):
        with open(cache_file, encoding="utf-8") as f:
            previous = {m["key"]: m["status"] for m in json.load(f)["mutants"]}

    run = _pytest
    if target.preload:
        _preload(target.preload, path)
        run = _pytest_forked
    status, base = run(target.tests, 900)
    if status != "survived":
        raise SystemExit(f"{name}: the test selection fails without any mutant ({status})")
    timeout = max(10.0, 3 * base + 5)
    print(f"{name}: {len(ids)} mutants, selection {base:.1f}s ({' '.join(target.tests)})",
          flush=True)

    equivalent = {(b, a): why for b, a, why in _equivalent(name)}
    report = Report(name)
    original = source.encode("utf-8")
    try:
        for n, mid in enumerate(ids, 1):
            mutated = _apply(source, path, mid)
            before, after = _changed(source, mutated, mid.line_number + 1)
            m = Mutant(f"{mid.line_number}:{mid.index}:{mid.line.strip()}",
                       mid.line_number + 1, before, after)
            report.mutants.append(m)
            if previous and previous.get(m.key) in ("killed", "timeout"):
                m.status = previous[m.key]
            else:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(mutated)
                _drop_bytecode(path)
                try:
                    m.status, m.seconds = run(target.tests, timeout)
                    if m.status == "timeout" and target.preload:
                        # A detector's selection is short: a timeout on the shared
                        # machine is load more often than a mutant's loop; once more, longer.
                        m.status, m.seconds = run(target.tests, 4 * timeout)
                    if m.status in ("error2", "error4") and not _imports(target.path):
                        # The mutant breaks the module's import (a module-level constant
                        # or regex): conftest or collection fails, which pytest reports
                        # as a usage error (4) or an interrupted run (2). Every test
                        # importing it fails: killed. The selection passed unmutated.
                        m.status = "killed"
                finally:
                    with open(path, "wb") as f:
                        f.write(original)
                    _drop_bytecode(path)
            if m.status == "survived" and (before, after) in equivalent:
                m.status, m.why = "equivalent", equivalent[(before, after)]
            if verbose or m.status not in ("killed", "timeout", "equivalent"):
                print(f"  [{n}/{len(ids)}] {m.status:9} line {m.line}: {before}  ->  {after}",
                      flush=True)
            _save(cache_file, name, target, original, report, len(ids))
    finally:
        with open(path, "wb") as f:
            f.write(original)
        _drop_bytecode(path)
    return report


def _save(cache_file: str, name: str, target: Target, original: bytes, report: Report,
          total: int) -> None:
    # After every mutant, so an interrupted run still reports what it did.
    os.makedirs(OUT, exist_ok=True)
    with open(cache_file + ".tmp", "w", encoding="utf-8") as f:
        json.dump({"module": name, "source_sha256": hashlib.sha256(original).hexdigest(),
                   "tests": list(target.tests), "scope": list(target.scope), "total": total,
                   "mutants": [m.__dict__ for m in report.mutants]}, f, indent=1)
    os.replace(cache_file + ".tmp", cache_file)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-m", "--module", action="append",
                    help="module to mutate (repeatable; default: all); a name ending in `.*` "
                         "is every module below it: -m 'redact.detectors.*'")
    ap.add_argument("--list", action="store_true", help="print the module map and exit")
    ap.add_argument("--survivors", action="store_true",
                    help="re-run only the mutants that survived the last run of the module")
    ap.add_argument("--report", action="store_true",
                    help="no run: the table and survivors of the last run of each module")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every mutant")
    args = ap.parse_args(argv)
    names = _select(ap, args.module) if args.module else list(MODULES)
    if args.report:
        return _report([n for n in names if os.path.exists(os.path.join(OUT, f"{n}.json"))])
    if args.list:
        for name in names:
            t = MODULES[name]
            scope = f"  scope: {', '.join(t.scope)}" if t.scope else ""
            print(f"{name:22} src/cctrace/{t.path}{scope}\n{'':22} tests: {' '.join(t.tests)}")
        return 0
    # Ctrl-C or a kill must still put the source back: turn SIGTERM into KeyboardInterrupt,
    # and SIGINT too even when it came in ignored (a run started with `&` from a script
    # inherits SIGINT ignored, and Python then never raises KeyboardInterrupt).
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    reports = [run_module(n, MODULES[n], args.survivors, args.verbose) for n in names]
    return _table(reports)


def _select(ap: argparse.ArgumentParser, wanted: list[str]) -> list[str]:
    """Module names in the map, a `prefix.*` standing for every module below `prefix`."""
    names: list[str] = []
    for want in wanted:
        if want.endswith(".*"):
            found = [n for n in MODULES if n.startswith(want[:-1])]
        else:
            found = [want] if want in MODULES else []
        if not found:
            ap.error(f"no module {want!r} in the map (see --list)")
        names += [n for n in found if n not in names]
    return names


def _report(names: list[str]) -> int:
    reports = []
    for name in names:
        with open(os.path.join(OUT, f"{name}.json"), encoding="utf-8") as f:
            data = json.load(f)
        equivalent = {(b, a): why for b, a, why in _equivalent(name)}
        r = Report(name, [Mutant(**m) for m in data["mutants"]])
        if data.get("total", len(r.mutants)) > len(r.mutants):
            print(f"{name}: interrupted run, {len(r.mutants)} of {data['total']} mutants")
        for m in r.mutants:
            if m.status in ("survived", "equivalent"):
                why = equivalent.get((m.before, m.after))
                m.status, m.why = ("equivalent", why) if why else ("survived", "")
                print(f"{name} {m.status:10} line {m.line}: {m.before}  ->  {m.after}"
                      + (f"\n{'':11}why: {why}" if why else ""))
        reports.append(r)
    return _table(reports)


def _table(reports: list[Report]) -> int:
    print("\n| module | mutants | killed | survived | equivalent | score |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in reports:
        print(f"| {r.module} | {len(r.mutants)} | {r.count('killed', 'timeout')} | "
              f"{r.count('survived') + sum(m.status.startswith('error') for m in r.mutants)} | "
              f"{r.count('equivalent')} | {r.score:.1f} % |")
    return 0 if all(r.score >= 90.0 for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
