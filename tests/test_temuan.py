"""Temuan rules (domain §6): each code fires, and does not fire at its edge; their life in the ledger."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import build_master
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from kinerja_batch import findings as F
from kinerja_batch import temuan as T
from kinerja_batch.config import Settings, Temuan, settings_from_dict
from kinerja_batch.ledger import Ledger
from kinerja_batch.master import Master, load_master
from kinerja_batch.numbers import format_angka, format_angka_ringkas
from kinerja_batch.outputs import refresh_temuan as refresh
from kinerja_batch.periode import Periode, parse_periode
from kinerja_batch.temuan import RULES, evaluate

SETTINGS = Settings()


def pct(x: float) -> str:
    """Two decimals with a decimal comma, computed here without the product's formatter."""
    return f"{x:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


_MASTERS: dict[str, Master] = {}


def master(tmp_path: Path, *rows: dict[str, Any]) -> Master:
    """A master of bidang SEK with the given indicators (overrides on conftest's default row).

    Built and loaded through the real reader once per distinct set of rows (a Master is immutable).
    """
    key = json.dumps(rows, sort_keys=True)
    if key not in _MASTERS:
        indikator = [{"kode_indikator": f"I{i + 1}", "kode_bidang": "SEK", **r} for i, r in enumerate(rows)]
        _MASTERS[key] = load_master(build_master(tmp_path / "master.xlsx", bidang=({"kode_bidang": "SEK"},),
                                                 indikator=indikator))
    return _MASTERS[key]


def values(*rows: dict[str, Any]) -> pd.DataFrame:
    """Current values in the shape of Ledger.current_values; one submission per period."""
    out = []
    periods: dict[str, int] = {}
    for i, r in enumerate(rows):
        p = parse_periode(r.get("periode", "2025-TW1"))
        sub = periods.setdefault(str(p), len(periods) + 1)
        out.append({
            "nilai_id": i + 1, "kode_indikator": r["kode"], "kode_bidang": "SEK", "periode": str(p),
            "tahun": p.tahun, "tw": p.tw, "realisasi": r.get("realisasi"), "realisasi_teks": str(r.get("realisasi")),
            "anggaran": r.get("anggaran"), "anggaran_teks": "", "pendorong": "",
            "penghambat": r.get("penghambat", "Cuaca"), "bukti": "", "keterangan": "", "lembar": "Kertas Kerja",
            "baris": 9 + i, "sel_realisasi": f"K{9 + i}", "sel_anggaran": f"O{9 + i}", "submission_id": sub,
            "berkas": f"kk_{p}.xlsx", "lokasi": "",
        })
    frame = pd.DataFrame(out)
    for col in ("realisasi", "anggaran"):
        frame[col] = frame[col].astype("float64")
    return frame


def found(m: Master, vals: pd.DataFrame, code: str, periode: str = "2025-TW1", settings: Settings = SETTINGS,
          **kw: Any) -> list[tuple[str, str]]:
    """(indicator, message) of the findings of one code."""
    return [(f.kode_indikator, f.message) for f in evaluate(vals, m, settings, parse_periode(periode), **kw)
            if f.code == code]


def with_thresholds(**changes: Any) -> Settings:
    return dataclasses.replace(SETTINGS, temuan=dataclasses.replace(Temuan(), **changes))


def test_every_temuan_code_of_the_catalog_has_exactly_one_rule():
    temuan_codes = [c.code for c in F.CATALOG.values() if c.scope == F.TEMUAN]
    assert list(RULES) == temuan_codes
    assert {c for c, r in RULES.items() if r.per_file} == {"SALIN_TARGET", "SAMA_PERIODE_LALU"}


# ------------------------------------------------------------------------------------------------
# capaian


@pytest.mark.parametrize(("realisasi", "fires"), [(120, False), (120.01, True), (119.99, False), (250, True)])
def test_capaian_tinggi_above_120_only(tmp_path, realisasi, fires):
    m = master(tmp_path, {"satuan": "Dokumen", "target_tw1": 100})
    cap = realisasi / 100 * 100
    expected = [("I1", f"Capaian {pct(cap)}% melebihi batas 120% (realisasi s.d. TW {pct(realisasi).rstrip('0').rstrip(',')}, "
                       "target 100). Pastikan realisasi dan satuannya benar.")]
    assert found(m, values({"kode": "I1", "realisasi": realisasi}), "CAPAIAN_TINGGI") == (expected if fires else [])


def test_capaian_tinggi_follows_polarity_and_threshold_setting(tmp_path):
    # Negatif, 2T-R: T=8, R=6 -> (16-6)/8 = 125 %
    m = master(tmp_path, {"satuan": "Hari", "polaritas": "Negatif", "target_tw1": 8})
    vals = values({"kode": "I1", "realisasi": 6})
    assert [k for k, _ in found(m, vals, "CAPAIAN_TINGGI")] == ["I1"]
    assert "Capaian 125,00%" in found(m, vals, "CAPAIAN_TINGGI")[0][1]
    assert found(m, vals, "CAPAIAN_TINGGI", settings=with_thresholds(capaian_tinggi=125)) == []
    from_toml = settings_from_dict({"temuan": {"capaian_tinggi": 124.5}})
    assert "batas 124,5%" in found(m, vals, "CAPAIAN_TINGGI", settings=from_toml)[0][1]


@pytest.mark.parametrize(("realisasi", "fires"), [(50, False), (49.99, True), (0, True), (50.01, False)])
def test_capaian_rendah_below_50_only(tmp_path, realisasi, fires):
    m = master(tmp_path, {"satuan": "Dokumen", "target_tw1": 100})
    got = found(m, values({"kode": "I1", "realisasi": realisasi}), "CAPAIAN_RENDAH")
    if fires:
        cap = realisasi / 100 * 100
        assert got == [("I1", f"Capaian {pct(cap)}% di bawah batas 50% (realisasi s.d. TW "
                              f"{pct(realisasi).rstrip('0').rstrip(',')}, target 100). Pastikan angkanya benar dan "
                              "jelaskan faktor penghambatnya.")]
    else:
        assert got == []


def test_capaian_uses_realisasi_sd_of_kumulatif(tmp_path):
    # Kumulatif: 20 + 25 = 45 against Target TW2 100 -> 45 % (< 50) although TW2 alone is 25
    m = master(tmp_path, {"satuan": "Dokumen", "agregasi": "Kumulatif", "target_tw2": 100})
    vals = values({"kode": "I1", "realisasi": 20}, {"kode": "I1", "realisasi": 25, "periode": "2025-TW2"})
    assert [msg[:68] for _, msg in found(m, vals, "CAPAIAN_RENDAH", "2025-TW2")] == [
        "Capaian 45,00% di bawah batas 50% (realisasi s.d. TW 45, target 100)"]


def test_target_nol_when_denominator_is_zero(tmp_path):
    m = master(tmp_path, {"satuan": "Dokumen", "target_tw1": 0}, {"satuan": "Dokumen", "target_tw1": 0},
               {"satuan": "Dokumen", "target_tw1": 0.5})
    vals = values({"kode": "I1", "realisasi": 3}, {"kode": "I2", "realisasi": None}, {"kode": "I3", "realisasi": 3})
    assert found(m, vals, "TARGET_NOL") == [
        ("I1", "Capaian tidak dapat dihitung karena pembaginya nol (target 0, realisasi s.d. TW 3). Konfirmasi "
               "target dan realisasinya.")]
    # T/R rule: a negative indicator with realisasi 0 has a zero denominator too
    m2 = master(tmp_path / "tr", {"satuan": "Kasus", "polaritas": "Negatif", "target_tw1": 5})
    tr = dataclasses.replace(SETTINGS, aturan_negatif="T/R")
    assert [k for k, _ in found(m2, values({"kode": "I1", "realisasi": 0}), "TARGET_NOL", settings=tr)] == ["I1"]
    assert found(m2, values({"kode": "I1", "realisasi": 0}), "TARGET_NOL") == []


# ------------------------------------------------------------------------------------------------
# percent


def test_persen_lebih_100(tmp_path):
    m = master(tmp_path, {"target_tw1": 90}, {"target_tw1": 90}, {"satuan": "Dokumen", "target_tw1": 90},
               {"satuan": "persen", "target_tw1": 90})
    vals = values({"kode": "I1", "realisasi": 100}, {"kode": "I2", "realisasi": 100.5},
                  {"kode": "I3", "realisasi": 150}, {"kode": "I4", "realisasi": 101})
    assert found(m, vals, "PERSEN_LEBIH_100") == [
        ("I2", "Realisasi 100,5% untuk satuan persen melebihi 100%. Pastikan angkanya benar."),
        ("I4", "Realisasi 101% untuk satuan persen melebihi 100%. Pastikan angkanya benar."),
    ]


def test_skala_persen(tmp_path):
    m = master(tmp_path, *({"target_tw1": 80},) * 4, {"target_tw1": 1}, {"satuan": "Dokumen", "target_tw1": 80},
               {"target_tw1": 80})
    vals = values({"kode": "I1", "realisasi": 0.85}, {"kode": "I2", "realisasi": 1}, {"kode": "I3", "realisasi": 1.01},
                  {"kode": "I4", "realisasi": 0}, {"kode": "I5", "realisasi": 0.85}, {"kode": "I6", "realisasi": 0.85},
                  {"kode": "I7", "realisasi": 0.5})
    got = found(m, vals, "SKALA_PERSEN", scaled={"I7"})  # I7's cell was percent-formatted: already 0,5 %
    assert got == [
        ("I1", "Realisasi 0,85 untuk satuan persen dengan target 80: apakah maksudnya 85%? Tulis persen sebagai "
               "angka 0-100."),
        ("I2", "Realisasi 1 untuk satuan persen dengan target 80: apakah maksudnya 100%? Tulis persen sebagai "
               "angka 0-100."),
    ]


# ------------------------------------------------------------------------------------------------
# lonjakan


def _history(kode: str, pairs: list[tuple[str, float]]) -> list[dict[str, Any]]:
    return [{"kode": kode, "periode": p, "realisasi": v} for p, v in pairs]


@pytest.mark.parametrize(("now", "fires"), [(80, False), (80.01, True), (0, False)])
def test_lonjakan_posisi_akhir_more_than_100_percent_of_previous_value(tmp_path, now, fires):
    m = master(tmp_path, {"satuan": "Indeks", "target_tw2": 70})
    vals = values(*_history("I1", [("2025-TW1", 40), ("2025-TW2", now)]))
    got = found(m, vals, "LONJAKAN", "2025-TW2")
    change = (now - 40) / 40 * 100  # 80.01 -> 100.025 %
    expected = [("I1", f"Realisasi 80,01 berubah tajam dibanding riwayatnya (naik {pct(change)}% dari 40 pada "
                       "2025-TW1, batas 100%). Pastikan angkanya benar.")]
    assert got == (expected if fires else [])


def test_lonjakan_skips_unreported_quarters_and_previous_zero(tmp_path):
    m = master(tmp_path, {"satuan": "Indeks"}, {"satuan": "Indeks"})
    vals = values(*_history("I1", [("2025-TW1", 10), ("2025-TW3", 25)]),  # TW2 not reported: compared to TW1
                  *_history("I2", [("2025-TW2", 0), ("2025-TW3", 25)]))  # from 0: no percentage
    assert [(k, "naik 150,00% dari 10 pada 2025-TW1" in msg) for k, msg in found(m, vals, "LONJAKAN", "2025-TW3")] == [
        ("I1", True)]


@pytest.mark.parametrize(("now", "fires"), [(45, False), (45.01, True)])
def test_lonjakan_kumulatif_increment_over_3x_mean_of_earlier_increments(tmp_path, now, fires):
    m = master(tmp_path, {"satuan": "Dokumen", "agregasi": "Kumulatif", "target_tahunan": 1000, "target_tw3": 1000})
    vals = values(*_history("I1", [("2025-TW1", 10), ("2025-TW2", 20), ("2025-TW3", now)]))
    mean = (10 + 20) / 2
    expected = [("I1", "Realisasi 45,01 berubah tajam dibanding riwayatnya (kenaikan triwulan ini 45,01 lebih dari "
                       f"3 x rata-rata kenaikan 2 triwulan sebelumnya ({mean:g})). Pastikan angkanya benar.")]
    assert found(m, vals, "LONJAKAN", "2025-TW3") == (expected if fires else [])


def test_lonjakan_kumulatif_after_empty_quarters_is_not_a_jump(tmp_path):
    m = master(tmp_path, {"satuan": "Dokumen", "agregasi": "Kumulatif", "target_tahunan": 10})
    vals = values(*_history("I1", [("2025-TW1", 0), ("2025-TW2", 0), ("2025-TW3", 4)]))
    assert found(m, vals, "LONJAKAN", "2025-TW3") == []


def test_lonjakan_modified_z_score_over_earlier_years(tmp_path):
    # four earlier values, all in 2024: median 13, MAD median(|3,1,1,3|) = 2
    hist = [("2024-TW1", 10), ("2024-TW2", 12), ("2024-TW3", 14), ("2024-TW4", 16)]
    m = master(tmp_path, {"satuan": "Indeks", "target_tw1": 20})
    # 30 vs previous 16 is +87,5 %, under the simple rule's 100 %; the z-score sees it
    z30 = 0.6745 * (30 - 13) / 2  # 5.73
    got = found(m, values(*_history("I1", [*hist, ("2025-TW1", 30)])), "LONJAKAN")
    assert got == [("I1", f"Realisasi 30 berubah tajam dibanding riwayatnya (modified z-score {pct(z30)} melewati "
                          "batas 3,5; median 13 dan MAD 2 dari 4 nilai sebelumnya). Pastikan angkanya benar.")]
    # edge: z = 3.5 exactly at x = 13 + 3.5 * 2 / 0.6745; just under it does not fire
    edge = 13 + 3.5 * 2 / 0.6745
    assert found(m, values(*_history("I1", [*hist, ("2025-TW1", edge - 0.001)])), "LONJAKAN") == []
    assert [k for k, _ in found(m, values(*_history("I1", [*hist, ("2025-TW1", edge + 0.001)])), "LONJAKAN")] == ["I1"]
    # a sharp drop is a jump too
    assert "modified z-score -" in found(m, values(*_history("I1", [*hist, ("2025-TW1", 1)])), "LONJAKAN")[0][1]
    # with three earlier values (below lonjakan_min_riwayat) the simple rule decides: 30 vs 16 is not > 100 %
    assert found(m, values(*_history("I1", [*hist[1:], ("2025-TW1", 30)])), "LONJAKAN") == []


def test_lonjakan_mad_zero_falls_back_to_the_simple_rule(tmp_path):
    m = master(tmp_path, {"satuan": "Indeks", "target_tw2": 100})
    hist = [("2024-TW3", 50), ("2024-TW4", 50), ("2025-TW1", 50), ("2025-TW2", 60)]  # median 50, MAD 0
    assert found(m, values(*_history("I1", [*hist, ("2025-TW3", 120)])), "LONJAKAN", "2025-TW3") == []  # +100 %
    got = found(m, values(*_history("I1", [*hist, ("2025-TW3", 130)])), "LONJAKAN", "2025-TW3")
    assert [msg.split("(")[1].split(")")[0] for _, msg in got] == [
        f"naik {pct((130 - 60) / 60 * 100)}% dari 60 pada 2025-TW2, batas 100%"]


def test_lonjakan_ignores_later_periods(tmp_path):
    m = master(tmp_path, {"satuan": "Indeks"})
    vals = values(*_history("I1", [("2025-TW1", 10), ("2025-TW2", 100), ("2025-TW3", 10)]))
    assert [k for k, _ in found(m, vals, "LONJAKAN", "2025-TW2")] == ["I1"]
    assert found(m, vals, "LONJAKAN", "2025-TW1") == []


# ------------------------------------------------------------------------------------------------
# anggaran


def test_anggaran_lebih_pagu(tmp_path):
    m = master(tmp_path, *({"satuan": "Dokumen", "pagu": 100_000_000, "target_tw2": 10},) * 3)
    vals = values({"kode": "I1", "realisasi": 5, "anggaran": 60_000_000},
                  {"kode": "I1", "realisasi": 5, "anggaran": 40_000_000, "periode": "2025-TW2"},  # s.d. = pagu
                  {"kode": "I2", "realisasi": 5, "anggaran": 60_000_000},
                  {"kode": "I2", "realisasi": 5, "anggaran": 40_000_001, "periode": "2025-TW2"},
                  {"kode": "I3", "realisasi": 5, "anggaran": 100_000_001})  # TW1 only, nothing in TW2
    assert found(m, vals, "ANGGARAN_LEBIH_PAGU", "2025-TW2") == [
        ("I2", "Realisasi anggaran s.d. TW Rp100.000.001 melebihi pagu Rp100.000.000. Pastikan angkanya benar.")]


def test_serapan_tanpa_kinerja(tmp_path):
    m = master(tmp_path, *({"satuan": "Dokumen", "pagu": 100_000_000, "target_tw1": 10},) * 3)
    vals = values({"kode": "I1", "realisasi": 0, "anggaran": 50_000_000},  # serapan exactly 50 % fires (>=)
                  {"kode": "I2", "realisasi": 0, "anggaran": 49_999_999},
                  {"kode": "I3", "realisasi": 0.5, "anggaran": 90_000_000})
    assert found(m, vals, "SERAPAN_TANPA_KINERJA") == [
        ("I1", "Serapan anggaran 50,00% (batas 50%) tetapi realisasi kinerja s.d. TW masih 0. Jelaskan atau "
               "perbaiki.")]


def test_kinerja_tanpa_serapan(tmp_path):
    row = {"satuan": "Dokumen", "pagu": 75_000_000, "target_tw1": 10}
    m = master(tmp_path, row, row, row, row, {**row, "pagu": None})
    vals = values({"kode": "I1", "realisasi": 10},  # capaian exactly 100, anggaran not filled
                  {"kode": "I2", "realisasi": 12, "anggaran": 0},
                  {"kode": "I3", "realisasi": 9.999},  # 99,99 %
                  {"kode": "I4", "realisasi": 10, "anggaran": 1},
                  {"kode": "I5", "realisasi": 10})  # no pagu
    assert found(m, vals, "KINERJA_TANPA_SERAPAN") == [
        ("I1", "Capaian 100,00% padahal anggaran (pagu Rp75.000.000) belum terserap sama sekali. Jelaskan atau isi "
               "realisasi anggarannya."),
        ("I2", f"Capaian {pct(12 / 10 * 100)}% padahal anggaran (pagu Rp75.000.000) belum terserap sama sekali. "
               "Jelaskan atau isi realisasi anggarannya."),
    ]


def test_penjelasan_kosong(tmp_path):
    m = master(tmp_path, *({"satuan": "Dokumen", "target_tw1": 100},) * 4)
    vals = values({"kode": "I1", "realisasi": 99.99, "penghambat": ""},
                  {"kode": "I2", "realisasi": 100, "penghambat": ""},
                  {"kode": "I3", "realisasi": 60, "penghambat": "  "},
                  {"kode": "I4", "realisasi": 60, "penghambat": "Anggaran belum cair"})
    assert found(m, vals, "PENJELASAN_KOSONG") == [
        ("I1", f"Capaian {pct(99.99)}% di bawah 100% tetapi kolom Faktor Penghambat kosong. Tuliskan penyebabnya."),
        ("I3", "Capaian 60,00% di bawah 100% tetapi kolom Faktor Penghambat kosong. Tuliskan penyebabnya."),
    ]


# ------------------------------------------------------------------------------------------------
# per file


def _targets(n: int) -> tuple[dict[str, Any], ...]:
    return tuple({"satuan": "Dokumen", "target_tw1": 10 * (i + 1)} for i in range(n))


@pytest.mark.parametrize(("n_rows", "n_same", "fires"), [(5, 4, True), (5, 3, False), (4, 4, False),
                                                         (10, 8, True), (10, 7, False)])
def test_salin_target(tmp_path, n_rows, n_same, fires):
    m = master(tmp_path, *_targets(n_rows), {"satuan": "Dokumen", "target_tw1": 5})
    rows = [{"kode": f"I{i + 1}", "realisasi": 10 * (i + 1) + (0 if i < n_same else 1)} for i in range(n_rows)]
    vals = values(*rows, {"kode": f"I{n_rows + 1}", "realisasi": None})  # empty rows are not counted
    share = n_same / n_rows * 100
    expected = [("", f"{n_same} dari {n_rows} realisasi yang diisi ({pct(share)}%) sama persis dengan targetnya. "
                     "Pastikan yang diisi adalah realisasi, bukan salinan target.")]
    assert found(m, vals, "SALIN_TARGET") == (expected if fires else [])


def test_salin_target_thresholds_from_settings(tmp_path):
    m = master(tmp_path, *_targets(3))
    vals = values(*({"kode": f"I{i + 1}", "realisasi": 10 * (i + 1)} for i in range(3)))
    assert found(m, vals, "SALIN_TARGET") == []
    assert len(found(m, vals, "SALIN_TARGET", settings=with_thresholds(salin_target_min_baris=3))) == 1


def test_sama_periode_lalu(tmp_path):
    m = master(tmp_path, {"satuan": "Dokumen", "pagu": 1e8}, {"satuan": "Dokumen"}, {"satuan": "Dokumen"})
    tw1 = [{"kode": "I1", "realisasi": 5, "anggaran": 1e6}, {"kode": "I2", "realisasi": 7},
           {"kode": "I3", "realisasi": 2}]
    same = [{**r, "periode": "2025-TW2"} for r in tw1[:2]] + [{"kode": "I3", "realisasi": None, "periode": "2025-TW2"}]
    assert found(m, values(*tw1, *same), "SAMA_PERIODE_LALU", "2025-TW2") == [
        ("", "Semua 3 nilai yang diisi sama persis dengan triwulan sebelumnya (2025-TW1). Pastikan yang diisi adalah "
             "realisasi triwulan ini.")]
    one_differs = [same[0], {**same[1], "realisasi": 7.5}, same[2]]
    assert found(m, values(*tw1, *one_differs), "SAMA_PERIODE_LALU", "2025-TW2") == []
    anggaran_differs = [{**same[0], "anggaran": 2e6}, *same[1:]]
    assert found(m, values(*tw1, *anggaran_differs), "SAMA_PERIODE_LALU", "2025-TW2") == []
    # a value filled now that was empty before is not "the same"
    new_value = [*same[:2], {"kode": "I3", "realisasi": 4, "periode": "2025-TW2"}]
    assert found(m, values(tw1[0], tw1[1], *new_value), "SAMA_PERIODE_LALU", "2025-TW2") == []
    # no previous quarter at all
    assert found(m, values(*tw1), "SAMA_PERIODE_LALU") == []


def test_sama_periode_lalu_compares_tw1_with_tw4_of_the_year_before(tmp_path):
    m = master(tmp_path, {"satuan": "Indeks"})
    vals = values({"kode": "I1", "realisasi": 3.2, "periode": "2024-TW4"}, {"kode": "I1", "realisasi": 3.2})
    assert [msg.split("(")[1][:8] for _, msg in found(m, vals, "SAMA_PERIODE_LALU")] == ["2024-TW4"]


def test_evaluate_looks_only_at_submitted_bidang_and_filled_rows(tmp_path):
    m = master(tmp_path, {"satuan": "Dokumen", "target_tw1": 100}, {"satuan": "Dokumen", "target_tw1": 100})
    vals = values({"kode": "I1", "realisasi": None})
    assert evaluate(vals, m, SETTINGS, Periode(2025, 1)) == []
    assert evaluate(values({"kode": "I1", "realisasi": 10}).iloc[0:0], m, SETTINGS, Periode(2025, 1)) == []


def test_finding_carries_place_value_column_and_fingerprint(tmp_path):
    m = master(tmp_path, {"satuan": "Dokumen", "target_tw1": 100, "pagu": 10})
    [f] = [f for f in evaluate(values({"kode": "I1", "realisasi": 90, "anggaran": 11}), m, SETTINGS,
                               Periode(2025, 1)) if f.code == "ANGGARAN_LEBIH_PAGU"]
    assert (f.bidang, f.file, f.place, f.value, f.periode, f.level) == (
        "SEK", "kk_2025-TW1.xlsx", "'Kertas Kerja'!O9", "11", "2025-TW1", F.PERINGATAN)
    assert (f.data["kolom"], json.loads(f.data["sidik"]), f.data["submission_id"]) == ("anggaran", [11.0, 10.0], 1)


# ------------------------------------------------------------------------------------------------
# refresh: the life of a finding in the ledger


class Book:
    """A ledger with submissions recorded the way batch.py records them."""

    def __init__(self, ledger: Ledger, m: Master) -> None:
        self.ledger = ledger
        self.master = m
        self.run_id = ledger.begin_run({}, "test")
        self.n = 0

    def submit(self, periode: str, rows: dict[str, float | None], penghambat: str = "Cuaca") -> int:
        self.n += 1
        p = parse_periode(periode)
        with self.ledger.transaction():
            file_id = self.ledger.record_file(self.run_id, sha256=f"sha{self.n}", nama_asli=f"kk{self.n}.xlsx",
                                              ukuran=1, mtime=0, diterima="2025-04-01 08:00:00", hasil="diterima",
                                              lokasi=f"inbox/arsip/kk{self.n}.xlsx", kode_bidang="SEK",
                                              periode=periode)
            return self.ledger.record_submission(
                file_id, kode_bidang="SEK", periode=periode, tahun=p.tahun, tw=p.tw, diterima="2025-04-01 08:00:00",
                terlambat=False, n_indikator=len(rows), n_galat=0, n_peringatan=0,
                rows=[{"kode_indikator": k, "realisasi": v, "penghambat": penghambat, "sheet": "Kertas Kerja",
                       "excel_row": 9 + i, "cell_realisasi": f"K{9 + i}", "cell_anggaran": f"O{9 + i}"}
                      for i, (k, v) in enumerate(rows.items())])

    def refresh(self, periode: str = "2025-TW1"):
        return refresh(self.ledger, self.master, SETTINGS, parse_periode(periode), self.run_id)

    def rows(self, current_only: bool = False) -> list[tuple[int, str, str, str, str]]:
        return [(r["id"], r["kode"], r["kode_indikator"], r["status"], r["nilai"])
                for r in self.ledger.findings(periode="2025-TW1", current_only=current_only)]


@pytest.fixture
def book(tmp_path):
    m = master(tmp_path, {"satuan": "Dokumen", "target_tw1": 100}, {"satuan": "Dokumen", "target_tw1": 100})
    with Ledger.open(tmp_path / "ledger.sqlite") as ledger:
        yield Book(ledger, m)


def test_refresh_records_once_and_keeps_ids(book):
    book.submit("2025-TW1", {"I1": 130, "I2": 90})
    first = book.refresh()
    again = book.refresh()
    assert (first.baru, again.baru, again.tetap) == (1, 0, 1)
    assert book.rows() == [(1, "CAPAIAN_TINGGI", "I1", "Terbuka", "130")]


def test_refresh_a_newer_kertas_kerja_resolves_or_updates(book):
    book.submit("2025-TW1", {"I1": 130, "I2": 40})
    book.refresh()
    sub2 = book.submit("2025-TW1", {"I1": 100, "I2": 45})  # I1 fixed, I2 still low with another value
    summary = book.refresh()
    assert (summary.baru, summary.diperbarui, summary.selesai) == (0, 1, 1)
    assert book.rows(current_only=True) == [(1, "CAPAIAN_TINGGI", "I1", "Selesai", "130"),
                                            (2, "CAPAIAN_RENDAH", "I2", "Terbuka", "45")]
    assert {r["submission_id"] for r in book.ledger.findings(periode="2025-TW1")} == {sub2}
    assert "Capaian 45,00%" in book.ledger.finding(2)["pesan"]


def test_refresh_keeps_a_confirmed_finding_while_its_values_hold(book):
    book.submit("2025-TW1", {"I1": 130, "I2": 90})
    book.refresh()
    book.ledger.update_finding(1, status=F.DIKONFIRMASI, tanggapan="Benar", penjelasan="Ada kegiatan tambahan")
    book.refresh()
    sub2 = book.submit("2025-TW1", {"I1": 130, "I2": 95})  # same value again in a newer kertas kerja
    book.refresh()
    assert book.rows(current_only=True) == [(1, "CAPAIAN_TINGGI", "I1", "Dikonfirmasi", "130")]
    assert book.ledger.finding(1)["submission_id"] == sub2
    book.submit("2025-TW1", {"I1": 140, "I2": 95})  # other values: a new question
    book.refresh()
    assert book.rows(current_only=True) == [(2, "CAPAIAN_TINGGI", "I1", "Terbuka", "140")]
    assert book.rows()[0] == (1, "CAPAIAN_TINGGI", "I1", "Dikonfirmasi", "130")


def test_refresh_a_finding_that_comes_back_after_selesai_is_new(book):
    book.submit("2025-TW1", {"I1": 130})
    book.refresh()
    book.submit("2025-TW1", {"I1": 100})
    book.refresh()
    book.submit("2025-TW1", {"I1": 130})
    book.refresh()
    assert [r[3] for r in book.rows()] == ["Selesai", "Terbuka"]


def test_refresh_closes_the_notice_of_an_invalid_answer_with_its_finding(book):
    book.submit("2025-TW1", {"I1": 130})
    book.refresh()
    notice = F.make("TANGGAPAN_TIDAK_VALID", bidang="SEK", periode="2025-TW1", kode_indikator="I1",
                    sheet="Konfirmasi", cell="I14", detail="Nilai Koreksi kosong", temuan_id=1)
    book.ledger.record_finding(book.run_id, notice, submission_id=1)
    book.refresh()
    assert [r[3] for r in book.rows()] == ["Terbuka", "Terbuka"]
    book.submit("2025-TW1", {"I1": 100})
    book.refresh()
    assert [(r["kode"], r["status"]) for r in book.ledger.findings(periode="2025-TW1", current_only=False)] == [
        ("CAPAIAN_TINGGI", "Selesai"), ("TANGGAPAN_TIDAK_VALID", "Selesai")]


def test_refresh_lonjakan_reads_earlier_years_from_the_ledger(book):
    for p, v in [("2024-TW1", 10), ("2024-TW2", 12), ("2024-TW3", 14), ("2024-TW4", 16)]:
        book.submit(p, {"I1": v})
    book.submit("2025-TW1", {"I1": 30})
    book.refresh()
    assert [(r[1], "modified z-score" in book.ledger.finding(r[0])["pesan"]) for r in book.rows()
            if r[1] == "LONJAKAN"] == [("LONJAKAN", True)]


# ------------------------------------------------------------------------------------------------
# the fast paths of evaluate give what the plain ones gave

_EDGES = [0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 2.675, 1.005, 0.125, -0.125, 0.045, -0.005, -0.0049, 999.995, 9999.99995,
          123456789.125, 1e15, 9.999999999999999e15, 1e16, 1e-4, 5e-05, 4.9999e-05, 1.23e-07, 7, -3, True,
          float("nan"), float("inf"), float("-inf"), None]


@pytest.mark.parametrize("x", _EDGES)
def test_message_numbers_match_the_numbers_module_at_the_edges(x):
    assert [T._angka(x, d) for d in (0, 2, 4)] == [format_angka(x, d) for d in (0, 2, 4)]
    assert T._n(x) == format_angka_ringkas(x)
    assert (T._pct(x), T._rp(x)) == (format_angka(x, 2), format_angka(x, 0))


@hyp_settings(max_examples=3000, deadline=None)
@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                 st.decimals(min_value=-10**12, max_value=10**12, places=6, allow_nan=False).map(float),
                 st.integers(min_value=-10**15, max_value=10**15)))
def test_message_numbers_match_the_numbers_module(x):
    assert T._angka(x, 0) == format_angka(x, 0)
    assert T._angka(x, 2) == format_angka(x, 2)
    assert T._n(x) == format_angka_ringkas(x)


@pytest.mark.parametrize("sidik", [(), (None,), (1.0, None, 2.5), (-0.0, 0.0), (1e-07, 123456789012.0),
                                   (float("inf"), 1.0), ("abc",), (3,), (1.0, "x")])
def test_fingerprint_json_is_what_json_writes(sidik):
    assert T._sidik_json(sidik) == json.dumps(list(sidik))


def test_rows_of_a_mask_are_the_frames_records():
    frame = pd.DataFrame({c: [f"{c}{i}" for i in range(5)] for c in T._ROW_COLUMNS})
    for c in ("realisasi", "anggaran", "capaian", "pagu"):
        frame[c] = [1.5, float("nan"), 3.0, 0.0, -2.0]
    frame["kode_bidang"] = frame["kode_bidang"].astype("str")
    ctx = T.Context(Periode(2025, 1), Temuan(), frame, frame.iloc[0:0])
    mask = [True, False, True, True, False]
    expected = frame.loc[mask, T._ROW_COLUMNS].to_dict("records")
    got = T._rows(ctx, mask)
    assert json.dumps(got, default=str) == json.dumps(expected, default=str)
    assert [type(v) for v in got[0].values()] == [type(v) for v in expected[0].values()]
    assert T._rows(ctx, [False] * 5) == []
