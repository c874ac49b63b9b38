"""Crash harness: the run dies at every numbered step, or is killed at random, and nothing is lost or doubled.

Each run is a real ``python -m kinerja_batch -w WS run`` subprocess. ``KINERJA_CRASH_AT=<step>``
makes it ``os._exit(137)`` at that step (``faults.CRASH_STEPS``); the random test sends SIGKILL to
the process group. After the crash, a normal run; then, compared with the same inbox run once
without a crash: every file that entered ``inbox/`` is in exactly one place, the ledger matches
the folders, the current values are the same (none doubled, none lost), and the rekap is either
the old complete one or the new complete one at every moment.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import OLD, WS, age, fill_kertas_kerja, read_sheet, templates_for

from kinerja_batch import batch, faults
from kinerja_batch.config import Workspace, init_workspace
from kinerja_batch.master import load_master

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:Sparkline Group extension")]

REKAP_SHEETS = ("Pengukuran Kinerja", "Perlu Konfirmasi", "Status Pengumpulan", "Galat Validasi", "Info Proses")


# ---------------------------------------------------------------------------------------------
# helpers shared with test_concurrency.py


def run_cli(ws: Workspace, *args: str, crash_at: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m kinerja_batch -w WS run ...`` in a subprocess."""
    return subprocess.run(cli_command(ws, *args), env=cli_env(crash_at), capture_output=True, text=True,
                          timeout=timeout)


def cli_command(ws: Workspace, *args: str) -> list[str]:
    return [sys.executable, "-m", "kinerja_batch", "-w", str(ws.root), "run", *args]


def cli_env(crash_at: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != faults.CRASH_ENV}
    if crash_at:
        env[faults.CRASH_ENV] = crash_at
    return env


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def inbox_files(ws: Workspace) -> dict[str, str]:
    """Every file below inbox/ that came from a sender (reason files excluded): relative path -> sha256."""
    return {str(p.relative_to(ws.root)): sha256(p) for p in ws.inbox.rglob("*")
            if p.is_file() and not p.name.endswith(".alasan.txt")}


def entered(ws: Workspace) -> Counter[str]:
    """sha256 -> how many files with these bytes are in inbox/ (call before the runs)."""
    return Counter(inbox_files(ws).values())


def check_each_file_once(ws: Workspace, inputs: Counter[str]) -> None:
    """Every file that entered inbox/ is in exactly one place (inbox/, arsip/ or ditolak/), and nothing else is."""
    now = Counter(inbox_files(ws).values())
    assert now == inputs, {"hilang atau ganda": {s: (inputs[s], now[s]) for s in inputs | now if inputs[s] != now[s]}}


def check_ledger_matches_folders(ws: Workspace) -> None:
    con = sqlite3.connect(ws.ledger_path)
    rows = con.execute("SELECT nama_asli, lokasi, hasil FROM files").fetchall()
    con.close()
    recorded = {lokasi for _, lokasi, _ in rows}
    assert len(recorded) == len(rows), "two ledger rows point at one file"
    missing = [lokasi for lokasi in recorded if not (ws.root / lokasi).is_file()]
    assert missing == [], missing
    stored = {str(p.relative_to(ws.root)) for p in (*ws.arsip.rglob("*"), *ws.ditolak.rglob("*"))
              if p.is_file() and not p.name.endswith(".alasan.txt")}
    assert stored == recorded, {"tanpa catatan": stored - recorded}
    for _, lokasi, hasil in rows:
        assert (ws.root / (lokasi + ".alasan.txt")).is_file() == (hasil == "ditolak"), lokasi
    left = [p.name for p in ws.inbox.iterdir() if p.is_file()]
    assert left == [], left


def check_rekap_complete_or_absent(path: Path, allowed: list[Any] | None = None) -> None:
    """The rekap at ``path`` is absent or opens whole; with ``allowed``, its values are one of those versions."""
    if not path.exists():
        return
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    names = wb.sheetnames
    wb.close()
    assert set(REKAP_SHEETS) <= set(names), names
    if allowed is not None:
        assert rekap_values(path) in allowed


def rekap_values(path: Path) -> list[tuple[Any, ...]]:
    rows = read_sheet(path, "Pengukuran Kinerja")
    return [(r["Kode Indikator"], r["Realisasi"], r["Realisasi s.d. TW"], r["Capaian (%)"], r["Status"]) for r in rows]


def ledger_state(ws: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    """What the ledger holds, without ids and times: comparable between two workspaces."""
    con = sqlite3.connect(ws.ledger_path)
    queries = {
        "files": "SELECT nama_asli, hasil, kode, lokasi, kode_bidang, periode FROM files",
        "submissions": "SELECT s.kode_bidang, s.periode, s.versi, s.superseded_by IS NULL, s.n_terisi, f.nama_asli"
                       " FROM submissions s JOIN files f ON f.id = s.file_id",
        "nilai": "SELECT kode_bidang, periode, kode_indikator, realisasi, anggaran, pendorong, aktif FROM nilai",
        "temuan": "SELECT kode, level, kode_bidang, periode, kode_indikator, berkas, sel, status FROM temuan",
    }
    state = {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in queries.items()}
    con.close()
    return state


def check_values_not_doubled(ws: Workspace) -> None:
    con = sqlite3.connect(ws.ledger_path)
    doubled = con.execute("SELECT kode_bidang, periode, kode_indikator, COUNT(*) FROM nilai WHERE aktif=1"
                          " GROUP BY 1, 2, 3 HAVING COUNT(*) > 1").fetchall()
    current = con.execute("SELECT kode_bidang, periode, COUNT(*) FROM submissions WHERE superseded_by IS NULL"
                          " GROUP BY 1, 2 HAVING COUNT(*) > 1").fetchall()
    names = con.execute("SELECT nama_asli, COUNT(*) FROM files GROUP BY 1 HAVING COUNT(*) > 1").fetchall()
    con.close()
    assert (doubled, current, names) == ([], [], [])


def copy_workspace(src: Path, dest: Path) -> Workspace:
    shutil.copytree(src, dest, symlinks=True)  # copy2 keeps the aged mtimes
    return Workspace(dest)


def new_workspace(root: Path, periods: tuple[str, ...] = ("2025-TW1", "2025-TW2")) -> WS:
    ws = init_workspace(root)
    w = WS(ws, ws.settings(), load_master(ws.master_path))
    for p in periods:
        templates_for(w, p)
    return w


def first_code(w: WS, bidang: str) -> str:
    return str(w.master.indikator_of(bidang)["kode_indikator"].iloc[0])


def drop_in_order(ws: Workspace, files: list[tuple[str, bytes]]) -> None:
    """Put files into the inbox, old enough to be taken, in this processing order (by mtime)."""
    for i, (name, data) in enumerate(files):
        path = ws.inbox / name
        path.write_bytes(data)
        age(path, OLD - i)


def filled(w: WS, tmp: Path, bidang: str, periode: str, value: float) -> bytes:
    from kinerja_batch.periode import parse_periode

    src = w.ws.template_path(bidang, parse_periode(periode))
    out = fill_kertas_kerja(src, tmp / f"_{bidang}_{periode}_{value}.xlsx", {first_code(w, bidang): value})
    data = out.read_bytes()
    out.unlink()
    return data


# ---------------------------------------------------------------------------------------------
# a prepared inbox: accepted, superseding, rejected and duplicate files, after one earlier run


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("crash")
    w = new_workspace(root / "ws")
    ws = w.ws
    drop_in_order(ws, [("sek_v1.xlsx", filled(w, root, "SEK", "2025-TW2", 3.0))])
    batch.run(ws)  # the old rekap, and a value the next file supersedes
    old_rekap = rekap_values(ws.rekap_path(w.settings.periode_aktif))
    ikp = filled(w, root, "IKP", "2025-TW2", 80)
    drop_in_order(ws, [
        ("sek_v2.xlsx", filled(w, root, "SEK", "2025-TW2", 3.1)),
        ("catatan.xlsx", b"Kode Indikator;Realisasi\nT-01;3,1\n"),
        ("ikp.xlsx", ikp),
        ("aptika_tw1.xlsx", filled(w, root, "APTIKA", "2025-TW1", 60)),
        ("ikp_kirim_lagi.xlsx", ikp),
        ("kosong.xlsx", b""),
    ])
    inputs = entered(ws)
    ref = copy_workspace(ws.root, root / "referensi")
    result = run_cli(ref)
    assert result.returncode == 1, result.stdout + result.stderr  # two rejected files need attention
    return {"ws": ws, "inputs": inputs, "reference": ref, "old_rekap": old_rekap,
            "new_rekap": rekap_values(ref.rekap_path(w.settings.periode_aktif)), "periode": w.settings.periode_aktif}


def test_reference_run_is_what_we_expect(prepared: dict[str, Any]) -> None:
    ref: Workspace = prepared["reference"]
    state = ledger_state(ref)
    fates = {(name, hasil, kode) for name, hasil, kode, *_ in state["files"]}
    assert fates == {("sek_v1.xlsx", "diterima", None), ("sek_v2.xlsx", "diterima", None),
                     ("catatan.xlsx", "ditolak", "BUKAN_EXCEL"), ("ikp.xlsx", "diterima", None),
                     ("aptika_tw1.xlsx", "diterima", None), ("ikp_kirim_lagi.xlsx", "duplikat", "DUPLIKAT"),
                     ("kosong.xlsx", "ditolak", "BUKAN_EXCEL")}
    assert prepared["old_rekap"] != prepared["new_rekap"]
    check_each_file_once(ref, prepared["inputs"])
    check_ledger_matches_folders(ref)
    check_values_not_doubled(ref)


@pytest.mark.parametrize("step", faults.CRASH_STEPS)
def test_crash_at_every_step_then_run_again(prepared: dict[str, Any], step: str, tmp_path: Path) -> None:
    ws = copy_workspace(prepared["ws"].root, tmp_path / "ws")
    rekap = ws.rekap_path(prepared["periode"])
    allowed = [prepared["old_rekap"], prepared["new_rekap"]]

    crashed = run_cli(ws, crash_at=step)
    assert crashed.returncode == 137, (step, crashed.stdout, crashed.stderr)
    check_each_file_once(ws, prepared["inputs"])  # even mid-way every file is somewhere, once
    check_rekap_complete_or_absent(rekap, allowed)

    again = run_cli(ws)  # 1 when it met the rejected files itself, 0 when the crashed run had moved them
    assert again.returncode in (0, 1) and not again.stderr, again.stdout + again.stderr
    check_each_file_once(ws, prepared["inputs"])
    check_ledger_matches_folders(ws)
    check_values_not_doubled(ws)
    assert ledger_state(ws) == ledger_state(prepared["reference"])
    check_rekap_complete_or_absent(rekap, [prepared["new_rekap"]])
    outbox = sorted(p.name for p in ws.outbox.rglob("*.xlsx") if not p.name.startswith("."))
    assert outbox == sorted(p.name for p in prepared["reference"].outbox.rglob("*.xlsx")
                            if not p.name.startswith("."))


# ---------------------------------------------------------------------------------------------
# kill -9 at random moments over many files


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """30 files: 12 first submissions, 6 revisions, 6 rejected, 6 identical copies."""
    root = tmp_path_factory.mktemp("kill")
    w = new_workspace(root / "ws")
    files: list[tuple[str, bytes]] = []
    bidang = list(w.master.bidang_codes())
    for i, b in enumerate(bidang):
        for periode in ("2025-TW1", "2025-TW2"):
            files.append((f"{b.lower()}_{periode}.xlsx", filled(w, root, b, periode, 10 + i)))
    for i, b in enumerate(bidang):
        files.append((f"{b.lower()}_2025-TW2_revisi.xlsx", filled(w, root, b, "2025-TW2", 20 + i)))
    junk = [b"", b"a;b\n1;2\n", b"<html><table></table></html>", b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n" + bytes(64),
            b"PK\x03\x04" + bytes(40)]
    files += [(f"rusak_{i}.xlsx", data) for i, data in enumerate(junk)]
    files += [(f"salinan_{name}", data) for name, data in files[:6]]
    assert len(files) == 30
    drop_in_order(w.ws, files)
    inputs = entered(w.ws)
    ref = copy_workspace(w.ws.root, root / "referensi")
    result = run_cli(ref)
    assert result.returncode == 1, result.stdout + result.stderr
    return {"ws": w.ws, "inputs": inputs, "reference": ref, "periode": w.settings.periode_aktif}


def wait_until_holds_lock(ws: Workspace, proc: subprocess.Popen, *, required: bool = False,
                          seconds: float = 60) -> None:
    """Until this run holds the workspace lock (it writes its PID there). A run that ends first is
    fine unless ``required``; then ending first, or not locking in time, fails the test."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            assert not required, proc.communicate()
            return
        try:
            if ws.lock_path.read_text(encoding="utf-8").startswith(f"PID {proc.pid} "):
                return
        except FileNotFoundError:
            pass
        time.sleep(0.005)
    assert not required, "run did not take the lock"


def wait_until_fewer_files(ws: Workspace, proc: subprocess.Popen, total: int, seconds: float = 60) -> None:
    """Until the run has moved at least one of the ``total`` files out of inbox/ (or ended)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        if sum(1 for p in ws.inbox.iterdir() if p.is_file()) < total:
            return
        time.sleep(0.001)


def test_kill_9_at_random_moments(many: dict[str, Any], tmp_path: Path) -> None:
    ws = copy_workspace(many["ws"].root, tmp_path / "ws")
    rekap = ws.rekap_path(many["periode"])
    final = rekap_values(many["reference"].rekap_path(many["periode"]))
    rng = random.Random(20250707)
    # shortest first: the early kills land among the files, the later ones in the moves and the rekap
    pauses = sorted(rng.uniform(0.05, 1.5) for _ in range(8))
    waiting: list[int] = []  # files still in inbox/ after each kill
    total = sum(1 for p in ws.inbox.iterdir() if p.is_file())
    for i, pause in enumerate(pauses):
        proc = subprocess.Popen(cli_command(ws), env=cli_env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_until_holds_lock(ws, proc)
            if i == 0:
                # the first kill lands among the files whatever the machine's speed: as soon as one has moved
                wait_until_fewer_files(ws, proc, total)
            else:
                time.sleep(pause)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)  # the run and its reader child, like a power cut
        finally:
            proc.wait(timeout=60)
        if proc.returncode == -signal.SIGKILL:
            waiting.append(sum(1 for p in ws.inbox.iterdir() if p.is_file()))
        check_each_file_once(ws, many["inputs"])
        check_rekap_complete_or_absent(rekap)
    assert len(waiting) >= 2, "the runs ended before they could be killed; the test proves nothing"
    assert any(0 < n < 30 for n in waiting), waiting  # at least one kill in the middle of the files

    result = run_cli(ws)
    assert result.returncode in (0, 1) and not result.stderr, result.stdout + result.stderr
    check_each_file_once(ws, many["inputs"])
    check_ledger_matches_folders(ws)
    check_values_not_doubled(ws)
    assert ledger_state(ws) == ledger_state(many["reference"])
    assert rekap_values(rekap) == final
