"""The confirmation loop through the real pipeline: findings -> workbook -> answers in the inbox -> next run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import age, build_master, read_sheet

from kinerja_batch import batch
from kinerja_batch.config import Workspace, init_workspace
from kinerja_batch.ledger import Ledger
from kinerja_batch.master import load_master
from kinerja_batch.periode import Periode
from kinerja_batch.templates import write_templates

P = Periode(2025, 1)
KONF = "outbox/konfirmasi/2025-TW1/konfirmasi_SEK_2025-TW1.xlsx"
HEADERS = ["ID Temuan", "Kode Indikator", "Indikator Kinerja", "Nilai", "Jenis Nilai", "Kode Temuan", "Pesan",
           "Tanggapan", "Nilai Koreksi", "Penjelasan"]
DOC = {"satuan": "Dokumen", "target_tahunan": 100, "target_tw1": 100, "pagu": None}
INDIKATOR = (
    {**DOC, "kode_indikator": "A1", "kode_bidang": "SEK"},
    {**DOC, "kode_indikator": "A2", "kode_bidang": "SEK", "agregasi": "Kumulatif"},
    {**DOC, "kode_indikator": "A3", "kode_bidang": "SEK", "target_tw1": 80},
    {**DOC, "kode_indikator": "A4", "kode_bidang": "SEK", "pagu": 100_000_000},
    {**DOC, "kode_indikator": "A5", "kode_bidang": "SEK"},
    {**DOC, "kode_indikator": "B1", "kode_bidang": "IKP", "target_tw1": 10},
)
OK = "Cuaca buruk"  # a Faktor Penghambat, so that PENJELASAN_KOSONG stays out of the way


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    ws = init_workspace(tmp_path / "ws")
    build_master(ws.master_path, bidang=({"kode_bidang": "SEK"}, {"kode_bidang": "IKP"}), indikator=INDIKATOR)
    return ws


def headers_at(sh: Any, row: int) -> dict[str, int]:
    return {c.value: c.column for c in sh[row] if c.value}


def drop(ws: Workspace, wb: Any, name: str) -> Path:
    """Save into the inbox, old enough to be picked up."""
    path = ws.inbox / name
    wb.save(path)
    return age(path)


def kertas_kerja(ws: Workspace, bidang: str, rows: dict[str, dict[str, Any]], name: str = "") -> Path:
    """The bidang's template, filled by header text (row 8 of 'Kertas Kerja'), dropped into the inbox."""
    [info] = write_templates(ws, load_master(ws.master_path), ws.settings(), P, bidang=[bidang])
    wb = openpyxl.load_workbook(info.path)
    sh = wb["Kertas Kerja"]
    col = headers_at(sh, 8)
    for r in range(9, sh.max_row + 1):
        for header, value in rows.get(sh.cell(r, col["Kode Indikator"]).value, {}).items():
            sh.cell(r, col[header]).value = value
    return drop(ws, wb, name or f"kk_{bidang}.xlsx")


class Answers:
    """A confirmation workbook opened with openpyxl, to be answered like a bidang would."""

    def __init__(self, ws: Workspace, rel: str = KONF) -> None:
        self.ws = ws
        self.wb = openpyxl.load_workbook(ws.root / rel)
        self.sh = self.wb["Konfirmasi"]
        self.header_row = next(r for r in range(1, 40) if self.sh.cell(r, 1).value == "ID Temuan")
        self.col = headers_at(self.sh, self.header_row)

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for r in range(self.header_row + 1, self.sh.max_row + 1):
            values = {h: self.sh.cell(r, c).value for h, c in self.col.items()}
            if values["ID Temuan"] is not None:
                out.append({**values, "_row": r})
        return out

    def id_of(self, kode: str, kode_temuan: str) -> int:
        return next(r["ID Temuan"] for r in self.rows() if (r["Kode Indikator"], r["Kode Temuan"]) == (kode, kode_temuan))

    def cell(self, kode: str, kode_temuan: str, header: str) -> str:
        r = next(r["_row"] for r in self.rows() if (r["Kode Indikator"], r["Kode Temuan"]) == (kode, kode_temuan))
        return f"{openpyxl.utils.get_column_letter(self.col[header])}{r}"

    def answer(self, kode: str, kode_temuan: str, tanggapan: Any, koreksi: Any = None, penjelasan: Any = None) -> None:
        r = next(r["_row"] for r in self.rows() if (r["Kode Indikator"], r["Kode Temuan"]) == (kode, kode_temuan))
        self._fill(r, tanggapan, koreksi, penjelasan)

    def extra(self, temuan_id: Any, kode: str, tanggapan: Any, koreksi: Any = None, penjelasan: Any = None) -> int:
        """A row added below the table (what a bidang does by copying a row); returns its Excel row."""
        r = self.sh.max_row + 1
        self.sh.cell(r, self.col["ID Temuan"]).value = temuan_id
        self.sh.cell(r, self.col["Kode Indikator"]).value = kode
        self._fill(r, tanggapan, koreksi, penjelasan)
        return r

    def letter(self, header: str) -> str:
        return openpyxl.utils.get_column_letter(self.col[header])

    def _fill(self, r: int, tanggapan: Any, koreksi: Any, penjelasan: Any) -> None:
        for header, value in (("Tanggapan", tanggapan), ("Nilai Koreksi", koreksi), ("Penjelasan", penjelasan)):
            if value is not None:
                self.sh.cell(r, self.col[header]).value = value

    def drop(self, name: str = "konfirmasi_SEK_2025-TW1.xlsx") -> Path:
        return drop(self.ws, self.wb, name)


def sheet(path: Path, name: str) -> list[dict[str, Any]]:
    return read_sheet(path, name)


def temuan(ws: Workspace) -> list[tuple[str, str, str]]:
    with Ledger.open(ws.ledger_path) as ledger:
        return [(r["kode"], r["kode_indikator"], r["status"]) for r in ledger.findings(periode="2025-TW1")
                if r["level"] != "info"]


def ledger_rows(ws: Workspace, sql: str) -> list[Any]:
    with Ledger.open(ws.ledger_path) as ledger:
        return [dict(r) for r in ledger.conn.execute(sql)]


# ------------------------------------------------------------------------------------------------


def test_full_loop(ws):
    kertas_kerja(ws, "SEK", {"A1": {"Realisasi": 130, "Faktor Penghambat": OK},
                             "A2": {"Realisasi": 150, "Faktor Penghambat": OK},
                             "A3": {"Realisasi": 30, "Faktor Penghambat": OK}})
    report = batch.run(ws)
    assert report.konfirmasi == [KONF]
    assert temuan(ws) == [("CAPAIAN_TINGGI", "A1", "Terbuka"), ("CAPAIAN_TINGGI", "A2", "Terbuka"),
                          ("CAPAIAN_RENDAH", "A3", "Terbuka")]
    rekap = ws.root / "outbox/rekap_2025-TW1.xlsx"
    assert [(s["Bidang"], s["Status"]) for s in sheet(rekap, "Status Pengumpulan")] == [
        ("SEK", "Perlu Konfirmasi"), ("IKP", "Belum Mengumpulkan")]

    a = Answers(ws)
    assert [(r["Kode Indikator"], r["Kode Temuan"], r["Nilai"], r["Jenis Nilai"]) for r in a.rows()] == [
        ("A1", "CAPAIAN_TINGGI", "130", "Realisasi TW I"), ("A2", "CAPAIAN_TINGGI", "150", "Realisasi TW I"),
        ("A3", "CAPAIAN_RENDAH", "30", "Realisasi TW I")]
    a.answer("A1", "CAPAIAN_TINGGI", "Benar", penjelasan="Ada kegiatan tambahan dari APBD Perubahan")
    a.answer("A2", "CAPAIAN_TINGGI", "Perbaiki", 95, "Salah ketik")
    a.answer("A3", "CAPAIAN_RENDAH", "Perbaiki", "tiga puluh")
    koreksi_a2, koreksi_a3 = a.cell("A2", "CAPAIAN_TINGGI", "Nilai Koreksi"), a.cell("A3", "CAPAIAN_RENDAH",
                                                                                      "Nilai Koreksi")
    id_a3 = a.id_of("A3", "CAPAIAN_RENDAH")
    a.drop()

    report = batch.run(ws)
    [outcome] = report.files
    assert (outcome.hasil, outcome.galat, outcome.pesan) == (
        "konfirmasi", 1, "1 dikonfirmasi, 1 dikoreksi, 1 tanggapan tidak valid, 0 diabaikan, 0 belum dijawab")
    assert temuan(ws) == [("CAPAIAN_TINGGI", "A1", "Dikonfirmasi"), ("CAPAIAN_TINGGI", "A2", "Dikoreksi"),
                          ("CAPAIAN_RENDAH", "A3", "Terbuka"), ("TANGGAPAN_TIDAK_VALID", "A3", "Terbuka")]
    assert [(r["kode_indikator"], r["kolom"], r["lama"], r["baru"], r["sumber_berkas"], r["sel"])
            for r in ledger_rows(ws, "SELECT * FROM audit")] == [
        ("A2", "realisasi", "150.0", "95.0", "konfirmasi_SEK_2025-TW1.xlsx", f"Konfirmasi!{koreksi_a2}")]

    # the rekap is rebuilt from the corrected value: 95 / 100 -> capaian 95
    pengukuran = {r["Kode Indikator"]: r for r in sheet(rekap, "Pengukuran Kinerja")}
    assert [(k, pengukuran[k]["Realisasi"], pengukuran[k]["Capaian (%)"], pengukuran[k]["Predikat"])
            for k in ("A1", "A2", "A3")] == [("A1", 130, 130, "Sangat Tinggi"), ("A2", 95, 95, "Sangat Tinggi"),
                                             ("A3", 30, 30 / 80 * 100, "Sangat Rendah")]
    konf = sheet(rekap, "Perlu Konfirmasi")
    assert [(r["Kode Indikator"], r["Kode Temuan"], r["Level"], r["Status"], r["Tanggapan"] or "",
             r["Penjelasan"] or "") for r in konf] == [
        ("A1", "CAPAIAN_TINGGI", "peringatan", "Dikonfirmasi", "Benar", "Ada kegiatan tambahan dari APBD Perubahan"),
        ("A2", "CAPAIAN_TINGGI", "peringatan", "Dikoreksi", "Perbaiki", "Salah ketik"),
        ("A3", "CAPAIAN_RENDAH", "peringatan", "Terbuka", "", ""),
        ("A3", "TANGGAPAN_TIDAK_VALID", "galat", "Terbuka", "", "")]
    assert (konf[3]["Berkas"], konf[3]["Sel"], konf[3]["Nilai"]) == (
        "konfirmasi_SEK_2025-TW1.xlsx", f"Konfirmasi!{koreksi_a3}", "tiga puluh")
    assert [s["Status"] for s in sheet(rekap, "Status Pengumpulan")] == ["Perlu Konfirmasi", "Belum Mengumpulkan"]

    # the next confirmation workbook holds what is still open, with the reason the answer failed
    b = Answers(ws)
    assert [(r["ID Temuan"] == id_a3, r["Kode Indikator"], r["Kode Temuan"]) for r in b.rows()] == [
        (True, "A3", "CAPAIAN_RENDAH"), (False, "A3", "TANGGAPAN_TIDAK_VALID")]
    assert "untuk indikator A3 (berkas 'konfirmasi_SEK_2025-TW1.xlsx', Konfirmasi!" in b.rows()[1]["Pesan"]
    assert "tidak dapat diproses: Nilai Koreksi 'tiga puluh' bukan angka." in b.rows()[1]["Pesan"]
    # the notice points into THIS workbook: the Nilai Koreksi cell of the finding's own row
    assert f"Jawab lagi di Konfirmasi!{b.cell('A3', 'CAPAIAN_RENDAH', 'Nilai Koreksi')} lembar ini" in b.rows()[1]["Pesan"]

    # answering the rest closes everything: the workbook goes, the bidang is 'Diterima'
    b.answer("A3", "CAPAIAN_RENDAH", "Benar", penjelasan="Kegiatan baru dimulai bulan Maret")
    b.drop("konfirmasi_SEK_2025-TW1 (2).xlsx")
    report = batch.run(ws)
    assert report.konfirmasi == []
    assert not (ws.root / KONF).exists()
    assert [s["Status"] for s in sheet(rekap, "Status Pengumpulan")] == ["Diterima (Terlambat)", "Belum Mengumpulkan"]
    assert temuan(ws)[2:] == [("CAPAIAN_RENDAH", "A3", "Dikonfirmasi"), ("TANGGAPAN_TIDAK_VALID", "A3", "Selesai")]


def test_workbook_layout_protection_metadata_and_print(ws):
    kertas_kerja(ws, "SEK", {"A1": {"Realisasi": 130, "Faktor Penghambat": OK},
                             "A4": {"Realisasi": 100, "Realisasi Anggaran (Rp)": "=1/0", "Faktor Penghambat": OK}})
    batch.run(ws)
    wb = openpyxl.load_workbook(ws.root / KONF)
    assert [(n, wb[n].sheet_state) for n in wb.sheetnames] == [("Konfirmasi", "visible"),
                                                               ("_kinerja_meta", "veryHidden")]
    meta = {r[0]: r[1] for r in wb["_kinerja_meta"].iter_rows(values_only=True)}
    assert (meta["jenis"], meta["kode_bidang"], meta["periode"], len(meta["template_id"])) == (
        "konfirmasi", "SEK", "2025-TW1", 32)
    assert meta["dibuat"][:2] == "20"

    a = Answers(ws)
    sh = a.sh
    assert [sh.cell(a.header_row, c).value for c in range(1, 11)] == HEADERS
    assert "Benar" in sh["A7"].value and "Perbaiki" in sh["A7"].value
    rows = a.rows()
    assert [(r["Kode Indikator"], r["Kode Temuan"], r["Jenis Nilai"]) for r in rows] == [
        ("A1", "CAPAIAN_TINGGI", "Realisasi TW I"),
        ("A4", "RUMUS_TANPA_NILAI", "Realisasi Anggaran TW I (Rp)"),
        ("A4", "KINERJA_TANPA_SERAPAN", "Realisasi Anggaran TW I (Rp)")]
    first = rows[0]["_row"]
    locked = {h: sh.cell(first, c).protection.locked for h, c in a.col.items()}
    assert [h for h, is_locked in locked.items() if not is_locked] == ["Tanggapan", "Nilai Koreksi", "Penjelasan"]
    assert sh.protection.sheet is True
    validations = {str(v.sqref): (v.type, v.operator, v.formula1) for v in sh.data_validations.dataValidation}
    last = rows[-1]["_row"]
    assert validations == {f"H{first}:H{last}": ("list", None, '"Benar,Perbaiki"'),
                           f"I{first}:I{last}": ("decimal", "greaterThanOrEqual", "0")}
    assert (sh.page_setup.orientation, sh.page_setup.paperSize) == ("landscape", 14)
    assert sh.page_setup.scale >= 80 and sh.print_title_cols == "$A:$C"
    assert sh.print_title_rows == f"${a.header_row}:${a.header_row}"
    assert sh.row_dimensions[first].height > 15  # the message wraps; the row is tall enough to show it

    # a dry run says what it would write and writes nothing
    (ws.root / KONF).unlink()
    assert batch.run(ws, periode=P, dry_run=True).konfirmasi == [KONF]
    assert not (ws.root / KONF).exists()


def test_invalid_answers_galat_corrections_and_notes(ws):
    kertas_kerja(ws, "SEK", {"A1": {"Realisasi": 130, "Faktor Penghambat": OK},
                             "A2": {"Realisasi": 150, "Faktor Penghambat": OK},
                             "A3": {"Realisasi": 30, "Faktor Penghambat": OK},
                             "A4": {"Realisasi": 90, "Realisasi Anggaran (Rp)": "banyak", "Faktor Penghambat": OK},
                             "A5": {"Kode Indikator": None}})
    kertas_kerja(ws, "IKP", {"B1": {"Realisasi": 1, "Faktor Penghambat": OK}})
    batch.run(ws)
    assert [t for t in temuan(ws) if t[0] not in ("CAPAIAN_TINGGI", "CAPAIAN_RENDAH")] == [
        ("BUKAN_ANGKA", "A4", "Terbuka"), ("BARIS_HILANG", "A5", "Terbuka")]
    id_ikp = Answers(ws, KONF.replace("SEK", "IKP")).id_of("B1", "CAPAIAN_RENDAH")

    a = Answers(ws)
    id_a1, id_a4 = a.id_of("A1", "CAPAIAN_TINGGI"), a.id_of("A4", "BUKAN_ANGKA")
    a.answer("A1", "CAPAIAN_TINGGI", "Benar")  # no explanation
    a.answer("A2", "CAPAIAN_TINGGI", "Perbaiki")  # no value
    a.answer("A3", "CAPAIAN_RENDAH", "Perbaiki", -5)
    a.answer("A4", "BUKAN_ANGKA", "Perbaiki", "1.500.000")  # the galat was on the Realisasi Anggaran cell
    a.answer("A5", "BARIS_HILANG", "perbaiki", 7)  # the row was missing from the kertas kerja: it is added
    row = {
        "9999": a.extra(9999, "A1", "Benar", penjelasan="x"),
        "ikp": a.extra(id_ikp, "B1", "Benar", penjelasan="x"),
        "dup": a.extra(id_a4, "A4", "Benar", penjelasan="sudah dikoreksi di atas"),
        "kode": a.extra(id_a1, "A9", "Benar", penjelasan="x"),
        "mungkin": a.extra(id_a1, "A1", "Mungkin"),
        "div0": a.extra(id_a1, "A1", "Perbaiki", "#DIV/0!"),
        "rumus": a.extra(id_a1, "A1", "Perbaiki", "=1/0"),
        "kosong": a.extra(id_a1, "A1", None, penjelasan="lupa memilih"),  # no Tanggapan: unanswered
    }
    a.drop()

    [outcome] = batch.run(ws).files
    assert (outcome.hasil, outcome.galat, outcome.pesan) == (
        "konfirmasi", 10, "0 dikonfirmasi, 2 dikoreksi, 10 tanggapan tidak valid, 1 diabaikan, 1 belum dijawab. "
        "Catatan: kolom terkunci (ID Temuan, Kode Indikator, Kode Temuan) tidak sama dengan saat lembar "
        "diterbitkan: baris diubah, ditambah atau dihapus; setiap jawaban tetap diperiksa terhadap temuan bidang dan "
        f"periode lembar ini; ID {id_a4} (BUKAN_ANGKA A4) sudah berstatus Dikoreksi")  # rows were added below
    with Ledger.open(ws.ledger_path) as ledger:
        notices = [(r["sel"], r["kode_indikator"], json.loads(r["data"])["detail"])
                   for r in ledger.findings(periode="2025-TW1") if r["kode"] == "TANGGAPAN_TIDAK_VALID"]
    col = a.letter
    assert notices == [
        (a.cell("A1", "CAPAIAN_TINGGI", "Penjelasan"), "A1", "Tanggapan 'Benar' harus disertai Penjelasan"),
        (a.cell("A2", "CAPAIAN_TINGGI", "Nilai Koreksi"), "A2", "Nilai Koreksi kosong"),
        (a.cell("A3", "CAPAIAN_RENDAH", "Nilai Koreksi"), "A3", "Nilai Koreksi -5 negatif"),
        (f"{col('ID Temuan')}{row['9999']}", "A1", "ID Temuan 9999 tidak ada"),
        (f"{col('ID Temuan')}{row['ikp']}", "B1", f"ID Temuan {id_ikp} bukan temuan bidang SEK periode 2025-TW1"),
        (f"{col('Kode Indikator')}{row['kode']}", "A9",
         f"Kode Indikator 'A9' tidak sesuai dengan ID Temuan {id_a1} (A1)"),
        (f"{col('Tanggapan')}{row['mungkin']}", "A1", "Tanggapan 'Mungkin' bukan 'Benar' atau 'Perbaiki'"),
        (f"{col('Nilai Koreksi')}{row['div0']}", "A1", "Nilai Koreksi berisi galat Excel #DIV/0!"),
        (f"{col('Nilai Koreksi')}{row['rumus']}", "A1", "Nilai Koreksi berisi rumus yang belum punya hasil"),
        # the answer written in Penjelasan with Tanggapan left empty: the bidang is told where to answer
        (f"{col('Tanggapan')}{row['kosong']}", "A1", "Tanggapan kosong, padahal Penjelasan diisi; jawaban dibaca "
                                                     "dari kolom Tanggapan, jadi pilih 'Benar' atau 'Perbaiki' di sana"),
    ]
    assert [t for t in temuan(ws) if t[0] != "TANGGAPAN_TIDAK_VALID"][:6] == [
        ("CAPAIAN_RENDAH", "B1", "Terbuka"),
        ("BUKAN_ANGKA", "A4", "Dikoreksi"), ("BARIS_HILANG", "A5", "Dikoreksi"),
        ("CAPAIAN_TINGGI", "A1", "Terbuka"), ("CAPAIAN_TINGGI", "A2", "Terbuka"), ("CAPAIAN_RENDAH", "A3", "Terbuka")]
    assert [(r["kode_indikator"], r["kolom"], r["lama"], r["baru"], r["sel"])
            for r in ledger_rows(ws, "SELECT * FROM audit")] == [
        ("A4", "anggaran", "banyak", "1500000.0", a.cell("A4", "BUKAN_ANGKA", "Nilai Koreksi").join(("Konfirmasi!", ""))),
        ("A5", "realisasi", None, "7.0", a.cell("A5", "BARIS_HILANG", "Nilai Koreksi").join(("Konfirmasi!", "")))]
    pengukuran = read_sheet(ws.root / "outbox/rekap_2025-TW1.xlsx", "Pengukuran Kinerja", key="Kode Indikator")
    assert (pengukuran["A4"]["Realisasi Anggaran s.d. TW (Rp)"], pengukuran["A5"]["Realisasi"],
            pengukuran["A5"]["Capaian (%)"]) == (1_500_000, 7, 7 / 100 * 100)

    # the invalid answers are in the next workbook, each with the reason, beside what is still open
    b = Answers(ws)
    assert [(r["Kode Indikator"], r["Kode Temuan"]) for r in b.rows()] == [
        ("A1", "CAPAIAN_TINGGI"), ("A1", "TANGGAPAN_TIDAK_VALID"), ("A1", "TANGGAPAN_TIDAK_VALID"),
        ("A1", "TANGGAPAN_TIDAK_VALID"), ("A1", "TANGGAPAN_TIDAK_VALID"), ("A1", "TANGGAPAN_TIDAK_VALID"),
        ("A1", "TANGGAPAN_TIDAK_VALID"),
        ("A2", "CAPAIAN_TINGGI"), ("A2", "TANGGAPAN_TIDAK_VALID"), ("A3", "CAPAIAN_RENDAH"),
        ("A3", "TANGGAPAN_TIDAK_VALID"), ("A5", "CAPAIAN_RENDAH"), ("A5", "PENJELASAN_KOSONG"),
        ("B1", "TANGGAPAN_TIDAK_VALID"), ("A9", "TANGGAPAN_TIDAK_VALID")]


def test_an_answer_to_a_finding_a_newer_kertas_kerja_resolved_is_noted(ws):
    kertas_kerja(ws, "SEK", {"A1": {"Realisasi": 130, "Faktor Penghambat": OK}})
    batch.run(ws)
    a = Answers(ws)
    a.answer("A1", "CAPAIAN_TINGGI", "Benar", penjelasan="Benar adanya")
    kertas_kerja(ws, "SEK", {"A1": {"Realisasi": 100, "Faktor Penghambat": OK}}, name="kk_SEK_v2.xlsx")
    report = batch.run(ws)
    assert (report.konfirmasi, (ws.root / KONF).exists()) == ([], False)
    assert temuan(ws) == [("CAPAIAN_TINGGI", "A1", "Selesai")]

    a.drop()
    [outcome] = batch.run(ws).files
    assert (outcome.hasil, outcome.galat, outcome.pesan) == (
        "konfirmasi", 0, "0 dikonfirmasi, 0 dikoreksi, 0 tanggapan tidak valid, 1 diabaikan, 0 belum dijawab. "
        "Catatan: ID 1 (CAPAIAN_TINGGI A1) sudah berstatus Selesai")
    assert temuan(ws) == [("CAPAIAN_TINGGI", "A1", "Selesai")]
    assert [s["Status"] for s in sheet(ws.root / "outbox/rekap_2025-TW1.xlsx", "Status Pengumpulan")][0] == (
        "Diterima (Terlambat)")


def test_benar_on_penjelasan_kosong_becomes_the_faktor_penghambat(ws):
    kertas_kerja(ws, "IKP", {"B1": {"Realisasi": 8}})  # 8 / 10 = 80 %, Faktor Penghambat empty
    batch.run(ws)
    a = Answers(ws, KONF.replace("SEK", "IKP"))
    assert [(r["Kode Indikator"], r["Kode Temuan"], r["Nilai"]) for r in a.rows()] == [
        ("B1", "PENJELASAN_KOSONG", "8")]
    a.answer("B1", "PENJELASAN_KOSONG", "Benar", penjelasan="Anggaran baru cair akhir Maret")
    a.drop("konfirmasi_IKP_2025-TW1.xlsx")
    batch.run(ws)
    assert temuan(ws) == [("PENJELASAN_KOSONG", "B1", "Dikonfirmasi")]
    pengukuran = read_sheet(ws.root / "outbox/rekap_2025-TW1.xlsx", "Pengukuran Kinerja", key="Kode Indikator")
    assert pengukuran["B1"]["Faktor Penghambat"] == "Anggaran baru cair akhir Maret"
    assert [(r["kode_indikator"], r["kolom"], r["lama"], r["baru"]) for r in ledger_rows(ws, "SELECT * FROM audit")] == [
        ("B1", "penghambat", "", "Anggaran baru cair akhir Maret")]


def test_indicator_lookups_made_once_for_all_workbooks(ws, monkeypatch):
    """The names and cells of the period's indicators are looked up once per run, not once per bidang
    (at 1,000 bidang x 150 indicators that was 150,000 rows read again for every workbook)."""
    import datetime as dt
    import uuid
    import zipfile

    from kinerja_batch import konfirmasi
    from kinerja_batch.model import period_data

    kertas_kerja(ws, "SEK", {"A1": {"Realisasi": 130, "Faktor Penghambat": OK}})
    kertas_kerja(ws, "IKP", {"B1": {"Realisasi": 1, "Faktor Penghambat": OK}}, name="kk_ikp.xlsx")
    batch.run(ws)
    master = load_master(ws.master_path)
    with Ledger.open(ws.ledger_path) as ledger:
        data = period_data(ledger, master, ws.settings(), P)
    made = []
    real = konfirmasi._Lookups.of
    monkeypatch.setattr(konfirmasi._Lookups, "of", lambda d: made.append(1) or real(d))
    written = konfirmasi.write_konfirmasi_workbooks(ws, data)
    assert written == [KONF, "outbox/konfirmasi/2025-TW1/konfirmasi_IKP_2025-TW1.xlsx"] and made == [1]

    # and a workbook written on its own (lookups made for it) is the same, part for part
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=3))
    items = [f for f in data.findings if f["kode_bidang"] == "SEK" and f["status"] == "Terbuka"]
    now = dt.datetime(2025, 4, 2, 7, 0)
    one = konfirmasi.write_konfirmasi(ws.root / "satu.xlsx", data, "SEK", items, now=now)
    shared = konfirmasi.write_konfirmasi(ws.root / "dua.xlsx", data, "SEK", items, now=now,
                                         lookups=real(data))

    def parts(path):
        with zipfile.ZipFile(path) as z:
            return {i.filename: z.read(i.filename) for i in z.infolist()}

    assert parts(one) == parts(shared)
