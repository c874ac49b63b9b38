"""The kertas kerja contract shared by the writer (templates) and the reader (ingest).

The reader never relies on positions: it finds the sheet and the header row by these header
texts, so renamed sheets, inserted or moved columns and extra title rows still read.

Layer: foundation (../shared/docs/architecture.md); it may import nothing of the package.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from kinerja_batch.periode import ROMAN, Periode

SCHEMA_VERSION = "1"

SHEET_PETUNJUK = "Petunjuk"
SHEET_KERTAS_KERJA = "Kertas Kerja"
SHEET_META = "_kinerja_meta"  # very hidden; key in column A, value in column B
SHEET_KONFIRMASI = "Konfirmasi"

KIND_KERTAS_KERJA = "kertas_kerja"
KIND_KONFIRMASI = "konfirmasi"
KIND_REKAP = "rekap"

# metadata keys (sheet SHEET_META and document custom properties "kinerja_<key>")
META_KEYS = (
    "jenis",
    "template_id",
    "schema_version",
    "kode_bidang",
    "periode",
    "dibuat",
    "versi_alat",
    "indikator",
    "hash_terkunci",
    "sidik_kunci",
    "tanda_tangan",  # HMAC over the signed keys (kinerja_batch.tanda_tangan), written last
)

TITLE_ROWS = 7  # title block occupies rows 1..7; header row is HEADER_ROW
HEADER_ROW = 8  # 1-based Excel row of the header in generated templates
FIRST_DATA_ROW = HEADER_ROW + 1

# The header texts (exact, domain/issue contract). Keys are used in code.
H_NO = "No"
H_KODE = "Kode Indikator"
H_LEVEL = "Level"
H_URAIAN = "Uraian"
H_INDIKATOR = "Indikator Kinerja"
H_SATUAN = "Satuan"
H_POLARITAS = "Polaritas"
H_AGREGASI = "Agregasi"
H_TARGET_TAHUNAN = "Target Tahunan"
H_TARGET_SD = "Target s.d. TW"
H_REALISASI = "Realisasi"
H_REALISASI_SD = "Realisasi s.d. TW"
H_CAPAIAN = "Capaian (%)"
H_PAGU = "Pagu Anggaran (Rp)"
H_ANGGARAN_LALU = "Realisasi Anggaran s.d. TW Lalu (Rp)"
H_ANGGARAN = "Realisasi Anggaran (Rp)"
H_PENDORONG = "Faktor Pendorong"
H_PENGHAMBAT = "Faktor Penghambat"
H_BUKTI = "Bukti Dukung"
H_KETERANGAN = "Keterangan"


def h_realisasi_tw(tw: int) -> str:
    """Header of the read-only column holding an earlier quarter's accepted realisasi."""
    return f"Realisasi TW {ROMAN[tw]}"


# what the reader needs to find the header row
REQUIRED_HEADERS = (H_KODE, H_REALISASI)
INPUT_HEADERS = (H_REALISASI, H_ANGGARAN, H_PENDORONG, H_PENGHAMBAT, H_BUKTI, H_KETERANGAN)
NUMERIC_INPUT_HEADERS = (H_REALISASI, H_ANGGARAN)
TEXT_INPUT_HEADERS = (H_PENDORONG, H_PENGHAMBAT, H_BUKTI, H_KETERANGAN)

LOCKED = "locked"
INPUT = "input"
FORMULA = "formula"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str  # LOCKED / INPUT / FORMULA
    width: float


def columns_for(periode: Periode) -> list[Column]:
    """The columns of the Kertas Kerja sheet for a period, in order."""
    cols = [
        Column(H_NO, LOCKED, 4),
        Column(H_KODE, LOCKED, 13),
        Column(H_LEVEL, LOCKED, 9),
        Column(H_URAIAN, LOCKED, 24),
        Column(H_INDIKATOR, LOCKED, 30),
        Column(H_SATUAN, LOCKED, 8),
        Column(H_POLARITAS, LOCKED, 8),
        Column(H_AGREGASI, LOCKED, 10),
        Column(H_TARGET_TAHUNAN, LOCKED, 10),
        Column(H_TARGET_SD, LOCKED, 10),
    ]
    cols += [Column(h_realisasi_tw(t), LOCKED, 10) for t in range(1, periode.tw)]
    cols += [
        Column(H_REALISASI, INPUT, 11),
        Column(H_REALISASI_SD, FORMULA, 11),
        Column(H_CAPAIAN, FORMULA, 9),
        Column(H_PAGU, LOCKED, 14),
    ]
    if periode.tw > 1:
        cols.append(Column(H_ANGGARAN_LALU, LOCKED, 14))
    cols += [
        Column(H_ANGGARAN, INPUT, 14),
        Column(H_PENDORONG, INPUT, 20),
        Column(H_PENGHAMBAT, INPUT, 20),
        Column(H_BUKTI, INPUT, 15),
        Column(H_KETERANGAN, INPUT, 15),
    ]
    return cols


def normalise_header(text: object) -> str:
    """Header text compared loosely: case, repeated spaces and line breaks do not matter."""
    return " ".join(str(text or "").replace("\n", " ").split()).casefold()


def col_letter(index0: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    n = index0 + 1
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_ref(row0: int, col0: int) -> str:
    """0-based row and column -> ``J14``."""
    return f"{col_letter(col0)}{row0 + 1}"


def locked_hash(rows: Iterable[tuple[str, float | None, float | None]]) -> str:
    """Hash of the locked content that matters: (kode, target tahunan, target s.d. TW) per row."""
    canon = [[k, _num(a), _num(b)] for k, a, b in rows]
    return hashlib.sha256(json.dumps(canon, separators=(",", ":")).encode()).hexdigest()


def konfirmasi_locked_hash(rows: Iterable[tuple[str, str, str]]) -> str:
    """Hash of a confirmation workbook's locked columns: (ID Temuan, Kode Indikator, Kode Temuan) per row."""
    return hashlib.sha256(json.dumps([list(r) for r in rows], separators=(",", ":"),
                                     ensure_ascii=False).encode()).hexdigest()


def _num(x: float | None) -> float | None:
    if x is None or x != x:
        return None
    return round(float(x), 9)


def wrapped_height(texts: list[tuple[str, float]], *, line_height: float = 12.0, minimum: float = 15.0) -> float:
    """Row height (points) that shows wrapped texts whole: [(text, column width in characters)].

    Spreadsheet applications do not re-measure rows of a file they open, so the writer sets them.
    """
    lines = 1
    for text, width in texts:
        per_line = max(1.0, width * 1.15)  # 9pt Arial fits ~1.15 characters per width unit
        n = sum(max(1, -(-len(part) // int(per_line))) for part in str(text).split("\n"))
        lines = max(lines, n)
    return max(minimum, lines * line_height + 3)


# ------------------------------------------------------------------------------------------------
# the confirmation workbook contract (written by konfirmasi.py, read back by answers.py)

H_ID = "ID Temuan"
H_NILAI = "Nilai"
H_JENIS_NILAI = "Jenis Nilai"
H_KODE_TEMUAN = "Kode Temuan"
H_PESAN = "Pesan"
H_TANGGAPAN = "Tanggapan"
H_KOREKSI = "Nilai Koreksi"
H_PENJELASAN = "Penjelasan"

BENAR = "Benar"
PERBAIKI = "Perbaiki"
TIDAK_VALID = "TANGGAPAN_TIDAK_VALID"

@dataclass(frozen=True)
class KonfirmasiColumn:
    header: str
    width: float
    input: bool = False


KONFIRMASI_COLUMNS = (
    KonfirmasiColumn(H_ID, 8),
    KonfirmasiColumn(H_KODE, 14),
    KonfirmasiColumn(H_INDIKATOR, 30),
    KonfirmasiColumn(H_NILAI, 13),
    KonfirmasiColumn(H_JENIS_NILAI, 14),
    KonfirmasiColumn(H_KODE_TEMUAN, 20),
    KonfirmasiColumn(H_PESAN, 52),
    KonfirmasiColumn(H_TANGGAPAN, 11, True),
    KonfirmasiColumn(H_KOREKSI, 13, True),
    KonfirmasiColumn(H_PENJELASAN, 34, True),
)
KONFIRMASI_COL = {c.header: i for i, c in enumerate(KONFIRMASI_COLUMNS)}
