"""The rekap leaders open (domain §7, issue 5): read back from the workbook the real pipeline writes."""

from __future__ import annotations

import dataclasses
import math
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import (
    WS,
    drop,
    fill_kertas_kerja,
    formula_values,
    plant_wrong_cache,
    read_sheet,
    run_batch,
    same_value,
    templates_for,
)

from kinerja_batch import rekap
from kinerja_batch.config import init_workspace
from kinerja_batch.ledger import Ledger
from kinerja_batch.master import load_master
from kinerja_batch.model import period_data
from kinerja_batch.periode import parse_periode
from kinerja_batch.rekap import base as rekap_base
from kinerja_batch.rekap import cells as rekap_cells

SHEETS = ["Ringkasan", "Pengukuran Kinerja", "Evaluasi Renja", "Perlu Konfirmasi", "Status Pengumpulan",
          "Galat Validasi", "Info Proses", "_kinerja_meta"]
DOMAIN_HEADERS = {  # domain §7, exactly
    "Pengukuran Kinerja": ["Bidang", "Kode Indikator", "Indikator Kinerja", "Satuan", "Target Tahunan",
                           "Target s.d. TW", "Realisasi", "Realisasi s.d. TW", "Capaian (%)",
                           "Capaian thd Target Tahunan (%)", "Predikat", "Pagu Anggaran (Rp)",
                           "Realisasi Anggaran s.d. TW (Rp)", "Serapan (%)", "Status"],
    "Perlu Konfirmasi": ["Bidang", "Kode Indikator", "Kode Temuan", "Level", "Pesan", "Status"],
    "Status Pengumpulan": ["Bidang", "Status", "Diterima", "Berkas", "Terisi / Diharapkan", "Temuan Terbuka",
                           "Galat"],
    "Galat Validasi": ["Bidang", "Berkas", "Lembar", "Sel", "Nilai", "Pesan"],
    "Info Proses": ["Keterangan", "Nilai"],
}
FACTORS = (0.5, 0.9, 1.0, 1.3, 0.75, 1.1, 0.0)
TRICKY = '=HYPERLINK("http://contoh.invalid","klik")'


def _values(w: WS, bidang: str, periode: str, shift: float) -> tuple[dict, dict, dict]:
    """Realisasi around the target (every agregasi, polaritas, zero targets), anggaran where there is a pagu."""
    p = parse_periode(periode)
    rows = w.master.indikator_of(bidang)
    real, angg, text = {}, {}, {}
    for i, row in enumerate(rows.itertuples(index=False)):
        target = getattr(row, f"target_tw{p.tw}")
        target = row.target_tahunan if target != target else target
        if i == 1 and periode.endswith("TW2"):
            continue  # one indicator left empty this quarter
        real[row.kode_indikator] = round(float(target or 3) * FACTORS[(i + int(shift)) % len(FACTORS)] + shift, 2)
        if row.pagu == row.pagu:
            angg[row.kode_indikator] = 12_500_000 + 1_000_000 * i
    first = rows["kode_indikator"].iloc[0]
    text[first] = TRICKY
    return real, angg, text


def _submit(w: WS, tmp: Path, periode: str, bidang: list[str], shift: float) -> None:
    paths = templates_for(w, periode, bidang)
    for kode in bidang:
        real, angg, text = _values(w, kode, periode, shift)
        filled = fill_kertas_kerja(paths[kode], tmp / f"{kode}_{periode}.xlsx", real,
                                   extra={"Realisasi Anggaran (Rp)": angg})
        drop(w.ws, _typed_text(filled, "Faktor Penghambat", text))


def _typed_text(path: Path, header: str, texts: dict[str, str]) -> Path:
    """Text that looks like a formula, typed as text (what Excel stores for '=... with an apostrophe)."""
    from conftest import KK_SHEET, header_columns

    wb = openpyxl.load_workbook(path)
    ws = wb[KK_SHEET]
    hr, cols = header_columns(ws)
    for r in range(hr + 1, ws.max_row + 1):
        kode = ws.cell(r, cols["Kode Indikator"]).value
        if kode in texts:
            cell = ws.cell(r, cols[header])
            cell.value = texts[kode]
            cell.data_type = "s"
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: Any) -> dict[str, Any]:
    """Two quarters through the real pipeline: TW1 from five bidang (EGOV never sends), TW2 from three."""
    root = tmp_path_factory.mktemp("rekap")
    ws = init_workspace(root / "ws")
    w = WS(ws, ws.settings(), load_master(ws.master_path))
    _submit(w, root, "2025-TW1", ["SEK", "IKP", "APTIKA", "TIK", "STATSAN"], 0.0)
    run_batch(w)
    _submit(w, root, "2025-TW2", ["SEK", "IKP", "APTIKA"], 0.25)
    report = run_batch(w)
    tw2 = parse_periode("2025-TW2")
    with Ledger.open(ws.ledger_path) as ledger:
        data = period_data(ledger, w.master, w.settings, tw2, run_id=report.run_id)
        # the same ledger measured with the other rule for negative polarity (T/R), for the formulas
        tr = dataclasses.replace(w.settings, aturan_negatif="T/R")
        data_tr = period_data(ledger, w.master, tr, tw2, run_id=report.run_id)
    path_tr = rekap.write_rekap(root / "rekap_TR_2025-TW2.xlsx", data_tr)
    return {"w": w, "root": root, "tw1": ws.rekap_path(parse_periode("2025-TW1")), "tw2": ws.rekap_path(tw2),
            "data": data, "data_tr": data_tr, "tr": path_tr, "report": report}


def _header_row(ws: Any, headers: list[str]) -> int:
    for r in range(1, 15):
        texts = {str(c.value).strip() for c in ws[r] if c.value is not None}
        if set(headers) <= texts:
            return r
    raise AssertionError(f"no header row with {headers} in {ws.title}")


def _num(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


# ------------------------------------------------------------------------------------------------
# structure


def test_sheet_order_headers_and_title_block(scenario):
    wb = openpyxl.load_workbook(scenario["tw2"])
    assert wb.sheetnames == SHEETS
    assert wb["_kinerja_meta"].sheet_state == "veryHidden"
    assert wb.active.title == "Ringkasan"
    for sheet, headers in DOMAIN_HEADERS.items():
        ws = wb[sheet]
        hr = _header_row(ws, headers)
        # one header row: the title block above repeats none of the header texts
        above = {str(c.value).strip() for r in range(1, hr) for c in ws[r] if c.value is not None}
        row_texts = [str(c.value) for c in ws[hr] if c.value is not None]
        assert not above & set(row_texts), sheet
        assert hr <= 5, sheet
    ev = wb["Evaluasi Renja"]
    hr = _header_row(ev, ["No", "Kode Indikator", "Target Tahunan (K)", "Pagu Anggaran (Rp)",
                          "Realisasi TW I (K)", "Realisasi TW I (Rp)", "Realisasi TW IV (K)", "Realisasi TW IV (Rp)",
                          "Realisasi s.d. TW (K)", "Realisasi s.d. TW (Rp)", "Capaian Kinerja s.d. TW (%)",
                          "Realisasi Anggaran thd Pagu (%)", "Predikat", "Keterangan"])
    band = {str(c.value) for c in ev[hr - 1] if c.value}
    assert "Realisasi Kinerja dan Anggaran pada Triwulan" in band


def test_conftest_reader_sees_one_row_per_indicator(scenario):
    rows = read_sheet(scenario["tw2"], "Pengukuran Kinerja", key="Kode Indikator")
    master = scenario["w"].master
    assert list(rows) == list(master.indikator["kode_indikator"])  # bidang in master order, no group rows
    status = read_sheet(scenario["tw2"], "Status Pengumpulan", key="Bidang")
    assert list(status) == master.bidang_codes()
    assert status["EGOV"]["Status"] == "Belum Mengumpulkan"
    assert status["SEK"]["Terisi / Diharapkan"] == "8/9"


def test_values_are_the_measures_with_history(scenario):
    data = scenario["data"]
    m = data.measures.set_index("kode_indikator")
    rows = read_sheet(scenario["tw2"], "Pengukuran Kinerja", key="Kode Indikator")
    pairs = {"Realisasi TW I": "realisasi_tw1", "Realisasi TW II": "realisasi_tw2", "Realisasi": "realisasi",
             "Realisasi s.d. TW": "realisasi_sd", "Target s.d. TW": "target_sd", "Capaian (%)": "capaian",
             "Capaian thd Target Tahunan (%)": "capaian_tahunan", "Serapan (%)": "serapan",
             "Realisasi Anggaran s.d. TW (Rp)": "anggaran_sd", "Pagu Anggaran (Rp)": "pagu"}
    numbers = 0
    for kode, row in rows.items():
        for header, column in pairs.items():
            want = _num(m.at[kode, column])
            got = row[header]
            if want is None:
                assert got in (None, ""), (kode, header, got)  # cannot be computed: an empty cell
            else:
                assert got == pytest.approx(want, rel=1e-12), (kode, header)
                numbers += 1
        assert row["Predikat"] == m.at[kode, "predikat"]
        assert row["Realisasi TW III"] is None and row["Realisasi TW IV"] is None
    assert numbers > 200
    # the later quarter carries the earlier one: TIK sent only TW1
    tik = data.master.indikator_of("TIK")["kode_indikator"]
    assert all(rows[k]["Realisasi TW I"] is not None and rows[k]["Realisasi"] is None for k in tik)
    # a zero target gives no capaian (never 0, never an error)
    zero = m.index[m["pembagi_nol"]]
    assert len(zero) and all(rows[k]["Capaian (%)"] is None for k in zero)
    # percentages are percent (87.5), never fractions
    caps = [r["Capaian (%)"] for r in rows.values() if r["Capaian (%)"] is not None]
    assert max(caps) > 50


def test_every_computed_number_is_a_formula_over_its_row(scenario):
    wb = openpyxl.load_workbook(scenario["tw2"])
    ws = wb["Pengukuran Kinerja"]
    hr = _header_row(ws, DOMAIN_HEADERS["Pengukuran Kinerja"])
    col = {c.value: c.column_letter for c in ws[hr] if c.value}
    kinds = {}
    for r in range(hr + 1, ws.max_row + 1):
        agregasi = ws[f"{col['Agregasi']}{r}"].value
        for h in ("Realisasi", "Realisasi s.d. TW", "Capaian (%)", "Capaian thd Target Tahunan (%)", "Predikat",
                  "Realisasi Anggaran s.d. TW (Rp)", "Serapan (%)"):
            formula = ws[f"{col[h]}{r}"].value
            assert isinstance(formula, str) and formula.startswith("="), (h, r, formula)
            assert re.search(rf"[A-Z]{r}\b", formula), (h, r, formula)  # over cells of its own row
        sd = ws[f"{col['Realisasi s.d. TW']}{r}"].value
        kinds[agregasi] = sd
    assert "SUM(" in kinds["Kumulatif"] and "AVERAGE(" in kinds["Rata-rata"]
    assert f"{col['Realisasi TW II']}" in kinds["Posisi Akhir"] and "SUM" not in kinds["Posisi Akhir"]
    # the Ringkasan counts and averages are formulas over the indicator sheets
    ring = [c.value for row in wb["Ringkasan"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any(v.startswith("=COUNTIF('Pengukuran Kinerja'!") for v in ring)
    assert any("AVERAGE('Pengukuran Kinerja'!" in v for v in ring)
    assert any("'Status Pengumpulan'!" in v for v in ring)


def test_text_people_typed_stays_text(scenario):
    wb = openpyxl.load_workbook(scenario["tw2"])
    ws = wb["Pengukuran Kinerja"]
    hr = _header_row(ws, DOMAIN_HEADERS["Pengukuran Kinerja"])
    c = next(c.column for c in ws[hr] if c.value == "Faktor Penghambat")
    cells = [ws.cell(r, c) for r in range(hr + 1, ws.max_row + 1) if ws.cell(r, c).value == TRICKY]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_formats_grouping_and_print_setup(scenario):
    wb = openpyxl.load_workbook(scenario["tw2"])
    ws = wb["Pengukuran Kinerja"]
    hr = _header_row(ws, DOMAIN_HEADERS["Pengukuran Kinerja"])
    col = {c.value: c.column for c in ws[hr] if c.value}
    r = hr + 3
    assert ws.cell(r, col["Capaian (%)"]).number_format == "0.00"
    assert ws.cell(r, col["Pagu Anggaran (Rp)"]).number_format == "#,##0"
    assert ws.cell(r, col["Target Tahunan"]).number_format in ("#,##0.00", "#,##0")
    levels = {ws.row_dimensions[r].outlineLevel for r in range(hr + 1, ws.max_row + 1)}
    assert {0, 1, 2, 3} <= levels  # Program under Sasaran, Kegiatan under Program, Sub Kegiatan under Kegiatan
    assert ws.freeze_panes == f"C{hr + 1}"
    assert ws.auto_filter.ref.startswith(f"A{hr}:")
    assert ws.page_setup.orientation == "landscape"
    # readable: F4 (paper 14) at no less than 80% (9 pt fonts print at >= 7 pt), never shrunk to one page width;
    # too wide for a page, it is printed in bands with Bidang..Indikator Kinerja repeated
    assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.paperSize == 14 and ws.page_setup.scale >= 80
    assert ws.print_title_rows.replace("$", "") == f"{hr}:{hr}"
    assert ws.print_title_cols.replace("$", "") == "A:D"
    assert "DRAF — belum final" in ws.oddHeader.left.text
    assert "Halaman &P dari &N" in ws.oddFooter.right.text
    assert ws.conditional_formatting  # predikat colours
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(col["Realisasi Anggaran TW I (Rp)"])].hidden


def test_charts_and_sparklines_are_in_the_file(scenario):
    with zipfile.ZipFile(scenario["tw2"]) as z:
        names = z.namelist()
        charts = [n for n in names if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        kinds = {re.search(rb"<c:(barChart|pieChart|lineChart|areaChart)", z.read(n)).group(1) for n in charts}
        assert len(charts) >= 3 and {b"barChart", b"pieChart"} <= kinds
        wb_xml = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        sheet_files = {}
        for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+"[^>]* r:id="(rId\d+)"', wb_xml):
            sheet_files[name] = "xl/" + re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels).group(1)
        pk = z.read(sheet_files["Pengukuran Kinerja"]).decode()
        ring_rels = z.read(sheet_files["Ringkasan"].replace("worksheets/", "worksheets/_rels/") + ".rels").decode()
    assert "drawing" in ring_rels  # the charts sit on Ringkasan
    assert "<x14:sparklineGroups" in pk
    n = len(scenario["data"].measures)
    assert pk.count("<x14:sparkline>") == n
    assert re.search(r"<xm:f>'Pengukuran Kinerja'!H5:K5</xm:f>", pk)  # TW I..IV of the first indicator row


def test_ringkasan_numbers(scenario):
    data = scenario["data"]
    wb = openpyxl.load_workbook(scenario["tw2"], data_only=True)
    ws = wb["Ringkasan"]
    cells = {str(row[0].value).strip(): row[3].value for row in ws.iter_rows(min_row=1, max_col=7)
             if row[0].value is not None}
    assert cells["Bidang yang diharapkan mengumpulkan"] == 6
    assert cells["Bidang yang sudah mengumpulkan"] == 3
    assert cells["Belum mengumpulkan"] == 3
    assert cells["Jumlah indikator"] == len(data.measures)
    assert cells["Indikator terisi (realisasi Triwulan II Tahun 2025)"] == int(data.measures["terisi"].sum())
    caps = data.measures["capaian"].dropna()
    assert cells["Rata-rata capaian s.d. TW (%)"] == pytest.approx(caps.mean(), rel=1e-12)
    counts = data.measures["predikat"].value_counts()
    assert cells["Sangat Tinggi"] == counts.get("Sangat Tinggi", 0)
    assert cells["- (belum ada capaian)"] == counts.get("-", 0)
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    s = data.settings.kantor
    assert s.kepala_nama in text and "NIP. 19700312 199503 1 002" in text and s.kota in text


def test_evaluasi_foot_rows(scenario):
    data = scenario["data"]
    wb = openpyxl.load_workbook(scenario["tw2"], data_only=True)
    ws = wb["Evaluasi Renja"]
    foot = {row[0].value: row for row in ws.iter_rows() if row[0].value in (
        "Jumlah anggaran (Rp)", "Rata-rata capaian kinerja (%)", "Predikat kinerja")}
    hr = _header_row(ws, ["No", "Capaian Kinerja s.d. TW (%)"])
    col = {c.value: c.column - 1 for c in ws[hr] if c.value}
    avg = foot["Rata-rata capaian kinerja (%)"][col["Capaian Kinerja s.d. TW (%)"]].value
    assert avg == pytest.approx(data.measures["capaian"].dropna().mean(), rel=1e-12)
    pred = foot["Predikat kinerja"][col["Capaian Kinerja s.d. TW (%)"]].value
    assert pred == data.settings.predikat_of(avg)
    total = foot["Jumlah anggaran (Rp)"][col["Pagu Anggaran (Rp)"]].value
    assert total == pytest.approx(data.measures["pagu"].sum())
    assert foot["Jumlah anggaran (Rp)"][col["Realisasi TW IV (Rp)"]].value is None  # nothing to add up yet


def test_first_quarter_rekap_and_empty_period(scenario, tmp_path):
    rows = read_sheet(scenario["tw1"], "Pengukuran Kinerja", key="Kode Indikator")
    assert all(r["Realisasi TW II"] is None for r in rows.values())
    w = scenario["w"]
    with Ledger.open(w.ws.ledger_path) as ledger:
        empty = period_data(ledger, w.master, w.settings, parse_periode("2026-TW1"))
    path = rekap.write_rekap(tmp_path / "rekap_2026-TW1.xlsx", empty)
    rows = read_sheet(path, "Pengukuran Kinerja", key="Kode Indikator")
    assert len(rows) == len(w.master.indikator)
    assert all(r["Capaian (%)"] is None and r["Predikat"] == "-" for r in rows.values())


def test_chunked_rows_match(scenario, tmp_path, monkeypatch):
    monkeypatch.setattr(rekap_base, "_CHUNK", 7)  # many slices, boundaries inside bidang
    path = rekap.write_rekap(tmp_path / "rekap.xlsx", scenario["data"])
    assert read_sheet(path, "Pengukuran Kinerja") == read_sheet(scenario["tw2"], "Pengukuran Kinerja")
    assert read_sheet(path, "Evaluasi Renja") == read_sheet(scenario["tw2"], "Evaluasi Renja")


def test_xlsxwriter_would_not_rewrite_our_formulas():
    from xlsxwriter.worksheet import Worksheet

    plain = Worksheet()
    for rule in ("2T-R", "T/R"):
        for formula in rekap.formula_shapes(rule, [(91.0, "Sangat Tinggi"), (76.0, "Tinggi"), (66.0, "Sedang"),
                                                  (51.0, "Rendah")]):
            assert plain._prepare_formula(formula) == formula[1:], formula


def test_fast_serialiser_writes_what_xlsxwriter_writes(tmp_path):
    import xlsxwriter

    def build(path: Path, cls: Any) -> bytes:
        wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                             "strings_to_urls": False})
        ws = wb.add_worksheet("S", worksheet_class=cls)
        f = wb.add_format({"num_format": "0.00", "border": 1})
        values = [1.5, 1e-300, 123456789.123456789, -0.0, "teks biasa", " spasi depan", "baris\nbaru", "a & b < c",
                  "_x0041_", "\x07bel", "<r>kaya</r>", "=SUM(A1)", "", None]
        for r, v in enumerate(values):
            if isinstance(v, float):
                ws.write_number(r, 0, v, f)
            elif v is None:
                ws.write_blank(r, 0, None, f)
            else:
                ws.write_string(r, 0, v, f)
            ws.write_formula(r, 1, f'=IF(A{r + 1}>0,"ya","<tidak>")', f, "ya")
            ws.write_formula(r, 2, f"=A{r + 1}*2", f, 0.1 + 0.2)
            ws.write_formula(r, 3, f"=A{r + 1}*2", f, "")
            ws.write_number(r, 4, r)  # no format: xlsxwriter's own path
        wb.close()
        with zipfile.ZipFile(path) as z:
            return z.read("xl/worksheets/sheet1.xml")

    assert build(tmp_path / "a.xlsx", rekap_cells._RekapSheet) == build(tmp_path / "b.xlsx", None)


# ------------------------------------------------------------------------------------------------
# LibreOffice: recalculation agrees with every cached value; the printed pages


@pytest.mark.slow
def test_libreoffice_recalculation_equals_every_cached_value(scenario, soffice, tmp_path):
    ours = [scenario["tw2"], scenario["tw1"], scenario["tr"]]
    planted = plant_wrong_cache(scenario["tw2"], tmp_path / "planted.xlsx", formula_contains=b"SUM")
    out = soffice([*ours, planted], "xlsx", tmp_path / "lo")
    numbers = texts = 0
    for mine, theirs in zip(ours, out, strict=False):
        for sheet in ("Ringkasan", "Pengukuran Kinerja", "Evaluasi Renja"):
            cached = formula_values(mine, sheet)
            recalculated = formula_values(theirs, sheet)
            assert cached.keys() <= recalculated.keys()
            for cell, value in cached.items():
                assert same_value(value, recalculated[cell]), (mine.name, sheet, cell, value, recalculated[cell])
                numbers += isinstance(value, int | float)
                texts += isinstance(value, str) and value != ""
    assert numbers > 1000 and texts > 100  # numbers and predikat texts really compared
    # the check has teeth: LibreOffice really recalculated the planted wrong value
    assert 999999 not in formula_values(out[-1], "Pengukuran Kinerja").values()


@pytest.mark.slow
def test_rekap_prints_to_pdf(scenario, soffice, tmp_path):
    (pdf,) = soffice([scenario["tw2"]], "pdf", tmp_path / "pdf")
    assert pdf.stat().st_size > 20_000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        pages = text.split("\f")
        assert "REKAPITULASI DATA KINERJA" in pages[0]
        assert "Halaman 1 dari" in pages[0]
        assert scenario["w"].settings.kantor.kepala_nama in pages[0]  # signature block
        assert "###" not in text  # every number fits its column
        pk_pages = [p for p in pages if "Pengukuran Kinerja" in p and "Kode Indikator" in p]
        assert len(pk_pages) >= 2  # the header row and the key columns are repeated on every page of the sheet
        assert any("EVALUASI TERHADAP HASIL RENJA" in p for p in pages)
        assert any("Rata-rata capaian kinerja" in p for p in pages)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "3", str(pdf), str(tmp_path / "p")],
                       check=True)
        assert len(list(tmp_path.glob("p*.png"))) == 3
