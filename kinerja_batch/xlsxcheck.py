"""xlsxwriter answers a refused or truncated cell with a negative return code instead of raising;
every workbook we write goes through :func:`checked` so that nothing is cut or dropped silently.

Layer: writers (../shared/docs/architecture.md); it may import model, intake, store, rules, foundation.
"""

from __future__ import annotations

from typing import Any, NoReturn

from kinerja_batch import layout
from kinerja_batch.errors import KinerjaError

_REASONS = {-1: "di luar batas lembar", -2: "teks lebih dari 32.767 karakter", -3: "nama/rumus tidak valid"}


class WriteError(KinerjaError):
    """xlsxwriter refused or truncated a cell."""


def fail(what: str, ws: Any, r: int, c: int, result: int) -> NoReturn:
    """Stop with an Indonesian message naming the workbook kind, the sheet and the cell."""
    raise WriteError(f"{what} tidak dapat ditulis di {ws.name}!{layout.cell_ref(r, c)}: "
                     f"{_REASONS.get(result, f'kode {result}')}.")


def checked(result: int | None, what: str, ws: Any, r: int, c: int) -> None:
    """Raise :class:`WriteError` unless xlsxwriter wrote the cell whole."""
    if result not in (0, None):
        fail(what, ws, r, c, result)
