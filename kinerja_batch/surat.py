"""The cover letter (surat pengantar) and the receipt (tanda terima) sent with a final rekap (writers layer).

One workbook, two portrait sheets: ``Surat Pengantar`` (kop of the office, nomor, sifat, lampiran, perihal,
the addressee from the settings, the Kepala Dinas's signature) and ``Tanda Terima`` (what was handed over,
signed by who handed it and who received it). It takes plain values and writes with xlsxwriter only.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter

from kinerja_batch import printing
from kinerja_batch.config import Settings
from kinerja_batch.periode import Periode, format_tanggal
from kinerja_batch.printing import nip_spaced

SHEET_SURAT = "Surat Pengantar"
SHEET_TANDA_TERIMA = "Tanda Terima"
_WIDTHS = [4, 14, 3, 22, 16, 26]  # six columns, about 150 mm: a portrait page at full size
_LAST = len(_WIDTHS) - 1


@dataclass(frozen=True)
class Lampiran:
    """What the letter sends: the final rekap and its sha256."""

    periode: Periode
    berkas: str  # file name of the final rekap
    sha256: str
    nomor: str
    tanggal: dt.date


def kepala_jabatan(settings: Settings) -> str:
    """``Kepala Dinas`` + ``Dinas Komunikasi ...`` -> ``Kepala Dinas Komunikasi ...``."""
    jabatan, kantor = settings.kantor.kepala_jabatan, settings.kantor.nama
    j, k = jabatan.split(), kantor.split()
    if j and k and j[-1].casefold() == k[0].casefold():
        return " ".join(j + k[1:])
    return f"{jabatan} {kantor}".strip()


def perihal(periode: Periode) -> str:
    return f"Penyampaian Rekapitulasi Data Kinerja {periode.label}"


def write_surat(path: Path, settings: Settings, lampiran: Lampiran) -> Path:
    """Write the cover letter workbook atomically and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp_surat_", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb = xlsxwriter.Workbook(tmp, {**printing.WORKBOOK_OPTIONS, "strings_to_formulas": False, "strings_to_urls": False,
                                       "strings_to_numbers": False})
        _Writer(wb, settings, lampiran).write()
        wb.set_properties({"title": f"Surat Pengantar Rekap Data Kinerja {lampiran.periode}",
                           "author": "kinerja-batch", "company": settings.kantor.nama})
        wb.close()
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


class _Writer:
    def __init__(self, wb: xlsxwriter.Workbook, settings: Settings, lampiran: Lampiran) -> None:
        self.wb = wb
        self.s = settings
        self.a = lampiran
        add = wb.add_format
        base = {"font_name": "Arial", "font_size": 11, "valign": "top"}
        self.f: dict[str, Any] = {
            "kop1": add({**base, "bold": True, "font_size": 13, "align": "center"}),
            "kop2": add({**base, "bold": True, "font_size": 15, "align": "center"}),
            "kop3": add({**base, "font_size": 9, "align": "center", "text_wrap": True, "bottom": 6}),
            "text": add(base),
            "wrap": add({**base, "text_wrap": True, "align": "justify"}),
            "bold": add({**base, "bold": True}),
            "title": add({**base, "bold": True, "font_size": 13, "align": "center", "underline": True}),
            "center": add({**base, "align": "center", "text_wrap": True}),
            "name": add({**base, "align": "center", "bold": True, "underline": True}),
            "head": add({**base, "bold": True, "border": 1, "align": "center", "valign": "vcenter",
                         "text_wrap": True, "bg_color": "#D9E1F2"}),
            "cell": add({**base, "border": 1, "text_wrap": True}),
            "cell_c": add({**base, "border": 1, "align": "center"}),
            "small": add({**base, "font_size": 9, "text_wrap": True, "font_color": "#404040"}),
        }

    def write(self) -> None:
        self.surat(self.wb.add_worksheet(SHEET_SURAT))
        self.tanda_terima(self.wb.add_worksheet(SHEET_TANDA_TERIMA))

    def _sheet(self, ws: Any) -> None:
        ws.hide_gridlines(2)
        for c, w in enumerate(_WIDTHS):
            ws.set_column(c, c, w)

    def _m(self, ws: Any, r: int, c0: int, c1: int, text: str, fmt: str, height: float | None = None) -> None:
        if height:
            ws.set_row(r, height)
        if c0 == c1:
            ws.write_string(r, c0, text, self.f[fmt])
        else:
            ws.merge_range(r, c0, r, c1, text, self.f[fmt])

    def _kop(self, ws: Any) -> int:
        k = self.s.kantor
        r = 0
        if k.pemerintah:
            self._m(ws, r, 0, _LAST, k.pemerintah.upper(), "kop1", 18)
            r += 1
        self._m(ws, r, 0, _LAST, k.nama.upper(), "kop2", 36 if len(k.nama) > 45 else 20)
        ws.set_row(r, 40 if len(k.nama) > 45 else 20)
        r += 1
        self._m(ws, r, 0, _LAST, k.alamat or " ", "kop3", 26 if len(k.alamat) > 80 else 16)
        return r + 2

    def _signature(self, ws: Any, r: int) -> int:
        k = self.s.kantor
        c0 = 4
        self._m(ws, r, c0, _LAST, kepala_jabatan(self.s), "center", 30)
        self._m(ws, r + 5, c0, _LAST, k.kepala_nama or "(.............................)", "name")
        self._m(ws, r + 6, c0, _LAST, k.kepala_pangkat or "Pangkat/golongan ..................", "center")
        self._m(ws, r + 7, c0, _LAST, "NIP. " + (nip_spaced(k.kepala_nip) or "...................."), "center")
        return r + 7

    def surat(self, ws: Any) -> None:
        self._sheet(ws)
        a = self.a
        s = self.s
        r = self._kop(ws)
        self._m(ws, r, 4, _LAST, f"{s.kantor.kota or '..........'}, {format_tanggal(a.tanggal)}", "text")
        r += 2
        for label, value in (("Nomor", a.nomor or "...................................."), ("Sifat", s.surat.sifat),
                             ("Lampiran", s.surat.lampiran), ("Perihal", perihal(a.periode))):
            ws.write_string(r, 1, label, self.f["text"])
            ws.write_string(r, 2, ":", self.f["text"])
            self._m(ws, r, 3, _LAST, value, "wrap" if label == "Perihal" else "text",
                    30 if label == "Perihal" and len(value) > 45 else None)
            r += 1
        r += 1
        ws.write_string(r, 1, "Kepada", self.f["text"])
        r += 1
        ws.write_string(r, 1, "Yth.", self.f["text"])
        self._m(ws, r, 2, _LAST, s.surat.kepada, "bold")
        r += 1
        self._m(ws, r, 2, _LAST, f"di {s.surat.di}", "text")
        r += 2
        body = [
            f"Bersama ini kami sampaikan Rekapitulasi Data Kinerja {a.periode.label} {s.kantor.nama}, yang "
            "memuat pengukuran kinerja, evaluasi terhadap hasil Renja, dan status pengumpulan data seluruh bidang, "
            "untuk dipergunakan sebagaimana mestinya.",
            f"Berkas elektronik rekap: {a.berkas} (sidik SHA-256 {a.sha256[:16]}…{a.sha256[-8:]}); berkas yang "
            "diterima dapat dicocokkan dengan sidik ini.",
            "Demikian disampaikan, atas perhatian dan kerja samanya diucapkan terima kasih.",
        ]
        for text in body:
            lines = max(1, -(-len(text) // 70))
            self._m(ws, r, 1, _LAST, text, "wrap", 16 * lines + 2)
            r += 2
        self._signature(ws, r)
        printing.page_setup(ws, paper=s.kertas, landscape=False, last_col=_LAST, last_row=r + 8,
                            footer=printing.header_text(f"Surat pengantar rekap final {a.periode}",
                                                        right="Halaman &P dari &N"))

    def tanda_terima(self, ws: Any) -> None:
        self._sheet(ws)
        a = self.a
        s = self.s
        r = self._kop(ws)
        self._m(ws, r, 0, _LAST, "TANDA TERIMA", "title", 20)
        r += 2
        for c0, c1, h in ((0, 0, "No"), (1, 3, "Uraian"), (4, 4, "Jumlah"), (5, 5, "Keterangan")):
            self._m(ws, r, c0, c1, h, "head", 20)
        r += 1
        rows = [
            (f"Surat pengantar Nomor {a.nomor or '..........'} tanggal {format_tanggal(a.tanggal)} perihal "
             f"{perihal(a.periode)}", "1 lembar", ""),
            (f"Rekapitulasi Data Kinerja {a.periode.label} ({a.berkas})", s.surat.lampiran,
             f"SHA-256 {a.sha256[:12]}…"),
        ]
        for i, (what, qty, note) in enumerate(rows, 1):
            ws.set_row(r, 15 * max(2, -(-len(what) // 34)) + 6)  # 11 pt text wrapped in about 34 characters
            ws.write_string(r, 0, str(i), self.f["cell_c"])
            ws.merge_range(r, 1, r, 3, what, self.f["cell"])
            ws.write_string(r, 4, qty, self.f["cell"])
            ws.write_string(r, 5, note, self.f["cell"])
            r += 1
        r += 2
        self._m(ws, r, 0, 2, "Yang menyerahkan,", "center")
        self._m(ws, r, 4, _LAST, "Yang menerima,", "center")
        r += 1
        kas = s.kasubbag
        self._m(ws, r, 0, 2, kas.jabatan, "center", 30)
        self._m(ws, r, 4, _LAST, "Tanggal: ........................", "center")
        r += 4
        self._m(ws, r, 0, 2, kas.nama or "(.............................)", "name")
        self._m(ws, r, 4, _LAST, "(.............................)", "center")
        r += 1
        self._m(ws, r, 0, 2, "NIP. " + (nip_spaced(kas.nip) or "...................."), "center")
        self._m(ws, r, 4, _LAST, "Nama, jabatan dan NIP", "small")
        r += 2
        self._m(ws, r, 0, _LAST, "Lembar ini ditandatangani penerima dan disimpan bersama arsip rekap final.",
                "small", 16)
        printing.page_setup(ws, paper=s.kertas, landscape=False, last_col=_LAST, last_row=r,
                            footer=printing.header_text(f"Tanda terima rekap final {a.periode}"))
