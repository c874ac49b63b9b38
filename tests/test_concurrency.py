"""Two runs at once on one workspace: one works, the other refuses at once (or waits with --tunggu).

Real ``python -m kinerja_batch run`` subprocesses; afterwards the data is the same as after one run.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from test_crash import (
    check_each_file_once,
    check_ledger_matches_folders,
    check_values_not_doubled,
    cli_command,
    cli_env,
    copy_workspace,
    drop_in_order,
    entered,
    filled,
    inbox_files,
    ledger_state,
    new_workspace,
    rekap_values,
    wait_until_holds_lock,
)

from kinerja_batch.config import Workspace

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:Sparkline Group extension")]

REFUSED = "Run lain sedang berjalan di ruang kerja ini"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """20 kertas kerja in the inbox (enough work for a run to hold the lock for a while), and one run of them."""
    root = tmp_path_factory.mktemp("bersamaan")
    w = new_workspace(root / "ws")
    files = []
    for i, b in enumerate(w.master.bidang_codes()):
        for periode in ("2025-TW1", "2025-TW2"):
            files.append((f"{b.lower()}_{periode}.xlsx", filled(w, root, b, periode, 10 + i)))
    for i, b in enumerate(list(w.master.bidang_codes())[:4]):
        files.append((f"{b.lower()}_revisi.xlsx", filled(w, root, b, "2025-TW2", 30 + i)))
    assert len(files) >= 16
    drop_in_order(w.ws, files)
    inputs = entered(w.ws)
    ref = copy_workspace(w.ws.root, root / "referensi")
    one = subprocess.run(cli_command(ref), env=cli_env(), capture_output=True, text=True, timeout=300)
    assert one.returncode == 0, one.stdout + one.stderr
    return {"ws": w.ws, "inputs": inputs, "reference": ref, "periode": w.settings.periode_aktif}


def _same_as_one_run(ws: Workspace, prepared: dict[str, Any]) -> None:
    ref: Workspace = prepared["reference"]
    check_each_file_once(ws, prepared["inputs"])
    check_ledger_matches_folders(ws)
    check_values_not_doubled(ws)
    assert sorted(inbox_files(ws)) == sorted(inbox_files(ref))
    assert ledger_state(ws) == ledger_state(ref)
    rekap = ws.rekap_path(prepared["periode"])
    assert rekap_values(rekap) == rekap_values(ref.rekap_path(prepared["periode"]))


def _start(ws: Workspace, *args: str) -> subprocess.Popen:
    return subprocess.Popen(cli_command(ws, *args), env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def test_second_run_refuses_at_once(prepared: dict[str, Any], tmp_path: Path) -> None:
    ws = copy_workspace(prepared["ws"].root, tmp_path / "ws")
    a, b = _start(ws), _start(ws)  # started together
    ended: dict[int, float] = {}
    started = time.monotonic()
    while len(ended) < 2 and time.monotonic() - started < 300:
        for proc in (a, b):
            if proc.pid not in ended and proc.poll() is not None:
                ended[proc.pid] = time.monotonic() - started
        time.sleep(0.01)
    outputs = {proc.pid: (proc.returncode, *proc.communicate(timeout=10)) for proc in (a, b)}
    refused = [pid for pid, (_, out, err) in outputs.items() if REFUSED in out + err]
    assert len(refused) == 1, outputs
    loser = refused[0]
    winner = a.pid if loser == b.pid else b.pid
    code, out, err = outputs[loser]
    assert code == 1, outputs[loser]
    assert "--tunggu" in err and "tidak ada yang diubah" in err and "Traceback" not in err
    assert outputs[winner][0] == 0, outputs[winner]
    assert ended[loser] < ended[winner]  # it refused at once, it did not wait for the other to finish
    _same_as_one_run(ws, prepared)


def test_second_run_waits_with_tunggu_and_finds_nothing_new(prepared: dict[str, Any], tmp_path: Path) -> None:
    ws = copy_workspace(prepared["ws"].root, tmp_path / "ws")
    first = _start(ws)
    wait_until_holds_lock(ws, first, required=True, seconds=120)
    second = _start(ws, "--tunggu", "--json")
    out1, err1 = first.communicate(timeout=300)
    out2, err2 = second.communicate(timeout=300)
    assert first.returncode == 0, out1 + err1
    assert second.returncode == 0, out2 + err2
    report = json.loads(out2)
    assert report["files"] == [] and report["jumlah"]["diterima"] == 0  # the first run took every file
    _same_as_one_run(ws, prepared)
