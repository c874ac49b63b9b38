"""Temuan: the rules that say which values need the bidang's confirmation (domain §6), and their life.

Each rule is one function registered with :func:`rule` under its catalog code; the catalog in
:mod:`kinerja_batch.findings` holds the code's level and Indonesian template, the rule here says
when it fires and fills the template's fields. Adding a rule: a catalog entry (scope ``TEMUAN``)
and one decorated function below; nothing else changes (the confirmation workbook, the rekap and
the statuses work from the ledger rows).

Indicator rules look at the measured frame of the period (:func:`measure.measured_frame`: the
master, the measures and the current texts, one row per indicator) restricted to the indicators
the bidang's current kertas kerja holds; per-file rules (``SALIN_TARGET``, ``SAMA_PERIODE_LALU``)
look at one bidang's current kertas kerja as a whole.

Thresholds come from ``[temuan]`` in kinerja.toml. A value equal to a threshold never fires: the
comparisons allow a relative 1e-9 so that a capaian computed as 120.00000000000001 from
R=120, T=100 is "exactly 120".

The life of a finding in the ledger (open, keep its id, close) is :mod:`kinerja_batch.lifecycle`'s;
the rules here only evaluate frames and return findings.

Layer: rules (../shared/docs/architecture.md); it may import foundation.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kinerja_batch import findings as F
from kinerja_batch._gc import gc_paused
from kinerja_batch.config import Settings, Temuan
from kinerja_batch.findings import KOLOM_ANGGARAN, KOLOM_REALISASI
from kinerja_batch.measure import KUMULATIF, measured_frame
from kinerja_batch.numbers import format_angka, format_angka_ringkas
from kinerja_batch.periode import ROMAN, Periode

if TYPE_CHECKING:
    from kinerja_batch.master import Master

_EPS = 1e-9
MODIFIED_Z = 0.6745  # Iglewicz & Hoaglin: 0.6745 (x - median) / MAD is comparable to a z-score


# ------------------------------------------------------------------------------------------------
# the registry


@dataclass(frozen=True)
class Hit:
    """A rule fired: on one indicator (``row`` is its frame row) or on a whole file (``row`` None)."""

    kode_bidang: str
    fields: dict[str, str]  # the catalog template's fields
    sidik: tuple[Any, ...]  # the values that triggered it (compared to tell "same question" from "new")
    row: dict[str, Any] | None = None
    kolom: str = ""  # the value a 'Perbaiki' answer replaces: realisasi / anggaran ('' for a whole file)
    nilai: float | str | None = None  # the value shown with the finding


@dataclass(frozen=True)
class Context:
    """What a rule may look at."""

    periode: Periode
    t: Temuan  # thresholds
    frame: pd.DataFrame  # measured frame, indicators of current submissions of the period only
    history: pd.DataFrame  # current values of every earlier period (all years), kode_indikator/tahun/tw/...
    scaled: frozenset[str] = frozenset()  # indicators whose Realisasi cell was percent-formatted (0,85 -> 85)
    # the frame's _ROW_COLUMNS as plain lists, made once by evaluate (None: made from the frame when needed)
    lists: dict[str, list[Any]] | None = field(default=None, compare=False, repr=False)


RuleFunc = Callable[[Context], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    func: RuleFunc
    per_file: bool  # looks at a bidang's kertas kerja as a whole (the finding has no indicator)


RULES: dict[str, Rule] = {}  # in registration order, which is the order of domain §6


def rule(code: str, *, per_file: bool = False) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule under its catalog code (which must be a temuan code of the catalog)."""
    entry = F.CATALOG[code]
    if entry.scope != F.TEMUAN:
        raise ValueError(f"{code} bukan kode temuan di katalog")

    def register(func: RuleFunc) -> RuleFunc:
        RULES[code] = Rule(code, func, per_file)
        return func

    return register


# ------------------------------------------------------------------------------------------------
# helpers (vectorised over the frame)


def _f(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype="float64", na_value=np.nan)


def _margin(t: Any) -> Any:
    return _EPS * np.maximum(1.0, np.abs(t))


def above(x: Any, t: Any) -> Any:
    """x > t, where "equal up to 1e-9 relative" is not above (NaN is never above)."""
    return x > t + _margin(t)


def below(x: Any, t: Any) -> Any:
    return x < t - _margin(t)


def at_least(x: Any, t: Any) -> Any:
    return x >= t - _margin(t)


# Message numbers: every finding shows three or four, and numbers.format_angka (exact, through Decimal)
# costs microseconds each; at a province's 150,000 indicators that was most of the time spent here. The
# same rule is applied below to the plain decimal digits of repr(x) (what _decimal feeds Decimal), and
# numbers.py is used for whatever that does not cover (exponents, NaN, infinities). tests/test_temuan.py
# checks the two agree. Results are cached: targets, thresholds and many values repeat from row to row
# (0.0 and -0.0 share an entry, which is right since neither shows a minus).
_FORMAT_CACHE = 1 << 14


def _angka(x: Any, decimals: int) -> str:
    """``numbers.format_angka(x, decimals)``: rounded half away from zero, '.' thousands, ',' decimals."""
    try:
        text = repr(float(x))
    except (TypeError, ValueError, OverflowError):
        return format_angka(x, decimals)
    if "e" in text or "n" in text:  # 1e+16, 5e-05, nan, inf
        return format_angka(x, decimals)
    negative = text[0] == "-"
    whole, _, frac = text.lstrip("-").partition(".")
    if len(frac) > decimals:
        digits = whole + frac[:decimals]
        if frac[decimals] >= "5":
            digits = str(int(digits) + 1).zfill(len(digits))
        whole, frac = digits[: len(digits) - decimals], digits[len(digits) - decimals:]
    else:
        frac = frac.ljust(decimals, "0")
    shown = f"{int(whole):,}".replace(",", ".") + ("," + frac if decimals else "")
    if negative and (whole.strip("0") or frac.strip("0")):
        return "-" + shown
    return shown


@functools.lru_cache(maxsize=_FORMAT_CACHE)
def _n(x: Any) -> str:
    """A number as a message shows it (``numbers.format_angka_ringkas``): ``1.250``, ``87,5``."""
    try:
        text = repr(float(x))
    except (TypeError, ValueError, OverflowError):
        return format_angka_ringkas(x)
    if "e" in text or "n" in text:  # tiny values keep their significant digits there
        return format_angka_ringkas(x)
    shown = _angka(x, 4)
    return shown.rstrip("0").rstrip(",") if "," in shown else shown


@functools.lru_cache(maxsize=_FORMAT_CACHE)
def _pct(x: Any) -> str:
    """A percentage with two decimals: ``125,00``."""
    return _angka(x, 2)


@functools.lru_cache(maxsize=_FORMAT_CACHE)
def _rp(x: Any) -> str:
    return _angka(x, 0)


def _key(x: Any) -> Any:
    """A value inside a fingerprint: floats at 12 significant digits, NaN as None."""
    if x is None:
        return None
    if isinstance(x, _FLOATS):
        return None if x != x else float(f"{float(x):.12g}")
    return x


_FLOATS = (float, np.floating)


# what a rule reads from a row that fired (a dict per row is built only for those)
_ROW_COLUMNS = ["kode_indikator", "kode_bidang", "realisasi", "anggaran", "realisasi_sd", "target_sd", "capaian",
                "anggaran_sd", "pagu", "serapan", "lembar", "sel_realisasi", "sel_anggaran"]


def _row_lists(frame: pd.DataFrame) -> dict[str, list[Any]]:
    """The columns a rule reads from a row, as plain Python lists (values as ``to_dict`` gives them)."""
    return {c: frame[c].tolist() for c in _ROW_COLUMNS}


def _rows(ctx: Context, mask: Any) -> list[dict[str, Any]]:
    """The rows where ``mask`` holds, as dicts."""
    lists = ctx.lists if ctx.lists is not None else _row_lists(ctx.frame)
    at = np.flatnonzero(np.asarray(mask, dtype=bool)).tolist()
    picked = [[values[i] for i in at] for values in lists.values()]
    return [dict(zip(_ROW_COLUMNS, row, strict=True)) for row in zip(*picked, strict=True)] if at else []


def _is_percent_unit(satuan: Any) -> bool:
    return str(satuan).strip().casefold() in ("%", "persen")


def _filled(ctx: Context) -> np.ndarray:
    """The Realisasi of this quarter is filled."""
    return ctx.frame["terisi"].fillna(False).to_numpy(dtype=bool)


def _indicator_hit(row: dict[str, Any], fields: dict[str, str], sidik: tuple[Any, ...],
                   kolom: str = KOLOM_REALISASI) -> Hit:
    nilai = row["realisasi"] if kolom == KOLOM_REALISASI else row["anggaran"]
    return Hit(row["kode_bidang"], fields, tuple(map(_key, sidik)), row, kolom, nilai)


# ------------------------------------------------------------------------------------------------
# the rules, in the order of domain §6


@rule("CAPAIAN_TINGGI")
def capaian_tinggi(ctx: Context) -> Iterator[Hit]:
    """Capaian s.d. TW above ``capaian_tinggi`` (120)."""
    batas = ctx.t.capaian_tinggi
    for r in _rows(ctx, _filled(ctx) & above(_f(ctx.frame["capaian"]), batas)):
        yield _indicator_hit(r, {"capaian": _pct(r["capaian"]), "batas": _n(batas), "realisasi": _n(r["realisasi_sd"]),
                                 "target": _n(r["target_sd"])}, (r["realisasi_sd"], r["target_sd"]))


@rule("CAPAIAN_RENDAH")
def capaian_rendah(ctx: Context) -> Iterator[Hit]:
    """Capaian s.d. TW below ``capaian_rendah`` (50)."""
    batas = ctx.t.capaian_rendah
    for r in _rows(ctx, _filled(ctx) & below(_f(ctx.frame["capaian"]), batas)):
        yield _indicator_hit(r, {"capaian": _pct(r["capaian"]), "batas": _n(batas), "realisasi": _n(r["realisasi_sd"]),
                                 "target": _n(r["target_sd"])}, (r["realisasi_sd"], r["target_sd"]))


@rule("TARGET_NOL")
def target_nol(ctx: Context) -> Iterator[Hit]:
    """The capaian's denominator is zero (target 0, or realisasi 0 under the T/R rule)."""
    zero = ctx.frame["pembagi_nol"].fillna(False).to_numpy(dtype=bool)
    for r in _rows(ctx, _filled(ctx) & zero):
        yield _indicator_hit(r, {"target": _n(r["target_sd"]), "realisasi": _n(r["realisasi_sd"])},
                             (r["realisasi_sd"], r["target_sd"]))


@rule("PERSEN_LEBIH_100")
def persen_lebih_100(ctx: Context) -> Iterator[Hit]:
    """Satuan % and this quarter's Realisasi above 100."""
    percent = ctx.frame["satuan"].map(_is_percent_unit).to_numpy(dtype=bool)
    for r in _rows(ctx, percent & above(_f(ctx.frame["realisasi"]), 100.0)):
        yield _indicator_hit(r, {"realisasi": _n(r["realisasi"])}, (r["realisasi"],))


@rule("SKALA_PERSEN")
def skala_persen(ctx: Context) -> Iterator[Hit]:
    """Satuan %, 0 < Realisasi <= 1 with a target above 1, typed as a plain number (0,85 meant 85?)."""
    f = ctx.frame
    real = _f(f["realisasi"])
    percent = f["satuan"].map(_is_percent_unit).to_numpy(dtype=bool)
    not_scaled = ~f["kode_indikator"].isin(ctx.scaled).to_numpy(dtype=bool)
    mask = percent & not_scaled & (real > 0) & ~above(real, 1.0) & above(_f(f["target_sd"]), 1.0)
    for r in _rows(ctx, mask):
        yield _indicator_hit(r, {"realisasi": _n(r["realisasi"]), "target": _n(r["target_sd"]),
                                 "persen": _n(r["realisasi"] * 100)}, (r["realisasi"], r["target_sd"]))


@rule("LONJAKAN")
def lonjakan(ctx: Context) -> Iterator[Hit]:
    """This quarter's Realisasi against the indicator's whole history (earlier quarters and years).

    With at least ``lonjakan_min_riwayat`` earlier values: the modified z-score
    0.6745 (x - median) / MAD of the earlier values, in either direction, above ``lonjakan_z``.
    When MAD is 0 (more than half of the history is one same value) the score cannot be formed and
    the simple rule below decides, as it does with a shorter history:
    Posisi Akhir / Rata-rata: the change from the previous reported value is more than
    ``lonjakan_persen`` % of it (no rule when that value is 0); Kumulatif (each quarter's value is
    that quarter's increment): the increment is above ``lonjakan_kali_rata`` x the mean of the
    earlier increments (no rule when that mean is 0: a first activity after empty quarters is normal).
    """
    t = ctx.t
    h = ctx.history.dropna(subset=["realisasi"]).sort_values(["kode_indikator", "tahun", "tw"], kind="stable")
    if h.empty:
        return
    g = h.groupby("kode_indikator", sort=False)["realisasi"]
    stats = pd.DataFrame({"n": g.size(), "mean": g.mean(), "median": g.median(), "prev": g.last(),
                          "prev_tahun": h.groupby("kode_indikator", sort=False)["tahun"].last(),
                          "prev_tw": h.groupby("kode_indikator", sort=False)["tw"].last()})
    deviation = (h["realisasi"] - h["kode_indikator"].map(stats["median"])).abs()
    stats["mad"] = deviation.groupby(h["kode_indikator"], sort=False).median()
    f = ctx.frame
    s = stats.reindex(f["kode_indikator"])
    x = _f(f["realisasi"])
    n, mean, med, mad, prev = (s[c].to_numpy(dtype="float64", na_value=np.nan)
                               for c in ("n", "mean", "median", "mad", "prev"))
    has = _filled(ctx) & (n >= 1)
    robust = has & (n >= t.lonjakan_min_riwayat) & (mad > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(robust, MODIFIED_Z * (x - med) / mad, np.nan)
        change = np.where(prev != 0, (x - prev) / np.abs(prev) * 100, np.nan)
    kumulatif = (f["agregasi"] == KUMULATIF).to_numpy(dtype=bool)
    simple = has & ~robust
    fire_z = robust & above(np.abs(z), t.lonjakan_z)
    fire_kum = simple & kumulatif & (mean > 0) & above(x, t.lonjakan_kali_rata * mean)
    fire_pa = simple & ~kumulatif & above(np.abs(change), t.lonjakan_persen)
    prev_tahun, prev_tw = s["prev_tahun"].to_numpy(), s["prev_tw"].to_numpy()
    fire = fire_z | fire_kum | fire_pa
    for i, r in zip(np.flatnonzero(fire), _rows(ctx, fire), strict=True):
        if fire_z[i]:
            detail = (f"modified z-score {_pct(z[i])} melewati batas {_n(t.lonjakan_z)}; median {_n(med[i])} dan "
                      f"MAD {_n(mad[i])} dari {int(n[i])} nilai sebelumnya")
        elif fire_kum[i]:
            detail = (f"kenaikan triwulan ini {_n(x[i])} lebih dari {_n(t.lonjakan_kali_rata)} x rata-rata kenaikan "
                      f"{int(n[i])} triwulan sebelumnya ({_n(mean[i])})")
        else:
            arah = "naik" if change[i] > 0 else "turun"
            detail = (f"{arah} {_pct(abs(change[i]))}% dari {_n(prev[i])} pada {int(prev_tahun[i])}-TW"
                      f"{int(prev_tw[i])}, batas {_n(t.lonjakan_persen)}%")
        # the fingerprint: this value and the history it was judged against
        yield _indicator_hit(r, {"realisasi": _n(x[i]), "detail": detail},
                             (x[i], n[i], med[i], mad[i], mean[i], prev[i]))


@rule("ANGGARAN_LEBIH_PAGU")
def anggaran_lebih_pagu(ctx: Context) -> Iterator[Hit]:
    """Realisasi Anggaran s.d. TW above the pagu (checked when this quarter's anggaran is filled)."""
    f = ctx.frame
    mask = ~np.isnan(_f(f["anggaran"])) & above(_f(f["anggaran_sd"]), _f(f["pagu"]))
    for r in _rows(ctx, mask):
        yield _indicator_hit(r, {"anggaran": _rp(r["anggaran_sd"]), "pagu": _rp(r["pagu"])},
                             (r["anggaran_sd"], r["pagu"]), KOLOM_ANGGARAN)


@rule("SERAPAN_TANPA_KINERJA")
def serapan_tanpa_kinerja(ctx: Context) -> Iterator[Hit]:
    """Serapan at least ``serapan_tanpa_kinerja`` (50) % while Realisasi s.d. TW is 0."""
    f = ctx.frame
    batas = ctx.t.serapan_tanpa_kinerja
    mask = _filled(ctx) & (_f(f["realisasi_sd"]) == 0) & at_least(_f(f["serapan"]), batas)
    for r in _rows(ctx, mask):
        yield _indicator_hit(r, {"serapan": _pct(r["serapan"]), "batas": _n(batas)},
                             (r["realisasi_sd"], r["anggaran_sd"], r["pagu"]))


@rule("KINERJA_TANPA_SERAPAN")
def kinerja_tanpa_serapan(ctx: Context) -> Iterator[Hit]:
    """Capaian at least ``kinerja_tanpa_serapan`` (100) % with a pagu but nothing spent (0 or not filled)."""
    f = ctx.frame
    spent = _f(f["anggaran_sd"])
    pagu = _f(f["pagu"])
    mask = (_filled(ctx) & at_least(_f(f["capaian"]), ctx.t.kinerja_tanpa_serapan) & (pagu > 0)
            & (np.isnan(spent) | (spent == 0)))
    for r in _rows(ctx, mask):
        yield _indicator_hit(r, {"capaian": _pct(r["capaian"]), "pagu": _rp(r["pagu"])},
                             (r["realisasi_sd"], r["target_sd"], r["anggaran_sd"]), KOLOM_ANGGARAN)


@rule("PENJELASAN_KOSONG")
def penjelasan_kosong(ctx: Context) -> Iterator[Hit]:
    """Capaian s.d. TW below 100 and the Faktor Penghambat cell empty."""
    f = ctx.frame
    empty = (f["penghambat"].fillna("").astype(str).str.strip() == "").to_numpy(dtype=bool)
    for r in _rows(ctx, _filled(ctx) & below(_f(f["capaian"]), 100.0) & empty):
        yield _indicator_hit(r, {"capaian": _pct(r["capaian"])}, (r["realisasi_sd"], r["target_sd"]))


def _per_file_sidik(values: np.ndarray) -> tuple[str]:
    """A whole kertas kerja's fingerprint: a digest of its values (NaN written as such)."""
    text = json.dumps([None if math.isnan(v) else float(f"{v:.12g}") for v in values.ravel()])
    return (hashlib.sha256(text.encode()).hexdigest()[:20],)


@rule("SALIN_TARGET", per_file=True)
def salin_target(ctx: Context) -> Iterator[Hit]:
    """At least ``salin_target_persen`` % of at least ``salin_target_min_baris`` filled rows of one kertas kerja
    have a Realisasi exactly equal to their Target s.d. TW."""
    t = ctx.t
    f = ctx.frame
    filled = _filled(ctx)
    real, target = _f(f["realisasi"]), _f(f["target_sd"])
    counts = pd.DataFrame({"terisi": filled, "sama": filled & (real == target)}).groupby(
        f["kode_bidang"].to_numpy(), sort=False).sum()
    n, same = counts["terisi"].to_numpy(), counts["sama"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        share = same / n * 100
    fire = (n >= t.salin_target_min_baris) & at_least(share, t.salin_target_persen)
    for bidang, k, m, pct in zip(counts.index[fire], same[fire], n[fire], share[fire], strict=True):
        rows = (f["kode_bidang"] == bidang).to_numpy() & filled
        yield Hit(str(bidang), {"jumlah": str(k), "terisi": str(m), "persen": _pct(pct)},
                  _per_file_sidik(np.stack([real[rows], target[rows]])), nilai=f"{k}/{m}")


def previous_periode(p: Periode) -> Periode:
    """The quarter before ``p`` (TW4 of the year before for TW1)."""
    return Periode(p.tahun, p.tw - 1) if p.tw > 1 else Periode(p.tahun - 1, 4)


@rule("SAMA_PERIODE_LALU", per_file=True)
def sama_periode_lalu(ctx: Context) -> Iterator[Hit]:
    """Every filled value (Realisasi and Realisasi Anggaran) of one kertas kerja equals the previous quarter's
    (at least one value filled; a value filled now and empty then is not "the same")."""
    prev_p = previous_periode(ctx.periode)
    h = ctx.history
    prev = h[(h["tahun"] == prev_p.tahun) & (h["tw"] == prev_p.tw)].drop_duplicates("kode_indikator")
    if prev.empty:
        return
    f = ctx.frame
    prev = prev.set_index("kode_indikator").reindex(f["kode_indikator"])
    now = np.stack([_f(f[KOLOM_REALISASI]), _f(f[KOLOM_ANGGARAN])], axis=1)
    before = np.stack([_f(prev[KOLOM_REALISASI]), _f(prev[KOLOM_ANGGARAN])], axis=1)
    filled = ~np.isnan(now)
    differs = filled & ~(now == before)  # NaN before: differs
    counts = pd.DataFrame({"terisi": filled.sum(axis=1), "beda": differs.sum(axis=1)}).groupby(
        f["kode_bidang"].to_numpy(), sort=False).sum()
    fire = (counts["terisi"] > 0) & (counts["beda"] == 0)
    for bidang, n in counts.loc[fire, "terisi"].items():
        rows = (f["kode_bidang"] == bidang).to_numpy()
        yield Hit(str(bidang), {"terisi": str(n), "detail": str(prev_p)}, _per_file_sidik(now[rows]),
                  nilai=str(n))


# ------------------------------------------------------------------------------------------------
# evaluation


def evaluate(values: pd.DataFrame, master: Master, settings: Settings, periode: Periode, *,
             scaled: Iterable[str] = (), history: pd.DataFrame | None = None) -> list[F.Finding]:
    """Every rule over the current values of a period; returns findings (not stored).

    ``values`` has the shape of :meth:`Ledger.current_values`. The history LONJAKAN and
    SAMA_PERIODE_LALU read is ``history`` when given (:meth:`Ledger.history_values`: every earlier
    quarter, earlier years too), else the rows of ``values`` before the period (which then may hold
    every year up to the period's). Only indicators of the period's current submissions are
    looked at. Each finding's ``data`` carries ``submission_id``, ``kolom`` (the value a correction
    replaces) and ``sidik`` (the fingerprint of the values that triggered it).
    """
    with gc_paused():
        return _evaluate(values, master, settings, periode, scaled, history)


def _evaluate(values: pd.DataFrame, master: Master, settings: Settings, periode: Periode,
              scaled: Iterable[str], history: pd.DataFrame | None = None) -> list[F.Finding]:
    frame = measured_frame(values, master, settings, periode)
    frame = frame[frame["submission_id"].notna()].reset_index(drop=True)
    if history is None:
        order = (values["tahun"] * 10 + values["tw"]).to_numpy()
        history = values[order < periode.tahun * 10 + periode.tw]
    ctx = Context(periode, settings.temuan, frame, history, frozenset(scaled), _row_lists(frame))
    sub_of = {str(b): int(s) for b, s in zip(frame["kode_bidang"], frame["submission_id"], strict=True)}
    file_of = {str(b): str(n) for b, n in zip(frame["kode_bidang"], frame["berkas"], strict=True)}
    out: list[F.Finding] = []
    periode_text = str(periode)
    for r in RULES.values():
        for hit in r.func(ctx):
            out.append(_finding(r.code, hit, periode_text, sub_of[hit.kode_bidang], file_of[hit.kode_bidang]))
    order_of = {k: i for i, k in enumerate(master.indikator["kode_indikator"])}
    code_at = {code: i for i, code in enumerate(RULES)}
    out.sort(key=lambda f: (f.bidang, order_of.get(f.kode_indikator, -1), code_at[f.code]))
    return out


def _finding(code: str, hit: Hit, periode: str, submission_id: int, berkas: str) -> F.Finding:
    row = hit.row
    if row is None:
        sheet = cell = kode = ""
    else:
        kode = str(row["kode_indikator"])
        sheet = str(row["lembar"])
        cell = str(row["sel_anggaran"] if hit.kolom == KOLOM_ANGGARAN else row["sel_realisasi"])
    nilai = hit.nilai
    shown = "" if nilai is None or (isinstance(nilai, float) and math.isnan(nilai)) else (
        nilai if isinstance(nilai, str) else _n(nilai))
    return F.make(code, bidang=hit.kode_bidang, file=berkas, sheet=sheet, cell=cell, value=shown,
                  kode_indikator=kode, periode=periode, **hit.fields, kolom=hit.kolom,
                  sidik=_sidik_json(hit.sidik), submission_id=submission_id)


def _sidik_json(sidik: tuple[Any, ...]) -> str:
    """``json.dumps(list(sidik))``, the fingerprint as stored and compared; numbers and None (nearly every
    fingerprint) are written here directly, exactly as json writes them."""
    parts = []
    for v in sidik:
        if v is None:
            parts.append("null")
        elif v.__class__ is float and v - v == 0.0:  # finite (inf - inf is NaN)
            parts.append(float.__repr__(v))
        else:
            return json.dumps(list(sidik))
    return "[" + ", ".join(parts) + "]"


@rule("TW_SEBELUMNYA_KOSONG")
def tw_sebelumnya_kosong(ctx: Context) -> Iterator[Hit]:
    """Kumulatif: this quarter is filled while an earlier quarter of the year has no value (kertas kerja or
    import), so Realisasi s.d. TW silently sums only part of the year (issue 13: starting mid-year)."""
    n = ctx.periode.tw
    if n < 2:
        return
    f = ctx.frame
    kumulatif = (f["agregasi"] == KUMULATIF).to_numpy(dtype=bool)
    empty = np.column_stack([np.isnan(_f(f[f"realisasi_tw{q}"])) for q in range(1, n)])
    fire = _filled(ctx) & kumulatif & empty.any(axis=1)
    for i, r in zip(np.flatnonzero(fire), _rows(ctx, fire), strict=True):
        missing = [q for q in range(1, n) if empty[i, q - 1]]
        names = [f"TW {ROMAN[q]}" for q in missing]
        kosong = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" dan {names[-1]}"
        yield _indicator_hit(r, {"realisasi": _n(r["realisasi_sd"]), "kosong": kosong},
                             (tuple(missing), r["realisasi_sd"]))
