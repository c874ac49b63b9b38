"""Tests for kinerja_batch.numbers: the typed-number rules of domain §5 and Indonesian display."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja_batch.numbers import (
    EXCEL_ERRORS,
    Parsed,
    format_angka,
    format_angka_ringkas,
    parse_number,
)

ALLOWED_CODES = {None, "BUKAN_ANGKA", "ANGKA_AMBIGU", "GALAT_EXCEL", "RUMUS_TANPA_NILAI"}


def vc(raw: object) -> tuple[float | None, str | None]:
    p = parse_number(raw)
    return p.value, p.code


# ---- values that are not text


@pytest.mark.parametrize(
    "raw, expected",
    [
        (None, (None, None)),
        (float("nan"), (None, None)),
        (np.float64("nan"), (None, None)),
        (pd.NaT, (None, None)),
        (0, (0.0, None)),
        (0.0, (0.0, None)),
        (-0.0, (0.0, None)),
        (42, (42.0, None)),
        (-7.25, (-7.25, None)),
        (np.int64(5), (5.0, None)),
        (np.float32(1.5), (1.5, None)),
        (np.float64(0.85), (0.85, None)),
        (Decimal("12.5"), (12.5, None)),
        (float("inf"), (None, "BUKAN_ANGKA")),
        (-math.inf, (None, "BUKAN_ANGKA")),
        (10**400, (None, "BUKAN_ANGKA")),
        (True, (None, "BUKAN_ANGKA")),
        (False, (None, "BUKAN_ANGKA")),
        (np.bool_(True), (None, "BUKAN_ANGKA")),
        ([1], (None, "BUKAN_ANGKA")),
    ],
)
def test_non_text_values(raw: object, expected: tuple[float | None, str | None]) -> None:
    assert vc(raw) == expected
    assert parse_number(raw).text is None


@pytest.mark.parametrize(
    "raw, detail",
    [
        (dt.date(2025, 3, 1), "tanggal 01-03-2025"),
        (dt.datetime(2025, 3, 1), "tanggal 01-03-2025"),
        (dt.datetime(2025, 3, 1, 8, 30), "tanggal 01-03-2025 08:30"),
        (pd.Timestamp("2025-03-01"), "tanggal 01-03-2025"),
        (np.datetime64("2025-03-01"), "tanggal 01-03-2025"),
        (dt.time(8, 30), "jam 08:30"),
        (dt.timedelta(days=1, hours=2), "durasi 26:00:00"),
    ],
)
def test_dates_and_times_are_not_numbers(raw: object, detail: str) -> None:
    assert parse_number(raw) == Parsed(None, "BUKAN_ANGKA", detail)


# ---- text: normalisation, not filled, Excel errors


@pytest.mark.parametrize(
    "raw, value",
    [
        ("１２３", 123.0),  # full-width digits
        ("1\u00a0234,5", 1234.5),  # NBSP inside
        ("\u00a085\u00a0", 85.0),
        ("1\u200b500,5", 1500.5),  # zero-width space
        ("\ufeff75,5", 75.5),  # BOM
        ("7\u20605", 75.0),  # word joiner
        ("  12,5\n", 12.5),
        ("\u22125", -5.0),  # typographic minus
    ],
)
def test_unicode_normalised(raw: str, value: float) -> None:
    assert parse_number(raw) == Parsed(value, None, "", raw)


@pytest.mark.parametrize(
    "raw", ["", "   ", "-", " - ", "–", "—", "N/A", "n/a", "NA", "na", "tidak ada", "Tidak  Ada", "TIDAK ADA", "\u200b"]
)
def test_not_filled(raw: str) -> None:
    assert parse_number(raw) == Parsed(None, None, "", raw)


@pytest.mark.parametrize("raw", ["0", "0,0", "0.00", "-0", "Rp 0", "0%"])
def test_zero_is_a_real_zero(raw: str) -> None:
    p = parse_number(raw)
    assert (p.value, p.code) == (0.0, None)
    assert p.value is not None and math.copysign(1, p.value) == 1  # never a negative zero


@pytest.mark.parametrize(
    "raw, detail",
    [("#DIV/0!", "#DIV/0!"), ("#div/0!", "#DIV/0!"), (" #N/A ", "#N/A"), ("#REF!", "#REF!"),
     ("#VALUE!", "#VALUE!"), ("#name?", "#NAME?"), ("#SPILL!", "#SPILL!"), ("#GETTING_DATA", "#GETTING_DATA")],
)
def test_excel_error_text(raw: str, detail: str) -> None:
    assert parse_number(raw) == Parsed(None, "GALAT_EXCEL", detail, raw)


def test_excel_errors_constant() -> None:
    assert len(EXCEL_ERRORS) == 10 and "#NULL!" in EXCEL_ERRORS and "#CALC!" in EXCEL_ERRORS


# ---- text: affixes and signs


@pytest.mark.parametrize(
    "raw, value",
    [
        ("Rp 1.500.000", 1500000.0),
        ("Rp.2.500.000,00", 2500000.0),
        ("rp 750.000,5", 750000.5),
        ("RP. 12,5", 12.5),
        ("Rp1.234.567", 1234567.0),
        ("85%", 85.0),
        ("85 %", 85.0),
        ("87,5%", 87.5),
        ("1 234 567", 1234567.0),
        ("+5", 5.0),
        ("-12,5", -12.5),
        ("- 2.500.000", -2500000.0),
        ("-Rp 5", -5.0),
        ("Rp -5", -5.0),
    ],
)
def test_affixes_spaces_and_signs(raw: str, value: float) -> None:
    assert vc(raw) == (value, None)


@pytest.mark.parametrize("raw", ["(100)", "(1.500,00)", "Rp (5)", "+-5", "-+5", "--5", "Rp", "%", "Rp -", "5-"])
def test_affixes_rejected(raw: str) -> None:
    assert vc(raw) == (None, "BUKAN_ANGKA")


# ---- text: separators (§5 rules 4-6)


@pytest.mark.parametrize(
    "raw, value",
    [("1.234.567,89", 1234567.89), ("1,234,567.89", 1234567.89), ("1.234,5", 1234.5),
     ("12,345.6", 12345.6), ("999.999,999", 999999.999), ("1.234,", 1234.0)],
)
def test_both_marks_last_is_decimal(raw: str, value: float) -> None:
    assert vc(raw) == (value, None)


@pytest.mark.parametrize("raw", ["1.2,3", "1.23,4", "1234.567,8", "1,2.3", ",234.5", "1.234,5,6", "0.234,5", "1.234.5,6"])
def test_both_marks_bad_groups(raw: str) -> None:
    assert vc(raw) == (None, "BUKAN_ANGKA")


@pytest.mark.parametrize(
    "raw, value",
    [("75,5", 75.5), ("0,85", 0.85), (",5", 0.5), ("75,", 75.0),
     ("1,500", 1.5),  # a single comma is a decimal comma, even before three digits
     ("1,234,567", 1234567.0), ("12,000,000", 12000000.0)],
)
def test_only_comma(raw: str, value: float) -> None:
    assert vc(raw) == (value, None)


@pytest.mark.parametrize("raw", ["1,2,3", "1,23,456", "1234,567,890", "0,500,000", ",,5", ","])
def test_only_comma_bad(raw: str) -> None:
    assert vc(raw) == (None, "BUKAN_ANGKA")


@pytest.mark.parametrize(
    "raw, value, code",
    [
        ("1.500", 1500.0, "ANGKA_AMBIGU"),
        ("-1.500", -1500.0, "ANGKA_AMBIGU"),
        ("999.000", 999000.0, "ANGKA_AMBIGU"),
        ("2.500.000", 2500000.0, None),
        ("1.000.000.000", 1e9, None),
        ("4.25", 4.25, None),
        ("0.5", 0.5, None),
        (".5", 0.5, None),
        ("10.0", 10.0, None),
        ("10.", 10.0, None),
        ("0.500", 0.5, None),  # leading 0 cannot start a thousands group
        ("-0.500", -0.5, None),
        ("1000.500", 1000.5, None),
        ("1.5000", 1.5, None),
    ],
)
def test_only_dot(raw: str, value: float, code: str | None) -> None:
    assert vc(raw) == (value, code)


def test_ambiguous_detail_shows_the_reading() -> None:
    assert parse_number("1.500") == Parsed(1500.0, "ANGKA_AMBIGU", "1.500", "1.500")


@pytest.mark.parametrize("raw", ["1.2.3", "1.23.456", "0.500.000", "1234.567.890", "..5", "."])
def test_only_dot_bad(raw: str) -> None:
    assert vc(raw) == (None, "BUKAN_ANGKA")


@pytest.mark.parametrize(
    "raw, value",
    [("1e3", 1000.0), ("1E-2", 0.01), ("1,5E+03", 1500.0), ("2.5e6", 2.5e6), ("-1E3", -1000.0),
     ("1234567890123456", 1234567890123456.0), ("007", 7.0)],
)
def test_scientific_and_long(raw: str, value: float) -> None:
    assert vc(raw) == (value, None)


# ---- text: everything else


@pytest.mark.parametrize(
    "raw",
    ["tujuh puluh", "tercapai", "±80", "80 %%", "12abc", "1 2/3", "=A1*2", "=SUM(B2:B5)", "e3", "1e",
     "1e999", "٣", "5 orang", "80-90", "~80", "1'500"],
)
def test_anything_else_is_not_a_number(raw: str) -> None:
    p = parse_number(raw)
    assert (p.value, p.code, p.text) == (None, "BUKAN_ANGKA", raw)
    assert p.detail


# ---- display


@pytest.mark.parametrize(
    "x, decimals, expected",
    [
        (1234567.5, 2, "1.234.567,50"),
        (1234567.5, 0, "1.234.568"),
        (-12.5, 2, "-12,50"),
        (-12.5, 0, "-13"),  # half away from zero, like Excel
        (2.675, 2, "2,68"),
        (0, 2, "0,00"),
        (-0.001, 2, "0,00"),  # never '-0,00'
        (-0.0, 0, "0"),
        (999.995, 2, "1.000,00"),
        (np.float64(1500), 2, "1.500,00"),
        (None, 2, "-"),
        (float("nan"), 2, "-"),
        (math.inf, 2, "-"),
    ],
)
def test_format_angka(x: float | None, decimals: int, expected: str) -> None:
    assert format_angka(x, decimals) == expected


def test_format_angka_rejects_negative_decimals() -> None:
    with pytest.raises(ValueError):
        format_angka(1.0, -1)


@pytest.mark.parametrize(
    "x, expected",
    [(1500.0, "1.500"), (4.25, "4,25"), (87.5, "87,5"), (1234567.891234, "1.234.567,8912"),
     (0.12345, "0,1235"), (0.0000123, "0,0000123"), (-0.00001, "-0,00001"), (-2.5, "-2,5"),
     (0.0, "0"), (None, "-"), (float("nan"), "-")],
)
def test_format_angka_ringkas(x: float | None, expected: str) -> None:
    assert format_angka_ringkas(x) == expected


# ---- properties

cents = st.integers(min_value=0, max_value=10**14 - 1)


def _close(a: float | None, b: float) -> bool:
    return a is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=300, deadline=None)
@given(cents)
def test_indonesian_format_round_trips(n: int) -> None:
    x = n / 100
    shown = [format_angka(x), format_angka_ringkas(x)]
    if n % 100 == 0:
        shown.append(format_angka(x, 0))
    for text in shown:
        p = parse_number(text)
        assert _close(p.value, x), (text, p)
        # Only a lone thousands dot (1.500 .. 999.000) is ambiguous; the value is still used.
        ambiguous = text.count(".") == 1 and "," not in text
        assert p.code == ("ANGKA_AMBIGU" if ambiguous else None), (text, p)


@settings(max_examples=300, deadline=None)
@given(cents)
def test_english_format_round_trips(n: int) -> None:
    x = n / 100
    text = f"{x:,.2f}"
    assert vc(text) == (pytest.approx(x, rel=1e-9, abs=1e-9), None)


@settings(max_examples=300, deadline=None)
@given(st.text() | st.text(alphabet="0123456789.,+-()% eERrp\u00a0\u200b１２"))
def test_never_raises_and_never_nan(raw: str) -> None:
    p = parse_number(raw)
    assert p.code in ALLOWED_CODES
    assert p.text == raw
    assert p.value is None or math.isfinite(p.value)
    if p.code in {"BUKAN_ANGKA", "GALAT_EXCEL"}:
        assert p.value is None and p.detail
    if p.code == "ANGKA_AMBIGU":
        assert p.value is not None
