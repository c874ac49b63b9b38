"""Cell-level helpers of the rekap writer: the fast worksheet, checked cell writers, widths, formats.

Writers layer: used only by the rekap sheets; no ledger, no run."""

from __future__ import annotations

import functools
import math
import os
import shutil
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

    def _write_optimized_sheet_data(self) -> None:
        """xlsxwriter's copy of the row file into the sheet's XML, as bytes: the same text without decoding
        and encoding every character again (hundreds of megabytes in a 150,000-row rekap)."""
        fh: Any = self.fh
        out = getattr(fh, "buffer", None)
        if self.dim_rowmin is None or out is None or self.row_data_fh is None:
            super()._write_optimized_sheet_data()
            return
        self._xml_start_tag("sheetData")
        self.row_data_fh.flush()
        fh.flush()
        with open(self.row_data_filename, "rb") as rows:
            shutil.copyfileobj(rows, out, 1 << 20)
        self.row_data_fh.close()
        os.unlink(self.row_data_filename)
        self._xml_end_tag("sheetData")

    def _write_sparklines(self, sparkline: dict[str, Any]) -> None:
        """xlsxwriter's ``<x14:sparklines>`` element in one write: the rekap has a sparkline per indicator
        (150,000 of them took 1.4 s as one tag-writer call per element)."""
        count = sparkline["count"]
        self.fh.write("<x14:sparklines>" + "".join([
            f"<x14:sparkline><xm:f>{_xml_text(rng)}</xm:f><xm:sqref>{_xml_text(loc)}</xm:sqref></x14:sparkline>"
            for rng, loc in zip(sparkline["ranges"][:count], sparkline["locations"][:count], strict=True)])
            + "</x14:sparklines>")

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


class RowSink:
    """The rows of an indicator table written straight as sheet XML, a row at a time, into a
    constant-memory worksheet's row file: what xlsxwriter would write for the same cells, without its
    per-cell bookkeeping (a stored tuple, a dimension check and a row table per cell), which cost the
    150,000-row rekap more than half its time.

    Use between xlsxwriter's own writes of the rows above (title, header) and below (foot, signature):
    creating it flushes the rows xlsxwriter holds; :meth:`whole_row` writes a row whose cells were built a
    column at a time (:func:`num_cells`, :func:`txt_cells`, :func:`fml_cells`), rows in ascending order;
    :meth:`close` hands the sheet back to xlsxwriter with its dimensions, row heights and outline level.
    Cell notes (``write_comment``) may be added to the sink's rows.
    """

    def __init__(self, ws: Any, first: int, *, fh: Any = None) -> None:
        """``fh``: write the rows to this file instead (in a child process; see :func:`rows_elsewhere`)."""
        if not getattr(ws, "constant_memory", False):
            raise ValueError("RowSink needs a constant_memory worksheet")
        self.elsewhere = fh is not None
        if not self.elsewhere:
            ws._write_single_row(first)  # the rows xlsxwriter holds go out first (header, title)
        self.ws = ws
        self.fh = fh if self.elsewhere else ws.fh
        self.first = first
        self.row = -1
        self.max_col = 0
        self.level = 0
        self.notes: list[tuple[int, int, str, dict[str, Any]]] = []  # elsewhere: added by the parent
        self.row_limit = ws.xls_rowmax
        self.default_px = ws.default_row_height
        self.original_px = ws.original_row_height
        self.xf: dict[Any, str] = {}
        self.sizes: dict[int, int] = {}  # row heights in pixels

    def style(self, fmt: Any) -> str:
        """The style index written for ``fmt`` (looked up once per format)."""
        xf = self.xf.get(fmt)
        if xf is None:
            xf = self.xf[fmt] = str(fmt._get_xf_index())
        return xf

    def whole_row(self, r: int, height: float | None, level: int, cells: str, last_col: int) -> None:
        """Row ``r`` (0-based) with its height in points and outline level, whose cells are already XML in
        column order, the last in column ``last_col``."""
        if r <= self.row or r < self.first:
            raise ValueError(f"rows go out in order: {r + 1} after {self.row + 1}")
        if r >= self.row_limit:
            _fail(self.ws, r, 0, -1)
        self.row = r
        attrs = f'<row r="{r + 1}"'
        if height is not None:
            px = int(height * 4.0 / 3.0 + 0.5)  # as xlsxwriter's set_row
            self.sizes[r] = px  # where xlsxwriter places cell notes below this row
            if px != self.original_px or px != self.default_px:
                attrs += f' ht="{px * 0.75:.16g}" customHeight="1"'
        if level:
            level = min(max(level, 0), 7)
            attrs += f' outlineLevel="{level}"'
            if level > self.level:
                self.level = level
        if last_col > self.max_col:
            self.max_col = last_col
        self.fh.write(f"{attrs}>{cells}</row>")

    def comment(self, r: int, c: int, text: str, options: dict[str, Any]) -> None:
        """A cell note (``write_comment``) on one of the sink's cells."""
        if self.elsewhere:
            self.notes.append((r, c, text, options))
            return
        result = self.ws.write_comment(r, c, text, options)
        if result:
            _fail(self.ws, r, c, result)

    def state(self) -> tuple[int, int, int, list[tuple[int, int, str, dict[str, Any]]], dict[int, int]]:
        return self.row, self.max_col, self.level, self.notes, self.sizes

    def adopt(self, path: str, state: tuple[int, int, int, list[Any], dict[int, int]]) -> None:
        """Append the rows another sink wrote to ``path`` (in a child process; they follow this sink's rows)
        and take over its state."""
        out = self.fh
        out.flush()
        with open(path, "rb") as rows:
            shutil.copyfileobj(rows, out.buffer, 1 << 20)
        row, max_col, level, notes, sizes = state
        if row >= 0:
            self.row = row
        self.max_col = max(self.max_col, max_col)
        self.level = max(self.level, level)
        self.sizes.update(sizes)
        for r, c, text, options in notes:
            self.comment(r, c, text, options)

    def close(self) -> None:
        """Hand the sheet back to xlsxwriter: the next row it writes follows the sink's last."""
        ws = self.ws
        for r, px in self.sizes.items():
            ws.row_sizes[r] = [px, False]
        for r, c, text, options in self.notes:
            result = ws.write_comment(r, c, text, options)
            if result:
                _fail(ws, r, c, result)
        if self.row >= 0:
            ws._check_dimensions(self.first, 0)
            ws._check_dimensions(self.row, self.max_col)
            ws.previous_row = self.row + 1
            if self.level > ws.outline_row_level:
                ws.outline_row_level = self.level


class PendingRows:
    """Rows being written by a child process; :meth:`join` copies them into the sheet."""

    def __init__(self, ws: Any, first: int, fill: Callable[[RowSink], Any], proc: Any, path: str) -> None:
        self.ws, self.first, self.fill, self.proc, self.path = ws, first, fill, proc, path

    def _payload(self) -> Any:
        """Wait for the child: ``(state, result)``, or None when it failed (then it is not trusted)."""
        import pickle

        self.proc.join()
        code = self.proc.exitcode
        self.proc.close()
        if code != 0:
            return None
        with open(self.path + ".state", "rb") as fh:
            return pickle.load(fh)

    def _remove(self) -> None:
        for p in (self.path, self.path + ".state"):
            if os.path.exists(p):
                os.unlink(p)

    def join(self) -> None:
        """Wait for the child and take its rows as the sheet's, from its first row; a child that failed is
        not trusted: the rows are written here instead (an error in them, e.g. a text too long for a cell,
        is then raised here)."""
        try:
            payload = self._payload()
            sink = RowSink(self.ws, self.first)  # flushes the header rows xlsxwriter holds
            if payload is None:
                self.fill(sink)
                sink.close()
                return
            sink.adopt(self.path, payload[0])
            sink.close()
        finally:
            self._remove()

    def join_into(self, sink: RowSink) -> Any:
        """Wait for the child and append its rows to ``sink`` (whose rows come before them); return what
        the child's ``fill`` returned. A child that failed: ``fill`` runs here, into ``sink``."""
        try:
            payload = self._payload()
            if payload is None:
                return self.fill(sink)
            sink.adopt(self.path, payload[0])
            return payload[1]
        finally:
            self._remove()

    def stop(self) -> None:
        """Kill the child (the workbook is being abandoned) and remove its files."""
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        self.proc.close()
        self._remove()


def _rows_child(ws: Any, first: int, fill: Callable[[RowSink], Any], path: str) -> None:
    """The child's work; any failure is only its exit code (the parent writes the rows itself then and
    meets the error, if it is one, with its own message)."""
    import pickle
    import sys

    try:
        with open(path, "w", encoding="utf-8") as fh:
            sink = RowSink(ws, first, fh=fh)
            result = fill(sink)
            state = sink.state()
        with open(path + ".state", "wb") as out:
            pickle.dump((state, result), out)
    except BaseException:  # noqa: BLE001 - reported by the exit code, handled by the parent
        sys.exit(1)


def rows_elsewhere(ws: Any, first: int, fill: Callable[[RowSink], Any], formats: Sequence[Any],
                   tmpdir: str | None) -> PendingRows | None:
    """Start ``fill(sink)`` for the rows from ``first`` in a forked child, so that with two cores one
    indicator sheet is written while the parent writes the other; None where processes are not forked
    (Windows, macOS; see :func:`kinerja_batch.safety.start_method`): the caller writes the rows itself.

    ``fill`` must only write through the sink (whatever else it changes is lost with the child) and
    use only ``formats``, whose style indices are fixed here so that parent and child agree.
    """
    import multiprocessing
    import tempfile

    from kinerja_batch.safety import start_method

    method = start_method()
    if method != "fork":  # spawning would pickle the whole period for one sheet: not worth it
        return None
    for fmt in formats:
        fmt._get_xf_index()
    fd, path = tempfile.mkstemp(prefix=".tmp_rekap_rows_", dir=tmpdir)
    os.close(fd)
    ctx: Any = multiprocessing.get_context(method)
    proc = ctx.Process(target=_rows_child, args=(ws, first, fill, path), daemon=True)
    proc.start()
    return PendingRows(ws, first, fill, proc, path)


class RowStyles:
    """The style indices an indicator table's rows use, resolved once (before any child process forks):
    plain or group (Tujuan/Sasaran/Program) rows, a K value whole or with decimals (as :func:`_kf`), the
    indented text of each outline level."""

    def __init__(self, sink: RowSink, plain: dict[str, Any], group: dict[str, Any], ind_plain: Sequence[Any],
                 ind_group: Sequence[Any]) -> None:
        style = sink.style
        self.plain = {k: style(f) for k, f in plain.items()}
        self.group = {k: style(f) for k, f in group.items()}
        self.ind = ([style(f) for f in ind_plain], [style(f) for f in ind_group])
        self.whole = {(False, False): self.plain["k"], (False, True): self.plain["ki"],
                      (True, False): self.group["k"], (True, True): self.group["ki"]}

    def per_row(self, key: str, group: Sequence[bool]) -> list[str]:
        return [self.group[key] if g else self.plain[key] for g in group]

    def k(self, values: Sequence[Any], group: Sequence[bool]) -> list[str]:
        """A K value's style: whole numbers without decimals (1.250), others with two (72,50)."""
        return [self.whole[g, type(v) is float and v == v and v.is_integer()]
                for v, g in zip(values, group, strict=True)]

    def indent(self, group: Sequence[bool], depth: Sequence[int]) -> list[str]:
        return [self.ind[g][d] for g, d in zip(group, depth, strict=True)]


# ------------------------------------------------------------------ whole columns of cells
# The same XML as RowSink's writers, a column of a block of rows at a time: ``xs`` the rows' numbers as
# written in references, ``styles`` one style index for all or one per row. A cell left out is "".


def _each(styles: str | Sequence[str], n: int) -> Sequence[str]:
    return [styles] * n if isinstance(styles, str) else styles


def num_cells(letter: str, xs: Sequence[str], values: Sequence[Any], styles: str | Sequence[str]) -> list[str]:
    return [f'<c r="{letter}{x}" s="{s}"/>' if v is None or v != v or v - v != 0
            else f'<c r="{letter}{x}" s="{s}"><v>{float(v):.16G}</v></c>'
            for x, v, s in zip(xs, values, _each(styles, len(xs)), strict=True)]


def num_xml(letter: str, x: str, s: str, v: Any) -> str:
    """One cell of :func:`num_cells` (for cells made row by row)."""
    if v is None or v != v or v - v != 0:
        return f'<c r="{letter}{x}" s="{s}"/>'
    return f'<c r="{letter}{x}" s="{s}"><v>{float(v):.16G}</v></c>'


def fml_xml(letter: str, x: str, s: str, f: str, v: Any) -> str:
    """One cell of :func:`fml_cells` (for cells made row by row)."""
    if type(v) is str:
        if v:
            return f'<c r="{letter}{x}" s="{s}" t="str"><f>{_xml_text(f)}</f><v>{_xml_text(v)}</v></c>'
        return f'<c r="{letter}{x}" s="{s}"><f>{_xml_text(f)}</f><v></v></c>'
    return f'<c r="{letter}{x}" s="{s}"><f>{_xml_text(f)}</f><v>{"" if v is None or v != v else v}</v></c>'


def txt_cells(ws: Any, r0: int, c: int, xs: Sequence[str], values: Sequence[Any],
              styles: str | Sequence[str]) -> list[str]:
    """Texts (``r0``: the 0-based row of ``xs[0]``, for the message of a text too long for a cell)."""
    letter = _LETTERS[c] if c < 702 else layout.col_letter(c)
    texts = [v if type(v) is str else _text(v) for v in values]
    for i, t in enumerate(texts):
        if len(t) > 32767:
            _fail(ws, r0 + i, c, -2)
    return [f'<c r="{letter}{x}" s="{s}" t="inlineStr"><is>{_inline_text(t)}</is></c>' if t
            else f'<c r="{letter}{x}" s="{s}"/>'
            for x, t, s in zip(xs, texts, _each(styles, len(xs)), strict=True)]


def fml_cells(letter: str, xs: Sequence[str], formulas: Sequence[str], styles: str | Sequence[str],
              cached: Sequence[Any]) -> list[str]:
    """Formulas (without their ``=``) with cached results: a number, a text, or "" for none."""
    out = []
    for x, f, s, v in zip(xs, formulas, _each(styles, len(xs)), cached, strict=True):
        if type(v) is str:
            out.append(f'<c r="{letter}{x}" s="{s}" t="str"><f>{_xml_text(f)}</f><v>{_xml_text(v)}</v></c>' if v
                       else f'<c r="{letter}{x}" s="{s}"><f>{_xml_text(f)}</f><v></v></c>')
        else:
            out.append(f'<c r="{letter}{x}" s="{s}"><f>{_xml_text(f)}</f><v>{"" if v is None or v != v else v}</v></c>')
    return out


@functools.lru_cache(maxsize=1 << 16)  # level, satuan, status, bidang ... repeat on every other row
def _inline_text(text: str) -> str:
    """The ``<t>`` of an inline string as xlsxwriter writes it: control characters as ``_xHHHH_`` (a
    literal ``_xHHHH_`` kept by escaping its underscore), leading or trailing white space preserved; text
    that looks like rich-string markup is escaped like any other (xlsxwriter would pass it through)."""
    if _plain_text(text):
        return f"<t>{_xml_text(text)}</t>"
    text = Worksheet._escape_control_characters(text)
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return f"<t{space}>{_xml_text(text)}</t>"


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
        if "\n" in text:
            n = sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))
        else:  # one paragraph (almost every cell): no list of parts
            n = -(-len(text) // per_line)
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


