"""What a run writes after the files are in: measures, collection status, the rekap per period.

Everything here is rebuilt from the ledger, so a rekap never depends on what one run saw.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kinerja_batch import findings as F
from kinerja_batch.config import Settings, Workspace
from kinerja_batch.periode import Periode

if TYPE_CHECKING:
    import pandas as pd

    from kinerja_batch.batch import RunReport
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


def period_data(ledger: Ledger, master: Master, settings: Settings, periode: Periode,
                run_id: int | None = None, now: dt.datetime | None = None) -> PeriodData:
    """Measures, status and findings of one period, from the ledger."""
    from kinerja_batch.measure import measure

    now = now or dt.datetime.now().replace(microsecond=0)
    values = ledger.current_values(periode.tahun)
    year = values[values["tahun"] == periode.tahun][["kode_indikator", "tw", "realisasi", "anggaran"]]
    m = measure(master.indikator, year, periode, aturan_negatif=settings.aturan_negatif,
                predikat=settings.predikat_bands())
    ind = master.indikator.set_index("kode_indikator")
    texts = values[(values["periode"] == str(periode))].set_index("kode_indikator")
    joined = ind.drop(columns=["kode_bidang"]).join(m, how="left")
    for col in ("pendorong", "penghambat", "bukti", "keterangan", "berkas", "sel_realisasi", "realisasi_teks"):
        joined[col] = texts[col].reindex(joined.index).fillna("") if len(texts) else ""
    joined = joined.reset_index()

    all_findings = [dict(r) for r in ledger.findings(periode=str(periode))]
    temuan = [f for f in all_findings if F.CATALOG[f["kode"]].scope == F.TEMUAN or f["level"] == F.GALAT
              and F.CATALOG[f["kode"]].scope == F.SEL]
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
         "diterima": r["diterima"], "kode_bidang": r["kode_bidang"] or "", "periode": r["periode"] or ""}
        for r in ledger.all_files()
        if r["periode"] == str(periode) or (not r["periode"] and periode == settings.periode_aktif)
    ]
    audit = [dict(a) for a in ledger.audit_rows() if a["periode"] == str(periode)]
    return PeriodData(periode, settings, master, joined, status, temuan, galat, files, run_id,
                      now.isoformat(sep=" "), audit)


def collection_status(ledger: Ledger, master: Master, settings: Settings, periode: Periode,
                      now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """One row per bidang: status (domain §7), when received, file, filled/expected, counts."""
    subs = {s["kode_bidang"]: s for s in ledger.current_submissions(str(periode))}
    open_by_bidang: dict[str, int] = {}
    galat_by_bidang: dict[str, int] = {}
    for f in ledger.findings(periode=str(periode)):
        if f["status"] != F.TERBUKA:
            continue
        if f["level"] == F.GALAT:
            galat_by_bidang[f["kode_bidang"]] = galat_by_bidang.get(f["kode_bidang"], 0) + 1
        elif F.CATALOG[f["kode"]].scope == F.TEMUAN:
            open_by_bidang[f["kode_bidang"]] = open_by_bidang.get(f["kode_bidang"], 0) + 1
    rejected_last = {}
    for r in ledger.rejected_files():
        if r["periode"] == str(periode) and r["kode_bidang"]:
            rejected_last[r["kode_bidang"]] = r
    rows = []
    for b in master.bidang.to_dict("records"):
        kode = b["kode_bidang"]
        expected = len(master.indikator_of(kode))
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


def rebuild_outputs(ws: Workspace, settings: Settings, master: Master, ledger: Ledger, periods: list[Periode],
                    report: RunReport, *, dry_run: bool = False, run_id: int | None = None) -> None:
    """Temuan, rekap and confirmation workbooks for every period touched (and the active one)."""
    from kinerja_batch.rekap import write_rekap

    for p in periods:
        _refresh_temuan(ledger, master, settings, p, run_id)
        data = period_data(ledger, master, settings, p, run_id=run_id)
        report.status[str(p)] = [
            {k: row[k] for k in ("kode_bidang", "status", "terisi", "diharapkan", "temuan_terbuka", "galat")}
            for row in data.status
        ]
        report.temuan_terbuka += sum(row["temuan_terbuka"] for row in data.status)
        path = ws.rekap_path(p)
        if not dry_run:
            write_rekap(path, data)
        report.rekap.append(str(path.relative_to(ws.root)))
        _write_konfirmasi(ws, data, ledger, report, dry_run=dry_run)


def _refresh_temuan(ledger: Ledger, master: Master, settings: Settings, periode: Periode, run_id: int | None) -> None:
    """Re-evaluate the temuan rules of the period (issue 4); a no-op until the rules module exists."""
    try:
        from kinerja_batch.temuan import refresh
    except ImportError:
        return
    refresh(ledger, master, settings, periode, run_id)


def _write_konfirmasi(ws: Workspace, data: PeriodData, ledger: Ledger, report: RunReport, *, dry_run: bool) -> None:
    try:
        from kinerja_batch.konfirmasi import write_konfirmasi_workbooks
    except ImportError:
        return
    report.konfirmasi += write_konfirmasi_workbooks(ws, data, dry_run=dry_run)
