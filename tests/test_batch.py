"""The nightly run end to end, through the command line: templates -> filled -> inbox -> run -> rekap."""

from __future__ import annotations

import os
import sqlite3

import pytest
from click.testing import CliRunner
from conftest import age, build_master, drop, fill_kertas_kerja, read_sheet, templates_for, where_is

from kinerja_batch.cli import cli
from kinerja_batch.periode import parse_periode

# (kode, polaritas, agregasi, target TW2 or None -> annual target, r TW1, r TW2)
# Target Tahunan is 100 everywhere (0 for ZERO); Target TW2 is 50 where given.
CASES = [
    ("P-KUM-TW", "Positif", "Kumulatif", 50, 20, 25),
    ("P-KUM-TH", "Positif", "Kumulatif", None, 20, 25),
    ("P-PA-TW", "Positif", "Posisi Akhir", 50, 30, 40),
    ("P-PA-TH", "Positif", "Posisi Akhir", None, 30, 40),
    ("P-RR-TW", "Positif", "Rata-rata", 50, 30, 40),
    ("P-RR-TH", "Positif", "Rata-rata", None, 30, 40),
    ("N-KUM-TW", "Negatif", "Kumulatif", 50, 20, 25),
    ("N-KUM-TH", "Negatif", "Kumulatif", None, 20, 25),
    ("N-PA-TW", "Negatif", "Posisi Akhir", 50, 30, 40),
    ("N-PA-TH", "Negatif", "Posisi Akhir", None, 30, 40),
    ("N-RR-TW", "Negatif", "Rata-rata", 50, 30, 40),
    ("N-RR-TH", "Negatif", "Rata-rata", None, 30, 40),
    ("ZERO", "Positif", "Kumulatif", None, 1, 2),
]
# Worked by hand (2T-R for Negatif): Realisasi s.d. TW2, Target s.d. TW, Capaian, Capaian thd tahunan, Predikat
EXPECTED = {
    "P-KUM-TW": (45, 50, 90.0, 45.0, "Tinggi"),          # 20+25=45; 45/50
    "P-KUM-TH": (45, 100, 45.0, 45.0, "Sangat Rendah"),  # 45/100
    "P-PA-TW": (40, 50, 80.0, 40.0, "Tinggi"),           # TW2 value 40; 40/50
    "P-PA-TH": (40, 100, 40.0, 40.0, "Sangat Rendah"),
    "P-RR-TW": (35, 50, 70.0, 35.0, "Sedang"),           # (30+40)/2=35; 35/50
    "P-RR-TH": (35, 100, 35.0, 35.0, "Sangat Rendah"),
    "N-KUM-TW": (45, 50, 110.0, 155.0, "Sangat Tinggi"),  # (100-45)/50; (200-45)/100
    "N-KUM-TH": (45, 100, 155.0, 155.0, "Sangat Tinggi"),
    "N-PA-TW": (40, 50, 120.0, 160.0, "Sangat Tinggi"),   # (100-40)/50
    "N-PA-TH": (40, 100, 160.0, 160.0, "Sangat Tinggi"),
    "N-RR-TW": (35, 50, 130.0, 165.0, "Sangat Tinggi"),   # (100-35)/50
    "N-RR-TH": (35, 100, 165.0, 165.0, "Sangat Tinggi"),
    "ZERO": (3, 0, None, None, "-"),                      # target 0: no capaian, never 0 or infinity
}


def invoke(*args: str):
    result = CliRunner().invoke(cli, list(args))
    return result


@pytest.fixture
def ws_cases(workspace):
    rows = [
        {"kode_indikator": k, "kode_bidang": "SEK", "polaritas": pol, "agregasi": agr, "satuan": "Dokumen",
         "target_tahunan": 0 if k == "ZERO" else 100, "target_tw1": 25 if tw2 else None,
         "target_tw2": tw2, "target_tw3": 75 if tw2 else None, "target_tw4": 100 if tw2 else None,
         "pagu": 1_000_000 if k.startswith("P-KUM") else None}
        for k, pol, agr, tw2, _, _ in CASES
    ]
    rows.append({"kode_indikator": "IKP-01", "kode_bidang": "IKP"})
    build_master(workspace.ws.master_path, indikator=rows)
    return workspace


def _quarter(w, periode: str, column_values: dict[str, float], tmp_path, anggaran=None):
    root = str(w.ws.root)
    result = invoke("-w", root, "templates", "--periode", periode, "--bidang", "SEK")
    assert result.exit_code == 0, result.output
    src = w.ws.template_path("SEK", parse_periode(periode))
    extra = {"Realisasi Anggaran (Rp)": anggaran} if anggaran else None
    filled = fill_kertas_kerja(src, tmp_path / f"sek_{periode}.xlsx", column_values, extra=extra)
    drop(w.ws, filled)
    result = invoke("-w", root, "run")
    assert result.exit_code == 0, result.output
    return result


def test_two_quarters_every_polarity_and_agregasi(ws_cases, tmp_path):
    w = ws_cases
    _quarter(w, "2025-TW1", {k: r1 for k, *_, r1, _ in CASES}, tmp_path, anggaran={"P-KUM-TW": 100_000})
    _quarter(w, "2025-TW2", {k: r2 for k, *_, r2 in CASES}, tmp_path, anggaran={"P-KUM-TW": 150_000})

    rekap = w.ws.outbox / "rekap_2025-TW2.xlsx"
    rows = read_sheet(rekap, "Pengukuran Kinerja", key="Kode Indikator")
    got = {
        k: (rows[k]["Realisasi s.d. TW"], rows[k]["Target s.d. TW"], rows[k]["Capaian (%)"],
            rows[k]["Capaian thd Target Tahunan (%)"], rows[k]["Predikat"])
        for k in EXPECTED
    }
    for kode, (sd, target, cap, cap_year, predikat) in EXPECTED.items():
        g = got[kode]
        assert g[0] == pytest.approx(sd), kode
        assert g[1] == pytest.approx(target), kode
        assert (g[2] is None) if cap is None else g[2] == pytest.approx(cap), (kode, g)
        assert (g[3] is None) if cap_year is None else g[3] == pytest.approx(cap_year), (kode, g)
        assert g[4] == predikat, kode
    # serapan: (100.000 + 150.000) / 1.000.000 x 100 = 25 %; no pagu -> empty
    assert rows["P-KUM-TW"]["Realisasi Anggaran s.d. TW (Rp)"] == pytest.approx(250_000)
    assert rows["P-KUM-TW"]["Serapan (%)"] == pytest.approx(25.0)
    assert rows["P-PA-TW"]["Serapan (%)"] is None
    # the realisasi of this quarter, and the other bidang shown as not filled
    assert rows["P-PA-TW"]["Realisasi"] == 40
    assert rows["IKP-01"]["Realisasi"] is None and rows["IKP-01"]["Capaian (%)"] is None


def test_later_template_shows_accepted_earlier_quarters(ws_cases, tmp_path):
    import openpyxl
    from conftest import header_columns

    w = ws_cases
    _quarter(w, "2025-TW1", {"P-KUM-TW": 20, "N-PA-TH": 30}, tmp_path)
    result = invoke("-w", str(w.ws.root), "templates", "--periode", "2025-TW2", "--bidang", "SEK")
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(w.ws.template_path("SEK", parse_periode("2025-TW2")), data_only=True)["Kertas Kerja"]
    hr, cols = header_columns(ws)
    by_code = {ws.cell(r, cols["Kode Indikator"]).value: r for r in range(hr + 1, ws.max_row + 1)}
    assert ws.cell(by_code["P-KUM-TW"], cols["Realisasi TW I"]).value == 20
    assert ws.cell(by_code["N-PA-TH"], cols["Realisasi TW I"]).value == 30
    assert ws.cell(by_code["P-KUM-TW"], cols["Realisasi s.d. TW"]).value == 20  # cached: TW1 only so far


@pytest.fixture
def sek_tw1(workspace):
    paths = templates_for(workspace, "2025-TW1", ["SEK", "IKP"])
    codes = list(workspace.master.indikator_of("SEK")["kode_indikator"])
    return workspace, paths, codes


def _snapshot(ws):
    files = sorted(
        (str(p.relative_to(ws.root)), p.stat().st_size, p.stat().st_mtime_ns)
        for p in ws.root.rglob("*") if p.is_file() and ".kinerja" not in p.parts
    )
    ledger = None
    if ws.ledger_path.exists():
        con = sqlite3.connect(ws.ledger_path)
        ledger = [con.execute(f"SELECT * FROM {t}").fetchall() for t in ("files", "submissions", "nilai")]
        con.close()
    return files, ledger


def test_inbox_lifecycle_every_file_in_exactly_one_place(sek_tw1, tmp_path):
    w, paths, codes = sek_tw1
    v1 = fill_kertas_kerja(paths["SEK"], tmp_path / "sek.xlsx", {codes[0]: 10, codes[1]: 20})
    v2 = fill_kertas_kerja(paths["SEK"], tmp_path / "sek_revisi.xlsx", {codes[0]: 11, codes[1]: 21})
    drop(w.ws, v1, "sek.xlsx")
    drop(w.ws, v1, "sek_lagi.xlsx")  # identical bytes under another name
    (w.ws.inbox / "catatan.xlsx").write_text("ini bukan excel", encoding="utf-8")
    age(w.ws.inbox / "catatan.xlsx")
    (w.ws.inbox / "kosong.xlsx").write_bytes(b"")
    age(w.ws.inbox / "kosong.xlsx")
    # lock files and system files: ignored, never moved
    for junk in ("~$dokumen.xlsx", ".~lock.ikp.xlsx#", "Thumbs.db", "desktop.ini", "._sek.xlsx", ".hidden.xlsx"):
        (w.ws.inbox / junk).write_bytes(b"x")
        age(w.ws.inbox / junk)
    # open in LibreOffice (its lock file is present) and one still being copied: left for the next run
    first_ikp = w.master.indikator_of("IKP")["kode_indikator"].iloc[0]
    ikp = fill_kertas_kerja(paths["IKP"], tmp_path / "ikp.xlsx", {first_ikp: 5})
    drop(w.ws, ikp, "ikp.xlsx")
    drop(w.ws, v2, "sek_revisi.xlsx", seconds=5)

    result = invoke("-w", str(w.ws.root), "run", "--json")
    assert result.exit_code == 1, result.output  # rejected files need attention
    import json

    report = json.loads(result.output)
    fates = {f["berkas"]: (f["hasil"], f["kode"]) for f in report["files"]}
    assert fates == {
        "sek.xlsx": ("diterima", ""),
        "sek_lagi.xlsx": ("duplikat", "DUPLIKAT"),
        "catatan.xlsx": ("ditolak", "BUKAN_EXCEL"),
        "kosong.xlsx": ("ditolak", "BUKAN_EXCEL"),
        "ikp.xlsx": ("ditinggal", ""),
        "sek_revisi.xlsx": ("ditinggal", ""),
    }
    assert sorted(report["ignored"]) == sorted(
        ["~$dokumen.xlsx", ".~lock.ikp.xlsx#", "Thumbs.db", "desktop.ini", "._sek.xlsx", ".hidden.xlsx"])
    assert where_is(w.ws, "sek.xlsx") == ["inbox/arsip/2025-TW1/sek.xlsx"]
    assert where_is(w.ws, "sek_lagi.xlsx") == ["inbox/arsip/duplikat/sek_lagi.xlsx"]
    assert where_is(w.ws, "catatan.xlsx") == ["inbox/ditolak/catatan.xlsx"]
    reason = (w.ws.ditolak / "catatan.xlsx.alasan.txt").read_text(encoding="utf-8")
    assert "catatan.xlsx" in reason and "bukan buku kerja" in reason and ".xlsx" in reason
    for junk in ("~$dokumen.xlsx", ".~lock.ikp.xlsx#", "Thumbs.db", "desktop.ini", "._sek.xlsx"):
        assert where_is(w.ws, junk) == [f"inbox/{junk}"]
    assert where_is(w.ws, "ikp.xlsx") == ["inbox/ikp.xlsx"]

    # the lock goes away, the copy finishes: the next run takes both; the revision supersedes
    os.unlink(w.ws.inbox / ".~lock.ikp.xlsx#")
    age(w.ws.inbox / "sek_revisi.xlsx")
    result = invoke("-w", str(w.ws.root), "run")
    assert result.exit_code == 0, result.output
    assert where_is(w.ws, "sek_revisi.xlsx") == ["inbox/arsip/2025-TW1/sek_revisi.xlsx"]
    assert where_is(w.ws, "ikp.xlsx") == ["inbox/arsip/2025-TW1/ikp.xlsx"]
    con = sqlite3.connect(w.ws.ledger_path)
    subs = con.execute("SELECT versi, superseded_by IS NOT NULL FROM submissions WHERE kode_bidang='SEK'"
                       " ORDER BY versi").fetchall()
    assert subs == [(1, 1), (2, 0)]  # history kept, the newer one current
    rows = read_sheet(w.ws.outbox / "rekap_2025-TW1.xlsx", "Pengukuran Kinerja", key="Kode Indikator")
    assert (rows[codes[0]]["Realisasi"], rows[codes[1]]["Realisasi"]) == (11, 21)
    # every value keeps its source file and cell
    src = con.execute("SELECT n.realisasi, f.nama_asli, n.lembar, n.sel_realisasi FROM nilai n JOIN submissions s"
                      " ON s.id=n.submission_id JOIN files f ON f.id=s.file_id WHERE n.aktif=1 AND"
                      " n.kode_indikator=?", (codes[0],)).fetchone()
    assert src[:3] == (11.0, "sek_revisi.xlsx", "Kertas Kerja") and src[3].startswith(("L", "K", "M"))
    # ledger and folders agree: every recorded location exists
    for (lokasi,) in con.execute("SELECT lokasi FROM files"):
        assert (w.ws.root / lokasi).exists(), lokasi


def test_dry_run_changes_nothing(sek_tw1, tmp_path):
    w, paths, codes = sek_tw1
    drop(w.ws, fill_kertas_kerja(paths["SEK"], tmp_path / "sek.xlsx", {codes[0]: 10}))
    (w.ws.inbox / "x.xlsx").write_text("teks", encoding="utf-8")
    age(w.ws.inbox / "x.xlsx")
    before = _snapshot(w.ws)
    result = invoke("-w", str(w.ws.root), "run", "--dry-run")
    assert result.exit_code == 1, result.output
    assert "Simulasi" in result.output and "sek.xlsx" in result.output and "x.xlsx" in result.output
    assert _snapshot(w.ws) == before


def test_second_run_with_nothing_new_changes_no_value(sek_tw1, tmp_path):
    w, paths, codes = sek_tw1
    drop(w.ws, fill_kertas_kerja(paths["SEK"], tmp_path / "sek.xlsx", {codes[0]: 10, codes[1]: "12,5"}))
    assert invoke("-w", str(w.ws.root), "run").exit_code == 0
    _, ledger_before = _snapshot(w.ws)
    rekap_before = read_sheet(w.ws.outbox / "rekap_2025-TW1.xlsx", "Pengukuran Kinerja")
    result = invoke("-w", str(w.ws.root), "run")
    assert result.exit_code == 0, result.output
    _, ledger_after = _snapshot(w.ws)
    assert ledger_after == ledger_before
    assert read_sheet(w.ws.outbox / "rekap_2025-TW1.xlsx", "Pengukuran Kinerja") == rekap_before


def test_one_run_at_a_time(sek_tw1, tmp_path):
    from kinerja_batch.batch import run_lock

    w, paths, codes = sek_tw1
    drop(w.ws, fill_kertas_kerja(paths["SEK"], tmp_path / "sek.xlsx", {codes[0]: 10}))
    before = _snapshot(w.ws)
    with run_lock(w.ws):
        result = invoke("-w", str(w.ws.root), "run")
    assert result.exit_code == 1
    assert "Run lain sedang berjalan" in result.output and "--tunggu" in result.output
    assert _snapshot(w.ws) == before


def test_late_submission_and_status(workspace, tmp_path):
    import datetime as dt

    w = workspace
    # one plain indicator per bidang, realisasi a little above target: no temuan, so lateness shows
    build_master(w.ws.master_path)
    from kinerja_batch.master import load_master

    w = w._replace(master=load_master(w.ws.master_path))
    paths = templates_for(w, "2025-TW1")
    codes = list(w.master.indikator_of("SEK")["kode_indikator"])  # IKU-01: Posisi Akhir, % , target TW1 60
    filled = fill_kertas_kerja(paths["SEK"], tmp_path / "sek.xlsx", {codes[0]: 63},
                               extra={"Faktor Pendorong": {codes[0]: "Koordinasi baik"}})
    dest = drop(w.ws, filled)
    deadline = w.settings.deadline(parse_periode("2025-TW1"))
    late = dt.datetime.combine(deadline + dt.timedelta(days=2), dt.time(9)).timestamp()
    os.utime(dest, (late, late))
    result = invoke("-w", str(w.ws.root), "run")
    assert result.exit_code == 0, result.output
    status = read_sheet(w.ws.outbox / "rekap_2025-TW1.xlsx", "Status Pengumpulan", key="Bidang")
    assert status["SEK"]["Status"] == "Diterima (Terlambat)"
    assert status["IKP"]["Status"] == "Belum Mengumpulkan"
    assert status["SEK"]["Terisi / Diharapkan"] == "1/1"


def test_run_with_nothing_new_rewrites_nothing_and_skips_the_master(sek_tw1, tmp_path, monkeypatch):
    import kinerja_batch.master as master_module

    w, paths, codes = sek_tw1
    drop(w.ws, fill_kertas_kerja(paths["SEK"], tmp_path / "sek.xlsx", {codes[0]: 10}))
    assert invoke("-w", str(w.ws.root), "run").exit_code == 0
    active = w.ws.outbox / "rekap_2025-TW2.xlsx"  # the active period: rebuilt by every run unless unchanged
    rekap = w.ws.outbox / "rekap_2025-TW1.xlsx"
    before = (rekap.stat().st_mtime_ns, rekap.read_bytes())
    active_before = (active.stat().st_mtime_ns, active.read_bytes())

    def must_not_parse(*args, **kwargs):
        raise AssertionError("master parsed although nothing changed")

    monkeypatch.setattr(master_module, "load_master", must_not_parse)
    result = invoke("-w", str(w.ws.root), "run")
    assert result.exit_code == 0, result.output
    assert "Rekap tidak berubah" in result.output and "SEK" in result.output
    assert (active.stat().st_mtime_ns, active.read_bytes()) == active_before
    monkeypatch.undo()
    # a changed setting is a change: the rekap is rebuilt (asked for TW1: the active period is TW2)
    toml = w.ws.config_path
    toml.write_text(toml.read_text(encoding="utf-8").replace("sangat_tinggi = 91", "sangat_tinggi = 92"),
                    encoding="utf-8")
    result = invoke("-w", str(w.ws.root), "run", "--periode", "2025-TW1")
    assert result.exit_code == 0, result.output
    assert "Rekap tidak berubah" not in result.output
    assert rekap.stat().st_mtime_ns != before[0]


def test_leftovers_of_an_interrupted_output_write_are_removed(workspace):
    w = workspace
    leftovers = [w.ws.outbox / ".tmp_rekap_abc.xlsx", w.ws.outbox / "konfirmasi" / "2025-TW1" / ".tmp_konfirmasi_x.xlsx",
                 w.ws.outbox / ".tmp_rekap_k3j2" / "tmpa81x"]  # the rekap's working folder, with a row file
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"setengah")
    leftovers.append(w.ws.outbox / ".tmp_rekap_k3j2")
    mine = w.ws.outbox / "catatan_subbag.txt"
    mine.write_text("milik orang", encoding="utf-8")
    assert invoke("-w", str(w.ws.root), "run", "--dry-run").exit_code == 0
    assert all(p.exists() for p in leftovers)  # a dry run changes nothing
    assert invoke("-w", str(w.ws.root), "run").exit_code == 0
    assert [p.exists() for p in leftovers] == [False, False, False, False]
    assert mine.read_text(encoding="utf-8") == "milik orang"


def test_confirmation_workbooks_that_cannot_be_written_stop_the_run_and_keep_the_data(sek_tw1, tmp_path):
    w, paths, codes = sek_tw1
    drop(w.ws, fill_kertas_kerja(paths["SEK"], tmp_path / "sek.xlsx", {codes[0]: "tujuh"}))  # a galat to confirm
    (w.ws.outbox / "konfirmasi").write_text("bukan folder", encoding="utf-8")  # the writer cannot make its folder
    result = invoke("-w", str(w.ws.root), "run")
    assert result.exit_code == 1
    assert "Lembar konfirmasi 2025-TW1 tidak dapat ditulis" in result.output and "Data di buku besar aman" in result.output
    assert where_is(w.ws, "sek.xlsx") == ["inbox/arsip/2025-TW1/sek.xlsx"]
    con = sqlite3.connect(w.ws.ledger_path)
    assert con.execute("SELECT COUNT(*) FROM submissions").fetchone() == (1,)
    # once the folder can be made, the next run writes them (the period was not marked as built)
    (w.ws.outbox / "konfirmasi").unlink()
    result = invoke("-w", str(w.ws.root), "run", "--periode", "2025-TW1")
    assert result.exit_code == 0, result.output  # attention is judged on what this run received
    assert "konfirmasi_SEK_2025-TW1.xlsx" in result.output
    assert (w.ws.outbox / "konfirmasi" / "2025-TW1" / "konfirmasi_SEK_2025-TW1.xlsx").exists()
