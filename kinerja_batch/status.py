"""``kinerja-batch status``: the collection status of one period at a glance (issue 5).

Reads the ledger read-only (``mode=ro``), never takes the run lock, so it answers while a run is
active (the ledger is in WAL mode: readers see the last committed state). A workspace without a
ledger yet shows every bidang as ``Belum Mengumpulkan``.

Layer: commands (../shared/docs/architecture.md); it may import writers, model, intake, store, rules, foundation.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kinerja_batch.config import Settings, Workspace
from kinerja_batch.errors import KinerjaError
from kinerja_batch.ledger import SCHEMA_VERSION, Ledger
from kinerja_batch.master_ringkas import MasterRingkas, file_sha256, read_summary, summary_of
from kinerja_batch.model import (
    STATUS_BELUM,
    STATUS_DITAHAN,
    STATUS_DITERIMA,
    STATUS_DITOLAK,
    STATUS_KONFIRMASI,
    STATUS_TERLAMBAT,
    collection_status,
)
from kinerja_batch.periode import Periode, format_tanggal, format_waktu

if TYPE_CHECKING:
    from kinerja_batch.master import Master

HEADERS = ("Bidang", "Status", "Diterima", "Berkas", "Terisi/Diharapkan", "Temuan Terbuka", "Galat")
_NUMERIC = {"Terisi/Diharapkan", "Temuan Terbuka", "Galat"}
_MAX_BERKAS = 36


@contextmanager
def read_only_ledger(path: Path) -> Iterator[Ledger]:
    """The ledger opened read-only; an empty in-memory ledger when the workspace has none yet."""
    if not path.exists():
        conn = sqlite3.connect(":memory:", isolation_level=None)
        try:
            yield Ledger(conn, None)
        finally:
            conn.close()
        return
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30, isolation_level=None)
    try:
        try:
            ledger = Ledger(conn, path)
        except sqlite3.OperationalError as exc:
            old = _schema_version(conn)
            if old is not None and old < SCHEMA_VERSION:  # read-only: the migration must wait for a run
                raise KinerjaError(
                    f"Buku besar {path} dibuat oleh versi kinerja-batch yang lebih lama (skema {old}, versi ini "
                    f"memakai skema {SCHEMA_VERSION}). Jalankan 'kinerja-batch run' sekali untuk memperbaruinya, "
                    "lalu ulangi 'status'."
                ) from None
            raise KinerjaError(
                f"Buku besar {path} tidak dapat dibaca (SQLite: {exc}). Periksa berkas dan izinnya; bila buku besar "
                "dibuat oleh versi lama, jalankan 'kinerja-batch run' sekali untuk memperbaruinya."
            ) from None
        yield ledger
    finally:
        conn.close()


def _schema_version(conn: sqlite3.Connection) -> int | None:
    """The ledger's schema version as stored, or None when it cannot be read."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0
    except (sqlite3.Error, ValueError):
        return None


def status_master(ws: Workspace) -> MasterRingkas:
    """What status shows of the master: the summary a run stored beside the master cache when it is of the
    master's current bytes (no pandas, no workbook), else the master read (without writing any cache:
    status only reads). Raises MasterError as the run does for a missing or invalid master."""
    try:
        sha256 = file_sha256(ws.master_path)
    except OSError:
        sha256 = ""
    summary = read_summary(ws.state_dir, sha256) if sha256 else None
    if summary is not None:
        return summary
    from kinerja_batch.master import load_master

    return summary_of(load_master(ws.master_path))


def status_report(ws: Workspace, settings: Settings, master: Master | MasterRingkas, periode: Periode,
                  now: dt.datetime | None = None) -> dict[str, Any]:
    """The status of every bidang of the master for a period, with totals (plain data, for text or JSON)."""
    now = now or dt.datetime.now().replace(microsecond=0)
    has_ledger = ws.ledger_path.exists()
    with read_only_ledger(ws.ledger_path) as ledger:
        rows = collection_status(ledger, master, settings, periode, now=now)
        states = _states(ledger, settings, periode)
    deadline = settings.deadline(periode)
    bidang = [
        {
            "kode_bidang": r["kode_bidang"], "nama_bidang": r["nama_bidang"], "status": r["status"],
            "diterima": r["diterima"] or "", "berkas": r["berkas"] or "", "versi": r["versi"] or 0,
            "terisi": int(r["terisi"]), "diharapkan": int(r["diharapkan"]),
            "temuan_terbuka": int(r["temuan_terbuka"]), "galat": int(r["galat"]), "terlambat": bool(r["terlambat"]),
            "per_kode": dict(r.get("per_kode", {})),
            "tanda_tangan": r["tanda_tangan"], "ditahan": list(r["ditahan"]), "keterangan": r["keterangan"],
        }
        for r in rows
    ]
    counts = {s: sum(1 for b in bidang if b["status"] == s)
              for s in (STATUS_DITERIMA, STATUS_TERLAMBAT, STATUS_KONFIRMASI, STATUS_DITAHAN, STATUS_DITOLAK,
                        STATUS_BELUM)}
    submitted = [b for b in bidang if b["status"] not in (STATUS_BELUM, STATUS_DITOLAK) and b["versi"]]
    return {
        "periode": str(periode),
        "label": periode.label,
        "batas_waktu": deadline.isoformat() if deadline else None,
        "lewat_batas_waktu": bool(deadline and now.date() > deadline),
        "waktu": now.isoformat(sep=" "),
        "ada_buku_besar": has_ledger,
        "keadaan": states[str(periode)],
        "keadaan_periode": states,
        "bidang": bidang,
        "jumlah": {
            "bidang": len(bidang),
            "mengumpulkan": len(submitted),
            "tepat_waktu": sum(1 for b in submitted if not b["terlambat"]),
            "terlambat": sum(1 for b in submitted if b["terlambat"]),
            "status": counts,
            "terisi": sum(b["terisi"] for b in bidang),
            "diharapkan": sum(b["diharapkan"] for b in bidang),
            "temuan_terbuka": sum(b["temuan_terbuka"] for b in bidang),
            "galat": sum(b["galat"] for b in bidang),
            "per_kode": open_by_code(bidang),
            "ditahan": sum(len(b["ditahan"]) for b in bidang),
        },
    }


def _states(ledger: Ledger, settings: Settings, periode: Periode) -> dict[str, dict[str, Any]]:
    """The state (terbuka / ditutup / dibuka kembali) of this period, the year's quarters and every period
    ever closed."""
    from kinerja_batch.model import period_states

    names = {str(periode), *(f"{settings.tahun}-TW{tw}" for tw in range(1, 5))}
    names |= {r["periode"] for r in ledger.closings()}
    return period_states(ledger, sorted(names))


def open_by_code(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Open confirmation items of every bidang, per finding code (``ANGKA_AMBIGU``: 2, ...)."""
    out: dict[str, int] = {}
    for r in rows:
        for kode, n in (r.get("per_kode") or {}).items():
            out[kode] = out.get(kode, 0) + int(n)
    return dict(sorted(out.items()))


def per_code_text(counts: dict[str, int]) -> str:
    """``ANGKA_AMBIGU 1 · TARGET_DIUBAH 2`` (empty when nothing is open)."""
    return " · ".join(f"{kode} {n}" for kode, n in counts.items())


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_status(report: dict[str, Any]) -> str:
    """The report as an aligned table for a terminal, in Bahasa Indonesia."""
    deadline = report["batas_waktu"]
    if deadline:
        when = format_tanggal(dt.date.fromisoformat(deadline), hari=True)
        when += " (sudah lewat)" if report["lewat_batas_waktu"] else ""
    else:
        when = "belum ditetapkan di kinerja.toml"
    lines = [f"Status pengumpulan {report['label']} ({report['periode']})", f"Batas waktu: {when}",
             f"Keadaan periode: {report['keadaan']['teks']}"]
    if not report["ada_buku_besar"]:
        lines.append("Belum ada buku besar (belum pernah diproses): semua bidang belum mengumpulkan.")
    lines.append("")
    table = [list(HEADERS)]
    for b in report["bidang"]:
        table.append([
            b["kode_bidang"], b["status"], format_waktu(b["diterima"]), _short(b["berkas"], _MAX_BERKAS) or "-",
            f"{b['terisi']}/{b['diharapkan']}", str(b["temuan_terbuka"]), str(b["galat"]),
        ])
    j = report["jumlah"]
    total = ["Jumlah", f"{j['mengumpulkan']}/{j['bidang']} mengumpulkan", "", "", f"{j['terisi']}/{j['diharapkan']}",
             str(j["temuan_terbuka"]), str(j["galat"])]
    widths = [max(len(row[i]) for row in [*table, total]) for i in range(len(HEADERS))]

    def line(row: list[str]) -> str:
        cells = [row[i].rjust(widths[i]) if HEADERS[i] in _NUMERIC else row[i].ljust(widths[i])
                 for i in range(len(HEADERS))]
        return "  ".join(cells).rstrip()

    lines.append(line(table[0]))
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(line(row) for row in table[1:])
    lines.append("  ".join("-" * w for w in widths))
    lines.append(line(total))
    s = j["status"]
    lines.append("")
    lines.append(
        f"Diterima tepat waktu: {j['tepat_waktu']} · terlambat: {j['terlambat']} · perlu konfirmasi: "
        f"{s[STATUS_KONFIRMASI]} · ditahan: {s[STATUS_DITAHAN]} · ditolak: {s[STATUS_DITOLAK]} · belum "
        f"mengumpulkan: {s[STATUS_BELUM]}"
    )
    if j.get("per_kode"):
        lines.append("Perlu konfirmasi per kode: " + per_code_text(j["per_kode"]))
    others = [f"  {p}: {v['teks']}" for p, v in report.get("keadaan_periode", {}).items()]
    if others:
        lines.append("")
        lines.append("Keadaan periode:")
        lines += others
    notes = [(b["kode_bidang"], b["keterangan"]) for b in report["bidang"] if b["keterangan"]]
    if notes:
        lines.append("")
        lines.append("Keterangan:")
        lines.extend(f"  {kode}: {text}" for kode, text in notes)
    return "\n".join(lines)
