"""master_indikator.xlsx: reading, normalising and validating (domain §2)."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import pytest
from conftest import Fmt

from kinerja_batch.errors import MasterError
from kinerja_batch.master import AGREGASI, LEVELS, POLARITAS, canonical_word, load_master
from kinerja_batch.sample import write_sample_master


def errors_of(path: Path) -> list[str]:
    with pytest.raises(MasterError) as excinfo:
        load_master(path)
    return excinfo.value.details


# ---------------------------------------------------------------------------------------------
# good masters


def test_sample_master_loads(tmp_path):
    path = tmp_path / "master_indikator.xlsx"
    write_sample_master(path)
    m = load_master(path)

    assert len(m.bidang) >= 6 and len(m.indikator) >= 45
    assert list(m.bidang.columns) == ["kode_bidang", "nama_bidang", "penanggung_jawab", "nip", "email", "jabatan"]
    jabatan = dict(zip(m.bidang["kode_bidang"], m.bidang["jabatan"], strict=True))
    assert jabatan["SEK"] == "Sekretaris" and jabatan["IKP"].startswith("Kepala ")
    assert m.bidang["nip"].str.fullmatch(r"\d{18}").all()
    assert m.bidang["email"].str.endswith("@sukamajukab.go.id").all()
    assert all(len(m.indikator_of(k)) >= 5 for k in m.bidang_codes())
    assert set(m.indikator["polaritas"]) == set(POLARITAS)
    assert set(m.indikator["agregasi"]) == set(AGREGASI)
    assert set(m.indikator["level"]) == set(LEVELS)
    assert m.peringatan == ()

    ind = m.indikator
    no_tw = ind["target_tw1"].isna()
    assert 0.10 <= no_tw.mean() <= 0.20
    assert (ind["target_tahunan"] == 0).sum() >= 1
    with_tw = ind[~no_tw]
    assert (with_tw["target_tw4"] == with_tw["target_tahunan"]).all()
    kumulatif = with_tw[with_tw["agregasi"] == "Kumulatif"]
    tws = kumulatif[["target_tw1", "target_tw2", "target_tw3", "target_tw4"]]
    assert (tws.diff(axis=1).iloc[:, 1:] >= 0).all().all()
    upper = ind["level"].isin(["Tujuan", "Sasaran"])
    assert ind.loc[upper, "pagu"].isna().all()
    assert ind.loc[~upper, "pagu"].between(50_000_000, 2_500_000_000).all()
    by_code = m.indikator_by_code()
    assert by_code["007-STAT"]["kode_bidang"] == "STATSAN"
    assert "0701" in by_code


def test_default_master_shape(make_master):
    path = make_master()
    m = load_master(path)

    assert m.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert m.path == path
    assert m.bidang_codes() == ["SEK", "IKP"]
    assert m.bidang_info("IKP")["nama_bidang"] == "Bidang IKP"
    assert m.indikator["excel_row"].tolist() == [2, 3, 4]
    assert m.indikator["kode_indikator"].tolist() == ["IKU-01", "IKU-02", "IKU-03"]
    assert list(m.indikator.index) == [0, 1, 2]
    assert math.isnan(m.indikator.at[0, "pagu"]) and m.indikator.at[1, "pagu"] == 150_000_000
    ikp = m.indikator_of("IKP")
    assert ikp["kode_indikator"].tolist() == ["IKU-02", "IKU-03"] and list(ikp.index) == [0, 1]
    with pytest.raises(KeyError):
        m.bidang_info("XYZ")


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("polaritas", "positif", "Positif"),
        ("polaritas", " NEGATIF ", "Negatif"),
        ("polaritas", "Naik", None),
        ("agregasi", "POSISI AKHIR", "Posisi Akhir"),
        ("agregasi", "posisi-akhir", "Posisi Akhir"),
        ("agregasi", "Non Kumulatif", "Posisi Akhir"),
        ("agregasi", "Non-Kumulatif", "Posisi Akhir"),
        ("agregasi", "Komulatif", "Kumulatif"),
        ("agregasi", "Rata-Rata", "Rata-rata"),
        ("agregasi", "Rata Rata", "Rata-rata"),
        ("agregasi", "rata2", "Rata-rata"),
        ("Level", "Sub kegiatan", "Sub Kegiatan"),
        ("level", "Subkegiatan", "Sub Kegiatan"),
        ("level", "\u00a0program\u00a0", "Program"),
        ("level", "", None),
        ("level", None, None),
    ],
)
def test_canonical_word(kind, text, expected):
    assert canonical_word(kind, text) == expected


def test_variants_normalise_in_master(make_master):
    path = make_master(indikator=[
        {"polaritas": " NEGATIF ", "agregasi": "Non-Kumulatif", "level": "Subkegiatan"},
        {"polaritas": "positif", "agregasi": "Komulatif", "level": "sub kegiatan"},
        {"agregasi": "rata2", "level": "PROGRAM"},
    ])
    ind = load_master(path).indikator
    assert list(zip(ind["polaritas"], ind["agregasi"], ind["level"], strict=True)) == [
        ("Negatif", "Posisi Akhir", "Sub Kegiatan"),
        ("Positif", "Kumulatif", "Sub Kegiatan"),
        ("Positif", "Rata-rata", "Program"),
    ]


def test_extra_columns_header_variants_and_title_rows(make_master):
    path = make_master(
        indikator=[{"Catatan": "usulan baru"}, {"Catatan": None}],
        bidang=[{"kode_bidang": "SEK", "Telepon": "0271-123"}],
        rename_headers={
            "Kode Indikator": "  kode   INDIKATOR ",
            "Target TW1": "Target TW 1",
            "Polaritas": "Polaritas\n",
        },
        title_rows=("MASTER INDIKATOR KINERJA", "Tahun 2025"),
    )
    m = load_master(path)
    assert m.indikator["kode_indikator"].tolist() == ["IKU-01", "IKU-02"]
    assert m.indikator["excel_row"].tolist() == [4, 5]
    assert m.indikator["target_tw1"].tolist() == [60, 60]
    assert "Catatan" not in m.indikator.columns


def test_codes_stay_text(make_master):
    path = make_master(
        bidang=[{"kode_bidang": Fmt(7, "00")}, {"kode_bidang": "SEK"}],
        indikator=[
            {"kode_indikator": Fmt(7, "000"), "kode_bidang": "07"},
            {"kode_indikator": Fmt(701, "0000")},
            {"kode_indikator": "007-STAT"},
            {"kode_indikator": 12},
            {"kode_indikator": "\u00a0IKU-01\u200b "},
        ],
    )
    m = load_master(path)
    assert m.bidang_codes() == ["07", "SEK"]
    assert m.indikator["kode_indikator"].tolist() == ["007", "0701", "007-STAT", "12", "IKU-01"]
    assert m.indikator_of("07")["kode_indikator"].tolist() == ["007"]


def test_numbers_typed_as_text_and_percent_format(make_master):
    path = make_master(indikator=[
        {"satuan": "Rp", "target_tahunan": "1.500.000", "pagu": "Rp 2.000.000", "target_tw1": "75,5"},
        {"satuan": "%", "target_tahunan": Fmt(0.85, "0%"), "target_tw4": Fmt(0.85, "0.0%"),
         "target_tw3": "80%"},
        {"satuan": "Indeks", "target_tahunan": Fmt(0.85, "0%"), "target_tw1": "-", "target_tw2": "1.500"},
    ])
    m = load_master(path)
    ind = m.indikator
    assert ind.loc[0, ["target_tahunan", "pagu", "target_tw1"]].tolist() == [1_500_000, 2_000_000, 75.5]
    assert ind.loc[1, ["target_tahunan", "target_tw3", "target_tw4"]].tolist() == [85, 80, 85]
    # percent scaling only where the unit is %; '-' means not filled; '1.500' is read as thousands
    assert ind.at[2, "target_tahunan"] == 0.85
    assert math.isnan(ind.at[2, "target_tw1"]) and ind.at[2, "target_tw2"] == 1500
    assert m.peringatan == (
        'Indikator baris 4, kolom "Target TW2": "1.500" dibaca sebagai 1.500 (titik sebagai pemisah ribuan); '
        "bila maksudnya pecahan desimal, tulis dengan koma, misalnya 1,5.",
    )


def test_target_zero_and_empty_rows(make_master):
    zero = {"polaritas": "Negatif", "target_tahunan": 0, "target_tw4": 0}
    path = make_master(indikator=[{}, None, None, zero])
    ind = load_master(path).indikator
    assert ind["excel_row"].tolist() == [2, 5]
    assert ind.at[1, "target_tahunan"] == 0


# ---------------------------------------------------------------------------------------------
# one error per rule: sheet, Excel row, column and the fix


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"polaritas": "Naik"},
         'Indikator baris 3, kolom "Polaritas": nilai "Naik" tidak dikenal; isi "Positif" atau "Negatif".'),
        ({"agregasi": "Bulanan"},
         'Indikator baris 3, kolom "Agregasi": nilai "Bulanan" tidak dikenal; '
         'isi "Kumulatif", "Posisi Akhir" atau "Rata-rata".'),
        ({"level": "Misi"},
         'Indikator baris 3, kolom "Level": nilai "Misi" tidak dikenal; isi salah satu dari "Tujuan", '
         '"Sasaran", "Program", "Kegiatan" atau "Sub Kegiatan".'),
        ({"target_tahunan": "tujuh"},
         'Indikator baris 3, kolom "Target Tahunan": "tujuh" bukan angka; isi dengan angka >= 0.'),
        ({"kode_bidang": "XYZ"},
         'Indikator baris 3, kolom "Kode Bidang": bidang "XYZ" tidak ada di lembar Bidang; '
         "tambahkan bidangnya atau perbaiki kodenya."),
        ({"satuan": None}, 'Indikator baris 3, kolom "Satuan": kosong; wajib diisi.'),
        ({"kode_indikator": "  "}, 'Indikator baris 3, kolom "Kode Indikator": kosong; wajib diisi.'),
        ({"target_tahunan": None},
         'Indikator baris 3, kolom "Target Tahunan": kosong; wajib diisi dengan angka >= 0.'),
        ({"pagu": -5_000_000},
         'Indikator baris 3, kolom "Pagu Anggaran (Rp)": nilai -5.000.000 negatif; isi dengan angka >= 0.'),
        ({"target_tw2": "-3"},
         'Indikator baris 3, kolom "Target TW2": nilai -3 negatif; isi dengan angka >= 0.'),
        ({"target_tw1": "#DIV/0!"},
         'Indikator baris 3, kolom "Target TW1": berisi galat Excel #DIV/0!; '
         "perbaiki rumusnya atau ketik angkanya langsung."),
        ({"target_tw1": "=A1*2"},
         'Indikator baris 3, kolom "Target TW1": berisi rumus yang belum punya hasil tersimpan; '
         "buka berkas di Excel atau LibreOffice agar rumus dihitung lalu simpan, atau ketik angkanya."),
    ],
)
def test_each_rule_names_row_and_column(make_master, override, expected):
    path = make_master(indikator=[{}, override])
    assert errors_of(path) == [expected]


def test_duplicate_codes(make_master):
    path = make_master(
        bidang=[{"kode_bidang": "SEK"}, {"kode_bidang": "IKP"}, {"kode_bidang": "SEK"}],
        indikator=[{}, {}, {"kode_indikator": "IKU-01"}, {"kode_indikator": "IKU-01"}],
    )
    assert errors_of(path) == [
        'Bidang baris 2 dan 4, kolom "Kode Bidang": kode "SEK" ganda; setiap kode harus unik.',
        'Indikator baris 2, 4 dan 5, kolom "Kode Indikator": kode "IKU-01" ganda; setiap kode harus unik.',
    ]


def test_all_errors_reported_at_once_sorted(make_master):
    path = make_master(
        bidang=[{"kode_bidang": "SEK", "nama_bidang": None}, {"kode_bidang": "IKP"}],
        indikator=[{}, {"polaritas": "Naik", "target_tahunan": "tujuh"}, {}, {"kode_bidang": "XYZ"}],
    )
    with pytest.raises(MasterError) as excinfo:
        load_master(path)
    err = excinfo.value
    assert err.message == "master_indikator.xlsx tidak dapat dipakai: 4 galat. Perbaiki lalu jalankan lagi."
    assert [line.split(":")[0] for line in err.details] == [
        'Bidang baris 2, kolom "Nama Bidang"',
        'Indikator baris 3, kolom "Polaritas"',
        'Indikator baris 3, kolom "Target Tahunan"',
        'Indikator baris 5, kolom "Kode Bidang"',
    ]
    assert "  - Indikator baris 5" in str(err)


def test_missing_sheet(make_master):
    path = make_master(sheets=("Bidang",))
    assert errors_of(path) == [
        'Lembar "Indikator" tidak ditemukan di master_indikator.xlsx; tambahkan lembar bernama "Indikator" '
        'dengan kolom "Kode Indikator", "Kode Bidang", "Level", "Uraian", "Indikator Kinerja", "Satuan", '
        '"Polaritas", "Agregasi", "Target Tahunan", "Target TW1", "Target TW2", "Target TW3", "Target TW4", '
        '"Pagu Anggaran (Rp)", "Definisi Operasional" dan "Sumber Data".'
    ]


def test_missing_bidang_sheet_skips_bidang_check(make_master):
    path = make_master(sheets=("Indikator",), indikator=[{"kode_bidang": "XYZ"}])
    assert [e.split(";")[0] for e in errors_of(path)] == [
        'Lembar "Bidang" tidak ditemukan di master_indikator.xlsx'
    ]


def test_missing_header(make_master):
    path = make_master(drop_headers=("Satuan",))
    assert errors_of(path) == [
        'Lembar "Indikator": kolom "Satuan" tidak ditemukan di baris judul (baris 1); '
        'tambahkan kolom itu dengan judul persis "Satuan".'
    ]


def test_no_header_row_at_all(make_master):
    path = make_master(rename_headers={h: f"Kolom {i}" for i, h in enumerate(
        ["Kode Bidang", "Nama Bidang", "Penanggung Jawab", "NIP", "Email"])}, sheets=("Bidang", "Indikator"))
    errors = errors_of(path)
    assert errors[0].startswith('Lembar "Bidang": baris judul tidak ditemukan;')
    # Indikator still has its own 'Kode Bidang' renamed, so only that column is reported there
    assert errors[1:] == [
        'Lembar "Indikator": kolom "Kode Bidang" tidak ditemukan di baris judul (baris 1); '
        'tambahkan kolom itu dengan judul persis "Kode Bidang".'
    ]


def test_zero_indicators(make_master):
    path = make_master(indikator=[])
    assert errors_of(path) == [
        'Lembar "Indikator" belum berisi indikator; isi minimal satu baris di bawah baris judul.'
    ]


def test_missing_file(tmp_path):
    with pytest.raises(MasterError, match="master_indikator.xlsx tidak ditemukan di"):
        load_master(tmp_path / "master_indikator.xlsx")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "kosong"),
        (b"Kode Indikator;Kode Bidang\nIKU-01;SEK\n", "bukan buku kerja Excel (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Excel lama (.xls) atau dilindungi kata sandi"),
        (b"PK\x03\x04 truncated", "bukan buku kerja Excel"),
    ],
)
def test_not_an_xlsx(tmp_path, content, fragment):
    path = tmp_path / "master_indikator.xlsx"
    path.write_bytes(content)
    with pytest.raises(MasterError) as excinfo:
        load_master(path)
    assert fragment in excinfo.value.message and excinfo.value.message.startswith("master_indikator.xlsx")


def test_nip_typed_as_number_warns(make_master):
    path = make_master(bidang=[{"kode_bidang": "SEK", "nip": 197805142003122005}, {"kode_bidang": "IKP"}])
    m = load_master(path)
    assert [w.split(":")[0] for w in m.peringatan] == ['Bidang baris 2, kolom "NIP"']


# ---------------------------------------------------------------------------------------------
# the fast reader and its fallback


def _rewrite_sheets(src: Path, dest: Path, change) -> Path:
    """A copy of an xlsx with every worksheet's XML passed through ``change``."""
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = change(data)
            zout.writestr(item, data)
    return dest


def test_writer_without_cell_references_reads_the_same(make_master, tmp_path, monkeypatch):
    """A writer that leaves out cell references (allowed when no cell is skipped) is read with openpyxl."""
    import re

    from kinerja_batch import master as master_module

    path = make_master(
        bidang=[{"kode_bidang": Fmt(7, "00")}, {"kode_bidang": "SEK"}],
        indikator=[  # every cell filled: without references, cells are placed by their order
            {"kode_indikator": Fmt(7, "000"), "kode_bidang": "07", "target_tahunan": Fmt(0.85, "0%"), "pagu": 1},
            {"target_tw1": "#DIV/0!", "target_tw2": "=A1*2", "uraian": "#N/A", "pagu": 1},
            None,
            {"kode_indikator": "\u200bIKU-09\u00a0", "target_tw3": "1.500", "pagu": 1},
        ],
    )
    bare = _rewrite_sheets(path, tmp_path / "tanpa_ref.xlsx", lambda d: re.sub(rb'<c r="[A-Z]+\d+"', b"<c", d))
    slow = []
    real = master_module._read_openpyxl
    monkeypatch.setattr(master_module, "_read_openpyxl", lambda *a: slow.append(1) or real(*a))
    assert errors_of(path) == errors_of(bare)
    assert slow == [1]  # only the file without references took the slow road
    assert errors_of(path) == [
        'Indikator baris 3, kolom "Uraian": berisi galat Excel #N/A; perbaiki rumusnya atau ketik isinya langsung.',
        'Indikator baris 3, kolom "Target TW1": berisi galat Excel #DIV/0!; perbaiki rumusnya atau ketik angkanya '
        "langsung.",
        'Indikator baris 3, kolom "Target TW2": berisi rumus yang belum punya hasil tersimpan; buka berkas di Excel '
        "atau LibreOffice agar rumus dihitung lalu simpan, atau ketik angkanya.",
    ]


def test_formula_cells_after_the_last_value_are_seen(tmp_path):
    """calamine's grid ends at the last value; a never-calculated formula below it still counts."""
    import xlsxwriter
    from conftest import MASTER_BIDANG_HEADERS, MASTER_INDIKATOR_HEADERS

    path = tmp_path / "master_indikator.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    b = wb.add_worksheet("Bidang")
    b.write_row(0, 0, list(MASTER_BIDANG_HEADERS.values()))
    b.write_row(1, 0, ["SEK", "Sekretariat", "", "", ""])
    s = wb.add_worksheet("Indikator")
    s.write_row(0, 0, list(MASTER_INDIKATOR_HEADERS.values()))
    s.write_row(1, 0, ["IKU-01", "SEK", "Sasaran", "u", "i", "%", "Positif", "Kumulatif", 90])
    s.write_formula(1, 9, "=I2/4", None, 22.5)  # a cached result is used
    s.write_formula(5, 13, "=1+1", None, "")  # below everything, no cached result
    wb.close()
    errors = errors_of(path)
    assert errors[-1] == (
        'Indikator baris 6, kolom "Pagu Anggaran (Rp)": berisi rumus yang belum punya hasil tersimpan; buka berkas '
        "di Excel atau LibreOffice agar rumus dihitung lalu simpan, atau ketik angkanya."
    )
    assert all(e.startswith("Indikator baris 6,") for e in errors)


# ---------------------------------------------------------------------------------------------
# the cache


def _assert_same_master(a, b) -> None:
    import pandas as pd

    pd.testing.assert_frame_equal(a.bidang, b.bidang)
    pd.testing.assert_frame_equal(a.indikator, b.indikator)
    assert a.peringatan == b.peringatan and a.sha256 == b.sha256 and a.path == b.path


def test_cache_round_trip_keeps_values_and_dtypes(make_master, tmp_path, monkeypatch):
    from kinerja_batch import master as master_module

    path = make_master(indikator=[
        {"kode_indikator": Fmt(7, "000"), "target_tw2": "1.500", "pagu": 1_250_000.5},
        {"kode_bidang": "IKP", "target_tw1": None, "pagu": None, "sumber_data": None},
    ])
    state = tmp_path / ".kinerja"
    first = load_master(path, cache_dir=state)
    assert (state / master_module.CACHE_NAME).is_file()
    _assert_same_master(first, load_master(path))

    def not_again(*args, **kwargs):
        raise AssertionError("the workbook was read again")

    monkeypatch.setattr(master_module, "_read_workbook", not_again)
    cached = load_master(path, cache_dir=state)
    _assert_same_master(cached, first)
    ind = cached.indikator
    assert ind["kode_indikator"].tolist()[0] == "007" and ind["kode_indikator"].dtype == first.indikator[
        "kode_indikator"].dtype
    assert ind["excel_row"].dtype == "int64" and ind["target_tahunan"].dtype == "float64"
    assert math.isnan(ind.at[1, "target_tw1"]) and ind.at[0, "pagu"] == 1_250_000.5
    assert ind.at[1, "sumber_data"] == ""
    assert cached.peringatan and "1.500" in cached.peringatan[0]
    assert cached.indikator_by_code()["007"]["kode_bidang"] == "SEK"


def test_cache_follows_the_file_and_the_version(make_master, tmp_path, monkeypatch):
    import json

    from kinerja_batch import master as master_module

    state = tmp_path / ".kinerja"
    path = make_master()
    load_master(path, cache_dir=state)
    # another master in the same place: read, and the cache now holds the new one
    make_master(indikator=[{}, {"kode_indikator": "IKU-09"}])
    assert load_master(path, cache_dir=state).indikator["kode_indikator"].tolist() == ["IKU-01", "IKU-09"]
    stored = json.loads((state / master_module.CACHE_NAME).read_text(encoding="utf-8"))
    assert stored["kunci"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert stored["indikator"]["pagu"] == [None, None]  # plain JSON: NaN is null

    reads = []
    real = master_module._read_workbook
    monkeypatch.setattr(master_module, "_read_workbook", lambda *a: reads.append(1) or real(*a))
    monkeypatch.setattr(master_module, "CACHE_FORMAT", "lain")
    load_master(path, cache_dir=state)
    assert reads == [1]


@pytest.mark.parametrize("content", ["{bukan json", "[]", '{"kunci": null}', ""])
def test_damaged_cache_is_ignored(make_master, tmp_path, content):
    from kinerja_batch import master as master_module

    state = tmp_path / ".kinerja"
    path = make_master()
    expected = load_master(path)
    state.mkdir()
    (state / master_module.CACHE_NAME).write_text(content, encoding="utf-8")
    _assert_same_master(load_master(path, cache_dir=state), expected)
    _assert_same_master(load_master(path, cache_dir=state), expected)  # rewritten, now a good cache


@pytest.mark.parametrize(("column", "value"), [
    ("kode_indikator", 7),  # a code comes back as text
    ("target_tahunan", True),  # a number is a number, not a checkbox
    ("target_tahunan", "90"),
    ("excel_row", 3.5),
    ("target_tw1", float("inf")),  # written as Infinity, which is not JSON
])
def test_cache_with_wrong_types_is_ignored(make_master, tmp_path, column, value):
    import json

    from kinerja_batch import master as master_module

    state = tmp_path / ".kinerja"
    path = make_master()
    expected = load_master(path, cache_dir=state)
    cache = state / master_module.CACHE_NAME
    stored = json.loads(cache.read_text(encoding="utf-8"))
    stored["indikator"][column][0] = value
    cache.write_text(json.dumps(stored), encoding="utf-8")
    _assert_same_master(load_master(path, cache_dir=state), expected)


def test_invalid_master_is_not_cached_and_unwritable_cache_is_no_error(make_master, tmp_path):
    from kinerja_batch import master as master_module

    state = tmp_path / ".kinerja"
    bad = make_master(indikator=[{"polaritas": "Naik"}])
    with pytest.raises(MasterError):
        load_master(bad, cache_dir=state)
    assert not (state / master_module.CACHE_NAME).exists()
    blocked = tmp_path / "berkas"
    blocked.write_text("bukan folder", encoding="utf-8")
    good = make_master(tmp_path / "lain" / "master_indikator.xlsx")
    assert load_master(good, cache_dir=blocked / "cache").bidang_codes() == ["SEK", "IKP"]


def test_indikator_of_is_the_rows_of_that_bidang(make_master):
    import pandas as pd

    m = load_master(make_master(indikator=[{"kode_bidang": "IKP"}, {}, {"kode_bidang": "IKP"}, {}]))
    for kode in ["SEK", "IKP", "XYZ"]:
        expected = m.indikator[m.indikator["kode_bidang"] == kode].reset_index(drop=True)
        pd.testing.assert_frame_equal(m.indikator_of(kode), expected)
    assert m.indikator_of("IKP")["excel_row"].tolist() == [2, 4] and m.indikator_of("XYZ").empty


def test_indicator_records_equal_pandas_records(workspace):
    """The per-indicator dicts the readers use are what ``to_dict("records")`` gives, value and type,
    for the sample master and for the real plan's hierarchy master."""
    import math

    from kinerja_batch.master import _records

    def same(a, b):
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return True
        return type(a) is type(b) and a == b

    for frame in (workspace.master.indikator, workspace.master.bidang):
        expected = frame.to_dict("records")
        got = _records(frame)
        assert len(got) == len(expected)
        for g, e in zip(got, expected, strict=True):
            assert g.keys() == e.keys()
            assert all(same(g[k], e[k]) for k in e), (g, e)
