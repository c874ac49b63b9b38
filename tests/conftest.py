"""Shared test helpers: workbooks are built in tmp_path by small openpyxl helpers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pytest

# ---------------------------------------------------------------------------------------------
# master_indikator.xlsx

MASTER_BIDANG_HEADERS = {
    "kode_bidang": "Kode Bidang",
    "nama_bidang": "Nama Bidang",
    "penanggung_jawab": "Penanggung Jawab",
    "nip": "NIP",
    "email": "Email",
}
MASTER_INDIKATOR_HEADERS = {
    "kode_indikator": "Kode Indikator",
    "kode_bidang": "Kode Bidang",
    "level": "Level",
    "uraian": "Uraian",
    "indikator_kinerja": "Indikator Kinerja",
    "satuan": "Satuan",
    "polaritas": "Polaritas",
    "agregasi": "Agregasi",
    "target_tahunan": "Target Tahunan",
    "target_tw1": "Target TW1",
    "target_tw2": "Target TW2",
    "target_tw3": "Target TW3",
    "target_tw4": "Target TW4",
    "pagu": "Pagu Anggaran (Rp)",
    "definisi_operasional": "Definisi Operasional",
    "sumber_data": "Sumber Data",
}


class Fmt(NamedTuple):
    """A cell value written with an Excel number format, e.g. ``Fmt(7, "000")``."""

    value: Any
    number_format: str


def _bidang_default(i: int, kode: Any) -> dict[str, Any]:
    label = str(kode.value if isinstance(kode, Fmt) else kode)
    return {
        "kode_bidang": kode,
        "nama_bidang": f"Bidang {label}",
        "penanggung_jawab": f"Pejabat {i + 1}, S.Kom.",
        "nip": f"198001012005011{i + 1:03d}",
        "email": f"{label.lower()}@contoh.go.id",
    }


def _indikator_default(i: int) -> dict[str, Any]:
    return {
        "kode_indikator": f"IKU-{i + 1:02d}",
        "kode_bidang": "SEK",
        "level": "Sasaran",
        "uraian": "Meningkatnya kualitas layanan",
        "indikator_kinerja": f"Persentase layanan {i + 1} yang tepat waktu",
        "satuan": "%",
        "polaritas": "Positif",
        "agregasi": "Posisi Akhir",
        "target_tahunan": 90,
        "target_tw1": 60,
        "target_tw2": 70,
        "target_tw3": 80,
        "target_tw4": 90,
        "pagu": None,
        "definisi_operasional": "Jumlah layanan tepat waktu dibagi seluruh layanan, dikali 100.",
        "sumber_data": "Laporan bidang",
    }


DEFAULT_BIDANG: tuple[dict[str, Any], ...] = ({"kode_bidang": "SEK"}, {"kode_bidang": "IKP"})
DEFAULT_INDIKATOR: tuple[dict[str, Any], ...] = (
    {},
    {"kode_bidang": "IKP", "level": "Program", "satuan": "Dokumen", "agregasi": "Kumulatif",
     "target_tahunan": 4, "target_tw1": 1, "target_tw2": 2, "target_tw3": 3, "target_tw4": 4,
     "pagu": 150_000_000},
    {"kode_bidang": "IKP", "level": "Kegiatan", "satuan": "Hari", "polaritas": "Negatif",
     "agregasi": "Rata-rata", "target_tahunan": 5,
     "target_tw1": None, "target_tw2": None, "target_tw3": None, "target_tw4": None,
     "pagu": 75_000_000},
)


def build_master(
    path: Path,
    *,
    bidang: Sequence[Mapping[str, Any] | None] = DEFAULT_BIDANG,
    indikator: Sequence[Mapping[str, Any] | None] = DEFAULT_INDIKATOR,
    sheets: Iterable[str] = ("Bidang", "Indikator"),
    drop_headers: Iterable[str] = (),
    rename_headers: Mapping[str, str] | None = None,
    title_rows: Sequence[str] = (),
) -> Path:
    """Write a small master with openpyxl and return its path.

    Each row of ``bidang``/``indikator`` is a dict of overrides on a complete default row, keyed
    by column name (``kode_indikator``, ``pagu`` ...); a key that is not a column name is an extra
    column with that header text. ``None`` instead of a dict is a completely empty row. A value
    ``None`` is an empty cell; ``Fmt(value, "000")`` sets a number format. The header row is row 1
    (after ``title_rows``), so the first data row is Excel row 2.
    """
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    specs = {
        "Bidang": (MASTER_BIDANG_HEADERS, bidang, _bidang_default),
        "Indikator": (MASTER_INDIKATOR_HEADERS, indikator, None),
    }
    for sheet in sheets:
        headers, rows, _ = specs[sheet]
        ws = wb.create_sheet(sheet)
        full_rows: list[dict[str, Any] | None] = []
        for i, over in enumerate(rows):
            if over is None:
                full_rows.append(None)
                continue
            base = (_bidang_default(i, over.get("kode_bidang", f"B{i + 1}")) if sheet == "Bidang"
                    else _indikator_default(i))
            full_rows.append({**base, **over})
        columns = [c for c in headers if headers[c] not in set(drop_headers)]
        extra = [k for row in full_rows if row for k in row if k not in headers]
        columns += list(dict.fromkeys(extra))
        for text in title_rows:
            ws.append([text])
        ws.append([(rename_headers or {}).get(headers.get(c, c), headers.get(c, c)) for c in columns])
        header_row = len(title_rows) + 1
        for offset, row in enumerate(full_rows, start=1):
            if row is None:
                continue
            r = header_row + offset
            for ci, column in enumerate(columns, start=1):
                value = row.get(column)
                if isinstance(value, Fmt):
                    cell = ws.cell(r, ci, value.value)
                    cell.number_format = value.number_format
                elif value is not None:
                    ws.cell(r, ci, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


@pytest.fixture
def make_master(tmp_path: Path):
    """``make_master(path=None, bidang=..., indikator=..., ...)`` -> path; see :func:`build_master`."""

    def make(path: Path | None = None, **kwargs: Any) -> Path:
        return build_master(path or tmp_path / "master_indikator.xlsx", **kwargs)

    return make


# ---------------------------------------------------------------------------------------------
# workspaces, filled kertas kerja, the inbox

KK_SHEET = "Kertas Kerja"
OLD = 3600.0  # seconds: files younger than settings.tunggu_menit are left in the inbox


def header_columns(ws: Any, header_row: int | None = None) -> tuple[int, dict[str, int]]:
    """(header row, {header text: 1-based column}) of a kertas kerja sheet, found by its texts."""
    rows = [header_row] if header_row else range(1, 41)
    for r in rows:
        texts = {str(c.value).strip(): c.column for c in ws[r] if c.value is not None}
        if "Kode Indikator" in texts and "Realisasi" in texts:
            return r, texts
    raise AssertionError("baris judul kertas kerja tidak ditemukan")


def fill_kertas_kerja(src: Path, dest: Path, values: Mapping[str, Any], *, column: str = "Realisasi",
                      extra: Mapping[str, Mapping[str, Any]] | None = None) -> Path:
    """Copy a kertas kerja with openpyxl, writing ``values`` {kode: value} into ``column``.

    ``extra`` = {header: {kode: value}} fills other columns (Realisasi Anggaran (Rp), Faktor Penghambat...).
    A value may be any cell value, text included (typed numbers).
    """
    import openpyxl

    wb = openpyxl.load_workbook(src)
    ws = wb[KK_SHEET]
    hr, cols = header_columns(ws)
    fills = {column: values, **(extra or {})}
    for r in range(hr + 1, ws.max_row + 1):
        kode = ws.cell(r, cols["Kode Indikator"]).value
        if kode is None:
            continue
        for header, mapping in fills.items():
            if str(kode) in mapping:
                ws.cell(r, cols[header]).value = mapping[str(kode)]
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    return dest


def age(path: Path, seconds: float = OLD) -> Path:
    """Make a file look as if it arrived ``seconds`` ago."""
    import os
    import time

    t = time.time() - seconds
    os.utime(path, (t, t))
    return path


def drop(ws: Any, src: Path, name: str | None = None, *, seconds: float = OLD) -> Path:
    """Put a copy of ``src`` into the workspace inbox, aged so the run takes it."""
    import shutil

    dest = ws.inbox / (name or src.name)
    shutil.copyfile(src, dest)
    return age(dest, seconds)


class WS(NamedTuple):
    ws: Any  # kinerja_batch.config.Workspace
    settings: Any
    master: Any


@pytest.fixture
def workspace(tmp_path: Path) -> WS:
    """A fresh workspace with the sample master and the default kinerja.toml."""
    from kinerja_batch.config import init_workspace
    from kinerja_batch.master import load_master

    ws = init_workspace(tmp_path / "ws")
    return WS(ws, ws.settings(), load_master(ws.master_path))


def templates_for(w: WS, periode: str, bidang: Sequence[str] | None = None) -> dict[str, Path]:
    """Write kertas kerja for a period; {kode_bidang: path}."""
    from kinerja_batch.periode import parse_periode
    from kinerja_batch.templates import write_templates

    infos = write_templates(w.ws, w.master, w.settings, parse_periode(periode), bidang)
    return {i.kode_bidang: i.path for i in infos}


def run_batch(w: WS, **kwargs: Any) -> Any:
    from kinerja_batch.batch import run

    return run(w.ws, **kwargs)


def where_is(ws: Any, name: str) -> list[str]:
    """Every place below the workspace holding a file of this name (workspace-relative)."""
    return sorted(str(p.relative_to(ws.root)) for p in ws.root.rglob(name) if p.is_file())


def read_sheet(path: Path, sheet: str, key: str | None = None) -> Any:
    """A rekap sheet as a list of dicts (or {key value: dict}), header row found by its texts."""
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    ws = wb[sheet]
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    for i, row in enumerate(rows[:40]):
        texts = [str(v).strip() if v is not None else "" for v in row]
        if texts and texts.count("") < len(texts) - 1 and ("Bidang" in texts or "Keterangan" in texts):
            header = texts
            data = [dict(zip(header, r, strict=False)) for r in rows[i + 1:] if any(v is not None for v in r)]
            return {d[key]: d for d in data} if key else data
    raise AssertionError(f"baris judul lembar {sheet} tidak ditemukan")


# ---------------------------------------------------------------------------------------------
# LibreOffice, the real spreadsheet application

_RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def needs_soffice() -> Any:
    """Skip only on a developer machine without LibreOffice; in CI (env CI set) it must be there."""
    import os
    import shutil

    if shutil.which("soffice") is None and not os.environ.get("CI"):
        pytest.skip("LibreOffice (soffice) tidak terpasang")


@pytest.fixture(scope="session")
def soffice(tmp_path_factory: Any) -> Any:
    """``soffice(files, fmt, outdir) -> [paths]``: convert with a fresh profile that recalculates
    every formula on load (LibreOffice's default for xlsx is to trust the cached values)."""
    import subprocess

    needs_soffice()
    profile = tmp_path_factory.mktemp("lo_profile")
    (profile / "user").mkdir()
    (profile / "user" / "registrymodifications.xcu").write_text(_RECALC_ALWAYS, encoding="utf-8")

    def convert(files: Sequence[Path], fmt: str, outdir: Path) -> list[Path]:
        outdir.mkdir(parents=True, exist_ok=True)
        cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", fmt, "--outdir", str(outdir), *map(str, files)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        ext = fmt.split(":")[0]
        out = [outdir / (Path(f).stem + "." + ext) for f in files]
        missing = [p for p in out if not p.exists()]
        assert not missing, f"LibreOffice tidak menghasilkan {missing}: {done.stdout} {done.stderr}"
        return out

    return convert


def formula_values(path: Path, sheet: str) -> dict[str, Any]:
    """{cell: cached value} of every formula cell of a sheet (formulas read from the file itself)."""
    import openpyxl

    formulas = openpyxl.load_workbook(path)[sheet]
    values = openpyxl.load_workbook(path, data_only=True)[sheet]
    return {
        c.coordinate: values[c.coordinate].value
        for row in formulas.iter_rows() for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    }


def same_value(a: Any, b: Any, rel: float = 1e-12) -> bool:
    """A cached value and a recalculated one agree: numbers to ``rel``, empty and "" alike, else equal."""
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) <= rel * max(1.0, abs(a), abs(b))
    return (a in (None, "")) and (b in (None, "")) or a == b


def plant_wrong_cache(src: Path, dest: Path, *, formula_contains: bytes = b"") -> Path:
    """Copy a workbook with the cached number of its first formula (on sheet 2) holding
    ``formula_contains`` replaced by 999999: a real recalculation must fix it."""
    import re
    import zipfile

    pattern = rb"(<f>[^<]*" + re.escape(formula_contains) + rb"[^<]*</f><v>)([0-9.]+)(</v>)"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data, n = re.subn(pattern, rb"\g<1>999999\g<3>", data, count=1)
                assert n == 1, "no formula with a cached number to plant into"
            zout.writestr(item, data)
    return dest
