"""Issue 12: from draft to signed. DRAF marks on an open period, ``tutup`` and ``buka``, the final rekap
written once, PERIODE_DITUTUP, the surat pengantar, the period's state in ``status``, readable pages."""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import age, build_master, drop, fill_kertas_kerja

from kinerja_batch.cli import cli
from kinerja_batch.config import Workspace

DRAF = "DRAF — belum final"


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Office:
    """A workspace with the small test master (SEK: IKU-01; IKP: IKU-02, IKU-03) driven through the CLI."""

    def __init__(self, root: Path, tmp: Path) -> None:
        self.root = root
        self.tmp = tmp
        self.n = 0

    def cli(self, *args: str) -> Any:
        return invoke("-w", str(self.root), *args)

    def kertas_kerja(self, kode: str, periode: str, values: dict[str, Any], anggaran: dict[str, Any] | None = None,
                     name: str | None = None) -> Path:
        src = self.root / "templates_xlsx" / periode / f"kertas_kerja_{kode}_{periode}.xlsx"
        if not src.exists():
            assert self.cli("templates", "--periode", periode).exit_code == 0
        self.n += 1
        filled = fill_kertas_kerja(src, self.tmp / f"{self.n}" / (name or f"isian_{kode}_{periode}.xlsx"), values,
                                   extra={"Realisasi Anggaran (Rp)": anggaran or {}})
        return drop(Workspace(self.root), filled)

    def run(self) -> dict[str, Any]:
        result = self.cli("run", "--json")
        return json.loads(result.output)

    @property
    def final(self) -> Path:
        return self.root / "outbox" / "final"


@pytest.fixture
def office(tmp_path: Path) -> Office:
    from kinerja_batch.config import init_workspace

    ws = init_workspace(tmp_path / "ws")
    build_master(ws.master_path)
    return Office(ws.root, tmp_path)


CLEAN_SEK = {"IKU-01": 60}  # capaian 100, nothing to confirm
CLEAN_IKP = ({"IKU-02": 1, "IKU-03": 5}, {"IKU-02": 30_000_000, "IKU-03": 10_000_000})


def ringkasan_texts(path: Path) -> list[str]:
    ws = openpyxl.load_workbook(path)["Ringkasan"]
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def headers(path: Path) -> dict[str, str]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: ws.oddHeader.left.text or "" for ws in wb.worksheets if ws.sheet_state == "visible"}


def info(path: Path) -> dict[str, str]:
    ws = openpyxl.load_workbook(path)["Info Proses"]
    return {str(r[0].value): str(r[1].value) for r in ws.iter_rows(min_row=5) if r[0].value}


# ---------------------------------------------------------------------------------------------
# draft, refusal, closing, the final written once


def test_draft_marks_then_closing_writes_the_final_once(office: Office) -> None:
    office.kertas_kerja("SEK", "2025-TW1", CLEAN_SEK)
    office.run()
    rekap = office.root / "outbox" / "rekap_2025-TW1.xlsx"
    # an open period: every printed page says DRAF, the Ringkasan says what is still open, no signature date
    marks = headers(rekap)
    assert len(marks) == 7 and all(DRAF in h for h in marks.values()), marks
    texts = ringkasan_texts(rekap)
    assert DRAF in texts
    assert "Belum mengumpulkan: 1 bidang: Bidang IKP (IKP)" in texts
    place = next(t for t in texts if t.startswith("Sukamaju, "))
    assert not re.search(r"\d", place)  # no date under a draft
    assert any(t.startswith("NIP. 19700312 199503 1 002") for t in texts)
    assert "Paraf koordinasi" in texts and any(t.startswith("Kepala Subbagian Perencanaan") for t in texts)

    # closing is refused while a bidang is missing, naming it, and writes nothing
    refused = office.cli("tutup", "--periode", "2025-TW1")
    assert refused.exit_code == 1
    assert "Belum mengumpulkan: 1 bidang: Bidang IKP (IKP)" in refused.output and "--paksa" in refused.output
    assert not office.final.exists()

    office.kertas_kerja("IKP", "2025-TW1", *CLEAN_IKP)
    office.run()
    texts = ringkasan_texts(rekap)
    assert DRAF in texts and not any(t.startswith("Belum mengumpulkan:") for t in texts)
    assert any("siap ditutup" in t for t in texts)

    done = office.cli("tutup", "--periode", "2025-TW1", "--tanggal", "2025-04-20", "--nomor", "050/17/Kominfo/2025")
    assert done.exit_code == 0, done.output
    final = office.final / "rekap_2025-TW1_final.xlsx"
    digest = sha(final)
    assert f"sha256 {digest}" in done.output
    assert all("FINAL · Nomor 050/17/Kominfo/2025 · 20 April 2025" in h for h in headers(final).values())
    texts = ringkasan_texts(final)
    assert DRAF not in texts and "Sukamaju, 20 April 2025" in texts
    facts = info(final)
    from kinerja_batch.ledger import Ledger

    with Ledger.open(office.root / ".kinerja" / "ledger.sqlite") as ledger:
        (closing,) = ledger.closings("2025-TW1")
        files = {r["nama_asli"]: r["sha256"] for r in ledger.all_files()}
    assert closing["sha256"] == digest and closing["berkas"] == "outbox/final/rekap_2025-TW1_final.xlsx"
    assert facts["Sidik buku besar (fingerprint)"] == closing["sidik"] and len(closing["sidik"]) == 64
    assert facts["Nomor surat pengantar"] == "050/17/Kominfo/2025"
    for name, file_sha in files.items():  # the inputs' sha256, each
        assert facts[next(k for k in facts if k.startswith(f"Berkas masuk: {name} "))] == f"sha256 {file_sha}"
    # the working rekap follows: FINAL too, dated; no new confirmation workbooks are issued for the period
    assert all("FINAL" in h for h in headers(rekap).values())

    # the surat pengantar and tanda terima, from the settings
    surat = openpyxl.load_workbook(office.final / "surat_pengantar_2025-TW1_final.xlsx")
    assert surat.sheetnames == ["Surat Pengantar", "Tanda Terima"]
    letter = [str(c.value) for row in surat["Surat Pengantar"].iter_rows() for c in row if c.value]
    for text in ("PEMERINTAH KABUPATEN SUKAMAJU", "050/17/Kominfo/2025", "Sukamaju, 20 April 2025",
                 "Inspektur Kabupaten Sukamaju", "Penyampaian Rekapitulasi Data Kinerja Triwulan I Tahun 2025",
                 "Drs. Bambang Wicaksono, M.Si.", "Pembina Utama Muda (IV/c)", "NIP. 19700312 199503 1 002"):
        assert text in letter, text
    assert any("rekap_2025-TW1_final.xlsx" in t and digest[:16] in t for t in letter)
    receipt = [str(c.value) for row in surat["Tanda Terima"].iter_rows() for c in row if c.value]
    assert "TANDA TERIMA" in receipt and "NIP. 19830615 200901 1 004" in receipt

    # later runs (new data for another period) never touch the final file
    stat = final.stat()
    office.kertas_kerja("SEK", "2025-TW2", {"IKU-01": 70})
    office.run()
    office.run()
    assert sha(final) == digest and final.stat().st_mtime_ns == stat.st_mtime_ns
    # closing twice is refused; the final stays
    again = office.cli("tutup", "--periode", "2025-TW1")
    assert again.exit_code == 1 and "sudah ditutup" in again.output and sha(final) == digest


def test_closed_period_rejects_new_data_until_reopened(office: Office) -> None:
    # SEK reports 150% (confirmation needed), IKP is missing: closing needs --paksa and records what was open
    office.kertas_kerja("SEK", "2025-TW1", {"IKU-01": 150})
    office.run()
    konfirmasi = office.root / "outbox" / "konfirmasi" / "2025-TW1" / "konfirmasi_SEK_2025-TW1.xlsx"
    assert konfirmasi.exists()
    forced = office.cli("tutup", "--periode", "2025-TW1", "--paksa")
    assert forced.exit_code == 0, forced.output
    assert "Ditutup dengan --paksa" in forced.output and "Bidang IKP (IKP)" in forced.output
    first = office.final / "rekap_2025-TW1_final.xlsx"
    first_sha = sha(first)
    assert any(k.startswith("Ditutup dengan --paksa") for k in info(first))

    # a kertas kerja and a confirmation answer for the closed period: rejected, kept with their reason
    late = office.kertas_kerja("IKP", "2025-TW1", *CLEAN_IKP, name="ikp_tw1.xlsx")
    late_bytes = late.read_bytes()
    drop(Workspace(office.root), konfirmasi, "jawaban_SEK.xlsx")
    report = office.run()
    outcomes = {f["berkas"]: (f["hasil"], f["kode"]) for f in report["files"]}
    assert outcomes == {"ikp_tw1.xlsx": ("ditolak", "PERIODE_DITUTUP"), "jawaban_SEK.xlsx": ("ditolak", "PERIODE_DITUTUP")}
    reason = (office.root / "inbox" / "ditolak" / "ikp_tw1.xlsx.alasan.txt").read_text(encoding="utf-8")
    assert "sudah ditutup" in reason and "kinerja-batch buka --periode 2025-TW1" in reason
    assert sha(first) == first_sha
    status = office.cli("status", "--periode", "2025-TW1")
    assert "Keadaan periode: ditutup pada" in status.output
    summary = office.cli("run", "--periode", "2025-TW1").output
    assert "Status pengumpulan 2025-TW1 (periode ditutup pada " in summary

    # reopened: the same bytes dropped again are read (not a duplicate), and a second closing writes _final_2
    reopened = office.cli("buka", "--periode", "2025-TW1", "--alasan", "Data IKP terlambat diterima Inspektorat")
    assert reopened.exit_code == 0, reopened.output
    assert "dibuka kembali pada" in office.cli("status", "--periode", "2025-TW1").output
    age((office.root / "inbox" / "ditolak" / "ikp_tw1.xlsx").rename(office.root / "inbox" / "ikp_tw1.xlsx"))
    assert (office.root / "inbox" / "ikp_tw1.xlsx").read_bytes() == late_bytes
    report = office.run()
    assert [(f["berkas"], f["hasil"]) for f in report["files"]] == [("ikp_tw1.xlsx", "diterima")]
    assert DRAF in ringkasan_texts(office.root / "outbox" / "rekap_2025-TW1.xlsx")
    second = office.cli("tutup", "--periode", "2025-TW1", "--paksa", "--nomor", "050/18/Kominfo/2025")
    assert second.exit_code == 0, second.output
    assert (office.final / "rekap_2025-TW1_final_2.xlsx").exists() and sha(first) == first_sha
    assert (office.final / "surat_pengantar_2025-TW1_final_2.xlsx").exists()
    data = json.loads(office.cli("status", "--periode", "2025-TW1", "--json").output)
    state = data["keadaan_periode"]["2025-TW1"]
    assert (state["keadaan"], state["jumlah_penutupan"]) == ("ditutup", 2)
    assert state["berkas_final"] == "outbox/final/rekap_2025-TW1_final_2.xlsx"
    assert data["keadaan_periode"]["2025-TW2"]["keadaan"] == "terbuka"
    # buka on an open period says so
    assert office.cli("buka", "--periode", "2025-TW3", "--alasan", "x").exit_code == 1


def test_tutup_refused_while_a_run_holds_the_lock(office: Office) -> None:
    from kinerja_batch.batch import run_lock

    office.kertas_kerja("SEK", "2025-TW1", CLEAN_SEK)
    office.run()
    with run_lock(Workspace(office.root)):
        result = office.cli("tutup", "--periode", "2025-TW1", "--paksa")
    assert result.exit_code == 1 and "Pemrosesan lain sedang berjalan" in result.output
    assert not office.final.exists()


# ---------------------------------------------------------------------------------------------
# settings and master: NIP, paper


def test_nip_must_have_18_digits_in_settings_and_master(office: Office) -> None:
    toml = office.root / "kinerja.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('kepala_nip = "197003121995031002"', 'kepala_nip = "19700312 1995"'), "utf-8")
    result = office.cli("status")
    assert result.exit_code == 1 and "kantor.kepala_nip" in result.output and "18 angka" in result.output
    toml.write_text(text.replace('kepala_nip = "197003121995031002"', 'kepala_nip = "19700312 199503 1 002"'),
                    "utf-8")
    assert office.cli("status").exit_code == 0
    build_master(office.root / "master_indikator.xlsx", bidang=({"kode_bidang": "SEK", "nip": "1980010120050110"},
                                                                {"kode_bidang": "IKP"}))
    result = office.cli("templates", "--periode", "2025-TW1")
    assert result.exit_code == 1 and "NIP" in result.output and "18 angka" in result.output


def test_master_jabatan_and_a4_paper(office: Office) -> None:
    toml = office.root / "kinerja.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('kertas = "F4"', 'kertas = "A4"'), "utf-8")
    build_master(office.root / "master_indikator.xlsx", bidang=(
        {"kode_bidang": "SEK", "nama_bidang": "Sekretariat"},
        {"kode_bidang": "IKP", "nama_bidang": "Bidang Informasi Publik", "Jabatan": ""}))
    assert office.cli("templates", "--periode", "2025-TW1", "--eml").exit_code == 0
    folder = office.root / "templates_xlsx" / "2025-TW1"
    sek = openpyxl.load_workbook(folder / "kertas_kerja_SEK_2025-TW1.xlsx")["Kertas Kerja"]
    texts = [str(c.value) for row in sek.iter_rows() for c in row if c.value]
    assert "Sekretaris" in texts and not any(t.startswith("Kepala Bidang Sekretariat") for t in texts)
    assert sek.page_setup.paperSize == 9  # A4
    ikp = openpyxl.load_workbook(folder / "kertas_kerja_IKP_2025-TW1.xlsx")["Kertas Kerja"]
    assert "Kepala Bidang Informasi Publik" in [str(c.value) for row in ikp.iter_rows() for c in row if c.value]
    eml = (office.root / "outbox" / "email" / "2025-TW1").glob("*SEK*.eml")
    body = next(eml).read_text(encoding="utf-8", errors="replace")
    assert "Sekretaris" in body and "Kepala Bidang Sekretariat" not in body


# ---------------------------------------------------------------------------------------------
# pages people can read (LibreOffice prints them)


def _pages(pdf: Path) -> list[tuple[float, float, list[tuple[float, str]]]]:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for w, h, body in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        words = [(float(y2) - float(y1), html.unescape(t)) for y1, y2, t in
                 re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>', body)]
        pages.append((float(w), float(h), words))
    return pages


@pytest.mark.slow
def test_printed_pages_are_readable(office: Office, soffice, tmp_path: Path) -> None:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) tidak terpasang")
    office.kertas_kerja("SEK", "2025-TW1", {"IKU-01": 150})
    office.kertas_kerja("IKP", "2025-TW1", *CLEAN_IKP)
    office.run()
    assert office.cli("tutup", "--periode", "2025-TW1", "--paksa", "--nomor", "050/17/Kominfo/2025").exit_code == 0
    files = [office.final / "rekap_2025-TW1_final.xlsx", office.final / "surat_pengantar_2025-TW1_final.xlsx",
             office.root / "templates_xlsx" / "2025-TW1" / "kertas_kerja_IKP_2025-TW1.xlsx",
             office.root / "outbox" / "konfirmasi" / "2025-TW1" / "konfirmasi_SEK_2025-TW1.xlsx"]
    pdfs = soffice(files, "pdf", tmp_path / "pdf")
    smallest = {}
    for pdf in pdfs:
        pages = _pages(pdf)
        assert pages, pdf.name
        for i, (w, h, words) in enumerate(pages, 1):
            assert sorted((round(w), round(h))) == [612, 936], (pdf.name, i, w, h)  # F4: 215.9 x 330.2 mm
            assert words, (pdf.name, i)
            small = [t for size, t in words if size < 9.0]  # boxes ~1.3x the font: 9 pt boxes = 7 pt text
            assert not small, (pdf.name, i, small[:10])
            assert not any("###" in t for _, t in words), (pdf.name, i)
            smallest[pdf.name] = min(smallest.get(pdf.name, 99.0), min(size for size, _ in words))
    text = subprocess.run(["pdftotext", "-layout", str(pdfs[0]), "-"], capture_output=True, text=True).stdout
    assert "FINAL · Nomor 050/17/Kominfo/2025" in text and "Paraf koordinasi" in text
    assert "NIP. 19700312 199503 1 002" in text
    print({k: round(v, 1) for k, v in smallest.items()})


def test_a_final_file_is_never_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kinerja_batch.errors import KinerjaError
    from kinerja_batch.penutupan import _write_once

    dest = tmp_path / "final" / "rekap_2025-TW1_final.xlsx"
    digest = _write_once(dest, lambda tmp: tmp.write_bytes(b"pertama"))
    assert digest == hashlib.sha256(b"pertama").hexdigest()
    with pytest.raises(KinerjaError, match="tidak akan ditimpa"):
        _write_once(dest, lambda tmp: tmp.write_bytes(b"kedua"))
    assert dest.read_bytes() == b"pertama" and sorted(p.name for p in dest.parent.iterdir()) == [dest.name]

    # a file system without hard links: still written exclusively, still never replaced
    def no_link(src: Any, dst: Any) -> None:
        raise PermissionError(1, "hard links not supported")

    monkeypatch.setattr("os.link", no_link)
    other = dest.with_name("rekap_2025-TW1_final_2.xlsx")
    _write_once(other, lambda tmp: tmp.write_bytes(b"kedua"))
    assert other.read_bytes() == b"kedua"
    with pytest.raises(KinerjaError):
        _write_once(other, lambda tmp: tmp.write_bytes(b"ketiga"))
    assert other.read_bytes() == b"kedua"
    assert sorted(p.name for p in dest.parent.iterdir()) == [dest.name, other.name]
