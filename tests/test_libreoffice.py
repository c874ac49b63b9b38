"""The real spreadsheet application: LibreOffice opens, recalculates, re-saves and prints what we write."""

from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest
from conftest import fill_kertas_kerja, formula_values, plant_wrong_cache, same_value, templates_for

from kinerja_batch.ingest import read_workbook
from kinerja_batch.periode import parse_periode
from kinerja_batch.templates import write_templates
from kinerja_batch.validate import identify, parse_kertas_kerja

pytestmark = pytest.mark.slow


def test_kertas_kerja_recalculated_by_libreoffice_equals_cached(workspace, tmp_path, soffice):
    w = workspace
    # TW3 with accepted TW1/TW2 history, so every agregasi and polaritas has numbers to compute
    ind = w.master.indikator
    history = pd.DataFrame(
        [{"kode_indikator": k, "tw": tw, "realisasi": 10.0 * tw + i % 7, "anggaran": 1000.0 * tw}
         for i, k in enumerate(ind["kode_indikator"]) for tw in (1, 2)]
    )
    infos = write_templates(w.ws, w.master, w.settings, parse_periode("2025-TW3"), history=history)
    planted = plant_wrong_cache(infos[0].path, tmp_path / "planted.xlsx")
    out = soffice([i.path for i in infos] + [planted], "xlsx", tmp_path / "lo")
    compared = 0
    for info, lo in zip(infos, out, strict=False):
        ours = formula_values(info.path, "Kertas Kerja")
        theirs = formula_values(lo, "Kertas Kerja")
        assert set(ours) <= set(theirs)
        for cell, value in ours.items():
            assert same_value(value, theirs[cell], rel=1e-9), (info.path.name, cell, value, theirs[cell])
            compared += isinstance(value, float | int)
    assert compared > 50  # numbers were really compared, not only blanks
    # the check has teeth: LibreOffice really recalculated the planted wrong value
    planted_values = formula_values(out[-1], "Kertas Kerja")
    assert 999999 not in planted_values.values()


def test_kertas_kerja_prints_to_pdf(workspace, tmp_path, soffice):
    paths = templates_for(workspace, "2025-TW2")
    pdfs = soffice(list(paths.values()), "pdf", tmp_path / "pdf")
    for pdf in pdfs:
        assert pdf.stat().st_size > 5000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdfs[0]), "-"], capture_output=True, text=True).stdout
        assert "KERTAS KERJA PENGUMPULAN DATA KINERJA" in text
        assert "PETUNJUK PENGISIAN" in text
        assert "Halaman 1 dari" in text
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdfs[0]), str(tmp_path / "p")],
                       check=True)
        assert list(tmp_path.glob("p*.png"))


def test_resaved_by_libreoffice_ingests_to_the_same_values(workspace, tmp_path, soffice):
    w = workspace
    paths = templates_for(w, "2025-TW1", ["IKP"])
    codes = list(w.master.indikator_of("IKP")["kode_indikator"])
    values = {codes[0]: 12.5, codes[1]: "75,5", codes[2]: 0, codes[3]: "1.234.567,8"}
    filled = fill_kertas_kerja(paths["IKP"], tmp_path / "ikp.xlsx", values,
                               extra={"Realisasi Anggaran (Rp)": {codes[0]: 2_500_000},
                                      "Faktor Penghambat": {codes[1]: "Cuaca buruk; pengadaan tertunda"}})
    resaved = soffice([filled], "xlsx", tmp_path / "lo")[0]

    def parsed(path):
        raw = read_workbook(path, "xlsx")
        ident = identify(raw, w.master, file=path.name, known_periods=[parse_periode("2025-TW1")])
        p = parse_kertas_kerja(raw, ident, w.master, file=path.name)
        rows = {r["kode_indikator"]: (r["realisasi"], r["anggaran"], r["penghambat"]) for r in p.rows}
        return ident, rows, sorted((f.code, f.cell) for f in p.findings)

    original, again = parsed(filled), parsed(resaved)
    assert again == original
    assert original[1][codes[3]][0] == pytest.approx(1234567.8)


def test_genuine_form_resaved_by_libreoffice_still_verifies(workspace, tmp_path, soffice):
    """LibreOffice keeps the metadata sheet (as a hidden sheet) in .xlsx, .ods and .xls: a genuine kertas kerja
    re-saved by it is still a signed form, accepted and shown as signed (issue 10 §5)."""
    import json
    import sqlite3

    from click.testing import CliRunner
    from conftest import drop, read_sheet

    from kinerja_batch.cli import cli

    w = workspace
    paths = templates_for(w, "2025-TW1", ["SEK"])
    codes = list(w.master.indikator_of("SEK")["kode_indikator"])
    filled = fill_kertas_kerja(paths["SEK"], tmp_path / "sek.xlsx", {codes[0]: 3.1, codes[1]: "72,5"})
    converted = [soffice([filled], fmt, tmp_path / f"lo_{fmt}")[0] for fmt in ("xlsx", "ods", "xls")]
    for path in converted:
        drop(w.ws, path, f"sek_lo.{path.suffix[1:]}")
    result = CliRunner().invoke(cli, ["-w", str(w.ws.root), "run", "--periode", "2025-TW1", "--json"])
    report = json.loads(result.output)
    assert sorted((f["berkas"], f["hasil"], f["kode"]) for f in report["files"]) == [
        ("sek_lo.ods", "diterima", ""), ("sek_lo.xls", "diterima", ""), ("sek_lo.xlsx", "diterima", "")]
    con = sqlite3.connect(w.ws.ledger_path)
    assert [r[0] for r in con.execute("SELECT tanda_tangan FROM submissions")] == ["sah"] * 3
    con.close()
    status = read_sheet(w.ws.rekap_path(parse_periode("2025-TW1")), "Status Pengumpulan", key="Bidang")
    assert status["SEK"]["Tanda Tangan"] == "Sah" and status["SEK"]["Berkas"].startswith("sek_lo.")
    rows = read_sheet(w.ws.rekap_path(parse_periode("2025-TW1")), "Pengukuran Kinerja", key="Kode Indikator")
    assert (rows[codes[0]]["Realisasi"], rows[codes[1]]["Realisasi"]) == (3.1, 72.5)
