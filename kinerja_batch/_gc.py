"""Pausing Python's cyclic garbage collector around bulk work.

Layer: foundation (../shared/docs/architecture.md); it may import nothing of the package.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """While hundreds of thousands of small objects are made and kept (one per master cell, one per
    finding), the cyclic collector would walk them again and again as they pile up, about a sixth of
    the time; it waits, and runs as usual afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
