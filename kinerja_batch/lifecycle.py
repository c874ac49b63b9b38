"""The life of a finding in the ledger (store layer: uses the ledger, never a file or a rule).

Life of a finding (:func:`sync_temuan`, every run, per period), keyed by (code, bidang, period, indicator):

- fires and was never recorded, or its last record was ``Selesai``: a new row, ``Terbuka``;
- fires and the last record is ``Terbuka``: that row is kept (its id is what a confirmation
  workbook answers) and brought up to date with the current values and submission;
- fires and the last record was answered (``Dikonfirmasi``/``Dikoreksi``): unchanged while the
  values that triggered it are the same (its fingerprint ``sidik``); with other values (a new
  kertas kerja, a correction) it is a new question, a new ``Terbuka`` row;
- no longer fires and the last record is ``Terbuka``: ``Selesai``.

A finding of one cell (galat, peringatan, info) belongs to its submission: it is ``Selesai`` once a newer kertas
kerja supersedes that submission (:func:`close_superseded_cells`), or once a confirmation answer replaces the
value it was about (:func:`close_replaced_cells`: a corrected ``1500`` closes ``ANGKA_AMBIGU``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kinerja_batch import findings as F
from kinerja_batch.findings import finding_data

if TYPE_CHECKING:
    from kinerja_batch.ledger import Ledger


@dataclass
class RefreshSummary:
    """What one :func:`refresh` did: rows inserted, brought up to date, closed, left as they were."""

    baru: int = 0
    diperbarui: int = 0
    selesai: int = 0
    tetap: int = 0
    ids: list[int] = field(default_factory=list)  # ids of the rows that hold now


def scaled_codes(ledger: Ledger, every: list[Any], periode: str | None = None) -> set[str]:
    """Indicators whose current value was read from a percent-formatted cell (SKALA_PERSEN_DIUBAH): the
    SKALA_PERSEN rule must not question them again. ``every`` are findings of ``periode`` (which point at
    submissions of that period: only those are read)."""
    current_subs = {s["id"] for s in ledger.current_submissions(periode)}
    return {f["kode_indikator"] for f in every if f["kode"] == "SKALA_PERSEN_DIUBAH"
            and (f["submission_id"] is None or f["submission_id"] in current_subs)}


def sync_temuan(ledger: Ledger, periode: str, hits: list[F.Finding], run_id: int,
                every: list[Any] | None = None) -> RefreshSummary:
    """Bring the ledger's temuan of a period in line with ``hits`` (what the rules found over the current
    values); ``every`` is the period's findings as read for :func:`scaled_codes` (read again when None)."""
    p = periode
    subs = {s["kode_bidang"]: s for s in ledger.current_submissions(p)}
    if every is None:
        every = list(ledger.findings(periode=p, current_only=False))
    notices = [f for f in every if f["kode"] == "TANGGAPAN_TIDAK_VALID"]

    latest: dict[tuple[str, str, str], Any] = {}
    stale: list[Any] = []
    for row in sorted(every, key=lambda r: r["id"]):
        if F.CATALOG[row["kode"]].scope != F.TEMUAN:
            continue
        key = (row["kode"], row["kode_bidang"], row["kode_indikator"])
        if key in latest and latest[key]["status"] == F.TERBUKA:
            stale.append(latest[key])
        latest[key] = row

    out = RefreshSummary()
    with ledger.atomic():
        seen = set()
        for f in hits:
            key = (f.code, f.bidang, f.kode_indikator)
            seen.add(key)
            sub = subs[f.bidang]
            old = latest.get(key)
            link = {"submission_id": sub["id"], "file_id": sub["file_id"], "berkas": f.file}
            if old is not None and old["status"] == F.TERBUKA:
                if (old["pesan"], old["nilai"], old["submission_id"], old["sel"]) != (
                        f.message, f.value, sub["id"], f.cell) or finding_data(old).get("sidik") != f.data["sidik"]:
                    ledger.update_finding(old["id"], pesan=f.message, nilai=f.value, lembar=f.sheet, sel=f.cell,
                                          data=f.data, **link)
                    out.diperbarui += 1
                else:
                    out.tetap += 1
                out.ids.append(old["id"])
            elif old is not None and old["status"] in (F.DIKONFIRMASI, F.DIKOREKSI) and (
                    finding_data(old).get("sidik") == f.data["sidik"]):
                if old["submission_id"] != sub["id"]:  # the same values came again in a newer kertas kerja
                    ledger.update_finding(old["id"], **link)
                out.tetap += 1
                out.ids.append(old["id"])
            else:
                out.ids.append(ledger.record_finding(run_id, f, file_id=sub["file_id"], submission_id=sub["id"]))
                out.baru += 1
        for key, old in latest.items():
            current_sub = subs.get(old["kode_bidang"])
            if key in seen or old["status"] != F.TERBUKA or current_sub is None:
                continue
            # resolved under the current kertas kerja: linked to it, so the rekap shows it was resolved
            ledger.update_finding(old["id"], status=F.SELESAI, submission_id=current_sub["id"],
                                  file_id=current_sub["file_id"])
            out.selesai += 1
        for old in stale:
            ledger.update_finding(old["id"], status=F.SELESAI)
            out.selesai += 1
        _close_orphans(ledger, notices)
        out.selesai += close_superseded_cells(ledger, every, {int(s["id"]) for s in subs.values()},
                                              {s["kode_bidang"] for s in subs.values()})
    return out


def close_superseded_cells(ledger: Ledger, every: Iterable[Any], current: set[int], bidang: set[str]) -> int:
    """Open cell findings of submissions a newer kertas kerja replaced are no longer true: ``Selesai``.
    ``current`` are the ids of the period's current submissions, ``bidang`` the bidang that have one."""
    n = 0
    for row in every:
        if row["status"] != F.TERBUKA or row["submission_id"] is None or row["kode_bidang"] not in bidang:
            continue
        if F.CATALOG[row["kode"]].scope != F.SEL or row["kode"] == "TANGGAPAN_TIDAK_VALID":
            continue
        if int(row["submission_id"]) not in current:
            ledger.update_finding(row["id"], status=F.SELESAI)
            n += 1
    return n


def close_replaced_cells(ledger: Ledger, submission_id: int, kode_indikator: str, kolom: str,
                         sel_anggaran: str | None, *, keep: int) -> int:
    """A confirmation answer replaced the ``kolom`` value of an indicator: the open cell findings about that
    value (``ANGKA_AMBIGU``, a galat of that cell, a percent note) are no longer true. ``keep`` is the id of
    the finding that was answered (its own status is set by the caller)."""
    n = 0
    for row in ledger.open_findings_of(submission_id, kode_indikator):
        if int(row["id"]) == keep or F.CATALOG[row["kode"]].scope != F.SEL:
            continue
        if row["kode"] == "TANGGAPAN_TIDAK_VALID" or not row["sel"]:
            continue
        if F.kolom_of(dict(row), sel_anggaran) == kolom:
            ledger.update_finding(row["id"], status=F.SELESAI)
            n += 1
    return n


def close_orphan_notices(ledger: Ledger, periode: str) -> None:
    """An invalid-answer notice (TANGGAPAN_TIDAK_VALID) closes when the finding it was about is closed."""
    _close_orphans(ledger, ledger.findings(periode=periode, current_only=False))


def _close_orphans(ledger: Ledger, rows: Iterable[Any]) -> None:
    for row in rows:
        if row["kode"] != "TANGGAPAN_TIDAK_VALID" or row["status"] != F.TERBUKA:
            continue
        target_id = finding_data(row).get("temuan_id")
        if target_id is None:
            continue
        target = ledger.finding(int(target_id))
        if target is None or target["status"] != F.TERBUKA:
            ledger.update_finding(row["id"], status=F.SELESAI)
