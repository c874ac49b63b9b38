"""Inbox file -> raw rows with their cells, plus what identifies the workbook.

Reading is by header text, never by position: the entry sheet is the one whose header row holds
``Kode Indikator`` and ``Realisasi`` (or ``Kode Temuan`` and ``Tanggapan`` for a confirmation
workbook), searched in the first rows of every sheet. Values come from python-calamine (xlsx,
xlsm, xls) or from :class:`kinerja_batch.formats.OdsWorkbook` (ods); what calamine cannot tell of
the numeric columns (error cells, formulas without a cached result, percent and date formats) is
read from the file itself by :mod:`kinerja_batch.formats`, the same for every format.

Everything here runs inside a child process with memory and time limits (see batch.py), so it
returns plain picklable data.

Layer: intake (../shared/docs/architecture.md); it may import store, rules, foundation.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kinerja_batch import formats, layout
from kinerja_batch.formats import CellInfo
from kinerja_batch.layout import normalise_header
from kinerja_batch.numbers import format_angka_ringkas

HEADER_SCAN_ROWS = 40
_KK_HEADERS = {normalise_header(h) for h in layout.REQUIRED_HEADERS}
_KONF_HEADERS = {normalise_header("Kode Temuan"), normalise_header("Tanggapan")}
_PERIODE_IN_TEXT = re.compile(r"(20\d\d)\s*-\s*TW\s*([1-4])", re.IGNORECASE)
_TRIWULAN_IN_TEXT = re.compile(r"Triwulan\s+(IV|I{1,3}|[1-4])\s+Tahun\s+(20\d\d)", re.IGNORECASE)


class ReadError(Exception):
    """The workbook could not be read at all (code is a file-level finding code)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass
class RawWorkbook:
    """One workbook as read: metadata, the entry sheet, and its rows."""

    format: str
    sheet_names: list[str]
    meta: dict[str, str]
    kind: str | None  # layout.KIND_* or None when unknown
    sheet: str = ""
    header_row: int = 0  # 1-based
    columns: dict[str, int] = field(default_factory=dict)  # normalised header -> 0-based column
    headers: dict[str, str] = field(default_factory=dict)  # normalised header -> header as written
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (excel_row, values of the row)
    title_text: str = ""
    cells: dict[str, CellInfo] = field(default_factory=dict)  # 'J14' -> what calamine cannot tell
    date1904: bool = False  # the workbook counts dates from 1904 (old Mac Excel)
    # further sheets with a kertas kerja header row: sheet name -> the values of its Kode Indikator column
    other_entry_sheets: dict[str, list[Any]] = field(default_factory=dict)

    def column(self, header: str) -> int | None:
        return self.columns.get(normalise_header(header))

    def value(self, row_values: list[Any], header: str) -> Any:
        c = self.column(header)
        if c is None or c >= len(row_values):
            return None
        return row_values[c]

    def periode_from_title(self) -> str | None:
        """``2025-TW2`` found in the title block (``Periode: ... (2025-TW2)`` or ``Triwulan II Tahun 2025``)."""
        m = _PERIODE_IN_TEXT.search(self.title_text)
        if m:
            return f"{m.group(1)}-TW{m.group(2)}"
        m = _TRIWULAN_IN_TEXT.search(self.title_text)
        if m:
            tw = {"I": 1, "II": 2, "III": 3, "IV": 4}.get(m.group(1).upper()) or int(m.group(1))
            return f"{m.group(2)}-TW{tw}"
        return None


def read_workbook(path: Path, fmt: str, max_rows: int = 20000) -> RawWorkbook:
    """Read the metadata and the entry sheet of a workbook (any format python-calamine reads)."""
    wb = _open(path, fmt, max_rows)
    try:
        names = list(wb.sheet_names)
        meta = _read_meta(wb, names)
        out = RawWorkbook(format=fmt, sheet_names=names, meta=meta, kind=meta.get("jenis") or None)
        _find_entry_sheet(wb, names, out, max_rows)
        found: formats.Cells = {}
        if out.sheet and fmt == "ods":
            found = _cells_of(out, wb.get_sheet_by_name(out.sheet).cells)
    finally:
        wb.close()
    if out.sheet and fmt != "ods":
        try:
            found = _file_cell_info(path, fmt, out)
        except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError, struct.error, OSError) as exc:
            # calamine read the values, but what they mean (errors, formats) cannot be read: never
            # guess that the cells are plain (SyntaxError: defusedxml's ParseError)
            raise ReadError("RUSAK", f"isi lembar '{out.sheet}' tidak dapat dibaca: {str(exc)[:120]}") from exc
    _settle_numbers(out, found)
    out.cells = {layout.cell_ref(r, c): info for (r, c), info in found.items()}
    return out


def _open(path: Path, fmt: str, max_rows: int) -> Any:
    if fmt == "ods":
        # calamine cannot open the pretty-printed .ods Gnumeric writes, and loses error cells and
        # percent formats of every .ods: the ods reader of formats.py reads it whole
        try:
            return formats.OdsWorkbook(path, max_rows=max_rows)
        except formats.OdsTooManyRows as exc:
            raise ReadError("TERLALU_BESAR", f"lembar '{exc.sheet}' berisi isian sampai baris "
                                             f"{format_angka_ringkas(exc.row)}, batas "
                                             f"{format_angka_ringkas(max_rows)} baris") from exc
        except Exception as exc:  # zip, XML and defusedxml errors of a damaged file
            raise ReadError("RUSAK", f"tidak dapat dibuka: {str(exc)[:120]}") from exc
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        text = str(exc)
        if "password" in text.lower() or "encrypt" in text.lower():
            raise ReadError("TERENKRIPSI", "berkas terenkripsi") from exc
        raise ReadError("RUSAK", f"tidak dapat dibuka: {text[:120]}") from exc


def _read_meta(wb: Any, names: list[str]) -> dict[str, str]:
    if layout.SHEET_META not in names:
        return {}
    rows = wb.get_sheet_by_name(layout.SHEET_META).to_python(skip_empty_area=False)
    meta = {}
    for row in rows[:50]:
        if len(row) >= 2 and str(row[0]).strip():
            meta[str(row[0]).strip()] = _text(row[1])
    return meta


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v)


def _find_entry_sheet(wb: Any, names: list[str], out: RawWorkbook, max_rows: int) -> None:
    # the sheet named as in our templates first, then every other sheet in order
    order = sorted(
        (n for n in names if n != layout.SHEET_META),
        key=lambda n: 0 if n in (layout.SHEET_KERTAS_KERJA, layout.SHEET_KONFIRMASI) else 1,
    )
    for name in order:
        sheet = wb.get_sheet_by_name(name)
        # the rows to_python gives: from row 1 to the last row holding anything (total_height is that minus one)
        last_row = sheet.end[0] + 1 if sheet.end else 0
        if last_row > max_rows:
            raise ReadError("TERLALU_BESAR", f"lembar '{name}' berisi isian sampai baris {format_angka_ringkas(last_row)}"
                                             f", batas {format_angka_ringkas(max_rows)} baris")
        if out.sheet:
            _note_other_entry_sheet(sheet, name, out)
            continue
        rows = sheet.to_python(skip_empty_area=False)
        for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
            normalised = [normalise_header(v) if isinstance(v, str) else "" for v in row]
            present = set(normalised)
            if present >= _KK_HEADERS or present >= _KONF_HEADERS:
                out.sheet = name
                out.header_row = i + 1
                for c, (h, raw) in enumerate(zip(normalised, row, strict=False)):
                    if h and h not in out.columns:  # the first of two equal headers wins
                        out.columns[h] = c
                        out.headers[h] = str(raw).strip()
                if out.kind is None:
                    out.kind = layout.KIND_KONFIRMASI if present >= _KONF_HEADERS else layout.KIND_KERTAS_KERJA
                out.title_text = " ".join(
                    str(v) for r in rows[:i] for v in r if isinstance(v, str) and v.strip()
                )
                out.rows = [(i + 2 + k, list(r)) for k, r in enumerate(rows[i + 1 :]) if _has_content(r)]
                break


def _note_other_entry_sheet(sheet: Any, name: str, out: RawWorkbook) -> None:
    """A further sheet with a kertas kerja header row (a colleague's sheet copied in, a copy of one's own) is
    never dropped silently: its indicator codes are kept for :func:`validate.identify` to decide. Only the
    first rows are read unless the header row is there."""
    head = sheet.to_python(skip_empty_area=False, nrows=HEADER_SCAN_ROWS)
    for i, row in enumerate(head):
        normalised = [normalise_header(v) if isinstance(v, str) else "" for v in row]
        if set(normalised) >= _KK_HEADERS:
            c = normalised.index(normalise_header(layout.H_KODE))
            rows = sheet.to_python(skip_empty_area=False)
            out.other_entry_sheets[name] = [r[c] for r in rows[i + 1:] if c < len(r) and r[c] not in ("", None)]
            return


def _has_content(row: list[Any]) -> bool:
    return any(v not in ("", None) for v in row)


# ------------------------------------------------------------------------------------------------
# what calamine cannot tell: error cells, formulas without a cached value, percent and date formats

# the columns whose cells are numbers: their error cells, formulas and number formats are read
_NUMERIC_COLUMNS = (*layout.NUMERIC_INPUT_HEADERS, layout.H_TARGET_TAHUNAN, layout.H_TARGET_SD, "Nilai Koreksi")
_TEMPORAL = (dt.date, dt.time, dt.timedelta)  # dt.datetime is a dt.date


def _numeric_columns(raw: RawWorkbook) -> list[int]:
    return sorted({c for h in _NUMERIC_COLUMNS if (c := raw.column(h)) is not None})


def _file_cell_info(path: Path, fmt: str, raw: RawWorkbook) -> formats.Cells:
    """Scan the entry sheet of an xlsx/xlsm (its XML) or xls (its BIFF records), numeric columns only."""
    columns = _numeric_columns(raw)
    if not columns:
        return {}
    if fmt == "xls":
        stream = _xls_workbook_stream(path)
        found = None if stream is None else formats.xls_cells(stream, raw.sheet, columns, raw.header_row)
        if found is None:
            return {}
        raw.date1904 = found.date1904
        return _cells_of(raw, found.cells)
    with zipfile.ZipFile(path) as zf:
        member, styles = formats.xlsx_sheet_and_styles(zf, raw.sheet)
        if member is None or styles is None:
            return {}
        raw.date1904 = styles.date1904
        return _cells_of(raw, formats.xlsx_cells(zf, member, styles, columns, raw.header_row))


def _cells_of(raw: RawWorkbook, cells: formats.Cells) -> formats.Cells:
    """The infos of the numeric columns below the header row (keyed by cell reference once settled)."""
    columns = set(_numeric_columns(raw))
    return {(r, c): info for (r, c), info in cells.items() if c in columns and r >= raw.header_row}


def _settle_numbers(raw: RawWorkbook, found: formats.Cells) -> None:
    """Every format alike: integers as floats, and a number is a date only when its format shows one.

    Readers guess dates from number formats and guess wrong (calamine takes the formats a
    Gnumeric .xls numbers from 50 for Excel's built-in dates 50-58). The stored value of a number
    and of a date is the same serial; what the person saw is its format. So a cell whose own
    format shows a date holds a date (a galat in a numeric column, domain §5), any other holds
    the number stored, whatever the reader made of it.
    """
    by_row = dict(raw.rows)
    for _, values in raw.rows:
        # the readers give int or bool, never another int subclass: type() is the cheap test
        values[:] = [float(v) if type(v) is int else v for v in values]
    for (r, c), info in found.items():
        if info.serial is None:
            continue
        row = by_row.get(r + 1)
        if row is None or c >= len(row):
            continue
        v = row[c]
        if info.date_format and isinstance(v, float):
            row[c] = formats.serial_to_datetime(info.serial, raw.date1904) or v
        elif not info.date_format and isinstance(v, _TEMPORAL):
            row[c] = info.serial


def _xls_workbook_stream(path: Path) -> bytes | None:
    """The Workbook (or Book) stream of an OLE2 file, through the FAT or the mini stream."""
    from kinerja_batch import safety

    with path.open("rb") as fh:
        size = path.stat().st_size
        try:
            ole = safety._Ole(fh, size)
            entries = ole.entries()
        except safety._Reject:
            return None
        by_name = {e.name.lower(): e for e in entries}
        book = by_name.get("workbook") or by_name.get("book")
        root = next((e for e in entries if e.kind == safety._OLE_ROOT), None)
        if book is None or root is None:
            return None
        try:
            if book.size >= ole.mini_cutoff:
                return _chain(ole, book.start, book.size)[: book.size]
            return _mini_stream(ole, root, book.start, book.size)
        except (safety._Reject, IndexError, struct.error):
            return None


def _chain(ole: Any, start: int, size: int) -> bytes:
    from kinerja_batch import safety

    out = bytearray()
    sector, seen = start, set()
    while sector <= safety._OLE_MAXREG and len(out) < size:
        if sector in seen or sector >= len(ole.fat):
            break
        seen.add(sector)
        out += ole.sector(sector)
        sector = ole.fat[sector]
    return bytes(out)


def _mini_stream(ole: Any, root: Any, start: int, size: int) -> bytes | None:
    """A small stream kept in the root entry's mini stream (64-byte sectors, the mini FAT)."""
    fh = ole.fh
    fh.seek(0)
    header = fh.read(512)
    minifat_start, n_minifat = struct.unpack_from("<II", header, 0x3C)
    minifat_raw = _chain(ole, minifat_start, n_minifat * ole.sector_size)
    minifat = struct.unpack(f"<{len(minifat_raw) // 4}I", minifat_raw)
    container = _chain(ole, root.start, root.size)
    out = bytearray()
    sector, seen = start, set()
    while sector < len(minifat) and len(out) < size and sector not in seen:
        seen.add(sector)
        out += container[sector * 64: sector * 64 + 64]
        sector = minifat[sector]
    return bytes(out[:size])
