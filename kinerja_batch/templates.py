"""Write the kertas kerja: one workbook per bidang per period (domain §1, issue 2).

Each workbook checks itself while it is filled: live ``Realisasi s.d. TW`` and ``Capaian (%)``
formulas (written with their correct cached values), a completeness counter, coloured empty
inputs, capaian bands, and data validation on numeric inputs. Everything but the input cells is
locked and the sheet protected. A very hidden metadata sheet and document properties identify
the workbook when it comes back.

Layer: writers (../shared/docs/architecture.md); it may import model, intake, store, rules, foundation.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xlsxwriter

from kinerja_batch import __version__, layout, printing
from kinerja_batch.config import Settings, Workspace
from kinerja_batch.errors import KinerjaError
from kinerja_batch.master import default_jabatan
from kinerja_batch.periode import Periode, format_tanggal, format_waktu
from kinerja_batch.printing import nip_spaced
from kinerja_batch.xlsxcheck import checked
from kinerja_batch.xlsxstyle import (
    BAND_COLOURS,
    WARNA_HEADER,
    WARNA_INPUT,
    WARNA_KOSONG,
    WARNA_RUMUS,
    WARNA_TERKUNCI,
    write_metadata,
)

if TYPE_CHECKING:
    import pandas as pd

    from kinerja_batch.master import Master

# colours (also explained on the Petunjuk sheet)


@dataclass(frozen=True)
class TemplateInfo:
    path: Path
    kode_bidang: str
    periode: Periode
    template_id: str
    n_indikator: int


def planning_contact(settings: Settings) -> str:
    """Who the bidang ask about the kertas kerja: the planning office (``[email]`` of kinerja.toml), never the
    bidang's own address."""
    e = settings.email
    return " / ".join(x for x in (e.nama_pengirim, settings.kantor.nama, e.pengirim, e.kontak) if x)


def write_templates(
    workspace: Workspace,
    master: Master,
    settings: Settings,
    periode: Periode,
    bidang: Iterable[str] | None = None,
    history: pd.DataFrame | None = None,
) -> list[TemplateInfo]:
    """Write the kertas kerja of every bidang (or those named) into ``templates_xlsx/<periode>/``.

    ``history`` holds the accepted values of earlier quarters of the same year
    (columns kode_indikator, tw, realisasi, anggaran); they are shown read-only.
    """
    known = master.bidang_codes()
    wanted = list(bidang) if bidang else known
    unknown = [b for b in wanted if b not in known]
    if unknown:
        raise KinerjaError(
            f"Kode bidang {', '.join(repr(u) for u in unknown)} tidak ada di master. "
            f"Kode yang tersedia: {', '.join(known)}."
        )
    prior = _history_by_code(history, periode)
    now = dt.datetime.now().replace(microsecond=0)
    forms = _issue(workspace, master, periode, wanted)
    out = []
    for kode in wanted:
        path = workspace.template_path(kode, periode)
        out.append(write_kertas_kerja(path, master, settings, kode, periode, prior=prior, now=now, form=forms[kode]))
    return out


def _issue(workspace: Workspace, master: Master, periode: Periode, wanted: list[str]) -> dict[str, dict[str, str]]:
    """Give every kertas kerja its id, record them all in the ledger (before any file exists), and sign them."""
    from kinerja_batch import tanda_tangan

    issued = []
    for kode in wanted:
        issued.append(tanda_tangan.Issued(
            id=uuid.uuid4().hex, jenis=layout.KIND_KERTAS_KERJA, kode_bidang=kode, periode=str(periode),
            hash_terkunci=layout.locked_hash(locked_rows(master.indikator_of(kode), periode)),
            berkas=str(workspace.template_path(kode, periode).relative_to(workspace.root))))
    key = tanda_tangan.issue(workspace.ledger_path, workspace.state_dir, issued)
    return {f.kode_bidang: tanda_tangan.signed_meta(key, {
        "jenis": f.jenis, "template_id": f.id, "kode_bidang": f.kode_bidang, "periode": f.periode,
        "hash_terkunci": f.hash_terkunci}) for f in issued}


def locked_rows(rows: pd.DataFrame, periode: Periode) -> list[tuple[str, float | None, float | None]]:
    """(kode, target tahunan, target s.d. TW) of every indicator, in the order the kertas kerja shows them:
    what the locked-content hash covers (the same values :meth:`_Writer._data_row` writes)."""
    out = []
    for kode, tahunan, tw in zip(rows["kode_indikator"].tolist(), rows["target_tahunan"].tolist(),
                                 rows[f"target_tw{periode.tw}"].tolist(), strict=True):
        t_tahunan, t_tw = _num(tahunan), _num(tw)
        out.append((str(kode), t_tahunan, t_tw if t_tw is not None else t_tahunan))
    return out


def _history_by_code(history: pd.DataFrame | None, periode: Periode) -> dict[str, dict[int, tuple[float, float]]]:
    """{kode: {tw: (realisasi, anggaran)}} for the quarters before ``periode``."""
    out: dict[str, dict[int, tuple[float, float]]] = {}
    if history is None or len(history) == 0:
        return out
    if "tahun" in history.columns:  # the ledger gives every year up to this one
        history = history[history["tahun"] == periode.tahun]
    for kode, tw, r, a in history[["kode_indikator", "tw", "realisasi", "anggaran"]].itertuples(index=False):
        if int(tw) < periode.tw:
            out.setdefault(str(kode), {})[int(tw)] = (_f(r), _f(a))
    return out


def _f(x: Any) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return math.nan
    return v


def _num(x: Any) -> float | None:
    v = _f(x)
    return None if math.isnan(v) else v


def write_kertas_kerja(
    path: Path,
    master: Master,
    settings: Settings,
    kode_bidang: str,
    periode: Periode,
    *,
    prior: Mapping[str, Mapping[int, tuple[float, float]]] | None = None,
    now: dt.datetime | None = None,
    form: Mapping[str, str] | None = None,
) -> TemplateInfo:
    """Write one kertas kerja atomically (temp file + replace) and return what identifies it.

    ``form`` is the signed identity the ledger issued (see :func:`write_templates`); without it the
    workbook gets a fresh id and no signature (it is then read like a file without one).
    """
    prior = prior or {}
    now = now or dt.datetime.now().replace(microsecond=0)
    info = master.bidang_info(kode_bidang)
    rows = master.indikator_of(kode_bidang)
    template_id = form["template_id"] if form else uuid.uuid4().hex
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp_", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        # in_memory: the parts are zipped from memory instead of one temporary file per part
        wb = xlsxwriter.Workbook(tmp, {**printing.WORKBOOK_OPTIONS, "strings_to_formulas": False, "strings_to_urls": False, "in_memory": True})
        _Writer(wb, settings, info, rows, periode, prior, now, template_id, form).write()
        wb.close()
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return TemplateInfo(path, kode_bidang, periode, template_id, len(rows))


class _Writer:
    """Lays out one kertas kerja. Split into methods per sheet for readability only."""

    def __init__(
        self,
        wb: xlsxwriter.Workbook,
        settings: Settings,
        bidang: Mapping[str, str],
        rows: pd.DataFrame,
        periode: Periode,
        prior: Mapping[str, Mapping[int, tuple[float, float]]],
        now: dt.datetime,
        template_id: str,
        form: Mapping[str, str] | None = None,
    ) -> None:
        self.form = form
        self.wb = wb
        self.settings = settings
        self.bidang = bidang
        self.rows = rows
        self.records = _records(rows)
        self.periode = periode
        self.prior = prior
        self.now = now
        self.template_id = template_id
        self.columns = layout.columns_for(periode)
        self.col = {c.header: i for i, c in enumerate(self.columns)}
        self.width = {c.header: c.width for c in self.columns}
        self.fmt = self._formats()
        # the two formulas of a data row, cut where the row number goes (see _cut_at_row)
        self._sd_parts = _cut_at_row(self._sd_formula)
        self._capaian_parts = _cut_at_row(self._capaian_formula)
        self._target_tw_at = list(rows.columns).index(f"target_tw{periode.tw}")
        # indicators sharing a Kode Uraian share one pagu: its money is asked once, on the uraian's first row
        ku = rows["kode_uraian"].astype(str) if "kode_uraian" in rows else None
        self._money_elsewhere = (set(rows.loc[(ku != "") & ku.duplicated(), "kode_indikator"].astype(str))
                                 if ku is not None else set())
        self._text_input_cols = [self.col[h] for h in layout.TEXT_INPUT_HEADERS]

    # ------------------------------------------------------------------ formats
    def _formats(self) -> dict[str, Any]:
        add = self.wb.add_format
        base = {"font_name": "Arial", "font_size": 9, "valign": "top", "border": 1, "border_color": "#A6A6A6"}
        locked = {**base, "bg_color": WARNA_TERKUNCI, "locked": True}
        inp = {**base, "bg_color": WARNA_INPUT, "locked": False}
        calc = {**base, "bg_color": WARNA_RUMUS, "locked": True}
        return {
            "title": add({"bold": True, "font_size": 13, "font_name": "Arial"}),
            "subtitle": add({"bold": True, "font_size": 10, "font_name": "Arial", "valign": "top"}),
            "plain": add({"font_size": 9, "font_name": "Arial", "valign": "top"}),
            "note": add({"font_size": 9, "italic": True, "font_name": "Arial", "font_color": "#595959"}),
            "counter": add({"bold": True, "font_size": 10, "font_name": "Arial", "font_color": "#C00000"}),
            "header": add({**base, "bold": True, "bg_color": WARNA_HEADER, "font_color": "#FFFFFF",
                           "text_wrap": True, "align": "center", "valign": "vcenter"}),
            "header_input": add({**base, "bold": True, "bg_color": "#BF8F00", "font_color": "#FFFFFF",
                                 "text_wrap": True, "align": "center", "valign": "vcenter"}),
            "locked_text": add({**locked, "text_wrap": True}),
            "locked_bold": add({**locked, "text_wrap": True, "bold": True}),
            # Only Excel's built-in number formats (General 0, 0.00 2, #,##0 3, @ 49): every program
            # writes them under their own id. A custom format gets an id chosen by the writer, and
            # Gnumeric's .xls numbers them from 50, which readers take for Excel's built-in dates
            # 50-58 (a target of 90 read back as 1900-03-30). General shows a target whole.
            "locked_num": add({**locked, "num_format": "General"}),
            "locked_center": add({**locked, "align": "center"}),
            "locked_rp": add({**locked, "num_format": "#,##0"}),
            "input_num": add({**inp, "num_format": "General"}),
            "input_rp": add({**inp, "num_format": "#,##0"}),
            "input_text": add({**inp, "text_wrap": True, "num_format": "@"}),
            "calc_num": add({**calc, "num_format": "General"}),
            "calc_pct": add({**calc, "num_format": "0.00"}),
            "legend_input": add({**inp, "font_size": 9}),
            "legend_empty": add({**base, "bg_color": WARNA_KOSONG, "font_size": 9}),
            "legend_locked": add({**locked, "font_size": 9}),
            "legend_calc": add({**calc, "font_size": 9}),
            "sign": add({"font_size": 10, "font_name": "Arial", "align": "center"}),
            "sign_bold": add({"font_size": 10, "font_name": "Arial", "align": "center", "bold": True,
                              "underline": True}),
            "wrap": add({"font_size": 10, "font_name": "Arial", "text_wrap": True, "valign": "top"}),
            "h2": add({"bold": True, "font_size": 11, "font_name": "Arial", "font_color": WARNA_HEADER}),
            "table_head": add({**base, "bold": True, "bg_color": "#D9E1F2", "text_wrap": True}),
            "table_cell": add({**base, "text_wrap": True}),
        }

    # ------------------------------------------------------------------ sheets
    def write(self) -> None:
        self._petunjuk()
        ws = self.wb.add_worksheet(layout.SHEET_KERTAS_KERJA)
        ws.activate()
        hashed = self._kertas_kerja(ws)
        self._metadata(hashed)

    def _deadline_text(self) -> str:
        d = self.settings.deadline(self.periode)
        return format_tanggal(d, hari=True) if d else "(belum ditetapkan)"

    def _petunjuk(self) -> None:
        f = self.fmt
        ws = self.wb.add_worksheet(layout.SHEET_PETUNJUK)
        ws.hide_gridlines(2)
        ws.set_column(0, 0, 4)
        ws.set_column(1, 1, 26)
        ws.set_column(2, 2, 66)
        ws.set_column(3, 4, 30)
        s = self.settings
        b = self.bidang
        ws.write(0, 1, "PETUNJUK PENGISIAN KERTAS KERJA DATA KINERJA", f["title"])
        facts = [
            ("Instansi", s.kantor.nama),
            ("Bidang", f"{b['nama_bidang']} ({b['kode_bidang']})"),
            ("Periode", f"{self.periode.label} ({self.periode})"),
            ("Batas waktu", self._deadline_text()),
            ("Penanggung jawab", f"{b.get('penanggung_jawab', '')}, "
                                 f"{b.get('jabatan') or default_jabatan(str(b['nama_bidang']))}"
                                 + (f", NIP {nip_spaced(b['nip'])}" if b.get("nip") else "")),
            ("Kontak", planning_contact(s)),
        ]
        r = 2
        for label, value in facts:
            ws.set_row(r, layout.wrapped_height([(value, 60)], line_height=13))
            ws.write(r, 1, label, f["subtitle"])
            ws.write_string(r, 2, value, f["wrap"])
            r += 1
        r += 1
        ws.write(r, 1, "Langkah pengisian", f["h2"])
        r += 1
        steps = [
            "Buka lembar \"Kertas Kerja\". Isi hanya sel berwarna kuning; sel lain terkunci.",
            f"Kolom \"Realisasi\": capaian kinerja {self.periode.label} sesuai satuan indikator. Tulis angka "
            "saja, TANPA pemisah ribuan: 1250 atau 2500000, bukan 1.250 atau 2.500.000 (titik dan koma dibaca "
            "berbeda oleh Excel berbahasa Indonesia dan Inggris). Pecahan ditulis dengan satu tanda desimal: koma "
            "atau titik (75,5 atau 75.5), keduanya dibaca 75,5. Persen ditulis 0-100 (85 berarti 85%), bukan 0,85.",
            "Kolom \"Realisasi Anggaran (Rp)\": uang yang dibelanjakan SELAMA triwulan ini saja (bukan kumulatif). "
            "Beberapa indikator dari satu uraian (program/kegiatan/sub kegiatan) berbagi satu pagu: anggarannya "
            "diisi sekali, pada baris pertama uraian itu.",
            "Kolom \"Faktor Pendorong\" dan \"Faktor Penghambat\": wajib diisi bila capaian di bawah 100%.",
            "Kolom \"Bukti Dukung\": nama dokumen atau tautan bukti; \"Keterangan\": catatan lain.",
            "Kolom \"Realisasi s.d. TW\" dan \"Capaian (%)\" dihitung otomatis; periksa angkanya sebelum mengirim.",
            "Baris penghitung di atas tabel menunjukkan berapa indikator yang sudah terisi.",
            "Kepala Bidang memeriksa isian, lalu simpan sebagai .xlsx (jangan ganti nama lembar atau kode "
            "indikator, jangan hapus baris) dan kirim kembali ke Subbag Perencanaan.",
            "Bila ada data yang belum tersedia, biarkan kosong dan jelaskan di kolom Keterangan; jangan isi 0 "
            "kecuali realisasinya memang nol.",
        ]
        for i, text in enumerate(steps, 1):
            ws.set_row(r, layout.wrapped_height([(text, 60)], line_height=13))
            ws.write(r, 1, f"{i}.", f["plain"])
            ws.write_string(r, 2, text, f["wrap"])
            r += 1
        r += 1
        ws.write(r, 1, "Arti \"Realisasi\"", f["h2"])
        r += 1
        meanings = [
            ("Kumulatif", "Hasil yang dicapai SELAMA triwulan ini saja. Realisasi s.d. TW = jumlah triwulan yang "
                          "sudah dilaporkan."),
            ("Posisi Akhir", "Nilai pada AKHIR triwulan ini (misalnya indeks atau persentase pada tanggal "
                             "terakhir triwulan). Realisasi s.d. TW = nilai triwulan ini."),
            ("Rata-rata", "Nilai untuk triwulan ini. Realisasi s.d. TW = rata-rata triwulan yang sudah "
                          "dilaporkan."),
        ]
        for label, text in meanings:
            ws.set_row(r, layout.wrapped_height([(text, 60)], line_height=13))
            ws.write(r, 1, label, f["subtitle"])
            ws.write_string(r, 2, text, f["wrap"])
            r += 1
        r += 1
        ws.write(r, 1, "Capaian", f["h2"])
        r += 1
        rule = (
            "(2 x Target - Realisasi) / Target x 100" if s.aturan_negatif == "2T-R" else "Target / Realisasi x 100"
        )
        for label, text in [
            ("Polaritas Positif", "Semakin tinggi semakin baik: Realisasi / Target x 100."),
            ("Polaritas Negatif", f"Semakin rendah semakin baik: {rule}."),
            ("Predikat", " · ".join(f"{name} >= {lower:g}" for lower, name in s.predikat_bands())
             + " · Sangat Rendah di bawahnya."),
        ]:
            ws.write(r, 1, label, f["subtitle"])
            ws.write_string(r, 2, text, f["wrap"])
            r += 1
        r += 1
        ws.write(r, 1, "Arti warna", f["h2"])
        r += 1
        for fmt, text in [
            ("legend_input", "Kuning: diisi oleh bidang."),
            ("legend_empty", "Merah muda: kolom Realisasi yang masih kosong."),
            ("legend_calc", "Biru: dihitung otomatis, tidak perlu diisi."),
            ("legend_locked", "Abu-abu: data dari master, terkunci."),
        ]:
            ws.write_blank(r, 1, None, f[fmt])
            ws.write_string(r, 2, text, f["wrap"])
            r += 1
        r += 1
        ws.write(r, 1, "Definisi operasional indikator", f["h2"])
        r += 1
        for c, head in enumerate(("Kode Indikator", "Indikator Kinerja", "Definisi Operasional", "Sumber Data")):
            ws.write_string(r, 1 + c, head, f["table_head"])
        r += 1
        for row in self.records:
            ws.set_row(r, layout.wrapped_height([
                (str(row.kode_indikator), 26), (str(row.indikator_kinerja), 66),
                (str(row.definisi_operasional), 30), (str(row.sumber_data), 30)]))
            ws.write_string(r, 1, row.kode_indikator, f["table_cell"])
            checked(ws.write_string(r, 2, row.indikator_kinerja, f["table_cell"]), "Kertas kerja", ws, r, 2)
            checked(ws.write_string(r, 3, row.definisi_operasional or "-", f["table_cell"]), "Kertas kerja", ws, r, 3)
            checked(ws.write_string(r, 4, row.sumber_data or "-", f["table_cell"]), "Kertas kerja", ws, r, 4)
            r += 1
        ws.protect(self.settings.kata_sandi, {"select_locked_cells": True, "select_unlocked_cells": True})
        printing.page_setup(ws, paper=s.kertas, landscape=True, last_col=4, last_row=r,
                            footer=printing.header_text(s.kantor.nama, right="Halaman &P dari &N"))

    def _kertas_kerja(self, ws: Any) -> str:
        f = self.fmt
        s = self.settings
        b = self.bidang
        cols = self.columns
        col = self.col
        n = len(self.rows)
        first = layout.FIRST_DATA_ROW - 1  # 0-based
        last = first + n - 1
        for i, c in enumerate(cols):
            ws.set_column(i, i, c.width)
        last_col = len(cols) - 1

        ws.write_string(0, 0, "KERTAS KERJA PENGUMPULAN DATA KINERJA", f["title"])
        ws.write_string(1, 0, s.kantor.nama, f["subtitle"])
        ws.write_string(2, 0, f"Bidang: {b['nama_bidang']} ({b['kode_bidang']})", f["subtitle"])
        ws.write_string(3, 0, f"Periode: {self.periode.label} ({self.periode})", f["subtitle"])
        ws.write_string(4, 0, f"Batas waktu pengumpulan: {self._deadline_text()}", f["plain"])
        r_col = layout.col_letter(col[layout.H_REALISASI])
        rng = f"${r_col}${first + 1}:${r_col}${last + 1}" if n else f"${r_col}${first + 1}"
        # a new kertas kerja has no realisasi yet, so the cached count is 0
        ws.write_formula(5, 0, f'="Terisi "&{accepted_count(rng)}&" dari {n} indikator"', f["counter"],
                         f"Terisi 0 dari {n} indikator")
        ws.write_string(
            6, 0,
            "Isi hanya sel kuning. Kolom biru dihitung otomatis. Petunjuk lengkap ada di lembar \"Petunjuk\".",
            f["note"],
        )
        ws.set_row(layout.HEADER_ROW - 1, 42)
        for i, c in enumerate(cols):
            ws.write_string(layout.HEADER_ROW - 1, i, c.header, f["header_input" if c.kind == layout.INPUT else "header"])

        hash_rows: list[tuple[str, float | None, float | None]] = []
        with _formulas_as_written(ws, self._sd_formula(first), self._capaian_formula(first)):
            for k, row in enumerate(self.records):
                r = first + k
                hash_rows.append(self._data_row(ws, r, k + 1, row))

        self._checks(ws, first, last)
        self._signature(ws, last + 3, last_col)

        ws.freeze_panes(layout.HEADER_ROW, col[layout.H_KODE] + 1)
        ws.protect(
            s.kata_sandi,
            {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True, "format_rows": True},
        )
        # wider than a page at a readable size: printed in bands, No..Indikator Kinerja on every page
        printing.page_setup(
            ws, paper=s.kertas, landscape=True, last_col=last_col, last_row=last + 10,
            repeat_rows=(layout.HEADER_ROW - 1, layout.HEADER_ROW - 1), key_cols=(0, col[layout.H_INDIKATOR]),
            header=printing.header_text(f"Kertas Kerja {b['kode_bidang']} {self.periode}", right=s.kantor.nama),
            footer=printing.header_text(f"Dibuat {format_waktu(self.now)}", right="Halaman &P dari &N"))
        return layout.locked_hash(hash_rows)

    def _data_row(self, ws: Any, r: int, no: int, row: Any) -> tuple[str, float | None, float | None]:
        f = self.fmt
        col = self.col
        width = self.width
        p = self.periode
        kode = str(row.kode_indikator)
        uraian, indikator = str(row.uraian), str(row.indikator_kinerja)
        agregasi, polaritas = str(row.agregasi), str(row.polaritas)
        target_tw = _num(row[self._target_tw_at])
        target_tahunan = _num(row.target_tahunan)
        target_sd = target_tw if target_tw is not None else target_tahunan
        text_fmt = f["locked_bold"] if row.level in ("Tujuan", "Sasaran", "Program") else f["locked_text"]
        locked_text, locked_center, locked_num = f["locked_text"], f["locked_center"], f["locked_num"]

        ws.set_row(r, layout.wrapped_height([
            (uraian, width[layout.H_URAIAN]), (indikator, width[layout.H_INDIKATOR]), (kode, width[layout.H_KODE]),
        ]))
        ws.write_number(r, col[layout.H_NO], no, locked_center)
        checked(ws.write_string(r, col[layout.H_KODE], kode, locked_text), "Kertas kerja", ws, r, col[layout.H_KODE])
        ws.write_string(r, col[layout.H_LEVEL], str(row.level), locked_text)
        checked(ws.write_string(r, col[layout.H_URAIAN], uraian, text_fmt), "Kertas kerja", ws, r, col[layout.H_URAIAN])
        checked(ws.write_string(r, col[layout.H_INDIKATOR], indikator, text_fmt), "Kertas kerja", ws, r, col[layout.H_INDIKATOR])
        ws.write_string(r, col[layout.H_SATUAN], str(row.satuan), locked_center)
        ws.write_string(r, col[layout.H_POLARITAS], polaritas, locked_center)
        ws.write_string(r, col[layout.H_AGREGASI], agregasi, locked_center)
        _write_optional_number(ws, r, col[layout.H_TARGET_TAHUNAN], target_tahunan, locked_num)
        _write_optional_number(ws, r, col[layout.H_TARGET_SD], target_sd, locked_num)

        history = self.prior.get(kode, {})
        quarter_values: list[float] = []
        anggaran_lalu: list[float] = []
        for t in range(1, p.tw):
            real, angg = history.get(t, (math.nan, math.nan))
            _write_optional_number(ws, r, col[layout.h_realisasi_tw(t)], _num(real), locked_num)
            if not math.isnan(real):
                quarter_values.append(real)
            if not math.isnan(angg):
                anggaran_lalu.append(angg)

        excel_row = str(r + 1)
        ws.write_blank(r, col[layout.H_REALISASI], None, f["input_num"])
        sd_value = _realisasi_sd(agregasi, quarter_values, current=None)
        ws.write_formula(r, col[layout.H_REALISASI_SD], excel_row.join(self._sd_parts), f["calc_num"],
                         "" if sd_value is None else sd_value)
        cap = _capaian(sd_value, target_sd, polaritas, self.settings.aturan_negatif)
        ws.write_formula(r, col[layout.H_CAPAIAN], excel_row.join(self._capaian_parts), f["calc_pct"],
                         "" if cap is None else cap)
        if kode in self._money_elsewhere:
            # the uraian's pagu and realisasi anggaran are on its first row (domain §9: money counted once)
            for header in (layout.H_PAGU, layout.H_ANGGARAN) + ((layout.H_ANGGARAN_LALU,) if p.tw > 1 else ()):
                ws.write_blank(r, col[header], None, f["locked_rp"])
            input_text = f["input_text"]
            for c in self._text_input_cols:
                ws.write_blank(r, c, None, input_text)
            return (kode, target_tahunan, target_sd)
        _write_optional_number(ws, r, col[layout.H_PAGU], _num(row.pagu), f["locked_rp"])
        if p.tw > 1:
            _write_optional_number(
                ws, r, col[layout.H_ANGGARAN_LALU], sum(anggaran_lalu) if anggaran_lalu else None, f["locked_rp"]
            )
        ws.write_blank(r, col[layout.H_ANGGARAN], None, f["input_rp"])
        input_text = f["input_text"]
        for c in self._text_input_cols:
            ws.write_blank(r, c, None, input_text)
        return (kode, target_tahunan, target_sd)

    def _ref(self, header: str, r: int, absolute_col: bool = True) -> str:
        letter = layout.col_letter(self.col[header])
        return f"${letter}{r + 1}" if absolute_col else f"{letter}{r + 1}"

    def _sd_formula(self, r: int) -> str:
        """Realisasi s.d. TW by agregasi (domain §3), over earlier quarters and this one."""
        first_q = layout.h_realisasi_tw(1) if self.periode.tw > 1 else layout.H_REALISASI
        span = f"{self._ref(first_q, r)}:{self._ref(layout.H_REALISASI, r)}"
        cur = self._ref(layout.H_REALISASI, r)
        agr = self._ref(layout.H_AGREGASI, r)
        return (
            f'=IF(COUNT({span})=0,"",IF({agr}="Kumulatif",SUM({span}),'
            f'IF({agr}="Posisi Akhir",IF(ISNUMBER({cur}),{cur},""),AVERAGE({span}))))'
        )

    def _capaian_formula(self, r: int) -> str:
        """Capaian s.d. TW by polaritas (domain §4); blank when there is nothing to divide by."""
        sd = self._ref(layout.H_REALISASI_SD, r)
        t = self._ref(layout.H_TARGET_SD, r)
        pol = self._ref(layout.H_POLARITAS, r)
        if self.settings.aturan_negatif == "T/R":
            neg = f'IF({sd}=0,"",{t}/{sd}*100)'
        else:
            neg = f'IF({t}=0,"",(2*{t}-{sd})/{t}*100)'
        return f'=IF(NOT(ISNUMBER({sd})),"",IF({pol}="Positif",IF({t}=0,"",{sd}/{t}*100),{neg}))'

    def _checks(self, ws: Any, first: int, last: int) -> None:
        """Data validation on numeric inputs and conditional formatting (empty inputs, capaian bands)."""
        if last < first:
            return
        col = self.col
        for header, title in ((layout.H_REALISASI, "Realisasi"), (layout.H_ANGGARAN, "Realisasi Anggaran")):
            c = col[header]
            ws.data_validation(first, c, last, c, {
                "validate": "decimal",
                "criteria": ">=",
                "value": 0,
                "ignore_blank": True,
                "input_title": title[:32],
                "input_message": (
                    "Isi angka >= 0 tanpa pemisah ribuan (1250, bukan 1.250), tanpa satuan atau kata-kata. "
                    "Persen ditulis 0-100."
                    if header == layout.H_REALISASI
                    else "Isi rupiah yang dibelanjakan selama triwulan ini, angka >= 0."
                )[:255],
                "error_title": "Isian tidak valid",
                "error_message": "Nilai harus berupa angka 0 atau lebih. Penjelasan ditulis di kolom Keterangan.",
                "error_type": "stop",
            })
        rc = col[layout.H_REALISASI]
        ws.conditional_format(first, rc, last, rc, {"type": "blanks", "format": self.wb.add_format(
            {"bg_color": WARNA_KOSONG})})
        cc = col[layout.H_CAPAIAN]
        cap_ref = f"${layout.col_letter(cc)}{first + 1}"
        bands = self.settings.predikat_bands()
        uppers: list[float | None] = [None] + [lower for lower, _ in bands]
        for i, colour in enumerate(BAND_COLOURS):
            lower = bands[i][0] if i < len(bands) else None
            upper = uppers[i]
            conds = [f"ISNUMBER({cap_ref})"]
            if lower is not None:
                conds.append(f"{cap_ref}>={lower:g}")
            if upper is not None:
                conds.append(f"{cap_ref}<{upper:g}")
            ws.conditional_format(first, cc, last, cc, {
                "type": "formula",
                "criteria": "=AND(" + ",".join(conds) + ")",
                "format": self.wb.add_format({"bg_color": colour}),
            })

    def _signature(self, ws: Any, r: int, last_col: int) -> None:
        """Dated by the bidang when it signs (a blank date line), never pre-printed with a year."""
        f = self.fmt
        b = self.bidang
        place = self.settings.kantor.kota or "..............."
        # over the text columns only, so nothing in it reads back as data of an input or code column
        c0 = self.col[layout.H_PENDORONG]
        jabatan = b.get("jabatan") or default_jabatan(str(b["nama_bidang"]))
        ws.merge_range(r, c0, r, last_col, f"{place}, ..........................................", f["sign"])
        ws.merge_range(r + 1, c0, r + 1, last_col, jabatan, f["sign"])
        ws.write_string(r + 2, c0, f"Diperiksa oleh {jabatan} sebelum dikirim.", f["note"])
        ws.merge_range(r + 5, c0, r + 5, last_col, b.get("penanggung_jawab") or "(.............................)",
                       f["sign_bold"])
        ws.merge_range(r + 6, c0, r + 6, last_col, f"NIP. {nip_spaced(b.get('nip') or '') or '...................'}",
                       f["sign"])

    def _metadata(self, hashed: str) -> None:
        meta = {
            "jenis": layout.KIND_KERTAS_KERJA,
            "template_id": self.template_id,
            "schema_version": layout.SCHEMA_VERSION,
            "kode_bidang": str(self.bidang["kode_bidang"]),
            "periode": str(self.periode),
            "dibuat": self.now.isoformat(),
            "versi_alat": __version__,
            "indikator": "\n".join(str(k) for k in self.rows["kode_indikator"]),
            "hash_terkunci": hashed,
        }
        if self.form:
            # what the ledger issued and signed must be what this workbook shows
            assert self.form["hash_terkunci"] == hashed and self.form["kode_bidang"] == meta["kode_bidang"] \
                and self.form["periode"] == meta["periode"], "kertas kerja differs from the issued form"
            meta["sidik_kunci"] = self.form["sidik_kunci"]
            meta["tanda_tangan"] = self.form["tanda_tangan"]
        write_metadata(self.wb, meta, self.settings.kata_sandi)
        self.wb.set_properties({
            "title": f"Kertas Kerja {self.bidang['kode_bidang']} {self.periode}",
            "subject": "Pengumpulan data kinerja",
            "author": "kinerja-batch",
            "company": self.settings.kantor.nama,
            "comments": "Dibuat oleh kinerja-batch; jangan ubah lembar, kolom atau kode indikator.",
            "created": self.now,
        })


def accepted_count(rng: str) -> str:
    """A formula counting the cells of ``rng`` the run will accept as a realisasi (domain §5), not COUNTA: a
    number >= 0, or text that is a number once its separators, ``Rp`` and spaces are taken out (``75,5``,
    ``1.500``, ``Rp 2.000``, ``85%``). A word, ``-``, a negative number or an error cell is not filled. Every
    factor is an IS* test, so an error cell in the range never turns the counter into an error."""
    stripped = f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(UPPER({rng}),"RP",""),".",""),",","")," ","")'
    return (f'(COUNTIF({rng},">=0")+SUMPRODUCT(ISTEXT({rng})*ISNUMBER(-{stripped})'
            f'*(1-ISNUMBER(SEARCH("-",{rng})))))')


def _records(frame: pd.DataFrame) -> list[Any]:
    """The rows as named tuples, like ``itertuples(index=False)`` but from plain lists (one pass per column
    instead of pandas indexing per cell)."""
    import collections

    row = collections.namedtuple("Row", [str(c) for c in frame.columns], rename=True)  # type: ignore[misc]
    return list(map(row._make, zip(*(frame[c].tolist() for c in frame.columns), strict=True)))


_ROW_MARK = 987654321  # a row number no formula text can otherwise contain (Excel stops at 1048576)


def _cut_at_row(make: Callable[[int], str]) -> list[str]:
    """A row formula ``make(r)`` cut where its 1-based row number goes: ``str(r + 1).join(parts)`` is
    ``make(r)``, without building the references again for every row."""
    parts = make(_ROW_MARK - 1).split(str(_ROW_MARK))
    assert str(_ROW_MARK + 1).join(parts) == make(_ROW_MARK), "a formula's row must be its only number"
    return parts


@contextlib.contextmanager
def _formulas_as_written(ws: Any, *samples: str) -> Iterator[None]:
    """While the data rows are written: xlsxwriter's 30-odd regular expressions that prefix newer Excel
    functions (``_xlfn.``) are skipped, a quarter of the time spent on a kertas kerja. The row formulas
    use none of those functions; the shortcut is taken only when xlsxwriter itself leaves the given
    sample formulas unchanged (so a newer xlsxwriter that rewrites them still does), and only on this
    sheet for the duration of the block."""
    prepare = getattr(ws, "_prepare_formula", None)
    try:
        unchanged = prepare is not None and all(prepare(sample) == sample[1:] for sample in samples)
    except TypeError:  # another signature: leave xlsxwriter alone
        unchanged = False
    if not unchanged or getattr(ws, "use_future_functions", False):
        yield
        return

    def as_written(formula: str, *args: Any, **kwargs: Any) -> str:
        return formula[1:] if formula.startswith("=") else formula

    ws._prepare_formula = as_written
    try:
        yield
    finally:
        del ws._prepare_formula  # the instance attribute goes; the class's method is back


def _write_optional_number(ws: Any, r: int, c: int, value: float | None, fmt: Any) -> None:
    if value is None:
        ws.write_blank(r, c, None, fmt)
    else:
        ws.write_number(r, c, value, fmt)


def _realisasi_sd(agregasi: str, earlier: list[float], current: float | None) -> float | None:
    """The cached value of the Realisasi s.d. TW formula (same rule as measure.measure)."""
    values = [*earlier, *([current] if current is not None else [])]
    if not values:
        return None
    if agregasi == "Kumulatif":
        return float(sum(values))
    if agregasi == "Posisi Akhir":
        return current
    return float(sum(values) / len(values))


def _capaian(sd: float | None, target: float | None, polaritas: str, rule: str) -> float | None:
    from kinerja_batch.measure import capaian

    if sd is None or target is None:
        return None
    value = capaian(sd, target, polaritas, rule)
    return None if value is None or value != value else float(value)
