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
    assert list(m.bidang.columns) == ["kode_bidang", "nama_bidang", "penanggung_jawab", "nip", "email"]
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
