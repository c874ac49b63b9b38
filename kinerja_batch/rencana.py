"""The plan around one period's measures: money once per uraian up the hierarchy, the Renstra columns and
the earlier years (domain §9).

Layer: rules (pure pandas/numpy over frames; no ledger, no files). The period model calls
:func:`plan_columns` with the measured frame, the values of every year up to the period's and the imported
whole-year values; the Evaluasi Renja and the annual sheet read the columns it adds.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kinerja_batch import hierarki
from kinerja_batch.measure import KUMULATIF, NEGATIF, POSISI_AKHIR, _capaian_arrays

if TYPE_CHECKING:
    from kinerja_batch.config import Settings
    from kinerja_batch.master import Master
    from kinerja_batch.periode import Periode

QUARTERS = (1, 2, 3, 4)
OWN = "sendiri_"  # prefix of the flag: the uraian's money in that column is its own (not its children's sum)
# money columns of the measured frame -> their per-uraian form (first indicator row of an uraian only)
MONEY = {"pagu": "pagu_u", **{f"anggaran_tw{q}": f"anggaran_tw{q}_u" for q in QUARTERS},
         "anggaran_sd": "anggaran_sd_u", "pagu_renstra": "pagu_renstra_u",
         "anggaran_renstra_lalu": "anggaran_renstra_lalu_u", "anggaran_renstra_ini": "anggaran_renstra_ini_u"}


def year_values(values: pd.DataFrame, whole_years: pd.DataFrame, agregasi: pd.Series) -> pd.DataFrame:
    """One row per (kode_indikator, tahun): the year's realisasi by the indicator's Agregasi over its
    reported quarters (Kumulatif sum, Posisi Akhir the last reported, Rata-rata mean) and the year's money
    (sum); an imported whole-year value (tw 0) is that year's figure as typed."""
    q = values[(values["tw"] >= 1) & (values["tw"] <= 4)]
    q = q.sort_values(["kode_indikator", "tahun", "tw"], kind="stable")
    cols = ["kode_indikator", "tahun", "realisasi", "anggaran"]
    if q.empty:
        from_quarters = pd.DataFrame(columns=cols)
    else:
        g = q.groupby(["kode_indikator", "tahun"], sort=False)
        real = q.dropna(subset=["realisasi"]).groupby(["kode_indikator", "tahun"], sort=False)["realisasi"]
        stats = pd.DataFrame({"sum": real.sum(), "last": real.last(), "mean": real.mean()})
        stats = stats.reindex(g.size().index)
        ag = agregasi.reindex(stats.index.get_level_values(0)).to_numpy()
        value = np.select([ag == KUMULATIF, ag == POSISI_AKHIR],
                          [stats["sum"].to_numpy(dtype=float), stats["last"].to_numpy(dtype=float)],
                          default=stats["mean"].to_numpy(dtype=float))
        money = g["anggaran"].sum(min_count=1)
        from_quarters = pd.DataFrame({"realisasi": value, "anggaran": money.to_numpy(dtype=float)},
                                     index=stats.index).reset_index()
    if whole_years is not None and not whole_years.empty:
        w = whole_years[whole_years["tw"] == 0][cols]
        keyed = from_quarters.set_index(["kode_indikator", "tahun"])
        wk = w.set_index(["kode_indikator", "tahun"])
        keyed = wk.combine_first(keyed) if not keyed.empty else wk
        from_quarters = keyed.reset_index()
    return from_quarters[cols].astype({"realisasi": "float64", "anggaran": "float64"})


def _across_years(years: pd.DataFrame, agregasi: pd.Series, codes: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Realisasi and money 'up to' over the given years (domain §9), per code; NaN where none."""
    if years.empty:
        nan = np.full(len(codes), np.nan)
        return nan, nan.copy()
    y = years.sort_values(["kode_indikator", "tahun"], kind="stable")
    real = y.dropna(subset=["realisasi"]).groupby("kode_indikator", sort=False)["realisasi"]
    stats = pd.DataFrame({"sum": real.sum(), "last": real.last(), "mean": real.mean()}).reindex(codes)
    ag = agregasi.reindex(codes).to_numpy()
    value = np.select([ag == KUMULATIF, ag == POSISI_AKHIR],
                      [stats["sum"].to_numpy(dtype=float), stats["last"].to_numpy(dtype=float)],
                      default=stats["mean"].to_numpy(dtype=float))
    money = y.groupby("kode_indikator", sort=False)["anggaran"].sum(min_count=1).reindex(codes)
    return value, money.to_numpy(dtype=float)


def plan_columns(joined: pd.DataFrame, master: Master, settings: Settings, periode: Periode,
                 values: pd.DataFrame, whole_years: pd.DataFrame | None = None) -> pd.DataFrame:
    """The measured frame (master order) with the hierarchy, per-uraian money, Renstra and earlier-year
    columns added:

    - ``kode_uraian_ef``, ``induk``, ``kedalaman``, ``urutan`` (position in hierarchy order),
      ``uraian_pertama`` (the row that shows the uraian's money), ``akar`` (its uraian has no parent),
      ``uang_sendiri`` (the uraian carries money of its own, not its children's sum);
    - ``pagu_u``, ``anggaran_tw1_u`` .. ``anggaran_sd_u``, ``serapan_u``: money of the uraian on its first row;
    - ``realisasi_renstra_lalu``, ``realisasi_renstra_ini``, ``capaian_renstra`` (K) and
      ``anggaran_renstra_lalu_u``, ``anggaran_renstra_ini_u``, ``pagu_renstra_u``, ``capaian_renstra_rp_u`` (Rp);
    - ``realisasi_th_1``, ``realisasi_th_2``: the realisasi of the two years before.
    """
    out = joined.copy()
    ind = master.indikator.reset_index(drop=True)
    codes = pd.Index(out["kode_indikator"])
    agregasi = pd.Series(out["agregasi"].to_numpy(), index=codes)
    tahun = periode.tahun
    earlier = values[values["tahun"] < tahun] if len(values) else values
    years = year_values(earlier, whole_years if whole_years is not None else pd.DataFrame(), agregasi)
    awal = settings.renstra.tahun_awal
    in_renstra = years[years["tahun"] >= awal] if awal is not None else years
    lalu_k, lalu_rp = _across_years(in_renstra, agregasi, codes)
    # up to this year: the earlier years and this year's realisasi s.d. TW
    now = pd.DataFrame({"kode_indikator": codes, "tahun": tahun, "realisasi": out["realisasi_sd"].to_numpy(),
                        "anggaran": out["anggaran_sd"].to_numpy()})
    ini_k, ini_rp = _across_years(pd.concat([in_renstra, now], ignore_index=True), agregasi, codes)
    out["realisasi_renstra_lalu"] = lalu_k
    out["realisasi_renstra_ini"] = ini_k
    out["anggaran_renstra_lalu"] = lalu_rp
    out["anggaran_renstra_ini"] = ini_rp
    negatif = (out["polaritas"] == NEGATIF).to_numpy()
    cap, _ = _capaian_arrays(ini_k, out["target_renstra"].to_numpy(dtype=float), negatif, settings.aturan_negatif)
    out["capaian_renstra"] = cap
    for back in (1, 2):
        yv = years[years["tahun"] == tahun - back].set_index("kode_indikator")["realisasi"]
        out[f"realisasi_th_{back}"] = yv.reindex(codes).to_numpy(dtype=float)

    n = len(out)
    hier = bool(n) and bool((ind["kode_uraian"] != "").any() or (ind["kode_induk"] != "").any())
    if not hier:  # every indicator its own uraian, no parent: the flat layout (and no cost at 150,000 rows)
        out["kode_uraian_ef"] = hierarki.OWN_PREFIX + out["kode_indikator"].astype(str)
        out["induk"] = ""
        out["kedalaman"] = 0
        out["akar"] = True
        out["uraian_pertama"] = True
        out["urutan"] = np.arange(n)
        for column, target in MONEY.items():
            out[target] = out[column].to_numpy(dtype=float)
            out[OWN + target] = True
    else:
        s = hierarki.structure(ind["kode_indikator"].tolist(), ind["level"].tolist(), ind["kode_uraian"].tolist(),
                               ind["kode_induk"].tolist())
        k = s.key_idx
        first = np.zeros(n, dtype=bool)
        first[s.first_row] = True
        parent = s.parent[k]
        out["kode_uraian_ef"] = s.keys[k]
        out["induk"] = np.where(parent >= 0, s.keys[np.maximum(parent, 0)], "")
        out["kedalaman"] = s.depth[k]
        out["akar"] = parent < 0
        out["uraian_pertama"] = first
        urutan = np.empty(n, dtype=np.int64)
        urutan[s.row_order()] = np.arange(n)
        out["urutan"] = urutan
        for column, target in MONEY.items():
            val, own = s.money(out[column].to_numpy(dtype=float))
            col = np.full(n, np.nan)
            col[s.first_row] = val
            # a parent with none of its own shows its children's sum (a subtotal)
            own_col = np.ones(n, dtype=bool)
            own_col[s.first_row] = own | ~s.has_children
            out[target] = col
            out[OWN + target] = own_col
    out["uang_sendiri"] = out[OWN + "pagu_u"]
    out["serapan_u"] = _ratio(out["anggaran_sd_u"].to_numpy(dtype=float), out["pagu_u"].to_numpy(dtype=float))
    out["capaian_renstra_rp_u"] = _ratio(out["anggaran_renstra_ini_u"].to_numpy(dtype=float),
                                         out["pagu_renstra_u"].to_numpy(dtype=float))
    return out


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=~np.isnan(num) & ~np.isnan(den) & (den != 0))
    return out * 100


def total_money(frame: pd.DataFrame, column: str) -> float:
    """A per-uraian money column summed over the roots (money counted once); NaN when nothing."""
    mask = frame["akar"].to_numpy(dtype=bool) & frame["uraian_pertama"].to_numpy(dtype=bool)
    vals = [v for v in frame.loc[mask, column].tolist() if not math.isnan(v)]
    return math.fsum(vals) if vals else math.nan
