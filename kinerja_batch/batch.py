"""The nightly run: lock, scan the inbox, ingest, store, measure, rebuild the rekap, move files.

Order of every file's fate, so that nothing is lost or doubled whatever moment the process dies:
1. the file's outcome and destination are written to the ledger in one transaction;
2. only then is the file moved (and its reason file written beside it).
A file whose bytes the ledger knows but whose recorded destination does not exist yet is a move
that a crash interrupted: the next run completes it instead of calling it a duplicate.

Layer: commands (../shared/docs/architecture.md); it may import writers, model, intake, store, rules, foundation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kinerja_batch import __version__, layout
from kinerja_batch import findings as F
from kinerja_batch.config import Settings, Workspace
from kinerja_batch.errors import RunLockedError
from kinerja_batch.faults import crash_point
from kinerja_batch.periode import Periode
from kinerja_batch.report import DITAHAN, FileOutcome, RunReport

# Workbooks read at once by worker processes. Two keep both cores of the reference machine busy while
# this process stores and moves files; more only queue behind each other there (benchmarks/bench_run.py).
PARSE_WORKERS = max(1, min(4, os.cpu_count() or 1))

# Files recorded per ledger transaction: about 1/COMMIT_GROUPS of the inbox, at most COMMIT_FILES, and a group
# is committed (and its files moved) at the latest COMMIT_SECONDS after it began. Each commit is an fsync
# (synchronous=FULL), which cost more than reading a file (benchmarks/bench_run.py); a small inbox still has
# each file committed and moved on its own. A crash loses nothing either way (see _Processor._flush).
COMMIT_FILES = 25
COMMIT_GROUPS = 32
COMMIT_SECONDS = 0.1

# What the report adds for a file another program holds open (Windows: Excel) when the run moves it.
HELD_OPEN_NOTE = ("berkas sedang dibuka program lain sehingga belum dapat dipindahkan; tetap di inbox/ dan "
                  "dipindahkan pada proses berikutnya (isinya sudah tercatat, tidak dibaca ulang)")

IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}


# ------------------------------------------------------------------------------------------------
# the lock


@contextmanager
def run_lock(ws: Workspace, *, wait: bool = False) -> Iterator[None]:
    """One run at a time per workspace.

    The lock is ``filelock`` on ``.kinerja/run.kunci`` (flock on Linux/macOS, a locked byte on Windows;
    both released by the system when the process dies). Who holds it is written to ``run.lock`` beside
    it, a plain file any process may read, so that a refused run can say who is running.
    """
    from filelock import FileLock, Timeout

    ws.state_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(ws.lock_path.with_suffix(".kunci")), thread_local=False)
    try:
        lock.acquire(timeout=-1 if wait else 0)
    except Timeout:
        try:
            holder = ws.lock_path.read_text(encoding="utf-8", errors="replace").strip()[:200] or "proses lain"
        except OSError:
            holder = "proses lain"
        raise RunLockedError(
            f"Run lain sedang berjalan di ruang kerja ini ({holder}); tidak ada yang diubah. "
            "Tunggu sampai selesai, atau jalankan dengan --tunggu agar menunggu giliran."
        ) from None
    try:
        ws.lock_path.write_text(f"PID {os.getpid()} sejak {dt.datetime.now():%Y-%m-%d %H:%M:%S}", encoding="utf-8")
        yield
    finally:
        lock.release()


# ------------------------------------------------------------------------------------------------
# scanning the inbox


@dataclass(frozen=True)
class InboxEntry:
    path: Path
    size: int
    mtime: float


@dataclass
class Scan:
    ready: list[InboxEntry] = field(default_factory=list)
    left: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)
    ignored: list[str] = field(default_factory=list)


def is_ignored(name: str) -> bool:
    """Lock files, system files and hidden files: never processed, never moved."""
    low = name.lower()
    return (
        name.startswith(("~$", ".", "._"))
        or low in IGNORED_NAMES
        or low.endswith((".tmp", ".crdownload", ".part"))
    )


def _open_elsewhere(folder: Path, name: str, names: set[str]) -> bool:
    """Excel (``~$name``, or ``~$`` over its first two letters) or LibreOffice (``.~lock.name#``) holds it."""
    return f"~${name}" in names or f"~${name[2:]}" in names or f".~lock.{name}#" in names


def scan_inbox(ws: Workspace, settings: Settings, now: float | None = None) -> Scan:
    """What the inbox holds: files ready in arrival order, files left for the next run, files ignored."""
    now = time.time() if now is None else now
    wait = settings.tunggu_menit * 60
    out = Scan()
    if not ws.inbox.exists():
        return out
    entries = list(os.scandir(ws.inbox))
    names = {e.name for e in entries}
    ready = []
    for e in entries:
        if is_ignored(e.name):
            if e.is_file(follow_symlinks=False):
                out.ignored.append(e.name)
            continue
        if e.is_dir(follow_symlinks=False):
            continue  # arsip/, ditolak/ and anything staff made: only the top level is read
        if e.is_symlink():
            out.left.append((e.name, "tautan simbolik tidak diproses; salin berkas aslinya ke inbox/"))
            continue
        st = e.stat(follow_symlinks=False)
        if _open_elsewhere(ws.inbox, e.name, names):
            out.left.append((e.name, "sedang dibuka di Excel/LibreOffice (ada berkas kunci); diproses setelah ditutup"))
        elif now - st.st_mtime < wait:
            out.left.append((e.name, f"baru berubah kurang dari {settings.tunggu_menit:g} menit lalu; "
                                     "mungkin masih disalin, diproses pada proses berikutnya"))
        else:
            ready.append(InboxEntry(Path(e.path), st.st_size, st.st_mtime))
    out.ready = sorted(ready, key=lambda x: (x.mtime, x.path.name))
    out.left.sort()
    out.ignored.sort()
    return out


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# A file name holds at most 255 bytes (ext4, xfs, btrfs; NTFS/SMB count 255 characters). A destination
# leaves room for what is written beside it: "<name>.alasan.txt" and its temporary ".<name>.alasan.txt.tmp".
NAME_MAX_BYTES = 255
_BESIDE = len(".") + len(".alasan.txt") + len(".tmp")
_MAX_EXT = 16  # a longer "extension" is part of the name, not a file type to keep


def unique_destination(folder: Path, name: str, taken: set[str] | None = None,
                       listed: set[str] | None = None) -> Path:
    """``folder/name``, or ``name (2).xlsx`` ... when that exists: names never collide.

    The name is made portable first (:func:`kinerja_batch.portable.portable_name`: no character or
    device name Windows refuses), and compared without case with what ``folder`` holds (``listed``,
    folded names, when the caller keeps them) and with ``taken`` (folded paths promised earlier), so
    that ``Laporan.xlsx`` and ``laporan.xlsx`` stay two files on NTFS/APFS too. A name too long for
    the file system (255 bytes) or for a Windows path (260 characters) once a counter or the reason
    file is added is shortened (``…`` marks the cut) keeping its extension; the original name stays
    in the ledger.
    """
    from kinerja_batch.portable import folded, portable_name

    clean = portable_name(name)
    stem, dot, ext = clean.rpartition(".")
    if not dot or not stem or len(ext) > _MAX_EXT:
        stem, dot, ext = clean, "", ""
    if listed is None:
        listed = {folded(n) for n in os.listdir(folder)} if folder.is_dir() else set()
    room = _path_room(folder)
    n = 1
    while True:
        candidate = folder / _fit(stem, (f" ({n})" if n > 1 else "") + dot + ext, NAME_MAX_BYTES - _BESIDE, room)
        if not (folded(candidate.name) in listed or candidate.exists()
                or (taken is not None and folded(str(candidate)) in taken)):
            return candidate
        n += 1


def _path_room(folder: Path) -> int:
    """Characters a name may have in ``folder`` for the path to stay within Windows' MAX_PATH with the
    reason file beside it (never under 24: a workspace buried that deep gets short names, not none)."""
    from kinerja_batch.portable import MAX_PATH, path_units

    return max(24, MAX_PATH - path_units(folder.absolute()) - 1 - _BESIDE)


def _fit(stem: str, tail: str, limit: int, units: int | None = None) -> str:
    """``stem + tail``, the stem cut (on a character boundary) so that the name fits in ``limit`` bytes
    (and in ``units`` UTF-16 units, a Windows path's measure)."""
    from kinerja_batch.portable import path_units

    def fits(text: str) -> bool:
        return len(os.fsencode(text)) <= limit and (units is None or path_units(text) <= units)

    if fits(stem + tail):
        return stem + tail
    cut = stem
    while cut and not fits(cut + "…" + tail):
        cut = cut[:-1]
    return cut.rstrip() + "…" + tail


# ------------------------------------------------------------------------------------------------
# the run


def known_periods(ws: Workspace, settings: Settings) -> set[Periode]:
    """Periods files may belong to: the quarters of the configured year, and any with templates."""
    from kinerja_batch.periode import parse_periode

    periods = {Periode(settings.tahun, tw) for tw in range(1, 5)}
    if ws.templates_dir.exists():
        for d in ws.templates_dir.iterdir():
            try:
                periods.add(parse_periode(d.name))
            except ValueError:
                continue
    return periods


def _parse_in_child(path: Path, fmt: str, display: str, master: Any, periods: set[Periode],
                    periode_hint: Periode | None, max_rows: int) -> tuple[str, Any]:
    """Runs in the isolated child: read, identify and parse one workbook."""
    from kinerja_batch.ingest import ReadError, read_workbook
    from kinerja_batch.validate import Rejected, identify, parse_kertas_kerja

    try:
        raw = read_workbook(path, fmt, max_rows=max_rows)
        identity = identify(raw, master, file=display, known_periods=periods, periode_hint=periode_hint)
        if identity.kind == layout.KIND_KONFIRMASI:
            return "konfirmasi", (identity, raw)
        return "kertas_kerja", parse_kertas_kerja(raw, identity, master, file=display)
    except ReadError as exc:
        return "ditolak", F.make(exc.code, file=display, detail=exc.detail)
    except Rejected as exc:
        return "ditolak", exc.finding


@dataclass(frozen=True)
class _ParseJob:
    """What every worker needs for every file, handed over once when the worker starts.

    With ``fork`` the worker inherits it; with ``spawn`` it is pickled once per worker, not per file.
    Each call then carries only the file's path, format and name.
    """

    master: Any
    periods: frozenset[Periode]
    periode_hint: Periode | None
    max_rows: int

    def __call__(self, path: Path, fmt: str, display: str) -> tuple[str, Any]:
        return _parse_in_child(path, fmt, display, self.master, set(self.periods), self.periode_hint, self.max_rows)


def _warm_worker() -> None:
    """A spawned worker imports and initialises the readers before its first file (a forked one inherits them)."""
    from kinerja_batch.safety import require_defusedxml
    from kinerja_batch.validate import warm_up

    require_defusedxml()
    warm_up()


def run(
    ws: Workspace,
    *,
    periode: Periode | None = None,
    dry_run: bool = False,
    wait: bool = False,
    now: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> RunReport:
    """The whole nightly job; returns what happened. Raises only for what must stop the run."""
    from kinerja_batch.ledger import Ledger
    from kinerja_batch.master import load_master
    from kinerja_batch.safety import require_defusedxml

    require_defusedxml()
    settings = ws.settings()
    loaded: list[Any] = []

    def master() -> Any:
        """The master is parsed only when a file or an output needs it: a run with nothing new does not."""
        if not loaded:
            loaded.append(load_master(ws.master_path, cache_dir=None if dry_run else ws.state_dir))
        return loaded[0]

    if not ws.master_path.exists():
        master()  # the Indonesian message of a missing master, before anything else happens
    report = RunReport(run_id=None, dry_run=dry_run, started=dt.datetime.now().replace(microsecond=0).isoformat())
    with run_lock(ws, wait=wait):
        crash_point("setelah_kunci")
        if not dry_run:
            _remove_interrupted_outputs(ws)
        with Ledger.open(ws.ledger_path, dry_run=dry_run) as ledger:
            run_id = ledger.begin_run(settings.as_dict(), __version__)
            report.run_id = run_id
            unfinished = _unfinished_runs(ledger, run_id, settings.periode_aktif)
            scan = scan_inbox(ws, settings, now)
            report.ignored = scan.ignored
            for name, reason in scan.left:
                report.files.append(FileOutcome(name, "ditinggal", pesan=reason))
            touched: set[Periode] = set()
            processor = _Processor(ws, settings, master() if scan.ready else None, ledger, run_id, dry_run, periode,
                                   report, touched)
            started = time.perf_counter()
            processor.process_all(scan.ready, progress)
            report.waktu["berkas"] = round(time.perf_counter() - started, 3)
            redo = set().union(*unfinished.values())  # stored by a run that died before its rekap
            # a rekap that was open elsewhere got its successor beside it: written to its own name again
            wanted = {periode} if periode else touched | {settings.periode_aktif} | redo | _rekap_written_beside(ws)
            crash_point("sebelum_rekap")
            from kinerja_batch.outputs import rebuild_outputs

            started = time.perf_counter()
            rebuild_outputs(ws, settings, master, ledger, sorted(wanted), report, dry_run=dry_run, run_id=run_id)
            report.waktu["keluaran"] = round(time.perf_counter() - started, 3)
            from kinerja_batch.model import period_states

            report.keadaan = {p: v["teks"] for p, v in period_states(ledger, list(report.status)).items()}
            if loaded:  # e.g. a parent's pagu that differs from its children's sum (domain §9)
                report.peringatan_master = list(loaded[0].peringatan)
            crash_point("setelah_rekap")
            _close_unfinished(ledger, run_id, [r for r, periods in unfinished.items() if periods <= wanted])
            ledger.finish_run(run_id, {k: v for k, v in report.as_dict().items() if k in ("jumlah", "rekap")})
    return report


def _rekap_written_beside(ws: Workspace) -> set[Periode]:
    """Periods whose last rekap or confirmation workbook went beside the real one (``rekap_<P> (baru).xlsx``,
    ``konfirmasi/<P>/konfirmasi_<KODE>_<P> (baru).xlsx``: it was held open); their outputs are written again."""
    from kinerja_batch.periode import parse_periode

    out = set()
    for path in ws.outbox.glob("rekap_* (baru*).xlsx") if ws.outbox.exists() else ():
        try:
            out.add(parse_periode(path.name.removeprefix("rekap_").split(" (baru", 1)[0]))
        except ValueError:
            continue
    folder = ws.outbox / "konfirmasi"
    for path in folder.glob("*/konfirmasi_* (baru*).xlsx") if folder.exists() else ():
        try:
            out.add(parse_periode(path.parent.name))
        except ValueError:
            continue
    return out


def accept_held(ws: Workspace, names: list[str], *, wait: bool = False) -> RunReport:
    """``kinerja-batch terima``: the officer accepts files held in ``inbox/ditahan/`` (no signature, issue 10
    §5). Each is read again and stored as if it had come in now with the officer's say (it keeps its arrival
    time); then the outputs of its period are rebuilt. Raises KinerjaError naming the held files when a name
    is not one of them."""
    from kinerja_batch.errors import KinerjaError
    from kinerja_batch.ledger import Ledger
    from kinerja_batch.master import load_master
    from kinerja_batch.outputs import rebuild_outputs
    from kinerja_batch.safety import require_defusedxml

    require_defusedxml()
    settings = ws.settings()
    report = RunReport(run_id=None, dry_run=False, started=dt.datetime.now().replace(microsecond=0).isoformat())
    with run_lock(ws, wait=wait), Ledger.open(ws.ledger_path) as ledger:
        held = [r for r in ledger.held_files() if (ws.root / r["lokasi"]).is_file()]
        rows = []
        for name in names:
            wanted = Path(name).name
            match = [r for r in held if Path(r["lokasi"]).name == wanted] or \
                [r for r in held if r["nama_asli"] == wanted]
            if not match:
                listed = ", ".join(f"'{Path(r['lokasi']).name}'" for r in held) or "tidak ada"
                raise KinerjaError(f"Berkas '{wanted}' tidak ada di antara berkas yang ditahan di "
                                   f"{ws.ditahan} (berkas ditahan: {listed}). Tidak ada yang diubah.")
            rows.append(match[-1])
        master = load_master(ws.master_path, cache_dir=ws.state_dir)
        run_id = ledger.begin_run(settings.as_dict(), __version__)
        report.run_id = run_id
        touched: set[Periode] = set()
        processor = _Processor(ws, settings, master, ledger, run_id, False, None, report, touched)
        processor.accept_held(rows)
        rebuild_outputs(ws, settings, master, ledger, sorted(touched), report, run_id=run_id)
        ledger.finish_run(run_id, {k: v for k, v in report.as_dict().items() if k in ("jumlah", "rekap")})
    return report


def _remove_interrupted_outputs(ws: Workspace) -> None:
    """Half-written outputs (``outbox/**/.tmp_*``, files and the rekap's working folders) of a run that
    died while writing them.

    Only a run writes below outbox/, and this one holds the lock, so none of them is being written.
    They are our own temporary files, never anything a person put there.
    """
    if ws.outbox.exists():
        for tmp in sorted(ws.outbox.rglob(".tmp_*")):
            if tmp.is_dir():  # the rekap's working folder
                shutil.rmtree(tmp, ignore_errors=True)
            elif tmp.is_file():
                tmp.unlink()


def _unfinished_runs(ledger: Any, run_id: int, active: Periode) -> dict[int, set[Periode]]:
    """Earlier runs that died before rebuilding their outputs, with the periods of the files they stored.

    Such a run still has status ``berjalan``; none is really running, since this run holds the lock.
    Its files are in the ledger (and moved, or moved by this run), so nothing new in the inbox would
    make their period's rekap be written again: this run does it. A file without a period counts
    for the active period, whose rekap lists it.
    """
    from kinerja_batch.periode import parse_periode

    out: dict[int, set[Periode]] = {}
    rows = ledger.conn.execute(
        "SELECT r.id, f.periode FROM runs r LEFT JOIN files f ON f.run_id = r.id"
        " WHERE r.status = 'berjalan' AND r.id <> ?", (run_id,))
    for rid, text in rows:
        periods = out.setdefault(int(rid), set())
        if text is None:
            continue
        try:
            periods.add(parse_periode(text) if text else active)
        except ValueError:
            periods.add(active)
    return out


def _close_unfinished(ledger: Any, run_id: int, runs: list[int]) -> None:
    """Mark interrupted runs whose outputs this run rebuilt, so that later runs leave them be."""
    if not runs:
        return
    note = json.dumps({"dilanjutkan_oleh_run": run_id})
    with ledger.transaction():
        ledger.conn.executemany("UPDATE runs SET status = 'terputus', ringkasan = ? WHERE id = ?",
                                [(note, r) for r in runs])


class _Processor:
    """Takes one inbox file at a time to its single final place."""

    def __init__(self, ws: Workspace, settings: Settings, master: Any, ledger: Any, run_id: int, dry_run: bool,
                 periode_hint: Periode | None, report: RunReport, touched: set[Periode]) -> None:
        self.ws = ws
        self.settings = settings
        self.master = master
        self.ledger = ledger
        self.run_id = run_id
        self.dry_run = dry_run
        self.periode_hint = periode_hint
        self.report = report
        self.touched = touched
        self.periods = known_periods(ws, settings)
        self.closed = ledger.closed_periods()  # periode -> its closing: such files are PERIODE_DITUTUP
        if master is not None:
            # built once here: a forked worker inherits all this instead of building it again (a spawned
            # one gets the built index with the master; it serves files that lost their metadata)
            from kinerja_batch.validate import warm_up

            master.indikator_by_code()
            master.indikator_records_of("")  # the positions per bidang
            warm_up()
        self.taken: set[str] = set()  # destinations promised in this run (folded paths)
        self.listed: dict[Path, set[str]] = {}  # folded names in each destination folder at the start
        self._group = 0  # files written in the open transaction
        self._group_began = math.inf  # when it was opened
        self._moves: list[Callable[[], None]] = []  # their moves, done once it committed
        self.approved: dict[str, int] = {}  # sha256 -> the held file's ledger row the officer accepts
        self._key: bytes | None = None

    @property
    def key(self) -> bytes:
        """The workspace's signing key, read (or made) the first time a form is checked."""
        if self._key is None:
            from kinerja_batch.tanda_tangan import workspace_key

            self._key = workspace_key(self.ws.state_dir, create=not self.dry_run)
        return self._key

    # -------------------------------------------------------------- helpers
    def _rel(self, path: Path) -> str:
        return str(path.relative_to(self.ws.root))

    def _move(self, src: Path, dest: Path, reason: str | None = None, *, outcome: FileOutcome | None = None) -> None:
        """Move a recorded file to its place. One another program holds open (Windows refuses to move it)
        stays in inbox/: its ledger row already promises ``dest``, and the next run completes the move
        (:meth:`_known_bytes`), so it is neither lost nor read twice. The report says so."""
        if self.dry_run:
            return
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            if reason is not None:
                reason_path = dest.with_name(dest.name + ".alasan.txt")
                tmp = reason_path.with_name("." + reason_path.name + ".tmp")
                tmp.write_text(reason, encoding="utf-8")
                os.replace(tmp, reason_path)
            os.replace(src, dest)
        except PermissionError:
            if outcome is not None:
                outcome.pesan = (outcome.pesan + "; " if outcome.pesan else "") + HELD_OPEN_NOTE
                outcome.lokasi = self._rel(src)
                outcome.tertahan = True
            return
        crash_point("setelah_pindah")

    def _destination(self, folder: Path, name: str) -> Path:
        from kinerja_batch.portable import folded

        if folder not in self.listed:  # listed once per run: the run is the only writer of these folders
            self.listed[folder] = {folded(n) for n in os.listdir(folder)} if folder.is_dir() else set()
        dest = unique_destination(folder, name, self.taken, self.listed[folder])
        self.taken.add(folded(str(dest)))
        return dest

    def _received(self, entry: InboxEntry) -> dt.datetime:
        return dt.datetime.fromtimestamp(min(entry.mtime, time.time())).replace(microsecond=0)

    def _record_file(self, entry: InboxEntry, sha: str, dest: Path, hasil: str, **outcome: Any) -> int:
        """The file's row in the ledger: what it is, when it came, what became of it and where it goes."""
        if sha in self.approved:  # a held file the officer accepts: its own row, with its arrival time
            file_id = self.approved[sha]
            self.ledger.update_file(file_id, run_id=self.run_id, hasil=hasil, lokasi=self._rel(dest),
                                    **{"kode": None, "alasan": None, **outcome})
            return file_id
        return self.ledger.record_file(
            self.run_id, sha256=sha, nama_asli=entry.path.name, ukuran=entry.size, mtime=entry.mtime,
            diterima=self._received(entry).isoformat(sep=" "), hasil=hasil, lokasi=self._rel(dest), **outcome)

    # -------------------------------------------------------------- one file
    def process_all(self, entries: list[InboxEntry], progress: Callable[[str], None] | None = None) -> None:
        """Every ready file to its single final place, in arrival order.

        Each file gets the cheap look first (hash, known bytes, sniff by bytes), just before a worker
        could take it; the workbooks are read by ``PARSE_WORKERS`` persistent worker processes, each
        file under its own limits and ahead of the file being stored, while this process records the
        files in the ledger and moves them. Groups of files share one transaction (``COMMIT_FILES``); every
        one of them is moved only after it committed (see :meth:`_flush`).
        """
        from kinerja_batch.safety import isolated_map, sniff

        plan: list[tuple[InboxEntry, str, Any]] = []
        seen: set[str] = set()
        pending = iter(entries)

        def look_one() -> bool:
            entry = next(pending, None)
            if entry is None:
                return False
            sha = sha256_of(entry.path)
            if sha in seen or self._known(sha):
                plan.append((entry, sha, None))  # bytes already known (or earlier in this inbox): decided below
            else:
                plan.append((entry, sha, sniff(entry.path, self.settings.batas, display_name=entry.path.name,
                                               fresh_seconds=600)))
            seen.add(sha)
            return True

        def calls() -> Iterator[tuple[Path, str, str]]:
            k = 0
            while k < len(plan) or look_one():
                entry, _, sniffed = plan[k]
                k += 1
                if sniffed is not None and sniffed.finding is None:
                    yield entry.path, sniffed.format, entry.path.name

        group_max = max(1, min(COMMIT_FILES, len(entries) // COMMIT_GROUPS))
        limits = self.settings.batas
        job = _ParseJob(self.master, frozenset(self.periods), self.periode_hint, limits.baris_maks)
        parsed = isolated_map(job, calls(), workers=min(PARSE_WORKERS, len(entries)), memory_mb=limits.memori_mb,
                              seconds=limits.detik_maks, initializer=_warm_worker)
        try:
            for i in range(len(entries)):
                if i >= len(plan):
                    look_one()
                entry, sha, sniffed = plan[i]
                if progress:
                    progress(f"[{i + 1}/{len(entries)}] {entry.path.name}")
                if sniffed is None:
                    self._known_bytes(entry, sha, self._known(sha))
                elif sniffed.finding is not None and sniffed.retry:
                    self.report.files.append(FileOutcome(entry.path.name, "ditinggal", kode=sniffed.finding.code,
                                                         pesan="berkas tampak terpotong dan baru berubah; mungkin "
                                                               "masih disalin, diperiksa lagi pada proses berikutnya"))
                elif sniffed.finding is not None:
                    self._reject(entry, sha, sniffed.finding)
                else:
                    self._store(entry, sha, next(parsed))
                parsed.pump()  # a worker that finished meanwhile gets its next file now, not at the next next()
                if self._group >= group_max or time.monotonic() - self._group_began >= COMMIT_SECONDS:
                    self._flush()
                    parsed.pump()
            self._flush()
        finally:
            parsed.close()
            if self.ledger.conn.in_transaction:  # an exception mid-group: none of its files was moved
                self.ledger.conn.execute("ROLLBACK")

    # -------------------------------------------------------------- groups of files per transaction
    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One file's ledger writes, inside the group's transaction (opened by the first file)."""
        if not self.ledger.conn.in_transaction:
            self.ledger.conn.execute("BEGIN IMMEDIATE")
            self._group_began = time.monotonic()
        crash_point("sebelum_commit")
        yield
        self._group += 1

    def _then(self, move: Callable[[], None]) -> None:
        """Do ``move`` once the group's transaction has committed."""
        self._moves.append(move)

    def _flush(self) -> None:
        """Commit the group, then move its files: a file never reaches its place before its ledger row.

        A crash before the commit leaves every file of the group in inbox/ with no row (the next run
        reads them again); after it, the rows promise places the files have not reached, and the next
        run completes those moves (:meth:`_known_bytes`).
        """
        if self.ledger.conn.in_transaction:
            self.ledger.conn.execute("COMMIT")
            crash_point("setelah_commit")
        moves, self._moves, self._group, self._group_began = self._moves, [], 0, math.inf
        for move in moves:
            move()

    def _known(self, sha: str) -> list[Any]:
        """Earlier files with these bytes. A file rejected only because its period was closed is no verdict
        on its bytes: dropped again after ``buka`` (a copy, or the file itself taken back from ditolak/) it is
        read again. While the period is still closed such a row keeps its meaning (an interrupted move is
        completed; a copy is rejected again)."""
        return [k for k in self.ledger.files_with_sha(sha)
                if not (k["kode"] == "PERIODE_DITUTUP"
                        and (k["periode"] not in self.closed or (self.ws.root / k["lokasi"]).exists()))]

    def _closed_period(self, kind: str, result: Any, name: str) -> F.Finding | None:
        """PERIODE_DITUTUP for a kertas kerja or confirmation answer of a closed period (domain §8)."""
        if kind == "konfirmasi":
            identity = result[0]
        elif kind == "kertas_kerja":
            identity = result.identity
        else:
            return None
        p = str(identity.periode)
        closing = self.closed.get(p)
        if closing is None:
            return None
        from kinerja_batch.periode import format_waktu

        return F.make("PERIODE_DITUTUP", file=name, bidang=identity.kode_bidang, periode=p,
                      periode_teks=p, detail=format_waktu(closing["waktu"]))

    def accept_held(self, rows: list[Any]) -> None:
        """Read held files again and store them with the officer's acceptance (see :func:`accept_held`)."""
        from kinerja_batch.safety import isolated_map, sniff

        limits = self.settings.batas
        plan = []
        for row in rows:
            path = self.ws.root / row["lokasi"]
            entry = InboxEntry(path, path.stat().st_size, float(row["mtime"]))
            self.approved[row["sha256"]] = int(row["id"])
            plan.append((entry, row["sha256"], sniff(path, limits, display_name=path.name, fresh_seconds=0)))
        calls = [(entry.path, sniffed.format, entry.path.name) for entry, _, sniffed in plan if sniffed.finding is None]
        job = _ParseJob(self.master, frozenset(self.periods), None, limits.baris_maks)
        parsed = isolated_map(job, iter(calls), workers=max(1, min(PARSE_WORKERS, len(calls))),
                              memory_mb=limits.memori_mb, seconds=limits.detik_maks, initializer=_warm_worker)
        try:
            for entry, sha, sniffed in plan:
                if sniffed.finding is not None:
                    self._reject(entry, sha, sniffed.finding)
                else:
                    self._store(entry, sha, next(parsed))
            self._flush()
        finally:
            parsed.close()
            if self.ledger.conn.in_transaction:
                self.ledger.conn.execute("ROLLBACK")
        for entry, _, _ in plan:  # the held file moved on: its reason for being held goes
            if not entry.path.exists():
                entry.path.with_name(entry.path.name + ".alasan.txt").unlink(missing_ok=True)

    def _store(self, entry: InboxEntry, sha: str, outcome: Any) -> None:
        """Store what the child read (or why it could not)."""
        from kinerja_batch.numbers import format_angka_ringkas
        from kinerja_batch.safety import IsolatedFailure

        name = entry.path.name
        limits = self.settings.batas
        if isinstance(outcome, IsolatedFailure):
            if outcome.kind == "memory":
                finding = F.make("TERLALU_BESAR", file=name, detail=f"membaca berkas memerlukan memori lebih dari "
                                                                    f"{format_angka_ringkas(limits.memori_mb)} MB; "
                                                                    "mungkin ada sel terisi jauh di kanan atau di "
                                                                    "bawah tabel")
            elif outcome.kind == "timeout":
                finding = F.make("TERLALU_BESAR", file=name, detail=f"membaca berkas memerlukan waktu lebih dari "
                                                                    f"{format_angka_ringkas(limits.detik_maks)} detik")
            else:
                finding = F.make("RUSAK", file=name, detail="pembaca berkas berhenti mendadak")
            self._reject(entry, sha, finding)
            return
        if isinstance(outcome, Exception):
            # a reader bug, not the sender's fault; the file is kept, with the error for the maintainers
            finding = F.make("RUSAK", file=name, detail=f"galat pembaca ({type(outcome).__name__}: "
                                                        f"{str(outcome)[:150]})")
            self._reject(entry, sha, finding)
            return
        kind, result = outcome
        closed = self._closed_period(kind, result, name)
        if closed is not None:
            self._reject(entry, sha, closed)
            return
        if kind == "ditolak":
            self._reject(entry, sha, result)
            return
        identity = result[0] if kind == "konfirmasi" else result.identity
        verdict = self._verify(identity, name)
        if isinstance(verdict, F.Finding):
            self._reject(entry, sha, verdict)
        elif self._must_hold(kind, identity, verdict, sha):
            self._hold(entry, sha, identity, verdict)
        elif kind == "konfirmasi":
            self._konfirmasi(entry, sha, result[0], result[1], verdict=verdict)
        else:
            self._accept(entry, sha, result, verdict=verdict)

    # -------------------------------------------------------------- signed forms (issue 10 section 5)
    def _verify(self, identity: Any, name: str) -> Any:
        """The form's signature and issued id (tanda_tangan.check): a Verdict, or the finding that rejects it."""
        from kinerja_batch.tanda_tangan import check

        return check(identity.meta, jenis=identity.kind, kode_bidang=identity.kode_bidang,
                     periode=str(identity.periode), key=self.key,
                     issued=self.ledger.issued_form(identity.form_id), file=name)

    def _must_hold(self, kind: str, identity: Any, verdict: Any, sha: str) -> bool:
        """A file without a signature never changes accepted data on its own: answers of a confirmation
        workbook are held, and so is a kertas kerja that would replace an accepted submission. An unsigned
        first submission is read (and shown as unsigned)."""
        from kinerja_batch.tanda_tangan import TANPA

        if verdict.status != TANPA or sha in self.approved:
            return False
        if kind == "konfirmasi":
            return True
        return self._current(identity) is not None

    def _current(self, identity: Any) -> Any:
        return self.ledger.conn.execute(
            "SELECT s.*, f.nama_asli AS berkas FROM submissions s JOIN files f ON f.id = s.file_id"
            " WHERE s.kode_bidang=? AND s.periode=? AND s.superseded_by IS NULL",
            (identity.kode_bidang, str(identity.periode))).fetchone()

    def _hold(self, entry: InboxEntry, sha: str, identity: Any, verdict: Any) -> None:
        name = entry.path.name
        p = str(identity.periode)
        dest = self._destination(self.ws.ditahan, name)
        if identity.kind == layout.KIND_KONFIRMASI:
            akibat = (f"Jawaban konfirmasi {identity.kode_bidang} {p} yang tidak bertanda tangan tidak diterapkan "
                      "sendiri: berkas ditahan di inbox/ditahan/ sampai Subbag Perencanaan memeriksanya. Bila "
                      f"isinya benar, terapkan dengan: kinerja-batch terima \"{dest.name}\". Bila bukan, minta "
                      "bidang menjawab pada lembar konfirmasi asli lalu kirim kembali.")
        else:
            current = self._current(identity)
            akibat = (f"Kiriman {identity.kode_bidang} {p} yang sudah diterima ('{current['berkas']}') tidak "
                      "digantikan oleh berkas tanpa tanda tangan: berkas ditahan di inbox/ditahan/ sampai Subbag "
                      f"Perencanaan memeriksanya. Bila isinya benar, terima dengan: kinerja-batch terima "
                      f"\"{dest.name}\". Bila bukan, minta bidang mengisi kertas kerja asli lalu kirim kembali.")
        finding = F.make("TANPA_TANDA_TANGAN", file=name, bidang=identity.kode_bidang, periode=p,
                         detail=verdict.reason, akibat=akibat)
        with self._transaction():
            file_id = self._record_file(entry, sha, dest, DITAHAN, kode=finding.code, alasan=finding.message,
                                        jenis=identity.kind, kode_bidang=identity.kode_bidang, periode=p,
                                        id_formulir=verdict.form_id or None)
            self.ledger.record_findings(self.run_id, [finding], file_id=file_id)
        self.touched.add(identity.periode)  # its rekap says the bidang has a file waiting
        outcome = FileOutcome(name, DITAHAN, kode=finding.code, pesan=finding.message,
                              kode_bidang=identity.kode_bidang, periode=p, lokasi=self._rel(dest))
        self.report.files.append(outcome)
        self._then(lambda: self._move(entry.path, dest, _held_text(finding.message, name), outcome=outcome))

    def _known_bytes(self, entry: InboxEntry, sha: str, known: list[Any]) -> None:
        name = entry.path.name
        first = known[0]
        # a crash between commit and move: the ledger promised a place the file never reached
        pending = [k for k in known if k["nama_asli"] == name and not (self.ws.root / k["lokasi"]).exists()]
        if pending:
            row = pending[-1]
            dest = self.ws.root / row["lokasi"]
            reason = _reason_text(row["alasan"], name) if row["hasil"] == "ditolak" else None
            outcome = FileOutcome(name, row["hasil"], kode=row["kode"] or "",
                                  pesan="pemindahan yang terputus pada proses sebelumnya diselesaikan",
                                  kode_bidang=row["kode_bidang"] or "", periode=row["periode"] or "",
                                  lokasi=row["lokasi"])
            self.report.files.append(outcome)
            self._then(lambda: self._move(entry.path, dest, reason, outcome=outcome))
            return
        from kinerja_batch.periode import format_waktu

        when = format_waktu(str(first["diterima"]))
        finding = F.make("DUPLIKAT", file=name, value=first["nama_asli"], detail=when)
        dest = self._destination(self.ws.arsip / "duplikat", name)
        with self._transaction():
            file_id = self._record_file(entry, sha, dest, "duplikat", kode="DUPLIKAT", alasan=finding.message,
                                        kode_bidang=first["kode_bidang"], periode=first["periode"])
            self.ledger.record_findings(self.run_id, [finding], file_id=file_id)
        outcome = FileOutcome(name, "duplikat", kode="DUPLIKAT", pesan=finding.message, lokasi=self._rel(dest))
        self.report.files.append(outcome)
        self._then(lambda: self._move(entry.path, dest, outcome=outcome))

    def _reject(self, entry: InboxEntry, sha: str, finding: F.Finding) -> None:
        name = entry.path.name
        dest = self._destination(self.ws.ditolak, name)
        with self._transaction():
            file_id = self._record_file(entry, sha, dest, "ditolak", kode=finding.code, alasan=finding.message,
                                        kode_bidang=finding.bidang or None, periode=finding.periode or None)
            self.ledger.record_findings(self.run_id, [finding], file_id=file_id)
        self._touch_rejected(finding)
        outcome = FileOutcome(name, "ditolak", kode=finding.code, pesan=finding.message, kode_bidang=finding.bidang,
                              periode=finding.periode, lokasi=self._rel(dest))
        self.report.files.append(outcome)
        self._then(lambda: self._move(entry.path, dest, _reason_text(finding.message, name), outcome=outcome))

    def _touch_rejected(self, finding: F.Finding) -> None:
        """A rejected file of a known period shows in that period's rekap (Galat Validasi, Status): rebuild it."""
        from kinerja_batch.periode import parse_periode

        try:
            p = parse_periode(finding.periode) if finding.periode else None
        except ValueError:
            return
        if p is not None and p in self.periods:
            self.touched.add(p)

    def _accept(self, entry: InboxEntry, sha: str, parsed: Any, verdict: Any = None) -> None:
        from kinerja_batch.tanda_tangan import SAH, TANPA

        name = entry.path.name
        ident = parsed.identity
        p: Periode = ident.periode
        received = self._received(entry)
        deadline = self.settings.deadline(p)
        late = deadline is not None and received.date() > deadline
        dest = self._destination(self.ws.arsip / str(p), name)
        n_galat = sum(1 for f in parsed.findings if f.level == F.GALAT)
        n_warn = sum(1 for f in parsed.findings if f.level == F.PERINGATAN)
        with self._transaction():
            unsigned = _unsigned_note(verdict, name, ident, approved=sha in self.approved)
            file_id = self._record_file(entry, sha, dest, "diterima", jenis=layout.KIND_KERTAS_KERJA,
                                        kode_bidang=ident.kode_bidang, periode=str(p),
                                        id_formulir=(verdict.form_id or None) if verdict is not None else None)
            sub_id = self.ledger.record_submission(
                file_id, kode_bidang=ident.kode_bidang, periode=str(p), tahun=p.tahun, tw=p.tw,
                diterima=received.isoformat(sep=" "), terlambat=late, rows=parsed.rows,
                n_indikator=len(self.master.indikator_records_of(ident.kode_bidang)), n_galat=n_galat, n_peringatan=n_warn,
                tanda_tangan=None if verdict is None else (SAH if verdict.status == SAH else TANPA))
            self.ledger.record_findings(self.run_id, parsed.findings + ([unsigned] if unsigned else []),
                                        file_id=file_id, submission_id=sub_id)
        self.touched.add(p)
        outcome = FileOutcome(
            name, "diterima", kode=unsigned.code if unsigned else "", kode_bidang=ident.kode_bidang, periode=str(p),
            lokasi=self._rel(dest),
            terisi=parsed.n_filled, galat=n_galat, peringatan=n_warn,
            pesan=("terlambat; " if late else "") + f"{parsed.n_filled} indikator terisi"
                  + (f"; {unsigned.message}" if unsigned else ""))
        self.report.files.append(outcome)
        self._then(lambda: self._move(entry.path, dest, outcome=outcome))

    def _konfirmasi(self, entry: InboxEntry, sha: str, identity: Any, raw: Any, verdict: Any = None) -> None:
        from kinerja_batch.answers import apply_answers

        name = entry.path.name
        p: Periode = identity.periode
        dest = self._destination(self.ws.arsip / str(p), name)
        with self._transaction():
            file_id = self._record_file(entry, sha, dest, "konfirmasi", jenis=layout.KIND_KONFIRMASI,
                                        kode_bidang=identity.kode_bidang, periode=str(p),
                                        id_formulir=(verdict.form_id or None) if verdict is not None else None)
            summary = apply_answers(self.ledger, self.master, self.settings, raw, identity, file=name,
                                    file_id=file_id, run_id=self.run_id)
        self.touched.add(p)
        outcome = FileOutcome(name, "konfirmasi", kode_bidang=identity.kode_bidang, periode=str(p),
                              lokasi=self._rel(dest), galat=summary.n_invalid, pesan=summary.text())
        self.report.files.append(outcome)
        self._then(lambda: self._move(entry.path, dest, outcome=outcome))


def _unsigned_note(verdict: Any, name: str, ident: Any, *, approved: bool) -> F.Finding | None:
    """The TANPA_TANDA_TANGAN note of an unsigned kertas kerja that is accepted (first submission, or the
    officer's acceptance of a held file)."""
    from kinerja_batch.tanda_tangan import TANPA

    if verdict is None or verdict.status != TANPA:
        return None
    if approved:
        akibat = "Diterima atas persetujuan Subbag Perencanaan (kinerja-batch terima)."
    else:
        akibat = ("Diterima sebagai kiriman pertama bidang ini untuk periode ini dan ditandai tanpa tanda tangan; "
                  "kertas kerja asli bertanda tangan yang dikirim kemudian akan menggantikannya.")
    return F.make("TANPA_TANDA_TANGAN", file=name, bidang=ident.kode_bidang, periode=str(ident.periode),
                  detail=verdict.reason, akibat=akibat)


def _held_text(message: str, name: str) -> str:
    return _archive_note("Ditahan", message, name, "Berkas ini tidak mengubah data apa pun sampai diterima dengan "
                         "perintah 'kinerja-batch terima'; berkas tetap disimpan di sini sebagai arsip.")


def _reason_text(message: str, name: str) -> str:
    return _archive_note("Ditolak", message, name, "Setelah diperbaiki, taruh kembali berkasnya di folder inbox/; "
                         "berkas ini tetap disimpan di sini sebagai arsip.")


def _archive_note(verb: str, message: str, name: str, after: str) -> str:
    """The ``.alasan.txt`` beside a rejected or held file: which file, when (Indonesian form), why, what next."""
    return f"Berkas: {name}\n{verb} oleh kinerja-batch pada {dt.datetime.now():%d-%m-%Y %H.%M}.\n\n{message}\n\n{after}\n"


