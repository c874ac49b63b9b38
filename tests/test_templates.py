"""The kertas kerja: header contract, locking, validation, metadata, formulas, read back."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from conftest import fill_kertas_kerja, header_columns, templates_for

from kinerja_batch import layout
from kinerja_batch.ingest import read_workbook
from kinerja_batch.periode import parse_periode
from kinerja_batch.validate import identify, parse_kertas_kerja

REQUIRED = [
    "Kode Indikator", "Indikator Kinerja", "Satuan", "Polaritas", "Agregasi", "Target Tahunan", "Target s.d. TW",
    "Realisasi", "Realisasi Anggaran (Rp)", "Faktor Pendorong", "Faktor Penghambat", "Bukti Dukung", "Keterangan",
    "Realisasi s.d. TW", "Capaian (%)", "Uraian", "Pagu Anggaran (Rp)",
]
INPUTS = ["Realisasi", "Realisasi Anggaran (Rp)", "Faktor Pendorong", "Faktor Penghambat", "Bukti Dukung",
          "Keterangan"]


@pytest.fixture
def tw2(workspace):
    return workspace, templates_for(workspace, "2025-TW2")


def test_one_workbook_per_bidang_named_by_contract(tw2):
    w, paths = tw2
    assert sorted(paths) == sorted(w.master.bidang_codes())
    for kode, path in paths.items():
        assert path == w.ws.templates_dir / "2025-TW2" / f"kertas_kerja_{kode}_2025-TW2.xlsx"


def test_header_row_holds_the_contract_texts_once(tw2):
    _, paths = tw2
    wb = openpyxl.load_workbook(paths["IKP"])
    assert wb.sheetnames[:2] == ["Petunjuk", "Kertas Kerja"]
    ws = wb["Kertas Kerja"]
    row, cols = header_columns(ws)
    assert row == layout.HEADER_ROW
    assert [h for h in REQUIRED if h not in cols] == []
    # earlier quarters of the year are shown read-only in TW2
    assert "Realisasi TW I" in cols
    headers = [c.value for c in ws[row] if c.value]
    assert len(headers) == len(set(headers))


def test_rows_are_prefilled_from_the_master_in_order(tw2):
    w, paths = tw2
    ws = openpyxl.load_workbook(paths["STATSAN"])["Kertas Kerja"]
    row, cols = header_columns(ws)
    expected = w.master.indikator_of("STATSAN")
    got = [ws.cell(row + 1 + i, cols["Kode Indikator"]).value for i in range(len(expected))]
    assert got == list(expected["kode_indikator"])
    assert "007-STAT" in got  # codes stay text
    first = expected.iloc[0]
    tw2_target = first["target_tw2"] if first["target_tw2"] == first["target_tw2"] else first["target_tahunan"]
    assert ws.cell(row + 1, cols["Target s.d. TW"]).value == pytest.approx(tw2_target)
    assert ws.cell(row + 1, cols["Target Tahunan"]).value == pytest.approx(first["target_tahunan"])


def test_inputs_unlocked_everything_else_locked_and_protected(tw2):
    _, paths = tw2
    ws = openpyxl.load_workbook(paths["IKP"])["Kertas Kerja"]
    assert ws.protection.sheet
    row, cols = header_columns(ws)
    data_row = row + 1
    for header, c in cols.items():
        locked = ws.cell(data_row, c).protection.locked
        assert locked is (header not in INPUTS), header
    # title and header are locked too
    assert ws.cell(1, 1).protection.locked
    assert ws.cell(row, cols["Realisasi"]).protection.locked


def test_numeric_inputs_carry_indonesian_validation(tw2):
    _, paths = tw2
    ws = openpyxl.load_workbook(paths["IKP"])["Kertas Kerja"]
    row, cols = header_columns(ws)
    dvs = ws.data_validations.dataValidation
    by_col = {}
    for dv in dvs:
        for rng in dv.sqref.ranges:
            by_col[rng.min_col] = dv
    for header in ("Realisasi", "Realisasi Anggaran (Rp)"):
        dv = by_col[cols[header]]
        assert (dv.type, dv.operator, dv.formula1) == ("decimal", "greaterThanOrEqual", "0")
        assert "angka" in dv.prompt.lower() and "angka" in dv.error.lower()
        assert dv.showErrorMessage and dv.errorStyle in (None, "stop")


def test_metadata_sheet_very_hidden_with_identity_and_hash(tw2):
    w, paths = tw2
    wb = openpyxl.load_workbook(paths["APTIKA"])
    meta_ws = wb[layout.SHEET_META]
    assert meta_ws.sheet_state == "veryHidden"
    meta = {r[0]: r[1] for r in meta_ws.iter_rows(values_only=True)}
    assert meta["jenis"] == "kertas_kerja"
    assert meta["kode_bidang"] == "APTIKA"
    assert meta["periode"] == "2025-TW2"
    assert meta["schema_version"] == layout.SCHEMA_VERSION
    assert meta["indikator"].split("\n") == list(w.master.indikator_of("APTIKA")["kode_indikator"])
    assert len(meta["hash_terkunci"]) == 64 and len(meta["template_id"]) == 32
    # and the same identity in the document properties
    with zipfile.ZipFile(paths["APTIKA"]) as zf:
        custom = zf.read("docProps/custom.xml").decode()
    assert "kinerja_kode_bidang" in custom and "APTIKA" in custom and meta["template_id"] in custom


def test_formulas_carry_cached_values(workspace):
    """A reader that does not recalculate sees the right number (history from an earlier quarter)."""
    import pandas as pd

    from kinerja_batch.templates import write_templates

    ikp = workspace.master.indikator_of("IKP").set_index("kode_indikator")
    kum = next(k for k, r in ikp.iterrows() if r["agregasi"] == "Kumulatif" and r["target_tahunan"] > 0)
    history = pd.DataFrame({"kode_indikator": [kum], "tw": [1], "realisasi": [7.0], "anggaran": [1000.0]})
    info = write_templates(workspace.ws, workspace.master, workspace.settings, parse_periode("2025-TW2"), ["IKP"],
                           history=history)[0]
    ws = openpyxl.load_workbook(info.path, data_only=True)["Kertas Kerja"]
    row, cols = header_columns(ws)
    r = next(r for r in range(row + 1, ws.max_row + 1) if ws.cell(r, cols["Kode Indikator"]).value == kum)
    target = ikp.loc[kum, "target_tw2"]
    target = target if target == target else ikp.loc[kum, "target_tahunan"]
    assert ws.cell(r, cols["Realisasi TW I"]).value == 7
    assert ws.cell(r, cols["Realisasi s.d. TW"]).value == 7  # Kumulatif: sum of the quarters reported
    assert ws.cell(r, cols["Capaian (%)"]).value == pytest.approx(7 / target * 100)
    assert ws.cell(6, 1).value == f"Terisi 0 dari {len(ikp)} indikator"
    formulas = openpyxl.load_workbook(info.path)["Kertas Kerja"]
    assert str(formulas.cell(r, cols["Capaian (%)"]).value).startswith("=IF(")


def test_print_setup(tw2):
    _, paths = tw2
    ws = openpyxl.load_workbook(paths["IKP"])["Kertas Kerja"]
    assert ws.page_setup.orientation == "landscape"
    # readable: F4 at no less than 80%, printed in bands with No..Indikator Kinerja on every page
    assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.paperSize == 14 and ws.page_setup.scale >= 80
    assert ws.print_title_rows == f"${layout.HEADER_ROW}:${layout.HEADER_ROW}"
    assert ws.print_title_cols == "$A:$E"
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("Kepala Bidang") for t in texts)
    # NIP spaced as offices print it; the date line is left for the bidang (no year printed in advance)
    nip = tw2[0].master.bidang_info("IKP")["nip"]
    assert f"NIP. {nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}" in texts
    place = next(t for t in texts if t.startswith(tw2[0].settings.kantor.kota + ","))
    assert not any(ch.isdigit() for ch in place)


def test_filled_by_openpyxl_reads_back(tmp_path, tw2):
    w, paths = tw2
    codes = list(w.master.indikator_of("IKP")["kode_indikator"])
    values = {codes[0]: 80, codes[1]: "75,5", codes[2]: "1.234,5"}
    filled = fill_kertas_kerja(paths["IKP"], tmp_path / "isi.xlsx", values,
                               extra={"Faktor Penghambat": {codes[0]: "=cuaca buruk"},
                                      "Realisasi Anggaran (Rp)": {codes[0]: "Rp 1.500.000"}})
    raw = read_workbook(filled, "xlsx")
    ident = identify(raw, w.master, file="isi.xlsx", known_periods=[parse_periode("2025-TW2")])
    assert (ident.kode_bidang, str(ident.periode), ident.by_metadata) == ("IKP", "2025-TW2", True)
    parsed = parse_kertas_kerja(raw, ident, w.master, file="isi.xlsx")
    got = {r["kode_indikator"]: (r["realisasi"], r["anggaran"]) for r in parsed.rows}
    assert got[codes[0]] == (80, 1500000)
    assert got[codes[1]] == (75.5, None)
    assert got[codes[2]] == (1234.5, None)
    # openpyxl stores '=cuaca buruk' as a formula; what matters is that no finding blames an input wrongly
    assert [(f.code, f.cell) for f in parsed.findings if f.level == "galat"] == []


def test_unknown_bidang_is_refused(workspace):
    from kinerja_batch.errors import KinerjaError
    from kinerja_batch.templates import write_templates

    with pytest.raises(KinerjaError, match="XYZ"):
        write_templates(workspace.ws, workspace.master, workspace.settings, parse_periode("2025-TW1"), ["XYZ"])


def test_tw1_has_no_earlier_quarter_columns(workspace):
    paths = templates_for(workspace, "2025-TW1", ["SEK"])
    ws = openpyxl.load_workbook(paths["SEK"])["Kertas Kerja"]
    _, cols = header_columns(ws)
    assert not any(h.startswith("Realisasi TW") for h in cols)


# ------------------------------------------------------------------------------------------------
# the writer's shortcuts change nothing in the workbook


def _parts(path):
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


@pytest.mark.parametrize("periode", ["2025-TW1", "2025-TW3"])
def test_formula_shortcut_writes_the_same_bytes_as_xlsxwriter(workspace, tmp_path, monkeypatch, periode):
    """The row formulas are built from cut templates and skip xlsxwriter's function rewriting: every part
    of the file is byte for byte what the plain way writes."""
    import contextlib
    import datetime as dt
    import uuid

    import pandas as pd

    from kinerja_batch import templates

    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=7))
    p = parse_periode(periode)
    codes = workspace.master.indikator_of("STATSAN")["kode_indikator"]
    history = pd.DataFrame({"kode_indikator": list(codes) * 2, "tahun": 2025, "tw": [1] * len(codes) + [2] * len(codes),
                            "realisasi": [float(i) for i in range(2 * len(codes))], "anggaran": 1_000_000.0})
    prior = templates._history_by_code(history, p)
    now = dt.datetime(2025, 4, 1, 8, 0)

    def write(name):
        return templates.write_kertas_kerja(tmp_path / name, workspace.master, workspace.settings, "STATSAN", p,
                                            prior=prior, now=now).path

    fast = write("cepat.xlsx")
    monkeypatch.setattr(templates, "_formulas_as_written", lambda ws, *samples: contextlib.nullcontext())
    monkeypatch.setattr(templates._Writer, "_data_row", _plain_formulas(templates._Writer._data_row))
    plain = write("biasa.xlsx")
    assert _parts(fast) == _parts(plain)


def _plain_formulas(data_row):
    """_data_row with each row's formulas made whole by _sd_formula/_capaian_formula, as before the shortcut."""

    def plain_data_row(self, ws, r, no, row):
        write_formula = ws.write_formula
        made = {self.col[layout.H_REALISASI_SD]: self._sd_formula, self.col[layout.H_CAPAIAN]: self._capaian_formula}
        ws.write_formula = lambda row_, col, formula, *rest: write_formula(row_, col, made[col](row_), *rest)
        try:
            return data_row(self, ws, r, no, row)
        finally:
            del ws.write_formula

    return plain_data_row


def test_formula_template_cut_at_the_row():
    from kinerja_batch.templates import _cut_at_row

    def make(r):
        return f"=IF($K{r + 1}>0,$K{r + 1}/$J{r + 1}*100,\"\")"

    parts = _cut_at_row(make)
    assert [str(r + 1).join(parts) for r in (8, 150)] == [make(8), make(150)]
    assert _cut_at_row(lambda r: "=$A$1") == ["=$A$1"]
    with pytest.raises(AssertionError):
        _cut_at_row(lambda r: f"=A{2 * r}")  # only a formula that holds its row number can be cut
