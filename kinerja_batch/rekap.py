"""The rekap workbook leaders open: ``outbox/rekap_<periode>.xlsx`` (domain §7).

Written atomically (temp file + replace). Text people typed is always written with
``write_string`` (never a formula or a link, whatever it starts with) and every xlsxwriter
return code is checked, so nothing is truncated or dropped silently.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Any

import xlsxwriter

from kinerja_batch import __version__, layout
from kinerja_batch.errors import KinerjaError
from kinerja_batch.outputs import PeriodData
from kinerja_batch.templates import write_metadata

SHEET_RINGKASAN = "Ringkasan"
SHEET_PENGUKURAN = "Pengukuran Kinerja"
SHEET_EVALUASI = "Evaluasi Renja"
SHEET_KONFIRMASI = "Perlu Konfirmasi"
SHEET_STATUS = "Status Pengumpulan"
SHEET_GALAT = "Galat Validasi"
SHEET_INFO = "Info Proses"

PENGUKURAN_HEADERS = [
    "Bidang", "Kode Indikator", "Level", "Uraian", "Indikator Kinerja", "Satuan", "Polaritas", "Agregasi",
    "Target Tahunan", "Target s.d. TW", "Dasar Target", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III",
    "Realisasi TW IV", "Realisasi", "Realisasi s.d. TW", "Capaian (%)", "Capaian thd Target Tahunan (%)",
    "Predikat", "Pagu Anggaran (Rp)", "Realisasi Anggaran s.d. TW (Rp)", "Serapan (%)", "Status",
    "Faktor Pendorong", "Faktor Penghambat", "Bukti Dukung", "Sumber",
]
KONFIRMASI_HEADERS = ["Bidang", "Kode Indikator", "Kode Temuan", "Level", "Pesan", "Status", "Nilai", "Tanggapan",
                      "Penjelasan", "Berkas", "Sel"]
STATUS_HEADERS = ["Bidang", "Nama Bidang", "Status", "Diterima", "Berkas", "Versi", "Terisi", "Diharapkan",
                  "Terisi / Diharapkan", "Temuan Terbuka", "Galat"]
GALAT_HEADERS = ["Bidang", "Berkas", "Lembar", "Sel", "Kode", "Nilai", "Pesan", "Kode Indikator"]
INFO_HEADERS = ["Keterangan", "Nilai"]

STATUS_TERISI = "Terisi"
STATUS_KOSONG = "Belum Diisi"
STATUS_GALAT = "Galat"
STATUS_KONFIRMASI = "Perlu Konfirmasi"


class WriteError(KinerjaError):
    """xlsxwriter refused or truncated a cell."""


def write_rekap(path: Path, data: PeriodData) -> Path:
    """Write the rekap of one period atomically and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp_rekap_", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb = xlsxwriter.Workbook(tmp, {"strings_to_formulas": False, "strings_to_urls": False,
                                       "strings_to_numbers": False, "nan_inf_to_errors": False})
        _RekapWriter(wb, data).write()
        wb.close()
        from kinerja_batch.batch import crash_point

        crash_point("saat_rekap")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _checked(result: int, where: str) -> None:
    if result not in (0, None):
        reasons = {-1: "di luar batas lembar", -2: "teks lebih dari 32.767 karakter", -3: "nama/rumus tidak valid"}
        raise WriteError(f"Rekap tidak dapat ditulis di {where}: {reasons.get(result, f'kode {result}')}.")


class _RekapWriter:
    def __init__(self, wb: xlsxwriter.Workbook, data: PeriodData) -> None:
        self.wb = wb
        self.d = data
        add = wb.add_format
        base = {"font_name": "Arial", "font_size": 9, "valign": "top"}
        self.f = {
            "head": add({**base, "bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "text_wrap": True,
                         "border": 1, "align": "center", "valign": "vcenter"}),
            "text": add({**base, "text_wrap": True, "border": 1, "border_color": "#BFBFBF"}),
            "num": add({**base, "num_format": "#,##0.##########", "border": 1, "border_color": "#BFBFBF"}),
            "rp": add({**base, "num_format": "#,##0", "border": 1, "border_color": "#BFBFBF"}),
            "pct": add({**base, "num_format": "0.00", "border": 1, "border_color": "#BFBFBF"}),
            "title": add({"font_name": "Arial", "bold": True, "font_size": 12}),
            "plain": add(base),
        }

    # every cell goes through here
    def put(self, ws: Any, r: int, c: int, value: Any, fmt: Any = None) -> None:
        where = f"{ws.name}!{layout.cell_ref(r, c)}"
        if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
            _checked(ws.write_blank(r, c, None, fmt), where)
        elif isinstance(value, bool):
            _checked(ws.write_string(r, c, "Ya" if value else "Tidak", fmt), where)
        elif isinstance(value, int | float):
            _checked(ws.write_number(r, c, float(value), fmt), where)
        else:
            _checked(ws.write_string(r, c, str(value), fmt), where)

    def table(self, name: str, headers: list[str], rows: list[list[Any]], formats: list[str],
              widths: list[float]) -> Any:
        ws = self.wb.add_worksheet(name)
        for c, h in enumerate(headers):
            self.put(ws, 0, c, h, self.f["head"])
            ws.set_column(c, c, widths[c] if c < len(widths) else 14)
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row):
                self.put(ws, r, c, value, self.f[formats[c]] if c < len(formats) else self.f["text"])
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(1, len(rows)), len(headers) - 1)
        ws.set_row(0, 30)
        return ws

    def write(self) -> None:
        self.pengukuran()
        self.konfirmasi()
        self.status()
        self.galat()
        self.info()
        write_metadata(self.wb, {
            "jenis": layout.KIND_REKAP, "periode": str(self.d.periode), "schema_version": layout.SCHEMA_VERSION,
            "versi_alat": __version__, "dibuat": self.d.run_time,
        })

    def pengukuran(self) -> None:
        m = self.d.measures
        bidang_names = dict(zip(self.d.master.bidang["kode_bidang"], self.d.master.bidang["nama_bidang"],
                                strict=True))
        open_codes = {f["kode_indikator"] for f in self.d.findings if f["status"] == "Terbuka"}
        galat_codes = {f["kode_indikator"] for f in self.d.galat if f.get("kode_indikator")}
        rows = []
        for rec in m.to_dict("records"):
            kode = rec["kode_indikator"]
            if kode in open_codes:
                status = STATUS_KONFIRMASI
            elif kode in galat_codes and not rec.get("terisi"):
                status = STATUS_GALAT
            elif rec.get("terisi"):
                status = STATUS_TERISI
            else:
                status = STATUS_KOSONG
            source = f"{rec['berkas']}!{rec['sel_realisasi']}" if rec.get("berkas") else ""
            rows.append([
                bidang_names.get(rec["kode_bidang"], rec["kode_bidang"]), kode, rec["level"], rec["uraian"],
                rec["indikator_kinerja"], rec["satuan"], rec["polaritas"], rec["agregasi"], rec["target_tahunan"],
                rec["target_sd"], rec["target_basis"], rec["realisasi_tw1"], rec["realisasi_tw2"],
                rec["realisasi_tw3"], rec["realisasi_tw4"], rec["realisasi"], rec["realisasi_sd"], rec["capaian"],
                rec["capaian_tahunan"], rec["predikat"], rec["pagu"], rec["anggaran_sd"], rec["serapan"], status,
                rec["pendorong"], rec["penghambat"], rec["bukti"], source,
            ])
        formats = ["text"] * 8 + ["num", "num", "text"] + ["num"] * 6 + ["pct", "pct", "text", "rp", "rp", "pct"] + [
            "text"] * 5
        widths = [22, 14, 10, 26, 34, 8, 9, 11, 11, 11, 13, 10, 10, 10, 10, 10, 11, 10, 12, 12, 15, 15, 9, 14, 22, 22,
                  16, 24]
        ws = self.table(SHEET_PENGUKURAN, PENGUKURAN_HEADERS, rows, formats, widths)
        ws.freeze_panes(1, 2)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)

    def konfirmasi(self) -> None:
        rows = [[f["kode_bidang"], f["kode_indikator"], f["kode"], f["level"], f["pesan"], f["status"], f["nilai"],
                 f.get("tanggapan", ""), f.get("penjelasan", ""), f["berkas"], _place(f)] for f in self.d.findings]
        self.table(SHEET_KONFIRMASI, KONFIRMASI_HEADERS, rows, ["text"] * 11,
                   [12, 14, 22, 11, 70, 13, 12, 12, 30, 28, 18])

    def status(self) -> None:
        rows = [[s["kode_bidang"], s["nama_bidang"], s["status"], s["diterima"], s["berkas"], s["versi"] or None,
                 s["terisi"], s["diharapkan"], f"{s['terisi']}/{s['diharapkan']}", s["temuan_terbuka"], s["galat"]]
                for s in self.d.status]
        self.table(SHEET_STATUS, STATUS_HEADERS, rows, ["text"] * 5 + ["num"] * 3 + ["text", "num", "num"],
                   [12, 34, 20, 18, 34, 7, 8, 10, 12, 10, 8])

    def galat(self) -> None:
        rows = [[g["kode_bidang"], g["berkas"], g["lembar"], g["sel"], g["kode"], g["nilai"], g["pesan"],
                 g["kode_indikator"]] for g in self.d.galat]
        self.table(SHEET_GALAT, GALAT_HEADERS, rows, ["text"] * 8, [12, 30, 14, 8, 20, 16, 80, 14])

    def info(self) -> None:
        s = self.d.settings
        rows: list[list[Any]] = [
            ["Instansi", s.kantor.nama],
            ["Periode", f"{self.d.periode} ({self.d.periode.label})"],
            ["Waktu proses", self.d.run_time],
            ["ID run", self.d.run_id],
            ["Versi kinerja-batch", __version__],
            ["Master indikator (sha256)", self.d.master.sha256],
            ["Aturan capaian polaritas negatif", s.aturan_negatif],
            ["Batas predikat", ", ".join(f"{n} >= {lo:g}" for lo, n in s.predikat_bands())],
        ]
        for key, value in sorted(_flatten(s.as_dict()).items()):
            rows.append([f"Pengaturan: {key}", str(value)])
        for f in self.d.files:
            rows.append([f"Berkas masuk: {f['berkas']} ({f['hasil']})", f"sha256 {f['sha256']}"])
        self.table(SHEET_INFO, INFO_HEADERS, rows, ["text", "text"], [48, 90])


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
