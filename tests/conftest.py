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
        "nip": f"19800101200501100{i + 1}",
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
