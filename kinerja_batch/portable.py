"""What makes a workspace work the same on Windows, macOS and Linux: names and files held open.

Most planning offices run Windows, and a workspace may live on a share or be copied between
systems, so every name the run gives a file is one that all of them accept, whatever system runs:

- :func:`portable_name`: no character Windows forbids (``<>:"/\\|?*`` and control characters), no
  reserved device name (``CON``, ``aux.xlsx``), no trailing dot or space;
- :func:`path_fits`: the whole path within Windows' 260 characters (``MAX_PATH``), so the archive can
  be opened by Explorer and Excel without long-path support;
- names compared without case (:func:`folded`) when choosing a free one, because NTFS and APFS
  treat ``Laporan.xlsx`` and ``laporan.xlsx`` as the same file.

On Windows a file open in Excel can be neither replaced nor moved (``PermissionError``);
:func:`replace_or_beside` writes a new output beside the one held open instead of failing.
Only the standard library: anything may import this module.

Layer: foundation (../shared/docs/architecture.md); it may import nothing of the package.
"""

from __future__ import annotations

import contextlib
import glob
import os
import sys
from pathlib import Path

# Windows refuses these in a name (and the control characters 0-31).
_FORBIDDEN = frozenset('<>:"/\\|?*') | frozenset(chr(i) for i in range(32))
# Device names Windows reserves whatever the extension ("aux.xlsx" opens the AUX device).
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"{dev}{n}" for dev in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)
# MAX_PATH is 260 UTF-16 units with the terminating NUL.
MAX_PATH = 259


def portable_name(name: str) -> str:
    """``name`` as every system accepts it: forbidden characters become ``_``, a reserved device name
    gets ``_`` after its stem (``aux.xlsx`` -> ``aux_.xlsx``), trailing dots and spaces go."""
    clean = "".join("_" if ch in _FORBIDDEN else ch for ch in name).rstrip(" .") or "_"
    stem, dot, rest = clean.partition(".")
    if stem.rstrip(" ").upper() in _RESERVED:
        clean = stem.rstrip(" ") + "_" + dot + rest
    return clean


def is_reserved(name: str) -> bool:
    """True when Windows reads ``name`` as a device (``CON``, ``nul.txt``, ``COM1.xlsx``)."""
    return name.partition(".")[0].rstrip(" ").upper() in _RESERVED


def path_units(path: Path | str) -> int:
    """Length of a path as Windows counts it (UTF-16 units)."""
    return len(str(path).encode("utf-16-le")) // 2


def path_fits(path: Path | str, extra: int = 0) -> bool:
    """True when ``path`` (plus ``extra`` characters written beside it) stays within ``MAX_PATH``."""
    return path_units(path) + extra <= MAX_PATH


def folded(name: str) -> str:
    """A name as a case-insensitive file system compares it."""
    return name.casefold()


def replace_or_beside(tmp: Path | str, path: Path, beside: str = "baru") -> Path:
    """``os.replace(tmp, path)``; when ``path`` is held open by another program (Windows refuses with
    ``PermissionError``), ``tmp`` goes to ``<stem> (baru)<suffix>`` beside it instead (then ``(baru 2)``
    ...). Returns where the file now is. After a successful replace, a ``(baru)`` copy an earlier run
    left beside ``path`` is removed: ``path`` is the current one again."""
    try:
        os.replace(tmp, path)
    except PermissionError:
        for n in range(1, 100):
            label = beside if n == 1 else f"{beside} {n}"
            alt = path.with_name(f"{path.stem} ({label}){path.suffix}")
            try:
                os.replace(tmp, alt)
            except PermissionError:
                continue
            return alt
        raise
    pattern = f"{glob.escape(path.stem)} ({beside}*){glob.escape(path.suffix)}"
    for old in path.parent.glob(pattern):
        with contextlib.suppress(OSError):  # itself open somewhere: it stays, harmless
            old.unlink()
    return path


def release_memory() -> None:
    """Give the memory a finished step freed back to the system, so that the next step's peak does not
    stack on top of it: a garbage collection (pandas leaves reference cycles), then glibc's
    ``malloc_trim`` (glibc otherwise keeps freed heap pages for the process; Dask's workers trim the
    same way). Measured at 200 x 150 with twelve quarters: the run's peak 302 -> 253 MB. Nothing more
    where there is no glibc (Windows, macOS, musl)."""
    import gc

    gc.collect()
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):  # another C library
        ctypes.CDLL("libc.so.6").malloc_trim(0)

