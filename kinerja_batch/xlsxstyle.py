"""What every workbook we write shares: colours, the very hidden metadata sheet, header/footer text.

Writers layer, below every writer (kertas kerja, rekap, confirmation workbooks): writers share style through
this module, never by importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping

import xlsxwriter

from kinerja_batch import layout

WARNA_INPUT = "#FFF2CC"  # light yellow: fill in
WARNA_KOSONG = "#F8CBAD"  # salmon: input still empty
WARNA_TERKUNCI = "#F2F2F2"  # grey: locked
WARNA_RUMUS = "#DDEBF7"  # light blue: computed
WARNA_HEADER = "#1F4E78"
BAND_COLOURS = ("#63BE7B", "#C6E0B4", "#FFEB84", "#F4B183", "#F8696B")


def write_metadata(wb: xlsxwriter.Workbook, meta: Mapping[str, str], password: str = "") -> None:
    """The very hidden metadata sheet plus document custom properties (``kinerja_<key>``)."""
    ws = wb.add_worksheet(layout.SHEET_META)
    for i, (key, value) in enumerate(meta.items()):
        ws.write_string(i, 0, key)
        ws.write_string(i, 1, value)
        if key != "indikator":  # custom properties are limited to 255 characters
            wb.set_custom_property(f"kinerja_{key}", value[:255])
    ws.protect(password)
    ws.very_hidden()


def esc(text: str) -> str:
    """Escape '&' for Excel header/footer codes."""
    return text.replace("&", "&&")
