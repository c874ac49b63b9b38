"""The command line: Indonesian help with examples, exit codes, init, settings errors."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from kinerja_batch.cli import cli


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("command", [[], ["init"], ["templates"], ["run"]])
def test_help_is_indonesian_with_an_example(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Penggunaan:" in out and "Opsi" in out and "Tampilkan bantuan ini" in out
    assert "Usage:" not in out and "Show this message" not in out
    assert "kinerja-batch" in out and ("Contoh" in out or "Alur kerja" in out)
    assert "Kode keluar" in out


def test_short_help_flag():
    assert invoke("-h").exit_code == 0


def test_usage_errors_exit_2_in_indonesian():
    result = invoke("tidak-ada")
    assert result.exit_code == 2
    assert "Perintah" in result.output and "tidak ada" in result.output
    result = invoke("run", "--tidak-ada")
    assert result.exit_code == 2 and "Opsi" in result.output
    result = invoke("templates", "--periode", "2025-TW5")
    assert result.exit_code == 2 and "Periode" in result.output


def test_help_does_not_import_pandas():
    code = "import sys; from kinerja_batch.cli import cli; print('pandas' in sys.modules, 'pandera' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_module_entry_point():
    done = subprocess.run([sys.executable, "-m", "kinerja_batch", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and "kinerja-batch" in done.stdout


def test_init_then_refuse_then_force(tmp_path):
    root = tmp_path / "ws"
    result = invoke("init", str(root))
    assert result.exit_code == 0, result.output
    for name in ("kinerja.toml", "master_indikator.xlsx", "templates_xlsx", "inbox", "outbox"):
        assert (root / name).exists(), name
    result = invoke("init", str(root))
    assert result.exit_code == 1 and "--paksa" in result.output
    (root / "inbox" / "keep.xlsx").write_bytes(b"data")
    result = invoke("init", str(root), "--paksa")
    assert result.exit_code == 0, result.output
    assert (root / "inbox" / "keep.xlsx").read_bytes() == b"data"  # never touches the inbox


def test_templates_writes_one_per_bidang(tmp_path):
    root = tmp_path / "ws"
    assert invoke("init", str(root)).exit_code == 0
    result = invoke("-w", str(root), "templates", "--periode", "2025-TW2")
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (root / "templates_xlsx" / "2025-TW2").iterdir())
    assert written == sorted(f"kertas_kerja_{k}_2025-TW2.xlsx" for k in ("SEK", "IKP", "APTIKA", "TIK", "STATSAN",
                                                                         "EGOV"))
    result = invoke("templates", "-w", str(root), "--periode", "2025-TW3", "--bidang", "IKP")
    assert result.exit_code == 0 and "1 kertas kerja 2025-TW3" in result.output


def test_not_a_workspace(tmp_path):
    result = invoke("-w", str(tmp_path), "run")
    assert result.exit_code == 1
    assert "bukan ruang kerja" in result.output and "kinerja-batch init" in result.output


def test_bad_settings_are_refused_with_key_value_and_allowed(tmp_path):
    root = tmp_path / "ws"
    invoke("init", str(root))
    toml = root / "kinerja.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('aturan_negatif = "2T-R"', 'aturan_negatif = "R/T"').replace("tinggi = 76", "tinggi = 95")
    toml.write_text(text, encoding="utf-8")
    result = invoke("-w", str(root), "templates")
    assert result.exit_code == 1
    assert "pengukuran.aturan_negatif = 'R/T'" in result.output and '"2T-R" atau "T/R"' in result.output
    assert "[predikat]" in result.output and "menurun" in result.output


def test_bad_master_lists_every_error_and_exits_1(tmp_path):
    from conftest import build_master

    root = tmp_path / "ws"
    invoke("init", str(root))
    build_master(root / "master_indikator.xlsx", indikator=[
        {"polaritas": "Naik"},
        {"kode_indikator": "IKU-01", "kode_bidang": "XYZ"},
    ])
    result = invoke("-w", str(root), "templates", "--periode", "2025-TW1")
    assert result.exit_code == 1
    assert "Polaritas" in result.output and "baris 2" in result.output
    assert "XYZ" in result.output and "baris 3" in result.output
