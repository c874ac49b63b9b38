"""A form can be told from a forgery (issue 10 §5), through the command line, reading back what people see:
``run --json``, ``status``, the rekap's Status Pengumpulan and Pengukuran Kinerja, the confirmation workbook,
and the reason file beside a rejected or held file."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import age, build_master, read_sheet

from kinerja_batch import layout, tanda_tangan
from kinerja_batch.cli import cli
from kinerja_batch.config import Workspace, init_workspace
from kinerja_batch.periode import Periode

TW1, TW2 = Periode(2025, 1), Periode(2025, 2)
DOC = {"satuan": "Dokumen", "target_tahunan": 100, "target_tw1": 100, "target_tw2": 100, "pagu": None}
INDIKATOR = (
    {**DOC, "kode_indikator": "A1", "kode_bidang": "SEK"},
    {**DOC, "kode_indikator": "A2", "kode_bidang": "SEK"},
    {**DOC, "kode_indikator": "B1", "kode_bidang": "IKP"},
    {**DOC, "kode_indikator": "B2", "kode_bidang": "IKP"},
)
OK = "Kegiatan berjalan"  # a Faktor Penghambat, so that PENJELASAN_KOSONG stays out of the way


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    ws = init_workspace(tmp_path / "ws")
    build_master(ws.master_path, bidang=({"kode_bidang": "SEK"}, {"kode_bidang": "IKP"}), indikator=INDIKATOR)
    return ws


def cli_run(ws: Workspace, *args: str) -> Any:
    return CliRunner().invoke(cli, ["-w", str(ws.root), *args], catch_exceptions=False)


def run_json(ws: Workspace) -> dict[str, Any]:
    result = cli_run(ws, "run", "--json")
    return json.loads(result.output)


def templates(ws: Workspace, periode: Periode = TW1) -> None:
    result = cli_run(ws, "templates", "--periode", str(periode))
    assert result.exit_code == 0, result.output


def template(ws: Workspace, bidang: str, periode: Periode = TW1) -> Path:
    return ws.template_path(bidang, periode)


def filled(ws: Workspace, bidang: str, values: dict[str, Any], *, periode: Periode = TW1, edit: Any = None,
           src: Path | None = None) -> Any:
    """The bidang's kertas kerja (or ``src``) with realisasi by code, opened with openpyxl."""
    wb = openpyxl.load_workbook(src or template(ws, bidang, periode))
    sh = wb["Kertas Kerja"]
    col = {c.value: c.column for c in sh[layout.HEADER_ROW] if c.value}
    for r in range(layout.FIRST_DATA_ROW, sh.max_row + 1):
        kode = sh.cell(r, col["Kode Indikator"]).value
        if kode in values:
            sh.cell(r, col["Realisasi"]).value = values[kode]
            sh.cell(r, col["Faktor Penghambat"]).value = OK
    if edit is not None:
        edit(wb)
    return wb


def drop(ws: Workspace, wb: Any, name: str) -> Path:
    path = ws.inbox / name
    wb.save(path)
    return age(path)


def meta_of(wb: Any) -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in wb[layout.SHEET_META].iter_rows(max_col=2, values_only=True) if r[0]}


def set_meta(wb: Any, **changes: str) -> None:
    for row in wb[layout.SHEET_META].iter_rows(min_col=1, max_col=2):
        if row[0].value in changes:
            row[1].value = changes[row[0].value]


def resign(ws: Workspace, wb: Any, **changes: str) -> None:
    """Change metadata and sign it again with the workspace's own key (someone who holds the key)."""
    key = tanda_tangan.workspace_key(ws.state_dir)
    meta = {**meta_of(wb), **changes}
    set_meta(wb, **changes, tanda_tangan=tanda_tangan.sign(key, meta))


def drop_meta(wb: Any) -> None:
    del wb[layout.SHEET_META]
    wb.custom_doc_props.props.clear()


def rekap_status(ws: Workspace, periode: Periode = TW1) -> dict[str, dict[str, Any]]:
    return read_sheet(ws.rekap_path(periode), "Status Pengumpulan", key="Bidang")


def realisasi(ws: Workspace, periode: Periode = TW1) -> dict[str, Any]:
    rows = read_sheet(ws.rekap_path(periode), "Pengukuran Kinerja", key="Kode Indikator")
    return {k: r["Realisasi"] for k, r in rows.items()}


def status_json(ws: Workspace, periode: Periode = TW1) -> dict[str, dict[str, Any]]:
    result = cli_run(ws, "status", "--periode", str(periode), "--json")
    assert result.exit_code == 0, result.output
    return {b["kode_bidang"]: b for b in json.loads(result.output)["bidang"]}


def reason(ws: Workspace, folder: Path, name: str) -> str:
    return (folder / (name + ".alasan.txt")).read_text(encoding="utf-8")


def ledger(ws: Workspace) -> sqlite3.Connection:
    con = sqlite3.connect(ws.ledger_path)
    con.row_factory = sqlite3.Row
    return con


# ---------------------------------------------------------------------------------------------
# the key and the issued ids


def test_key_is_made_once_private_and_every_issued_id_is_in_the_ledger(ws: Workspace) -> None:
    templates(ws)
    key_file = tanda_tangan.key_path(ws.state_dir)
    first = key_file.read_bytes()
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    templates(ws, TW2)
    drop(ws, filled(ws, "SEK", {"A1": 10}), "sek.xlsx")
    assert run_json(ws)["jumlah"]["diterima"] == 1
    assert key_file.read_bytes() == first  # the same key for every run

    con = ledger(ws)
    issued = {r["id"]: r for r in con.execute("SELECT * FROM formulir")}
    for periode in (TW1, TW2):
        for bidang in ("SEK", "IKP"):
            meta = meta_of(openpyxl.load_workbook(template(ws, bidang, periode)))
            row = issued[meta["template_id"]]
            assert (row["jenis"], row["kode_bidang"], row["periode"], row["hash_terkunci"]) == (
                "kertas_kerja", bidang, str(periode), meta["hash_terkunci"])
            assert meta["sidik_kunci"] == tanda_tangan.fingerprint(bytes.fromhex(first.decode().strip()))
            assert meta["tanda_tangan"] == tanda_tangan.sign(bytes.fromhex(first.decode().strip()), meta)
    # the confirmation workbook SEK got (A1 at 10%: CAPAIAN_RENDAH) is issued too
    meta = meta_of(openpyxl.load_workbook(ws.konfirmasi_path("SEK", TW1)))
    assert (issued[meta["template_id"]]["jenis"], issued[meta["template_id"]]["kode_bidang"]) == ("konfirmasi", "SEK")
    assert con.execute("SELECT id_formulir FROM files").fetchone()[0] in issued
    assert con.execute("SELECT tanda_tangan FROM submissions").fetchone()[0] == "sah"


def _forged_bidang(ws: Workspace) -> Any:
    """SEK's kertas kerja told to be IKP's: metadata rewritten, IKP's codes pasted over SEK's."""
    def edit(wb: Any) -> None:
        set_meta(wb, kode_bidang="IKP")
        sh = wb["Kertas Kerja"]
        for r in range(layout.FIRST_DATA_ROW, sh.max_row + 1):
            cell = sh.cell(r, 2)
            cell.value = {"A1": "B1", "A2": "B2"}.get(cell.value, cell.value)
    return filled(ws, "SEK", {"A1": 7, "A2": 7}, edit=edit)


def _forged_periode(ws: Workspace) -> Any:
    return filled(ws, "SEK", {"A1": 7, "A2": 7}, edit=lambda wb: set_meta(wb, periode="2025-TW2"))


def _tampered(ws: Workspace) -> Any:
    def edit(wb: Any) -> None:
        sig = meta_of(wb)["tanda_tangan"]
        set_meta(wb, tanda_tangan=("0" if sig[0] != "0" else "1") + sig[1:])
    return filled(ws, "SEK", {"A1": 7, "A2": 7}, edit=edit)


def _id_of_other_bidang(ws: Workspace) -> Any:
    ikp_id = meta_of(openpyxl.load_workbook(template(ws, "IKP")))["template_id"]
    return filled(ws, "SEK", {"A1": 7, "A2": 7}, edit=lambda wb: resign(ws, wb, template_id=ikp_id))


FORGERIES = {
    "bidang": (_forged_bidang, "metadata menyebut bidang IKP, padahal formulir {sek} diterbitkan untuk bidang SEK"),
    "periode": (_forged_periode, "metadata menyebut periode 2025-TW2, padahal formulir {sek} diterbitkan untuk "
                                 "periode 2025-TW1"),
    "tanda_tangan": (_tampered, "tanda tangan tidak cocok dengan metadata"),
    "id_bidang_lain": (_id_of_other_bidang, "formulir {ikp} diterbitkan untuk bidang IKP"),
}


@pytest.mark.parametrize("kind", FORGERIES)
def test_forged_kertas_kerja_is_rejected_and_the_real_submission_stays(ws: Workspace, kind: str) -> None:
    templates(ws)
    templates(ws, TW2)
    drop(ws, filled(ws, "SEK", {"A1": 95, "A2": 96}), "sek_asli.xlsx")
    drop(ws, filled(ws, "SEK", {"A1": 97, "A2": 98}, periode=TW2), "sek_tw2.xlsx")
    assert run_json(ws)["jumlah"]["diterima"] == 2
    ids = {b: meta_of(openpyxl.load_workbook(template(ws, b)))["template_id"] for b in ("SEK", "IKP")}

    build, fragment = FORGERIES[kind]
    drop(ws, build(ws), "palsu.xlsx")
    result = cli_run(ws, "run", "--json")
    assert result.exit_code == 1  # something needs attention
    report = json.loads(result.output)
    [f] = report["files"]
    assert (f["hasil"], f["kode"], f["lokasi"]) == ("ditolak", "TANDA_TANGAN_TIDAK_SAH", "inbox/ditolak/palsu.xlsx")
    expected = fragment.format(sek=ids["SEK"], ikp=ids["IKP"])
    assert expected in f["pesan"] and "kirim kembali" in f["pesan"]
    text = reason(ws, ws.ditolak, "palsu.xlsx")
    assert expected in text and "Ditolak oleh kinerja-batch" in text

    # nothing changed: SEK's signed submissions are still what the rekap shows, IKP sent nothing
    for periode, values in ((TW1, {"A1": 95, "A2": 96}), (TW2, {"A1": 97, "A2": 98})):
        cli_run(ws, "run", "--periode", str(periode))
        shown = realisasi(ws, periode)
        assert {k: shown[k] for k in values} == values
        assert shown["B1"] is None and shown["B2"] is None
        st = rekap_status(ws, periode)
        assert st["SEK"]["Berkas"] == ("sek_asli.xlsx" if periode == TW1 else "sek_tw2.xlsx")
        assert st["SEK"]["Tanda Tangan"] == "Sah"
        assert st["IKP"]["Status"] == "Belum Mengumpulkan"
        assert status_json(ws, periode)["IKP"]["status"] == "Belum Mengumpulkan"


# ---------------------------------------------------------------------------------------------
# confirmation workbooks


def _konfirmasi(ws: Workspace) -> tuple[Any, Any, dict[str, int]]:
    """SEK's confirmation workbook answered 'Perbaiki 88' on every row; its header columns."""
    wb = openpyxl.load_workbook(ws.konfirmasi_path("SEK", TW1))
    sh = wb["Konfirmasi"]
    header = next(r for r in range(1, 40) if sh.cell(r, 1).value == "ID Temuan")
    col = {c.value: c.column for c in sh[header] if c.value}
    for r in range(header + 1, sh.max_row + 1):
        if sh.cell(r, col["ID Temuan"]).value is not None:
            sh.cell(r, col["Tanggapan"]).value = "Perbaiki"
            sh.cell(r, col["Nilai Koreksi"]).value = 88
    return wb, sh, col


def _with_open_findings(ws: Workspace) -> None:
    templates(ws)
    templates(ws, TW2)
    # capaian 10% and 20%: CAPAIAN_RENDAH on SEK's two rows; IKP and the other period fine
    drop(ws, filled(ws, "SEK", {"A1": 10, "A2": 20}), "sek.xlsx")
    drop(ws, filled(ws, "IKP", {"B1": 95, "B2": 96}), "ikp.xlsx")
    drop(ws, filled(ws, "SEK", {"A1": 97, "A2": 98}, periode=TW2), "sek_tw2.xlsx")
    drop(ws, filled(ws, "IKP", {"B1": 99, "B2": 100}, periode=TW2), "ikp_tw2.xlsx")
    run_json(ws)
    cli_run(ws, "run", "--periode", "2025-TW2")
    assert ws.konfirmasi_path("SEK", TW1).exists()


@pytest.mark.parametrize(("field", "value", "periode", "untouched"), [
    ("kode_bidang", "IKP", TW1, {"B1": 95, "B2": 96}),
    ("periode", "2025-TW2", TW2, {"A1": 97, "A2": 98}),
])
def test_relabelled_confirmation_workbook_is_rejected_and_changes_nothing(
        ws: Workspace, field: str, value: str, periode: Periode, untouched: dict[str, float]) -> None:
    _with_open_findings(ws)
    wb, _, _ = _konfirmasi(ws)
    form_id = meta_of(wb)["template_id"]
    set_meta(wb, **{field: value})
    drop(ws, wb, "konfirmasi_palsu.xlsx")
    report = run_json(ws)
    [f] = report["files"]
    assert (f["hasil"], f["kode"]) == ("ditolak", "TANDA_TANGAN_TIDAK_SAH")
    named = "bidang IKP" if field == "kode_bidang" else "periode 2025-TW2"
    assert f"metadata menyebut {named}, padahal formulir {form_id}" in f["pesan"]
    assert "lembar konfirmasi" in f["pesan"]
    assert f"metadata menyebut {named}" in reason(ws, ws.ditolak, "konfirmasi_palsu.xlsx")
    # the rejection is SEK's own (the workbook was issued to SEK for TW1), not the bidang or period it claims
    assert (f["kode_bidang"], f["periode"]) == ("SEK", "2025-TW1")

    cli_run(ws, "run", "--periode", str(periode))
    shown = realisasi(ws, periode)
    assert {k: shown[k] for k in untouched} == untouched
    shown_tw1 = realisasi(ws, TW1)
    assert (shown_tw1["A1"], shown_tw1["A2"]) == (10, 20)
    assert ledger(ws).execute("SELECT COUNT(*) FROM audit").fetchone()[0] == 0
    # SEK's confirmation workbook still asks the same questions
    again = openpyxl.load_workbook(ws.konfirmasi_path("SEK", TW1))["Konfirmasi"]
    assert sum(1 for row in again.iter_rows(values_only=True) if row[5] == "CAPAIAN_RENDAH") == 2


def test_genuine_confirmation_answers_apply_and_the_audit_names_the_workbook_id(ws: Workspace) -> None:
    _with_open_findings(ws)
    wb, _, _ = _konfirmasi(ws)
    form_id = meta_of(wb)["template_id"]
    drop(ws, wb, "konfirmasi_sek.xlsx")
    [f] = run_json(ws)["files"]
    assert (f["hasil"], f["kode_bidang"], f["periode"]) == ("konfirmasi", "SEK", "2025-TW1")
    assert f["pesan"].startswith("0 dikonfirmasi, 2 dikoreksi")
    shown = realisasi(ws)
    assert (shown["A1"], shown["A2"], shown["B1"]) == (88, 88, 95)
    con = ledger(ws)
    audit = [(r["kode_indikator"], r["sumber_berkas"], r["id_formulir"]) for r in con.execute("SELECT * FROM audit")]
    assert audit == [("A1", "konfirmasi_sek.xlsx", form_id), ("A2", "konfirmasi_sek.xlsx", form_id)]
    issued = con.execute("SELECT * FROM formulir WHERE id=?", (form_id,)).fetchone()
    assert (issued["jenis"], issued["kode_bidang"], issued["periode"]) == ("konfirmasi", "SEK", "2025-TW1")


def test_confirmation_workbook_without_metadata_is_held(ws: Workspace) -> None:
    _with_open_findings(ws)
    wb, _, _ = _konfirmasi(ws)
    drop_meta(wb)
    drop(ws, wb, "jawaban_salinan.xlsx")
    [f] = run_json(ws)["files"]
    assert (f["hasil"], f["kode"], f["lokasi"]) == ("ditahan", "TANPA_TANDA_TANGAN", "inbox/ditahan/jawaban_salinan.xlsx")
    assert "tidak diterapkan" in f["pesan"]
    shown = realisasi(ws)
    assert (shown["A1"], shown["A2"]) == (10, 20)
    assert rekap_status(ws)["SEK"]["Status"] == "Ditahan"
    result = cli_run(ws, "terima", "jawaban_salinan.xlsx")
    assert result.exit_code == 0, result.output
    shown = realisasi(ws)
    assert (shown["A1"], shown["A2"]) == (88, 88)


# ---------------------------------------------------------------------------------------------
# a file without a signature


def test_unsigned_file_is_held_until_the_officer_accepts_it(ws: Workspace) -> None:
    templates(ws)
    drop(ws, filled(ws, "SEK", {"A1": 95, "A2": 96}), "sek_asli.xlsx")
    run_json(ws)

    drop(ws, filled(ws, "SEK", {"A1": 50, "A2": 60}, edit=drop_meta), "salinan sek.xlsx")
    result = cli_run(ws, "run", "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    [f] = report["files"]
    assert (f["hasil"], f["kode"], f["lokasi"]) == ("ditahan", "TANPA_TANDA_TANGAN", "inbox/ditahan/salinan sek.xlsx")
    assert report["jumlah"]["ditahan"] == 1 and report["perlu_tindak_lanjut"] is True
    assert "tanpa metadata kertas kerja" in f["pesan"] and "'sek_asli.xlsx'" in f["pesan"]
    assert 'kinerja-batch terima "salinan sek.xlsx"' in f["pesan"]
    assert [r["status"] for r in report["status"]["2025-TW1"] if r["kode_bidang"] == "SEK"] == ["Ditahan"]
    text = reason(ws, ws.ditahan, "salinan sek.xlsx")
    assert "Ditahan oleh kinerja-batch" in text and "kinerja-batch terima" in text
    # the run summary says so too
    drop(ws, filled(ws, "SEK", {"A1": 51, "A2": 61}, edit=drop_meta), "salinan kedua.xlsx")
    summary = cli_run(ws, "run").output
    assert "[ditahan (menunggu persetujuan)] salinan kedua.xlsx" in summary
    assert "kinerja-batch terima NAMA_BERKAS" in summary

    # what people see: the accepted values unchanged, the bidang 'Ditahan' with the files named
    assert (realisasi(ws)["A1"], realisasi(ws)["A2"]) == (95, 96)
    st = rekap_status(ws)["SEK"]
    assert (st["Status"], st["Berkas"], st["Tanda Tangan"]) == ("Ditahan", "sek_asli.xlsx", "Sah")
    assert "'salinan sek.xlsx'" in st["Keterangan"] and "'salinan kedua.xlsx'" in st["Keterangan"]
    sj = status_json(ws)["SEK"]
    assert sj["status"] == "Ditahan" and sj["ditahan"] == ["salinan sek.xlsx", "salinan kedua.xlsx"]
    text_status = cli_run(ws, "status", "--periode", "2025-TW1").output
    assert "Ditahan" in text_status and "ditahan: 1" in text_status and "'salinan sek.xlsx'" in text_status

    # a name that is not held: nothing happens, the held files are listed
    wrong = CliRunner().invoke(cli, ["-w", str(ws.root), "terima", "tidak_ada.xlsx"])
    assert wrong.exit_code == 1 and "'salinan sek.xlsx'" in wrong.output and "Tidak ada yang diubah" in wrong.output

    # the officer accepts the first one
    accepted = cli_run(ws, "terima", "salinan sek.xlsx", "--json")
    assert accepted.exit_code == 0, accepted.output
    [g] = json.loads(accepted.output)["files"]
    assert (g["hasil"], g["lokasi"]) == ("diterima", "inbox/arsip/2025-TW1/salinan sek.xlsx")
    assert "atas persetujuan Subbag Perencanaan" in g["pesan"]
    assert not (ws.ditahan / "salinan sek.xlsx").exists()
    assert not (ws.ditahan / "salinan sek.xlsx.alasan.txt").exists()
    assert (realisasi(ws)["A1"], realisasi(ws)["A2"]) == (50, 60)
    st = rekap_status(ws)["SEK"]
    assert (st["Berkas"], st["Tanda Tangan"]) == ("salinan sek.xlsx", "Tanpa tanda tangan")
    assert st["Status"] == "Ditahan" and "'salinan kedua.xlsx'" in st["Keterangan"]  # the second still waits
    con = ledger(ws)
    rows = con.execute("SELECT hasil FROM files WHERE nama_asli='salinan sek.xlsx'").fetchall()
    assert [r[0] for r in rows] == ["diterima"]  # one row per file: its fate changed, not a second arrival

    assert cli_run(ws, "terima", "salinan kedua.xlsx").exit_code == 0
    assert (realisasi(ws)["A1"], realisasi(ws)["A2"]) == (51, 61)
    assert status_json(ws)["SEK"]["status"].startswith("Diterima")  # the sample deadlines are past
    assert list(ws.ditahan.iterdir()) == []


def test_unsigned_first_submission_is_accepted_and_shown_as_unsigned(ws: Workspace) -> None:
    templates(ws)
    drop(ws, filled(ws, "IKP", {"B1": 70, "B2": 80}, edit=drop_meta), "ikp_ekspor.xlsx")
    [f] = run_json(ws)["files"]
    assert (f["hasil"], f["kode_bidang"]) == ("diterima", "IKP")
    assert "kiriman pertama" in f["pesan"]
    assert (realisasi(ws)["B1"], realisasi(ws)["B2"]) == (70, 80)
    assert rekap_status(ws)["IKP"]["Tanda Tangan"] == "Tanpa tanda tangan"
    assert "tidak bertanda tangan" in rekap_status(ws)["IKP"]["Keterangan"]
    assert status_json(ws)["IKP"]["tanda_tangan"] == "Tanpa tanda tangan"
    # the signed form replaces it on its own
    drop(ws, filled(ws, "IKP", {"B1": 71, "B2": 81}), "ikp_asli.xlsx")
    [g] = run_json(ws)["files"]
    assert g["hasil"] == "diterima"
    assert rekap_status(ws)["IKP"]["Tanda Tangan"] == "Sah" and realisasi(ws)["B1"] == 71


# ---------------------------------------------------------------------------------------------
# losing the key, an old ledger


def test_lost_key_new_key_and_old_forms_rejected_with_what_to_do(ws: Workspace) -> None:
    templates(ws)
    old = filled(ws, "SEK", {"A1": 95, "A2": 96})
    tanda_tangan.key_path(ws.state_dir).unlink()
    drop(ws, old, "sek_lama.xlsx")
    [f] = run_json(ws)["files"]
    assert (f["hasil"], f["kode"]) == ("ditolak", "TANDA_TANGAN_TIDAK_SAH")
    assert "ditandatangani dengan kunci lain" in f["pesan"] and "minta diterbitkan ulang" in f["pesan"]
    # 'templates' keeps forms already written, but says these ones no longer verify; --timpa re-issues them
    kept = cli_run(ws, "templates", "--periode", "2025-TW1")
    assert "2 kertas kerja yang dibiarkan tidak bertanda tangan dengan kunci ruang kerja ini" in kept.output
    assert cli_run(ws, "templates", "--periode", "2025-TW1", "--timpa").exit_code == 0
    drop(ws, filled(ws, "SEK", {"A1": 95, "A2": 96}), "sek_baru.xlsx")
    assert run_json(ws)["files"][0]["hasil"] == "diterima"


def test_a_damaged_key_stops_with_what_to_do(ws: Workspace) -> None:
    ws.state_dir.mkdir(parents=True, exist_ok=True)
    tanda_tangan.key_path(ws.state_dir).write_text("bukan kunci", encoding="ascii")
    result = CliRunner().invoke(cli, ["-w", str(ws.root), "templates"])
    assert result.exit_code == 1 and "Kunci tanda tangan ruang kerja" in result.output
    assert "Pulihkan berkas itu dari cadangan" in result.output


def test_ledger_of_version_1_is_migrated(ws: Workspace) -> None:
    from kinerja_batch.ledger import MIGRATIONS, SCHEMA_VERSION, Ledger

    ws.state_dir.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(ws.ledger_path)
    con.executescript(MIGRATIONS[0])
    con.execute("INSERT INTO meta(key, value) VALUES ('schema_version', '1')")
    con.commit()
    con.close()
    with Ledger.open(ws.ledger_path) as led:
        assert led.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
        assert led.conn.execute("SELECT COUNT(*) FROM formulir").fetchone()[0] == 0
    templates(ws)
    drop(ws, filled(ws, "SEK", {"A1": 95, "A2": 96}), "sek.xlsx")
    assert run_json(ws)["files"][0]["hasil"] == "diterima"


def test_canonical_serialisation_covers_every_signed_field() -> None:
    key = b"k" * 32
    meta = {"jenis": "kertas_kerja", "template_id": "ab" * 16, "kode_bidang": "SEK", "periode": "2025-TW1",
            "hash_terkunci": "0" * 64, "sidik_kunci": tanda_tangan.fingerprint(key), "dibuat": "x"}
    sig = tanda_tangan.sign(key, meta)
    assert tanda_tangan.sign(key, {**meta, "dibuat": "y"}) == sig  # not signed: when it was written
    for field in tanda_tangan.SIGNED_KEYS:
        assert tanda_tangan.sign(key, {**meta, field: meta[field] + "1"}) != sig, field
    assert tanda_tangan.sign(b"l" * 32, meta) != sig
    assert json.loads(tanda_tangan.canonical(meta))["versi_tanda_tangan"] == tanda_tangan.SIGNATURE_VERSION
