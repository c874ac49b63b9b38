"""Cell-level helpers of the rekap writer: the fast worksheet, checked cell writers, widths, formats.

Writers layer: used only by the rekap sheets; no ledger, no run."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from xlsxwriter.worksheet import Worksheet

from kinerja_batch import layout
from kinerja_batch.config import PREDIKAT_LOWEST, PREDIKAT_NONE
from kinerja_batch.xlsxcheck import fail
from kinerja_batch.xlsxstyle import esc as _esc  # noqa: F401  (the sheets import it from here)

# outline depth of a level; a bidang's first row is always depth 0 (see _outline_levels)
_DEPTH = {"Tujuan": 0, "Sasaran": 0, "Program": 1, "Kegiatan": 2, "Sub Kegiatan": 3}


# helpers


try:  # the cell records of xlsxwriter's constant_memory writer, for the fast serialiser below
    from xlsxwriter.worksheet import CellBlankTuple, CellFormulaTuple, CellNumberTuple, CellStringTuple

    _FAST_CELLS = True
except ImportError:  # pragma: no cover - another xlsxwriter: its own serialiser is used
    _FAST_CELLS = False



def _plain_text(text: str) -> bool:
    """Text that needs none of xlsxwriter's treatment (control characters and line breaks, _xHHHH_
    look-alikes, leading or trailing white space to preserve, rich-string markup)."""
    return (text.isprintable() and "_x" not in text and not text[0].isspace() and not text[-1].isspace()
            and not text.startswith("<r>"))


def _xml_text(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


class _RekapSheet(Worksheet):
    """A worksheet tuned for 150,000-row sheets; what it writes is what xlsxwriter would write.

    - Formulas skip xlsxwriter's rewriting of Excel 365 function names (~30 regular expressions per
      formula, most of the time of a big rekap). The rekap's formulas use only Excel 2007 functions
      (IF, AND, ISNUMBER, COUNT, COUNTA, COUNTIF, SUM, AVERAGE), which need no rewriting;
      tests/test_rekap.py checks that xlsxwriter's own preparation leaves every formula shape unchanged.
    - In constant_memory mode each stored cell is serialised by a short path for the four kinds the
      rekap writes with an explicit format (number, plain text, formula, blank), producing the same XML
      as xlsxwriter's ``_write_cell``; anything else goes through xlsxwriter itself. Measured: about
      40% less time for the whole rekap.
    """

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        return formula[1:] if formula.startswith("=") else formula

    def _write_single_row(self, current_row_num: int = 0) -> None:
        # one write per row instead of one per cell: the cells go to a list first
        real: Any = self.fh  # type: ignore[has-type]
        parts: list[str] = []
        self.fh = _Collect(parts)
        try:
            super()._write_single_row(current_row_num)
        finally:
            self.fh = real
        if parts:
            real.write("".join(parts))

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        fmt = cell.format
        if not _FAST_CELLS or fmt is None:
            super()._write_cell(row, col, cell)
            return
        kind = type(cell)
        head = f'<c r="{_LETTERS[col] if col < 702 else layout.col_letter(col)}{row + 1}" s="{fmt._get_xf_index()}"'
        if kind is CellNumberTuple:
            self.fh.write(f"{head}><v>{cell.number:.16G}</v></c>")
        elif kind is CellBlankTuple:
            self.fh.write(f"{head}/>")
        elif kind is CellStringTuple and cell.string and _plain_text(cell.string):
            self.fh.write(f'{head} t="inlineStr"><is><t>{_xml_text(cell.string)}</t></is></c>')
        elif kind is CellFormulaTuple and type(cell.value) in (float, int, str):
            value = cell.value
            if isinstance(value, str) and value:
                head += ' t="str"'
                value = _xml_text(value)
            self.fh.write(f"{head}><f>{_xml_text(cell.formula)}</f><v>{value}</v></c>")
        else:
            super()._write_cell(row, col, cell)


class _Collect:
    """A file-like ``write`` that appends to a list."""

    __slots__ = ("write",)

    def __init__(self, parts: list[str]) -> None:
        self.write = parts.append


_LETTERS = [layout.col_letter(c) for c in range(702)]  # A .. ZZ


def _fail(ws: Any, r: int, c: int, result: int) -> None:
    fail("Rekap", ws, r, c, result)


def _cell_writers(ws: Any) -> tuple[Callable[..., None], Callable[..., None], Callable[..., None]]:
    """Checked writers for the hot loops of the indicator sheets: ``num(r, c, value, fmt)``,
    ``txt(r, c, text, fmt)`` and ``fml(r, c, formula, fmt, cached)``.

    An empty value is a formatted blank cell (its border; column formats would also dress the cells
    outside the table). xlsxwriter's undecorated writers are used when present: the same checks and
    return codes, without the A1-notation wrapper that costs a tenth of the time per cell.
    """
    wn = getattr(ws, "_write_number", ws.write_number)
    wb_ = getattr(ws, "_write_blank", ws.write_blank)
    wf = getattr(ws, "_write_formula", ws.write_formula)
    wstr = getattr(ws, "_write_string", ws.write_string)

    def num(r: int, c: int, v: Any, fmt: Any) -> None:
        res = wb_(r, c, None, fmt) if (v is None or v != v) else wn(r, c, v, fmt)
        if res:
            _fail(ws, r, c, res)

    def txt(r: int, c: int, v: Any, fmt: Any) -> None:
        text = _text(v)
        res = wstr(r, c, text, fmt) if text else wb_(r, c, None, fmt)
        if res:
            _fail(ws, r, c, res)

    def fml(r: int, c: int, formula: str, fmt: Any, cached: Any) -> None:
        res = wf(r, c, formula, fmt, cached)
        if res:
            _fail(ws, r, c, res)

    return num, txt, fml


def _is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and (v != v or math.isinf(v)))


def _text(v: Any) -> str:
    if type(v) is str:
        return v
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(v)


def _cached(v: Any) -> Any:
    """The cached result of a formula: the number, or "" when it cannot be computed."""
    if type(v) is float:
        return v if v - v == 0 else ""  # NaN and infinity give NaN
    return "" if _is_missing(v) else float(v)


def _finite(values: Any) -> list[float]:
    arr = np.asarray(values, dtype="float64")
    return arr[np.isfinite(arr)].tolist()


def _mean(values: Any) -> float | None:
    """Mean of the numbers, exactly rounded sum (what AVERAGE gives, to the last bit or two)."""
    vals = _finite(values)
    return math.fsum(vals) / len(vals) if vals else None


def _fsum(values: Any) -> float:
    return math.fsum(_finite(values))


class _Columns:
    """Columns of the ordered measures for the summaries: numbers as float arrays (cached), text as lists."""

    def __init__(self, frame: Any) -> None:
        self.frame = frame
        self._numbers: dict[str, np.ndarray] = {}

    def get(self, key: str, default: Any = None) -> Any:
        if key in self._numbers:
            return self._numbers[key]
        series = self.frame[key]
        if series.dtype.kind in "biuf":
            arr = series.to_numpy(dtype="float64", na_value=np.nan)
            self._numbers[key] = arr
            return arr
        return [_text(v) for v in series.tolist()]


def _q(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _num_width(values: Any, decimals: int | None) -> int:
    """Characters needed to show the widest number of a column with a format like ``#,##0.00``.

    ``decimals=None``: the K columns, whose whole numbers are shown without decimals (:func:`_kf`).
    """
    arr = np.asarray(values, dtype="float64")
    arr = arr[np.isfinite(arr)]
    if not arr.size:
        return 0
    sign = 1 if (arr < 0).any() else 0
    if decimals is not None:
        return len(f"{float(np.abs(arr).max()):,.{decimals}f}") + sign
    whole = arr == np.floor(arr)
    widths = [0]
    if whole.any():
        widths.append(len(f"{float(np.abs(arr[whole]).max()):,.0f}"))
    if (~whole).any():
        widths.append(len(f"{float(np.abs(arr[~whole]).max()):,.2f}"))
    return max(widths) + sign


def _kf(value: Any, decimal_fmt: Any, whole_fmt: Any) -> Any:
    """A K value's format: whole numbers without decimals (1.250), others with two (72,50)."""
    if isinstance(value, float) and value == value and value.is_integer():
        return whole_fmt
    return decimal_fmt


def _row_height(texts: Sequence[str], widths: Sequence[float]) -> float:
    """Points a row needs to show wrapped 9 pt Arial texts whole (about 1.2 characters per width unit).

    Spreadsheet applications do not re-measure rows of a file they open, so the writer sets them.
    """
    lines = 1
    for text, width in zip(texts, widths, strict=True):
        if not text:
            continue
        per_line = max(1, int((width - 0.8) * 1.2))
        n = 0
        for part in text.split("\n"):
            n += max(1, -(-len(part) // per_line))
        if n > lines:
            lines = n
    return 12.0 * lines + 3.0


def _text_width(values: Sequence[str], cap: float, floor: float) -> float:
    longest = max((len(v) for v in values), default=0)
    return max(floor, min(cap, longest + 1))


def _header_width(header: str) -> float:
    """Narrowest width at which a wrapped header breaks only between words."""
    return max(len(word) for word in header.split()) + 1.5


def _header_height(headers: Sequence[str], widths: Sequence[float]) -> float:
    return layout.wrapped_height([(h, w - 1) for h, w in zip(headers, widths, strict=True)], line_height=12.5,
                                 minimum=18)


def _predikat_formula(ref: str, bands: Sequence[tuple[float, str]]) -> str:
    """Nested IF over the predikat bands (domain §4); ``-`` when there is no capaian."""
    inner = f'"{PREDIKAT_LOWEST}"'
    for lower, name in sorted(bands, key=lambda b: b[0]):
        inner = f'IF({ref}>={lower:.17g},"{name}",{inner})'
    return f'=IF(ISNUMBER({ref}),{inner},"{PREDIKAT_NONE}")'


def _predikat_value(value: float | None, bands: Sequence[tuple[float, str]]) -> str:
    if value is None or value != value:
        return PREDIKAT_NONE
    for lower, name in sorted(bands, key=lambda b: b[0], reverse=True):
        if value >= lower:
            return name
    return PREDIKAT_LOWEST


def _outline_levels(bidang: Sequence[str], levels: Sequence[str]) -> list[int]:
    """Row outline level per indicator row: Program under Sasaran, Kegiatan under Program, ...

    Each bidang starts at level 0 and a row goes at most one level deeper than the row above it, so
    a group never spans two bidang and a master that skips a level still groups sensibly.
    """
    out = []
    prev_b: str | None = None
    prev = -1
    for b, lvl in zip(bidang, levels, strict=True):
        if b != prev_b:
            prev = -1
            prev_b = b
        depth = min(_DEPTH.get(lvl, 3), prev + 1)
        out.append(depth)
        prev = depth
    return out


def _nip(nip: str) -> str:
    """NIP written the usual way: ``19700312 199503 1 002``."""
    digits = nip.replace(" ", "")
    if len(digits) == 18 and digits.isdigit():
        return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
    return nip


def _jabatan(jabatan: str, kantor: str) -> str:
    """``Kepala Dinas`` + ``Dinas Komunikasi ...`` -> ``Kepala Dinas Komunikasi ...``."""
    j, k = jabatan.split(), kantor.split()
    if j and k and j[-1].casefold() == k[0].casefold():
        return " ".join(j + k[1:])
    return f"{jabatan} {kantor}".strip()


@dataclass(frozen=True)
class _Block:
    """Rows of one bidang on the indicator sheets (0-based, inclusive); empty when first > last."""

    kode: str
    nama: str
    first: int
    last: int


