"""Fault-injection points for the crash tests (foundation layer; imports nothing of the package).

``KINERJA_CRASH_AT=<step>`` makes the process die at that step like a power cut; only the crash-test
harness (tests/test_crash.py) sets it.
"""

from __future__ import annotations

import os

CRASH_ENV = "KINERJA_CRASH_AT"  # read only by the crash-test harness (tests/test_crash.py)


def crash_point(step: str) -> None:
    """Die here, like a power cut, when the test harness asks for this step."""
    if os.environ.get(CRASH_ENV) == step:
        os._exit(137)


CRASH_STEPS = (
    "setelah_kunci",
    "sebelum_commit",
    "setelah_commit",
    "setelah_pindah",
    "sebelum_rekap",
    "saat_rekap",
    "setelah_rekap",
)
