"""Quarters: ``2025-TW2`` and friends (domain §3).

Layer: foundation (../shared/docs/architecture.md); it may import nothing of the package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^\s*(\d{4})\s*[-_ ]?\s*TW\s*[-_ ]?\s*([1-4]|I{1,3}|IV)\s*$", re.IGNORECASE)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True, order=True)
class Periode:
    """One quarter of a year."""

    tahun: int
    tw: int

    def __str__(self) -> str:
        return f"{self.tahun}-TW{self.tw}"

    @property
    def label(self) -> str:
        """Human form used in workbooks: ``Triwulan II Tahun 2025``."""
        return f"Triwulan {ROMAN[self.tw]} Tahun {self.tahun}"

    @property
    def tw_romawi(self) -> str:
        return ROMAN[self.tw]

    def earlier(self) -> list[Periode]:
        """The quarters of the same year before this one."""
        return [Periode(self.tahun, t) for t in range(1, self.tw)]

    def up_to(self) -> list[Periode]:
        """TW1..TWn of the same year."""
        return [Periode(self.tahun, t) for t in range(1, self.tw + 1)]


def parse_periode(text: str) -> Periode:
    """Parse ``2025-TW2`` (also ``2025 TW II``, ``2025-tw2``); raise ValueError in Indonesian."""
    m = _PATTERN.match(str(text))
    if not m:
        raise ValueError(
            f"Periode '{text}' tidak dikenal. Tulis sebagai TAHUN-TWn, misalnya 2025-TW2 (TW1 sampai TW4)."
        )
    tw_raw = m.group(2).upper()
    tw = int(tw_raw) if tw_raw.isdigit() else _ROMAN[tw_raw]
    return Periode(int(m.group(1)), tw)


_BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
_HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def format_tanggal(date: object, *, hari: bool = False) -> str:
    """Indonesian long date: ``10 Juli 2025`` (``Kamis, 10 Juli 2025`` with hari=True)."""
    import datetime as dt

    if not isinstance(date, dt.date):
        return "-"
    text = f"{date.day} {_BULAN[date.month - 1]} {date.year}"
    return f"{_HARI[date.weekday()]}, {text}" if hari else text


def format_waktu(value: object) -> str:
    """Indonesian date and time people read: ``29-11-2026 15.42`` (from a datetime or ISO text); ``-`` when none."""
    import datetime as dt

    if isinstance(value, str):
        if not value.strip():
            return "-"
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        return f"{value:%d-%m-%Y %H.%M}"
    if isinstance(value, dt.date):
        return f"{value:%d-%m-%Y}"
    return "-"
