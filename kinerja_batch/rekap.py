"""The rekap workbook leaders open: ``outbox/rekap_<periode>.xlsx`` (domain §7, issue 5).

Sheets, in order: Ringkasan, Pengukuran Kinerja, Evaluasi Renja, Perlu Konfirmasi, Status
Pengumpulan, Galat Validasi, Info Proses (and the very hidden metadata sheet).

Every computed number (realisasi s.d. TW, both capaian, serapan, predikat, totals, averages and
counts) is a live Excel formula over the cells it comes from, written with its cached value
taken from :mod:`kinerja_batch.measure` (through ``PeriodData.measures``): an auditor clicks a cell
and sees how it was computed, readers that do not recalculate see the right number, and a
spreadsheet that recalculates finds the same number. The formulas mirror measure.py exactly:
a value that cannot be computed is an empty string, never 0 and never ``#DIV/0!``.

Written atomically (temp file + replace) in xlsxwriter's ``constant_memory`` mode (rows go to
disk as they are written, so 150,000 indicators fit in little memory). Text people typed is
always written with ``write_string`` (never a formula or a link, whatever it starts with) and
every xlsxwriter return code is checked, so nothing is truncated or dropped silently.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from kinerja_batch import __version__, layout
from kinerja_batch.config import PREDIKAT_LOWEST, PREDIKAT_NAMES, PREDIKAT_NONE
from kinerja_batch.outputs import (
    STATUS_BELUM,
    STATUS_DITERIMA,
    STATUS_DITOLAK,
    STATUS_KONFIRMASI,
    STATUS_TERLAMBAT,
    PeriodData,
)
from kinerja_batch.periode import ROMAN, format_tanggal
from kinerja_batch.templates import BAND_COLOURS, write_metadata
from kinerja_batch.xlsxcheck import fail

SHEET_RINGKASAN = "Ringkasan"
SHEET_PENGUKURAN = "Pengukuran Kinerja"
SHEET_EVALUASI = "Evaluasi Renja"
SHEET_KONFIRMASI = "Perlu Konfirmasi"
SHEET_STATUS = "Status Pengumpulan"
SHEET_GALAT = "Galat Validasi"
SHEET_INFO = "Info Proses"
SHEETS = (SHEET_RINGKASAN, SHEET_PENGUKURAN, SHEET_EVALUASI, SHEET_KONFIRMASI, SHEET_STATUS, SHEET_GALAT,
          SHEET_INFO)

H_TREN = "Tren TW I–IV"
H_SUMBER = "Sumber"
# printed part first (through Status); then the indicator's attributes and the bidang's texts
PENGUKURAN_HEADERS = [
    "Bidang", "Kode Indikator", "Uraian", "Indikator Kinerja", "Satuan", "Target Tahunan", "Target s.d. TW",
    "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV", H_TREN, "Realisasi",
    "Realisasi s.d. TW", "Capaian (%)", "Capaian thd Target Tahunan (%)", "Predikat", "Pagu Anggaran (Rp)",
    "Realisasi Anggaran TW I (Rp)", "Realisasi Anggaran TW II (Rp)", "Realisasi Anggaran TW III (Rp)",
    "Realisasi Anggaran TW IV (Rp)", "Realisasi Anggaran s.d. TW (Rp)", "Serapan (%)", "Status",
    "Level", "Polaritas", "Agregasi", "Dasar Target", "Faktor Pendorong", "Faktor Penghambat", "Bukti Dukung",
    H_SUMBER,
]
EVALUASI_HEADERS = [
    "No", "Kode Indikator", "Level", "Sasaran / Program / Kegiatan", "Indikator Kinerja", "Satuan",
    "Target Tahunan (K)", "Pagu Anggaran (Rp)",
    "Realisasi TW I (K)", "Realisasi TW I (Rp)", "Realisasi TW II (K)", "Realisasi TW II (Rp)",
    "Realisasi TW III (K)", "Realisasi TW III (Rp)", "Realisasi TW IV (K)", "Realisasi TW IV (Rp)",
    "Realisasi s.d. TW (K)", "Realisasi s.d. TW (Rp)", "Target s.d. TW (K)",
    "Capaian Kinerja s.d. TW (%)", "Capaian Kinerja thd Target Tahunan (%)", "Realisasi Anggaran thd Pagu (%)",
    "Predikat", "Unit Penanggung Jawab", "Keterangan",
]
KONFIRMASI_HEADERS = ["Bidang", "Kode Indikator", "Kode Temuan", "Level", "Pesan", "Status", "Nilai", "Tanggapan",
                      "Penjelasan", "Berkas", "Sel"]
STATUS_HEADERS = ["Bidang", "Nama Bidang", "Status", "Diterima", "Berkas", "Versi", "Terisi", "Diharapkan",
                  "Terisi / Diharapkan", "Temuan Terbuka", "Galat", "Ketepatan Waktu"]
GALAT_HEADERS = ["Bidang", "Berkas", "Lembar", "Sel", "Kode", "Nilai", "Pesan", "Kode Indikator"]
INFO_HEADERS = ["Keterangan", "Nilai"]

STATUS_TERISI = "Terisi"
STATUS_KOSONG = "Belum Diisi"
STATUS_GALAT = "Galat"
STATUS_PERLU_KONFIRMASI = STATUS_KONFIRMASI

TEPAT_WAKTU = "Tepat waktu"
TERLAMBAT = "Terlambat"

FMT_K = "#,##0.00"  # Excel shows it with the reader's separators: 1.234,56 in Indonesian settings
FMT_RP = "#,##0"
FMT_PCT = "0.00"
FMT_INT = "#,##0"

WARNA_HEADER = "#1F4E78"
WARNA_BAND = "#D9E1F2"
WARNA_GRUP = "#EEF3FA"  # rows of Tujuan / Sasaran / Program
GROUP_LEVELS = ("Tujuan", "Sasaran", "Program")
# outline depth of a level; a bidang's first row is always depth 0 (see _outline_levels)
_DEPTH = {"Tujuan": 0, "Sasaran": 0, "Program": 1, "Kegiatan": 2, "Sub Kegiatan": 3}
PREDIKAT_COLOURS = dict(zip((*PREDIKAT_NAMES, PREDIKAT_LOWEST), BAND_COLOURS, strict=True))

_TITLE_ROWS = 3  # title block above the header row of the table sheets
_CHUNK = 5000  # indicator rows turned into Python objects at a time


def write_rekap(path: Path, data: PeriodData) -> Path:
    """Write the rekap of one period atomically and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp_rekap_", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb = xlsxwriter.Workbook(tmp, {"constant_memory": True, "tmpdir": str(path.parent),
                                       "strings_to_formulas": False, "strings_to_urls": False,
                                       "strings_to_numbers": False, "nan_inf_to_errors": False})
        _RekapWriter(wb, data).write()
        wb.close()
        from kinerja_batch.batch import crash_point

        crash_point("saat_rekap")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the rekap is for the office to read
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


# ------------------------------------------------------------------------------------------------
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


def _esc(text: str) -> str:
    """Escape '&' for Excel header/footer codes."""
    return text.replace("&", "&&")


@dataclass(frozen=True)
class _Block:
    """Rows of one bidang on the indicator sheets (0-based, inclusive); empty when first > last."""

    kode: str
    nama: str
    first: int
    last: int


# ------------------------------------------------------------------------------------------------
# the writer


PK_KEYS = ("kode_bidang", "kode_indikator", "level", "uraian", "indikator_kinerja", "satuan", "polaritas",
           "agregasi", "target_tahunan", "target_sd", "target_basis", *(f"realisasi_tw{q}" for q in (1, 2, 3, 4)),
           "realisasi", "realisasi_sd", "capaian", "capaian_tahunan", "predikat", "pagu",
           *(f"anggaran_tw{q}" for q in (1, 2, 3, 4)), "anggaran_sd", "serapan", "pendorong", "penghambat", "bukti",
           "berkas", "sel_realisasi")
EV_KEYS = ("kode_bidang", "kode_indikator", "level", "uraian", "indikator_kinerja", "satuan", "polaritas",
           "agregasi", "target_tahunan", "target_sd", *(f"realisasi_tw{q}" for q in (1, 2, 3, 4)), "realisasi_sd",
           "capaian", "capaian_tahunan", "predikat", "pagu", *(f"anggaran_tw{q}" for q in (1, 2, 3, 4)),
           "anggaran_sd", "serapan", "keterangan")


class _RekapWriter:
    def __init__(self, wb: xlsxwriter.Workbook, data: PeriodData) -> None:
        self.wb = wb
        self.d = data
        self.s = data.settings
        self.p = data.periode
        self.n = data.periode.tw
        self.bands = self.s.predikat_bands()
        self.run_time = _parse_time(data.run_time)
        self.f = self._formats()
        self.sheets = {name: wb.add_worksheet(name, worksheet_class=_RekapSheet) for name in SHEETS}
        self._prepare()

    # ------------------------------------------------------------------ formats
    def _formats(self) -> dict[str, Any]:
        add = self.wb.add_format
        base = {"font_name": "Arial", "font_size": 9, "valign": "top", "border": 1, "border_color": "#BFBFBF"}
        f: dict[str, Any] = {
            "title": add({"font_name": "Arial", "bold": True, "font_size": 13, "font_color": WARNA_HEADER}),
            "subtitle": add({"font_name": "Arial", "bold": True, "font_size": 10}),
            "plain": add({"font_name": "Arial", "font_size": 9}),
            "note": add({"font_name": "Arial", "font_size": 8, "italic": True, "font_color": "#595959"}),
            "h2": add({"font_name": "Arial", "bold": True, "font_size": 11, "font_color": WARNA_HEADER,
                       "bottom": 2, "bottom_color": WARNA_HEADER}),
            "head": add({**base, "bold": True, "bg_color": WARNA_HEADER, "font_color": "#FFFFFF", "text_wrap": True,
                         "align": "center", "valign": "vcenter", "border_color": "#FFFFFF"}),
            "band": add({**base, "bold": True, "bg_color": WARNA_BAND, "text_wrap": True, "align": "center",
                         "valign": "vcenter"}),
            "label": add({**base, "text_wrap": True}),
            "label_bold": add({**base, "text_wrap": True, "bold": True, "bg_color": WARNA_BAND}),
            "value_int": add({**base, "num_format": FMT_INT, "bold": True}),
            "value_pct": add({**base, "num_format": FMT_PCT, "bold": True}),
            "value_text": add({**base, "bold": True, "align": "center"}),
            "foot_label": add({**base, "bold": True, "bg_color": WARNA_BAND, "align": "right", "text_wrap": True}),
            "foot_rp": add({**base, "bold": True, "bg_color": WARNA_BAND, "num_format": FMT_RP}),
            "foot_pct": add({**base, "bold": True, "bg_color": WARNA_BAND, "num_format": FMT_PCT}),
            "foot_text": add({**base, "bold": True, "bg_color": WARNA_BAND, "align": "center"}),
            "foot_blank": add({**base, "bg_color": WARNA_BAND}),
            "line": add({"font_name": "Arial", "font_size": 9, "text_wrap": True, "valign": "top"}),
            "sign": add({"font_name": "Arial", "font_size": 10, "align": "center", "text_wrap": True,
                         "valign": "top"}),
            "sign_name": add({"font_name": "Arial", "font_size": 10, "align": "center", "bold": True,
                              "underline": True}),
        }
        # cell formats of the indicator rows: plain rows and group rows (Tujuan/Sasaran/Program)
        kinds: dict[str, dict[str, Any]] = {
            "text": {"text_wrap": True},
            "center": {"text_wrap": True, "align": "center"},
            "k": {"num_format": FMT_K},
            "ki": {"num_format": FMT_INT},
            "rp": {"num_format": FMT_RP},
            "pct": {"num_format": FMT_PCT},
            "int": {"num_format": FMT_INT, "align": "center"},
            "spark": {},
        }
        for group in (False, True):
            extra: dict[str, Any] = {"bold": True, "bg_color": WARNA_GRUP} if group else {}
            for kind, spec in kinds.items():
                f[f"{kind}{'_g' if group else ''}"] = add({**base, **spec, **extra})
            for indent in range(4):
                f[f"ind{indent}{'_g' if group else ''}"] = add({**base, "text_wrap": True, "indent": indent, **extra})
        # conditional formats
        f["cf_bidang"] = add({"top": 2, "top_color": WARNA_HEADER})
        for name, colour in PREDIKAT_COLOURS.items():
            f[f"cf_{name}"] = add({"bg_color": colour})
        f["cf_konfirmasi"] = add({"bg_color": "#FCE4D6", "font_color": "#833C0B"})
        f["cf_galat"] = add({"bg_color": "#F8696B", "font_color": "#FFFFFF"})
        f["cf_kosong"] = add({"font_color": "#808080"})
        return f

    # ------------------------------------------------------------------ layout shared by the sheets
    def _prepare(self) -> None:
        """Order the indicators (bidang in master order, then master order) and find each bidang's rows."""
        m = self.d.measures
        bidang_codes = self.d.master.bidang_codes()
        self.bidang_names = dict(zip(self.d.master.bidang["kode_bidang"], self.d.master.bidang["nama_bidang"],
                                     strict=True))
        rank = {k: i for i, k in enumerate(bidang_codes)}
        kb = m["kode_bidang"].astype(str).tolist() if len(m) else []
        ranks = np.array([rank.get(k, len(rank)) for k in kb], dtype=np.int64)
        order = np.argsort(ranks, kind="stable")
        self.m = m.iloc[order].reset_index(drop=True)
        self.count = len(self.m)
        ranks = ranks[order]
        self.cols = _Columns(self.m)
        # header row and first data row of the indicator sheets (0-based)
        self.pk_header = _TITLE_ROWS
        self.pk_first = self.pk_header + 1
        self.ev_header = _TITLE_ROWS + 1  # a band row sits above the Evaluasi Renja header
        self.ev_first = self.ev_header + 1
        starts = np.searchsorted(ranks, np.arange(len(bidang_codes)), side="left")
        ends = np.searchsorted(ranks, np.arange(len(bidang_codes)), side="right")
        # rows of each bidang as indices into self.m; add a sheet's first data row for its cell rows
        self.blocks = [_Block(k, self.bidang_names.get(k, k), int(a), int(e) - 1)
                       for k, a, e in zip(bidang_codes, starts, ends, strict=True)]
        kodes = [kb[i] for i in order]
        self.outline = _outline_levels(kodes, self.m["level"].astype(str).tolist() if self.count else [])
        del kodes, kb
        open_codes = {f["kode_indikator"] for f in self.d.findings if f.get("status") == "Terbuka"}
        galat_codes = {f["kode_indikator"] for f in self.d.galat if f.get("kode_indikator")}
        codes = self.m["kode_indikator"] if self.count else None
        terisi = self.cols.get("terisi").astype(bool)
        if codes is not None:
            is_open = codes.isin(open_codes).to_numpy()
            is_galat = codes.isin(galat_codes).to_numpy()
        else:
            is_open = is_galat = np.zeros(0, dtype=bool)
        self.ind_status = np.select(
            [is_open, is_galat & ~terisi, terisi], [STATUS_PERLU_KONFIRMASI, STATUS_GALAT, STATUS_TERISI],
            default=STATUS_KOSONG).tolist()

    def chunks(self, keys: Sequence[str]) -> Any:
        """``(first index, {key: list of values})`` over the ordered measures, a slice at a time, so
        that only one slice of Python objects is alive (a 150,000-row rekap stays small in memory)."""
        for start in range(0, self.count, _CHUNK):
            part = self.m.iloc[start:start + _CHUNK]
            yield start, {k: part[k].tolist() for k in keys}

    # ------------------------------------------------------------------ cells
    def put(self, ws: Any, r: int, c: int, value: Any, fmt: Any = None) -> None:
        """Write one value: text always as text, numbers as numbers, nothing as a formatted blank."""
        if _is_missing(value):
            result = ws.write_blank(r, c, None, fmt)
        elif isinstance(value, bool):
            result = ws.write_string(r, c, "Ya" if value else "Tidak", fmt)
        elif isinstance(value, int | float | np.integer | np.floating):
            result = ws.write_number(r, c, float(value), fmt)
        else:
            result = ws.write_string(r, c, str(value), fmt)
        if result:
            _fail(ws, r, c, result)

    def formula(self, ws: Any, r: int, c: int, formula: str, fmt: Any, cached: Any) -> None:
        result = ws.write_formula(r, c, formula, fmt, cached)
        if result:
            _fail(ws, r, c, result)

    def merge(self, ws: Any, r0: int, c0: int, r1: int, c1: int, text: str, fmt: Any) -> None:
        if r0 == r1 and c0 == c1:
            self.put(ws, r0, c0, text, fmt)
            return
        result = ws.merge_range(r0, c0, r1, c1, "", fmt)
        if result:
            _fail(ws, r0, c0, result)
        self.put(ws, r0, c0, text, fmt)

    def title_block(self, ws: Any, title: str, last_col: int, note: str = "") -> None:
        """Three short title rows; none of them repeats a header text."""
        self.put(ws, 0, 0, title, self.f["title"])
        self.put(ws, 1, 0, f"{self.s.kantor.nama} · {self.p.label} ({self.p})", self.f["subtitle"])
        if note:
            self.put(ws, 2, 0, note, self.f["note"])

    def print_setup(self, ws: Any, *, landscape: bool, repeat: tuple[int, int] | None, last_row: int,
                    last_col: int) -> None:
        if landscape:
            ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.3, right=0.3, top=0.55, bottom=0.55)
        if repeat:
            ws.repeat_rows(*repeat)
        ws.print_area(0, 0, max(last_row, 0), last_col)
        ws.set_header("&L&8" + _esc(self.s.kantor.nama) + "&R&8" + _esc(f"{ws.name} · {self.p.label}"))
        ws.set_footer("&L&8" + _esc(f"Rekap {self.p} · dibuat {self.d.run_time}") + "&R&8Halaman &P dari &N")

    # ------------------------------------------------------------------ the workbook
    def write(self) -> None:
        self.ringkasan()
        self.pengukuran()
        self.evaluasi()
        self.konfirmasi()
        self.status()
        self.galat()
        self.info()
        write_metadata(self.wb, {
            "jenis": layout.KIND_REKAP, "periode": str(self.p), "schema_version": layout.SCHEMA_VERSION,
            "versi_alat": __version__, "dibuat": self.d.run_time,
        })
        self.wb.set_properties({
            "title": f"Rekap Data Kinerja {self.p}",
            "subject": f"Rekapitulasi data kinerja {self.p.label}",
            "author": "kinerja-batch",
            "company": self.s.kantor.nama,
            "comments": "Dibuat oleh kinerja-batch dari buku besar; setiap angka hasil hitungan berupa rumus.",
        })
        self.sheets[SHEET_RINGKASAN].activate()

    # ------------------------------------------------------------------ Pengukuran Kinerja
    def _pk_columns(self) -> dict[str, int]:
        return {h: i for i, h in enumerate(PENGUKURAN_HEADERS)}

    def _pk_widths(self) -> list[float]:
        c = self.cols
        w = {h: _header_width(h) for h in PENGUKURAN_HEADERS}

        def num(h: str, key: str, decimals: int | None, floor: float = 7) -> None:
            w[h] = max(w[h], floor, _num_width(c.get(key, []), decimals) + 1.5)

        w["Bidang"] = max(w["Bidang"], _text_width(list(self.bidang_names.values()), 16, 10))
        w["Kode Indikator"] = max(w["Kode Indikator"], _text_width([str(k) for k in c.get("kode_indikator", [])],
                                                                   20, 10))
        w["Uraian"] = 22
        w["Indikator Kinerja"] = 28
        w["Satuan"] = max(w["Satuan"], _text_width([str(s) for s in c.get("satuan", [])], 9, 6))
        num("Target Tahunan", "target_tahunan", None)
        num("Target s.d. TW", "target_sd", None)
        for q in (1, 2, 3, 4):
            num(f"Realisasi TW {ROMAN[q]}", f"realisasi_tw{q}", None)
            num(f"Realisasi Anggaran TW {ROMAN[q]} (Rp)", f"anggaran_tw{q}", 0, 10)
        w[H_TREN] = 8
        num("Realisasi", "realisasi", None)
        num("Realisasi s.d. TW", "realisasi_sd", None)
        num("Capaian (%)", "capaian", 2)
        num("Capaian thd Target Tahunan (%)", "capaian_tahunan", 2)
        w["Predikat"] = 11.5
        num("Pagu Anggaran (Rp)", "pagu", 0, 10)
        num("Realisasi Anggaran s.d. TW (Rp)", "anggaran_sd", 0, 10)
        num("Serapan (%)", "serapan", 2)
        w["Status"] = 10.5
        w["Level"] = 11
        w["Polaritas"] = 8.5
        w["Agregasi"] = 10
        w["Dasar Target"] = 13
        w["Faktor Pendorong"] = 28
        w["Faktor Penghambat"] = 28
        w["Bukti Dukung"] = 20
        w[H_SUMBER] = 26
        return [w[h] for h in PENGUKURAN_HEADERS]

    def _row_formats(self) -> tuple[dict[str, Any], dict[str, Any], list[Any], list[Any]]:
        """Cell formats of plain and group rows, and the indented text formats per outline level."""
        f = self.f
        fk = ("text", "center", "k", "ki", "rp", "pct", "int", "spark")
        return ({k: f[k] for k in fk}, {k: f[k + "_g"] for k in fk}, [f[f"ind{i}"] for i in range(4)],
                [f[f"ind{i}_g"] for i in range(4)])

    def pengukuran(self) -> None:
        ws = self.sheets[SHEET_PENGUKURAN]
        f = self.f
        col = self._pk_columns()
        last_col = len(PENGUKURAN_HEADERS) - 1
        widths = self._pk_widths()
        hidden = {col[f"Realisasi Anggaran TW {ROMAN[q]} (Rp)"] for q in (1, 2, 3, 4)}
        for i, width in enumerate(widths):
            if i in hidden:
                ws.set_column(i, i, width, None, {"level": 1, "hidden": True})
            elif i == col["Realisasi Anggaran s.d. TW (Rp)"]:
                ws.set_column(i, i, width, None, {"collapsed": True})
            else:
                ws.set_column(i, i, width)
        ws.outline_settings(True, False, True, False)

        self.title_block(ws, f"PENGUKURAN KINERJA {self.p.label.upper()}", last_col,
                         f"Capaian dalam persen. Target s.d. TW = Target TW{self.n} bila ada di master, selain itu "
                         "Target Tahunan (lihat kolom Dasar Target). Angka hasil hitungan berupa rumus; realisasi "
                         "anggaran per triwulan ada di kolom yang dapat dibuka (+).")
        hr = self.pk_header
        ws.set_row(hr, _header_height(PENGUKURAN_HEADERS, widths))
        for cc, h in enumerate(PENGUKURAN_HEADERS):
            self.put(ws, hr, cc, h, f["head"])

        first = self.pk_first
        n = self.n
        L = layout.col_letter
        c_tw = [col[f"Realisasi TW {ROMAN[q]}"] for q in (1, 2, 3, 4)]
        c_ag = [col[f"Realisasi Anggaran TW {ROMAN[q]} (Rp)"] for q in (1, 2, 3, 4)]
        tw_l = [L(i) for i in c_tw]
        ag_l = [L(i) for i in c_ag]
        (c_bidang, c_kode, c_uraian, c_ind, c_satuan, c_tt, c_tsd, c_tren, c_real, c_sd, c_cap, c_capt, c_pred,
         c_pagu, c_agsd, c_ser, c_status, c_level, c_pol, c_agr, c_basis, c_pendorong, c_penghambat, c_bukti,
         c_sumber) = (col[h] for h in (
            "Bidang", "Kode Indikator", "Uraian", "Indikator Kinerja", "Satuan", "Target Tahunan", "Target s.d. TW",
            H_TREN, "Realisasi", "Realisasi s.d. TW", "Capaian (%)", "Capaian thd Target Tahunan (%)", "Predikat",
            "Pagu Anggaran (Rp)", "Realisasi Anggaran s.d. TW (Rp)", "Serapan (%)", "Status", "Level", "Polaritas",
            "Agregasi", "Dasar Target", "Faktor Pendorong", "Faktor Penghambat", "Bukti Dukung", H_SUMBER))
        sd_l, tt_l, tsd_l, pagu_l, agsd_l, cap_l, tren_l = (L(i) for i in (
            c_sd, c_tt, c_tsd, c_pagu, c_agsd, c_cap, c_tren))
        cap_forms = _capaian_builders(self.s.aturan_negatif)
        pred_tmpl = _predikat_formula("{ref}", self.bands)
        wrap = [(c_bidang, widths[c_bidang]), (c_kode, widths[c_kode]), (c_uraian, widths[c_uraian]),
                (c_ind, widths[c_ind]), (c_satuan, widths[c_satuan])]
        wrap_w = [w for _, w in wrap]
        spark_loc: list[str] = []
        spark_rng: list[str] = []
        fmt_plain, fmt_group, ind_plain, ind_group = self._row_formats()
        num, txt, fml = _cell_writers(ws)
        srow = ws.set_row

        for start, c in self.chunks(PK_KEYS):
            for j in range(len(c["kode_indikator"])):
                i = start + j
                r = first + i
                x = r + 1  # Excel row number
                level = str(c["level"][j])
                group = level in GROUP_LEVELS
                fm = fmt_group if group else fmt_plain
                fk, fki = fm["k"], fm["ki"]
                depth = self.outline[i]
                bname = self.bidang_names.get(c["kode_bidang"][j], str(c["kode_bidang"][j]))
                kode = str(c["kode_indikator"][j])
                uraian = _text(c["uraian"][j])
                indikator = _text(c["indikator_kinerja"][j])
                satuan = _text(c["satuan"][j])
                srow(r, _row_height((bname, kode, uraian, indikator, satuan), wrap_w), None,
                     {"level": depth} if depth else None)
                txt(r, c_bidang, bname, fm["text"])
                txt(r, c_kode, kode, fm["text"])
                txt(r, c_uraian, uraian, fm["text"])
                txt(r, c_ind, indikator, (ind_group if group else ind_plain)[depth])
                txt(r, c_satuan, satuan, fm["center"])
                v = c["target_tahunan"][j]
                num(r, c_tt, v, _kf(v, fk, fki))
                v = c["target_sd"][j]
                num(r, c_tsd, v, _kf(v, fk, fki))
                for q in range(4):
                    v = c[f"realisasi_tw{q + 1}"][j]
                    num(r, c_tw[q], v, _kf(v, fk, fki))
                txt(r, c_tren, "", fm["spark"])
                spark_loc.append(f"{tren_l}{x}")
                spark_rng.append(f"{tw_l[0]}{x}:{tw_l[3]}{x}")
                cur = f"{tw_l[n - 1]}{x}"
                v = _cached(c["realisasi"][j])
                fml(r, c_real, f'=IF(ISNUMBER({cur}),{cur},"")', _kf(v, fk, fki), v)
                agregasi = str(c["agregasi"][j])
                polaritas = str(c["polaritas"][j])
                v = _cached(c["realisasi_sd"][j])
                fml(r, c_sd, _sd_formula(agregasi, f"{tw_l[0]}{x}:{cur}", cur), _kf(v, fk, fki), v)
                sd = f"{sd_l}{x}"
                fml(r, c_cap, cap_forms[polaritas](sd, f"{tsd_l}{x}"), fm["pct"], _cached(c["capaian"][j]))
                fml(r, c_capt, cap_forms[polaritas](sd, f"{tt_l}{x}"), fm["pct"], _cached(c["capaian_tahunan"][j]))
                fml(r, c_pred, pred_tmpl.replace("{ref}", f"{cap_l}{x}"), fm["center"], str(c["predikat"][j]))
                num(r, c_pagu, c["pagu"][j], fm["rp"])
                for q in range(4):
                    num(r, c_ag[q], c[f"anggaran_tw{q + 1}"][j], fm["rp"])
                ag_span = f"{ag_l[0]}{x}:{ag_l[n - 1]}{x}"
                fml(r, c_agsd, f'=IF(COUNT({ag_span})=0,"",SUM({ag_span}))', fm["rp"], _cached(c["anggaran_sd"][j]))
                fml(r, c_ser, _ratio_formula(f"{agsd_l}{x}", f"{pagu_l}{x}"), fm["pct"], _cached(c["serapan"][j]))
                txt(r, c_status, self.ind_status[i], fm["center"])
                txt(r, c_level, level, fm["text"])
                txt(r, c_pol, polaritas, fm["center"])
                txt(r, c_agr, agregasi, fm["center"])
                txt(r, c_basis, c["target_basis"][j], fm["center"])
                txt(r, c_pendorong, c["pendorong"][j], fm["text"])
                txt(r, c_penghambat, c["penghambat"][j], fm["text"])
                txt(r, c_bukti, c["bukti"][j], fm["text"])
                berkas = _text(c["berkas"][j])
                txt(r, c_sumber, f"{berkas}!{_text(c['sel_realisasi'][j])}" if berkas else "", fm["text"])

        last = first + self.count - 1
        if self.count:
            ws.add_sparkline(first, c_tren, {"location": spark_loc, "range": spark_rng, "type": "line",
                                             "markers": True, "series_color": WARNA_HEADER,
                                             "markers_color": "#C00000", "empty_cells": "gap"})
            ws.conditional_format(first, 0, last, last_col, {
                "type": "formula", "criteria": f"=$A{first + 1}<>$A{first}", "format": f["cf_bidang"]})
            self._predikat_colours(ws, first, last, c_pred)
            for text, key in ((STATUS_PERLU_KONFIRMASI, "cf_konfirmasi"), (STATUS_GALAT, "cf_galat"),
                              (STATUS_KOSONG, "cf_kosong")):
                ws.conditional_format(first, c_status, last, c_status, {
                    "type": "cell", "criteria": "==", "value": f'"{text}"', "format": f[key]})
        ws.freeze_panes(first, 2)
        ws.autofilter(hr, 0, max(last, hr), last_col)
        self.print_setup(ws, landscape=True, repeat=(hr, hr), last_row=max(last, hr), last_col=c_status)

    def _predikat_colours(self, ws: Any, first: int, last: int, c: int) -> None:
        for name in PREDIKAT_COLOURS:
            ws.conditional_format(first, c, last, c, {"type": "cell", "criteria": "==", "value": f'"{name}"',
                                                      "format": self.f[f"cf_{name}"]})

    # ------------------------------------------------------------------ Evaluasi Renja
    def evaluasi(self) -> None:
        ws = self.sheets[SHEET_EVALUASI]
        f = self.f
        c = self.cols
        H = EVALUASI_HEADERS
        col = {h: i for i, h in enumerate(H)}
        last_col = len(H) - 1
        L = layout.col_letter
        w = {h: _header_width(h) for h in H}
        w["No"] = max(4.5, len(str(self.count)) + 1.5)
        w["Kode Indikator"] = max(w["Kode Indikator"], _text_width([str(k) for k in c.get("kode_indikator", [])],
                                                                   20, 10))
        w["Level"] = 10.5
        w["Sasaran / Program / Kegiatan"] = 26
        w["Indikator Kinerja"] = 30
        w["Satuan"] = max(w["Satuan"], _text_width([str(s) for s in c.get("satuan", [])], 10, 6))
        def with_total(key: str) -> list[float]:
            values = list(c.get(key, []))
            return [*values, _fsum(values)]  # the Jumlah row

        def num_w(h: str, values: Any, decimals: int | None, floor: float = 8) -> None:
            w[h] = max(w[h], floor, _num_width(values, decimals) + 1.5)

        num_w("Target Tahunan (K)", c.get("target_tahunan", []), None)
        num_w("Pagu Anggaran (Rp)", with_total("pagu"), 0, 11)
        for q in (1, 2, 3, 4):
            num_w(f"Realisasi TW {ROMAN[q]} (K)", c.get(f"realisasi_tw{q}", []), None)
            num_w(f"Realisasi TW {ROMAN[q]} (Rp)", with_total(f"anggaran_tw{q}"), 0, 10)
        num_w("Realisasi s.d. TW (K)", c.get("realisasi_sd", []), None)
        num_w("Realisasi s.d. TW (Rp)", with_total("anggaran_sd"), 0, 11)
        num_w("Target s.d. TW (K)", c.get("target_sd", []), None)
        num_w("Capaian Kinerja s.d. TW (%)", c.get("capaian", []), 2)
        num_w("Capaian Kinerja thd Target Tahunan (%)", c.get("capaian_tahunan", []), 2)
        num_w("Realisasi Anggaran thd Pagu (%)", c.get("serapan", []), 2)
        w["Predikat"] = 12
        w["Unit Penanggung Jawab"] = max(w["Unit Penanggung Jawab"],
                                         _text_width(list(self.bidang_names.values()), 20, 12))
        w["Keterangan"] = 24
        widths = [w[h] for h in H]
        for i, width in enumerate(widths):
            ws.set_column(i, i, width)
        ws.outline_settings(True, False, True, False)

        self.put(ws, 0, 0, "EVALUASI TERHADAP HASIL RENJA PERANGKAT DAERAH", f["title"])
        self.put(ws, 1, 0, f"{self.s.kantor.nama} · Periode pelaksanaan: {self.p.label}", f["subtitle"])
        self.put(ws, 2, 0, "K = kinerja (sesuai satuan indikator); Rp = anggaran. Tingkat capaian dalam persen; "
                           "predikat menurut capaian kinerja s.d. triwulan (skala Permendagri 86/2017).", f["note"])
        # band row: groups of the Permendagri form, above the one header row
        br = self.ev_header - 1
        ws.set_row(br, 28)
        groups = [
            (col["Target Tahunan (K)"], col["Pagu Anggaran (Rp)"], f"Target Renja Tahun {self.p.tahun}"),
            (col["Realisasi TW I (K)"], col["Realisasi TW IV (Rp)"], "Realisasi Kinerja dan Anggaran pada Triwulan"),
            (col["Realisasi s.d. TW (K)"], col["Realisasi s.d. TW (Rp)"],
             f"Realisasi Kinerja dan Anggaran s.d. Triwulan {self.p.tw_romawi}"),
            (col["Target s.d. TW (K)"], col["Realisasi Anggaran thd Pagu (%)"],
             "Tingkat Capaian Kinerja dan Realisasi Anggaran"),
        ]
        covered: set[int] = set()
        for c0, c1, text in groups:
            self.merge(ws, br, c0, br, c1, text, f["band"])
            covered.update(range(c0, c1 + 1))
        for i in range(len(H)):
            if i not in covered:
                ws.write_blank(br, i, None, f["band"])
        hr = self.ev_header
        ws.set_row(hr, _header_height(H, widths))
        for i, h in enumerate(H):
            self.put(ws, hr, i, h, f["head"])

        first = self.ev_first
        n = self.n
        kl = [L(col[f"Realisasi TW {ROMAN[q]} (K)"]) for q in (1, 2, 3, 4)]
        rl = [L(col[f"Realisasi TW {ROMAN[q]} (Rp)"]) for q in (1, 2, 3, 4)]
        c_sdk, c_sdr, c_tsd = col["Realisasi s.d. TW (K)"], col["Realisasi s.d. TW (Rp)"], col["Target s.d. TW (K)"]
        c_cap, c_capt, c_ser = (col["Capaian Kinerja s.d. TW (%)"], col["Capaian Kinerja thd Target Tahunan (%)"],
                                col["Realisasi Anggaran thd Pagu (%)"])
        c_pred = col["Predikat"]
        sdk_l, sdr_l, tsd_l, tt_l, pagu_l, cap_l = (L(i) for i in (
            c_sdk, c_sdr, c_tsd, col["Target Tahunan (K)"], col["Pagu Anggaran (Rp)"], c_cap))
        cap_forms = _capaian_builders(self.s.aturan_negatif)
        pred_tmpl = _predikat_formula("{ref}", self.bands)
        fmt_plain, fmt_group, ind_plain, ind_group = self._row_formats()
        wrap_w = [w[h] for h in ("Kode Indikator", "Sasaran / Program / Kegiatan", "Indikator Kinerja",
                                 "Unit Penanggung Jawab", "Keterangan", "Satuan", "Level")]
        c_no, c_kode, c_level, c_uraian, c_ind, c_satuan, c_tt, c_pagu, c_unit, c_ket = (col[h] for h in (
            "No", "Kode Indikator", "Level", "Sasaran / Program / Kegiatan", "Indikator Kinerja", "Satuan",
            "Target Tahunan (K)", "Pagu Anggaran (Rp)", "Unit Penanggung Jawab", "Keterangan"))
        c_k = [col[f"Realisasi TW {ROMAN[q]} (K)"] for q in (1, 2, 3, 4)]
        c_r = [col[f"Realisasi TW {ROMAN[q]} (Rp)"] for q in (1, 2, 3, 4)]
        num, txt, fml = _cell_writers(ws)
        srow = ws.set_row

        for start, c in self.chunks(EV_KEYS):
            for j in range(len(c["kode_indikator"])):
                i = start + j
                r = first + i
                x = r + 1
                level = str(c["level"][j])
                group = level in GROUP_LEVELS
                fm = fmt_group if group else fmt_plain
                fk, fki = fm["k"], fm["ki"]
                depth = self.outline[i]
                kode = str(c["kode_indikator"][j])
                uraian = _text(c["uraian"][j])
                indikator = _text(c["indikator_kinerja"][j])
                bname = self.bidang_names.get(c["kode_bidang"][j], str(c["kode_bidang"][j]))
                ket = _text(c["keterangan"][j])
                satuan = _text(c["satuan"][j])
                srow(r, _row_height((kode, uraian, indikator, bname, ket, satuan, level), wrap_w), None,
                     {"level": depth} if depth else None)
                num(r, c_no, i + 1, fm["int"])
                txt(r, c_kode, kode, fm["text"])
                txt(r, c_level, level, fm["text"])
                txt(r, c_uraian, uraian, (ind_group if group else ind_plain)[depth])
                txt(r, c_ind, indikator, fm["text"])
                txt(r, c_satuan, satuan, fm["center"])
                v = c["target_tahunan"][j]
                num(r, c_tt, v, _kf(v, fk, fki))
                num(r, c_pagu, c["pagu"][j], fm["rp"])
                for q in range(4):
                    v = c[f"realisasi_tw{q + 1}"][j]
                    num(r, c_k[q], v, _kf(v, fk, fki))
                    num(r, c_r[q], c[f"anggaran_tw{q + 1}"][j], fm["rp"])
                agregasi = str(c["agregasi"][j])
                polaritas = str(c["polaritas"][j])
                cur = f"{kl[n - 1]}{x}"
                # the K columns of the quarters are not adjacent: list them instead of a range
                quarters = ",".join(f"{kl[q]}{x}" for q in range(n))
                v = _cached(c["realisasi_sd"][j])
                fml(r, c_sdk, _sd_formula(agregasi, quarters, cur), _kf(v, fk, fki), v)
                rps = ",".join(f"{rl[q]}{x}" for q in range(n))
                fml(r, c_sdr, f'=IF(COUNT({rps})=0,"",SUM({rps}))', fm["rp"], _cached(c["anggaran_sd"][j]))
                v = c["target_sd"][j]
                num(r, c_tsd, v, _kf(v, fk, fki))
                sd = f"{sdk_l}{x}"
                fml(r, c_cap, cap_forms[polaritas](sd, f"{tsd_l}{x}"), fm["pct"], _cached(c["capaian"][j]))
                fml(r, c_capt, cap_forms[polaritas](sd, f"{tt_l}{x}"), fm["pct"], _cached(c["capaian_tahunan"][j]))
                fml(r, c_ser, _ratio_formula(f"{sdr_l}{x}", f"{pagu_l}{x}"), fm["pct"], _cached(c["serapan"][j]))
                fml(r, c_pred, pred_tmpl.replace("{ref}", f"{cap_l}{x}"), fm["center"], str(c["predikat"][j]))
                txt(r, c_unit, bname, fm["text"])
                txt(r, c_ket, ket, fm["text"])

        last = first + self.count - 1
        if self.count:
            self._predikat_colours(ws, first, last, c_pred)
            ws.conditional_format(first, 0, last, last_col, {
                "type": "formula", "criteria": f"=${L(c_unit)}{first + 1}<>${L(c_unit)}{first}",
                "format": f["cf_bidang"]})
        foot = max(last, hr) + 2
        foot_end = self._evaluasi_foot(ws, foot, col, first, last)
        end = self._signature(ws, foot_end + 2, max(0, last_col - 6), last_col)
        ws.freeze_panes(first, 2)
        ws.autofilter(hr, 0, max(last, hr), last_col)
        self.print_setup(ws, landscape=True, repeat=(br, hr), last_row=end, last_col=last_col)

    def _evaluasi_foot(self, ws: Any, r: int, col: dict[str, int], first: int, last: int) -> int:
        """Jumlah anggaran, rata-rata capaian and predikat under the table; returns the last row used."""
        f = self.f
        c = self.cols
        L = layout.col_letter
        has_rows = self.count > 0
        label_end = col["Satuan"]

        def rng(ci: int) -> str:
            return f"{L(ci)}{first + 1}:{L(ci)}{last + 1}"

        # Jumlah: the Rp columns summed; realisasi anggaran against pagu of the whole table
        self.merge(ws, r, 0, r, label_end, "Jumlah anggaran (Rp)", f["foot_label"])
        sums: dict[int, float] = {}
        rp_cols = [("Pagu Anggaran (Rp)", "pagu")] + [
            (f"Realisasi TW {ROMAN[q]} (Rp)", f"anggaran_tw{q}") for q in (1, 2, 3, 4)
        ] + [("Realisasi s.d. TW (Rp)", "anggaran_sd")]
        for h, key in rp_cols:
            ci = col[h]
            values = _finite(c.get(key))
            sums[ci] = math.fsum(values)
            if has_rows:  # nothing to add up (a quarter still to come): empty, not 0
                self.formula(ws, r, ci, f'=IF(COUNT({rng(ci)})=0,"",SUM({rng(ci)}))', f["foot_rp"],
                             sums[ci] if values else "")
            else:
                self.put(ws, r, ci, None, f["foot_rp"])
        ser = col["Realisasi Anggaran thd Pagu (%)"]
        pagu_c, sdr_c = col["Pagu Anggaran (Rp)"], col["Realisasi s.d. TW (Rp)"]
        for ci in range(label_end + 1, len(EVALUASI_HEADERS)):
            if ci not in sums and ci != ser:
                ws.write_blank(r, ci, None, f["foot_blank"])
        overall = (sums[sdr_c] / sums[pagu_c] * 100) if sums[pagu_c] else None
        self.formula(ws, r, ser, "=" + _ratio_formula(f"{L(sdr_c)}{r + 1}", f"{L(pagu_c)}{r + 1}")[1:],
                     f["foot_pct"], _cached(overall))

        # Rata-rata capaian and its predikat, per capaian column (rows written in order: constant_memory)
        avg_r, pred_r = r + 1, r + 2
        pct_cols = {col["Capaian Kinerja s.d. TW (%)"]: "capaian",
                    col["Capaian Kinerja thd Target Tahunan (%)"]: "capaian_tahunan", ser: "serapan"}
        means = {ci: _mean(c.get(key, [])) for ci, key in pct_cols.items()}
        self.merge(ws, avg_r, 0, avg_r, label_end, "Rata-rata capaian kinerja (%)", f["foot_label"])
        for ci in range(label_end + 1, len(EVALUASI_HEADERS)):
            if ci not in pct_cols:
                ws.write_blank(avg_r, ci, None, f["foot_blank"])
            elif has_rows:
                self.formula(ws, avg_r, ci, f'=IF(COUNT({rng(ci)})=0,"",AVERAGE({rng(ci)}))', f["foot_pct"],
                             _cached(means[ci]))
            else:
                self.put(ws, avg_r, ci, None, f["foot_pct"])
        self.merge(ws, pred_r, 0, pred_r, label_end, "Predikat kinerja", f["foot_label"])
        for ci in range(label_end + 1, len(EVALUASI_HEADERS)):
            if ci not in pct_cols:
                ws.write_blank(pred_r, ci, None, f["foot_blank"])
            else:
                self.formula(ws, pred_r, ci, _predikat_formula(f"{L(ci)}{avg_r + 1}", self.bands), f["foot_text"],
                             _predikat_value(means[ci], self.bands))

        # the lines the evaluation form asks the office to complete by hand
        r = pred_r + 2
        for text in (
            "Faktor pendorong keberhasilan pencapaian:",
            "Faktor penghambat pencapaian kinerja:",
            "Tindak lanjut yang diperlukan dalam triwulan berikutnya:",
            "Tindak lanjut yang diperlukan dalam Renja Perangkat Daerah berikutnya:",
        ):
            ws.set_row(r, 26)
            self.merge(ws, r, 0, r, 12, f"{text} " + "." * 150, f["line"])
            r += 1
        return r - 1

    def _signature(self, ws: Any, r: int, c0: int, c1: int) -> int:
        """Signature block of the Kepala Dinas over columns c0..c1; returns the last row used."""
        f = self.f
        k = self.s.kantor
        place = k.kota or "..............."
        when = format_tanggal(self.run_time.date()) if self.run_time else "...................."
        ws.set_row(r + 1, 28)
        self.merge(ws, r, c0, r, c1, f"{place}, {when}", f["sign"])
        self.merge(ws, r + 1, c0, r + 1, c1, _jabatan(k.kepala_jabatan, k.nama), f["sign"])
        self.merge(ws, r + 5, c0, r + 5, c1, k.kepala_nama or "(.......................................)",
                   f["sign_name"])
        self.merge(ws, r + 6, c0, r + 6, c1, f"NIP. {_nip(k.kepala_nip) if k.kepala_nip else '....................'}",
                   f["sign"])
        return r + 6

    # ------------------------------------------------------------------ Ringkasan
    def ringkasan(self) -> None:
        ws = self.sheets[SHEET_RINGKASAN]
        f = self.f
        s = self.s
        L = layout.col_letter
        ws.hide_gridlines(2)
        widths = [11, 40, 20, 11, 11, 13, 14]
        for i, w in enumerate(widths):
            ws.set_column(i, i, w)
        ws.set_column(7, 7, 2)
        ws.set_column(8, 20, 9.5)
        last_col = 6
        self.merge(ws, 0, 0, 0, last_col, "REKAPITULASI DATA KINERJA", f["title"])
        self.merge(ws, 1, 0, 1, last_col, s.kantor.nama, f["subtitle"])
        deadline = s.deadline(self.p)
        when = (format_tanggal(self.run_time.date()) + f" pukul {self.run_time:%H.%M}") if self.run_time else "-"
        facts = [
            f"Periode: {self.p.label} ({self.p})",
            f"Batas waktu pengumpulan: {format_tanggal(deadline, hari=True) if deadline else '(belum ditetapkan)'}",
            f"Waktu proses: {when}" + (f" (run #{self.d.run_id})" if self.d.run_id else ""),
        ]
        for i, text in enumerate(facts):
            self.merge(ws, 2 + i, 0, 2 + i, last_col, text, f["plain"])

        pk = _q(SHEET_PENGUKURAN)
        st = _q(SHEET_STATUS)
        pcol = self._pk_columns()
        first, last = self.pk_first + 1, self.pk_first + self.count  # Excel rows
        has = self.count > 0

        def pk_range(h: str, a: int = first, b: int = last) -> str:
            letter = L(pcol[h])
            return f"{pk}!${letter}${a}:${letter}${b}"

        status_rows = self.d.status
        n_b = len(status_rows)
        s_first, s_last = _TITLE_ROWS + 2, _TITLE_ROWS + 1 + n_b  # Excel rows of Status Pengumpulan data
        scol = {h: L(i) for i, h in enumerate(STATUS_HEADERS)}

        def st_range(h: str) -> str:
            return f"{st}!${scol[h]}${s_first}:${scol[h]}${s_last}"

        counts = {name: sum(1 for x in status_rows if x["status"] == name)
                  for name in (STATUS_BELUM, STATUS_DITOLAK, STATUS_KONFIRMASI, STATUS_DITERIMA, STATUS_TERLAMBAT)}
        on_time = sum(1 for x in status_rows if x["berkas"] and x["status"] != STATUS_DITOLAK and not x["terlambat"])
        late = sum(1 for x in status_rows if x["berkas"] and x["status"] != STATUS_DITOLAK and x["terlambat"])

        r = 6
        self.merge(ws, r, 0, r, last_col, "A. Pengumpulan kertas kerja", f["h2"])
        r += 1
        rows_a: list[tuple[str, str, Any]] = [
            ("Bidang yang diharapkan mengumpulkan", f"=COUNTA({st_range('Bidang')})" if n_b else "", n_b),
            ("Bidang yang sudah mengumpulkan",
             f'=COUNTIF({st_range("Ketepatan Waktu")},"{TEPAT_WAKTU}")+COUNTIF({st_range("Ketepatan Waktu")},'
             f'"{TERLAMBAT}")' if n_b else "", on_time + late),
            ("Tepat waktu", f'=COUNTIF({st_range("Ketepatan Waktu")},"{TEPAT_WAKTU}")' if n_b else "", on_time),
            ("Terlambat", f'=COUNTIF({st_range("Ketepatan Waktu")},"{TERLAMBAT}")' if n_b else "", late),
            ("Belum mengumpulkan", f'=COUNTIF({st_range("Status")},"{STATUS_BELUM}")' if n_b else "",
             counts[STATUS_BELUM]),
            ("Berkas ditolak (belum ada yang diterima)",
             f'=COUNTIF({st_range("Status")},"{STATUS_DITOLAK}")' if n_b else "", counts[STATUS_DITOLAK]),
            ("Bidang yang perlu konfirmasi", f'=COUNTIF({st_range("Status")},"{STATUS_KONFIRMASI}")' if n_b else "",
             counts[STATUS_KONFIRMASI]),
        ]
        status_chart_rows = (r + 2, r + 3, r + 4, r + 5)
        for label, formula, cached in rows_a:
            self.merge(ws, r, 0, r, 2, label, f["label"])
            if formula:
                self.formula(ws, r, 3, formula, f["value_int"], cached)
            else:
                self.put(ws, r, 3, cached, f["value_int"])
            r += 1

        r += 1
        self.merge(ws, r, 0, r, last_col, "B. Indikator kinerja", f["h2"])
        r += 1
        n_filled = int(self.cols.get("terisi").sum()) if self.count else 0
        jml_row = r
        cap_mean = _mean(self.cols.get("capaian", []))
        capt_mean = _mean(self.cols.get("capaian_tahunan", []))
        ser_mean = _mean(self.cols.get("serapan", []))
        rows_b: list[tuple[str, str, Any, str]] = [
            ("Jumlah indikator", f"=COUNTA({pk_range('Kode Indikator')})" if has else "", self.count, "value_int"),
            (f"Indikator terisi (realisasi {self.p.label})", f"=COUNT({pk_range('Realisasi')})" if has else "",
             n_filled, "value_int"),
            ("Persentase indikator terisi (%)", _ratio_formula(f"D{jml_row + 2}", f"D{jml_row + 1}"),
             (n_filled / self.count * 100) if self.count else None, "value_pct"),
            ("Rata-rata capaian s.d. TW (%)",
             f'=IF(COUNT({pk_range("Capaian (%)")})=0,"",AVERAGE({pk_range("Capaian (%)")}))' if has else "",
             cap_mean, "value_pct"),
            ("Predikat rata-rata capaian", _predikat_formula(f"D{jml_row + 4}", self.bands),
             _predikat_value(cap_mean, self.bands), "value_text"),
            ("Rata-rata capaian thd target tahunan (%)",
             f'=IF(COUNT({pk_range("Capaian thd Target Tahunan (%)")})=0,"",'
             f'AVERAGE({pk_range("Capaian thd Target Tahunan (%)")}))' if has else "", capt_mean, "value_pct"),
            ("Rata-rata serapan anggaran (%)",
             f'=IF(COUNT({pk_range("Serapan (%)")})=0,"",AVERAGE({pk_range("Serapan (%)")}))' if has else "",
             ser_mean, "value_pct"),
        ]
        for label, formula, cached, fmt in rows_b:
            self.merge(ws, r, 0, r, 2, label, f["label"])
            if formula:
                self.formula(ws, r, 3, formula, f[fmt], cached if isinstance(cached, str) else _cached(cached))
            else:
                self.put(ws, r, 3, cached, f[fmt])
            r += 1

        r += 1
        self.merge(ws, r, 0, r, last_col, "C. Sebaran predikat capaian s.d. TW", f["h2"])
        r += 1
        for i, h in enumerate(("Predikat", "", "Rentang capaian (%)", "Jumlah", "Persen (%)")):
            if i == 1:
                continue
            if i == 0:
                self.merge(ws, r, 0, r, 1, h, f["label_bold"])
            else:
                self.put(ws, r, i, h, f["label_bold"])
        r += 1
        pred_first = r
        ordered = sorted(self.bands, key=lambda b: b[0], reverse=True)
        ranges = []
        upper: float | None = None
        for lower, name in ordered:
            ranges.append((name, f"≥ {lower:g}" + (f" dan < {upper:g}" if upper is not None else "")))
            upper = lower
        ranges.append((PREDIKAT_LOWEST, f"< {ordered[-1][0]:g}"))
        ranges.append((PREDIKAT_NONE, "tidak dapat dihitung"))
        pred_counts = {name: 0 for name, _ in ranges}
        for v in self.cols.get("predikat"):
            pred_counts[str(v)] = pred_counts.get(str(v), 0) + 1
        for name, span in ranges:
            label = name if name != PREDIKAT_NONE else "- (belum ada capaian)"
            self.merge(ws, r, 0, r, 1, label, f["label"])
            self.put(ws, r, 2, span, f["label"])
            if has:
                self.formula(ws, r, 3, f'=COUNTIF({pk_range("Predikat")},"{name}")', f["value_int"],
                             pred_counts[name])
            else:
                self.put(ws, r, 3, 0, f["value_int"])
            self.formula(ws, r, 4, _ratio_formula(f"D{r + 1}", f"D{jml_row + 1}"), f["value_pct"],
                         _cached(pred_counts[name] / self.count * 100 if self.count else None))
            r += 1
        pred_last = r - 1

        r += 1
        self.merge(ws, r, 0, r, last_col, "D. Capaian per bidang", f["h2"])
        r += 1
        for i, h in enumerate(("Kode Bidang", "Nama Bidang", "Status Pengumpulan", "Indikator", "Terisi",
                               "Rata-rata Capaian (%)", "Predikat")):
            self.put(ws, r, i, h, f["head"])
        ws.set_row(r, 26)
        r += 1
        per_first = r
        status_of = {x["kode_bidang"]: x["status"] for x in status_rows}
        for b in self.blocks:
            a, z = self.pk_first + b.first + 1, self.pk_first + b.last + 1
            n_rows = b.last - b.first + 1
            self.put(ws, r, 0, b.kode, f["label"])
            self.put(ws, r, 1, b.nama, f["label"])
            self.put(ws, r, 2, status_of.get(b.kode, ""), f["label"])
            caps = self.cols.get("capaian")[b.first:b.last + 1] if n_rows > 0 else []
            terisi = int(self.cols.get("terisi")[b.first:b.last + 1].sum()) if n_rows > 0 else 0
            mean = _mean(caps)
            if n_rows > 0:
                self.formula(ws, r, 3, f"=COUNTA({pk_range('Kode Indikator', a, z)})", f["int"], n_rows)
                self.formula(ws, r, 4, f"=COUNT({pk_range('Realisasi', a, z)})", f["int"], terisi)
                cap = pk_range("Capaian (%)", a, z)
                self.formula(ws, r, 5, f'=IF(COUNT({cap})=0,"",AVERAGE({cap}))', f["pct"], _cached(mean))
            else:
                self.put(ws, r, 3, 0, f["int"])
                self.put(ws, r, 4, 0, f["int"])
                self.put(ws, r, 5, None, f["pct"])
            self.formula(ws, r, 6, _predikat_formula(f"F{r + 1}", self.bands), f["center"],
                         _predikat_value(mean, self.bands))
            r += 1
        per_last = r - 1
        if per_last >= per_first:
            self._predikat_colours(ws, per_first, per_last, 6)
        self._predikat_colours(ws, pred_first, pred_last, 0)
        end = self._signature(ws, r + 2, 4, last_col)

        # charts, right of the tables, all within the first page: predikat and status side by side, then
        # the capaian per bidang (bars get thinner when there are many bidang, the chart never longer)
        charts = self.wb
        col_chart = charts.add_chart({"type": "column"})
        col_chart.add_series({
            "name": "Jumlah indikator",
            "categories": [SHEET_RINGKASAN, pred_first, 0, pred_last, 0],
            "values": [SHEET_RINGKASAN, pred_first, 3, pred_last, 3],
            "points": [{"fill": {"color": PREDIKAT_COLOURS.get(name, "#BFBFBF")}} for name, _ in ranges],
            "data_labels": {"value": True},
        })
        col_chart.set_title({"name": "Sebaran predikat indikator", "name_font": {"size": 11}})
        col_chart.set_legend({"none": True})
        col_chart.set_x_axis({"num_font": {"size": 8}})
        col_chart.set_y_axis({"num_format": "0", "min": 0, "major_gridlines": {"visible": True,
                                                                              "line": {"color": "#D9D9D9"}}})
        col_chart.set_size({"width": 420, "height": 300})
        ws.insert_chart(6, 8, col_chart, {"x_offset": 4})

        pie = charts.add_chart({"type": "pie"})
        pie.add_series({
            "name": "Status pengumpulan",
            "categories": [SHEET_RINGKASAN, status_chart_rows[0], 0, status_chart_rows[-1], 0],
            "values": [SHEET_RINGKASAN, status_chart_rows[0], 3, status_chart_rows[-1], 3],
            "points": [{"fill": {"color": c}} for c in ("#63BE7B", "#FFC000", "#BFBFBF", "#F8696B")],
            "data_labels": {"value": True, "category": False, "leader_lines": True},
        })
        pie.set_title({"name": "Status pengumpulan bidang", "name_font": {"size": 11}})
        pie.set_legend({"position": "bottom", "font": {"size": 8}})
        pie.set_size({"width": 400, "height": 300})
        ws.insert_chart(6, 8, pie, {"x_offset": 434})

        bar = charts.add_chart({"type": "bar"})
        if per_last >= per_first:
            bar.add_series({
                "name": "Rata-rata capaian s.d. TW (%)",
                "categories": [SHEET_RINGKASAN, per_first, 1, per_last, 1],
                "values": [SHEET_RINGKASAN, per_first, 5, per_last, 5],
                "fill": {"color": WARNA_HEADER},
                "data_labels": {"value": True, "num_format": FMT_PCT, "font": {"size": 8}},
            })
        bar.set_title({"name": "Rata-rata capaian s.d. TW per bidang (%)", "name_font": {"size": 11}})
        bar.set_y_axis({"reverse": True, "num_font": {"size": 8}})
        bar.set_x_axis({"num_format": "0", "min": 0, "major_gridlines": {"visible": True,
                                                                        "line": {"color": "#D9D9D9"}}})
        bar.set_legend({"none": True})
        n_bars = max(1, per_last - per_first + 1)
        bar.set_size({"width": 834, "height": min(560, max(260, 70 + 22 * n_bars))})
        ws.insert_chart(22, 8, bar, {"x_offset": 4})
        chart_end = 22 + 29
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.55, bottom=0.55)
        ws.print_area(0, 0, max(end, chart_end), 20)
        ws.set_footer("&L&8" + _esc(f"Rekap {self.p} · dibuat {self.d.run_time}") + "&R&8Halaman &P dari &N")

    # ------------------------------------------------------------------ the small tables
    def table(self, name: str, title: str, headers: list[str], rows: list[list[Any]], formats: list[str],
              widths: list[float], *, landscape: bool = True, note: str = "") -> Any:
        ws = self.sheets[name]
        last_col = len(headers) - 1
        for c, width in enumerate(widths):
            ws.set_column(c, c, width)
        self.title_block(ws, title, last_col, note)
        hr = _TITLE_ROWS
        ws.set_row(hr, _header_height(headers, widths))
        for c, h in enumerate(headers):
            self.put(ws, hr, c, h, self.f["head"])
        wrap = [(c, widths[c] - 1) for c, fm in enumerate(formats) if fm == "text"]
        for i, row in enumerate(rows):
            r = hr + 1 + i
            ws.set_row(r, layout.wrapped_height([(_text(row[c]), w) for c, w in wrap]))
            for c, value in enumerate(row):
                self.put(ws, r, c, value, self.f[formats[c]])
        last = hr + len(rows)
        ws.freeze_panes(hr + 1, 0)
        ws.autofilter(hr, 0, last, last_col)
        self.print_setup(ws, landscape=landscape, repeat=(hr, hr), last_row=last, last_col=last_col)
        return ws

    def konfirmasi(self) -> None:
        rows = [[f["kode_bidang"], f["kode_indikator"], f["kode"], f["level"], f["pesan"], f["status"], f["nilai"],
                 f.get("tanggapan", ""), f.get("penjelasan", ""), f["berkas"], _place(f)] for f in self.d.findings]
        self.table(SHEET_KONFIRMASI, "TEMUAN YANG PERLU DIKONFIRMASI KE BIDANG", KONFIRMASI_HEADERS, rows,
                   ["text"] * 11, [10, 16, 20, 11, 60, 12, 12, 12, 30, 26, 16],
                   note="Temuan terbuka dan yang sudah dijawab bidang melalui lembar konfirmasi." if rows else
                   "Tidak ada temuan pada periode ini.")

    def status(self) -> None:
        rows = []
        for s in self.d.status:
            submitted = bool(s["berkas"]) and s["status"] != STATUS_DITOLAK
            rows.append([s["kode_bidang"], s["nama_bidang"], s["status"], s["diterima"], s["berkas"],
                         s["versi"] or None, s["terisi"], s["diharapkan"], f"{s['terisi']}/{s['diharapkan']}",
                         s["temuan_terbuka"], s["galat"],
                         (TERLAMBAT if s["terlambat"] else TEPAT_WAKTU) if submitted else ""])
        deadline = self.s.deadline(self.p)
        ws = self.table(SHEET_STATUS, "STATUS PENGUMPULAN KERTAS KERJA", STATUS_HEADERS, rows,
                        ["text", "text", "center", "center", "text", "int", "int", "int", "center", "int", "int",
                         "center"], [11, 34, 20, 18, 34, 7, 8, 10, 11, 10, 8, 11],
                        note="Batas waktu: " + (format_tanggal(deadline, hari=True) if deadline else "belum ditetapkan")
                        + ". Diterima = waktu berkas masuk inbox.")
        if rows:
            first, last = _TITLE_ROWS + 1, _TITLE_ROWS + len(rows)
            for text, colour in ((STATUS_DITERIMA, "#C6EFCE"), (STATUS_TERLAMBAT, "#FFEB9C"),
                                 (STATUS_KONFIRMASI, "#FCE4D6"), (STATUS_DITOLAK, "#F8696B"),
                                 (STATUS_BELUM, "#E7E6E6")):
                ws.conditional_format(first, 2, last, 2, {"type": "cell", "criteria": "==", "value": f'"{text}"',
                                                          "format": self.wb.add_format({"bg_color": colour})})

    def galat(self) -> None:
        rows = [[g["kode_bidang"], g["berkas"], g["lembar"], g["sel"], g["kode"], g["nilai"], g["pesan"],
                 g["kode_indikator"]] for g in self.d.galat]
        self.table(SHEET_GALAT, "GALAT VALIDASI", GALAT_HEADERS, rows, ["text"] * 8,
                   [10, 30, 13, 8, 20, 16, 70, 16],
                   note="Nilai bergalat tidak dipakai dalam pengukuran; bidang perlu memperbaikinya." if rows else
                   "Tidak ada galat pada periode ini.")

    def info(self) -> None:
        s = self.s
        deadline = s.deadline(self.p)
        neg = "(2 x T - R) / T x 100" if s.aturan_negatif == "2T-R" else "T / R x 100"
        rows: list[list[Any]] = [
            ["Instansi", s.kantor.nama],
            ["Periode", f"{self.p} ({self.p.label})"],
            ["Batas waktu", format_tanggal(deadline, hari=True) if deadline else "-"],
            ["Waktu proses", self.d.run_time],
            ["ID run", "" if self.d.run_id is None else str(self.d.run_id)],
            ["Versi kinerja-batch", __version__],
            ["Master indikator (sha256)", self.d.master.sha256],
            ["Rumus Realisasi s.d. TW", "Kumulatif: jumlah triwulan yang dilaporkan; Posisi Akhir: nilai triwulan "
                                        "ini; Rata-rata: rata-rata triwulan yang dilaporkan."],
            ["Rumus capaian", f"Positif: R / T x 100; Negatif: {neg}. Pembagi nol: kosong (tidak dihitung)."],
            ["Aturan capaian polaritas negatif", s.aturan_negatif],
            ["Batas predikat", ", ".join(f"{n} >= {lo:g}" for lo, n in self.bands)],
            ["Serapan (%)", "Realisasi anggaran s.d. TW / pagu x 100; kosong bila tidak ada pagu."],
        ]
        for key, value in sorted(_flatten(s.as_dict()).items()):
            if key == "kata_sandi":  # the templates' sheet password is not for the readers of the rekap
                value = "(disembunyikan)" if value else ""
            rows.append([f"Pengaturan: {key}", str(value)])
        for fl in self.d.files:
            rows.append([f"Berkas masuk: {fl['berkas']} ({fl['hasil']})", f"sha256 {fl['sha256']}"])
        self.table(SHEET_INFO, "INFORMASI PROSES", INFO_HEADERS, rows, ["text", "text"], [48, 90], landscape=False)


# ------------------------------------------------------------------------------------------------
# formulas (one builder per rule, so the shapes are few and checked by the tests)


def _sd_formula(agregasi: str, quarters: str, current: str) -> str:
    """Realisasi s.d. TW (domain §3): ``quarters`` is a range or list of TW I..TWn, ``current`` TWn."""
    if agregasi == "Kumulatif":
        return f'=IF(COUNT({quarters})=0,"",SUM({quarters}))'
    if agregasi == "Posisi Akhir":
        return f'=IF(ISNUMBER({current}),{current},"")'
    return f'=IF(COUNT({quarters})=0,"",AVERAGE({quarters}))'


def _ratio_formula(num: str, den: str) -> str:
    """num / den x 100, empty when either is missing or den is zero (serapan, persentase)."""
    return f'=IF(AND(ISNUMBER({num}),ISNUMBER({den})),IF({den}=0,"",{num}/{den}*100),"")'


def _capaian_builders(aturan_negatif: str) -> dict[str, Callable[[str, str], str]]:
    """Capaian formula per polaritas (domain §4), in measure.py's order of operations."""

    def positif(r: str, t: str) -> str:
        return f'=IF(AND(ISNUMBER({r}),ISNUMBER({t})),IF({t}=0,"",{r}/{t}*100),"")'

    def negatif_2t(r: str, t: str) -> str:
        return f'=IF(AND(ISNUMBER({r}),ISNUMBER({t})),IF({t}=0,"",(2*{t}-{r})/{t}*100),"")'

    def negatif_tr(r: str, t: str) -> str:
        return f'=IF(AND(ISNUMBER({r}),ISNUMBER({t})),IF({r}=0,"",{t}/{r}*100),"")'

    return {"Positif": positif, "Negatif": negatif_2t if aturan_negatif == "2T-R" else negatif_tr}


def formula_shapes(aturan_negatif: str, bands: Sequence[tuple[float, str]]) -> list[str]:
    """One formula of every shape the rekap writes (for the test that xlsxwriter needs no rewriting)."""
    caps = _capaian_builders(aturan_negatif)
    return [
        *(_sd_formula(a, "L5:N5", "N5") for a in ("Kumulatif", "Posisi Akhir", "Rata-rata")),
        _sd_formula("Kumulatif", "H5,J5,L5", "L5"),
        *(f(r, t) for f in caps.values() for r, t in (("R5", "J5"),)),
        _ratio_formula("AA5", "V5"),
        _predikat_formula("S5", bands),
        '=IF(ISNUMBER(N5),N5,"")',
        '=IF(COUNT(W5:Y5)=0,"",SUM(W5:Y5))',
        "=SUM(H5:H9)",
        '=IF(COUNT(S5:S9)=0,"",AVERAGE(S5:S9))',
        "=COUNTA('Pengukuran Kinerja'!$B$5:$B$9)",
        "=COUNT('Pengukuran Kinerja'!$Q$5:$Q$9)",
        "=COUNTIF('Pengukuran Kinerja'!$U$5:$U$9,\"Tinggi\")+COUNTIF('Status Pengumpulan'!$L$5:$L$9,\"Terlambat\")",
    ]


def _parse_time(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _place(f: dict[str, Any]) -> str:
    if f.get("lembar") and f.get("sel"):
        return f"{f['lembar']}!{f['sel']}"
    return f.get("sel") or ""


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out
