"""Run one atheris harness: `python fuzz/run.py hook|transcript [atheris/libFuzzer args]`.

    python fuzz/run.py transcript -max_total_time=600 fuzz/corpus/transcript

New interesting inputs go to the corpus folder given last (commit the small ones that add
coverage: `-merge=1 fuzz/corpus/X NEW_DIR` keeps the corpus minimal). Crashes are written
as `crash-*` files in the working directory; reproduce one with `python fuzz/run.py X FILE`.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> None:
    import atheris

    with atheris.instrument_imports():
        import cctrace.hook.main  # noqa: F401
        import cctrace.model.build  # noqa: F401
        import cctrace.spool.reader  # noqa: F401
        import cctrace.transcript.reader  # noqa: F401
        import cctrace.worker.pipeline  # noqa: F401
        from fuzz import targets
    name = sys.argv[1]
    target = targets.TARGETS[name]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
