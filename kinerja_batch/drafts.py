"""E-mail drafts to the bidang (issue 5): RFC 5322 ``.eml`` files in ``outbox/email/<periode>/``.

Nothing is ever sent. Each draft carries ``X-Unsent: 1`` so Outlook and Thunderbird open it as a
message to edit and send; the planner reviews it and presses *Kirim* (or not).

- :func:`template_drafts`: one draft per kertas kerja written by ``templates --eml``, with the
  workbook attached;
- :func:`run_drafts`: written by every ``run``: a reminder (``pengingat``) for each bidang still
  ``Belum Mengumpulkan`` or ``Ditolak`` after the deadline, a confirmation draft for each
  confirmation workbook written, with that workbook attached, and a draft for each rejected file
  whose bidang is known (``ditolak``: what was wrong, how to fix it, the file attached or named).
  Drafts of the period that no longer apply (the bidang has since sent its kertas kerja) are
  removed, so nobody sends a stale reminder.

The sender is the planning office's own address, ``[email] pengirim`` of kinerja.toml; when it is
not set the drafts have no ``From`` and the mail program fills in its own account.

Layer: writers (../shared/docs/architecture.md); it may import model, intake, store, rules, foundation.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import mimetypes
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kinerja_batch.config import EMAIL_RE, Settings, Workspace, safe_filename
from kinerja_batch.model import STATUS_BELUM, STATUS_DITOLAK, PeriodData
from kinerja_batch.periode import Periode, format_tanggal

if TYPE_CHECKING:
    from kinerja_batch.master import Master
    from kinerja_batch.templates import TemplateInfo

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PLACEHOLDER_DOMAIN = "kantor.invalid"  # reserved name (RFC 2606): only for Message-IDs without a sender
# a rejected file goes along with its draft only when it is small and harmless to pass on
ATTACH_REJECTED_MAX_BYTES = 5 * 1024 * 1024
NOT_ATTACHED_CODES = ("TERLALU_BESAR", "RUSAK")

KIND_KERTAS_KERJA = "kertas_kerja"
KIND_PENGINGAT = "pengingat"
KIND_KONFIRMASI = "konfirmasi"
KIND_DITOLAK = "ditolak"

_EMAIL = EMAIL_RE
NO_SENDER_NOTE = ("Alamat pengirim draf e-mail belum diatur ([email] pengirim di kinerja.toml): draf ditulis tanpa "
                  "pengirim, dan program e-mail Anda memakai alamat akunnya sendiri saat draf dikirim.")


def email_dir(ws: Workspace, periode: Periode) -> Path:
    """``outbox/email/<periode>/``."""
    return ws.outbox / "email" / str(periode)


def draft_path(ws: Workspace, kind: str, kode_bidang: str, periode: Periode) -> Path:
    """``outbox/email/<periode>/<kind>_<KODE>_<periode>.eml``."""
    return email_dir(ws, periode) / f"{kind}_{safe_filename(kode_bidang)}_{periode}.eml"


# ------------------------------------------------------------------------------------------------
# addresses


def _one_line(text: Any) -> str:
    return " ".join(str(text or "").split())


def addresses(raw: str, name: str = "") -> list[Address]:
    """The valid addresses of a master ``Email`` cell (several may be separated by ``,`` or ``;``)."""
    out = []
    for part in re.split(r"[;,\s]+", str(raw or "")):
        part = part.strip().strip("<>")
        if part and _EMAIL.match(part):
            local, domain = part.rsplit("@", 1)
            out.append(Address(display_name=_one_line(name), username=local, domain=domain))
    return out


def sender(settings: Settings) -> Address | None:
    """The planning office as ``[email] nama_pengirim <pengirim>``; None when kinerja.toml names no address."""
    e = settings.email
    if not e.pengirim:
        return None
    local, domain = e.pengirim.rsplit("@", 1)
    return Address(display_name=_one_line(e.nama_pengirim), username=local, domain=domain)


# ------------------------------------------------------------------------------------------------
# one message


def build_message(*, sender_address: Address | None, to: Sequence[Address], subject: str, body: str,
                  attachments: Iterable[Path] = (), when: dt.datetime | None = None) -> EmailMessage:
    """An unsent RFC 5322 message with Indonesian text and the workbooks attached (no ``From`` without sender)."""
    msg = EmailMessage(policy=email.policy.SMTP)
    if sender_address is not None:
        msg["From"] = sender_address
    if to:
        msg["To"] = list(to)
    msg["Subject"] = _one_line(subject)
    when = when or dt.datetime.now()
    msg["Date"] = format_datetime(when if when.tzinfo else when.astimezone())
    msg["Message-ID"] = make_msgid(domain=sender_address.domain if sender_address else PLACEHOLDER_DOMAIN)
    msg["X-Unsent"] = "1"
    msg.set_content(body, charset="utf-8")
    for path in attachments:
        msg.add_attachment(path.read_bytes(), maintype=_content_type(path)[0], subtype=_content_type(path)[1],
                           filename=path.name)
    return msg


def _content_type(path: Path) -> tuple[str, str]:
    if path.suffix.lower() == ".xlsx":
        return XLSX_TYPE
    guessed, _ = mimetypes.guess_type(path.name)
    if guessed and "/" in guessed:
        main, sub = guessed.split("/", 1)
        return main, sub
    return "application", "octet-stream"


def write_eml(path: Path, msg: EmailMessage) -> Path:
    """Write a message atomically (temp file + replace), CRLF line endings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp_", suffix=".eml", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(msg.as_bytes(policy=email.policy.SMTP))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


# ------------------------------------------------------------------------------------------------
# texts


def _salam(bidang: dict[str, Any]) -> str:
    who = _one_line(bidang.get("penanggung_jawab"))
    return (f"Yth. {who}\n" if who else "Yth. ") + f"{_jabatan(bidang)}\ndi tempat\n"


def _jabatan(bidang: dict[str, Any]) -> str:
    """The head's title: the master's Jabatan, or Sekretaris / Kepala <Nama Bidang>."""
    from kinerja_batch.master import default_jabatan

    return _one_line(bidang.get("jabatan")) or default_jabatan(_one_line(bidang["nama_bidang"]))


def _penutup(settings: Settings) -> str:
    e = settings.email
    contact = "".join(f"{x}\n" for x in (e.pengirim, e.kontak) if x)
    return (f"Atas perhatian dan kerja samanya kami ucapkan terima kasih.\n\nHormat kami,\n"
            f"{_one_line(e.nama_pengirim)}\n{settings.kantor.nama}\n{contact}")


def _deadline_text(settings: Settings, periode: Periode) -> str:
    d = settings.deadline(periode)
    return format_tanggal(d, hari=True) if d else "(batas waktu belum ditetapkan)"


def kertas_kerja_message(settings: Settings, bidang: dict[str, Any], periode: Periode, attachment: Path,
                         n_indikator: int, sender_address: Address | None, when: dt.datetime | None = None
                         ) -> EmailMessage:
    """The draft that sends a bidang its kertas kerja."""
    nama = _one_line(bidang["nama_bidang"])
    body = (
        f"{_salam(bidang)}\n"
        "Dengan hormat,\n\n"
        f"Dalam rangka pengumpulan data kinerja {periode.label} {settings.kantor.nama}, bersama ini kami "
        f"sampaikan kertas kerja pengumpulan data kinerja Bidang {nama} ({bidang['kode_bidang']}) berisi "
        f"{n_indikator} indikator (berkas terlampir: {attachment.name}).\n\n"
        "Mohon kertas kerja diisi pada sel berwarna kuning (Realisasi, Realisasi Anggaran, Faktor Pendorong, "
        f"Faktor Penghambat dan Bukti Dukung), diperiksa oleh {_jabatan(bidang)}, lalu dikirim kembali kepada "
        f"Subbag Perencanaan paling lambat {_deadline_text(settings, periode)}.\n\n"
        "Petunjuk pengisian ada pada lembar \"Petunjuk\" di dalam berkas. Mohon tidak mengubah nama lembar, "
        "kode indikator, atau urutan baris, dan tetap menyimpan berkas dalam format .xlsx.\n\n"
        f"{_penutup(settings)}"
    )
    subject = f"Permintaan Data Kinerja {periode.label} - {nama}"
    return build_message(sender_address=sender_address, to=addresses(bidang.get("email", ""),
                                                                      bidang.get("penanggung_jawab", "")),
                         subject=subject, body=body, attachments=[attachment], when=when)


def pengingat_message(settings: Settings, bidang: dict[str, Any], periode: Periode, status: dict[str, Any],
                      reason: str, attachment: Path | None, sender_address: Address | None, today: dt.date,
                      when: dt.datetime | None = None) -> EmailMessage:
    """The reminder to a bidang whose kertas kerja has not been accepted after the deadline."""
    nama = _one_line(bidang["nama_bidang"])
    if status["status"] == STATUS_DITOLAK:
        what = (f"berkas yang kami terima ({status['berkas']}) tidak dapat diproses"
                + (f": {_one_line(reason)}" if reason else ".")
                + "\nMohon berkas diperbaiki lalu dikirim kembali.")
    else:
        what = "kami belum menerima kertas kerja dari bidang Saudara."
    attached = (f"\n\nKertas kerja {periode.label} kami lampirkan kembali ({attachment.name})."
                if attachment else "")
    body = (
        f"{_salam(bidang)}\n"
        "Dengan hormat,\n\n"
        f"Menindaklanjuti permintaan data kinerja {periode.label} dengan batas waktu "
        f"{_deadline_text(settings, periode)}, sampai dengan {format_tanggal(today)} {what}"
        f"{attached}\n\n"
        f"Mohon kertas kerja yang sudah diisi dan diperiksa {_jabatan(bidang)} segera dikirim kepada Subbag "
        "Perencanaan agar rekapitulasi data kinerja perangkat daerah dapat diselesaikan.\n\n"
        f"{_penutup(settings)}"
    )
    subject = f"Pengingat: Kertas Kerja Data Kinerja {periode.label} belum diterima - {nama}"
    return build_message(sender_address=sender_address, to=addresses(bidang.get("email", ""),
                                                                      bidang.get("penanggung_jawab", "")),
                         subject=subject, body=body, attachments=[attachment] if attachment else [], when=when)


def konfirmasi_message(settings: Settings, bidang: dict[str, Any], periode: Periode, n_temuan: int,
                       attachment: Path, sender_address: Address | None, when: dt.datetime | None = None
                       ) -> EmailMessage:
    """The draft that sends a bidang its confirmation workbook."""
    nama = _one_line(bidang["nama_bidang"])
    body = (
        f"{_salam(bidang)}\n"
        "Dengan hormat,\n\n"
        f"Terima kasih atas kertas kerja data kinerja {periode.label} yang telah dikirim. Dari hasil pemeriksaan "
        f"Subbag Perencanaan terdapat {n_temuan} hal yang memerlukan konfirmasi dari Bidang {nama} "
        f"(berkas terlampir: {attachment.name}).\n\n"
        "Mohon setiap baris pada lembar konfirmasi dijawab: pilih \"Benar\" disertai penjelasan bila data sudah "
        "benar, atau \"Perbaiki\" disertai nilai yang benar, lalu kirim kembali berkasnya kepada Subbag "
        "Perencanaan (tanpa mengubah nama lembar atau kolom).\n\n"
        f"{_penutup(settings)}"
    )
    subject = f"Konfirmasi Data Kinerja {periode.label} - {nama}"
    return build_message(sender_address=sender_address, to=addresses(bidang.get("email", ""),
                                                                      bidang.get("penanggung_jawab", "")),
                         subject=subject, body=body, attachments=[attachment], when=when)


def ditolak_message(settings: Settings, bidang: dict[str, Any], periode: Periode, rejected: dict[str, Any],
                    rejected_path: Path | None, template: Path | None, sender_address: Address | None,
                    when: dt.datetime | None = None) -> EmailMessage:
    """The draft that tells a bidang its file was rejected: what was wrong, where, how to fix it, the reason
    text; the rejected file attached when it is small and harmless (else named), the blank kertas kerja too."""
    from kinerja_batch.findings import CATALOG

    nama = _one_line(bidang["nama_bidang"])
    kode = rejected.get("kode") or ""
    title = CATALOG[kode].title if kode in CATALOG else "Tidak dapat diproses"
    received = _received_text(rejected.get("diterima"))
    attach_rejected = (rejected_path is not None and rejected_path.is_file() and kode not in NOT_ATTACHED_CODES
                       and rejected_path.stat().st_size <= ATTACH_REJECTED_MAX_BYTES)
    if attach_rejected:
        where_file = f"Berkas yang ditolak kami lampirkan kembali ({rejected['berkas']})."
    else:
        where_file = (f"Berkas yang ditolak tidak kami lampirkan ({'terlalu besar atau rusak' if rejected_path else 'tidak ditemukan'}); "
                      f"salinannya tersimpan di Subbag Perencanaan sebagai {rejected.get('lokasi') or rejected['berkas']}.")
    blank = (f" Kertas kerja asli {periode.label} juga kami lampirkan ({template.name}) untuk diisi ulang bila perlu."
             if template is not None else "")
    body = (
        f"{_salam(bidang)}\n"
        "Dengan hormat,\n\n"
        f"Berkas kertas kerja data kinerja {periode.label} dari Bidang {nama} yang kami terima"
        f"{f' pada {received}' if received else ''} tidak dapat diproses dan belum masuk rekapitulasi.\n\n"
        f"Berkas   : {rejected['berkas']}\n"
        f"Masalah  : {title} ({kode or '-'})\n"
        f"Penjelasan dan cara memperbaiki:\n{(rejected.get('alasan') or '').strip() or title}\n\n"
        f"{where_file}{blank}\n\n"
        "Mohon berkas diperbaiki sesuai penjelasan di atas, diperiksa Kepala Bidang, lalu dikirim kembali kepada "
        f"Subbag Perencanaan {_by_deadline(settings, periode, (when or dt.datetime.now()).date())}. "
        "Mohon tidak mengubah nama lembar, "
        "kode indikator atau urutan baris, dan simpan dalam format .xlsx.\n\n"
        f"{_penutup(settings)}"
    )
    subject = f"Kertas Kerja Data Kinerja {periode.label} Ditolak, Mohon Diperbaiki - {nama}"
    files = ([rejected_path] if attach_rejected and rejected_path is not None else []) + \
        ([template] if template is not None else [])
    return build_message(sender_address=sender_address, to=addresses(bidang.get("email", ""),
                                                                      bidang.get("penanggung_jawab", "")),
                         subject=subject, body=body, attachments=files, when=when)


def _by_deadline(settings: Settings, periode: Periode, today: dt.date) -> str:
    d = settings.deadline(periode)
    if d is not None and today > d:
        return f"secepatnya (batas waktu {format_tanggal(d, hari=True)} sudah lewat)"
    return f"paling lambat {_deadline_text(settings, periode)}"


def _received_text(value: Any) -> str:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return ""
    return f"{format_tanggal(moment.date())} pukul {moment:%H.%M}"


# ------------------------------------------------------------------------------------------------
# the two entry points


def template_drafts(ws: Workspace, master: Master, settings: Settings, periode: Periode,
                    written: Sequence[TemplateInfo], when: dt.datetime | None = None) -> list[Path]:
    """One draft per kertas kerja just written (``templates --eml``); returns the draft paths."""
    frm = sender(settings)
    out = []
    for info in written:
        bidang = master.bidang_info(info.kode_bidang)
        msg = kertas_kerja_message(settings, bidang, periode, info.path, info.n_indikator, frm, when)
        out.append(write_eml(draft_path(ws, KIND_KERTAS_KERJA, info.kode_bidang, periode), msg))
    return out


def run_drafts(ws: Workspace, data: PeriodData, konfirmasi: Sequence[str], *, dry_run: bool = False,
               when: dt.datetime | None = None, only: set[str] | None = None) -> list[str]:
    """Reminder and confirmation drafts of one period after a run; workspace-relative paths.

    ``konfirmasi`` are the workspace-relative paths of the confirmation workbooks the run wrote. With
    ``only``, the drafts of a bidang not in it are kept as they are (written only when missing).
    """
    p = data.periode
    master = data.master
    settings = data.settings
    when = when or _run_time(data) or dt.datetime.now().replace(microsecond=0)
    today = when.date()
    deadline = settings.deadline(p)
    frm = sender(settings)
    written = set(konfirmasi)
    wanted: dict[Path, EmailMessage | None] = {}
    reasons = {(g.get("kode_bidang"), g.get("berkas")): g.get("pesan", "") for g in data.galat}
    open_items = Counter(f["kode_bidang"] for f in data.findings if f.get("status") == "Terbuka")
    for row in data.status:
        kode = row["kode_bidang"]
        bidang = master.bidang_info(kode)
        if deadline is not None and today > deadline and row["status"] in (STATUS_BELUM, STATUS_DITOLAK):
            path = draft_path(ws, KIND_PENGINGAT, kode, p)
            template = ws.template_path(kode, p)
            wanted[path] = None if dry_run or _kept(path, kode, only) else pengingat_message(
                settings, bidang, p, row, reasons.get((kode, row["berkas"]), ""),
                template if template.exists() else None, frm, today, when)
        workbook = ws.konfirmasi_path(kode, p)
        if str(workbook.relative_to(ws.root)) in written and (dry_run or workbook.exists()):
            path = draft_path(ws, KIND_KONFIRMASI, kode, p)
            n = open_items.get(kode, 0)
            wanted[path] = None if dry_run or _kept(path, kode, only) else konfirmasi_message(
                settings, bidang, p, n, workbook, frm, when)
    wanted.update(_ditolak_drafts(ws, data, frm, dry_run=dry_run, when=when, only=only))
    if not dry_run:
        for path, msg in wanted.items():
            if msg is not None:
                write_eml(path, msg)
        _remove_stale(ws, p, set(wanted))
    return [str(path.relative_to(ws.root)) for path in wanted]


def _kept(path: Path, kode: str, only: set[str] | None) -> bool:
    """A draft left as it is: its bidang's outputs did not change and the file is there."""
    return only is not None and kode not in only and path.exists()


def _remove_stale(ws: Workspace, periode: Periode, keep: set[Path]) -> None:
    """Reminder and confirmation drafts of the period that no longer apply."""
    folder = email_dir(ws, periode)
    if not folder.exists():
        return
    for kind in (KIND_PENGINGAT, KIND_KONFIRMASI, KIND_DITOLAK):
        for path in folder.glob(f"{kind}_*_{periode}*.eml"):
            if path not in keep:
                path.unlink()


def _run_time(data: PeriodData) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(data.run_time)
    except (TypeError, ValueError):
        return None


def ditolak_draft_path(ws: Workspace, kode_bidang: str, periode: Periode, berkas: str) -> Path:
    """``outbox/email/<periode>/ditolak_<KODE>_<periode>_<file name>.eml``: one per bidang and rejected file name
    (a file sent again under the same name and rejected again replaces its draft)."""
    stem = safe_filename(Path(berkas).stem)[:40].strip("._") or "berkas"
    return email_dir(ws, periode) / f"{KIND_DITOLAK}_{safe_filename(kode_bidang)}_{periode}_{stem}.eml"


def _ditolak_drafts(ws: Workspace, data: PeriodData, frm: Address | None, *, dry_run: bool,
                    when: dt.datetime, only: set[str] | None = None) -> dict[Path, EmailMessage | None]:
    """A draft for each rejected file of the period whose bidang is known, unless the bidang has since sent a
    kertas kerja that was accepted (then the draft no longer applies)."""
    known = set(data.master.bidang_codes())
    # which came later is the ledger's order of files, not their times (two files can share a second)
    accepted_file = {row["kode_bidang"]: int(row.get("file_id") or 0) for row in data.status
                     if row["status"] not in (STATUS_BELUM, STATUS_DITOLAK)}
    out: dict[Path, EmailMessage | None] = {}
    for f in data.files:
        kode = f.get("kode_bidang") or ""
        if f.get("hasil") != "ditolak" or kode not in known:
            continue
        if accepted_file.get(kode, 0) > int(f.get("id") or 0):
            continue
        path = ditolak_draft_path(ws, kode, data.periode, f["berkas"])
        if dry_run or _kept(path, kode, only):
            out[path] = None
            continue
        lokasi = f.get("lokasi") or ""
        rejected_path = ws.root / lokasi if lokasi else None
        template = ws.template_path(kode, data.periode)
        out[path] = ditolak_message(data.settings, data.master.bidang_info(kode), data.periode, f, rejected_path,
                                    template if template.exists() else None, frm, when)
    return out
