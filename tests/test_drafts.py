"""E-mail drafts (.eml) parsed back with the standard library: recipient, subject, attachment that opens."""

from __future__ import annotations

import email.policy
import email.utils
import io
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner
from conftest import build_master, drop, fill_kertas_kerja, run_batch, templates_for

from kinerja_batch import drafts
from kinerja_batch.cli import cli
from kinerja_batch.drafts import XLSX_TYPE
from kinerja_batch.periode import format_tanggal, parse_periode

XLSX = "/".join(XLSX_TYPE)


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def parse(path: Path) -> EmailMessage:
    with path.open("rb") as fh:
        return BytesParser(policy=email.policy.default).parse(fh)  # type: ignore[return-value]


def attachments(msg: EmailMessage) -> list[tuple[str, str, bytes]]:
    return [(part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
            for part in msg.iter_attachments()]


def set_sender(ws: Any, address: str, kontak: str = "") -> None:
    """Write ``[email] pengirim`` (and ``kontak``) into the workspace's kinerja.toml, as the officer would."""
    toml = ws.config_path.read_text(encoding="utf-8")
    toml = toml.replace('pengirim = ""', f'pengirim = "{address}"', 1).replace('kontak = ""', f'kontak = "{kontak}"', 1)
    ws.config_path.write_text(toml, encoding="utf-8")


def test_templates_eml_one_draft_per_bidang(workspace):
    w = workspace
    set_sender(w.ws, "perencanaan@diskominfo.sukamajukab.go.id", "Telp. (0262) 123456")
    result = invoke("-w", str(w.ws.root), "templates", "--periode", "2025-TW2", "--eml")
    assert result.exit_code == 0, result.output
    folder = w.ws.outbox / "email" / "2025-TW2"
    codes = w.master.bidang_codes()
    assert sorted(p.name for p in folder.glob("*.eml")) == sorted(f"kertas_kerja_{k}_2025-TW2.eml" for k in codes)
    assert f"{len(codes)} draf e-mail ditulis" in result.output and "belum dikirim" in result.output
    deadline = format_tanggal(w.settings.deadline(parse_periode("2025-TW2")), hari=True)
    for kode in codes:
        info = w.master.bidang_info(kode)
        path = folder / f"kertas_kerja_{kode}_2025-TW2.eml"
        raw = path.read_bytes()
        assert b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n")  # RFC 5322 line endings
        msg = parse(path)
        assert [a.addr_spec for a in msg["To"].addresses] == [info["email"]]
        assert msg["To"].addresses[0].display_name == info["penanggung_jawab"]
        assert msg["From"].addresses[0].addr_spec == "perencanaan@diskominfo.sukamajukab.go.id"
        assert msg["From"].addresses[0].display_name == "Subbag Perencanaan"
        assert msg["X-Unsent"] == "1"
        assert email.utils.parsedate_to_datetime(msg["Date"]).tzinfo is not None
        assert msg["Message-ID"]
        assert "Triwulan II Tahun 2025" in msg["Subject"] and info["nama_bidang"] in msg["Subject"]
        body = msg.get_body(("plain",)).get_content()
        assert deadline in body and info["nama_bidang"] in body and "Dengan hormat" in body
        assert "Telp. (0262) 123456" in body and "perencanaan@diskominfo.sukamajukab.go.id" in body
        (name, ctype, payload), = attachments(msg)
        template = w.ws.template_path(kode, parse_periode("2025-TW2"))
        assert (name, ctype) == (template.name, XLSX)
        assert payload == template.read_bytes()
        assert "Kertas Kerja" in openpyxl.load_workbook(io.BytesIO(payload)).sheetnames


def test_bidang_without_email_gets_a_draft_without_recipient(workspace):
    w = workspace
    build_master(w.ws.master_path, bidang=({"kode_bidang": "SEK", "email": None}, {"kode_bidang": "IKP"}))
    result = invoke("-w", str(w.ws.root), "templates", "--periode", "2025-TW1", "--eml", "--bidang", "SEK")
    assert result.exit_code == 0, result.output
    assert "tanpa alamat penerima" in result.output
    # no [email] pengirim: no sender guessed from the bidang's domains, and the officer is told so
    assert "Alamat pengirim draf e-mail belum diatur" in result.output and "[email] pengirim" in result.output
    msg = parse(w.ws.outbox / "email" / "2025-TW1" / "kertas_kerja_SEK_2025-TW1.eml")
    assert msg["To"] is None and msg["X-Unsent"] == "1"
    assert msg["From"] is None and msg["Message-ID"]


def _sek_tw1(w, tmp_path, value: float = 1.0) -> None:
    paths = templates_for(w, "2025-TW1", ["SEK", "IKP"])
    codes = list(w.master.indikator_of("SEK")["kode_indikator"])
    drop(w.ws, fill_kertas_kerja(paths["SEK"], tmp_path / "sek.xlsx", dict.fromkeys(codes, value)))


def test_run_writes_reminders_and_confirmation_drafts(workspace, tmp_path):
    w = workspace
    _sek_tw1(w, tmp_path)  # realisasi 1 everywhere: far below target, temuan to confirm
    report = run_batch(w, periode=parse_periode("2025-TW1"))
    folder = w.ws.outbox / "email" / "2025-TW1"
    missing = [k for k in w.master.bidang_codes() if k != "SEK"]
    assert sorted(p.name for p in folder.glob("pengingat_*.eml")) == sorted(
        f"pengingat_{k}_2025-TW1.eml" for k in missing)
    assert sorted(report.drafts) == sorted(
        [f"outbox/email/2025-TW1/pengingat_{k}_2025-TW1.eml" for k in missing]
        + ["outbox/email/2025-TW1/konfirmasi_SEK_2025-TW1.eml"])

    ikp = parse(folder / "pengingat_IKP_2025-TW1.eml")
    assert [a.addr_spec for a in ikp["To"].addresses] == [w.master.bidang_info("IKP")["email"]]
    assert ikp["Subject"].startswith("Pengingat:") and "Triwulan I Tahun 2025" in ikp["Subject"]
    body = ikp.get_body(("plain",)).get_content()
    assert format_tanggal(w.settings.deadline(parse_periode("2025-TW1")), hari=True) in body
    (name, ctype, payload), = attachments(ikp)  # the blank kertas kerja goes along again
    assert name == "kertas_kerja_IKP_2025-TW1.xlsx" and ctype == XLSX
    assert attachments(parse(folder / "pengingat_TIK_2025-TW1.eml")) == []  # no kertas kerja written for TIK

    sek = parse(folder / "konfirmasi_SEK_2025-TW1.eml")
    assert [a.addr_spec for a in sek["To"].addresses] == [w.master.bidang_info("SEK")["email"]]
    assert sek["Subject"] == "Konfirmasi Data Kinerja Triwulan I Tahun 2025 - Sekretariat"
    assert sek["X-Unsent"] == "1"
    (name, ctype, payload), = attachments(sek)
    workbook = w.ws.konfirmasi_path("SEK", parse_periode("2025-TW1"))
    assert (name, ctype, payload) == (workbook.name, XLSX, workbook.read_bytes())
    assert openpyxl.load_workbook(io.BytesIO(payload)).sheetnames

    # IKP sends its kertas kerja: its reminder is gone on the next run, nobody sends a stale one
    ikp_codes = list(w.master.indikator_of("IKP")["kode_indikator"])
    src = w.ws.template_path("IKP", parse_periode("2025-TW1"))
    drop(w.ws, fill_kertas_kerja(src, tmp_path / "ikp.xlsx", dict.fromkeys(ikp_codes, 100)))
    report = run_batch(w, periode=parse_periode("2025-TW1"))
    assert not (folder / "pengingat_IKP_2025-TW1.eml").exists()
    assert (folder / "pengingat_TIK_2025-TW1.eml").exists()
    assert "outbox/email/2025-TW1/pengingat_IKP_2025-TW1.eml" not in report.drafts


def test_no_reminder_before_the_deadline(workspace, tmp_path):
    w = workspace
    toml = w.ws.config_path.read_text(encoding="utf-8").replace('"2025-TW1" = 2025-04-10', '"2025-TW1" = 2099-04-10')
    w.ws.config_path.write_text(toml, encoding="utf-8")
    _sek_tw1(w, tmp_path, value=1000.0)
    report = run_batch(w, periode=parse_periode("2025-TW1"))
    assert not any("pengingat_" in d for d in report.drafts)
    assert not list(w.ws.outbox.rglob("pengingat_*.eml"))


def test_dry_run_writes_no_draft(workspace, tmp_path):
    w = workspace
    _sek_tw1(w, tmp_path)
    report = run_batch(w, periode=parse_periode("2025-TW1"), dry_run=True)
    assert any("pengingat_IKP_2025-TW1.eml" in d for d in report.drafts)
    assert not (w.ws.outbox / "email").exists()


def test_header_values_stay_on_one_line():
    to = drafts.addresses("a@contoh.go.id; bukan-alamat , b@contoh.go.id", "Nama\r\nBcc: x@evil.invalid")
    assert [a.addr_spec for a in to] == ["a@contoh.go.id", "b@contoh.go.id"]
    msg = drafts.build_message(sender_address=to[0], to=to, subject="Baris\nkedua", body="isi")
    raw = msg.as_bytes()
    parsed = BytesParser(policy=email.policy.default).parsebytes(raw)
    assert parsed["Bcc"] is None and parsed["Subject"] == "Baris kedua"
    assert [a.display_name for a in parsed["To"].addresses] == ["Nama Bcc: x@evil.invalid"] * 2


def test_rejected_file_gets_a_draft_to_its_bidang(workspace, tmp_path):
    """A kertas kerja of a known bidang that is rejected: a draft saying what was wrong, how to fix it and the
    reason, with the file attached; a file whose bidang cannot be known gets no draft, and the summary says so."""
    w = workspace
    set_sender(w.ws, "perencanaan@diskominfo.sukamajukab.go.id")
    paths = templates_for(w, "2025-TW1", ["SEK", "IKP"])
    drop(w.ws, paths["IKP"], "ikp kosong.xlsx")  # sent back unfilled: TIDAK_ADA_ISIAN
    csv = tmp_path / "data_bidang.xlsx"
    csv.write_text("Kode Indikator;Realisasi\nIKU-01;80\n", encoding="utf-8")  # BUKAN_EXCEL, no bidang
    drop(w.ws, csv, "data_bidang.xlsx")
    result = CliRunner().invoke(cli, ["-w", str(w.ws.root), "run", "--periode", "2025-TW1"])
    assert result.exit_code == 1, result.output  # rejected files need attention
    folder = w.ws.outbox / "email" / "2025-TW1"
    assert sorted(p.name for p in folder.glob("ditolak_*.eml")) == ["ditolak_IKP_2025-TW1_ikp_kosong.eml"]
    out = result.output
    assert "Draf e-mail penolakan ke bidang IKP: outbox/email/2025-TW1/ditolak_IKP_2025-TW1_ikp_kosong.eml" in out
    csv_part = out.split("data_bidang.xlsx", 1)[1].split("[", 1)[0]
    assert "Tanpa draf e-mail: bidang pengirimnya tidak diketahui" in csv_part

    msg = parse(folder / "ditolak_IKP_2025-TW1_ikp_kosong.eml")
    info = w.master.bidang_info("IKP")
    assert [a.addr_spec for a in msg["To"].addresses] == [info["email"]]
    assert msg["From"].addresses[0].addr_spec == "perencanaan@diskominfo.sukamajukab.go.id"
    assert msg["X-Unsent"] == "1"
    assert "Ditolak" in msg["Subject"] and "Triwulan I Tahun 2025" in msg["Subject"] and info["nama_bidang"] in msg[
        "Subject"]
    body = msg.get_body(("plain",)).get_content()
    assert "Berkas   : ikp kosong.xlsx" in body
    assert "Masalah  : Tidak ada isian (TIDAK_ADA_ISIAN)" in body
    assert "belum berisi realisasi sama sekali. Isi kolom Realisasi" in body  # the reason text, with the fix
    deadline = format_tanggal(w.settings.deadline(parse_periode("2025-TW1")), hari=True)
    assert f"batas waktu {deadline} sudah lewat" in body
    files = attachments(msg)
    assert [name for name, _, _ in files] == ["ikp kosong.xlsx", "kertas_kerja_IKP_2025-TW1.xlsx"]
    assert files[0][2] == (w.ws.ditolak / "ikp kosong.xlsx").read_bytes()
    assert files[1][2] == paths["IKP"].read_bytes()

    # IKP sends its filled kertas kerja: the rejection draft no longer applies and is removed
    codes = list(w.master.indikator_of("IKP")["kode_indikator"])
    drop(w.ws, fill_kertas_kerja(paths["IKP"], tmp_path / "ikp.xlsx", dict.fromkeys(codes, 100)))
    report = run_batch(w, periode=parse_periode("2025-TW1"))
    assert not list(folder.glob("ditolak_*.eml"))
    assert not any("ditolak_" in d for d in report.drafts)


def test_rejected_file_too_big_or_damaged_is_named_not_attached(workspace, tmp_path):
    w = workspace
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"PK\x03\x04 potongan")
    rejected = {"berkas": "rusak.xlsx", "kode": "RUSAK", "alasan": "Berkas 'rusak.xlsx' rusak atau terpotong.",
                "diterima": "2025-04-12 09:30:00", "lokasi": "inbox/ditolak/rusak.xlsx"}
    msg = drafts.ditolak_message(w.settings, w.master.bidang_info("SEK"), parse_periode("2025-TW1"), rejected, bad,
                                 None, None)
    parsed = BytesParser(policy=email.policy.default).parsebytes(msg.as_bytes())
    assert attachments(parsed) == [] and parsed["From"] is None
    body = parsed.get_body(("plain",)).get_content()
    assert "tidak kami lampirkan" in body and "inbox/ditolak/rusak.xlsx" in body
    assert "12 April 2025 pukul 09.30" in body and "Berkas rusak (RUSAK)" in body


def test_petunjuk_contact_is_the_planning_office(workspace):
    import openpyxl

    w = workspace
    set_sender(w.ws, "perencanaan@diskominfo.sukamajukab.go.id", "Telp. (0262) 123456")
    result = invoke("-w", str(w.ws.root), "templates", "--periode", "2025-TW2", "--bidang", "IKP")
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(w.ws.template_path("IKP", parse_periode("2025-TW2")))["Petunjuk"]
    rows = {row[1]: row[2] for row in sheet.iter_rows(values_only=True) if len(row) > 2 and row[1]}
    kontak = rows["Kontak"]
    assert kontak.startswith("Subbag Perencanaan") and "perencanaan@diskominfo.sukamajukab.go.id" in kontak
    assert "Telp. (0262) 123456" in kontak and w.settings.kantor.nama in kontak
    assert w.master.bidang_info("IKP")["email"] not in kontak  # not the bidang's own address
