"""The Pengukuran Kinerja sheet: one row per indicator, every computed number a live formula.

Layer: writers (../shared/docs/architecture.md); it may import model, intake, store, rules, foundation.
"""

from __future__ import annotations

from kinerja_batch import layout
from kinerja_batch.findings import CATALOG
from kinerja_batch.periode import ROMAN
from kinerja_batch.rekap.base import RekapBase
from kinerja_batch.rekap.cells import (
    RowSink,
    _cached,
    _header_width,
    _num_width,
    _predikat_formula,
    _row_height,
    _text,
    _text_width,
    fml_cells,
    num_cells,
    txt_cells,
)
from kinerja_batch.rekap.constants import (
    GROUP_LEVELS,
    H_CATATAN,
    H_SUMBER,
    H_TREN,
    PENGUKURAN_HEADERS,
    PK_KEYS,
    SHEET_PENGUKURAN,
    STATUS_GALAT,
    STATUS_KOSONG,
    STATUS_PERLU_KONFIRMASI,
    WARNA_HEADER,
)
from kinerja_batch.rekap.formulas import (
    _capaian_builders,
    _ratio_formula,
    _sd_formula,
)


class PengukuranSheet(RekapBase):
    def _pk_widths(self) -> list[float]:
        c = self.cols
        w = {h: _header_width(h) for h in PENGUKURAN_HEADERS}

        def num(h: str, key: str, decimals: int | None, floor: float = 7) -> None:
            w[h] = max(w[h], floor, _num_width(c.get(key, []), decimals) + 1.5)

        w["Bidang"] = max(w["Bidang"], _text_width(list(self.bidang_names.values()), 16, 10))
        w["Kode Indikator"] = max(w["Kode Indikator"], _text_width([str(k) for k in c.get("kode_indikator", [])],
                                                                   20, 10))
        w["Uraian"] = 22
        w["Indikator Kinerja"] = 28
        w["Satuan"] = max(w["Satuan"], _text_width([str(s) for s in c.get("satuan", [])], 9, 6))
        num("Target Tahunan", "target_tahunan", None)
        num("Target s.d. TW", "target_sd", None)
        for q in (1, 2, 3, 4):
            num(f"Realisasi TW {ROMAN[q]}", f"realisasi_tw{q}", None)
            num(f"Realisasi Anggaran TW {ROMAN[q]} (Rp)", f"anggaran_tw{q}", 0, 10)
        w[H_TREN] = 8
        num("Realisasi", "realisasi", None)
        num("Realisasi s.d. TW", "realisasi_sd", None)
        num("Capaian (%)", "capaian", 2)
        num("Capaian thd Target Tahunan (%)", "capaian_tahunan", 2)
        w["Predikat"] = 11.5
        num("Pagu Anggaran (Rp)", "pagu", 0, 10)
        num("Realisasi Anggaran s.d. TW (Rp)", "anggaran_sd", 0, 10)
        num("Serapan (%)", "serapan", 2)
        w["Status"] = 10.5
        w["Level"] = 11
        w["Polaritas"] = 8.5
        w["Agregasi"] = 10
        w["Dasar Target"] = 13
        w["Faktor Pendorong"] = 28
        w["Faktor Penghambat"] = 28
        w["Bukti Dukung"] = 20
        w[H_SUMBER] = 26
        w[H_CATATAN] = 40
        return [w[h] for h in PENGUKURAN_HEADERS]

    def pengukuran(self) -> None:
        ws = self.sheets[SHEET_PENGUKURAN]
        f = self.f
        col = self._pk_columns()
        last_col = len(PENGUKURAN_HEADERS) - 1
        widths = self._pk_widths()
        hidden = {col[f"Realisasi Anggaran TW {ROMAN[q]} (Rp)"] for q in (1, 2, 3, 4)}
        for i, width in enumerate(widths):
            if i in hidden:
                ws.set_column(i, i, width, None, {"level": 1, "hidden": True})
            elif i == col["Realisasi Anggaran s.d. TW (Rp)"]:
                ws.set_column(i, i, width, None, {"collapsed": True})
            else:
                ws.set_column(i, i, width)
        ws.outline_settings(True, False, True, False)

        self.title_block(ws, f"PENGUKURAN KINERJA {self.p.label.upper()}", last_col,
                         f"Capaian dalam persen. Target s.d. TW = Target TW{self.n} bila ada di master, selain itu "
                         "Target Tahunan (lihat kolom Dasar Target). Angka hasil hitungan berupa rumus; realisasi "
                         "anggaran per triwulan ada di kolom yang dapat dibuka (+).")
        hr = self.pk_header
        self.header_row(ws, hr, PENGUKURAN_HEADERS, widths)

        first = self.pk_first
        n = self.n
        L = layout.col_letter
        c_tw = [col[f"Realisasi TW {ROMAN[q]}"] for q in (1, 2, 3, 4)]
        c_ag = [col[f"Realisasi Anggaran TW {ROMAN[q]} (Rp)"] for q in (1, 2, 3, 4)]
        tw_l = [L(i) for i in c_tw]
        ag_l = [L(i) for i in c_ag]
        (c_bidang, c_kode, c_uraian, c_ind, c_satuan, c_tt, c_tsd, c_tren, c_real, c_sd, c_cap, c_capt, c_pred,
         c_pagu, c_agsd, c_ser, c_status, c_level, c_pol, c_agr, c_basis, c_pendorong, c_penghambat, c_bukti,
         c_sumber) = (col[h] for h in (
            "Bidang", "Kode Indikator", "Uraian", "Indikator Kinerja", "Satuan", "Target Tahunan", "Target s.d. TW",
            H_TREN, "Realisasi", "Realisasi s.d. TW", "Capaian (%)", "Capaian thd Target Tahunan (%)", "Predikat",
            "Pagu Anggaran (Rp)", "Realisasi Anggaran s.d. TW (Rp)", "Serapan (%)", "Status", "Level", "Polaritas",
            "Agregasi", "Dasar Target", "Faktor Pendorong", "Faktor Penghambat", "Bukti Dukung", H_SUMBER))
        c_catatan = col[H_CATATAN]
        sd_l, tt_l, tsd_l, pagu_l, agsd_l, cap_l, tren_l = (L(i) for i in (
            c_sd, c_tt, c_tsd, c_pagu, c_agsd, c_cap, c_tren))
        cap_forms = _capaian_builders(self.s.aturan_negatif)
        pred_tmpl = _predikat_formula("{ref}", self.bands)
        wrap = [(c_bidang, widths[c_bidang]), (c_kode, widths[c_kode]), (c_uraian, widths[c_uraian]),
                (c_ind, widths[c_ind]), (c_satuan, widths[c_satuan])]
        wrap_w = [w for _, w in wrap]
        count = self.count
        spark_loc = [f"{tren_l}{x}" for x in range(first + 1, first + count + 1)]
        spark_rng = [f"{tw_l[0]}{x}:{tw_l[3]}{x}" for x in range(first + 1, first + count + 1)]
        fmt_plain, fmt_group, ind_plain, ind_group = self._row_formats()

        def fill(sink: RowSink) -> None:
            """The rows a column of a block at a time (the same XML as cell by cell, a third of the time)."""
            st = self.row_styles(sink)
            L = layout.col_letter

            for start, c in self.chunks(PK_KEYS):
                k = len(c["kode_indikator"])
                rows = range(first + start, first + start + k)
                xs = [str(r + 1) for r in rows]
                levels = [str(v) for v in c["level"]]
                group = [lv in GROUP_LEVELS for lv in levels]
                depth = self.outline[start:start + k]

                bnames = [self.bidang_names.get(b, str(b)) for b in c["kode_bidang"]]
                kodes = [str(v) for v in c["kode_indikator"]]
                uraian = [_text(v) for v in c["uraian"]]
                indikator = [_text(v) for v in c["indikator_kinerja"]]
                satuan = [_text(v) for v in c["satuan"]]
                agregasi = [str(v) for v in c["agregasi"]]
                polaritas = [str(v) for v in c["polaritas"]]
                text_s, center_s, pct_s, rp_s = st.per_row("text", group), st.per_row("center", group), st.per_row("pct", group), st.per_row("rp", group)
                cur = [f"{tw_l[n - 1]}{x}" for x in xs]
                sd = [f"{sd_l}{x}" for x in xs]
                real = [_cached(v) for v in c["realisasi"]]
                real_sd = [_cached(v) for v in c["realisasi_sd"]]
                cols: dict[int, list[str]] = {
                    c_bidang: txt_cells(ws, rows[0], c_bidang, xs, bnames, text_s),
                    c_kode: txt_cells(ws, rows[0], c_kode, xs, kodes, text_s),
                    c_uraian: txt_cells(ws, rows[0], c_uraian, xs, uraian, text_s),
                    c_ind: txt_cells(ws, rows[0], c_ind, xs, indikator,
                                     st.indent(group, depth)),
                    c_satuan: txt_cells(ws, rows[0], c_satuan, xs, satuan, center_s),
                    c_tt: num_cells(L(c_tt), xs, c["target_tahunan"], st.k(c["target_tahunan"], group)),
                    c_tsd: num_cells(L(c_tsd), xs, c["target_sd"], st.k(c["target_sd"], group)),
                    c_tren: [f'<c r="{tren_l}{x}" s="{s}"/>' for x, s in zip(xs, st.per_row("spark", group), strict=True)],
                    c_real: fml_cells(L(c_real), xs, [f'IF(ISNUMBER({u}),{u},"")' for u in cur],
                                      st.k(real, group), real),
                    c_sd: fml_cells(L(c_sd), xs, [_sd_formula(a, f"{tw_l[0]}{x}:{u}", u)[1:] for a, x, u in
                                                  zip(agregasi, xs, cur, strict=True)], st.k(real_sd, group),
                                    real_sd),
                    c_cap: fml_cells(L(c_cap), xs, [cap_forms[pl](d, f"{tsd_l}{x}")[1:] for pl, d, x in
                                                    zip(polaritas, sd, xs, strict=True)], pct_s,
                                     [_cached(v) for v in c["capaian"]]),
                    c_capt: fml_cells(L(c_capt), xs, [cap_forms[pl](d, f"{tt_l}{x}")[1:] for pl, d, x in
                                                      zip(polaritas, sd, xs, strict=True)], pct_s,
                                      [_cached(v) for v in c["capaian_tahunan"]]),
                    c_pred: fml_cells(L(c_pred), xs, [pred_tmpl.replace("{ref}", f"{cap_l}{x}")[1:] for x in xs],
                                      center_s, [str(v) for v in c["predikat"]]),
                    c_pagu: num_cells(L(c_pagu), xs, c["pagu"], rp_s),
                    c_agsd: fml_cells(L(c_agsd), xs, [
                        f'IF(COUNT({ag_l[0]}{x}:{ag_l[n - 1]}{x})=0,"",SUM({ag_l[0]}{x}:{ag_l[n - 1]}{x}))' for x in xs],
                        rp_s, [_cached(v) for v in c["anggaran_sd"]]),
                    c_ser: fml_cells(L(c_ser), xs, [_ratio_formula(f"{agsd_l}{x}", f"{pagu_l}{x}")[1:] for x in xs],
                                     pct_s, [_cached(v) for v in c["serapan"]]),
                    c_status: txt_cells(ws, rows[0], c_status, xs, self.ind_status[start:start + k], center_s),
                    c_level: txt_cells(ws, rows[0], c_level, xs, levels, text_s),
                    c_pol: txt_cells(ws, rows[0], c_pol, xs, polaritas, center_s),
                    c_agr: txt_cells(ws, rows[0], c_agr, xs, agregasi, center_s),
                    c_basis: txt_cells(ws, rows[0], c_basis, xs, c["target_basis"], center_s),
                    c_pendorong: txt_cells(ws, rows[0], c_pendorong, xs, c["pendorong"], text_s),
                    c_penghambat: txt_cells(ws, rows[0], c_penghambat, xs, c["penghambat"], text_s),
                    c_bukti: txt_cells(ws, rows[0], c_bukti, xs, c["bukti"], text_s),
                    c_sumber: txt_cells(ws, rows[0], c_sumber, xs, [
                        f"{_text(b)}!{_text(sel)}" if _text(b) else "" for b, sel in
                        zip(c["berkas"], c["sel_realisasi"], strict=True)], text_s),
                }
                for q in range(4):
                    values = c[f"realisasi_tw{q + 1}"]
                    cols[c_tw[q]] = num_cells(L(c_tw[q]), xs, values, st.k(values, group))
                    cols[c_ag[q]] = num_cells(L(c_ag[q]), xs, c[f"anggaran_tw{q + 1}"], rp_s)
                # an info beside the value it changed (SKALA_PERSEN_DIUBAH ...): a cell note on that quarter's
                # Realisasi and the text in Catatan Nilai, so that no number differs silently from what was typed
                noted = {j: notes for j, kode in enumerate(kodes) if (notes := self.d.catatan.get(kode))}
                catatan = [""] * k
                if noted:
                    texts = ["\n".join(f"TW {ROMAN[tw]} – {CATALOG[kd].title}: {pesan}" for tw, kd, pesan in notes)
                             if (notes := noted.get(j)) else "" for j in range(k)]
                    made = txt_cells(ws, rows[0], c_catatan, xs, texts, text_s)
                    catatan = [made[j] if j in noted else "" for j in range(k)]
                cols[c_catatan] = catatan
                order = [cols[ci] for ci in sorted(cols)]
                last_plain = max(ci for ci in cols if ci != c_catatan)
                for j, cells in enumerate(zip(*order, strict=True)):
                    r = rows[j]
                    height = _row_height((bnames[j], kodes[j], uraian[j], indikator[j], satuan[j]), wrap_w)
                    sink.whole_row(r, height, depth[j], "".join(cells), c_catatan if j in noted else last_plain)
                    for tw, kd, pesan in noted.get(j, ()):
                        sink.comment(r, c_tw[tw - 1], f"{CATALOG[kd].title}: {pesan}",
                                     {"author": "kinerja-batch", "x_scale": 2, "y_scale": 1.5})

        formats = [*fmt_plain.values(), *fmt_group.values(), *ind_plain, *ind_group]
        self.rows(ws, first, fill, formats)

        last = first + self.count - 1
        if self.count:
            ws.add_sparkline(first, c_tren, {"location": spark_loc, "range": spark_rng, "type": "line",
                                             "markers": True, "series_color": WARNA_HEADER,
                                             "markers_color": "#C00000", "empty_cells": "gap"})
            ws.conditional_format(first, 0, last, last_col, {
                "type": "formula", "criteria": f"=$A{first + 1}<>$A{first}", "format": f["cf_bidang"]})
            self._predikat_colours(ws, first, last, c_pred)
            for text, key in ((STATUS_PERLU_KONFIRMASI, "cf_konfirmasi"), (STATUS_GALAT, "cf_galat"),
                              (STATUS_KOSONG, "cf_kosong")):
                ws.conditional_format(first, c_status, last, c_status, {
                    "type": "cell", "criteria": "==", "value": f'"{text}"', "format": f[key]})
        ws.freeze_panes(first, 2)
        ws.autofilter(hr, 0, max(last, hr), last_col)
        self.print_setup(ws, landscape=True, repeat=(hr, hr), last_row=max(last, hr), last_col=c_status,
                         key_cols=(0, col["Indikator Kinerja"]))
