"""Test hook: stop the process dead at a named step, to prove that a crash there loses nothing.

`BDS_FAULT_AT` names one or more steps, comma-separated (for example `commit-journal` or
`build-switched`); when the running command reaches `point(name)` for one of them it kills itself
with SIGKILL, as a power cut or `kill -9` would: no cleanup, no `finally`. The flag `no-exchange`
makes `pipeline.writing.exchange` report that the file system cannot swap two names in one step, so the
two-rename fallback runs. Unset (always, outside the tests) it does nothing. See tests/test_faults.py.
"""

from __future__ import annotations

import os
import signal

ENV = "BDS_FAULT_AT"


def wanted() -> set[str]:
    return {part.strip() for part in os.environ.get(ENV, "").split(",") if part.strip()}


def enabled(flag: str) -> bool:
    return ENV in os.environ and flag in wanted()


def point(name: str) -> None:
    """Die here, at once, when the tests ask for it."""
    if ENV in os.environ and name in wanted():
        os.kill(os.getpid(), signal.SIGKILL)
