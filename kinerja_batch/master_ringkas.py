"""What ``status`` needs of the master, kept beside the master cache: the Bidang sheet and the number of
indicators of each bidang (``.kinerja/master_ringkas.json``), keyed like the cache by the master's sha256,
the tool version and the format.

Foundation layer, without pandas: ``status`` answers in a fraction of a second at a province's 1,000
bidang because it neither parses the master workbook nor reads the 150,000-indicator cache (issue 11 §3).
:func:`kinerja_batch.master.load_master` writes the summary whenever it writes (or reads) the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUMMARY_NAME = "master_ringkas.json"
SUMMARY_FORMAT = "1"


@dataclass(frozen=True)
class MasterRingkas:
    """The Bidang sheet (rows as dicts, master order) and how many indicators each bidang has."""

    bidang: list[dict[str, str]]
    jumlah_indikator: dict[str, int]
    sha256: str


def summary_of(master: Any) -> MasterRingkas:
    """The summary of a loaded :class:`kinerja_batch.master.Master` (or a summary itself)."""
    if isinstance(master, MasterRingkas):
        return master
    counts = master.indikator["kode_bidang"].value_counts()
    return MasterRingkas([{k: str(v) for k, v in row.items()} for row in master.bidang.to_dict("records")],
                         {str(k): int(v) for k, v in counts.items()}, master.sha256)


def _key(sha256: str) -> dict[str, str]:
    from kinerja_batch import __version__

    return {"sha256": sha256, "versi_alat": __version__, "format": SUMMARY_FORMAT}


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_summary(cache_dir: Path, sha256: str) -> MasterRingkas | None:
    """The stored summary of the master with these bytes, or None (absent, stale, unreadable)."""
    try:
        stored = json.loads((cache_dir / SUMMARY_NAME).read_text(encoding="utf-8"))
        if stored.get("kunci") != _key(sha256):
            return None
        bidang = [{str(k): str(v) for k, v in row.items()} for row in stored["bidang"]]
        counts = {str(k): int(v) for k, v in stored["jumlah_indikator"].items()}
        if any("kode_bidang" not in row for row in bidang):
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # only a shortcut: when in doubt, read the master
    return MasterRingkas(bidang, counts, sha256)


def write_summary(cache_dir: Path, master: Any) -> None:
    """Store the summary of a valid master (atomically; a failure to write is not an error)."""
    summary = summary_of(master)
    stored = {"kunci": _key(summary.sha256), "bidang": summary.bidang, "jumlah_indikator": summary.jumlah_indikator}
    tmp = None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp_ringkas_", suffix=".json", dir=cache_dir)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(stored, fh, ensure_ascii=False, separators=(",", ":"))
        os.chmod(tmp, 0o644)
        os.replace(tmp, cache_dir / SUMMARY_NAME)
        tmp = None
    except (OSError, ValueError):
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
