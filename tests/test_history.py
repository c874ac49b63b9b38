"""Issue 11 §3: the cost of a run does not grow with history.

- a run with one new file rewrites the rekap and only that bidang's confirmation workbook and drafts
  (proved with sha256 and mtimes of the files a person opens), while a change that concerns every
  bidang (the master) still rewrites all of them;
- the period-scoped ledger queries: with several years of quarters in the ledger, a period's s.d. TW
  sums only its own year, while LONJAKAN still judges a value against the earlier years;
- ``status`` reads the master summary a run stored, not the master workbook.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import drop, fill_kertas_kerja, read_sheet, templates_for

from kinerja_batch.cli import cli
from kinerja_batch.ledger import Ledger
from kinerja_batch.periode import parse_periode

P = "2025-TW1"


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def run_cli(w: Any, *extra: str) -> dict[str, Any]:
    result = invoke("-w", str(w.ws.root), "run", "--json", *extra)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """name -> (sha256, mtime_ns) of every file below ``folder``."""
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def submit(w: Any, tmp_path: Path, kode: str, periode: str, value: float, name: str) -> None:
    src = templates_for(w, periode, [kode])[kode]
    codes = list(w.master.indikator_of(kode)["kode_indikator"])
    drop(w.ws, fill_kertas_kerja(src, tmp_path / name, dict.fromkeys(codes, value)))


def ids_in_workbook(path: Path) -> set[int]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    head = next(i for i, r in enumerate(rows) if r and "ID Temuan" in r)
    col = rows[head].index("ID Temuan")
    return {int(r[col]) for r in rows[head + 1:] if r and isinstance(r[col], int | float)}


def open_ids(w: Any, kode: str) -> set[int]:
    with Ledger.open(w.ws.ledger_path) as ledger:
        return {int(r["id"]) for r in ledger.findings(periode=P) if r["kode_bidang"] == kode
                and r["status"] == "Terbuka"}


def test_one_new_file_rewrites_only_its_bidang(workspace, tmp_path):
    w = workspace
    # SEK and IKP send kertas kerja far below target: both get a confirmation workbook and its draft; the
    # deadline has passed, so the other four bidang get a reminder
    submit(w, tmp_path, "SEK", P, 1.0, "sek.xlsx")
    submit(w, tmp_path, "IKP", P, 1.0, "ikp.xlsx")
    # APTIKA sends its kertas kerja back unfilled: rejected, a draft telling it why
    drop(w.ws, templates_for(w, P, ["APTIKA"])["APTIKA"], "aptika kosong.xlsx")
    first = run_cli(w, "--periode", P)
    k = w.ws.outbox / "konfirmasi" / P
    e = w.ws.outbox / "email" / P
    assert sorted(p.name for p in k.glob("*.xlsx")) == [f"konfirmasi_IKP_{P}.xlsx", f"konfirmasi_SEK_{P}.xlsx"]
    reminders = sorted(p.name for p in e.glob("pengingat_*.eml"))
    assert reminders == sorted(f"pengingat_{b}_{P}.eml" for b in ("APTIKA", "TIK", "STATSAN", "EGOV"))
    assert [p.name for p in e.glob("ditolak_*.eml")] == [f"ditolak_APTIKA_{P}_aptika_kosong.eml"]
    before = snapshot(w.ws.outbox)
    day_before = dt.date.today()

    # SEK sends a corrected kertas kerja (still below target): one new file
    submit(w, tmp_path, "SEK", P, 2.0, "sek_v2.xlsx")
    second = run_cli(w, "--periode", P)
    assert second["jumlah"]["diterima"] == 1
    after = snapshot(w.ws.outbox)
    changed = {name for name in after if after[name] != before.get(name)}
    assert f"rekap_{P}.xlsx" in changed
    assert f"konfirmasi/{P}/konfirmasi_SEK_{P}.xlsx" in changed
    assert f"email/{P}/konfirmasi_SEK_{P}.eml" in changed
    if dt.date.today() == day_before:  # a reminder says "sampai dengan <today>": a new day is a new text
        assert changed == {f"rekap_{P}.xlsx", f"konfirmasi/{P}/konfirmasi_SEK_{P}.xlsx",
                           f"email/{P}/konfirmasi_SEK_{P}.eml"}
    assert after[f"konfirmasi/{P}/konfirmasi_IKP_{P}.xlsx"] == before[f"konfirmasi/{P}/konfirmasi_IKP_{P}.xlsx"]
    assert after[f"email/{P}/konfirmasi_IKP_{P}.eml"] == before[f"email/{P}/konfirmasi_IKP_{P}.eml"]
    rejected = f"email/{P}/ditolak_APTIKA_{P}_aptika_kosong.eml"
    assert after[rejected] == before[rejected]
    # the workbook left alone is still the right one: it asks exactly what is open for IKP
    assert ids_in_workbook(k / f"konfirmasi_IKP_{P}.xlsx") == open_ids(w, "IKP") != set()
    assert ids_in_workbook(k / f"konfirmasi_SEK_{P}.xlsx") == open_ids(w, "SEK") != set()
    # and the run still reports every current confirmation workbook and draft
    assert sorted(second["konfirmasi"]) == sorted(first["konfirmasi"])
    assert sorted(second["drafts"]) == sorted(first["drafts"]) != []


def test_a_master_change_rewrites_every_bidang(workspace, tmp_path):
    w = workspace
    submit(w, tmp_path, "SEK", P, 1.0, "sek.xlsx")
    submit(w, tmp_path, "IKP", P, 1.0, "ikp.xlsx")
    run_cli(w, "--periode", P)
    before = snapshot(w.ws.outbox)
    # the planner renames an IKP indicator in the master: every output shows master texts
    wb = openpyxl.load_workbook(w.ws.master_path)
    ws = wb["Indikator"]
    header = [c.value for c in ws[1]]
    kode_col, nama_col = header.index("Kode Indikator"), header.index("Indikator Kinerja")
    for row in ws.iter_rows(min_row=2):
        if row[kode_col].value == "IKU-02":
            row[nama_col].value = "Rata-rata waktu tanggapan aduan (hari kerja)"
    wb.save(w.ws.master_path)
    run_cli(w, "--periode", P)
    after = snapshot(w.ws.outbox)
    for name in (f"konfirmasi/{P}/konfirmasi_SEK_{P}.xlsx", f"konfirmasi/{P}/konfirmasi_IKP_{P}.xlsx",
                 f"email/{P}/konfirmasi_SEK_{P}.eml", f"email/{P}/konfirmasi_IKP_{P}.eml"):
        assert after[name][0] != before[name][0], name
    rows = openpyxl.load_workbook(w.ws.outbox / "konfirmasi" / P / f"konfirmasi_IKP_{P}.xlsx").active.values
    assert any("Rata-rata waktu tanggapan aduan (hari kerja)" in (r or ()) for r in rows)


def test_a_missing_output_of_an_unchanged_bidang_is_written_again(workspace, tmp_path):
    w = workspace
    submit(w, tmp_path, "SEK", P, 1.0, "sek.xlsx")
    submit(w, tmp_path, "IKP", P, 1.0, "ikp.xlsx")
    run_cli(w, "--periode", P)
    workbook = w.ws.outbox / "konfirmasi" / P / f"konfirmasi_IKP_{P}.xlsx"
    draft = w.ws.outbox / "email" / P / f"konfirmasi_IKP_{P}.eml"
    workbook.unlink()
    draft.unlink()
    submit(w, tmp_path, "SEK", P, 2.0, "sek_v2.xlsx")  # a new file of another bidang
    run_cli(w, "--periode", P)
    assert ids_in_workbook(workbook) == open_ids(w, "IKP") != set()
    assert draft.exists()


# ------------------------------------------------------------------------------------------------
# several years in the ledger


def _ledger_history(w: Any) -> None:
    """2022-TW1 .. 2024-TW4 for IKP, written into the ledger as a run stores them: twelve quarters."""
    from kinerja_batch.ledger import now_text

    with Ledger.open(w.ws.ledger_path) as ledger:
        run_id = ledger.begin_run({}, "uji")
        with ledger.transaction():
            for tahun in (2022, 2023, 2024):
                for tw in (1, 2, 3, 4):
                    p = f"{tahun}-TW{tw}"
                    fid = ledger.record_file(run_id, sha256=f"riwayat-{p}", nama_asli=f"ikp_{p}.xlsx", ukuran=1,
                                             mtime=0.0, diterima=now_text(), hasil="diterima",
                                             lokasi=f"inbox/arsip/ikp_{p}.xlsx", jenis="kertas_kerja",
                                             kode_bidang="IKP", periode=p)
                    # Kumulatif 2.16.02.2.01.0001-a: 7 documents every quarter of the earlier years;
                    # IKP-P01 (Posisi Akhir, %) near 50 with some spread
                    rows = [{"kode_indikator": "2.16.02.2.01.0001-a", "realisasi": 7.0, "sheet": "Kertas Kerja",
                             "excel_row": 9, "cell_realisasi": "J9"},
                            {"kode_indikator": "IKP-P01", "realisasi": 50.0 + (tw - 2.5) * 2, "sheet": "Kertas Kerja",
                             "excel_row": 10, "cell_realisasi": "J10"}]
                    ledger.record_submission(fid, kode_bidang="IKP", periode=p, tahun=tahun, tw=tw,
                                             diterima=now_text(), terlambat=False, rows=rows, n_indikator=2,
                                             n_galat=0, n_peringatan=0)
        ledger.finish_run(run_id, {})


def test_other_years_never_leak_into_the_s_d_tw(workspace, tmp_path):
    w = workspace
    run_cli(w, "--periode", P)  # creates the ledger
    _ledger_history(w)
    codes = list(w.master.indikator_of("IKP")["kode_indikator"])
    values = dict.fromkeys(codes, 1.0)
    values.update({"2.16.02.2.01.0001-a": 2.0, "IKP-P01": 51.0})
    src = templates_for(w, P, ["IKP"])["IKP"]
    drop(w.ws, fill_kertas_kerja(src, tmp_path / "ikp_tw1.xlsx", values))
    run_cli(w, "--periode", P)
    values.update({"2.16.02.2.01.0001-a": 3.0, "IKP-P01": 90.0})
    src = templates_for(w, "2025-TW2", ["IKP"])["IKP"]
    drop(w.ws, fill_kertas_kerja(src, tmp_path / "ikp_tw2.xlsx", values))
    run_cli(w, "--periode", "2025-TW2")

    rows = read_sheet(w.ws.outbox / "rekap_2025-TW2.xlsx", "Pengukuran Kinerja", key="Kode Indikator")
    # 2 + 3 of 2025 only: the 84 documents of 2022-2024 are not this year's
    assert rows["2.16.02.2.01.0001-a"]["Realisasi s.d. TW"] == pytest.approx(5.0)
    assert rows["IKP-P01"]["Realisasi s.d. TW"] == pytest.approx(90.0)
    tw1 = read_sheet(w.ws.outbox / f"rekap_{P}.xlsx", "Pengukuran Kinerja", key="Kode Indikator")
    assert tw1["2.16.02.2.01.0001-a"]["Realisasi s.d. TW"] == pytest.approx(2.0)

    # LONJAKAN still judges 2025-TW2 against every earlier quarter: twelve of earlier years and 2025-TW1
    with Ledger.open(w.ws.ledger_path) as ledger:
        lonjakan = {r["kode_indikator"]: r["pesan"] for r in ledger.findings(periode="2025-TW2")
                    if r["kode"] == "LONJAKAN"}
        assert "13 nilai sebelumnya" in lonjakan["IKP-P01"]
        # the kumulatif increment 3 against a mean of (12 x 7 + 2) / 13 is no jump: the earlier years count
        assert "2.16.02.2.01.0001-a" not in lonjakan
        # the period queries read only the period's rows
        v = ledger.period_values("2025-TW2")
        assert set(v["tahun"]) == {2025} and set(v["periode"]) == {P, "2025-TW2"}
        assert v.loc[v["periode"] == P, "lembar"].isna().all()  # texts of the period only
        h = ledger.history_values("2025-TW2", ["IKP-P01"])
        assert list(zip(h["tahun"], h["tw"], strict=True))[:2] == [(2022, 1), (2022, 2)]
        assert len(h) == 13 and set(h["kode_indikator"]) == {"IKP-P01"}
    perlu = read_sheet(w.ws.outbox / "rekap_2025-TW2.xlsx", "Perlu Konfirmasi")
    assert any(r.get("Kode Temuan") == "LONJAKAN" and r.get("Kode Indikator") == "IKP-P01" for r in perlu)


def test_status_reads_the_summary_not_the_master(workspace, tmp_path, monkeypatch):
    w = workspace
    submit(w, tmp_path, "SEK", P, 1.0, "sek.xlsx")
    run_cli(w, "--periode", P)
    assert (w.ws.state_dir / "master_ringkas.json").exists()
    from kinerja_batch import master

    def no_parse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("status membaca master")

    monkeypatch.setattr(master, "load_master", no_parse)
    result = invoke("-w", str(w.ws.root), "status", "--periode", P, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    by = {b["kode_bidang"]: b for b in report["bidang"]}
    assert list(by) == w.master.bidang_codes()
    assert by["SEK"]["diharapkan"] == len(w.master.indikator_of("SEK")) and by["SEK"]["terisi"] > 0
    assert by["IKP"]["nama_bidang"] == w.master.bidang_info("IKP")["nama_bidang"]
    monkeypatch.undo()

    # another master (new bytes): the stored summary is not used; status reads the new master
    wb = openpyxl.load_workbook(w.ws.master_path)
    ws = wb["Bidang"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[header.index("Kode Bidang")].value == "IKP":
            row[header.index("Nama Bidang")].value = "Bidang Informasi dan Komunikasi Publik (baru)"
    wb.save(w.ws.master_path)
    result = invoke("-w", str(w.ws.root), "status", "--periode", P, "--json")
    assert result.exit_code == 0, result.output
    by = {b["kode_bidang"]: b for b in json.loads(result.output)["bidang"]}
    assert by["IKP"]["nama_bidang"] == "Bidang Informasi dan Komunikasi Publik (baru)"


def test_migration_adds_the_period_indexes(tmp_path):
    import sqlite3

    path = tmp_path / "ledger.sqlite"
    with Ledger.open(path):
        pass
    conn = sqlite3.connect(path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    plan = " ".join(str(r[-1]) for r in conn.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM temuan WHERE periode = '2025-TW1'"))
    conn.close()
    assert {"files_periode", "temuan_periode", "audit_periode", "nilai_indikator", "submissions_periode"} <= names
    assert "temuan_periode" in plan
    assert parse_periode(P)  # the periods the queries take are the usual names


def test_earlier_years_summed_by_the_ledger_give_the_same_plan_columns(workspace, tmp_path):
    """The Renstra and earlier-year columns from one ledger row per indicator and year equal what the
    quarters themselves give (every Agregasi, an empty quarter, an imported quarter no submission holds)."""
    import numpy as np

    from kinerja_batch.measure import measured_frame
    from kinerja_batch.model import period_data
    from kinerja_batch.rencana import plan_columns

    w = workspace
    run_cli(w, "--periode", P)
    _ledger_history(w)
    with Ledger.open(w.ws.ledger_path) as ledger:
        run_id = ledger.begin_run({}, "uji")
        with ledger.transaction():
            # IKU-02 (Rata-rata) imported for 2023-TW2 only; an empty Realisasi in a quarter of 2024 for IKP-P01
            ledger.record_import(run_id, kode_indikator="IKU-02", kode_bidang="IKP", tahun=2023, tw=2, realisasi=4.5,
                                 realisasi_teks="4,5", anggaran=1000.0, anggaran_teks="1000", keterangan="",
                                 sumber_berkas="riwayat.xlsx", lembar="Riwayat", sel_realisasi="D5", sel_anggaran="E5")
            ledger.conn.execute("UPDATE nilai SET realisasi = NULL WHERE kode_indikator = 'IKP-P01' AND periode = "
                                "'2024-TW4'")
        ledger.finish_run(run_id, {})
    codes = list(w.master.indikator_of("IKP")["kode_indikator"])
    src = templates_for(w, P, ["IKP"])["IKP"]
    drop(w.ws, fill_kertas_kerja(src, tmp_path / "ikp.xlsx", dict.fromkeys(codes, 3.0)))
    run_cli(w, "--periode", P)
    periode = parse_periode(P)
    columns = ["realisasi_renstra_lalu", "realisasi_renstra_ini", "anggaran_renstra_lalu", "anggaran_renstra_ini",
               "realisasi_th_1", "realisasi_th_2"]
    with Ledger.open(w.ws.ledger_path) as ledger:
        everything = ledger.current_values(periode.tahun)
        whole = ledger.imported_values(periode.tahun).query("tw == 0")
        expected = plan_columns(measured_frame(everything, w.master, w.settings, periode), w.master, w.settings,
                                periode, everything, whole)
        got = period_data(ledger, w.master, w.settings, periode).measures
    assert len(everything[everything["tahun"] < 2025]) == 25  # 12 quarters x 2 indicators + the imported one
    for column in columns:
        np.testing.assert_allclose(got[column].to_numpy(dtype=float), expected[column].to_numpy(dtype=float),
                                   equal_nan=True, err_msg=column)
    by = got.set_index("kode_indikator")
    assert by.loc["2.16.02.2.01.0001-a", "realisasi_th_1"] == pytest.approx(28.0)  # Kumulatif: 4 x 7
    assert by.loc["IKP-P01", "realisasi_th_1"] == pytest.approx(51.0)  # Posisi Akhir: TW3, TW4 was empty
    assert by.loc["IKU-02", "realisasi_th_2"] == pytest.approx(4.5)  # the imported quarter


def test_closed_years_come_from_kept_totals_and_follow_a_correction(workspace, tmp_path):
    """Renstra s.d. tahun lalu in the rekap is built from each earlier year's totals kept in the ledger (summed
    once, not from twelve quarters on every run); a closed quarter corrected later shows in the next rekap."""
    from kinerja_batch.ledger import now_text
    from kinerja_batch.rekap.constants import H_RENSTRA_LALU_K

    w = workspace
    run_cli(w, "--periode", P)
    _ledger_history(w)
    submit(w, tmp_path, "IKP", P, 3.0, "ikp.xlsx")
    run_cli(w, "--periode", P)
    rekap = w.ws.rekap_path(parse_periode(P))
    kum = "2.16.02.2.01.0001-a"  # Kumulatif: 7 every quarter of 2022-2024
    assert read_sheet(rekap, "Evaluasi Renja", "Kode Indikator")[kum][H_RENSTRA_LALU_K] == pytest.approx(84.0)
    with Ledger.open(w.ws.ledger_path) as ledger:
        kept = ledger.conn.execute("SELECT tahun, jumlah FROM ringkas_tahun WHERE kode_indikator = ? ORDER BY tahun",
                                   (kum,)).fetchall()
        sidik = dict(ledger.conn.execute("SELECT tahun, sidik FROM ringkas_tahun_sidik").fetchall())
    assert [tuple(r) for r in kept] == [(2022, 28.0), (2023, 28.0), (2024, 28.0)]

    # 2024-TW4 sent again with 17 documents: it supersedes the stored quarter
    with Ledger.open(w.ws.ledger_path) as ledger:
        run_id = ledger.begin_run({}, "uji")
        with ledger.transaction():
            fid = ledger.record_file(run_id, sha256="koreksi-2024-TW4", nama_asli="ikp_2024-TW4_revisi.xlsx", ukuran=1,
                                     mtime=0.0, diterima=now_text(), hasil="diterima",
                                     lokasi="inbox/arsip/ikp_2024-TW4_revisi.xlsx", jenis="kertas_kerja",
                                     kode_bidang="IKP", periode="2024-TW4")
            ledger.record_submission(fid, kode_bidang="IKP", periode="2024-TW4", tahun=2024, tw=4, diterima=now_text(),
                                     terlambat=False, n_indikator=1, n_galat=0, n_peringatan=0,
                                     rows=[{"kode_indikator": kum, "realisasi": 17.0, "sheet": "Kertas Kerja",
                                            "excel_row": 9, "cell_realisasi": "J9"}])
        ledger.finish_run(run_id, {})
    run_cli(w, "--periode", P)
    assert read_sheet(rekap, "Evaluasi Renja", "Kode Indikator")[kum][H_RENSTRA_LALU_K] == pytest.approx(94.0)
    with Ledger.open(w.ws.ledger_path) as ledger:
        after = dict(ledger.conn.execute("SELECT tahun, sidik FROM ringkas_tahun_sidik").fetchall())
    assert after[2024] != sidik[2024] and after[2022] == sidik[2022] and after[2023] == sidik[2023]


def test_values_are_never_changed_in_place():
    """The kept year totals trust that a stored value is only added or taken out of use (``aktif = 0``), never
    changed: every UPDATE of nilai or riwayat in the package sets nothing but aktif."""
    import re

    package = Path(__file__).resolve().parent.parent / "kinerja_batch"
    updates = []
    for path in package.rglob("*.py"):
        updates += re.findall(r"UPDATE\s+(?:nilai|riwayat)\s+SET\s+(.*?)\s+WHERE", path.read_text(encoding="utf-8"))
    assert updates and all(u == "aktif=0" for u in updates), updates


def test_kept_year_totals_are_found_by_their_key(tmp_path):
    """One primary-key search per indicator (a scan of the list per kept row made it quadratic: minutes at
    150,000 indicators)."""
    import sqlite3

    from kinerja_batch.ledger import YEAR_TOTALS_SQL

    path = tmp_path / "ledger.sqlite"
    with Ledger.open(path):
        pass
    conn = sqlite3.connect(path)
    plan = [str(r[-1]) for r in conn.execute("EXPLAIN QUERY PLAN " + YEAR_TOTALS_SQL, ("[]", 2024))]
    conn.close()
    assert plan[0].startswith("SCAN c") and "PRIMARY KEY (tahun=? AND kode_indikator=?)" in plan[1], plan
