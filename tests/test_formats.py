"""Every accepted format is read with the same fidelity (issue 10 §3, domain §5 and §6a).

One real kertas kerja is filled the way people fill it (typed numbers and text, two Excel error
cells, a formula saved without its result, 85% typed into a percent-formatted cell of a Satuan %
indicator, a date where a number belongs, an ambiguous '1.500'), then rewritten into every
spelling of SpreadsheetML a program may write (ISO strict namespaces, an ``x:`` prefix, cells
without ``r``, .xlsm) and converted by LibreOffice and Gnumeric into .xlsx, .xls and .ods. Each
goes through ``kinerja-batch run --json`` in its own workspace and must come out with the same
values in the rekap and the same findings at the same cells as the original.

What a conversion legitimately changes: LibreOffice and Gnumeric calculate every formula when
they save, so the formula that had no result in the original now holds one (2) and is read as
that value; a .xls always stores a formula's result. The "formula without a result" is proven
for .ods on a file whose result was taken out, the way a script that writes formulas leaves it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner
from conftest import KK_SHEET, OLD, WS, age, fill_kertas_kerja, header_columns, read_sheet, templates_for

from kinerja_batch import formats
from kinerja_batch.cli import cli
from kinerja_batch.config import init_workspace
from kinerja_batch.ingest import read_workbook
from kinerja_batch.master import load_master

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension")

PERSEN = "2.16.01"  # SEK indicator whose Satuan is %
RUMUS = "2.16.01.2.01"
RP = "2.16.01.2.07.0005-a"
VALUES: dict[str, Any] = {
    "T-01": 3.05,
    "IKU-05": "#DIV/0!",  # openpyxl writes an error cell (t="e")
    PERSEN: 0.85,  # with the 0% format below: 85%
    RUMUS: "=SUM(1,1)",  # openpyxl writes the formula without a cached result
    "2.16.01.2.01.0001-a": "72,5",  # typed as text, Indonesian decimal comma
    "2.16.01.2.01.0006-a": "#N/A",
    "2.16.01.2.05.0009-a": "1.500",  # ANGKA_AMBIGU
    "2.16.01.2.08.0002-a": dt.datetime(2025, 3, 31),  # a date where a number belongs
}
EXTRA = {"Realisasi Anggaran (Rp)": {RP: 125_000_000, "T-01": 2_500_000.5},
         "Faktor Pendorong": {"T-01": "Dukungan pimpinan"}}

# what the original .xlsx gives (the contract every other file is held to)
EXPECTED_REAL = {"T-01": 3.05, "IKU-05": None, PERSEN: 85.0, RUMUS: None, "2.16.01.2.01.0001-a": 72.5,
                 "2.16.01.2.01.0006-a": None, "2.16.01.2.05.0009-a": 1500.0, "2.16.01.2.08.0002-a": None,
                 RP: None}
# (cell, code, value) in the ledger: the cell findings, and the temuan the values give
EXPECTED_FINDINGS = [("K10", "GALAT_EXCEL", "#DIV/0!"), ("K11", "PENJELASAN_KOSONG", "85"),
                     ("K11", "SKALA_PERSEN_DIUBAH", "0,85"), ("K12", "RUMUS_TANPA_NILAI", "=SUM(1,1)"),
                     ("K13", "CAPAIAN_TINGGI", "72,5"), ("K14", "GALAT_EXCEL", "#N/A"),
                     ("K15", "ANGKA_AMBIGU", "1.500"), ("K15", "CAPAIAN_TINGGI", "1.500"),
                     ("K17", "BUKAN_ANGKA", "tanggal 31-03-2025"), ("O13", "KINERJA_TANPA_SERAPAN", ""),
                     ("O15", "KINERJA_TANPA_SERAPAN", "")]


EXPECTED_REAL_COMPUTED = {**EXPECTED_REAL, RUMUS: 2.0}
RUMUS_ROW = "12"  # the Excel row of RUMUS


# the README's table of bad input shows these rows (tests/test_hostile.py prints it); each is proven below
README_ROWS = [
    ("a kertas kerja saved by LibreOffice or Gnumeric as .xlsx, .xls (Excel 97–2003) or .ods",
     "accepted; the same values and the same findings at the same cells as the .xlsx (error cells, 85% in a "
     "percent cell, dates, typed text); a formula the program calculated on saving is read as its result", "—"),
    (".xlsx in ISO Strict namespaces, with an `x:` prefix on every element, or with cells and rows without `r`; "
     ".xlsm", "accepted; read exactly like the usual .xlsx", "—"),
    ("error cell (`#DIV/0!`, `#N/A`, LibreOffice's `Err:502`) or a formula without a result, in any format",
     "accepted; that value withheld (galat)", "`GALAT_EXCEL`, `RUMUS_TANPA_NILAI`"),
    ("a number whose format a reader takes for a date (Gnumeric's .xls numbers its formats from 50, Excel's "
     "dates 50–58)", "read as the number stored; only a format that shows a date makes a date (galat)",
     "`BUKAN_ANGKA`"),
]


# ---------------------------------------------------------------------------------------------
# the original and its rewrites


def _workspace(root: Path, like: Path | None = None) -> WS:
    """A new workspace, or a copy of the workspace ``like`` (its key and ledger of issued forms with it: a form
    is only valid in the workspace that issued it, issue 10 §5)."""
    if like is not None:
        from kinerja_batch.config import Workspace

        shutil.copytree(like, root, ignore=shutil.ignore_patterns("inbox", "outbox"))
        for folder in ("inbox", "outbox"):
            (root / folder).mkdir()
        ws = Workspace(root)
    else:
        ws = init_workspace(root)
    return WS(ws, ws.settings(), load_master(ws.master_path))


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real kertas kerja of SEK for 2025-TW1, filled as described above."""
    import openpyxl

    root = tmp_path_factory.mktemp("format_asli")
    w = _workspace(root / "ws")
    src = templates_for(w, "2025-TW1", ["SEK"])["SEK"]
    filled = fill_kertas_kerja(src, root / "sek_asli.xlsx", VALUES, extra=EXTRA)
    wb = openpyxl.load_workbook(filled)
    ws = wb[KK_SHEET]
    hr, cols = header_columns(ws)
    rows = {ws.cell(r, cols["Kode Indikator"]).value: r for r in range(hr + 1, ws.max_row + 1)}
    ws.cell(rows[PERSEN], cols["Realisasi"]).number_format = "0%"
    assert ws.cell(rows["IKU-05"], cols["Realisasi"]).data_type == "e"
    assert ws.cell(rows[RUMUS], cols["Realisasi"]).data_type == "f"
    wb.save(filled)
    return filled


def issuer(original: Path) -> Path:
    """The workspace that issued the original (the fixture writes it beside the filled file)."""
    return original.parent / "ws"


_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_STRICT = {
    _MAIN: b"http://purl.oclc.org/ooxml/spreadsheetml/main",
    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
    b"http://schemas.openxmlformats.org/drawingml/2006/main": b"http://purl.oclc.org/ooxml/drawingml/main",
    b"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties":
        b"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
}


def _rezip(src: Path, dest: Path, edit: Callable[[str, bytes], bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith((".xml", ".rels")):
                data = edit(item.filename, data)
            zout.writestr(item, data)
    return dest


def to_strict(name: str, data: bytes) -> bytes:
    """ISO/IEC 29500 Strict: the purl.oclc.org namespaces and relationship types (Excel's 'Strict Open XML')."""
    for transitional, strict in _STRICT.items():
        data = data.replace(transitional, strict)
    if name == "xl/workbook.xml":
        data, n = re.subn(rb"<workbook\b", b'<workbook conformance="strict"', data, count=1)
        assert n == 1
    return data


def to_prefixed(name: str, data: bytes) -> bytes:
    """Every SpreadsheetML element written with an ``x:`` prefix, as the Open XML SDK writes them."""
    if _MAIN not in data[:4000]:
        return data
    for _, (prefix, uri) in ET.iterparse(io.BytesIO(data), events=("start-ns",)):
        if prefix:
            ET.register_namespace(prefix, uri)
    ET.register_namespace("x", _MAIN.decode())
    out = ET.tostring(ET.fromstring(data))
    assert b"<x:" in out and b"xmlns:x=" in out
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + out


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def without_r(name: str, data: bytes) -> bytes:
    """Cells without ``r`` (position by order, gaps written as empty ``<c/>``), rows without ``r`` too."""
    if not name.startswith("xl/worksheets/"):
        return data
    expected_row = 0

    def row(m: re.Match[bytes]) -> bytes:
        nonlocal expected_row
        number = int(re.search(rb'\br="(\d+)"', m.group(1)).group(1))  # type: ignore[union-attr]
        filler = b"<row/>" * (number - expected_row - 1)
        expected_row = number
        cells, prev = [], 0
        for c in re.finditer(rb'<c r="([A-Z]+)\d+"([^>]*?)(/>|>(.*?)</c>)', m.group(2), re.S):
            col = _col(c.group(1))
            cells.append(b"<c/>" * (col - prev - 1))
            cells.append(b"<c" + c.group(2) + (b"/>" if c.group(3) == b"/>" else b">" + c.group(4) + b"</c>"))
            prev = col
        attrs = re.sub(rb'\s(r|spans)="[^"]*"', b"", m.group(1))
        return filler + b"<row" + attrs + b">" + b"".join(cells) + b"</row>"

    out = re.sub(rb"<row\b([^>]*)>(.*?)</row>", row, data, flags=re.S)
    assert b'<c r="' not in out
    return out


_CT_XLSX = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_CT_XLSM = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def to_xlsm(name: str, data: bytes) -> bytes:
    if name == "[Content_Types].xml":
        assert _CT_XLSX in data
        return data.replace(_CT_XLSX, _CT_XLSM)
    return data


REWRITES: dict[str, tuple[str, Callable[[str, bytes], bytes]]] = {
    "strict": ("xlsx", to_strict),
    "prefix_x": ("xlsx", to_prefixed),
    "tanpa_r": ("xlsx", without_r),
    "makro": ("xlsm", to_xlsm),
}


# ---------------------------------------------------------------------------------------------
# through the command line, read back from what a person sees


def ingest(tmp: Path, path: Path, name: str, issued_in: Path) -> dict[str, Any]:
    """A copy of the workspace that issued the form (``issued_in``), the file in its inbox, ``run --json``;
    what the outputs say."""
    w = _workspace(tmp / "ws", like=issued_in)
    templates_for(w, "2025-TW1", ["SEK"])
    dest = w.ws.inbox / name
    shutil.copyfile(path, dest)
    age(dest, OLD)
    result = CliRunner().invoke(cli, ["-w", str(w.ws.root), "run", "--json"])
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.output)
    [f] = report["files"]
    rekap = w.ws.outbox / "rekap_2025-TW1.xlsx"
    pengukuran = read_sheet(rekap, "Pengukuran Kinerja", key="Kode Indikator")
    galat = [(r["Sel"], r["Kode"], r["Nilai"]) for r in read_sheet(rekap, "Galat Validasi")
             if r.get("Kode")]
    con = sqlite3.connect(w.ws.ledger_path)
    ledger = sorted(con.execute("SELECT sel, kode, nilai FROM temuan WHERE file_id IS NOT NULL AND sel != ''"))
    con.close()
    sek = pengukuran
    return {
        "file": (f["hasil"], f["kode"], f["terisi"], f["galat"]),
        "realisasi": {k: sek[k]["Realisasi"] for k in EXPECTED_REAL},
        "anggaran": {k: sek[k]["Realisasi Anggaran s.d. TW (Rp)"] for k in ("T-01", RP)},
        "target": {k: (sek[k]["Target Tahunan"], sek[k]["Target s.d. TW"]) for k in EXPECTED_REAL},
        "capaian": {k: (sek[k]["Capaian (%)"], sek[k]["Predikat"]) for k in EXPECTED_REAL},
        "galat": sorted(galat),
        "temuan": [tuple(r) for r in ledger],
    }


def _same_as(got: dict[str, Any], want: dict[str, Any], *, computed: bool = False) -> None:
    """The same values and findings; ``computed``: the formula row holds the result the program saved."""
    for key in ("anggaran", "target"):
        assert got[key] == want[key], key
    if not computed:
        for key in ("file", "realisasi", "capaian", "galat", "temuan"):
            assert got[key] == want[key], key
        return
    assert got["realisasi"] == EXPECTED_REAL_COMPUTED
    assert got["file"] == (want["file"][0], want["file"][1], want["file"][2] + 1, want["file"][3] - 1)
    assert {k: v for k, v in got["capaian"].items() if k != RUMUS} == \
           {k: v for k, v in want["capaian"].items() if k != RUMUS}
    assert got["capaian"][RUMUS] == (100, "Sangat Tinggi")  # 2 of the quarter's target 2

    def other_rows(found: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
        return [f for f in found if re.sub(r"[A-Z]+", "", f[0]) != RUMUS_ROW]

    assert other_rows(got["galat"]) == other_rows(want["galat"])
    assert other_rows(got["temuan"]) == other_rows(want["temuan"])
    assert [f[1] for f in got["temuan"] if f[1] in ("RUMUS_TANPA_NILAI", "GALAT_EXCEL")] == \
           ["GALAT_EXCEL", "GALAT_EXCEL"]


@pytest.fixture(scope="module")
def baseline(original: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    got = ingest(tmp_path_factory.mktemp("format_dasar"), original, "sek_asli.xlsx", issuer(original))
    return got


def test_the_original_reads_as_the_contract_says(baseline: dict[str, Any]) -> None:
    assert baseline["realisasi"] == EXPECTED_REAL
    assert baseline["file"] == ("diterima", "", 4, 4)  # T-01, 85%, 72,5 and 1.500 used; 4 galat
    assert baseline["anggaran"] == {"T-01": 2_500_000.5, RP: 125_000_000}
    assert baseline["target"]["T-01"] == (3.1, 2.9) and baseline["target"][PERSEN] == (100, 100)
    assert baseline["capaian"][PERSEN] == (85, "Tinggi")  # not 0,85% "Sangat Rendah"
    assert baseline["temuan"] == EXPECTED_FINDINGS
    assert baseline["galat"] == [("K10", "GALAT_EXCEL", "#DIV/0!"), ("K12", "RUMUS_TANPA_NILAI", "=SUM(1,1)"),
                                 ("K14", "GALAT_EXCEL", "#N/A"), ("K17", "BUKAN_ANGKA", "tanggal 31-03-2025")]


@pytest.mark.parametrize("variant", list(REWRITES))
def test_every_spelling_of_spreadsheetml_reads_the_same(variant: str, original: Path, baseline: dict[str, Any],
                                                        tmp_path: Path) -> None:
    ext, edit = REWRITES[variant]
    path = _rezip(original, tmp_path / f"sek_{variant}.{ext}", edit)
    if variant == "strict":  # nothing of the transitional namespace is left
        with zipfile.ZipFile(path) as zf:
            assert all(_MAIN not in zf.read(n) for n in zf.namelist() if n.endswith(".xml"))
    _same_as(ingest(tmp_path, path, path.name, issuer(original)), baseline)


# ---------------------------------------------------------------------------------------------
# LibreOffice and Gnumeric


def needs_ssconvert() -> None:
    if shutil.which("ssconvert") is None and not os.environ.get("CI"):
        pytest.skip("Gnumeric (ssconvert) tidak terpasang")


_GNUMERIC = {"xlsx": "Gnumeric_Excel:xlsx2", "xls": "Gnumeric_Excel:excel_biff8", "ods": "Gnumeric_OpenCalc:openoffice"}


def ssconvert(src: Path, ext: str, dest: Path) -> Path:
    needs_ssconvert()
    done = subprocess.run(["ssconvert", "-T", _GNUMERIC[ext], str(src), str(dest)], capture_output=True, text=True,
                          timeout=300)
    assert dest.exists(), done.stderr
    return dest


@pytest.mark.slow
@pytest.mark.parametrize("ext", ["xlsx", "xls", "ods"])
def test_saved_by_libreoffice_reads_the_same(ext: str, original: Path, baseline: dict[str, Any], tmp_path: Path,
                                             soffice: Any) -> None:
    [path] = soffice([original], ext, tmp_path / "lo")
    _same_as(ingest(tmp_path, path, f"sek_lo.{ext}", issuer(original)), baseline, computed=True)


@pytest.mark.slow
@pytest.mark.parametrize("ext", ["xlsx", "xls", "ods"])
def test_saved_by_gnumeric_reads_the_same(ext: str, original: Path, baseline: dict[str, Any],
                                          tmp_path: Path) -> None:
    path = ssconvert(original, ext, tmp_path / f"sek_gnumeric.{ext}")
    _same_as(ingest(tmp_path, path, path.name, issuer(original)), baseline, computed=True)


@pytest.mark.slow
def test_ods_formula_without_its_result(original: Path, baseline: dict[str, Any], tmp_path: Path,
                                        soffice: Any) -> None:
    """An .ods whose formula cell holds no result (a script wrote it): RUMUS_TANPA_NILAI, as in the xlsx."""
    [lo] = soffice([original], "ods", tmp_path / "lo")

    def drop_result(name: str, data: bytes) -> bytes:
        if name != "content.xml":
            return data
        pattern = (rb'(<table:table-cell [^>]*table:formula="of:=SUM\(1;1\)")[^>]*?'
                   rb'(?:/>|>.*?</table:table-cell>)')
        out, n = re.subn(pattern, rb"\1/>", data, count=1, flags=re.S)
        assert n == 1
        return out

    path = _rezip(lo, tmp_path / "sek_rumus.ods", drop_result)
    _same_as(ingest(tmp_path, path, path.name, issuer(original)), baseline)


@pytest.mark.slow
def test_gnumeric_xls_numbers_are_never_dates(workspace: WS, tmp_path: Path) -> None:
    """Gnumeric numbers an .xls's own formats from 50: a reader takes them for Excel's dates 50-58.

    Targets written with such a format (as kertas kerja before this fix were) still read as the
    numbers they are: no false TARGET_DIUBAH. The kertas kerja itself uses only built-in formats.
    """
    import openpyxl
    from python_calamine import CalamineWorkbook

    src = templates_for(workspace, "2025-TW1", ["SEK"])["SEK"]
    old_style = fill_kertas_kerja(src, tmp_path / "sek_format_lama.xlsx", {"T-01": 3.05, PERSEN: 90})
    wb = openpyxl.load_workbook(old_style)
    ws = wb[KK_SHEET]
    hr, cols = header_columns(ws)
    for r in range(hr + 1, ws.max_row + 1):
        for h in ("Target Tahunan", "Target s.d. TW", "Realisasi"):
            ws.cell(r, cols[h]).number_format = "#,##0.##########"
    wb.save(old_style)
    xls = ssconvert(old_style, "xls", tmp_path / "sek_format_lama.xls")
    book = CalamineWorkbook.from_path(str(xls))
    rows = book.get_sheet_by_name(KK_SHEET).to_python()
    assert any(isinstance(v, dt.date) for row in rows for v in row)  # the reader's guess, still wrong
    book.close()
    got = ingest(tmp_path / "run", xls, xls.name, workspace.ws.root)
    assert got["file"] == ("diterima", "", 2, 0)
    assert got["realisasi"]["T-01"] == 3.05 and got["realisasi"][PERSEN] == 90
    assert got["target"][PERSEN] == (100, 100)
    assert [t for t in got["temuan"] if t[1] == "TARGET_DIUBAH"] == []

    # today's kertas kerja: no format a reader could mistake, even before our own check
    fresh = fill_kertas_kerja(src, tmp_path / "sek_baru.xlsx", {"T-01": 3.05})
    rows = CalamineWorkbook.from_path(str(ssconvert(fresh, "xls", tmp_path / "sek_baru.xls"))) \
        .get_sheet_by_name(KK_SHEET).to_python()
    assert not any(isinstance(v, dt.date | dt.time) for row in rows for v in row)


# ---------------------------------------------------------------------------------------------
# the rules, small


@pytest.mark.parametrize(("code", "date", "percent"), [
    ("General", False, False), ("0", False, False), ("#,##0.##########", False, False), ("0.00E+00", False, False),
    ('#,##0 "hari"', False, False), ("[Red]0.00", False, False), ("[$Rp-421] #,##0", False, False),
    ("0%", False, True), ("0.00%", False, True), ('0 "%"', False, False), ("0\\%", False, False),
    ("dd/mm/yyyy", True, False), ("[$-421]d mmmm yyyy", True, False), ("h:mm", True, False),
    ("[h]:mm:ss", True, False), ("mmm-yy", True, False), ("Standard", False, False),
])
def test_number_formats(code: str, date: bool, percent: bool) -> None:
    assert formats.is_date_format(code) is date
    assert formats.is_percent_format(code) is percent


def test_a_date_typed_into_realisasi_stays_a_date(workspace: WS, tmp_path: Path) -> None:
    """The date rule has two sides: a date format is a date whatever the stored serial (BUKAN_ANGKA)."""
    src = templates_for(workspace, "2025-TW1", ["SEK"])["SEK"]
    path = fill_kertas_kerja(src, tmp_path / "tanggal.xlsx", {"T-01": dt.date(2025, 3, 31), "IKU-05": 70})
    raw = read_workbook(path, "xlsx")
    values = {str(v[raw.column("Kode Indikator")]): v[raw.column("Realisasi")] for _, v in raw.rows}
    assert isinstance(values["T-01"], dt.date) and values["T-01"].timetuple()[:3] == (2025, 3, 31)
    assert values["IKU-05"] == 70.0 and raw.cells["K9"].date_format


@pytest.mark.slow
def test_libreoffice_error_of_its_own_in_ods(workspace: WS, tmp_path: Path, soffice: Any) -> None:
    """LibreOffice writes errors Excel has no name for as ``Err:5xx`` in an .ods: a galat, never blank."""
    src = templates_for(workspace, "2025-TW1", ["SEK"])["SEK"]
    filled = fill_kertas_kerja(src, tmp_path / "sek_err.xlsx", {"T-01": 3.05, "IKU-05": "=SQRT(-1)"})
    [ods] = soffice([filled], "ods", tmp_path / "lo")
    with zipfile.ZipFile(ods) as zf:
        assert b"Err:502" in zf.read("content.xml")
    got = ingest(tmp_path / "run", ods, "sek_err.ods", workspace.ws.root)
    assert got["galat"] == [("K10", "GALAT_EXCEL", "Err:502")]
    assert got["realisasi"]["T-01"] == 3.05 and got["realisasi"]["IKU-05"] is None


def _answered(tmp: Path, original: Path) -> tuple[Path, Path]:
    """A workspace that took the original, and its confirmation workbook answered with openpyxl:
    Perbaiki 90% (a percent-formatted Nilai Koreksi of the % indicator) and Perbaiki #DIV/0!."""
    import openpyxl

    w = _workspace(tmp / "ws", like=issuer(original))
    shutil.copyfile(original, w.ws.inbox / "sek.xlsx")
    age(w.ws.inbox / "sek.xlsx", OLD)
    assert CliRunner().invoke(cli, ["-w", str(w.ws.root), "run"]).exit_code in (0, 1)
    konf = w.ws.outbox / "konfirmasi" / "2025-TW1" / "konfirmasi_SEK_2025-TW1.xlsx"
    wb = openpyxl.load_workbook(konf)
    sh = wb["Konfirmasi"]
    hr = next(r for r in range(1, 40) if sh.cell(r, 1).value == "ID Temuan")
    col = {c.value: c.column for c in sh[hr] if c.value}
    answers = {(PERSEN, "PENJELASAN_KOSONG"): 0.9, ("2.16.01.2.01.0001-a", "CAPAIAN_TINGGI"): "#DIV/0!"}
    done = 0
    for r in range(hr + 1, sh.max_row + 1):
        key = (sh.cell(r, col["Kode Indikator"]).value, sh.cell(r, col["Kode Temuan"]).value)
        if key in answers:
            sh.cell(r, col["Tanggapan"]).value = "Perbaiki"
            sh.cell(r, col["Nilai Koreksi"]).value = answers[key]
            sh.cell(r, col["Nilai Koreksi"]).number_format = "0%"
            done += 1
    assert done == 2
    answered = tmp / "konfirmasi_SEK_2025-TW1.xlsx"
    wb.save(answered)
    return w.ws.root, answered


def _apply(root: Path, answered: Path, tmp: Path) -> tuple[Any, ...]:
    ws_copy = tmp / "ws"
    shutil.copytree(root, ws_copy)
    dest = ws_copy / "inbox" / answered.name
    shutil.copyfile(answered, dest)
    age(dest, OLD)
    result = CliRunner().invoke(cli, ["-w", str(ws_copy), "run", "--json"])
    assert result.exit_code in (0, 1), result.output
    [f] = json.loads(result.output)["files"]
    pengukuran = read_sheet(ws_copy / "outbox" / "rekap_2025-TW1.xlsx", "Pengukuran Kinerja", key="Kode Indikator")
    return f["hasil"], f["galat"], re.sub(r"\S+\.(xlsx|xls|ods)", "", f["pesan"]), pengukuran[PERSEN]["Realisasi"]


@pytest.mark.slow
def test_confirmation_answers_read_the_same_in_every_format(original: Path, tmp_path: Path, soffice: Any) -> None:
    root, answered = _answered(tmp_path / "asal", original)
    want = _apply(root, answered, tmp_path / "xlsx")
    assert want[0] == "konfirmasi" and want[1] == 1 and want[3] == 90  # 90%, not 0,9; #DIV/0! refused
    assert "1 dikoreksi, 1 tanggapan tidak valid" in want[2], want
    [ods] = soffice([answered], "ods", tmp_path / "lo")
    assert _apply(root, ods, tmp_path / "ods") == want
    xls = ssconvert(answered, "xls", tmp_path / "konfirmasi_SEK_2025-TW1.xls")
    assert _apply(root, xls, tmp_path / "xls") == want


@pytest.mark.slow
def test_ods_rows_over_the_limit(original: Path, tmp_path: Path, soffice: Any) -> None:
    """A row repeated 30.000 times in an .ods (one element, many rows): rejected like the xlsx, not spelled out."""
    [lo] = soffice([original], "ods", tmp_path / "lo")

    def repeat_row(name: str, data: bytes) -> bytes:
        if name != "content.xml":
            return data
        out, n = re.subn(rb"<table:table-row( [^>]*)?>(?=(?:(?!</table:table-row>).)*>T-01<)",
                         rb'<table:table-row table:number-rows-repeated="30000"\1>', data, count=1, flags=re.S)
        assert n == 1
        return out

    path = _rezip(lo, tmp_path / "sek_baris.ods", repeat_row)
    w = _workspace(tmp_path / "ws")
    templates_for(w, "2025-TW1", ["SEK"])
    shutil.copyfile(path, w.ws.inbox / path.name)
    age(w.ws.inbox / path.name, OLD)
    result = CliRunner().invoke(cli, ["-w", str(w.ws.root), "run", "--json"])
    [f] = json.loads(result.output)["files"]
    assert (f["hasil"], f["kode"]) == ("ditolak", "TERLALU_BESAR"), f
    assert "batas 20.000 baris" in f["pesan"]
