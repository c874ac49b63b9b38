"""Issue 10 §1 §2 §4: every warning reaches a person, and a file changes only its own bidang and period.

Driven through the command line (``run``, ``run --json``, ``status``, ``status --json``) and read back from
what people open: the rekap, the confirmation workbook, the run summary.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import age, build_master, read_sheet
from test_konfirmasi import Answers as _Answers
from test_konfirmasi import headers_at

from kinerja_batch.cli import cli
from kinerja_batch.config import Workspace, init_workspace
from kinerja_batch.ledger import Ledger
from kinerja_batch.master import load_master
from kinerja_batch.periode import Periode
from kinerja_batch.templates import write_templates

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension")

P = Periode(2025, 1)
KONF = "outbox/konfirmasi/2025-TW1/konfirmasi_SEK_2025-TW1.xlsx"
REKAP = "outbox/rekap_2025-TW1.xlsx"
DOC = {"satuan": "Dokumen", "target_tahunan": 2000, "target_tw1": 2000, "pagu": None}
PCT = {"satuan": "%", "target_tahunan": 90, "target_tw1": 90, "pagu": None}
INDIKATOR = (
    {**DOC, "kode_indikator": "A1", "kode_bidang": "SEK"},
    {**DOC, "kode_indikator": "A2", "kode_bidang": "SEK", "target_tahunan": 100, "target_tw1": 100},
    {**PCT, "kode_indikator": "A3", "kode_bidang": "SEK"},
    {**DOC, "kode_indikator": "B1", "kode_bidang": "IKP", "target_tahunan": 10, "target_tw1": 10},
    {**DOC, "kode_indikator": "B2", "kode_bidang": "IKP", "target_tahunan": 10, "target_tw1": 10},
)
OK = "Cuaca buruk"  # a Faktor Penghambat, so that PENJELASAN_KOSONG stays out of the way


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    ws = init_workspace(tmp_path / "ws")
    build_master(ws.master_path, bidang=({"kode_bidang": "SEK"}, {"kode_bidang": "IKP"}), indikator=INDIKATOR)
    for kode in ("SEK", "IKP"):
        write_templates(ws, load_master(ws.master_path), ws.settings(), P, bidang=[kode])
    return ws


def invoke(ws: Workspace, *args: str) -> Any:
    result = CliRunner().invoke(cli, ["-w", str(ws.root), *args], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result


def run_json(ws: Workspace) -> dict[str, Any]:
    return json.loads(invoke(ws, "run", "--json").output)


def filled(ws: Workspace, bidang: str, rows: dict[str, dict[str, Any]], name: str) -> Path:
    """The bidang's template, filled by header text; a tuple value is (value, number format)."""
    wb = openpyxl.load_workbook(ws.template_path(bidang, P))
    sh = wb["Kertas Kerja"]
    col = headers_at(sh, 8)
    for r in range(9, sh.max_row + 1):
        for header, value in rows.get(sh.cell(r, col["Kode Indikator"]).value, {}).items():
            cell = sh.cell(r, col[header])
            if isinstance(value, tuple):
                cell.value, cell.number_format = value
            else:
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"
    path = ws.inbox / name
    wb.save(path)
    return age(path)


class Answers(_Answers):
    """test_konfirmasi's confirmation-workbook helper, answered like a bidang would, plus what these tests read."""

    def row_of(self, kode: str, kode_temuan: str) -> int:
        return next(r["_row"] for r in self.rows() if (r["Kode Indikator"], r["Kode Temuan"]) == (kode, kode_temuan))

    def instructions(self) -> str:
        return "\n".join(str(self.sh.cell(r, 1).value or "") for r in range(1, self.header_row))


def konfirmasi_rows(ws: Workspace) -> list[tuple[str, str, str, str]]:
    return [(r["Kode Indikator"], r["Kode Temuan"], r["Level"], r["Status"])
            for r in read_sheet(ws.root / REKAP, "Perlu Konfirmasi")]


# ------------------------------------------------------------------------------------------------
# §1 every warning reaches a person


def test_cell_warnings_are_confirmation_items_and_info_sits_beside_its_value(ws):
    filled(ws, "SEK", {"A1": {"Realisasi": "1.500", "Faktor Penghambat": OK},  # ANGKA_AMBIGU: read 1500
                       "A2": {"Realisasi": 100, "Target Tahunan": 150},  # TARGET_DIUBAH: the master's 100 is used
                       "A3": {"Realisasi": (0.85, "0%"), "Faktor Penghambat": OK}},  # SKALA_PERSEN_DIUBAH: read 85
           "kk_SEK.xlsx")
    out = run_json(ws)
    [status_sek] = [r for r in out["status"]["2025-TW1"] if r["kode_bidang"] == "SEK"]
    assert (status_sek["status"], status_sek["temuan_terbuka"], status_sek["per_kode"]) == (
        "Perlu Konfirmasi", 2, {"ANGKA_AMBIGU": 1, "TARGET_DIUBAH": 1})

    # the rekap: both warnings in Perlu Konfirmasi, the percent note beside the value it changed
    assert konfirmasi_rows(ws) == [("A1", "ANGKA_AMBIGU", "peringatan", "Terbuka"),
                                   ("A2", "TARGET_DIUBAH", "peringatan", "Terbuka")]
    pk = read_sheet(ws.root / REKAP, "Pengukuran Kinerja", key="Kode Indikator")
    assert (pk["A1"]["Realisasi"], pk["A2"]["Target Tahunan"], pk["A3"]["Realisasi"]) == (1500, 100, 85)
    assert "berformat persen dengan nilai 0,85; dibaca sebagai 85%" in pk["A3"]["Catatan Nilai"]
    assert pk["A3"]["Catatan Nilai"].startswith("TW I – Skala persen disesuaikan: ")
    assert pk["A1"]["Catatan Nilai"] is None and pk["A2"]["Catatan Nilai"] is None
    sh = openpyxl.load_workbook(ws.root / REKAP)["Pengukuran Kinerja"]
    hr = next(r for r in range(1, 30) if sh.cell(r, 1).value == "Bidang")
    col = headers_at(sh, hr)
    row = next(r for r in range(hr + 1, sh.max_row + 1) if sh.cell(r, col["Kode Indikator"]).value == "A3")
    comment = sh.cell(row, col["Realisasi TW I"]).comment
    assert comment is not None and "dibaca sebagai 85%" in comment.text

    # the confirmation workbook: one row each, with what an answer means
    a = Answers(ws)
    assert [(r["Kode Indikator"], r["Kode Temuan"], r["Nilai"], r["Jenis Nilai"]) for r in a.rows()] == [
        ("A1", "ANGKA_AMBIGU", "1.500", "Realisasi TW I"),
        ("A2", "TARGET_DIUBAH", "150", "Target (usulan, bila Perbaiki)")]
    text = a.instructions()
    assert "TARGET_DIUBAH" in text and "target master perlu diubah" in text and "ANGKA_AMBIGU" in text

    # status (text and JSON) and the run summary count them, per code
    st = invoke(ws, "status", "--periode", "2025-TW1")
    assert "Perlu konfirmasi per kode: ANGKA_AMBIGU 1 · TARGET_DIUBAH 1" in st.output
    data = json.loads(invoke(ws, "status", "--periode", "2025-TW1", "--json").output)
    assert data["jumlah"]["temuan_terbuka"] == 2
    assert data["jumlah"]["per_kode"] == {"ANGKA_AMBIGU": 1, "TARGET_DIUBAH": 1}
    summary = invoke(ws, "run", "--periode", "2025-TW1").output
    assert "Perlu konfirmasi per kode: ANGKA_AMBIGU 1 · TARGET_DIUBAH 1" in summary

    # answered: Benar alone confirms a reading; Perbaiki on a target is a proposal, the master's target stays
    a.answer("A1", "ANGKA_AMBIGU", "Benar")
    a.answer("A2", "TARGET_DIUBAH", "Perbaiki", 150, "Ada tambahan kegiatan dari APBD Perubahan")
    a.drop()
    out = run_json(ws)
    [konf] = [f for f in out["files"] if f["hasil"] == "konfirmasi"]
    assert konf["pesan"].startswith("2 dikonfirmasi, 0 dikoreksi, 0 tanggapan tidak valid")
    assert "mengusulkan target master A2 diubah menjadi 150: Ada tambahan kegiatan" in konf["pesan"]
    rows = read_sheet(ws.root / REKAP, "Perlu Konfirmasi")
    assert [(r["Kode Temuan"], r["Status"], r["Tanggapan"], r["Penjelasan"]) for r in rows] == [
        ("ANGKA_AMBIGU", "Dikonfirmasi", "Benar", ""),
        ("TARGET_DIUBAH", "Dikonfirmasi", "Perbaiki", "Ada tambahan kegiatan dari APBD Perubahan (usulan target: 150)")]
    pk = read_sheet(ws.root / REKAP, "Pengukuran Kinerja", key="Kode Indikator")
    assert (pk["A1"]["Realisasi"], pk["A2"]["Target Tahunan"]) == (1500, 100)
    data = json.loads(invoke(ws, "status", "--periode", "2025-TW1", "--json").output)
    [sek] = [b for b in data["bidang"] if b["kode_bidang"] == "SEK"]
    assert (sek["status"], sek["temuan_terbuka"], sek["per_kode"]) == ("Diterima (Terlambat)", 0, {})
    assert not (ws.root / KONF).exists()  # nothing left to answer


def test_target_perbaiki_needs_a_reason(ws):
    filled(ws, "SEK", {"A1": {"Realisasi": 1800}, "A2": {"Realisasi": 100, "Target Tahunan": 150}}, "kk.xlsx")
    run_json(ws)
    a = Answers(ws)
    a.answer("A2", "TARGET_DIUBAH", "Perbaiki", 150)
    a.drop()
    run_json(ws)
    b = Answers(ws)
    [notice] = [r for r in b.rows() if r["Kode Temuan"] == "TANGGAPAN_TIDAK_VALID"]
    assert "target master perlu diubah: tulis alasannya di Penjelasan" in notice["Pesan"]
    assert f"Jawab lagi di Konfirmasi!{b.cell('A2', 'TARGET_DIUBAH', 'Penjelasan')} lembar ini" in notice["Pesan"]

    # the reason written on the notice's own row, Tanggapan left empty: told again, about the same finding,
    # pointing to the Tanggapan cell of the next workbook
    b.sh.cell(notice["_row"], b.col["Penjelasan"]).value = "Target naik karena DAK"
    b.drop()
    run_json(ws)
    c = Answers(ws)
    [notice] = [r for r in c.rows() if r["Kode Temuan"] == "TANGGAPAN_TIDAK_VALID"]
    assert "Tanggapan kosong, padahal Penjelasan diisi" in notice["Pesan"]
    assert f"Jawab lagi di Konfirmasi!{c.cell('A2', 'TARGET_DIUBAH', 'Tanggapan')} lembar ini" in notice["Pesan"]


def test_a_newer_value_closes_angka_ambigu(ws):
    # a correction of another finding on the same cell replaces the ambiguous value: no longer true
    filled(ws, "SEK", {"A1": {"Realisasi": "1.500", "Faktor Penghambat": OK}, "A2": {"Realisasi": 100},
                       "A3": {"Realisasi": 90}}, "kk.xlsx")
    filled(ws, "IKP", {"B1": {"Realisasi": "1.500"}, "B2": {"Realisasi": 10}}, "kk_ikp.xlsx")
    run_json(ws)
    assert ("B1", "ANGKA_AMBIGU", "peringatan", "Terbuka") in konfirmasi_rows(ws)
    assert ("B1", "CAPAIAN_TINGGI", "peringatan", "Terbuka") in konfirmasi_rows(ws)
    a = Answers(ws, "outbox/konfirmasi/2025-TW1/konfirmasi_IKP_2025-TW1.xlsx")
    a.answer("B1", "CAPAIAN_TINGGI", "Perbaiki", 12, "salah ketik")
    a.drop("konfirmasi_IKP_2025-TW1.xlsx")
    run_json(ws)
    rows = konfirmasi_rows(ws)
    assert ("B1", "ANGKA_AMBIGU", "peringatan", "Selesai") in rows
    assert ("B1", "CAPAIAN_TINGGI", "peringatan", "Dikoreksi") in rows

    # a new kertas kerja where the value reads the same in every locale closes it too
    assert ("A1", "ANGKA_AMBIGU", "peringatan", "Terbuka") in konfirmasi_rows(ws)
    filled(ws, "SEK", {"A1": {"Realisasi": "1.500,0", "Faktor Penghambat": OK}, "A2": {"Realisasi": 100},
                       "A3": {"Realisasi": 90}}, "kk_2.xlsx")
    out = run_json(ws)
    assert [r for r in konfirmasi_rows(ws) if r[0].startswith("A")] == []
    [sek] = [r for r in out["status"]["2025-TW1"] if r["kode_bidang"] == "SEK"]
    assert (sek["status"], sek["per_kode"]) == ("Diterima (Terlambat)", {})
    assert read_sheet(ws.root / REKAP, "Pengukuran Kinerja", key="Kode Indikator")["A1"]["Realisasi"] == 1500
    with Ledger.open(ws.ledger_path) as ledger:
        old = [r["status"] for r in ledger.findings(periode="2025-TW1", current_only=False)
               if r["kode"] == "ANGKA_AMBIGU" and r["kode_indikator"] == "A1"]
    assert old == ["Selesai"]  # not left open in the ledger either


# ------------------------------------------------------------------------------------------------
# §2 a file changes only its own bidang and period


def _with_meta(path: Path, **meta: str) -> None:
    wb = openpyxl.load_workbook(path)
    sh = wb["_kinerja_meta"]
    for row in sh.iter_rows(min_col=1, max_col=2):
        if row[0].value in meta:
            row[1].value = meta[row[0].value]
    wb.save(path)
    age(path)


def test_a_file_of_another_bidang_never_replaces_a_good_submission(ws):
    filled(ws, "SEK", {"A1": {"Realisasi": 1800, "Faktor Penghambat": OK}, "A2": {"Realisasi": 100},
                       "A3": {"Realisasi": 90}}, "sek_baik.xlsx")
    run_json(ws)
    # SEK filled IKP's template and set the hidden metadata to its own bidang
    bad = filled(ws, "IKP", {"B1": {"Realisasi": 9}, "B2": {"Realisasi": 9}}, "sek_salah_templat.xlsx")
    _with_meta(bad, kode_bidang="SEK")
    out = run_json(ws)
    [f] = out["files"]
    assert (f["hasil"], f["kode"]) == ("ditolak", "BIDANG_TIDAK_COCOK")
    assert "metadatanya menyebut bidang SEK (Bidang SEK), tetapi kode indikatornya milik IKP (Bidang IKP): 2 kode" \
        in f["pesan"]
    assert "Data yang sudah diterima sebelumnya tidak diubah" in f["pesan"] and "lalu kirim kembali" in f["pesan"]
    reason = (ws.ditolak / "sek_salah_templat.xlsx.alasan.txt").read_text(encoding="utf-8")
    assert "tetapi kode indikatornya milik IKP" in reason
    # the good values are still what the rekap shows, and SEK is still 'Diterima'
    pk = read_sheet(ws.root / REKAP, "Pengukuran Kinerja", key="Kode Indikator")
    assert (pk["A1"]["Realisasi"], pk["A2"]["Realisasi"], pk["A3"]["Realisasi"]) == (1800, 100, 90)
    assert (pk["B1"]["Realisasi"], pk["B2"]["Realisasi"]) == (None, None)
    status = {r["Bidang"]: r for r in read_sheet(ws.root / REKAP, "Status Pengumpulan")}
    assert (status["SEK"]["Status"], status["SEK"]["Berkas"]) == ("Diterima (Terlambat)", "sek_baik.xlsx")
    galat = [(g["Berkas"], g["Kode"]) for g in read_sheet(ws.root / REKAP, "Galat Validasi")]
    assert ("sek_salah_templat.xlsx", "BIDANG_TIDAK_COCOK") in galat


def test_rows_of_another_bidang_pasted_in_are_rejected(ws):
    # SEK's own file, with IKP's row pasted below its own
    path = filled(ws, "SEK", {"A1": {"Realisasi": 1800}, "A2": {"Realisasi": 100}}, "sek_tempel.xlsx")
    wb = openpyxl.load_workbook(path)
    sh = wb["Kertas Kerja"]
    col = headers_at(sh, 8)
    last = max(r for r in range(9, sh.max_row + 1) if sh.cell(r, col["Kode Indikator"]).value)
    sh.cell(last + 1, col["Kode Indikator"]).value = "B1"
    sh.cell(last + 1, col["Realisasi"]).value = 7
    wb.save(path)
    age(path)
    [f] = run_json(ws)["files"]
    assert (f["hasil"], f["kode"]) == ("ditolak", "BIDANG_TIDAK_COCOK")
    assert "kode indikatornya milik IKP (Bidang IKP): 1 kode, SEK (Bidang SEK): 3 kode" in f["pesan"]


def test_several_entry_sheets_are_accounted_for(ws):
    # one file holding SEK's and IKP's sheets: rejected, naming whose sheet is whose
    path = filled(ws, "SEK", {"A1": {"Realisasi": 1800}}, "dua_bidang.xlsx")
    wb = openpyxl.load_workbook(path)
    other = openpyxl.load_workbook(ws.template_path("IKP", P))["Kertas Kerja"]
    copy = wb.create_sheet("IKP")
    for row in other.iter_rows():
        for cell in row:
            if cell.value is not None:
                copy.cell(cell.row, cell.column).value = cell.value
    wb.save(path)
    age(path)
    [f] = run_json(ws)["files"]
    assert (f["hasil"], f["kode"]) == ("ditolak", "BIDANG_TIDAK_COCOK")
    assert ("lembar 'Kertas Kerja' berisi kode indikator SEK (Bidang SEK): 3 kode; lembar 'IKP' berisi kode "
            "indikator IKP (Bidang IKP): 2 kode") in f["pesan"]
    # the same sheet twice: which one counts is unclear
    path = filled(ws, "SEK", {"A1": {"Realisasi": 1800}}, "salinan.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.copy_worksheet(wb["Kertas Kerja"]).title = "Cadangan"
    wb.save(path)
    age(path)
    [f] = run_json(ws)["files"]
    assert (f["hasil"], f["kode"]) == ("ditolak", "LEMBAR_GANDA")
    assert "lembar 'Cadangan' berisi kode indikator SEK (Bidang SEK): 3 kode" in f["pesan"]
    st = json.loads(invoke(ws, "status", "--periode", "2025-TW1", "--json").output)
    assert {b["kode_bidang"]: b["status"] for b in st["bidang"]} == {"SEK": "Ditolak", "IKP": "Belum Mengumpulkan"}


def test_a_file_without_metadata_holding_two_bidang_names_both(ws):
    path = filled(ws, "SEK", {"A1": {"Realisasi": 1800}}, "tanpa_meta.xlsx")
    wb = openpyxl.load_workbook(path)
    del wb["_kinerja_meta"]
    sh = wb["Kertas Kerja"]
    col = headers_at(sh, 8)
    sh.cell(12, col["Kode Indikator"]).value = "B1"
    sh.cell(12, col["Realisasi"]).value = 3
    wb.save(path)
    age(path)
    [f] = json.loads(invoke(ws, "run", "--json", "--periode", "2025-TW1").output)["files"]
    assert (f["hasil"], f["kode"]) == ("ditolak", "BIDANG_TIDAK_COCOK")
    assert "beberapa bidang (IKP (Bidang IKP): 1 kode, SEK (Bidang SEK): 3 kode)" in f["pesan"]


# ------------------------------------------------------------------------------------------------
# §4 small trust breaks


@pytest.mark.slow
def test_counter_counts_what_the_run_accepts(workspace, tmp_path, soffice):
    """'Terisi n dari m' as LibreOffice recalculates it equals what the run then accepts (a word is not filled)."""
    from conftest import templates_for

    w = workspace
    path = templates_for(w, "2025-TW1", ["SEK"])["SEK"]
    wb = openpyxl.load_workbook(path)
    sh = wb["Kertas Kerja"]
    col = headers_at(sh, 8)
    typed = {"T-01": 3.05, "IKU-05": "tercapai", "2.16.01": "75,5", "2.16.01.2.01": "-",
             "2.16.01.2.01.0001-a": -3, "2.16.01.2.01.0006-a": "#DIV/0!", "2.16.01.2.05.0009-a": "1.500",
             "2.16.01.2.07.0005-a": "Rp 2.000.000"}
    for r in range(9, sh.max_row + 1):
        value = typed.get(sh.cell(r, col["Kode Indikator"]).value)
        if value is not None:
            cell = sh.cell(r, col["Realisasi"])
            cell.value = value
            if value == "#DIV/0!":
                cell.data_type = "e"
            elif isinstance(value, str):
                cell.data_type = "s"
    filled_path = tmp_path / "isi" / "kk_SEK.xlsx"
    filled_path.parent.mkdir()
    wb.save(filled_path)
    [recalculated] = soffice([filled_path], "xlsx", tmp_path / "lo")
    counter = openpyxl.load_workbook(recalculated, data_only=True)["Kertas Kerja"].cell(6, 1).value
    assert counter == "Terisi 4 dari 9 indikator"
    (w.ws.inbox / "kk_SEK.xlsx").write_bytes(filled_path.read_bytes())
    age(w.ws.inbox / "kk_SEK.xlsx")
    out = json.loads(CliRunner().invoke(cli, ["-w", str(w.ws.root), "run", "--json"]).output)
    [f] = out["files"]
    assert (f["hasil"], f["terisi"]) == ("diterima", 4)


def test_petunjuk_examples_read_the_same_in_every_locale(workspace):
    from conftest import templates_for

    from kinerja_batch.numbers import parse_number

    path = templates_for(workspace, "2025-TW1", ["SEK"])["SEK"]
    sh = openpyxl.load_workbook(path)["Petunjuk"]
    text = " ".join(str(c.value) for row in sh.iter_rows() for c in row if isinstance(c.value, str))
    assert "misalnya 75,5 atau 1.250)" not in text
    assert "TANPA pemisah ribuan: 1250 atau 2500000, bukan 1.250 atau 2.500.000" in text
    assert "(75,5 atau 75.5), keduanya dibaca 75,5" in text
    # the examples given as right are read as meant, without a warning, whichever separator a locale uses
    for example, meant in (("1250", 1250), ("2500000", 2_500_000), ("75,5", 75.5), ("75.5", 75.5)):
        parsed = parse_number(example)
        assert (parsed.value, parsed.code) == (meant, None), example
    assert parse_number("1.250").code == "ANGKA_AMBIGU"  # the example the Petunjuk warns against


def test_a_correction_without_tanggapan_is_told_in_the_next_workbook(ws):
    filled(ws, "SEK", {"A1": {"Realisasi": "1.500", "Faktor Penghambat": OK}, "A2": {"Realisasi": 100},
                       "A3": {"Realisasi": 90}}, "kk.xlsx")
    run_json(ws)
    a = Answers(ws)
    a.answer("A1", "ANGKA_AMBIGU", None, koreksi=1.5)  # the number meant, but no Perbaiki chosen
    a.drop()
    [f] = run_json(ws)["files"]
    assert f["pesan"].startswith("0 dikonfirmasi, 0 dikoreksi, 1 tanggapan tidak valid")
    assert ("A1", "ANGKA_AMBIGU", "peringatan", "Terbuka") in konfirmasi_rows(ws)
    assert read_sheet(ws.root / REKAP, "Pengukuran Kinerja", key="Kode Indikator")["A1"]["Realisasi"] == 1500
    b = Answers(ws)
    [notice] = [r for r in b.rows() if r["Kode Temuan"] == "TANGGAPAN_TIDAK_VALID"]
    assert "Tanggapan kosong, padahal Nilai Koreksi diisi" in notice["Pesan"]
    assert f"Jawab lagi di Konfirmasi!{b.cell('A1', 'ANGKA_AMBIGU', 'Tanggapan')} lembar ini" in notice["Pesan"]
    # the old workbook's cell stays in the ledger and the rekap, for the audit
    [row] = [r for r in read_sheet(ws.root / REKAP, "Perlu Konfirmasi") if r["Kode Temuan"] == "TANGGAPAN_TIDAK_VALID"]
    assert (row["Berkas"], row["Sel"]) == ("konfirmasi_SEK_2025-TW1.xlsx", f"Konfirmasi!{a.cell('A1', 'ANGKA_AMBIGU', 'Tanggapan')}")


@pytest.mark.slow
def test_several_entry_sheets_in_ods_and_xls(ws, tmp_path, soffice):
    """The same accounting for a file saved by LibreOffice as .ods or .xls (another reader underneath)."""
    path = filled(ws, "SEK", {"A1": {"Realisasi": 1800}}, "dua_lembar.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.copy_worksheet(wb["Kertas Kerja"]).title = "Cadangan"
    src = tmp_path / "src" / "dua_lembar.xlsx"
    src.parent.mkdir()
    wb.save(src)
    path.unlink()
    for fmt in ("ods", "xls"):
        [converted] = soffice([src], fmt, tmp_path / fmt)
        age(Path(shutil.copy(converted, ws.inbox / f"dua_lembar.{fmt}")))
    files = {f["berkas"]: f for f in run_json(ws)["files"]}
    for name in ("dua_lembar.ods", "dua_lembar.xls"):
        assert (files[name]["hasil"], files[name]["kode"]) == ("ditolak", "LEMBAR_GANDA"), files[name]
        assert "lembar 'Cadangan' berisi kode indikator SEK (Bidang SEK): 3 kode" in files[name]["pesan"]
