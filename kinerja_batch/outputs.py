"""What a run writes after the files are in: measures, collection status, the rekap per period.

Everything here is rebuilt from the ledger, so a rekap never depends on what one run saw.

Layer: commands (../shared/docs/architecture.md); it may import writers, model, intake, store, rules, foundation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kinerja_batch import findings as F
from kinerja_batch.config import Settings, Workspace
from kinerja_batch.model import PeriodData, period_data
from kinerja_batch.periode import Periode
from kinerja_batch.portable import release_memory

if TYPE_CHECKING:
    import pandas as pd

    from kinerja_batch.ledger import Ledger
    from kinerja_batch.lifecycle import RefreshSummary
    from kinerja_batch.master import Master
    from kinerja_batch.report import RunReport


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
        values = ledger.period_values(str(p))  # read once for the temuan rules and the period model
        refresh_temuan(ledger, m, settings, p, run_id, values)
        data = period_data(ledger, m, settings, p, run_id=run_id, values=values)
        data.sidik = before
        del values
        release_memory()  # the period model's working frames: the rekap's peak does not stack on them
        sidik_bidang = bidang_fingerprints(ws, settings, data)
        # only the bidang whose own outputs changed get a new confirmation workbook and drafts (the others'
        # files are left as they are, unless missing); a change of master, settings or version changes all
        before_bidang = (saved or {}).get("bidang") or {}
        changed = {k for k, v in sidik_bidang.items() if before_bidang.get(k) != v}
        status = [
            {k: row[k] for k in ("kode_bidang", "status", "terisi", "diharapkan", "temuan_terbuka", "galat", "per_kode",
                                 "ditahan")}
            for row in data.status
        ]
        report.status[str(p)] = status
        report.temuan_terbuka += sum(row["temuan_terbuka"] for row in data.status)
        konfirmasi_before, drafts_before = len(report.konfirmasi), len(report.drafts)
        # the confirmation workbooks and the rekap depend only on ``data``: written side by side
        # a closed period takes no answers: no confirmation workbooks or drafts are issued for it
        issue = not data.final
        if not issue:
            sidik_bidang = {}  # nothing issued: a period opened again writes every bidang's
        # the child writes the confirmation workbooks and then the e-mail drafts that attach them
        drafts_to = None if dry_run or not issue else _drafts_result_file(ws)
        writer = None if drafts_to is None else _konfirmasi_in_child(ws, data, changed, drafts_to)
        held_open = False  # a confirmation workbook went beside its held-open name
        written = path if dry_run else write_rekap(path, data)
        report.rekap.append(str(written.relative_to(ws.root)))
        if written != path:  # the rekap is open in another program (Excel on Windows): the new one is beside it
            report.rekap_baru[str(path.relative_to(ws.root))] = str(written.relative_to(ws.root))
        if writer is not None and drafts_to is not None:
            _wait_for(writer, p)
            held_open = _take_from_child(report, drafts_to)
        elif issue:  # a dry run: what would be written
            report.konfirmasi += _konfirmasi_paths(ws, data)
            _write_drafts(ws, data, report, dry_run=dry_run, only=changed)
        if not dry_run and written == path and not held_open:  # else the next run tries the held files again
            state.put(p, {"sidik": fingerprint(ledger, ws, settings, p), "status": status,
                          "konfirmasi": report.konfirmasi[konfirmasi_before:],
                          "drafts": report.drafts[drafts_before:], "bidang": sidik_bidang})


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
        " (SELECT COALESCE(MAX(id), 0) FROM temuan), (SELECT COALESCE(MAX(id), 0) FROM audit),"
        " (SELECT COALESCE(MAX(id), 0) FROM penutupan), (SELECT COALESCE(MAX(id), 0) FROM pembukaan)"
    ).fetchone()
    marks = [*marks, ledger.riwayat_mark()]  # an import (domain §10) changes what the outputs show
    master_sha = _file_sha256(ws.master_path)
    deadline = settings.deadline(periode)
    past = bool(deadline and (today or dt.date.today()) > deadline)
    payload = [list(marks), master_sha, settings.as_dict(), __version__, str(periode), past]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def bidang_fingerprints(ws: Workspace, settings: Settings, data: PeriodData,
                        today: dt.date | None = None) -> dict[str, str]:
    """Per bidang, a digest of everything its confirmation workbook and e-mail drafts of the period show:
    its open findings, its status row, its rejected files and why, the names and cells of the indicators
    asked about, its kertas kerja (attached to reminders), and what every bidang shares (master bytes,
    settings, tool version, period; the date when a reminder is due). Equal digests: nothing to rewrite."""
    import hashlib
    import json

    from kinerja_batch import __version__
    from kinerja_batch.model import STATUS_BELUM, STATUS_DITOLAK

    p = data.periode
    shared = [_file_sha256(ws.master_path), settings.as_dict(), __version__, str(p)]
    today = today or _run_date(data)
    deadline = settings.deadline(p)
    reminders_due = bool(deadline and today > deadline)
    items: dict[str, list[dict[str, Any]]] = {}
    for f in data.findings:
        if f["status"] == F.TERBUKA:
            items.setdefault(f["kode_bidang"], []).append(f)
    reasons: dict[tuple[Any, Any], Any] = {(g.get("kode_bidang"), g.get("berkas")): g.get("pesan", "")
                                           for g in data.galat}
    asked = {f["kode_indikator"] for fs in items.values() for f in fs if f["kode_indikator"]}
    m = data.measures
    shown = m[m["kode_indikator"].isin(asked)]
    lookups = {k: (n, a) for k, n, a in zip(shown["kode_indikator"], shown["indikator_kinerja"],
                                           shown["sel_anggaran"], strict=True)}
    info = {str(b["kode_bidang"]): b for b in data.master.bidang.to_dict("records")}
    rejected: dict[str, list[dict[str, Any]]] = {}
    for f in data.files:
        if f.get("hasil") == "ditolak" and f.get("kode_bidang"):
            rejected.setdefault(f["kode_bidang"], []).append(f)
    out = {}
    for row in data.status:
        kode = row["kode_bidang"]
        own = items.get(kode, [])
        # a reminder says "until <today>"; reminders and drafts of rejected files attach the kertas kerja
        template = ws.template_path(kode, p)
        stat = template.stat() if template.exists() else None
        extra: list[Any] = [stat and (stat.st_size, stat.st_mtime_ns)]
        if reminders_due and row["status"] in (STATUS_BELUM, STATUS_DITOLAK):
            extra.append(today.isoformat())
        payload = [shared, row, reasons.get((kode, row["berkas"]), ""), own,
                   [lookups.get(f["kode_indikator"]) for f in own], info.get(kode), extra,
                   rejected.get(kode, [])]
        out[kode] = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
    return out


def _run_date(data: PeriodData) -> dt.date:
    try:
        return dt.datetime.fromisoformat(data.run_time).date()
    except (TypeError, ValueError):
        return dt.date.today()


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


def refresh_temuan(ledger: Ledger, master: Master, settings: Settings, periode: Periode,
                   run_id: int | None, values: pd.DataFrame | None = None) -> RefreshSummary:
    """Evaluate the temuan rules over the period's current values and bring the ledger's temuan in line
    (see :mod:`kinerja_batch.lifecycle` for the life of a finding). Returns what changed.

    Reads the period's year (``values``: :meth:`Ledger.period_values`, when the caller has it) and, of the
    earlier periods, only the numbers of the indicators the period holds: not every value of every year,
    so the cost stays flat as the years pile up."""
    from kinerja_batch._gc import gc_paused
    from kinerja_batch.lifecycle import scaled_codes, sync_temuan
    from kinerja_batch.temuan import evaluate

    if run_id is None:
        raise ValueError("refresh memerlukan run_id")
    p = str(periode)
    with gc_paused():
        # every finding of the period, read once: the percent notes of current submissions, the temuan,
        # the notices of invalid answers
        every = list(ledger.findings(periode=p, current_only=False))
        if values is None:
            values = ledger.period_values(p)
        held = values.loc[values["periode"] == p, "kode_indikator"].unique().tolist()
        hits = evaluate(values, master, settings, periode, scaled=scaled_codes(ledger, every, p),
                        history=ledger.history_values(p, held))
        return sync_temuan(ledger, p, hits, run_id, every)


def _konfirmasi_paths(ws: Workspace, data: PeriodData) -> list[str]:
    """The confirmation workbooks of the period (the writer's own dry run: nothing is written)."""
    from kinerja_batch.konfirmasi import write_konfirmasi_workbooks

    return write_konfirmasi_workbooks(ws, data, dry_run=True)


def _konfirmasi_in_child(ws: Workspace, data: PeriodData, only: set[str] | None = None,
                         drafts_to: str | None = None) -> Any:
    """Start writing the period's confirmation workbooks in a child process; see :func:`_wait_for`.

    They are independent of the rekap (the ledger is already committed), so with two cores the
    outputs of a period take about as long as the longer of the two, not their sum. The child is
    forked on Linux and spawned (``data`` pickled) on Windows and macOS, like the readers. With ``only``,
    the workbooks of other bidang are written only when missing. With ``drafts_to``, the child then
    writes the e-mail drafts, which attach those workbooks, and leaves what it wrote in that file
    (see :func:`_take_from_child`).
    """
    import multiprocessing

    from kinerja_batch.safety import start_method

    ctx: Any = multiprocessing.get_context(start_method())
    proc = ctx.Process(target=_write_konfirmasi_child, args=(ws, data, only, drafts_to))
    proc.start()
    return proc


def _write_konfirmasi_child(ws: Workspace, data: PeriodData, only: set[str] | None = None,
                            drafts_to: str | None = None) -> None:
    import json

    from kinerja_batch.konfirmasi import write_konfirmasi_workbooks
    from kinerja_batch.report import RunReport

    write_konfirmasi_workbooks(ws, data, only=only)
    if drafts_to is None:
        return
    # the workbooks' paths (beside their held-open names where they went there), then the drafts attaching them
    mine = RunReport(run_id=None, dry_run=False, started="")
    mine.konfirmasi = _konfirmasi_paths(ws, data)
    beside = _note_konfirmasi_beside(ws, mine, 0)
    _write_drafts(ws, data, mine, dry_run=False, only=only)
    with open(drafts_to, "w", encoding="utf-8") as fh:
        json.dump({"konfirmasi": mine.konfirmasi, "beside": beside, "drafts": mine.drafts, "catatan": mine.catatan},
                  fh)


def _drafts_result_file(ws: Workspace) -> str:
    """Where the child leaves the list of workbooks and drafts it wrote (``outbox/.tmp_*``: removed by the next run if this
    one dies)."""
    import os
    import tempfile

    ws.outbox.mkdir(parents=True, exist_ok=True)
    fd, path = tempfile.mkstemp(prefix=".tmp_draf_", suffix=".json", dir=ws.outbox)
    os.close(fd)
    return path


def _take_from_child(report: RunReport, drafts_to: str) -> bool:
    """What the child wrote: the confirmation workbooks, the drafts, and its notes the run does not have yet
    (a workbook held open, no sender set). True when a workbook went beside its held-open name."""
    import json
    import os

    try:
        with open(drafts_to, encoding="utf-8") as fh:
            done = json.load(fh)
    finally:
        os.unlink(drafts_to)
    report.konfirmasi += done["konfirmasi"]
    report.drafts += done["drafts"]
    for note in done["catatan"]:
        if note not in report.catatan:
            report.catatan.append(note)
    return bool(done["beside"])


def _note_konfirmasi_beside(ws: Workspace, report: RunReport, first: int) -> bool:
    """A confirmation workbook held open by another program (Excel on Windows) was written beside it: report
    the new one (the drafts attach it) and say so. True when any was."""
    from kinerja_batch.konfirmasi import written_beside

    any_beside = False
    for i in range(first, len(report.konfirmasi)):
        path = ws.root / report.konfirmasi[i]
        beside = written_beside(path)
        if beside is None:
            continue
        any_beside = True
        report.konfirmasi[i] = str(beside.relative_to(ws.root))
        report.catatan.append(f"Lembar konfirmasi {path.relative_to(ws.root)} sedang dibuka program lain sehingga "
                              f"tidak dapat diganti; yang terbaru ditulis di {report.konfirmasi[i]}. Tutup berkas "
                              "lama; pemrosesan berikutnya menulis ke nama biasa lagi.")
    return any_beside


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


def _write_drafts(ws: Workspace, data: PeriodData, report: RunReport, *, dry_run: bool,
                  only: set[str] | None = None) -> None:
    """Reminder and confirmation e-mail drafts of the period (issue 5); nothing is sent."""
    from kinerja_batch.drafts import NO_SENDER_NOTE, run_drafts

    written = run_drafts(ws, data, report.konfirmasi, dry_run=dry_run, only=only)
    report.drafts += written
    if written and not data.settings.email.pengirim and NO_SENDER_NOTE not in report.catatan:
        report.catatan.append(NO_SENDER_NOTE)
