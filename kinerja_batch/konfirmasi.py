"""The confirmation workbook (issue 4): one per bidang with what needs its word (writers layer).

:func:`write_konfirmasi_workbooks` writes ``outbox/konfirmasi/<periode>/konfirmasi_<KODE>_<periode>.xlsx``
for every bidang with open temuan or galat: one row per open item, its ``ID Temuan`` (the ledger id),
and three input columns ``Tanggapan`` (``Benar``/``Perbaiki``), ``Nilai Koreksi``, ``Penjelasan``.
Its columns are the contract in :mod:`kinerja_batch.layout`; the answers are applied by
:mod:`kinerja_batch.answers`.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xlsxwriter

from kinerja_batch import __version__, layout, printing
from kinerja_batch import findings as F
from kinerja_batch.config import Workspace
from kinerja_batch.findings import KOLOM_ANGGARAN, KOLOM_REALISASI, finding_data, kolom_of
from kinerja_batch.layout import (
    BENAR,
    H_ID,
    H_INDIKATOR,
    H_JENIS_NILAI,
    H_KODE,
    H_KODE_TEMUAN,
    H_KOREKSI,
    H_NILAI,
    H_PENJELASAN,
    H_PESAN,
    H_TANGGAPAN,
    PERBAIKI,
    TIDAK_VALID,
)
from kinerja_batch.layout import (
    KONFIRMASI_COL as COL,
)
from kinerja_batch.layout import (
    KONFIRMASI_COLUMNS as COLUMNS,
)
from kinerja_batch.periode import Periode, format_tanggal, format_waktu
from kinerja_batch.portable import replace_or_beside
from kinerja_batch.xlsxcheck import checked
from kinerja_batch.xlsxstyle import WARNA_HEADER, WARNA_INPUT, WARNA_KOSONG, WARNA_TERKUNCI, write_metadata

if TYPE_CHECKING:
    from kinerja_batch.model import PeriodData

_WIDTH = {c.header: c.width for c in COLUMNS}


def _jenis_nilai(kolom: str, periode: Periode) -> str:
    if kolom == KOLOM_REALISASI:
        return f"Realisasi TW {periode.tw_romawi}"
    if kolom == KOLOM_ANGGARAN:
        return f"Realisasi Anggaran TW {periode.tw_romawi} (Rp)"
    return "-"


# ------------------------------------------------------------------------------------------------
# writing


def write_konfirmasi_workbooks(ws: Workspace, data: PeriodData, *, dry_run: bool = False,
                               only: set[str] | None = None) -> list[str]:
    """Write the confirmation workbook of every bidang with open temuan or galat in the period; remove
    those of bidang that have none left. Returns the workspace-relative paths (written, or to be written
    with ``dry_run``). With ``only``, the workbook of a bidang not in it is written only when missing
    (its contents did not change)."""
    open_items: dict[str, list[dict[str, Any]]] = {}
    for f in data.findings:  # master order
        if f["status"] == F.TERBUKA:
            open_items.setdefault(f["kode_bidang"], []).append(f)
    now = dt.datetime.now().replace(microsecond=0)
    written: list[Path] = []
    lookups = None
    plan = [(kode, open_items[kode]) for kode in data.master.bidang_codes() if open_items.get(kode)]
    forms = {} if dry_run else issue_konfirmasi(ws, data.periode, plan)
    for kode, items in plan:
        path = ws.konfirmasi_path(kode, data.periode)
        # a workbook that went beside its held-open name last time is written to its own name again
        if not dry_run and (only is None or kode in only or not path.exists() or written_beside(path)):
            lookups = lookups or _Lookups.of(data)  # once for all bidang, not once per workbook
            write_konfirmasi(path, data, kode, items, now=now, lookups=lookups, form=forms[kode])
        written.append(path)
    if not dry_run:
        _remove_stale(ws.outbox / "konfirmasi" / str(data.periode), data.periode, written)
    return [str(p.relative_to(ws.root)) for p in written]


def locked_rows(items: Sequence[Mapping[str, Any]]) -> list[tuple[str, str, str]]:
    """What the locked-content hash of a confirmation workbook covers: (ID Temuan, Kode Indikator, Kode Temuan)
    of each row, in order."""
    return [(str(int(item["id"])), str(item["kode_indikator"] or ""), str(item["kode"])) for item in items]


def locked_hash(rows: list[tuple[str, str, str]]) -> str:
    return layout.konfirmasi_locked_hash(rows)


def issue_konfirmasi(ws: Workspace, periode: Periode, plan: list[tuple[str, list[dict[str, Any]]]]
                     ) -> dict[str, dict[str, str]]:
    """Give every confirmation workbook about to be written its id, record them in the ledger (one transaction,
    before the files exist) and sign them: {kode_bidang: signed metadata}."""
    from kinerja_batch import tanda_tangan

    issued = [tanda_tangan.Issued(
        id=uuid.uuid4().hex, jenis=layout.KIND_KONFIRMASI, kode_bidang=kode, periode=str(periode),
        hash_terkunci=locked_hash(locked_rows(items)),
        berkas=str(ws.konfirmasi_path(kode, periode).relative_to(ws.root))) for kode, items in plan]
    key = tanda_tangan.issue(ws.ledger_path, ws.state_dir, issued)
    return {f.kode_bidang: tanda_tangan.signed_meta(key, {
        "jenis": f.jenis, "template_id": f.id, "kode_bidang": f.kode_bidang, "periode": f.periode,
        "hash_terkunci": f.hash_terkunci}) for f in issued}


def _remove_stale(folder: Path, periode: Periode, keep: list[Path]) -> None:
    """Confirmation workbooks are outputs: one of a bidang with nothing open any more is removed."""
    if not folder.is_dir():
        return
    kept = {p.name for p in keep}
    for p in folder.glob(f"konfirmasi_*_{periode}.xlsx"):
        if p.name not in kept:
            p.unlink(missing_ok=True)


@dataclass(frozen=True)
class _Lookups:
    """What the rows show of an indicator, from the period's measures: its name and its anggaran cell."""

    names: dict[str, str]
    sel_anggaran: dict[str, Any]

    @classmethod
    def of(cls, data: PeriodData) -> _Lookups:
        m = data.measures
        codes = m["kode_indikator"].tolist()
        return cls(dict(zip(codes, m["indikator_kinerja"].tolist(), strict=True)),
                   dict(zip(codes, m["sel_anggaran"].tolist(), strict=True)))


def write_konfirmasi(path: Path, data: PeriodData, kode_bidang: str, items: list[dict[str, Any]], *,
                     now: dt.datetime | None = None, lookups: _Lookups | None = None,
                     form: Mapping[str, str] | None = None) -> Path:
    """Write one bidang's confirmation workbook atomically (temp file + replace).

    ``form`` is the signed identity the ledger issued (:func:`issue_konfirmasi`); without it the workbook gets a
    fresh id and no signature (its answers are then held until the officer accepts them)."""
    now = now or dt.datetime.now().replace(microsecond=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp_konfirmasi_", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        # in_memory: the parts are zipped from memory instead of one temporary file per part
        wb = xlsxwriter.Workbook(tmp, {**printing.WORKBOOK_OPTIONS, "strings_to_formulas": False, "strings_to_urls": False,
                                       "strings_to_numbers": False, "in_memory": True})
        _Writer(wb, data, kode_bidang, items, now, lookups or _Lookups.of(data), form).write()
        wb.close()
        # open in Excel on Windows: the new workbook goes beside it, "(baru)" (see written_beside)
        written = replace_or_beside(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return written


def written_beside(path: Path) -> Path | None:
    """The newest ``<name> (baru…).xlsx`` beside ``path``: where the last write went because ``path`` was held
    open by another program (a successful write to ``path`` removes these), or None."""
    found = sorted(path.parent.glob(f"{glob.escape(path.stem)} (baru*){glob.escape(path.suffix)}"),
                   key=lambda p: p.stat().st_mtime_ns)
    return found[-1] if found else None


def instructions() -> list[str]:
    """The numbered instructions on top of the sheet."""
    return [
        "Untuk setiap baris pilih Tanggapan di kolom kuning: \"Benar\" bila data sudah benar, lalu tulis "
        "alasannya di kolom Penjelasan (wajib); atau \"Perbaiki\" bila data salah, lalu tulis nilai yang benar "
        "di kolom Nilai Koreksi (Penjelasan boleh diisi).",
        "Nilai Koreksi diisi angka saja, tanpa pemisah ribuan (misalnya 75,5 atau 1250000), untuk nilai yang disebut di kolom "
        "Jenis Nilai: realisasi TRIWULAN INI (indikator Kumulatif: hasil selama triwulan ini saja, bukan "
        "s.d. triwulan ini), atau realisasi anggaran triwulan ini dalam rupiah. Persen ditulis 0-100.",
        "Baris galat (misalnya BUKAN_ANGKA) berisi nilai yang tidak dapat dipakai: jawab \"Perbaiki\" dengan "
        "Nilai Koreksi. Temuan untuk seluruh berkas (tanpa Kode Indikator) dijawab \"Benar\" dengan "
        "penjelasan, atau kirim kertas kerja yang sudah diperbaiki.",
        "Peringatan tentang cara sel dibaca: ANGKA_AMBIGU (misalnya \"1.500\" dibaca seribu lima ratus) dijawab "
        "\"Benar\" bila bacaan itu benar (Penjelasan boleh kosong), atau \"Perbaiki\" dengan Nilai Koreksi "
        "yang dimaksud, ditulis tanpa pemisah ribuan (1500 atau 1,5).",
        "TARGET_DIUBAH: target di kertas kerja diubah, padahal yang dipakai tetap target master. \"Benar\" = "
        "Anda menerima target master yang dipakai (Penjelasan boleh kosong). \"Perbaiki\" = Anda berpendapat "
        "target master perlu diubah: tulis alasannya di Penjelasan (wajib) dan, bila ada, target usulan di "
        "Nilai Koreksi; usulan diteruskan ke Subbag Perencanaan, nilai target tidak berubah sampai master "
        "diperbarui.",
        "Baris TANGGAPAN_TIDAK_VALID menjelaskan mengapa tanggapan sebelumnya tidak dapat diproses dan menunjuk "
        "sel di lembar ini tempat menjawab lagi; jawab pada baris temuan yang dimaksud. Jawaban dibaca dari "
        "kolom Tanggapan: baris yang Tanggapannya kosong dianggap belum dijawab dan akan muncul lagi.",
        "Jangan mengubah kolom abu-abu, nama lembar, atau urutan kolom. Simpan sebagai .xlsx, lalu kirim "
        "kembali ke Subbag Perencanaan; jawaban diproses otomatis pada pemrosesan berikutnya (tiap malam).",
    ]


WHAT = "Lembar konfirmasi"


class _Writer:
    """Lays out one confirmation workbook."""

    def __init__(self, wb: xlsxwriter.Workbook, data: PeriodData, kode_bidang: str,
                 items: list[dict[str, Any]], now: dt.datetime, lookups: _Lookups,
                 form: Mapping[str, str] | None = None) -> None:
        self.form = form
        self.wb = wb
        self.data = data
        self.settings = data.settings
        self.kode = kode_bidang
        self.items = items
        self.now = now
        self.bidang = data.master.bidang_info(kode_bidang)
        self.names = lookups.names
        self.sel_anggaran = lookups.sel_anggaran
        add = wb.add_format
        base = {"font_name": "Arial", "font_size": 9, "valign": "top", "border": 1, "border_color": "#A6A6A6"}
        self.f = {
            "title": add({"bold": True, "font_size": 13, "font_name": "Arial"}),
            "subtitle": add({"bold": True, "font_size": 10, "font_name": "Arial"}),
            "plain": add({"font_size": 9, "font_name": "Arial", "valign": "top"}),
            "wrap": add({"font_size": 9, "font_name": "Arial", "valign": "top", "text_wrap": True}),
            "header": add({**base, "bold": True, "bg_color": WARNA_HEADER, "font_color": "#FFFFFF", "text_wrap": True,
                           "align": "center", "valign": "vcenter"}),
            "header_input": add({**base, "bold": True, "bg_color": "#BF8F00", "font_color": "#FFFFFF",
                                 "text_wrap": True, "align": "center", "valign": "vcenter"}),
            "locked": add({**base, "bg_color": WARNA_TERKUNCI, "locked": True, "text_wrap": True}),
            "locked_id": add({**base, "bg_color": WARNA_TERKUNCI, "locked": True, "align": "center"}),
            "input_text": add({**base, "bg_color": WARNA_INPUT, "locked": False, "text_wrap": True,
                               "num_format": "@"}),
            "input_choice": add({**base, "bg_color": WARNA_INPUT, "locked": False}),
            "input_num": add({**base, "bg_color": WARNA_INPUT, "locked": False, "num_format": "General"}),
        }

    def write(self) -> None:
        ws = self.wb.add_worksheet(layout.SHEET_KONFIRMASI)
        ws.activate()
        header_row = self._top(ws)
        first = header_row + 1
        self.row_of = {int(item["id"]): r for r, item in enumerate(self.items, start=first)}
        for r, item in enumerate(self.items, start=first):
            self._row(ws, r, item)
        last = first + len(self.items) - 1
        self._checks(ws, first, last)
        ws.freeze_panes(first, COL[H_INDIKATOR])
        ws.protect(self.settings.kata_sandi, {"select_locked_cells": True, "select_unlocked_cells": True,
                                              "format_columns": True, "format_rows": True})
        printing.page_setup(
            ws, paper=self.settings.kertas, landscape=True, last_col=len(COLUMNS) - 1, last_row=last,
            repeat_rows=(header_row, header_row), key_cols=(0, COL[H_INDIKATOR]),
            header=printing.header_text(f"Konfirmasi {self.kode} {self.data.periode}", right=self.settings.kantor.nama),
            footer=printing.header_text(f"Dibuat {format_waktu(self.now)}", right="Halaman &P dari &N"))
        hashed = locked_hash(locked_rows(self.items))
        meta = {
            "jenis": layout.KIND_KONFIRMASI,
            "template_id": self.form["template_id"] if self.form else uuid.uuid4().hex,
            "schema_version": layout.SCHEMA_VERSION,
            "kode_bidang": self.kode,
            "periode": str(self.data.periode),
            "dibuat": self.now.isoformat(),
            "versi_alat": __version__,
            "hash_terkunci": hashed,
        }
        if self.form:
            assert self.form["hash_terkunci"] == hashed and self.form["kode_bidang"] == self.kode, \
                "confirmation workbook differs from the issued form"
            meta["sidik_kunci"] = self.form["sidik_kunci"]
            meta["tanda_tangan"] = self.form["tanda_tangan"]
        write_metadata(self.wb, meta, self.settings.kata_sandi)
        self.wb.set_properties({
            "title": f"Konfirmasi {self.kode} {self.data.periode}",
            "subject": "Konfirmasi data kinerja",
            "author": "kinerja-batch",
            "company": self.settings.kantor.nama,
            "created": self.now,
        })

    def _top(self, ws: Any) -> int:
        """Title block and instructions; returns the 0-based header row."""
        f = self.f
        for i, c in enumerate(COLUMNS):
            ws.set_column(i, i, c.width)
        p = self.data.periode
        ws.write_string(0, 0, "LEMBAR KONFIRMASI DATA KINERJA", f["title"])
        ws.write_string(1, 0, self.settings.kantor.nama, f["subtitle"])
        ws.write_string(2, 0, f"Bidang: {self.bidang['nama_bidang']} ({self.kode})", f["subtitle"])
        ws.write_string(3, 0, f"Periode: {p.label}", f["subtitle"])
        ws.write_string(4, 0, f"Dibuat {format_tanggal(self.now.date())}: {len(self.items)} temuan/galat perlu "
                              "ditanggapi.", f["plain"])
        ws.write_string(5, 0, "Cara mengisi:", f["subtitle"])
        r = 6
        # the instructions wrap within the columns of the first printed page (the sheet prints in bands)
        upto = COL[H_PESAN]
        span = sum(c.width for c in COLUMNS[:upto + 1])
        for i, text in enumerate(instructions(), 1):
            line = f"{i}. {text}"
            ws.set_row(r, layout.wrapped_height([(line, span)]))
            ws.merge_range(r, 0, r, upto, "", f["wrap"])
            ws.write_string(r, 0, line, f["wrap"])
            r += 1
        header_row = r + 1
        ws.set_row(header_row, 30)
        for i, c in enumerate(COLUMNS):
            ws.write_string(header_row, i, c.header, f["header_input" if c.input else "header"])
        return header_row

    def _row(self, ws: Any, r: int, item: dict[str, Any]) -> None:
        f = self.f
        kode = item["kode_indikator"] or ""
        name = self.names.get(kode, "") if kode else "(seluruh kertas kerja)"
        kolom = kolom_of(item, self.sel_anggaran.get(kode))
        pesan = item["pesan"]
        if item["kode"] == TIDAK_VALID:
            target = finding_data(item).get("temuan_id")
            name = name or "-"
            kolom = str(finding_data(item).get("kolom", "")) if target else ""
            pesan = self._notice(item)
        elif item["kode"] == "TARGET_DIUBAH":
            kolom = ""
        ws.set_row(r, layout.wrapped_height([(pesan, _WIDTH[H_PESAN]), (name, _WIDTH[H_INDIKATOR])]))
        checked(ws.write_number(r, COL[H_ID], int(item["id"]), f["locked_id"]), WHAT, ws, r, COL[H_ID])
        checked(ws.write_string(r, COL[H_KODE], kode, f["locked"]), WHAT, ws, r, COL[H_KODE])
        checked(ws.write_string(r, COL[H_INDIKATOR], name, f["locked"]), WHAT, ws, r, COL[H_INDIKATOR])
        # a missing row has no value (its finding's value names the indicator)
        shown = "" if item["kode"] == "BARIS_HILANG" else str(item["nilai"] or "")
        checked(ws.write_string(r, COL[H_NILAI], shown, f["locked"]), WHAT, ws, r, COL[H_NILAI])
        jenis = "Target (usulan, bila Perbaiki)" if item["kode"] == "TARGET_DIUBAH" else \
            _jenis_nilai(kolom, self.data.periode)
        checked(ws.write_string(r, COL[H_JENIS_NILAI], jenis, f["locked"]), WHAT, ws, r, COL[H_JENIS_NILAI])
        checked(ws.write_string(r, COL[H_KODE_TEMUAN], item["kode"], f["locked"]), WHAT, ws, r, COL[H_KODE_TEMUAN])
        checked(ws.write_string(r, COL[H_PESAN], pesan, f["locked"]), WHAT, ws, r, COL[H_PESAN])
        ws.write_blank(r, COL[H_TANGGAPAN], None, f["input_choice"])
        ws.write_blank(r, COL[H_KOREKSI], None, f["input_num"])
        ws.write_blank(r, COL[H_PENJELASAN], None, f["input_text"])

    def _notice(self, item: dict[str, Any]) -> str:
        """A TANGGAPAN_TIDAK_VALID as this workbook shows it: what was wrong in the returned file, and the
        cell of THIS workbook where the finding is answered again (the ledger keeps the old file's cell)."""
        data = finding_data(item)
        detail = str(data.get("detail") or item["pesan"])
        where = f"berkas '{item['berkas']}', {F.quote_sheet(item['lembar'])}!{item['sel']}" if item["sel"] else \
            f"berkas '{item['berkas']}'"
        target = data.get("temuan_id")
        row = None if target is None else self.row_of.get(int(target))
        if row is None or target is None:
            again = "Baris yang dimaksud tidak ada di lembar ini (temuannya sudah ditutup atau ID-nya salah)."
        else:
            header = str(data.get("kolom_jawaban") or H_TANGGAPAN)
            cell = layout.cell_ref(row, COL.get(header, COL[H_TANGGAPAN]))
            again = (f"Jawab lagi di {F.quote_sheet(layout.SHEET_KONFIRMASI)}!{cell} lembar ini (baris ID Temuan "
                     f"{int(target)}); isi Tanggapan 'Benar' dengan penjelasan, atau 'Perbaiki' dengan Nilai "
                     "Koreksi berupa angka.")
        about = f" untuk indikator {item['kode_indikator']}" if item["kode_indikator"] else ""
        return f"Tanggapan sebelumnya{about} ({where}) tidak dapat diproses: {detail}. {again}"

    def _checks(self, ws: Any, first: int, last: int) -> None:
        if last < first:
            return
        c = COL[H_TANGGAPAN]
        ws.data_validation(first, c, last, c, {
            "validate": "list",
            "source": [BENAR, PERBAIKI],
            "input_title": "Tanggapan",
            "input_message": "Benar: data sudah benar (isi Penjelasan). Perbaiki: isi Nilai Koreksi.",
            "error_title": "Tanggapan tidak valid",
            "error_message": "Pilih Benar atau Perbaiki dari daftar.",
            "error_type": "stop",
        })
        ws.conditional_format(first, c, last, c, {"type": "blanks", "format": self.wb.add_format(
            {"bg_color": WARNA_KOSONG})})
        c = COL[H_KOREKSI]
        ws.data_validation(first, c, last, c, {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "ignore_blank": True,
            "input_title": "Nilai Koreksi",
            "input_message": "Angka >= 0 untuk nilai di kolom Jenis Nilai (triwulan ini). Persen ditulis 0-100.",
            "error_title": "Nilai tidak valid",
            "error_message": "Nilai Koreksi harus berupa angka 0 atau lebih.",
            "error_type": "stop",
        })
