"""``kinerja-batch demo``: the main job on the built-in sample data, in one command."""

from __future__ import annotations

from click.testing import CliRunner
from conftest import read_sheet

from kinerja_batch.cli import cli


def test_demo_produces_rekap_findings_and_confirmation_workbooks(tmp_path):
    root = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", str(root)])
    assert result.exit_code == 0, result.output
    rekap = root / "outbox" / "rekap_2025-TW2.xlsx"
    assert rekap.exists() and str(rekap) in result.output
    rows = read_sheet(rekap, "Pengukuran Kinerja")
    filled = [r for r in rows if r.get("Kode Indikator") and r.get("Realisasi") is not None]
    assert len(filled) >= 35  # every bidang but the one that sent nothing
    assert any(isinstance(r.get("Capaian (%)"), float) for r in filled)
    findings = read_sheet(rekap, "Perlu Konfirmasi")
    statuses = {f["Status"] for f in findings}
    assert {"Dikonfirmasi", "Dikoreksi", "Terbuka"} <= statuses
    status = read_sheet(rekap, "Status Pengumpulan", key="Bidang")
    assert status["EGOV"]["Status"] == "Belum Mengumpulkan"
    assert status["STATSAN"]["Status"] == "Diterima (Terlambat)"
    assert status["SEK"]["Status"] == "Perlu Konfirmasi"
    konfirmasi = list((root / "outbox" / "konfirmasi").rglob("*.xlsx"))
    assert [p.name for p in konfirmasi] == ["konfirmasi_SEK_2025-TW2.xlsx"]
    assert (root / "inbox" / "ditolak" / "rekap_manual_IKP.xlsx.alasan.txt").exists()
    assert list((root / "inbox" / "arsip").rglob("jawaban_konfirmasi_*.xlsx"))
    # every file the demo dropped has left the inbox's top level
    assert [p.name for p in (root / "inbox").iterdir() if p.is_file()] == []

    # each step says its own run's summary, where it happens: the rejected files and their reasons included
    out = result.output
    steps = out.split("\n2. ", 1)[1].split("\n3. ", 1)
    step2, (step3, step4) = steps[0], steps[1].split("\n4. ", 1)
    assert "Proses ke-1 selesai." in step2 and "6 diterima" in step2 and "Status pengumpulan 2025-TW1:" in step2
    assert "Proses ke-2 selesai." in step3 and "1 ditolak" in step3
    assert "[ditolak] rekap_manual_IKP.xlsx" in step3 and "BUKAN_EXCEL: Berkas 'rekap_manual_IKP.xlsx' bukan" in step3
    assert "Tanpa draf e-mail: bidang pengirimnya tidak diketahui" in step3
    assert "[diterima] kertas_kerja_STATSAN_2025-TW2_final.xlsx" in step3 and "terlambat" in step3
    assert "Proses ke-3 selesai." in step4 and "[jawaban konfirmasi]" in step4
    assert "[ditolak] kertas_kerja_IKP_2025-TW2_revisi.xlsx (IKP 2025-TW2)" in step4
    assert "TIDAK_ADA_ISIAN" in step4
    draft = "outbox/email/2025-TW2/ditolak_IKP_2025-TW2_kertas_kerja_IKP_2025-TW2_revisi.eml"
    assert f"Draf e-mail penolakan ke bidang IKP: {draft}" in step4
    assert (root / draft).exists()
    assert "run #" not in out.lower() and "Run #" not in out


def test_demo_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "x.txt").write_text("isi", encoding="utf-8")
    result = CliRunner().invoke(cli, ["demo", str(tmp_path)])
    assert result.exit_code == 1 and "--paksa" in result.output
