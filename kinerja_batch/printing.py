"""How every workbook prints: paper, orientation, a scale that keeps text readable (writers layer).

Body text is 9 pt or more and a sheet is never printed below :data:`MIN_SCALE` percent, so the smallest
text on paper is at least 7 pt (issue 12 §3). A table too wide for the page at that scale is split
across pages, left to right, with its key columns repeated on every page. Uses only xlsxwriter.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

MIN_FONT = 9  # points: the smallest font any printed cell, header or footer uses
MIN_SCALE = 80  # percent: 9 pt x 80% = 7.2 pt on paper

# xlsxwriter paper index and (long, short) side in millimetres. Index 14 is "Folio 8 1/2 x 13 in"
# (215.9 x 330.2 mm), which Excel and LibreOffice print as F4.
PAPERS = {"F4": (14, 330.2, 215.9), "A4": (9, 297.0, 210.0)}
PAPER_LABEL = {"F4": "F4/Folio (215 x 330 mm)", "A4": "A4 (210 x 297 mm)"}
_DEFAULT_COL_PX = 64
# The workbook's default font sets the unit of every column width. Calibri is missing on many Linux
# machines (LibreOffice then measures columns with a wider font, and pages overflow); Arial has the
# same 7-pixel digit and a metric-compatible free twin (Liberation Sans) nearly everywhere.
WORKBOOK_OPTIONS = {"default_format_properties": {"font_name": "Arial", "font_size": 10}}
MARGIN_SIDE = 0.4  # inches
MARGIN_TOP = 0.6


def _pixels(ws: Any, first: int, last: int) -> float:
    """Printed width of columns first..last in pixels (hidden columns take none)."""
    info = getattr(ws, "col_info", {})
    total = 0.0
    for c in range(first, last + 1):
        col = info.get(c)
        if col is None:
            total += _DEFAULT_COL_PX
        elif not col.hidden:
            total += col.width if col.width is not None else _DEFAULT_COL_PX
    return total


def printable_points(paper: str, landscape: bool) -> tuple[float, float]:
    """(width, height) of the printable area in points."""
    _, long_mm, short_mm = PAPERS.get(paper, PAPERS["F4"])
    w_mm, h_mm = (long_mm, short_mm) if landscape else (short_mm, long_mm)
    return w_mm / 25.4 * 72 - 2 * MARGIN_SIDE * 72, h_mm / 25.4 * 72 - 2 * MARGIN_TOP * 72


def page_setup(ws: Any, *, paper: str, landscape: bool, last_col: int, last_row: int,
               repeat_rows: tuple[int, int] | None = None, key_cols: tuple[int, int] | None = None,
               header: str = "", footer: str = "", extra_px: float = 0.0) -> int:
    """Paper, orientation, print area, titles and a readable scale; returns the scale (percent).

    The scale fits the print area's width when that needs no less than :data:`MIN_SCALE`; otherwise
    the sheet prints at MIN_SCALE over several pages across, ``key_cols`` repeated on each.
    ``extra_px`` is width beyond the columns (a chart reaching past them).
    """
    index, _, _ = PAPERS.get(paper, PAPERS["F4"])
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(index)
    ws.set_margins(left=MARGIN_SIDE, right=MARGIN_SIDE, top=MARGIN_TOP, bottom=MARGIN_TOP, )
    width_pt = (_pixels(ws, 0, last_col) + extra_px) * 0.75
    avail, _ = printable_points(paper, landscape)
    # LibreOffice lays out an Arial-10 column about 6% wider than Excel's pixel rule (measured: 50
    # characters = 281 pt, not 266); 8% to spare keeps the last column on the page in both
    scale = min(100, math.floor(avail * 0.92 / width_pt * 100)) if width_pt else 100
    if scale < MIN_SCALE:
        scale = MIN_SCALE
        ws.print_across()  # a band of rows with all its columns, then the next band
        if key_cols is not None:
            ws.repeat_columns(*key_cols)
    ws.set_print_scale(scale)
    if repeat_rows is not None:
        ws.repeat_rows(*repeat_rows)
    ws.print_area(0, 0, max(last_row, 0), last_col)
    if header:
        ws.set_header(header, {"margin": 0.25})
    if footer:
        ws.set_footer(footer, {"margin": 0.25})
    return scale


def esc(text: str) -> str:
    """Escape '&' for Excel header/footer codes."""
    return text.replace("&", "&&")


def header_text(left: str = "", center: str = "", right: str = "", *, mark: str = "") -> str:
    """A header/footer at :data:`MIN_FONT` pt; ``mark`` (DRAF/FINAL), bold red, takes the left part."""
    parts = []
    if mark:  # left, where a reader's eye starts, and never on top of the other texts
        parts.append('&L&"Arial,Bold"&11&KC00000' + esc(mark))
    elif left:
        parts.append(f"&L&{MIN_FONT}" + esc(left))
    if center:
        parts.append(f"&C&{MIN_FONT}" + esc(center))
    if right:
        parts.append(f"&R&{MIN_FONT}" + (right if "&P" in right else esc(right)))
    return "".join(parts)


def widths_fit(widths: Sequence[float]) -> float:
    """Pixels of column widths given in characters (xlsxwriter's rule for the default font)."""
    return sum(int(w * 7 + 5) if w >= 1 else int(w * 12 + 0.5) for w in widths)


def nip_spaced(nip: str) -> str:
    """An NIP as offices print it: ``197003121995031002`` -> ``19700312 199503 1 002`` (else as given)."""
    digits = "".join(str(nip).split())
    if len(digits) == 18 and digits.isdigit():
        return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
    return str(nip)
