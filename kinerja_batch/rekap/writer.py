"""The rekap workbook: one writer composed of a class per sheet (see the modules beside this one).

Layer: writers (../shared/docs/architecture.md); it may import model, intake, store, rules, foundation.
"""

from __future__ import annotations

import collections
import os
import shutil
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

import xlsxwriter

from kinerja_batch import __version__, layout, printing
from kinerja_batch.faults import crash_point
from kinerja_batch.model import PeriodData
from kinerja_batch.portable import replace_or_beside
from kinerja_batch.rekap.constants import SHEET_RINGKASAN
from kinerja_batch.rekap.evaluasi import EvaluasiSheet
from kinerja_batch.rekap.pengukuran import PengukuranSheet
from kinerja_batch.rekap.ringkasan import RingkasanSheet
from kinerja_batch.rekap.tables import TableSheets
from kinerja_batch.rekap.tahunan import TahunanSheet
from kinerja_batch.xlsxstyle import write_metadata


class RekapWriter(RingkasanSheet, PengukuranSheet, EvaluasiSheet, TahunanSheet, TableSheets):
    """The whole rekap: each sheet's code lives in its own module; this class only orders them."""

    # ------------------------------------------------------------------ the workbook
    def write(self) -> None:
        try:
            self.ringkasan()
            self.pengukuran()  # its rows in a child process where processes fork
            self.evaluasi()
            self.tahunan()
            self.konfirmasi()
            self.status()
            self.galat()
            self.info()
        except BaseException:
            self.finish_rows(abandon=True)
            raise
        self.finish_rows()
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



# zlib level of the rekap's zip: level 1 deflates its XML four times faster than xlsxwriter's default
# (6) for a file about 30% larger (100 x 150: 0.25 s and 11.2 MB against 1.05 s and 8.6 MB)
DEFLATE_LEVEL = 1


_CHUNK = 4 << 20  # bytes deflated at a time: a big sheet is cut into pieces deflated side by side
_FINAL_BLOCK = b"\x03\x00"  # an empty last deflate block (what zlib's Z_FINISH ends an empty stream with)


def _deflate_piece(data: bytes, level: int) -> bytes:
    """One piece of a raw deflate stream, ending on a byte boundary (Z_SYNC_FLUSH), so that pieces deflated
    separately join into one valid stream (pigz does the same)."""
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)


class _ParallelDeflate:
    """zipfile's compressor for one member, deflating its pieces in threads (zlib releases the GIL): with two
    cores a 300 MB sheet takes half the time. zipfile still computes the CRC and sizes of the data."""

    def __init__(self, pool: Any, level: int, ahead: int) -> None:
        self.pool, self.level, self.ahead = pool, level, ahead
        self.pending: collections.deque[Any] = collections.deque()

    def compress(self, data: bytes) -> bytes:
        self.pending.append(self.pool.submit(_deflate_piece, bytes(data), self.level))
        done = []
        while len(self.pending) > self.ahead:
            done.append(self.pending.popleft().result())
        return b"".join(done)

    def flush(self) -> bytes:
        done = [f.result() for f in self.pending]
        self.pending.clear()
        return b"".join(done) + _FINAL_BLOCK


class _FastDeflate(zipfile.ZipFile):
    """xlsxwriter's zip: deflate level 1, and the big sheets deflated piece by piece on every core."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("compresslevel", DEFLATE_LEVEL)
        super().__init__(*args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None,
              compresslevel: Any = None) -> None:
        workers = min(4, os.cpu_count() or 1)
        if (compress_type not in (None, zipfile.ZIP_DEFLATED) or self.compression != zipfile.ZIP_DEFLATED
                or workers < 2 or os.path.getsize(filename) < 2 * _CHUNK):
            super().write(filename, arcname, compress_type, compresslevel)
            return
        from concurrent.futures import ThreadPoolExecutor

        zinfo = zipfile.ZipInfo.from_file(filename, arcname)
        zinfo.compress_type = zipfile.ZIP_DEFLATED
        level = compresslevel if compresslevel is not None else self.compresslevel
        zinfo._compresslevel = level  # type: ignore[attr-defined]  # what ZipFile.write sets
        with open(filename, "rb") as src, self.open(zinfo, "w") as dest, ThreadPoolExecutor(workers) as pool:
            if hasattr(dest, "_compressor"):  # else another zipfile: its own compressor does the work
                dest._compressor = _ParallelDeflate(pool, DEFLATE_LEVEL if level is None else level, 2 * workers)
            while piece := src.read(_CHUNK):
                dest.write(piece)


class RekapWorkbook(xlsxwriter.Workbook):
    """xlsxwriter's workbook, packed by :class:`_FastDeflate` (deflate level 1, big sheets on every core).
    xlsxwriter has no option for it: its zip class is swapped while the package is stored; another
    xlsxwriter, with another zip class, simply packs at its default."""

    def _store_workbook(self) -> None:
        import xlsxwriter.workbook as module

        saved = getattr(module, "ZipFile", None)
        if saved is not zipfile.ZipFile:  # not the zip class this expects: leave it alone
            super()._store_workbook()
            return
        module.ZipFile = _FastDeflate
        try:
            super()._store_workbook()
        finally:
            module.ZipFile = saved


def write_rekap(path: Path, data: PeriodData, *, parallel: bool = True) -> Path:
    """Write the rekap of one period atomically and return where it went: ``path``, or beside it
    (``rekap_<P> (baru).xlsx``) when ``path`` is open in another program that keeps it from being
    replaced (Excel on Windows)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # one folder for the workbook and every temporary file of its writing (xlsxwriter's row files, the
    # rows of a child process): removed whatever happens, and by the next run after a crash
    work = tempfile.mkdtemp(prefix=".tmp_rekap_", dir=path.parent)
    tmp = os.path.join(work, "rekap.xlsx")
    wb = None
    try:
        wb = RekapWorkbook(tmp, {**printing.WORKBOOK_OPTIONS, "constant_memory": True, "tmpdir": work,
                                 "strings_to_formulas": False, "strings_to_urls": False,
                                 "strings_to_numbers": False, "nan_inf_to_errors": False})
        RekapWriter(wb, data, parallel=parallel).write()
        wb.close()
        wb = None
        crash_point("saat_rekap")
        os.chmod(tmp, 0o644)  # the rekap is for the office to read
        written = replace_or_beside(tmp, path)
    finally:
        if wb is not None:  # not closed: its row files are still open (Windows would not remove them)
            for sheet in wb.worksheets():
                fh = getattr(sheet, "row_data_fh", None)
                if fh is not None and not fh.closed:
                    fh.close()
        shutil.rmtree(work, ignore_errors=True)
    return written


