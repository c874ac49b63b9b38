"""Indonesian text a person reads after a run (the CLI prints it; cron mails it).

Layer: commands (../shared/docs/architecture.md); it may import writers, model, intake, store, rules, foundation.
"""

from __future__ import annotations

from pathlib import PurePath

from kinerja_batch.report import FileOutcome, RunReport
from kinerja_batch.status import open_by_code, per_code_text

_LABEL = {
    "diterima": "diterima",
    "konfirmasi": "jawaban konfirmasi",
    "ditolak": "ditolak",
    "ditahan": "ditahan (menunggu persetujuan)",
    "duplikat": "duplikat",
    "ditinggal": "ditinggal untuk proses berikutnya",
}


def run_summary(report: RunReport) -> str:
    """A short summary: counts, each file's fate, per-bidang status, where the rekap is."""
    lines = []
    head = "Simulasi (--dry-run): tidak ada yang diubah." if report.dry_run else f"Proses ke-{report.run_id} selesai."
    lines.append(head)
    counts = ", ".join(f"{report.count(k)} {label}" for k, label in _LABEL.items())
    lines.append(f"Berkas: {counts}; {len(report.ignored)} diabaikan.")
    for f in report.files:
        where = f" -> {f.lokasi}" if f.lokasi else ""
        what = f.kode + ": " if f.kode else ""
        extra = f" ({f.kode_bidang} {f.periode})" if f.kode_bidang else ""
        detail = f"{what}{f.pesan}".strip()
        galat = f"; {f.galat} galat" if f.galat else ""
        lines.append(f"  [{_LABEL.get(f.hasil, f.hasil)}] {f.berkas}{extra}{where}")
        if detail or galat:
            lines.append(f"      {detail}{galat}")
        if f.hasil == "ditolak" and not report.dry_run:
            lines.append(f"      {_rejection_mail(report, f)}")
    for periode, rows in report.status.items():
        state = report.keadaan.get(periode)
        opened = not state or state == "terbuka"
        lines.append(f"Status pengumpulan {periode}" + ("" if opened else f" (periode {state})") + ":")
        for r in rows:
            tail = []
            if r["temuan_terbuka"]:
                tail.append(f"{r['temuan_terbuka']} temuan terbuka")
            if r["galat"]:
                tail.append(f"{r['galat']} galat")
            extra = f" ({', '.join(tail)})" if tail else ""
            lines.append(f"  {r['kode_bidang']:<10} {r['status']:<22} {r['terisi']}/{r['diharapkan']} terisi{extra}")
        per_code = open_by_code(rows)
        if per_code:
            lines.append(f"  Perlu konfirmasi per kode: {per_code_text(per_code)}")
    held = {new: old for old, new in report.rekap_baru.items()}
    for path in report.rekap:
        if path in held:
            lines.append(f"Rekap: {path} — {held[path]} sedang dibuka program lain sehingga tidak dapat diganti; "
                         "rekap terbaru ditulis di sampingnya. Tutup berkas lama; pemrosesan berikutnya menulis ke nama "
                         "biasa lagi.")
        elif path in report.tidak_berubah:
            lines.append(f"Rekap tidak berubah (tidak ada data baru): {path}")
        else:
            lines.append(("Rekap akan ditulis: " if report.dry_run else "Rekap: ") + path)
    for path in report.konfirmasi:
        lines.append(("Lembar konfirmasi akan ditulis: " if report.dry_run else "Lembar konfirmasi: ") + path)
    if report.peringatan_master:
        lines.append(f"Peringatan master indikator ({len(report.peringatan_master)}; master tetap dipakai):")
        lines += [f"  {w}" for w in report.peringatan_master]
    if report.drafts:
        lines.append(f"Draf surel ({len(report.drafts)}, tidak dikirim): "
                     + ", ".join(sorted({str(PurePath(d).parent) for d in report.drafts})))
    for note in report.catatan:
        lines.append(f"Catatan: {note}")
    if report.count("ditahan"):
        lines.append("Berkas ditahan karena tidak bertanda tangan: periksa isinya, lalu terima dengan "
                     "'kinerja-batch terima NAMA_BERKAS' (alasan di inbox/ditahan/).")
    if report.needs_attention:
        lines.append("Perlu tindak lanjut: ada berkas ditolak, ditahan atau galat; lihat alasan di inbox/ditolak/, "
                     "inbox/ditahan/ dan rekap.")
    return "\n".join(lines)


def _rejection_mail(report: RunReport, f: FileOutcome) -> str:
    """Whether the rejected file got a draft to its bidang, and which."""
    from kinerja_batch.config import safe_filename

    if f.kode_bidang:
        stem = safe_filename(PurePath(f.berkas).stem)[:40].strip("._") or "berkas"
        drafts = [d for d in report.drafts
                  if PurePath(d).name.startswith(f"ditolak_{safe_filename(f.kode_bidang)}_")
                  and PurePath(d).stem.endswith(f"_{stem}")]
        if drafts:
            return f"Draf e-mail penolakan ke bidang {f.kode_bidang}: {drafts[0]}"
        if any(row["kode_bidang"] == f.kode_bidang for rows in report.status.values() for row in rows):
            return (f"Tanpa draf e-mail: bidang {f.kode_bidang} sudah mengirim kertas kerja lain yang diterima "
                    "sesudahnya.")
        return (f"Tanpa draf e-mail: bidang {f.kode_bidang} tidak ada di master; beri tahu pengirimnya langsung "
                "(alasan ada di inbox/ditolak/).")
    return ("Tanpa draf e-mail: bidang pengirimnya tidak diketahui dari isi berkas; beri tahu pengirimnya langsung "
            "(alasan ada di inbox/ditolak/).")
