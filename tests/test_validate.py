"""Reading a returned kertas kerja: every number rule of domain §5 and every cell-level code of §6,
each found at its cell (``'Kertas Kerja'!L12``) in the message."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import header_columns, templates_for

from kinerja_batch import layout
from kinerja_batch.ingest import read_workbook
from kinerja_batch.periode import parse_periode
from kinerja_batch.validate import Rejected, identify, parse_kertas_kerja


@pytest.fixture
def blank(workspace):
    paths = templates_for(workspace, "2025-TW1", ["SEK"])
    return workspace, paths["SEK"]


def _edit(src: Path, dest: Path, edit) -> Path:
    wb = openpyxl.load_workbook(src)
    ws = wb["Kertas Kerja"]
    hr, cols = header_columns(ws)
    rows = {ws.cell(r, cols["Kode Indikator"]).value: r for r in range(hr + 1, ws.max_row + 1)
            if ws.cell(r, cols["Kode Indikator"]).value}
    edit(wb, ws, cols, rows)
    wb.save(dest)
    return dest


def _parse(w, path: Path):
    raw = read_workbook(path, "xlsx")
    ident = identify(raw, w.master, file=path.name, known_periods=[parse_periode("2025-TW1")])
    return parse_kertas_kerja(raw, ident, w.master, file=path.name)


def _cell(cols, rows, kode, header="Realisasi"):
    return layout.cell_ref(rows[kode] - 1, cols[header] - 1)


# domain §5, rule by rule: what was typed -> value used (None = not filled / not used), code
NUMBER_RULES = [
    ("nfkc full-width digits", "１２３", 123.0, None),
    ("nbsp and zero-width", "1\u00a0234,5\u200b", 1234.5, None),
    ("dash is not filled", "-", None, None),
    ("em dash is not filled", "—", None, None),
    ("N/A is not filled", "N/A", None, None),
    ("tidak ada is not filled", "tidak ada", None, None),
    ("zero is a real zero", "0", 0.0, None),
    ("Rp prefix", "Rp 1.500.000", 1500000.0, None),
    ("Rp. prefix with decimals", "Rp.2.500.000,50", 2500000.5, None),
    ("percent suffix", "85%", 85.0, None),
    ("both marks, comma last", "1.234.567,89", 1234567.89, None),
    ("both marks, dot last", "1,234,567.89", 1234567.89, None),
    ("decimal comma", "75,5", 75.5, None),
    ("comma thousands groups", "1,234,567", 1234567.0, None),
    ("single dot + 3 digits is ambiguous", "1.500", 1500.0, "ANGKA_AMBIGU"),
    ("several dot groups are thousands", "2.500.000", 2500000.0, None),
    ("dot decimal", "4.25", 4.25, None),
    ("words are not numbers", "tujuh puluh", None, "BUKAN_ANGKA"),
    ("status words are not numbers", "tercapai", None, "BUKAN_ANGKA"),
    ("plus-minus is not a number", "±80", None, "BUKAN_ANGKA"),
    ("a real number cell", 42.5, 42.5, None),
]


def test_every_number_rule_at_its_cell(blank, tmp_path):
    w, src = blank
    codes = list(w.master.indikator_of("SEK")["kode_indikator"])
    # a kertas kerja has fewer rows than rules: fill several copies, one rule per row
    n = len(codes)
    for start in range(0, len(NUMBER_RULES), n):
        chunk = NUMBER_RULES[start:start + n]

        def edit(wb, ws, cols, rows, chunk=chunk):
            for (_, typed, _, _), kode in zip(chunk, codes, strict=False):
                ws.cell(rows[kode], cols["Realisasi"]).value = typed
            ws.cell(rows[codes[-1]], cols["Realisasi"]).value = ws.cell(rows[codes[-1]], cols["Realisasi"]).value or 1

        path = _edit(src, tmp_path / f"rules_{start}.xlsx", edit)
        parsed = _parse(w, path)
        got = {r["kode_indikator"]: r["realisasi"] for r in parsed.rows}
        wb = openpyxl.load_workbook(path)
        hr, cols = header_columns(wb["Kertas Kerja"])
        for (name, _typed, value, code), kode in zip(chunk, codes, strict=False):
            if kode == codes[-1] and len(chunk) == n:
                continue
            assert got[kode] == (pytest.approx(value) if value is not None else None), name
            found = [(f.code, f.cell) for f in parsed.findings if f.kode_indikator == kode]
            expected_cell = layout.cell_ref(
                next(r for r in range(hr + 1, hr + 200) if wb["Kertas Kerja"].cell(r, cols["Kode Indikator"]).value
                     == kode) - 1, cols["Realisasi"] - 1)
            assert found == ([(code, expected_cell)] if code else []), name
            for f in parsed.findings:
                if f.kode_indikator == kode:
                    assert f"'Kertas Kerja'!{expected_cell}" in f.message, f.message


def test_percent_formatted_cell_in_a_percent_indicator(blank, tmp_path):
    w, src = blank
    sek = w.master.indikator_of("SEK")
    pct = sek[sek["satuan"] == "%"]["kode_indikator"].iloc[0]
    count = sek[sek["satuan"] != "%"]["kode_indikator"].iloc[0]

    def edit(wb, ws, cols, rows):
        for kode in (pct, count):
            cell = ws.cell(rows[kode], cols["Realisasi"])
            cell.value = 0.85
            cell.number_format = "0%"

    parsed = _parse(w, _edit(src, tmp_path / "pct.xlsx", edit))
    got = {r["kode_indikator"]: r["realisasi"] for r in parsed.rows}
    assert got[pct] == pytest.approx(85.0)
    assert got[count] == pytest.approx(0.85)  # a count is never rescaled
    assert [(f.code, f.level) for f in parsed.findings] == [("SKALA_PERSEN_DIUBAH", "info")]


CELL_CODES = ["NILAI_NEGATIF", "GALAT_EXCEL", "RUMUS_TANPA_NILAI", "KODE_TIDAK_DIKENAL", "KODE_GANDA",
              "BARIS_HILANG", "TARGET_DIUBAH"]


@pytest.mark.parametrize("code", CELL_CODES)
def test_each_cell_code_names_its_cell(blank, tmp_path, code):
    w, src = blank
    codes = list(w.master.indikator_of("SEK")["kode_indikator"])
    a, b = codes[0], codes[1]
    expect: dict = {}

    def edit(wb, ws, cols, rows):
        ws.cell(rows[codes[-1]], cols["Realisasi"]).value = 1  # something filled, so the file is not empty
        if code == "NILAI_NEGATIF":
            ws.cell(rows[a], cols["Realisasi"]).value = -5
            expect["cells"] = [("NILAI_NEGATIF", _cell(cols, rows, a))]
        elif code == "GALAT_EXCEL":
            ws.cell(rows[a], cols["Realisasi"]).value = "#DIV/0!"
            expect["cells"] = [("GALAT_EXCEL", _cell(cols, rows, a))]
        elif code == "RUMUS_TANPA_NILAI":
            ws.cell(rows[a], cols["Realisasi"]).value = "=1+1"  # openpyxl stores no cached result
            expect["cells"] = [("RUMUS_TANPA_NILAI", _cell(cols, rows, a))]
        elif code == "KODE_TIDAK_DIKENAL":
            ws.cell(rows[a], cols["Kode Indikator"]).value = "ZZZ-99"
            ws.cell(rows[a], cols["Realisasi"]).value = 3
            expect["cells"] = [("KODE_TIDAK_DIKENAL", _cell(cols, rows, a, "Kode Indikator")),
                               ("BARIS_HILANG", "")]
        elif code == "KODE_GANDA":
            ws.cell(rows[b], cols["Kode Indikator"]).value = a
            expect["cells"] = [("KODE_GANDA", _cell(cols, rows, a, "Kode Indikator")), ("BARIS_HILANG", "")]
        elif code == "BARIS_HILANG":
            ws.delete_rows(rows[a])
            expect["cells"] = [("BARIS_HILANG", "")]
        elif code == "TARGET_DIUBAH":
            ws.cell(rows[a], cols["Target s.d. TW"]).value = 12345
            ws.cell(rows[a], cols["Realisasi"]).value = 5
            expect["cells"] = [("TARGET_DIUBAH", _cell(cols, rows, a, "Target s.d. TW"))]

    parsed = _parse(w, _edit(src, tmp_path / f"{code}.xlsx", edit))
    assert sorted((f.code, f.cell) for f in parsed.findings) == sorted(expect["cells"])
    for f in parsed.findings:
        if f.cell:
            assert f"'Kertas Kerja'!{f.cell}" in f.message
        assert f.bidang == "SEK" and f.file == f"{code}.xlsx"
    used = {r["kode_indikator"]: r["realisasi"] for r in parsed.rows}
    if code in ("NILAI_NEGATIF", "GALAT_EXCEL", "RUMUS_TANPA_NILAI"):
        assert used[a] is None  # a galat value is never used
    if code == "KODE_GANDA":
        assert a not in used  # both rows ignored
    if code == "TARGET_DIUBAH":
        assert used[a] == 5  # the value is used; the master's target wins in measurement


def test_no_realisasi_at_all_is_rejected(blank, tmp_path):
    w, src = blank
    with pytest.raises(Rejected) as exc:
        _parse(w, _edit(src, tmp_path / "kosong.xlsx", lambda *a: None))
    assert exc.value.finding.code == "TIDAK_ADA_ISIAN"


def test_moved_columns_title_rows_and_renamed_sheet_still_read(blank, tmp_path):
    w, src = blank
    codes = list(w.master.indikator_of("SEK")["kode_indikator"])

    def edit(wb, ws, cols, rows):
        ws.cell(rows[codes[0]], cols["Realisasi"]).value = 7
        ws.cell(rows[codes[1]], cols["Realisasi"]).value = "8,5"
        ws.insert_rows(1, 3)  # extra title rows
        ws.insert_cols(2, 2)  # inserted columns before the code
        ws.title = "Isian Bidang"

    parsed = _parse(w, _edit(src, tmp_path / "moved.xlsx", edit))
    got = {r["kode_indikator"]: r["realisasi"] for r in parsed.rows}
    assert (got[codes[0]], got[codes[1]]) == (7, 8.5)
    assert parsed.rows[0]["sheet"] == "Isian Bidang"
    assert [f.code for f in parsed.findings if f.level == "galat"] == []


def test_without_metadata_identified_by_codes_and_title(blank, tmp_path):
    w, src = blank
    codes = list(w.master.indikator_of("SEK")["kode_indikator"])

    def edit(wb, ws, cols, rows):
        ws.cell(rows[codes[0]], cols["Realisasi"]).value = 7
        del wb[layout.SHEET_META]

    path = _edit(src, tmp_path / "nometa.xlsx", edit)
    raw = read_workbook(path, "xlsx")
    ident = identify(raw, w.master, file="nometa.xlsx", known_periods=[parse_periode("2025-TW1")])
    assert (ident.kode_bidang, str(ident.periode), ident.by_metadata) == ("SEK", "2025-TW1", False)


@pytest.mark.parametrize(("meta", "code"), [
    ({"kode_bidang": "XYZ"}, "BIDANG_TIDAK_DIKENAL"),
    ({"periode": "2019-TW1"}, "PERIODE_TIDAK_DIKENAL"),
    ({"periode": "bukan periode"}, "PERIODE_TIDAK_DIKENAL"),
])
def test_metadata_naming_what_the_workspace_does_not_have(blank, tmp_path, meta, code):
    w, src = blank

    def edit(wb, ws, cols, rows):
        m = wb[layout.SHEET_META]
        for row in m.iter_rows():
            if row[0].value in meta:
                row[1].value = meta[row[0].value]

    path = _edit(src, tmp_path / "meta.xlsx", edit)
    raw = read_workbook(path, "xlsx")
    with pytest.raises(Rejected) as exc:
        identify(raw, w.master, file="meta.xlsx", known_periods=[parse_periode("2025-TW1")])
    assert exc.value.finding.code == code
    assert "meta.xlsx" in exc.value.finding.message
