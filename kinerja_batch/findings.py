"""The catalog of finding codes (domain §6) and the Finding record.

Problems in data are collected as :class:`Finding` values, never raised. Each code has one
entry in :data:`CATALOG`: its level, its scope, a short title and an Indonesian message template.
Templates use ``str.format`` fields; every field a template names must be passed to :func:`make`.
Common fields: ``file``, ``place`` (``Kertas Kerja!J14``), ``value``, ``kode`` (indicator code).

Layer: rules (../shared/docs/architecture.md); it may import foundation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

GALAT = "galat"
PERINGATAN = "peringatan"
INFO = "info"
LEVELS = (GALAT, PERINGATAN, INFO)

# scope: where a code applies
BERKAS = "berkas"  # the whole file is rejected
SEL = "sel"  # one cell of a kertas kerja
TEMUAN = "temuan"  # needs the bidang's confirmation

# status of a finding over time
TERBUKA = "Terbuka"
DIKONFIRMASI = "Dikonfirmasi"
DIKOREKSI = "Dikoreksi"
SELESAI = "Selesai"


@dataclass(frozen=True)
class Code:
    code: str
    level: str
    scope: str
    title: str
    template: str


def _c(code: str, level: str, scope: str, title: str, template: str) -> Code:
    return Code(code, level, scope, title, template)


_FIX_RESAVE = "Buka berkas di Excel atau LibreOffice, simpan sebagai Buku Kerja Excel (.xlsx), lalu kirim kembali."

CATALOG: dict[str, Code] = {
    c.code: c
    for c in [
        # ---- file level: the file is moved to inbox/ditolak with a reason file
        _c("BUKAN_EXCEL", GALAT, BERKAS, "Bukan buku kerja",
           "Berkas '{file}' bukan buku kerja spreadsheet ({detail}). " + _FIX_RESAVE),
        _c("TERENKRIPSI", GALAT, BERKAS, "Dilindungi kata sandi",
           "Berkas '{file}' dilindungi kata sandi sehingga isinya tidak dapat dibaca. Buka di Excel, hapus kata "
           "sandi pembukaan (File > Info > Protect Workbook > Encrypt with Password, kosongkan), simpan, "
           "lalu kirim kembali."),
        _c("RUSAK", GALAT, BERKAS, "Berkas rusak",
           "Berkas '{file}' rusak atau terpotong ({detail}). Kirim ulang berkas aslinya; bila masih gagal, "
           + _FIX_RESAVE[0].lower() + _FIX_RESAVE[1:]),
        _c("TERLALU_BESAR", GALAT, BERKAS, "Melebihi batas",
           "Berkas '{file}' melebihi batas yang diizinkan ({detail}). Kirim hanya kertas kerja dari templat, "
           "tanpa gambar atau lembar tambahan yang besar."),
        _c("BUKAN_KERTAS_KERJA", GALAT, BERKAS, "Bukan kertas kerja",
           "Berkas '{file}' tidak dikenali sebagai kertas kerja: {detail}. Gunakan templat kertas kerja yang "
           "dikirim Subbag Perencanaan dan jangan mengubah kolom Kode Indikator."),
        _c("BIDANG_TIDAK_DIKENAL", GALAT, BERKAS, "Bidang tidak dikenal",
           "Berkas '{file}' menyebut kode bidang '{value}' yang tidak ada di master indikator. Gunakan templat "
           "terbaru untuk bidang Anda, atau minta Subbag Perencanaan menambahkan bidang ini ke master."),
        _c("PERIODE_TIDAK_DIKENAL", GALAT, BERKAS, "Periode tidak dikenal",
           "Berkas '{file}' menyebut periode '{value}' yang tidak dapat dipakai ({detail}). Gunakan templat "
           "kertas kerja untuk periode yang sedang dikumpulkan."),
        _c("PERIODE_DITUTUP", GALAT, BERKAS, "Periode sudah ditutup",
           "Berkas '{file}' untuk periode {periode_teks} ditolak karena periode itu sudah ditutup pada {detail} "
           "dan rekap finalnya sudah ditandatangani; data baru tidak diterima lagi. Bila data ini memang harus "
           "masuk, minta Subbag Perencanaan membuka kembali periodenya (kinerja-batch buka --periode "
           "{periode_teks} --alasan ...), lalu taruh berkas ini kembali di inbox/."),
        _c("BIDANG_TIDAK_COCOK", GALAT, BERKAS, "Bidang tidak cocok",
           "Berkas '{file}' tidak diterima: {detail}. Data yang sudah diterima sebelumnya tidak diubah. "
           "{saran}"),
        _c("LEMBAR_GANDA", GALAT, BERKAS, "Beberapa lembar isian",
           "Berkas '{file}' berisi lebih dari satu lembar isian ({detail}); tidak jelas lembar mana yang "
           "dikirim, jadi berkas tidak diterima dan data yang sudah diterima sebelumnya tidak diubah. Hapus "
           "lembar salinan sehingga hanya satu lembar Kertas Kerja, lalu kirim kembali."),
        _c("TANDA_TANGAN_TIDAK_SAH", GALAT, BERKAS, "Tanda tangan tidak sah",
           "Berkas '{file}' ditolak karena tanda tangan {jenis} tidak sah (ID {value}): {detail}. Berkas hanya "
           "berlaku untuk bidang dan periode yang tertulis saat diterbitkan. Jangan mengubah lembar tersembunyi "
           "atau metadatanya; isi {jenis} asli untuk bidang dan periode Anda dari Subbag Perencanaan (minta "
           "diterbitkan ulang bila hilang), lalu kirim kembali."),
        _c("TANPA_TANDA_TANGAN", PERINGATAN, BERKAS, "Tanpa tanda tangan",
           "Berkas '{file}' tidak bertanda tangan ({detail}); isinya dibaca dari kode indikatornya. {akibat}"),
        _c("TIDAK_ADA_ISIAN", GALAT, BERKAS, "Tidak ada isian",
           "Kertas kerja '{file}' belum berisi realisasi sama sekali. Isi kolom Realisasi, simpan, lalu kirim "
           "kembali."),
        _c("DUPLIKAT", INFO, BERKAS, "Berkas sama sudah diproses",
           "Berkas '{file}' isinya sama persis dengan '{value}' yang sudah diproses pada {detail}; "
           "diarsipkan tanpa diproses ulang."),
        # ---- cell level, galat: the value is not used
        _c("BUKAN_ANGKA", GALAT, SEL, "Bukan angka",
           "Nilai '{value}' di {place} (indikator {kode}) bukan angka. Tulis angka saja tanpa pemisah ribuan, "
           "misalnya 75,5 atau 1250000, tanpa kata-kata; penjelasan ditulis di kolom Keterangan."),
        _c("NILAI_NEGATIF", GALAT, SEL, "Nilai negatif",
           "Nilai {value} di {place} (indikator {kode}) negatif. Realisasi dan anggaran tidak boleh negatif; "
           "perbaiki angkanya."),
        _c("GALAT_EXCEL", GALAT, SEL, "Galat Excel",
           "Sel {place} (indikator {kode}) berisi galat Excel {value}. Perbaiki rumusnya atau ketik nilainya "
           "langsung sebagai angka."),
        _c("RUMUS_TANPA_NILAI", GALAT, SEL, "Rumus tanpa hasil",
           "Sel {place} (indikator {kode}) berisi rumus '{value}' yang belum punya hasil tersimpan. Buka berkas "
           "di Excel atau LibreOffice agar rumus dihitung lalu simpan, atau ketik nilainya langsung."),
        _c("KODE_TIDAK_DIKENAL", GALAT, SEL, "Kode indikator tidak dikenal",
           "Kode indikator '{value}' di {place} tidak ada di master untuk bidang ini; barisnya diabaikan. "
           "Jangan mengubah atau menambah kode indikator; gunakan templat asli."),
        _c("KODE_GANDA", GALAT, SEL, "Kode indikator ganda",
           "Kode indikator '{value}' muncul lebih dari sekali ({detail}); semua barisnya diabaikan. Hapus baris "
           "salinan sehingga tiap indikator hanya ada satu baris."),
        _c("BARIS_HILANG", GALAT, SEL, "Baris indikator hilang",
           "Indikator {kode} ({value}) dari master tidak ada di berkas. Jangan menghapus baris; isi realisasinya "
           "pada templat asli."),
        _c("TEKS_TERLALU_PANJANG", GALAT, SEL, "Teks terlalu panjang",
           "Teks di {place} (indikator {kode}) panjangnya {value} karakter, melebihi batas 32.767 karakter "
           "sel Excel; teks dipotong. Persingkat isinya dan lampirkan rincian sebagai bukti dukung."),
        # ---- cell level, peringatan: the value is used
        _c("TARGET_DIUBAH", PERINGATAN, SEL, "Target diubah",
           "Target di {place} (indikator {kode}) diubah menjadi {value}, padahal target master {detail}. Target "
           "master yang dipakai; bila target memang berubah, hubungi Subbag Perencanaan."),
        _c("ANGKA_AMBIGU", PERINGATAN, SEL, "Angka ambigu",
           "Nilai '{value}' di {place} (indikator {kode}) dibaca sebagai {detail} (titik sebagai pemisah "
           "ribuan). Bila maksudnya pecahan desimal, tulis dengan koma, misalnya 1,5."),
        _c("ISI_TERKUNCI_DIUBAH", PERINGATAN, SEL, "Isi terkunci berubah",
           "Isi terkunci lembar {place} (kode indikator dan target) tidak sama dengan saat kertas kerja "
           "diterbitkan: {detail}. Nilai dibaca menurut kode indikator di tiap baris; pastikan setiap realisasi "
           "ada di baris indikatornya, dan gunakan templat asli tanpa memindah atau mengubah baris."),
        # ---- info
        _c("SKALA_PERSEN_DIUBAH", INFO, SEL, "Skala persen disesuaikan",
           "Sel {place} (indikator {kode}) berformat persen dengan nilai {value}; dibaca sebagai {detail}%."),
        # ---- temuan: need the bidang's confirmation
        _c("CAPAIAN_TINGGI", PERINGATAN, TEMUAN, "Capaian sangat tinggi",
           "Capaian {capaian}% melebihi batas {batas}% (realisasi s.d. TW {realisasi}, target {target}). "
           "Pastikan realisasi dan satuannya benar."),
        _c("CAPAIAN_RENDAH", PERINGATAN, TEMUAN, "Capaian rendah",
           "Capaian {capaian}% di bawah batas {batas}% (realisasi s.d. TW {realisasi}, target {target}). "
           "Pastikan angkanya benar dan jelaskan faktor penghambatnya."),
        _c("TARGET_NOL", PERINGATAN, TEMUAN, "Capaian tidak dapat dihitung",
           "Capaian tidak dapat dihitung karena pembaginya nol (target {target}, realisasi s.d. TW "
           "{realisasi}). Konfirmasi target dan realisasinya."),
        _c("PERSEN_LEBIH_100", PERINGATAN, TEMUAN, "Persentase di atas 100",
           "Realisasi {realisasi}% untuk satuan persen melebihi 100%. Pastikan angkanya benar."),
        _c("SKALA_PERSEN", PERINGATAN, TEMUAN, "Skala persen meragukan",
           "Realisasi {realisasi} untuk satuan persen dengan target {target}: apakah maksudnya {persen}%? "
           "Tulis persen sebagai angka 0-100."),
        _c("LONJAKAN", PERINGATAN, TEMUAN, "Lonjakan nilai",
           "Realisasi {realisasi} berubah tajam dibanding riwayatnya ({detail}). Pastikan angkanya benar."),
        _c("ANGGARAN_LEBIH_PAGU", PERINGATAN, TEMUAN, "Anggaran melebihi pagu",
           "Realisasi anggaran s.d. TW Rp{anggaran} melebihi pagu Rp{pagu}. Pastikan angkanya benar."),
        _c("SERAPAN_TANPA_KINERJA", PERINGATAN, TEMUAN, "Serapan tanpa kinerja",
           "Serapan anggaran {serapan}% (batas {batas}%) tetapi realisasi kinerja s.d. TW masih 0. "
           "Jelaskan atau perbaiki."),
        _c("KINERJA_TANPA_SERAPAN", PERINGATAN, TEMUAN, "Kinerja tanpa serapan",
           "Capaian {capaian}% padahal anggaran (pagu Rp{pagu}) belum terserap sama sekali. "
           "Jelaskan atau isi realisasi anggarannya."),
        _c("PENJELASAN_KOSONG", PERINGATAN, TEMUAN, "Faktor penghambat kosong",
           "Capaian {capaian}% di bawah 100% tetapi kolom Faktor Penghambat kosong. Tuliskan penyebabnya."),
        _c("SALIN_TARGET", PERINGATAN, TEMUAN, "Realisasi sama dengan target",
           "{jumlah} dari {terisi} realisasi yang diisi ({persen}%) sama persis dengan targetnya. Pastikan "
           "yang diisi adalah realisasi, bukan salinan target."),
        _c("SAMA_PERIODE_LALU", PERINGATAN, TEMUAN, "Sama dengan periode lalu",
           "Semua {terisi} nilai yang diisi sama persis dengan triwulan sebelumnya ({detail}). Pastikan yang "
           "diisi adalah realisasi triwulan ini."),
        _c("TW_SEBELUMNYA_KOSONG", PERINGATAN, TEMUAN, "Triwulan sebelumnya kosong",
           "Indikator kumulatif: realisasi s.d. TW {realisasi} dijumlahkan tanpa {kosong}, yang belum punya nilai. "
           "Minta bidang mengirim kertas kerja triwulan itu, atau masukkan riwayatnya dengan 'kinerja-batch impor' "
           "(isi 0 bila memang tidak ada capaian)."),
        # ---- confirmation answers that cannot be applied
        _c("TANGGAPAN_TIDAK_VALID", GALAT, SEL, "Tanggapan tidak valid",
           "Tanggapan di {place} (indikator {kode}) tidak dapat diproses: {detail}. Isi Tanggapan 'Benar' dengan "
           "penjelasan, atau 'Perbaiki' dengan Nilai Koreksi berupa angka."),
    ]
}


@dataclass(frozen=True)
class Finding:
    """One thing the batch says about the data."""

    code: str
    level: str
    message: str
    bidang: str = ""
    file: str = ""
    sheet: str = ""
    cell: str = ""
    value: str = ""
    kode_indikator: str = ""
    periode: str = ""
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def place(self) -> str:
        """``Kertas Kerja!J14`` (or ``''`` when the finding has no cell)."""
        if self.sheet and self.cell:
            return f"{quote_sheet(self.sheet)}!{self.cell}"
        return self.cell or self.sheet

    @property
    def scope(self) -> str:
        return CATALOG[self.code].scope

    def with_(self, **changes: Any) -> Finding:
        return replace(self, **changes)


def quote_sheet(name: str) -> str:
    """Sheet name as Excel writes it in a reference (quoted when it has spaces or punctuation)."""
    if name.replace("_", "").isalnum():
        return name
    return "'" + name.replace("'", "''") + "'"


def make(
    code: str,
    *,
    bidang: str = "",
    file: str = "",
    sheet: str = "",
    cell: str = "",
    value: Any = "",
    kode_indikator: str = "",
    periode: str = "",
    **fields: Any,
) -> Finding:
    """Build a Finding from the catalog, filling its Indonesian message."""
    entry = CATALOG[code]
    place = f"{quote_sheet(sheet)}!{cell}" if sheet and cell else (cell or sheet)
    shown_value = _short(value)
    message = entry.template.format(
        file=file, place=place, value=shown_value, kode=kode_indikator, **fields
    )
    return Finding(
        code=code,
        level=entry.level,
        message=message,
        bidang=bidang,
        file=file,
        sheet=sheet,
        cell=cell,
        value=shown_value,
        kode_indikator=kode_indikator,
        periode=periode,
        data=dict(fields),
    )


def _short(value: Any, limit: int = 80) -> str:
    """A value as shown in a message: never None, control characters visible, long text cut."""
    if value is None:
        return ""
    text = str(value)
    text = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------------------------------------
# a stored finding's data, and which value a correction replaces

KOLOM_REALISASI = "realisasi"
KOLOM_ANGGARAN = "anggaran"
# findings a Nilai Koreksi does not replace a value of: galat a number cannot fix (the text was too long, the
# code is not the bidang's), and an edited target (the master's target is used; a number is a proposal)
_NOT_BY_NUMBER = {"TEKS_TERLALU_PANJANG", "KODE_TIDAK_DIKENAL", "TARGET_DIUBAH"}


def finding_data(row: Any) -> dict[str, Any]:
    """The JSON ``data`` of a ledger finding row (``{}`` when empty or unreadable)."""
    try:
        return dict(json.loads(row["data"] or "{}"))
    except (ValueError, TypeError):
        return {}


def kolom_of(finding: Mapping[str, Any], sel_anggaran: str | None) -> str:
    """Which value a ``Perbaiki`` answer replaces: ``realisasi``, ``anggaran``, or '' (none: a whole-file
    temuan, a text or code galat)."""
    data = finding_data(finding)
    if "kolom" in data:
        return str(data["kolom"])
    if finding["kode"] in _NOT_BY_NUMBER or not finding["kode_indikator"]:
        return ""
    if finding["sel"] and sel_anggaran and finding["sel"] == sel_anggaran:
        return KOLOM_ANGGARAN
    return KOLOM_REALISASI
