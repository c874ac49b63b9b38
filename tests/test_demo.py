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


def test_demo_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "x.txt").write_text("isi", encoding="utf-8")
    result = CliRunner().invoke(cli, ["demo", str(tmp_path)])
    assert result.exit_code == 1 and "--paksa" in result.output
