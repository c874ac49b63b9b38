"""safety: sniffing hostile files by their bytes, and the isolated child process.

Every hostile file is built here in tmp_path by code; no binary fixtures.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import signal
import struct
import time
import xml.etree.ElementTree as StdET
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinerja_batch import safety
from kinerja_batch.config import Batas
from kinerja_batch.safety import IsolatedFailure, Sniff, run_isolated, sniff

LIMITS = Batas()


# ---------------------------------------------------------------------------------------------
# builders


def _workbook_bytes(tmp_path: Path, *, vba: bytes | None = None) -> bytes:
    """A small real workbook written by xlsxwriter (with a VBA project when ``vba`` is given)."""
    import xlsxwriter

    target = tmp_path / ("_src.xlsm" if vba else "_src.xlsx")
    wb = xlsxwriter.Workbook(str(target))
    wb.set_properties({"created": dt.datetime(2025, 4, 1, 8, 0, 0)})
    ws = wb.add_worksheet("Kertas Kerja")
    ws.write_row(0, 0, ["Kode Indikator", "Indikator Kinerja", "Realisasi"])
    for i in range(1, 40):
        ws.write_row(i, 0, [f"IKU-{i:02d}", f"Persentase layanan ke-{i}", i * 1.5])
    if vba is not None:
        vba_path = tmp_path / "_vbaProject.bin"
        vba_path.write_bytes(vba)
        wb.add_vba_project(str(vba_path))
    wb.close()
    data = target.read_bytes()
    target.unlink()
    return data


def _rezip(data: bytes, *, replace_parts: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The same zip with some parts replaced or added."""
    replace_parts = replace_parts or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace_parts.get(info.filename, src.read(info)))
        for name, part in (add or {}).items():
            dst.writestr(name, part)
    return out.getvalue()


def _zip(parts: dict[str, bytes], *, stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, part) in enumerate(parts.items()):
            kind = zipfile.ZIP_STORED if stored_first and i == 0 else zipfile.ZIP_DEFLATED
            zf.writestr(name, part, compress_type=kind)
    return out.getvalue()


_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _ole2(streams: dict[str, bytes], *, fat_in_difat: bool = False) -> bytes:
    """A minimal valid OLE2 compound file (version 3, 512-byte sectors, one FAT sector).

    Every stream goes to regular sectors (a real writer puts streams under 4096 bytes in the mini
    stream; the sniffer only reads the directory and the start of a large Workbook stream).
    ``fat_in_difat`` lists the FAT sector in a DIFAT sector instead of the header, the way files
    over ~7 MB list their 110th FAT sector onwards.
    """
    ss = 512
    names = list(streams)
    dir_first = 2 if fat_in_difat else 1
    dir_sectors = -(-(1 + len(names)) // 4)
    fat = [_FREE] * (ss // 4)
    fat[0] = _FATSECT
    if fat_in_difat:
        fat[1] = 0xFFFFFFFC  # DIFSECT
    for sid in range(dir_first, dir_first + dir_sectors):
        fat[sid] = sid + 1 if sid < dir_first + dir_sectors - 1 else _END
    next_sid, starts, body = dir_first + dir_sectors, [], b""
    for name in names:
        data = streams[name]
        count = -(-len(data) // ss)
        starts.append(next_sid if count else _END)
        for k in range(count):
            fat[next_sid + k] = next_sid + k + 1 if k < count - 1 else _END
        body += data.ljust(count * ss, b"\0")
        next_sid += count
    assert next_sid <= len(fat), "test OLE writer: one FAT sector only"

    def entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return struct.pack("<64sHBBIII16sIQQIQ", raw, len(raw), kind, 1, _NOSTREAM, right, child,
                           b"\0" * 16, 0, 0, 0, start, size)

    entries = [entry("Root Entry", 5, _NOSTREAM, 1 if names else _NOSTREAM, _END, 0)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else _NOSTREAM
        entries.append(entry(name, 2, right, _NOSTREAM, starts[i], len(streams[name])))
    directory = b"".join(entries).ljust(dir_sectors * ss, b"\0")
    first_difat, num_difat = (1, 1) if fat_in_difat else (_END, 0)
    header_fat = [_FREE] * 109 if fat_in_difat else [0] + [_FREE] * 108
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII109I", safety._OLE_MAGIC, b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6,
                         b"\0" * 6, 0, 1, dir_first, 0, 4096, _END, 0, first_difat, num_difat, *header_fat)
    fat_sector = struct.pack(f"<{len(fat)}I", *fat)
    difat_sector = struct.pack(f"<{ss // 4}I", 0, *([_FREE] * (ss // 4 - 2)), _END) if fat_in_difat else b""
    return header + fat_sector + difat_sector + directory + body


def _biff_workbook(*, encrypted: bool = False) -> bytes:
    """The start of a BIFF8 Workbook stream: BOF (and FILEPASS when encrypted), padded to 8 KB."""
    records = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 0x0005, 0x1BB0, 0x07CC, 0, 0)
    if encrypted:
        records += struct.pack("<HH", 0x002F, 6) + b"\x01\x00\x01\x00\x01\x00"
    return records.ljust(8192, b"\0")


def _write(tmp_path: Path, name: str, data: bytes, *, age: float = 3600) -> Path:
    """Write a file into tmp_path, modified ``age`` seconds ago (default: well past fresh)."""
    path = tmp_path / name
    path.write_bytes(data)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def _code(result: Sniff) -> tuple[str | None, str | None]:
    return (result.format, result.finding.code if result.finding else None)


def _detail(result: Sniff) -> str:
    assert result.finding is not None
    return result.finding.data["detail"]


@pytest.fixture(scope="module")
def xlsx_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return _workbook_bytes(tmp_path_factory.mktemp("wb"))


# ---------------------------------------------------------------------------------------------
# sniff: what is accepted


def test_normal_xlsx_is_accepted(tmp_path: Path, xlsx_bytes: bytes) -> None:
    assert sniff(_write(tmp_path, "kertas_kerja.xlsx", xlsx_bytes), LIMITS) == Sniff("xlsx", None)


def test_extension_is_ignored(tmp_path: Path, xlsx_bytes: bytes) -> None:
    # a real workbook that lost its name still reads
    assert _code(sniff(_write(tmp_path, "lampiran.pdf", xlsx_bytes), LIMITS)) == ("xlsx", None)


@pytest.mark.parametrize("name", ["laporan.xlsm", "laporan.xlsx"])
def test_macro_workbook_is_xlsm_and_still_read(tmp_path: Path, name: str) -> None:
    data = _workbook_bytes(tmp_path, vba=_ole2({"VBA": b""}))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert "macroEnabled" in zf.read("[Content_Types].xml").decode()
    assert _code(sniff(_write(tmp_path, name, data), LIMITS)) == ("xlsm", None)


def test_vba_project_without_macro_content_type_is_xlsm(tmp_path: Path, xlsx_bytes: bytes) -> None:
    data = _rezip(xlsx_bytes, add={"xl/vbaProject.bin": _ole2({"VBA": b""})})
    assert _code(sniff(_write(tmp_path, "a.xlsx", data), LIMITS)) == ("xlsm", None)


def test_ods_is_accepted(tmp_path: Path) -> None:
    data = _zip({
        "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
        "content.xml": b'<?xml version="1.0" encoding="UTF-8"?><office:document-content/>',
        "META-INF/manifest.xml": b'<?xml version="1.0"?><manifest:manifest/>',
    }, stored_first=True)
    assert _code(sniff(_write(tmp_path, "isian.ods", data), LIMITS)) == ("ods", None)


@pytest.mark.parametrize("fat_in_difat", [False, True])
def test_legacy_xls_is_accepted(tmp_path: Path, fat_in_difat: bool) -> None:
    data = _ole2({"Workbook": _biff_workbook(), "\x05SummaryInformation": b""}, fat_in_difat=fat_in_difat)
    assert _code(sniff(_write(tmp_path, "lama.xls", data), LIMITS)) == ("xls", None)


# ---------------------------------------------------------------------------------------------
# sniff: what is refused, and why


@pytest.mark.parametrize(
    ("name", "data", "expected", "detail"),
    [
        ("kosong.xlsx", b"", "BUKAN_EXCEL", "berkas kosong"),
        ("data.xlsx", b"Kode;Realisasi\nIKU-01;75,5\nIKU-02;80\n", "BUKAN_EXCEL",
         "berkas CSV/teks yang diberi akhiran .xlsx"),
        ("data.xlsx", b"\xef\xbb\xbfKode,Uraian\r\nIKU-01,Persentase \xc3\xa9\r\n", "BUKAN_EXCEL",
         "berkas CSV/teks yang diberi akhiran .xlsx"),
        ("export.xls", b"\r\n  <html><body><table><tr><td>1</td></tr></table></body></html>", "BUKAN_EXCEL",
         "halaman HTML yang diberi akhiran .xls"),
        ("export.xls", b"<!DOCTYPE html>\n<html lang='id'></html>", "BUKAN_EXCEL", "halaman HTML yang diberi akhiran .xls"),
        ("export.xls", b"<table border=1><tr><td>IKU-01</td></tr></table>", "BUKAN_EXCEL",
         "halaman HTML yang diberi akhiran .xls"),
        ("xml2003.xls", b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook '
         b'xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>', "BUKAN_EXCEL",
         "berkas XML Spreadsheet 2003 yang diberi akhiran .xls"),
        ("scan.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "BUKAN_EXCEL", "dokumen PDF yang diberi akhiran .xlsx"),
        ("scan.pdf", b"%PDF-1.4\n", "BUKAN_EXCEL", "dokumen PDF"),
        ("foto.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "BUKAN_EXCEL", "gambar PNG yang diberi akhiran .xlsx"),
        ("foto.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "BUKAN_EXCEL", "gambar JPEG"),
        ("foto.gif", b"GIF89a\x01\x00\x01\x00", "BUKAN_EXCEL", "gambar GIF"),
        ("acak.xlsx", bytes(range(256)) * 4, "BUKAN_EXCEL", "jenis berkas tidak dikenal"),
    ],
    ids=["empty", "csv", "csv-bom", "html", "html-doctype", "html-table", "xml2003", "pdf-renamed", "pdf",
         "png", "jpeg", "gif", "binary"],
)
def test_not_a_workbook_by_its_bytes(tmp_path: Path, name: str, data: bytes, expected: str, detail: str) -> None:
    result = sniff(_write(tmp_path, name, data), LIMITS)
    assert (_code(result), _detail(result), result.retry) == ((None, expected), detail, False)


@pytest.mark.parametrize(
    ("parts", "detail"),
    [
        ({"[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          b'content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
          b'officedocument.wordprocessingml.document.main+xml"/></Types>',
          "word/document.xml": b"<w:document/>"}, "dokumen Word yang diberi akhiran .xlsx"),
        ({"[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          b'content-types"><Override PartName="/xl/workbook.bin" ContentType="application/vnd.ms-excel.sheet.'
          b'binary.macroEnabled.main"/></Types>', "xl/workbook.bin": b"\0\1"}, safety._NOT_SUPPORTED_XLSB),
        ({"laporan.xlsx": b"PK", "catatan.txt": b"isi"}, "arsip ZIP yang diberi akhiran .xlsx"),
        ({}, "arsip ZIP kosong yang diberi akhiran .xlsx"),
        ({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"},
         "dokumen OpenDocument Text (.odt) yang diberi akhiran .xlsx"),
    ],
    ids=["docx", "xlsb", "zip", "empty-zip", "odt"],
)
def test_zip_that_is_not_a_workbook(tmp_path: Path, parts: dict[str, bytes], detail: str) -> None:
    result = sniff(_write(tmp_path, "a.xlsx", _zip(parts)), LIMITS)
    assert (_code(result), _detail(result)) == ((None, "BUKAN_EXCEL"), detail)


def test_ole2_encrypted_package_is_terenkripsi(tmp_path: Path) -> None:
    # how Excel stores an xlsx with an open password (MS-OFFCRYPTO)
    data = _ole2({"\x06DataSpaces": b"", "EncryptionInfo": b"", "EncryptedPackage": b""})
    assert _code(sniff(_write(tmp_path, "rahasia.xlsx", data), LIMITS)) == (None, "TERENKRIPSI")


def test_xls_with_filepass_is_terenkripsi(tmp_path: Path) -> None:
    data = _ole2({"Workbook": _biff_workbook(encrypted=True)})
    assert _code(sniff(_write(tmp_path, "rahasia.xls", data), LIMITS)) == (None, "TERENKRIPSI")


def test_encrypted_ods_is_terenkripsi(tmp_path: Path) -> None:
    data = _zip({
        "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
        "content.xml": b"\x8f\x12 encrypted bytes",
        "META-INF/manifest.xml": b'<?xml version="1.0"?><manifest:manifest><manifest:file-entry>'
                                 b'<manifest:encryption-data/></manifest:file-entry></manifest:manifest>',
    }, stored_first=True)
    assert _code(sniff(_write(tmp_path, "rahasia.ods", data), LIMITS)) == (None, "TERENKRIPSI")


@pytest.mark.parametrize(
    ("streams", "detail"),
    [({"WordDocument": b"", "1Table": b""}, "dokumen Word lama (.doc) yang diberi akhiran .xls"),
     ({"__properties_version1.0": b""}, "pesan e-mail Outlook (.msg) yang diberi akhiran .xls")],
    ids=["doc", "msg"],
)
def test_other_ole2_is_not_a_workbook(tmp_path: Path, streams: dict[str, bytes], detail: str) -> None:
    result = sniff(_write(tmp_path, "a.xls", _ole2(streams)), LIMITS)
    assert (_code(result), _detail(result)) == ((None, "BUKAN_EXCEL"), detail)


def test_truncated_ole2_is_rusak(tmp_path: Path) -> None:
    data = _ole2({"Workbook": _biff_workbook()})
    assert _code(sniff(_write(tmp_path, "a.xls", data[:300]), LIMITS)) == (None, "RUSAK")
    fresh = sniff(_write(tmp_path, "b.xls", data[:1024], age=5), LIMITS)
    assert (_code(fresh), fresh.retry) == ((None, "RUSAK"), True)


def test_file_over_size_limit(tmp_path: Path, xlsx_bytes: bytes) -> None:
    result = sniff(_write(tmp_path, "a.xlsx", xlsx_bytes + b"\0" * 30_000), replace(LIMITS, ukuran_berkas_mb=0.01))
    assert _code(result) == (None, "TERLALU_BESAR")
    assert re.fullmatch(r"ukuran berkas 0,0\d MB, batas 0,01 MB", _detail(result)), _detail(result)


# ---------------------------------------------------------------------------------------------
# zip bombs and broken archives


def test_zip_bomb_declared_size(tmp_path: Path) -> None:
    path = tmp_path / "bom.xlsx"
    chunk = bytes(4 * 1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as part:
            for _ in range(75):  # 300 MB of zeros, a few hundred KB on disk
                part.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    result = sniff(path, LIMITS)
    assert (_code(result), _detail(result)) == ((None, "TERLALU_BESAR"), "ukuran terurai 300 MB, batas 200 MB")


def test_zip_bomb_compression_ratio(tmp_path: Path, xlsx_bytes: bytes) -> None:
    data = _rezip(xlsx_bytes, add={"xl/media/image1.png": bytes(20 * 1024 * 1024)})
    result = sniff(_write(tmp_path, "a.xlsx", data), LIMITS)
    assert _code(result) == (None, "TERLALU_BESAR")
    assert re.fullmatch(r"rasio kompresi [\d.]+:1 pada xl/media/image1\.png, batas 200:1", _detail(result))


def test_zip_with_too_many_entries(tmp_path: Path, xlsx_bytes: bytes) -> None:
    data = _rezip(xlsx_bytes, add={f"xl/media/image{i}.png": b"" for i in range(2100)})
    total = len(zipfile.ZipFile(io.BytesIO(data)).infolist())
    result = sniff(_write(tmp_path, "a.xlsx", data), LIMITS)
    shown = f"{total:,}".replace(",", ".")
    assert (_code(result), _detail(result)) == ((None, "TERLALU_BESAR"), f"berisi {shown} entri ZIP, batas 2.000")


def test_zip_entry_count_checked_by_zipfile_too(tmp_path: Path, xlsx_bytes: bytes) -> None:
    # the end record's count is only a shortcut; a lying end record is caught by the real count
    data = bytearray(_rezip(xlsx_bytes, add={f"x{i}": b"" for i in range(20)}))
    eocd = data.rfind(b"PK\x05\x06")
    total = struct.unpack_from("<H", data, eocd + 10)[0]
    struct.pack_into("<HH", data, eocd + 8, 1, 1)
    result = sniff(_write(tmp_path, "a.xlsx", bytes(data)), replace(LIMITS, jumlah_entri_zip=15))
    assert (_code(result), _detail(result)) == ((None, "TERLALU_BESAR"), f"berisi {total} entri ZIP, batas 15")


def test_entry_lying_about_its_size_is_rusak(tmp_path: Path, xlsx_bytes: bytes) -> None:
    # declared small, inflates to more: zipfile stops at the declared size and the CRC fails
    data = bytearray(xlsx_bytes)
    name = b"xl/worksheets/sheet1.xml"
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(name))  # its central directory header
    struct.pack_into("<I", data, central + 24, 10)
    result = sniff(_write(tmp_path, "a.xlsx", bytes(data)), LIMITS)
    assert (_code(result), result.retry) == ((None, "RUSAK"), False)


def test_truncated_xlsx_is_retried_while_fresh(tmp_path: Path, xlsx_bytes: bytes) -> None:
    half = xlsx_bytes[: len(xlsx_bytes) // 2]
    fresh = sniff(_write(tmp_path, "baru.xlsx", half, age=5), LIMITS)
    old = sniff(_write(tmp_path, "lama.xlsx", half, age=3600), LIMITS)
    assert (_code(fresh), fresh.retry) == ((None, "RUSAK"), True)
    assert (_code(old), old.retry) == ((None, "RUSAK"), False)
    assert _detail(old) == "arsip ZIP terpotong atau tidak lengkap"


def test_corrupt_bytes_in_the_middle_are_rusak_not_retried(tmp_path: Path, xlsx_bytes: bytes) -> None:
    data = bytearray(xlsx_bytes)
    mid = len(data) // 2
    data[mid: mid + 64] = b"\xff" * 64
    result = sniff(_write(tmp_path, "a.xlsx", bytes(data), age=1), LIMITS)
    assert (_code(result), result.retry) == ((None, "RUSAK"), False)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">
<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""

XXE = b"""<?xml version="1.0"?><!-- komentar -->
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><workbook>&x;</workbook>"""


@pytest.mark.parametrize(
    ("part", "xml"),
    [("xl/worksheets/sheet1.xml", BILLION_LAUGHS), ("xl/workbook.xml", XXE),
     ("[Content_Types].xml", b'<?xml version="1.0"?><!DOCTYPE Types SYSTEM "http://example.invalid/t.dtd"><Types/>'),
     ("xl/_rels/workbook.xml.rels", b"\xef\xbb\xbf  <!DOCTYPE x><Relationships/>"),
     ("xl/sharedStrings.xml", "<?xml version='1.0' encoding='UTF-16'?><!DOCTYPE a><a/>".encode("utf-16"))],
    ids=["billion-laughs", "xxe", "content-types", "rels-bom", "utf16"],
)
def test_xml_with_dtd_is_rusak(tmp_path: Path, xlsx_bytes: bytes, part: str, xml: bytes) -> None:
    data = _rezip(xlsx_bytes, replace_parts={part: xml})
    result = sniff(_write(tmp_path, "a.xlsx", data), LIMITS)
    assert _code(result) == (None, "RUSAK")
    assert _detail(result).startswith("XML berisi DTD/entitas yang tidak diizinkan")


@pytest.mark.parametrize(
    ("head", "ok"),
    [(b'<?xml version="1.0"?>\n<a/>', True), (b"", True), (b"<!-- <!DOCTYPE in a comment --><a/>", True),
     (b"<?xml?><!DOCTYPE a><a/>", False), (b"<a><!ENTITY x 'y'></a>", False),
     (b"<?xml version='1.0'?>" + b" " * (70 * 1024), False), (b"<!-- never closed", False),
     ("<?xml version='1.0'?><!DOCTYPE a><a/>".encode("utf-16-le"), False)],
)
def test_xml_prolog_check(head: bytes, ok: bool) -> None:
    assert safety._xml_prolog_ok(head[: safety._XML_HEAD]) is ok


@pytest.mark.parametrize(("x", "shown"), [(0.01, "0,01"), (0.5, "0,5"), (1, "1"), (25.34, "25,3"), (200, "200"),
                                          (2000.4, "2.000"), (1_234_567, "1.234.567")])
def test_numbers_in_details_are_indonesian(x: float, shown: str) -> None:
    assert safety._angka(x) == shown


def test_missing_content_types_is_rusak(tmp_path: Path, xlsx_bytes: bytes) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != "[Content_Types].xml":
                dst.writestr(info.filename, src.read(info))
    assert _code(sniff(_write(tmp_path, "a.xlsx", out.getvalue()), LIMITS)) == (None, "RUSAK")


# ---------------------------------------------------------------------------------------------
# messages


def test_messages_are_indonesian_with_file_and_detail(tmp_path: Path) -> None:
    path = _write(tmp_path, "tmp_8f3a.bin", b"Kode;Realisasi\nIKU-01;75\n")
    result = sniff(path, LIMITS, display_name="Kertas Kerja Bidang Aptika.xlsx")
    assert result.finding is not None
    message = result.finding.message
    assert "'Kertas Kerja Bidang Aptika.xlsx'" in message
    assert "berkas CSV/teks yang diberi akhiran .xlsx" in message
    assert "bukan buku kerja" in message and "simpan sebagai" in message
    assert result.finding.file == "Kertas Kerja Bidang Aptika.xlsx"
    assert result.finding.level == "galat"


# ---------------------------------------------------------------------------------------------
# nothing in the bytes makes sniff raise


def _fuzz_base() -> dict[str, bytes]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        xlsx = _workbook_bytes(Path(tmp))
    return {"xlsx": xlsx, "xls": _ole2({"Workbook": _biff_workbook(), "WordDocument": b"x" * 600})}


_BASES = _fuzz_base()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    base=st.sampled_from(sorted(_BASES)),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=6),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_sniff_never_raises_on_damaged_bytes(tmp_path: Path, base: str, flips: list[tuple[float, int]],
                                             cut: float | None) -> None:
    data = bytearray(_BASES[base])
    for where, value in flips:
        data[int(where * len(data))] = value
    if cut is not None:
        data = data[: int(cut * len(data))]
    result = sniff(_write(tmp_path, "fuzz.xlsx", bytes(data)), LIMITS)
    assert (result.format is None) == (result.finding is not None)
    assert not result.retry or result.finding.code == "RUSAK"  # type: ignore[union-attr]


def test_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipa.xlsx"
    os.mkfifo(fifo)
    assert _code(sniff(fifo, LIMITS)) == (None, "BUKAN_EXCEL")


# ---------------------------------------------------------------------------------------------
# run_isolated (top-level functions: they run in a forked child)


def _add(a: int, b: int, *, c: int = 0) -> int:
    return a + b + c


def _big_result() -> bytes:
    return b"x" * 5_000_000


def _small_frame() -> object:
    import pandas as pd

    frame = pd.DataFrame({"kode": [f"IKU-{i}" for i in range(1000)], "nilai": range(1000)})
    frame["capaian"] = frame["nilai"] / 10
    return frame.describe()


def _allocate_3gb() -> int:
    return len(bytearray(3 * 1024 * 1024 * 1024))


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _exit3() -> None:
    os._exit(3)


def _kill_self() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _raise_value_error() -> None:
    raise ValueError("angka tidak sah di J14")


class _Fussy(Exception):
    def __init__(self, a: str, b: str) -> None:
        super().__init__(f"{a}/{b}")


def _raise_fussy() -> None:
    raise _Fussy("gagal", "baca")


def _exit_via_sys() -> None:
    raise SystemExit(0)


def _my_children() -> list[str]:
    """Processes (live or zombie) whose parent is this test process."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid():
                found.append(f"{entry.name}:{fields[0]}")
    return found


def test_run_isolated_returns_value() -> None:
    assert run_isolated(_add, 2, 3, c=4, memory_mb=256, seconds=10) == 9
    assert run_isolated(_big_result, memory_mb=256, seconds=10) == b"x" * 5_000_000
    assert _my_children() == []


def test_run_isolated_pandas_under_default_limit() -> None:
    import pandas as pd

    result = run_isolated(_small_frame, memory_mb=Batas().memori_mb, seconds=30)
    assert isinstance(result, pd.DataFrame) and result.loc["count", "nilai"] == 1000


def test_run_isolated_memory() -> None:
    with pytest.raises(IsolatedFailure) as info:
        run_isolated(_allocate_3gb, memory_mb=512, seconds=30)
    assert info.value.kind == "memory" and "memori" in str(info.value)
    assert _my_children() == []


def test_run_isolated_timeout_kills_quickly() -> None:
    start = time.monotonic()
    with pytest.raises(IsolatedFailure) as info:
        run_isolated(_sleep, 30, memory_mb=256, seconds=0.5)
    assert info.value.kind == "timeout" and "batas waktu 0,5 detik" in str(info.value)
    assert time.monotonic() - start < 3
    assert _my_children() == []


@pytest.mark.parametrize(("func", "text"), [(_exit3, "kode keluar 3"), (_kill_self, "SIGKILL"),
                                            (_exit_via_sys, "SystemExit")])
def test_run_isolated_crash(func: object, text: str) -> None:
    with pytest.raises(IsolatedFailure) as info:
        run_isolated(func, memory_mb=256, seconds=10)  # type: ignore[arg-type]
    assert info.value.kind == "crash" and text in str(info.value)
    assert _my_children() == []


def test_run_isolated_reraises_exception() -> None:
    with pytest.raises(ValueError, match="angka tidak sah di J14"):
        run_isolated(_raise_value_error, memory_mb=256, seconds=10)
    with pytest.raises(RuntimeError, match="_Fussy: gagal/baca"):
        run_isolated(_raise_fussy, memory_mb=256, seconds=10)


# ---------------------------------------------------------------------------------------------
# defusedxml


def test_require_defusedxml_defuses_stdlib() -> None:
    safety.require_defusedxml()
    safety.require_defusedxml()  # idempotent
    from defusedxml import EntitiesForbidden

    with pytest.raises(EntitiesForbidden):
        StdET.fromstring(BILLION_LAUGHS)


def test_require_defusedxml_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "defusedxml", None)
    with pytest.raises(RuntimeError, match="defusedxml tidak terpasang"):
        safety.require_defusedxml()


# ---------------------------------------------------------------------------------------------
# isolated_map: several limited children at once, results in order, one failure never stops the rest


def _slow_square(x: int) -> int:
    import time

    if x == 2:
        os._exit(3)
    if x == 4:
        time.sleep(30)
    if x == 5:
        raise ValueError("buruk")
    time.sleep(0.3)
    return x * x


def test_isolated_map_in_order_with_failures_isolated() -> None:
    import time

    from kinerja_batch.safety import isolated_map

    started = time.monotonic()
    out = list(isolated_map(_slow_square, [(i,) for i in range(8)], workers=2, memory_mb=256, seconds=2))
    elapsed = time.monotonic() - started
    kinds = [o.kind if isinstance(o, IsolatedFailure) else type(o).__name__ if isinstance(o, Exception) else o
             for o in out]
    assert kinds == [0, 1, "crash", 9, "timeout", "ValueError", 36, 49]
    # six sleeps of 0.3 s and one 2 s timeout: two at a time finish well before running them one by one (3.8 s)
    assert elapsed < 3.6


def test_isolated_map_stopped_early_leaves_no_child() -> None:
    from kinerja_batch.safety import isolated_map

    gen = isolated_map(_slow_square, [(i,) for i in (1, 3, 6, 7)], workers=2, memory_mb=256, seconds=10)
    assert next(gen) == 1
    gen.close()
    children = [p for p in os.listdir("/proc") if p.isdigit()
                and _ppid(p) == os.getpid()]
    assert children == []


def _ppid(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1
