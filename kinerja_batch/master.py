"""Read and validate ``master_indikator.xlsx`` (domain §2).

The master's values are read with python-calamine (never through pandas' type guessing, so ``007``
stays ``007``); what calamine does not tell (number formats such as ``000`` or ``0%``, error cells,
formulas without a cached result) comes from a scan of the sheet XML, and a workbook that scan
does not understand is read cell by cell with openpyxl instead. Values are normalised (word
variants, numbers typed as text), then checked with the pandera schemas below. Every problem
becomes one Indonesian line naming sheet, Excel row and column; a master with any problem is
refused as a whole with :class:`~kinerja_batch.errors.MasterError`. A valid master can be kept
as JSON in the workspace's state folder (``load_master(path, cache_dir=...)``): a province-scale
master (150,000 indicators) takes seconds to read, its cache a fraction of one.

Layer: foundation (../shared/docs/architecture.md); it may import nothing of the package.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
import operator
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pandera.pandas as pa

from kinerja_batch import numbers
from kinerja_batch._gc import gc_paused
from kinerja_batch.errors import MasterError
from kinerja_batch.master_ringkas import read_summary, write_summary

POLARITAS = ("Positif", "Negatif")
AGREGASI = ("Kumulatif", "Posisi Akhir", "Rata-rata")
LEVELS = ("Tujuan", "Sasaran", "Program", "Kegiatan", "Sub Kegiatan")

SHEET_BIDANG = "Bidang"
SHEET_INDIKATOR = "Indikator"

# header text (exact, domain §2) -> column name in the DataFrames
BIDANG_COLUMNS = {
    "Kode Bidang": "kode_bidang",
    "Nama Bidang": "nama_bidang",
    "Penanggung Jawab": "penanggung_jawab",
    "NIP": "nip",
    "Email": "email",
    "Jabatan": "jabatan",
}
INDIKATOR_COLUMNS = {
    "Kode Indikator": "kode_indikator",
    "Kode Bidang": "kode_bidang",
    "Level": "level",
    "Uraian": "uraian",
    "Indikator Kinerja": "indikator_kinerja",
    "Satuan": "satuan",
    "Polaritas": "polaritas",
    "Agregasi": "agregasi",
    "Target Tahunan": "target_tahunan",
    "Target TW1": "target_tw1",
    "Target TW2": "target_tw2",
    "Target TW3": "target_tw3",
    "Target TW4": "target_tw4",
    "Pagu Anggaran (Rp)": "pagu",
    "Definisi Operasional": "definisi_operasional",
    "Sumber Data": "sumber_data",
    "Kode Uraian": "kode_uraian",
    "Kode Induk": "kode_induk",
    "Target Akhir Renstra": "target_renstra",
    "Pagu Akhir Renstra (Rp)": "pagu_renstra",
}
# columns a master may leave out altogether, each then empty (domain §2: Jabatan, see default_jabatan;
# the hierarchy and Renstra columns came later)
OPTIONAL_HEADERS = frozenset({"Jabatan", "Kode Uraian", "Kode Induk", "Target Akhir Renstra",
                              "Pagu Akhir Renstra (Rp)"})
NUMERIC_COLUMNS = ("target_tahunan", "target_tw1", "target_tw2", "target_tw3", "target_tw4", "pagu",
                   "target_renstra", "pagu_renstra")
# codes are identifiers: a number typed into these cells is turned back into the text it shows
CODE_COLUMNS = ("kode_bidang", "kode_indikator", "nip", "kode_uraian", "kode_induk")

_SHEETS = {SHEET_BIDANG: BIDANG_COLUMNS, SHEET_INDIKATOR: INDIKATOR_COLUMNS}


def default_jabatan(nama_bidang: str) -> str:
    """The head's title when the master's Jabatan is empty: the Sekretariat is led by a Sekretaris."""
    nama = " ".join(nama_bidang.split())
    if nama.casefold() in ("sekretariat", "sekretariat dinas") or nama.casefold().startswith("sekretariat "):
        return "Sekretaris"
    return f"Kepala {nama}"
_SHEET_ORDER = {SHEET_BIDANG: 0, SHEET_INDIKATOR: 1}
_HEADER_SEARCH_ROWS = 20  # a title block above the header row is tolerated


# ---------------------------------------------------------------------------------------------
# the result


@dataclass(frozen=True, eq=False)  # eq=False: DataFrames have no truth value, so compare by identity
class Master:
    """A validated master: bidang and indikator tables in master order."""

    bidang: pd.DataFrame
    indikator: pd.DataFrame
    path: Path
    sha256: str
    # things the planner should know but that do not stop the master (e.g. '1.500' read as 1500)
    peringatan: tuple[str, ...] = ()
    _by_code: dict[str, dict[str, Any]] = field(default_factory=dict, init=False, repr=False)
    _rows_of: dict[str, list[int]] = field(default_factory=dict, init=False, repr=False)
    _records: list[dict[str, Any]] = field(default_factory=list, init=False, repr=False)
    _bidang_rows: dict[str, dict[str, str]] = field(default_factory=dict, init=False, repr=False)

    def bidang_codes(self) -> list[str]:
        """Kode Bidang in master order."""
        return self.bidang["kode_bidang"].tolist()

    def bidang_info(self, kode_bidang: str) -> dict[str, str]:
        """One bidang row as a dict (kode_bidang, nama_bidang, penanggung_jawab, nip, email)."""
        if not self._bidang_rows:
            # all rows once: filtering the frame for each bidang cost milliseconds a call, seconds for the
            # drafts of a province's 1,000 bidang
            for row in self.bidang.to_dict("records"):
                self._bidang_rows.setdefault(str(row["kode_bidang"]), {k: str(v) for k, v in row.items()})
        return dict(self._bidang_rows[kode_bidang])

    def indikator_of(self, kode_bidang: str) -> pd.DataFrame:
        """The indicators of one bidang, master order, with a fresh RangeIndex."""
        return self.indikator.take(self._positions_of(kode_bidang)).reset_index(drop=True)

    def _positions_of(self, kode_bidang: str) -> list[int]:
        if not self._rows_of:
            # positions per bidang, found once: comparing the whole column for every bidang of a
            # province (1,000 x 150,000 codes) took seconds
            for i, kode in enumerate(self.indikator["kode_bidang"].tolist()):
                self._rows_of.setdefault(kode, []).append(i)
        return self._rows_of.get(kode_bidang, [])

    def indikator_records_of(self, kode_bidang: str) -> list[dict[str, Any]]:
        """``indikator_of(kode_bidang).to_dict("records")`` without building a frame: the rows of
        :meth:`indikator_by_code`, shared (do not mutate). Reading a kertas kerja needs only these."""
        self.indikator_by_code()
        return [self._records[i] for i in self._positions_of(kode_bidang)]

    def indikator_by_code(self) -> dict[str, dict[str, Any]]:
        """Kode Indikator -> that row as a dict (empty numbers are NaN). Cached; do not mutate."""
        if not self._by_code:
            self._records[:] = _records(self.indikator)
            for row in self._records:
                self._by_code[row["kode_indikator"]] = row
        return self._by_code


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame.to_dict("records")`` (Python numbers and texts) column by column: pandas boxes every value
    on its own, 1.4 s for a province's 150,000 indicators against 0.3 s here."""
    columns = list(frame.columns)
    if len(set(columns)) != len(columns):
        return frame.to_dict("records")
    arrays = []
    for c in columns:
        series = frame[c]
        if series.dtype.kind in "biuf":
            arrays.append(series.to_numpy().tolist())  # Python int/float/bool, NaN stays NaN
        else:
            arrays.append(series.tolist())
    return [dict(zip(columns, row, strict=True)) for row in zip(*arrays, strict=True)]


# ---------------------------------------------------------------------------------------------
# word variants (domain §2)

_WORDS: dict[str, dict[str, str]] = {
    "polaritas": {"positif": "Positif", "negatif": "Negatif"},
    "agregasi": {
        "kumulatif": "Kumulatif",
        "komulatif": "Kumulatif",  # common misspelling
        "posisiakhir": "Posisi Akhir",
        "nonkumulatif": "Posisi Akhir",
        "nonkomulatif": "Posisi Akhir",
        "ratarata": "Rata-rata",
        "rata2": "Rata-rata",
        "rerata": "Rata-rata",
    },
    "level": {
        "tujuan": "Tujuan",
        "sasaran": "Sasaran",
        "program": "Program",
        "kegiatan": "Kegiatan",
        "subkegiatan": "Sub Kegiatan",
    },
}
_WORD_NOISE = re.compile(r"[\s\-_.]+")


def canonical_word(kind: str, text: Any) -> str | None:
    """The canonical Polaritas/Agregasi/Level word for a typed variant, or None if unknown.

    ``kind`` is ``"polaritas"``, ``"agregasi"`` or ``"level"`` (case does not matter). Case,
    spaces, dashes and underscores are ignored, so ``" NEGATIF "``, ``"posisi-akhir"`` and
    ``"Subkegiatan"`` are recognised; ``Non Kumulatif`` means ``Posisi Akhir``.
    """
    words = _WORDS.get(str(kind).casefold())
    if words is None:
        raise ValueError(f"unknown kind {kind!r}; expected one of {sorted(_WORDS)}")
    if text is None:
        return None
    key = _WORD_NOISE.sub("", unicodedata.normalize("NFKC", str(text))).casefold()
    return words.get(key)


# ---------------------------------------------------------------------------------------------
# pandera schemas (declarations); the checks ignore '' so an empty cell is reported once, as empty

WAJIB = "wajib_diisi"
UNIK = "unik"
DIKENAL = "nilai_dikenal"
BIDANG_ADA = "bidang_ada"
TIDAK_NEGATIF = "tidak_negatif"


def _required() -> pa.Check:
    return pa.Check(lambda s: s.str.len() > 0, name=WAJIB)


def _unique() -> pa.Check:
    return pa.Check(lambda s: (s == "") | ~s.duplicated(keep=False), name=UNIK)


def _one_of(allowed: Iterable[str], name: str = DIKENAL) -> pa.Check:
    allowed = list(allowed)
    return pa.Check(lambda s: (s == "") | s.isin(allowed), name=name)


def _non_negative() -> pa.Check:
    return pa.Check(lambda s: s >= 0, name=TIDAK_NEGATIF)


NIP_18 = "nip_18_angka"


def _nip_check() -> pa.Check:
    return pa.Check(lambda s: s.str.replace(" ", "", regex=False).str.fullmatch(r"(\d{18})?"),
                    element_wise=False, name=NIP_18)


def _text(*checks: pa.Check) -> pa.Column:
    return pa.Column(str, list(checks), nullable=False)


def _number(*, required: bool) -> pa.Column:
    # NaN = empty; nullable columns skip NaN before the checks
    return pa.Column(float, [_non_negative()], nullable=not required)


BIDANG_SCHEMA = pa.DataFrameSchema(
    {
        "kode_bidang": _text(_required(), _unique()),
        "nama_bidang": _text(_required()),
        "penanggung_jawab": _text(),
        "nip": _text(_nip_check()),
        "email": _text(),
        "jabatan": _text(),
        "excel_row": pa.Column(int),
    },
    name=SHEET_BIDANG,
)


def indikator_schema(kode_bidang: Iterable[str] | None) -> pa.DataFrameSchema:
    """The Indikator sheet's schema; ``kode_bidang`` = the codes of the Bidang sheet (None: not checked)."""
    bidang_checks = [_required()]
    if kode_bidang is not None:
        bidang_checks.append(_one_of(kode_bidang, BIDANG_ADA))
    return pa.DataFrameSchema(
        {
            "kode_indikator": _text(_required(), _unique()),
            "kode_bidang": _text(*bidang_checks),
            "level": _text(_required(), _one_of(LEVELS)),
            "uraian": _text(_required()),
            "indikator_kinerja": _text(_required()),
            "satuan": _text(_required()),
            "polaritas": _text(_required(), _one_of(POLARITAS)),
            "agregasi": _text(_required(), _one_of(AGREGASI)),
            "target_tahunan": _number(required=True),
            "target_tw1": _number(required=False),
            "target_tw2": _number(required=False),
            "target_tw3": _number(required=False),
            "target_tw4": _number(required=False),
            "pagu": _number(required=False),
            "definisi_operasional": _text(),
            "sumber_data": _text(),
            "kode_uraian": _text(),
            "kode_induk": _text(),
            "target_renstra": _number(required=False),
            "pagu_renstra": _number(required=False),
            "excel_row": pa.Column(int),
        },
        name=SHEET_INDIKATOR,
    )


# ---------------------------------------------------------------------------------------------
# loading


class _Cell(NamedTuple):
    value: Any
    number_format: str
    is_error: bool  # an Excel error value such as #N/A
    is_formula: bool  # a formula whose cached result is missing (value is None then)


class _Grid(NamedTuple):
    """One sheet as read: every row from row 1 (empty cells '' or None), plus the few cells whose
    number format, error or missing formula result the values alone do not tell."""

    values: list[list[Any]]
    cells: dict[tuple[int, int], _Cell]  # (Excel row, 0-based column) -> the cell (value None unless an error)


class _Problems:
    """Error and warning lines, kept with a sort key (sheet, row, column)."""

    def __init__(self) -> None:
        self.errors: list[tuple[tuple[int, int, int], str]] = []
        self.warnings: list[tuple[tuple[int, int, int], str]] = []
        self.cells_with_error: set[tuple[str, int, str]] = set()

    def cell(self, sheet: str, rows: list[int], header: str, text: str, *, warning: bool = False) -> None:
        where = f"{sheet} baris {_join_rows(rows)}, kolom \"{header}\": {text}"
        key = (_SHEET_ORDER.get(sheet, 9), min(rows), _column_order(sheet, header))
        (self.warnings if warning else self.errors).append((key, where))
        if not warning:
            self.cells_with_error.update((sheet, r, header) for r in rows)

    def sheet(self, sheet: str, text: str) -> None:
        self.errors.append(((_SHEET_ORDER.get(sheet, 9), 0, 0), text))

    def sorted_errors(self) -> list[str]:
        return [text for _, text in sorted(self.errors, key=lambda e: e[0])]

    def sorted_warnings(self) -> list[str]:
        return [text for _, text in sorted(self.warnings, key=lambda e: e[0])]


def _join_rows(rows: list[int]) -> str:
    rows = sorted(rows)
    if len(rows) == 1:
        return str(rows[0])
    return ", ".join(map(str, rows[:-1])) + f" dan {rows[-1]}"


def _column_order(sheet: str, header: str) -> int:
    headers = list(_SHEETS.get(sheet, {}))
    return headers.index(header) + 1 if header in headers else 99


def load_master(path: Path, cache_dir: Path | None = None) -> Master:
    """Read and validate ``master_indikator.xlsx``; raise MasterError listing every problem.

    Codes stay text, word variants are normalised (:func:`canonical_word`), numbers typed as
    text are read with :func:`kinerja_batch.numbers.parse_number`. Extra columns, a title block
    above the header row and completely empty rows are allowed.

    With ``cache_dir`` (the workspace's state folder), a master that was read and found valid is
    kept there as JSON, keyed by the file's sha256, the tool version and the cache format; the
    next load of the same bytes reads that instead of the workbook.
    """
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise MasterError(
            f"{name} tidak ditemukan di {path.parent}. Simpan master indikator kantor dengan nama itu "
            "di ruang kerja, atau jalankan 'kinerja-batch init' untuk membuat contohnya."
        ) from None
    except OSError as exc:
        raise MasterError(
            f"{name} tidak dapat dibaca ({exc.strerror or exc}). Periksa berkas dan izinnya."
        ) from None
    sha256 = hashlib.sha256(data).hexdigest()
    if cache_dir is not None:
        cached = _cache_read(Path(cache_dir), sha256)
        if cached is not None:
            bidang_c, indikator_c, peringatan_c = cached
            master = Master(bidang=bidang_c, indikator=indikator_c, path=path, sha256=sha256,
                            peringatan=peringatan_c)
            if read_summary(Path(cache_dir), sha256) is None:  # a cache written before the summary existed
                write_summary(Path(cache_dir), master)
            return master

    with gc_paused():
        return _parse(data, name, path, sha256, cache_dir)




def _parse(data: bytes, name: str, path: Path, sha256: str, cache_dir: Path | None) -> Master:
    sheets = _read_workbook(data, name, list(_SHEETS))
    problems = _Problems()
    frames: dict[str, pd.DataFrame | None] = {}
    for sheet, columns in _SHEETS.items():
        found = _find_sheet(sheets, sheet)
        if found is None:
            problems.sheet(
                sheet,
                f"Lembar \"{sheet}\" tidak ditemukan di {name}; tambahkan lembar bernama \"{sheet}\" dengan "
                f"kolom {_quoted(columns)}.",
            )
            frames[sheet] = None
            continue
        frames[sheet] = _sheet_frame(sheet, sheets[found], columns, problems)

    bidang, indikator = frames[SHEET_BIDANG], frames[SHEET_INDIKATOR]
    for sheet, frame, what in ((SHEET_BIDANG, bidang, "bidang"), (SHEET_INDIKATOR, indikator, "indikator")):
        if frame is not None and frame.empty:
            problems.sheet(sheet, f"Lembar \"{sheet}\" belum berisi {what}; isi minimal satu baris di bawah "
                                  "baris judul.")
    if bidang is not None:
        _validate(BIDANG_SCHEMA, bidang, SHEET_BIDANG, BIDANG_COLUMNS, problems)
    if indikator is not None:
        known = bidang["kode_bidang"].tolist() if bidang is not None else None
        _validate(indikator_schema(known), indikator, SHEET_INDIKATOR, INDIKATOR_COLUMNS, problems)
        _check_hierarchy(indikator, problems)

    errors = problems.sorted_errors()
    if errors:
        raise MasterError(
            f"{name} tidak dapat dipakai: {len(errors)} galat. Perbaiki lalu jalankan lagi.", errors
        )
    assert bidang is not None and indikator is not None
    bidang = bidang.assign(
        nip=[n.replace(" ", "") for n in bidang["nip"]],
        jabatan=[j or default_jabatan(n) for j, n in zip(bidang["jabatan"], bidang["nama_bidang"], strict=True)])
    master = Master(
        bidang=bidang.drop(columns="excel_row").reset_index(drop=True),
        indikator=indikator.reset_index(drop=True),
        path=path,
        sha256=sha256,
        peringatan=tuple(problems.sorted_warnings()),
    )
    if cache_dir is not None:
        _cache_write(Path(cache_dir), master)
    return master


def _check_hierarchy(indikator: pd.DataFrame, problems: _Problems) -> None:
    """Kode Uraian / Kode Induk (domain §2): unknown parents, cycles, a parent not above its child, one
    uraian with two levels are errors; indicators of one uraian with different pagu are errors (one uraian
    has one pagu); a parent whose own pagu differs from its children's sum is a peringatan."""
    from kinerja_batch import hierarki

    if indikator.empty or not ((indikator["kode_uraian"] != "").any() or (indikator["kode_induk"] != "").any()):
        return  # no hierarchy columns filled: nothing to check (and nothing to pay for at 150,000 rows)
    s = hierarki.structure(indikator["kode_indikator"].tolist(), indikator["level"].tolist(),
                           indikator["kode_uraian"].tolist(), indikator["kode_induk"].tolist())
    rows = indikator["excel_row"].tolist()
    for positions, header, text in s.errors:
        problems.cell(SHEET_INDIKATOR, sorted({rows[p] for p in positions}), header, text)
    pagu = indikator["pagu"].to_numpy(dtype="float64")
    filled = ~np.isnan(pagu)
    distinct = pd.Series(pagu[filled]).groupby(s.key_idx[filled]).nunique()
    for k in distinct.index[distinct.to_numpy() > 1]:
        at = np.flatnonzero(filled & (s.key_idx == k))
        problems.cell(SHEET_INDIKATOR, [rows[p] for p in at], "Pagu Anggaran (Rp)",
                      f"indikator dengan Kode Uraian \"{s.keys[k]}\" berbeda pagu; satu uraian punya satu pagu: "
                      "isi pagu pada satu baris saja atau samakan nilainya.")
    if s.errors:
        return
    for k, own, kids in s.disagreements(pagu):
        problems.cell(
            SHEET_INDIKATOR, [rows[int(s.first_row[k])]], "Pagu Anggaran (Rp)",
            f"pagu uraian \"{s.keys[k]}\" Rp {numbers.format_angka_ringkas(own)} berbeda dari jumlah pagu uraian di "
            f"bawahnya Rp {numbers.format_angka_ringkas(kids)}; jumlah anggaran memakai pagu uraian ini, periksa "
            "salah satunya.",
            warning=True,
        )


def _quoted(columns: Iterable[str]) -> str:
    items = [f"\"{c}\"" for c in columns if c not in OPTIONAL_HEADERS]
    return ", ".join(items[:-1]) + f" dan {items[-1]}"


_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FIX_RESAVE = "Buka di Excel atau LibreOffice, simpan sebagai Buku Kerja Excel (.xlsx), lalu jalankan lagi."


def _read_workbook(data: bytes, name: str, wanted: list[str]) -> dict[str, _Grid]:
    """The cells of the wanted sheets (title -> grid, row 1 first); MasterError when not a readable xlsx.

    Other sheets (notes, reference tables) are never read, however large they are. Values come
    from python-calamine; what calamine does not tell (number formats, error cells, formulas
    without a cached result) from a scan of the sheet XML. A workbook that scan does not
    understand (an unusual writer) is read cell by cell with openpyxl instead, as before.
    """
    if not data:
        raise MasterError(f"{name} kosong (0 bita). {_FIX_RESAVE}")
    if data.startswith(_CFB_MAGIC):
        # OLE container: an old .xls file, or an .xlsx encrypted with a password
        raise MasterError(
            f"{name} berformat Excel lama (.xls) atau dilindungi kata sandi. Hapus kata sandinya bila ada; "
            f"{_FIX_RESAVE[0].lower()}{_FIX_RESAVE[1:]}"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise MasterError(f"{name} bukan buku kerja Excel (.xlsx). {_FIX_RESAVE}")
    wanted_keys = {_header_key(w) for w in wanted}
    try:
        return _read_fast(data, wanted_keys)
    except _Unsupported:
        pass
    try:
        return _read_openpyxl(data, wanted_keys)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise MasterError(
            f"{name} rusak atau bukan buku kerja Excel yang dapat dibaca ({type(exc).__name__}: {exc}). "
            f"{_FIX_RESAVE}"
        ) from None


class _Unsupported(Exception):
    """The fast reader does not understand this workbook; read it with openpyxl."""


def _read_fast(data: bytes, wanted_keys: set[str]) -> dict[str, _Grid]:
    from python_calamine import CalamineWorkbook

    from kinerja_batch.formats import sheet_member as _sheet_member

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # damaged or not an xlsx: openpyxl says what is wrong, as it always did
        raise _Unsupported from exc
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            out: dict[str, _Grid] = {}
            formats: dict[int, str] | None = None
            for title in wb.sheet_names:
                if _header_key(title) not in wanted_keys:
                    continue
                member = _sheet_member(zf, title)
                if member is None:
                    raise _Unsupported(title)
                if formats is None:
                    formats = _style_formats(zf)
                cells = _scan_sheet(zf, member, formats)
                try:
                    values = wb.get_sheet_by_name(title).to_python(skip_empty_area=False)
                except Exception as exc:
                    raise _Unsupported(title) from exc
                out[title] = _Grid(_cover(values, cells), cells)
            return out
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError) as exc:
        raise _Unsupported from exc  # SyntaxError: defusedxml's ParseError of workbook.xml
    finally:
        wb.close()


def _cover(values: list[list[Any]], cells: dict[tuple[int, int], _Cell]) -> list[list[Any]]:
    """A rectangular grid that holds every error or formula cell (calamine may end before them)."""
    special = [(r, c) for (r, c), cell in cells.items() if cell.is_error or cell.is_formula]
    lengths = set(map(len, values))
    if not special and len(lengths) <= 1:
        return values
    n_rows = max([len(values), *(r for r, _ in special)])
    width = max([*lengths, *(c + 1 for _, c in special)])
    values = [list(row) for row in values] + [[] for _ in range(n_rows - len(values))]
    for row in values:
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    return values


# Built-in number formats that can change how a number reads (openpyxl's BUILTIN_FORMATS).
_BUILTIN_FORMATS = {1: "0", 2: "0.00", 9: "0%", 10: "0.00%"}
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _format_matters(number_format: str) -> bool:
    """A format other than these reads exactly like General here (see _number_as_text, _number_value)."""
    return _is_percent_format(number_format) or _ZERO_PADDED.match(number_format.strip()) is not None


def _style_formats(zf: zipfile.ZipFile) -> dict[int, str]:
    """cellXfs index -> number format, for the styles whose format matters."""
    from defusedxml import ElementTree

    try:
        styles = ElementTree.fromstring(zf.read("xl/styles.xml"))
    except KeyError:
        return {}
    custom = {int(nf.get("numFmtId", "0")): nf.get("formatCode", "") for nf in styles.iter(f"{_NS_MAIN}numFmt")}
    xfs = styles.find(f"{_NS_MAIN}cellXfs")
    out = {}
    for i, xf in enumerate(() if xfs is None else xfs):
        fmt_id = int(xf.get("numFmtId", "0"))
        fmt = custom.get(fmt_id, _BUILTIN_FORMATS.get(fmt_id, "General"))
        if _format_matters(fmt):
            out[i] = fmt
    return out


_SCAN_BLOCK = 1 << 24  # the sheet XML is scanned in blocks cut at a row end: memory stays flat
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")
_ODD_CELL = re.compile(rb"<c(?:>|\s(?!r=\"))")  # a cell whose first attribute is not its reference
_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?\bt="e"[^>]*?(?:/>|>(.*?)</c>)', re.S)
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"([^>]*?)>(<f.*?)</c>', re.S)
_ATTR_T = re.compile(rb'\bt="([a-zA-Z]+)"')
_V = re.compile(rb"<v>(.*?)</v>", re.S)


def _scan_sheet(zf: zipfile.ZipFile, member: str, formats: dict[int, str]) -> dict[tuple[int, int], _Cell]:
    """The cells of one sheet that need more than their value: a format that matters, an Excel
    error, a formula without a cached result. Raises _Unsupported for XML this scan cannot read."""
    from kinerja_batch.formats import unescape as _unescape

    styled = None
    if formats:
        ids = b"|".join(str(i).encode() for i in sorted(formats))
        styled = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?\bs="(' + ids + rb')"')
    out: dict[tuple[int, int], _Cell] = {}
    col_of: dict[bytes, int] = {}

    def key(col: bytes, row: bytes) -> tuple[int, int]:
        c = col_of.get(col)
        if c is None:
            c = col_of[col] = _col_index(col)
        return int(row), c

    first = True
    rest = b""
    with zf.open(member) as fh:
        while True:
            block = fh.read(_SCAN_BLOCK)
            chunk = rest + block
            if block:
                cut = chunk.rfind(b"</row>")
                if cut < 0:
                    rest = chunk
                    continue
                chunk, rest = chunk[: cut + 6], chunk[cut + 6 :]
            if first:
                root = _ROOT.search(chunk, 0, 65536)
                if root is None or root.group(1):
                    raise _Unsupported(member)  # a namespace prefix (x:c): not what the patterns expect
                first = False
            if _ODD_CELL.search(chunk):
                raise _Unsupported(member)
            if styled is not None:
                for m in styled.finditer(chunk):
                    out[key(m.group(1), m.group(2))] = _Cell(None, formats[int(m.group(3))], False, False)
            if b't="e"' in chunk:
                for m in _ERROR_CELL.finditer(chunk):
                    v = _V.search(m.group(3) or b"")
                    error = (v.group(1).decode("utf-8", "replace") if v else "#N/A") or "#N/A"
                    k = key(m.group(1), m.group(2))
                    fmt = out[k].number_format if k in out else "General"
                    out[k] = _Cell(_unescape(error), fmt, True, False)
            if b"<f" in chunk:
                for m in _FORMULA_CELL.finditer(chunk):
                    t = _ATTR_T.search(m.group(3))
                    ctype = t.group(1) if t else b"n"
                    if ctype == b"e":
                        continue  # an error result: reported as the error
                    v = _V.search(m.group(4))
                    if v is None or (v.group(1) == b"" and ctype != b"str"):
                        k = key(m.group(1), m.group(2))
                        fmt = out[k].number_format if k in out else "General"
                        out[k] = _Cell(None, fmt, False, True)
            if not block:
                break
    return out


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _read_openpyxl(data: bytes, wanted_keys: set[str]) -> dict[str, _Grid]:
    """The slow, general reader: openpyxl cell by cell (for workbooks the fast scan does not understand)."""
    import openpyxl

    values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # The same file without data_only tells which empty-looking cells are formulas that were
    # never calculated (saved by a script, not by Excel): those must not read as "empty".
    formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        out: dict[str, _Grid] = {}
        for ws in values.worksheets:
            if _header_key(ws.title) not in wanted_keys:
                continue
            formula_cells = _formula_cells(formulas[ws.title])
            rows: list[list[Any]] = []
            cells: dict[tuple[int, int], _Cell] = {}
            for r, row in enumerate(ws.iter_rows(), start=1):
                row_values = []
                for ci, c in enumerate(row):
                    value = c.value
                    row_values.append(value)
                    cell = _Cell(value, c.number_format or "General", c.data_type == "e",
                                 value is None and (r, ci) in formula_cells)
                    if cell.is_error or cell.is_formula or _format_matters(cell.number_format):
                        cells[(r, ci)] = cell
                rows.append(row_values)
            width = max((len(row) for row in rows), default=0)
            for row in rows:
                row.extend([None] * (width - len(row)))
            out[ws.title] = _Grid(rows, cells)
        return out
    finally:
        values.close()
        formulas.close()


def _formula_cells(ws: Any) -> set[tuple[int, int]]:
    out = set()
    for r, row in enumerate(ws.iter_rows(), start=1):
        for ci, c in enumerate(row):
            if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith("=")):
                out.add((r, ci))
    return out


def _header_key(text: Any) -> str:
    """Headers and sheet names compared without case and without any spaces."""
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split()).casefold()


def _find_sheet(sheets: dict[str, Any], wanted: str) -> str | None:
    for title in sheets:
        if _header_key(title) == _header_key(wanted):
            return title
    return None


_WORD_COLUMNS = {"level": "level", "polaritas": "polaritas", "agregasi": "agregasi"}


def _sheet_frame(sheet: str, grid: _Grid, columns: dict[str, str], problems: _Problems) -> pd.DataFrame | None:
    """One sheet as a DataFrame of cleaned values plus ``excel_row``; None when its header is unusable."""
    rows = grid.values
    wanted = {_header_key(h): h for h in columns}
    best_row, best_map = 0, dict[str, list[int]]()
    for r, row in enumerate(rows[:_HEADER_SEARCH_ROWS], start=1):
        found: dict[str, list[int]] = {}
        for ci, value in enumerate(row):
            cell = grid.cells.get((r, ci))
            if cell is not None and cell.is_error:
                value = cell.value
            header = wanted.get(_header_key(value)) if isinstance(value, str) else None
            if header:
                found.setdefault(header, []).append(ci)
        if len(found) > len(best_map):
            best_row, best_map = r, found
    if not best_map:
        problems.sheet(
            sheet,
            f"Lembar \"{sheet}\": baris judul tidak ditemukan; baris judul harus berisi kolom "
            f"{_quoted(columns)}.",
        )
        return None
    usable = True
    for header in columns:
        if header not in best_map and header in OPTIONAL_HEADERS:
            continue
        if header not in best_map:
            problems.sheet(
                sheet,
                f"Lembar \"{sheet}\": kolom \"{header}\" tidak ditemukan di baris judul (baris {best_row}); "
                f"tambahkan kolom itu dengan judul persis \"{header}\".",
            )
            usable = False
        elif len(best_map[header]) > 1:
            problems.sheet(
                sheet,
                f"Lembar \"{sheet}\": kolom \"{header}\" muncul lebih dari sekali di baris judul "
                f"(baris {best_row}); hapus atau ganti judul salah satunya.",
            )
            usable = False
    if not usable:
        return None

    # Column by column: the plain cells (text, a number, empty) take a fast path; a cell with an
    # error, a formula, a format that matters or an unusual value goes through _text_value /
    # _number_value, which say what is wrong with it.
    absent = [header for header in columns if header not in best_map]
    present = {h: c for h, c in columns.items() if h in best_map}
    full_columns, columns = columns, present
    positions = [best_map[header][0] for header in columns]
    pick = operator.itemgetter(*positions)
    special = {(r, c) for (r, c), cell in grid.cells.items() if cell.is_error or cell.is_formula}
    special_rows = {r for r, c in special if c in positions}
    picked = list(map(pick, rows[best_row:]))
    if _all_filled([values[0] for values in picked]):
        excel_rows = list(range(best_row + 1, best_row + 1 + len(picked)))
    else:
        excel_rows, kept = [], []
        for r, values in enumerate(picked, start=best_row + 1):
            if r not in special_rows and all(map(_is_blank_value, values)):
                continue  # completely empty rows (spacers, formatting left behind) are not data
            excel_rows.append(r)
            kept.append(values)
        picked = kept
    by_column = list(zip(*picked, strict=True)) if picked else [() for _ in positions]

    data: dict[str, list[Any]] = {}
    for (header, column), c, values in zip(columns.items(), positions, by_column, strict=True):
        if column in NUMERIC_COLUMNS:
            continue
        data[column] = _text_column(sheet, header, column, c, excel_rows, values, grid.cells, special, problems)
    satuan = data.get("satuan") or [""] * len(excel_rows)
    for (header, column), c, values in zip(columns.items(), positions, by_column, strict=True):
        if column in NUMERIC_COLUMNS:
            data[column] = _number_column(sheet, header, c, excel_rows, values, satuan, grid.cells, problems)
    for column, kind in _WORD_COLUMNS.items():
        if column in data:
            # unknown words stay as typed so the error can quote them
            known: dict[str, str] = {}
            for text in set(data[column]):
                known[text] = canonical_word(kind, text) or text
            data[column] = [known[text] for text in data[column]]

    for header in absent:  # an optional column left out: every cell empty
        column = full_columns[header]
        data[column] = [math.nan] * len(excel_rows) if column in NUMERIC_COLUMNS else [""] * len(excel_rows)
    columns = full_columns
    frame = pd.DataFrame({column: data[column] for column in columns.values()})
    for column in columns.values():
        frame[column] = frame[column].astype("float64" if column in NUMERIC_COLUMNS else "str")
    frame["excel_row"] = pd.Series(excel_rows, dtype="int64")
    # the documented column order: the sheet's columns, then excel_row
    return frame


def _all_filled(values: list[Any]) -> bool:
    """Every value is ASCII text with something besides spaces (so no row of them is empty); at C speed."""
    try:
        joined = "".join(values)
    except TypeError:
        return False
    return joined.isascii() and 0 not in map(len, values) and not any(map(str.isspace, values))


def _is_blank_value(value: Any) -> bool:
    if value is None or value == "":
        return True
    return value.__class__ is str and _clean(value) == ""


def _slow_cell(r: int, c: int, value: Any, cells: dict[tuple[int, int], _Cell]) -> _Cell:
    """The cell as the checks see it: openpyxl's conventions (None when empty, a date as a datetime)."""
    if value == "":
        value = None
    elif value.__class__ is dt.date:
        value = dt.datetime.combine(value, dt.time())
    info = cells.get((r, c))
    if info is None:
        return _Cell(value, "General", False, False)
    if info.is_error:
        return info
    if info.is_formula:
        return info._replace(value=None)
    return info._replace(value=value)


def _text_column(sheet: str, header: str, column: str, c: int, excel_rows: list[int], values: tuple[Any, ...],
                 cells: dict[tuple[int, int], _Cell], special: set[tuple[int, int]],
                 problems: _Problems) -> list[str]:
    if not any(k[1] == c for k in special):
        try:
            joined = "".join(values)  # TypeError unless every cell holds text
        except TypeError:
            pass
        else:
            # _text_value of plain strings; ASCII text cannot hold zero-width characters
            return [v.strip() for v in values] if joined.isascii() else [_clean(v) for v in values]
    out = []
    for r, value in zip(excel_rows, values, strict=True):
        if value.__class__ is str and (r, c) not in special:
            # _text_value of a plain string, inline; ASCII text cannot hold zero-width characters
            out.append(value.strip() if value.isascii() else _clean(value))
        elif value is None and (r, c) not in special:
            out.append("")
        else:
            out.append(_text_value(sheet, r, header, column, _slow_cell(r, c, value, cells), problems))
    return out


def _number_column(sheet: str, header: str, c: int, excel_rows: list[int], values: tuple[Any, ...],
                   satuan: list[str], cells: dict[tuple[int, int], _Cell], problems: _Problems) -> list[float]:
    out = []
    nan = math.nan
    for r, value, unit in zip(excel_rows, values, satuan, strict=True):
        if (r, c) not in cells:
            if value.__class__ is float and math.isfinite(value):
                out.append(value + 0.0)  # parse_number of a plain number
                continue
            if value is None or value == "":
                out.append(nan)
                continue
        out.append(_number_value(sheet, r, header, _slow_cell(r, c, value, cells), unit, problems))
    return out


# zero-width characters pasted from web pages and chat apps; invisible, but they break code matching
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_ZERO_PADDED = re.compile(r"^(0+)(?:\.(0+))?$")
_FIX_ERROR = "perbaiki rumusnya atau ketik "
_NO_CACHED_RESULT = (
    "berisi rumus yang belum punya hasil tersimpan; buka berkas di Excel atau LibreOffice agar rumus "
    "dihitung lalu simpan, atau ketik "
)


def _clean(text: str) -> str:
    # str.strip() also removes non-breaking spaces (U+00A0 is whitespace to Python)
    return text.translate(_ZERO_WIDTH).strip()


def _text_value(sheet: str, row: int, header: str, column: str, cell: _Cell, problems: _Problems) -> str:
    value = cell.value
    if cell.is_formula:
        problems.cell(sheet, [row], header, _NO_CACHED_RESULT + "isinya.")
        return ""
    if cell.is_error:
        problems.cell(sheet, [row], header, f"berisi galat Excel {value}; {_FIX_ERROR}isinya langsung.")
        return ""
    if value is None:
        return ""
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if column == "nip" and abs(value) >= 1e15:
            # Excel keeps 15 significant digits: an 18-digit NIP typed as a number has lost its tail
            problems.cell(
                sheet, [row], header,
                "NIP tersimpan sebagai angka sehingga digit terakhirnya bisa berubah; ketik ulang sebagai "
                "teks (awali dengan tanda petik ').",
                warning=True,
            )
        return _number_as_text(value, cell.number_format)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return _clean(str(value))


def _number_as_text(value: float, number_format: str) -> str:
    """The text a code cell typed as a number shows: 7 with format '000' -> '007'."""
    m = _ZERO_PADDED.match(number_format.strip())
    width = len(m.group(1)) if m else 1
    decimals = len(m.group(2)) if m and m.group(2) else 0
    if decimals:
        text = f"{value:.{decimals}f}"
        whole, _, frac = text.partition(".")
        return whole.zfill(width) + "." + frac
    if float(value).is_integer():
        return str(int(value)).zfill(width)
    return repr(float(value))


def _number_value(sheet: str, row: int, header: str, cell: _Cell, satuan: str, problems: _Problems) -> float:
    if cell.is_formula:
        problems.cell(sheet, [row], header, _NO_CACHED_RESULT + "angkanya.")
        return math.nan
    parsed = numbers.parse_number(cell.value)
    if parsed.code == numbers.GALAT_EXCEL or cell.is_error:
        error = parsed.detail or cell.value
        problems.cell(sheet, [row], header, f"berisi galat Excel {error}; {_FIX_ERROR}angkanya langsung.")
        return math.nan
    if parsed.code == numbers.RUMUS_TANPA_NILAI:
        problems.cell(sheet, [row], header, _NO_CACHED_RESULT + "angkanya.")
        return math.nan
    if parsed.code == numbers.BUKAN_ANGKA:
        if isinstance(cell.value, str):
            shown = _clean(cell.value)
            shown = shown if len(shown) <= 60 else shown[:59] + "…"
            problems.cell(sheet, [row], header, f"\"{shown}\" bukan angka; isi dengan angka >= 0.")
        else:
            problems.cell(sheet, [row], header, f"berisi {parsed.detail}; isi dengan angka >= 0.")
        return math.nan
    if parsed.value is None:
        return math.nan
    value = parsed.value
    if parsed.code == numbers.ANGKA_AMBIGU:
        problems.cell(
            sheet, [row], header,
            f"\"{_clean(cell.value)}\" dibaca sebagai {parsed.detail} (titik sebagai pemisah ribuan); bila "
            "maksudnya pecahan desimal, tulis dengan koma, misalnya 1,5.",
            warning=True,
        )
    typed_number = not isinstance(cell.value, str)
    if typed_number and _is_percent_format(cell.number_format) and _is_percent_unit(satuan):
        # 85% in a percent-formatted cell is stored as 0.85; the planner means 85 (domain §5)
        value = round(value * 100, 10)
    return float(value)


def _is_percent_format(number_format: str) -> bool:
    # a '%' inside quotes or escaped is literal text, not percent scaling
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format or "")


def _is_percent_unit(satuan: str) -> bool:
    return satuan.strip().casefold() in ("%", "persen")


# ---------------------------------------------------------------------------------------------
# pandera failure cases -> Indonesian lines


def _validate(
    schema: pa.DataFrameSchema, frame: pd.DataFrame, sheet: str, columns: dict[str, str], problems: _Problems
) -> None:
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases
    else:
        return
    header_of = {column: header for header, column in columns.items()}
    for (column, check), group in failures.groupby(["column", "check"], sort=False, dropna=False):
        header = header_of.get(column, str(column))
        if check == UNIK:
            for value, dup in group.groupby("failure_case", sort=False):
                rows = [int(frame.at[i, "excel_row"]) for i in dup["index"]]
                problems.cell(sheet, rows, header, f"kode \"{value}\" ganda; setiap kode harus unik.")
            continue
        for index, value in zip(group["index"], group["failure_case"], strict=True):
            if index is None or (isinstance(index, float) and math.isnan(index)):
                problems.sheet(sheet, f"Lembar \"{sheet}\", kolom \"{header}\": {check} gagal ({value}).")
                continue
            row = int(frame.at[index, "excel_row"])
            if (sheet, row, header) in problems.cells_with_error:
                continue  # already reported when the cell was read (e.g. "tujuh" bukan angka)
            problems.cell(sheet, [row], header, _message(str(check), str(column), value))


_FIX_WORDS = {
    "level": "isi salah satu dari \"Tujuan\", \"Sasaran\", \"Program\", \"Kegiatan\" atau \"Sub Kegiatan\"",
    "polaritas": "isi \"Positif\" atau \"Negatif\"",
    "agregasi": "isi \"Kumulatif\", \"Posisi Akhir\" atau \"Rata-rata\"",
}

_MESSAGES: dict[str, Callable[[str, Any], str]] = {
    WAJIB: lambda column, value: "kosong; wajib diisi.",
    "not_nullable": lambda column, value: "kosong; wajib diisi dengan angka >= 0.",
    DIKENAL: lambda column, value: (
        f"nilai \"{value}\" tidak dikenal; {_FIX_WORDS.get(column, 'perbaiki isinya')}."
    ),
    BIDANG_ADA: lambda column, value: (
        f"bidang \"{value}\" tidak ada di lembar Bidang; tambahkan bidangnya atau perbaiki kodenya."
    ),
    NIP_18: lambda column, value: (
        f"NIP \"{value}\" bukan 18 angka; tulis NIP lengkap 18 angka, misalnya 19700312 199503 1 002 "
        "(spasi boleh), atau kosongkan."
    ),
    TIDAK_NEGATIF: lambda column, value: (
        f"nilai {numbers.format_angka_ringkas(value)} negatif; isi dengan angka >= 0."
    ),
}


def _message(check: str, column: str, value: Any) -> str:
    make = _MESSAGES.get(check)
    if make is None:  # a rule without its own wording still reaches the user
        return f"nilai \"{value}\" tidak memenuhi aturan {check}; perbaiki isinya."
    return make(column, value)


# ---------------------------------------------------------------------------------------------
# the cache: a valid master kept as JSON in the workspace's state folder

CACHE_FORMAT = "3"  # raise when the stored layout or the reading rules change
CACHE_NAME = "master_cache.json"


def _cache_key(sha256: str) -> dict[str, str]:
    from kinerja_batch import __version__

    return {"sha256": sha256, "versi_alat": __version__, "format": CACHE_FORMAT}


def _columns_json(frame: pd.DataFrame) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for column in frame.columns:
        if column in NUMERIC_COLUMNS:
            out[column] = [None if math.isnan(v) else v for v in frame[column].tolist()]
        elif column == "excel_row":
            out[column] = [int(v) for v in frame[column].tolist()]
        else:
            out[column] = [str(v) for v in frame[column].tolist()]
    return out


# the Python types each kind of column may hold in the cache (checked at C speed with set(map(type, ...)))
_CACHE_TYPES: dict[str, set[type]] = {"number": {float, int, type(None)}, "excel_row": {int}, "text": {str}}


def _frame_json(data: dict[str, list[Any]], columns: list[str]) -> pd.DataFrame:
    """The frame back with the dtypes load_master gives (ValueError on anything unexpected)."""
    if not isinstance(data, dict) or list(data) != columns or len({len(v) for v in data.values()}) > 1:
        raise ValueError("kolom cache tidak sesuai")
    frame = pd.DataFrame({c: data[c] for c in columns})
    for column in columns:
        kind = "number" if column in NUMERIC_COLUMNS else "excel_row" if column == "excel_row" else "text"
        if not set(map(type, data[column])) <= _CACHE_TYPES[kind]:  # bool is not int here, on purpose
            raise ValueError(f"kolom cache {column} berisi jenis nilai lain")
        dtype = {"number": "float64", "excel_row": "int64", "text": "str"}[kind]
        frame[column] = frame[column].astype(dtype)
    return frame


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} tidak boleh ada di cache")  # NaN/Infinity are not JSON; a valid master has none


def _cache_read(cache_dir: Path, sha256: str) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...]] | None:
    """The cached master of these bytes, or None (absent, another file or version, unreadable)."""
    try:
        stored = json.loads((cache_dir / CACHE_NAME).read_text(encoding="utf-8"), parse_constant=_no_constants)
        if stored.get("kunci") != _cache_key(sha256):
            return None
        bidang = _frame_json(stored["bidang"], list(BIDANG_COLUMNS.values()))
        indikator = _frame_json(stored["indikator"], [*INDIKATOR_COLUMNS.values(), "excel_row"])
        peringatan = tuple(str(w) for w in stored["peringatan"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # a cache is only ever a shortcut: when in doubt, read the workbook
    return bidang, indikator, peringatan


def _cache_write(cache_dir: Path, master: Master) -> None:
    """Keep a valid master for the next load (atomically; a failure to write is not an error)."""
    stored = {
        "kunci": _cache_key(master.sha256),
        "bidang": _columns_json(master.bidang),
        "indikator": _columns_json(master.indikator),
        "peringatan": list(master.peringatan),
    }
    tmp = None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp_master_", suffix=".json", dir=cache_dir)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(stored, fh, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        os.chmod(tmp, 0o644)  # like the ledger beside it (mkstemp makes it private to one user)
        os.replace(tmp, cache_dir / CACHE_NAME)
        tmp = None
        write_summary(cache_dir, master)  # what 'status' reads instead of the master
    except (OSError, ValueError):
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
