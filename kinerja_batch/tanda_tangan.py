"""Signed forms (issue 10 §5): every kertas kerja and confirmation workbook carries what it was issued for.

Layer: intake. Uses the standard library, :mod:`layout`, :mod:`findings` and (to record issued forms) the
ledger; checking a returned form takes the ledger row from the caller.

The workspace keeps a secret of 32 random bytes in ``.kinerja/kunci_tanda_tangan`` (made on first need,
mode 0600 where the OS has modes). Each form's metadata holds its kind, bidang, period, id, locked-content
hash and the key's fingerprint, and ``tanda_tangan``: an HMAC-SHA256 over a canonical serialisation of
those fields. The ledger records every issued id (table ``formulir``).

On reading, :func:`check` decides: the form is signed and was issued for this bidang and period
(``SAH``); it carries no signature at all (``TANPA``: no metadata, or metadata written before forms were
signed); or it is rejected with ``TANDA_TANGAN_TIDAK_SAH`` naming what does not match.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kinerja_batch import findings as F
from kinerja_batch import layout

KEY_NAME = "kunci_tanda_tangan"
KEY_BYTES = 32
SIGNATURE_VERSION = "1"

# what the signature covers (metadata keys); order does not matter: the serialisation sorts them
SIGNED_KEYS = ("jenis", "template_id", "kode_bidang", "periode", "hash_terkunci", "sidik_kunci")

SAH = "sah"  # signed with this workspace's key and issued for this bidang and period
TANPA = "tanpa"  # no signature: a file without metadata, or a form made before forms were signed

_KIND_LABEL = {layout.KIND_KERTAS_KERJA: "kertas kerja", layout.KIND_KONFIRMASI: "lembar konfirmasi"}


def key_path(state_dir: Path) -> Path:
    return state_dir / KEY_NAME


def workspace_key(state_dir: Path, *, create: bool = True) -> bytes:
    """The workspace's secret; made on first need when ``create``, else a throwaway key (a dry run changes
    nothing on disk: with no key there is nothing this workspace signed, so every signature fails)."""
    path = key_path(state_dir)
    try:
        return _read_key(path)
    except FileNotFoundError:
        if not create:
            return secrets.token_bytes(KEY_BYTES)
    state_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{KEY_NAME}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_bytes(KEY_BYTES).hex() + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # atomic and never over an existing key: two processes agree on one
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            try:
                fd2 = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd2, "w", encoding="ascii") as fh:
                    fh.write(tmp.read_text(encoding="ascii"))
    finally:
        tmp.unlink(missing_ok=True)
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    from kinerja_batch.errors import KinerjaError

    text = path.read_text(encoding="ascii", errors="replace").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise KinerjaError(
            f"Kunci tanda tangan ruang kerja {path} rusak (isinya bukan kunci). Pulihkan berkas itu dari cadangan; "
            "bila tidak ada cadangan, hapus berkasnya (kunci baru dibuat otomatis, tetapi kertas kerja dan lembar "
            "konfirmasi yang sudah dibagikan tidak dapat diverifikasi lagi: terbitkan ulang dengan "
            "'kinerja-batch templates')."
        )
    return key


def fingerprint(key: bytes) -> str:
    """A short public name of a key (never the key): tells 'signed with another key' from 'forged'."""
    return hashlib.sha256(b"kinerja-batch sidik kunci\0" + key).hexdigest()[:16]


def canonical(meta: Mapping[str, Any]) -> bytes:
    """The bytes the signature covers: the signed fields as compact JSON with sorted keys."""
    fields = {k: str(meta.get(k, "") or "").strip() for k in SIGNED_KEYS}
    fields["versi_tanda_tangan"] = SIGNATURE_VERSION
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign(key: bytes, meta: Mapping[str, Any]) -> str:
    return hmac.new(key, canonical(meta), hashlib.sha256).hexdigest()


def signed_meta(key: bytes, meta: Mapping[str, str]) -> dict[str, str]:
    """``meta`` plus the key's fingerprint and the signature (written last in the metadata sheet)."""
    out = {**meta, "sidik_kunci": fingerprint(key)}
    out["tanda_tangan"] = sign(key, out)
    return out


@dataclass(frozen=True)
class Issued:
    """One form about to be written: what the ledger records before the file exists."""

    id: str
    jenis: str
    kode_bidang: str
    periode: str
    hash_terkunci: str
    berkas: str = ""


def issue(ledger_path: Path, state_dir: Path, forms: list[Issued]) -> bytes:
    """Record every form in the ledger (one transaction) before any of them is written; return the key."""
    from kinerja_batch.ledger import Ledger

    key = workspace_key(state_dir)
    if forms:
        with Ledger.open(ledger_path) as ledger:
            ledger.record_issued(forms, fingerprint(key))
    return key


def signed_with_another_key(paths: list[Path], state_dir: Path) -> list[Path]:
    """Forms already written whose signature is not of this workspace's current key (the key was lost and
    replaced): they would be rejected when they come back, so they must be written again."""
    from python_calamine import CalamineWorkbook

    if not paths or not key_path(state_dir).exists():
        return []
    current = fingerprint(workspace_key(state_dir))
    out = []
    for path in paths:
        try:
            wb = CalamineWorkbook.from_path(str(path))
            rows = wb.get_sheet_by_name(layout.SHEET_META).to_python() if layout.SHEET_META in wb.sheet_names else []
            wb.close()
        except Exception:  # an unreadable form is not ours to judge here
            continue
        meta = {str(r[0]): str(r[1]) for r in rows if len(r) >= 2 and r[0]}
        if meta.get("sidik_kunci") != current:
            out.append(path)
    return out


# ------------------------------------------------------------------------------------------------
# reading


@dataclass(frozen=True)
class Verdict:
    status: str  # SAH or TANPA
    form_id: str = ""
    reason: str = ""  # why a file counts as unsigned (Indonesian, for messages)


def check(meta: Mapping[str, str], *, jenis: str, kode_bidang: str, periode: str, key: bytes, issued: Any,
          file: str) -> Verdict | F.Finding:
    """What a returned form's metadata proves. ``issued`` is the ledger's row for the id the metadata names
    (or None). Returns a Verdict, or the TANDA_TANGAN_TIDAK_SAH finding that rejects the file."""
    what = _KIND_LABEL.get(jenis, "berkas")
    if not meta.get("jenis") and not meta.get("kode_bidang"):
        return Verdict(TANPA, reason="tanpa metadata kertas kerja: lembar disalin ke buku kerja baru atau "
                                     "hasil ekspor aplikasi lain")
    signature = str(meta.get("tanda_tangan", "")).strip().lower()
    form_id = str(meta.get("template_id", "")).strip()
    if not signature:
        return Verdict(TANPA, form_id, reason=f"metadata {what} tanpa tanda tangan: dibuat sebelum kertas kerja "
                                              "ditandatangani, atau tanda tangannya dihapus")

    def reject(detail: str, *, as_issued: bool = False) -> F.Finding:
        # a form whose metadata was changed belongs to the bidang and period it was issued for, not to the
        # ones it claims (the rekap must not show a bidang that sent nothing as 'Ditolak')
        owner = issued if as_issued and issued is not None else {"kode_bidang": kode_bidang, "periode": periode}
        return F.make("TANDA_TANGAN_TIDAK_SAH", file=file, bidang=owner["kode_bidang"], periode=owner["periode"],
                      value=form_id or "(tanpa ID)", detail=detail, jenis=what)

    claimed = str(meta.get("sidik_kunci", "")).strip()
    if claimed and claimed != fingerprint(key):
        return reject(f"{what} ini ditandatangani dengan kunci lain, bukan kunci ruang kerja ini (kunci ruang "
                      "kerja diganti setelah berkas diterbitkan, atau berkas berasal dari ruang kerja lain)")
    differences = _differences(issued, meta, jenis, kode_bidang, periode) if issued is not None else []
    if not hmac.compare_digest(signature, sign(key, meta)):
        if issued is None:
            return reject(f"tanda tangan tidak cocok dengan metadata, dan ID {form_id or '(kosong)'} tidak pernah "
                          "diterbitkan oleh ruang kerja ini; metadata telah diubah")
        if differences:
            return reject("metadata telah diubah: " + "; ".join(differences), as_issued=True)
        return reject("tanda tangan tidak cocok dengan metadata; tanda tangan atau isi metadata telah diubah",
                      as_issued=True)
    if issued is None:
        return reject(f"ID {form_id} tidak pernah diterbitkan oleh ruang kerja ini (berkas dari salinan ruang "
                      "kerja lain, atau buku besar dipulihkan dari cadangan lama)")
    if differences:
        return reject("; ".join(differences))
    return Verdict(SAH, form_id)


def _differences(issued: Any, meta: Mapping[str, str], jenis: str, kode_bidang: str, periode: str) -> list[str]:
    """What the metadata says that the issued form does not: each as 'metadata menyebut X, ... diterbitkan Y'."""
    out = []
    fid = issued["id"]
    if issued["jenis"] != jenis:
        out.append(f"metadata menyebut jenis {_KIND_LABEL.get(jenis, jenis)}, padahal formulir {fid} diterbitkan "
                   f"sebagai {_KIND_LABEL.get(issued['jenis'], issued['jenis'])}")
    if issued["kode_bidang"] != kode_bidang:
        out.append(f"metadata menyebut bidang {kode_bidang}, padahal formulir {fid} diterbitkan untuk bidang "
                   f"{issued['kode_bidang']}")
    if issued["periode"] != periode:
        out.append(f"metadata menyebut periode {periode}, padahal formulir {fid} diterbitkan untuk periode "
                   f"{issued['periode']}")
    if issued["hash_terkunci"] and str(meta.get("hash_terkunci", "")).strip() != issued["hash_terkunci"]:
        out.append(f"sidik isi terkunci di metadata berbeda dari yang dicatat saat formulir {fid} diterbitkan")
    return out
