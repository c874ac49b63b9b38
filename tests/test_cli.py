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


def _edit_toml(root, *pairs):
    toml = root / "kinerja.toml"
    text = toml.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    toml.write_text(text, encoding="utf-8")


def test_unknown_keys_and_empty_values_refused_all_at_once_with_the_nearest_key(tmp_path):
    root = tmp_path / "ws"
    invoke("init", str(root))
    _edit_toml(root, ("tunggu_menit = 1", "tunggu_menitt = 5"), ('kota = "Sukamaju"', 'kota = ""'),
               ("[templat]", "[templat]\nkata_sandii = \"x\""), ("[inbox]", "[inbx]"),
               ("aturan_negatif = \"2T-R\"", "aturan_negatif = \"R/T\""))
    result = invoke("-w", str(root), "run")
    assert result.exit_code == 1
    out = result.output
    assert "[inbx]: tabel tidak dikenal" in out and "Maksudnya [inbox]?" in out
    assert "templat.kata_sandii: kunci tidak dikenal di [templat]" in out and "Maksudnya kata_sandi?" in out
    assert "kantor.kota = '': tidak boleh kosong" in out and 'kota = "Sukamaju"' in out
    assert "pengukuran.aturan_negatif = 'R/T'" in out  # the other errors, in the same message
    assert not (root / ".kinerja").exists()  # refused before anything was touched

    # the misspelt key inside the right table
    invoke("init", str(root), "--paksa")
    _edit_toml(root, ("tunggu_menit = 1", "tunggu_menitt = 5"))
    out = invoke("-w", str(root), "status").output
    assert "inbox.tunggu_menitt: kunci tidak dikenal di [inbox]" in out and "Maksudnya tunggu_menit?" in out
    lines = (root / "kinerja.toml").read_text(encoding="utf-8").splitlines()
    where = next(i for i, line in enumerate(lines, 1) if line.startswith("tunggu_menitt"))
    assert f"baris {where}: inbox.tunggu_menitt" in out  # where to look in Notepad
    # a key in the wrong table is sent home
    invoke("init", str(root), "--paksa")
    _edit_toml(root, ("[periode]\n", "[periode]\nkota = \"Sukamaju\"\n"))
    out = invoke("-w", str(root), "status").output
    assert "periode.kota" in out and "Maksudnya kota di bawah [kantor]?" in out


def test_toml_syntax_error_in_indonesian_with_line_column_and_fix(tmp_path):
    root = tmp_path / "ws"
    invoke("init", str(root))
    _edit_toml(root, ("[periode]", "[kantor]\nx = 1\n[periode]"))
    lines = (root / "kinerja.toml").read_text(encoding="utf-8").splitlines()
    second = [i for i, line in enumerate(lines, 1) if line == "[kantor]"][1]
    result = invoke("-w", str(root), "status")
    assert result.exit_code == 1
    out = result.output
    assert f"(baris {second}, kolom " in out and "judul tabel [kantor] ditulis dua kali" in out
    assert f"baris {second}: [kantor]" in out and "hapus judul yang kedua" in out
    assert "Cannot" not in out and "twice" not in out

    invoke("init", str(root), "--paksa")
    _edit_toml(root, ("lonjakan_z = 3.5", "lonjakan_z = 3,5"))
    out = invoke("-w", str(root), "status").output
    assert "Angka desimal ditulis dengan titik" in out and "baris " in out


def test_settings_saved_with_a_byte_order_mark_are_read(tmp_path):
    """Notepad on Windows may save UTF-8 with a BOM: that is still a good kinerja.toml."""
    root = tmp_path / "ws"
    invoke("init", str(root))
    toml = root / "kinerja.toml"
    toml.write_bytes(b"\xef\xbb\xbf" + toml.read_bytes())
    result = invoke("-w", str(root), "status")
    assert result.exit_code == 0, result.output


def test_templates_warns_about_another_year_and_a_missing_deadline(tmp_path):
    root = tmp_path / "ws"
    invoke("init", str(root))
    result = invoke("-w", str(root), "templates", "--periode", "2026-TW3", "--bidang", "IKP")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Peringatan: periode 2026-TW3 bukan tahun ruang kerja ini ([periode] tahun = 2025" in out
    assert "tidak menyebut batas waktu untuk 2026-TW3" in out and '"2026-TW3" = 2026-10-10' in out
    assert (root / "templates_xlsx" / "2026-TW3" / "kertas_kerja_IKP_2026-TW3.xlsx").exists()
    # the period of the workspace, with its deadline: no warning
    out = invoke("-w", str(root), "templates", "--periode", "2025-TW3", "--bidang", "IKP").output
    assert "Peringatan" not in out


def test_templates_keeps_forms_already_written_unless_timpa(tmp_path):
    import openpyxl

    root = tmp_path / "ws"
    invoke("init", str(root))
    assert invoke("-w", str(root), "templates", "--periode", "2025-TW2", "--bidang", "IKP").exit_code == 0
    ikp = root / "templates_xlsx" / "2025-TW2" / "kertas_kerja_IKP_2025-TW2.xlsx"
    sent = ikp.read_bytes()  # this one already went out to the bidang

    result = invoke("-w", str(root), "templates", "--periode", "2025-TW2")
    assert result.exit_code == 0, result.output
    assert ikp.read_bytes() == sent
    assert "5 kertas kerja 2025-TW2 ditulis" in result.output
    assert "1 kertas kerja yang sudah ada dibiarkan" in result.output and "--timpa" in result.output
    assert "templates_xlsx/2025-TW2/kertas_kerja_IKP_2025-TW2.xlsx" in result.output.split("dibiarkan", 1)[1]

    # --eml still gives every bidang its draft, the kept form attached as it is
    result = invoke("-w", str(root), "templates", "--periode", "2025-TW2", "--eml")
    assert "0 kertas kerja 2025-TW2 ditulis" in result.output and "6 draf e-mail ditulis" in result.output
    assert ikp.read_bytes() == sent

    result = invoke("-w", str(root), "templates", "--periode", "2025-TW2", "--bidang", "IKP", "--timpa")
    assert result.exit_code == 0 and "1 kertas kerja 2025-TW2 ditulis" in result.output
    assert "dibiarkan" not in result.output
    assert ikp.read_bytes() != sent
    assert "Kertas Kerja" in openpyxl.load_workbook(ikp).sheetnames
