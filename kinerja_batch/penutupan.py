"""Closing and reopening a period: ``kinerja-batch tutup`` and ``buka`` (commands layer; domain §8, issue 12).

Closing takes the run lock (never while a run is active), brings the period's temuan and working rekap up
to date, refuses while bidang are missing or items are open unless forced, then writes the final rekap
``outbox/final/rekap_<P>_final.xlsx`` (``_final_2`` ... after a reopening) and its cover letter, each
exactly once: a final file is linked into place only where no file exists, and never written again.
The ledger keeps when, the data fingerprint and each file's sha256. Reopening records the reason and time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kinerja_batch import __version__
from kinerja_batch.config import Workspace
from kinerja_batch.errors import KinerjaError, RunLockedError
from kinerja_batch.periode import Periode, format_tanggal, format_waktu


class ClosingRefused(KinerjaError):
    """The period still has missing bidang or open items and --paksa was not given."""


@dataclass
class ClosingResult:
    periode: str
    ke: int  # 1 for the first closing, 2 after one reopening ...
    berkas: str  # the final rekap, relative to the workspace
    sha256: str
    surat: str
    sha256_surat: str
    tanggal: str
    nomor: str
    terbuka: list[str] = field(default_factory=list)  # what was still open (closed with --paksa)


def final_dir(ws: Workspace) -> Path:
    return ws.outbox / "final"


def final_name(periode: Periode, n: int, kind: str = "rekap") -> str:
    return f"{kind}_{periode}_final{'' if n == 1 else f'_{n}'}.xlsx"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _write_once(dest: Path, write: Any) -> str:
    """Write through ``write(tmp_path)`` and link the result to ``dest`` only if ``dest`` does not exist."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".tmp_{dest.name}")
    if tmp.exists():
        tmp.unlink()
    write(tmp)
    try:
        try:
            os.link(tmp, dest)  # fails when dest exists: a final file is never replaced
        except FileExistsError:
            raise
        except OSError:
            # a file system without hard links (FAT, some network shares): create exclusively, then copy
            with open(dest, "xb") as out, open(tmp, "rb") as src:
                shutil.copyfileobj(src, out)
                out.flush()
                os.fsync(out.fileno())
    except FileExistsError:
        raise KinerjaError(f"{dest} sudah ada dan tidak akan ditimpa; tidak ada yang diubah.") from None
    finally:
        tmp.unlink()
    return _sha256(dest)


@dataclass
class _Locked:
    ws: Workspace
    command: str

    def __enter__(self) -> None:
        from kinerja_batch.batch import run_lock

        self._cm = run_lock(self.ws)
        try:
            self._cm.__enter__()
        except RunLockedError:
            raise RunLockedError(
                f"Pemrosesan lain sedang berjalan di ruang kerja ini; '{self.command}' tidak dijalankan dan tidak "
                "ada yang diubah. Ulangi setelah pemrosesan selesai."
            ) from None

    def __exit__(self, *exc: Any) -> None:
        self._cm.__exit__(*exc)


def close_period(ws: Workspace, periode: Periode, *, tanggal: dt.date | None = None, nomor: str = "",
                 paksa: bool = False) -> ClosingResult:
    """Close a period and write its final rekap and cover letter (see the module docstring)."""
    from kinerja_batch.ledger import Ledger
    from kinerja_batch.master import load_master
    from kinerja_batch.model import open_items, period_data
    from kinerja_batch.outputs import fingerprint, rebuild_outputs
    from kinerja_batch.rekap import write_rekap
    from kinerja_batch.report import RunReport
    from kinerja_batch.surat import Lampiran, write_surat

    settings = ws.settings()
    tanggal = tanggal or dt.date.today()
    p = str(periode)
    with _Locked(ws, "tutup"):
        master = load_master(ws.master_path, cache_dir=ws.state_dir)
        with Ledger.open(ws.ledger_path) as ledger:
            state = ledger.period_state(p)
            if state["keadaan"] == "ditutup":
                c = state["penutupan"]
                raise KinerjaError(
                    f"Periode {p} sudah ditutup pada {format_waktu(c['waktu'])} (rekap final: {c['berkas']}). "
                    f"Untuk menutup ulang, buka dulu: kinerja-batch buka --periode {p} --alasan \"...\"")
            run_id = ledger.begin_run(settings.as_dict(), __version__)
            report = RunReport(run_id=run_id, dry_run=False, started=dt.datetime.now().isoformat())
            # temuan and the working rekap as of now, so the final shows exactly what the ledger holds
            rebuild_outputs(ws, settings, master, ledger, [periode], report, run_id=run_id)
            data = period_data(ledger, master, settings, periode, run_id=run_id)
            items = [f"{label}: {text}" for label, text in open_items(data)]
            if items and not paksa:
                ledger.finish_run(run_id, {"tutup": p, "hasil": "ditolak", "terbuka": items})
                raise ClosingRefused(
                    f"Periode {p} belum dapat ditutup: masih ada yang terbuka. Selesaikan dulu, atau tutup juga "
                    "dengan --paksa (yang masih terbuka dicatat di rekap final dan buku besar):", items)
            sidik = fingerprint(ledger, ws, settings, periode)
            n = len(ledger.closings(p)) + 1
            folder = final_dir(ws)
            while (folder / final_name(periode, n)).exists() or (folder / final_name(periode, n, "surat_pengantar")
                                                                   ).exists():
                n += 1
            rekap_path = folder / final_name(periode, n)
            surat_path = folder / final_name(periode, n, "surat_pengantar")
            now = dt.datetime.now().replace(microsecond=0)
            data.keadaan = "ditutup"
            data.sidik = sidik
            data.penutupan = {"periode": p, "waktu": now.isoformat(sep=" "), "tanggal": tanggal.isoformat(),
                              "nomor": nomor, "sidik": sidik, "berkas": str(rekap_path.relative_to(ws.root)),
                              "paksa": int(bool(items)), "terbuka_list": items}
            sha = _write_once(rekap_path, lambda tmp: write_rekap(tmp, data))
            sha_surat = _write_once(surat_path, lambda tmp: write_surat(
                tmp, settings, Lampiran(periode, rekap_path.name, sha, nomor, tanggal)))
            rel, rel_surat = str(rekap_path.relative_to(ws.root)), str(surat_path.relative_to(ws.root))
            with ledger.transaction():
                ledger.record_closing(periode=p, tanggal=tanggal.isoformat(), nomor=nomor, sidik=sidik, berkas=rel,
                                      sha256=sha, lampiran={rel_surat: sha_surat}, paksa=bool(items), terbuka=items)
            # the working rekap now says the period is closed; no more confirmation workbooks for it
            rebuild_outputs(ws, settings, master, ledger, [periode], report, run_id=run_id)
            ledger.finish_run(run_id, {"tutup": p, "hasil": "ditutup", "berkas": rel, "sha256": sha})
    return ClosingResult(p, n, rel, sha, rel_surat, sha_surat, tanggal.isoformat(), nomor, items)


def reopen_period(ws: Workspace, periode: Periode, alasan: str) -> dict[str, Any]:
    """Reopen a closed period (the reason and time are recorded); its final files stay as they are."""
    from kinerja_batch.ledger import Ledger
    from kinerja_batch.master import load_master
    from kinerja_batch.outputs import rebuild_outputs
    from kinerja_batch.report import RunReport

    alasan = " ".join(alasan.split())
    if not alasan:
        raise KinerjaError("Alasan membuka kembali periode wajib diisi: --alasan \"...\" (dicatat di buku besar).")
    settings = ws.settings()
    p = str(periode)
    with _Locked(ws, "buka"), Ledger.open(ws.ledger_path) as ledger:
        state = ledger.period_state(p)
        if state["keadaan"] != "ditutup":
            raise KinerjaError(f"Periode {p} tidak sedang ditutup (keadaan: {state['keadaan']}); tidak ada yang "
                               "dibuka.")
        closing = state["penutupan"]
        with ledger.transaction():
            ledger.record_reopening(periode=p, penutupan_id=int(closing["id"]), alasan=alasan)
        run_id = ledger.begin_run(settings.as_dict(), __version__)
        report = RunReport(run_id=run_id, dry_run=False, started=dt.datetime.now().isoformat())
        master = load_master(ws.master_path, cache_dir=ws.state_dir)
        rebuild_outputs(ws, settings, master, ledger, [periode], report, run_id=run_id)
        ledger.finish_run(run_id, {"buka": p, "alasan": alasan})
    return {"periode": p, "berkas_final": closing["berkas"], "alasan": alasan}


def closing_summary(result: ClosingResult) -> str:
    """What ``tutup`` prints."""
    lines = [f"Periode {result.periode} ditutup" + (f" (penutupan ke-{result.ke})" if result.ke > 1 else "") + "."]
    lines.append(f"Rekap final: {result.berkas}")
    lines.append(f"  sha256 {result.sha256}")
    lines.append(f"Surat pengantar dan tanda terima: {result.surat}")
    lines.append(f"Tanggal tanda tangan: {format_tanggal(dt.date.fromisoformat(result.tanggal))}"
                 + (f"; nomor surat {result.nomor}" if result.nomor else "; nomor surat belum diisi"))
    if result.terbuka:
        lines.append("Ditutup dengan --paksa; yang masih terbuka dicatat di rekap final:")
        lines += [f"  - {t}" for t in result.terbuka]
    lines.append("Berkas untuk periode ini yang masuk sesudahnya ditolak (PERIODE_DITUTUP) sampai periode dibuka "
                 "kembali.")
    return "\n".join(lines)
