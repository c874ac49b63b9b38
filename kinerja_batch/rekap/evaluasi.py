"""The Evaluasi Renja sheet in the Permendagri 86/2017 layout, with its foot rows."""

from __future__ import annotations

import math
from typing import Any

from kinerja_batch import layout
from kinerja_batch.periode import ROMAN
from kinerja_batch.rekap.base import RekapBase
from kinerja_batch.rekap.cells import (
    _cached,
    _cell_writers,
    _finite,
    _fsum,
    _header_height,
    _header_width,
    _kf,
    _mean,
    _num_width,
    _predikat_formula,
    _predikat_value,
    _row_height,
    _text,
    _text_width,
)
from kinerja_batch.rekap.constants import (
    EV_KEYS,
    EVALUASI_HEADERS,
    GROUP_LEVELS,
    SHEET_EVALUASI,
)
from kinerja_batch.rekap.formulas import (
    _capaian_builders,
    _ratio_formula,
    _sd_formula,
)


class EvaluasiSheet(RekapBase):
    # ------------------------------------------------------------------ Evaluasi Renja
    def evaluasi(self) -> None:
        ws = self.sheets[SHEET_EVALUASI]
        f = self.f
        c = self.cols
        H = EVALUASI_HEADERS
        col = {h: i for i, h in enumerate(H)}
        last_col = len(H) - 1
        L = layout.col_letter
        w = {h: _header_width(h) for h in H}
        w["No"] = max(4.5, len(str(self.count)) + 1.5)
        w["Kode Indikator"] = max(w["Kode Indikator"], _text_width([str(k) for k in c.get("kode_indikator", [])],
                                                                   20, 10))
        w["Level"] = 10.5
        w["Sasaran / Program / Kegiatan"] = 26
        w["Indikator Kinerja"] = 30
        w["Satuan"] = max(w["Satuan"], _text_width([str(s) for s in c.get("satuan", [])], 10, 6))
        def with_total(key: str) -> list[float]:
            values = list(c.get(key, []))
            return [*values, _fsum(values)]  # the Jumlah row

        def num_w(h: str, values: Any, decimals: int | None, floor: float = 8) -> None:
            w[h] = max(w[h], floor, _num_width(values, decimals) + 1.5)

        num_w("Target Tahunan (K)", c.get("target_tahunan", []), None)
        num_w("Pagu Anggaran (Rp)", with_total("pagu"), 0, 11)
        for q in (1, 2, 3, 4):
            num_w(f"Realisasi TW {ROMAN[q]} (K)", c.get(f"realisasi_tw{q}", []), None)
            num_w(f"Realisasi TW {ROMAN[q]} (Rp)", with_total(f"anggaran_tw{q}"), 0, 10)
        num_w("Realisasi s.d. TW (K)", c.get("realisasi_sd", []), None)
        num_w("Realisasi s.d. TW (Rp)", with_total("anggaran_sd"), 0, 11)
        num_w("Target s.d. TW (K)", c.get("target_sd", []), None)
        num_w("Capaian Kinerja s.d. TW (%)", c.get("capaian", []), 2)
        num_w("Capaian Kinerja thd Target Tahunan (%)", c.get("capaian_tahunan", []), 2)
        num_w("Realisasi Anggaran thd Pagu (%)", c.get("serapan", []), 2)
        w["Predikat"] = 12
        w["Unit Penanggung Jawab"] = max(w["Unit Penanggung Jawab"],
                                         _text_width(list(self.bidang_names.values()), 20, 12))
        w["Keterangan"] = 24
        widths = [w[h] for h in H]
        for i, width in enumerate(widths):
            ws.set_column(i, i, width)
        ws.outline_settings(True, False, True, False)

        self.put(ws, 0, 0, "EVALUASI TERHADAP HASIL RENJA PERANGKAT DAERAH", f["title"])
        self.put(ws, 1, 0, f"{self.s.kantor.nama} · Periode pelaksanaan: {self.p.label}", f["subtitle"])
        self.put(ws, 2, 0, "K = kinerja (sesuai satuan indikator); Rp = anggaran. Tingkat capaian dalam persen; "
                           "predikat menurut capaian kinerja s.d. triwulan (skala Permendagri 86/2017).", f["note"])
        # band row: groups of the Permendagri form, above the one header row
        br = self.ev_header - 1
        ws.set_row(br, 28)
        groups = [
            (col["Target Tahunan (K)"], col["Pagu Anggaran (Rp)"], f"Target Renja Tahun {self.p.tahun}"),
            (col["Realisasi TW I (K)"], col["Realisasi TW IV (Rp)"], "Realisasi Kinerja dan Anggaran pada Triwulan"),
            (col["Realisasi s.d. TW (K)"], col["Realisasi s.d. TW (Rp)"],
             f"Realisasi Kinerja dan Anggaran s.d. Triwulan {self.p.tw_romawi}"),
            (col["Target s.d. TW (K)"], col["Realisasi Anggaran thd Pagu (%)"],
             "Tingkat Capaian Kinerja dan Realisasi Anggaran"),
        ]
        covered: set[int] = set()
        for c0, c1, text in groups:
            self.merge(ws, br, c0, br, c1, text, f["band"])
            covered.update(range(c0, c1 + 1))
        for i in range(len(H)):
            if i not in covered:
                ws.write_blank(br, i, None, f["band"])
        hr = self.ev_header
        ws.set_row(hr, _header_height(H, widths))
        for i, h in enumerate(H):
            self.put(ws, hr, i, h, f["head"])

        first = self.ev_first
        n = self.n
        kl = [L(col[f"Realisasi TW {ROMAN[q]} (K)"]) for q in (1, 2, 3, 4)]
        rl = [L(col[f"Realisasi TW {ROMAN[q]} (Rp)"]) for q in (1, 2, 3, 4)]
        c_sdk, c_sdr, c_tsd = col["Realisasi s.d. TW (K)"], col["Realisasi s.d. TW (Rp)"], col["Target s.d. TW (K)"]
        c_cap, c_capt, c_ser = (col["Capaian Kinerja s.d. TW (%)"], col["Capaian Kinerja thd Target Tahunan (%)"],
                                col["Realisasi Anggaran thd Pagu (%)"])
        c_pred = col["Predikat"]
        sdk_l, sdr_l, tsd_l, tt_l, pagu_l, cap_l = (L(i) for i in (
            c_sdk, c_sdr, c_tsd, col["Target Tahunan (K)"], col["Pagu Anggaran (Rp)"], c_cap))
        cap_forms = _capaian_builders(self.s.aturan_negatif)
        pred_tmpl = _predikat_formula("{ref}", self.bands)
        fmt_plain, fmt_group, ind_plain, ind_group = self._row_formats()
        wrap_w = [w[h] for h in ("Kode Indikator", "Sasaran / Program / Kegiatan", "Indikator Kinerja",
                                 "Unit Penanggung Jawab", "Keterangan", "Satuan", "Level")]
        c_no, c_kode, c_level, c_uraian, c_ind, c_satuan, c_tt, c_pagu, c_unit, c_ket = (col[h] for h in (
            "No", "Kode Indikator", "Level", "Sasaran / Program / Kegiatan", "Indikator Kinerja", "Satuan",
            "Target Tahunan (K)", "Pagu Anggaran (Rp)", "Unit Penanggung Jawab", "Keterangan"))
        c_k = [col[f"Realisasi TW {ROMAN[q]} (K)"] for q in (1, 2, 3, 4)]
        c_r = [col[f"Realisasi TW {ROMAN[q]} (Rp)"] for q in (1, 2, 3, 4)]
        num, txt, fml = _cell_writers(ws)
        srow = ws.set_row

        for start, c in self.chunks(EV_KEYS):
            for j in range(len(c["kode_indikator"])):
                i = start + j
                r = first + i
                x = r + 1
                level = str(c["level"][j])
                group = level in GROUP_LEVELS
                fm = fmt_group if group else fmt_plain
                fk, fki = fm["k"], fm["ki"]
                depth = self.outline[i]
                kode = str(c["kode_indikator"][j])
                uraian = _text(c["uraian"][j])
                indikator = _text(c["indikator_kinerja"][j])
                bname = self.bidang_names.get(c["kode_bidang"][j], str(c["kode_bidang"][j]))
                ket = _text(c["keterangan"][j])
                satuan = _text(c["satuan"][j])
                srow(r, _row_height((kode, uraian, indikator, bname, ket, satuan, level), wrap_w), None,
                     {"level": depth} if depth else None)
                num(r, c_no, i + 1, fm["int"])
                txt(r, c_kode, kode, fm["text"])
                txt(r, c_level, level, fm["text"])
                txt(r, c_uraian, uraian, (ind_group if group else ind_plain)[depth])
                txt(r, c_ind, indikator, fm["text"])
                txt(r, c_satuan, satuan, fm["center"])
                v = c["target_tahunan"][j]
                num(r, c_tt, v, _kf(v, fk, fki))
                num(r, c_pagu, c["pagu"][j], fm["rp"])
                for q in range(4):
                    v = c[f"realisasi_tw{q + 1}"][j]
                    num(r, c_k[q], v, _kf(v, fk, fki))
                    num(r, c_r[q], c[f"anggaran_tw{q + 1}"][j], fm["rp"])
                agregasi = str(c["agregasi"][j])
                polaritas = str(c["polaritas"][j])
                cur = f"{kl[n - 1]}{x}"
                # the K columns of the quarters are not adjacent: list them instead of a range
                quarters = ",".join(f"{kl[q]}{x}" for q in range(n))
                v = _cached(c["realisasi_sd"][j])
                fml(r, c_sdk, _sd_formula(agregasi, quarters, cur), _kf(v, fk, fki), v)
                rps = ",".join(f"{rl[q]}{x}" for q in range(n))
                fml(r, c_sdr, f'=IF(COUNT({rps})=0,"",SUM({rps}))', fm["rp"], _cached(c["anggaran_sd"][j]))
                v = c["target_sd"][j]
                num(r, c_tsd, v, _kf(v, fk, fki))
                sd = f"{sdk_l}{x}"
                fml(r, c_cap, cap_forms[polaritas](sd, f"{tsd_l}{x}"), fm["pct"], _cached(c["capaian"][j]))
                fml(r, c_capt, cap_forms[polaritas](sd, f"{tt_l}{x}"), fm["pct"], _cached(c["capaian_tahunan"][j]))
                fml(r, c_ser, _ratio_formula(f"{sdr_l}{x}", f"{pagu_l}{x}"), fm["pct"], _cached(c["serapan"][j]))
                fml(r, c_pred, pred_tmpl.replace("{ref}", f"{cap_l}{x}"), fm["center"], str(c["predikat"][j]))
                txt(r, c_unit, bname, fm["text"])
                txt(r, c_ket, ket, fm["text"])

        last = first + self.count - 1
        if self.count:
            self._predikat_colours(ws, first, last, c_pred)
            ws.conditional_format(first, 0, last, last_col, {
                "type": "formula", "criteria": f"=${L(c_unit)}{first + 1}<>${L(c_unit)}{first}",
                "format": f["cf_bidang"]})
        foot = max(last, hr) + 2
        foot_end = self._evaluasi_foot(ws, foot, col, first, last)
        end = self._signature(ws, foot_end + 2, max(0, last_col - 6), last_col)
        ws.freeze_panes(first, 2)
        ws.autofilter(hr, 0, max(last, hr), last_col)
        self.print_setup(ws, landscape=True, repeat=(br, hr), last_row=end, last_col=last_col,
                         key_cols=(0, col["Satuan"]))  # the foot's labels span these: whole on every page

    def _evaluasi_foot(self, ws: Any, r: int, col: dict[str, int], first: int, last: int) -> int:
        """Jumlah anggaran, rata-rata capaian and predikat under the table; returns the last row used."""
        f = self.f
        c = self.cols
        L = layout.col_letter
        has_rows = self.count > 0
        label_end = col["Satuan"]

        def rng(ci: int) -> str:
            return f"{L(ci)}{first + 1}:{L(ci)}{last + 1}"

        # Jumlah: the Rp columns summed; realisasi anggaran against pagu of the whole table
        self.merge(ws, r, 0, r, label_end, "Jumlah anggaran (Rp)", f["foot_label"])
        sums: dict[int, float] = {}
        rp_cols = [("Pagu Anggaran (Rp)", "pagu")] + [
            (f"Realisasi TW {ROMAN[q]} (Rp)", f"anggaran_tw{q}") for q in (1, 2, 3, 4)
        ] + [("Realisasi s.d. TW (Rp)", "anggaran_sd")]
        for h, key in rp_cols:
            ci = col[h]
            values = _finite(c.get(key))
            sums[ci] = math.fsum(values)
            if has_rows:  # nothing to add up (a quarter still to come): empty, not 0
                self.formula(ws, r, ci, f'=IF(COUNT({rng(ci)})=0,"",SUM({rng(ci)}))', f["foot_rp"],
                             sums[ci] if values else "")
            else:
                self.put(ws, r, ci, None, f["foot_rp"])
        ser = col["Realisasi Anggaran thd Pagu (%)"]
        pagu_c, sdr_c = col["Pagu Anggaran (Rp)"], col["Realisasi s.d. TW (Rp)"]
        for ci in range(label_end + 1, len(EVALUASI_HEADERS)):
            if ci not in sums and ci != ser:
                ws.write_blank(r, ci, None, f["foot_blank"])
        overall = (sums[sdr_c] / sums[pagu_c] * 100) if sums[pagu_c] else None
        self.formula(ws, r, ser, "=" + _ratio_formula(f"{L(sdr_c)}{r + 1}", f"{L(pagu_c)}{r + 1}")[1:],
                     f["foot_pct"], _cached(overall))

        # Rata-rata capaian and its predikat, per capaian column (rows written in order: constant_memory)
        avg_r, pred_r = r + 1, r + 2
        pct_cols = {col["Capaian Kinerja s.d. TW (%)"]: "capaian",
                    col["Capaian Kinerja thd Target Tahunan (%)"]: "capaian_tahunan", ser: "serapan"}
        means = {ci: _mean(c.get(key, [])) for ci, key in pct_cols.items()}
        self.merge(ws, avg_r, 0, avg_r, label_end, "Rata-rata capaian kinerja (%)", f["foot_label"])
        for ci in range(label_end + 1, len(EVALUASI_HEADERS)):
            if ci not in pct_cols:
                ws.write_blank(avg_r, ci, None, f["foot_blank"])
            elif has_rows:
                self.formula(ws, avg_r, ci, f'=IF(COUNT({rng(ci)})=0,"",AVERAGE({rng(ci)}))', f["foot_pct"],
                             _cached(means[ci]))
            else:
                self.put(ws, avg_r, ci, None, f["foot_pct"])
        self.merge(ws, pred_r, 0, pred_r, label_end, "Predikat kinerja", f["foot_label"])
        for ci in range(label_end + 1, len(EVALUASI_HEADERS)):
            if ci not in pct_cols:
                ws.write_blank(pred_r, ci, None, f["foot_blank"])
            else:
                self.formula(ws, pred_r, ci, _predikat_formula(f"{L(ci)}{avg_r + 1}", self.bands), f["foot_text"],
                             _predikat_value(means[ci], self.bands))

        # the lines the evaluation form asks the office to complete by hand
        r = pred_r + 2
        for text in (
            "Faktor pendorong keberhasilan pencapaian:",
            "Faktor penghambat pencapaian kinerja:",
            "Tindak lanjut yang diperlukan dalam triwulan berikutnya:",
            "Tindak lanjut yang diperlukan dalam Renja Perangkat Daerah berikutnya:",
        ):
            ws.set_row(r, 26)
            self.merge(ws, r, 0, r, 12, f"{text} " + "." * 150, f["line"])
            r += 1
        return r - 1

