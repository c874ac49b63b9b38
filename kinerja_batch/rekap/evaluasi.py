"""The Evaluasi Renja sheet in the Permendagri 86/2017 layout, with its foot rows.

Layer: writers (../shared/docs/architecture.md); it may import model, intake, store, rules, foundation.
"""

from __future__ import annotations

import math
from typing import Any

from kinerja_batch import layout
from kinerja_batch.hierarki import LEVEL_RANK, OWN_PREFIX
from kinerja_batch.periode import ROMAN
from kinerja_batch.rekap.base import RekapBase
from kinerja_batch.rekap.cells import (
    RowSink,
    _cached,
    _fsum,
    _header_width,
    _mean,
    _num_width,
    _predikat_formula,
    _predikat_value,
    _row_height,
    _text,
    _text_width,
    fml_cells,
    fml_xml,
    num_cells,
    num_xml,
    rows_elsewhere,
    txt_cells,
)
from kinerja_batch.rekap.constants import (
    _CHUNK,
    EV_KEYS,
    EVALUASI_HEADERS,
    GROUP_LEVELS,
    H_AKAR,
    H_KODE_URAIAN,
    H_RENSTRA_CAP_K,
    H_RENSTRA_CAP_RP,
    H_RENSTRA_INI_K,
    H_RENSTRA_INI_RP,
    H_RENSTRA_LALU_K,
    H_RENSTRA_LALU_RP,
    H_RENSTRA_TARGET_K,
    H_RENSTRA_TARGET_RP,
    SHEET_EVALUASI,
)
from kinerja_batch.rekap.formulas import (
    _capaian_builders,
    _ratio_formula,
    _sd_formula,
)

# rows from which Evaluasi Renja is written by two processes (below that a fork costs more than it saves)
SPLIT_ROWS = 10_000


def _fsum_or_nan(values: Any) -> float:
    """Exact sum of the finite numbers of a row's few values; NaN when there are none (called per row: plain
    Python, no array)."""
    vals = [float(v) for v in values if isinstance(v, int | float) and math.isfinite(v)]
    return math.fsum(vals) if vals else math.nan


def _finite_nonzero(v: Any) -> bool:
    return isinstance(v, int | float) and math.isfinite(v) and v != 0


class EvaluasiSheet(RekapBase):
    def _ev_prepare(self) -> None:
        """The sheet's row order: the plan's hierarchy (program -> kegiatan -> sub kegiatan, each uraian's
        indicators together) when the master has Kode Uraian / Kode Induk, else bidang by bidang."""
        ind = self.d.master.indikator
        self.ev_hierarchy = bool(len(ind)) and bool((ind["kode_uraian"].astype(str) != "").any()
                                                    or (ind["kode_induk"].astype(str) != "").any())
        if self.ev_hierarchy and "urutan" in self.d.measures:
            self.ev_frame = self.d.measures.sort_values("urutan", kind="stable").reset_index(drop=True)
        else:
            self.ev_frame = self.m

    def ev_chunks(self, keys: Any, lo: int = 0, hi: int | None = None) -> Any:
        hi = self.count if hi is None else hi
        for start in range(lo, hi, _CHUNK):
            part = self.ev_frame.iloc[start:min(start + _CHUNK, hi)]
            yield start, {k: part[k].tolist() for k in keys}

    # ------------------------------------------------------------------ Evaluasi Renja
    def evaluasi(self) -> None:
        self._ev_prepare()
        ws = self.sheets[SHEET_EVALUASI]
        f = self.f
        c = {k: self.ev_frame[k].to_numpy() for k in (
            "kode_indikator", "satuan", "target_tahunan", "pagu_u", "target_renstra", "realisasi_renstra_lalu",
            "realisasi_renstra_ini", "pagu_renstra_u", "anggaran_renstra_lalu_u", "anggaran_renstra_ini_u",
            "realisasi_sd", "anggaran_sd_u", "target_sd", "capaian", "capaian_tahunan", "serapan_u",
            "capaian_renstra", "capaian_renstra_rp_u",
            *(f"realisasi_tw{q}" for q in (1, 2, 3, 4)), *(f"anggaran_tw{q}_u" for q in (1, 2, 3, 4)))}
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
        num_w("Pagu Anggaran (Rp)", with_total("pagu_u"), 0, 11)
        for q in (1, 2, 3, 4):
            num_w(f"Realisasi TW {ROMAN[q]} (K)", c.get(f"realisasi_tw{q}", []), None)
            num_w(f"Realisasi TW {ROMAN[q]} (Rp)", with_total(f"anggaran_tw{q}_u"), 0, 10)
        num_w("Realisasi s.d. TW (K)", c.get("realisasi_sd", []), None)
        num_w("Realisasi s.d. TW (Rp)", with_total("anggaran_sd_u"), 0, 11)
        num_w("Target s.d. TW (K)", c.get("target_sd", []), None)
        num_w("Capaian Kinerja s.d. TW (%)", c.get("capaian", []), 2)
        num_w("Capaian Kinerja thd Target Tahunan (%)", c.get("capaian_tahunan", []), 2)
        num_w("Realisasi Anggaran thd Pagu (%)", c.get("serapan_u", []), 2)
        num_w(H_RENSTRA_TARGET_K, c.get("target_renstra", []), None)
        num_w(H_RENSTRA_TARGET_RP, with_total("pagu_renstra_u"), 0, 11)
        num_w(H_RENSTRA_LALU_K, c.get("realisasi_renstra_lalu", []), None)
        num_w(H_RENSTRA_LALU_RP, with_total("anggaran_renstra_lalu_u"), 0, 11)
        num_w(H_RENSTRA_INI_K, c.get("realisasi_renstra_ini", []), None)
        num_w(H_RENSTRA_INI_RP, with_total("anggaran_renstra_ini_u"), 0, 11)
        num_w(H_RENSTRA_CAP_K, c.get("capaian_renstra", []), 2)
        num_w(H_RENSTRA_CAP_RP, c.get("capaian_renstra_rp_u", []), 2)
        w[H_KODE_URAIAN] = max(w[H_KODE_URAIAN], _text_width([str(k) for k in self.ev_frame["kode_uraian_ef"]],
                                                             20, 10))
        w["Predikat"] = 12
        w["Unit Penanggung Jawab"] = max(w["Unit Penanggung Jawab"],
                                         _text_width(list(self.bidang_names.values()), 20, 12))
        w["Keterangan"] = 24
        widths = [w[h] for h in H]
        for i, width in enumerate(widths):
            ws.set_column(i, i, width, None, {"hidden": True} if H[i] == H_AKAR else None)
        ws.outline_settings(True, False, True, False)

        self.put(ws, 0, 0, "EVALUASI TERHADAP HASIL RENJA PERANGKAT DAERAH", f["title"])
        self.put(ws, 1, 0, f"{self.s.kantor.nama} · Periode pelaksanaan: {self.p.label}", f["subtitle"])
        self.put(ws, 2, 0, "K = kinerja (sesuai satuan indikator); Rp = anggaran. Tingkat capaian dalam persen; "
                           "predikat menurut capaian kinerja s.d. triwulan (skala Permendagri 86/2017). Renstra s.d. "
                           "tahun: Kumulatif dijumlah antartahun, Posisi Akhir = nilai tahun terakhir, Rata-rata = "
                           "rata-rata tahun; anggaran dijumlah. Target Akhir Renstra output kumulatif adalah jumlah "
                           "seluruh periode Renstra, bukan target satu tahun.", f["note"])
        # band row: groups of the Permendagri form, above the one header row
        br = self.ev_header - 1
        ws.set_row(br, 28)
        groups = [
            (col[H_RENSTRA_TARGET_K], col[H_RENSTRA_TARGET_RP], "Target Renstra pada Akhir Periode"),
            (col[H_RENSTRA_LALU_K], col[H_RENSTRA_LALU_RP],
             f"Realisasi Capaian Kinerja Renstra s.d. Renja Tahun Lalu ({self.p.tahun - 1})"),
            (col[H_RENSTRA_INI_K], col[H_RENSTRA_INI_RP], f"Realisasi Kinerja Renstra s.d. Tahun {self.p.tahun}"),
            (col[H_RENSTRA_CAP_K], col[H_RENSTRA_CAP_RP], "Tingkat Capaian Kinerja Renstra s.d. Tahun Ini"),
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
        self.header_row(ws, hr, H, widths)

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
        wrap_w = [w[h] for h in ("Kode Indikator", "Sasaran / Program / Kegiatan", "Indikator Kinerja",
                                 "Unit Penanggung Jawab", "Keterangan", "Satuan", "Level")]
        c_no, c_kode, c_level, c_uraian, c_ind, c_satuan, c_tt, c_pagu, c_unit, c_ket = (col[h] for h in (
            "No", "Kode Indikator", "Level", "Sasaran / Program / Kegiatan", "Indikator Kinerja", "Satuan",
            "Target Tahunan (K)", "Pagu Anggaran (Rp)", "Unit Penanggung Jawab", "Keterangan"))
        c_k = [col[f"Realisasi TW {ROMAN[q]} (K)"] for q in (1, 2, 3, 4)]
        c_r = [col[f"Realisasi TW {ROMAN[q]} (Rp)"] for q in (1, 2, 3, 4)]
        sink = RowSink(ws, first)

        money_cols = [(col["Pagu Anggaran (Rp)"], "pagu_u"), (col[H_RENSTRA_TARGET_RP], "pagu_renstra_u"),
                      (col[H_RENSTRA_LALU_RP], "anggaran_renstra_lalu_u")] + [
                         (c_r[q], f"anggaran_tw{q + 1}_u") for q in range(4)]
        c_rtk, c_rtr, c_rlk, c_rlr = (col[h] for h in (H_RENSTRA_TARGET_K, H_RENSTRA_TARGET_RP, H_RENSTRA_LALU_K,
                                                        H_RENSTRA_LALU_RP))
        c_rik, c_rir, c_rck, c_rcr = (col[h] for h in (H_RENSTRA_INI_K, H_RENSTRA_INI_RP, H_RENSTRA_CAP_K,
                                                        H_RENSTRA_CAP_RP))
        c_ku, c_akar = col[H_KODE_URAIAN], col[H_AKAR]
        rtk_l, rtr_l, rlk_l, rlr_l, rik_l, rir_l = (L(i) for i in (c_rtk, c_rtr, c_rlk, c_rlr, c_rik, c_rir))
        # where each uraian's money row is, and its children: a parent without money of its own sums them
        row_of: dict[str, int] = {}
        kids: dict[str, list[str]] = {}
        frame = self.ev_frame
        for i, (key, parent, first_row) in enumerate(zip(frame["kode_uraian_ef"].tolist(), frame["induk"].tolist(),
                                                         frame["uraian_pertama"].tolist(), strict=True)):
            if first_row:
                row_of[key] = first + i
                if parent:
                    kids.setdefault(parent, []).append(key)

        def new_shown() -> dict[int, list[float]]:
            """The numbers each row shows in the money columns (per column, per row), for the foot."""
            return {ci: [] for ci in (*(ci for ci, _ in money_cols), c_sdr, c_ser, c_rir, c_rcr)}

        self.ev_shown = new_shown()
        self.ev_levels: list[str] = []
        self.ev_akar: list[bool] = []

        st = self.row_styles(sink)  # resolved here, before the child for the second half forks

        money_l = [(ci, L(ci), mkey) for ci, mkey in money_cols]
        sdr_l_, ser_l, rir_l_, rcr_l = L(c_sdr), L(c_ser), L(c_rir), L(c_rcr)

        def fill(sink: RowSink, lo: int, hi: int, shown: dict[int, list[float]], levels_out: list[str],
                 akar_out: list[bool]) -> None:
            """Rows lo..hi-1: a column of a block at a time, each uraian's money row by row (from the row's
            own values) -- the same XML as cell by cell; what the foot needs goes to the last three."""
            for start, c in self.ev_chunks(EV_KEYS, lo, hi):
                k = len(c["kode_indikator"])
                rows = range(first + start, first + start + k)
                xs = [str(r + 1) for r in rows]
                r0 = rows[0]
                levels = [str(v) for v in c["level"]]
                levels_out.extend(levels)
                group = [lv in GROUP_LEVELS for lv in levels]
                depth = ([min(int(d), 3) for d in c["kedalaman"]] if self.ev_hierarchy
                         else self.outline[start:start + k])

                text_s, center_s, pct_s, rp_s = st.per_row("text", group), st.per_row("center", group), st.per_row("pct", group), st.per_row("rp", group)
                kodes = [str(v) for v in c["kode_indikator"]]
                uraian = [_text(v) for v in c["uraian"]]
                indikator = [_text(v) for v in c["indikator_kinerja"]]
                bnames = [self.bidang_names.get(b, str(b)) for b in c["kode_bidang"]]
                ket = [_text(v) for v in c["keterangan"]]
                satuan = [_text(v) for v in c["satuan"]]
                keys = [str(v) for v in c["kode_uraian_ef"]]
                firsts = [bool(v) for v in c["uraian_pertama"]]
                agregasi = [str(v) for v in c["agregasi"]]
                polaritas = [str(v) for v in c["polaritas"]]
                cur = [f"{kl[n - 1]}{x}" for x in xs]
                sd = [f"{sdk_l}{x}" for x in xs]
                real_sd = [_cached(v) for v in c["realisasi_sd"]]
                rik_v = [_cached(v) for v in c["realisasi_renstra_ini"]]
                akar = [f_ and bool(a) for f_, a in zip(firsts, c["akar"], strict=True)]
                akar_out.extend(akar)
                cols: dict[int, list[str]] = {
                    c_no: num_cells(L(c_no), xs, range(start + 1, start + k + 1), st.per_row("int", group)),
                    c_kode: txt_cells(ws, r0, c_kode, xs, kodes, text_s),
                    c_level: txt_cells(ws, r0, c_level, xs, levels, text_s),
                    c_uraian: txt_cells(ws, r0, c_uraian, xs, uraian,
                                        st.indent(group, depth)),
                    c_ind: txt_cells(ws, r0, c_ind, xs, indikator, text_s),
                    c_satuan: txt_cells(ws, r0, c_satuan, xs, satuan, center_s),
                    c_tt: num_cells(L(c_tt), xs, c["target_tahunan"], st.k(c["target_tahunan"], group)),
                    c_rtk: num_cells(L(c_rtk), xs, c["target_renstra"], st.k(c["target_renstra"], group)),
                    c_rlk: num_cells(L(c_rlk), xs, c["realisasi_renstra_lalu"],
                                     st.k(c["realisasi_renstra_lalu"], group)),
                    # the K columns of the quarters are not adjacent: listed instead of a range
                    c_sdk: fml_cells(L(c_sdk), xs, [_sd_formula(a, ",".join(f"{kl[q]}{x}" for q in range(n)), u)[1:]
                                                    for a, x, u in zip(agregasi, xs, cur, strict=True)],
                                     st.k(real_sd, group), real_sd),
                    c_tsd: num_cells(L(c_tsd), xs, c["target_sd"], st.k(c["target_sd"], group)),
                    c_cap: fml_cells(L(c_cap), xs, [cap_forms[pl](d, f"{tsd_l}{x}")[1:] for pl, d, x in
                                                    zip(polaritas, sd, xs, strict=True)], pct_s,
                                     [_cached(v) for v in c["capaian"]]),
                    c_capt: fml_cells(L(c_capt), xs, [cap_forms[pl](d, f"{tt_l}{x}")[1:] for pl, d, x in
                                                      zip(polaritas, sd, xs, strict=True)], pct_s,
                                      [_cached(v) for v in c["capaian_tahunan"]]),
                    c_rck: fml_cells(L(c_rck), xs, [cap_forms[pl](f"{rik_l}{x}", f"{rtk_l}{x}")[1:] for pl, x in
                                                    zip(polaritas, xs, strict=True)], pct_s,
                                     [_cached(v) for v in c["capaian_renstra"]]),
                    c_pred: fml_cells(L(c_pred), xs, [pred_tmpl.replace("{ref}", f"{cap_l}{x}")[1:] for x in xs],
                                      center_s, [str(v) for v in c["predikat"]]),
                    c_unit: txt_cells(ws, r0, c_unit, xs, bnames, text_s),
                    c_ket: txt_cells(ws, r0, c_ket, xs, ket, text_s),
                    c_ku: txt_cells(ws, r0, c_ku, xs, ["" if key.startswith(OWN_PREFIX) else key for key in keys],
                                    text_s),
                    c_akar: num_cells(L(c_akar), xs, [1 if a else 0 for a in akar], st.per_row("int", group)),
                }
                for q in range(4):
                    values = c[f"realisasi_tw{q + 1}"]
                    cols[c_k[q]] = num_cells(L(c_k[q]), xs, values, st.k(values, group))
                # Renstra (domain §9): up to this year by the indicator's Agregasi across years; money sums
                rik_cells = [
                    fml_xml(rik_l, x, s_, f'IF(COUNT({rlk_l}{x},{d})=0,"",SUM({rlk_l}{x},{d}))', v) if a == "Kumulatif"
                    else fml_xml(rik_l, x, s_, f'IF(ISNUMBER({d}),{d},IF(ISNUMBER({rlk_l}{x}),{rlk_l}{x},""))', v)
                    if a == "Posisi Akhir"
                    else num_xml(rik_l, x, s_, raw)  # the mean of the years reported needs the years: the value
                    for a, x, d, s_, v, raw in zip(agregasi, xs, sd, st.k(rik_v, group), rik_v,
                                                   c["realisasi_renstra_ini"], strict=True)]
                cols[c_rik] = rik_cells
                # money: once per uraian (its first indicator row); a parent without its own sums its children
                money: dict[int, list[str]] = {ci: [] for ci, _, _ in money_l}
                for ci in (c_sdr, c_ser, c_rir, c_rcr):
                    money[ci] = []
                for j in range(k):
                    x, rp, pct = xs[j], rp_s[j], pct_s[j]
                    if not firsts[j]:
                        for ci, letter, _ in money_l:
                            money[ci].append(f'<c r="{letter}{x}" s="{rp}"/>')
                            shown[ci].append(math.nan)
                        money[c_sdr].append(f'<c r="{sdr_l_}{x}" s="{rp}"/>')
                        money[c_ser].append(f'<c r="{ser_l}{x}" s="{pct}"/>')
                        money[c_rir].append(f'<c r="{rir_l_}{x}" s="{rp}"/>')
                        money[c_rcr].append(f'<c r="{rcr_l}{x}" s="{pct}"/>')
                        for ci in (c_sdr, c_ser, c_rcr, c_rir):
                            shown.setdefault(ci, []).append(math.nan)
                        continue
                    children = [row_of[key] for key in kids.get(keys[j], ()) if key in row_of]
                    for ci, letter, mkey in money_l:
                        value = c[mkey][j]
                        if c["sendiri_" + mkey][j] or not children or len(children) > 500:
                            money[ci].append(num_xml(letter, x, rp, value))
                        else:
                            refs = ",".join(f"{letter}{cr + 1}" for cr in children)
                            money[ci].append(fml_xml(letter, x, rp, f'IF(COUNT({refs})=0,"",SUM({refs}))', _cached(value)))
                        shown[ci].append(float(value))
                    sd_rp = _fsum_or_nan([c[f"anggaran_tw{q + 1}_u"][j] for q in range(n)])
                    rps = ",".join(f"{rl[q]}{x}" for q in range(n))
                    money[c_sdr].append(fml_xml(sdr_l_, x, rp, f'IF(COUNT({rps})=0,"",SUM({rps}))', _cached(sd_rp)))
                    shown[c_sdr].append(sd_rp)
                    pagu = c["pagu_u"][j]
                    serapan = sd_rp / pagu * 100 if _finite_nonzero(pagu) and not math.isnan(sd_rp) else math.nan
                    money[c_ser].append(fml_xml(ser_l, x, pct, _ratio_formula(f"{sdr_l}{x}", f"{pagu_l}{x}")[1:],
                                                _cached(serapan)))
                    shown.setdefault(c_ser, []).append(serapan)
                    ini_rp = _fsum_or_nan([shown[c_rlr][-1], sd_rp])
                    money[c_rir].append(fml_xml(rir_l_, x, rp, f'IF(COUNT({rlr_l}{x},{sdr_l}{x})=0,"",SUM({rlr_l}{x},{sdr_l}{x}))',
                                                _cached(ini_rp)))
                    rtr = shown[c_rtr][-1]
                    cap_rp = ini_rp / rtr * 100 if _finite_nonzero(rtr) and not math.isnan(ini_rp) else math.nan
                    money[c_rcr].append(fml_xml(rcr_l, x, pct, _ratio_formula(f"{rir_l}{x}", f"{rtr_l}{x}")[1:],
                                                _cached(cap_rp)))
                    shown.setdefault(c_rcr, []).append(cap_rp)
                    shown[c_rir].append(ini_rp)
                cols.update(money)
                order = [cols[ci] for ci in sorted(cols)]
                last_c = max(cols)
                for j, cells in enumerate(zip(*order, strict=True)):
                    sink.whole_row(rows[j], _row_height((kodes[j], uraian[j], indikator[j], bnames[j], ket[j], satuan[j],
                                                         levels[j]), wrap_w), depth[j], "".join(cells), last_c)

        def tail(sink: RowSink) -> tuple[dict[int, list[float]], list[str], list[bool]]:
            shown: dict[int, list[float]] = new_shown()
            levels: list[str] = []
            akar: list[bool] = []
            fill(sink, half, self.count, shown, levels, akar)
            return shown, levels, akar

        # a big table: its second half in a child process while this one writes the first (two cores)
        half = self.count // 2 if self.parallel and self.count >= SPLIT_ROWS else self.count
        job = rows_elsewhere(ws, first + half, tail, [], self.wb.tmpdir) if half < self.count else None
        if job is None:
            half = self.count
        try:
            fill(sink, 0, half, self.ev_shown, self.ev_levels, self.ev_akar)
        except BaseException:
            if job is not None:
                job.stop()
            raise
        if job is not None:
            shown_t, levels_t, akar_t = job.join_into(sink)
            for ci, values in shown_t.items():
                self.ev_shown[ci].extend(values)
            self.ev_levels.extend(levels_t)
            self.ev_akar.extend(akar_t)
        sink.close()

        last = first + self.count - 1
        if self.count:
            self._predikat_colours(ws, first, last, c_pred)
        if self.count and not self.ev_hierarchy:
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
        """Jumlah anggaran (money counted once: the rows of uraian without a parent), rata-rata capaian
        overall and per level, and predikat under the table; returns the last row used."""
        f = self.f
        fr = self.ev_frame
        L = layout.col_letter
        has_rows = self.count > 0
        label_end = col["Satuan"]
        width = len(EVALUASI_HEADERS)

        def rng(ci: int) -> str:
            return f"${L(ci)}${first + 1}:${L(ci)}${last + 1}"

        akar = rng(col[H_AKAR])
        self.merge(ws, r, 0, r, label_end, "Jumlah anggaran (Rp)", f["foot_label"])
        sums: dict[int, float] = {}
        rp_heads = ["Pagu Anggaran (Rp)", *(f"Realisasi TW {ROMAN[q]} (Rp)" for q in (1, 2, 3, 4)),
                    "Realisasi s.d. TW (Rp)", H_RENSTRA_TARGET_RP, H_RENSTRA_LALU_RP, H_RENSTRA_INI_RP]
        for h in rp_heads:
            ci = col[h]
            shown = self.ev_shown.get(ci, [])
            values = [v for v, a in zip(shown, self.ev_akar, strict=True) if a and math.isfinite(v)]
            sums[ci] = math.fsum(values) if values else math.nan
            if has_rows:  # nothing to add up (a quarter still to come): empty, not 0
                self.formula(ws, r, ci, f'=IF(COUNT({rng(ci)})=0,"",SUMIF({akar},1,{rng(ci)}))', f["foot_rp"],
                             _cached(sums[ci]))
            else:
                self.put(ws, r, ci, None, f["foot_rp"])
        ratios = {col["Realisasi Anggaran thd Pagu (%)"]: (col["Realisasi s.d. TW (Rp)"], col["Pagu Anggaran (Rp)"]),
                  col[H_RENSTRA_CAP_RP]: (col[H_RENSTRA_INI_RP], col[H_RENSTRA_TARGET_RP])}
        for ci in range(label_end + 1, width):
            if ci not in sums and ci not in ratios:
                ws.write_blank(r, ci, None, f["foot_blank"])
        for ci, (num_c, den_c) in ratios.items():
            num_v, den_v = sums[num_c], sums[den_c]
            value = num_v / den_v * 100 if math.isfinite(num_v) and _finite_nonzero(den_v) else None
            self.formula(ws, r, ci, "=" + _ratio_formula(f"{L(num_c)}{r + 1}", f"{L(den_c)}{r + 1}")[1:],
                         f["foot_pct"], _cached(value))

        # Rata-rata capaian: the whole table, then per level (domain §9: a program's capaian is not averaged
        # with its sub kegiatan's); predikat of the whole table's
        pct_values = {col["Capaian Kinerja s.d. TW (%)"]: fr["capaian"].to_numpy(dtype=float).tolist(),
                      col["Capaian Kinerja thd Target Tahunan (%)"]: fr["capaian_tahunan"].to_numpy(dtype=float).tolist(),
                      col["Realisasi Anggaran thd Pagu (%)"]: self.ev_shown.get(col["Realisasi Anggaran thd Pagu (%)"], []),
                      col[H_RENSTRA_CAP_K]: fr["capaian_renstra"].to_numpy(dtype=float).tolist(),
                      col[H_RENSTRA_CAP_RP]: self.ev_shown.get(col[H_RENSTRA_CAP_RP], [])}
        levels_present = sorted(set(self.ev_levels), key=lambda lv: LEVEL_RANK.get(lv, 9))
        per_level = levels_present if len(levels_present) > 1 else []
        lv_rng = rng(col["Level"])
        avg_r = r + 1
        rows: list[tuple[str, str | None]] = [("Rata-rata capaian kinerja (%)", None)]
        rows += [(f"Rata-rata capaian kinerja {lv} (%)", lv) for lv in per_level]
        means: dict[int, float | None] = {}
        for k, (label, lv) in enumerate(rows):
            rr = avg_r + k
            self.merge(ws, rr, 0, rr, label_end, label, f["foot_label"])
            for ci in range(label_end + 1, width):
                if ci not in pct_values:
                    ws.write_blank(rr, ci, None, f["foot_blank"])
                    continue
                vals = pct_values[ci] if lv is None else [
                    v for v, level in zip(pct_values[ci], self.ev_levels, strict=True) if level == lv]
                mean = _mean(vals)
                if lv is None:
                    means[ci] = mean
                if not has_rows:
                    self.put(ws, rr, ci, None, f["foot_pct"])
                elif lv is None:
                    self.formula(ws, rr, ci, f'=IF(COUNT({rng(ci)})=0,"",AVERAGE({rng(ci)}))', f["foot_pct"],
                                 _cached(mean))
                else:
                    count = f'SUMPRODUCT(--({lv_rng}="{lv}"),--ISNUMBER({rng(ci)}))'
                    self.formula(ws, rr, ci, f'=IF({count}=0,"",SUMIF({lv_rng},"{lv}",{rng(ci)})/{count})',
                                 f["foot_pct"], _cached(mean))
        pred_r = avg_r + len(rows)
        self.merge(ws, pred_r, 0, pred_r, label_end, "Predikat kinerja", f["foot_label"])
        for ci in range(label_end + 1, width):
            if ci not in pct_values:
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

