"""The files phase of a run (issue 11 §2, ingest) against a single-core calamine read, CPU beside wall.

Builds the same synthetic workspace as ``bench_run.py`` (``--bidang`` x 150), then, ``--repeat``
times in turn: the floor (python-calamine reading every file's values in this process), and a run
whose outputs are skipped, so that only sniffing, the isolated reads with their limits, validation,
the ledger and the moves are measured (every file must be accepted; the workspace's ledger, which holds the issued
signed forms, goes with it). CPU seconds are this process's plus its workers' (this process's whole run, with
its imports and the master, and its part in the files phase alone). With
``--baseline DIR`` the same run of another checkout (for example the main branch) is interleaved
with it, on the same files and the same machine load.

    python benchmarks/bench_ingest.py --baseline /path/to/other/checkout
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

_CHILD = """
import json, os, resource, shutil, sys, time
from pathlib import Path
import kinerja_batch
print("kinerja_batch:", kinerja_batch.__file__, file=sys.stderr)
import kinerja_batch.outputs as outputs
outputs.rebuild_outputs = lambda *a, **k: None  # the files phase only
import kinerja_batch.batch as batch
from kinerja_batch.batch import run
from kinerja_batch.config import Workspace
phase = {}
_process_all = batch._Processor.process_all
def process_all(self, *a, **k):  # this process's CPU in the files phase alone (without imports, master, setup)
    t = time.process_time()
    try:
        return _process_all(self, *a, **k)
    finally:
        phase["cpu"] = time.process_time() - t
batch._Processor.process_all = process_all
from python_calamine import CalamineWorkbook

base, files_dir, target = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
files = sorted(files_dir.iterdir())
def cpu():
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime, b.ru_utime + b.ru_stime
t, c = time.perf_counter(), sum(cpu())
for f in files:
    wb = CalamineWorkbook.from_path(str(f))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()
    wb.close()
floor_wall, floor_cpu = time.perf_counter() - t, sum(cpu()) - c
if target.exists():
    shutil.rmtree(target)
shutil.copytree(base, target, ignore=shutil.ignore_patterns("*.kunci", "*.lock", "keluaran.json"))
old = time.time() - 7200
for f in files:
    shutil.copyfile(f, target / "inbox" / f.name)
    os.utime(target / "inbox" / f.name, (old, old))
(own0, kids0) = cpu()
report = run(Workspace(target))
(own1, kids1) = cpu()
print(json.dumps({"floor_read_wall_s": floor_wall, "floor_read_cpu_s": floor_cpu,
                  "ingest_wall_s": report.waktu["berkas"], "ingest_cpu_parent_s": own1 - own0,
                  "ingest_cpu_workers_s": kids1 - kids0, "ingest_cpu_parent_phase_s": phase["cpu"],
                  "accepted": report.count("diterima"),
                  "load_1min": os.getloadavg()[0]}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bidang", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline", type=Path, default=None, help="another checkout to run interleaved")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "ingest_200x150.json")
    args = ap.parse_args()

    from bench_run import fill_fast, write_master

    from kinerja_batch.config import Workspace, default_toml
    from kinerja_batch.master import load_master
    from kinerja_batch.periode import Periode
    from kinerja_batch.templates import write_templates

    work = Path(tempfile.mkdtemp(prefix="kinerja_ingest_"))
    base, filled = work / "base", work / "filled"
    for d in ("templates_xlsx", "inbox", "outbox"):
        (base / d).mkdir(parents=True)
    (base / "kinerja.toml").write_text(
        default_toml(tahun=2025, aktif="2025-TW1").replace("tunggu_menit = 1 ", "tunggu_menit = 0 "), encoding="utf-8")
    write_master(base / "master_indikator.xlsx", args.bidang, 150)
    ws = Workspace(base)
    master = load_master(ws.master_path, cache_dir=ws.state_dir)  # the master cache is warm
    write_templates(ws, master, ws.settings(), Periode(2025, 1))
    filled.mkdir()
    for i, kode in enumerate(master.bidang_codes()):
        fill_fast(ws.template_path(kode, Periode(2025, 1)), filled / f"kk_{kode}.xlsx", i)
    shutil.rmtree(base / "templates_xlsx")
    (base / "templates_xlsx").mkdir()

    checkouts = {"this": HERE.parent}
    if args.baseline:
        checkouts["baseline"] = args.baseline.resolve()
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in checkouts}
    for _ in range(args.repeat):
        for name, root in checkouts.items():  # interleaved
            env = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
            out = subprocess.run([sys.executable, "-c", _CHILD, str(base), str(filled), str(work / f"run_{name}")],
                                 env=env, cwd=work, capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            r["source"] = next((ln.split(": ", 1)[1] for ln in out.stderr.splitlines() if ln.startswith("kinerja_batch:")),
                               "")
            if r["accepted"] != args.bidang:  # a rejected file is not read to the end: the figures would flatter
                raise SystemExit(f"{name}: {r['accepted']} dari {args.bidang} berkas diterima ({r['source']})")
            r["ratio_wall"] = r["ingest_wall_s"] / r["floor_read_wall_s"]
            r["ratio_cpu"] = (r["ingest_cpu_parent_s"] + r["ingest_cpu_workers_s"]) / r["floor_read_cpu_s"]
            # the files phase alone: the parent's CPU in it, and the workers' (they live only in it)
            r["ratio_cpu_phase"] = (r["ingest_cpu_parent_phase_s"] + r["ingest_cpu_workers_s"]) / r["floor_read_cpu_s"]
            runs[name].append(r)
            print(f"{name:8s} beban {r['load_1min']:.1f}: baca lantai {r['floor_read_wall_s']:.2f} s "
                  f"(CPU {r['floor_read_cpu_s']:.2f}); tahap berkas {r['ingest_wall_s']:.2f} s (CPU induk "
                  f"{r['ingest_cpu_parent_s']:.2f}, di tahap berkas {r['ingest_cpu_parent_phase_s']:.2f}, + pekerja "
                  f"{r['ingest_cpu_workers_s']:.2f}); rasio {r['ratio_wall']:.2f} (CPU {r['ratio_cpu']:.2f}, tahap berkas "
                  f"{r['ratio_cpu_phase']:.2f}); diterima {r['accepted']} ({r['source']})", flush=True)
    summary = {name: {k: statistics.median(r[k] for r in rs) for k in rs[0] if k != "source"}
               for name, rs in runs.items()}
    result = {"bidang": args.bidang, "indikator": 150, "files": args.bidang, "cpus": os.cpu_count(),
              "master_cache": "warm", "median": summary, "runs": runs,
              "target": {"ingest_over_floor_read_max": 2.5}}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    for name, s in summary.items():
        print(f"median {name}: rasio {s['ratio_wall']:.2f} (CPU {s['ratio_cpu']:.2f}, tahap berkas "
              f"{s['ratio_cpu_phase']:.2f}), beban {s['load_1min']:.1f}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
