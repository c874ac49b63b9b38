"""What every rekap sheet shares: the period's rows in print order, formats, checked cell writes,
title blocks, print setup, the signature block and the small-table writer (writers layer)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import xlsxwriter

from kinerja_batch import layout, printing
from kinerja_batch.model import PeriodData
from kinerja_batch.periode import format_tanggal, format_waktu
from kinerja_batch.rekap.cells import (
    PendingRows,
    RowSink,
    RowStyles,
    _Block,
    _Columns,
    _fail,
    _header_height,
    _is_missing,
    _jabatan,
    _nip,
    _outline_levels,
    _RekapSheet,
    _text,
    rows_elsewhere,
)
from kinerja_batch.rekap.constants import (
    _CHUNK,
    _TITLE_ROWS,
    FMT_INT,
    FMT_K,
    FMT_PCT,
    FMT_RP,
    PENGUKURAN_HEADERS,
    PREDIKAT_COLOURS,
    SHEET_EVALUASI,
    SHEET_TAHUNAN,
    SHEETS,
    STATUS_GALAT,
    STATUS_KOSONG,
    STATUS_PERLU_KONFIRMASI,
    STATUS_TERISI,
    WARNA_BAND,
    WARNA_GRUP,
    WARNA_HEADER,
)
from kinerja_batch.rekap.formulas import _parse_time

MARK_DRAF = "DRAF — belum final"
MARK_FINAL = "FINAL"


def _date(text: Any) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        return None


class RekapBase:
    def __init__(self, wb: xlsxwriter.Workbook, data: PeriodData, *, parallel: bool = True) -> None:
        self.wb = wb
        self.d = data
        self.s = data.settings
        self.p = data.periode
        self.n = data.periode.tw
        self.bands = self.s.predikat_bands()
        self.run_time = _parse_time(data.run_time)
        self.f = self._formats()
        self.parallel = parallel
        self.pending: list[PendingRows] = []
        names = list(SHEETS)
        if self.p.tw == 4:  # the year's measure (LKjIP) after Evaluasi Renja
            names.insert(names.index(SHEET_EVALUASI) + 1, SHEET_TAHUNAN)
        self.sheets = {name: wb.add_worksheet(name, worksheet_class=_RekapSheet) for name in names}
        self._prepare()

    # ------------------------------------------------------------------ formats
    def _formats(self) -> dict[str, Any]:
        add = self.wb.add_format
        base = {"font_name": "Arial", "font_size": 9, "valign": "top", "border": 1, "border_color": "#BFBFBF"}
        f: dict[str, Any] = {
            "title": add({"font_name": "Arial", "bold": True, "font_size": 13, "font_color": WARNA_HEADER}),
            "subtitle": add({"font_name": "Arial", "bold": True, "font_size": 10}),
            "plain": add({"font_name": "Arial", "font_size": 9}),
            "note": add({"font_name": "Arial", "font_size": 9, "italic": True, "font_color": "#595959"}),
            "mark": add({"font_name": "Arial", "font_size": 12, "bold": True, "font_color": "#C00000"}),
            "mark_item": add({"font_name": "Arial", "font_size": 9, "font_color": "#C00000", "text_wrap": True,
                              "valign": "top"}),
            "paraf_head": add({**base, "bold": True, "bg_color": WARNA_BAND, "align": "center", "valign": "vcenter",
                               "text_wrap": True, "font_size": 9}),
            "paraf_cell": add({**base, "text_wrap": True, "valign": "vcenter", "font_size": 9}),
            "h2": add({"font_name": "Arial", "bold": True, "font_size": 11, "font_color": WARNA_HEADER,
                       "bottom": 2, "bottom_color": WARNA_HEADER}),
            "head": add({**base, "bold": True, "bg_color": WARNA_HEADER, "font_color": "#FFFFFF", "text_wrap": True,
                         "align": "center", "valign": "vcenter", "border_color": "#FFFFFF"}),
            "band": add({**base, "bold": True, "bg_color": WARNA_BAND, "text_wrap": True, "align": "center",
                         "valign": "vcenter"}),
            "label": add({**base, "text_wrap": True}),
            "label_bold": add({**base, "text_wrap": True, "bold": True, "bg_color": WARNA_BAND}),
            "value_int": add({**base, "num_format": FMT_INT, "bold": True}),
            "value_pct": add({**base, "num_format": FMT_PCT, "bold": True}),
            "value_text": add({**base, "bold": True, "align": "center"}),
            "foot_label": add({**base, "bold": True, "bg_color": WARNA_BAND, "align": "right", "text_wrap": True}),
            "foot_rp": add({**base, "bold": True, "bg_color": WARNA_BAND, "num_format": FMT_RP}),
            "foot_pct": add({**base, "bold": True, "bg_color": WARNA_BAND, "num_format": FMT_PCT}),
            "foot_text": add({**base, "bold": True, "bg_color": WARNA_BAND, "align": "center"}),
            "foot_blank": add({**base, "bg_color": WARNA_BAND}),
            "line": add({"font_name": "Arial", "font_size": 9, "text_wrap": True, "valign": "top"}),
            "sign": add({"font_name": "Arial", "font_size": 10, "align": "center", "text_wrap": True,
                         "valign": "top"}),
            "sign_name": add({"font_name": "Arial", "font_size": 10, "align": "center", "bold": True,
                              "underline": True}),
        }
        # cell formats of the indicator rows: plain rows and group rows (Tujuan/Sasaran/Program)
        kinds: dict[str, dict[str, Any]] = {
            "text": {"text_wrap": True},
            "center": {"text_wrap": True, "align": "center"},
            "k": {"num_format": FMT_K},
            "ki": {"num_format": FMT_INT},
            "rp": {"num_format": FMT_RP},
            "pct": {"num_format": FMT_PCT},
            "int": {"num_format": FMT_INT, "align": "center"},
            "spark": {},
        }
        for group in (False, True):
            extra: dict[str, Any] = {"bold": True, "bg_color": WARNA_GRUP} if group else {}
            for kind, spec in kinds.items():
                f[f"{kind}{'_g' if group else ''}"] = add({**base, **spec, **extra})
            for indent in range(4):
                f[f"ind{indent}{'_g' if group else ''}"] = add({**base, "text_wrap": True, "indent": indent, **extra})
        # conditional formats
        f["cf_bidang"] = add({"top": 2, "top_color": WARNA_HEADER})
        for name, colour in PREDIKAT_COLOURS.items():
            f[f"cf_{name}"] = add({"bg_color": colour})
        f["cf_konfirmasi"] = add({"bg_color": "#FCE4D6", "font_color": "#833C0B"})
        f["cf_galat"] = add({"bg_color": "#F8696B", "font_color": "#FFFFFF"})
        f["cf_kosong"] = add({"font_color": "#808080"})
        return f

    # ------------------------------------------------------------------ layout shared by the sheets
    def _prepare(self) -> None:
        """Order the indicators (bidang in master order, then master order) and find each bidang's rows."""
        m = self.d.measures
        bidang_codes = self.d.master.bidang_codes()
        self.bidang_names = dict(zip(self.d.master.bidang["kode_bidang"], self.d.master.bidang["nama_bidang"],
                                     strict=True))
        rank = {k: i for i, k in enumerate(bidang_codes)}
        kb = m["kode_bidang"].astype(str).tolist() if len(m) else []
        ranks = np.array([rank.get(k, len(rank)) for k in kb], dtype=np.int64)
        order = np.argsort(ranks, kind="stable")
        self.m = m.iloc[order].reset_index(drop=True)
        self.count = len(self.m)
        ranks = ranks[order]
        self.cols = _Columns(self.m)
        # header row and first data row of the indicator sheets (0-based)
        self.pk_header = _TITLE_ROWS
        self.pk_first = self.pk_header + 1
        self.ev_header = _TITLE_ROWS + 1  # a band row sits above the Evaluasi Renja header
        self.ev_first = self.ev_header + 1
        starts = np.searchsorted(ranks, np.arange(len(bidang_codes)), side="left")
        ends = np.searchsorted(ranks, np.arange(len(bidang_codes)), side="right")
        # rows of each bidang as indices into self.m; add a sheet's first data row for its cell rows
        self.blocks = [_Block(k, self.bidang_names.get(k, k), int(a), int(e) - 1)
                       for k, a, e in zip(bidang_codes, starts, ends, strict=True)]
        kodes = [kb[i] for i in order]
        self.outline = _outline_levels(kodes, self.m["level"].astype(str).tolist() if self.count else [])
        del kodes, kb
        open_codes = {f["kode_indikator"] for f in self.d.findings if f.get("status") == "Terbuka"}
        galat_codes = {f["kode_indikator"] for f in self.d.galat if f.get("kode_indikator")}
        codes = self.m["kode_indikator"] if self.count else None
        terisi = self.cols.get("terisi").astype(bool)
        if codes is not None:
            is_open = codes.isin(open_codes).to_numpy()
            is_galat = codes.isin(galat_codes).to_numpy()
        else:
            is_open = is_galat = np.zeros(0, dtype=bool)
        self.ind_status = np.select(
            [is_open, is_galat & ~terisi, terisi], [STATUS_PERLU_KONFIRMASI, STATUS_GALAT, STATUS_TERISI],
            default=STATUS_KOSONG).tolist()

    def rows(self, ws: Any, first: int, fill: Callable[[RowSink], None], formats: Sequence[Any]) -> None:
        """Write an indicator table's rows from ``first``: in a child process while this one goes on with
        the other sheets where processes fork (the rows are copied in before the workbook is closed,
        see :meth:`finish_rows`), else here and now."""
        job = rows_elsewhere(ws, first, fill, formats, self.wb.tmpdir) if self.parallel else None
        if job is not None:
            self.pending.append(job)
            return
        sink = RowSink(ws, first)
        fill(sink)
        sink.close()

    def finish_rows(self, *, abandon: bool = False) -> None:
        """Take the rows the children wrote (or, ``abandon``, stop them: the workbook is not finished)."""
        jobs, self.pending = self.pending, []
        for i, job in enumerate(jobs):
            if abandon:
                job.stop()
                continue
            try:
                job.join()
            except BaseException:
                for other in jobs[i + 1:]:
                    other.stop()
                raise

    def chunks(self, keys: Sequence[str]) -> Any:
        """``(first index, {key: list of values})`` over the ordered measures, a slice at a time, so
        that only one slice of Python objects is alive (a 150,000-row rekap stays small in memory)."""
        for start in range(0, self.count, _CHUNK):
            part = self.m.iloc[start:start + _CHUNK]
            yield start, {k: part[k].tolist() for k in keys}

    # ------------------------------------------------------------------ cells
    def put(self, ws: Any, r: int, c: int, value: Any, fmt: Any = None) -> None:
        """Write one value: text always as text, numbers as numbers, nothing as a formatted blank."""
        if _is_missing(value):
            result = ws.write_blank(r, c, None, fmt)
        elif isinstance(value, bool):
            result = ws.write_string(r, c, "Ya" if value else "Tidak", fmt)
        elif isinstance(value, int | float | np.integer | np.floating):
            result = ws.write_number(r, c, float(value), fmt)
        else:
            result = ws.write_string(r, c, str(value), fmt)
        if result:
            _fail(ws, r, c, result)

    def formula(self, ws: Any, r: int, c: int, formula: str, fmt: Any, cached: Any) -> None:
        result = ws.write_formula(r, c, formula, fmt, cached)
        if result:
            _fail(ws, r, c, result)

    def merge(self, ws: Any, r0: int, c0: int, r1: int, c1: int, text: str, fmt: Any) -> None:
        if r0 == r1 and c0 == c1:
            self.put(ws, r0, c0, text, fmt)
            return
        result = ws.merge_range(r0, c0, r1, c1, "", fmt)
        if result:
            _fail(ws, r0, c0, result)
        self.put(ws, r0, c0, text, fmt)

    def title_block(self, ws: Any, title: str, last_col: int, note: str = "") -> None:
        """Three short title rows; none of them repeats a header text."""
        self.put(ws, 0, 0, title, self.f["title"])
        self.put(ws, 1, 0, f"{self.s.kantor.nama} · {self.p.label} ({self.p})", self.f["subtitle"])
        if note:
            self.put(ws, 2, 0, note, self.f["note"])

    def print_setup(self, ws: Any, *, landscape: bool, repeat: tuple[int, int] | None, last_row: int,
                    last_col: int, key_cols: tuple[int, int] | None = (0, 1), extra_px: float = 0.0) -> int:
        """Paper from the settings, a readable scale (wide sheets split across pages with ``key_cols``
        repeated), and the DRAF/FINAL mark in every page's header."""
        return printing.page_setup(
            ws, paper=self.s.kertas, landscape=landscape, last_col=last_col, last_row=last_row, repeat_rows=repeat,
            key_cols=key_cols, extra_px=extra_px,
            header=printing.header_text(right=f"{ws.name} · {self.p.label}", mark=self.mark()),
            footer=printing.header_text(f"Rekap {self.p} · dibuat {format_waktu(self.d.run_time)}",
                                        right="Halaman &P dari &N"))

    def mark(self) -> str:
        """``DRAF — belum final`` until the period is closed; then ``FINAL`` with the letter's number and date."""
        c = self.d.penutupan
        if c is None:
            return MARK_DRAF
        text = MARK_FINAL
        if c.get("nomor"):
            text += f" · Nomor {c['nomor']}"
        return text + f" · {format_tanggal(_date(c.get('tanggal')))}"

    # ------------------------------------------------------------------ Pengukuran Kinerja
    def _pk_columns(self) -> dict[str, int]:
        return {h: i for i, h in enumerate(PENGUKURAN_HEADERS)}

    def _row_formats(self) -> tuple[dict[str, Any], dict[str, Any], list[Any], list[Any]]:
        """Cell formats of plain and group rows, and the indented text formats per outline level."""
        f = self.f
        fk = ("text", "center", "k", "ki", "rp", "pct", "int", "spark")
        return ({k: f[k] for k in fk}, {k: f[k + "_g"] for k in fk}, [f[f"ind{i}"] for i in range(4)],
                [f[f"ind{i}_g"] for i in range(4)])

    def row_styles(self, sink: RowSink) -> RowStyles:
        """The style indices of the indicator rows (:meth:`_row_formats` as the sink writes them)."""
        return RowStyles(sink, *self._row_formats())

    def _predikat_colours(self, ws: Any, first: int, last: int, c: int) -> None:
        for name in PREDIKAT_COLOURS:
            ws.conditional_format(first, c, last, c, {"type": "cell", "criteria": "==", "value": f'"{name}"',
                                                      "format": self.f[f"cf_{name}"]})

    def _signature(self, ws: Any, r: int, c0: int, c1: int) -> int:
        """Signature block of the Kepala Dinas over columns c0..c1 and the paraf koordinasi box of the
        Kasubbag Perencanaan and the Sekretaris; returns the last row used. Dated only in the final rekap:
        a draft is not for signing.

        The box sits left of the signature when three columns are free there (Ringkasan); on a wide sheet,
        printed in bands of columns, it goes under the signature in the last three columns, so that both
        print on the same page. Rows are written top to bottom (constant-memory mode)."""
        f = self.f
        k = self.s.kantor
        place = k.kota or "..............."
        c = self.d.penutupan
        when = format_tanggal(_date(c.get("tanggal"))) if c is not None else "...................................."
        beside = c1 - c0 < 5 and c0 >= 3
        p0 = c0 - 3 if beside else c1 - 2
        if not beside:
            ws.set_h_pagebreaks([r])  # signature and paraf box together on a page of their own
        self.merge(ws, r, c0, r, c1, f"{place}, {when}", f["sign"])
        ws.set_row(r + 1, 28)
        self.merge(ws, r + 1, c0, r + 1, c1, _jabatan(k.kepala_jabatan, k.nama), f["sign"])
        if beside:
            self._paraf(ws, r + 1, p0)
        self.merge(ws, r + 5, c0, r + 5, c1, k.kepala_nama or "(.......................................)",
                   f["sign_name"])
        self.merge(ws, r + 6, c0, r + 6, c1, k.kepala_pangkat or "Pangkat/golongan ....................", f["sign"])
        self.merge(ws, r + 7, c0, r + 7, c1, f"NIP. {_nip(k.kepala_nip) if k.kepala_nip else '....................'}",
                   f["sign"])
        if beside:
            return r + 7
        self._paraf(ws, r + 8, p0)
        return r + 11

    def _paraf(self, ws: Any, r: int, p0: int) -> None:
        """The paraf koordinasi box over columns p0..p0+2, rows r..r+3: who initials before the Kepala Dinas signs."""
        f = self.f
        if not ws.row_sizes.get(r):
            ws.set_row(r, 20)
        self.merge(ws, r, p0, r, p0 + 2, "Paraf koordinasi", f["paraf_head"])
        self.merge(ws, r + 1, p0, r + 1, p0 + 1, "Jabatan / Nama", f["paraf_head"])
        self.put(ws, r + 1, p0 + 2, "Paraf", f["paraf_head"])
        for i, p in enumerate((self.s.kasubbag, self.s.sekretaris)):
            ws.set_row(r + 2 + i, 26)
            self.merge(ws, r + 2 + i, p0, r + 2 + i, p0 + 1, p.jabatan + (f"\n{p.nama}" if p.nama else ""),
                       f["paraf_cell"])
            self.put(ws, r + 2 + i, p0 + 2, "", f["paraf_cell"])

    # ------------------------------------------------------------------ the small tables
    def header_row(self, ws: Any, r: int, headers: Sequence[str], widths: Sequence[float]) -> None:
        """The one header row of a table: tall enough for its wrapped texts."""
        ws.set_row(r, _header_height(headers, widths))
        for c, h in enumerate(headers):
            self.put(ws, r, c, h, self.f["head"])

    def table(self, name: str, title: str, headers: list[str], rows: list[list[Any]], formats: list[str],
              widths: list[float], *, landscape: bool = True, note: str = "") -> Any:
        ws = self.sheets[name]
        last_col = len(headers) - 1
        for c, width in enumerate(widths):
            ws.set_column(c, c, width)
        self.title_block(ws, title, last_col, note)
        hr = _TITLE_ROWS
        self.header_row(ws, hr, headers, widths)
        wrap = [(c, widths[c] - 1) for c, fm in enumerate(formats) if fm == "text"]
        for i, row in enumerate(rows):
            r = hr + 1 + i
            ws.set_row(r, layout.wrapped_height([(_text(row[c]), w) for c, w in wrap]))
            for c, value in enumerate(row):
                self.put(ws, r, c, value, self.f[formats[c]])
        last = hr + len(rows)
        ws.freeze_panes(hr + 1, 0)
        ws.autofilter(hr, 0, last, last_col)
        self.print_setup(ws, landscape=landscape, repeat=(hr, hr), last_row=last, last_col=last_col)
        return ws

