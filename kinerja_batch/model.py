"""The period model: everything one period's outputs show, built from the ledger once.

Layer: period model. It reads the ledger (store) and the master, and runs the pure measure (rules); the
writers (rekap, confirmation workbooks, drafts, status) take a :class:`PeriodData` and never the run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kinerja_batch import findings as F
from kinerja_batch.config import Settings
from kinerja_batch.measure import measured_frame
from kinerja_batch.periode import Periode
from kinerja_batch.rencana import plan_columns

if TYPE_CHECKING:
    import pandas as pd

    from kinerja_batch.ledger import Ledger
    from kinerja_batch.master import Master

STATUS_BELUM = "Belum Mengumpulkan"
STATUS_DITERIMA = "Diterima"
STATUS_TERLAMBAT = "Diterima (Terlambat)"
STATUS_DITOLAK = "Ditolak"
STATUS_KONFIRMASI = "Perlu Konfirmasi"


@dataclass
class PeriodData:
    """Everything the rekap of one period shows, computed from the ledger."""

    periode: Periode
    settings: Settings
    master: Master
    measures: pd.DataFrame  # measure.measure output joined with the master columns, one row per indicator
    status: list[dict[str, Any]]  # one per bidang
    findings: list[dict[str, Any]]  # temuan (and galat) of current submissions of the period
    galat: list[dict[str, Any]]  # every galat: cell-level of current submissions + rejected files
    files: list[dict[str, Any]]  # input files of the period (name, sha256, outcome)
    run_id: int | None = None
    run_time: str = ""
    audit: list[dict[str, Any]] = field(default_factory=list)


def confirmable(kode: str, level: str) -> bool:
    """A finding the bidang answers in the confirmation workbook: a temuan, or a galat of a cell/row."""
    scope = F.CATALOG[kode].scope
    return scope == F.TEMUAN or (level == F.GALAT and scope == F.SEL)


def period_data(ledger: Ledger, master: Master, settings: Settings, periode: Periode,
                run_id: int | None = None, now: dt.datetime | None = None) -> PeriodData:
    """Measures, status and findings of one period, from the ledger."""
    now = now or dt.datetime.now().replace(microsecond=0)
    values = ledger.current_values(periode.tahun)
    joined = measured_frame(values, master, settings, periode)
    joined = plan_columns(joined, master, settings, periode, values,
                          ledger.imported_values(periode.tahun).query("tw == 0"))

    all_findings = [dict(r) for r in ledger.findings(periode=str(periode))]
    # every temuan and cell galat of the current submissions, open and answered (rekap 'Perlu Konfirmasi')
    temuan = _in_master_order([f for f in all_findings if confirmable(f["kode"], f["level"])], master)
    galat = [f for f in all_findings if f["level"] == F.GALAT]
    rejected = [dict(r) for r in ledger.rejected_files()]
    seen_file_findings = {(g["berkas"], g["kode"]) for g in galat}
    for r in rejected:
        belongs = (r["periode"] == str(periode)) or (not r["periode"] and periode == settings.periode_aktif)
        if belongs and (r["nama_asli"], r["kode"]) not in seen_file_findings:
            galat.append({"kode": r["kode"], "level": F.GALAT, "kode_bidang": r["kode_bidang"] or "",
                          "periode": r["periode"] or "", "kode_indikator": "", "berkas": r["nama_asli"],
                          "lembar": "", "sel": "", "nilai": "", "pesan": r["alasan"] or "", "status": F.TERBUKA})
    status = collection_status(ledger, master, settings, periode, now=now)
    files = [
        {"berkas": r["nama_asli"], "sha256": r["sha256"], "hasil": r["hasil"], "lokasi": r["lokasi"],
         "diterima": r["diterima"], "kode_bidang": r["kode_bidang"] or "", "periode": r["periode"] or "",
         "kode": r["kode"] or "", "alasan": r["alasan"] or ""}
        for r in ledger.all_files()
        if r["periode"] == str(periode) or (not r["periode"] and periode == settings.periode_aktif)
    ]
    audit = [dict(a) for a in ledger.audit_rows() if a["periode"] == str(periode)]
    return PeriodData(periode, settings, master, joined, status, temuan, galat, files, run_id,
                      now.isoformat(sep=" "), audit)


def _in_master_order(items: list[dict[str, Any]], master: Master) -> list[dict[str, Any]]:
    """Bidang and indicators in master order (file-level temuan of a bidang first), then by id."""
    bidang = {k: i for i, k in enumerate(master.bidang_codes())}
    indikator = {k: i for i, k in enumerate(master.indikator["kode_indikator"])}
    return sorted(items, key=lambda f: (bidang.get(f["kode_bidang"], len(bidang)), f["kode_bidang"],
                                        indikator.get(f["kode_indikator"], -1 if not f["kode_indikator"] else
                                                      len(indikator)), f["id"]))


def collection_status(ledger: Ledger, master: Master, settings: Settings, periode: Periode,
                      now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """One row per bidang: status (domain §7), when received, file, filled/expected, counts."""
    subs = {s["kode_bidang"]: s for s in ledger.current_submissions(str(periode))}
    open_by_bidang: dict[str, int] = {}
    galat_by_bidang: dict[str, int] = {}
    for f in ledger.findings(periode=str(periode)):
        # open items of the confirmation workbook; a rejected file is not answered there (it is 'Ditolak')
        if f["status"] != F.TERBUKA or not confirmable(f["kode"], f["level"]):
            continue
        if f["level"] == F.GALAT:
            galat_by_bidang[f["kode_bidang"]] = galat_by_bidang.get(f["kode_bidang"], 0) + 1
        else:
            open_by_bidang[f["kode_bidang"]] = open_by_bidang.get(f["kode_bidang"], 0) + 1
    rejected_last = {}
    for r in ledger.rejected_files():
        if r["periode"] == str(periode) and r["kode_bidang"]:
            rejected_last[r["kode_bidang"]] = r
    rows = []
    expected_counts = master.indikator["kode_bidang"].value_counts()
    for b in master.bidang.to_dict("records"):
        kode = b["kode_bidang"]
        expected = int(expected_counts.get(kode, 0))
        s = subs.get(kode)
        n_open = open_by_bidang.get(kode, 0)
        n_galat = galat_by_bidang.get(kode, 0)
        if s is None:
            status = STATUS_DITOLAK if kode in rejected_last else STATUS_BELUM
            rows.append({"kode_bidang": kode, "nama_bidang": b["nama_bidang"], "status": status,
                         "diterima": rejected_last[kode]["diterima"] if kode in rejected_last else "",
                         "berkas": rejected_last[kode]["nama_asli"] if kode in rejected_last else "",
                         "versi": 0, "terisi": 0, "diharapkan": expected, "temuan_terbuka": n_open,
                         "galat": n_galat, "terlambat": False})
            continue
        if n_open or n_galat:
            status = STATUS_KONFIRMASI
        elif s["terlambat"]:
            status = STATUS_TERLAMBAT
        else:
            status = STATUS_DITERIMA
        rows.append({"kode_bidang": kode, "nama_bidang": b["nama_bidang"], "status": status,
                     "diterima": s["diterima"], "berkas": s["berkas"], "versi": s["versi"],
                     "terisi": s["n_terisi"], "diharapkan": expected, "temuan_terbuka": n_open, "galat": n_galat,
                     "terlambat": bool(s["terlambat"])})
    return rows
