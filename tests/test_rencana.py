"""The office's real plan (issue 13): a real signed Evaluasi Renja (Bappedalitbang Kabupaten Deli Serdang 2025,
tests/data/renja_deliserdang_2025.json, copied from ../shared/data/real/) run through the product.

The master carries the real hierarchy (program -> kegiatan -> sub kegiatan) with codes in the shape of the
national nomenclature (the workbook shows no codes: 5.01.0p, 5.01.0p.2.kk, 5.01.0p.2.kk.ssss); the four
quarters' realisasi arrive as kertas kerja through the inbox, the Renstra's "up to last year" through
``kinerja-batch impor``, and every figure is read back from the rekap workbook.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import (
    WS,
    build_master,
    drop,
    fill_kertas_kerja,
    formula_values,
    read_sheet,
    run_batch,
    same_value,
    templates_for,
)

from kinerja_batch.cli import cli
from kinerja_batch.config import init_workspace
from kinerja_batch.errors import MasterError
from kinerja_batch.master import load_master

DATA = json.loads((Path(__file__).parent / "data" / "renja_deliserdang_2025.json").read_text(encoding="utf-8"))
ROWS = DATA["rows"]
TOTALS = DATA["meta"]["office_totals"]
BIDANG = "BAPP"


def _codes() -> dict[int, tuple[str, str]]:
    """sheet row -> (Kode Uraian, explicit Kode Induk or '')."""
    out: dict[int, tuple[str, str]] = {}
    prog_code: dict[int, str] = {}
    keg_code: dict[int, str] = {}
    n_keg: dict[int, int] = {}
    n_sub: dict[Any, int] = {}
    for r in ROWS:
        row, level = r["sheet_row"], r["level"]
        if level == "Program":
            if r["program_row"] != row:  # a second indicator of the same program (rows 106 and 107)
                out[row] = (prog_code[r["program_row"]], "")
                continue
            prog_code[row] = f"5.01.{len(prog_code) + 1:02d}"
            out[row] = (prog_code[row], "")
        elif level == "Kegiatan":
            n_keg[r["program_row"]] = n_keg.get(r["program_row"], 0) + 1
            keg_code[row] = f"{prog_code[r['program_row']]}.2.{n_keg[r['program_row']]:02d}"
            out[row] = (keg_code[row], "")
        elif r["kegiatan_row"] is None:  # a sub kegiatan placed right under its program: Kode Induk typed
            key = ("p", r["program_row"])
            n_sub[key] = n_sub.get(key, 0) + 1
            out[row] = (f"{prog_code[r['program_row']]}.9.{n_sub[key]:02d}", prog_code[r["program_row"]])
        else:
            n_sub[r["kegiatan_row"]] = n_sub.get(r["kegiatan_row"], 0) + 1
            out[row] = (f"{keg_code[r['kegiatan_row']]}.{n_sub[r['kegiatan_row']]:04d}", "")
    return out


CODES = _codes()


def kode(r: dict[str, Any]) -> str:
    return f"R{r['sheet_row']:03d}"


def agregasi(r: dict[str, Any]) -> str:
    # sub kegiatan outputs are typed per quarter; program and kegiatan percentages are levels (data README)
    return "Kumulatif" if r["level"] == "Sub Kegiatan" else "Posisi Akhir"


def quarter_value(r: dict[str, Any], q: int) -> float | None:
    if agregasi(r) == "Kumulatif":
        return r[f"k_tw{q}"]
    pct = r[f"pct_tw{q}"]
    return None if pct is None else pct * (r["target_k"] or 0)


def master_rows(*, parent_money: bool = True, edit: dict[int, dict[str, Any]] | None = None) -> list[dict]:
    out = []
    for r in ROWS:
        ku, ki = CODES[r["sheet_row"]]
        pagu = r["pagu_rp"]
        if not parent_money and r["level"] != "Sub Kegiatan":
            pagu = None
        row = {"kode_indikator": kode(r), "kode_bidang": BIDANG, "level": r["level"], "uraian": r["uraian"],
               "indikator_kinerja": r["indikator"], "satuan": r["satuan"], "polaritas": "Positif",
               "agregasi": agregasi(r), "target_tahunan": r["target_k"] or 0, "target_tw1": None,
               "target_tw2": None, "target_tw3": None, "target_tw4": None, "pagu": pagu,
               "Kode Uraian": ku, "Kode Induk": ki, "Target Akhir Renstra": r["target_renstra_k"],
               "Pagu Akhir Renstra (Rp)": r["target_renstra_rp"]}
        row.update((edit or {}).get(r["sheet_row"], {}))
        out.append(row)
    return out


def real_workspace(tmp_path: Path, *, aktif: str = "2025-TW4", **master_kwargs: Any) -> WS:
    ws = init_workspace(tmp_path / "ws")
    text = ws.config_path.read_text(encoding="utf-8")
    text = re.sub(r'aktif = "[^"]*"', f'aktif = "{aktif}"', text)
    text = text.replace("# tahun_awal = 2021", "tahun_awal = 2021").replace("# tahun_akhir = 2026", "tahun_akhir = 2026")
    ws.config_path.write_text(text, encoding="utf-8")
    build_master(ws.master_path, bidang=[{"kode_bidang": BIDANG, "nama_bidang": "Bappedalitbang"}],
                 indikator=master_rows(**master_kwargs))
    return WS(ws, ws.settings(), load_master(ws.master_path))


def submit_quarter(w: WS, q: int, tmp: Path) -> None:
    (src,) = templates_for(w, f"2025-TW{q}").values()
    real = {kode(r): quarter_value(r, q) for r in ROWS if quarter_value(r, q) is not None}
    rp = {kode(r): r[f"rp_tw{q}"] for r in ROWS if r[f"rp_tw{q}"] is not None}
    filled = fill_kertas_kerja(src, tmp / f"kk_tw{q}.xlsx", real, extra={"Realisasi Anggaran (Rp)": rp})
    drop(w.ws, filled)
    run_batch(w)


def riwayat_workbook(path: Path, rows: list[list[Any]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Riwayat"
    ws.append(["Kode Indikator", "Tahun", "TW", "Realisasi", "Realisasi Anggaran (Rp)", "Keterangan"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def impor(w: WS, *args: str) -> Any:
    return CliRunner().invoke(cli, ["-w", str(w.ws.root), "impor", *args], catch_exceptions=False)


def last_year_rows() -> list[list[Any]]:
    """The workbook's 'realisasi Renstra s.d. tahun lalu' (column 7) as one whole-year row for 2024."""
    return [[kode(r), 2024, None, r["real_renstra_lalu_k"], r["real_renstra_lalu_rp"], "Renja 2024"]
            for r in ROWS if r["real_renstra_lalu_k"] is not None or r["real_renstra_lalu_rp"] is not None]


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: Any) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("real")
    w = real_workspace(tmp)
    for q in (1, 2, 3, 4):
        submit_quarter(w, q, tmp)
    result = impor(w, str(riwayat_workbook(tmp / "riwayat_2024.xlsx", last_year_rows())))
    assert result.exit_code == 0, result.output
    report = run_batch(w)
    rekap = w.ws.rekap_path(w.settings.periode_aktif)
    assert str(rekap.relative_to(w.ws.root)) in report.rekap and not report.tidak_berubah  # the import rebuilt it
    return {"w": w, "rekap": rekap, "impor": result.output, "tmp": tmp}


def evaluasi(path: Path) -> tuple[dict[str, dict], dict[str, dict], list[dict]]:
    rows = read_sheet(path, "Evaluasi Renja")
    body = [r for r in rows if isinstance(r["No"], int | float)]
    foot = {r["No"]: r for r in rows if isinstance(r["No"], str)}
    return {r["Kode Indikator"]: r for r in body}, foot, body


# ------------------------------------------------------------------------------------------------
# money counted once


def test_office_totals_count_money_once(real_run):
    by_code, foot, body = evaluasi(real_run["rekap"])
    assert len(body) == len(ROWS)
    jumlah = foot["Jumlah anggaran (Rp)"]
    tripled = math.fsum(r["pagu_rp"] or 0 for r in ROWS)
    assert round(tripled / 1e9, 2) == 44.17  # what a flat sum of every row shows
    assert jumlah["Pagu Anggaran (Rp)"] == pytest.approx(TOTALS["pagu_rp"], abs=0.5)  # Rp 14,72 bn
    assert round(jumlah["Pagu Anggaran (Rp)"] / 1e9, 2) == 14.72
    for q, roman in zip((1, 2, 3, 4), ("I", "II", "III", "IV"), strict=True):
        # the quarter counted once: programmes, kegiatan and sub kegiatan each add up to it
        for level in ("Program", "Kegiatan", "Sub Kegiatan"):
            level_sum = math.fsum(r[f"rp_tw{q}"] or 0 for r in ROWS if r["level"] == level)
            assert jumlah[f"Realisasi TW {roman} (Rp)"] == pytest.approx(level_sum, abs=0.5), (q, level)
    # the year counted once equals the form's own total (Rp 12,02 bn) ...
    assert jumlah["Realisasi s.d. TW (Rp)"] == pytest.approx(TOTALS["rp_total"], abs=0.5)
    # ... while the form's per-quarter total rows do not add up to it: its own arithmetic counts some money
    # twice (data README), which the rule "counted once per Kode Uraian" (domain §9) does not
    assert math.fsum(TOTALS[f"rp_tw{q}"] for q in (1, 2, 3, 4)) > TOTALS["rp_total"] + 1e8
    assert jumlah["Realisasi Anggaran thd Pagu (%)"] == pytest.approx(TOTALS["rp_total"] / TOTALS["pagu_rp"] * 100)
    # each row still shows its own uraian's money
    assert by_code["R013"]["Pagu Anggaran (Rp)"] == 9972206125
    assert by_code["R015"]["Pagu Anggaran (Rp)"] == 73945400
    # two indicators of one programme (rows 106, 107): one uraian, the money on its first row only
    assert by_code["R106"]["Kode Uraian"] == by_code["R107"]["Kode Uraian"] == CODES[106][0]
    assert by_code["R106"]["Pagu Anggaran (Rp)"] == 0 and by_code["R107"]["Pagu Anggaran (Rp)"] is None


def test_rows_follow_the_hierarchy_with_averages_per_level(real_run):
    _, foot, body = evaluasi(real_run["rekap"])
    levels = [r["Level"] for r in body]
    assert levels[:3] == ["Program", "Kegiatan", "Sub Kegiatan"]
    # every kegiatan row comes after its programme and before the next programme
    order = [r["Kode Indikator"] for r in body]
    assert order.index("R014") == order.index("R013") + 1 and order.index("R015") == order.index("R014") + 1
    # the sub kegiatan typed under programme 106 without a kegiatan (Kode Induk typed) sit under it
    assert order.index("R106") < order.index("R108") < order.index("R110")
    wb = openpyxl.load_workbook(real_run["rekap"])
    ws = wb["Evaluasi Renja"]
    hr = next(r for r in range(1, 10) if ws.cell(r, 1).value == "No")
    col = {c.value: c.column for c in ws[hr] if c.value}
    indents = {ws.cell(r, col["Level"]).value: ws.cell(r, col["Sasaran / Program / Kegiatan"]).alignment.indent
               for r in range(hr + 1, hr + 1 + len(body))}
    assert indents["Program"] < indents["Kegiatan"] < indents["Sub Kegiatan"]
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(col["Dihitung dalam Jumlah"])].hidden
    for level in ("Program", "Kegiatan", "Sub Kegiatan"):
        caps = [r["Capaian Kinerja s.d. TW (%)"] for r in body if r["Level"] == level
                and isinstance(r["Capaian Kinerja s.d. TW (%)"], float | int)]
        assert foot[f"Rata-rata capaian kinerja {level} (%)"]["Capaian Kinerja s.d. TW (%)"] == pytest.approx(
            math.fsum(caps) / len(caps))


def test_parents_without_money_show_their_childrens_sum(tmp_path):
    w = real_workspace(tmp_path, parent_money=False)
    submit_quarter(w, 1, tmp_path)
    by_code, foot, _ = evaluasi(w.ws.rekap_path(w.settings.periode_aktif).with_name("rekap_2025-TW1.xlsx"))
    # programme 13 has no pagu of its own now: its row shows its kegiatan's sum, the total counts it once
    assert by_code["R013"]["Pagu Anggaran (Rp)"] == pytest.approx(9972206125, abs=0.5)
    assert by_code["R014"]["Pagu Anggaran (Rp)"] == pytest.approx(302061220, abs=0.5)
    assert foot["Jumlah anggaran (Rp)"]["Pagu Anggaran (Rp)"] == pytest.approx(TOTALS["pagu_rp"], abs=0.5)
    wb = openpyxl.load_workbook(w.ws.rekap_path(w.settings.periode_aktif).with_name("rekap_2025-TW1.xlsx"))
    ws = wb["Evaluasi Renja"]
    hr = next(r for r in range(1, 10) if ws.cell(r, 1).value == "No")
    col = {c.value: c.column for c in ws[hr] if c.value}
    r013 = next(r for r in range(hr + 1, ws.max_row + 1) if ws.cell(r, col["Kode Indikator"]).value == "R013")
    assert str(ws.cell(r013, col["Pagu Anggaran (Rp)"]).value).startswith("=IF(COUNT(")  # a live subtotal


def test_parent_money_disagreeing_with_children_is_a_master_warning(tmp_path):
    w = real_workspace(tmp_path, edit={14: {"pagu": 302061220 + 1_000_000}})
    assert any("R014" not in x and "5.01.01.2.01" in x and "berbeda dari jumlah pagu" in x
               for x in w.master.peringatan)
    (src,) = templates_for(w, "2025-TW1").values()
    drop(w.ws, fill_kertas_kerja(src, tmp_path / "kk.xlsx", {"R015": 2}))
    result = CliRunner().invoke(cli, ["-w", str(w.ws.root), "run"], catch_exceptions=False)
    assert "Peringatan master indikator" in result.output and "5.01.01.2.01" in result.output
    info = read_sheet(w.ws.rekap_path(w.settings.periode_aktif).with_name("rekap_2025-TW1.xlsx"), "Info Proses")
    assert any(r["Keterangan"] == "Peringatan master indikator" and "5.01.01.2.01" in r["Nilai"] for r in info)


# ------------------------------------------------------------------------------------------------
# Renstra columns


def test_renstra_columns_by_the_rule(real_run):
    """Domain §9 against the real workbook's own columns 14 and 15, row by row."""
    by_code, foot, _ = evaluasi(real_run["rekap"])
    same_k = same_rp = broke_level_rule = 0
    for r in ROWS:
        got = by_code[kode(r)]
        if r["real_renstra_lalu_k"] is None:
            continue
        assert got["Target Akhir Renstra (K)"] == r["target_renstra_k"]
        assert got["Realisasi Renstra s.d. Tahun Lalu (K)"] == pytest.approx(r["real_renstra_lalu_k"])
        this_year = got["Realisasi s.d. TW (K)"]
        if agregasi(r) == "Kumulatif":  # outputs: the years summed, as Permendagri 86 column 14 does
            expected = r["real_renstra_lalu_k"] + (this_year or 0)
            assert got["Realisasi Renstra s.d. Tahun Ini (K)"] == pytest.approx(expected)
            if r["k_total"] == pytest.approx(this_year or 0):
                assert expected == pytest.approx(r["k_renstra_sd"]), kode(r)
                same_k += 1
            else:  # row 51: the form's column 13 holds a typed 0 beside its own TW IV of 35 (domain §3's sum)
                assert (kode(r), r["k_total"], this_year) == ("R051", 0, 35)
        else:
            # a level (a percentage, an index) is not summed over years: the latest year's value. The real
            # workbook adds last year's 100% to this year's 100% (=200%): it broke domain §9's Posisi Akhir rule
            assert got["Realisasi Renstra s.d. Tahun Ini (K)"] == pytest.approx(this_year)
            if r["k_renstra_sd"] != pytest.approx(this_year):
                assert r["k_renstra_sd"] == pytest.approx(r["real_renstra_lalu_k"] + r["k_total"])
                broke_level_rule += 1
        target = r["target_renstra_k"]
        cap = got["Tingkat Capaian Renstra (K %)"]
        if target:
            assert cap == pytest.approx(got["Realisasi Renstra s.d. Tahun Ini (K)"] / target * 100)
        else:
            assert cap is None  # the workbook shows #DIV/0! (row 82): no capaian, never an error
        # money always sums: last year's + this year's, against the Renstra's money (columns 14-15 Rp)
        if r["real_renstra_lalu_rp"] is not None and kode(r) != "R107":  # R107: its uraian's money is on R106
            expected_rp = r["real_renstra_lalu_rp"] + math.fsum(r[f"rp_tw{q}"] or 0 for q in (1, 2, 3, 4))
            assert got["Realisasi Renstra s.d. Tahun Ini (Rp)"] == pytest.approx(expected_rp, abs=0.5)
            if r["rp_renstra_sd"] == pytest.approx(expected_rp, abs=0.5):
                same_rp += 1
                if r["target_renstra_rp"]:
                    assert got["Tingkat Capaian Renstra (Rp %)"] == pytest.approx(r["capaian_renstra_rp"])
            else:  # row 64: the form's column 14 (Rp) is 192 rupiah above last year's alone, not plus this year's
                assert kode(r) == "R064" and r["rp_renstra_sd"] - r["real_renstra_lalu_rp"] == 192
    assert same_k >= 60 and same_rp >= 90 and broke_level_rule >= 20  # "sums level indicators over years 20 times"
    jumlah = foot["Jumlah anggaran (Rp)"]
    programs = [r for r in ROWS if r["level"] == "Program" and r["program_row"] == r["sheet_row"]]
    assert jumlah["Target Akhir Renstra (Rp)"] == pytest.approx(math.fsum(r["target_renstra_rp"] for r in programs))


def test_impor_summary_and_marks(real_run):
    assert "nilai disimpan dengan tanda 'impor'" in real_run["impor"]
    pk = read_sheet(real_run["rekap"], "Pengukuran Kinerja", key="Kode Indikator")
    assert pk["R015"]["Realisasi s.d. TW"] == pytest.approx(4)


# ------------------------------------------------------------------------------------------------
# master errors for a bad hierarchy


def test_bad_hierarchy_is_refused_with_rows(tmp_path):
    rows = master_rows(edit={
        15: {"Kode Induk": "9.99.99"},                    # unknown parent
        22: {"Kode Induk": CODES[23][0]},                 # a kegiatan under its own sub kegiatan: a cycle
        13: {"Kode Induk": CODES[56][0]},                 # a programme under another's kegiatan: level below
    })
    path = build_master(tmp_path / "master_indikator.xlsx", bidang=[{"kode_bidang": BIDANG}], indikator=rows)
    with pytest.raises(MasterError) as exc:
        load_master(path)
    text = "\n".join(exc.value.details)
    row_of = {r["sheet_row"]: i + 2 for i, r in enumerate(ROWS)}  # Excel row in the master
    assert f"baris {row_of[15]}, kolom \"Kode Induk\": Kode Induk \"9.99.99\" tidak ada" in text
    assert "induk berputar" in text and str(row_of[22]) in text
    assert f"baris {row_of[13]}, kolom \"Kode Induk\": induk \"{CODES[56][0]}\" berlevel Kegiatan" in text
    # a programme under its own kegiatan closes a loop with the nomenclature's parent: reported as a cycle
    rows = master_rows(edit={13: {"Kode Induk": CODES[14][0]}})
    path = build_master(tmp_path / "master2.xlsx", bidang=[{"kode_bidang": BIDANG}], indikator=rows)
    with pytest.raises(MasterError) as exc:
        load_master(path)
    assert exc.value.details == [f"Indikator baris 2 dan 3, kolom \"Kode Induk\": induk berputar: {CODES[13][0]} → "
                                 f"{CODES[14][0]} → {CODES[13][0]}; setiap uraian harus berujung pada uraian tanpa "
                                 "induk."]


def test_one_uraian_two_pagu_is_an_error(tmp_path):
    rows = master_rows(edit={107: {"pagu": 5_000_000}})
    path = build_master(tmp_path / "master_indikator.xlsx", bidang=[{"kode_bidang": BIDANG}], indikator=rows)
    with pytest.raises(MasterError) as exc:
        load_master(path)
    assert any("berbeda pagu" in d for d in exc.value.details)


def test_master_without_the_new_columns_still_loads(workspace):
    m = workspace.master
    assert (m.indikator["kode_uraian"] == "").all() and m.indikator["target_renstra"].isna().all()


# ------------------------------------------------------------------------------------------------
# LibreOffice agrees with every cached value of the new columns


@pytest.mark.slow
def test_libreoffice_recalculates_the_real_plan(real_run, soffice, tmp_path):
    (theirs,) = soffice([real_run["rekap"]], "xlsx", tmp_path / "lo")
    compared = 0
    for sheet in ("Evaluasi Renja", "Pengukuran Kinerja Tahunan"):
        cached = formula_values(real_run["rekap"], sheet)
        recalculated = formula_values(theirs, sheet)
        for cell, value in cached.items():
            assert same_value(value, recalculated[cell]), (sheet, cell, value, recalculated[cell])
            compared += isinstance(value, int | float)
    assert compared > 800


@pytest.mark.slow
def test_libreoffice_recalculates_the_annual_sheet(tmp_path, soffice):
    _, rekap = iku_workspace(tmp_path)
    (theirs,) = soffice([rekap], "xlsx", tmp_path / "lo")
    compared = 0
    for sheet in ("Evaluasi Renja", "Pengukuran Kinerja Tahunan"):
        cached = formula_values(rekap, sheet)
        recalculated = formula_values(theirs, sheet)
        for cell, value in cached.items():
            assert same_value(value, recalculated[cell]), (sheet, cell, value, recalculated[cell])
            compared += isinstance(value, int | float)
    assert compared > 40


# ------------------------------------------------------------------------------------------------
# starting mid-year, and the history import


def konfirmasi_rows(w: WS, periode: str) -> list[dict[str, Any]]:
    path = w.ws.konfirmasi_path(BIDANG, __import__("kinerja_batch.periode").periode.parse_periode(periode))
    sh = openpyxl.load_workbook(path, data_only=True)["Konfirmasi"]
    hr = next(r for r in range(1, 40) if sh.cell(r, 1).value == "ID Temuan")
    heads = {sh.cell(hr, c).value: c for c in range(1, sh.max_column + 1) if sh.cell(hr, c).value}
    return [{h: sh.cell(r, c).value for h, c in heads.items()} for r in range(hr + 1, sh.max_row + 1)
            if sh.cell(r, 1).value is not None]


def open_temuan(rekap: Path, code: str) -> dict[str, dict]:
    return {r["Kode Indikator"]: r for r in read_sheet(rekap, "Perlu Konfirmasi")
            if r["Kode Temuan"] == code and r["Status"] == "Terbuka"}


def test_starting_mid_year_then_impor_fixes_it(tmp_path):
    w = real_workspace(tmp_path, aktif="2025-TW3")
    submit_quarter(w, 3, tmp_path)
    rekap = w.ws.rekap_path(w.settings.periode_aktif)
    # R015 (Kumulatif, typed 2 + 0,8 + 1,2 over TW I-III): only TW III's 1,2 is there -> 30% of the target 4
    pk = read_sheet(rekap, "Pengukuran Kinerja", key="Kode Indikator")
    assert pk["R015"]["Realisasi s.d. TW"] == pytest.approx(1.2)
    found = open_temuan(rekap, "TW_SEBELUMNYA_KOSONG")
    assert "TW I dan TW II" in found["R015"]["Pesan"] and "kinerja-batch impor" in found["R015"]["Pesan"]
    assert "R013" not in found  # a level (Posisi Akhir) needs no earlier quarter
    assert any(r["Kode Temuan"] == "TW_SEBELUMNYA_KOSONG" and r["Kode Indikator"] == "R015"
               for r in konfirmasi_rows(w, "2025-TW3"))

    # the template lists every indicator for TW1 and TW2 of 2025 and each earlier Renstra year (2021-2024)
    result = impor(w, "--templat")
    assert result.exit_code == 0, result.output
    template = w.ws.templates_dir / "riwayat.xlsx"
    sh = openpyxl.load_workbook(template)["Riwayat"]
    head = [c.value for c in sh[1]][:6]
    assert head == ["Kode Indikator", "Tahun", "TW", "Realisasi", "Realisasi Anggaran (Rp)", "Keterangan"]
    slots = {(row[0], row[1], row[2]) for row in sh.iter_rows(min_row=2, values_only=True)}
    assert ("R015", 2025, 1) in slots and ("R015", 2025, 2) in slots and ("R015", 2021, None) in slots
    assert ("R015", 2025, 3) not in slots and len(slots) == len(ROWS) * 6
    # fill TW1 and TW2 into the template (as an officer would) and import it
    wb = openpyxl.load_workbook(template)
    sh = wb["Riwayat"]
    by = {r["sheet_row"]: r for r in ROWS}
    for row in sh.iter_rows(min_row=2):
        code, tahun, tw = row[0].value, row[1].value, row[2].value
        r = by[int(code[1:])]
        if tahun == 2025 and tw in (1, 2):
            v = quarter_value(r, tw)
            row[3].value = v  # a row left without values is skipped
            row[4].value = r[f"rp_tw{tw}"]
        else:
            for cell in row[:6]:
                cell.value = None
    filled = tmp_path / "riwayat_diisi.xlsx"
    wb.save(filled)
    result = impor(w, str(filled), "--dry-run")
    assert result.exit_code == 0 and "akan disimpan" in result.output, result.output
    result = impor(w, str(filled))
    assert result.exit_code == 0, result.output
    run_batch(w)
    pk = read_sheet(rekap, "Pengukuran Kinerja", key="Kode Indikator")
    assert pk["R015"]["Realisasi s.d. TW"] == pytest.approx(4.0)  # 2 + 0,8 + 1,2
    assert pk["R015"]["Realisasi TW I"] == pytest.approx(2) and pk["R015"]["Realisasi TW II"] == pytest.approx(0.8)
    assert "R015" not in open_temuan(rekap, "TW_SEBELUMNYA_KOSONG")
    # imported quarters are history: no confirmation items, not late, not 'submitted' by the bidang
    from kinerja_batch.periode import parse_periode

    run_batch(w, periode=parse_periode("2025-TW1"))
    rekap_1 = rekap.with_name("rekap_2025-TW1.xlsx")
    assert read_sheet(rekap_1, "Perlu Konfirmasi") == []
    assert read_sheet(rekap_1, "Status Pengumpulan", key="Bidang")[BIDANG]["Status"] == "Belum Mengumpulkan"
    pk1 = read_sheet(rekap_1, "Pengukuran Kinerja", key="Kode Indikator")
    assert pk1["R015"]["Realisasi"] == 2 and pk1["R015"]["Sumber"].startswith("impor: riwayat_diisi.xlsx")
    status = CliRunner().invoke(cli, ["-w", str(w.ws.root), "status", "--periode", "2025-TW1"])
    assert "Terlambat" not in status.output


def test_impor_good_and_bad_rows(tmp_path):
    w = real_workspace(tmp_path, aktif="2025-TW2")
    submit_quarter(w, 2, tmp_path)
    rows = [
        ["R015", 2025, 1, "2", "8.416.000", "dari laporan TW I"],  # good; Indonesian thousands
        ["R013", 2024, None, "100", "Rp 7.762.491.245", ""],       # good: a whole year
        ["R016", 2025, 2, 1, None, ""],                            # own submission exists -> refused
        ["X-99", 2024, None, 1, None, ""],                         # unknown code
        ["R017", 2024, None, "tujuh", None, ""],                   # not a number
        ["R018", 2024, None, -1, None, ""],                        # negative
        ["R019", 2024, 5, 1, None, ""],                            # TW 5
        ["R020", 2025, 3, 1, None, ""],                            # after the active period
        ["R021", 2020, None, 1, None, ""],                         # before the Renstra (2021)
        ["R015", 2025, 1, 3, None, ""],                            # the same period twice
    ]
    path = riwayat_workbook(tmp_path / "riwayat.xlsx", rows)
    result = impor(w, str(path))
    assert result.exit_code == 1
    out = result.output
    assert "2 nilai disimpan" in out and "1 baris ditolak" in out and "7 galat" in out, out
    assert "riwayat.xlsx, lembar Riwayat!A5: kode \"X-99\" tidak ada di master" in out
    assert "Riwayat!D6: \"tujuh\" bukan angka" in out
    assert "Riwayat!D7: nilai -1 negatif" in out
    assert "Riwayat!C8: TW \"5\" tidak dikenal" in out
    assert "Riwayat!B9: 2025-TW3 sesudah periode aktif 2025-TW2" in out
    assert "Riwayat!B10: 2020 sebelum awal Renstra (2021" in out
    assert "Riwayat!A11: R015 2025-TW1 sudah ada di baris 2" in out
    assert "baris 4: R016 2025-TW2 sudah dikirim bidang lewat kertas kerja" in out and "--timpa" in out
    from kinerja_batch.ledger import Ledger

    with Ledger.open(w.ws.ledger_path) as ledger:
        stored = ledger.conn.execute("SELECT kode_indikator, tahun, tw, realisasi, anggaran, sumber_berkas, sel_realisasi,"
                                     " sel_anggaran, tanda FROM riwayat WHERE aktif=1 ORDER BY id").fetchall()
    assert [tuple(r) for r in stored] == [
        ("R015", 2025, 1, 2.0, 8416000.0, "riwayat.xlsx", "D2", "E2", "impor"),
        ("R013", 2024, 0, 100.0, 7762491245.0, "riwayat.xlsx", "D3", "E3", "impor"),
    ]
    # --timpa replaces the bidang's own value and audits it
    path = riwayat_workbook(tmp_path / "koreksi.xlsx", [["R016", 2025, 2, 1, 0, "koreksi dari laporan"]])
    assert impor(w, str(path)).exit_code == 1
    result = impor(w, str(path), "--timpa")
    assert result.exit_code == 0 and "1 nilai kiriman bidang diganti" in result.output, result.output
    run_batch(w)
    rekap = w.ws.rekap_path(w.settings.periode_aktif)
    pk = read_sheet(rekap, "Pengukuran Kinerja", key="Kode Indikator")
    assert pk["R016"]["Realisasi TW II"] == 1 and pk["R015"]["Realisasi TW I"] == 2
    with Ledger.open(w.ws.ledger_path) as ledger:
        audit = [tuple(a) for a in ledger.conn.execute(
            "SELECT kode_indikator, periode, kolom, lama, baru, sumber_berkas, sel FROM audit ORDER BY id")]
    assert ("R016", "2025-TW2", "realisasi", "0.0", "1.0", "koreksi.xlsx", "Riwayat!D2") in audit


# ------------------------------------------------------------------------------------------------
# the annual measure (LKjIP) in the TW4 rekap


def annual_tables(path: Path) -> tuple[dict[str, dict], dict[str, dict], dict]:
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb["Pengukuran Kinerja Tahunan"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    hr = next(i for i, r in enumerate(rows) if r[0] == "No")
    head = [str(v) if v is not None else "" for v in rows[hr]]
    iku: dict[str, dict] = {}
    i = hr + 1
    while i < len(rows) and isinstance(rows[i][0], int | float):
        d = dict(zip(head, rows[i], strict=False))
        iku[d["Kode Indikator"]] = d
        i += 1
    hr2 = next(j for j in range(i, len(rows)) if rows[j][0] == "No")
    programs: dict[str, dict] = {}
    total: dict = {}
    for r in rows[hr2 + 1:]:
        d = {"Kode Uraian": r[1], "Program": r[3], "Pagu": r[6], "Realisasi": r[8], "Serapan": r[11]}
        if isinstance(r[0], int | float):
            programs[r[1]] = d
        elif r[0] == "Jumlah":
            total = d
            break
    return iku, programs, total


def test_tw4_annual_sheet_of_the_real_plan(real_run):
    wb = openpyxl.load_workbook(real_run["rekap"], read_only=True)
    assert wb.sheetnames.index("Pengukuran Kinerja Tahunan") == wb.sheetnames.index("Evaluasi Renja") + 1
    iku, programs, total = annual_tables(real_run["rekap"])
    assert iku == {}  # the real Renja has no Tujuan/Sasaran indicator rows; the sheet says so
    real_programs = [r for r in ROWS if r["level"] == "Program" and r["program_row"] == r["sheet_row"]]
    assert list(programs) == [CODES[r["sheet_row"]][0] for r in real_programs]
    for r in real_programs:
        got = programs[CODES[r["sheet_row"]][0]]
        assert got["Pagu"] == r["pagu_rp"] and got["Realisasi"] == pytest.approx(r["rp_total"], abs=0.5)
        if r["pagu_rp"]:
            assert got["Serapan"] == pytest.approx(r["rp_total"] / r["pagu_rp"] * 100)
    assert total["Pagu"] == pytest.approx(TOTALS["pagu_rp"], abs=0.5)
    assert total["Realisasi"] == pytest.approx(TOTALS["rp_total"], abs=0.5)


def iku_workspace(tmp_path: Path) -> tuple[WS, Path]:
    """Three sasaran indicators (each Agregasi, one negative), a programme whose kegiatan holds the money;
    2023-2024 and TW1-TW3 imported, TW4 sent as a kertas kerja."""
    ws = init_workspace(tmp_path / "ws")
    text = ws.config_path.read_text(encoding="utf-8")
    text = re.sub(r'aktif = "[^"]*"', 'aktif = "2025-TW4"', text)
    text = text.replace("# tahun_awal = 2021", "tahun_awal = 2021").replace("# tahun_akhir = 2026", "tahun_akhir = 2026")
    ws.config_path.write_text(text, encoding="utf-8")
    sasaran = {"kode_bidang": BIDANG, "level": "Sasaran", "uraian": "Meningkatnya kualitas perencanaan",
               "Kode Uraian": "S1", "target_tw1": None, "target_tw2": None, "target_tw3": None, "target_tw4": None}
    build_master(ws.master_path, bidang=[{"kode_bidang": BIDANG}], indikator=[
        {**sasaran, "kode_indikator": "IKU-1", "indikator_kinerja": "Nilai SAKIP", "satuan": "Nilai",
         "agregasi": "Posisi Akhir", "target_tahunan": 75, "Target Akhir Renstra": 80},
        {**sasaran, "kode_indikator": "IKU-2", "indikator_kinerja": "Dokumen perencanaan tepat waktu",
         "satuan": "Dokumen", "agregasi": "Kumulatif", "target_tahunan": 4, "Target Akhir Renstra": 20},
        {**sasaran, "kode_indikator": "IKU-3", "indikator_kinerja": "Hari penyusunan dokumen", "satuan": "Hari",
         "polaritas": "Negatif", "agregasi": "Rata-rata", "target_tahunan": 10, "Target Akhir Renstra": 8},
        {"kode_indikator": "P-1", "kode_bidang": BIDANG, "level": "Program", "uraian": "Program Perencanaan",
         "indikator_kinerja": "Persentase dokumen", "satuan": "%", "agregasi": "Posisi Akhir", "target_tahunan": 100,
         "Kode Uraian": "5.01.02", "Kode Induk": "S1", "pagu": None},
        {"kode_indikator": "K-1", "kode_bidang": BIDANG, "level": "Kegiatan", "uraian": "Penyusunan Renja",
         "indikator_kinerja": "Dokumen Renja", "satuan": "Dokumen", "agregasi": "Kumulatif", "target_tahunan": 1,
         "Kode Uraian": "5.01.02.2.01", "pagu": 300_000_000},
    ])
    w = WS(ws, ws.settings(), load_master(ws.master_path))
    history = [["IKU-1", 2023, None, 70, None, ""], ["IKU-1", 2024, None, 72.5, None, ""],
               ["IKU-2", 2023, None, 4, None, ""], ["IKU-2", 2024, None, "5", None, ""],
               ["IKU-3", 2024, None, "9,5", None, ""],
               *[["IKU-2", 2025, q, 1, None, ""] for q in (1, 2, 3)],
               *[["K-1", 2025, q, None, 50_000_000, ""] for q in (1, 2, 3)]]
    assert impor(w, str(riwayat_workbook(tmp_path / "riwayat.xlsx", history))).exit_code == 0
    (src,) = templates_for(w, "2025-TW4").values()
    drop(ws, fill_kertas_kerja(src, tmp_path / "kk.xlsx", {"IKU-1": 77, "IKU-2": 2, "IKU-3": 9, "P-1": 100, "K-1": 1},
                               extra={"Realisasi Anggaran (Rp)": {"K-1": 120_000_000}}))
    run_batch(w)
    return w, ws.rekap_path(w.settings.periode_aktif)


def test_tw4_annual_sheet_iku_with_history(tmp_path):
    w, rekap = iku_workspace(tmp_path)
    iku, programs, total = annual_tables(rekap)
    assert list(iku) == ["IKU-1", "IKU-2", "IKU-3"]
    one, two, three = iku["IKU-1"], iku["IKU-2"], iku["IKU-3"]
    assert (one["Target 2025"], one["Realisasi 2025"], one["Realisasi 2023"], one["Realisasi 2024"]) == (75, 77, 70, 72.5)
    assert one["Capaian 2025 (%)"] == pytest.approx(77 / 75 * 100)
    assert one["Realisasi Renstra s.d. 2025"] == 77  # a level: the latest year's value
    assert one["Capaian thd Target Akhir Renstra (%)"] == pytest.approx(77 / 80 * 100)
    assert one["Target Akhir Renstra (2026)"] == 80
    assert two["Realisasi 2025"] == 5  # 1 + 1 + 1 imported + 2 submitted
    assert two["Realisasi Renstra s.d. 2025"] == 14  # 4 + 5 + 5: outputs summed over the years
    assert two["Capaian thd Target Akhir Renstra (%)"] == pytest.approx(14 / 20 * 100)
    assert three["Realisasi Renstra s.d. 2025"] == pytest.approx((9.5 + 9) / 2)  # a mean of the years
    assert three["Capaian 2025 (%)"] == pytest.approx((2 * 10 - 9) / 10 * 100)  # negative polarity, rule 2T-R
    assert three["Predikat"] == w.settings.predikat_of(three["Capaian 2025 (%)"])
    # the programme has no pagu of its own: its kegiatan's, counted once
    assert programs["5.01.02"]["Pagu"] == 300_000_000
    assert programs["5.01.02"]["Realisasi"] == 270_000_000
    assert programs["5.01.02"]["Serapan"] == pytest.approx(90)
    assert total["Pagu"] == 300_000_000
    # earlier quarters have no Pengukuran Kinerja Tahunan
    assert "Pengukuran Kinerja Tahunan" not in openpyxl.load_workbook(
        rekap.with_name("rekap_2025-TW2.xlsx") if rekap.with_name("rekap_2025-TW2.xlsx").exists() else
        _rekap_of(w, "2025-TW2"), read_only=True).sheetnames


def _rekap_of(w: WS, periode: str) -> Path:
    from kinerja_batch.periode import parse_periode

    run_batch(w, periode=parse_periode(periode))
    return w.ws.rekap_path(parse_periode(periode))


def test_kertas_kerja_asks_money_once_per_uraian(tmp_path):
    w = real_workspace(tmp_path, aktif="2025-TW2")
    (src,) = templates_for(w, "2025-TW2").values()
    sh = openpyxl.load_workbook(src)["Kertas Kerja"]
    hr = next(r for r in range(1, 40) if sh.cell(r, 2).value == "Kode Indikator" or
              any(c.value == "Kode Indikator" for c in sh[r]))
    col = {c.value: c.column for c in sh[hr] if c.value}
    row_of = {sh.cell(r, col["Kode Indikator"]).value: r for r in range(hr + 1, sh.max_row + 1)}
    cell = {k: sh.cell(row_of[k], col["Realisasi Anggaran (Rp)"]) for k in ("R106", "R107", "R013")}
    assert not cell["R106"].protection.locked and not cell["R013"].protection.locked
    assert cell["R107"].protection.locked  # R107 shares R106's uraian: its money is asked on R106's row
    assert sh.cell(row_of["R107"], col["Pagu Anggaran (Rp)"]).value is None
    assert not sh.cell(row_of["R107"], col["Realisasi"]).protection.locked


@pytest.mark.slow
def test_impor_reads_what_libreoffice_and_gnumeric_wrote(tmp_path, soffice):
    import shutil
    import subprocess

    w = real_workspace(tmp_path, aktif="2025-TW2")
    src = riwayat_workbook(tmp_path / "riwayat.xlsx", [["R015", 2025, 1, "2", "8.416.000", ""],
                                                      ["R013", 2024, None, 100, "Rp 7.762.491.245", ""]])
    made = [*soffice([src], "ods", tmp_path / "lo")]
    if shutil.which("ssconvert"):
        xls = tmp_path / "gnumeric" / "riwayat.xls"
        xls.parent.mkdir()
        subprocess.run(["ssconvert", str(src), str(xls)], check=True, capture_output=True, timeout=120)
        made.append(xls)
    for path in made:
        result = impor(w, str(path), "--dry-run")
        assert result.exit_code == 0, (path.name, result.output)
        assert "2 nilai akan disimpan" in result.output and "0 galat" in result.output, result.output
    result = impor(w, str(made[0]))
    assert result.exit_code == 0, result.output
    from kinerja_batch.ledger import Ledger

    with Ledger.open(w.ws.ledger_path) as ledger:
        stored = [tuple(r) for r in ledger.conn.execute(
            "SELECT kode_indikator, tahun, tw, realisasi, anggaran, sumber_berkas, sel_anggaran FROM riwayat")]
    assert stored == [("R015", 2025, 1, 2.0, 8416000.0, "riwayat.ods", "E2"),
                      ("R013", 2024, 0, 100.0, 7762491245.0, "riwayat.ods", "E3")]


def test_imported_quarters_are_lonjakan_history(tmp_path):
    w = real_workspace(tmp_path, aktif="2025-TW2")
    history = [["R062", 2024, q, 10, None, ""] for q in (1, 2, 3, 4)] + [["R062", 2025, 1, 10, None, ""]]
    assert impor(w, str(riwayat_workbook(tmp_path / "riwayat.xlsx", history))).exit_code == 0
    (src,) = templates_for(w, "2025-TW2").values()
    drop(w.ws, fill_kertas_kerja(src, tmp_path / "kk.xlsx", {"R062": 500, "R015": 1}))
    run_batch(w)
    found = open_temuan(w.ws.rekap_path(w.settings.periode_aktif), "LONJAKAN")
    assert "5 triwulan sebelumnya (10)" in found["R062"]["Pesan"], found
    # the kertas kerja of TW2, written by the command, shows the imported TW1 as history
    result = CliRunner().invoke(cli, ["-w", str(w.ws.root), "templates", "--periode", "2025-TW2", "--timpa"])
    assert result.exit_code == 0, result.output
    from kinerja_batch.periode import parse_periode

    src = w.ws.template_path(BIDANG, parse_periode("2025-TW2"))
    sh = openpyxl.load_workbook(src, data_only=True)["Kertas Kerja"]
    hr = next(r for r in range(1, 40) if any(c.value == "Kode Indikator" for c in sh[r]))
    col = {c.value: c.column for c in sh[hr] if c.value}
    row = next(r for r in range(hr + 1, sh.max_row + 1) if sh.cell(r, col["Kode Indikator"]).value == "R062")
    tw1 = next(h for h in col if str(h).startswith("Realisasi TW I") and "II" not in str(h))
    assert sh.cell(row, col[tw1]).value == 10


def test_riwayat_template_is_prefilled_from_the_ledger(tmp_path):
    w = real_workspace(tmp_path, aktif="2025-TW3")
    assert impor(w, str(riwayat_workbook(tmp_path / "riwayat.xlsx", [["R062", 2025, 1, 10, 250_000, ""],
                                                                    ["R013", 2023, None, 95, None, ""]]))).exit_code == 0
    submit_quarter(w, 2, tmp_path)
    assert impor(w, "--templat").exit_code == 0
    sh = openpyxl.load_workbook(w.ws.templates_dir / "riwayat.xlsx")["Riwayat"]
    head = [c.value for c in sh[1]]
    rows = {(r[0], r[1], r[2]): dict(zip(head, r, strict=False)) for r in sh.iter_rows(min_row=2, values_only=True)}
    assert rows[("R062", 2025, 1)]["Realisasi"] == 10 and rows[("R062", 2025, 1)]["Realisasi Anggaran (Rp)"] == 250_000
    assert rows[("R062", 2025, 1)]["Sumber Saat Ini"] == "impor: riwayat.xlsx"
    assert rows[("R013", 2023, None)]["Realisasi"] == 95
    assert rows[("R015", 2025, 2)]["Realisasi"] == pytest.approx(0.8)  # from the bidang's kertas kerja
    assert rows[("R015", 2025, 2)]["Sumber Saat Ini"] == "kk_tw2.xlsx"
    assert rows[("R015", 2025, 1)]["Realisasi"] is None
    # the template imported back as it is: the bidang's own values are not "refused", they are the same
    result = impor(w, str(w.ws.templates_dir / "riwayat.xlsx"))
    assert result.exit_code == 0 and "0 baris ditolak; 0 galat" in result.output, result.output
    assert "0 nilai disimpan" in result.output and "baris sama dengan yang sudah ada" in result.output
