"""Answers from a confirmation workbook, applied to the ledger (intake + store; issue 4).

:func:`apply_answers` takes a confirmation workbook back from the inbox (batch.py calls it inside the file's
ledger transaction): ``Benar`` with an explanation confirms (``Dikonfirmasi``); ``Perbaiki`` with a
number replaces the value in the ledger, with an audit row (``Dikoreksi``); anything else that cannot
be applied keeps the finding open and becomes a ``TANGGAPAN_TIDAK_VALID`` galat at that cell, linked
to the finding (``data.temuan_id``), so that it shows in the next confirmation workbook. The notices of
an earlier answer file are closed by the next one: the newest answers are what counts.

Layer: intake (../shared/docs/architecture.md); it may import store, rules, foundation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kinerja_batch import findings as F
from kinerja_batch import layout
from kinerja_batch.findings import KOLOM_REALISASI, finding_data, kolom_of
from kinerja_batch.layout import (
    BENAR,
    H_ID,
    H_KODE,
    H_KODE_TEMUAN,
    H_KOREKSI,
    H_PENJELASAN,
    H_TANGGAPAN,
    PERBAIKI,
    TIDAK_VALID,
)
from kinerja_batch.lifecycle import close_orphan_notices, close_replaced_cells
from kinerja_batch.numbers import format_angka_ringkas, parse_number
from kinerja_batch.validate import kode_text

if TYPE_CHECKING:
    from kinerja_batch.config import Settings
    from kinerja_batch.ingest import RawWorkbook
    from kinerja_batch.ledger import Ledger
    from kinerja_batch.master import Master
    from kinerja_batch.validate import Identity


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


def _acknowledged(target: Any) -> bool:
    """A warning about how one cell was read (ANGKA_AMBIGU): ``Benar`` alone confirms the reading."""
    return F.CATALOG[target["kode"]].scope == F.SEL and target["level"] == F.PERINGATAN


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
        self.form_id = identity.form_id
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
                   kolom=kolom, kolom_jawaban=header)
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
                    self._answer_in_wrong_column(excel_row, _as_id(id_value), koreksi, penjelasan, kode_row)
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
        elif target["kode"] == "TARGET_DIUBAH":
            self._target(target, choice, koreksi, penjelasan, excel_row)
        elif choice == BENAR:
            if not penjelasan and not _acknowledged(target):
                self.invalid(H_PENJELASAN, excel_row, "Tanggapan 'Benar' harus disertai Penjelasan", jawab,
                             kode=kode, target=target)
                return
            self._explain(target, penjelasan, excel_row)
            self.ledger.update_finding(tid, status=F.DIKONFIRMASI, tanggapan=BENAR, penjelasan=penjelasan,
                                       data={**finding_data(target), "berkas_konfirmasi": self.file,
                                             "id_formulir": self.form_id,
                                             "sel_konfirmasi": self.place(H_TANGGAPAN, excel_row)})
            self.out.dikonfirmasi += 1
        else:
            self._correct(target, koreksi, penjelasan, excel_row)

    def _answer_in_wrong_column(self, excel_row: int, tid: int | None, koreksi: Any, penjelasan: str,
                                kode_row: str) -> None:
        """Tanggapan empty while Nilai Koreksi or Penjelasan holds an answer: the finding stays open and the
        bidang is told, in its next workbook, where to choose Benar or Perbaiki."""
        target = None if tid is None else self.ledger.finding(tid)
        if target is not None and target["kode"] == TIDAK_VALID:  # written on the notice's row: its finding
            linked = finding_data(target).get("temuan_id")
            target = None if linked is None else self.ledger.finding(int(linked))
        if target is None or target["kode_bidang"] != self.bidang or target["periode"] != self.periode \
                or target["status"] != F.TERBUKA or target["kode"] == TIDAK_VALID:
            self.out.catatan.append(f"baris {excel_row}: Tanggapan kosong, dianggap belum dijawab")
            return
        filled = " dan ".join(h for h, v in ((H_KOREKSI, _text(koreksi)), (H_PENJELASAN, penjelasan)) if v)
        self.invalid(H_TANGGAPAN, excel_row, f"Tanggapan kosong, padahal {filled} diisi; jawaban dibaca dari kolom "
                                             "Tanggapan, jadi pilih 'Benar' atau 'Perbaiki' di sana",
                     _text(koreksi) or penjelasan, kode=target["kode_indikator"] or kode_row, target=target)

    def _target(self, target: Any, choice: str, koreksi: Any, penjelasan: str, excel_row: int) -> None:
        """TARGET_DIUBAH: the master's target is what counts. ``Benar``: the bidang takes note that the master's
        target is used (Penjelasan optional). ``Perbaiki``: the bidang holds that the master's target should
        change; Penjelasan says why (required), Nilai Koreksi may propose the target. Nothing in the master
        or the ledger's values changes: the proposal goes to Subbag Perencanaan through the rekap and the
        run summary."""
        tid = int(target["id"])
        data = {**finding_data(target), "berkas_konfirmasi": self.file,
                "sel_konfirmasi": self.place(H_TANGGAPAN, excel_row)}
        if choice == BENAR:
            self.ledger.update_finding(tid, status=F.DIKONFIRMASI, tanggapan=BENAR,
                                       penjelasan=penjelasan or "Target master dipakai", data=data)
            self.out.dikonfirmasi += 1
            return
        kode = target["kode_indikator"]
        if not penjelasan:
            self.invalid(H_PENJELASAN, excel_row, "Tanggapan 'Perbaiki' untuk target yang diubah berarti target "
                                                  "master perlu diubah: tulis alasannya di Penjelasan", choice,
                         kode=kode, target=target)
            return
        usulan = ""
        if _text(koreksi):
            parsed = parse_number(koreksi)
            if parsed.value is None or float(parsed.value) < 0:
                self.invalid(H_KOREKSI, excel_row, f"usulan target '{_text(koreksi)}' bukan angka 0 atau lebih",
                             koreksi, kode=kode, target=target)
                return
            usulan = format_angka_ringkas(float(parsed.value))
            data["usulan_target"] = float(parsed.value)
        text = penjelasan + (f" (usulan target: {usulan})" if usulan else "")
        self.ledger.update_finding(tid, status=F.DIKONFIRMASI, tanggapan=PERBAIKI, penjelasan=text, data=data)
        self.out.dikonfirmasi += 1
        self.out.catatan.append(f"ID {tid}: {self.bidang} mengusulkan target master {kode} diubah"
                                + (f" menjadi {usulan}" if usulan else "") + f": {penjelasan}")

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
                                        "dari Penjelasan", id_formulir=self.form_id)

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
                                                                                   else ""),
            id_formulir=self.form_id)
        self.ledger.recount_submission(int(self.sub["id"]))
        close_replaced_cells(self.ledger, int(self.sub["id"]), kode, kolom,
                             None if row is None else row["sel_anggaran"], keep=int(target["id"]))
        if penjelasan:
            self._explain(target, penjelasan, excel_row)
        self.ledger.update_finding(int(target["id"]), status=F.DIKOREKSI, tanggapan=PERBAIKI, penjelasan=penjelasan,
                                   data={**finding_data(target), "nilai_koreksi": value, "berkas_konfirmasi": self.file,
                                         "id_formulir": self.form_id, "sel_konfirmasi": where})
        self.out.dikoreksi += 1


def apply_answers(ledger: Ledger, master: Master, settings: Settings, raw: RawWorkbook, identity: Identity, *,
                  file: str, file_id: int, run_id: int) -> ApplySummary:
    """Apply the answers of a returned confirmation workbook to the ledger (inside the caller's transaction).

    Rows are read by header text; ``ID Temuan`` names the ledger finding. Unanswered rows (empty
    ``Tanggapan``) are left open. Returns the counts and notes for the run summary.
    """
    work = _Apply(ledger, master, raw, identity, file, file_id, run_id)
    issued_hash = identity.meta.get("hash_terkunci", "").strip()
    if issued_hash and layout.konfirmasi_locked_hash(_rows_as_read(raw)) != issued_hash:
        work.out.catatan.append("kolom terkunci (ID Temuan, Kode Indikator, Kode Temuan) tidak sama dengan saat "
                                "lembar diterbitkan: baris diubah, ditambah atau dihapus; setiap jawaban tetap "
                                "diperiksa terhadap temuan bidang dan periode lembar ini")
    with ledger.atomic():
        # the notices of an earlier answer file are replaced by this file's own
        for row in ledger.findings(periode=work.periode, current_only=False):
            if row["kode"] == TIDAK_VALID and row["status"] == F.TERBUKA and row["kode_bidang"] == work.bidang:
                ledger.update_finding(row["id"], status=F.SELESAI)
        for excel_row, values in raw.rows:
            work.row(excel_row, values)
        close_orphan_notices(ledger, work.periode)
    return work.out


def _rows_as_read(raw: RawWorkbook) -> list[tuple[str, str, str]]:
    """(ID Temuan, Kode Indikator, Kode Temuan) of the rows of a returned confirmation workbook."""
    out = []
    for _, values in raw.rows:
        tid = _as_id(raw.value(values, H_ID))
        out.append(("" if tid is None else str(tid), kode_text(raw.value(values, H_KODE)),
                    _text(raw.value(values, H_KODE_TEMUAN))))
    return [r for r in out if any(r)]
