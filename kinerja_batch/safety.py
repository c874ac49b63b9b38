"""Safety in front of every reader: what a file really is, and a sandbox for parsing it.

Files in ``inbox/`` come back by e-mail from many hands and may be anything: a CSV or an HTML
"export to Excel" renamed ``.xls``, a PDF, a password-protected workbook, a half-copied file or
a zip bomb. :func:`sniff` decides from the bytes (never the extension) whether a reader may even
look at the file, and says why not with a file-level finding (domain §6). :func:`run_isolated`
and :func:`isolated_map` run the actual parsing in worker processes with a memory cap and a wall-clock
limit per file, so a parser that runs away on a hostile file costs one rejected file, not the nightly run.
:func:`require_defusedxml` makes sure no XML parser in the process expands entities.

Portable: on Linux the limits are kernel limits (``resource``) in workers started with ``fork``;
on Windows and macOS the workers are started with ``spawn`` and a psutil watchdog in the parent
keeps the same limits (:func:`start_method`, :func:`uses_rlimit`).

Layer: intake (../shared/docs/architecture.md); it may import store, rules, foundation.
"""

from __future__ import annotations

import collections
import contextlib
import faulthandler
import functools
import math
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import stat
import struct
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

from kinerja_batch import findings
from kinerja_batch.config import Batas
from kinerja_batch.errors import KinerjaError
from kinerja_batch.findings import Finding

try:
    import resource
except ImportError:  # Windows: the psutil watchdog keeps the limits (isolated_map)
    resource = None  # type: ignore[assignment]

FORMAT_XLSX = "xlsx"
FORMAT_XLSM = "xlsm"
FORMAT_XLS = "xls"
FORMAT_ODS = "ods"

MB = 1024 * 1024

# Suffixes people give a workbook; a non-workbook wearing one of them is called "renamed" in the detail.
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb", ".xltx", ".xltm", ".xlt")

_HEAD_BYTES = 8192
_CHUNK = 1024 * 1024
# An XML prolog (declaration, comments, processing instructions) longer than this is not something
# Excel or LibreOffice writes; past it we stop looking for the root element and refuse the part.
_XML_HEAD = 64 * 1024
# Small parts read whole into memory (content types, ODS manifest): bigger is not a real workbook.
_SMALL_PART_CAP = 4 * MB
# Below this a high compression ratio is harmless (tiny shared-strings parts compress very well).
_RATIO_MIN_SIZE = 1 * MB

_CT_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_CT_XLTX = "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
_CT_XLSM = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_CT_XLTM = "application/vnd.ms-excel.template.macroEnabled.main+xml"
_CT_XLSB = "application/vnd.ms-excel.sheet.binary.macroEnabled.main"
# Same preference order as openpyxl's reader (_find_workbook_part), so we accept what it can open.
_WORKBOOK_TYPES = {_CT_XLTM: FORMAT_XLSM, _CT_XLTX: FORMAT_XLSX, _CT_XLSM: FORMAT_XLSM, _CT_XLSX: FORMAT_XLSX}
_ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_NOT_SUPPORTED_XLSB = "format .xlsb (Buku Kerja Biner Excel) tidak didukung"
_DTD_DETAIL = "XML berisi DTD/entitas yang tidak diizinkan"
_UNKNOWN = "jenis berkas tidak dikenal"

_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")

# Magic numbers of what else arrives by e-mail, checked in order against the first bytes.
_MAGIC_KINDS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "gambar PNG"),
    (b"\xff\xd8\xff", "gambar JPEG"),
    (b"GIF87a", "gambar GIF"),
    (b"GIF89a", "gambar GIF"),
    (b"II*\x00", "gambar TIFF"),
    (b"MM\x00*", "gambar TIFF"),
    (b"Rar!\x1a\x07", "arsip RAR"),
    (b"7z\xbc\xaf\x27\x1c", "arsip 7-Zip"),
    (b"\x1f\x8b", "arsip gzip"),
    (b"{\\rtf", "dokumen RTF"),
)

# Everything a hostile or half-written archive makes zipfile/zlib raise while we look at it.
_ZIP_BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
               struct.error, ValueError, OSError, KeyError, IndexError, OverflowError)


@dataclass(frozen=True)
class Sniff:
    """What :func:`sniff` found: a readable ``format`` or a file-level ``finding``.

    ``retry`` is True when the file looks truncated and was modified recently: it may still be
    copying, so the caller leaves it in ``inbox/`` for the next run instead of rejecting it.
    """

    format: str | None
    finding: Finding | None
    retry: bool = False


class _Reject(Exception):
    """Internal: stop looking at a file; becomes the file-level finding ``code``."""

    def __init__(self, code: str, detail: str = "", *, truncated: bool = False) -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail
        self.truncated = truncated


def sniff(path: Path, limits: Batas, *, display_name: str | None = None, fresh_seconds: float = 600) -> Sniff:
    """Decide from the bytes whether ``path`` is a workbook a reader may open.

    Returns ``Sniff(format, None)`` with one of the ``FORMAT_*`` names, or ``Sniff(None, finding)``
    with ``BUKAN_EXCEL``, ``TERENKRIPSI``, ``RUSAK`` or ``TERLALU_BESAR``. A zip is only inspected
    (central directory, declared sizes, every entry streamed once to check its CRC), never
    extracted. A truncated file modified less than ``fresh_seconds`` ago comes back with
    ``retry=True``. ``display_name`` is the name used in the message (default ``path.name``).

    Content never makes this raise; an ``OSError`` means the file itself could not be opened
    (vanished, no permission), which is the workspace's problem, not the sender's.
    """
    name = display_name or path.name
    if not stat.S_ISREG(path.stat().st_mode):
        # open() on a FIFO would block the whole run
        return Sniff(None, findings.make("BUKAN_EXCEL", file=name, detail="bukan berkas biasa"))
    with path.open("rb") as fh:
        st = os.fstat(fh.fileno())
        try:
            fmt = _sniff_open(fh, st.st_size, limits, name)
        except _Reject as rej:
            finding = findings.make(rej.code, file=name, detail=rej.detail)
            # Either side of now: a share whose clock runs ahead must not turn a copying file into a rejection,
            # and a copy that kept a far-future mtime must not be retried forever.
            fresh = abs(time.time() - st.st_mtime) < fresh_seconds
            return Sniff(None, finding, retry=rej.truncated and fresh)
    return Sniff(fmt, None)


def _sniff_open(fh: IO[bytes], size: int, limits: Batas, name: str) -> str:
    if size == 0:
        raise _Reject("BUKAN_EXCEL", "berkas kosong")
    if size > limits.ukuran_berkas_mb * MB:
        raise _Reject("TERLALU_BESAR", f"ukuran berkas {_angka(size / MB)} MB, batas {_angka(limits.ukuran_berkas_mb)} MB")
    head = fh.read(_HEAD_BYTES)
    if head[:4] in _ZIP_MAGICS:
        return _sniff_zip(fh, size, limits, name)
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(fh, size, name)
    raise _Reject("BUKAN_EXCEL", _renamed(_other_kind(head), name))


# ---------------------------------------------------------------------------------------------
# numbers and names in details


def _angka(x: float) -> str:
    """A number the Indonesian way: ``2.000``, ``25,3``, ``0,05``."""
    if x >= 100 or abs(x - round(x)) < 0.005:
        return f"{round(x):,}".replace(",", ".")
    text = f"{x:,.{1 if x >= 1 else 2}f}".rstrip("0").rstrip(".")
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _renamed(kind: str, name: str) -> str:
    """``berkas CSV/teks yang diberi akhiran .xlsx``: the user sees why Excel's icon lied."""
    suffix = Path(name).suffix.lower()
    if kind == _UNKNOWN or suffix not in _WORKBOOK_SUFFIXES:
        return kind
    return f"{kind} yang diberi akhiran {suffix}"


def _entry_name(name: str) -> str:
    """An entry name from a hostile archive, safe to put in a message."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in name)
    return clean if len(clean) <= 60 else clean[:59] + "…"


# ---------------------------------------------------------------------------------------------
# zip: xlsx, xlsm, ods (and what only looks like them)


def _sniff_zip(fh: IO[bytes], size: int, limits: Batas, name: str) -> str:
    _precheck_entry_count(fh, size, limits)
    try:
        zf = zipfile.ZipFile(fh)
    except _ZIP_BROKEN as exc:
        # The central directory sits at the end: without it the file is most often still being copied.
        raise _Reject("RUSAK", "arsip ZIP terpotong atau tidak lengkap", truncated=True) from exc
    with zf:
        infos = zf.infolist()
        _check_zip_limits(infos, limits)
        if any(info.flag_bits & 0x1 for info in infos):
            raise _Reject("TERENKRIPSI")
        try:
            fmt = _classify_zip(zf, name)
            _verify_entries(zf, infos)
        except _ZIP_BROKEN as exc:
            raise _Reject("RUSAK", _broken_detail(exc), truncated=isinstance(exc, EOFError)) from exc
    return fmt


def _precheck_entry_count(fh: IO[bytes], size: int, limits: Batas) -> None:
    """Refuse an absurd entry count from the end record, before zipfile builds a ZipInfo for each."""
    tail_len = min(size, 22 + 0xFFFF)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or pos + 22 > len(tail):
        return  # zipfile will say what is wrong
    (total,) = struct.unpack_from("<H", tail, pos + 10)
    # 0xFFFF means the real count is in the zip64 record; zipfile reads it and _check_zip_limits counts.
    if total != 0xFFFF and total > limits.jumlah_entri_zip:
        raise _Reject("TERLALU_BESAR", f"berisi {_angka(total)} entri ZIP, batas {_angka(limits.jumlah_entri_zip)}")


def _check_zip_limits(infos: list[zipfile.ZipInfo], limits: Batas) -> None:
    # zipfile never returns more than an entry's declared size (and then fails its CRC), so limits on the
    # declared sizes are limits on what any zipfile-based reader will inflate.
    if len(infos) > limits.jumlah_entri_zip:
        raise _Reject("TERLALU_BESAR", f"berisi {_angka(len(infos))} entri ZIP, batas {_angka(limits.jumlah_entri_zip)}")
    total = sum(info.file_size for info in infos)
    if total > limits.ukuran_terurai_mb * MB:
        raise _Reject("TERLALU_BESAR",
                      f"ukuran terurai {_angka(total / MB)} MB, batas {_angka(limits.ukuran_terurai_mb)} MB")
    for info in infos:
        if info.file_size > _RATIO_MIN_SIZE:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.rasio_kompresi:
                raise _Reject("TERLALU_BESAR",
                              f"rasio kompresi {_angka(ratio)}:1 pada {_entry_name(info.filename)}, "
                              f"batas {_angka(limits.rasio_kompresi)}:1")


def _classify_zip(zf: zipfile.ZipFile, name: str) -> str:
    names = set(zf.namelist())
    if "[Content_Types].xml" in names:
        return _classify_ooxml(zf, names, name)
    if "mimetype" in names:
        return _classify_opendocument(zf, names, name)
    if "xl/workbook.xml" in names:
        raise _Reject("RUSAK", "bagian [Content_Types].xml tidak ada")
    if "Index/Document.iwa" in names or "Index.zip" in names:
        raise _Reject("BUKAN_EXCEL", _renamed("dokumen Apple Numbers", name))
    raise _Reject("BUKAN_EXCEL", _renamed("arsip ZIP" if names else "arsip ZIP kosong", name))


def _classify_ooxml(zf: zipfile.ZipFile, names: set[str], name: str) -> str:
    overrides, defaults = _content_types(zf)
    if "xl/workbook.bin" in names or _CT_XLSB in overrides.values():
        raise _Reject("BUKAN_EXCEL", _NOT_SUPPORTED_XLSB)
    part, fmt = _workbook_part(overrides, defaults)
    if part is None or fmt is None:
        if "word/document.xml" in names:
            raise _Reject("BUKAN_EXCEL", _renamed("dokumen Word", name))
        if "ppt/presentation.xml" in names:
            raise _Reject("BUKAN_EXCEL", _renamed("presentasi PowerPoint", name))
        if "xl/workbook.xml" in names:
            raise _Reject("RUSAK", "[Content_Types].xml tidak menyebut bagian buku kerja")
        raise _Reject("BUKAN_EXCEL", _renamed("dokumen Office yang bukan buku kerja", name))
    if part.lstrip("/") not in names:
        raise _Reject("RUSAK", f"bagian buku kerja {_entry_name(part)} tidak ada")
    # Macros are never executed (no reader runs VBA); the sheets are still read.
    if "xl/vbaProject.bin" in names:
        fmt = FORMAT_XLSM
    return fmt


def _workbook_part(overrides: dict[str, str], defaults: dict[str, str]) -> tuple[str | None, str | None]:
    """(part name, format) of the main workbook part the content types declare."""
    for ctype, kind in _WORKBOOK_TYPES.items():
        part = next((p for p, c in overrides.items() if c == ctype), None)
        if part:
            return part, kind
    # some writers declare the workbook type as the default for .xml; openpyxl accepts that too
    for ctype in defaults.values():
        if ctype in _WORKBOOK_TYPES:
            return "/xl/workbook.xml", _WORKBOOK_TYPES[ctype]
    return None, None


def _content_types(zf: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, str]]:
    """``[Content_Types].xml`` as ({part name: type}, {extension: type})."""
    # declared dependency, imported here so that require_defusedxml can report it missing
    from defusedxml import DefusedXmlException
    from defusedxml import ElementTree as SafeET

    data = _read_small(zf, "[Content_Types].xml")
    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException as exc:
        raise _Reject("RUSAK", _DTD_DETAIL) from exc
    except (SafeET.ParseError, ValueError, LookupError) as exc:  # LookupError: unknown encoding
        raise _Reject("RUSAK", "[Content_Types].xml bukan XML yang sah") from exc
    overrides: dict[str, str] = {}
    defaults: dict[str, str] = {}
    for el in root:
        tag = el.tag.rsplit("}", 1)[-1]
        ctype = el.get("ContentType", "")
        if tag == "Override" and el.get("PartName"):
            overrides[el.get("PartName", "")] = ctype
        elif tag == "Default" and el.get("Extension"):
            defaults[el.get("Extension", "").lower()] = ctype
    return overrides, defaults


def _classify_opendocument(zf: zipfile.ZipFile, names: set[str], name: str) -> str:
    with zf.open("mimetype") as stream:
        # a mimetype longer than any real one is not ODS; reading a bounded head is enough to tell
        mimetype = stream.read(128).decode("ascii", errors="replace").strip()
    if not mimetype.startswith(_ODS_MIMETYPE):  # also -template
        kind = {
            "application/vnd.oasis.opendocument.text": "dokumen OpenDocument Text (.odt)",
            "application/vnd.oasis.opendocument.presentation": "presentasi OpenDocument (.odp)",
        }.get(mimetype, "dokumen OpenDocument yang bukan lembar kerja")
        raise _Reject("BUKAN_EXCEL", _renamed(kind, name))
    if "content.xml" not in names:
        raise _Reject("RUSAK", "bagian content.xml tidak ada")
    # LibreOffice keeps the zip readable and encrypts the parts; the manifest says so.
    if "META-INF/manifest.xml" in names and b"encryption-data" in _read_small(zf, "META-INF/manifest.xml"):
        raise _Reject("TERENKRIPSI")
    return FORMAT_ODS


def _read_small(zf: zipfile.ZipFile, member: str) -> bytes:
    """A small part read whole (zipfile checks its CRC), refused when its XML carries a DTD."""
    info = zf.getinfo(member)
    if info.file_size > _SMALL_PART_CAP:
        raise _Reject("TERLALU_BESAR", f"bagian {_entry_name(member)} {_angka(info.file_size / MB)} MB, "
                                       f"batas {_angka(_SMALL_PART_CAP / MB)} MB")
    data = zf.read(info)
    if member.endswith(".xml") and not _xml_prolog_ok(data[:_XML_HEAD]):
        raise _Reject("RUSAK", _DTD_DETAIL)
    return data


def _verify_entries(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Stream every entry to its end (zipfile then checks the CRC) and look at each XML prolog.

    Memory stays at one chunk; the time is bounded by the declared sizes checked before.
    """
    for info in infos:
        if info.is_dir():
            continue
        try:
            with zf.open(info) as stream:
                head = stream.read(_XML_HEAD)
                prolog_ok = not info.filename.lower().endswith((".xml", ".rels", ".vml")) or _xml_prolog_ok(head)
                while prolog_ok and stream.read(_CHUNK):
                    pass
        except _ZIP_BROKEN as exc:
            raise _Reject("RUSAK", f"{_broken_detail(exc)}: {_entry_name(info.filename)}",
                          truncated=isinstance(exc, EOFError)) from exc
        if not prolog_ok:
            raise _Reject("RUSAK", f"{_DTD_DETAIL} ({_entry_name(info.filename)})")


def _xml_prolog_ok(head: bytes) -> bool:
    """True when the XML reaches its root element without a DTD (``<!DOCTYPE``, ``<!ENTITY``).

    Excel and LibreOffice never write a DTD; one in a workbook part is an entity bomb or an external
    entity probe. Declarations, comments and processing instructions before the root are skipped.
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="replace")
    elif head.startswith(b"<\0"):  # UTF-16 without a byte-order mark: expat reads it, so must we
        text = head.decode("utf-16-le", errors="replace")
    elif head.startswith(b"\0<"):
        text = head.decode("utf-16-be", errors="replace")
    else:
        text = head.decode("utf-8", errors="replace")
    text = text.lstrip("\ufeff")
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if pos >= len(text):
            return not text.strip()  # an empty part has no DTD; a prolog longer than the head is refused
        if text.startswith("<?", pos):
            closing = "?>"
        elif text.startswith("<!--", pos):
            closing = "-->"
        elif text.startswith("<!", pos):
            return False
        else:
            # root element, or not XML at all: the parser will judge the rest
            return "<!DOCTYPE" not in text[pos:] and "<!ENTITY" not in text[pos:]
        end = text.find(closing, pos + 2)
        if end < 0:
            return False
        pos = end + len(closing)


def _broken_detail(exc: BaseException) -> str:
    if isinstance(exc, NotImplementedError):
        return "metode kompresi tidak didukung"
    if isinstance(exc, EOFError):
        return "isi arsip ZIP terpotong"
    if "CRC" in str(exc):
        return "isi arsip ZIP tidak cocok dengan CRC-nya"
    return "isi arsip ZIP tidak dapat dibaca"


# ---------------------------------------------------------------------------------------------
# OLE2 compound file: xls, password-protected xlsx, doc, msg

_OLE_END = 0xFFFFFFFE  # ENDOFCHAIN
_OLE_MAXREG = 0xFFFFFFFA  # sector ids above this are markers, not sectors
_OLE_STORAGE, _OLE_STREAM, _OLE_ROOT = 1, 2, 5
_BIFF_BOF, _BIFF_FILEPASS = 0x0809, 0x002F


@dataclass(frozen=True)
class _OleEntry:
    name: str
    kind: int
    start: int
    size: int


def _sniff_ole(fh: IO[bytes], size: int, name: str) -> str:
    ole = _Ole(fh, size)
    entries = ole.entries()
    by_name = {e.name.lower(): e for e in entries if e.kind in (_OLE_STREAM, _OLE_STORAGE)}
    # A password-protected xlsx/xlsm is an OLE2 container holding the encrypted zip (MS-OFFCRYPTO).
    if "encryptedpackage" in by_name or "encryptioninfo" in by_name:
        raise _Reject("TERENKRIPSI")
    book = by_name.get("workbook") or by_name.get("book")
    if book is not None and book.kind == _OLE_STREAM:
        if ole.biff_encrypted(book):
            raise _Reject("TERENKRIPSI")
        return FORMAT_XLS
    if "worddocument" in by_name:
        kind = "dokumen Word lama (.doc)"
    elif "powerpoint document" in by_name:
        kind = "presentasi PowerPoint lama (.ppt)"
    elif "__properties_version1.0" in by_name:
        kind = "pesan e-mail Outlook (.msg)"
    else:
        kind = "berkas Office lama yang bukan buku kerja Excel"
    raise _Reject("BUKAN_EXCEL", _renamed(kind, name))


class _Ole:
    """Just enough of [MS-CFB] to list the directory: header, FAT (with DIFAT), directory chain.

    Every sector id and chain is bounded by the file size, so a hostile header cannot loop or
    allocate; a sector past the end of the file means the file is truncated.
    """

    def __init__(self, fh: IO[bytes], size: int) -> None:
        self.fh = fh
        self.size = size
        fh.seek(0)
        header = fh.read(512)
        if len(header) < 512:
            raise _Reject("RUSAK", "berkas OLE2 terpotong", truncated=True)
        shift, = struct.unpack_from("<H", header, 0x1E)
        if header[0x1C:0x1E] != b"\xfe\xff" or shift not in (9, 12):
            raise _Reject("RUSAK", "kepala berkas OLE2 tidak sah")
        self.sector_size = 1 << shift
        self.max_sectors = size // self.sector_size + 1
        num_fat, self.dir_start = struct.unpack_from("<II", header, 0x2C)
        self.mini_cutoff, = struct.unpack_from("<I", header, 0x38)
        difat_start, num_difat = struct.unpack_from("<II", header, 0x44)
        if num_fat > self.max_sectors or num_difat > self.max_sectors:
            raise _Reject("RUSAK", "tabel sektor OLE2 tidak sah")
        fat_ids = [s for s in struct.unpack_from("<109I", header, 0x4C) if s <= _OLE_MAXREG]
        per_difat = self.sector_size // 4 - 1
        sector, seen = difat_start, set()
        while len(fat_ids) < num_fat and sector <= _OLE_MAXREG and sector not in seen:
            seen.add(sector)
            ids = struct.unpack(f"<{per_difat + 1}I", self.sector(sector))
            fat_ids.extend(s for s in ids[:per_difat] if s <= _OLE_MAXREG)
            sector = ids[per_difat]
        fat = bytearray()
        for sid in fat_ids[:num_fat]:
            fat += self.sector(sid)
        self.fat = struct.unpack(f"<{len(fat) // 4}I", fat)

    def sector(self, sid: int) -> bytes:
        offset = (sid + 1) * self.sector_size
        if offset >= self.size:
            raise _Reject("RUSAK", "berkas OLE2 terpotong", truncated=True)
        self.fh.seek(offset)
        # some writers do not pad the last sector; a short read there is not damage
        return self.fh.read(self.sector_size).ljust(self.sector_size, b"\0")

    def entries(self) -> list[_OleEntry]:
        out: list[_OleEntry] = []
        sector, seen = self.dir_start, set()
        while sector <= _OLE_MAXREG:
            if sector in seen or sector >= len(self.fat):
                raise _Reject("RUSAK", "direktori OLE2 tidak sah")
            seen.add(sector)
            data = self.sector(sector)
            for off in range(0, self.sector_size, 128):
                name_len, kind = struct.unpack_from("<HB", data, off + 64)
                if kind not in (_OLE_STORAGE, _OLE_STREAM, _OLE_ROOT):
                    continue  # unused slot
                raw = data[off: off + min(max(name_len - 2, 0), 62)]
                start, size = struct.unpack_from("<II", data, off + 116)
                out.append(_OleEntry(raw.decode("utf-16-le", errors="replace"), kind, start, size))
            sector = self.fat[sector]
        return out

    def biff_encrypted(self, book: _OleEntry) -> bool:
        """True when the Workbook stream starts BOF, FILEPASS (RC4/XOR encryption of a .xls).

        Only the first sector is looked at, where Excel writes FILEPASS; a tiny stream kept in the
        mini stream is left to the reader.
        """
        if book.size < self.mini_cutoff or book.start > _OLE_MAXREG:
            return False
        data = self.sector(book.start)
        pos, records = 0, 0
        while pos + 4 <= len(data) and records < 16:
            rtype, length = struct.unpack_from("<HH", data, pos)
            if records == 0 and rtype != _BIFF_BOF:
                return False
            if rtype == _BIFF_FILEPASS:
                return True
            pos += 4 + length
            records += 1
        return False


# ---------------------------------------------------------------------------------------------
# neither zip nor OLE2


def _other_kind(head: bytes) -> str:
    """Name what a non-workbook is, for the BUKAN_EXCEL detail."""
    if b"%PDF-" in head[:1024]:  # PDF allows junk before the header
        return "dokumen PDF"
    for magic, kind in _MAGIC_KINDS:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "gambar WebP"
    text = _as_text(head)
    if text is None:
        return _UNKNOWN
    start = text.lstrip("\ufeff \t\r\n").lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in start and start.startswith(("<?xml", "<workbook")):
        return "berkas XML Spreadsheet 2003"
    if start.startswith(("<!doctype html", "<html", "<table", "<head", "<body", "<meta")) or "<html" in start[:2048]:
        return "halaman HTML"
    if start.startswith("mime-version:"):
        return "halaman web arsip (MHTML)"
    if start.startswith("<?xml") or start.startswith("<"):
        return "berkas XML"
    if any(sep in start for sep in ",;\t|"):
        return "berkas CSV/teks"
    return "berkas teks"


def _as_text(head: bytes) -> str | None:
    """The head decoded when it is mostly printable text, else None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="replace")
    else:
        if b"\0" in head:
            return None
        # cut a multi-byte character split at the end of the head rather than count it as binary
        text = head.decode("utf-8", errors="replace").rstrip("\ufffd")
    if not text:
        return None
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\t\r\n")
    return text if printable >= 0.95 * len(text) else None


# ---------------------------------------------------------------------------------------------
# running a parser in a worker process, with limits per file

T = TypeVar("T")

_KIND_MEMORY, _KIND_TIMEOUT, _KIND_CRASH = "memory", "timeout", "crash"
# The worker's exit status when even reporting a MemoryError failed.
_EXIT_MEMORY = 86
# What native code prints before it aborts on a failed allocation: Rust (python-calamine) and C++.
# Under the memory limit that abort is the limit at work, not a damaged file.
_NATIVE_OOM = (b"memory allocation of", b"std::bad_alloc", b"out of memory")
# How an abort ends a process on Windows: abort() of the C runtime exits 3, Rust's abort is a __fastfail.
_WINDOWS_ABORT = (3, 0xC0000409)
_STDERR_TAIL = 64 * 1024
# A worker has this long to import the readers and say it is ready (spawn imports pandas afresh).
_START_SECONDS = 300.0
_READY = b"siap"
_STOP = b"selesai"
# Each result starts with the worker's time.monotonic() when the call ended (CLOCK_MONOTONIC, one clock
# for every process of the machine): a call queued behind it began then, and its deadline counts from there.
_FINISHED = struct.Struct("<d")
# Calls a worker holds beyond the one it runs, where its limits are kernel limits (see IsolatedMap._feed).
_QUEUED = 1

# multiprocessing start method of the workers; empty = fork on Linux, spawn elsewhere (see start_method)
START_METHOD_ENV = "KINERJA_START_METHOD"
# Set (to anything) to guard the workers' memory and CPU time with the psutil watchdog even where
# RLIMIT_AS works: the Windows/macOS path, proved on Linux in CI.
WATCHDOG_ENV = "KINERJA_MEMORY_WATCHDOG"
# How often the watchdog looks at a busy worker.
WATCHDOG_INTERVAL = 0.02


def start_method() -> str:
    """How worker processes are started: ``fork`` on Linux, ``spawn`` elsewhere.

    Measured (benchmarks/bench_run.py, 2 cores): a forked worker is ready in a few milliseconds
    and inherits the master and the warmed-up readers; a spawned one imports pandas, pandera and
    calamine again, 1-3 CPU-seconds per worker. ``fork`` does not exist on Windows and is unsafe
    with Apple's system libraries on macOS, so those spawn. ``forkserver`` pays the spawn imports
    once and then still pickles the master, and leaves a server process behind; it is not used.
    ``KINERJA_START_METHOD`` overrides (CI runs the suite's spawn tests with it).
    """
    chosen = os.environ.get(START_METHOD_ENV, "").strip()
    if chosen:
        if chosen not in multiprocessing.get_all_start_methods():
            raise ValueError(f"{START_METHOD_ENV}={chosen!r}: metode tidak tersedia di sistem ini")
        return chosen
    return "fork" if sys.platform.startswith("linux") else "spawn"


def uses_rlimit() -> bool:
    """True when the per-file memory and CPU limits are kernel limits (RLIMIT_AS, RLIMIT_CPU) in the worker.

    Only on Linux: macOS does not enforce RLIMIT_AS and Windows has no ``resource``; there the parent's
    psutil watchdog measures each busy worker and kills it past the limit.
    """
    return resource is not None and sys.platform.startswith("linux") and not os.environ.get(WATCHDOG_ENV)


class IsolatedFailure(Exception):
    """The isolated work did not finish: ``kind`` is ``'memory'``, ``'timeout'`` or ``'crash'``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.kind, self.message))


def _memory_failure() -> IsolatedFailure:
    return IsolatedFailure(_KIND_MEMORY, "Pembacaan dihentikan karena melebihi batas memori.")


def _cpu_failure() -> IsolatedFailure:
    return IsolatedFailure(_KIND_TIMEOUT, "Pembacaan dihentikan karena melebihi batas waktu prosesor.")


def run_isolated(func: Callable[..., T], *args: Any, memory_mb: int, seconds: float, **kwargs: Any) -> T:
    """Run ``func(*args, **kwargs)`` in a worker process with a memory cap and a wall-clock limit.

    The worker's memory may grow ``memory_mb`` beyond what it had when the call started: pandas/numpy
    map a lot of address space they never touch (and more with more CPU cores), so a fixed total would
    break on a bigger server while adding nothing. A CPU-time limit in the worker is a backstop should
    this process die and orphan it.

    Returns func's value (pickled back through a pipe). An exception raised by func is raised here
    with its own type when it survives pickling, else as RuntimeError with its text. Raises
    :class:`IsolatedFailure` ``'memory'`` (MemoryError in the worker, or native code aborting on a
    failed allocation), ``'timeout'`` (killed after ``seconds``) or ``'crash'`` (the worker died: a
    signal, os._exit, a segfault in a C extension). What the worker prints on stderr is kept out of
    this process's output. With ``spawn`` func and its arguments are pickled: func must be a
    top-level function.
    """
    with contextlib.closing(isolated_map(functools.partial(func, **kwargs), [args], workers=1, memory_mb=memory_mb,
                                         seconds=seconds)) as results:
        outcome = next(results)
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


def isolated_map(func: Callable[..., T], calls: Iterable[tuple[Any, ...]], *, workers: int, memory_mb: int,
                 seconds: float, initializer: Callable[[], Any] | None = None,
                 ) -> IsolatedMap[T]:
    """``func(*args)`` for every args tuple, in up to ``workers`` persistent worker processes, each call
    with the limits of :func:`run_isolated`; results come back in the order of ``calls``.

    A worker is started once (``func`` and ``initializer`` handed to it then, by :func:`start_method`)
    and reads one call after another; only each call's ``args`` and its result cross the pipe. Before
    every call the worker sets its memory and CPU limits afresh from where it stands, so each call
    gets the whole allowance; the parent kills it at the call's wall-clock deadline. A worker is
    retired after any failure (exception, limit, crash) and a new one takes the remaining calls, so
    no call ever runs in a process a bad file has damaged. A failed call yields its
    :class:`IsolatedFailure` or exception instead of raising, so one bad file never stops the others.
    Workers read ahead while the caller stores what came back (the caller may :meth:`IsolatedMap.pump`
    between its own steps, so that a worker that finished does not wait for the caller's next ``next``);
    when the caller stops (``close``) or the last result is out, every worker is ended and joined.
    """
    return IsolatedMap(func, calls, workers=workers, memory_mb=memory_mb, seconds=seconds, initializer=initializer)


class IsolatedMap(Iterator[T | IsolatedFailure | Exception]):
    """The iterator :func:`isolated_map` returns."""

    def __init__(self, func: Callable[..., T], calls: Iterable[tuple[Any, ...]], *, workers: int, memory_mb: int,
                 seconds: float, initializer: Callable[[], Any] | None) -> None:
        self._ctx: Any = None  # chosen when the first worker starts, as the calls begin
        self._func = func
        self._initializer = initializer
        self._seconds = seconds
        self._limits = _Limits(memory_mb * MB, seconds, uses_rlimit())
        self._most = max(1, workers)
        self._pending = iter(enumerate(calls))  # pulled only when a worker can (almost) take the call: calls may be lazy
        self._todo: collections.deque[tuple[int, tuple[Any, ...]]] = collections.deque()
        self._pool: list[_Worker] = []
        self._done: dict[int, Any] = {}
        self._next_out = 0
        self._closed = False

    def __iter__(self) -> IsolatedMap[T]:
        return self

    def __next__(self) -> T | IsolatedFailure | Exception:
        if self._closed:
            raise StopIteration
        try:
            while True:
                self._feed()
                if self._next_out in self._done:
                    outcome = self._done.pop(self._next_out)
                    self._next_out += 1
                    return outcome
                working = [w for w in self._pool if w.job is not None]
                if not working:
                    if not self._todo:
                        self.close()
                        raise StopIteration
                    continue
                self._wait(working, block=True)
        except BaseException:
            self.close()  # the caller's error, or the end: no worker outlives this
            raise

    def pump(self) -> None:
        """Without waiting: take in the calls that finished and give idle workers their next calls."""
        if self._closed:
            return
        try:
            self._feed()
            working = [w for w in self._pool if w.job is not None]
            if working:
                self._wait(working, block=False)
                self._feed()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """End every worker (at once when busy); the calls not yet given are never run."""
        if self._closed:
            return
        self._closed = True
        for w in self._pool:
            w.stop()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # dropped without close(), as a generator would be
            self.close()

    def _feed(self) -> None:
        """Start workers as needed and give each idle one its next call; where the limits are kernel limits
        set by the worker itself at the start of each call, a busy worker also gets the call after its
        current one (:data:`_QUEUED`), so that it goes on at once whatever the caller is doing. One call
        beyond those is pulled ahead (a lazy ``calls`` prepares it, e.g. sniffs the file); it is not given,
        so no limit of it starts early."""
        depth = 1 + (_QUEUED if self._limits.rlimit else 0)
        busy = sum(1 for w in self._pool if w.job is not None)
        in_flight = busy + sum(len(w.queued) for w in self._pool)
        while in_flight + len(self._todo) < self._most * depth + 1 and (call := next(self._pending, None)) is not None:
            self._todo.append(call)
        while len(self._pool) < min(self._most, busy + len(self._todo)):  # started together, they get ready together
            if self._ctx is None:
                self._ctx = multiprocessing.get_context(start_method())
            self._pool.append(_Worker.start(self._ctx, self._func, self._limits, self._initializer))
        for room in range(depth):
            for w in self._pool:
                if self._todo and (w.job is None if room == 0 else len(w.queued) < room):
                    i, args = self._todo.popleft()
                    failed = w.give(i, args)
                    if failed is not None:
                        self._done[i] = failed

    def _wait(self, working: list[_Worker], *, block: bool) -> None:
        """Collect what the busy workers finished (waiting, when ``block``, until one did or a deadline
        passed); kill those past a limit."""
        timeout = max(0.0, min(w.deadline for w in working) - time.monotonic()) if block else 0.0
        if not self._limits.rlimit:
            timeout = min(timeout, WATCHDOG_INTERVAL)
        ready = multiprocessing.connection.wait([w.conn for w in working] + [w.proc.sentinel for w in working],
                                                timeout)
        now = time.monotonic()
        for w in working:
            if w.conn in ready or w.proc.sentinel in ready:
                i, outcome = w.collect()
            elif now >= w.deadline:
                i, outcome = w.kill(IsolatedFailure(
                    _KIND_TIMEOUT, f"Pembacaan dihentikan karena melebihi batas waktu {_angka(self._seconds)} detik."))
            elif not self._limits.rlimit and (over := w.over_limit()) is not None:
                i, outcome = w.kill(over)
            else:
                continue
            self._done[i] = outcome
            if w.retired:
                self._pool.remove(w)
                self._todo.extendleft(reversed(w.orphans))  # calls it was given but never began: run elsewhere


@dataclass(frozen=True)
class _Limits:
    memory: int  # bytes a call may add to the worker
    seconds: float  # wall clock per call (kept by the parent)
    rlimit: bool  # kernel limits in the worker; else the parent's watchdog

    @property
    def cpu_seconds(self) -> int:
        """CPU time per call: the wall-clock limit with room for the worker's own threads, a backstop."""
        return math.ceil(self.seconds) * 2 + 5


class _Worker:
    """The parent's handle on one worker process of :func:`isolated_map`."""

    def __init__(self, proc: Any, conn: Any, errpath: str, limits: _Limits) -> None:
        self.proc = proc
        self.conn = conn
        self.errpath = errpath
        self.limits = limits
        self.ready = False
        self.retired = False
        self.job: int | None = None  # the call it is running
        self.queued: collections.deque[tuple[int, tuple[Any, ...], int]] = collections.deque()  # sent behind it
        self.orphans: list[tuple[int, tuple[Any, ...]]] = []  # queued calls it never began, once retired
        self.deadline = math.inf
        self.err_offset = 0
        self.watched: Any = None  # psutil.Process, for the watchdog
        self.base_rss = 0
        self.base_cpu = 0.0
        self.exitcode: int | None = None

    @classmethod
    def start(cls, ctx: Any, func: Callable[..., Any], limits: _Limits,
              initializer: Callable[[], Any] | None) -> _Worker:
        fd, errpath = tempfile.mkstemp(prefix="kinerja_pembaca_", suffix=".log")
        os.close(fd)
        conn, child_conn = ctx.Pipe(duplex=True)
        proc = ctx.Process(target=_worker_main, args=(child_conn, errpath, limits, func, initializer), daemon=True)
        proc.start()
        child_conn.close()
        return cls(proc, conn, errpath, limits)

    def give(self, i: int, args: tuple[Any, ...]) -> Exception | None:
        """Send call ``i``; returns the exception instead when its arguments cannot be sent. A call given
        to a busy worker waits in the pipe: it begins when the running one ends, and only then does its
        wall-clock deadline start (:meth:`collect`)."""
        try:
            data = pickle.dumps(args, pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # the caller's bug for this call only
            return exc
        self._await_ready()
        if self.job is not None:
            self.queued.append((i, args, _size(self.errpath)))
            with contextlib.suppress(OSError):
                self.conn.send_bytes(data)
            return None
        self.err_offset = _size(self.errpath)
        if not self.limits.rlimit:
            self._watch_from_here()
        self.job = i
        self.deadline = time.monotonic() + self.limits.seconds
        with contextlib.suppress(OSError):  # the worker died between two calls: collect() sees it and says so
            self.conn.send_bytes(data)
        return None

    def _await_ready(self) -> None:
        if self.ready:
            return
        try:
            if self.conn.poll(_START_SECONDS) and self.conn.recv_bytes() == _READY:
                self.ready = True
                return
        except (EOFError, OSError):
            pass
        self.stop()
        tail = _tail(self.errpath, 0).decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError("Proses pembaca tidak dapat dimulai" + (f": {tail[-1]}" if tail else "."))

    def _watch_from_here(self) -> None:
        import psutil

        if self.watched is None:
            self.watched = psutil.Process(self.proc.pid)
        try:
            self.base_rss = self.watched.memory_info().rss
            cpu = self.watched.cpu_times()
            self.base_cpu = cpu.user + cpu.system
        except psutil.Error:
            pass  # dead already: collect() says how

    def over_limit(self) -> IsolatedFailure | None:
        """The watchdog's look at a busy worker: a failure when it went past a limit of this call."""
        import psutil

        try:
            rss = self.watched.memory_info().rss
            cpu = self.watched.cpu_times()
        except psutil.Error:
            return None  # it ended; its sentinel says so on the next wait
        if rss > self.base_rss + self.limits.memory:
            return _memory_failure()
        if cpu.user + cpu.system - self.base_cpu > self.limits.cpu_seconds:
            return _cpu_failure()
        return None

    def collect(self) -> tuple[int, Any]:
        """The finished call's outcome; the worker is retired unless the call succeeded."""
        i, self.job = self.job, None
        assert i is not None
        try:
            payload: bytes | None = self.conn.recv_bytes()
        except (EOFError, OSError):
            payload = None
        if payload is None:
            self.proc.join(5)
            tail = _tail(self.errpath, self.err_offset)
            self.stop()
            return i, _death(self.exitcode, tail)
        (finished,) = _FINISHED.unpack_from(payload)
        body = memoryview(payload)[_FINISHED.size:]
        if self.queued:  # the worker went on with the next call the moment it finished this one
            self.job, _, self.err_offset = self.queued[0]
            self.deadline = finished + self.limits.seconds
        try:
            loaded = pickle.loads(body)  # once: a kertas kerja's result is tens of kilobytes
            status = loaded[0]
            outcome = _unpack(loaded)
        except Exception as exc:  # IsolatedFailure included: handed to the caller, not raised
            status, outcome = "error", exc
        if status != "ok":
            self.job = None  # it ends itself after a failure, before the next call: that one goes elsewhere
            self.stop()  # this joins it
        elif self.queued:
            self.queued.popleft()
        return i, outcome

    def kill(self, failure: IsolatedFailure) -> tuple[int, IsolatedFailure]:
        i, self.job = self.job, None
        assert i is not None
        self.proc.kill()
        self.stop()
        return i, failure

    def stop(self) -> None:
        """End the worker (at once when busy) and free what it held; calls queued behind the running one
        (never begun) become :attr:`orphans`."""
        if self.retired:
            return
        self.retired = True
        self.orphans = [(i, args) for i, args, _ in self.queued]
        self.queued.clear()
        if self.job is not None or self.orphans:  # busy, or may have begun a queued call: at once
            self.proc.kill()
        else:
            with contextlib.suppress(OSError):
                self.conn.send_bytes(_STOP)
        self.conn.close()
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.exitcode = self.proc.exitcode
        self.proc.close()
        with contextlib.suppress(OSError):
            os.unlink(self.errpath)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _tail(path: str, offset: int) -> bytes:
    """What the worker printed on stderr since ``offset`` (its last 64 KiB)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(offset, fh.tell() - _STDERR_TAIL))
            return fh.read()
    except OSError:
        return b""


def _death(code: int | None, stderr: bytes = b"") -> IsolatedFailure:
    """The failure of a worker that sent nothing back, from its exit status and what it printed."""
    aborted = code == -getattr(signal, "SIGABRT", 6) or (sys.platform == "win32" and code in _WINDOWS_ABORT)
    if code == _EXIT_MEMORY or (aborted and any(m in stderr for m in _NATIVE_OOM)):
        return _memory_failure()
    if code is not None and code < 0:
        signum = -code
        if signum == getattr(signal, "SIGXCPU", None):
            return _cpu_failure()
        try:
            signame = signal.Signals(signum).name
        except ValueError:
            signame = str(signum)
        return IsolatedFailure(_KIND_CRASH, f"Proses pembaca berhenti mendadak (sinyal {signame}).")
    return IsolatedFailure(_KIND_CRASH, f"Proses pembaca berhenti mendadak (kode keluar {code}).")


def _unpack(loaded: tuple[Any, ...]) -> Any:
    status, body, text, tb = loaded
    if status == "ok":
        return body
    if status == _KIND_MEMORY:
        raise _memory_failure()
    if status == _KIND_CRASH:
        raise IsolatedFailure(_KIND_CRASH, f"Proses pembaca berhenti: {text}")
    exc: BaseException
    try:
        exc = pickle.loads(body) if body is not None else RuntimeError(text)
    except Exception:
        exc = RuntimeError(text)
    exc.add_note("Traceback di proses anak:\n" + tb)
    raise exc


def _worker_main(conn: Any, errpath: str, limits: _Limits, func: Callable[..., Any],
                 initializer: Callable[[], Any] | None) -> None:
    """The worker: calls ``func`` on each args tuple that arrives, until EOF or its first failure."""
    # Prepared before any limit bites: reporting a MemoryError must not need memory.
    oom = pickle.dumps((_KIND_MEMORY, None, "", ""))
    errfile = open(errpath, "ab", buffering=0)  # noqa: SIM115 - stderr of this process until it ends
    os.dup2(errfile.fileno(), 2)
    if faulthandler.is_enabled():  # inherited (pytest, PYTHONFAULTHANDLER): its dumps go to the same file
        faulthandler.enable(file=2, all_threads=False)
    if initializer is not None:
        initializer()
    conn.send_bytes(_READY)
    parent = os.getppid()
    while True:
        try:
            # A forked sibling holds a copy of the parent's end of this pipe, so the parent's death is not
            # always an EOF here: a worker whose parent is gone ends by itself.
            while not conn.poll(1.0):
                if os.getppid() != parent:
                    return
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return
        if data == _STOP:
            return
        try:
            payload, ok = _one_call(func, pickle.loads(data), limits, oom)
        except MemoryError:
            payload, ok = oom, False
        try:
            conn.send_bytes(_FINISHED.pack(time.monotonic()) + payload)
        except MemoryError:
            os._exit(_EXIT_MEMORY)
        except OSError:
            return
        if not ok:
            return  # retired after any failure: the parent starts a fresh worker


def _one_call(func: Callable[..., Any], args: tuple[Any, ...], limits: _Limits, oom: bytes) -> tuple[bytes, bool]:
    """One call under its limits: the pickled outcome, and whether it succeeded."""
    saved = _set_call_limits(limits) if limits.rlimit else None
    try:
        try:
            result = func(*args)
            return pickle.dumps(("ok", result, "", ""), pickle.HIGHEST_PROTOCOL), True
        except MemoryError:
            return oom, False
        except Exception as exc:  # everything goes back to the parent
            return _pack_error(exc), False
        except BaseException as exc:  # SystemExit, KeyboardInterrupt: never re-raise those in the batch
            return pickle.dumps((_KIND_CRASH, None, f"{type(exc).__name__}: {exc}", "")), False
    finally:
        if saved is not None:
            for which, value in saved:
                resource.setrlimit(which, value)


def _set_call_limits(limits: _Limits) -> list[tuple[int, tuple[int, int]]]:
    """This call's memory and CPU-time allowance, counted from where the worker stands now.

    Only soft limits move (a process may raise its soft limit back, never its hard one): RLIMIT_AS
    makes an allocation past the allowance fail (MemoryError, or native code aborting), RLIMIT_CPU
    sends SIGXCPU, which ends the worker.
    """
    saved = [(w, resource.getrlimit(w)) for w in (resource.RLIMIT_AS, resource.RLIMIT_CPU)]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _limit(resource.RLIMIT_CPU, math.ceil(usage.ru_utime + usage.ru_stime) + limits.cpu_seconds)
    _limit(resource.RLIMIT_AS, _mapped_bytes() + limits.memory)
    return saved


def _pack_error(exc: Exception) -> bytes:
    text = f"{type(exc).__name__}: {exc}"
    tb = "".join(traceback.format_exception(exc))
    try:
        body: bytes | None = pickle.dumps(exc, pickle.HIGHEST_PROTOCOL)
    except Exception:
        body = None
    return pickle.dumps(("error", body, text, tb), pickle.HIGHEST_PROTOCOL)


def _limit(which: int, value: int) -> None:
    """Set the soft limit ``which`` to ``value`` (never above the hard limit), the hard one unchanged."""
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, hard))


def _mapped_bytes() -> int:
    """This process's current address-space size (VmSize), 0 when /proc is not there."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


# ---------------------------------------------------------------------------------------------
# XML parsers

_defused = False


class DefusedXmlMissing(KinerjaError, RuntimeError):
    """defusedxml is not installed: nothing may read a workbook (a RuntimeError, and a clean message on the CLI)."""


def require_defusedxml() -> None:
    """Refuse to run without defusedxml, and defuse every stdlib XML parser in this process.

    openpyxl already switches to defusedxml at import when it is installed; ``defuse_stdlib`` covers
    the other stdlib parsers (minidom, sax, xml.etree used directly). Call once at start-up, before the
    readers are imported; calling again does nothing.
    """
    global _defused
    try:
        import defusedxml
    except ImportError as exc:
        raise DefusedXmlMissing(
            "Paket defusedxml tidak terpasang; tanpa paket ini berkas XML berbahaya dapat melumpuhkan proses. "
            "Pasang dengan 'pip install defusedxml' lalu jalankan lagi."
        ) from exc
    if _defused:
        return
    with warnings.catch_warnings():
        # defuse_stdlib imports its own deprecated cElementTree shim, which warns
        warnings.simplefilter("ignore", DeprecationWarning)
        defusedxml.defuse_stdlib()
    _defused = True
