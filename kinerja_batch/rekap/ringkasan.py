"""The Ringkasan sheet: collection status, indicators filled, capaian, predikat counts, charts, signature.

Layer: writers (../shared/docs/architecture.md); it may import model, intake, store, rules, foundation.
"""

from __future__ import annotations

from typing import Any

from kinerja_batch import layout
from kinerja_batch.config import PREDIKAT_LOWEST, PREDIKAT_NONE
from kinerja_batch.model import (
    STATUS_BELUM,
    STATUS_DITERIMA,
    STATUS_DITOLAK,
    STATUS_KONFIRMASI,
    STATUS_TERLAMBAT,
    open_items,
)
from kinerja_batch.periode import format_tanggal, format_waktu
from kinerja_batch.rekap.base import RekapBase
from kinerja_batch.rekap.cells import (
    _cached,
    _mean,
    _predikat_formula,
    _predikat_value,
    _q,
)
from kinerja_batch.rekap.constants import (
    _TITLE_ROWS,
    FMT_PCT,
    PREDIKAT_COLOURS,
    SHEET_PENGUKURAN,
    SHEET_RINGKASAN,
    SHEET_STATUS,
    STATUS_HEADERS,
    TEPAT_WAKTU,
    TERLAMBAT,
    WARNA_HEADER,
)
from kinerja_batch.rekap.formulas import _ratio_formula


class RingkasanSheet(RekapBase):
    # ------------------------------------------------------------------ Ringkasan
    def ringkasan(self) -> None:
        ws = self.sheets[SHEET_RINGKASAN]
        f = self.f
        s = self.s
        L = layout.col_letter
        ws.hide_gridlines(2)
        widths = [11, 33, 20, 11, 11, 13, 13]  # fits A4 portrait at 80%
        for i, w in enumerate(widths):
            ws.set_column(i, i, w)
        ws.set_column(7, 7, 2)
        ws.set_column(8, 20, 9.5)
        last_col = 6
        self.merge(ws, 0, 0, 0, last_col, "REKAPITULASI DATA KINERJA", f["title"])
        self.merge(ws, 1, 0, 1, last_col, s.kantor.nama, f["subtitle"])
        deadline = s.deadline(self.p)
        when = (format_tanggal(self.run_time.date()) + f" pukul {self.run_time:%H.%M}") if self.run_time else "-"
        facts = [
            f"Periode: {self.p.label} ({self.p})",
            f"Batas waktu pengumpulan: {format_tanggal(deadline, hari=True) if deadline else '(belum ditetapkan)'}",
            f"Waktu proses: {when}" + (f" (proses ke-{self.d.run_id})" if self.d.run_id else ""),
        ]
        for i, text in enumerate(facts):
            self.merge(ws, 2 + i, 0, 2 + i, last_col, text, f["plain"])
        top = self._status_mark(ws, 2 + len(facts), last_col)

        pk = _q(SHEET_PENGUKURAN)
        st = _q(SHEET_STATUS)
        pcol = self._pk_columns()
        first, last = self.pk_first + 1, self.pk_first + self.count  # Excel rows
        has = self.count > 0

        def pk_range(h: str, a: int = first, b: int = last) -> str:
            letter = L(pcol[h])
            return f"{pk}!${letter}${a}:${letter}${b}"

        status_rows = self.d.status
        n_b = len(status_rows)
        s_first, s_last = _TITLE_ROWS + 2, _TITLE_ROWS + 1 + n_b  # Excel rows of Status Pengumpulan data
        scol = {h: L(i) for i, h in enumerate(STATUS_HEADERS)}

        def st_range(h: str) -> str:
            return f"{st}!${scol[h]}${s_first}:${scol[h]}${s_last}"

        counts = {name: sum(1 for x in status_rows if x["status"] == name)
                  for name in (STATUS_BELUM, STATUS_DITOLAK, STATUS_KONFIRMASI, STATUS_DITERIMA, STATUS_TERLAMBAT)}
        on_time = sum(1 for x in status_rows if x["berkas"] and x["status"] != STATUS_DITOLAK and not x["terlambat"])
        late = sum(1 for x in status_rows if x["berkas"] and x["status"] != STATUS_DITOLAK and x["terlambat"])

        r = top + 1
        self.merge(ws, r, 0, r, last_col, "A. Pengumpulan kertas kerja", f["h2"])
        r += 1
        rows_a: list[tuple[str, str, Any]] = [
            ("Bidang yang diharapkan mengumpulkan", f"=COUNTA({st_range('Bidang')})" if n_b else "", n_b),
            ("Bidang yang sudah mengumpulkan",
             f'=COUNTIF({st_range("Ketepatan Waktu")},"{TEPAT_WAKTU}")+COUNTIF({st_range("Ketepatan Waktu")},'
             f'"{TERLAMBAT}")' if n_b else "", on_time + late),
            ("Tepat waktu", f'=COUNTIF({st_range("Ketepatan Waktu")},"{TEPAT_WAKTU}")' if n_b else "", on_time),
            ("Terlambat", f'=COUNTIF({st_range("Ketepatan Waktu")},"{TERLAMBAT}")' if n_b else "", late),
            ("Belum mengumpulkan", f'=COUNTIF({st_range("Status")},"{STATUS_BELUM}")' if n_b else "",
             counts[STATUS_BELUM]),
            ("Berkas ditolak (belum ada yang diterima)",
             f'=COUNTIF({st_range("Status")},"{STATUS_DITOLAK}")' if n_b else "", counts[STATUS_DITOLAK]),
            ("Bidang yang perlu konfirmasi", f'=COUNTIF({st_range("Status")},"{STATUS_KONFIRMASI}")' if n_b else "",
             counts[STATUS_KONFIRMASI]),
        ]
        status_chart_rows = (r + 2, r + 3, r + 4, r + 5)
        for label, formula, cached in rows_a:
            self.merge(ws, r, 0, r, 2, label, f["label"])
            if formula:
                self.formula(ws, r, 3, formula, f["value_int"], cached)
            else:
                self.put(ws, r, 3, cached, f["value_int"])
            r += 1

        r += 1
        self.merge(ws, r, 0, r, last_col, "B. Indikator kinerja", f["h2"])
        r += 1
        n_filled = int(self.cols.get("terisi").sum()) if self.count else 0
        jml_row = r
        cap_mean = _mean(self.cols.get("capaian", []))
        capt_mean = _mean(self.cols.get("capaian_tahunan", []))
        ser_mean = _mean(self.cols.get("serapan", []))
        rows_b: list[tuple[str, str, Any, str]] = [
            ("Jumlah indikator", f"=COUNTA({pk_range('Kode Indikator')})" if has else "", self.count, "value_int"),
            (f"Indikator terisi (realisasi {self.p.label})", f"=COUNT({pk_range('Realisasi')})" if has else "",
             n_filled, "value_int"),
            ("Persentase indikator terisi (%)", _ratio_formula(f"D{jml_row + 2}", f"D{jml_row + 1}"),
             (n_filled / self.count * 100) if self.count else None, "value_pct"),
            ("Rata-rata capaian s.d. TW (%)",
             f'=IF(COUNT({pk_range("Capaian (%)")})=0,"",AVERAGE({pk_range("Capaian (%)")}))' if has else "",
             cap_mean, "value_pct"),
            ("Predikat rata-rata capaian", _predikat_formula(f"D{jml_row + 4}", self.bands),
             _predikat_value(cap_mean, self.bands), "value_text"),
            ("Rata-rata capaian thd target tahunan (%)",
             f'=IF(COUNT({pk_range("Capaian thd Target Tahunan (%)")})=0,"",'
             f'AVERAGE({pk_range("Capaian thd Target Tahunan (%)")}))' if has else "", capt_mean, "value_pct"),
            ("Rata-rata serapan anggaran (%)",
             f'=IF(COUNT({pk_range("Serapan (%)")})=0,"",AVERAGE({pk_range("Serapan (%)")}))' if has else "",
             ser_mean, "value_pct"),
        ]
        for label, formula, cached, fmt in rows_b:
            self.merge(ws, r, 0, r, 2, label, f["label"])
            if formula:
                self.formula(ws, r, 3, formula, f[fmt], cached if isinstance(cached, str) else _cached(cached))
            else:
                self.put(ws, r, 3, cached, f[fmt])
            r += 1

        r += 1
        self.merge(ws, r, 0, r, last_col, "C. Sebaran predikat capaian s.d. TW", f["h2"])
        r += 1
        for i, h in enumerate(("Predikat", "", "Rentang capaian (%)", "Jumlah", "Persen (%)")):
            if i == 1:
                continue
            if i == 0:
                self.merge(ws, r, 0, r, 1, h, f["label_bold"])
            else:
                self.put(ws, r, i, h, f["label_bold"])
        r += 1
        pred_first = r
        ordered = sorted(self.bands, key=lambda b: b[0], reverse=True)
        ranges = []
        upper: float | None = None
        for lower, name in ordered:
            ranges.append((name, f"≥ {lower:g}" + (f" dan < {upper:g}" if upper is not None else "")))
            upper = lower
        ranges.append((PREDIKAT_LOWEST, f"< {ordered[-1][0]:g}"))
        ranges.append((PREDIKAT_NONE, "tidak dapat dihitung"))
        pred_counts = {name: 0 for name, _ in ranges}
        for v in self.cols.get("predikat"):
            pred_counts[str(v)] = pred_counts.get(str(v), 0) + 1
        for name, span in ranges:
            label = name if name != PREDIKAT_NONE else "- (belum ada capaian)"
            self.merge(ws, r, 0, r, 1, label, f["label"])
            self.put(ws, r, 2, span, f["label"])
            if has:
                self.formula(ws, r, 3, f'=COUNTIF({pk_range("Predikat")},"{name}")', f["value_int"],
                             pred_counts[name])
            else:
                self.put(ws, r, 3, 0, f["value_int"])
            self.formula(ws, r, 4, _ratio_formula(f"D{r + 1}", f"D{jml_row + 1}"), f["value_pct"],
                         _cached(pred_counts[name] / self.count * 100 if self.count else None))
            r += 1
        pred_last = r - 1

        r += 1
        self.merge(ws, r, 0, r, last_col, "D. Capaian per bidang", f["h2"])
        r += 1
        for i, h in enumerate(("Kode Bidang", "Nama Bidang", "Status Pengumpulan", "Indikator", "Terisi",
                               "Rata-rata Capaian (%)", "Predikat")):
            self.put(ws, r, i, h, f["head"])
        ws.set_row(r, 26)
        r += 1
        per_first = r
        status_of = {x["kode_bidang"]: x["status"] for x in status_rows}
        for b in self.blocks:
            a, z = self.pk_first + b.first + 1, self.pk_first + b.last + 1
            n_rows = b.last - b.first + 1
            ws.set_row(r, layout.wrapped_height([(b.nama, widths[1] - 1), (status_of.get(b.kode, ""), widths[2] - 1)]))
            self.put(ws, r, 0, b.kode, f["label"])
            self.put(ws, r, 1, b.nama, f["label"])
            self.put(ws, r, 2, status_of.get(b.kode, ""), f["label"])
            caps = self.cols.get("capaian")[b.first:b.last + 1] if n_rows > 0 else []
            terisi = int(self.cols.get("terisi")[b.first:b.last + 1].sum()) if n_rows > 0 else 0
            mean = _mean(caps)
            if n_rows > 0:
                self.formula(ws, r, 3, f"=COUNTA({pk_range('Kode Indikator', a, z)})", f["int"], n_rows)
                self.formula(ws, r, 4, f"=COUNT({pk_range('Realisasi', a, z)})", f["int"], terisi)
                cap = pk_range("Capaian (%)", a, z)
                self.formula(ws, r, 5, f'=IF(COUNT({cap})=0,"",AVERAGE({cap}))', f["pct"], _cached(mean))
            else:
                self.put(ws, r, 3, 0, f["int"])
                self.put(ws, r, 4, 0, f["int"])
                self.put(ws, r, 5, None, f["pct"])
            self.formula(ws, r, 6, _predikat_formula(f"F{r + 1}", self.bands), f["center"],
                         _predikat_value(mean, self.bands))
            r += 1
        per_last = r - 1
        if per_last >= per_first:
            self._predikat_colours(ws, per_first, per_last, 6)
        self._predikat_colours(ws, pred_first, pred_last, 0)
        end = self._signature(ws, r + 2, 4, last_col)

        # charts under the signature, within the printed width: predikat and status side by side, then
        # the capaian per bidang (bars get thinner when there are many bidang, the chart never longer)
        chart_row = end + 2
        ws.set_h_pagebreaks([chart_row])  # the charts on a page of their own, never cut
        charts = self.wb
        col_chart = charts.add_chart({"type": "column"})
        col_chart.add_series({
            "name": "Jumlah indikator",
            "categories": [SHEET_RINGKASAN, pred_first, 0, pred_last, 0],
            "values": [SHEET_RINGKASAN, pred_first, 3, pred_last, 3],
            "points": [{"fill": {"color": PREDIKAT_COLOURS.get(name, "#BFBFBF")}} for name, _ in ranges],
            "data_labels": {"value": True},
        })
        col_chart.set_title({"name": "Sebaran predikat indikator", "name_font": {"size": 11}})
        col_chart.set_legend({"none": True})
        col_chart.set_x_axis({"num_font": {"size": 9}})
        col_chart.set_y_axis({"num_format": "0", "min": 0, "major_gridlines": {"visible": True,
                                                                              "line": {"color": "#D9D9D9"}}})
        col_chart.set_size({"width": 390, "height": 300})
        ws.insert_chart(chart_row, 0, col_chart, {"x_offset": 4})

        pie = charts.add_chart({"type": "pie"})
        pie.add_series({
            "name": "Status pengumpulan",
            "categories": [SHEET_RINGKASAN, status_chart_rows[0], 0, status_chart_rows[-1], 0],
            "values": [SHEET_RINGKASAN, status_chart_rows[0], 3, status_chart_rows[-1], 3],
            "points": [{"fill": {"color": c}} for c in ("#63BE7B", "#FFC000", "#BFBFBF", "#F8696B")],
            "data_labels": {"value": True, "category": False, "leader_lines": True},
        })
        pie.set_title({"name": "Status pengumpulan bidang", "name_font": {"size": 11}})
        pie.set_legend({"position": "bottom", "font": {"size": 9}})
        pie.set_size({"width": 380, "height": 300})
        ws.insert_chart(chart_row, 0, pie, {"x_offset": 404})

        bar = charts.add_chart({"type": "bar"})
        if per_last >= per_first:
            bar.add_series({
                "name": "Rata-rata capaian s.d. TW (%)",
                "categories": [SHEET_RINGKASAN, per_first, 1, per_last, 1],
                "values": [SHEET_RINGKASAN, per_first, 5, per_last, 5],
                "fill": {"color": WARNA_HEADER},
                "data_labels": {"value": True, "num_format": FMT_PCT, "font": {"size": 9}},
            })
        bar.set_title({"name": "Rata-rata capaian s.d. TW per bidang (%)", "name_font": {"size": 11}})
        bar.set_y_axis({"reverse": True, "num_font": {"size": 9}})
        bar.set_x_axis({"num_format": "0", "min": 0, "major_gridlines": {"visible": True,
                                                                        "line": {"color": "#D9D9D9"}}})
        bar.set_legend({"none": True})
        n_bars = max(1, per_last - per_first + 1)
        bar.set_size({"width": 780, "height": min(560, max(260, 70 + 22 * n_bars))})
        ws.insert_chart(chart_row + 16, 0, bar, {"x_offset": 4})
        bar_rows = int(min(560, max(260, 70 + 22 * n_bars)) / 20) + 1
        chart_end = chart_row + 16 + bar_rows
        self.print_setup(ws, landscape=False, repeat=None, last_row=max(end, chart_end), last_col=last_col,
                         key_cols=None)

    def _status_mark(self, ws: Any, r: int, last_col: int) -> int:
        """DRAF (with what is still open) or FINAL, under the facts; returns the last row used."""
        f = self.f
        self.merge(ws, r, 0, r, last_col, self.mark(), f["mark"])
        ws.set_row(r, 18)
        c = self.d.penutupan
        if c is not None:
            lines = [f"Periode ditutup pada {format_waktu(c.get('waktu'))}; rekap ini tidak berubah lagi."]
        else:
            items = open_items(self.d)
            lines = [f"{label}: {text}" for label, text in items] or [
                "Semua bidang sudah mengumpulkan dan tidak ada butir konfirmasi terbuka; siap ditutup "
                f"(kinerja-batch tutup --periode {self.p})."]
            if self.d.keadaan == "dibuka kembali":
                lines.insert(0, "Periode dibuka kembali setelah ditutup; rekap final sebelumnya tetap di outbox/final/.")
            lines.append("Belum final: tidak untuk ditandatangani. Tanggal tanda tangan diisi saat periode ditutup.")
        for text in lines:
            r += 1
            ws.set_row(r, layout.wrapped_height([(text, 105)], line_height=12))
            self.merge(ws, r, 0, r, last_col, text, f["mark_item"])
        return r
