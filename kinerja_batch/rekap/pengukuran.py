"""The Pengukuran Kinerja sheet: one row per indicator, every computed number a live formula.

Layer: writers (../shared/docs/architecture.md); it may import model, intake, store, rules, foundation.
"""

from __future__ import annotations

from typing import Any

from kinerja_batch import layout
from kinerja_batch.findings import CATALOG
from kinerja_batch.periode import ROMAN
from kinerja_batch.rekap.base import RekapBase
from kinerja_batch.rekap.cells import (
    RowSink,
    _cached,
    _header_width,
    _kf,
    _num_width,
    _predikat_formula,
    _row_height,
    _text,
    _text_width,
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
            num, txt, fml, _blank, srow = sink.writers()
            for start, c in self.chunks(PK_KEYS):
                for j in range(len(c["kode_indikator"])):
                    i = start + j
                    r = first + i
                    x = r + 1  # Excel row number
                    level = str(c["level"][j])
                    group = level in GROUP_LEVELS
                    fm = fmt_group if group else fmt_plain
                    fk, fki = fm["k"], fm["ki"]
                    depth = self.outline[i]
                    bname = self.bidang_names.get(c["kode_bidang"][j], str(c["kode_bidang"][j]))
                    kode = str(c["kode_indikator"][j])
                    uraian = _text(c["uraian"][j])
                    indikator = _text(c["indikator_kinerja"][j])
                    satuan = _text(c["satuan"][j])
                    srow(r, _row_height((bname, kode, uraian, indikator, satuan), wrap_w), None,
                         {"level": depth} if depth else None)
                    txt(r, c_bidang, bname, fm["text"])
                    txt(r, c_kode, kode, fm["text"])
                    txt(r, c_uraian, uraian, fm["text"])
                    txt(r, c_ind, indikator, (ind_group if group else ind_plain)[depth])
                    txt(r, c_satuan, satuan, fm["center"])
                    v = c["target_tahunan"][j]
                    num(r, c_tt, v, _kf(v, fk, fki))
                    v = c["target_sd"][j]
                    num(r, c_tsd, v, _kf(v, fk, fki))
                    for q in range(4):
                        v = c[f"realisasi_tw{q + 1}"][j]
                        num(r, c_tw[q], v, _kf(v, fk, fki))
                    txt(r, c_tren, "", fm["spark"])
                    cur = f"{tw_l[n - 1]}{x}"
                    v = _cached(c["realisasi"][j])
                    fml(r, c_real, f'=IF(ISNUMBER({cur}),{cur},"")', _kf(v, fk, fki), v)
                    agregasi = str(c["agregasi"][j])
                    polaritas = str(c["polaritas"][j])
                    v = _cached(c["realisasi_sd"][j])
                    fml(r, c_sd, _sd_formula(agregasi, f"{tw_l[0]}{x}:{cur}", cur), _kf(v, fk, fki), v)
                    sd = f"{sd_l}{x}"
                    fml(r, c_cap, cap_forms[polaritas](sd, f"{tsd_l}{x}"), fm["pct"], _cached(c["capaian"][j]))
                    fml(r, c_capt, cap_forms[polaritas](sd, f"{tt_l}{x}"), fm["pct"], _cached(c["capaian_tahunan"][j]))
                    fml(r, c_pred, pred_tmpl.replace("{ref}", f"{cap_l}{x}"), fm["center"], str(c["predikat"][j]))
                    num(r, c_pagu, c["pagu"][j], fm["rp"])
                    for q in range(4):
                        num(r, c_ag[q], c[f"anggaran_tw{q + 1}"][j], fm["rp"])
                    ag_span = f"{ag_l[0]}{x}:{ag_l[n - 1]}{x}"
                    fml(r, c_agsd, f'=IF(COUNT({ag_span})=0,"",SUM({ag_span}))', fm["rp"], _cached(c["anggaran_sd"][j]))
                    fml(r, c_ser, _ratio_formula(f"{agsd_l}{x}", f"{pagu_l}{x}"), fm["pct"], _cached(c["serapan"][j]))
                    txt(r, c_status, self.ind_status[i], fm["center"])
                    txt(r, c_level, level, fm["text"])
                    txt(r, c_pol, polaritas, fm["center"])
                    txt(r, c_agr, agregasi, fm["center"])
                    txt(r, c_basis, c["target_basis"][j], fm["center"])
                    txt(r, c_pendorong, c["pendorong"][j], fm["text"])
                    txt(r, c_penghambat, c["penghambat"][j], fm["text"])
                    txt(r, c_bukti, c["bukti"][j], fm["text"])
                    berkas = _text(c["berkas"][j])
                    txt(r, c_sumber, f"{berkas}!{_text(c['sel_realisasi'][j])}" if berkas else "", fm["text"])
                    notes = self.d.catatan.get(kode)
                    if notes:
                        self._value_notes(sink, r, c_tw, c_catatan, notes, fm["text"])

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

    def _value_notes(self, sink: RowSink, r: int, c_tw: list[int], c_note: int,
                     notes: list[tuple[int, str, str]], fmt: Any) -> None:
        """An info beside the value it changed: a cell note on that quarter's Realisasi and the text in
        ``Catatan Nilai`` (so that no number differs silently from what was typed)."""
        texts = [f"TW {ROMAN[tw]} – {CATALOG[kode].title}: {pesan}" for tw, kode, pesan in notes]
        sink.txt(r, c_note, "\n".join(texts), fmt)
        for tw, kode, pesan in notes:
            sink.comment(r, c_tw[tw - 1], f"{CATALOG[kode].title}: {pesan}",
                         {"author": "kinerja-batch", "x_scale": 2, "y_scale": 1.5})
