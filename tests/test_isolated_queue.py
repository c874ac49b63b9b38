"""A worker holds the call after the one it runs (issue 11 §2, ingest): the limits stay per call.

Where the per-file limits are kernel limits (Linux), :func:`kinerja_batch.safety.isolated_map` hands a busy
worker its next call ahead, so that it goes on the moment it finishes whatever the run is doing. These
tests hold what that must not change: each call's wall-clock allowance counts from when it begins (not from
when it was handed over), a call queued behind a failure, a timeout or a crash runs in a fresh worker and
gets its own result, results come back in order, and no worker is left behind.
"""

from __future__ import annotations

import os
import time

import pytest

from kinerja_batch import safety
from kinerja_batch.safety import IsolatedFailure, isolated_map

pytestmark = pytest.mark.skipif(not safety.uses_rlimit(), reason="calls are queued only under kernel limits")


def _nap(x: float) -> float:
    """Sleep ``x`` seconds; negative: fail in a way chosen by the value."""
    if x == -1:
        raise ValueError("buruk")
    if x == -2:
        os._exit(3)
    if x == -3:
        time.sleep(30)
    time.sleep(x)
    return x


def _kinds(out: list[object]) -> list[object]:
    return [o.kind if isinstance(o, IsolatedFailure) else type(o).__name__ if isinstance(o, Exception) else o
            for o in out]


def _children() -> list[str]:
    import psutil

    return [" ".join(p.cmdline()) for p in psutil.Process().children(recursive=True)
            if p.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(p.cmdline())]


def test_a_queued_call_gets_its_whole_time_from_when_it_begins() -> None:
    """One worker, three calls of 1.2 s under a 2 s limit: handed over together, the third waits 2.4 s before
    it begins, yet none is stopped."""
    started = time.monotonic()
    out = list(isolated_map(_nap, [(1.2,), (1.2,), (1.2,)], workers=1, memory_mb=256, seconds=2))
    assert out == [1.2, 1.2, 1.2]
    assert time.monotonic() - started >= 3.6  # one after another in the one worker
    assert _children() == []


def test_a_queued_call_that_runs_too_long_is_stopped_at_its_own_deadline() -> None:
    started = time.monotonic()
    out = list(isolated_map(_nap, [(1.0,), (-3,), (0.1,)], workers=1, memory_mb=256, seconds=2))
    assert _kinds(out) == [1.0, "timeout", 0.1]
    assert time.monotonic() - started >= 3.0  # 1 s, then the full 2 s of the one that hangs
    assert _children() == []


@pytest.mark.parametrize("failure", [-1, -2, -3])
def test_calls_queued_behind_a_failure_run_in_a_fresh_worker(failure: float) -> None:
    out = list(isolated_map(_nap, [(0.0,), (failure,), (0.2,), (0.0,), (0.1,)], workers=1, memory_mb=256,
                            seconds=1))
    expected = {-1: "ValueError", -2: "crash", -3: "timeout"}[failure]
    assert _kinds(out) == [0.0, expected, 0.2, 0.0, 0.1]
    assert _children() == []


def test_two_workers_with_queued_calls_keep_the_order() -> None:
    calls = [(0.05 * (i % 3),) for i in range(12)] + [(-1,), (0.0,), (-2,), (0.0,)]
    out = list(isolated_map(_nap, calls, workers=2, memory_mb=256, seconds=5))
    assert _kinds(out) == [0.05 * (i % 3) for i in range(12)] + ["ValueError", 0.0, "crash", 0.0]
    assert _children() == []


def test_stopping_early_ends_workers_with_queued_calls() -> None:
    gen = isolated_map(_nap, [(0.0,), (0.5,), (0.5,), (0.5,), (0.5,)], workers=2, memory_mb=256, seconds=5)
    assert next(gen) == 0.0
    gen.close()
    assert _children() == []
