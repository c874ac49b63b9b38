"""What one run did, file by file: the data behind the summary, ``run --json`` and the drafts (commands layer)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

DITAHAN = "ditahan"  # a file without a signature that would replace accepted data: waits for the officer


@dataclass
class FileOutcome:
    berkas: str
    hasil: str  # diterima / ditolak / ditahan / duplikat / ditinggal / konfirmasi
    kode: str = ""
    pesan: str = ""
    kode_bidang: str = ""
    periode: str = ""
    lokasi: str = ""
    terisi: int = 0
    galat: int = 0
    peringatan: int = 0
    # held open by another program (Windows): recorded, but still in inbox/ (lokasi); the next run moves it
    tertahan: bool = False


@dataclass
class RunReport:
    run_id: int | None
    dry_run: bool
    started: str
    files: list[FileOutcome] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    rekap: list[str] = field(default_factory=list)
    konfirmasi: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    status: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # periode -> per-bidang rows
    tidak_berubah: list[str] = field(default_factory=list)  # rekap left as they were: nothing new
    # rekap held open by another program (Excel on Windows): its path -> where the new one was written instead
    rekap_baru: dict[str, str] = field(default_factory=dict)
    waktu: dict[str, float] = field(default_factory=dict)  # seconds per phase: berkas, keluaran
    temuan_terbuka: int = 0
    catatan: list[str] = field(default_factory=list)  # notes for the person reading the summary
    keadaan: dict[str, str] = field(default_factory=dict)  # periode -> terbuka / ditutup pada ... (issue 12)
    peringatan_master: list[str] = field(default_factory=list)  # the master's warnings (it is still used)

    def count(self, hasil: str) -> int:
        return sum(1 for f in self.files if f.hasil == hasil)

    @property
    def n_galat(self) -> int:
        return sum(f.galat for f in self.files)

    @property
    def needs_attention(self) -> bool:
        return self.count("ditolak") > 0 or self.count(DITAHAN) > 0 or self.n_galat > 0

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["jumlah"] = {h: self.count(h) for h in ("diterima", "konfirmasi", "ditolak", DITAHAN, "duplikat",
                                                  "ditinggal")}
        d["jumlah"]["diabaikan"] = len(self.ignored)
        d["jumlah"]["galat"] = self.n_galat
        d["perlu_tindak_lanjut"] = self.needs_attention
        return d
