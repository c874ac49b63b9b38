"""Reading numbers that people typed, and showing numbers the Indonesian way (domain §5).

:func:`parse_number` never raises and never returns NaN: every cell ends up as a real value, as
"not filled" (``value is None`` and no code), or as a code from the catalog in :mod:`findings`
with the value withheld. Whether a negative value is acceptable is the caller's decision
(``NILAI_NEGATIF``); this module only reads what was typed.

Layer: foundation (../shared/docs/architecture.md); it may import nothing of the package.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

import numpy as np

BUKAN_ANGKA = "BUKAN_ANGKA"
ANGKA_AMBIGU = "ANGKA_AMBIGU"
GALAT_EXCEL = "GALAT_EXCEL"
RUMUS_TANPA_NILAI = "RUMUS_TANPA_NILAI"
CODES = frozenset({BUKAN_ANGKA, ANGKA_AMBIGU, GALAT_EXCEL, RUMUS_TANPA_NILAI})

EXCEL_ERRORS: frozenset[str] = frozenset(
    {"#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA"}
)


@dataclass(frozen=True)
class Parsed:
    """The reading of one cell.

    ``value`` is None when the cell is not filled or cannot be used (then ``code`` says why);
    ``0.0`` is a real zero. ``text`` keeps the string exactly as typed, for the audit trail.
    """

    value: float | None
    code: str | None = None
    detail: str = ""
    text: str | None = None


# NFKC leaves these alone (they are format characters, not spaces), but they arrive with text
# pasted from web pages and chat apps and are invisible in the cell.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u2060"))
# U+2212 is the typographic minus (Word autocorrect); NFKC does not fold it into '-'.
_MINUS = str.maketrans({"\u2212": "-"})

_NOT_FILLED = frozenset({"", "-", "\u2013", "\u2014", "n/a", "na", "tidak ada"})

_AFFIXES = re.compile(r"(?P<s1>[+-]?)(?P<rp>rp\.?)?(?P<s2>[+-]?)(?P<body>.*?)(?P<pct>%?)", re.IGNORECASE)
# Excel shows large and tiny numbers as 1,5E+03 in Indonesian locale and 1.5E+03 in English.
_SCIENTIFIC = re.compile(r"(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)[eE][+-]?[0-9]+")
_DIGITS_AND_MARKS = re.compile(r"[0-9.,]*[0-9][0-9.,]*")


def _grouped(sep: str, min_groups: int = 1) -> re.Pattern[str]:
    # A leading group of 1-3 digits not starting with 0: '0.500' cannot be five hundred.
    return re.compile(r"[1-9][0-9]{0,2}(?:" + re.escape(sep) + r"[0-9]{3}){" + str(min_groups) + ",}")


_GROUPED = {".": _grouped("."), ",": _grouped(",")}
_GROUPED_MANY = {".": _grouped(".", 2), ",": _grouped(",", 2)}

_DETAIL_MARKS = "pemisah ribuan atau desimal tidak beraturan"


_NOT_FILLED_PARSED = Parsed(None)  # shared: Parsed is frozen


def _fail(detail: str, text: str | None = None) -> Parsed:
    return Parsed(None, BUKAN_ANGKA, detail, text)


def _finite(value: float, text: str | None = None, code: str | None = None, detail: str = "") -> Parsed:
    if not math.isfinite(value):
        return _fail("angka terlalu besar atau tak hingga", text)
    # '+ 0.0' turns -0.0 into 0.0 so nobody downstream sees or prints a negative zero.
    return Parsed(value + 0.0, code, detail, text)


def parse_number(raw: object) -> Parsed:
    """Read one cell value as a number, following domain §5.

    Numbers pass through as float; text is read with Indonesian or English separators; dates,
    checkboxes, formulas kept as text and words are ``BUKAN_ANGKA``; Excel error text is
    ``GALAT_EXCEL``; a lone dot before three digits (``1.500``) is read as thousands and flagged
    ``ANGKA_AMBIGU``. Never raises.
    """
    if raw is None:
        return _NOT_FILLED_PARSED
    if type(raw) is float:  # what nearly every numeric cell holds: the general path below, without its tests
        if raw != raw:
            return _NOT_FILLED_PARSED
        return _finite(raw)
    if isinstance(raw, str):
        return _parse_text(raw)
    # bool before numbers: True is an int in Python, but a checkbox is not a quantity.
    if isinstance(raw, bool | np.bool_):
        return _fail("nilai benar/salah (kotak centang), bukan angka")
    if isinstance(raw, dt.datetime | dt.date | dt.time | dt.timedelta | np.datetime64 | np.timedelta64):
        return _parse_temporal(raw)
    if isinstance(raw, numbers.Real | Decimal):
        try:
            value = float(raw)
        except (OverflowError, ValueError, InvalidOperation):
            return _fail("angka terlalu besar atau tak hingga")
        if math.isnan(value):
            return Parsed(None)
        return _finite(value)
    return _fail(f"jenis data {type(raw).__name__} tidak dikenali")


def _parse_temporal(raw: object) -> Parsed:
    # calamine returns date-formatted cells as date/datetime/time; the person typed a date
    # (or Excel auto-converted '1-3' into one), which is never a performance value.
    if raw != raw:  # NaT: pandas' missing date
        return Parsed(None)
    if isinstance(raw, np.datetime64):
        raw = raw.astype("datetime64[us]").item()
    if isinstance(raw, np.timedelta64):
        raw = raw.astype("timedelta64[us]").item()
    if isinstance(raw, dt.datetime):
        if raw.time() == dt.time(0):
            return _fail(f"tanggal {raw:%d-%m-%Y}")
        return _fail(f"tanggal {raw:%d-%m-%Y %H:%M}")
    if isinstance(raw, dt.date):
        return _fail(f"tanggal {raw:%d-%m-%Y}")
    if isinstance(raw, dt.time):
        return _fail(f"jam {raw:%H:%M}")
    if isinstance(raw, dt.timedelta):
        seconds = int(raw.total_seconds())
        sign = "-" if seconds < 0 else ""
        hours, rest = divmod(abs(seconds), 3600)
        return _fail(f"durasi {sign}{hours}:{rest // 60:02d}:{rest % 60:02d}")
    return _fail("tanggal atau waktu")  # pragma: no cover - int datetime64 units only


def _parse_text(raw: str) -> Parsed:
    s = unicodedata.normalize("NFKC", raw).translate(_ZERO_WIDTH).translate(_MINUS).strip()
    if " ".join(s.split()).lower() in _NOT_FILLED:
        return Parsed(None, text=raw)
    if s.upper() in EXCEL_ERRORS:
        return Parsed(None, GALAT_EXCEL, s.upper(), raw)
    if s.startswith("="):
        return _fail("rumus tersimpan sebagai teks, bukan hasilnya", raw)

    compact = "".join(s.split())
    m = _AFFIXES.fullmatch(compact)
    assert m is not None  # every part of the pattern is optional
    if m["s1"] and m["s2"]:
        return _fail("tanda plus/minus ganda", raw)
    negative = "-" in (m["s1"], m["s2"])
    body = m["body"]
    if not body:
        return _fail("tidak ada angka", raw)
    if body.startswith("(") or body.endswith(")"):
        # Accounting negatives: never guess whether the brackets mean minus or a remark.
        return _fail("angka dalam tanda kurung; tulis angka negatif dengan tanda minus", raw)

    code: str | None = None
    if _SCIENTIFIC.fullmatch(body):
        magnitude = float(body.replace(",", "."))
    elif _DIGITS_AND_MARKS.fullmatch(body):
        read, code, detail = _read_marks(body)
        if read is None:
            return _fail(detail, raw)
        magnitude = read
    else:
        return _fail("berisi huruf atau simbol selain angka", raw)
    value = -magnitude if negative else magnitude
    detail = format_angka_ringkas(value) if code == ANGKA_AMBIGU else ""
    return _finite(value, raw, code, detail)


def _read_marks(body: str) -> tuple[float | None, str | None, str]:
    """Digits with '.' and ',' (at least one digit) -> (value, code, detail); value None = fail."""
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        decimal = "." if body.rfind(".") > body.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        whole, _, frac = body.rpartition(decimal)
        if decimal in whole or not _GROUPED[thousands].fullmatch(whole):
            return None, None, _DETAIL_MARKS
        return float(whole.replace(thousands, "") + "." + frac), None, ""
    if commas:
        if commas == 1:
            # A single comma is always the decimal mark, even before exactly three digits:
            # '1,500' is 1.5 to an Indonesian reader. Only repeated groups ('1,234,567') are
            # unambiguous enough to be English thousands.
            return float(body.replace(",", ".")), None, ""
        if _GROUPED_MANY[","].fullmatch(body):
            return float(body.replace(",", "")), None, ""
        return None, None, _DETAIL_MARKS
    if dots == 1:
        if _GROUPED["."].fullmatch(body):
            # '1.500': Indonesian thousands (the house convention), but an English reader
            # means 1.5 -- use 1500 and ask the bidang to confirm.
            return float(body.replace(".", "")), ANGKA_AMBIGU, ""
        return float(body), None, ""
    if dots:
        if _GROUPED_MANY["."].fullmatch(body):
            return float(body.replace(".", "")), None, ""
        return None, None, _DETAIL_MARKS
    return float(body), None, ""


def _decimal(x: object) -> Decimal | None:
    """x as a Decimal of its shortest repr (so 2.675 rounds like Excel shows it), None if not finite."""
    if x is None:
        return None
    try:
        f = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(f):
        return None
    return Decimal(repr(f))


_SWAP_MARKS = str.maketrans(",.", ".,")


def _indonesian(d: Decimal, decimals: int) -> str:
    with localcontext() as ctx:
        # Half away from zero, like Excel's display, rather than Python's banker's rounding.
        ctx.rounding = ROUND_HALF_UP
        english = f"{abs(d):,.{decimals}f}"
    if d < 0 and any(ch in "123456789" for ch in english):
        english = "-" + english  # no '-0,00' for tiny negatives
    return english.translate(_SWAP_MARKS)


def format_angka(x: float | None, decimals: int = 2) -> str:
    """Show a number the Indonesian way: ``1234567.5`` -> ``'1.234.567,50'``.

    Thousands are separated by '.', decimals by ','; rounding is half away from zero.
    None, NaN and infinities show as ``'-'``. A value that rounds to zero never shows a minus.
    """
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    d = _decimal(x)
    if d is None:
        return "-"
    return _indonesian(d, decimals)


def format_angka_ringkas(x: float | None) -> str:
    """Like :func:`format_angka`, but without a zero tail: ``1500.0`` -> ``'1.500'``, ``87.5`` -> ``'87,5'``.

    Keeps up to 4 decimals. A non-zero value that would show as 0 at 4 decimals keeps 4
    significant digits instead (``0.0000123`` -> ``'0,0000123'``), so a message never says 0
    for something that is not.
    """
    d = _decimal(x)
    if d is None:
        return "-"
    decimals = 4
    if d != 0 and abs(d) < Decimal("0.00005"):
        decimals = -d.adjusted() + 3
    text = _indonesian(d, decimals)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text
