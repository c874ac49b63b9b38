"""History mode of the benchmark (issue 11 §3): does a run cost the same after years of quarters?

Used through ``bench_run.py --riwayat N`` (or directly). Builds the synthetic workspace of
``bench_run`` (``--bidang`` x ``--indikator``), then fills the ledger with ``N`` quarters of history
before the active period 2025-TW1:

- the real pipeline runs once over every bidang's filled kertas kerja of 2025-TW1 (so the rows are
  exactly what a run stores: files, submissions, values with their cells, findings);
- those rows are then copied by SQL into each of the ``N`` quarters before it (2024-TW4, 2024-TW3, ...)
  with new ids, their file hashes made distinct and Realisasi varied by a few per cent per quarter, plus
  one audit row per bidang and quarter; the 2025-TW1 rows are removed again, and so are the outputs;
- the ledger is opened once with the tool (so its migrations are applied before anything is timed).

Then one run with no new file (as the nightly run before: the period's outputs are written and the closed
years' totals kept), and, each in a child process (``python -m kinerja_batch run --json``), as medians over
``--repeat``:

- ``satu_berkas``: a run with ONE new file (the first kertas kerja of 2025-TW1) after that;
- ``satu_berkas_pertama``: the same from the seeded ledger alone (no outputs yet: every bidang's
  confirmation workbook and drafts are written, the years' totals summed);
- ``penuh``: a run with every bidang's file (``--penuh``);
- ``status``: ``kinerja-batch status --json`` after the one-file run.

Each reports wall seconds, CPU seconds (user + sys of the child and its children) and peak RSS,
with the machine's load average before it (other processes share the cores).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ACTIVE = (2025, 1)


def quarters_before(tahun: int, tw: int, n: int) -> list[tuple[int, int]]:
    """The ``n`` quarters before (tahun, tw), the nearest first."""
    out = []
    for _ in range(n):
        tahun, tw = (tahun, tw - 1) if tw > 1 else (tahun - 1, 4)
        out.append((tahun, tw))
    return out


def replicate(ledger: Path, n: int) -> dict[str, int]:
    """Copy the rows of the active period into the ``n`` quarters before it, then drop the originals."""
    src = f"{ACTIVE[0]}-TW{ACTIVE[1]}"
    conn = sqlite3.connect(ledger, isolation_level=None)
    conn.execute("BEGIN")
    off = {t: int(conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {t}").fetchone()[0])
           for t in ("files", "submissions", "nilai", "temuan", "audit")}
    for k, (tahun, tw) in enumerate(quarters_before(*ACTIVE, n), start=1):
        p = f"{tahun}-TW{tw}"
        fo, so, no, to = (off[t] * k for t in ("files", "submissions", "nilai", "temuan"))
        conn.execute(
            "INSERT INTO files(id, run_id, sha256, nama_asli, ukuran, mtime, diterima, hasil, kode, alasan, lokasi,"
            " jenis, kode_bidang, periode) SELECT id + ?, run_id, sha256 || ?, nama_asli, ukuran, mtime, diterima,"
            " hasil, kode, alasan, lokasi, jenis, kode_bidang, ? FROM files WHERE periode = ?",
            (fo, f"-{p}", p, src))
        conn.execute(
            "INSERT INTO submissions(id, file_id, kode_bidang, periode, versi, diterima, terlambat, superseded_by,"
            " n_indikator, n_terisi, n_galat, n_peringatan) SELECT id + ?, file_id + ?, kode_bidang, ?, versi,"
            " diterima, terlambat, superseded_by + ?, n_indikator, n_terisi, n_galat, n_peringatan"
            " FROM submissions WHERE periode = ?", (so, fo, p, so, src))
        # Realisasi varies by -4..+4 % from quarter to quarter and row to row: a history, not a constant
        conn.execute(
            "INSERT INTO nilai(id, submission_id, kode_indikator, kode_bidang, periode, tahun, tw, realisasi,"
            " realisasi_teks, anggaran, anggaran_teks, pendorong, penghambat, bukti, keterangan, lembar, baris,"
            " sel_realisasi, sel_anggaran, aktif) SELECT id + ?, submission_id + ?, kode_indikator, kode_bidang, ?,"
            " ?, ?, realisasi * (1 + ((id + ?) % 9 - 4) / 100.0), realisasi_teks, anggaran, anggaran_teks,"
            " pendorong, penghambat, bukti, keterangan, lembar, baris, sel_realisasi, sel_anggaran, aktif"
            " FROM nilai WHERE periode = ?", (no, so, p, tahun, tw, 3 * k, src))
        conn.execute(
            "INSERT INTO temuan(id, run_id, file_id, submission_id, kode, level, kode_bidang, periode,"
            " kode_indikator, berkas, lembar, sel, nilai, pesan, status, tanggapan, penjelasan, dibuat, diubah, data)"
            " SELECT id + ?, run_id, file_id + ?, submission_id + ?, kode, level, kode_bidang, ?, kode_indikator,"
            " berkas, lembar, sel, nilai, pesan, CASE WHEN id % 2 = 0 THEN 'Dikonfirmasi' ELSE status END,"
            " tanggapan, penjelasan, dibuat, diubah, data FROM temuan WHERE periode = ?", (to, fo, so, p, src))
        conn.execute(
            "INSERT INTO audit(waktu, run_id, kode_indikator, kode_bidang, periode, kolom, lama, baru, sumber_berkas,"
            " sel, alasan) SELECT diterima, run_id, kode_bidang || '-000', kode_bidang, ?, 'realisasi', '1', '2',"
            " nama_asli, 'J9', 'Koreksi melalui lembar konfirmasi' FROM files WHERE periode = ?", (p, p))
    for t in ("nilai", "temuan", "submissions", "files"):
        conn.execute(f"DELETE FROM {t} WHERE periode = ?", (src,))
    conn.execute("COMMIT")
    counts = {t: int(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])
              for t in ("files", "submissions", "nilai", "temuan", "audit")}
    conn.execute("VACUUM")
    conn.close()
    return counts


def child(cmd: list[str]) -> dict[str, Any]:
    """Run a command; its wall seconds, CPU seconds (with its children) and peak RSS, and the load before.

    The peak comes from GNU time when there is one: a process forked from this (large) benchmark process keeps
    the parent's resident size as its high-water mark across exec, so ``wait4`` here would report at least
    the benchmark's own size; GNU time's child is forked from a small process."""
    import tempfile

    load = os.getloadavg()[0]
    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    fd, stats = tempfile.mkstemp(suffix=".time")
    os.close(fd)
    full = [gnu_time, "-f", "%M %U %S", "-o", stats, *cmd] if gnu_time else cmd
    t = time.perf_counter()
    proc = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # read the pipes before waiting, so a long JSON report cannot block the child
    out, err = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    _, code, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(code)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd} gagal ({proc.returncode}): {err.decode()[-2000:]}")
    peak_mb = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime
    if gnu_time:
        fields = Path(stats).read_text().split()[-3:]
        peak_mb, cpu = int(fields[0]) / 1024, float(fields[1]) + float(fields[2])
    Path(stats).unlink(missing_ok=True)
    return {"wall_s": wall, "cpu_s": cpu, "peak_rss_mb": peak_mb, "load_1m": load, "_out": out.decode()}


def median_of(samples: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("wall_s", "cpu_s", "peak_rss_mb", "load_1m")
    out: dict[str, Any] = {k: statistics.median(s[k] for s in samples) for k in keys}
    out["samples"] = [{**{k: round(s[k], 3) for k in keys}, **({"waktu": s["waktu"]} if "waktu" in s else {})}
                      for s in samples]
    return out


def history_bench(work: Path, base: Path, files: list[Path], n_bidang: int, n_ind: int, riwayat: int, repeat: int,
                  penuh: bool) -> dict[str, Any]:
    """Seed ``riwayat`` quarters of history into a copy of ``base`` and time the runs described above."""
    from kinerja_batch.batch import run
    from kinerja_batch.config import Workspace
    from kinerja_batch.ledger import Ledger

    old = time.time() - 7200
    seeded = work / "riwayat"
    if seeded.exists():
        shutil.rmtree(seeded)
    shutil.copytree(base, seeded, ignore=shutil.ignore_patterns("templates_xlsx"))
    shutil.copytree(base / "templates_xlsx", seeded / "templates_xlsx")
    ws = Workspace(seeded)
    counts: dict[str, int] = {}
    t = time.perf_counter()
    if riwayat:
        for f in files:
            shutil.copyfile(f, ws.inbox / f.name)
            os.utime(ws.inbox / f.name, (old, old))
        run(ws)
        counts = replicate(ws.ledger_path, riwayat)
        shutil.rmtree(ws.outbox)
        ws.outbox.mkdir()
        (ws.state_dir / "keluaran.json").unlink(missing_ok=True)
    with Ledger.open(ws.ledger_path):
        pass  # migrations applied before anything is timed
    seed_s = time.perf_counter() - t
    print(f"riwayat {riwayat} triwulan diisi dalam {seed_s:.1f} s: {counts}")

    # the nightly state: an earlier run (with no new file) already wrote the period's outputs and kept the
    # closed years' totals; "satu_berkas" starts from here, "satu_berkas_pertama" from the seeded ledger alone
    warm = work / "riwayat_hangat"
    if warm.exists():
        shutil.rmtree(warm)
    shutil.copytree(seeded, warm)
    t = time.perf_counter()
    run(Workspace(warm))
    print(f"run tanpa berkas baru (keluaran periode ditulis, total tahun lalu disimpan): {time.perf_counter() - t:.1f} s")

    target = work / "ukur"
    target_ws = Workspace(target)

    def fresh(which: list[Path], source: Path = warm) -> None:
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("templates_xlsx"))
        shutil.copytree(source / "templates_xlsx", target / "templates_xlsx")
        for f in which:
            shutil.copyfile(f, target_ws.inbox / f.name)
            os.utime(target_ws.inbox / f.name, (old, old))

    run_cmd = [sys.executable, "-m", "kinerja_batch", "-w", str(target), "run", "--json"]
    status_cmd = [sys.executable, "-m", "kinerja_batch", "-w", str(target), "status", "--json"]
    results: dict[str, Any] = {"scale": {"bidang": n_bidang, "indikator": n_ind}, "riwayat_triwulan": riwayat,
                               "ledger_rows": counts, "seed_s": seed_s, "repeat": repeat,
                               "periode": f"{ACTIVE[0]}-TW{ACTIVE[1]}", "cpus": os.cpu_count()}
    one, stat = [], []
    for _ in range(repeat):
        fresh(files[:1])
        sample = child(run_cmd)
        report = json.loads(sample.pop("_out"))
        assert report["jumlah"]["diterima"] == 1, report["jumlah"]
        sample["waktu"] = report.get("waktu", {})  # the run's own phases: files, outputs (wall seconds)
        one.append(sample)
        for _ in range(3):
            s = child(status_cmd)
            body = json.loads(s.pop("_out"))
            assert body["jumlah"]["mengumpulkan"] == 1, body["jumlah"]
            stat.append(s)
    results["satu_berkas"] = median_of(one)
    results["status"] = median_of(stat)
    first = []
    for _ in range(repeat):
        fresh(files[:1], seeded)
        sample = child(run_cmd)
        report = json.loads(sample.pop("_out"))
        assert report["jumlah"]["diterima"] == 1, report["jumlah"]
        sample["waktu"] = report.get("waktu", {})
        first.append(sample)
    results["satu_berkas_pertama"] = median_of(first)
    print(f"run satu berkas tanpa keluaran sebelumnya: {results['satu_berkas_pertama']['wall_s']:.2f} s "
          f"(CPU {results['satu_berkas_pertama']['cpu_s']:.2f} s), puncak "
          f"{results['satu_berkas_pertama']['peak_rss_mb']:.0f} MB")
    print(f"run satu berkas: {results['satu_berkas']['wall_s']:.2f} s (CPU {results['satu_berkas']['cpu_s']:.2f} s),"
          f" puncak {results['satu_berkas']['peak_rss_mb']:.0f} MB; status {results['status']['wall_s']:.2f} s")
    if penuh:
        full = []
        for _ in range(repeat):
            fresh(files)
            sample = child(run_cmd)
            report = json.loads(sample.pop("_out"))
            assert report["jumlah"]["diterima"] == len(files), report["jumlah"]
            full.append(sample)
        results["penuh"] = median_of(full)
        print(f"run penuh: {results['penuh']['wall_s']:.2f} s (CPU {results['penuh']['cpu_s']:.2f} s), "
              f"puncak {results['penuh']['peak_rss_mb']:.0f} MB")
    return results
