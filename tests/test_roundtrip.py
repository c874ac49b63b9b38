"""Write-then-read round trips: random numbers typed the way people type them, into a real kertas kerja.

Each example writes all 18 input cells of the SEK kertas kerja (Realisasi and Realisasi Anggaran)
with openpyxl: as numbers, or as text in Indonesian or English formats (grouping, Rp, %, spaces,
non-breaking spaces, full-width digits), and a fraction in a percent-formatted cell of the %
indicator. Then ingest + validate read it back and every value, code and cell must be exactly what
was written. (The parser itself has its own property tests in test_numbers.py.)
"""

from __future__ import annotations

import io
import re
import unicodedata
from decimal import Decimal
from typing import Any

import pytest
from conftest import KK_SHEET, WS, header_columns, templates_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinerja_batch import layout
from kinerja_batch.config import init_workspace
from kinerja_batch.ingest import read_workbook
from kinerja_batch.master import load_master
from kinerja_batch.periode import parse_periode
from kinerja_batch.validate import Rejected, identify, parse_kertas_kerja

PERSEN = "2.16.01"  # the SEK indicator whose Satuan is %
NBSP = "\u00a0"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


# ---------------------------------------------------------------------------------------------
# how people type a number


def _group(digits: str, sep: str) -> str:
    out = ""
    while len(digits) > 3:
        out = sep + digits[-3:] + out
        digits = digits[:-3]
    return digits + out


def _parts(d: Decimal) -> tuple[str, str]:
    whole, _, frac = f"{d:.2f}".partition(".")
    return whole, frac


def typed(d: Decimal, style: str) -> str:
    """``d`` (two decimals at most) as a person would type it in ``style``."""
    whole, frac = _parts(d)
    short = frac.rstrip("0")
    if style == "id":  # 1.234.567,50
        return f"{_group(whole, '.')},{frac}"
    if style == "en":  # 1,234,567.50
        return f"{_group(whole, ',')}.{frac}"
    if style == "id_polos":  # 1234567,5 / 1234567
        return whole + (f",{short}" if short else "")
    if style == "en_polos":  # 1234567.5 (never exactly three decimals, so never the '1.500' case)
        return whole + (f".{short}" if short else "")
    if style == "rp":  # Rp 1.234.567,50 / Rp1.234.567
        return ("Rp " if int(whole) % 2 else "Rp") + _group(whole, ".") + (f",{frac}" if short else "")
    if style == "spasi":  # 1 234 567,50 with spaces or non-breaking spaces between groups
        return _group(whole, NBSP if int(whole) % 2 else " ") + f",{frac}"
    if style == "lebar_penuh":  # full-width digits, as pasted from some input methods
        return typed(d, "id").translate(FULL_WIDTH)
    if style == "persen":  # 85,5 % (the % sign is stripped)
        return typed(d, "id_polos") + (" %" if int(whole) % 2 else "%")
    if style == "tepi":  # blanks and a non-breaking space around it
        return f" {NBSP}{typed(d, 'id')}\t"
    if style == "id_bulat":  # 1.500 (ambiguous: read as thousands, flagged) / 2.500.000
        return _group(whole, ".")
    raise AssertionError(style)


STYLES = ("angka", "id", "en", "id_polos", "en_polos", "rp", "spasi", "lebar_penuh", "persen", "tepi", "id_bulat")


def expected_code(text: str) -> str | None:
    """ANGKA_AMBIGU exactly when what was typed is one dot before three digits, e.g. 'Rp1.500' (domain §5 rule 6)."""
    body = re.sub(r"\s", "", unicodedata.normalize("NFKC", text))
    body = re.sub(r"^[Rr][Pp]\.?", "", body).rstrip("%")
    return "ANGKA_AMBIGU" if re.fullmatch(r"[1-9]\d{0,2}\.\d{3}", body) else None


amounts = st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2, allow_nan=False,
                      allow_infinity=False)
whole_amounts = st.integers(min_value=0, max_value=999_999_999_999).map(Decimal)
typed_cell = st.one_of(
    st.none(),
    st.tuples(amounts, st.sampled_from([s for s in STYLES if s != "id_bulat"])),
    st.tuples(whole_amounts, st.just("id_bulat")),
)
fractions = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)


# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kertas_kerja(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    import openpyxl

    root = tmp_path_factory.mktemp("bolak_balik")
    ws = init_workspace(root / "ws")
    w = WS(ws, ws.settings(), load_master(ws.master_path))
    src = templates_for(w, "2025-TW1", ["SEK"])["SEK"]
    wb = openpyxl.load_workbook(io.BytesIO(src.read_bytes()))
    sheet = wb[KK_SHEET]
    hr, cols = header_columns(sheet)
    rows = {str(sheet.cell(r, cols["Kode Indikator"]).value): r for r in range(hr + 1, sheet.max_row + 1)
            if sheet.cell(r, cols["Kode Indikator"]).value}
    return {"w": w, "wb": wb, "sheet": sheet, "cols": cols, "rows": rows, "path": root / "kertas_kerja_SEK.xlsx"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_typed_values_read_back_exactly(kertas_kerja: dict[str, Any], data: st.DataObject) -> None:
    k = kertas_kerja
    sheet, cols, rows = k["sheet"], k["cols"], k["rows"]
    expected: dict[tuple[str, str], float | None] = {}
    texts: dict[tuple[str, str], str] = {}
    codes: list[tuple[str, str]] = []
    for kode, r in rows.items():
        for header in (layout.H_REALISASI, layout.H_ANGGARAN):
            cell = sheet.cell(r, cols[header])
            ref = cell.coordinate
            cell.number_format = "General"
            if kode == PERSEN and header == layout.H_REALISASI and data.draw(st.booleans(), label="persen"):
                frac = data.draw(fractions, label=f"{kode} {header}")
                cell.value = float(frac)
                cell.number_format = "0.00%"
                expected[kode, header] = float(frac) * 100
                codes.append((ref, "SKALA_PERSEN_DIUBAH"))
                continue
            drawn = data.draw(typed_cell, label=f"{kode} {header}")
            if drawn is None:
                cell.value = None
                expected[kode, header] = None
                continue
            d, style = drawn
            if style == "angka":
                cell.value = float(d)
            else:
                cell.value = typed(d, style)
                cell.data_type = "s"
                texts[kode, header] = cell.value
            expected[kode, header] = float(d)
            code = None if style == "angka" else expected_code(cell.value)
            if code:
                codes.append((ref, code))
    k["wb"].save(k["path"])

    w = k["w"]
    raw = read_workbook(k["path"], "xlsx")
    ident = identify(raw, w.master, file=k["path"].name, known_periods=[parse_periode("2025-TW1")])
    if all(expected[kode, layout.H_REALISASI] is None for kode in rows):
        with pytest.raises(Rejected) as exc:
            parse_kertas_kerja(raw, ident, w.master, file=k["path"].name)
        assert exc.value.finding.code == "TIDAK_ADA_ISIAN"
        return
    parsed = parse_kertas_kerja(raw, ident, w.master, file=k["path"].name)

    got = {}
    for row in parsed.rows:
        got[row["kode_indikator"], layout.H_REALISASI] = row["realisasi"]
        got[row["kode_indikator"], layout.H_ANGGARAN] = row["anggaran"]
        for header, key in ((layout.H_REALISASI, "realisasi_text"), (layout.H_ANGGARAN, "anggaran_text")):
            if (row["kode_indikator"], header) in texts:
                assert row[key] == texts[row["kode_indikator"], header]  # the text as typed, for the audit
    assert got.keys() == expected.keys()
    assert got == expected  # exactly: the same decimal text gives the same double
    assert sorted((f.cell, f.code) for f in parsed.findings) == sorted(codes)
    assert all(f.place == f"'{KK_SHEET}'!{f.cell}" for f in parsed.findings)


def test_typed_helper_examples() -> None:
    """The formats the property test writes, as a person sees them."""
    d = Decimal("1234567.50")
    assert [typed(d, s) for s in ("id", "en", "id_polos", "en_polos", "rp", "spasi", "persen")] == [
        "1.234.567,50", "1,234,567.50", "1234567,5", "1234567.5", "Rp 1.234.567,50", f"1{NBSP}234{NBSP}567,50",
        "1234567,5 %"]
    assert typed(Decimal(1500), "id_bulat") == "1.500" and expected_code("1.500") == "ANGKA_AMBIGU"
    assert expected_code("Rp1.500") == expected_code("１.５００ %") == "ANGKA_AMBIGU"
    assert expected_code("2.500.000") is expected_code("1.500,00") is expected_code("4.25") is None
    assert typed(Decimal("75.5"), "lebar_penuh") == "７５,５０"
