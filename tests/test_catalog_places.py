"""Every code of the findings catalog reaches a person (domain §6a; issue 10 §1): no code is only in the ledger.

:data:`PLACES` says, per code, where a person sees it; :data:`MADE_BY` says how this test makes it happen. The
test makes every code happen through the command line on one workspace and reads the places back: the rekap
(Perlu Konfirmasi, Galat Validasi, Catatan Nilai of Pengukuran Kinerja), the bidang's confirmation workbook,
``status`` (text and JSON), the run summary and the reason file beside a rejected file. A code that is in the
catalog but not in both tables fails the first test, by name: give it a place (and a way to make it) here.

Places:

- ``ringkasan``: the run summary (``kinerja-batch run``): a file's fate line, or "Perlu konfirmasi per kode".
- ``alasan``: the reason file beside a rejected file.
- ``perlu_konfirmasi``: a row of the rekap's Perlu Konfirmasi.
- ``lembar_konfirmasi``: a row of the bidang's confirmation workbook.
- ``status``: ``kinerja-batch status`` (its per-code line, and ``per_kode`` in ``--json``).
- ``galat_validasi``: a row of the rekap's Galat Validasi.
- ``catatan_nilai``: the note beside the value in Pengukuran Kinerja (column Catatan Nilai and a cell note).

The confirmable places (perlu_konfirmasi, lembar_konfirmasi, status) are also checked the other way: a code not
listed there must not show there (an info is not a question to the bidang, a rejected file is not answered).
"""

from __future__ import annotations

import io
import json
import string
from typing import Any

import openpyxl
import pytest
import test_hostile as H
from click.testing import CliRunner
from conftest import WS, read_sheet, templates_for

from kinerja_batch import findings as F
from kinerja_batch.cli import cli

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension")

BERKAS_GALAT = frozenset({"ringkasan", "alasan", "galat_validasi"})
SEL_GALAT = frozenset({"perlu_konfirmasi", "lembar_konfirmasi", "status", "ringkasan", "galat_validasi"})
PERTANYAAN = frozenset({"perlu_konfirmasi", "lembar_konfirmasi", "status", "ringkasan"})
CATATAN = frozenset({"catatan_nilai"})

PLACES: dict[str, frozenset[str]] = {
    # file level: the file is rejected (or archived) with its reason
    "BUKAN_EXCEL": BERKAS_GALAT, "TERENKRIPSI": BERKAS_GALAT, "RUSAK": BERKAS_GALAT, "TERLALU_BESAR": BERKAS_GALAT,
    "BUKAN_KERTAS_KERJA": BERKAS_GALAT, "BIDANG_TIDAK_DIKENAL": BERKAS_GALAT, "PERIODE_TIDAK_DIKENAL": BERKAS_GALAT,
    "BIDANG_TIDAK_COCOK": BERKAS_GALAT, "LEMBAR_GANDA": BERKAS_GALAT, "TIDAK_ADA_ISIAN": BERKAS_GALAT,
    "PERIODE_DITUTUP": BERKAS_GALAT, "TANDA_TANGAN_TIDAK_SAH": BERKAS_GALAT,
    "DUPLIKAT": frozenset({"ringkasan"}),
    # a file without a signature: its fate line (held in inbox/ditahan/, or accepted as a first submission;
    # Status Pengumpulan's Tanda Tangan and Keterangan say so too, see tests/test_tanda_tangan.py)
    "TANPA_TANDA_TANGAN": frozenset({"ringkasan"}),
    "ISI_TERKUNCI_DIUBAH": PERTANYAAN,
    # cell level
    "BUKAN_ANGKA": SEL_GALAT, "NILAI_NEGATIF": SEL_GALAT, "GALAT_EXCEL": SEL_GALAT, "RUMUS_TANPA_NILAI": SEL_GALAT,
    "KODE_TIDAK_DIKENAL": SEL_GALAT, "KODE_GANDA": SEL_GALAT, "BARIS_HILANG": SEL_GALAT,
    "TEKS_TERLALU_PANJANG": SEL_GALAT, "TANGGAPAN_TIDAK_VALID": SEL_GALAT,
    "TARGET_DIUBAH": PERTANYAAN, "ANGKA_AMBIGU": PERTANYAAN,
    "SKALA_PERSEN_DIUBAH": CATATAN,
    # temuan
    **dict.fromkeys((
        "CAPAIAN_TINGGI", "CAPAIAN_RENDAH", "TARGET_NOL", "PERSEN_LEBIH_100", "SKALA_PERSEN", "LONJAKAN",
        "ANGGARAN_LEBIH_PAGU", "SERAPAN_TANPA_KINERJA", "KINERJA_TANPA_SERAPAN", "PENJELASAN_KOSONG",
        "SALIN_TARGET", "SAMA_PERIODE_LALU", "TW_SEBELUMNYA_KOSONG"), PERTANYAAN),
}

# how each code is made: a case of tests/test_hostile.py (by id), the SEK kertas kerja below ("isian"), the temuan
# rules ("aturan": a rule's hit, added when the values do not trigger it), or the SEK answers of run 2 ("jawaban")
MADE_BY: dict[str, str] = {
    "BUKAN_EXCEL": "pdf", "TERENKRIPSI": "terenkripsi", "RUSAK": "zip_crc", "TERLALU_BESAR": "zip_entri",
    "BUKAN_KERTAS_KERJA": "bukan_kertas_kerja", "BIDANG_TIDAK_DIKENAL": "meta_bidang",
    "PERIODE_TIDAK_DIKENAL": "meta_periode", "BIDANG_TIDAK_COCOK": "bidang_tidak_cocok",
    "LEMBAR_GANDA": "lembar_salinan", "TIDAK_ADA_ISIAN": "tidak_ada_isian", "DUPLIKAT": "duplikat_pdf",
    "PERIODE_DITUTUP": "tw3_ditutup",
    "TANDA_TANGAN_TIDAK_SAH": "tt_tanda_tangan", "TANPA_TANDA_TANGAN": "meta_dihapus",
    "ISI_TERKUNCI_DIUBAH": "isi_terkunci_ikp",
    **dict.fromkeys(("BUKAN_ANGKA", "NILAI_NEGATIF", "GALAT_EXCEL", "RUMUS_TANPA_NILAI", "KODE_TIDAK_DIKENAL",
                     "KODE_GANDA", "BARIS_HILANG", "TEKS_TERLALU_PANJANG", "TARGET_DIUBAH", "ANGKA_AMBIGU",
                     "SKALA_PERSEN_DIUBAH"), "isian"),
    "TANGGAPAN_TIDAK_VALID": "jawaban",
    **{c.code: "aturan" for c in F.CATALOG.values() if c.scope == F.TEMUAN},
}
RUN2 = {"DUPLIKAT", "TANGGAPAN_TIDAK_VALID", "PERIODE_DITUTUP"}  # made by the second run
KNOWN_PLACES = {"ringkasan", "alasan", "perlu_konfirmasi", "lembar_konfirmasi", "status", "galat_validasi",
                "catatan_nilai"}
CONFIRMABLE_PLACES = {"perlu_konfirmasi", "lembar_konfirmasi", "status"}


def test_every_catalog_code_has_a_place_and_a_maker():
    no_place = sorted(set(F.CATALOG) - set(PLACES))
    assert not no_place, (f"kode tanpa tempat yang dilihat orang: {no_place}. Tambahkan ke PLACES (dan MADE_BY) di "
                          "tests/test_catalog_places.py: di mana kode ini muncul (rekap, lembar konfirmasi, status, "
                          "ringkasan run)?")
    no_maker = sorted(set(F.CATALOG) - set(MADE_BY))
    assert not no_maker, f"kode tanpa cara membuatnya di uji ini: {no_maker}; tambahkan ke MADE_BY"
    assert not sorted(set(PLACES) - set(F.CATALOG)), "PLACES menyebut kode yang tidak ada di katalog"
    for code, places in PLACES.items():
        assert places and places <= KNOWN_PLACES, (code, places)


# ------------------------------------------------------------------------------------------------
# making every code happen


def _isian(kit: H.Kit) -> bytes:
    """One SEK kertas kerja holding every cell-level code, each at its own cell."""
    def edit(s: H.Sheet) -> None:
        H._edit_duplicate_row(s)  # IKU-05 twice: KODE_GANDA
        s.ws.cell(s.after_last() + 1, s.cols["Kode Indikator"]).value = "IKU-99"  # KODE_TIDAK_DIKENAL
        s.ws.cell(s.after_last() + 1, s.cols[H.REAL]).value = 5
        H._delete_row(s)  # 2.16.01.2.01.0006-a: BARIS_HILANG
        H._target(s)  # T-01 Target Tahunan 5: TARGET_DIUBAH
        H._percent(s)  # 2.16.01 percent format: SKALA_PERSEN_DIUBAH

    data = kit.kk({"T-01": "1.500", H.PERSEN: 0.85, "2.16.01.2.01": "tiga", "2.16.01.2.01.0001-a": -5,
                   "2.16.01.2.05.0009-a": H.ExcelError("#DIV/0!"), H.RP: H.Formula("=SUM(1,2)"),
                   "2.16.01.2.08.0002-a": 4},
                  extra={H.PENDORONG: {"2.16.01.2.08.0002-a": "PANJANG"}}, edit=edit)
    part = H._sheet_part(data, H.KK_SHEET)
    return H._rezip(data, edit={part: lambda x: x.replace(b">PANJANG<", b">" + H.LONG_TEXT.encode() + b"<")})


def _rows_swapped(kit: H.Kit) -> bytes:
    """IKP's kertas kerja with two rows' locked code and targets swapped (ISI_TERKUNCI_DIUBAH)."""
    def edit(s: H.Sheet) -> None:
        a, b = list(s.rows)[:2]
        for header in ("Kode Indikator", "Target Tahunan", "Target s.d. TW"):
            ca, cb = s.cell(a, header), s.cell(b, header)
            ca.value, cb.value = cb.value, ca.value

    return kit.kk({"IKU-01": 80, "IKU-02": 4}, bidang="IKP", edit=edit)


def _not_a_kertas_kerja() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["Daftar hadir rapat"])
    wb.active.append(["Nama", "Jabatan"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _fields(template: str) -> dict[str, str]:
    return {name: "1" for _, name, _, _ in string.Formatter().parse(template) if name}


def _hits_for_every_rule(evaluate: Any) -> Any:
    """The real rules, plus a hit for each temuan code the values do not trigger (the routing is under test
    here, the rules in test_temuan.py)."""
    def wrapped(values: Any, master: Any, settings: Any, periode: Any, **kw: Any) -> list[F.Finding]:
        hits = list(evaluate(values, master, settings, periode, **kw))
        if str(periode) != "2025-TW1":
            return hits
        fired = {h.code for h in hits if h.bidang == "SEK"}
        for c in F.CATALOG.values():
            if c.scope == F.TEMUAN and c.code not in fired:
                fields = {k: v for k, v in _fields(c.template).items() if k not in ("file", "place", "value", "kode")}
                hits.append(F.make(c.code, bidang="SEK", periode="2025-TW1", kode_indikator="IKU-05", file="isian.xlsx",
                                   **fields, sidik=f"uji-{c.code}"))
        return hits

    return wrapped


def _snapshot(w: WS, summary: str) -> dict[str, str]:
    """What a person reads, per place, as one text each (code lists and messages)."""
    root = w.ws.root
    out = {"ringkasan": summary}
    rekaps = [root / f"outbox/rekap_2025-TW{tw}.xlsx" for tw in (1, 2, 3)]
    rekaps = [p for p in rekaps if p.exists()]
    out["perlu_konfirmasi"] = " ".join(str(r["Kode Temuan"]) for r in read_sheet(rekaps[0], "Perlu Konfirmasi")
                                       if r["Kode Temuan"] and r["Status"] == F.TERBUKA)
    out["galat_validasi"] = " ".join(str(r["Kode"]) for p in rekaps for r in read_sheet(p, "Galat Validasi"))
    pk = read_sheet(rekaps[0], "Pengukuran Kinerja")
    out["catatan_nilai"] = " ".join(str(r["Catatan Nilai"] or "") for r in pk)
    items = []
    for konf in sorted((root / "outbox/konfirmasi/2025-TW1").glob("konfirmasi_*_2025-TW1.xlsx")):
        sh = openpyxl.load_workbook(konf, read_only=True)["Konfirmasi"]
        items += [str(row[5]) for row in sh.iter_rows(values_only=True) if isinstance(row[0], int)]
    out["lembar_konfirmasi"] = " ".join(items)
    status = CliRunner().invoke(cli, ["-w", str(root), "status", "--periode", "2025-TW1"])
    data = json.loads(CliRunner().invoke(cli, ["-w", str(root), "status", "--periode", "2025-TW1", "--json"]).output)
    out["status"] = status.output + " " + " ".join(data["jumlah"]["per_kode"])
    assert set(data["jumlah"]["per_kode"]) == set(next(line for line in status.output.splitlines()
                                                       if line.startswith("Perlu konfirmasi per kode")
                                                       ).split(": ", 1)[1].replace("·", "").split()[::2])
    out["alasan"] = " ".join(p.read_text(encoding="utf-8") for p in sorted(w.ws.ditolak.glob("*.alasan.txt")))
    return out


def _seen(code: str, place: str, text: str) -> bool:
    if place == "catatan_nilai":
        return F.CATALOG[code].title in text
    if place == "alasan":  # the reason file is the message: its longest fixed part
        literal = max((lit for lit, *_ in string.Formatter().parse(F.CATALOG[code].template)), key=len)
        return literal.strip() in text
    return code in text.split() or f"{code}:" in text or f"{code} " in text


@pytest.fixture(scope="module")
def walked(tmp_path_factory: Any) -> dict[str, dict[str, str]]:
    from kinerja_batch import temuan
    from kinerja_batch.config import init_workspace
    from kinerja_batch.master import load_master

    mp = pytest.MonkeyPatch()
    mp.setattr(temuan, "evaluate", _hits_for_every_rule(temuan.evaluate))
    root = tmp_path_factory.mktemp("katalog")
    ws = init_workspace(root / "ws")
    w = WS(ws, ws.settings(), load_master(ws.master_path))
    templates_for(w, "2025-TW1", ["SEK", "IKP", "STATSAN"])
    kit = H.Kit(w, root)
    cases = {c.id: c for c in H.CASES}
    for code, maker in sorted(MADE_BY.items()):
        if code in RUN2 or maker in ("isian", "aturan"):
            continue
        if maker == "bukan_kertas_kerja":
            kit.put("daftar_hadir.xlsx", _not_a_kertas_kerja())
        elif maker == "isi_terkunci_ikp":
            kit.put("ikp_baris_tukar.xlsx", _rows_swapped(kit))
        else:
            cases[maker].build(kit, cases[maker].name)
    kit.put("isian.xlsx", _isian(kit))
    try:
        run1 = CliRunner().invoke(cli, ["-w", str(ws.root), "run"], catch_exceptions=False)
        first = _snapshot(w, run1.output)
        # run 2: an answer written in Penjelasan with Tanggapan empty; the PDF sent again
        konf = ws.root / "outbox/konfirmasi/2025-TW1/konfirmasi_SEK_2025-TW1.xlsx"
        wb = openpyxl.load_workbook(konf)
        sh = wb["Konfirmasi"]
        hr = next(r for r in range(1, 40) if sh.cell(r, 1).value == "ID Temuan")
        cols = {c.value: c.column for c in sh[hr] if c.value}
        row = next(r for r in range(hr + 1, sh.max_row + 1) if sh.cell(r, cols["Kode Temuan"]).value == "ANGKA_AMBIGU")
        sh.cell(row, cols["Penjelasan"]).value = "Benar, seribu lima ratus"
        buf = io.BytesIO()
        wb.save(buf)
        kit.put("konfirmasi_SEK_2025-TW1.xlsx", buf.getvalue())
        kit.put("kirim_ulang.pdf", H.PDF)
        # a kertas kerja of a period that was closed in between
        templates_for(w, "2025-TW3", ["SEK"])
        closed = CliRunner().invoke(cli, ["-w", str(ws.root), "tutup", "--periode", "2025-TW3", "--paksa"])
        assert closed.exit_code == 0, closed.output
        kit.put("sek_tw3.xlsx", kit.kk({"T-01": 3.0}, periode="2025-TW3"))
        run2 = CliRunner().invoke(cli, ["-w", str(ws.root), "run"], catch_exceptions=False)
        second = _snapshot(w, run2.output)
    finally:
        mp.undo()
    return {"run1": first, "run2": second}


@pytest.mark.parametrize("code", sorted(PLACES))
def test_code_is_where_a_person_sees_it(walked: dict[str, dict[str, str]], code: str) -> None:
    seen = walked["run2" if code in RUN2 else "run1"]
    missing = [p for p in sorted(PLACES[code]) if not _seen(code, p, seen[p])]
    assert not missing, f"{code} tidak tampak di {missing}"
    wrongly = [p for p in sorted(CONFIRMABLE_PLACES - PLACES[code]) if _seen(code, p, seen[p])]
    assert not wrongly, f"{code} tampak di {wrongly}, padahal bukan pertanyaan untuk bidang"


def test_the_walk_reads_real_outputs(walked: dict[str, dict[str, str]]) -> None:
    """The snapshots are not empty: a broken reader cannot make every code 'missing nowhere'."""
    first = walked["run1"]
    assert "[ditolak] kertas_kerja_SEK.pdf" in first["ringkasan"]
    assert "[diterima] isian.xlsx" in first["ringkasan"]
    assert "Perlu konfirmasi per kode:" in first["status"]
    assert "[jawaban konfirmasi] konfirmasi_SEK_2025-TW1.xlsx" in walked["run2"]["ringkasan"]
