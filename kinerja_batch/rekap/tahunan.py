"""The `Pengukuran Kinerja Tahunan` sheet of the TW4 rekap: the LKjIP table (domain §7).

Per Tujuan/Sasaran indicator: the year's target and realisasi, capaian, the realisasi of the two years before,
the target at the end of the Renstra and capaian against it; per programme: pagu, realisasi anggaran, serapan.
The year's figures are live references to the Pengukuran Kinerja and Evaluasi Renja sheets (each with its
cached value), so the three sheets never disagree (writers layer)."""

from __future__ import annotations

import math
from typing import Any

from kinerja_batch import layout
from kinerja_batch.rekap.base import RekapBase
from kinerja_batch.rekap.cells import _cached, _kf, _predikat_formula, _row_height, _text
from kinerja_batch.rekap.constants import (
    _TITLE_ROWS,
    EVALUASI_HEADERS,
    H_RENSTRA_INI_K,
    PENGUKURAN_HEADERS,
    SHEET_EVALUASI,
    SHEET_PENGUKURAN,
    SHEET_TAHUNAN,
)
from kinerja_batch.rekap.formulas import _capaian_builders, _ratio_formula

IKU_LEVELS = ("Tujuan", "Sasaran")


class TahunanSheet(RekapBase):
    ev_frame: Any  # the Evaluasi Renja's rows in its order (set by EvaluasiSheet, written first)

    def _merged_formula(self, ws: Any, r: int, c0: int, c1: int, formula: str, fmt: Any, cached: Any) -> None:
        """A formula in cells c0..c1 merged (empty when ``formula`` is '')."""
        ws.merge_range(r, c0, r, c1, "", fmt)
        if formula:
            self.formula(ws, r, c0, formula, fmt, cached)

    def tahunan(self) -> None:
        if SHEET_TAHUNAN not in self.sheets:
            return
        ws = self.sheets[SHEET_TAHUNAN]
        f = self.f
        L = layout.col_letter
        y = self.p.tahun
        akhir = self.s.renstra.tahun_akhir
        H = ["No", "Kode Indikator", "Level", "Tujuan / Sasaran", "Indikator Kinerja", "Satuan",
             f"Target {y}", f"Realisasi {y}", f"Capaian {y} (%)", f"Realisasi {y - 2}", f"Realisasi {y - 1}",
             f"Target Akhir Renstra{f' ({akhir})' if akhir else ''}", f"Realisasi Renstra s.d. {y}",
             "Capaian thd Target Akhir Renstra (%)", "Predikat"]
        widths = [4.5, 14, 9, 28, 34, 9, 11, 11, 10, 11, 11, 13, 13, 13, 12]
        for i, wdt in enumerate(widths):
            ws.set_column(i, i, wdt)
        last_col = len(H) - 1
        self.put(ws, 0, 0, "PENGUKURAN KINERJA TAHUNAN", f["title"])
        self.put(ws, 1, 0, f"{self.s.kantor.nama} · Tahun {y} (LKjIP)", f["subtitle"])
        self.put(ws, 2, 0, "Realisasi dan capaian tahun ini merujuk lembar Pengukuran Kinerja dan Evaluasi Renja; "
                           "realisasi tahun-tahun sebelumnya dari buku besar (kiriman bidang dan 'kinerja-batch impor').",
                 f["note"])
        hr = _TITLE_ROWS
        self.header_row(ws, hr, H, widths)

        pk = {h: i for i, h in enumerate(PENGUKURAN_HEADERS)}
        ev = {h: i for i, h in enumerate(EVALUASI_HEADERS)}
        pk_row = {k: self.pk_first + i for i, k in enumerate(self.m["kode_indikator"].tolist())}
        ev_frame = self.ev_frame
        ev_row = {k: self.ev_first + i for i, k in enumerate(ev_frame["kode_indikator"].tolist())}
        pq = "'" + SHEET_PENGUKURAN + "'!"
        eq = "'" + SHEET_EVALUASI + "'!"
        cap = _capaian_builders(self.s.aturan_negatif)
        fm = {k: f[k] for k in ("text", "center", "k", "ki", "rp", "pct", "int")}

        iku = self.d.measures[self.d.measures["level"].isin(IKU_LEVELS)]
        r = hr + 1
        for n, row in enumerate(iku.to_dict("records"), start=1):
            x = r + 1
            kode = str(row["kode_indikator"])
            ws.set_row(r, _row_height((kode, _text(row["uraian"]), _text(row["indikator_kinerja"])),
                                      [widths[1], widths[3], widths[4]]))
            self.put(ws, r, 0, n, fm["int"])
            for ci, key in ((1, "kode_indikator"), (2, "level"), (3, "uraian"), (4, "indikator_kinerja")):
                self.put(ws, r, ci, _text(row[key]), fm["text"])
            self.put(ws, r, 5, _text(row["satuan"]), fm["center"])
            src = pk_row[kode] + 1
            t = row["target_tahunan"]
            self.formula(ws, r, 6, f"=IF(ISNUMBER({pq}{L(pk['Target Tahunan'])}{src}),"
                                   f"{pq}{L(pk['Target Tahunan'])}{src},\"\")", _kf(t, fm["k"], fm["ki"]), _cached(t))
            v = row["realisasi_sd"]
            ref = f"{pq}{L(pk['Realisasi s.d. TW'])}{src}"
            self.formula(ws, r, 7, f'=IF(ISNUMBER({ref}),{ref},"")', _kf(v, fm["k"], fm["ki"]), _cached(v))
            self.formula(ws, r, 8, cap[str(row["polaritas"])](f"H{x}", f"G{x}"), fm["pct"],
                         _cached(row["capaian_tahunan"]))
            for ci, key in ((9, "realisasi_th_2"), (10, "realisasi_th_1"), (11, "target_renstra")):
                v = row[key]
                self.put(ws, r, ci, v, _kf(v, fm["k"], fm["ki"]))
            v = row["realisasi_renstra_ini"]
            ref = f"{eq}{L(ev[H_RENSTRA_INI_K])}{ev_row[kode] + 1}"
            self.formula(ws, r, 12, f'=IF(ISNUMBER({ref}),{ref},"")', _kf(v, fm["k"], fm["ki"]), _cached(v))
            self.formula(ws, r, 13, cap[str(row["polaritas"])](f"M{x}", f"L{x}"), fm["pct"],
                         _cached(row["capaian_renstra"]))
            self.formula(ws, r, 14, _predikat_formula(f"I{x}", self.bands), fm["center"],
                         self.s.predikat_of(_finite_or_none(row["capaian_tahunan"])))
            r += 1
        if iku.empty:
            self.merge(ws, r, 0, r, last_col, "Master indikator belum memuat indikator Tujuan atau Sasaran.",
                       f["label"])
            r += 1
        if len(iku):
            self._predikat_colours(ws, hr + 1, r - 1, 14)

        # per programme: pagu, realisasi anggaran, serapan (money of the programme's uraian, counted once)
        r += 1
        self.put(ws, r, 0, f"Realisasi Anggaran per Program Tahun {y}", f["h2"])
        r += 1
        H2 = ["No", "Kode Uraian", "Program", "Pagu Anggaran (Rp)", "Realisasi Anggaran (Rp)", "Serapan (%)"]
        spans = [(0, 0), (1, 2), (3, 5), (6, 7), (8, 10), (11, 12)]
        ws.set_row(r, 28)
        for (c0, c1), h in zip(spans, H2, strict=True):
            self.merge(ws, r, c0, r, c1, h, f["head"])
        hr2 = r
        r += 1
        fr = ev_frame
        programs = fr[(fr["level"] == "Program") & fr["uraian_pertama"].astype(bool)]
        c_pagu, c_sdr = ev["Pagu Anggaran (Rp)"], ev["Realisasi s.d. TW (Rp)"]
        shown_sdr = getattr(self, "ev_shown", {}).get(c_sdr, [])
        shown_pagu = getattr(self, "ev_shown", {}).get(c_pagu, [])
        pagus: list[float] = []
        spent: list[float] = []
        for n, row in enumerate(programs.to_dict("records"), start=1):
            i = ev_row[str(row["kode_indikator"])] - self.ev_first
            x = r + 1
            ku = str(row["kode_uraian_ef"])
            pv = shown_pagu[i] if i < len(shown_pagu) else math.nan
            sv = shown_sdr[i] if i < len(shown_sdr) else math.nan
            pagus.append(pv)
            spent.append(sv)
            ws.set_row(r, _row_height((_text(row["uraian"]),), [sum(widths[3:6])]))
            self.put(ws, r, 0, n, fm["int"])
            self.merge(ws, r, 1, r, 2, "" if ku.startswith("#") else ku, fm["text"])
            self.merge(ws, r, 3, r, 5, _text(row["uraian"]), fm["text"])
            src = ev_row[str(row["kode_indikator"])] + 1
            ser = sv / pv * 100 if math.isfinite(sv) and math.isfinite(pv) and pv else math.nan
            for (c0, c1), formula, val, fmt in (
                    ((6, 7), f'=IF(ISNUMBER({eq}{L(c_pagu)}{src}),{eq}{L(c_pagu)}{src},"")', pv, fm["rp"]),
                    ((8, 10), f'=IF(ISNUMBER({eq}{L(c_sdr)}{src}),{eq}{L(c_sdr)}{src},"")', sv, fm["rp"]),
                    ((11, 12), _ratio_formula(f"I{x}", f"G{x}"), ser, fm["pct"])):
                self._merged_formula(ws, r, c0, c1, formula, fmt, _cached(val))
            r += 1
        first_p, last_p = hr2 + 1, r - 1
        self.merge(ws, r, 0, r, 5, "Jumlah", f["foot_label"])
        totals = []
        for (c0, c1), vals in (((6, 7), pagus), ((8, 10), spent)):
            finite = [v for v in vals if math.isfinite(v)]
            total = math.fsum(finite) if finite else math.nan
            totals.append(total)
            rng = f"{L(c0)}{first_p + 1}:{L(c0)}{last_p + 1}"
            formula = "" if programs.empty else f'=IF(COUNT({rng})=0,"",SUM({rng}))'
            self._merged_formula(ws, r, c0, c1, formula, f["foot_rp"], _cached(total))
        ser = totals[1] / totals[0] * 100 if math.isfinite(totals[1]) and math.isfinite(totals[0]) and totals[0] \
            else math.nan
        self._merged_formula(ws, r, 11, 12, _ratio_formula(f"I{r + 1}", f"G{r + 1}"), f["foot_pct"], _cached(ser))
        end = self._signature(ws, r + 3, max(0, last_col - 5), last_col)
        ws.freeze_panes(hr + 1, 2)
        self.print_setup(ws, landscape=True, repeat=(hr, hr), last_row=end, last_col=last_col)


def _finite_or_none(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and math.isfinite(v) else None
