"""The period model: everything one period's outputs show, built from the ledger once.

Layer: model (the period model). It reads the ledger (store) and the master, and runs the pure measure (rules); the
writers (rekap, confirmation workbooks, drafts, status) take a :class:`PeriodData` and never the run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kinerja_batch import findings as F
from kinerja_batch.config import Settings
from kinerja_batch.master_ringkas import MasterRingkas, summary_of
from kinerja_batch.periode import Periode

if TYPE_CHECKING:
    import pandas as pd

    from kinerja_batch.ledger import Ledger
    from kinerja_batch.master import Master

STATUS_BELUM = "Belum Mengumpulkan"
STATUS_DITERIMA = "Diterima"
STATUS_TERLAMBAT = "Diterima (Terlambat)"
STATUS_DITOLAK = "Ditolak"
STATUS_KONFIRMASI = "Perlu Konfirmasi"
STATUS_DITAHAN = "Ditahan"  # a file without a signature waits for the officer (kinerja-batch terima)

TANDA_TANGAN_SAH = "Sah"
TANDA_TANGAN_TANPA = "Tanpa tanda tangan"


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
    # closing (domain §8): "terbuka", "ditutup" or "dibuka kembali"; the closing the outputs are final for
    keadaan: str = "terbuka"
    penutupan: dict[str, Any] | None = None
    sidik: str = ""  # the ledger fingerprint of the data shown (Info Proses)
    # info notes of the year's current submissions up to this period, per indicator: [(quarter, code, message)]
    catatan: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)

    @property
    def final(self) -> bool:
        return self.penutupan is not None


def confirmable(kode: str, level: str) -> bool:
    """A finding the bidang answers in the confirmation workbook: a temuan, or a galat or peringatan of a
    cell/row (domain §6a: every peringatan reaches a person; an info is a note beside its value)."""
    scope = F.CATALOG[kode].scope
    return scope == F.TEMUAN or (scope == F.SEL and level in (F.GALAT, F.PERINGATAN))


def is_note(kode: str, level: str) -> bool:
    """An info about one cell (SKALA_PERSEN_DIUBAH): shown beside the value it changed, never answered."""
    return level == F.INFO and F.CATALOG[kode].scope == F.SEL


def period_data(ledger: Ledger, master: Master, settings: Settings, periode: Periode,
                run_id: int | None = None, now: dt.datetime | None = None,
                values: pd.DataFrame | None = None) -> PeriodData:
    """Measures, status and findings of one period, from the ledger.

    Only the period's rows are read (its year's values, its findings, files and audit rows), so the cost
    does not grow with the years of history; ``values`` is :meth:`Ledger.period_values` when the caller
    already has it."""
    # pandas and the rules: not imported for 'status', which needs neither
    import pandas as pd

    from kinerja_batch.measure import measured_frame
    from kinerja_batch.rencana import plan_columns

    now = now or dt.datetime.now().replace(microsecond=0)
    if values is None:
        values = ledger.period_values(str(periode))
    joined = measured_frame(values, master, settings, periode)
    # the Renstra and earlier-year columns need each earlier year's figure, not its every value: one row per
    # indicator and year, summed up by the ledger (Agregasi applied here), stands for that year's quarters
    earlier = _earlier_years(ledger, master, periode.tahun)
    joined = plan_columns(joined, master, settings, periode, pd.concat([earlier, values], ignore_index=True)
                          if len(earlier) else values, ledger.imported_values(periode.tahun).query("tw == 0"))

    all_findings = [dict(r) for r in ledger.findings(periode=str(periode))]
    # every temuan and cell galat of the current submissions, open and answered (rekap 'Perlu Konfirmasi')
    temuan = _in_master_order([f for f in all_findings if confirmable(f["kode"], f["level"])], master)
    galat = [f for f in all_findings if f["level"] == F.GALAT]
    active = periode == settings.periode_aktif  # a file whose period could not be told shows in the active one
    rejected = [dict(r) for r in ledger.rejected_files(periode=str(periode), without_period=active)]
    seen_file_findings = {(g["berkas"], g["kode"]) for g in galat}
    for r in rejected:
        belongs = (r["periode"] == str(periode)) or (not r["periode"] and active)
        if belongs and (r["nama_asli"], r["kode"]) not in seen_file_findings:
            galat.append({"kode": r["kode"], "level": F.GALAT, "kode_bidang": r["kode_bidang"] or "",
                          "periode": r["periode"] or "", "kode_indikator": "", "berkas": r["nama_asli"],
                          "lembar": "", "sel": "", "nilai": "", "pesan": r["alasan"] or "", "status": F.TERBUKA})
    status = collection_status(ledger, master, settings, periode, now=now)
    files = [
        {"id": r["id"], "berkas": r["nama_asli"], "sha256": r["sha256"], "hasil": r["hasil"], "lokasi": r["lokasi"],
         "diterima": r["diterima"], "kode_bidang": r["kode_bidang"] or "", "periode": r["periode"] or "",
         "kode": r["kode"] or "", "alasan": r["alasan"] or ""}
        for r in ledger.files_of_period(str(periode), without_period=active)
    ]
    audit = [dict(a) for a in ledger.audit_rows(str(periode))]
    state = ledger.period_state(str(periode))
    closing = None
    if state["keadaan"] == "ditutup":
        import json

        closing = dict(state["penutupan"])
        closing["terbuka_list"] = json.loads(closing.get("terbuka") or "[]")
    return PeriodData(periode, settings, master, joined, status, temuan, galat, files, run_id,
                      now.isoformat(sep=" "), audit, keadaan=state["keadaan"], penutupan=closing,
                      catatan=value_notes(ledger, periode, all_findings))


def open_items(data: PeriodData) -> list[tuple[str, str]]:
    """What still stands between a period and its final rekap: (label, Indonesian text) per kind."""
    items: list[tuple[str, str]] = []

    def names(rows: list[dict[str, Any]]) -> str:
        return "; ".join(f"{r['nama_bidang']} ({r['kode_bidang']})" for r in rows)

    missing = [r for r in data.status if r["status"] == STATUS_BELUM]
    rejected = [r for r in data.status if r["status"] == STATUS_DITOLAK]
    pending = [r for r in data.status if r["temuan_terbuka"] or r["galat"]]
    if missing:
        items.append(("Belum mengumpulkan", f"{len(missing)} bidang: {names(missing)}"))
    if rejected:
        items.append(("Berkas ditolak, belum ada yang diterima", f"{len(rejected)} bidang: {names(rejected)}"))
    if pending:
        total = sum(r["temuan_terbuka"] + r["galat"] for r in pending)
        per = "; ".join(f"{r['kode_bidang']} {r['temuan_terbuka'] + r['galat']}" for r in pending)
        items.append(("Butir konfirmasi terbuka", f"{total} butir ({per})"))
    return items


def value_notes(ledger: Ledger, periode: Periode, this_period: list[dict[str, Any]] | None = None
                ) -> dict[str, list[tuple[int, str, str]]]:
    """The info notes (a value read differently from how it was typed) of the current submissions of the
    year's quarters up to ``periode``, per indicator: ``[(quarter, code, message)]`` (``Catatan Nilai`` in the
    rekap)."""
    out: dict[str, list[tuple[int, str, str]]] = {}
    for tw in range(1, periode.tw + 1):
        p = Periode(periode.tahun, tw)
        rows = this_period if (p == periode and this_period is not None) else [
            dict(r) for r in ledger.findings(periode=str(p))]
        for f in rows:
            if is_note(f["kode"], f["level"]) and f["kode_indikator"] and f["status"] == F.TERBUKA:
                out.setdefault(f["kode_indikator"], []).append((tw, str(f["kode"]), str(f["pesan"])))
    return out


def _earlier_years(ledger: Ledger, master: Master, tahun: int) -> pd.DataFrame:
    """One row per indicator and earlier year (``tw`` 4): the year's realisasi by the indicator's Agregasi
    (Kumulatif sum, Posisi Akhir the last reported, Rata-rata mean) and its money (sum), which is what
    :func:`rencana.year_values` makes of that year's quarters."""
    import numpy as np
    import pandas as pd

    from kinerja_batch.measure import KUMULATIF, POSISI_AKHIR

    y = ledger.year_totals(tahun, master.indikator["kode_indikator"].tolist())
    if y.empty:
        return y
    ag = master.indikator.set_index("kode_indikator")["agregasi"].reindex(y["kode_indikator"]).to_numpy()
    real = np.select([ag == KUMULATIF, ag == POSISI_AKHIR], [y["jumlah"].to_numpy(dtype=float),
                                                               y["terakhir"].to_numpy(dtype=float)],
                     default=y["rata"].to_numpy(dtype=float))
    return pd.DataFrame({"kode_indikator": y["kode_indikator"], "tahun": y["tahun"], "tw": 4, "periode": "",
                         "realisasi": real, "anggaran": y["anggaran"].to_numpy(dtype=float)})


def _in_master_order(items: list[dict[str, Any]], master: Master) -> list[dict[str, Any]]:
    """Bidang and indicators in master order (file-level temuan of a bidang first), then by id."""
    bidang = {k: i for i, k in enumerate(master.bidang_codes())}
    indikator = {k: i for i, k in enumerate(master.indikator["kode_indikator"])}
    return sorted(items, key=lambda f: (bidang.get(f["kode_bidang"], len(bidang)), f["kode_bidang"],
                                        indikator.get(f["kode_indikator"], -1 if not f["kode_indikator"] else
                                                      len(indikator)), f["id"]))


def collection_status(ledger: Ledger, master: Master | MasterRingkas, settings: Settings, periode: Periode,
                      now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """One row per bidang: status (domain §7), when received, file, filled/expected, counts.

    ``master`` may be the summary ``status`` reads instead of the master (:mod:`kinerja_batch.master_ringkas`)."""
    summary = summary_of(master)
    subs = {s["kode_bidang"]: s for s in ledger.current_submissions(str(periode))}
    open_by_bidang: dict[str, int] = {}
    galat_by_bidang: dict[str, int] = {}
    by_code: dict[str, dict[str, int]] = {}
    for f in ledger.findings(periode=str(periode)):
        # open items of the confirmation workbook; a rejected file is not answered there (it is 'Ditolak')
        if f["status"] != F.TERBUKA or not confirmable(f["kode"], f["level"]):
            continue
        codes = by_code.setdefault(f["kode_bidang"], {})
        codes[f["kode"]] = codes.get(f["kode"], 0) + 1
        if f["level"] == F.GALAT:
            galat_by_bidang[f["kode_bidang"]] = galat_by_bidang.get(f["kode_bidang"], 0) + 1
        else:
            open_by_bidang[f["kode_bidang"]] = open_by_bidang.get(f["kode_bidang"], 0) + 1
    rejected_last = {}
    for r in ledger.rejected_files(periode=str(periode)):
        if r["kode_bidang"]:
            rejected_last[r["kode_bidang"]] = r
    held: dict[str, list[Any]] = {}
    for r in ledger.held_files(str(periode)):
        held.setdefault(r["kode_bidang"] or "", []).append(r)
    rows = []
    expected_counts = summary.jumlah_indikator
    for b in summary.bidang:
        kode = b["kode_bidang"]
        expected = int(expected_counts.get(kode, 0))
        s = subs.get(kode)
        n_open = open_by_bidang.get(kode, 0)
        n_galat = galat_by_bidang.get(kode, 0)
        # a held file newer than the submission in use waits for the officer (issue 10 section 5)
        waiting = [r for r in held.get(kode, []) if s is None or int(r["id"]) > int(s["file_id"])]
        signed = _signed_label(s)
        note = _held_note(waiting)
        if s is None:
            status = STATUS_DITAHAN if waiting else STATUS_DITOLAK if kode in rejected_last else STATUS_BELUM
            rows.append({"kode_bidang": kode, "nama_bidang": b["nama_bidang"], "status": status,
                         "diterima": rejected_last[kode]["diterima"] if kode in rejected_last else "",
                         "berkas": rejected_last[kode]["nama_asli"] if kode in rejected_last else "",
                         "versi": 0, "terisi": 0, "diharapkan": expected, "temuan_terbuka": n_open,
                         "galat": n_galat, "terlambat": False, "per_kode": dict(sorted(by_code.get(kode, {}).items())),
                         "tanda_tangan": "",
                         "ditahan": [_held_name(r) for r in waiting], "keterangan": note})
            continue
        if waiting:
            status = STATUS_DITAHAN
        elif n_open or n_galat:
            status = STATUS_KONFIRMASI
        elif s["terlambat"]:
            status = STATUS_TERLAMBAT
        else:
            status = STATUS_DITERIMA
        if signed == TANDA_TANGAN_TANPA:
            note = "; ".join(x for x in ("Kiriman yang dipakai tidak bertanda tangan (dibaca dari kode "
                                         "indikatornya)", note) if x)
        rows.append({"kode_bidang": kode, "nama_bidang": b["nama_bidang"], "status": status,
                     "diterima": s["diterima"], "berkas": s["berkas"], "file_id": s["file_id"], "versi": s["versi"],
                     "terisi": s["n_terisi"], "diharapkan": expected, "temuan_terbuka": n_open, "galat": n_galat,
                     "terlambat": bool(s["terlambat"]), "per_kode": dict(sorted(by_code.get(kode, {}).items())),
                     "tanda_tangan": signed,
                     "ditahan": [_held_name(r) for r in waiting], "keterangan": note})
    return rows


def period_states(ledger: Any, periods: list[str]) -> dict[str, dict[str, Any]]:
    """Each period's state for ``status`` and the run summary: keadaan plus an Indonesian line."""
    from kinerja_batch.periode import format_waktu

    out = {}
    for p in periods:
        st = ledger.period_state(p)
        c, o = st["penutupan"], st["pembukaan"]
        if st["keadaan"] == "ditutup":
            text = f"ditutup pada {format_waktu(c['waktu'])} (rekap final {c['berkas']})"
        elif st["keadaan"] == "dibuka kembali":
            text = f"dibuka kembali pada {format_waktu(o['waktu'])}: {o['alasan']}"
        else:
            text = "terbuka"
        out[p] = {"keadaan": st["keadaan"], "teks": text,
                  "ditutup": c["waktu"] if c is not None else None,
                  "tanggal_tanda_tangan": c["tanggal"] if c is not None else None,
                  "berkas_final": c["berkas"] if c is not None else None,
                  "dibuka": o["waktu"] if o is not None else None,
                  "alasan_dibuka": o["alasan"] if o is not None else None,
                  "jumlah_penutupan": st["jumlah_penutupan"]}
    return out


def _signed_label(submission: Any) -> str:
    """How the current submission was identified: signed, unsigned, or '' (none, or stored before signing)."""
    if submission is None:
        return ""
    return {"sah": TANDA_TANGAN_SAH, "tanpa": TANDA_TANGAN_TANPA}.get(submission["tanda_tangan"] or "", "")


def _held_name(row: Any) -> str:
    from pathlib import PurePath

    return PurePath(row["lokasi"]).name


def _held_note(waiting: list[Any]) -> str:
    if not waiting:
        return ""
    names = ", ".join(f"'{_held_name(r)}'" for r in waiting)
    return (f"Ditahan (tanpa tanda tangan, menunggu persetujuan): {names} di inbox/ditahan/; terima dengan "
            "'kinerja-batch terima NAMA_BERKAS'")
