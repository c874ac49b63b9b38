"""The confirmation loop (issue 4): a workbook per bidang with what needs its word, and its answers back.

:func:`write_konfirmasi_workbooks` writes ``outbox/konfirmasi/<periode>/konfirmasi_<KODE>_<periode>.xlsx``
for every bidang with open temuan or galat: one row per open item, its ``ID Temuan`` (the ledger id),
and three input columns ``Tanggapan`` (``Benar``/``Perbaiki``), ``Nilai Koreksi``, ``Penjelasan``.

:func:`apply_answers` takes such a workbook back from the inbox (batch.py calls it inside the file's
ledger transaction): ``Benar`` with an explanation confirms (``Dikonfirmasi``); ``Perbaiki`` with a
number replaces the value in the ledger, with an audit row (``Dikoreksi``); anything else that cannot
be applied keeps the finding open and becomes a ``TANGGAPAN_TIDAK_VALID`` galat at that cell, linked
to the finding (``data.temuan_id``), so that it shows in the next confirmation workbook. The notices of
an earlier answer file are closed by the next one: the newest answers are what counts.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xlsxwriter

from kinerja_batch import __version__, layout
from kinerja_batch import findings as F
from kinerja_batch.config import Settings, Workspace
from kinerja_batch.numbers import format_angka_ringkas, parse_number
from kinerja_batch.periode import Periode, format_tanggal
from kinerja_batch.temuan import KOLOM_ANGGARAN, KOLOM_REALISASI, close_orphan_notices, finding_data
from kinerja_batch.validate import kode_text
from kinerja_batch.xlsxcheck import checked
from kinerja_batch.xlsxstyle import WARNA_HEADER, WARNA_INPUT, WARNA_KOSONG, WARNA_TERKUNCI, write_metadata
from kinerja_batch.xlsxstyle import esc as _esc

if TYPE_CHECKING:
    from kinerja_batch.ingest import RawWorkbook
    from kinerja_batch.ledger import Ledger
    from kinerja_batch.master import Master
    from kinerja_batch.model import PeriodData
    from kinerja_batch.validate import Identity

H_ID = "ID Temuan"
H_KODE = layout.H_KODE
H_INDIKATOR = layout.H_INDIKATOR
H_NILAI = "Nilai"
H_JENIS_NILAI = "Jenis Nilai"
H_KODE_TEMUAN = "Kode Temuan"
H_PESAN = "Pesan"
H_TANGGAPAN = "Tanggapan"
H_KOREKSI = "Nilai Koreksi"
H_PENJELASAN = "Penjelasan"

BENAR = "Benar"
PERBAIKI = "Perbaiki"
TIDAK_VALID = "TANGGAPAN_TIDAK_VALID"

# galat a number cannot fix: the text was too long, the code is not the bidang's
_NOT_BY_NUMBER = {"TEKS_TERLALU_PANJANG", "KODE_TIDAK_DIKENAL"}


@dataclass(frozen=True)
class _Col:
    header: str
    width: float
    input: bool = False


COLUMNS = (
    _Col(H_ID, 8),
    _Col(H_KODE, 14),
    _Col(H_INDIKATOR, 30),
    _Col(H_NILAI, 13),
    _Col(H_JENIS_NILAI, 14),
    _Col(H_KODE_TEMUAN, 20),
    _Col(H_PESAN, 52),
    _Col(H_TANGGAPAN, 11, True),
    _Col(H_KOREKSI, 13, True),
    _Col(H_PENJELASAN, 34, True),
)
COL = {c.header: i for i, c in enumerate(COLUMNS)}
_WIDTH = {c.header: c.width for c in COLUMNS}


def kolom_of(finding: Mapping[str, Any], sel_anggaran: str | None) -> str:
    """Which value a ``Perbaiki`` answer replaces: ``realisasi``, ``anggaran``, or '' (none: a whole-file
    temuan, a text or code galat)."""
    data = finding_data(finding)
    if "kolom" in data:
        return str(data["kolom"])
    if finding["kode"] in _NOT_BY_NUMBER or not finding["kode_indikator"]:
        return ""
    if finding["sel"] and sel_anggaran and finding["sel"] == sel_anggaran:
        return KOLOM_ANGGARAN
    return KOLOM_REALISASI


def _jenis_nilai(kolom: str, periode: Periode) -> str:
    if kolom == KOLOM_REALISASI:
        return f"Realisasi TW {periode.tw_romawi}"
    if kolom == KOLOM_ANGGARAN:
        return f"Realisasi Anggaran TW {periode.tw_romawi} (Rp)"
    return "-"


# ------------------------------------------------------------------------------------------------
# writing


def write_konfirmasi_workbooks(ws: Workspace, data: PeriodData, *, dry_run: bool = False) -> list[str]:
    """Write the confirmation workbook of every bidang with open temuan or galat in the period; remove
    those of bidang that have none left. Returns the workspace-relative paths (written, or to be written
    with ``dry_run``)."""
    open_items: dict[str, list[dict[str, Any]]] = {}
    for f in data.findings:  # master order
        if f["status"] == F.TERBUKA:
            open_items.setdefault(f["kode_bidang"], []).append(f)
    now = dt.datetime.now().replace(microsecond=0)
    written: list[Path] = []
    lookups = None
    for kode in data.master.bidang_codes():
        items = open_items.get(kode)
        if not items:
            continue
        path = ws.konfirmasi_path(kode, data.periode)
        if not dry_run:
            lookups = lookups or _Lookups.of(data)  # once for all bidang, not once per workbook
            write_konfirmasi(path, data, kode, items, now=now, lookups=lookups)
        written.append(path)
    if not dry_run:
        _remove_stale(ws.outbox / "konfirmasi" / str(data.periode), data.periode, written)
    return [str(p.relative_to(ws.root)) for p in written]


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
                     now: dt.datetime | None = None, lookups: _Lookups | None = None) -> Path:
    """Write one bidang's confirmation workbook atomically (temp file + replace)."""
    now = now or dt.datetime.now().replace(microsecond=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp_konfirmasi_", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        # in_memory: the parts are zipped from memory instead of one temporary file per part
        wb = xlsxwriter.Workbook(tmp, {"strings_to_formulas": False, "strings_to_urls": False,
                                       "strings_to_numbers": False, "in_memory": True})
        _Writer(wb, data, kode_bidang, items, now, lookups or _Lookups.of(data)).write()
        wb.close()
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def instructions() -> list[str]:
    """The numbered instructions on top of the sheet."""
    return [
        "Untuk setiap baris pilih Tanggapan di kolom kuning: \"Benar\" bila data sudah benar, lalu tulis "
        "alasannya di kolom Penjelasan (wajib); atau \"Perbaiki\" bila data salah, lalu tulis nilai yang benar "
        "di kolom Nilai Koreksi (Penjelasan boleh diisi).",
        "Nilai Koreksi diisi angka saja (misalnya 75,5 atau 1.250.000) untuk nilai yang disebut di kolom "
        "Jenis Nilai: realisasi TRIWULAN INI (indikator Kumulatif: hasil selama triwulan ini saja, bukan "
        "s.d. triwulan ini), atau realisasi anggaran triwulan ini dalam rupiah. Persen ditulis 0-100.",
        "Baris galat (misalnya BUKAN_ANGKA) berisi nilai yang tidak dapat dipakai: jawab \"Perbaiki\" dengan "
        "Nilai Koreksi. Temuan untuk seluruh berkas (tanpa Kode Indikator) dijawab \"Benar\" dengan "
        "penjelasan, atau kirim kertas kerja yang sudah diperbaiki.",
        "Baris TANGGAPAN_TIDAK_VALID menjelaskan mengapa tanggapan sebelumnya tidak dapat diproses; jawab "
        "pada baris temuan yang dimaksud. Baris yang Tanggapannya kosong dianggap belum dijawab dan akan "
        "muncul lagi.",
        "Jangan mengubah kolom abu-abu, nama lembar, atau urutan kolom. Simpan sebagai .xlsx, lalu kirim "
        "kembali ke Subbag Perencanaan; jawaban diproses otomatis pada run berikutnya.",
    ]


WHAT = "Lembar konfirmasi"


class _Writer:
    """Lays out one confirmation workbook."""

    def __init__(self, wb: xlsxwriter.Workbook, data: PeriodData, kode_bidang: str,
                 items: list[dict[str, Any]], now: dt.datetime, lookups: _Lookups) -> None:
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
        for r, item in enumerate(self.items, start=first):
            self._row(ws, r, item)
        last = first + len(self.items) - 1
        self._checks(ws, first, last)
        ws.freeze_panes(first, COL[H_INDIKATOR])
        ws.protect(self.settings.kata_sandi, {"select_locked_cells": True, "select_unlocked_cells": True,
                                              "format_columns": True, "format_rows": True})
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(header_row)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_header("&L&8" + _esc(f"Konfirmasi {self.kode} {self.data.periode}") + "&R&8"
                      + _esc(self.settings.kantor.nama))
        ws.set_footer("&L&8Dicetak &D&R&8Halaman &P dari &N")
        ws.print_area(0, 0, last, len(COLUMNS) - 1)
        write_metadata(self.wb, {
            "jenis": layout.KIND_KONFIRMASI,
            "template_id": uuid.uuid4().hex,
            "schema_version": layout.SCHEMA_VERSION,
            "kode_bidang": self.kode,
            "periode": str(self.data.periode),
            "dibuat": self.now.isoformat(),
            "versi_alat": __version__,
        }, self.settings.kata_sandi)
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
        total = sum(c.width for c in COLUMNS)
        last_col = len(COLUMNS) - 1
        p = self.data.periode
        ws.write_string(0, 0, "LEMBAR KONFIRMASI DATA KINERJA", f["title"])
        ws.write_string(1, 0, self.settings.kantor.nama, f["subtitle"])
        ws.write_string(2, 0, f"Bidang: {self.bidang['nama_bidang']} ({self.kode})", f["subtitle"])
        ws.write_string(3, 0, f"Periode: {p.label}", f["subtitle"])
        ws.write_string(4, 0, f"Dibuat {format_tanggal(self.now.date())}: {len(self.items)} temuan/galat perlu "
                              "ditanggapi.", f["plain"])
        ws.write_string(5, 0, "Cara mengisi:", f["subtitle"])
        r = 6
        for i, text in enumerate(instructions(), 1):
            line = f"{i}. {text}"
            ws.set_row(r, layout.wrapped_height([(line, total)]))
            ws.merge_range(r, 0, r, last_col, "", f["wrap"])
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
        if item["kode"] == TIDAK_VALID:
            target = finding_data(item).get("temuan_id")
            name = name or "-"
            kolom = str(finding_data(item).get("kolom", "")) if target else ""
        ws.set_row(r, layout.wrapped_height([(item["pesan"], _WIDTH[H_PESAN]), (name, _WIDTH[H_INDIKATOR])]))
        checked(ws.write_number(r, COL[H_ID], int(item["id"]), f["locked_id"]), WHAT, ws, r, COL[H_ID])
        checked(ws.write_string(r, COL[H_KODE], kode, f["locked"]), WHAT, ws, r, COL[H_KODE])
        checked(ws.write_string(r, COL[H_INDIKATOR], name, f["locked"]), WHAT, ws, r, COL[H_INDIKATOR])
        # a missing row has no value (its finding's value names the indicator)
        shown = "" if item["kode"] == "BARIS_HILANG" else str(item["nilai"] or "")
        checked(ws.write_string(r, COL[H_NILAI], shown, f["locked"]), WHAT, ws, r, COL[H_NILAI])
        checked(ws.write_string(r, COL[H_JENIS_NILAI], _jenis_nilai(kolom, self.data.periode), f["locked"]), WHAT, ws, r, COL[H_JENIS_NILAI])
        checked(ws.write_string(r, COL[H_KODE_TEMUAN], item["kode"], f["locked"]), WHAT, ws, r, COL[H_KODE_TEMUAN])
        checked(ws.write_string(r, COL[H_PESAN], item["pesan"], f["locked"]), WHAT, ws, r, COL[H_PESAN])
        ws.write_blank(r, COL[H_TANGGAPAN], None, f["input_choice"])
        ws.write_blank(r, COL[H_KOREKSI], None, f["input_num"])
        ws.write_blank(r, COL[H_PENJELASAN], None, f["input_text"])

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



# ------------------------------------------------------------------------------------------------
# applying the answers


@dataclass
class ApplySummary:
    """What one answered confirmation workbook did."""

    kode_bidang: str
    periode: str
    dikonfirmasi: int = 0
    dikoreksi: int = 0
    n_invalid: int = 0
    diabaikan: int = 0  # answers to findings that are closed or no longer exist
    belum_dijawab: int = 0
    catatan: list[str] = field(default_factory=list)

    def text(self) -> str:
        """One Indonesian line for the run summary."""
        head = (f"{self.dikonfirmasi} dikonfirmasi, {self.dikoreksi} dikoreksi, {self.n_invalid} tanggapan tidak "
                f"valid, {self.diabaikan} diabaikan, {self.belum_dijawab} belum dijawab")
        return head + (". Catatan: " + "; ".join(self.catatan) if self.catatan else "")


def _text(v: Any) -> str:
    """A cell as text: numbers the Indonesian way, surrounding space removed."""
    if v is None:
        return ""
    if isinstance(v, float):
        return format_angka_ringkas(v)
    return str(v).strip()


def _as_id(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer() and v > 0:
        return int(v)
    text = _text(v)
    return int(text) if text.isdigit() else None


def _choice(text: str) -> str | None:
    word = text.strip().rstrip(".!").casefold()
    return {"benar": BENAR, "perbaiki": PERBAIKI}.get(word)


class _Apply:
    """Applies the rows of one confirmation workbook (one instance per file)."""

    def __init__(self, ledger: Ledger, master: Master, raw: RawWorkbook, identity: Identity, file: str,
                 file_id: int, run_id: int) -> None:
        self.ledger = ledger
        self.master = master
        self.raw = raw
        self.bidang = identity.kode_bidang
        self.periode = str(identity.periode)
        self.file = file
        self.file_id = file_id
        self.run_id = run_id
        subs = [s for s in ledger.current_submissions(self.periode) if s["kode_bidang"] == self.bidang]
        self.sub = subs[0] if subs else None
        self.indikator = set(master.indikator_of(self.bidang)["kode_indikator"])
        self.out = ApplySummary(self.bidang, self.periode)

    def cell(self, header: str, excel_row: int) -> str:
        c = self.raw.column(header)
        return layout.cell_ref(excel_row - 1, c) if c is not None else ""

    def place(self, header: str, excel_row: int) -> str:
        cell = self.cell(header, excel_row)
        return f"{F.quote_sheet(self.raw.sheet)}!{cell}" if cell else self.raw.sheet

    def invalid(self, header: str, excel_row: int, reason: str, value: Any, *, kode: str,
                target: Any = None, kolom: str = "") -> None:
        f = F.make(TIDAK_VALID, bidang=self.bidang, file=self.file, sheet=self.raw.sheet,
                   cell=self.cell(header, excel_row), value=_text(value), kode_indikator=kode or "",
                   periode=self.periode, detail=reason, temuan_id=None if target is None else int(target["id"]),
                   kolom=kolom)
        self.ledger.record_finding(self.run_id, f, file_id=self.file_id,
                                   submission_id=None if self.sub is None else int(self.sub["id"]))
        self.out.n_invalid += 1

    def note(self, text: str) -> None:
        self.out.diabaikan += 1
        self.out.catatan.append(text)

    # ------------------------------------------------------------------ one row
    def row(self, excel_row: int, values: list[Any]) -> None:
        raw = self.raw
        jawab = _text(raw.value(values, H_TANGGAPAN))
        koreksi = raw.value(values, H_KOREKSI)
        penjelasan = _text(raw.value(values, H_PENJELASAN))
        id_value = raw.value(values, H_ID)
        kode_row = kode_text(raw.value(values, H_KODE))
        if not jawab:
            if _as_id(id_value) is not None:
                self.out.belum_dijawab += 1
                if _text(koreksi) or penjelasan:
                    self.out.catatan.append(f"baris {excel_row}: Tanggapan kosong, dianggap belum dijawab")
            return
        tid = _as_id(id_value)
        if tid is None:
            self.invalid(H_ID, excel_row, f"ID Temuan '{_text(id_value) or '(kosong)'}' tidak dikenal", id_value,
                         kode=kode_row)
            return
        target = self.ledger.finding(tid)
        if target is None:
            self.invalid(H_ID, excel_row, f"ID Temuan {tid} tidak ada", tid, kode=kode_row)
            return
        if target["kode_bidang"] != self.bidang or target["periode"] != self.periode:
            self.invalid(H_ID, excel_row, f"ID Temuan {tid} bukan temuan bidang {self.bidang} periode "
                                          f"{self.periode}", tid, kode=kode_row)
            return
        if target["kode"] == TIDAK_VALID:  # an answer on the notice is an answer to the finding it is about
            linked = finding_data(target).get("temuan_id")
            target = None if linked is None else self.ledger.finding(int(linked))
            if target is None:
                self.note(f"ID {tid}: catatan tanggapan tidak valid sebelumnya sudah ditutup")
                return
            tid = int(target["id"])
        if kode_row and target["kode_indikator"] and kode_row != target["kode_indikator"]:
            self.invalid(H_KODE, excel_row, f"Kode Indikator '{kode_row}' tidak sesuai dengan ID Temuan {tid} "
                                            f"({target['kode_indikator']})", kode_row, kode=kode_row)
            return
        if target["status"] != F.TERBUKA:
            self.note(f"ID {tid} ({target['kode']} {target['kode_indikator']}) sudah berstatus {target['status']}")
            return
        if target["submission_id"] is not None and self.sub is not None and \
                int(target["submission_id"]) != int(self.sub["id"]):
            self.note(f"ID {tid} ({target['kode']} {target['kode_indikator']}) sudah tidak berlaku karena ada "
                      "kertas kerja yang lebih baru")
            return
        choice = _choice(jawab)
        kode = target["kode_indikator"]
        if choice is None:
            self.invalid(H_TANGGAPAN, excel_row, f"Tanggapan '{jawab}' bukan 'Benar' atau 'Perbaiki'", jawab,
                         kode=kode, target=target)
        elif choice == BENAR:
            if not penjelasan:
                self.invalid(H_PENJELASAN, excel_row, "Tanggapan 'Benar' harus disertai Penjelasan", jawab,
                             kode=kode, target=target)
                return
            self._explain(target, penjelasan, excel_row)
            self.ledger.update_finding(tid, status=F.DIKONFIRMASI, tanggapan=BENAR, penjelasan=penjelasan,
                                       data={**finding_data(target), "berkas_konfirmasi": self.file,
                                             "sel_konfirmasi": self.place(H_TANGGAPAN, excel_row)})
            self.out.dikonfirmasi += 1
        else:
            self._correct(target, koreksi, penjelasan, excel_row)

    def _nilai_row(self, kode: str) -> Any:
        return None if self.sub is None else self.ledger.nilai_of(int(self.sub["id"]), kode)

    def _explain(self, target: Any, penjelasan: str, excel_row: int) -> None:
        """The explanation of a low capaian is its Faktor Penghambat: filled in when the cell was empty."""
        if target["kode"] != "PENJELASAN_KOSONG":
            return
        row = self._nilai_row(target["kode_indikator"])
        if row is None or str(row["penghambat"]).strip():
            return
        self.ledger.update_nilai(row["id"], penghambat=penjelasan)
        self.ledger.record_audit(self.run_id, kode_indikator=target["kode_indikator"], kode_bidang=self.bidang,
                                 periode=self.periode, kolom="penghambat", lama="", baru=penjelasan,
                                 sumber_berkas=self.file, sel=self.place(H_PENJELASAN, excel_row),
                                 alasan=f"Konfirmasi {target['kode']} (ID {target['id']}): Faktor Penghambat "
                                        "dari Penjelasan")

    def _correct(self, target: Any, koreksi: Any, penjelasan: str, excel_row: int) -> None:
        kode = target["kode_indikator"]
        row = self._nilai_row(kode) if kode else None
        kolom = kolom_of(target, None if row is None else row["sel_anggaran"])

        def bad(reason: str, value: Any = koreksi) -> None:
            self.invalid(H_KOREKSI, excel_row, reason, value, kode=kode, target=target, kolom=kolom)

        if not kolom:
            if not kode:
                bad("temuan untuk seluruh kertas kerja tidak dapat diperbaiki dengan satu nilai; jawab 'Benar' "
                    "dengan penjelasan, atau kirim kertas kerja yang sudah diperbaiki")
            else:
                bad(f"{target['kode']} tidak dapat diperbaiki dengan Nilai Koreksi; kirim kertas kerja yang sudah "
                    "diperbaiki atau jawab 'Benar' dengan penjelasan")
            return
        if kode not in self.indikator:
            bad(f"indikator {kode} tidak dikenal untuk bidang {self.bidang}")
            return
        if self.sub is None:
            bad("belum ada kertas kerja yang diterima untuk periode ini")
            return
        cell = self.cell(H_KOREKSI, excel_row)
        info = self.raw.cells.get(cell)
        if info is not None and info.error:
            bad(f"Nilai Koreksi berisi galat Excel {info.error}", info.error)
            return
        if info is not None and info.formula_without_value:
            bad("Nilai Koreksi berisi rumus yang belum punya hasil", info.formula_without_value)
            return
        parsed = parse_number(koreksi)
        if parsed.value is None:
            bad("Nilai Koreksi kosong" if parsed.code is None else
                f"Nilai Koreksi '{parsed.text if parsed.text is not None else _text(koreksi)}' bukan angka")
            return
        value = float(parsed.value)
        if value < 0:
            bad(f"Nilai Koreksi {format_angka_ringkas(value)} negatif")
            return
        satuan = str(self.master.indikator_by_code()[kode]["satuan"]).strip().casefold()
        if info is not None and info.percent and kolom == KOLOM_REALISASI and satuan in ("%", "persen") \
                and isinstance(koreksi, float):
            value *= 100
            self.out.catatan.append(f"ID {target['id']}: sel berformat persen, dibaca {format_angka_ringkas(value)}")
        if parsed.code == "ANGKA_AMBIGU":
            self.out.catatan.append(f"ID {target['id']}: Nilai Koreksi '{parsed.text}' dibaca "
                                    f"{format_angka_ringkas(value)}")
        typed = parsed.text if parsed.text is not None else format_angka_ringkas(value)
        changes: dict[str, Any] = {kolom: value, f"{kolom}_teks": typed}
        where = self.place(H_KOREKSI, excel_row)
        if row is None:  # the kertas kerja lacked the row (BARIS_HILANG, KODE_GANDA)
            old = None
            self.ledger.add_nilai(int(self.sub["id"]), kode_indikator=kode, lembar=self.raw.sheet, **changes)
        else:
            # an unusable value (a galat) has no number: its text as typed is what it was
            old = row[kolom] if row[kolom] is not None else row[f"{kolom}_teks"]
            self.ledger.update_nilai(row["id"], **changes)
        self.ledger.record_audit(
            self.run_id, kode_indikator=kode, kode_bidang=self.bidang, periode=self.periode, kolom=kolom, lama=old,
            baru=value, sumber_berkas=self.file, sel=where,
            alasan=f"Konfirmasi {target['kode']} (ID {target['id']}): Perbaiki" + (f"; {penjelasan}" if penjelasan
                                                                                   else ""))
        self.ledger.recount_submission(int(self.sub["id"]))
        if penjelasan:
            self._explain(target, penjelasan, excel_row)
        self.ledger.update_finding(int(target["id"]), status=F.DIKOREKSI, tanggapan=PERBAIKI, penjelasan=penjelasan,
                                   data={**finding_data(target), "nilai_koreksi": value, "berkas_konfirmasi": self.file,
                                         "sel_konfirmasi": where})
        self.out.dikoreksi += 1


def apply_answers(ledger: Ledger, master: Master, settings: Settings, raw: RawWorkbook, identity: Identity, *,
                  file: str, file_id: int, run_id: int) -> ApplySummary:
    """Apply the answers of a returned confirmation workbook to the ledger (inside the caller's transaction).

    Rows are read by header text; ``ID Temuan`` names the ledger finding. Unanswered rows (empty
    ``Tanggapan``) are left open. Returns the counts and notes for the run summary.
    """
    work = _Apply(ledger, master, raw, identity, file, file_id, run_id)
    with ledger.atomic():
        # the notices of an earlier answer file are replaced by this file's own
        for row in ledger.findings(periode=work.periode, current_only=False):
            if row["kode"] == TIDAK_VALID and row["status"] == F.TERBUKA and row["kode_bidang"] == work.bidang:
                ledger.update_finding(row["id"], status=F.SELESAI)
        for excel_row, values in raw.rows:
            work.row(excel_row, values)
        close_orphan_notices(ledger, work.periode)
    return work.out
