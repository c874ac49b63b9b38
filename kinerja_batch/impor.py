"""`kinerja-batch impor`: history that never came through a kertas kerja (domain §10).

Layer: commands. ``write_riwayat_template`` writes ``templates_xlsx/riwayat.xlsx`` (one row per indicator for
each earlier quarter of the active year and each earlier year of the Renstra, pre-filled with what the ledger
has); ``import_history`` reads a workbook's ``Riwayat`` sheet (numbers by domain §5, every error at its cell)
and stores each value with its source file and cell and the mark ``impor``. Imported values are history:
never late, no confirmation items, but they count in s.d. TW, in LONJAKAN's history and in the Renstra columns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kinerja_batch import numbers
from kinerja_batch.errors import KinerjaError

if TYPE_CHECKING:
    from kinerja_batch.config import Settings, Workspace
    from kinerja_batch.ledger import Ledger
    from kinerja_batch.master import Master

SHEET = "Riwayat"
HEADERS = ("Kode Indikator", "Tahun", "TW", "Realisasi", "Realisasi Anggaran (Rp)", "Keterangan")
TEMPLATE_NAME = "riwayat.xlsx"
MARK = "impor"


@dataclass
class ImportReport:
    berkas: str
    disimpan: int = 0
    diganti: int = 0  # own submissions' values replaced (--timpa)
    kosong: int = 0  # rows without any value (template rows left empty)
    sama: int = 0  # rows equal to what the bidang already sent (pre-filled and left as they were)
    ditolak: list[str] = field(default_factory=list)  # rows refused: an own submission exists
    galat: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def needs_attention(self) -> bool:
        return bool(self.galat or self.ditolak)


def _col(ci: int) -> str:
    from kinerja_batch.layout import col_letter

    return col_letter(ci)


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _same(a: Any, b: float | None) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None
    return b is not None and math.isclose(float(a), b, rel_tol=1e-12, abs_tol=1e-9)


def _tw(raw: Any) -> tuple[int | None, str]:
    """TW cell -> (0 for the whole year, 1-4, or None with the reason)."""
    text = _text(raw).upper().replace(" ", "")
    if text == "":
        return 0, ""
    if text.startswith("TW"):
        text = text[2:]
    roman = {"I": "1", "II": "2", "III": "3", "IV": "4"}
    text = roman.get(text, text)
    if text in ("1", "2", "3", "4"):
        return int(text), ""
    return None, f"TW \"{_text(raw)}\" tidak dikenal; isi 1, 2, 3 atau 4, atau kosongkan untuk satu tahun penuh."


def import_history(ws: Workspace, settings: Settings, master: Master, ledger: Ledger, path: Path, *,
                   dry_run: bool = False, timpa: bool = False) -> ImportReport:
    """Read ``path`` (sheet ``Riwayat``) and store its good rows; every bad row is reported at its cell."""
    from python_calamine import CalamineWorkbook

    name = path.name
    report = ImportReport(name, dry_run=dry_run)
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for every unreadable file
        raise KinerjaError(f"{name} tidak dapat dibaca sebagai buku kerja Excel/ODS ({exc}); simpan ulang "
                           "sebagai .xlsx lalu ulangi.") from None
    sheet = next((s for s in wb.sheet_names if s.strip().casefold() == SHEET.casefold()), None)
    if sheet is None:
        raise KinerjaError(f"{name}: lembar \"{SHEET}\" tidak ditemukan (lembar yang ada: "
                           f"{', '.join(wb.sheet_names)}). Buat templatnya dengan 'kinerja-batch impor --templat'.")
    rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    header_row: int | None = None
    cols: dict[str, int] = {}
    for r, row in enumerate(rows[:20]):
        found = {_text(v): ci for ci, v in enumerate(row) if _text(v) in HEADERS}
        if len(found) > len(cols):
            header_row, cols = r, found
    missing = [h for h in HEADERS if h not in cols]
    if header_row is None or missing:
        raise KinerjaError(f"{name}, lembar {SHEET}: kolom {', '.join(repr(h) for h in missing)} tidak ditemukan di "
                           f"baris judul; judul kolom harus persis {', '.join(HEADERS)}.")
    by_code = master.indikator_by_code()
    aktif = settings.periode_aktif
    awal = settings.renstra.tahun_awal
    seen: dict[tuple[str, int, int], int] = {}
    good: list[dict[str, Any]] = []
    for r in range(header_row + 1, len(rows)):
        row = rows[r]
        x = r + 1

        def cell(h: str, row: list[Any] = row) -> Any:
            ci = cols[h]
            return row[ci] if ci < len(row) else None

        def at(h: str, x: int = x) -> str:
            return f"{name}, lembar {SHEET}!{_col(cols[h])}{x}"

        if all(_text(cell(h)) == "" for h in HEADERS):
            continue
        if all(numbers.parse_number(cell(h)).value is None and numbers.parse_number(cell(h)).code is None
               for h in ("Realisasi", "Realisasi Anggaran (Rp)")):
            report.kosong += 1  # a template row left empty: nothing to import
            continue
        errors: list[str] = []
        kode = _text(cell("Kode Indikator"))
        info = by_code.get(kode)
        if not kode:
            errors.append(f"{at('Kode Indikator')}: Kode Indikator kosong; isi kode dari master indikator.")
        elif info is None:
            errors.append(f"{at('Kode Indikator')}: kode \"{kode}\" tidak ada di master indikator; periksa kodenya.")
        tahun_p = numbers.parse_number(cell("Tahun"))
        tahun = int(tahun_p.value) if tahun_p.value is not None and float(tahun_p.value).is_integer() else None
        if tahun is None:
            errors.append(f"{at('Tahun')}: Tahun \"{_text(cell('Tahun'))}\" tidak valid; isi tahun, misalnya "
                          f"{aktif.tahun - 1}.")
        tw, why = _tw(cell("TW"))
        if tw is None:
            errors.append(f"{at('TW')}: {why}")
        if tahun is not None and tw is not None:
            if tahun > aktif.tahun or (tahun == aktif.tahun and tw > aktif.tw):
                errors.append(f"{at('Tahun')}: {tahun}{f'-TW{tw}' if tw else ''} sesudah periode aktif {aktif}; "
                              "riwayat hanya untuk periode yang sudah lewat. Kirim periode aktif lewat kertas kerja.")
            elif tahun == aktif.tahun and tw == 0:
                errors.append(f"{at('TW')}: tahun berjalan {tahun} harus diisi per triwulan (TW 1-{aktif.tw}).")
            elif awal is not None and tahun < awal:
                errors.append(f"{at('Tahun')}: {tahun} sebelum awal Renstra ({awal}, [renstra] tahun_awal).")
        values: dict[str, tuple[float | None, str | None]] = {}
        for h, key in (("Realisasi", "realisasi"), ("Realisasi Anggaran (Rp)", "anggaran")):
            raw = cell(h)
            p = numbers.parse_number(raw)
            if p.code in (numbers.BUKAN_ANGKA, numbers.GALAT_EXCEL, numbers.RUMUS_TANPA_NILAI):
                shown = _text(raw)
                errors.append(f"{at(h)}: \"{shown}\" bukan angka ({p.detail or p.code}); isi dengan angka, "
                              "misalnya 1.250 atau 75,5.")
                continue
            if p.value is not None and p.value < 0:
                errors.append(f"{at(h)}: nilai {numbers.format_angka_ringkas(p.value)} negatif; isi angka >= 0.")
                continue
            values[key] = (p.value, raw if isinstance(raw, str) else None)
        if not errors and tahun is not None and tw is not None:
            key3 = (kode, tahun, tw)
            if key3 in seen:
                errors.append(f"{at('Kode Indikator')}: {kode} {tahun}{f'-TW{tw}' if tw else ''} sudah ada di baris "
                              f"{seen[key3]}; satu nilai per indikator dan periode.")
            seen[key3] = x
        if errors:
            report.galat += errors
            continue
        assert info is not None and tahun is not None and tw is not None
        good.append({"kode": kode, "bidang": info["kode_bidang"], "tahun": tahun, "tw": tw, "x": x,
                     "realisasi": values["realisasi"], "anggaran": values["anggaran"],
                     "keterangan": _text(cell("Keterangan")),
                     "sel_r": f"{_col(cols['Realisasi'])}{x}", "sel_a": f"{_col(cols['Realisasi Anggaran (Rp)'])}{x}"})

    with ledger.atomic():
        for g in good:
            periode = f"{g['tahun']}-TW{g['tw']}"
            own = ledger.own_value(g["kode"], periode) if g["tw"] else None
            if own is not None and _same(own["realisasi"], g["realisasi"][0]) and _same(own["anggaran"],
                                                                                     g["anggaran"][0]):
                report.sama += 1  # the template's pre-filled value of the bidang's own submission, unchanged
                continue
            before = ledger.imported_row(g["kode"], g["tahun"], g["tw"]) if own is None else None
            if before is not None and _same(before["realisasi"], g["realisasi"][0]) and _same(
                    before["anggaran"], g["anggaran"][0]) and before["keterangan"] == g["keterangan"]:
                report.sama += 1  # imported before with the same values
                continue
            if own is not None and not timpa:
                report.ditolak.append(
                    f"{name}, lembar {SHEET} baris {g['x']}: {g['kode']} {periode} sudah dikirim bidang lewat kertas "
                    f"kerja ({own['berkas']}); baris ini tidak disimpan. Ulangi dengan --timpa bila nilai impor yang "
                    "benar.")
                continue
            if own is not None:
                for kolom, new in (("realisasi", g["realisasi"][0]), ("anggaran", g["anggaran"][0])):
                    ledger.record_audit(None, kode_indikator=g["kode"], kode_bidang=g["bidang"], periode=periode,
                                        kolom=kolom, lama=own[kolom], baru=new, sumber_berkas=name,
                                        sel=f"{SHEET}!{g['sel_r'] if kolom == 'realisasi' else g['sel_a']}",
                                        alasan=f"diganti nilai impor riwayat (--timpa); sebelumnya dari {own['berkas']}")
                ledger.deactivate_nilai(int(own["id"]))
                ledger.recount_submission(int(own["submission_id"]))
                report.diganti += 1
            ledger.record_import(None, kode_indikator=g["kode"], kode_bidang=g["bidang"], tahun=g["tahun"],
                                 tw=g["tw"], realisasi=g["realisasi"][0], realisasi_teks=g["realisasi"][1],
                                 anggaran=g["anggaran"][0], anggaran_teks=g["anggaran"][1],
                                 keterangan=g["keterangan"], sumber_berkas=name, lembar=SHEET,
                                 sel_realisasi=g["sel_r"], sel_anggaran=g["sel_a"])
            report.disimpan += 1
    return report


def write_riwayat_template(ws: Workspace, settings: Settings, master: Master, ledger: Ledger) -> Path:
    """``templates_xlsx/riwayat.xlsx``: a row per indicator for each earlier quarter of the active year and
    each earlier year of the Renstra, pre-filled with what the ledger has (submissions and imports)."""
    import xlsxwriter

    aktif = settings.periode_aktif
    awal = settings.renstra.tahun_awal
    years = list(range(awal, aktif.tahun)) if awal is not None else [aktif.tahun - 1]
    slots = [(y, 0) for y in years] + [(aktif.tahun, q) for q in range(1, aktif.tw)]
    have: dict[tuple[str, int, int], tuple[Any, Any, str]] = {}
    values = ledger.current_values(aktif.tahun)
    for r in values.itertuples(index=False):
        have[(r.kode_indikator, int(r.tahun), int(r.tw))] = (r.realisasi, r.anggaran, str(r.berkas))
    whole = ledger.imported_values(aktif.tahun)
    for r in whole[whole["tw"] == 0].itertuples(index=False):
        have[(r.kode_indikator, int(r.tahun), 0)] = (r.realisasi, r.anggaran, str(r.berkas))
    n_rows = len(master.indikator) * len(slots)
    if n_rows > 1_048_575:
        raise KinerjaError(f"Templat riwayat akan berisi {n_rows:,} baris, melebihi batas Excel (1.048.575). Persempit "
                           "[renstra] tahun_awal di kinerja.toml, atau isi riwayat per tahun dalam beberapa berkas.")
    path = ws.templates_dir / TEMPLATE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False, "constant_memory": True})
    sh = wb.add_worksheet(SHEET)
    head = wb.add_format({"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "text_wrap": True,
                          "border": 1, "valign": "vcenter"})
    text = wb.add_format({"num_format": "@"})
    num = wb.add_format({"num_format": "#,##0.##"})
    note = wb.add_format({"italic": True, "font_color": "#595959"})
    extra = ("Bidang", "Indikator Kinerja", "Satuan", "Agregasi", "Sumber Saat Ini")
    for ci, h in enumerate((*HEADERS, *extra)):
        sh.write_string(0, ci, h, head)
    widths = (20, 8, 6, 14, 20, 30, 10, 50, 12, 14, 30)
    for ci, wdt in enumerate(widths):
        sh.set_column(ci, ci, wdt, text if ci in (0, 5) else None)
    r = 1
    for row in master.indikator.to_dict("records"):
        for tahun, tw in slots:
            real, angg, src = have.get((row["kode_indikator"], tahun, tw), (None, None, ""))
            sh.write_string(r, 0, row["kode_indikator"], text)
            sh.write_number(r, 1, tahun)
            if tw:
                sh.write_number(r, 2, tw)
            for ci, v in ((3, real), (4, angg)):
                if v is not None and not (isinstance(v, float) and math.isnan(v)):
                    sh.write_number(r, ci, float(v), num)
            sh.write_string(r, 6, str(row["kode_bidang"]))
            sh.write_string(r, 7, str(row["indikator_kinerja"]))
            sh.write_string(r, 8, str(row["satuan"]))
            sh.write_string(r, 9, str(row["agregasi"]))
            if src:
                sh.write_string(r, 10, src)
            r += 1
    sh.freeze_panes(1, 1)
    sh.autofilter(0, 0, max(r - 1, 1), len(HEADERS) + len(extra) - 1)
    info = wb.add_worksheet("Petunjuk")
    info.set_column(0, 0, 110)
    for i, line in enumerate((
        "Riwayat realisasi: isi lembar Riwayat lalu jalankan 'kinerja-batch impor riwayat.xlsx'.",
        "TW kosong = nilai satu tahun penuh (tahun-tahun Renstra sebelumnya); TW 1-4 = triwulan tahun berjalan.",
        "Realisasi mengikuti aturan kertas kerja: Kumulatif = capaian selama triwulan itu saja; Posisi Akhir = "
        "nilai pada akhir triwulan; Rata-rata = nilai triwulan itu.",
        "Untuk satu tahun penuh: Kumulatif = jumlah setahun; Posisi Akhir = nilai akhir tahun; Rata-rata = rata-rata"
        " setahun. Realisasi Anggaran = rupiah yang dibelanjakan pada periode itu.",
        "Baris untuk periode yang sudah dikirim bidang lewat kertas kerja ditolak, kecuali dengan --timpa.",
        "Kolom sesudah Keterangan hanya keterangan; tidak dibaca.",
    )):
        info.write_string(i, 0, line, note if i else None)
    wb.close()
    return path
