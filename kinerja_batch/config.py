"""kinerja.toml and the workspace folders.

Every setting has a default; a bad value is refused with its key, the value and what is allowed
(:class:`~kinerja_batch.errors.SettingsError`), all at once.

Layer: foundation (../shared/docs/architecture.md); it may import nothing of the package.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kinerja_batch.errors import SettingsError, WorkspaceError
from kinerja_batch.periode import Periode, parse_periode

CONFIG_NAME = "kinerja.toml"
MASTER_NAME = "master_indikator.xlsx"

PREDIKAT_NAMES = ("Sangat Tinggi", "Tinggi", "Sedang", "Rendah")
PREDIKAT_LOWEST = "Sangat Rendah"
PREDIKAT_NONE = "-"
NEGATIVE_RULES = ("2T-R", "T/R")


@dataclass(frozen=True)
class Kantor:
    nama: str = "Dinas Komunikasi dan Informatika"
    kepala_nama: str = ""
    kepala_nip: str = ""
    kepala_jabatan: str = "Kepala Dinas"
    kota: str = ""
    kepala_pangkat: str = ""
    pemerintah: str = ""  # first line of the kop: "Pemerintah Kabupaten Sukamaju"
    alamat: str = ""  # last line of the kop: street, telephone, e-mail


@dataclass(frozen=True)
class Pejabat:
    """An official in a signature or paraf block (domain §8)."""

    jabatan: str = ""
    nama: str = ""
    pangkat: str = ""
    nip: str = ""  # 18 digits, or empty


@dataclass(frozen=True)
class Surat:
    """The cover letter (surat pengantar) sent with the final rekap."""

    kepada: str = "Inspektur Kabupaten"
    di: str = "Tempat"
    lampiran: str = "1 (satu) berkas"
    sifat: str = "Biasa"


PAPERS = ("F4", "A4")


@dataclass(frozen=True)
class Email:
    """The planning office as the sender of e-mail drafts and the contact named on every kertas kerja."""

    pengirim: str = ""  # the office's own address; empty: drafts have no From, the mail program fills it
    nama_pengirim: str = "Subbag Perencanaan"
    kontak: str = ""  # telephone / WhatsApp of the planning office, for the Petunjuk sheet


# an e-mail address as the drafts accept it (one address, a domain with a dot)
EMAIL_RE = re.compile(r"^[^@\s<>()\[\]\\,;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")


@dataclass(frozen=True)
class Temuan:
    """Thresholds of the temuan rules (domain §6)."""

    capaian_tinggi: float = 120.0
    capaian_rendah: float = 50.0
    lonjakan_persen: float = 100.0
    lonjakan_kali_rata: float = 3.0
    lonjakan_z: float = 3.5
    lonjakan_min_riwayat: int = 4
    salin_target_persen: float = 80.0
    salin_target_min_baris: int = 5
    serapan_tanpa_kinerja: float = 50.0
    kinerja_tanpa_serapan: float = 100.0


@dataclass(frozen=True)
class Batas:
    """Limits for incoming files (zip bombs, runaway parsers)."""

    ukuran_berkas_mb: float = 20.0
    ukuran_terurai_mb: float = 200.0
    jumlah_entri_zip: int = 2000
    rasio_kompresi: float = 200.0
    baris_maks: int = 20000
    detik_maks: float = 60.0
    memori_mb: int = 1536


@dataclass(frozen=True)
class Renstra:
    """The Renstra period (domain §9): its first and last year; None when kinerja.toml names none."""

    tahun_awal: int | None = None
    tahun_akhir: int | None = None


@dataclass(frozen=True)
class Settings:
    """Everything read from kinerja.toml."""

    kantor: Kantor = field(default_factory=Kantor)
    tahun: int = 2025
    periode_aktif: Periode = Periode(2025, 1)
    batas_waktu: dict[str, dt.date] = field(default_factory=dict)
    aturan_negatif: str = "2T-R"
    # lower bounds (>=) in descending order: Sangat Tinggi, Tinggi, Sedang, Rendah
    predikat: tuple[float, float, float, float] = (91.0, 76.0, 66.0, 51.0)
    temuan: Temuan = field(default_factory=Temuan)
    tunggu_menit: float = 1.0
    batas: Batas = field(default_factory=Batas)
    kata_sandi: str = ""
    email: Email = field(default_factory=Email)
    sekretaris: Pejabat = field(default_factory=lambda: Pejabat(jabatan="Sekretaris"))
    kasubbag: Pejabat = field(default_factory=lambda: Pejabat(jabatan="Kepala Subbagian Perencanaan"))
    kertas: str = "F4"  # paper of every printed workbook: F4/Folio (215 x 330 mm) or A4
    surat: Surat = field(default_factory=Surat)
    renstra: Renstra = field(default_factory=Renstra)

    def deadline(self, periode: Periode) -> dt.date | None:
        """The batas waktu of a period, or None when kinerja.toml names none."""
        return self.batas_waktu.get(str(periode))

    def predikat_bands(self) -> list[tuple[float, str]]:
        return list(zip(self.predikat, PREDIKAT_NAMES, strict=True))

    def predikat_of(self, capaian: float | None) -> str:
        """Predikat of a capaian (domain §4); ``-`` when there is no capaian."""
        if capaian is None or capaian != capaian:  # NaN
            return PREDIKAT_NONE
        for lower, name in self.predikat_bands():
            if capaian >= lower:
                return name
        return PREDIKAT_LOWEST

    def as_dict(self) -> dict[str, Any]:
        """Plain form, for the rekap's Info Proses sheet and --json."""
        import dataclasses

        d = dataclasses.asdict(self)
        d["periode_aktif"] = str(self.periode_aktif)
        d["batas_waktu"] = {k: v.isoformat() for k, v in self.batas_waktu.items()}
        return d


# ---------------------------------------------------------------------------------------------
# loading


class _Reader:
    """Reads typed values from the parsed TOML, collecting every error instead of stopping."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.errors: list[str] = []
        self.known: set[str] = set()  # every dotted key the settings ask for: the rest is unknown

    def get(self, dotted: str, default: Any) -> Any:
        self.known.add(dotted)
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def text(self, key: str, default: str, *, required: str = "") -> str:
        """A text value; ``required`` (an example value) refuses it written but left empty."""
        v = self.get(key, None)
        if v is None:
            return default
        if not isinstance(v, str):
            self.errors.append(f"{key} = {v!r}: harus berupa teks dalam tanda kutip.")
            return default
        if required and not v.strip():
            self.errors.append(f"{key} = {v!r}: tidak boleh kosong; isi di antara tanda kutip, misalnya "
                               f"{key.rsplit('.', 1)[-1]} = \"{required}\".")
            return default
        return v

    def unknown_keys(self) -> None:
        """Refuse every key no setting asks for (a misspelt key would otherwise be ignored silently),
        naming the nearest known key."""
        tables = {k.split(".", 1)[0] for k in self.known}

        def walk(node: dict[str, Any], prefix: str) -> None:
            for name, value in node.items():
                dotted = f"{prefix}{name}"
                if dotted in self.known:
                    continue
                if isinstance(value, dict) and any(k.startswith(dotted + ".") for k in self.known):
                    walk(value, dotted + ".")
                    continue
                self.errors.append(_unknown_key_message(dotted, isinstance(value, dict), self.known, tables))

        walk(self.data, "")

    def nip(self, key: str) -> str:
        """An NIP: empty, or 18 digits (spaces allowed, as printed: ``19700312 199503 1 002``)."""
        raw = self.text(key, "")
        digits = "".join(raw.split())
        if digits and not (len(digits) == 18 and digits.isdigit()):
            self.errors.append(f"{key} = {raw!r}: NIP harus 18 angka, misalnya \"19700312 199503 1 002\" "
                               "(kosongkan bila belum ada).")
            return ""
        return digits

    def pejabat(self, table: str, default: Pejabat) -> Pejabat:
        return Pejabat(jabatan=self.text(f"{table}.jabatan", default.jabatan), nama=self.text(f"{table}.nama", ""),
                       pangkat=self.text(f"{table}.pangkat", ""), nip=self.nip(f"{table}.nip"))

    def number(self, key: str, default: float, *, minimum: float | None = 0.0, integer: bool = False) -> Any:
        v = self.get(key, default)
        if isinstance(v, bool) or not isinstance(v, int | float) or (integer and not isinstance(v, int)):
            kind = "bilangan bulat" if integer else "angka"
            self.errors.append(f"{key} = {v!r}: harus berupa {kind}.")
            return default
        if minimum is not None and v < minimum:
            self.errors.append(f"{key} = {v!r}: tidak boleh kurang dari {minimum:g}.")
            return default
        return v


def _unknown_key_message(dotted: str, is_table: bool, known: set[str], tables: set[str]) -> str:
    """What to say about a key kinerja.toml does not know: its nearest known key, or the known keys of its table."""
    table, _, leaf = dotted.rpartition(".")
    if is_table:
        near = difflib.get_close_matches(dotted, sorted(tables), n=1, cutoff=0.6)
        hint = f" Maksudnya [{near[0]}]?" if near else f" Tabel yang dikenal: {', '.join(f'[{t}]' for t in sorted(tables))}."
        return f"[{dotted}]: tabel tidak dikenal (perbaiki judulnya atau hapus tabel itu).{hint}"
    siblings = sorted(k.rsplit(".", 1)[-1] for k in known if k.rpartition(".")[0] == table)
    near = difflib.get_close_matches(leaf, siblings, n=1, cutoff=0.6)
    where = f"[{table}]" if table else "luar tabel (sebelum judul tabel pertama)"
    if near:
        hint = f" Maksudnya {near[0]}?"
    else:
        elsewhere = sorted(k for k in known if k.rsplit(".", 1)[-1] == leaf) or sorted(
            k for k in known if difflib.get_close_matches(leaf, [k.rsplit(".", 1)[-1]], n=1, cutoff=0.8))
        if elsewhere:
            home, _, name = elsewhere[0].rpartition(".")
            hint = f" Maksudnya {name} di bawah [{home}]?"
        elif siblings:
            hint = f" Kunci yang dikenal di {where}: {', '.join(siblings)}."
        else:
            hint = ""
    return f"{dotted}: kunci tidak dikenal di {where} (perbaiki namanya atau hapus barisnya).{hint}"


_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_KEY = re.compile(r"^\s*(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+)\s*=")
_ERROR_KEY = re.compile(r"^(\[[^\]]+\]|[A-Za-z0-9_.\-]+)")


def _key_lines(text: str) -> dict[str, int]:
    """{dotted key or "[table]": line number} of a kinerja.toml (a plain scan; the file already parsed)."""
    out: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            table = header[1].replace('"', "").replace("'", "").replace(" ", "")
            out.setdefault(f"[{table}]", number)
            continue
        key = _KEY.match(line)
        if key:
            out.setdefault(f"{table}.{key[1].strip(chr(34) + chr(39))}" if table else key[1], number)
    return out


def _with_lines(errors: list[str], text: str) -> list[str]:
    """Each error that starts with a key (or a [table]) gets the line where that key is written."""
    lines = _key_lines(text)
    out = []
    for error in errors:
        key = _ERROR_KEY.match(error)
        number = lines.get(key[1]) if key else None
        out.append(f"baris {number}: {error}" if number else error)
    return out


def load_settings(path: Path) -> Settings:
    """Read and check kinerja.toml."""
    if not path.exists():
        raise SettingsError(
            f"Berkas pengaturan {path} tidak ditemukan. Jalankan 'kinerja-batch init' untuk membuat ruang kerja."
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")  # Notepad may save UTF-8 with a byte-order mark
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SettingsError(
            f"Berkas pengaturan {path} bukan teks UTF-8 (baris {line}). Simpan ulang dengan pengodean UTF-8 "
            "(Notepad: Berkas > Simpan Sebagai > Pengodean: UTF-8), lalu jalankan perintahnya lagi."
        ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        from kinerja_batch.toml_messages import describe

        raise SettingsError(describe(path, text, str(exc))) from exc
    return settings_from_dict(data, source=str(path), text=text)


def settings_from_dict(data: dict[str, Any], source: str = CONFIG_NAME, text: str | None = None) -> Settings:
    """Check the parsed kinerja.toml; ``text`` (the file itself) lets each error name its line."""
    r = _Reader(data)
    d = Settings()
    kantor = Kantor(
        nama=r.text("kantor.nama", d.kantor.nama, required="Dinas Komunikasi dan Informatika Kabupaten Sukamaju"),
        kepala_nama=r.text("kantor.kepala_nama", "", required="Drs. Bambang Wicaksono, M.Si."),
        kepala_nip=r.nip("kantor.kepala_nip"),
        kepala_jabatan=r.text("kantor.kepala_jabatan", d.kantor.kepala_jabatan, required="Kepala Dinas"),
        kota=r.text("kantor.kota", "", required="Sukamaju"),
        kepala_pangkat=r.text("kantor.kepala_pangkat", ""),
        pemerintah=r.text("kantor.pemerintah", ""),
        alamat=r.text("kantor.alamat", ""),
    )
    tahun = r.number("periode.tahun", d.tahun, minimum=2000, integer=True)
    aktif_raw = r.get("periode.aktif", f"{tahun}-TW1")
    try:
        aktif = parse_periode(str(aktif_raw))
    except ValueError:
        r.errors.append(f"periode.aktif = {aktif_raw!r}: harus berbentuk TAHUN-TWn, misalnya \"{tahun}-TW2\".")
        aktif = Periode(tahun, 1)

    batas_waktu: dict[str, dt.date] = {}
    raw_bw = r.get("batas_waktu", {})
    if not isinstance(raw_bw, dict):
        r.errors.append("[batas_waktu] harus berupa tabel, misalnya \"2025-TW1\" = 2025-04-10.")
        raw_bw = {}
    for key, value in raw_bw.items():
        try:
            p = parse_periode(key)
        except ValueError:
            r.errors.append(f"batas_waktu.{key}: nama periode tidak dikenal; gunakan misalnya \"2025-TW1\".")
            continue
        if isinstance(value, dt.datetime):
            value = value.date()
        if not isinstance(value, dt.date):
            r.errors.append(f"batas_waktu.{key} = {value!r}: harus berupa tanggal TOML tanpa kutip, misalnya 2025-04-10.")
            continue
        batas_waktu[str(p)] = value

    rule = r.get("pengukuran.aturan_negatif", d.aturan_negatif)
    if rule not in NEGATIVE_RULES:
        r.errors.append(f"pengukuran.aturan_negatif = {rule!r}: pilihan yang diperbolehkan \"2T-R\" atau \"T/R\".")
        rule = d.aturan_negatif

    keys = ("sangat_tinggi", "tinggi", "sedang", "rendah")
    bands = tuple(float(r.number(f"predikat.{k}", v, minimum=None)) for k, v in zip(keys, d.predikat, strict=True))
    if list(bands) != sorted(bands, reverse=True) or len(set(bands)) != len(bands):
        r.errors.append(
            f"[predikat] {dict(zip(keys, bands, strict=True))}: batas harus menurun "
            "(sangat_tinggi > tinggi > sedang > rendah)."
        )
        bands = d.predikat

    t = Temuan()
    temuan = Temuan(
        capaian_tinggi=r.number("temuan.capaian_tinggi", t.capaian_tinggi),
        capaian_rendah=r.number("temuan.capaian_rendah", t.capaian_rendah),
        lonjakan_persen=r.number("temuan.lonjakan_persen", t.lonjakan_persen),
        lonjakan_kali_rata=r.number("temuan.lonjakan_kali_rata", t.lonjakan_kali_rata),
        lonjakan_z=r.number("temuan.lonjakan_z", t.lonjakan_z),
        lonjakan_min_riwayat=r.number("temuan.lonjakan_min_riwayat", t.lonjakan_min_riwayat, minimum=2, integer=True),
        salin_target_persen=r.number("temuan.salin_target_persen", t.salin_target_persen),
        salin_target_min_baris=r.number("temuan.salin_target_min_baris", t.salin_target_min_baris, minimum=1, integer=True),
        serapan_tanpa_kinerja=r.number("temuan.serapan_tanpa_kinerja", t.serapan_tanpa_kinerja),
        kinerja_tanpa_serapan=r.number("temuan.kinerja_tanpa_serapan", t.kinerja_tanpa_serapan),
    )
    if temuan.capaian_rendah >= temuan.capaian_tinggi:
        r.errors.append("temuan.capaian_rendah harus lebih kecil dari temuan.capaian_tinggi.")

    b = Batas()
    batas = Batas(
        ukuran_berkas_mb=r.number("batas.ukuran_berkas_mb", b.ukuran_berkas_mb, minimum=0.01),
        ukuran_terurai_mb=r.number("batas.ukuran_terurai_mb", b.ukuran_terurai_mb, minimum=0.01),
        jumlah_entri_zip=r.number("batas.jumlah_entri_zip", b.jumlah_entri_zip, minimum=1, integer=True),
        rasio_kompresi=r.number("batas.rasio_kompresi", b.rasio_kompresi, minimum=1),
        baris_maks=r.number("batas.baris_maks", b.baris_maks, minimum=10, integer=True),
        detik_maks=r.number("batas.detik_maks", b.detik_maks, minimum=1),
        memori_mb=r.number("batas.memori_mb", b.memori_mb, minimum=128, integer=True),
    )
    renstra = _renstra(r, tahun)
    settings = Settings(
        renstra=renstra,
        kantor=kantor,
        tahun=tahun,
        periode_aktif=aktif,
        batas_waktu=batas_waktu,
        aturan_negatif=rule,
        predikat=bands,  # type: ignore[arg-type]
        temuan=temuan,
        tunggu_menit=r.number("inbox.tunggu_menit", d.tunggu_menit),
        batas=batas,
        kata_sandi=r.text("templat.kata_sandi", ""),
        email=_email(r),
        sekretaris=r.pejabat("sekretaris", d.sekretaris),
        kasubbag=r.pejabat("kasubbag_perencanaan", d.kasubbag),
        kertas=_paper(r),
        surat=Surat(kepada=r.text("surat.kepada", Surat.kepada), di=r.text("surat.di", Surat.di),
                    lampiran=r.text("surat.lampiran", Surat.lampiran), sifat=r.text("surat.sifat", Surat.sifat)),
    )
    r.unknown_keys()
    if r.errors:
        errors = _with_lines(r.errors, text) if text is not None else r.errors
        raise SettingsError(f"Pengaturan di {source} tidak valid; perbaiki lalu jalankan lagi:", errors)
    return settings


def _email(r: _Reader) -> Email:
    d = Email()
    pengirim = r.text("email.pengirim", d.pengirim).strip()
    if pengirim and not EMAIL_RE.match(pengirim):
        r.errors.append(f"email.pengirim = {pengirim!r}: bukan alamat e-mail; tulis satu alamat saja, misalnya "
                        "pengirim = \"perencanaan@diskominfo.sukamajukab.go.id\" (kosong = belum diatur).")
        pengirim = d.pengirim
    return Email(
        pengirim=pengirim,
        nama_pengirim=r.text("email.nama_pengirim", d.nama_pengirim, required=d.nama_pengirim).strip(),
        kontak=r.text("email.kontak", d.kontak).strip(),
    )
def _renstra(r: _Reader, tahun: int) -> Renstra:
    """``[renstra] tahun_awal, tahun_akhir``: optional years, first <= last, the active year inside."""
    years: list[int | None] = []
    for key in ("tahun_awal", "tahun_akhir"):
        v = r.get(f"renstra.{key}", None)
        if v is None:
            years.append(None)
        elif isinstance(v, bool) or not isinstance(v, int) or not 1900 <= v <= 2200:
            r.errors.append(f"renstra.{key} = {v!r}: harus berupa tahun (bilangan bulat), misalnya 2025.")
            years.append(None)
        else:
            years.append(v)
    awal, akhir = years
    if awal is not None and akhir is not None and awal > akhir:
        r.errors.append(f"[renstra] tahun_awal {awal} lebih besar dari tahun_akhir {akhir}; tukar keduanya.")
        return Renstra()
    if (awal is not None and tahun < awal) or (akhir is not None and tahun > akhir):
        r.errors.append(f"[renstra] {awal}–{akhir}: tahun aktif {tahun} ([periode] tahun) harus berada di dalam "
                        "periode Renstra.")
        return Renstra()
    return Renstra(awal, akhir)

def _paper(r: _Reader) -> str:
    raw = r.text("cetak.kertas", "F4")
    name = {"F4": "F4", "FOLIO": "F4", "A4": "A4"}.get(raw.strip().upper())
    if name is None:
        r.errors.append(f"cetak.kertas = {raw!r}: pilihan yang diperbolehkan \"F4\" (Folio, 215 x 330 mm) atau \"A4\".")
        return "F4"
    return name


def default_toml(
    *,
    nama_kantor: str = "Dinas Komunikasi dan Informatika Kabupaten Sukamaju",
    kepala_nama: str = "Drs. Bambang Wicaksono, M.Si.",
    kepala_nip: str = "197003121995031002",
    kota: str = "Sukamaju",
    tahun: int = 2025,
    aktif: str = "2025-TW2",
    pengirim: str = "",
    kontak: str = "",
) -> str:
    """The commented kinerja.toml that ``init`` writes."""
    deadlines = "\n".join(
        f'"{tahun}-TW{tw}" = {date}'
        for tw, date in (
            (1, f"{tahun}-04-10"),
            (2, f"{tahun}-07-10"),
            (3, f"{tahun}-10-10"),
            (4, f"{tahun + 1}-01-10"),
        )
    )
    return f"""\
# Pengaturan kinerja-batch untuk satu kantor.
# Setelah mengubah berkas ini, jalankan perintah seperti biasa; nilai yang salah akan ditolak
# dengan nama kunci, nilainya, dan nilai yang diperbolehkan.

[kantor]
nama = "{nama_kantor}"
kepala_jabatan = "Kepala Dinas"
kepala_nama = "{kepala_nama}"      # untuk blok tanda tangan rekap
kepala_nip = "{kepala_nip}"
kota = "{kota}"                      # tempat penandatanganan
kepala_pangkat = "Pembina Utama Muda (IV/c)"   # pangkat/golongan di bawah nama
# kop surat pengantar: baris pertama (pemerintah daerah) dan baris alamat
pemerintah = "Pemerintah Kabupaten Sukamaju"
alamat = "Jalan Merdeka No. 1, Sukamaju · Telepon (0261) 123456 · diskominfo@sukamajukab.go.id"

[periode]
tahun = {tahun}
aktif = "{aktif}"                    # periode yang sedang dikumpulkan (TAHUN-TW1 .. TAHUN-TW4)

# Batas waktu pengumpulan tiap periode (tanggal tanpa tanda kutip).
[batas_waktu]
{deadlines}

[pengukuran]
# Rumus capaian indikator berpolaritas negatif (semakin kecil semakin baik):
#   "2T-R" : (2 x Target - Realisasi) / Target x 100   (PermenPAN-RB, kondisi khusus)
#   "T/R"  : Target / Realisasi x 100
aturan_negatif = "2T-R"

# Batas bawah predikat (capaian s.d. TW, dalam persen). Di bawah "rendah" = Sangat Rendah.
[predikat]
sangat_tinggi = 91
tinggi = 76
sedang = 66
rendah = 51

# Ambang temuan yang perlu dikonfirmasi ke bidang.
[temuan]
capaian_tinggi = 120          # CAPAIAN_TINGGI bila capaian s.d. TW di atas ini (%)
capaian_rendah = 50           # CAPAIAN_RENDAH bila capaian s.d. TW di bawah ini (%)
lonjakan_persen = 100         # LONJAKAN posisi akhir / rata-rata: perubahan lebih dari ini (%)
lonjakan_kali_rata = 3        # LONJAKAN kumulatif: kenaikan triwulan > N x rata-rata sebelumnya
lonjakan_z = 3.5              # LONJAKAN dengan >= lonjakan_min_riwayat nilai: modified z-score
lonjakan_min_riwayat = 4
salin_target_persen = 80      # SALIN_TARGET: persentase baris yang realisasinya sama dengan target
salin_target_min_baris = 5
serapan_tanpa_kinerja = 50    # SERAPAN_TANPA_KINERJA: serapan (%) minimal
kinerja_tanpa_serapan = 100   # KINERJA_TANPA_SERAPAN: capaian (%) minimal

[inbox]
tunggu_menit = 1              # berkas yang baru berubah kurang dari ini (menit) dibiarkan untuk proses berikutnya

# Batas berkas masuk (melindungi dari berkas rusak atau "bom zip").
[batas]
ukuran_berkas_mb = 20
ukuran_terurai_mb = 200
jumlah_entri_zip = 2000
rasio_kompresi = 200
baris_maks = 20000
detik_maks = 60
memori_mb = 1536

[templat]
kata_sandi = ""               # kata sandi proteksi lembar kertas kerja (kosong = tanpa kata sandi)

# Subbag Perencanaan sebagai pengirim draf e-mail (outbox/email/) dan kontak di lembar Petunjuk
# setiap kertas kerja. Tidak ada e-mail yang dikirim otomatis.
[email]
pengirim = "{pengirim}"                 # alamat e-mail kantor; kosong = draf tanpa pengirim (diisi program e-mail Anda)
nama_pengirim = "Subbag Perencanaan"
kontak = "{kontak}"                   # telepon / WhatsApp Subbag Perencanaan (boleh kosong)

# Paraf koordinasi pada rekap final. NIP 18 angka (spasi boleh: "19700312 199503 1 002").
[sekretaris]
jabatan = "Sekretaris"
nama = "Sri Handayani, S.E., M.M."
pangkat = "Pembina Tingkat I (IV/b)"
nip = "197505202000032003"

[kasubbag_perencanaan]
jabatan = "Kepala Subbagian Perencanaan"
nama = "Agus Prasetyo, S.T."
pangkat = "Penata Tingkat I (III/d)"
nip = "198306152009011004"

# Surat pengantar rekap final (ditulis oleh 'kinerja-batch tutup').
[surat]
kepada = "Inspektur Kabupaten Sukamaju"   # Yth. ...
di = "Sukamaju"                            # di ... (tempat tujuan)
lampiran = "1 (satu) berkas"
sifat = "Biasa"

[cetak]
kertas = "F4"                 # ukuran kertas semua buku kerja: "F4" (Folio 215 x 330 mm) atau "A4"
# Periode Renstra: dasar kolom Renstra di Evaluasi Renja dan lembar Pengukuran Kinerja Tahunan.
# Realisasi tahun-tahun sebelumnya dimasukkan dengan 'kinerja-batch impor'.
[renstra]
# tahun_awal = 2021
# tahun_akhir = 2026
"""


# ---------------------------------------------------------------------------------------------
# workspace


@dataclass(frozen=True)
class Workspace:
    """The folders of one office's workspace."""

    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def master_path(self) -> Path:
        return self.root / MASTER_NAME

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates_xlsx"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def arsip(self) -> Path:
        return self.inbox / "arsip"

    @property
    def ditolak(self) -> Path:
        return self.inbox / "ditolak"

    @property
    def ditahan(self) -> Path:
        """Files without a signature that would replace accepted data: kept until the officer accepts them."""
        return self.inbox / "ditahan"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def state_dir(self) -> Path:
        return self.root / ".kinerja"

    @property
    def ledger_path(self) -> Path:
        return self.state_dir / "ledger.sqlite"

    @property
    def lock_path(self) -> Path:
        return self.state_dir / "run.lock"

    def rekap_path(self, periode: Periode) -> Path:
        return self.outbox / f"rekap_{periode}.xlsx"

    def template_path(self, kode_bidang: str, periode: Periode) -> Path:
        return self.templates_dir / str(periode) / f"kertas_kerja_{safe_filename(kode_bidang)}_{periode}.xlsx"

    def konfirmasi_path(self, kode_bidang: str, periode: Periode) -> Path:
        return self.outbox / "konfirmasi" / str(periode) / f"konfirmasi_{safe_filename(kode_bidang)}_{periode}.xlsx"

    def check(self) -> None:
        """Raise WorkspaceError when this folder is not a workspace."""
        if not self.config_path.exists():
            raise WorkspaceError(
                f"Folder {self.root} bukan ruang kerja kinerja-batch ({CONFIG_NAME} tidak ada). "
                f"Jalankan 'kinerja-batch init {self.root}' atau pilih folder dengan -w."
            )

    def settings(self) -> Settings:
        self.check()
        return load_settings(self.config_path)


def safe_filename(text: str) -> str:
    """A code made safe for a file name (codes may hold dots and dashes, never slashes)."""
    keep = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text.strip())
    return keep.strip(".") or "_"


def init_workspace(root: Path, *, force: bool = False) -> Workspace:
    """Create a workspace: kinerja.toml, the sample master and the three folders.

    Refuses to overwrite an existing kinerja.toml or master unless ``force``; never touches
    inbox/, outbox/ or the ledger of an existing workspace.
    """
    from kinerja_batch.sample import write_sample_master

    ws = Workspace(root)
    existing = [p for p in (ws.config_path, ws.master_path) if p.exists()]
    if existing and not force:
        raise WorkspaceError(
            f"Folder {root} sudah berisi ruang kerja ({', '.join(p.name for p in existing)}). "
            "Gunakan --paksa untuk menimpa kinerja.toml dan master_indikator.xlsx "
            "(isi inbox/, outbox/ dan riwayat tidak diubah)."
        )
    root.mkdir(parents=True, exist_ok=True)
    for folder in (ws.templates_dir, ws.inbox, ws.outbox):
        folder.mkdir(exist_ok=True)
    ws.config_path.write_text(default_toml(), encoding="utf-8")
    write_sample_master(ws.master_path)
    return ws
