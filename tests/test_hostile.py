"""Hostile input end to end: a corpus of bad files through the nightly run (issue 7).

Every file is made here by code (openpyxl edits of a real kertas kerja, hand-made zips, a small
OLE2 writer); nothing binary is checked in. :data:`CASES` is the table: each case names its
fate (diterima / ditolak / duplikat / ditinggal / diabaikan / dibiarkan), its code and a
fragment of what the batch says. All of them go through two runs of ``batch.run`` on one
workspace (the first only makes what some cases copy: an original, a rekap, a long name), so the
suite stays fast. The README table is printed by ``python tests/test_hostile.py``.

After the run, for every case: the fate and code, the message, the file in exactly one place,
a reason file in Indonesian beside every rejected file, and the values that were read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import time
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import KK_SHEET, OLD, WS, header_columns, read_sheet, templates_for

from kinerja_batch import batch, layout
from kinerja_batch import findings as F
from kinerja_batch.config import init_workspace
from kinerja_batch.master import load_master

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension")  # openpyxl reading the rekap

MB = 1024 * 1024
SEK_CODES = ("T-01", "IKU-05", "2.16.01", "2.16.01.2.01", "2.16.01.2.01.0001-a", "2.16.01.2.01.0006-a",
             "2.16.01.2.05.0009-a", "2.16.01.2.07.0005-a", "2.16.01.2.08.0002-a")
RP = "2.16.01.2.07.0005-a"  # SEK indicator whose Satuan is Rp
PERSEN = "2.16.01"  # SEK indicator whose Satuan is %
REAL, ANGG = "Realisasi", "Realisasi Anggaran (Rp)"
PENDORONG, PENGHAMBAT, BUKTI, KET = "Faktor Pendorong", "Faktor Penghambat", "Bukti Dukung", "Keterangan"

# names at the edge of what a file system holds (255 bytes): the product must shorten its destinations
LONG_ACCEPTED = "Laporan realisasi kinerja Sekretariat " + "x" * 210 + ".xlsx"  # 253 bytes
LONG_REJECTED = "a" * 245 + ".xlsx"  # 250 bytes, + ".alasan.txt" would be 261
LONG_MULTIBYTE = "Kertas kerja " + "é" * 118 + ".xls"  # 131 characters, 253 bytes
NFD_NAME = unicodedata.normalize("NFD", "Laporan Kinerja Sekretariat – Triwulan I – revisi Bu Désirée.xlsx")


# ---------------------------------------------------------------------------------------------
# cell values that openpyxl would otherwise guess


class Formula(str):
    """A formula (openpyxl writes it without a cached value)."""


class ExcelError(str):
    """An Excel error cell (``t="e"``)."""


def _put(cell: Any, value: Any) -> None:
    """Write a value as a person would have typed it: text stays text even when it starts with '='."""
    cell.value = value
    if isinstance(value, Formula):
        assert cell.data_type == "f"
    elif isinstance(value, ExcelError):
        assert cell.data_type == "e"
    elif isinstance(value, str):
        cell.data_type = "s"  # like a leading apostrophe in Excel


@dataclass
class Sheet:
    """The Kertas Kerja sheet of a workbook being edited: rows by indicator code, columns by header."""

    wb: Any
    ws: Any
    header_row: int
    cols: dict[str, int]
    rows: dict[str, int]

    def cell(self, kode: str, header: str) -> Any:
        return self.ws.cell(self.rows[kode], self.cols[header])

    def after_last(self) -> int:
        return max(self.rows.values()) + 1

    def meta(self, key: str, value: str) -> None:
        sheet = self.wb[layout.SHEET_META]
        for row in sheet.iter_rows(min_col=1, max_col=2):
            if row[0].value == key:
                row[1].value = value
                return
        raise AssertionError(key)

    def metadata(self) -> dict[str, str]:
        return {str(r[0]): str(r[1]) for r in self.wb[layout.SHEET_META].iter_rows(max_col=2, values_only=True)
                if r[0]}

    def resign(self, key: bytes, **changes: str) -> None:
        """Change metadata and sign it again with ``key``: what only someone holding a key can do."""
        from kinerja_batch import tanda_tangan

        meta = {**self.metadata(), **changes, "sidik_kunci": tanda_tangan.fingerprint(key)}
        for k in ("sidik_kunci", *changes):
            self.meta(k, meta[k])
        self.meta("tanda_tangan", tanda_tangan.sign(key, meta))


# ---------------------------------------------------------------------------------------------
# zips and OLE2 made by hand


def _rezip(data: bytes, *, parts: Mapping[str, bytes] | None = None, add: Mapping[str, bytes] | None = None,
           edit: Mapping[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """The same zip with parts replaced, edited or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = (parts or {}).get(info.filename, src.read(info))
            if edit and info.filename in edit:
                body = edit[info.filename](body)
            dst.writestr(info.filename, body)
        for name, body in (add or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def _zip(parts: Mapping[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    return out.getvalue()


def _sheet_part(data: bytes, sheet: str) -> str:
    """The zip member of a sheet, from workbook.xml and its relationships."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        wb = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="(\w+)"', wb)
    assert rid, sheet
    for rel in re.findall(r"<Relationship [^>]*>", rels):
        if f'Id="{rid.group(1)}"' in rel:
            target = re.search(r'Target="([^"]+)"', rel)
            assert target
            return target.group(1).lstrip("/") if target.group(1).startswith("/") else "xl/" + target.group(1)
    raise AssertionError(rid.group(1))


def _declare_size(data: bytes, member: str, size: int) -> bytes:
    """Make one entry declare ``size`` uncompressed bytes in its local and central headers."""
    buf = bytearray(data)
    pos = buf.find(b"PK\x01\x02")
    while pos >= 0:
        (n,) = struct.unpack_from("<H", buf, pos + 28)
        if bytes(buf[pos + 46: pos + 46 + n]) == member.encode():
            struct.pack_into("<I", buf, pos + 24, size)
            (local,) = struct.unpack_from("<I", buf, pos + 42)
            struct.pack_into("<I", buf, local + 22, size)
            return bytes(buf)
        pos = buf.find(b"PK\x01\x02", pos + 4)
    raise AssertionError(member)


def _flip_inside(data: bytes, member: str) -> bytes:
    """Damage the compressed bytes of one entry in the middle (what a bad USB stick does)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(member)
    (name_len, extra_len) = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    middle = start + info.compress_size // 2
    buf = bytearray(data)
    for i in range(middle, middle + 64):
        buf[i] ^= 0x5A
    return bytes(buf)


_END, _FREE, _FATSECT, _NONE = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _ole2(streams: Mapping[str, bytes]) -> bytes:
    """A minimal compound file ([MS-CFB] v3): one FAT sector, one directory sector, streams >= 4 KB."""
    ss = 512
    names = list(streams)
    assert len(names) <= 3
    datas = [streams[n].ljust(4096, b"\0") for n in names]
    fat = [_FATSECT, _END] + [_FREE] * (ss // 4 - 2)
    sid, starts, body = 2, [], b""
    for data in datas:
        count = -(-len(data) // ss)
        starts.append(sid)
        for k in range(count):
            fat[sid + k] = sid + k + 1 if k < count - 1 else _END
        body += data.ljust(count * ss, b"\0")
        sid += count
    assert sid <= len(fat)

    def entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return struct.pack("<64sHBBIII16sIQQIQ", raw, len(raw), kind, 1, _NONE, right, child, b"\0" * 16, 0, 0, 0,
                           start, size)

    entries = [entry("Root Entry", 5, _NONE, 1, _END, 0)]
    for i, name in enumerate(names):
        entries.append(entry(name, 2, i + 2 if i + 1 < len(names) else _NONE, _NONE, starts[i], len(datas[i])))
    directory = b"".join(entries).ljust(ss, b"\0")
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII109I", bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16, 0x3E, 3,
                         0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, 4096, _END, 0, _END, 0, 0, *([_FREE] * 108))
    return header + struct.pack(f"<{ss // 4}I", *fat) + directory + body


ENCRYPTION_INFO = (b"\x04\x00\x04\x00\x40\x00\x00\x00" + b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"><keyData saltSize="16" '
                   b'blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC"'
                   b' hashAlgorithm="SHA512"/></encryption>')

BILLION_LAUGHS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE worksheet [\n'
                  b'<!ENTITY lol0 "lollollollollollollollollollol">\n'
                  + b"".join(b'<!ENTITY lol%d "%s">\n' % (i, b"".join(b"&lol%d;" % (i - 1) for _ in range(10)))
                             for i in range(1, 10))
                  + b"]>\n")
EXTERNAL_ENTITY = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')

_CT_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_CT_XLSM = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
VBA_PROJECT = _ole2({
    "PROJECT": b'ID="{5D1F8E21-0A4B-4C1E-9F11-2B2A1C3D4E5F}"\r\nDocument=ThisWorkbook/&H00000000\r\n'
               b'Name="VBAProject"\r\n',
    "dir": b"Attribute VB_Name = \"ThisWorkbook\"\r\nPrivate Sub Workbook_Open()\r\n"
           b"  Shell \"cmd /c echo dijalankan > /tmp/makro_jalan\"\r\nEnd Sub\r\n",
})


def _macro_enabled(data: bytes) -> bytes:
    """A real kertas kerja repackaged as .xlsm: macro-enabled content type and a VBA project."""
    def types(xml: bytes) -> bytes:
        assert _CT_MAIN in xml
        return xml.replace(_CT_MAIN, _CT_XLSM).replace(
            b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')

    def rels(xml: bytes) -> bytes:
        return xml.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/'
                           b'office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')

    return _rezip(data, edit={"[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels},
                  add={"xl/vbaProject.bin": VBA_PROJECT})


def _with_prolog(prolog: bytes, entity: bytes) -> Callable[[bytes], bytes]:
    """Edit a sheet part: a DTD before its root and the entity used in its first inline string."""
    def edit(xml: bytes) -> bytes:
        xml = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", xml)
        return prolog + re.sub(rb"<t>[^<]*</t>", b"<t>" + entity + b"</t>", xml, count=1)

    return edit


# ---------------------------------------------------------------------------------------------
# other things that arrive by e-mail

HTML_EXPORT = (b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head><body>"
               b"<table><tr><td>Kode Indikator</td><td>Realisasi</td></tr><tr><td>T-01</td><td>3,05</td></tr>"
               b"</table></body></html>")
CSV_CONTENT = (b"No;Kode Indikator;Indikator Kinerja;Realisasi;Realisasi Anggaran (Rp)\n"
               b"1;T-01;Indeks SPBE Kabupaten Sukamaju;3,05;\n2;IKU-05;Nilai SAKIP;72,5;\n")
XML_2003 = (b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook xmlns='
            b'"urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
            b'<Worksheet ss:Name="Kertas Kerja"><Table><Row><Cell><Data ss:Type="String">Kode Indikator</Data>'
            b"</Cell></Row></Table></Worksheet></Workbook>\n")
DOCX = {
    "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                           b'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="'
                           b'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                           b"</Types>",
    "word/document.xml": b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                         b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Laporan kinerja</w:t></w:r></w:p>'
                         b"</w:body></w:document>",
}
XLSB = {
    "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                           b'package/2006/content-types"><Override PartName="/xl/workbook.bin" ContentType="'
                           b'application/vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>',
    "xl/workbook.bin": b"\x83\x01\x00\x80\x01\x00" + b"\x00" * 64,
}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256)) * 8
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


# ---------------------------------------------------------------------------------------------
# the kit builders use


@dataclass
class Kit:
    """What builders need: the workspace, its templates, and a way to put files into the inbox."""

    w: WS
    scratch: Path
    originals: dict[str, bytes] = field(default_factory=dict)  # bytes dropped in the first run, by name
    counter: Any = field(default_factory=lambda: itertools.count(1))

    @property
    def inbox(self) -> Path:
        return self.w.ws.inbox

    def template(self, bidang: str, periode: str) -> Path:
        from kinerja_batch.periode import parse_periode

        return self.w.ws.template_path(bidang, parse_periode(periode))

    def kk(self, values: Mapping[str, Any] | None = None, *, bidang: str = "SEK", periode: str = "2025-TW1",
           extra: Mapping[str, Mapping[str, Any]] | None = None, edit: Callable[[Sheet], None] | None = None) -> bytes:
        """A filled kertas kerja as bytes; every call differs (a numbered note) so no two are duplicates."""
        import openpyxl

        wb = openpyxl.load_workbook(self.template(bidang, periode))
        ws = wb[KK_SHEET]
        hr, cols = header_columns(ws)
        rows = {str(ws.cell(r, cols["Kode Indikator"]).value): r for r in range(hr + 1, ws.max_row + 1)
                if ws.cell(r, cols["Kode Indikator"]).value}
        sheet = Sheet(wb, ws, hr, cols, rows)
        fills: dict[str, Mapping[str, Any]] = {REAL: {"T-01": 3.0} if values is None else values, **(extra or {})}
        for header, mapping in fills.items():
            for kode, value in mapping.items():
                _put(sheet.cell(kode, header), value)
        last = list(rows)[-1]
        if not sheet.cell(last, KET).value:
            _put(sheet.cell(last, KET), f"catatan uji {next(self.counter)}")
        if edit is not None:
            edit(sheet)
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    def put(self, name: str, data: bytes, seconds: float = OLD) -> Path:
        path = self.inbox / name
        path.write_bytes(data)
        t = time.time() - seconds
        os.utime(path, (t, t))
        return path


# ---------------------------------------------------------------------------------------------
# the cases


@dataclass(frozen=True)
class Case:
    id: str
    kind: str  # README: the kind of bad input
    does: str  # README: what kinerja-batch does with it
    name: str  # the file name in inbox/
    build: Callable[[Kit, str], Any]
    fate: str  # diterima / ditolak / duplikat / ditinggal / diabaikan / dibiarkan
    code: str = ""  # the file-level code, or the cell-level code expected in an accepted file
    fragment: str = ""  # part of the message the batch gives (report, reason file or finding)
    check: Callable[[Outcome], None] | None = None


@dataclass
class Outcome:
    """What happened to one case's file."""

    fate: str
    kode: str
    pesan: str
    lokasi: Path | None
    file_row: sqlite3.Row | None
    findings: list[sqlite3.Row]
    values: dict[str, sqlite3.Row]
    corpus: Corpus

    def real(self) -> dict[str, float | None]:
        return {k: r["realisasi"] for k, r in self.values.items()}

    def angg(self) -> dict[str, float | None]:
        return {k: r["anggaran"] for k, r in self.values.items()}

    def codes(self) -> list[tuple[str, str]]:
        return [(f["kode"], f["sel"]) for f in self.findings]


def _edit_cols_insert(s: Sheet) -> None:
    at = s.cols[REAL]
    s.ws.insert_cols(at)
    for rng in s.ws.merged_cells.ranges:
        if rng.min_col >= at:
            rng.shift(col_shift=1)
    s.ws.cell(s.header_row, at).value = "Catatan Operator"
    for r in s.rows.values():
        s.ws.cell(r, at).value = "dicek"


def _edit_cols_swap(s: Sheet) -> None:
    a, b = s.cols[REAL], s.cols[KET]
    for r in range(s.header_row, s.after_last()):
        ca, cb = s.ws.cell(r, a), s.ws.cell(r, b)
        ca.value, cb.value = cb.value, ca.value


def _edit_title_rows(s: Sheet) -> None:
    s.ws.insert_rows(1, 3)
    for rng in s.ws.merged_cells.ranges:
        rng.shift(row_shift=3)
    s.ws["A1"] = "SALINAN UNTUK ARSIP BIDANG"
    s.ws["A2"] = "Dicetak ulang oleh operator"


def _edit_merge(s: Sheet) -> None:
    c = s.cols
    s.ws.merge_cells(start_row=s.rows["T-01"], end_row=s.rows[PERSEN], start_column=c[KET], end_column=c[KET])
    s.ws.merge_cells(start_row=s.rows["2.16.01.2.01"], end_row=s.rows["2.16.01.2.01.0001-a"],
                     start_column=c[REAL], end_column=c[REAL])


def _edit_duplicate_row(s: Sheet) -> None:
    r = s.after_last()
    s.ws.cell(r, s.cols["Kode Indikator"]).value = "IKU-05"
    s.ws.cell(r, s.cols[REAL]).value = 70


def _edit_unknown_code(s: Sheet) -> None:
    r = s.after_last()
    s.ws.cell(r, s.cols["Kode Indikator"]).value = "IKU-99"
    s.ws.cell(r, s.cols[REAL]).value = 5


def _edit_drop_meta(s: Sheet) -> None:
    del s.wb[layout.SHEET_META]
    s.wb.custom_doc_props.props.clear()


def _cell_bomb(s: Sheet) -> None:
    s.ws["XFD19000"] = "x"  # one cell far right and far down: a 19.000 x 16.384 range to a reader


def _copy_rekap(kit: Kit, name: str) -> None:
    shutil.copyfile(kit.w.ws.outbox / "rekap_2025-TW2.xlsx", kit.inbox / name)
    t = time.time() - OLD
    os.utime(kit.inbox / name, (t, t))


def _symlink(kit: Kit, name: str) -> None:
    target = kit.scratch / "di_luar_inbox.xlsx"
    target.write_bytes(kit.kk({"T-01": 2.7}))
    (kit.inbox / name).symlink_to(target)


def _directory(kit: Kit, name: str) -> None:
    (kit.inbox / name).mkdir()
    (kit.inbox / name / "isi.xlsx").write_bytes(kit.kk({"T-01": 2.6}))


def _long_text(kit: Kit, name: str) -> None:
    """Text over 32.767 characters: openpyxl refuses to write it, so the sheet XML is edited."""
    data = kit.kk({"IKU-03": 60}, bidang="APTIKA", periode="2025-TW2", extra={PENDORONG: {"IKU-03": "PANJANG"}})
    part = _sheet_part(data, KK_SHEET)
    kit.put(name, _rezip(data, edit={part: lambda x: x.replace(b">PANJANG<", b">" + LONG_TEXT.encode() + b"<")}))


LONG_TEXT = ("Kegiatan sosialisasi dilaksanakan di 12 kecamatan. " * 800).strip()  # 40.799 characters
INJECTION = {  # (kode IKP, column): text typed by a person, to be stored and shown as text
    ("IKU-01", PENDORONG): '=HYPERLINK("http://contoh.invalid/x","klik di sini")',
    ("IKU-01", PENGHAMBAT): "+62 811-1234-5678 (hubungi operator)",
    ("IKU-01", BUKTI): "@SUM(A1:A9)",
    ("IKU-01", KET): "-2+3 dikoreksi",
    ("IKU-02", PENDORONG): "\t=1+2",
    ("IKU-02", PENGHAMBAT): "\r=cmd|' /C calc'!A0",
    ("IKU-02", BUKTI): "https://contoh.go.id/bukti/laporan.pdf",
    ("IKP-P01", PENDORONG): "=SUM(1+1)*cmd|' /C notepad'!A1",
    ("IKP-P01", BUKTI): "+",
}


CONTROL_TEXT = "Baris satu\x0bbaris dua\x01 akhir _x0041_"  # as Excel stores it: _x000B_, _x0001_, _x005F_x0041_
CONTROL_XML = b"Baris satu_x000B_baris dua_x0001_ akhir _x005F_x0041_"


def _control_chars(kit: Kit, name: str) -> None:
    """Control characters (a Word line break, ^A) in a text cell: openpyxl refuses them, Excel escapes them."""
    data = kit.kk({"IKU-04": 90}, bidang="TIK", periode="2025-TW2", extra={PENDORONG: {"IKU-04": "KENDALI"}})
    part = _sheet_part(data, KK_SHEET)
    kit.put(name, _rezip(data, edit={part: lambda x: x.replace(b">KENDALI<", b">" + CONTROL_XML + b"<")}))


def _check_control_chars(o: Outcome) -> None:
    from python_calamine import CalamineWorkbook

    assert o.values["IKU-04"]["pendorong"] == CONTROL_TEXT
    wb = CalamineWorkbook.from_path(str(o.corpus.w.ws.outbox / "rekap_2025-TW2.xlsx"))
    rows = wb.get_sheet_by_name("Pengukuran Kinerja").to_python()
    wb.close()
    header = next(r for r in rows if "Kode Indikator" in r)
    row = next(r for r in rows if r[header.index("Kode Indikator")] == "IKU-04")
    assert row[header.index("Faktor Pendorong")] == CONTROL_TEXT


def _injection(kit: Kit, name: str) -> None:
    extra: dict[str, dict[str, Any]] = {}
    for (kode, col), text in INJECTION.items():
        extra.setdefault(col, {})[kode] = text
    kit.put(name, kit.kk({"IKU-01": 70, "IKU-02": 4, "IKP-P01": 75}, bidang="IKP", periode="2025-TW2", extra=extra))


# ---- checks of accepted files


def _values(expected: Mapping[str, float | None], column: str = "realisasi") -> Callable[[Outcome], None]:
    def check(o: Outcome) -> None:
        got = {k: o.values[k][column] if k in o.values else "(tidak ada)" for k in expected}
        assert got == dict(expected), got

    return check


def _check_identity(bidang: str, periode: str, sheet: str = KK_SHEET) -> Callable[[Outcome], None]:
    def check(o: Outcome) -> None:
        assert o.file_row is not None
        assert (o.file_row["kode_bidang"], o.file_row["periode"]) == (bidang, periode)
        assert {v["lembar"] for v in o.values.values()} == {sheet}

    return check


def _check_title_rows(o: Outcome) -> None:
    assert o.real()["T-01"] == 3.2
    assert o.values["T-01"]["baris"] == layout.FIRST_DATA_ROW + 3  # the header moved down three rows
    assert o.values["T-01"]["sel_realisasi"] == f"K{layout.FIRST_DATA_ROW + 3}"


def _check_merged(o: Outcome) -> None:
    assert o.real()["2.16.01.2.01"] == 2 and o.real()["2.16.01.2.01.0001-a"] is None
    assert o.values["T-01"]["keterangan"] == "satu keterangan untuk tiga baris"
    assert o.values["IKU-05"]["keterangan"] == ""


def _check_duplicate_code(o: Outcome) -> None:
    assert "IKU-05" not in o.values  # both rows withheld; the bidang must remove one
    assert o.real()["T-01"] == 3.3


def _check_target(o: Outcome) -> None:
    f = next(f for f in o.findings if f["kode"] == "TARGET_DIUBAH")
    assert f["sel"] == "I9" and f["nilai"] == "5"
    assert o.real()["T-01"] == 3.0


def _check_long_name_collision(o: Outcome) -> None:
    assert o.lokasi is not None and o.file_row is not None
    assert o.file_row["nama_asli"] == LONG_ACCEPTED
    name = o.lokasi.name
    assert len(os.fsencode(name)) <= 255 - len(".alasan.txt") and name.endswith(" (2).xlsx"), name
    assert name.startswith("Laporan realisasi kinerja Sekretariat xxx")


def _check_long_rejected(o: Outcome) -> None:
    assert o.lokasi is not None and o.file_row is not None
    assert len(os.fsencode(o.lokasi.name + ".alasan.txt")) <= 255
    assert o.lokasi.suffix in (".xlsx", ".xls")
    assert o.file_row["nama_asli"] in (LONG_REJECTED, LONG_MULTIBYTE)


def _check_nfd(o: Outcome) -> None:
    assert o.file_row is not None and o.file_row["nama_asli"] == NFD_NAME  # the bytes of the name, not NFC
    assert o.lokasi is not None and o.lokasi.name == NFD_NAME


def _check_long_text(o: Outcome) -> None:
    text = o.values["IKU-03"]["pendorong"]
    assert len(text) == 32767 and text == LONG_TEXT[:32767]
    f = next(f for f in o.findings if f["kode"] == "TEKS_TERLALU_PANJANG")
    assert f"{len(LONG_TEXT):,} karakter".replace(",", ".") in f["pesan"]


def _check_injection(o: Outcome) -> None:
    columns = {PENDORONG: "pendorong", PENGHAMBAT: "penghambat", BUKTI: "bukti", KET: "keterangan"}
    for (kode, col), text in INJECTION.items():
        stored = o.values[kode][columns[col]]
        assert stored == text.strip(), (kode, col, stored)  # as typed (only surrounding blanks trimmed)
    assert not [f for f in o.findings if f["level"] == F.GALAT]


def _check_rekap_refused(o: Outcome) -> None:
    assert "rekap keluaran kinerja-batch" in o.pesan


def _check_xlsm(o: Outcome) -> None:
    assert o.real() == {**dict.fromkeys(SEK_CODES), "T-01": 3.4, "IKU-05": 71.5}
    assert not Path("/tmp/makro_jalan").exists()


def _check_meta_deleted(o: Outcome) -> None:
    """Held: the signed submission of SEK stays the one that counts; nothing of this file is stored as values."""
    assert o.file_row is not None and o.lokasi is not None
    assert (o.file_row["kode_bidang"], o.file_row["periode"], o.file_row["hasil"]) == ("SEK", "2025-TW1", "ditahan")
    assert o.values == {}
    assert "kinerja-batch terima \"sek_tanpa_meta.xlsx\"" in o.pesan
    assert "Kiriman SEK 2025-TW1 yang sudah diterima ('" in o.pesan  # names the submission it did not replace
    status = read_sheet(o.corpus.w.ws.rekap_path(_p("2025-TW1")), "Status Pengumpulan", key="Bidang")
    assert status["SEK"]["Berkas"] != "sek_tanpa_meta.xlsx" and status["SEK"]["Tanda Tangan"] == "Sah"


def _check_first_unsigned(o: Outcome) -> None:
    """No submission of APTIKA for the period yet: the unsigned file is read by its codes, marked unsigned."""
    _check_identity("APTIKA", "2025-TW1")(o)
    assert o.real()["IKU-03"] == 61
    assert [f["kode"] for f in o.findings if f["kode"] == "TANPA_TANDA_TANGAN"] == ["TANPA_TANDA_TANGAN"]
    status = read_sheet(o.corpus.w.ws.rekap_path(_p("2025-TW1")), "Status Pengumpulan", key="Bidang")
    assert status["APTIKA"]["Tanda Tangan"] == "Tanpa tanda tangan"
    assert status["APTIKA"]["Berkas"] == "aptika_tanpa_meta.xlsx"


def _check_sek_untouched(o: Outcome) -> None:
    """A forged or relabelled form changes nothing: SEK's accepted submission is still the one in the rekap."""
    assert o.values == {}
    status = read_sheet(o.corpus.w.ws.rekap_path(_p("2025-TW1")), "Status Pengumpulan", key="Bidang")
    assert status["SEK"]["Berkas"] != o.file_row["nama_asli"] and status["SEK"]["Tanda Tangan"] == "Sah"
    assert status["IKP"]["Status"] == "Belum Mengumpulkan"


def _p(text: str) -> Any:
    from kinerja_batch.periode import parse_periode

    return parse_periode(text)


def _key(kit: Kit) -> bytes:
    from kinerja_batch.tanda_tangan import workspace_key

    return workspace_key(kit.w.ws.state_dir)


def _template_id(kit: Kit, bidang: str, periode: str) -> str:
    import openpyxl

    wb = openpyxl.load_workbook(kit.template(bidang, periode))
    return {r[0]: r[1] for r in wb[layout.SHEET_META].iter_rows(max_col=2, values_only=True)}["template_id"]


def _forged_bidang(kit: Kit) -> Callable[[Sheet], None]:
    """SEK's own kertas kerja told to be IKP's: the metadata rewritten and IKP's codes pasted over SEK's, so that
    metadata and codes agree (only the signature tells the forgery)."""
    ikp = [str(k) for k in kit.w.master.indikator_of("IKP")["kode_indikator"]]

    def edit(s: Sheet) -> None:
        s.meta("kode_bidang", "IKP")
        for i, sek in enumerate(list(s.rows)):
            s.cell(sek, "Kode Indikator").value = ikp[i] if i < len(ikp) else None

    return edit


def _tampered_signature(s: Sheet) -> None:
    sig = s.metadata()["tanda_tangan"]
    s.meta("tanda_tangan", sig[:-1] + ("0" if sig[-1] != "0" else "1"))


def _swap_rows(s: Sheet) -> None:
    """The locked code and targets of two rows swapped: each row's realisasi now reads as the other indicator."""
    a, b = "2.16.01.2.01.0001-a", "2.16.01.2.01.0006-a"
    for header in ("Kode Indikator", "Target Tahunan", "Target s.d. TW"):
        ca, cb = s.cell(a, header), s.cell(b, header)
        ca.value, cb.value = cb.value, ca.value


def _konfirmasi_relabelled(key: str, value: str) -> Callable[[Kit, str], None]:
    """SEK's confirmation workbook (written by the first run) with one metadata field rewritten."""
    def build(kit: Kit, name: str) -> None:
        import openpyxl

        src = kit.w.ws.konfirmasi_path("SEK", _p("2025-TW1"))
        assert src.exists(), "the first run writes SEK's confirmation workbook"
        wb = openpyxl.load_workbook(src)
        meta = wb[layout.SHEET_META]
        for row in meta.iter_rows(min_col=1, max_col=2):
            if row[0].value == key:
                row[1].value = value
        buf = io.BytesIO()
        wb.save(buf)
        kit.put(name, buf.getvalue())

    return build


def _check_16_digits(o: Outcome) -> None:
    assert o.real()[RP] == 1234567890123456.0
    assert o.angg()[PERSEN] == 1234567890123456.0


def _check_full_width(o: Outcome) -> None:
    _values({"T-01": 3.05, "IKU-05": 72.5, PERSEN: 98})(o)
    _values({PERSEN: 1_250_000, RP: 1_500_000}, "anggaran")(o)
    assert o.values["IKU-05"]["realisasi_teks"] == "\u00a072,5\u00a0"  # the text as typed, for the audit trail


def _edit_meta(key: str, value: str) -> Callable[[Sheet], None]:
    return lambda s: s.meta(key, value)


def _rename(s: Sheet) -> None:
    s.ws.title = "Isian SEK"


def _hide(s: Sheet) -> None:
    s.ws.row_dimensions[s.rows["T-01"]].hidden = True


def _percent(s: Sheet) -> None:
    s.cell(PERSEN, REAL).number_format = "0%"


def _target(s: Sheet) -> None:
    s.cell("T-01", "Target Tahunan").value = 5


def _delete_row(s: Sheet) -> None:
    s.ws.delete_rows(s.rows["2.16.01.2.01.0006-a"])


def _copy_sheet_in(kit: Kit, bidang: str | None, title: str) -> Callable[[Sheet], None]:
    """Copy a kertas kerja sheet into the workbook as a second entry sheet: another bidang's filled sheet
    (``bidang``), or a copy of the workbook's own sheet (``None``)."""
    def edit(s: Sheet) -> None:
        if bidang is None:
            s.wb.copy_worksheet(s.ws).title = title
            return
        import openpyxl

        other = openpyxl.load_workbook(kit.template(bidang, "2025-TW1"))[KK_SHEET]
        target = s.wb.create_sheet(title)
        for row in other.iter_rows():
            for cell in row:
                if cell.value is not None:
                    target.cell(cell.row, cell.column).value = cell.value
        hr, cols = header_columns(other)
        target.cell(hr + 1, cols[REAL]).value = 4

    return edit


def _check_good_submission_kept(o: Outcome) -> None:
    """The rejected file never supersedes the SEK submission that holds the good values."""
    row = o.corpus.con.execute(
        "SELECT f.nama_asli FROM submissions s JOIN files f ON f.id = s.file_id WHERE s.kode_bidang = 'SEK'"
        " AND s.periode = '2025-TW1' AND s.superseded_by IS NULL").fetchone()
    assert row is not None and row["nama_asli"] != o.file_row["nama_asli"]


def _truncated(kit: Kit) -> bytes:
    data = kit.kk({"T-01": 2.5})
    return data[: int(len(data) * 0.6)]


CASES: list[Case] = [
    # ---- zip bombs and limits
    Case("zip_bom_ukuran", "zip bomb: small file declaring a huge uncompressed size", "rejected before inflating",
         "sek_bom.xlsx", lambda k, n: k.put(n, _declare_size(_rezip(k.kk(), add={"xl/media/image1.png": bytes(4096)}),
                                                             "xl/media/image1.png", 0xF0000000)),
         "ditolak", "TERLALU_BESAR", "ukuran terurai"),
    Case("zip_bom_rasio", "zip bomb: 60 MB of zeros inside a real kertas kerja", "rejected before inflating",
         "sek_bom_rasio.xlsx", lambda k, n: k.put(n, _rezip(k.kk(), add={"xl/media/image1.emf": bytes(60 * MB)})),
         "ditolak", "TERLALU_BESAR", "rasio kompresi"),
    Case("zip_entri", "zip with thousands of entries", "rejected from the end record, before listing",
         "sek_entri.xlsx", lambda k, n: k.put(n, _rezip(k.kk(), add={f"customXml/item{i}.xml": b"<a/>"
                                                                     for i in range(2100)})),
         "ditolak", "TERLALU_BESAR", "entri ZIP"),
    Case("bom_sel", "one cell typed far right and down (XFD19000): a huge range for the reader",
         "the reader hits the memory limit in its child process; rejected", "sek_sel_jauh.xlsx",
         lambda k, n: k.put(n, k.kk(edit=_cell_bomb)), "ditolak", "TERLALU_BESAR", "memori lebih dari 1.536 MB"),
    Case("baris_banyak", "sheet with a value at row 25.000", "rejected (rows over batas.baris_maks)",
         "sek_baris.xlsx", lambda k, n: k.put(n, k.kk(edit=lambda s: s.ws.cell(25000, 2, "catatan"))),
         "ditolak", "TERLALU_BESAR", "sampai baris 25.000, batas 20.000 baris"),
    # ---- damaged
    Case("zip_terpotong_lama", "truncated xlsx, modified long ago", "rejected", "sek_terpotong.xlsx",
         lambda k, n: k.put(n, _truncated(k)), "ditolak", "RUSAK", "terpotong"),
    Case("zip_crc", "xlsx with damaged bytes in the middle", "rejected", "sek_rusak.xlsx",
         lambda k, n: k.put(n, _flip_inside(k.kk({"T-01": 2.4}), "xl/worksheets/sheet2.xml")),
         "ditolak", "RUSAK", "rusak atau terpotong"),
    Case("zip_terpotong_baru", "truncated xlsx modified minutes ago (still copying?)", "left for the next run",
         "sek_sedang_disalin.xlsx", lambda k, n: k.put(n, _truncated(k), seconds=120),
         "ditinggal", "RUSAK", "masih disalin"),
    Case("xml_bom_entitas", "XML entity bomb (billion laughs) inside a real kertas kerja",
         "rejected by the byte check; no parser expands it", "sek_entitas.xlsx",
         lambda k, n: k.put(n, _rezip(k.kk(), edit={"xl/worksheets/sheet2.xml": _with_prolog(BILLION_LAUGHS,
                                                                                             b"&lol9;")})),
         "ditolak", "RUSAK", "DTD/entitas"),
    Case("xml_entitas_luar", "XML external entity (file:///etc/passwd) inside a real kertas kerja",
         "rejected; nothing is fetched", "sek_xxe.xlsx",
         lambda k, n: k.put(n, _rezip(k.kk(), edit={"xl/worksheets/sheet3.xml": _with_prolog(EXTERNAL_ENTITY,
                                                                                             b"&xxe;")})),
         "ditolak", "RUSAK", "DTD/entitas"),
    # ---- other formats
    Case("xlsm", "macro-enabled .xlsm (a kertas kerja with vbaProject.bin)", "accepted; macros are never run",
         "sek_makro.xlsm", lambda k, n: k.put(n, _macro_enabled(k.kk({"T-01": 3.4, "IKU-05": 71.5}))),
         "diterima", check=_check_xlsm),
    Case("terenkripsi", "password-protected workbook (OLE2 with EncryptionInfo/EncryptedPackage)",
         "rejected, with how to remove the password", "sek_berpassword.xlsx",
         lambda k, n: k.put(n, _ole2({"EncryptionInfo": ENCRYPTION_INFO,
                                      "EncryptedPackage": struct.pack("<Q", 14000) + bytes(range(256)) * 20})),
         "ditolak", "TERENKRIPSI", "dilindungi kata sandi"),
    Case("html_xls", "HTML \"export to Excel\" renamed .xls", "rejected by its bytes", "ekspor_aplikasi.xls",
         lambda k, n: k.put(n, HTML_EXPORT), "ditolak", "BUKAN_EXCEL", "halaman HTML yang diberi akhiran .xls"),
    Case("csv_xlsx", "CSV renamed .xlsx", "rejected by its bytes", "sek_dari_csv.xlsx",
         lambda k, n: k.put(n, CSV_CONTENT), "ditolak", "BUKAN_EXCEL", "berkas CSV/teks yang diberi akhiran .xlsx"),
    Case("csv", "CSV with the right columns and codes", "rejected; asked to save as .xlsx", "kertas_kerja_SEK.csv",
         lambda k, n: k.put(n, CSV_CONTENT + b"3;2.16.01;Persentase;99;\n"), "ditolak", "BUKAN_EXCEL",
         "simpan sebagai Buku Kerja Excel (.xlsx)"),
    Case("xml2003", "Excel 2003 XML spreadsheet renamed .xls", "rejected", "sek_xml2003.xls",
         lambda k, n: k.put(n, XML_2003), "ditolak", "BUKAN_EXCEL", "XML Spreadsheet 2003 yang diberi akhiran .xls"),
    Case("docx", "Word document renamed .xlsx", "rejected", "laporan_word.xlsx",
         lambda k, n: k.put(n, _zip(DOCX)), "ditolak", "BUKAN_EXCEL", "dokumen Word yang diberi akhiran .xlsx"),
    Case("xlsb", "binary workbook .xlsb", "rejected; asked to save as .xlsx", "sek_biner.xlsb",
         lambda k, n: k.put(n, _zip(XLSB)), "ditolak", "BUKAN_EXCEL", "format .xlsb"),
    Case("kosong", "empty file", "rejected", "kosong.xlsx", lambda k, n: k.put(n, b""), "ditolak", "BUKAN_EXCEL",
         "berkas kosong"),
    Case("gambar", "photo (JPEG) named .xlsx", "rejected", "foto_kertas_kerja.xlsx", lambda k, n: k.put(n, JPEG),
         "ditolak", "BUKAN_EXCEL", "gambar JPEG yang diberi akhiran .xlsx"),
    Case("pdf", "PDF", "rejected", "kertas_kerja_SEK.pdf", lambda k, n: k.put(n, PDF), "ditolak", "BUKAN_EXCEL",
         "dokumen PDF"),
    # ---- the inbox itself
    Case("kunci_excel", "Excel owner file of an open workbook (~$...)", "ignored, never moved",
         "~$dang_dibuka.xlsx", lambda k, n: k.put(n, b"\x0boperator   " + bytes(150)), "diabaikan"),
    Case("dibuka", "workbook whose Excel owner file is present", "left until it is closed", "sedang_dibuka.xlsx",
         lambda k, n: k.put(n, k.kk({"T-01": 2.3})), "ditinggal", "", "sedang dibuka"),
    Case("kunci_tanpa_berkas", "Excel owner file whose workbook is missing", "ignored", "~$laporan_hilang.xlsx",
         lambda k, n: k.put(n, b"\x0boperator"), "diabaikan"),
    Case("kunci_lo_tanpa_berkas", "LibreOffice lock file whose workbook is missing", "ignored",
         ".~lock.laporan_hilang.xlsx#", lambda k, n: k.put(n, b"operator,pc-01,/home/op,21.11.2025 08:00,"),
         "diabaikan"),
    Case("unduhan", "download still in progress (.crdownload)", "ignored", "sek.xlsx.crdownload",
         lambda k, n: k.put(n, _truncated(k)), "diabaikan"),
    Case("sementara", "temporary file (.tmp)", "ignored", "~WRL0001.tmp", lambda k, n: k.put(n, b"sementara"),
         "diabaikan"),
    Case("thumbs", "Thumbs.db", "ignored", "Thumbs.db", lambda k, n: k.put(n, b"\0" * 64), "diabaikan"),
    Case("appledouble", "macOS AppleDouble file (._name)", "ignored", "._sek.xlsx",
         lambda k, n: k.put(n, b"\x00\x05\x16\x07" + bytes(60)), "diabaikan"),
    Case("masih_tumbuh", "file modified seconds ago (still growing)", "left for the next run", "baru_disalin.xlsx",
         lambda k, n: k.put(n, k.kk({"T-01": 2.2}), seconds=5), "ditinggal", "", "mungkin masih disalin"),
    Case("duplikat", "identical bytes under a new name", "archived as a duplicate, values not read again",
         "sek_kirim_ulang.xlsx", lambda k, n: k.put(n, k.originals["sek_asli.xlsx"]), "duplikat", "DUPLIKAT",
         "sama persis dengan 'sek_asli.xlsx'"),
    Case("folder", "a folder inside inbox/", "left alone", "kiriman_lama.xlsx", _directory, "dibiarkan"),
    Case("symlink", "symbolic link", "left, with the reason", "tautan_sek.xlsx", _symlink, "ditinggal", "",
         "tautan simbolik"),
    # ---- a kertas kerja that was reshaped
    Case("meta_dihapus", "hidden metadata sheet and document properties deleted (no signature) while the bidang's "
         "signed submission is accepted", "held in inbox/ditahan/ with the reason; the signed submission stays "
         "until the officer runs `kinerja-batch terima`", "sek_tanpa_meta.xlsx",
         lambda k, n: k.put(n, k.kk({"T-01": 2.8}, edit=_edit_drop_meta)), "ditahan", "TANPA_TANDA_TANGAN",
         "tidak bertanda tangan (tanpa metadata kertas kerja", _check_meta_deleted),
    Case("meta_dihapus_pertama", "no metadata (no signature), first submission of that bidang and period",
         "accepted: bidang from the indicator codes, period from the title; shown as unsigned",
         "aptika_tanpa_meta.xlsx",
         lambda k, n: k.put(n, k.kk({"IKU-03": 61}, bidang="APTIKA", edit=_edit_drop_meta)), "diterima",
         check=_check_first_unsigned),
    # ---- forgeries (issue 10 section 5)
    Case("tt_bidang_palsu", "kertas kerja of one bidang with its metadata rewritten to another bidang (and that "
         "bidang's codes pasted in)", "rejected, naming the bidang it was issued for; the real submission stays",
         "ikp_palsu.xlsx", lambda k, n: k.put(n, k.kk({"T-01": 3.0}, edit=_forged_bidang(k))), "ditolak",
         "TANDA_TANGAN_TIDAK_SAH", "metadata menyebut bidang IKP, padahal formulir", _check_sek_untouched),
    Case("tt_periode_palsu", "kertas kerja with its metadata rewritten to another period", "rejected, naming the "
         "period it was issued for", "sek_tw2_palsu.xlsx",
         lambda k, n: k.put(n, k.kk({"T-01": 3.0}, edit=_edit_meta("periode", "2025-TW2"))), "ditolak",
         "TANDA_TANGAN_TIDAK_SAH", "diterbitkan untuk periode 2025-TW1", _check_sek_untouched),
    Case("tt_tanda_tangan", "signature in the metadata altered", "rejected", "sek_ttd_diubah.xlsx",
         lambda k, n: k.put(n, k.kk({"T-01": 3.0}, edit=_tampered_signature)), "ditolak", "TANDA_TANGAN_TIDAK_SAH",
         "tanda tangan tidak cocok dengan metadata", _check_sek_untouched),
    Case("tt_id_bidang_lain", "metadata signed with the workspace key but naming the id issued to another bidang",
         "rejected, naming the bidang that id was issued for", "sek_id_ikp.xlsx",
         lambda k, n: k.put(n, k.kk({"T-01": 3.0}, edit=lambda s: s.resign(
             _key(k), template_id=_template_id(k, "IKP", "2025-TW1")))), "ditolak", "TANDA_TANGAN_TIDAK_SAH",
         "diterbitkan untuk bidang IKP", _check_sek_untouched),
    Case("tt_id_asing", "metadata signed with the workspace key, with an id this workspace never issued (a copied "
         "workspace)", "rejected", "sek_id_asing.xlsx",
         lambda k, n: k.put(n, k.kk({"T-01": 3.0}, edit=lambda s: s.resign(_key(k), template_id="ab" * 16))),
         "ditolak", "TANDA_TANGAN_TIDAK_SAH", "tidak pernah diterbitkan oleh ruang kerja ini", _check_sek_untouched),
    Case("tt_kunci_lain", "form signed with another workspace's key", "rejected", "sek_kunci_lain.xlsx",
         lambda k, n: k.put(n, k.kk({"T-01": 3.0}, edit=lambda s: s.resign(b"x" * 32))), "ditolak",
         "TANDA_TANGAN_TIDAK_SAH", "ditandatangani dengan kunci lain", _check_sek_untouched),
    Case("tt_konfirmasi_bidang", "confirmation workbook with its metadata rewritten to another bidang",
         "rejected; no answer is applied", "konfirmasi_ikp_palsu.xlsx",
         _konfirmasi_relabelled("kode_bidang", "IKP"), "ditolak", "TANDA_TANGAN_TIDAK_SAH",
         "metadata menyebut bidang IKP, padahal formulir"),
    Case("tt_konfirmasi_periode", "confirmation workbook with its metadata rewritten to another period",
         "rejected; no answer is applied to that period", "konfirmasi_sek_tw2_palsu.xlsx",
         _konfirmasi_relabelled("periode", "2025-TW2"), "ditolak", "TANDA_TANGAN_TIDAK_SAH",
         "metadata menyebut periode 2025-TW2, padahal formulir"),
    Case("isi_terkunci", "two rows' locked codes and targets swapped (values follow the codes)",
         "accepted; the changed locked content is reported (peringatan)", "sek_baris_tukar.xlsx",
         lambda k, n: k.put(n, k.kk({"T-01": 3.0, "2.16.01.2.01.0001-a": 1}, edit=_swap_rows)), "diterima",
         "ISI_TERKUNCI_DIUBAH", "urutan baris indikator berubah"),
    Case("lembar_ganti_nama", "entry sheet renamed", "accepted (sheet found by its header row)",
         "sek_lembar_baru.xlsx", lambda k, n: k.put(n, k.kk({"T-01": 2.9}, edit=_rename)), "diterima",
         check=_check_identity("SEK", "2025-TW1", "Isian SEK")),
    Case("kolom_sisip", "column inserted before Realisasi", "accepted (columns found by header)",
         "sek_kolom_sisip.xlsx", lambda k, n: k.put(n, k.kk({"T-01": 3.1, "IKU-05": 70}, edit=_edit_cols_insert)),
         "diterima", check=_values({"T-01": 3.1, "IKU-05": 70, PERSEN: None})),
    Case("kolom_pindah", "columns moved (Realisasi and Keterangan swapped)", "accepted (columns found by header)",
         "sek_kolom_pindah.xlsx", lambda k, n: k.put(n, k.kk({"T-01": 3.15, PERSEN: 95}, edit=_edit_cols_swap)),
         "diterima", check=_values({"T-01": 3.15, PERSEN: 95, "IKU-05": None})),
    Case("judul_tambahan", "extra title rows above the header", "accepted; cells reported where they are now",
         "sek_judul.xlsx", lambda k, n: k.put(n, k.kk({"T-01": 3.2}, edit=_edit_title_rows)), "diterima",
         check=_check_title_rows),
    Case("sel_gabung", "merged cells in the data area", "accepted; only the top cell of a merge holds a value",
         "sek_gabung.xlsx", lambda k, n: k.put(n, k.kk({"T-01": 3.0, "2.16.01.2.01": 2},
                                                       extra={KET: {"T-01": "satu keterangan untuk tiga baris"}},
                                                       edit=_edit_merge)),
         "diterima", check=_check_merged),
    Case("baris_sembunyi", "hidden rows", "accepted; hidden rows are read", "sek_sembunyi.xlsx",
         lambda k, n: k.put(n, k.kk({"T-01": 2.95, "IKU-05": 71}, edit=_hide)), "diterima",
         check=_values({"T-01": 2.95, "IKU-05": 71})),
    Case("kode_ganda", "an indicator row copied (duplicate code)", "accepted; both rows withheld (galat)",
         "sek_kode_ganda.xlsx", lambda k, n: k.put(n, k.kk({"T-01": 3.3, "IKU-05": 72}, edit=_edit_duplicate_row)),
         "diterima", "KODE_GANDA", "muncul lebih dari sekali", _check_duplicate_code),
    Case("kode_asing", "a row with an indicator code not in the master", "accepted; that row ignored (galat)",
         "sek_kode_asing.xlsx", lambda k, n: k.put(n, k.kk({"T-01": 3.0}, edit=_edit_unknown_code)), "diterima",
         "KODE_TIDAK_DIKENAL", "'IKU-99'"),
    Case("baris_dihapus", "an indicator row deleted", "accepted; the missing indicator reported (galat)",
         "sek_baris_hilang.xlsx", lambda k, n: k.put(n, k.kk({"T-01": 3.0}, edit=_delete_row)), "diterima",
         "BARIS_HILANG", "Indikator 2.16.01.2.01.0006-a"),
    Case("target_diubah", "locked target edited", "accepted; the master's target is used (peringatan)",
         "sek_target.xlsx", lambda k, n: k.put(n, k.kk({"T-01": 3.0}, edit=_target)), "diterima", "TARGET_DIUBAH",
         "target master 3,1", _check_target),
    Case("galat_excel", "Excel error cell (#DIV/0!)", "accepted; that value withheld (galat)", "sek_div0.xlsx",
         lambda k, n: k.put(n, k.kk({"T-01": 3.0, "IKU-05": ExcelError("#DIV/0!")})), "diterima", "GALAT_EXCEL",
         "galat Excel #DIV/0!"),
    Case("rumus_tanpa_nilai", "formula with no cached result", "accepted; that value withheld (galat)",
         "sek_rumus.xlsx", lambda k, n: k.put(n, k.kk({"T-01": 3.0, "IKU-05": Formula("=SUM(70,1.5)")})),
         "diterima", "RUMUS_TANPA_NILAI", "rumus '=SUM(70,1.5)'"),
    Case("rekap", "the product's own rekap dropped into inbox/", "rejected: it is a rekap, not a kertas kerja",
         "rekap_2025-TW2 (salinan).xlsx", _copy_rekap, "ditolak", "BUKAN_KERTAS_KERJA", "berkas rekap",
         _check_rekap_refused),
    Case("meta_bidang", "metadata edited to a bidang the master does not have", "rejected", "humas.xlsx",
         lambda k, n: k.put(n, k.kk(edit=_edit_meta("kode_bidang", "HUMAS"))), "ditolak", "BIDANG_TIDAK_DIKENAL",
         "kode bidang 'HUMAS'"),
    Case("meta_periode", "metadata edited to a period not collected", "rejected", "sek_2019.xlsx",
         lambda k, n: k.put(n, k.kk(edit=_edit_meta("periode", "2019-TW3"))), "ditolak", "PERIODE_TIDAK_DIKENAL",
         "'2019-TW3'"),
    Case("bidang_tidak_cocok", "another bidang's template filled and its metadata set to one's own bidang",
         "rejected naming both bidang; the good submission stays", "sek_isi_templat_ikp.xlsx",
         lambda k, n: k.put(n, k.kk({"IKU-01": 3.1}, bidang="IKP", edit=_edit_meta("kode_bidang", "SEK"))),
         "ditolak", "BIDANG_TIDAK_COCOK", "menyebut bidang SEK (Sekretariat), tetapi kode indikatornya milik IKP",
         _check_good_submission_kept),
    Case("lembar_bidang_lain", "a colleague's kertas kerja sheet copied into one's own file",
         "rejected naming which sheet belongs to which bidang; nothing superseded", "sek_dua_lembar.xlsx",
         lambda k, n: k.put(n, k.kk({"T-01": 3.4}, edit=_copy_sheet_in(k, "IKP", "Isian IKP"))), "ditolak",
         "BIDANG_TIDAK_COCOK", "lembar 'Isian IKP' berisi kode indikator IKP", _check_good_submission_kept),
    Case("lembar_salinan", "the entry sheet duplicated in the same file", "rejected: which sheet counts is unclear",
         "sek_lembar_salinan.xlsx",
         lambda k, n: k.put(n, k.kk({"T-01": 3.45}, edit=_copy_sheet_in(k, None, "Kertas Kerja (2)"))), "ditolak",
         "LEMBAR_GANDA", "lembar 'Kertas Kerja (2)' berisi kode indikator SEK", _check_good_submission_kept),
    Case("tidak_ada_isian", "kertas kerja sent back unfilled", "rejected", "statsan_kosong.xlsx",
         lambda k, n: k.put(n, k.template("STATSAN", "2025-TW1").read_bytes()), "ditolak", "TIDAK_ADA_ISIAN",
         "belum berisi realisasi"),
    # ---- what people type
    Case("teks_rumus", "text starting with = + - @, tab or CR, and a URL, in Faktor/Bukti/Keterangan",
         "stored as typed; written to the rekap as text, never a formula or link", "ikp_tw2_teks.xlsx",
         _injection, "diterima", check=_check_injection),
    Case("teks_kendali", "control characters (vertical tab, ^A) and a literal _x0041_ in a text cell",
         "stored as typed; escaped in the rekap so it stays a valid workbook", "tik_tw2_kendali.xlsx",
         _control_chars, "diterima", check=_check_control_chars),
    Case("teks_panjang", "text over 32.767 characters in one cell", "accepted; text cut to 32.767 (galat)",
         "aptika_tw2_panjang.xlsx", _long_text, "diterima", "TEKS_TERLALU_PANJANG", "teks dipotong",
         _check_long_text),
    Case("angka_16_digit", "16-digit numbers (as number and as typed text)", "accepted, exact",
         "sek_16_digit.xlsx", lambda k, n: k.put(n, k.kk({RP: 1234567890123456, "T-01": 3.0},
                                                         extra={ANGG: {PERSEN: "1.234.567.890.123.456"}})),
         "diterima", check=lambda o: _check_16_digits(o)),
    Case("tanggal", "a date where a number belongs", "accepted; that value withheld (galat)", "sek_tanggal.xlsx",
         lambda k, n: k.put(n, k.kk({"T-01": 3.0, "IKU-05": dt.datetime(2025, 3, 31)})), "diterima",
         "BUKAN_ANGKA", "tanggal 31-03-2025"),
    Case("kata", "words where a number belongs", "accepted; that value withheld (galat)", "sek_kata.xlsx",
         lambda k, n: k.put(n, k.kk({"T-01": 3.0, "IKU-05": "tercapai"})), "diterima", "BUKAN_ANGKA",
         "'tercapai'"),
    Case("lebar_penuh", "full-width digits, non-breaking spaces, 'Rp' prefix", "accepted, read as numbers",
         "sek_lebar_penuh.xlsx",
         lambda k, n: k.put(n, k.kk({"T-01": "３,０５", "IKU-05": "\u00a072,5\u00a0", PERSEN: "９８\u00a0%"},
                                    extra={ANGG: {PERSEN: "1\u00a0250\u00a0000", RP: "Rp\u00a01.500.000"}})),
         "diterima", check=lambda o: _check_full_width(o)),
    Case("angka_ambigu", "'1.500' (thousands or decimal?)", "accepted as 1500 (peringatan)", "sek_ambigu.xlsx",
         lambda k, n: k.put(n, k.kk({"T-01": 3.0, "2.16.01.2.05.0009-a": "1.500"})), "diterima", "ANGKA_AMBIGU",
         "dibaca sebagai 1.500", _values({"2.16.01.2.05.0009-a": 1500})),
    Case("negatif", "negative realisasi", "accepted; that value withheld (galat)", "sek_negatif.xlsx",
         lambda k, n: k.put(n, k.kk({"T-01": 3.0, "IKU-05": -5})), "diterima", "NILAI_NEGATIF", "negatif"),
    Case("persen_format", "0,85 in a percent-formatted cell of a % indicator", "accepted as 85 (info)",
         "sek_persen.xlsx", lambda k, n: k.put(n, k.kk({"T-01": 3.0, PERSEN: 0.85}, edit=_percent)), "diterima",
         "SKALA_PERSEN_DIUBAH", "dibaca sebagai 85%", _values({PERSEN: 85})),
    # ---- names
    Case("nama_nfd", "file name in decomposed Unicode (NFD)", "accepted; the name kept byte for byte", NFD_NAME,
         lambda k, n: k.put(n, k.kk({"T-01": 3.05})), "diterima", check=_check_nfd),
    Case("nama_panjang_bentrok", "253-byte file name already taken in the archive",
         "accepted; destination shortened with … and numbered, original name in the ledger", LONG_ACCEPTED,
         lambda k, n: k.put(n, k.kk({"T-01": 3.25})), "diterima", check=_check_long_name_collision),
    Case("nama_panjang_ditolak", "250-character name of a rejected file (no room for .alasan.txt)",
         "rejected; destination shortened so the reason file fits", LONG_REJECTED,
         lambda k, n: k.put(n, CSV_CONTENT + b"9;nama panjang;;;\n"), "ditolak", "BUKAN_EXCEL", "berkas CSV/teks",
         _check_long_rejected),
    Case("nama_panjang_multibita", "253-byte name of multi-byte characters", "rejected; shortened on a character "
         "boundary", LONG_MULTIBYTE, lambda k, n: k.put(n, HTML_EXPORT + b"\n<!-- 2 -->"), "ditolak", "BUKAN_EXCEL", "halaman HTML",
         _check_long_rejected),
]

FATES = ("diterima", "ditolak", "ditahan", "duplikat", "ditinggal", "diabaikan", "dibiarkan")


# ---------------------------------------------------------------------------------------------
# one workspace, two runs


@dataclass
class Corpus:
    w: WS
    report: batch.RunReport
    run_id: int
    con: sqlite3.Connection
    shas: dict[str, str]  # case name -> sha256 of what was dropped
    expected_copies: Counter[str]  # sha256 -> how many files with these bytes entered the inbox
    inbox_shas: dict[Path, str]  # every regular file below inbox/ after the run

    def outcome(self, case: Case) -> Outcome:
        ws = self.w.ws
        if case.name in self.report.ignored:
            return Outcome("diabaikan", "", "", None, None, [], {}, self)
        got = [f for f in self.report.files if f.berkas == case.name]
        if not got:
            return Outcome("dibiarkan", "", "", None, None, [], {}, self)
        assert len(got) == 1, got
        f = got[0]
        row = self.con.execute("SELECT * FROM files WHERE nama_asli=? AND run_id=?", (case.name, self.run_id)
                               ).fetchone()
        findings: list[sqlite3.Row] = []
        values: dict[str, sqlite3.Row] = {}
        if row is not None:
            findings = list(self.con.execute("SELECT * FROM temuan WHERE file_id=? ORDER BY id", (row["id"],)))
            values = {v["kode_indikator"]: v for v in self.con.execute(
                "SELECT n.* FROM nilai n JOIN submissions s ON s.id=n.submission_id WHERE s.file_id=?",
                (row["id"],))}
        lokasi = ws.root / f.lokasi if f.lokasi else None
        return Outcome(f.hasil, f.kode, f.pesan, lokasi, row, findings, values, self)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("hostile")
    ws = init_workspace(root / "ws")
    w = WS(ws, ws.settings(), load_master(ws.master_path))
    templates_for(w, "2025-TW1")
    templates_for(w, "2025-TW2", ["SEK", "IKP", "APTIKA", "TIK"])
    scratch = root / "luar"
    scratch.mkdir()
    kit = Kit(w, scratch)

    # first run: what later cases copy or collide with
    copies: Counter[str] = Counter()
    for name, data in (("sek_asli.xlsx", kit.kk({"T-01": 3.0, "IKU-05": 70})),
                       (LONG_ACCEPTED, kit.kk({"T-01": 3.05, "IKU-05": 70}))):
        kit.originals[name] = data
        copies[_sha(kit.put(name, data))] += 1
    first = batch.run(ws)
    assert sorted((f.berkas, f.hasil) for f in first.files) == [(LONG_ACCEPTED, "diterima"),
                                                                 ("sek_asli.xlsx", "diterima")]

    shas = {}
    for case in CASES:
        case.build(kit, case.name)
        path = ws.inbox / case.name
        if path.is_file() and not path.is_symlink():
            shas[case.name] = _sha(path)
            copies[shas[case.name]] += 1
    report = batch.run(ws)  # never raises, whatever the inbox holds
    inbox_shas = {p: _sha(p) for p in ws.inbox.rglob("*")
                  if p.is_file() and not p.is_symlink() and not p.name.endswith(".alasan.txt")}
    con = sqlite3.connect(f"file:{ws.ledger_path}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    yield Corpus(w, report, report.run_id or 0, con, shas, copies, inbox_shas)
    con.close()


# ---------------------------------------------------------------------------------------------
# the table


def test_corpus_is_big_and_well_formed() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES) and len({c.name for c in CASES}) == len(CASES)
    for c in CASES:
        assert c.fate in FATES, c.id
        assert c.kind and c.does, c.id
        if c.fate in ("ditolak", "ditahan"):
            assert F.CATALOG[c.code].scope == F.BERKAS, c.id
        if c.fate == "diterima" and c.code:
            assert F.CATALOG[c.code].scope == F.SEL, c.id


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_hostile_file(corpus: Corpus, case: Case) -> None:
    o = corpus.outcome(case)
    ws = corpus.w.ws
    assert o.fate == case.fate, (o.fate, o.kode, o.pesan)

    if case.fate in ("ditolak", "ditahan", "duplikat", "ditinggal"):
        assert o.kode == case.code, o.pesan
        assert case.fragment in o.pesan, o.pesan
    elif case.fate == "diterima":
        cell_galat = [(f["kode"], f["sel"]) for f in o.findings if f["level"] == F.GALAT]
        if case.code:
            hits = [f for f in o.findings if f["kode"] == case.code]
            assert hits, o.codes()
            assert any(case.fragment in f["pesan"] for f in hits), [f["pesan"] for f in hits]
            assert {f["kode"] for f in o.findings if f["level"] == F.GALAT} <= {case.code, "BARIS_HILANG"}, cell_galat
        else:
            assert cell_galat == [], cell_galat

    # in exactly one place
    inbox_path = ws.inbox / case.name
    if case.fate == "dibiarkan":
        assert inbox_path.is_dir() and [p.name for p in inbox_path.iterdir()] == ["isi.xlsx"]
    elif case.name not in corpus.shas:  # the symlink: still there, its target untouched
        assert inbox_path.is_symlink() and inbox_path.resolve().is_file()
    else:
        sha = corpus.shas[case.name]
        places = [p for p, s in corpus.inbox_shas.items() if s == sha]
        assert len(places) == corpus.expected_copies[sha], places
        if case.fate in ("ditinggal", "diabaikan"):
            assert inbox_path in places
        else:
            assert not inbox_path.exists()
            assert o.lokasi in places and o.file_row is not None
            assert o.file_row["lokasi"] == str(o.lokasi.relative_to(ws.root))
            folder = {"diterima": ws.arsip, "duplikat": ws.arsip / "duplikat", "ditolak": ws.ditolak,
                      "ditahan": ws.ditahan}[case.fate]
            assert o.lokasi.parent.is_relative_to(folder), o.lokasi

    # a reason beside every rejected file, in Indonesian, naming the file and saying how to fix
    if case.fate == "ditolak":
        assert o.lokasi is not None
        reason = o.lokasi.with_name(o.lokasi.name + ".alasan.txt").read_text(encoding="utf-8")
        assert f"Berkas: {case.name}\n" in reason and o.pesan in reason and case.fragment in reason
        assert "Ditolak oleh kinerja-batch" in reason and "taruh kembali berkasnya di folder inbox/" in reason
        assert re.search(r"[Kk]irim (kembali|ulang)|[Gg]unakan templat|[Ii]si kolom|[Kk]irim hanya|simpan", o.pesan)
    if case.fate == "ditahan":  # held: the reason beside it says what to do
        assert o.lokasi is not None
        reason = o.lokasi.with_name(o.lokasi.name + ".alasan.txt").read_text(encoding="utf-8")
        assert f"Berkas: {case.name}\n" in reason and o.pesan in reason and "Ditahan oleh kinerja-batch" in reason
        assert "kinerja-batch terima" in reason

    if case.check is not None:
        case.check(o)


def test_every_inbox_file_is_reported_once(corpus: Corpus) -> None:
    names = [f.berkas for f in corpus.report.files] + corpus.report.ignored
    assert sorted(names) == sorted(c.name for c in CASES if c.fate != "dibiarkan")
    assert corpus.report.count("ditolak") == sum(c.fate == "ditolak" for c in CASES)


def test_ledger_matches_the_folders(corpus: Corpus) -> None:
    ws = corpus.w.ws
    recorded = {r["lokasi"] for r in corpus.con.execute("SELECT lokasi FROM files")}
    assert all((ws.root / lokasi).is_file() for lokasi in recorded)
    stored = {str(p.relative_to(ws.root)) for p in (*ws.arsip.rglob("*"), *ws.ditolak.rglob("*"),
                                                     *ws.ditahan.rglob("*"))
              if p.is_file() and not p.name.endswith(".alasan.txt")}
    assert stored == recorded
    reasons = {str(p.relative_to(ws.root)) for p in (*ws.ditolak.rglob("*.alasan.txt"),
                                                      *ws.ditahan.rglob("*.alasan.txt"))}
    assert reasons == {r + ".alasan.txt" for r in recorded if r.startswith(("inbox/ditolak/", "inbox/ditahan/"))}


# ---------------------------------------------------------------------------------------------
# outputs: people's text stays text


MARKERS = ("contoh.invalid", "cmd|", "SUM(A1:A9)", "SUM(1+1)", "1+2")


def _sheet_xml(path: Path, sheet: str) -> bytes:
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(_sheet_part(data, sheet))


def test_rekap_writes_typed_text_as_text(corpus: Corpus) -> None:
    import openpyxl

    rekap = corpus.w.ws.outbox / "rekap_2025-TW2.xlsx"
    rows = read_sheet(rekap, "Pengukuran Kinerja", key="Kode Indikator")
    shown = {PENDORONG: "Faktor Pendorong", PENGHAMBAT: "Faktor Penghambat", BUKTI: "Bukti Dukung"}
    for (kode, col), text in INJECTION.items():
        if col in shown:
            assert rows[kode][shown[col]] == text.strip(), (kode, col)

    # the cells holding them are strings (t="s"), with no formula and no hyperlink anywhere on the sheet
    wb = openpyxl.load_workbook(rekap, read_only=True)
    coords = [c.coordinate for row in wb["Pengukuran Kinerja"].iter_rows() for c in row
              if isinstance(c.value, str) and c.value in {t.strip() for t in INJECTION.values()}]
    wb.close()
    assert len(coords) == sum(col in shown for _, col in INJECTION)
    xml = _sheet_xml(rekap, "Pengukuran Kinerja")
    for coord in coords:
        m = re.search(rb'<c r="' + coord.encode() + rb'"([^>]*?)(?:/>|>(.*?)</c>)', xml, re.S)
        assert m is not None, coord
        assert b't="s"' in m.group(1) or b't="inlineStr"' in m.group(1), (coord, m.group(0))
        assert b"<f" not in (m.group(2) or b""), (coord, m.group(0))
    assert b"<hyperlink" not in xml

    # the long text reached the rekap whole (32.767 characters is what a cell holds)
    assert len(rows["IKU-03"]["Faktor Pendorong"]) == 32767


def test_no_output_workbook_turns_typed_text_into_a_formula(corpus: Corpus) -> None:
    """Every workbook under outbox/ (rekap, confirmation workbooks): no formula holds what people typed."""
    outputs = sorted(corpus.w.ws.outbox.rglob("*.xlsx"))
    assert outputs
    for path in outputs:
        with zipfile.ZipFile(path) as zf:
            for member in zf.namelist():
                if member.startswith("xl/worksheets/_rels/"):
                    assert b"contoh.invalid" not in zf.read(member), (path.name, member)  # no link target
                elif member.startswith("xl/worksheets/") and member.endswith(".xml"):
                    xml = zf.read(member)
                    formulas = [m.decode("utf-8", "replace") for m in re.findall(rb"<f[^>]*>(.*?)</f>", xml, re.S)]
                    bad = [f for f in formulas if any(marker in f for marker in MARKERS)]
                    assert bad == [], (path.name, member, bad)


# ---------------------------------------------------------------------------------------------
# the limits of the child process come from kinerja.toml


def _set_limit(w: WS, key: str, value: str) -> None:
    path = w.ws.config_path
    text, n = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", path.read_text(encoding="utf-8"))
    assert n == 1, key
    path.write_text(text, encoding="utf-8")


def _wide_kk(w: WS, tmp_path: Path) -> bytes:
    kit = Kit(w, tmp_path)
    # 500 rows x 16.384 columns: about 260 MB to the reader; fine under the default 1.536 MB
    return kit.kk({"T-01": 3.0}, edit=lambda s: s.ws.cell(500, 16384, "x"))


def test_memory_limit_from_settings(workspace: WS, tmp_path: Path) -> None:
    templates_for(workspace, "2025-TW1", ["SEK"])
    _set_limit(workspace, "memori_mb", "128")
    Kit(workspace, tmp_path).put("sek_lebar.xlsx", _wide_kk(workspace, tmp_path))
    report = batch.run(workspace.ws)
    [f] = report.files
    assert (f.hasil, f.kode) == ("ditolak", "TERLALU_BESAR")
    assert "membaca berkas memerlukan memori lebih dari 128 MB" in f.pesan
    reason = (workspace.ws.ditolak / "sek_lebar.xlsx.alasan.txt").read_text(encoding="utf-8")
    assert "memori lebih dari 128 MB" in reason


def test_time_limit_from_settings(workspace: WS, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    templates_for(workspace, "2025-TW1", ["SEK"])
    _set_limit(workspace, "detik_maks", "1")
    kit = Kit(workspace, tmp_path)
    kit.put("sek_lambat.xlsx", kit.kk({"T-01": 3.0}))
    kit.put("sek_biasa.xlsx", kit.kk({"T-01": 3.1}))
    real_parse = batch._parse_in_child

    def slow_for_one(path: Path, *args: Any) -> Any:
        if path.name == "sek_lambat.xlsx":
            time.sleep(60)  # a reader that runs away on a hostile file
        return real_parse(path, *args)

    monkeypatch.setattr(batch, "_parse_in_child", slow_for_one)
    started = time.monotonic()
    report = batch.run(workspace.ws)
    assert time.monotonic() - started < 20
    fates = {f.berkas: (f.hasil, f.kode) for f in report.files}
    assert fates == {"sek_lambat.xlsx": ("ditolak", "TERLALU_BESAR"), "sek_biasa.xlsx": ("diterima", "")}
    assert "membaca berkas memerlukan waktu lebih dari 1 detik" in report.files[0].pesan + report.files[1].pesan


def test_run_refuses_to_start_without_defusedxml(workspace: WS, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from click.testing import CliRunner

    from kinerja_batch.cli import cli

    monkeypatch.setitem(sys.modules, "defusedxml", None)
    result = CliRunner().invoke(cli, ["-w", str(workspace.ws.root), "run"])
    assert result.exit_code == 1
    assert "defusedxml tidak terpasang" in result.output and "pip install defusedxml" in result.output
    assert not workspace.ws.ledger_path.exists()


# ---------------------------------------------------------------------------------------------
# legacy .xls and .ods from LibreOffice


def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) tidak terpasang di CI")
    return found


@pytest.fixture(scope="session")
def legacy_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[WS, dict[str, Path]]:
    """A filled kertas kerja and the same workbook saved by LibreOffice as .xls and .ods."""
    soffice = _soffice()
    if soffice is None:
        pytest.skip("LibreOffice (soffice) tidak terpasang")
    root = tmp_path_factory.mktemp("legacy")
    ws = init_workspace(root / "ws")
    w = WS(ws, ws.settings(), load_master(ws.master_path))
    templates_for(w, "2025-TW1", ["SEK"])
    out = root / "out"
    out.mkdir()
    src = out / "sek_legacy.xlsx"
    src.write_bytes(Kit(w, root).kk(LEGACY_VALUES, extra={ANGG: {RP: 125_000_000}, PENDORONG: {"T-01": "=teks saja"}}))
    files = {"xlsx": src}
    for fmt in ("xls", "ods"):
        subprocess.run([soffice, "--headless", f"-env:UserInstallation={(root / 'lo').as_uri()}",
                        "--convert-to", fmt, "--outdir", str(out), str(src)],
                       check=True, capture_output=True, timeout=300)
        files[fmt] = out / f"sek_legacy.{fmt}"
        assert files[fmt].exists(), fmt
    return w, files


LEGACY_VALUES = {"T-01": 3.05, "IKU-05": "72,5", PERSEN: 99, "2.16.01.2.01": 2}


@pytest.mark.slow
def test_legacy_xls_and_ods_are_accepted_with_the_same_values(legacy_files: tuple[WS, dict[str, Path]]) -> None:
    w, files = legacy_files
    for fmt, path in files.items():
        shutil.copyfile(path, w.ws.inbox / f"sek_{fmt}.{fmt}")
        t = time.time() - OLD
        os.utime(w.ws.inbox / f"sek_{fmt}.{fmt}", (t, t))
    report = batch.run(w.ws)
    assert sorted((f.berkas, f.hasil, f.galat) for f in report.files) == [
        ("sek_ods.ods", "diterima", 0), ("sek_xls.xls", "diterima", 0), ("sek_xlsx.xlsx", "diterima", 0)]
    con = sqlite3.connect(w.ws.ledger_path)
    by_file: dict[str, dict[str, tuple[Any, ...]]] = {}
    for name, kode, real, angg, pendorong in con.execute(
            "SELECT f.nama_asli, n.kode_indikator, n.realisasi, n.anggaran, n.pendorong FROM nilai n"
            " JOIN submissions s ON s.id=n.submission_id JOIN files f ON f.id=s.file_id"):
        by_file.setdefault(name, {})[kode] = (real, angg, pendorong)
    con.close()
    expected = {**dict.fromkeys(SEK_CODES, (None, None, "")), "T-01": (3.05, None, "=teks saja"),
                "IKU-05": (72.5, None, ""), PERSEN: (99.0, None, ""), "2.16.01.2.01": (2.0, None, ""),
                RP: (None, 125_000_000.0, "")}
    for name in ("sek_xlsx.xlsx", "sek_xls.xls", "sek_ods.ods"):
        assert by_file[name] == expected, name


# ---------------------------------------------------------------------------------------------


def readme_table() -> str:
    """The README table "What kinerja-batch does with bad input", from CASES."""
    lines = ["| kind of bad input | what kinerja-batch does | code |", "|---|---|---|"]
    for c in CASES:
        code = f"`{c.code}`" if c.code else "—"
        lines.append(f"| {c.kind} | {c.does} | {code} |")
    from test_formats import README_ROWS  # every format read alike: proven in tests/test_formats.py

    lines += [f"| {kind} | {does} | {code} |" for kind, does, code in README_ROWS]
    lines += [
        "| a file whose reading needs more memory than `batas.memori_mb` | the reader's child process is stopped; "
        "rejected | `TERLALU_BESAR` |",
        "| a file whose reading takes longer than `batas.detik_maks` | the reader's child process is killed; rejected "
        "| `TERLALU_BESAR` |",
        "| defusedxml not installed | the run refuses to start (exit 1), nothing is touched | — |",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(readme_table())
