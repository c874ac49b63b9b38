"""Read and validate ``master_indikator.xlsx`` (domain §2).

The master is read cell by cell with openpyxl (never through pandas' type guessing, so ``007``
stays ``007``), normalised (word variants, numbers typed as text), then checked with the pandera
schemas below. Every problem becomes one Indonesian line naming sheet, Excel row and column;
a master with any problem is refused as a whole with :class:`~kinerja_batch.errors.MasterError`.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import pandera.pandas as pa

from kinerja_batch import numbers
from kinerja_batch.errors import MasterError

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
}
NUMERIC_COLUMNS = ("target_tahunan", "target_tw1", "target_tw2", "target_tw3", "target_tw4", "pagu")
# codes are identifiers: a number typed into these cells is turned back into the text it shows
CODE_COLUMNS = ("kode_bidang", "kode_indikator", "nip")

_SHEETS = {SHEET_BIDANG: BIDANG_COLUMNS, SHEET_INDIKATOR: INDIKATOR_COLUMNS}
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

    def bidang_codes(self) -> list[str]:
        """Kode Bidang in master order."""
        return self.bidang["kode_bidang"].tolist()

    def bidang_info(self, kode_bidang: str) -> dict[str, str]:
        """One bidang row as a dict (kode_bidang, nama_bidang, penanggung_jawab, nip, email)."""
        rows = self.bidang[self.bidang["kode_bidang"] == kode_bidang]
        if rows.empty:
            raise KeyError(kode_bidang)
        return {k: str(v) for k, v in rows.iloc[0].items()}

    def indikator_of(self, kode_bidang: str) -> pd.DataFrame:
        """The indicators of one bidang, master order, with a fresh RangeIndex."""
        return self.indikator[self.indikator["kode_bidang"] == kode_bidang].reset_index(drop=True)

    def indikator_by_code(self) -> dict[str, dict[str, Any]]:
        """Kode Indikator -> that row as a dict (empty numbers are NaN). Cached; do not mutate."""
        if not self._by_code:
            for row in self.indikator.to_dict("records"):
                self._by_code[row["kode_indikator"]] = row
        return self._by_code


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
        "nip": _text(),
        "email": _text(),
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


def load_master(path: Path) -> Master:
    """Read and validate ``master_indikator.xlsx``; raise MasterError listing every problem.

    Codes stay text, word variants are normalised (:func:`canonical_word`), numbers typed as
    text are read with :func:`kinerja_batch.numbers.parse_number`. Extra columns, a title block
    above the header row and completely empty rows are allowed.
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

    errors = problems.sorted_errors()
    if errors:
        raise MasterError(
            f"{name} tidak dapat dipakai: {len(errors)} galat. Perbaiki lalu jalankan lagi.", errors
        )
    assert bidang is not None and indikator is not None
    return Master(
        bidang=bidang.drop(columns="excel_row").reset_index(drop=True),
        indikator=indikator.reset_index(drop=True),
        path=path,
        sha256=sha256,
        peringatan=tuple(problems.sorted_warnings()),
    )


def _quoted(columns: Iterable[str]) -> str:
    items = [f"\"{c}\"" for c in columns]
    return ", ".join(items[:-1]) + f" dan {items[-1]}"


_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FIX_RESAVE = "Buka di Excel atau LibreOffice, simpan sebagai Buku Kerja Excel (.xlsx), lalu jalankan lagi."


def _read_workbook(data: bytes, name: str, wanted: list[str]) -> dict[str, list[list[_Cell]]]:
    """The cells of the wanted sheets (title -> rows, row 1 first); MasterError when not a readable xlsx.

    Other sheets (notes, reference tables) are never read, however large they are.
    """
    import openpyxl

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
    try:
        values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        # The same file without data_only tells which empty-looking cells are formulas that were
        # never calculated (saved by a script, not by Excel): those must not read as "empty".
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            out: dict[str, list[list[_Cell]]] = {}
            wanted_keys = {_header_key(w) for w in wanted}
            for ws in values.worksheets:
                if _header_key(ws.title) not in wanted_keys:
                    continue
                formula_cells = _formula_cells(formulas[ws.title])
                rows = []
                for r, row in enumerate(ws.iter_rows(), start=1):
                    rows.append([
                        _Cell(
                            c.value,
                            c.number_format or "General",
                            c.data_type == "e",
                            c.value is None and (r, ci) in formula_cells,
                        )
                        for ci, c in enumerate(row)
                    ])
                out[ws.title] = rows
            return out
        finally:
            values.close()
            formulas.close()
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise MasterError(
            f"{name} rusak atau bukan buku kerja Excel yang dapat dibaca ({type(exc).__name__}: {exc}). "
            f"{_FIX_RESAVE}"
        ) from None


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


def _sheet_frame(
    sheet: str, rows: list[list[_Cell]], columns: dict[str, str], problems: _Problems
) -> pd.DataFrame | None:
    """One sheet as a DataFrame of cleaned values plus ``excel_row``; None when its header is unusable."""
    wanted = {_header_key(h): h for h in columns}
    best_row, best_map = 0, dict[str, list[int]]()
    for r, row in enumerate(rows[:_HEADER_SEARCH_ROWS], start=1):
        found: dict[str, list[int]] = {}
        for ci, cell in enumerate(row):
            header = wanted.get(_header_key(cell.value)) if isinstance(cell.value, str) else None
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

    position = {header: cols[0] for header, cols in best_map.items()}
    records: list[dict[str, Any]] = []
    for r in range(best_row + 1, len(rows) + 1):
        row = rows[r - 1]
        cells = {h: row[position[h]] if position[h] < len(row) else _EMPTY for h in columns}
        if all(_is_blank(c) for c in cells.values()):
            continue  # completely empty rows (spacers, formatting left behind) are not data
        record: dict[str, Any] = {"excel_row": r}
        for header, column in columns.items():
            if column not in NUMERIC_COLUMNS:
                record[column] = _text_value(sheet, r, header, column, cells[header], problems)
        for header, column in columns.items():
            if column in NUMERIC_COLUMNS:
                satuan = record.get("satuan", "")
                record[column] = _number_value(sheet, r, header, cells[header], satuan, problems)
        for column, kind in (("level", "level"), ("polaritas", "polaritas"), ("agregasi", "agregasi")):
            if column in record:
                # unknown words stay as typed so the error can quote them
                record[column] = canonical_word(kind, record[column]) or record[column]
        records.append(record)

    frame = pd.DataFrame.from_records(records, columns=["excel_row", *columns.values()])
    for column in columns.values():
        frame[column] = frame[column].astype("float64" if column in NUMERIC_COLUMNS else "str")
    frame["excel_row"] = frame["excel_row"].astype("int64")
    # the documented column order: the sheet's columns, then excel_row
    return frame[[*columns.values(), "excel_row"]]


_EMPTY = _Cell(None, "General", False, False)
# zero-width characters pasted from web pages and chat apps; invisible, but they break code matching
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_ZERO_PADDED = re.compile(r"^(0+)(?:\.(0+))?$")
_FIX_ERROR = "perbaiki rumusnya atau ketik "
_NO_CACHED_RESULT = (
    "berisi rumus yang belum punya hasil tersimpan; buka berkas di Excel atau LibreOffice agar rumus "
    "dihitung lalu simpan, atau ketik "
)


def _is_blank(cell: _Cell) -> bool:
    if cell.is_formula or cell.is_error:
        return False
    return cell.value is None or (isinstance(cell.value, str) and _clean(cell.value) == "")


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
    TIDAK_NEGATIF: lambda column, value: (
        f"nilai {numbers.format_angka_ringkas(value)} negatif; isi dengan angka >= 0."
    ),
}


def _message(check: str, column: str, value: Any) -> str:
    make = _MESSAGES.get(check)
    if make is None:  # a rule without its own wording still reaches the user
        return f"nilai \"{value}\" tidak memenuhi aturan {check}; perbaiki isinya."
    return make(column, value)
