"""Every workbook we write stops, instead of silently cutting a cell, when xlsxwriter refuses one."""

from __future__ import annotations

import pytest
import xlsxwriter

from kinerja_batch.xlsxcheck import WriteError, checked


def test_a_truncated_text_stops_with_the_cell_named(tmp_path):
    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    ws = wb.add_worksheet("Konfirmasi")
    ok = ws.write_string(9, 4, "pendek")
    checked(ok, "Lembar konfirmasi", ws, 9, 4)  # written whole: nothing happens
    result = ws.write_string(9, 6, "x" * 40_000)  # over Excel's 32,767 characters: xlsxwriter says -2
    with pytest.raises(WriteError) as exc:
        checked(result, "Lembar konfirmasi", ws, 9, 6)
    assert str(exc.value) == "Lembar konfirmasi tidak dapat ditulis di Konfirmasi!G10: teks lebih dari 32.767 karakter."
    wb.close()
