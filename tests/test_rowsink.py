"""The rekap's fast row writer (issue 11 §2): what it writes is what xlsxwriter writes, and the rekap whose
Pengukuran Kinerja rows come from a child process is the rekap written in one process."""

from __future__ import annotations

import dataclasses
import math
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from conftest import WS, drop, fill_kertas_kerja, run_batch, templates_for

from kinerja_batch import rekap
from kinerja_batch.config import init_workspace
from kinerja_batch.ledger import Ledger
from kinerja_batch.master import load_master
from kinerja_batch.model import period_data
from kinerja_batch.periode import parse_periode
from kinerja_batch.rekap import cells as rekap_cells
from kinerja_batch.rekap.cells import RowSink, fml_cells, fml_xml, num_cells, num_xml, txt_cells
from kinerja_batch.xlsxcheck import WriteError

# texts that need xlsxwriter's care: control characters, a literal _xHHHH_, white space at the ends,
# markup characters, a line break, non-ASCII
TEXTS = ["biasa", " spasi depan", "spasi belakang ", "a\x01b", "kode _x0041_ literal", "A & B <c> \"d\"",
         "dua\nbaris", "Rp 1.250.000 · capaian ≥ 90%", "\ttab"]


def _stored(text: str) -> str:
    """A text as the file stores it and openpyxl shows it: Excel's _xHHHH_ escapes are not undone by
    openpyxl (Excel and LibreOffice show the text itself)."""
    return text.replace("_x", "_x005F_x").replace("\x01", "_x0001_")


def _workbook(path: Path, use_sink: bool) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Data")
    ws._fmts = [wb.add_format({"text_wrap": True, "border": 1}), wb.add_format({"num_format": "#,##0.00"})]
    ws.write_string(0, 0, "Judul")
    ws.set_row(1, 30)
    ws.write_string(1, 0, "Kepala")
    first = 2
    if use_sink:  # as the rekap's sheets: a column of the block at a time, then whole rows
        sink = RowSink(ws, first)
        s0, s1 = sink.style(ws._fmts[0]), sink.style(ws._fmts[1])
        n = len(TEXTS)
        xs = [str(first + i + 1) for i in range(n)]
        columns = [txt_cells(ws, first, 0, xs, TEXTS, s0),
                   num_cells("B", xs, [0.1, 1e21, -3, 2.5e-7, 12_500_000, 1 / 3, 7, 0, 100], s1),
                   fml_cells("C", xs, [f'IF(ISNUMBER(B{x}),B{x}*2,"")' for x in xs], s1,
                             ["", 0.2, "teks", 5.0, 1, 2, 3, "A & B", ""]),
                   txt_cells(ws, first, 3, xs, [""] * n, s0),
                   txt_cells(ws, first, 4, xs, [""] * n, s0),
                   [num_xml("F", x, s1, float("nan")) if i % 2 else "" for i, x in enumerate(xs)]]
        for i, cells in enumerate(zip(*columns, strict=True)):
            r = first + i
            sink.whole_row(r, 12.0 * (i + 1) + 3.0, i % 3, "".join(cells), 5 if i % 2 else 4)
            if i == 3:
                sink.comment(r, 1, "Catatan nilai", {"author": "kinerja-batch"})
        sink.close()
    else:
        cached = iter(["", 0.2, "teks", 5.0, 1, 2, 3, "A & B", ""])
        for i, text in enumerate(TEXTS):
            r = first + i
            ws.set_row(r, 12.0 * (i + 1) + 3.0, None, {"level": i % 3} if i % 3 else None)
            ws.write_string(r, 0, text, ws._fmts[0])
            ws.write_number(r, 1, [0.1, 1e21, -3, 2.5e-7, 12_500_000, 1 / 3, 7, 0, 100][i], ws._fmts[1])
            ws.write_formula(r, 2, f'=IF(ISNUMBER(B{r + 1}),B{r + 1}*2,"")', ws._fmts[1], next(cached))
            ws.write_blank(r, 3, None, ws._fmts[0])
            if i % 2:
                ws.write_blank(r, 5, None, ws._fmts[1])
            ws.write_blank(r, 4, None, ws._fmts[0])
            if i == 3:
                ws.write_comment(r, 1, "Catatan nilai", {"author": "kinerja-batch"})
    ws.write_string(first + len(TEXTS) + 1, 0, "Kaki tabel")  # xlsxwriter writes on after the sink
    ws.outline_settings(True, False, True, False)
    wb.close()


def test_sink_writes_what_xlsxwriter_writes(tmp_path: Path) -> None:
    ours, theirs = tmp_path / "sink.xlsx", tmp_path / "xlsxwriter.xlsx"
    _workbook(ours, True)
    _workbook(theirs, False)
    with zipfile.ZipFile(ours) as a, zipfile.ZipFile(theirs) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        for name in a.namelist():
            if name.startswith("docProps/"):
                continue  # creation time
            assert a.read(name) == b.read(name), name  # byte for byte: sheet XML, comments, styles
    sheet = openpyxl.load_workbook(ours)["Data"]
    assert [sheet.cell(3 + i, 1).value for i in range(len(TEXTS))] == [_stored(t) for t in TEXTS]
    assert sheet.cell(6, 3).value == '=IF(ISNUMBER(B6),B6*2,"")'
    assert sheet.cell(6, 2).comment.text.endswith("Catatan nilai")
    assert sheet.row_dimensions[4].outlineLevel == 1 and sheet.row_dimensions[4].height == 27
    assert sheet.cell(len(TEXTS) + 4, 1).value == "Kaki tabel"


def test_sink_escapes_markup_that_xlsxwriter_would_pass_through(tmp_path: Path) -> None:
    """A text typed as ``<r><t>x</t></r>`` stays that text (xlsxwriter's constant-memory writer would put
    it into the XML as rich-text markup)."""
    path = tmp_path / "markup.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Data")
    fmt = wb.add_format({"bold": True})
    sink = RowSink(ws, 0)
    sink.whole_row(0, None, 0, txt_cells(ws, 0, 0, ["1"], ["<r><t>disisipkan</t></r>"], sink.style(fmt))[0], 0)
    sink.close()
    wb.close()
    assert openpyxl.load_workbook(path)["Data"]["A1"].value == "<r><t>disisipkan</t></r>"


def test_sink_refuses_what_xlsxwriter_refuses(tmp_path: Path) -> None:
    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {"constant_memory": True})
    ws = wb.add_worksheet("Data")
    fmt = wb.add_format({})
    sink = RowSink(ws, 1)
    s_ = sink.style(fmt)
    with pytest.raises(WriteError, match=r"Data!C2: teks lebih dari 32\.767 karakter"):
        txt_cells(ws, 1, 2, ["2"], ["x" * 32_768], s_)
    sink.whole_row(2, None, 0, txt_cells(ws, 2, 0, ["3"], ["baris 3"], s_)[0], 0)
    with pytest.raises(ValueError, match="in order"):
        sink.whole_row(1, None, 0, txt_cells(ws, 1, 0, ["2"], ["kembali ke baris 2"], s_)[0], 0)
    wb.close()


# ------------------------------------------------------------------------------------------------
# the rekap: rows from a child process == rows written here


@pytest.fixture(scope="module")
def period(tmp_path_factory: Any) -> Any:
    root = tmp_path_factory.mktemp("rowsink")
    ws = init_workspace(root / "ws")
    w = WS(ws, ws.settings(), load_master(ws.master_path))
    paths = templates_for(w, "2025-TW1")
    for i, (kode, path) in enumerate(sorted(paths.items())):
        kodes = w.master.indikator.loc[w.master.indikator["kode_bidang"] == kode, "kode_indikator"].tolist()
        real = {k: 10.0 + j + i for j, k in enumerate(kodes)}
        drop(ws, fill_kertas_kerja(path, root / f"{kode}.xlsx", real))
    report = run_batch(w)
    with Ledger.open(ws.ledger_path) as ledger:
        data = period_data(ledger, w.master, w.settings, parse_periode("2025-TW1"), run_id=report.run_id)
    # a value note (a cell comment) and texts that need escaping, on rows of the child's sheet
    kodes = data.measures["kode_indikator"].tolist()
    data.catatan = {kodes[0]: [(1, "SKALA_PERSEN_DIUBAH", "0,85 dibaca sebagai 85%")],
                    kodes[-1]: [(1, "ANGKA_AMBIGU", "1.500 dibaca sebagai 1500")]}
    measures = data.measures.copy()
    measures.loc[measures.index[:len(TEXTS)], "penghambat"] = TEXTS[:len(measures)]
    data = dataclasses.replace(data, measures=measures)
    return root, data


def _content(path: Path) -> dict[str, Any]:
    """Everything a reader sees of every sheet: values and formulas, number formats, fonts, fills,
    borders, alignment, row heights and outline levels, comments."""
    wb = openpyxl.load_workbook(path)
    out: dict[str, Any] = {}
    for sheet in wb.worksheets:
        cells = {}
        for row in sheet.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                cells[c.coordinate] = (c.value, c.number_format, c.font.b, c.font.color and c.font.color.rgb,
                                       c.fill.fgColor.rgb, c.border.left.style, c.alignment.wrap_text,
                                       c.alignment.indent, c.comment and c.comment.text)
        rows = {r: (d.height, d.outlineLevel, d.hidden) for r, d in sheet.row_dimensions.items()}
        out[sheet.title] = (cells, rows, sheet.freeze_panes, sheet.auto_filter.ref, sheet.print_title_rows)
    return out


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="no fork here: the rows are written in-process")
def test_rekap_rows_from_a_child_equal_rows_written_here(period: Any, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Pengukuran Kinerja's rows from one child, Evaluasi Renja's second half from another."""
    from kinerja_batch.rekap import evaluasi

    monkeypatch.setattr(evaluasi, "SPLIT_ROWS", 2)  # split even this small table
    root, data = period
    here = rekap.write_rekap(tmp_path / "sini.xlsx", data, parallel=False)
    child = rekap.write_rekap(tmp_path / "anak.xlsx", data, parallel=True)
    a, b = _content(here), _content(child)
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name
    pk = a["Pengukuran Kinerja"][0]
    notes = [v[-1] for v in pk.values() if v[-1]]
    assert any("0,85 dibaca sebagai 85%" in n for n in notes) and any("1500" in n for n in notes)
    texts = {v[0] for v in pk.values()}
    assert {_stored(t) for t in TEXTS} <= texts  # the child's escaping reads back as the texts
    assert not list(tmp_path.glob(".tmp_*"))  # the child's row files are gone


def test_rekap_child_that_fails_is_replaced_by_rows_written_here(period: Any, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root, data = period
    expected = _content(rekap.write_rekap(tmp_path / "sini.xlsx", data, parallel=False))

    def broken(*args: Any) -> None:
        raise OSError("disk penuh di anak")

    from kinerja_batch.rekap import evaluasi

    monkeypatch.setattr(evaluasi, "SPLIT_ROWS", 2)
    monkeypatch.setattr(rekap_cells, "_rows_child", broken)
    path = rekap.write_rekap(tmp_path / "anak_gagal.xlsx", data, parallel=True)
    assert _content(path) == expected
    assert not list(tmp_path.glob(".tmp_*"))


def test_rekap_error_in_rows_stops_the_child_and_names_the_cell(period: Any, tmp_path: Path) -> None:
    """A text too long for a cell: the Indonesian error names sheet and cell, whichever process met it,
    and no child or temporary file is left behind."""
    import multiprocessing

    root, data = period
    measures = data.measures.copy()
    measures.loc[measures.index[2], "penghambat"] = "x" * 40_000
    bad = dataclasses.replace(data, measures=measures)
    with pytest.raises(WriteError, match=r"Pengukuran Kinerja!\w+\d+: teks lebih dari 32\.767 karakter"):
        rekap.write_rekap(tmp_path / "rekap.xlsx", bad, parallel=True)
    assert not multiprocessing.active_children()
    assert not list(tmp_path.iterdir())


def test_rekap_numbers_unchanged_by_the_fast_writer(period: Any, tmp_path: Path) -> None:
    """Spot check against the period model: every Realisasi TW I on the sheet is the measured value."""
    root, data = period
    sheet = openpyxl.load_workbook(rekap.write_rekap(tmp_path / "r.xlsx", data))["Pengukuran Kinerja"]
    header = next(r for r in range(1, 12) if sheet.cell(r, 1).value == "Bidang")
    cols = {sheet.cell(header, c).value: c for c in range(1, sheet.max_column + 1)}
    seen = {}
    for r in range(header + 1, sheet.max_row + 1):
        kode = sheet.cell(r, cols["Kode Indikator"]).value
        if kode:
            seen[kode] = sheet.cell(r, cols["Realisasi TW I"]).value
    expected = dict(zip(data.measures["kode_indikator"], data.measures["realisasi_tw1"], strict=True))
    assert seen.keys() == expected.keys()
    for kode, v in expected.items():
        assert (seen[kode] is None) if (v is None or (isinstance(v, float) and math.isnan(v))) else \
            math.isclose(seen[kode], v), kode
    assert re.fullmatch(r"[A-Z]+\d+", sheet.dimensions.split(":")[-1])


# ------------------------------------------------------------------------------------------------
# the rekap's zip: big sheets deflated piece by piece in threads


def _big_workbook(path: Path, rows: int) -> None:
    from kinerja_batch.rekap.writer import RekapWorkbook

    wb = RekapWorkbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Besar")
    for r in range(rows):
        ws.write_number(r, 0, r * 1.5)
        ws.write_string(r, 1, f"Indikator kinerja sintetis nomor {r} · Rp {r * 1000:,}")
    wb.close()


def test_big_sheet_is_deflated_in_pieces_into_a_valid_zip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kinerja_batch.rekap import writer

    pieces: list[int] = []
    real = writer._deflate_piece

    def counted(data: bytes, level: int) -> bytes:
        pieces.append(len(data))
        return real(data, level)

    monkeypatch.setattr(writer, "_deflate_piece", counted)
    monkeypatch.setattr(writer, "_CHUNK", 1 << 20)  # small pieces: several even for this sheet
    path = tmp_path / "besar.xlsx"
    _big_workbook(path, 60_000)
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None  # every member's CRC over what it inflates to
        info = z.getinfo("xl/worksheets/sheet1.xml")
        assert info.compress_type == zipfile.ZIP_DEFLATED and info.compress_size < info.file_size / 4
    assert len(pieces) >= 3 and sum(pieces) == info.file_size
    sheet = openpyxl.load_workbook(path, read_only=True)["Besar"]
    last = list(sheet.iter_rows(min_row=60_000, max_row=60_000, values_only=True))[0]
    assert last == (59_999 * 1.5, "Indikator kinerja sintetis nomor 59999 · Rp 59,999,000")


@pytest.mark.slow
def test_libreoffice_reads_a_sheet_deflated_in_pieces(tmp_path: Path, soffice: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from kinerja_batch.rekap import writer

    monkeypatch.setattr(writer, "_CHUNK", 1 << 20)
    path = tmp_path / "besar.xlsx"
    _big_workbook(path, 60_000)
    (csv,) = soffice([path], "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path / "csv")  # UTF-8
    lines = csv.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 60_000
    assert lines[-1].startswith("89998.5,") and "nomor 59999" in lines[-1]


def test_single_cell_builders_write_what_the_column_builders_write(tmp_path: Path) -> None:
    """Evaluasi Renja's money is built cell by cell (``num_xml``, ``fml_xml``), the rest a column at a time
    (``num_cells``, ``fml_cells``, which write what xlsxwriter writes, above): the same XML for every kind of
    value; a text too long for a cell is refused naming the cell."""
    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {"constant_memory": True})
    ws = wb.add_worksheet("Data")
    fmt = wb.add_format({"bold": True})
    numbers = [0.1, 1e21, -3, 2.5e-7, 12_500_000, 1 / 3, 7, 0, None, float("nan"), float("inf"), 5]
    cached = ["", 0.2, "teks & <b>", 5.0, 1, None, float("nan"), "Sangat Tinggi", "", 3, 4, 2.5]
    s = RowSink(ws, 0).style(fmt)
    xs = [str(r + 1) for r in range(len(numbers))]
    columns = num_cells("B", xs, numbers, s)
    assert [num_xml("B", x, s, v) for x, v in zip(xs, numbers, strict=True)] == columns
    assert columns[8:11] == [f'<c r="B{x}" s="{s}"/>' for x in xs[8:11]]  # nothing, NaN, infinity: a blank
    formulas = [f"IF(B{x}>0,B{x},\"\")" for x in xs]
    assert [fml_xml("D", x, s, f, v) for x, f, v in zip(xs, formulas, cached, strict=True)] == fml_cells(
        "D", xs, formulas, s, cached)
    with pytest.raises(WriteError, match=r"Data!C3: teks lebih dari 32\.767 karakter"):
        txt_cells(ws, 0, 2, xs[:3], ["a", "b", "x" * 32_768], s)
    wb.close()
