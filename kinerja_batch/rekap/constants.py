"""Sheet names, header texts, formats and colours of the rekap (writers layer; no I/O)."""

from __future__ import annotations

from kinerja_batch.config import PREDIKAT_LOWEST, PREDIKAT_NAMES
from kinerja_batch.model import STATUS_KONFIRMASI
from kinerja_batch.xlsxstyle import BAND_COLOURS

SHEET_RINGKASAN = "Ringkasan"
SHEET_PENGUKURAN = "Pengukuran Kinerja"
SHEET_EVALUASI = "Evaluasi Renja"
SHEET_TAHUNAN = "Pengukuran Kinerja Tahunan"  # the TW4 rekap only (LKjIP)
SHEET_KONFIRMASI = "Perlu Konfirmasi"
SHEET_STATUS = "Status Pengumpulan"
SHEET_GALAT = "Galat Validasi"
SHEET_INFO = "Info Proses"
SHEETS = (SHEET_RINGKASAN, SHEET_PENGUKURAN, SHEET_EVALUASI, SHEET_KONFIRMASI, SHEET_STATUS, SHEET_GALAT,
          SHEET_INFO)

H_TREN = "Tren TW I–IV"
H_SUMBER = "Sumber"
H_CATATAN = "Catatan Nilai"  # info notes: a value read differently from how it was typed (SKALA_PERSEN_DIUBAH)
# printed part first (through Status); then the indicator's attributes and the bidang's texts
PENGUKURAN_HEADERS = [
    "Bidang", "Kode Indikator", "Uraian", "Indikator Kinerja", "Satuan", "Target Tahunan", "Target s.d. TW",
    "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV", H_TREN, "Realisasi",
    "Realisasi s.d. TW", "Capaian (%)", "Capaian thd Target Tahunan (%)", "Predikat", "Pagu Anggaran (Rp)",
    "Realisasi Anggaran TW I (Rp)", "Realisasi Anggaran TW II (Rp)", "Realisasi Anggaran TW III (Rp)",
    "Realisasi Anggaran TW IV (Rp)", "Realisasi Anggaran s.d. TW (Rp)", "Serapan (%)", "Status",
    "Level", "Polaritas", "Agregasi", "Dasar Target", "Faktor Pendorong", "Faktor Penghambat", "Bukti Dukung",
    H_SUMBER, H_CATATAN,
]
H_RENSTRA_TARGET_K = "Target Akhir Renstra (K)"
H_RENSTRA_TARGET_RP = "Target Akhir Renstra (Rp)"
H_RENSTRA_LALU_K = "Realisasi Renstra s.d. Tahun Lalu (K)"
H_RENSTRA_LALU_RP = "Realisasi Renstra s.d. Tahun Lalu (Rp)"
H_RENSTRA_INI_K = "Realisasi Renstra s.d. Tahun Ini (K)"
H_RENSTRA_INI_RP = "Realisasi Renstra s.d. Tahun Ini (Rp)"
H_RENSTRA_CAP_K = "Tingkat Capaian Renstra (K %)"
H_RENSTRA_CAP_RP = "Tingkat Capaian Renstra (Rp %)"
H_KODE_URAIAN = "Kode Uraian"
H_AKAR = "Dihitung dalam Jumlah"  # helper column (hidden): 1 on the rows whose money the Jumlah row adds
EVALUASI_HEADERS = [
    "No", "Kode Indikator", "Level", "Sasaran / Program / Kegiatan", "Indikator Kinerja", "Satuan",
    H_RENSTRA_TARGET_K, H_RENSTRA_TARGET_RP, H_RENSTRA_LALU_K, H_RENSTRA_LALU_RP,
    "Target Tahunan (K)", "Pagu Anggaran (Rp)",
    "Realisasi TW I (K)", "Realisasi TW I (Rp)", "Realisasi TW II (K)", "Realisasi TW II (Rp)",
    "Realisasi TW III (K)", "Realisasi TW III (Rp)", "Realisasi TW IV (K)", "Realisasi TW IV (Rp)",
    "Realisasi s.d. TW (K)", "Realisasi s.d. TW (Rp)", "Target s.d. TW (K)",
    "Capaian Kinerja s.d. TW (%)", "Capaian Kinerja thd Target Tahunan (%)", "Realisasi Anggaran thd Pagu (%)",
    H_RENSTRA_INI_K, H_RENSTRA_INI_RP, H_RENSTRA_CAP_K, H_RENSTRA_CAP_RP,
    "Predikat", "Unit Penanggung Jawab", "Keterangan", H_KODE_URAIAN, H_AKAR,
]
KONFIRMASI_HEADERS = ["Bidang", "Kode Indikator", "Kode Temuan", "Level", "Pesan", "Status", "Nilai", "Tanggapan",
                      "Penjelasan", "Berkas", "Sel"]
STATUS_HEADERS = ["Bidang", "Nama Bidang", "Status", "Diterima", "Berkas", "Versi", "Terisi", "Diharapkan",
                  "Terisi / Diharapkan", "Temuan Terbuka", "Galat", "Ketepatan Waktu", "Tanda Tangan", "Keterangan"]
GALAT_HEADERS = ["Bidang", "Berkas", "Lembar", "Sel", "Kode", "Nilai", "Pesan", "Kode Indikator"]
INFO_HEADERS = ["Keterangan", "Nilai"]

STATUS_TERISI = "Terisi"
STATUS_KOSONG = "Belum Diisi"
STATUS_GALAT = "Galat"
STATUS_PERLU_KONFIRMASI = STATUS_KONFIRMASI

TEPAT_WAKTU = "Tepat waktu"
TERLAMBAT = "Terlambat"

FMT_K = "#,##0.00"  # Excel shows it with the reader's separators: 1.234,56 in Indonesian settings
FMT_RP = "#,##0"
FMT_PCT = "0.00"
FMT_INT = "#,##0"

WARNA_HEADER = "#1F4E78"
WARNA_BAND = "#D9E1F2"
WARNA_GRUP = "#EEF3FA"  # rows of Tujuan / Sasaran / Program
GROUP_LEVELS = ("Tujuan", "Sasaran", "Program")
PREDIKAT_COLOURS = dict(zip((*PREDIKAT_NAMES, PREDIKAT_LOWEST), BAND_COLOURS, strict=True))

_TITLE_ROWS = 3  # title block above the header row of the table sheets
_CHUNK = 5000  # indicator rows turned into Python objects at a time


PK_KEYS = ("kode_bidang", "kode_indikator", "level", "uraian", "indikator_kinerja", "satuan", "polaritas",
           "agregasi", "target_tahunan", "target_sd", "target_basis", *(f"realisasi_tw{q}" for q in (1, 2, 3, 4)),
           "realisasi", "realisasi_sd", "capaian", "capaian_tahunan", "predikat", "pagu",
           *(f"anggaran_tw{q}" for q in (1, 2, 3, 4)), "anggaran_sd", "serapan", "pendorong", "penghambat", "bukti",
           "berkas", "sel_realisasi")
EV_KEYS = ("kode_bidang", "kode_indikator", "level", "uraian", "indikator_kinerja", "satuan", "polaritas",
           "agregasi", "target_tahunan", "target_sd", *(f"realisasi_tw{q}" for q in (1, 2, 3, 4)), "realisasi_sd",
           "capaian", "capaian_tahunan", "predikat", "pagu", *(f"anggaran_tw{q}" for q in (1, 2, 3, 4)),
           "anggaran_sd", "serapan", "keterangan", "target_renstra", "realisasi_renstra_lalu", "realisasi_renstra_ini",
           "capaian_renstra", "kode_uraian_ef", "induk", "kedalaman", "akar", "uraian_pertama", "uang_sendiri",
           "pagu_u", *(f"anggaran_tw{q}_u" for q in (1, 2, 3, 4)), "anggaran_sd_u", "serapan_u", "pagu_renstra_u",
           "anggaran_renstra_lalu_u", "anggaran_renstra_ini_u", "capaian_renstra_rp_u",
           *(f"sendiri_{k}" for k in ("pagu_u", *(f"anggaran_tw{q}_u" for q in (1, 2, 3, 4)), "pagu_renstra_u",
                                       "anggaran_renstra_lalu_u")))

