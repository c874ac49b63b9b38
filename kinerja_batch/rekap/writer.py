"""The rekap workbook: one writer composed of a class per sheet (see the modules beside this one).

Layer: writers (../shared/docs/architecture.md); it may import model, intake, store, rules, foundation.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

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
        self.ringkasan()
        self.pengukuran()
        self.evaluasi()
        self.tahunan()
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



def write_rekap(path: Path, data: PeriodData) -> Path:
    """Write the rekap of one period atomically and return where it went: ``path``, or beside it
    (``rekap_<P> (baru).xlsx``) when ``path`` is open in another program that keeps it from being
    replaced (Excel on Windows)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp_rekap_", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb = xlsxwriter.Workbook(tmp, {**printing.WORKBOOK_OPTIONS, "constant_memory": True, "tmpdir": str(path.parent),
                                       "strings_to_formulas": False, "strings_to_urls": False,
                                       "strings_to_numbers": False, "nan_inf_to_errors": False})
        RekapWriter(wb, data).write()
        wb.close()
        crash_point("saat_rekap")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the rekap is for the office to read
        written = replace_or_beside(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return written


