"""The `permissions` check and its repair: the state dir 0700, every file in it 0600.

`doctor --fix` runs `repair_permissions` before the checks, so they show the state after it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass

from cctrace.checks.base import FAIL, OK, Check, Context, Spec


def check_permissions(state_dir: str, config_file: str | None = None) -> Check:
    """The state dir and every folder in it 0700, every file 0600 (no group/other bits)."""
    if not os.path.isdir(state_dir):
        return Check("permissions", OK, f"{state_dir} does not exist yet")
    loose: list[str] = []
    public = os.path.join(state_dir, "demo", "samples")  # copies of the bundled samples
    for folder, dirs, files in os.walk(state_dir):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))
                   and os.path.join(folder, d) != public]
        for name in [folder] + [os.path.join(folder, f) for f in files]:
            try:
                mode = os.lstat(name).st_mode
            except OSError:
                continue
            if stat.S_ISLNK(mode):
                continue
            if mode & 0o077:
                loose.append(f"{name} ({stat.S_IMODE(mode):04o})")
        if len(loose) > 20:
            break
    if config_file and os.path.isfile(config_file) and not config_file.startswith(
            state_dir + os.sep):
        mode = os.stat(config_file).st_mode
        if mode & 0o077:
            loose.append(f"{config_file} ({stat.S_IMODE(mode):04o})")
    if loose:
        return Check("permissions", FAIL, f"readable by others: {', '.join(loose[:5])}"
                     + (" ..." if len(loose) > 5 else ""),
                     f"cctrace doctor --fix (or chmod -R go-rwx {state_dir})",
                     {"loose": loose})
    return Check("permissions", OK, f"{state_dir} is private (0700 / 0600)")


@dataclass
class Repair:
    """One mode `doctor --fix` changed (or could not change: `error`)."""

    path: str
    old_mode: int
    new_mode: int
    error: str = ""

    def line(self) -> str:
        if self.error:
            return (f"could not chmod {self.path} ({self.old_mode:04o} -> "
                    f"{self.new_mode:04o}): {self.error}")
        return f"chmod {self.new_mode:04o} {self.path} (was {self.old_mode:04o})"


def _private_paths(state_dir: str) -> list[str]:
    """The state dir, every folder and file in it (not following links), as checked by
    `check_permissions` (the public demo samples aside)."""
    out: list[str] = []
    public = os.path.join(state_dir, "demo", "samples")
    for folder, dirs, files in os.walk(state_dir):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))
                   and os.path.join(folder, d) != public]
        out.append(folder)
        out.extend(os.path.join(folder, f) for f in files)
    return out


def repair_permissions(state_dir: str, config_file: str | None = None) -> list[Repair]:
    """Take group and other bits off the state dir, everything in it and the config file.

    Owner bits are kept (a 0755 folder becomes 0700, a 0644 file 0600), so nothing the
    owner can do today stops working. Links are never followed or changed.
    """
    paths = _private_paths(state_dir) if os.path.isdir(state_dir) else []
    if config_file and os.path.isfile(config_file) and not config_file.startswith(
            state_dir + os.sep):
        paths.append(config_file)
    done: list[Repair] = []
    for path in paths:
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            continue  # gone meanwhile (a spool file the worker consumed)
        if stat.S_ISLNK(mode) or not mode & 0o077:
            continue
        old = stat.S_IMODE(mode)
        new = old & ~0o077
        try:
            os.chmod(path, new)
        except OSError as exc:
            done.append(Repair(path, old, new, exc.strerror or exc.__class__.__name__))
            continue
        done.append(Repair(path, old, new))
    return done


def _run(ctx: Context) -> list[Check]:
    from cctrace import config as config_mod

    return [check_permissions(ctx.state_dir, config_mod.config_path(ctx.state_dir))]


CHECK = Spec(("permissions",), _run)
