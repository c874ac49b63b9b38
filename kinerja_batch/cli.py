"""The command line: parse options, call one core function, print, exit.

Exit codes: 0 selesai; 1 selesai tetapi ada yang perlu ditindaklanjuti, atau galat yang
menghentikan perintah; 2 penggunaan salah (opsi/argumen). Heavy libraries are imported inside
the commands so that ``kinerja-batch --help`` starts fast.

Layer: face (../shared/docs/architecture.md); it may import commands, writers, model, intake, store, rules, foundation.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kinerja_batch import __version__, _click_id
from kinerja_batch.config import Workspace
from kinerja_batch.errors import KinerjaError

_click_id.install()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

EXIT_CODES = """\b
Kode keluar:
  0  selesai tanpa masalah
  1  selesai tetapi ada yang perlu ditindaklanjuti (berkas ditolak/ditahan, galat),
     atau galat yang menghentikan perintah (pengaturan/master salah,
     proses lain sedang berjalan)
  2  penggunaan salah (opsi atau argumen tidak dikenal)"""


class _Group(_click_id.Group):
    """Turns every KinerjaError of a command into click's error output and exit code 1, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KinerjaError as exc:
            raise click.ClickException(str(exc)) from exc


def _workspace_option(func: Any) -> Any:
    return click.option(
        "-w",
        "--workspace",
        "workspace",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder ruang kerja (bawaan: folder saat ini).",
    )(func)


def _periode_type(value: str | None) -> Any:
    from kinerja_batch.periode import parse_periode

    if value is None:
        return None
    try:
        return parse_periode(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _resolve(ctx: click.Context, workspace: Path | None) -> Workspace:
    root = workspace or (ctx.obj or {}).get("workspace") or Path.cwd()
    return Workspace(Path(root))


@click.group(cls=_Group, context_settings=CONTEXT, epilog=EXIT_CODES)
@_workspace_option
@click.version_option(__version__, "-V", "--version", prog_name="kinerja-batch")
@click.pass_context
def cli(ctx: click.Context, workspace: Path | None) -> None:
    """Pengumpulan dan pengukuran data kinerja (SAKIP).

    \b
    Alur kerja tiap triwulan:
      kinerja-batch init ruang-kerja            # sekali: buat ruang kerja
      kinerja-batch templates --periode 2025-TW2  # kertas kerja per bidang
      (kirim, lalu taruh berkas kembalian di inbox/)
      kinerja-batch run                          # tiap malam dari cron
    """
    ctx.ensure_object(dict)
    ctx.obj["workspace"] = workspace


@cli.command(context_settings=CONTEXT, epilog=EXIT_CODES,
             short_help="Buat ruang kerja baru (kinerja.toml, master contoh, folder).")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--paksa", is_flag=True, help="Timpa kinerja.toml dan master_indikator.xlsx yang sudah ada.")
@click.pass_context
def init(ctx: click.Context, folder: Path | None, paksa: bool) -> None:
    """Buat ruang kerja baru berisi kinerja.toml, contoh master_indikator.xlsx,
    serta folder templates_xlsx/, inbox/ dan outbox/.

    \b
    Contoh:
      kinerja-batch init /srv/kinerja
    """
    from kinerja_batch.config import init_workspace

    root = folder or _resolve(ctx, None).root
    ws = init_workspace(root, force=paksa)
    click.echo(f"Ruang kerja dibuat di {ws.root}")
    click.echo(f"  - {ws.config_path.name}: sesuaikan nama kantor, periode aktif, batas waktu dan alamat e-mail "
               "Subbag Perencanaan ([email] pengirim)")
    click.echo(f"  - {ws.master_path.name}: ganti dengan master indikator kantor Anda")
    click.echo(f"Langkah berikutnya: kinerja-batch -w {ws.root} templates --periode {_active(ws)}")


def _periode_warnings(settings: Any, periode: Any) -> list[str]:
    """What the officer should know before kertas kerja of this period go out."""
    out = []
    if periode.tahun != settings.tahun:
        out.append(f"periode {periode} bukan tahun ruang kerja ini ([periode] tahun = {settings.tahun} di "
                   f"kinerja.toml). Bila tahun {periode.tahun} sudah mulai, ubah [periode] tahun dan aktif serta "
                   "[batas_waktu] di kinerja.toml; bila salah ketik, jalankan lagi dengan periode yang benar.")
    if settings.deadline(periode) is None:
        out.append(f"kinerja.toml tidak menyebut batas waktu untuk {periode}: kertas kerja ditulis dengan batas "
                   f"waktu \"(belum ditetapkan)\" dan tidak ada pengiriman yang dicatat terlambat. Tambahkan di "
                   f"[batas_waktu], misalnya \"{periode}\" = {_example_deadline(periode)}.")
    return out


def _example_deadline(periode: Any) -> str:
    """The 10th of the month after the quarter (the sample office's rule)."""
    year, month = (periode.tahun + 1, 1) if periode.tw == 4 else (periode.tahun, 3 * periode.tw + 1)
    return f"{year}-{month:02d}-10"


def _active(ws: Workspace) -> str:
    try:
        return str(ws.settings().periode_aktif)
    except KinerjaError:
        return "2025-TW1"


@cli.command(context_settings=CONTEXT, epilog=EXIT_CODES,
             short_help="Tulis kertas kerja per bidang untuk satu periode.")
@_workspace_option
@click.option("--periode", "periode", metavar="PERIODE",
              help="Periode, misalnya 2025-TW2 (bawaan: periode aktif di kinerja.toml).")
@click.option("--bidang", "bidang", multiple=True, metavar="KODE",
              help="Hanya bidang ini (boleh diulang). Bawaan: semua bidang di master.")
@click.option("--eml", "eml", is_flag=True,
              help="Tulis juga draf e-mail (.eml) per bidang ke outbox/email/<periode>/ dengan kertas kerja "
                   "terlampir. Tidak ada yang dikirim: buka drafnya di Outlook/Thunderbird lalu kirim sendiri.")
@click.option("--timpa", "timpa", is_flag=True,
              help="Tulis ulang kertas kerja yang sudah ada di templates_xlsx/<periode>/. Tanpa opsi ini kertas "
                   "kerja yang sudah ditulis (mungkin sudah dikirim ke bidang) dibiarkan apa adanya.")
@click.pass_context
def templates(ctx: click.Context, workspace: Path | None, periode: str | None, bidang: tuple[str, ...],
              eml: bool, timpa: bool) -> None:
    """Tulis kertas kerja satu berkas per bidang ke templates_xlsx/<periode>/.

    Kertas kerja berisi indikator bidang dari master, target, realisasi triwulan
    sebelumnya (bila sudah diterima), kolom isian berwarna, rumus capaian yang
    langsung terhitung, dan proteksi pada sel yang tidak boleh diubah.

    \b
    Contoh:
      kinerja-batch templates --periode 2025-TW2
      kinerja-batch templates --periode 2025-TW2 --eml   # plus draf e-mail per bidang
      kinerja-batch -w /srv/kinerja templates --periode 2025-TW3 --bidang IKP --bidang TIK
      kinerja-batch templates --periode 2025-TW2 --bidang IKP --timpa   # tulis ulang yang sudah ada

    Kertas kerja yang sudah ada tidak ditimpa kecuali dengan --timpa.
    """
    from kinerja_batch.master import load_master
    from kinerja_batch.templates import TemplateInfo, write_templates

    ws = _resolve(ctx, workspace)
    settings = ws.settings()
    p = _periode_type(periode) or settings.periode_aktif
    for warning in _periode_warnings(settings, p):
        click.echo(f"Peringatan: {warning}", err=True)
    master = load_master(ws.master_path, cache_dir=ws.state_dir)
    wanted = list(bidang) or master.bidang_codes()
    kept = [] if timpa else [k for k in wanted if k in master.bidang_codes() and ws.template_path(k, p).exists()]
    written = []
    if len(kept) < len(wanted):
        history = _history(ws, p)
        written = write_templates(ws, master, settings, p, [k for k in wanted if k not in kept], history=history)
    for info in written:
        click.echo(f"  {info.path.relative_to(ws.root)}  ({info.n_indikator} indikator)")
    click.echo(f"{len(written)} kertas kerja {p} ditulis ke {ws.templates_dir / str(p)}")
    if kept:
        click.echo(f"{len(kept)} kertas kerja yang sudah ada dibiarkan (mungkin sudah dikirim ke bidang); "
                   "gunakan --timpa untuk menulis ulang:")
        for kode in kept:
            click.echo(f"  {ws.template_path(kode, p).relative_to(ws.root)}")
        from kinerja_batch.tanda_tangan import signed_with_another_key

        stale = signed_with_another_key([ws.template_path(k, p) for k in kept], ws.state_dir)
        if stale:
            click.echo(f"Peringatan: {len(stale)} kertas kerja yang dibiarkan tidak bertanda tangan dengan kunci "
                       "ruang kerja ini (kunci diganti atau dibuat sebelum tanda tangan ada), sehingga akan ditolak "
                       "bila dikirim kembali; tulis ulang dengan --timpa dan kirimkan lagi ke bidang.", err=True)
    if eml:
        written = written + [TemplateInfo(ws.template_path(k, p), k, p, "", len(master.indikator_of(k)))
                             for k in kept]
        from kinerja_batch.drafts import addresses, email_dir, template_drafts

        drafts = template_drafts(ws, master, settings, p, written)
        for info, path in zip(written, drafts, strict=True):
            info_b = master.bidang_info(info.kode_bidang)
            to = ", ".join(a.addr_spec for a in addresses(info_b.get("email", ""))) or "tanpa alamat penerima"
            click.echo(f"  {path.relative_to(ws.root)}  (kepada: {to})")
        click.echo(f"{len(drafts)} draf e-mail ditulis ke {email_dir(ws, p)} (belum dikirim)")
        if not settings.email.pengirim:
            from kinerja_batch.drafts import NO_SENDER_NOTE

            click.echo(f"Catatan: {NO_SENDER_NOTE}")


@cli.command(context_settings=CONTEXT, epilog=EXIT_CODES,
             short_help="Proses berkas baru di inbox/ dan tulis ulang rekap (tiap malam).")
@_workspace_option
@click.option("--periode", "periode", metavar="PERIODE", help="Hanya periode ini untuk rekap, dan periode bagi berkas tanpa metadata.")
@click.option("--dry-run", "dry_run", is_flag=True, help="Lakukan semuanya tanpa memindahkan berkas, menulis buku "
              "besar atau keluaran; tampilkan apa yang akan terjadi.")
@click.option("--json", "as_json", is_flag=True, help="Cetak hasil sebagai JSON (untuk mesin).")
@click.option("--tunggu", is_flag=True, help="Bila proses lain sedang berjalan di ruang kerja ini, tunggu gilirannya alih-alih berhenti.")
@click.pass_context
def run(ctx: click.Context, workspace: Path | None, periode: str | None, dry_run: bool, as_json: bool,
        tunggu: bool) -> None:
    """Proses semua berkas baru di inbox/: validasi, simpan ke buku besar, hitung capaian dan
    predikat, tandai temuan, pindahkan berkas ke arsip atau ditolak, lalu tulis ulang
    outbox/rekap_<periode>.xlsx.

    \b
    Contoh (crontab, tiap malam pukul 23.00):
      0 23 * * *  kinerja-batch -w /srv/kinerja run >> /srv/kinerja/run.log 2>&1
    """

    from kinerja_batch.batch import run as run_batch

    ws = _resolve(ctx, workspace)
    p = _periode_type(periode)
    tty = sys.stderr.isatty() and not as_json
    progress = (lambda text: click.echo(f"\r{text[:78]:<78}", nl=False, err=True)) if tty else None
    report = run_batch(ws, periode=p, dry_run=dry_run, wait=tunggu, progress=progress)
    if tty:
        click.echo("\r" + " " * 78 + "\r", nl=False, err=True)
    _report_and_exit(ctx, report, as_json=as_json)


@cli.command(context_settings=CONTEXT, epilog=EXIT_CODES,
             short_help="Terima berkas yang ditahan karena tidak bertanda tangan.")
@_workspace_option
@click.argument("berkas", nargs=-1, required=True, metavar="BERKAS...")
@click.option("--json", "as_json", is_flag=True, help="Cetak hasil sebagai JSON (untuk mesin).")
@click.option("--tunggu", is_flag=True,
              help="Bila proses lain sedang berjalan di ruang kerja ini, tunggu gilirannya alih-alih berhenti.")
@click.pass_context
def terima(ctx: click.Context, workspace: Path | None, berkas: tuple[str, ...], as_json: bool, tunggu: bool) -> None:
    """Terima berkas yang ditahan di inbox/ditahan/ karena tidak bertanda tangan.

    Berkas tanpa tanda tangan (tanpa metadata kertas kerja, misalnya lembar yang
    disalin ke buku kerja baru) tidak menggantikan kiriman yang sudah diterima dan
    jawaban konfirmasinya tidak diterapkan sampai Subbag Perencanaan memeriksanya.
    Perintah ini membaca berkas itu lagi dan menerimanya (tercatat di buku besar),
    lalu menulis ulang rekap periodenya. Lihat berkas yang ditahan dengan 'status'.

    \b
    Contoh:
      kinerja-batch terima sek_salinan.xlsx
      kinerja-batch -w /srv/kinerja terima "kertas kerja IKP (2).xlsx"
    """

    from kinerja_batch.batch import accept_held

    ws = _resolve(ctx, workspace)
    report = accept_held(ws, list(berkas), wait=tunggu)
    _report_and_exit(ctx, report, as_json=as_json)


@cli.command(context_settings=CONTEXT, epilog=EXIT_CODES,
             short_help="Tampilkan status pengumpulan per bidang (hanya membaca).")
@_workspace_option
@click.option("--periode", "periode", metavar="PERIODE",
              help="Periode, misalnya 2025-TW2 (bawaan: periode aktif di kinerja.toml).")
@click.option("--json", "as_json", is_flag=True, help="Cetak sebagai JSON (untuk mesin).")
@click.pass_context
def status(ctx: click.Context, workspace: Path | None, periode: str | None, as_json: bool) -> None:
    """Tampilkan status pengumpulan kertas kerja per bidang: status, kapan diterima,
    berkas, jumlah indikator terisi dari yang diharapkan, temuan terbuka dan galat,
    serta jumlahnya.

    Hanya membaca buku besar (tidak mengubah apa pun) dan tidak menunggu proses
    yang sedang berjalan; angka yang tampil adalah keadaan terakhir yang sudah tersimpan.

    \b
    Contoh:
      kinerja-batch status
      kinerja-batch -w /srv/kinerja status --periode 2025-TW1
      kinerja-batch status --json > status.json
    """
    import json as json_module

    from kinerja_batch.status import format_status, status_master, status_report

    ws = _resolve(ctx, workspace)
    settings = ws.settings()
    p = _periode_type(periode) or settings.periode_aktif
    master = status_master(ws)  # status only reads: it never writes the master cache
    report = status_report(ws, settings, master, p)
    if as_json:
        click.echo(json_module.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(format_status(report))


@cli.command(context_settings=CONTEXT, epilog=EXIT_CODES,
             short_help="Peragaan seluruh pekerjaan dengan data contoh, satu perintah.")
@click.argument("folder", required=False, default="demo", type=click.Path(file_okay=False, path_type=Path))
@click.option("--paksa", is_flag=True, help="Pakai folder walaupun sudah berisi berkas (isinya ditimpa).")
def demo(folder: Path, paksa: bool) -> None:
    """Peragaan seluruh pekerjaan dengan data contoh bawaan, dalam satu perintah.

    Membuat ruang kerja contoh, menulis kertas kerja TW I dan TW II, mensimulasikan
    kiriman bidang (tepat waktu, terlambat, belum mengirim, angka diketik sebagai teks,
    disimpan ulang dengan LibreOffice bila terpasang, angka janggal, berkas bukan Excel),
    memproses kiriman seperti pemrosesan malam, menjawab lembar konfirmasi sekali
    (satu bidang mengirim revisi yang belum diisi dan ditolak), lalu memproses lagi.
    Ringkasan tiap langkah ditampilkan: berkas diterima dan ditolak beserta alasannya.

    \b
    Contoh:
      kinerja-batch demo            # di folder ./demo
      kinerja-batch demo /tmp/coba
    """
    from kinerja_batch.demo import build_demo

    result = build_demo(folder, say=click.echo, force=paksa)  # says each step and its run's summary
    for note in result.notes:
        click.echo(f"Catatan: {note}")
    root = result.root
    click.echo("")
    click.echo("Hasil yang dapat dibuka:")
    for path in sorted((root / "outbox").glob("rekap_*.xlsx")):
        click.echo(f"  rekap:            {path}")
    for path in sorted((root / "outbox" / "konfirmasi").rglob("*.xlsx")):
        click.echo(f"  lembar konfirmasi: {path}")
    for path in sorted((root / "inbox" / "arsip").rglob("jawaban_konfirmasi_*.xlsx")):
        click.echo(f"  jawaban konfirmasi: {path}")
    click.echo(f"  kertas kerja:     {root / 'templates_xlsx'}")
    click.echo(f"  berkas ditolak:   {root / 'inbox' / 'ditolak'}")
    click.echo(f"Lihat ringkasan kapan saja: kinerja-batch -w {root} status")


@cli.command(context_settings=CONTEXT, epilog=EXIT_CODES,
             short_help="Tutup periode: rekap final, surat pengantar, tolak data baru.")
@_workspace_option
@click.option("--periode", "periode", required=True, metavar="PERIODE", help="Periode yang ditutup, misalnya 2025-TW2.")
@click.option("--tanggal", "tanggal", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="TANGGAL",
              help="Tanggal tanda tangan rekap final dan surat pengantar, TAHUN-BULAN-TANGGAL (bawaan: hari ini).")
@click.option("--nomor", "nomor", default="", metavar="NOMOR", help="Nomor surat pengantar, misalnya 050/123/Diskominfo/2026.")
@click.option("--paksa", is_flag=True, help="Tutup walaupun masih ada bidang yang belum mengumpulkan atau butir "
              "konfirmasi yang terbuka (dicatat di rekap final).")
@click.pass_context
def tutup(ctx: click.Context, workspace: Path | None, periode: str, tanggal: Any, nomor: str, paksa: bool) -> None:
    """Tutup periode: tulis rekap final bertanda FINAL beserta surat pengantar dan tanda
    terima ke outbox/final/, catat di buku besar, dan tolak data baru untuk periode itu
    (PERIODE_DITUTUP). Rekap final tidak pernah ditulis ulang.

    Ditolak selama pemrosesan berjalan. Bila masih ada bidang yang belum mengumpulkan, berkas
    ditolak, atau butir konfirmasi terbuka, semuanya ditampilkan dan periode baru
    ditutup dengan --paksa.

    \b
    Contoh:
      kinerja-batch tutup --periode 2025-TW2 --tanggal 2025-07-20 --nomor 050/123/Diskominfo/2025
    """
    from kinerja_batch.penutupan import close_period, closing_summary

    ws = _resolve(ctx, workspace)
    p = _periode_type(periode)
    result = close_period(ws, p, tanggal=tanggal.date() if tanggal else None, nomor=nomor.strip(), paksa=paksa)
    click.echo(closing_summary(result))


@cli.command(context_settings=CONTEXT, epilog=EXIT_CODES,
             short_help="Buka kembali periode yang sudah ditutup (alasan dicatat).")
@_workspace_option
@click.option("--periode", "periode", required=True, metavar="PERIODE",
              help="Periode yang dibuka kembali, misalnya 2025-TW2.")
@click.option("--alasan", "alasan", required=True, metavar="ALASAN", help="Mengapa dibuka kembali (dicatat di buku besar).")
@click.pass_context
def buka(ctx: click.Context, workspace: Path | None, periode: str, alasan: str) -> None:
    """Buka kembali periode yang sudah ditutup agar data baru diterima lagi. Alasan dan
    waktunya dicatat; rekap final yang sudah ada tetap disimpan, dan penutupan berikutnya
    menulis rekap_<periode>_final_2.xlsx.

    \b
    Contoh:
      kinerja-batch buka --periode 2025-TW2 --alasan "Koreksi realisasi Bidang IKP dari Inspektorat"
    """
    from kinerja_batch.penutupan import reopen_period

    ws = _resolve(ctx, workspace)
    p = _periode_type(periode)
    info = reopen_period(ws, p, alasan)
    click.echo(f"Periode {info['periode']} dibuka kembali. Alasan dicatat: {info['alasan']}")
    click.echo(f"Rekap final sebelumnya tetap ada: {info['berkas_final']}")
    click.echo("Berkas yang tadinya ditolak karena periode ditutup dapat ditaruh kembali di inbox/.")


@cli.command(context_settings=CONTEXT, epilog=EXIT_CODES,
             short_help="Masukkan riwayat realisasi (triwulan dan tahun sebelumnya).")
@_workspace_option
@click.argument("berkas", required=False, metavar="BERKAS",
                type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--templat", is_flag=True, help="Tulis templates_xlsx/riwayat.xlsx, terisi dengan yang sudah ada di buku "
              "besar.")
@click.option("--dry-run", "dry_run", is_flag=True, help="Periksa berkas tanpa menyimpan apa pun.")
@click.option("--timpa", is_flag=True, help="Ganti nilai yang sudah dikirim bidang lewat kertas kerja (tercatat di "
              "audit).")
@click.pass_context
def impor(ctx: click.Context, workspace: Path | None, berkas: Path | None, templat: bool, dry_run: bool,
          timpa: bool) -> None:
    """Masukkan riwayat realisasi: triwulan sebelumnya pada tahun berjalan dan tahun-tahun Renstra
    sebelumnya (lembar "Riwayat": Kode Indikator, Tahun, TW, Realisasi, Realisasi Anggaran (Rp),
    Keterangan; TW kosong = satu tahun penuh). Nilai impor adalah riwayat: tidak pernah terlambat
    dan tidak menimbulkan temuan, tetapi dihitung dalam s.d. TW dan kolom Renstra.

    \b
    Contoh:
      kinerja-batch impor --templat               # tulis templates_xlsx/riwayat.xlsx
      kinerja-batch impor riwayat.xlsx --dry-run  # periksa saja
      kinerja-batch impor riwayat.xlsx            # simpan, lalu jalankan 'kinerja-batch run'
    """
    from kinerja_batch.batch import run_lock
    from kinerja_batch.impor import import_history, write_riwayat_template
    from kinerja_batch.ledger import Ledger
    from kinerja_batch.master import load_master

    ws = _resolve(ctx, workspace)
    if not templat and berkas is None:
        raise click.UsageError("Sebutkan BERKAS riwayat, atau pakai --templat untuk membuat templatnya.")
    settings = ws.settings()
    master = load_master(ws.master_path, cache_dir=ws.state_dir)
    with run_lock(ws), Ledger.open(ws.ledger_path, dry_run=dry_run) as ledger:
        if templat:
            path = write_riwayat_template(ws, settings, master, ledger)
            click.echo(f"Templat riwayat ditulis: {path.relative_to(ws.root)}")
            if berkas is None:
                return
        assert berkas is not None
        report = import_history(ws, settings, master, ledger, berkas, dry_run=dry_run, timpa=timpa)
    verb = "akan disimpan" if dry_run else "disimpan"
    click.echo(f"{report.berkas}: {report.disimpan} nilai {verb} dengan tanda 'impor'"
               + (f", {report.diganti} nilai kiriman bidang diganti (tercatat di audit)" if report.diganti else "")
               + (f", {report.sama} baris sama dengan yang sudah ada" if report.sama else "")
               + f"; {len(report.ditolak)} baris ditolak; {len(report.galat)} galat.")
    for line in report.ditolak:
        click.echo(f"  ditolak: {line}")
    for line in report.galat:
        click.echo(f"  galat: {line}")
    if report.disimpan and not dry_run:
        click.echo("Jalankan 'kinerja-batch run' untuk memperbarui rekap.")
    ctx.exit(1 if report.needs_attention else 0)


def _report_and_exit(ctx: click.Context, report: Any, *, as_json: bool) -> None:
    """Print what a run did (JSON for machines, else the Indonesian summary) and exit 1 when it needs attention."""
    if as_json:
        import json as json_module

        click.echo(json_module.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        from kinerja_batch.summary import run_summary

        click.echo(run_summary(report))
    ctx.exit(1 if report.needs_attention else 0)


def _history(ws: Workspace, periode: Any) -> Any:
    """Accepted values of earlier quarters from the ledger, when there is one."""
    if not ws.ledger_path.exists() or periode.tw == 1:
        return None
    from kinerja_batch.ledger import Ledger

    with Ledger.open(ws.ledger_path) as ledger:
        return ledger.current_values(periode.tahun)


def main() -> None:
    """Console entry point (``kinerja-batch`` and ``python -m kinerja_batch``)."""
    cli(prog_name="kinerja-batch")
