"""Measurement: realisasi s.d. TW, capaian, predikat and serapan (domain §3 and §4).

Pure pandas/numpy, no I/O. :func:`measure` works on whole frames at once (it runs over
150,000 indicators in the benchmark); :func:`capaian` and :func:`predikat_of` are the scalar
forms of the same rules for modules that look at one value at a time.

Layer: rules (../shared/docs/architecture.md); it may import foundation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kinerja_batch.config import NEGATIVE_RULES, PREDIKAT_LOWEST, PREDIKAT_NAMES, PREDIKAT_NONE, Settings
from kinerja_batch.periode import Periode

if TYPE_CHECKING:
    from kinerja_batch.master import Master

POSITIF = "Positif"
NEGATIF = "Negatif"
POLARITAS = (POSITIF, NEGATIF)

KUMULATIF = "Kumulatif"
POSISI_AKHIR = "Posisi Akhir"
RATA_RATA = "Rata-rata"
AGREGASI = (KUMULATIF, POSISI_AKHIR, RATA_RATA)

BASIS_TAHUNAN = "Target Tahunan"

DEFAULT_BANDS: tuple[tuple[float, str], ...] = tuple(
    zip((91.0, 76.0, 66.0, 51.0), PREDIKAT_NAMES, strict=True)
)

QUARTERS = (1, 2, 3, 4)
COLUMNS = (
    "kode_bidang",
    "realisasi",
    *(f"realisasi_tw{q}" for q in QUARTERS),
    "anggaran",
    *(f"anggaran_tw{q}" for q in QUARTERS),
    "realisasi_sd",
    "target_sd",
    "target_basis",
    "capaian",
    "capaian_tahunan",
    "predikat",
    "anggaran_sd",
    "serapan",
    "terisi",
    "n_triwulan",
    "pembagi_nol",
)


# ---------------------------------------------------------------------------------------------
# the formulas (one implementation, used by both the scalar and the frame form)


def _check_rule(aturan_negatif: str) -> None:
    if aturan_negatif not in NEGATIVE_RULES:
        raise ValueError(
            f"aturan_negatif {aturan_negatif!r} tidak dikenal; gunakan salah satu dari {NEGATIVE_RULES}."
        )


def _capaian_arrays(
    r: np.ndarray, t: np.ndarray, negatif: np.ndarray, aturan_negatif: str
) -> tuple[np.ndarray, np.ndarray]:
    """Capaian (%) and the zero-denominator mask for float arrays R and T."""
    _check_rule(aturan_negatif)
    if aturan_negatif == "2T-R":
        num = np.where(negatif, 2 * t - r, r)
        den = t
    else:  # T/R
        num = np.where(negatif, t, r)
        den = np.where(negatif, r, t)
    known = ~np.isnan(r) & ~np.isnan(t)
    zero = known & (den == 0)
    cap = np.full(r.shape, np.nan)
    with np.errstate(over="ignore"):
        # the ratio first, then x 100: the formula's own order, so hand-computed values match exactly
        np.divide(num, den, out=cap, where=known & ~zero)
        cap *= 100
    # overflow needs absurd input (a target like 1e-313): still no capaian, never infinity
    cap[np.isinf(cap)] = np.nan
    return cap, zero


def _float(x: float | None) -> float:
    return math.nan if x is None else float(x)


def capaian(r: float | None, t: float | None, polaritas: str, aturan_negatif: str) -> float | None:
    """Capaian (%) of realisasi ``r`` against target ``t`` (domain §4).

    ``Positif``: R / T x 100. ``Negatif``: (2T - R) / T x 100 under rule ``2T-R``, T / R x 100 under
    rule ``T/R``. None when R or T is missing or the denominator is zero (never 0, never infinity).
    No clamping and no rounding.
    """
    if polaritas not in POLARITAS:
        raise ValueError(f"polaritas {polaritas!r} tidak dikenal; gunakan 'Positif' atau 'Negatif'.")
    cap, _ = _capaian_arrays(
        np.array([_float(r)]), np.array([_float(t)]), np.array([polaritas == NEGATIF]), aturan_negatif
    )
    value = float(cap[0])
    return None if math.isnan(value) else value


def _sorted_bands(bands: Sequence[tuple[float, str]]) -> list[tuple[float, str]]:
    # highest lower bound first, so the first band reached is the right one whatever the caller's order
    return sorted(((float(lower), name) for lower, name in bands), key=lambda b: b[0], reverse=True)


def predikat_of(capaian: float | None, bands: Sequence[tuple[float, str]] = DEFAULT_BANDS) -> str:
    """Predikat of a capaian: the first band whose lower bound (inclusive) it reaches.

    ``bands`` are ``(lower bound, name)`` pairs; below every band gives ``Sangat Rendah``,
    no capaian (None/NaN) gives ``-``.
    """
    if capaian is None or math.isnan(capaian):
        return PREDIKAT_NONE
    for lower, name in _sorted_bands(bands):
        if capaian >= lower:
            return name
    return PREDIKAT_LOWEST


def _predikat_array(cap: np.ndarray, bands: Sequence[tuple[float, str]]) -> np.ndarray:
    ordered = _sorted_bands(bands)
    out = np.full(cap.shape, PREDIKAT_LOWEST, dtype=object)
    # lowest band first so that higher bands overwrite: same result as "first band reached"
    for lower, name in reversed(ordered):
        out[cap >= lower] = name
    out[np.isnan(cap)] = PREDIKAT_NONE
    return out


# ---------------------------------------------------------------------------------------------
# the frame form


def _floats(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype="float64", na_value=np.nan)


def _quarter_grid(codes: pd.Index, values: pd.DataFrame, column: str, n: int) -> np.ndarray:
    """(indicators x 4) array of one value column; NaN where not reported or after TWn."""
    grid = np.full((len(codes), 4), np.nan)
    if values.empty:
        return grid
    pos = codes.get_indexer(values["kode_indikator"])
    tw = _floats(values["tw"])
    keep = (pos >= 0) & (tw >= 1) & (tw <= n)
    grid[pos[keep], tw[keep].astype(np.int64) - 1] = _floats(values[column])[keep]
    return grid


def _row_sum(grid: np.ndarray) -> np.ndarray:
    """Left-to-right sum of the reported quarters; NaN when none is reported."""
    filled = ~np.isnan(grid)
    zeros = np.where(filled, grid, 0.0)
    total = zeros[:, 0] + zeros[:, 1] + zeros[:, 2] + zeros[:, 3]
    total[~filled.any(axis=1)] = np.nan
    return total


def _check_words(indikator: pd.DataFrame, column: str, allowed: tuple[str, ...]) -> None:
    bad = ~indikator[column].isin(allowed)
    if bad.any():
        codes = indikator.loc[bad, "kode_indikator"].astype(str).head(5).tolist()
        raise ValueError(f"{column} harus salah satu dari {allowed}; indikator {codes} tidak.")


def measure(
    indikator: pd.DataFrame,
    values: pd.DataFrame,
    periode: Periode,
    *,
    aturan_negatif: str = "2T-R",
    predikat: Sequence[tuple[float, str]] = DEFAULT_BANDS,
) -> pd.DataFrame:
    """Measure every indicator of the master at ``periode`` (domain §3 and §4).

    ``indikator`` is the master (kode_indikator, kode_bidang, polaritas, agregasi, target_tahunan,
    target_tw1..target_tw4, pagu); ``values`` the accepted values of the same year (kode_indikator,
    tw, realisasi, anggaran; at most one row per code and quarter). Values after TWn and codes not in
    the master are ignored.

    Returns one row per master row, same order, indexed by kode_indikator, with the columns of
    :data:`COLUMNS`: quarter values, realisasi/anggaran s.d. TW, target s.d. TW and its basis, capaian
    (s.d. TW and against the annual target), predikat, serapan, and the flags ``terisi``,
    ``n_triwulan`` and ``pembagi_nol`` (realisasi known but the capaian's denominator is zero).
    """
    _check_rule(aturan_negatif)
    _check_words(indikator, "polaritas", POLARITAS)
    _check_words(indikator, "agregasi", AGREGASI)
    codes = pd.Index(indikator["kode_indikator"], name="kode_indikator")
    if not codes.is_unique:
        dup = codes[codes.duplicated()].astype(str).unique()[:5].tolist()
        raise ValueError(f"kode_indikator harus unik; ganda: {dup}.")
    n = periode.tw

    real = _quarter_grid(codes, values, "realisasi", n)
    angg = _quarter_grid(codes, values, "anggaran", n)

    filled = ~np.isnan(real)
    n_tw = filled.sum(axis=1)
    total = _row_sum(real)
    agregasi = indikator["agregasi"].to_numpy()
    mean = total / n_tw  # NaN / 0 where nothing was reported: NaN, quietly
    real_sd = np.select(
        [agregasi == KUMULATIF, agregasi == POSISI_AKHIR],
        [total, real[:, n - 1]],
        default=mean,
    )

    tahunan = _floats(indikator["target_tahunan"])
    target_n = _floats(indikator[f"target_tw{n}"])
    has_target_n = ~np.isnan(target_n)
    target_sd = np.where(has_target_n, target_n, tahunan)
    basis = np.where(has_target_n, f"Target TW{n}", BASIS_TAHUNAN).astype(object)

    negatif = (indikator["polaritas"] == NEGATIF).to_numpy()
    cap, zero = _capaian_arrays(real_sd, target_sd, negatif, aturan_negatif)
    cap_tahunan, _ = _capaian_arrays(real_sd, tahunan, negatif, aturan_negatif)

    angg_sd = _row_sum(angg)
    pagu = _floats(indikator["pagu"])
    serapan = np.full(len(codes), np.nan)
    np.divide(angg_sd, pagu, out=serapan, where=~np.isnan(pagu) & (pagu != 0))
    serapan *= 100

    data: dict[str, object] = {
        "kode_bidang": indikator["kode_bidang"].to_numpy(),
        "realisasi": real[:, n - 1],
        **{f"realisasi_tw{q}": real[:, q - 1] for q in QUARTERS},
        "anggaran": angg[:, n - 1],
        **{f"anggaran_tw{q}": angg[:, q - 1] for q in QUARTERS},
        "realisasi_sd": real_sd,
        "target_sd": target_sd,
        "target_basis": basis,
        "capaian": cap,
        "capaian_tahunan": cap_tahunan,
        "predikat": _predikat_array(cap, predikat),
        "anggaran_sd": angg_sd,
        "serapan": serapan,
        "terisi": filled[:, n - 1],
        "n_triwulan": n_tw.astype(np.int64),
        "pembagi_nol": zero,
    }
    return pd.DataFrame(data, index=codes, columns=list(COLUMNS))


TEXT_COLUMNS = ("pendorong", "penghambat", "bukti", "keterangan", "berkas", "lembar", "sel_realisasi",
                "sel_anggaran", "realisasi_teks")


def measured_frame(values: pd.DataFrame, master: Master, settings: Settings, periode: Periode) -> pd.DataFrame:
    """One row per master indicator: the master columns, :func:`measure.measure` at ``periode`` and the texts,
    source cells and ``submission_id`` (NaN when none) of the period's current values.

    ``values`` has the shape of :meth:`Ledger.current_values` (earlier years are ignored here).
    """
    year = values[values["tahun"] == periode.tahun][["kode_indikator", "tw", "realisasi", "anggaran"]]
    m = measure(master.indikator, year, periode, aturan_negatif=settings.aturan_negatif,
                predikat=settings.predikat_bands())
    ind = master.indikator.set_index("kode_indikator")
    texts = values[(values["periode"] == str(periode))].set_index("kode_indikator")
    joined = ind.drop(columns=["kode_bidang"]).join(m, how="left")
    for col in TEXT_COLUMNS:
        joined[col] = texts[col].reindex(joined.index).fillna("").astype(str) if len(texts) else ""
    joined["submission_id"] = (texts["submission_id"].reindex(joined.index).astype("float64") if len(texts)
                               else float("nan"))
    return joined.reset_index()
