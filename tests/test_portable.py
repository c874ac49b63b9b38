"""Windows as well as Linux and macOS (issue 14 §1), proved on Linux.

- The reader's worker processes: started with ``spawn`` (the only way on Windows), with the psutil
  watchdog instead of RLIMIT_AS (the Windows/macOS path), each keeps every per-file limit; a worker
  is reused across files and retired after any failure.
- The run lock is ``filelock``; no module imports a POSIX-only API without a portable path.
- Files held open by another program, as Windows refuses them (``os.replace`` raising
  ``PermissionError``): a rekap open in Excel gets a new one beside it, an inbox file open elsewhere
  stays for the next run; nothing fails, nothing is lost or read twice.
- Names: Windows' forbidden characters and device names, 260-character paths, names differing only
  in case, as the archive receives them.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import WS, drop, fill_kertas_kerja, read_sheet, templates_for

from kinerja_batch import batch, portable, safety
from kinerja_batch.cli import cli
from kinerja_batch.periode import parse_periode
from kinerja_batch.safety import IsolatedFailure, isolated_map

PACKAGE = Path(__file__).resolve().parent.parent / "kinerja_batch"
MB = 1024 * 1024


# ---------------------------------------------------------------------------------------------
# functions the workers run (top level: a spawned worker imports this module to find them)


def _pid(x: int) -> tuple[int, int]:
    return x, os.getpid()


def _work(x: int) -> int:
    if x == 2:
        os._exit(3)
    if x == 3:
        time.sleep(30)
    if x == 4:
        raise ValueError("buruk")
    if x == 5:
        return len(bytearray(3 * 1024 * MB))
    return x * x


def _grow(mb: int) -> int:
    """Allocate ``mb`` MiB in 8 MiB steps, touching every page, as a parser building its rows does."""
    chunks = []
    for _ in range(mb // 8):
        chunks.append(bytearray(b"\1" * (8 * MB)))
        time.sleep(0.002)
    return len(chunks)


def _native_abort() -> None:
    """What python-calamine (Rust) does when an allocation fails under the limit."""
    os.write(2, b"memory allocation of 123456789 bytes failed\n")
    os.abort()


def _kinds(out: list[Any]) -> list[Any]:
    return [o.kind if isinstance(o, IsolatedFailure) else type(o).__name__ if isinstance(o, Exception) else o
            for o in out]


def _workers_left() -> list[str]:
    """Worker processes still alive below this one (the spawn start method's resource tracker aside)."""
    import psutil

    return [" ".join(p.cmdline()) for p in psutil.Process().children(recursive=True)
            if p.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(p.cmdline())]


@pytest.fixture(autouse=True)
def _stop_resource_tracker() -> Any:
    """Spawned workers make multiprocessing start its resource tracker, a helper process that lives as long
    as this one; stop it after each test, so that the tests which check no child is left over (test_safety,
    test_crash) see only what they started themselves, whatever order the suite runs in."""
    yield
    from multiprocessing import resource_tracker

    resource_tracker._resource_tracker._stop()  # reaps it; a no-op when none was started


@pytest.fixture
def spawn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(safety.START_METHOD_ENV, "spawn")


@pytest.fixture
def watchdog(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(safety.START_METHOD_ENV, "spawn")
    monkeypatch.setenv(safety.WATCHDOG_ENV, "1")


# ---------------------------------------------------------------------------------------------
# the workers


def test_start_method_by_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(safety.START_METHOD_ENV, raising=False)
    assert safety.start_method() == ("fork" if sys.platform.startswith("linux") else "spawn")
    monkeypatch.setattr(sys, "platform", "win32")
    assert safety.start_method() == "spawn" and not safety.uses_rlimit()
    monkeypatch.setattr(sys, "platform", "darwin")
    assert safety.start_method() == "spawn" and not safety.uses_rlimit()  # macOS does not enforce RLIMIT_AS
    monkeypatch.setenv(safety.START_METHOD_ENV, "tidak-ada")
    with pytest.raises(ValueError, match="tidak tersedia"):
        safety.start_method()


def test_a_worker_reads_many_files_and_is_retired_after_a_failure() -> None:
    out = list(isolated_map(_pid, [(i,) for i in range(6)], workers=2, memory_mb=256, seconds=10))
    assert [x for x, _ in out] == list(range(6))
    assert len({pid for _, pid in out}) == 2  # two processes for six files: no fork per file

    out = list(isolated_map(_work, [(1,), (4,), (1,), (2,), (1,)], workers=1, memory_mb=256, seconds=10))
    assert _kinds(out) == [1, "ValueError", 1, "crash", 1]
    pids = list(isolated_map(_pid, [(0,), (1,)], workers=1, memory_mb=256, seconds=10))
    assert pids[0][1] == pids[1][1]


def test_each_file_gets_the_whole_memory_allowance() -> None:
    """The limit counts from where the worker stands before each file, so one worker reading ten files of
    300 MB each under a 512 MB limit reads them all; one file of 3 GB is stopped."""
    out = list(isolated_map(_grow, [(296,)] * 10 + [(3000,)], workers=1, memory_mb=512, seconds=60))
    assert _kinds(out) == [37] * 10 + ["memory"]


def test_native_abort_is_the_memory_limit() -> None:
    [out] = list(isolated_map(_native_abort, [()], workers=1, memory_mb=256, seconds=10))
    assert _kinds([out]) == ["memory"]


def test_native_abort_on_windows_is_the_memory_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    oom = b"memory allocation of 123456789 bytes failed"
    monkeypatch.setattr(sys, "platform", "win32")
    assert safety._death(3, oom).kind == "memory"  # abort() of the C runtime
    assert safety._death(0xC0000409, oom).kind == "memory"  # Rust's abort (__fastfail)
    assert safety._death(3, b"").kind == "crash"
    assert safety._death(1, oom).kind == "crash"


@pytest.mark.slow
def test_spawned_workers_keep_every_limit(spawn: None) -> None:
    assert safety.start_method() == "spawn"
    out = list(isolated_map(_work, [(i,) for i in range(7)], workers=2, memory_mb=512, seconds=5))
    assert _kinds(out) == [0, 1, "crash", "timeout", "ValueError", "memory", 36]
    assert _workers_left() == []


@pytest.mark.slow
def test_watchdog_keeps_the_limits_where_rlimit_does_not_exist(watchdog: None) -> None:
    assert not safety.uses_rlimit()
    started = time.monotonic()
    out = list(isolated_map(_work, [(i,) for i in (0, 2, 3, 4, 6)], workers=2, memory_mb=256, seconds=3))
    assert _kinds(out) == [0, "crash", "timeout", "ValueError", 36]
    out = list(isolated_map(_grow, [(64,), (2000,), (64,)], workers=1, memory_mb=256, seconds=60))
    assert _kinds(out) == [8, "memory", 8]
    assert time.monotonic() - started < 120  # the 2 GB file was stopped, not read to its end
    assert _workers_left() == []


# ---------------------------------------------------------------------------------------------
# whole runs with spawned workers: the same result as with fork


def _inputs(w: WS, tmp_path: Path) -> None:
    paths = templates_for(w, "2025-TW1", ["SEK", "IKP"])
    sek = list(w.master.indikator_of("SEK")["kode_indikator"])
    ikp = list(w.master.indikator_of("IKP")["kode_indikator"])
    drop(w.ws, fill_kertas_kerja(paths["SEK"], tmp_path / "sek.xlsx", {sek[0]: 10, sek[1]: "12,5"}))
    drop(w.ws, fill_kertas_kerja(paths["IKP"], tmp_path / "ikp.xlsx", {ikp[0]: -3, ikp[1]: "abc"}))
    (w.ws.inbox / "catatan.xlsx").write_text("a;b\n1;2\n", encoding="utf-8")
    os.utime(w.ws.inbox / "catatan.xlsx", (time.time() - 7200,) * 2)


def _fates(report: Any) -> list[tuple[str, str, str, int]]:
    return sorted((f.berkas, f.hasil, f.kode, f.galat) for f in report.files)


def _values(ws: Any) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(ws.ledger_path)
    try:
        return sorted(con.execute("SELECT f.nama_asli, n.kode_indikator, n.realisasi, n.realisasi_teks FROM nilai n"
                                  " JOIN submissions s ON s.id = n.submission_id JOIN files f ON f.id = s.file_id"))
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["spawn", "watchdog"])
def test_run_with_spawned_workers_same_as_fork(workspace: WS, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               mode: str) -> None:
    _inputs(workspace, tmp_path)
    other = tmp_path / "salinan"
    shutil.copytree(workspace.ws.root, other)
    forked = batch.run(type(workspace.ws)(other))
    monkeypatch.setenv(safety.START_METHOD_ENV, "spawn")
    if mode == "watchdog":
        monkeypatch.setenv(safety.WATCHDOG_ENV, "1")
    spawned = batch.run(workspace.ws)
    assert _fates(spawned) == _fates(forked)
    assert ("ikp.xlsx", "diterima", "", 2) in _fates(spawned) and ("catatan.xlsx", "ditolak", "BUKAN_EXCEL", 0) in \
        _fates(spawned)
    assert _values(workspace.ws) == _values(type(workspace.ws)(other))


@pytest.mark.slow
def test_memory_limit_of_a_run_under_the_watchdog(workspace: WS, tmp_path: Path, watchdog: None) -> None:
    from test_hostile import Kit, _set_limit, _wide_kk

    templates_for(workspace, "2025-TW1", ["SEK"])
    _set_limit(workspace, "memori_mb", "128")
    Kit(workspace, tmp_path).put("sek_lebar.xlsx", _wide_kk(workspace, tmp_path))
    [f] = batch.run(workspace.ws).files
    assert (f.hasil, f.kode) == ("ditolak", "TERLALU_BESAR")
    assert "membaca berkas memerlukan memori lebih dari 128 MB" in f.pesan


# ---------------------------------------------------------------------------------------------
# the lock and the POSIX-only calls


def _imports(tree: ast.AST) -> list[tuple[str, ast.AST]]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.module, node))
    return out


def test_no_posix_only_call_without_a_portable_path() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded = {id(n) for t in ast.walk(tree) if isinstance(t, ast.Try)
                   and any(isinstance(h.type, ast.Name) and h.type.id == "ImportError" for h in t.handlers)
                   for n in ast.walk(t)}
        for name, node in _imports(tree):
            if name.split(".")[0] in ("fcntl", "resource", "termios", "pwd", "grp") and id(node) not in guarded:
                found.append(f"{path.name}: import {name}")
        text = path.read_text(encoding="utf-8")
        for call in ("os.fork(", "os.forkpty(", "signal.SIGXCPU", "signal.SIGKILL", "os.getuid(", "os.killpg("):
            if call in text:
                found.append(f"{path.name}: {call}")
        if 'get_context("fork")' in text:
            found.append(f"{path.name}: fork start method")
    assert found == []


def test_run_lock_held_by_another_process(workspace: WS) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom kinerja_batch.batch import run_lock\n"
         "from pathlib import Path\nfrom kinerja_batch.config import Workspace\n"
         "with run_lock(Workspace(Path(sys.argv[1]))):\n    print('ok', flush=True)\n    time.sleep(60)\n",
         str(workspace.ws.root)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        result = CliRunner().invoke(cli, ["-w", str(workspace.ws.root), "run"])
        assert result.exit_code == 1
        assert f"PID {holder.pid} sejak" in result.output and "--tunggu" in result.output
    finally:
        holder.kill()
        holder.wait()
    result = CliRunner().invoke(cli, ["-w", str(workspace.ws.root), "run"])  # the system freed the lock
    assert result.exit_code == 0, result.output


# ---------------------------------------------------------------------------------------------
# files held open by another program (as Windows refuses them)


def _refuse_replacing(monkeypatch: pytest.MonkeyPatch, held: Any) -> None:
    """``os.replace`` raises PermissionError like Windows when ``held(src, dst)`` says the file is open."""
    real = os.replace

    def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if held(Path(src), Path(dst)):
            raise PermissionError(13, "The process cannot access the file because it is being used by another "
                                      "process", str(dst))
        real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


def _invoke(w: WS, *args: str) -> Any:
    return CliRunner().invoke(cli, ["-w", str(w.ws.root), "run", *args])


def _realisasi(path: Path, kode: str) -> Any:
    return read_sheet(path, "Pengukuran Kinerja", key="Kode Indikator")[kode]["Realisasi"]


def test_rekap_open_in_excel_gets_a_new_one_beside_it(workspace: WS, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    paths = templates_for(workspace, "2025-TW1", ["SEK"])
    kode = list(workspace.master.indikator_of("SEK")["kode_indikator"])[0]
    drop(workspace.ws, fill_kertas_kerja(paths["SEK"], tmp_path / "sek.xlsx", {kode: 10}))
    assert _invoke(workspace).exit_code == 0
    rekap = workspace.ws.outbox / "rekap_2025-TW1.xlsx"
    beside = workspace.ws.outbox / "rekap_2025-TW1 (baru).xlsx"
    assert _realisasi(rekap, kode) == 10

    drop(workspace.ws, fill_kertas_kerja(paths["SEK"], tmp_path / "sek_revisi.xlsx", {kode: 12}))
    with monkeypatch.context() as m:
        _refuse_replacing(m, lambda src, dst: dst == rekap)
        result = _invoke(workspace, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["rekap_baru"] == {"outbox/rekap_2025-TW1.xlsx": "outbox/rekap_2025-TW1 (baru).xlsx"}
    assert "outbox/rekap_2025-TW1 (baru).xlsx" in report["rekap"] and "outbox/rekap_2025-TW1.xlsx" not in report["rekap"]
    assert _realisasi(rekap, kode) == 10 and _realisasi(beside, kode) == 12  # the open one untouched

    with monkeypatch.context() as m:
        _refuse_replacing(m, lambda src, dst: dst in (rekap, beside))  # the first "(baru)" open too
        drop(workspace.ws, fill_kertas_kerja(paths["SEK"], tmp_path / "sek_revisi2.xlsx", {kode: 13}))
        result = _invoke(workspace)
    assert result.exit_code == 0, result.output
    assert "rekap_2025-TW1.xlsx sedang dibuka program lain" in result.output
    assert "outbox/rekap_2025-TW1 (baru 2).xlsx" in result.output
    assert _realisasi(workspace.ws.outbox / "rekap_2025-TW1 (baru 2).xlsx", kode) == 13

    result = _invoke(workspace)  # Excel closed: nothing new, yet the rekap is written to its own name again
    assert result.exit_code == 0, result.output
    assert _realisasi(rekap, kode) == 13
    assert sorted(p.name for p in workspace.ws.outbox.glob("rekap_2025-TW1*")) == ["rekap_2025-TW1.xlsx"]


def test_inbox_file_open_elsewhere_stays_for_the_next_run(workspace: WS, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    paths = templates_for(workspace, "2025-TW1", ["SEK", "IKP"])
    kode = list(workspace.master.indikator_of("SEK")["kode_indikator"])[0]
    drop(workspace.ws, fill_kertas_kerja(paths["SEK"], tmp_path / "sek.xlsx", {kode: 10}))
    drop(workspace.ws, fill_kertas_kerja(paths["IKP"], tmp_path / "ikp.xlsx", {}))  # rejected: nothing filled
    inbox = workspace.ws.inbox
    with monkeypatch.context() as m:
        _refuse_replacing(m, lambda src, dst: src.parent == inbox)  # both open in Excel
        result = _invoke(workspace, "--json")
    report = json.loads(result.output)
    files = {f["berkas"]: f for f in report["files"]}
    assert files["sek.xlsx"]["hasil"] == "diterima" and files["sek.xlsx"]["tertahan"] is True
    assert files["sek.xlsx"]["lokasi"] == "inbox/sek.xlsx" and "dibuka program lain" in files["sek.xlsx"]["pesan"]
    assert files["ikp.xlsx"]["hasil"] == "ditolak" and files["ikp.xlsx"]["tertahan"] is True
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == ["ikp.xlsx", "sek.xlsx"]
    assert _realisasi(workspace.ws.outbox / "rekap_2025-TW1.xlsx", kode) == 10  # its values are in already

    result = _invoke(workspace, "--json")  # closed now
    report = json.loads(result.output)
    assert sorted((f["berkas"], f["hasil"], f["lokasi"]) for f in report["files"]) == [
        ("ikp.xlsx", "ditolak", "inbox/ditolak/ikp.xlsx"), ("sek.xlsx", "diterima", "inbox/arsip/2025-TW1/sek.xlsx")]
    assert all("pada proses sebelumnya diselesaikan" in f["pesan"] for f in report["files"])
    assert not (inbox / "sek.xlsx").exists() and (inbox / "arsip" / "2025-TW1" / "sek.xlsx").exists()
    assert (inbox / "ditolak" / "ikp.xlsx.alasan.txt").exists()
    con = sqlite3.connect(workspace.ws.ledger_path)
    try:
        assert con.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 2  # recorded once, never read twice
        assert con.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 1
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------
# names


@pytest.mark.parametrize(("name", "portable_form"), [
    ("CON", "CON_"), ("aux.xlsx", "aux_.xlsx"), ("com1.tar.gz", "com1_.tar.gz"), ("LPT9 .xlsx", "LPT9_.xlsx"),
    ("nul", "nul_"), ("Console.xlsx", "Console.xlsx"), ("con-tw1.xlsx", "con-tw1.xlsx"),
    ('a<b>:"c"|d?*.xlsx', "a_b___c__d__.xlsx"), ("tab\there.xlsx", "tab_here.xlsx"), ("laporan. .", "laporan"),
    ("...", "_"), ("Laporan Triwulan I – Désirée.xlsx", "Laporan Triwulan I – Désirée.xlsx"),
])
def test_portable_name(name: str, portable_form: str) -> None:
    assert portable.portable_name(name) == portable_form
    assert not portable.is_reserved(portable.portable_name(name))


def test_archive_names_every_system_accepts(workspace: WS, tmp_path: Path) -> None:
    paths = templates_for(workspace, "2025-TW1", ["SEK", "IKP"])
    sek = list(workspace.master.indikator_of("SEK")["kode_indikator"])
    ikp = list(workspace.master.indikator_of("IKP")["kode_indikator"])
    drop(workspace.ws, fill_kertas_kerja(paths["SEK"], tmp_path / "a.xlsx", {sek[0]: 1}), "Laporan.xlsx")
    drop(workspace.ws, fill_kertas_kerja(paths["IKP"], tmp_path / "b.xlsx", {ikp[0]: 2}), "LAPORAN.xlsx")
    drop(workspace.ws, fill_kertas_kerja(paths["SEK"], tmp_path / "c.xlsx", {sek[0]: 3}), "aux.xlsx")
    drop(workspace.ws, fill_kertas_kerja(paths["IKP"], tmp_path / "d.xlsx", {ikp[0]: 4}), "TW1: final?.xlsx")
    (workspace.ws.inbox / "con.xlsx").write_text("bukan excel", encoding="utf-8")
    os.utime(workspace.ws.inbox / "con.xlsx", (time.time() - 7200,) * 2)
    report = batch.run(workspace.ws)
    where = {f.berkas: f.lokasi for f in report.files}
    assert where == {
        "Laporan.xlsx": "inbox/arsip/2025-TW1/Laporan.xlsx",
        "LAPORAN.xlsx": "inbox/arsip/2025-TW1/LAPORAN (2).xlsx",  # one file on NTFS/APFS otherwise
        "aux.xlsx": "inbox/arsip/2025-TW1/aux_.xlsx",
        "TW1: final?.xlsx": "inbox/arsip/2025-TW1/TW1_ final_.xlsx",
        "con.xlsx": "inbox/ditolak/con_.xlsx",
    }
    assert (workspace.ws.inbox / "ditolak" / "con_.xlsx.alasan.txt").exists()
    con = sqlite3.connect(workspace.ws.ledger_path)
    try:
        names = dict(con.execute("SELECT nama_asli, lokasi FROM files"))
    finally:
        con.close()
    assert names == where  # the original name kept in the ledger beside its portable place

    drop(workspace.ws, fill_kertas_kerja(paths["SEK"], tmp_path / "e.xlsx", {sek[0]: 5}), "laporan.XLSX")
    [f] = batch.run(workspace.ws).files  # against what an earlier run archived, too
    assert f.lokasi == "inbox/arsip/2025-TW1/laporan (3).XLSX"


def test_destinations_fit_a_windows_path(workspace: WS, tmp_path: Path) -> None:
    deep = tmp_path / ("folder kerja bidang perencanaan " * 2).strip() / "ruang kerja"
    shutil.copytree(workspace.ws.root, deep)
    ws = type(workspace.ws)(deep)
    w = WS(ws, ws.settings(), workspace.master)
    paths = templates_for(w, "2025-TW1", ["SEK"])
    sek = list(w.master.indikator_of("SEK")["kode_indikator"])
    long_name = "Laporan realisasi kinerja Sekretariat triwulan pertama " + "revisi " * 20 + "final.xlsx"
    assert len(long_name) < 255 - len(".alasan.txt")  # fine for the file system, too long for a Windows path
    drop(ws, fill_kertas_kerja(paths["SEK"], tmp_path / "a.xlsx", {sek[0]: 1}), long_name)
    (ws.inbox / ("z" * 200 + ".xlsx")).write_text("bukan excel", encoding="utf-8")
    os.utime(ws.inbox / ("z" * 200 + ".xlsx"), (time.time() - 7200,) * 2)
    report = batch.run(ws)
    assert sorted(f.hasil for f in report.files) == ["diterima", "ditolak"]
    for f in report.files:
        dest = ws.root / f.lokasi
        assert dest.exists() and "…" in dest.name and dest.suffix == ".xlsx"
        reason_tmp = dest.with_name("." + dest.name + ".alasan.txt.tmp")
        assert portable.path_units(reason_tmp.absolute()) <= portable.MAX_PATH, len(str(reason_tmp))
    assert {f.berkas for f in report.files} == {long_name, "z" * 200 + ".xlsx"}


def test_confirmation_workbook_open_in_excel_gets_a_new_one_beside_it(workspace: WS, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    paths = templates_for(workspace, "2025-TW1", ["SEK"])
    codes = list(workspace.master.indikator_of("SEK")["kode_indikator"])
    drop(workspace.ws, fill_kertas_kerja(paths["SEK"], tmp_path / "sek.xlsx", dict.fromkeys(codes, 1)))
    assert _invoke(workspace).exit_code in (0, 1)
    konf = workspace.ws.konfirmasi_path("SEK", parse_periode("2025-TW1"))
    beside = konf.with_name(f"{konf.stem} (baru){konf.suffix}")
    assert konf.exists()  # far below target without explanations: items to confirm
    before = hashlib.sha256(konf.read_bytes()).hexdigest()
    assert _konfirmasi_values(konf) == {"1"}

    drop(workspace.ws, fill_kertas_kerja(paths["SEK"], tmp_path / "sek_revisi.xlsx", dict.fromkeys(codes, 2)))
    with monkeypatch.context() as m:
        _refuse_replacing(m, lambda src, dst: dst == konf)  # the officer has it open in Excel
        result = _invoke(workspace, "--json")
    assert result.exit_code in (0, 1), result.output  # the run does not fail
    report = json.loads(result.output)
    rel = str(beside.relative_to(workspace.ws.root))
    assert rel in report["konfirmasi"] and str(konf.relative_to(workspace.ws.root)) not in report["konfirmasi"]
    assert any("sedang dibuka program lain" in c and rel in c for c in report["catatan"])
    assert hashlib.sha256(konf.read_bytes()).hexdigest() == before  # the open one untouched
    assert beside.exists()
    assert _konfirmasi_values(beside) == {"2"} and _konfirmasi_values(konf) == {"1"}  # new values beside it

    result = _invoke(workspace)  # Excel closed, nothing new: the workbook goes to its own name again
    assert result.exit_code in (0, 1), result.output
    assert not beside.exists() and _konfirmasi_values(konf) == {"2"}
    assert "sedang dibuka program lain" not in result.output


def _konfirmasi_values(path: Path) -> set[str]:
    """The values the confirmation workbook asks about on its realisasi rows (column Nilai)."""
    import openpyxl

    ws = openpyxl.load_workbook(path, read_only=True)["Konfirmasi"]
    rows = list(ws.iter_rows(values_only=True))
    header = next(r for r in rows if r and "ID Temuan" in r)
    nilai, jenis = header.index("Nilai"), header.index("Jenis Nilai")
    return {str(r[nilai]) for r in rows[rows.index(header) + 1:]
            if r and r[jenis] and str(r[jenis]).startswith("Realisasi TW")}
