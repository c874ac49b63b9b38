"""``kinerja-batch status``: the collection status at a glance, read-only, also during a run."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import drop, fill_kertas_kerja, run_batch, templates_for

from kinerja_batch.cli import cli


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _table(output: str) -> list[str]:
    """The table's lines: header, rule, rows, rule, totals."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Bidang "))
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def _snapshot(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_no_ledger_yet_every_bidang_belum(workspace):
    w = workspace
    before = _snapshot(w.ws.root)
    result = invoke("-w", str(w.ws.root), "status")
    assert result.exit_code == 0, result.output
    assert "Status pengumpulan Triwulan II Tahun 2025 (2025-TW2)" in result.output
    assert "Belum ada buku besar" in result.output
    table = _table(result.output)
    assert table[0].split() == ["Bidang", "Status", "Diterima", "Berkas", "Terisi/Diharapkan", "Temuan", "Terbuka",
                                "Galat"]
    body = [line for line in table[2:] if line and not line.startswith("-")][: len(w.master.bidang_codes())]
    assert [line.split()[0] for line in body] == w.master.bidang_codes()
    assert all("Belum Mengumpulkan" in line for line in body)
    assert _snapshot(w.ws.root) == before  # nothing created: no ledger, no lock file
    data = json.loads(invoke("-w", str(w.ws.root), "status", "--json").output)
    assert {b["status"] for b in data["bidang"]} == {"Belum Mengumpulkan"}
    assert data["ada_buku_besar"] is False and data["jumlah"]["mengumpulkan"] == 0


@pytest.fixture
def after_run(workspace, tmp_path):
    w = workspace
    paths = templates_for(w, "2025-TW1", ["SEK", "IKP"])
    sek = list(w.master.indikator_of("SEK")["kode_indikator"])
    drop(w.ws, fill_kertas_kerja(paths["SEK"], tmp_path / "sek.xlsx", dict.fromkeys(sek[:4], 5)))
    (tmp_path / "ikp.xlsx").write_text("bukan excel", encoding="utf-8")
    drop(w.ws, tmp_path / "ikp.xlsx")
    run_batch(w, periode=None)
    return w, sek


def test_table_after_a_run_is_aligned_with_totals(after_run):
    w, sek = after_run
    result = invoke("-w", str(w.ws.root), "status", "--periode", "2025-TW1")
    assert result.exit_code == 0, result.output
    table = _table(result.output)
    head = table[0]
    rows = {line.split()[0]: line for line in table[2:] if line and line[0] != "-" and not line.startswith(" ")}
    assert rows["SEK"].split()[1:3] != ["Belum", "Mengumpulkan"]
    assert "sek.xlsx" in rows["SEK"] and f"4/{len(sek)}" in rows["SEK"]
    assert "Belum Mengumpulkan" in rows["TIK"] and "0/" in rows["TIK"]
    # aligned: every column starts where its header starts
    for header in ("Status", "Diterima", "Berkas"):
        pos = head.index(header)
        assert all(line[pos - 1] == " " and line[pos] != " " for key, line in rows.items()
                   if key not in ("Jumlah",) and len(line) > pos), header
    # numbers right-aligned under their header
    galat_end = head.index("Galat") + len("Galat")
    assert all(line.rstrip().endswith(line[galat_end - 1]) and len(line.rstrip()) == galat_end
               for line in rows.values())
    assert rows["Jumlah"].split()[1:3] == ["1/6", "mengumpulkan"]
    assert "belum mengumpulkan: 5" in result.output


def test_json_is_the_same_data(after_run):
    w, sek = after_run
    data = json.loads(invoke("-w", str(w.ws.root), "status", "--periode", "2025-TW1", "--json").output)
    by = {b["kode_bidang"]: b for b in data["bidang"]}
    assert by["SEK"]["terisi"] == 4 and by["SEK"]["diharapkan"] == len(sek)
    assert by["SEK"]["berkas"] == "sek.xlsx" and by["SEK"]["diterima"]
    assert by["TIK"]["status"] == "Belum Mengumpulkan"
    assert data["jumlah"]["bidang"] == 6 and data["jumlah"]["mengumpulkan"] == 1
    assert data["jumlah"]["terisi"] == 4
    assert data["batas_waktu"] == "2025-04-10"


def test_rejected_file_shows_ditolak(after_run):
    w, _ = after_run
    # a rejected file that names its bidang: the bidang is 'Ditolak' until a kertas kerja is accepted
    con = sqlite3.connect(w.ws.ledger_path)
    with con:
        con.execute("UPDATE files SET kode_bidang='IKP', periode='2025-TW1' WHERE hasil='ditolak'")
    con.close()
    data = json.loads(invoke("-w", str(w.ws.root), "status", "--periode", "2025-TW1", "--json").output)
    ikp = next(b for b in data["bidang"] if b["kode_bidang"] == "IKP")
    assert ikp["status"] == "Ditolak" and ikp["berkas"] == "ikp.xlsx"


def test_works_while_a_run_holds_the_lock_and_a_write_transaction(after_run):
    from kinerja_batch.batch import run_lock

    w, _ = after_run
    before = w.ws.ledger_path.read_bytes()
    writer = sqlite3.connect(w.ws.ledger_path, isolation_level=None)
    try:
        with run_lock(w.ws):
            writer.execute("BEGIN IMMEDIATE")
            writer.execute("UPDATE submissions SET n_terisi = 99")  # not committed: readers do not see it
            result = invoke("-w", str(w.ws.root), "status", "--periode", "2025-TW1", "--json")
            writer.execute("ROLLBACK")
    finally:
        writer.close()
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert next(b for b in data["bidang"] if b["kode_bidang"] == "SEK")["terisi"] == 4
    assert w.ws.ledger_path.read_bytes() == before


def test_help_has_an_example():
    result = invoke("status", "--help")
    assert result.exit_code == 0
    assert "Contoh:" in result.output and "--json" in result.output


def test_a_ledger_of_an_older_version_says_to_run_once(after_run):
    """status opens the ledger read-only and cannot migrate it: it says so in Indonesian, and how to fix it."""
    w, _ = after_run
    ws = w.ws
    with sqlite3.connect(ws.ledger_path) as conn:
        conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")  # as an older kinerja-batch left it
    result = CliRunner().invoke(cli, ["-w", str(ws.root), "status"])
    assert result.exit_code == 1
    assert "dibuat oleh versi kinerja-batch yang lebih lama (skema 1" in result.output
    assert "Jalankan 'kinerja-batch run' sekali" in result.output
    assert "readonly" not in result.output  # SQLite's own English stays out of it
