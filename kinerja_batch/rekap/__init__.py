"""The rekap workbook leaders open: ``outbox/rekap_<periode>.xlsx`` (domain §7, issue 5).

Sheets, in order: Ringkasan, Pengukuran Kinerja, Evaluasi Renja, Perlu Konfirmasi, Status
Pengumpulan, Galat Validasi, Info Proses (and the very hidden metadata sheet).

Every computed number (realisasi s.d. TW, both capaian, serapan, predikat, totals, averages and
counts) is a live Excel formula over the cells it comes from, written with its cached value
taken from :mod:`kinerja_batch.measure` (through ``PeriodData.measures``): an auditor clicks a cell
and sees how it was computed, readers that do not recalculate see the right number, and a
spreadsheet that recalculates finds the same number. The formulas mirror measure.py exactly:
a value that cannot be computed is an empty string, never 0 and never ``#DIV/0!``.

Written atomically (temp file + replace) in xlsxwriter's ``constant_memory`` mode (rows go to
disk as they are written, so 150,000 indicators fit in little memory). Text people typed is
always written with ``write_string`` (never a formula or a link, whatever it starts with) and
every xlsxwriter return code is checked, so nothing is truncated or dropped silently.

Layer: writers (../shared/docs/architecture.md); it may import model, intake, store, rules, foundation.
"""

from kinerja_batch.rekap.constants import *  # noqa: F403
from kinerja_batch.rekap.formulas import formula_shapes  # noqa: F401
from kinerja_batch.rekap.writer import write_rekap  # noqa: F401
