"""Every text the command line prints is Bahasa Indonesia: the help of every command, usage errors and
each kind of settings error (issue 14 §2).

The check is a small blacklist of English words and click's own English texts, applied after
removing what is not prose (option names, paths, commands, codes). A text passes only when none is left.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kinerja_batch.cli import cli
from kinerja_batch.periode import parse_periode

ENGLISH = {
    "usage", "options", "option", "commands", "command", "args", "arguments", "argument", "error", "cannot",
    "invalid", "missing", "expected", "such", "show", "this", "message", "exit", "try", "the", "and", "of",
    "is", "not", "or", "value", "values", "line", "column", "twice", "declare", "overwrite", "default",
    "required", "file", "directory", "mean", "version", "unknown", "found", "character", "unterminated",
    "statement", "after", "key", "table", "did", "you", "does", "exist", "text", "integer", "path", "run",
}
CLICK_MARKERS = ("[OPTIONS]", "COMMAND [ARGS]", "Usage:", "Error:", "run #", "Run #", "ID run", "TEXT")


def invoke(args: list[str]):
    return CliRunner().invoke(cli, args, prog_name="kinerja-batch")


def english_left(text: str) -> list[str]:
    """English words of ``text`` once options, paths, file names, commands and codes are taken out."""
    prose = re.sub(r"(?<![\w])--?[A-Za-z][\w-]*", " ", text)  # --periode, -w
    prose = re.sub(r"\S*[/\\]\S*|\S+\.(?:toml|xlsx|xlsm|xls|ods|eml|log|txt|sqlite)\b", " ", prose)  # paths
    prose = re.sub(r"kinerja-batch(?:\s+[a-z]+)?", " ", prose)  # the program and its command names
    prose = re.sub(r"(?m)^\s+[a-z][a-z-]*(?=\s{2,})", " ", prose)  # a command's name in the list of commands
    prose = re.sub(r"\b[A-Z][A-Z0-9_]{2,}\b", " ", prose)  # codes and metavars (PERIODE, KODE, TIDAK_ADA_ISIAN)
    words = re.findall(r"[A-Za-z]+", prose)
    return sorted({w for w in words if w.lower() in ENGLISH})


def assert_indonesian(text: str) -> None:
    markers = [m for m in CLICK_MARKERS if m in text]
    assert not markers, f"English click text {markers} in:\n{text}"
    left = english_left(text)
    assert not left, f"English words {left} in:\n{text}"


def test_the_checker_catches_english():
    """The blacklist is not empty words: it catches what the issue found."""
    assert english_left("Usage: kinerja-batch [OPTIONS] COMMAND [ARGS]...") == ["Usage"]
    assert english_left("Cannot declare ('kantor',) twice (at line 12, column 8)") == [
        "Cannot", "column", "declare", "line", "twice"]
    assert english_left("Show this message and exit.") == ["Show", "and", "exit", "message", "this"]
    with pytest.raises(AssertionError):
        assert_indonesian("Waktu proses: 2025-07-01 (run #2)")
    assert_indonesian("Penggunaan: kinerja-batch run [OPSI] --periode PERIODE, lihat inbox/ditolak/a.xlsx")


def every_command() -> list[list[str]]:
    """The group and each of its commands (including ones added later)."""
    return [[]] + [[name] for name in sorted(cli.commands)]


@pytest.mark.parametrize("command", every_command(), ids=lambda c: " ".join(c) or "kinerja-batch")
def test_help_of_every_command_is_indonesian(command):
    result = invoke([*command, "--help"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert_indonesian(out)
    usage = out.splitlines()[0]
    assert usage.startswith("Penggunaan: kinerja-batch") and "[OPSI]" in usage
    if not command:
        assert usage == "Penggunaan: kinerja-batch [OPSI] PERINTAH [ARGUMEN]..."


def test_command_list_shows_whole_summaries():
    """No '…dalam...': each command's line in the list is its whole short help, never cut."""
    out = invoke(["--help"]).output
    section = out.split("Perintah:\n", 1)[1].split("\n\n", 1)[0]
    listed = {}
    for line in section.splitlines():
        name, _, text = line.strip().partition(" ")
        if name:
            listed[name] = " ".join(text.split())
        else:  # a wrapped continuation
            listed[list(listed)[-1]] += " " + " ".join(line.split())
    assert sorted(listed) == sorted(cli.commands)
    for name, text in listed.items():
        assert not text.endswith("..."), (name, text)
        assert text == cli.commands[name].get_short_help_str(limit=45), name
        assert text.endswith("."), (name, text)


@pytest.mark.parametrize("args", [
    ["tidak-ada"],
    ["stat"],  # close to a command: "Maksudnya 'status'?"
    ["run", "--tidak-ada"],
    ["run", "--periode"],
    ["templates", "--periode", "2025-TW5"],
    ["status", "--jsn"],
    ["run", "ekstra"],
    ["-w"],
])
def test_usage_errors_are_indonesian(args):
    result = invoke(args)
    assert result.exit_code == 2, result.output
    assert "Galat:" in result.output
    assert_indonesian(result.output)


def test_did_you_mean_is_indonesian():
    result = invoke(["stat"])
    assert "Maksudnya 'status'?" in result.output
    result = invoke(["run", "--dry"])
    assert "Maksudnya '--dry-run'?" in result.output


def test_version_is_indonesian():
    result = invoke(["--version"])
    assert result.exit_code == 0 and "kinerja-batch, versi " in result.output


# ------------------------------------------------------------------------------------------------
# settings errors: each kind, as the officer meets it (running a command)

def _workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    assert invoke(["init", str(root)]).exit_code == 0
    return root


def _edit(root: Path, old: str, new: str) -> None:
    toml = root / "kinerja.toml"
    text = toml.read_text(encoding="utf-8")
    assert old in text, old
    toml.write_text(text.replace(old, new, 1), encoding="utf-8")


SETTINGS_ERRORS = {
    "tabel ganda": ("[periode]", "[kantor]\nx = 1\n[periode]"),
    "kunci ganda": ("tahun = 2025", "tahun = 2025\ntahun = 2026"),
    "kutip tidak ditutup": ('kota = "Sukamaju"', 'kota = "Sukamaju'),
    "teks tanpa kutip": ('kota = "Sukamaju"', "kota = Sukamaju"),
    "tanpa sama dengan": ("tunggu_menit = 1", "tunggu_menit 1"),
    "koma desimal": ("lonjakan_z = 3.5", "lonjakan_z = 3,5"),
    "tanggal mustahil": ('"2025-TW1" = 2025-04-10', '"2025-TW1" = 2025-04-31'),
    "judul tidak ditutup": ("[inbox]", "[inbox"),
    "kunci salah ketik": ("tunggu_menit = 1", "tunggu_menitt = 1"),
    "tabel salah ketik": ("[inbox]", "[inbx]"),
    "nilai kosong": ('kota = "Sukamaju"', 'kota = ""'),
    "nilai salah": ('aturan_negatif = "2T-R"', 'aturan_negatif = "R/T"'),
    "bukan angka": ("baris_maks = 20000", 'baris_maks = "banyak"'),
    "alamat pengirim salah": ('pengirim = ""', 'pengirim = "perencanaan di kantor"'),
    "karakter aneh": ("[inbox]", "[inbox]\n§ = 1"),
}


@pytest.mark.parametrize("case", sorted(SETTINGS_ERRORS))
def test_each_settings_error_is_indonesian_and_stops_with_exit_1(tmp_path, case):
    root = _workspace(tmp_path)
    _edit(root, *SETTINGS_ERRORS[case])
    for command in (["status"], ["templates"], ["run"]):
        result = invoke(["-w", str(root), *command])
        assert result.exit_code == 1, (case, result.output)
        assert "Galat:" in result.output and "kinerja.toml" in result.output
        assert_indonesian(result.output)


def test_settings_file_not_utf8_or_missing(tmp_path):
    root = _workspace(tmp_path)
    toml = root / "kinerja.toml"
    # saved by an old editor in Windows-1252: the dash is one byte that is not UTF-8
    toml.write_bytes(toml.read_bytes().replace(b'kota = "Sukamaju"', 'kota = "Sukamaju \u2013 Barat"'.encode("cp1252")))
    result = invoke(["-w", str(root), "status"])
    assert result.exit_code == 1 and "UTF-8" in result.output and "baris 10" in result.output
    assert_indonesian(result.output)
    toml.unlink()
    result = invoke(["-w", str(root), "status"])
    assert result.exit_code == 1
    assert_indonesian(result.output)


# ------------------------------------------------------------------------------------------------
# what a run prints and writes: "proses ke-2", never "run #2" / "ID run"

def test_run_summary_and_rekap_say_proses_not_run(workspace, tmp_path):
    import openpyxl
    from conftest import drop, fill_kertas_kerja, templates_for

    w = workspace
    paths = templates_for(w, "2025-TW1", ["SEK"])
    codes = list(w.master.indikator_of("SEK")["kode_indikator"])
    drop(w.ws, fill_kertas_kerja(paths["SEK"], tmp_path / "sek.xlsx", dict.fromkeys(codes, 100)))
    first = invoke(["-w", str(w.ws.root), "run", "--periode", "2025-TW1"])
    (tmp_path / "catatan.xlsx").write_text("bukan buku kerja", encoding="utf-8")
    drop(w.ws, tmp_path / "catatan.xlsx")
    second = invoke(["-w", str(w.ws.root), "run", "--periode", "2025-TW1"])
    assert first.output.startswith("Proses ke-1 selesai.") and second.output.startswith("Proses ke-2 selesai.")
    for out in (first.output, second.output):
        assert_indonesian(out)

    wb = openpyxl.load_workbook(w.ws.rekap_path(parse_periode("2025-TW1")), read_only=True)
    ringkasan = " ".join(str(v) for row in wb["Ringkasan"].iter_rows(max_row=8, values_only=True) for v in row if v)
    info = {row[0]: row[1] for row in wb["Info Proses"].iter_rows(values_only=True) if row and row[0]}
    wb.close()
    assert "(proses ke-2)" in ringkasan and "run" not in ringkasan.lower()
    assert info["ID proses"] == "2" and "ID run" not in info


def test_readme_starts_with_the_indonesian_user_guide():
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    guide, developer = readme.split("## For developers and administrators (English)", 1)
    for heading in ("## Panduan pengguna", "### Apa ini", "### Dua perintah", "### Alur kerja tiap triwulan",
                    "### Membaca rekap", "### Bila berkas ditolak", "### Pengaturan (`kinerja.toml`)",
                    "### Kode keluar"):
        assert heading in guide, heading
    # the guide's test command is exactly what CI runs, and the demo command is there too
    ci = (root / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci in guide and ci in developer
    assert "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/kinerja-batch demo" in guide
    # every settings table of kinerja.toml is explained to the officer
    from kinerja_batch.config import default_toml

    tables = re.findall(r"^\[(\w+)\]", default_toml(), flags=re.M)
    assert tables and all(f"`[{t}]`" in guide for t in tables), tables
