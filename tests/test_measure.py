"""Tests for measure: realisasi s.d. TW, capaian, predikat, serapan (domain §3, §4).

Every expected number is worked out by hand in the comment beside it, never by calling the code.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja_batch.measure import COLUMNS, capaian, measure, predikat_of
from kinerja_batch.periode import Periode

NAN = math.nan
TW1, TW2, TW3, TW4 = (Periode(2025, q) for q in (1, 2, 3, 4))


def approx(expected):
    """Numbers equal to full precision (relative 1e-12), NaN equal to NaN; texts and flags exactly.

    Works through tuples and lists, so a row like (50.0, "Sedang", False) compares as a whole.
    """
    if isinstance(expected, tuple):
        return tuple(approx(e) for e in expected)
    if isinstance(expected, list):
        return [approx(e) for e in expected]
    if isinstance(expected, bool | str) or expected is None:
        return expected
    return pytest.approx(expected, rel=1e-12, nan_ok=True)


def ind(
    kode,
    polaritas="Positif",
    agregasi="Kumulatif",
    tahunan=100.0,
    tw=(NAN, NAN, NAN, NAN),
    pagu=NAN,
    bidang="B01",
):
    """One master row (with an extra column measure must not need)."""
    return {
        "kode_indikator": kode,
        "kode_bidang": bidang,
        "polaritas": polaritas,
        "agregasi": agregasi,
        "satuan": "Dokumen",
        "target_tahunan": tahunan,
        **{f"target_tw{q}": t for q, t in enumerate(tw, start=1)},
        "pagu": pagu,
        "uraian": "tidak dipakai",
    }


def master(*rows):
    return pd.DataFrame(list(rows))


def vals(*rows):
    """(kode, tw, realisasi[, anggaran]) tuples -> a values frame."""
    full = [(r + (NAN,))[:4] for r in rows]
    return pd.DataFrame(full, columns=["kode_indikator", "tw", "realisasi", "anggaran"])


def row(out, kode, *cols):
    return tuple(out.loc[kode, c] for c in cols)


def empty_values():
    return pd.DataFrame(columns=["kode_indikator", "tw", "realisasi", "anggaran"])


# ---------------------------------------------------------------------------------------------
# polaritas x agregasi x target basis x negative rule
#
# Every case: period 2025-TW3, realisasi TW1=10, TW2=20, TW3=30, TW4=99 (after TW3, ignored),
# Target Tahunan 80, Target TW3 = 50 (basis "Target TW3") or blank (basis "Target Tahunan").
# Realisasi s.d. TW3: Kumulatif 10+20+30 = 60; Posisi Akhir 30; Rata-rata (10+20+30)/3 = 20.

MATRIX = [
    # rule, polaritas, agregasi, target TW3, (realisasi_sd, target_sd, basis, capaian, capaian_tahunan, predikat)
    # Positif: R/T*100 (the rule does not matter)
    ("2T-R", "Positif", "Kumulatif", 50, (60, 50, "Target TW3", 120, 75, "Sangat Tinggi")),  # 60/50, 60/80
    ("2T-R", "Positif", "Kumulatif", NAN, (60, 80, "Target Tahunan", 75, 75, "Sedang")),  # 60/80
    ("2T-R", "Positif", "Posisi Akhir", 50, (30, 50, "Target TW3", 60, 37.5, "Rendah")),  # 30/50, 30/80
    ("2T-R", "Positif", "Posisi Akhir", NAN, (30, 80, "Target Tahunan", 37.5, 37.5, "Sangat Rendah")),
    ("2T-R", "Positif", "Rata-rata", 50, (20, 50, "Target TW3", 40, 25, "Sangat Rendah")),  # 20/50, 20/80
    ("2T-R", "Positif", "Rata-rata", NAN, (20, 80, "Target Tahunan", 25, 25, "Sangat Rendah")),
    ("T/R", "Positif", "Kumulatif", 50, (60, 50, "Target TW3", 120, 75, "Sangat Tinggi")),
    ("T/R", "Positif", "Rata-rata", NAN, (20, 80, "Target Tahunan", 25, 25, "Sangat Rendah")),
    # Negatif, 2T-R: (2T-R)/T*100
    ("2T-R", "Negatif", "Kumulatif", 50, (60, 50, "Target TW3", 80, 125, "Tinggi")),  # 40/50, 100/80
    ("2T-R", "Negatif", "Kumulatif", NAN, (60, 80, "Target Tahunan", 125, 125, "Sangat Tinggi")),
    # 70/50, 130/80
    ("2T-R", "Negatif", "Posisi Akhir", 50, (30, 50, "Target TW3", 140, 162.5, "Sangat Tinggi")),
    ("2T-R", "Negatif", "Posisi Akhir", NAN, (30, 80, "Target Tahunan", 162.5, 162.5, "Sangat Tinggi")),
    ("2T-R", "Negatif", "Rata-rata", 50, (20, 50, "Target TW3", 160, 175, "Sangat Tinggi")),  # 80/50, 140/80
    ("2T-R", "Negatif", "Rata-rata", NAN, (20, 80, "Target Tahunan", 175, 175, "Sangat Tinggi")),
    # Negatif, T/R: T/R*100
    # 50/60 = 83.33 (>= 76: Tinggi), 80/60
    ("T/R", "Negatif", "Kumulatif", 50, (60, 50, "Target TW3", 250 / 3, 400 / 3, "Tinggi")),
    ("T/R", "Negatif", "Kumulatif", NAN, (60, 80, "Target Tahunan", 400 / 3, 400 / 3, "Sangat Tinggi")),
    # 50/30, 80/30
    ("T/R", "Negatif", "Posisi Akhir", 50, (30, 50, "Target TW3", 500 / 3, 800 / 3, "Sangat Tinggi")),
    ("T/R", "Negatif", "Posisi Akhir", NAN, (30, 80, "Target Tahunan", 800 / 3, 800 / 3, "Sangat Tinggi")),
    ("T/R", "Negatif", "Rata-rata", 50, (20, 50, "Target TW3", 250, 400, "Sangat Tinggi")),  # 50/20, 80/20
    ("T/R", "Negatif", "Rata-rata", NAN, (20, 80, "Target Tahunan", 400, 400, "Sangat Tinggi")),
]


@pytest.mark.parametrize(("rule", "polaritas", "agregasi", "target_tw3", "expected"), MATRIX)
def test_polaritas_agregasi_basis(rule, polaritas, agregasi, target_tw3, expected):
    m = master(ind("A", polaritas, agregasi, tahunan=80, tw=(NAN, NAN, target_tw3, NAN)))
    v = vals(("A", 1, 10), ("A", 2, 20), ("A", 3, 30), ("A", 4, 99))
    out = measure(m, v, TW3, aturan_negatif=rule)
    cols = ("realisasi_sd", "target_sd", "target_basis", "capaian", "capaian_tahunan", "predikat")
    assert row(out, "A", *cols) == approx(expected)
    assert row(out, "A", "realisasi", "terisi", "n_triwulan", "pembagi_nol") == (30, True, 3, False)


@pytest.mark.parametrize(("rule", "polaritas", "agregasi", "target_tw3", "expected"), MATRIX)
def test_scalar_capaian_same_rules(rule, polaritas, agregasi, target_tw3, expected):
    realisasi_sd, target_sd, _basis, cap, _tahunan, _predikat = expected
    assert capaian(realisasi_sd, target_sd, polaritas, rule) == approx(cap)


def test_permenpan_example_t8_r9():
    # (2*8 - 9) / 8 * 100 = 7/8*100 = 87.5
    assert capaian(9, 8, "Negatif", "2T-R") == 87.5
    out = measure(master(ind("A", "Negatif", "Posisi Akhir", tahunan=8)), vals(("A", 1, 9)), TW1)
    assert row(out, "A", "capaian", "capaian_tahunan", "predikat") == (87.5, 87.5, "Tinggi")


# ---------------------------------------------------------------------------------------------
# zero denominators, no clamping, full precision


def test_zero_denominator_gives_no_capaian():
    m = master(
        ind("POS0", "Positif", "Posisi Akhir", tahunan=0),  # 5/0
        ind("NEG0", "Negatif", "Posisi Akhir", tahunan=0),  # (0-5)/0 under 2T-R
        ind("POS0_KOSONG", "Positif", "Posisi Akhir", tahunan=0),  # no realisasi: nothing to divide
        ind("R0", "Positif", "Posisi Akhir", tahunan=5),  # 0/5 = 0, a real zero
    )
    v = vals(("POS0", 1, 5), ("NEG0", 1, 5), ("R0", 1, 0))
    out = measure(m, v, TW1)
    got = [row(out, k, "capaian", "capaian_tahunan", "predikat", "pembagi_nol") for k in out.index]
    assert got == approx(
        [
            (NAN, NAN, "-", True),
            (NAN, NAN, "-", True),
            (NAN, NAN, "-", False),
            (0.0, 0.0, "Sangat Rendah", False),
        ]
    )
    assert capaian(5, 0, "Positif", "2T-R") is None
    assert capaian(5, 0, "Negatif", "2T-R") is None
    assert capaian(0, 5, "Positif", "2T-R") == 0.0


def test_zero_denominator_rule_t_per_r():
    m = master(
        ind("R0", "Negatif", "Posisi Akhir", tahunan=5),  # 5/0: denominator is R
        ind("T0", "Negatif", "Posisi Akhir", tahunan=0),  # 0/5 = 0: numerator zero is fine
        ind("KEDUA0", "Negatif", "Posisi Akhir", tahunan=0),  # 0/0
    )
    out = measure(m, vals(("R0", 1, 0), ("T0", 1, 5), ("KEDUA0", 1, 0)), TW1, aturan_negatif="T/R")
    got = [row(out, k, "capaian", "predikat", "pembagi_nol") for k in out.index]
    assert got == approx([(NAN, "-", True), (0.0, "Sangat Rendah", False), (NAN, "-", True)])
    assert capaian(0, 5, "Negatif", "T/R") is None
    assert capaian(5, 0, "Negatif", "T/R") == 0.0
    assert capaian(None, 5, "Negatif", "T/R") is None
    assert capaian(NAN, 5, "Positif", "2T-R") is None


def test_zero_annual_target_only_blanks_capaian_tahunan():
    # target TW1 = 4 -> 2/4*100 = 50; target tahunan 0 -> no capaian_tahunan; pembagi_nol is about capaian s.d. TW
    m = master(ind("A", tahunan=0, tw=(4, NAN, NAN, NAN)))
    out = measure(m, vals(("A", 1, 2)), TW1)
    assert row(out, "A", "capaian", "capaian_tahunan", "pembagi_nol") == approx((50.0, NAN, False))


def test_no_clamping_and_full_precision():
    m = master(
        ind("TINGGI", "Positif", "Posisi Akhir", tahunan=4),  # 10/4*100 = 250
        ind("MINUS", "Negatif", "Posisi Akhir", tahunan=10),  # (2*10-25)/10*100 = -50
        ind("SEPERTIGA", "Positif", "Posisi Akhir", tahunan=3),  # 1/3*100 = 33.333...
    )
    out = measure(m, vals(("TINGGI", 1, 10), ("MINUS", 1, 25), ("SEPERTIGA", 1, 1)), TW1)
    assert out["capaian"].tolist() == approx([250.0, -50.0, 100 / 3])
    assert out.loc["SEPERTIGA", "capaian"] != 33.33
    assert out["predikat"].tolist() == ["Sangat Tinggi", "Sangat Rendah", "Sangat Rendah"]


# ---------------------------------------------------------------------------------------------
# predikat

BOUNDARIES = [
    (91, "Sangat Tinggi"),
    (90.999999, "Tinggi"),
    (76, "Tinggi"),
    (75.99, "Sedang"),
    (66, "Sedang"),
    (65.99, "Rendah"),
    (51, "Rendah"),
    (50.99, "Sangat Rendah"),
    (-50, "Sangat Rendah"),
    (250, "Sangat Tinggi"),
]


@pytest.mark.parametrize(("cap", "expected"), [*BOUNDARIES, (NAN, "-"), (None, "-")])
def test_predikat_of_boundaries(cap, expected):
    assert (
        predikat_of(cap, ((91, "Sangat Tinggi"), (76, "Tinggi"), (66, "Sedang"), (51, "Rendah"))) == expected
    )


def test_predikat_boundaries_in_frame():
    # Posisi Akhir, target 100: capaian = R/100*100 = R exactly for these R
    codes = [f"K{i}" for i in range(len(BOUNDARIES))]
    m = master(*(ind(k, "Positif", "Posisi Akhir", tahunan=100) for k in codes))
    v = vals(*((k, 1, cap) for k, (cap, _) in zip(codes, BOUNDARIES, strict=True)))
    out = measure(m, v, TW1)
    assert out["predikat"].tolist() == [p for _, p in BOUNDARIES]


def test_predikat_bands_come_from_argument():
    bands = ((50, "Cukup"), (80, "Baik"))  # given low-to-high: order must not matter
    m = master(*(ind(k, "Positif", "Posisi Akhir", tahunan=100) for k in ("A", "B", "C", "D")))
    out = measure(m, vals(("A", 1, 85), ("B", 1, 50), ("C", 1, 49)), TW1, predikat=bands)
    assert out["predikat"].tolist() == ["Baik", "Cukup", "Sangat Rendah", "-"]
    assert predikat_of(80, bands) == "Baik"
    assert predikat_of(79.9, bands) == "Cukup"


# ---------------------------------------------------------------------------------------------
# quarters


def test_quarters_not_reported():
    # TW4; realisasi TW1=10, TW2 not reported, TW3=30, TW4 not reported; target tahunan 80
    m = master(
        ind("KUM", agregasi="Kumulatif", tahunan=80),  # 10+30 = 40 -> 40/80*100 = 50
        ind("AKHIR", agregasi="Posisi Akhir", tahunan=80),  # TW4 missing -> nothing
        ind("RATA", agregasi="Rata-rata", tahunan=80),  # (10+30)/2 = 20 -> 20/80*100 = 25
        ind("KOSONG_KUM", agregasi="Kumulatif", tahunan=80),
        ind("KOSONG_RATA", agregasi="Rata-rata", tahunan=80),
    )
    v = vals(
        *((k, 1, 10) for k in ("KUM", "AKHIR", "RATA")),
        *((k, 3, 30) for k in ("KUM", "AKHIR", "RATA")),
        ("KUM", 2, NAN, 500),  # a row with anggaran but no realisasi: not a reported quarter
    )
    out = measure(m, v, TW4)
    cols = ("realisasi_sd", "capaian", "predikat", "terisi", "n_triwulan", "pembagi_nol")
    assert [row(out, k, *cols) for k in out.index] == approx(
        [
            (40, 50, "Sangat Rendah", False, 2, False),
            (NAN, NAN, "-", False, 2, False),
            (20, 25, "Sangat Rendah", False, 2, False),
            (NAN, NAN, "-", False, 0, False),
            (NAN, NAN, "-", False, 0, False),
        ]
    )
    assert row(out, "KUM", *(f"realisasi_tw{q}" for q in (1, 2, 3, 4))) == approx((10, NAN, 30, NAN))


def test_later_quarters_ignored():
    # TW2: TW3 and TW4 rows must not count. Kumulatif 5+7 = 12, anggaran 100+200 = 300
    m = master(ind("A", tahunan=24, pagu=1000))
    v = vals(("A", 1, 5, 100), ("A", 2, 7, 200), ("A", 3, 1000, 9000), ("A", 4, 1000, 9000))
    out = measure(m, v, TW2)
    assert row(out, "A", *(f"realisasi_tw{q}" for q in (1, 2, 3, 4))) == approx((5, 7, NAN, NAN))
    assert row(out, "A", *(f"anggaran_tw{q}" for q in (1, 2, 3, 4))) == approx((100, 200, NAN, NAN))
    # 12/24*100 = 50; serapan 300/1000*100 = 30
    cols = ("realisasi", "anggaran", "realisasi_sd", "capaian", "anggaran_sd", "serapan", "n_triwulan")
    assert row(out, "A", *cols) == approx((7, 200, 12, 50, 300, 30, 2))


def test_anggaran_and_serapan():
    # TW3; anggaran reported TW1=100, TW3=150 (TW2 not reported)
    m = master(
        ind("PAGU", pagu=1000),  # 100+150 = 250 -> 250/1000*100 = 25
        ind("TANPA_PAGU"),  # pagu blank -> no serapan
        ind("PAGU_NOL", pagu=0),  # division by zero -> no serapan
        ind("BELUM_BELANJA", pagu=1000),  # nothing reported -> anggaran_sd and serapan blank
        ind("NOL", pagu=1000),  # a reported 0 is spending of 0 -> 0/1000*100 = 0
    )
    v = vals(
        *((k, 1, 1, 100) for k in ("PAGU", "TANPA_PAGU", "PAGU_NOL")),
        *((k, 3, 1, 150) for k in ("PAGU", "TANPA_PAGU", "PAGU_NOL")),
        ("NOL", 1, 1, 0),
    )
    out = measure(m, v, TW3)
    got = [row(out, k, "anggaran", "anggaran_sd", "serapan") for k in out.index]
    assert got == approx(
        [
            (150, 250, 25),
            (150, 250, NAN),
            (150, 250, NAN),
            (NAN, NAN, NAN),
            (NAN, 0, 0),
        ]
    )


# ---------------------------------------------------------------------------------------------
# shape of the output


def test_unknown_codes_ignored_order_and_columns_kept():
    m = master(ind("IKU-02", bidang="B02"), ind("IKU-01", bidang="B01"), ind("007", bidang="B03"))
    v = vals(("TIDAK-ADA", 1, 50), ("IKU-01", 1, 60), ("007", 1, 7))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = measure(m, v, TW1)
    assert list(out.columns) == list(COLUMNS)
    assert out.index.name == "kode_indikator"
    assert list(out.index) == ["IKU-02", "IKU-01", "007"]
    assert out["kode_bidang"].tolist() == ["B02", "B01", "B03"]
    assert out["realisasi"].tolist() == approx([NAN, 60, 7])
    assert out["terisi"].tolist() == [False, True, True]


def test_empty_values_frame():
    m = master(ind("A", tahunan=80, tw=(20, NAN, NAN, NAN), pagu=1000), ind("B", "Negatif", "Rata-rata"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = measure(m, empty_values(), TW1)
    cols = (
        "realisasi",
        "realisasi_sd",
        "target_sd",
        "target_basis",
        "capaian",
        "predikat",
        "anggaran_sd",
        "serapan",
        "terisi",
        "n_triwulan",
        "pembagi_nol",
    )
    assert [row(out, k, *cols) for k in out.index] == approx(
        [
            (NAN, NAN, 20, "Target TW1", NAN, "-", NAN, NAN, False, 0, False),
            (NAN, NAN, 100, "Target Tahunan", NAN, "-", NAN, NAN, False, 0, False),
        ]
    )


def test_empty_master():
    out = measure(master(ind("A")).iloc[:0], vals(("A", 1, 5)), TW2)
    assert (len(out), list(out.columns)) == (0, list(COLUMNS))


def test_bad_words_are_refused():
    with pytest.raises(ValueError, match="aturan_negatif"):
        measure(master(ind("A")), empty_values(), TW1, aturan_negatif="R/T")
    with pytest.raises(ValueError, match="agregasi"):
        measure(master(ind("A", agregasi="Komulatif")), empty_values(), TW1)
    with pytest.raises(ValueError, match="polaritas"):
        capaian(1, 2, "positif", "2T-R")


# ---------------------------------------------------------------------------------------------
# properties

quarter_value = st.one_of(st.none(), st.floats(min_value=0, max_value=1e9, allow_nan=False))


@settings(max_examples=100, deadline=None)
@given(
    quarters=st.lists(quarter_value, min_size=4, max_size=4),
    target=st.floats(min_value=0.001, max_value=1e9),
    tw=st.integers(min_value=1, max_value=4),
)
def test_property_positif_kumulatif_is_sum_over_target(quarters, target, tw):
    m = master(ind("A", "Positif", "Kumulatif", tahunan=target))
    v = vals(*(("A", q, r) for q, r in enumerate(quarters, start=1) if r is not None))
    out = measure(m, v, Periode(2025, tw))
    reported = [r for r in quarters[:tw] if r is not None]
    expected = sum(reported) / target * 100 if reported else NAN
    assert out.loc["A", "capaian"] == approx(expected)
    assert out.loc["A", "n_triwulan"] == len(reported)


@settings(max_examples=100, deadline=None)
@given(
    r=st.floats(min_value=0, max_value=1e6),
    t=st.floats(min_value=0, max_value=1e6),
    polaritas=st.sampled_from(["Positif", "Negatif"]),
    rule=st.sampled_from(["2T-R", "T/R"]),
)
def test_property_scalar_matches_frame(r, t, polaritas, rule):
    out = measure(
        master(ind("A", polaritas, "Posisi Akhir", tahunan=t)), vals(("A", 1, r)), TW1, aturan_negatif=rule
    )
    frame = out.loc["A", "capaian"]
    scalar = capaian(r, t, polaritas, rule)
    assert (scalar is None and np.isnan(frame)) or scalar == frame
    assert not np.isinf(frame)
