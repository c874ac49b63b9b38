"""Inbox file -> raw rows with their cells, plus what identifies the workbook.

Reading is by header text, never by position: the entry sheet is the one whose header row holds
``Kode Indikator`` and ``Realisasi`` (or ``Kode Temuan`` and ``Tanggapan`` for a confirmation
workbook), searched in the first rows of every sheet. Values come from python-calamine; for
xlsx/xlsm the input columns are also looked up in the sheet XML, because calamine shows Excel
error cells and formulas without a cached result as blanks and does not give number formats.

Everything here runs inside a child process with memory and time limits (see batch.py), so it
returns plain picklable data.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from kinerja_batch import layout
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
class CellInfo:
    """What the sheet XML says of an input cell that calamine cannot tell."""

    error: str | None = None  # '#DIV/0!' ...
    formula_without_value: str | None = None  # the formula text
    percent: bool = False


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
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        text = str(exc)
        if "password" in text.lower() or "encrypt" in text.lower():
            raise ReadError("TERENKRIPSI", "berkas terenkripsi") from exc
        raise ReadError("RUSAK", f"tidak dapat dibuka: {text[:120]}") from exc
    try:
        names = list(wb.sheet_names)
        meta = _read_meta(wb, names)
        out = RawWorkbook(format=fmt, sheet_names=names, meta=meta, kind=meta.get("jenis") or None)
        _find_entry_sheet(wb, names, out, max_rows)
    finally:
        wb.close()
    if out.sheet and fmt in ("xlsx", "xlsm"):
        out.cells = _input_cell_info(path, out)
    return out


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
                return


def _has_content(row: list[Any]) -> bool:
    return any(v not in ("", None) for v in row)


# ------------------------------------------------------------------------------------------------
# what calamine cannot tell: error cells, formulas without a cached value, percent formats

_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_ATTR_T = re.compile(rb'\bt="([a-z]+)"')
_ATTR_S = re.compile(rb'\bs="(\d+)"')
_F = re.compile(rb"<f[^>]*?(?:/>|>(.*?)</f>)", re.S)
_V = re.compile(rb"<v>(.*?)</v>", re.S)


def _input_cell_info(path: Path, raw: RawWorkbook) -> dict[str, CellInfo]:
    """Scan the entry sheet's XML for the numeric input columns only."""
    letters = []
    for header in layout.NUMERIC_INPUT_HEADERS + ("Nilai Koreksi",):
        c = raw.column(header)
        if c is not None:
            letters.append(layout.col_letter(c).encode())
    if not letters:
        return {}
    wanted = set(letters)
    out: dict[str, CellInfo] = {}
    with zipfile.ZipFile(path) as zf:
        member = _sheet_member(zf, raw.sheet)
        if member is None:
            return {}
        xml = zf.read(member)
        percent_styles: set[int] | None = None
        for m in _CELL.finditer(xml):
            col, row, attrs, body = m.group(1), m.group(2), m.group(3), m.group(4) or b""
            if col not in wanted or int(row) <= raw.header_row:
                continue
            info = CellInfo()
            t = _ATTR_T.search(attrs)
            ctype = t.group(1) if t else b"n"
            f = _F.search(body)
            v = _V.search(body)
            if ctype == b"e":
                info.error = (v.group(1).decode("utf-8", "replace") if v else "#N/A") or "#N/A"
            elif f is not None and (v is None or (v.group(1) == b"" and ctype != b"str")):
                info.formula_without_value = "=" + _unescape((f.group(1) or b"").decode("utf-8", "replace"))
            s = _ATTR_S.search(attrs)
            if s is not None and ctype == b"n" and v is not None:
                if percent_styles is None:
                    percent_styles = _percent_styles(zf)
                info.percent = int(s.group(1)) in percent_styles
            if info.error or info.formula_without_value or info.percent:
                out[f"{col.decode()}{row.decode()}"] = info
    return out


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace(
        "&amp;", "&"
    )


def _sheet_member(zf: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip member holding a sheet, from workbook.xml and its relationships."""
    from defusedxml import ElementTree

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        wb = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return None
    rid = None
    for sheet in wb.iter(f"{ns_main}sheet"):
        if sheet.get("name") == sheet_name:
            rid = sheet.get(f"{ns_rel}id")
    if rid is None:
        return None
    for rel in rels:
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return str(PurePosixPath("xl") / target)
    return None


_BUILTIN_PERCENT = {9, 10}


def _percent_styles(zf: zipfile.ZipFile) -> set[int]:
    """Indexes of cellXfs whose number format shows percent."""
    from defusedxml import ElementTree

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    try:
        styles = ElementTree.fromstring(zf.read("xl/styles.xml"))
    except KeyError:
        return set()
    custom = {
        int(nf.get("numFmtId", "0"))
        for nf in styles.iter(f"{ns}numFmt")
        if "%" in re.sub(r'"[^"]*"|\\.', "", nf.get("formatCode", ""))
    }
    percent_ids = _BUILTIN_PERCENT | custom
    xfs = styles.find(f"{ns}cellXfs")
    if xfs is None:
        return set()
    return {i for i, xf in enumerate(xfs) if int(xf.get("numFmtId", "0")) in percent_ids}
