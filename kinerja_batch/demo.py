"""``kinerja-batch demo``: the whole job on the built-in sample data, in one command.

Builds a workspace, writes the kertas kerja of TW1 and TW2, simulates what the bidang send back
(most on time, one late, one missing, one typing Indonesian numbers as text, one re-saved by
LibreOffice when it is installed, a few values that raise findings, one file that is not a
workbook), runs the batch, answers the confirmation workbooks once, and runs again (one bidang
sending an unfilled revision that is rejected, with a draft e-mail to it). After each run it says
that run's summary, so the rejected files and their reasons show where they happen.

Layer: commands (../shared/docs/architecture.md); it may import writers, model, intake, store, rules, foundation.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kinerja_batch.config import Workspace, init_workspace
from kinerja_batch.numbers import format_angka_ringkas
from kinerja_batch.periode import Periode

MISSING = "EGOV"  # sends nothing in TW2
LATE = "STATSAN"  # sends TW2 after the deadline
TYPED_TEXT = "IKP"  # types numbers as Indonesian text
RESAVED = "TIK"  # re-saved by another spreadsheet program (LibreOffice)
ODD = "APTIKA"  # a few values that need the bidang's confirmation
SLOW = "SEK"  # has not answered its TW2 confirmation workbook yet
BLANK_REVISION = "IKP"  # sends an unfilled "revision" of its TW2 kertas kerja after the accepted one
DEMO_SENDER = "perencanaan@diskominfo.sukamajukab.go.id"  # the sample office's own address


@dataclass
class DemoResult:
    root: Path
    reports: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _when(day: dt.date, hour: int = 10) -> float:
    return dt.datetime.combine(day, dt.time(hour)).timestamp()


def _drop(src: Path, inbox: Path, name: str, when: float) -> Path:
    dest = inbox / name
    shutil.copyfile(src, dest)
    os.utime(dest, (when, when))
    return dest


def _header(ws: Any, marker: str) -> tuple[int, dict[str, int]]:
    """(header row, {header text: column}) of a sheet: the first row holding ``marker``."""
    return next(
        (r, {str(c.value): c.column for c in ws[r] if c.value})
        for r in range(1, 31)
        if any(c.value == marker for c in ws[r])
    )


def _fill(template: Path, dest: Path, values: dict[str, Any], anggaran: dict[str, Any],
          texts: dict[str, dict[str, str]]) -> Path:
    """Fill a kertas kerja the way a bidang operator would (openpyxl; columns found by header text)."""
    import openpyxl

    wb = openpyxl.load_workbook(template)
    ws = wb["Kertas Kerja"]
    header_row, cols = _header(ws, "Kode Indikator")
    for r in range(header_row + 1, ws.max_row + 1):
        kode = ws.cell(r, cols["Kode Indikator"]).value
        if kode is None:
            continue
        kode = str(kode)
        if kode in values:
            ws.cell(r, cols["Realisasi"]).value = values[kode]
        if kode in anggaran:
            ws.cell(r, cols["Realisasi Anggaran (Rp)"]).value = anggaran[kode]
        for header, by_code in texts.items():
            if kode in by_code:
                ws.cell(r, cols[header]).value = by_code[kode]
    wb.save(dest)
    return dest


def _values_for(master: Any, kode_bidang: str, periode: Periode, rng: random.Random, *, as_text: bool = False,
                odd: bool = False) -> tuple[dict[str, Any], dict[str, Any], dict[str, dict[str, str]]]:
    """Plausible realisasi around the target, quarterly spending, and explanations."""
    rows = master.indikator_of(kode_bidang)
    values: dict[str, Any] = {}
    anggaran: dict[str, Any] = {}
    pendorong: dict[str, str] = {}
    penghambat: dict[str, str] = {}
    bukti: dict[str, str] = {}
    def target_sd(r: dict[str, Any], tw: int) -> float:
        """Target s.d. TWn; without quarterly targets a Kumulatif target grows evenly over the year."""
        if tw == 0:
            return 0.0
        value = r.get(f"target_tw{tw}")
        if value is not None and value == value:
            return float(value)
        return float(r["target_tahunan"]) * (tw / 4 if r["agregasi"] == "Kumulatif" else 1)

    for i, r in enumerate(rows.to_dict("records")):
        kode = r["kode_indikator"]
        target = target_sd(r, periode.tw)
        if r["agregasi"] == "Kumulatif":
            target = max(0.0, target - target_sd(r, periode.tw - 1))  # this quarter's share
        factor = rng.uniform(0.92, 1.08)
        if r["polaritas"] == "Negatif":
            factor = rng.uniform(0.9, 1.0)
        value = round(float(target) * factor, 2 if r["satuan"] in ("%", "Indeks", "Hari") else 0)
        if float(r["target_tahunan"]) == 0:
            value = 0.0
        if odd and i == 1:
            value = round(float(target) * 1.9 + 1, 0)  # far above the target: CAPAIAN_TINGGI
        if odd and i == 2:
            value = round(float(target) * 0.3, 0)  # far below, no explanation: CAPAIAN_RENDAH, PENJELASAN_KOSONG
        values[kode] = format_angka_ringkas(value) if as_text else value
        if r["pagu"] == r["pagu"] and r["pagu"] is not None:
            spent = round(float(r["pagu"]) * rng.uniform(0.18, 0.26), -3)
            anggaran[kode] = f"Rp {format_angka_ringkas(spent)}" if as_text else spent
        if not (odd and i == 2):
            pendorong[kode] = "Dukungan pimpinan dan koordinasi lintas bidang berjalan baik."
            penghambat[kode] = "Keterbatasan jumlah SDM teknis pada triwulan ini."
        bukti[kode] = f"Laporan kegiatan {periode} ({kode})"
    texts = {"Faktor Pendorong": pendorong, "Faktor Penghambat": penghambat, "Bukti Dukung": bukti}
    return values, anggaran, texts


def _resave_with_libreoffice(path: Path) -> bool:
    """Re-save a workbook the way a bidang using LibreOffice would; False when it is not installed."""
    if shutil.which("soffice") is None:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        done = subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
             "--convert-to", "xlsx", "--outdir", str(out), str(path)],
            capture_output=True, timeout=180,
        )
        result = out / path.name
        if done.returncode != 0 or not result.exists():
            return False
        shutil.copyfile(result, path)
    return True


def answer_confirmations(ws: Workspace, when: float) -> list[str]:
    """Answer each confirmation workbook as a Kepala Bidang would, and drop it into the inbox.

    The value planted as a typing error (bidang ODD, far above target) is corrected; everything
    else is confirmed with an explanation.
    """
    import openpyxl

    folder = ws.outbox / "konfirmasi"
    answered = []
    for path in sorted(folder.rglob("konfirmasi_*.xlsx")) if folder.exists() else []:
        if path.name.startswith(f"konfirmasi_{SLOW}_") and path.parent.name.endswith("TW2"):
            continue  # this bidang has not answered yet: its workbook stays open in outbox/
        wb = openpyxl.load_workbook(path)
        sheet = next(s for s in wb.worksheets if s.sheet_state == "visible" and any(
            c.value == "Tanggapan" for row in s.iter_rows(max_row=30) for c in row))
        header_row, cols = _header(sheet, "Tanggapan")
        for r in range(header_row + 1, sheet.max_row + 1):
            code = sheet.cell(r, cols["Kode Temuan"]).value
            if not code:
                continue
            if code == "CAPAIAN_TINGGI" and f"_{ODD}_" in path.name:
                # the operator typed one digit too many: correct it to a plausible value
                value = sheet.cell(r, cols["Nilai"]).value
                try:
                    corrected = round(float(str(value).replace(".", "").replace(",", ".")) / 1.9, 0)
                except ValueError:
                    corrected = 1
                sheet.cell(r, cols["Tanggapan"]).value = "Perbaiki"
                sheet.cell(r, cols["Nilai Koreksi"]).value = corrected
                sheet.cell(r, cols["Penjelasan"]).value = "Salah ketik pada kertas kerja; nilai dikoreksi."
            else:
                sheet.cell(r, cols["Tanggapan"]).value = "Benar"
                sheet.cell(r, cols["Penjelasan"]).value = "Sudah diperiksa Kepala Bidang; angka sesuai laporan."
        name = path.name.replace("konfirmasi_", "jawaban_konfirmasi_")
        dest = ws.inbox / name
        wb.save(dest)
        os.utime(dest, (when, when))
        answered.append(name)
    return answered


def build_demo(root: Path, *, say: Callable[[str], None] = print, force: bool = False) -> DemoResult:
    """Run the whole demo in ``root`` and return the run reports."""
    from kinerja_batch.batch import run
    from kinerja_batch.master import load_master
    from kinerja_batch.templates import write_templates

    if root.exists() and any(root.iterdir()) and not force:
        from kinerja_batch.errors import WorkspaceError

        raise WorkspaceError(f"Folder {root} sudah berisi berkas. Pilih folder lain atau gunakan --paksa.")
    ws = init_workspace(root, force=True)
    toml = ws.config_path.read_text(encoding="utf-8")
    ws.config_path.write_text(toml.replace('pengirim = ""', f'pengirim = "{DEMO_SENDER}"', 1), encoding="utf-8")
    settings = ws.settings()
    master = load_master(ws.master_path)
    result = DemoResult(root)
    rng = random.Random(2025)
    tw1, tw2 = Periode(settings.tahun, 1), Periode(settings.tahun, 2)

    say(f"1. Ruang kerja contoh dibuat di {root}")
    # ---- TW1: every bidang sends on time
    write_templates(ws, master, settings, tw1)
    d1 = settings.deadline(tw1) or dt.date(settings.tahun, 4, 10)
    with tempfile.TemporaryDirectory() as tmp:
        for i, kode in enumerate(master.bidang_codes()):
            values, anggaran, texts = _values_for(master, kode, tw1, rng)
            filled = _fill(ws.template_path(kode, tw1), Path(tmp) / f"{kode}.xlsx", values, anggaran, texts)
            _drop(filled, ws.inbox, f"Kertas Kerja {kode} TW1.xlsx", _when(d1 - dt.timedelta(days=6 - i % 4)))
    say("2. Triwulan I: semua bidang mengirim kertas kerja tepat waktu; proses pertama")
    _ran(result, run(ws), say)

    # ---- TW2: templates now show TW1; the returns vary
    from kinerja_batch.ledger import Ledger

    with Ledger.open(ws.ledger_path) as ledger:
        history = ledger.current_values(tw2.tahun)
    write_templates(ws, master, settings, tw2, history=history)
    d2 = settings.deadline(tw2) or dt.date(settings.tahun, 7, 10)
    resaved = False
    with tempfile.TemporaryDirectory() as tmp:
        for i, kode in enumerate(master.bidang_codes()):
            if kode == MISSING:
                continue
            values, anggaran, texts = _values_for(master, kode, tw2, rng, as_text=(kode == TYPED_TEXT),
                                                  odd=(kode == ODD))
            filled = _fill(ws.template_path(kode, tw2), Path(tmp) / f"{kode}.xlsx", values, anggaran, texts)
            if kode == RESAVED:
                resaved = _resave_with_libreoffice(filled)
            when = _when(d2 + dt.timedelta(days=3)) if kode == LATE else _when(d2 - dt.timedelta(days=2 + i % 3))
            _drop(filled, ws.inbox, f"kertas_kerja_{kode}_{tw2}_final.xlsx", when)
    # a file that is not a workbook: a CSV export saved with an .xlsx name
    csv = ws.inbox / "rekap_manual_IKP.xlsx"
    csv.write_text("Kode Indikator;Realisasi\nIKU-01;80\n", encoding="utf-8")
    os.utime(csv, (_when(d2), _when(d2)))
    say(f"3. Triwulan II: {LATE} terlambat, {MISSING} belum mengirim, {TYPED_TEXT} mengetik angka sebagai teks, "
        + (f"{RESAVED} menyimpan ulang dengan LibreOffice, " if resaved else "")
        + f"{ODD} punya angka janggal, satu berkas bukan Excel; proses kedua")
    if not resaved:
        result.notes.append("LibreOffice tidak terpasang: langkah simpan ulang dengan LibreOffice dilewati.")
    _ran(result, run(ws), say)

    answered = answer_confirmations(ws, _when(d2 + dt.timedelta(days=5)))
    # a bidang sends an unfilled "revision": rejected, and a draft tells the bidang why
    _drop(ws.template_path(BLANK_REVISION, tw2), ws.inbox, f"kertas_kerja_{BLANK_REVISION}_{tw2}_revisi.xlsx",
          _when(d2 + dt.timedelta(days=5)))
    say(f"4. Bidang menjawab {len(answered)} lembar konfirmasi (Benar / Perbaiki; {SLOW} belum menjawab "
        f"triwulan II); {BLANK_REVISION} mengirim revisi yang belum diisi; proses ketiga")
    _ran(result, run(ws), say)
    return result


def _ran(result: DemoResult, report: Any, say: Callable[[str], None]) -> None:
    """Keep the run's report and say its summary (files, their fate and reasons, status, outputs)."""
    from kinerja_batch.summary import run_summary

    result.reports.append(report)
    say("")
    for line in run_summary(report).splitlines():
        say(f"   {line}")
    say("")
