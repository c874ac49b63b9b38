"""The small table sheets: Perlu Konfirmasi, Status Pengumpulan, Galat Validasi, Info Proses.

Layer: writers (../shared/docs/architecture.md); it may import model, intake, store, rules, foundation.
"""

from __future__ import annotations

from typing import Any

from kinerja_batch import __version__
from kinerja_batch.model import (
    STATUS_BELUM,
    STATUS_DITAHAN,
    STATUS_DITERIMA,
    STATUS_DITOLAK,
    STATUS_KONFIRMASI,
    STATUS_TERLAMBAT,
)
from kinerja_batch.periode import format_tanggal, format_waktu
from kinerja_batch.rekap.base import RekapBase, _date
from kinerja_batch.rekap.constants import (
    _TITLE_ROWS,
    GALAT_HEADERS,
    INFO_HEADERS,
    KONFIRMASI_HEADERS,
    SHEET_GALAT,
    SHEET_INFO,
    SHEET_KONFIRMASI,
    SHEET_STATUS,
    STATUS_HEADERS,
    TEPAT_WAKTU,
    TERLAMBAT,
)
from kinerja_batch.rekap.formulas import (
    _flatten,
    _place,
)


class TableSheets(RekapBase):
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
            rows.append([s["kode_bidang"], s["nama_bidang"], s["status"],
                         format_waktu(s["diterima"]) if s["diterima"] else "", s["berkas"],
                         s["versi"] or None, s["terisi"], s["diharapkan"], f"{s['terisi']}/{s['diharapkan']}",
                         s["temuan_terbuka"], s["galat"],
                         (TERLAMBAT if s["terlambat"] else TEPAT_WAKTU) if submitted else "",
                         s.get("tanda_tangan", ""), s.get("keterangan", "")])
        deadline = self.s.deadline(self.p)
        ws = self.table(SHEET_STATUS, "STATUS PENGUMPULAN KERTAS KERJA", STATUS_HEADERS, rows,
                        ["text", "text", "center", "center", "text", "int", "int", "int", "center", "int", "int",
                         "center", "center", "text"], [11, 34, 20, 18, 34, 7, 8, 10, 11, 10, 8, 11, 14, 60],
                        note="Batas waktu: " + (format_tanggal(deadline, hari=True) if deadline else "belum ditetapkan")
                        + ". Diterima = waktu berkas masuk inbox.")
        if rows:
            first, last = _TITLE_ROWS + 1, _TITLE_ROWS + len(rows)
            for text, colour in ((STATUS_DITERIMA, "#C6EFCE"), (STATUS_TERLAMBAT, "#FFEB9C"),
                                 (STATUS_KONFIRMASI, "#FCE4D6"), (STATUS_DITOLAK, "#F8696B"), (STATUS_DITAHAN, "#F4B183"),
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
            ["Waktu proses", format_waktu(self.d.run_time)],
            ["ID proses", "" if self.d.run_id is None else str(self.d.run_id)],
            ["Status rekap", self.mark()],
            *self._closing_rows(),
            ["Versi kinerja-batch", __version__],
            ["Master indikator (sha256)", self.d.master.sha256],
            ["Rumus Realisasi s.d. TW", "Kumulatif: jumlah triwulan yang dilaporkan; Posisi Akhir: nilai triwulan "
                                        "ini; Rata-rata: rata-rata triwulan yang dilaporkan."],
            ["Rumus capaian", f"Positif: R / T x 100; Negatif: {neg}. Pembagi nol: kosong (tidak dihitung)."],
            ["Aturan capaian polaritas negatif", s.aturan_negatif],
            ["Batas predikat", ", ".join(f"{n} >= {lo:g}" for lo, n in self.bands)],
            ["Serapan (%)", "Realisasi anggaran s.d. TW / pagu x 100; kosong bila tidak ada pagu."],
        ]
        for warning in self.d.master.peringatan:
            rows.append(["Peringatan master indikator", warning])
        if getattr(self, "ev_hierarchy", False):  # set by the Evaluasi Renja sheet, written before
            rows.append(["Anggaran per uraian", "Dihitung sekali per Kode Uraian; uraian tanpa anggaran sendiri "
                                                "menjumlahkan uraian di bawahnya; Jumlah = uraian tanpa induk."])
        rows.append(["Renstra s.d. tahun", "Kumulatif: jumlah tahun-tahun Renstra; Posisi Akhir: nilai tahun "
                                           "terakhir; Rata-rata: rata-rata tahun yang dilaporkan; anggaran: jumlah."])
        rows.append(["Catatan Renstra", "Output kumulatif dijumlah selama periode Renstra dan dibandingkan dengan "
                                        "Target Akhir Renstra. Bila target Renstra di master hanya angka satu tahun, "
                                        "tingkat capaian Renstra akan tampak berlipat; isi target untuk seluruh "
                                        "periode Renstra."])
        for key, value in sorted(_flatten(s.as_dict()).items()):
            if key == "kata_sandi":  # the templates' sheet password is not for the readers of the rekap
                value = "(disembunyikan)" if value else ""
            elif key.startswith("batas_waktu.") and _date(value) is not None:
                value = format_tanggal(_date(value))  # people read dates the Indonesian way
            rows.append([f"Pengaturan: {key}", str(value)])
        for fl in self.d.files:
            rows.append([f"Berkas masuk: {fl['berkas']} ({fl['hasil']}, {format_waktu(fl['diterima'])})",
                         f"sha256 {fl['sha256']}"])
        self.table(SHEET_INFO, "INFORMASI PROSES", INFO_HEADERS, rows, ["text", "text"], [40, 72], landscape=False)



    def _closing_rows(self) -> list[list[Any]]:
        """Where the data of a final rekap stood: the closing, and the ledger fingerprint it was built from."""
        d = self.d
        rows: list[list[Any]] = [["Keadaan periode", {"terbuka": "terbuka (belum ditutup)", "ditutup": "ditutup",
                                                      "dibuka kembali": "dibuka kembali"}.get(d.keadaan, d.keadaan)]]
        c = d.penutupan
        if c is not None:
            rows += [
                ["Ditutup pada", format_waktu(c.get("waktu"))],
                ["Tanggal tanda tangan", format_tanggal(_date(c.get("tanggal")))],
                ["Nomor surat pengantar", c.get("nomor") or "-"],
                ["Sidik buku besar (fingerprint)", c.get("sidik") or d.sidik],
            ]
            if c.get("paksa"):
                rows.append(["Ditutup dengan --paksa; masih terbuka saat itu", "; ".join(c.get("terbuka_list", []))])
        elif d.sidik:
            rows.append(["Sidik buku besar (fingerprint)", d.sidik])
        return rows
