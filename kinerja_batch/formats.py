"""What a cell holds beyond its value, read the same from every accepted format.

python-calamine gives the values of a workbook, but not everything a cell says: it shows Excel
error cells and formulas without a cached result as blanks, it does not give number formats
(85% is 0.85), it guesses dates from number formats by itself (a Gnumeric .xls numbers its own
formats from 50, which calamine takes for Excel's built-in date formats 50-58: a target of 90
comes back as 1900-03-30), and it cannot open the pretty-printed .ods Gnumeric writes. This
module reads those facts from the file itself, one reader per container:

- xlsx/xlsm: the sheet XML, whatever its namespace (transitional or ISO strict), prefix
  (``<x:c>``) or cell addressing (``r`` attributes may be left out: position by order);
- xls: the BIFF8 records of the Workbook stream (cells, XF and FORMAT records; the stream is taken
  out of its OLE2 container by the intake, :mod:`kinerja_batch.ingest`);
- ods: content.xml, read whole by :class:`OdsWorkbook` (values too: calamine is not used).

A number's date-ness is decided here from its number format, never by a reader's guess: a cell
whose format shows a date or time holds a date (the person typed one; domain §5 makes that a
``BUKAN_ANGKA`` in a numeric column), any other number is the number stored.

Foundation layer, below the master reader (which shares the xlsx package helpers) and the intake:
the standard library, defusedxml and :mod:`kinerja_batch.numbers` only; nothing here knows about
findings.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from kinerja_batch.numbers import EXCEL_ERRORS


@dataclass
class CellInfo:
    """What a reader of values cannot tell of a cell."""

    error: str | None = None  # '#DIV/0!', 'Err:502' ...
    formula_without_value: str | None = None  # the formula text
    percent: bool = False
    serial: float | None = None  # the number stored, for a numeric cell with a number format
    date_format: bool = False  # that number format shows a date or time


Cells = dict[tuple[int, int], CellInfo]  # (0-based row, 0-based column) -> info


# ------------------------------------------------------------------------------------------------
# number formats

_FMT_LITERAL = re.compile(r'"[^"]*"|\\.|_.|\*.|\[(?![hms]+\])[^\]]*\]', re.I)
_FMT_DATE = re.compile(r"[dmyhs]", re.I)
# Excel's built-in number formats that change how a number reads (ECMA-376 18.8.30); 27-36 and
# 50-58 are dates in East Asian locales. A format written in the file always wins over these.
BUILTIN_PERCENT = frozenset({9, 10})
BUILTIN_DATE = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})


def is_percent_format(code: str) -> bool:
    """``0%``, ``0.00%``: a '%' that is not quoted or escaped scales the number by 100."""
    return "%" in _FMT_LITERAL.sub("", code.split(";")[0])


def is_date_format(code: str) -> bool:
    """A format that shows a number as a date or time (``dd/mm/yyyy``, ``[h]:mm``); General is not."""
    section = _FMT_LITERAL.sub("", code.split(";")[0])
    if section.strip().casefold() in ("general", "standard", "@", ""):
        return False
    return _FMT_DATE.search(section) is not None


def _is_general(code: str | None, fmt_id: int) -> bool:
    return fmt_id == 0 if code is None else code.strip().casefold() in ("general", "standard", "")


def builtin_kind(fmt_id: int) -> tuple[bool, bool]:
    """(percent, date) of a built-in format id that no format record of the file defines."""
    return fmt_id in BUILTIN_PERCENT, fmt_id in BUILTIN_DATE


def serial_to_datetime(serial: float, date1904: bool = False) -> dt.datetime | None:
    """An Excel serial date as a datetime (None when outside what a date can be)."""
    base = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    if not date1904 and serial < 61:
        base += dt.timedelta(days=1)  # Excel's 1900-02-29 that never was
    try:
        return base + dt.timedelta(days=serial)
    except OverflowError:
        return None


# ------------------------------------------------------------------------------------------------
# xlsx / xlsm: the package, by local names (transitional and strict namespaces alike)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(el: Any, name: str) -> str | None:
    """An attribute by local name, in any namespace."""
    if name in el.attrib:
        return str(el.attrib[name])
    for key, value in el.attrib.items():
        if _local(key) == name:
            return str(value)
    return None


def _parse(zf: zipfile.ZipFile, member: str) -> Any:
    from defusedxml import ElementTree

    return ElementTree.fromstring(zf.read(member))


def _rels(zf: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(Id, Type, target member) of a part's relationships."""
    folder = PurePosixPath(part).parent
    rels_member = str(folder / "_rels" / (PurePosixPath(part).name + ".rels"))
    try:
        root = _parse(zf, rels_member)
    except KeyError:
        return []
    out = []
    for rel in root:
        if _local(rel.tag) != "Relationship" or (rel.get("TargetMode") or "").lower() == "external":
            continue
        target = rel.get("Target", "")
        if target.startswith("/"):
            member = target.lstrip("/")
        else:
            parts: list[str] = []
            for piece in (folder / target).parts:
                if piece == "..":
                    if parts:
                        parts.pop()
                elif piece not in (".", ""):
                    parts.append(piece)
            member = "/".join(parts)
        out.append((rel.get("Id", ""), rel.get("Type", ""), member))
    return out


def workbook_part(zf: zipfile.ZipFile) -> str:
    """The workbook part named by the package relationships (``xl/workbook.xml`` nearly always)."""
    for _, rtype, member in _rels(zf, ""):
        if rtype.endswith("/officeDocument"):
            return member
    return "xl/workbook.xml"


def sheet_member(zf: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip member holding a sheet, from the workbook part and its relationships."""
    book = workbook_part(zf)
    try:
        wb = _parse(zf, book)
    except KeyError:
        return None
    return _member_of(wb, _rels(zf, book), sheet_name)


def _member_of(wb: Any, rels: list[tuple[str, str, str]], sheet_name: str) -> str | None:
    rid = None
    for el in wb.iter():
        if _local(el.tag) == "sheet" and el.get("name") == sheet_name:
            rid = _attr(el, "id")
    if rid is None:
        return None
    for rel_id, _, member in rels:
        if rel_id == rid:
            return member
    return None


def xlsx_sheet_and_styles(zf: zipfile.ZipFile, sheet_name: str) -> tuple[str | None, XlsxStyles | None]:
    """:func:`sheet_member` and :func:`xlsx_styles` at once, the package's workbook part and its
    relationships parsed once for both; (None, None) when the sheet is not there."""
    book = workbook_part(zf)
    try:
        wb = _parse(zf, book)
    except KeyError:
        return None, None
    rels = _rels(zf, book)
    member = _member_of(wb, rels, sheet_name)
    if member is None:
        return None, None
    return member, _styles(zf, wb, rels)


@dataclass(frozen=True)
class XlsxStyles:
    percent: frozenset[int]  # cellXfs indexes whose number format shows percent
    date: frozenset[int]  # ... shows a date or time
    formatted: frozenset[int]  # ... is anything but General
    date1904: bool = False


def xlsx_styles(zf: zipfile.ZipFile) -> XlsxStyles:
    """Which cell styles (cellXfs indexes) are percent or date formats, and the workbook's date system."""
    book = workbook_part(zf)
    try:
        wb = _parse(zf, book)
    except KeyError:
        wb = None
    return _styles(zf, wb, _rels(zf, book))


def _styles(zf: zipfile.ZipFile, wb: Any, rels: list[tuple[str, str, str]]) -> XlsxStyles:
    """:func:`xlsx_styles` from the parsed workbook part (None when missing) and its relationships."""
    date1904 = False
    for el in wb.iter() if wb is not None else ():
        if _local(el.tag) == "workbookPr":
            date1904 = (_attr(el, "date1904") or "").lower() in ("1", "true")
    member = next((m for _, t, m in rels if t.endswith("/styles")), "xl/styles.xml")
    try:
        xml = zf.read(member)
    except KeyError:
        return XlsxStyles(frozenset(), frozenset(), frozenset(), date1904)
    # tags by local name, attributes by regex: a styles part of a few hundred styles is read in a
    # fraction of a millisecond (the tree of defusedxml's pure-Python parser took 4 ms)
    custom = {_int(_xml_attr(m.group(1), b"numFmtId")): unescape(_xml_attr(m.group(1), b"formatCode"))
              for m in _NUMFMT.finditer(xml)}
    block = _CELLXFS.search(xml)
    xfs = [_int(_xml_attr(m.group(1), b"numFmtId")) for m in _XF.finditer(block.group(1))] if block else []
    percent, date, formatted = set(), set(), set()
    for i, fmt_id in enumerate(xfs):
        code = custom.get(fmt_id)
        if _is_general(code, fmt_id):
            continue
        formatted.add(i)
        is_pct, is_date = (is_percent_format(code), is_date_format(code)) if code is not None else builtin_kind(fmt_id)
        if is_pct:
            percent.add(i)
        elif is_date:
            date.add(i)
    return XlsxStyles(frozenset(percent), frozenset(date), frozenset(formatted), date1904)


_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # any namespace prefix, or none
_NUMFMT = re.compile(rb"<" + _P + rb"numFmt(\s[^>]*)>")
_CELLXFS = re.compile(rb"<" + _P + rb"cellXfs\b[^>]*>(.*?)</" + _P + rb"cellXfs\s*>", re.S)
_XF = re.compile(rb"<" + _P + rb"xf(\s[^>]*|)/?>")


def _xml_attr(attrs: bytes, name: bytes) -> str:
    m = re.search(rb"(?:^|\s)" + name + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""", attrs)
    return "" if m is None else (m.group(1) if m.group(1) is not None else m.group(2)).decode("utf-8", "replace")


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(text or default)
    except ValueError:
        return default


# Tags by local name with any prefix; attribute values in either quote.
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|sheetData)(?=[\s/>])([^>]*?)(/?)>")
_CELL_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?c\s*>")
_SHEETDATA_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData\s*>")
_A_R = re.compile(rb"""(?:^|\s)r\s*=\s*["']([A-Za-z]{0,3})(\d*)["']""")
_A_T = re.compile(rb"""(?:^|\s)t\s*=\s*["']([A-Za-z]+)["']""")
_A_S = re.compile(rb"""(?:^|\s)s\s*=\s*["'](\d+)["']""")
_F = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f(?=[\s/>])[^>]*?(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?f\s*>)", re.S)
_V = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v(?=[\s/>])[^>]*?(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?v\s*>)", re.S)


_ODD_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)c[\s/>]|<c(?:/?>|\s(?!r=\"))")  # a prefix, or no r first


_SHEETDATA_NAME_END = re.compile(rb"sheetData\s*>")
_PREFIX_COLON = re.compile(rb"[A-Za-z_][\w.-]*:")
_PREFIXED_C = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)c[\s/>]")
_C_WITHOUT_R = re.compile(rb"<c(?:/?>|\s(?!r=\"))")
_COLON_C = re.compile(rb":c[\s/>]")


def _sheetdata_end(xml: bytes, pos: int) -> int:
    """Where ``_SHEETDATA_END.search(xml, pos)`` starts (the end of the data when there is none), found
    from the literal ``sheetData``: a regex that starts with ``<`` tries every tag of the sheet."""
    for m in _SHEETDATA_NAME_END.finditer(xml, pos):
        j = m.start()
        k = xml.rfind(b"</", pos, j)  # a prefix holds no '<' or '/': the only start a match can have
        if k >= 0 and (k + 2 == j or _PREFIX_COLON.fullmatch(xml, k + 2, j)):
            return k
    return len(xml)


def _odd_cells(xml: bytes, start: int, end: int) -> bool:
    """``_ODD_CELL.search(xml, start, end) is not None``, cheaper: each half of it alone, so that each
    regex starts with a literal (``<c``; ``:c`` for a prefixed cell, confirmed by the full pattern)."""
    if _C_WITHOUT_R.search(xml, start, end) is not None:
        return True
    return _COLON_C.search(xml, start, end) is not None and _PREFIXED_C.search(xml, start, end) is not None


def _col_letters(index0: int) -> bytes:
    n, out = index0 + 1, b""
    while n:
        n, rem = divmod(n - 1, 26)
        out = bytes([65 + rem]) + out
    return out


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n - 1


def unescape(text: str) -> str:
    """XML character entities of a formula or value back to text."""
    import html

    return html.unescape(text)


def xlsx_cells(zf: zipfile.ZipFile, member: str, styles: XlsxStyles, columns: Iterable[int],
               first_row: int) -> Cells:
    """Errors, formulas without a value, percent and numeric cells with a format, of the wanted
    columns from ``first_row`` (0-based) on. Position comes from ``r`` when present, otherwise
    from the order of rows and cells (both may be left out, ECMA-376 18.3.1.4 and 18.3.1.73)."""
    wanted = set(columns)
    out: Cells = {}
    if not wanted:
        return out
    xml = zf.read(member)
    start = _TAG.search(xml)
    while start is not None and start.group(1) != b"sheetData":
        start = _TAG.search(xml, start.end())
    if start is None or start.group(3):
        return out
    end = _sheetdata_end(xml, start.end())
    if start.group(0).startswith(b"<sheetData") and not _odd_cells(xml, start.end(), end):
        # what nearly every writer writes: no prefix, ``r="K14"`` first on every cell; one regex
        # over the wanted columns only (several times faster than walking every cell)
        letters = b"|".join(sorted({_col_letters(c) for c in wanted}))  # the digits after decide: K vs KA
        fast = re.compile(rb'<c r="(' + letters + rb')(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
        # a cell without a formula says nothing beyond its value unless its type or style does: what its
        # attributes (type, style) allow is worked out once per distinct attribute text
        said: dict[bytes, tuple[bool, bool] | str | None] = {}
        index: dict[bytes, int] = {}
        for letters, digits, attrs, body in fast.findall(xml, start.end(), end):
            row0 = int(digits) - 1
            if row0 < first_row:
                continue
            if b"f" not in body:  # no formula element, whatever its prefix
                if attrs not in said:
                    said[attrs] = _number_kind(attrs, styles)
                kind = said[attrs]
                if kind is None:
                    continue  # neither an error nor a formatted number, whatever it holds
                if isinstance(kind, tuple) and body[:3] == b"<v>" and body[-4:] == b"</v>" and b"<" not in body[3:-4]:
                    value = body[3:-4]
                    if not value:
                        continue
                    try:
                        serial = float(value)
                    except ValueError:
                        continue
                    col = index.get(letters)
                    if col is None:
                        col = index[letters] = _col_index(letters)
                    out[(row0, col)] = CellInfo(percent=kind[0], serial=serial, date_format=kind[1])
                    continue
            info = _xlsx_cell(attrs, body, styles)
            if info is not None:
                out[(row0, _col_index(letters))] = info
        return out
    row = -1
    col = -1
    pos = start.end()
    while True:
        m = _TAG.search(xml, pos, end)
        if m is None:
            break
        name, attrs, closed = m.group(1), m.group(2), m.group(3)
        pos = m.end()
        if name == b"row":
            r = _A_R.search(attrs)
            row = int(r.group(2)) - 1 if r and r.group(2) else row + 1
            col = -1
            continue
        if name != b"c":
            continue
        body = b""
        if not closed:
            e = _CELL_END.search(xml, pos, end)
            if e is None:
                break
            body, pos = xml[m.end(): e.start()], e.end()
        r = _A_R.search(attrs)
        if r and r.group(1):
            col = _col_index(r.group(1))
            if r.group(2):
                row = int(r.group(2)) - 1
        else:
            col += 1
        if row < first_row or col not in wanted:
            continue
        info = _xlsx_cell(attrs, body, styles)
        if info is not None:
            out[(row, col)] = info
    return out


_ANY = "any"  # the cell's attributes alone do not decide (an error type)


def _number_kind(attrs: bytes, styles: XlsxStyles) -> tuple[bool, bool] | str | None:
    """For a cell without a formula, from its attributes alone: None when :func:`_xlsx_cell` finds nothing
    whatever the value; (percent, date) of its style when a numeric value makes it a formatted number;
    :data:`_ANY` when the value decides more (an error cell)."""
    t = _A_T.search(attrs)
    ctype = t.group(1) if t else b"n"
    if ctype == b"e":
        return _ANY
    s = _A_S.search(attrs)
    if s is None or ctype != b"n":
        return None
    xf = int(s.group(1))
    if xf not in styles.formatted:
        return None
    return (xf in styles.percent, xf in styles.date)


def _xlsx_cell(attrs: bytes, body: bytes, styles: XlsxStyles) -> CellInfo | None:
    t = _A_T.search(attrs)
    ctype = t.group(1) if t else b"n"
    f = _F.search(body) if body else None
    v = _V.search(body) if body else None
    value = v.group(1) if v is not None else None
    if ctype == b"e":
        return CellInfo(error=unescape((value or b"").decode("utf-8", "replace")) or "#N/A")
    if f is not None and (value is None or (value == b"" and ctype != b"str")):
        return CellInfo(formula_without_value="=" + unescape((f.group(1) or b"").decode("utf-8", "replace")))
    s = _A_S.search(attrs)
    if s is None or ctype != b"n" or not value:
        return None
    xf = int(s.group(1))
    if xf not in styles.formatted:
        return None
    pct, date = xf in styles.percent, xf in styles.date
    try:
        serial = float(value)
    except ValueError:
        return None
    return CellInfo(percent=pct, serial=serial, date_format=date)


# ------------------------------------------------------------------------------------------------
# xls: BIFF8 records of the Workbook stream

_BIFF_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
                0x2A: "#N/A", 0x2B: "#GETTING_DATA"}
_R_BOF, _R_EOF, _R_FORMAT, _R_XF, _R_DATEMODE, _R_SHEET = 0x0809, 0x000A, 0x041E, 0x00E0, 0x0022, 0x0085
_R_NUMBER, _R_RK, _R_MULRK, _R_BOOLERR, _R_FORMULA = 0x0203, 0x027E, 0x00BD, 0x0205, 0x0006


def _records(data: bytes, pos: int) -> Iterator[tuple[int, int, bytes]]:
    """(offset, type, body) of the records of one substream, from its BOF to its EOF."""
    n = len(data)
    while pos + 4 <= n:
        rtype, length = struct.unpack_from("<HH", data, pos)
        yield pos, rtype, data[pos + 4: pos + 4 + length]
        pos += 4 + length
        if rtype == _R_EOF:
            return


def _biff_string(body: bytes, pos: int, length_bytes: int) -> str:
    cch = body[pos] if length_bytes == 1 else struct.unpack_from("<H", body, pos)[0]
    pos += length_bytes
    flags = body[pos]
    pos += 1
    if flags & 0x08:
        pos += 2  # rich text runs
    if flags & 0x04:
        pos += 4  # phonetic block
    if flags & 0x01:
        return body[pos: pos + 2 * cch].decode("utf-16-le", "replace")
    return body[pos: pos + cch].decode("latin-1")


def _rk(value: int) -> float:
    if value & 0x02:
        number = float(value >> 2 if value < 0x80000000 else (value >> 2) - (1 << 30))
    else:
        number = struct.unpack("<d", struct.pack("<Q", (value & 0xFFFFFFFC) << 32))[0]
    return number / 100 if value & 0x01 else number


@dataclass
class XlsCells:
    cells: Cells
    date1904: bool


def xls_cells(data: bytes, sheet_name: str, columns: Iterable[int], first_row: int) -> XlsCells | None:
    """Errors, percent and numeric cells with a format, of the wanted columns of one sheet of a
    BIFF8 .xls (``data``: its Workbook stream), from ``first_row`` (0-based) on; None when the
    stream cannot be read this way (then the values calamine gave are all there is)."""
    if len(data) < 8:
        return None
    rtype, _ = struct.unpack_from("<HH", data, 0)
    if rtype != _R_BOF or struct.unpack_from("<H", data, 4)[0] != 0x0600:
        return None  # not BIFF8 (Excel 5/95): calamine's values only
    formats: dict[int, str] = {}
    xf_fmt: list[int] = []
    date1904 = False
    sheet_pos = None
    try:
        for _, rtype, body in _records(data, 0):
            if rtype == _R_FORMAT:
                formats[struct.unpack_from("<H", body, 0)[0]] = _biff_string(body, 2, 2)
            elif rtype == _R_XF:
                xf_fmt.append(struct.unpack_from("<H", body, 2)[0])
            elif rtype == _R_DATEMODE:
                date1904 = struct.unpack_from("<H", body, 0)[0] == 1
            elif rtype == _R_SHEET and _biff_string(body, 6, 1) == sheet_name:
                sheet_pos = struct.unpack_from("<I", body, 0)[0]
    except (struct.error, IndexError):
        return None
    if sheet_pos is None or sheet_pos >= len(data):
        return None
    kinds: dict[int, tuple[bool, bool]] = {}
    for fmt_id in set(xf_fmt):
        code = formats.get(fmt_id)
        kinds[fmt_id] = (is_percent_format(code), is_date_format(code)) if code is not None else builtin_kind(fmt_id)
    plain = {fmt_id for fmt_id in set(xf_fmt) if _is_general(formats.get(fmt_id), fmt_id)}

    wanted = set(columns)
    out: Cells = {}

    def number(row: int, col: int, xf: int, value: float) -> None:
        # every number with a format of its own: a reader may take that format for a date
        if row < first_row or col not in wanted or xf >= len(xf_fmt) or xf_fmt[xf] in plain:
            return
        pct, date = kinds[xf_fmt[xf]]
        out[(row, col)] = CellInfo(percent=pct, serial=value, date_format=date and not pct)

    try:
        for _, rtype, body in _records(data, sheet_pos):
            if rtype in (_R_NUMBER, _R_RK, _R_MULRK, _R_BOOLERR, _R_FORMULA):
                row, col = struct.unpack_from("<HH", body, 0)
                if rtype == _R_MULRK:
                    last = struct.unpack_from("<H", body, len(body) - 2)[0]
                    for i in range(last - col + 1):
                        xf, rk = struct.unpack_from("<HI", body, 4 + 6 * i)
                        number(row, col + i, xf, _rk(rk))
                    continue
                if row < first_row or col not in wanted:
                    continue
                xf = struct.unpack_from("<H", body, 4)[0]
                if rtype == _R_NUMBER:
                    number(row, col, xf, struct.unpack_from("<d", body, 6)[0])
                elif rtype == _R_RK:
                    number(row, col, xf, _rk(struct.unpack_from("<I", body, 6)[0]))
                elif rtype == _R_BOOLERR:
                    if body[7] == 1:
                        out[(row, col)] = CellInfo(error=_BIFF_ERRORS.get(body[6], "#N/A"))
                else:  # FORMULA: a cached result is always there; an error, or a number with its format
                    result = body[6:14]
                    if result[6:8] == b"\xff\xff":
                        if result[0] == 2:
                            out[(row, col)] = CellInfo(error=_BIFF_ERRORS.get(result[2], "#N/A"))
                    else:
                        number(row, col, xf, struct.unpack("<d", result)[0])
    except (struct.error, IndexError):
        pass  # a damaged tail: what was read stands, calamine had the values
    return XlsCells(out, date1904)


# ------------------------------------------------------------------------------------------------
# ods: content.xml read whole (values and what they mean)

_NS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_NS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_NS_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_NS_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_NS_NUMBER = "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
_NS_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_LO_ERROR = re.compile(r"^Err:\d{3}$")
_DURATION = re.compile(r"^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$")
MAX_REPEAT = 1 << 16  # a repeated cell or row holding content is spelled out at most this often


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


_T_TABLE, _T_ROW, _T_CELL, _T_COVERED = (_q(_NS_TABLE, n) for n in ("table", "table-row", "table-cell",
                                                                     "covered-table-cell"))
_T_COLUMN = _q(_NS_TABLE, "table-column")
_A_NAME, _A_STYLE, _A_ROWS_REP, _A_COLS_REP = (_q(_NS_TABLE, n) for n in ("name", "style-name",
                                                                          "number-rows-repeated",
                                                                          "number-columns-repeated"))
_A_FORMULA, _A_DEFAULT_STYLE = _q(_NS_TABLE, "formula"), _q(_NS_TABLE, "default-cell-style-name")
_A_VTYPE, _A_VALUE = _q(_NS_OFFICE, "value-type"), _q(_NS_OFFICE, "value")
_A_CALC_VTYPE = _q(_NS_CALCEXT, "value-type")
_T_P, _T_S, _T_TAB, _T_BREAK = (_q(_NS_TEXT, n) for n in ("p", "s", "tab", "line-break"))
_T_ANNOTATION = _q(_NS_OFFICE, "annotation")


class OdsSheet:
    """One table of an .ods, shaped like calamine's sheet: ``to_python()`` rows from A1, ``end``."""

    def __init__(self, name: str, rows: list[list[Any]], cells: Cells) -> None:
        self.name = name
        self._rows = rows
        self.cells = cells
        width = max((len(r) for r in rows), default=0)
        self.end = (len(rows) - 1, width - 1) if rows else None

    def to_python(self, skip_empty_area: bool = False, nrows: int | None = None) -> list[list[Any]]:
        width = max((len(r) for r in self._rows), default=0)
        return [r + [""] * (width - len(r)) for r in self._rows[:nrows]]


class OdsWorkbook:
    """An .ods read from content.xml with the standard library (through defusedxml).

    Shaped like calamine's workbook for :mod:`kinerja_batch.ingest`: ``sheet_names``,
    ``get_sheet_by_name``, ``close``. Every cell's value as a spreadsheet shows it (float, text,
    bool, date), error results as their text, and per sheet the :class:`CellInfo` of every cell
    that holds an error, a formula without a result, or a percent-formatted number.
    """

    def __init__(self, path: Path, max_rows: int | None = None) -> None:
        with zipfile.ZipFile(path) as zf:
            styles = _ods_common_styles(zf)
            with zf.open("content.xml") as fh:
                self.sheets = _ods_tables(fh, styles, max_rows)
        self.sheet_names = [s.name for s in self.sheets]

    def get_sheet_by_name(self, name: str) -> OdsSheet:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)

    def close(self) -> None:
        self.sheets = []


class OdsTooManyRows(Exception):
    """A table holds content below ``max_rows``."""

    def __init__(self, sheet: str, row: int) -> None:
        super().__init__(sheet)
        self.sheet = sheet
        self.row = row


class _OdsStyles:
    """Cell styles and their data styles, from styles.xml and content.xml's automatic styles."""

    def __init__(self) -> None:
        self.percent_data: set[str] = set()
        self.data_style: dict[str, str] = {}
        self.parent: dict[str, str] = {}

    def take(self, el: Any) -> None:
        """Record a style element (at its end event); other elements are ignored."""
        tag = el.tag
        if tag == _q(_NS_NUMBER, "percentage-style"):
            self.percent_data.add(el.get(_q(_NS_STYLE, "name"), ""))
        elif tag == _q(_NS_STYLE, "style") and el.get(_q(_NS_STYLE, "family")) == "table-cell":
            name = el.get(_q(_NS_STYLE, "name"), "")
            if el.get(_q(_NS_STYLE, "data-style-name")):
                self.data_style[name] = el.get(_q(_NS_STYLE, "data-style-name"), "")
            if el.get(_q(_NS_STYLE, "parent-style-name")):
                self.parent[name] = el.get(_q(_NS_STYLE, "parent-style-name"), "")

    def percent(self) -> set[str]:
        """Names of the cell styles whose data style (their own or inherited) is a percentage."""
        out = set()
        for name in set(self.data_style) | set(self.parent):
            seen, current = set(), name
            while current and current not in seen:
                seen.add(current)
                if current in self.data_style:
                    if self.data_style[current] in self.percent_data:
                        out.add(name)
                    break
                current = self.parent.get(current, "")
        return out


def _ods_common_styles(zf: zipfile.ZipFile) -> _OdsStyles:
    from defusedxml import ElementTree

    styles = _OdsStyles()
    try:
        with zf.open("styles.xml") as fh:
            for _, el in ElementTree.iterparse(fh, events=("end",)):
                styles.take(el)
    except KeyError:
        pass
    return styles


_OF_STRING_OR_REF = re.compile(r'"(?:[^"]|"")*"|\[([^\]]*)\]|;')
_OF_SHEET_DOT = re.compile(r"^(\$?(?:'(?:[^']|'')*'|[^.']*))\.")


def excel_formula(formula: str) -> str:
    """An OpenFormula (``of:=SUM([.K10];1)``) written as Excel shows it (``=SUM(K10,1)``)."""
    text = formula.split(":", 1)[1] if re.match(r"^[a-z]+:=", formula) else formula

    def one(m: re.Match[str]) -> str:
        token = m.group(0)
        if token == ";":
            return ","
        if m.group(1) is None:
            return token  # a string literal, as written
        parts = []
        for part in m.group(1).split(":"):
            if part.startswith("."):
                parts.append(part[1:])
            else:
                parts.append(_OF_SHEET_DOT.sub(lambda s: s.group(1) + "!", part, count=1))
        return ":".join(parts)

    body = _OF_STRING_OR_REF.sub(one, text.lstrip("="))
    return "=" + body


def _ods_text(cell: Any) -> str:
    """The text a cell shows: its paragraphs joined by line breaks, annotations left out."""
    paragraphs = []
    for p in cell:
        if p.tag == _T_P:
            parts: list[str] = []
            _ods_inline(p, parts)
            paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def _ods_inline(el: Any, parts: list[str]) -> None:
    if el.text:
        parts.append(el.text)
    for child in el:
        if child.tag == _T_S:
            parts.append(" " * _int(child.get(_q(_NS_TEXT, "c")), 1))
        elif child.tag == _T_TAB:
            parts.append("\t")
        elif child.tag == _T_BREAK:
            parts.append("\n")
        elif child.tag != _T_ANNOTATION:
            _ods_inline(child, parts)
        if child.tail:
            parts.append(child.tail)


def _ods_value(cell: Any) -> tuple[Any, CellInfo | None, bool]:
    """(value, info, percent-typed) of one table-cell."""
    vtype = cell.get(_A_VTYPE)
    calc_type = cell.get(_A_CALC_VTYPE)
    formula = cell.get(_A_FORMULA)
    has_p = any(child.tag == _T_P for child in cell)
    text = _ods_text(cell) if has_p else ""
    if formula is not None:
        shown = excel_formula(formula)
        if calc_type == "error" or (vtype in (None, "string") and (text.strip().upper() in EXCEL_ERRORS
                                                                    or _LO_ERROR.match(text.strip()))):
            # the value is blank, as calamine gives an xlsx error cell; the error is in the info
            return "", CellInfo(error=text.strip() or "#N/A"), False
        if vtype is None and not has_p:
            return "", CellInfo(formula_without_value=shown), False
    if vtype in ("float", "percentage", "currency"):
        try:
            value: Any = float(cell.get(_A_VALUE, ""))
        except ValueError:
            return text, None, False
        return value, None, vtype == "percentage"
    if vtype == "boolean":
        return cell.get(_q(_NS_OFFICE, "boolean-value"), "").lower() == "true", None, False
    if vtype == "date":
        raw = cell.get(_q(_NS_OFFICE, "date-value"), "")
        try:
            return (dt.datetime.fromisoformat(raw) if "T" in raw else dt.date.fromisoformat(raw)), None, False
        except ValueError:
            return text, None, False
    if vtype == "time":
        m = _DURATION.match(cell.get(_q(_NS_OFFICE, "time-value"), ""))
        if m:
            sign = -1 if m.group(1) else 1
            span = dt.timedelta(days=int(m.group(2) or 0), hours=int(m.group(3) or 0),
                                minutes=int(m.group(4) or 0), seconds=float(m.group(5) or 0))
            return sign * span, None, False
        return text, None, False
    if vtype == "string":
        string_value = cell.get(_q(_NS_OFFICE, "string-value"))
        return (string_value if string_value is not None and not has_p else text), None, False
    return text, None, False


def _ods_tables(fh: IO[bytes], styles: _OdsStyles, max_rows: int | None) -> list[OdsSheet]:
    """The tables of content.xml, in one pass (its automatic styles come before the body)."""
    from defusedxml import ElementTree

    percent_styles: set[str] | None = None

    sheets: list[OdsSheet] = []
    rows: list[list[Any]] = []
    cells: Cells = {}
    column_styles: list[str | None] = []
    row_index = 0
    depth = 0  # nested tables (a table inside a cell's frame) are not sheets
    name = ""
    for event, el in ElementTree.iterparse(fh, events=("start", "end")):
        tag = el.tag
        if event == "start":
            if tag == _T_TABLE:
                if percent_styles is None:
                    percent_styles = styles.percent()
                depth += 1
                if depth == 1:
                    name, rows, cells, column_styles, row_index = el.get(_A_NAME, ""), [], {}, [], 0
            continue
        if tag == _T_TABLE:
            depth -= 1
            if depth == 0:
                while rows and not rows[-1]:
                    rows.pop()
                sheets.append(OdsSheet(name, rows, cells))
            el.clear()
        elif percent_styles is None:
            styles.take(el)  # before the first table: the automatic styles
        elif depth != 1:
            continue
        elif tag == _T_COLUMN:
            repeat = min(_int(el.get(_q(_NS_TABLE, "number-columns-repeated")), 1), MAX_REPEAT)
            column_styles.extend([el.get(_A_DEFAULT_STYLE)] * repeat)
        elif tag == _T_ROW:
            values: list[Any] = []
            infos: list[tuple[int, CellInfo]] = []
            col = 0
            for cell in el:
                if cell.tag not in (_T_CELL, _T_COVERED):
                    continue
                repeat = _int(cell.get(_A_COLS_REP), 1)
                value, info, pct_typed = _ods_value(cell) if cell.tag == _T_CELL else ("", None, False)
                if value in ("", None) and info is None:
                    col += repeat
                    continue
                style = cell.get(_A_STYLE) or (column_styles[col] if col < len(column_styles) else None)
                if isinstance(value, float) and info is None and (pct_typed or style in (percent_styles or ())):
                    info = CellInfo(percent=True, serial=value)
                for _ in range(min(repeat, MAX_REPEAT)):
                    values.extend([""] * (col - len(values)))
                    values.append(value)
                    if info is not None:
                        infos.append((col, info))
                    col += 1
                col += repeat - min(repeat, MAX_REPEAT)
            row_repeat = _int(el.get(_A_ROWS_REP), 1)
            if values:
                for _ in range(min(row_repeat, MAX_REPEAT)):
                    rows.extend([] for _ in range(row_index - len(rows)))
                    rows.append(list(values))
                    for c, info in infos:
                        cells[(row_index, c)] = info
                    if max_rows is not None and row_index + 1 > max_rows:
                        raise OdsTooManyRows(name, row_index + 1)
                    row_index += 1
                row_index += row_repeat - min(row_repeat, MAX_REPEAT)
            else:
                row_index += row_repeat
            el.clear()
    return sheets

