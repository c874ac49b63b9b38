"""People type into the kertas kerja in LibreOffice, in Indonesian and English locales, and the rekap
shows what they meant.

Each value is typed through LibreOffice's own input line (tests/uno_typist.py over the UNO bridge), so
the locale decides what Calc stores: a number, a percentage, or text it could not read as a number (an
English-locale user typing Indonesian "2,75"). The file is saved by LibreOffice, dropped into the inbox,
run, and the numbers are read back from the rekap's Pengukuran Kinerja sheet.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import openpyxl
import pytest
from conftest import KK_SHEET, drop, header_columns, needs_soffice, read_sheet, run_batch, templates_for

pytestmark = pytest.mark.slow

SYSTEM_PYTHON = "/usr/bin/python3"
TYPIST = Path(__file__).with_name("uno_typist.py")

# (what the person types, what they meant); the same intentions in both locales
TYPED = {
    "id-ID": {
        "desimal": ("2,75", 2.75),
        "ribuan": ("1.500", 1500.0),
        "ribuan_desimal": ("1.234,5", 1234.5),
        "gaya_inggris": ("1,234.5", 1234.5),  # Calc keeps it as text; the product reads it (domain §5 rule 4)
        "anggaran": ("12.500.000", 12_500_000.0),
    },
    "en-US": {
        "desimal": ("2.75", 2.75),
        "ribuan": ("1,500", 1500.0),
        "ribuan_desimal": ("1,234.5", 1234.5),
        "gaya_indonesia": ("2,75", 2.75),  # Calc keeps it as text; the product reads it (domain §5 rule 5)
        "anggaran": ("12,500,000", 12_500_000.0),
    },
}


def uno_available() -> bool:
    if not Path(SYSTEM_PYTHON).exists():
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


@pytest.fixture
def typist():
    needs_soffice()
    if not uno_available():
        if os.environ.get("CI"):
            pytest.fail("python3-uno (LibreOffice's Python bridge) tidak terpasang")
        pytest.skip("python3-uno tidak terpasang")

    def type_into(src: Path, dest: Path, locale: str, cells: list[tuple[str, str, str]]) -> list[list]:
        done = subprocess.run([SYSTEM_PYTHON, str(TYPIST), str(src), str(dest), locale, json.dumps(cells)],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0 and dest.exists(), done.stderr[-2000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    return type_into


def _plan(src: Path, locale: str) -> tuple[list[tuple[str, str, str]], dict[str, tuple[str, float]]]:
    """Cells to type and, per indicator code, (column, meant value): realisasi cases on the first
    non-percent indicators, the money on the first row that has a pagu, 85% on a % indicator."""
    wb = openpyxl.load_workbook(src)
    ws = wb[KK_SHEET]
    hr, cols = header_columns(ws)
    rows = []
    for r in range(hr + 1, ws.max_row + 1):
        kode = ws.cell(r, cols["Kode Indikator"]).value
        if kode:
            rows.append((r, str(kode), str(ws.cell(r, cols["Satuan"]).value or ""),
                         ws.cell(r, cols["Pagu Anggaran (Rp)"]).value))
    real_col = openpyxl.utils.get_column_letter(cols["Realisasi"])
    money_col = openpyxl.utils.get_column_letter(cols["Realisasi Anggaran (Rp)"])
    cases = dict(TYPED[locale])
    money = cases.pop("anggaran")
    plain = [x for x in rows if x[2] != "%"]
    percent = [x for x in rows if x[2] == "%"]
    assert len(plain) >= len(cases) and percent, "the sample master has too few indicators for this test"
    cells: list[tuple[str, str, str]] = []
    meant: dict[str, tuple[str, float]] = {}
    for (r, kode, _, _), (text, value) in zip(plain, cases.values(), strict=False):
        cells.append((KK_SHEET, f"{real_col}{r}", text))
        meant[kode] = ("Realisasi", value)
    r, kode, _, _ = percent[0]
    cells.append((KK_SHEET, f"{real_col}{r}", "85%"))  # Calc stores 0.85 with a percent format
    meant[kode] = ("Realisasi", 85.0)
    with_pagu = next(x for x in rows if x[3])
    cells.append((KK_SHEET, f"{money_col}{with_pagu[0]}", money[0]))
    meant["anggaran:" + with_pagu[1]] = ("Realisasi Anggaran s.d. TW (Rp)", money[1])
    return cells, meant


@pytest.mark.parametrize("locale", ["id-ID", "en-US"])
def test_typed_in_libreoffice_reads_as_meant(workspace, tmp_path, typist, locale):
    w = workspace
    paths = templates_for(w, "2025-TW1")
    kode_bidang, src = next((k, p) for k, p in paths.items() if _has_percent_and_pagu(p))
    cells, meant = _plan(src, locale)
    typed = tmp_path / f"typed_{locale}.xlsx"
    became = typist(src, typed, locale, cells)
    # the locale really decided: the cases meant to stay text in Calc did
    kinds = {text: kind for _, text, kind, _, _ in became}
    assert kinds[TYPED[locale]["desimal"][0]] == "VALUE"
    odd = "gaya_inggris" if locale == "id-ID" else "gaya_indonesia"
    assert kinds[TYPED[locale][odd][0]] == "TEXT"

    drop(w.ws, typed, f"kertas_kerja_{kode_bidang}_diketik_{locale}.xlsx")
    report = run_batch(w)
    assert [f.hasil for f in report.files] == ["diterima"], report.files
    rekap = read_sheet(w.ws.outbox / "rekap_2025-TW1.xlsx", "Pengukuran Kinerja", key="Kode Indikator")
    for key, (column, value) in meant.items():
        kode = key.removeprefix("anggaran:")
        assert rekap[kode][column] == pytest.approx(value), (locale, kode, column, rekap[kode][column])


def _has_percent_and_pagu(path: Path) -> bool:
    ws = openpyxl.load_workbook(path, read_only=True)[KK_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    header = next(r for r in rows if r and "Kode Indikator" in r)
    sat, pagu = header.index("Satuan"), header.index("Pagu Anggaran (Rp)")
    body = [r for r in rows[rows.index(header) + 1:] if r and r[header.index("Kode Indikator")]]
    plain = sum(1 for r in body if r[sat] != "%")
    return any(r[sat] == "%" for r in body) and any(r[pagu] for r in body) and plain >= 5


def test_typist_is_not_a_stub(tmp_path, typist, workspace):
    """The bridge really types: a word stays text, a number becomes a number."""
    src = next(iter(templates_for(workspace, "2025-TW1").values()))
    wb = openpyxl.load_workbook(src)
    hr, cols = header_columns(wb[KK_SHEET])
    col = openpyxl.utils.get_column_letter(cols["Realisasi"])
    became = typist(src, tmp_path / "t.xlsx", "id-ID",
                    [(KK_SHEET, f"{col}{hr + 1}", "tercapai"), (KK_SHEET, f"{col}{hr + 2}", "42")])
    assert [(b[2], b[3]) for b in became] == [("TEXT", 0.0), ("VALUE", 42.0)]
