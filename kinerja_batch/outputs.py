"""What a run writes after the files are in: measures, collection status, the rekap per period.

Everything here is rebuilt from the ledger, so a rekap never depends on what one run saw.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
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


TEXT_COLUMNS = ("pendorong", "penghambat", "bukti", "keterangan", "berkas", "lembar", "sel_realisasi",
                "sel_anggaran", "realisasi_teks")


def measured_frame(values: pd.DataFrame, master: Master, settings: Settings, periode: Periode) -> pd.DataFrame:
    """One row per master indicator: the master columns, :func:`measure.measure` at ``periode`` and the texts,
    source cells and ``submission_id`` (NaN when none) of the period's current values.

    ``values`` has the shape of :meth:`Ledger.current_values` (earlier years are ignored here).
    """
    from kinerja_batch.measure import measure

    year = values[values["tahun"] == periode.tahun][["kode_indikator", "tw", "realisasi", "anggaran"]]
    m = measure(master.indikator, year, periode, aturan_negatif=settings.aturan_negatif,
                predikat=settings.predikat_bands())
    ind = master.indikator.set_index("kode_indikator")
    texts = values[(values["periode"] == str(periode))].set_index("kode_indikator")
    joined = ind.drop(columns=["kode_bidang"]).join(m, how="left")
    for col in TEXT_COLUMNS:
        joined[col] = texts[col].reindex(joined.index).fillna("").astype(str) if len(texts) else ""
    joined["submission_id"] = (texts["submission_id"].reindex(joined.index).astype("float64") if len(texts)
                               else float("nan"))
    return joined.reset_index()


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
         "diterima": r["diterima"], "kode_bidang": r["kode_bidang"] or "", "periode": r["periode"] or ""}
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


def rebuild_outputs(ws: Workspace, settings: Settings, master: Master | Callable[[], Master], ledger: Ledger,
                    periods: list[Periode], report: RunReport, *, dry_run: bool = False,
                    run_id: int | None = None) -> None:
    """Temuan, rekap and confirmation workbooks for every period touched (and the active one).

    A period whose ledger fingerprint (see :func:`fingerprint`) equals the one its outputs were
    built from, and whose rekap still exists, is not rebuilt: a run with nothing new rewrites
    nothing, and does not even need to parse the master (``master`` may be a loader).
    """
    from kinerja_batch.rekap import write_rekap

    state = _OutputState(ws)
    for p in periods:
        path = ws.rekap_path(p)
        before = fingerprint(ledger, ws, settings, p)
        saved = state.get(p)
        outputs_there = path.exists() and all((ws.root / k).exists() for k in (saved or {}).get("konfirmasi", []))
        if saved and saved.get("sidik") == before and outputs_there:
            report.status[str(p)] = saved["status"]
            report.temuan_terbuka += sum(row["temuan_terbuka"] for row in saved["status"])
            report.rekap.append(str(path.relative_to(ws.root)))
            report.tidak_berubah.append(str(path.relative_to(ws.root)))
            report.konfirmasi += saved.get("konfirmasi", [])  # still the current ones
            report.drafts += [d for d in saved.get("drafts", []) if (ws.root / d).exists()]
            continue
        m = master() if callable(master) else master
        _refresh_temuan(ledger, m, settings, p, run_id)
        data = period_data(ledger, m, settings, p, run_id=run_id)
        status = [
            {k: row[k] for k in ("kode_bidang", "status", "terisi", "diharapkan", "temuan_terbuka", "galat")}
            for row in data.status
        ]
        report.status[str(p)] = status
        report.temuan_terbuka += sum(row["temuan_terbuka"] for row in data.status)
        konfirmasi_before, drafts_before = len(report.konfirmasi), len(report.drafts)
        # the confirmation workbooks and the rekap depend only on ``data``: written side by side
        writer = None if dry_run else _konfirmasi_in_child(ws, data)
        if not dry_run:
            write_rekap(path, data)
        report.rekap.append(str(path.relative_to(ws.root)))
        report.konfirmasi += _konfirmasi_paths(ws, data)
        if writer is not None:
            _wait_for(writer, p)
        _write_drafts(ws, data, report, dry_run=dry_run)
        if not dry_run:
            state.put(p, {"sidik": fingerprint(ledger, ws, settings, p), "status": status,
                          "konfirmasi": report.konfirmasi[konfirmasi_before:],
                          "drafts": report.drafts[drafts_before:]})


def fingerprint(ledger: Ledger, ws: Workspace, settings: Settings, periode: Periode,
                today: dt.date | None = None) -> str:
    """What a period's outputs depend on: the ledger's high-water marks (every change of data adds a
    row somewhere), the master's bytes, the settings, the tool version, and whether the deadline has
    passed (reminder drafts start then)."""
    import hashlib
    import json

    from kinerja_batch import __version__

    marks = ledger.conn.execute(
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM files), (SELECT COALESCE(MAX(id), 0) FROM submissions),"
        " (SELECT COALESCE(MAX(id), 0) FROM temuan), (SELECT COALESCE(MAX(id), 0) FROM audit)"
    ).fetchone()
    master_sha = _file_sha256(ws.master_path)
    deadline = settings.deadline(periode)
    past = bool(deadline and (today or dt.date.today()) > deadline)
    payload = [list(marks), master_sha, settings.as_dict(), __version__, str(periode), past]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _file_sha256(path: Any) -> str:
    import hashlib

    if not path.exists():
        return ""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class _OutputState:
    """``.kinerja/keluaran.json``: per period, the fingerprint its outputs were built from."""

    def __init__(self, ws: Workspace) -> None:
        self.path = ws.state_dir / "keluaran.json"
        self.data: dict[str, Any] = {}
        if self.path.exists():
            import json

            try:
                self.data = json.loads(self.path.read_text(encoding="utf-8"))
            except (ValueError, OSError):
                self.data = {}  # unreadable state only costs a rebuild

    def get(self, periode: Periode) -> dict[str, Any] | None:
        return self.data.get(str(periode))

    def put(self, periode: Periode, value: dict[str, Any]) -> None:
        import json
        import os

        self.data[str(periode)] = value
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(self.data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        os.replace(tmp, self.path)


def _refresh_temuan(ledger: Ledger, master: Master, settings: Settings, periode: Periode, run_id: int | None) -> None:
    """Re-evaluate the temuan rules of the period against its current values (issue 4)."""
    from kinerja_batch.temuan import refresh

    refresh(ledger, master, settings, periode, run_id)


def _konfirmasi_paths(ws: Workspace, data: PeriodData) -> list[str]:
    """The confirmation workbooks of the period (the writer's own dry run: nothing is written)."""
    from kinerja_batch.konfirmasi import write_konfirmasi_workbooks

    return write_konfirmasi_workbooks(ws, data, dry_run=True)


def _konfirmasi_in_child(ws: Workspace, data: PeriodData) -> Any:
    """Start writing the period's confirmation workbooks in a forked child; see :func:`_wait_for`.

    They are independent of the rekap (the ledger is already committed), so with two cores the
    outputs of a period take about as long as the longer of the two, not their sum.
    """
    import multiprocessing

    proc = multiprocessing.get_context("fork").Process(target=_write_konfirmasi_child, args=(ws, data))
    proc.start()
    return proc


def _write_konfirmasi_child(ws: Workspace, data: PeriodData) -> None:
    from kinerja_batch.konfirmasi import write_konfirmasi_workbooks

    write_konfirmasi_workbooks(ws, data)


def _wait_for(proc: Any, periode: Periode) -> None:
    from kinerja_batch.errors import KinerjaError

    proc.join()
    code = proc.exitcode
    proc.close()
    if code != 0:
        raise KinerjaError(
            f"Lembar konfirmasi {periode} tidak dapat ditulis ke outbox/konfirmasi/ (penulis berhenti dengan kode "
            f"{code}). Data di buku besar aman; periksa ruang disk dan izin folder outbox/, lalu jalankan lagi."
        )


def _write_drafts(ws: Workspace, data: PeriodData, report: RunReport, *, dry_run: bool) -> None:
    """Reminder and confirmation e-mail drafts of the period (issue 5); nothing is sent."""
    from kinerja_batch.drafts import run_drafts

    report.drafts += run_drafts(ws, data, report.konfirmasi, dry_run=dry_run)
