"""Indonesian for what ``tomllib`` says about a kinerja.toml it cannot parse (foundation layer).

tomllib reports in English ("Cannot declare ('kantor',) twice (at line 12, column 8)"). The
planning officer edits kinerja.toml in Notepad; they need the line, the column, the line itself,
and what to do. The common messages are mapped one by one; anything else falls back to a general
Indonesian sentence with the same line and column.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

_POSITION = re.compile(r"\s*\(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)\s*$")


def _names(raw: str) -> str:
    """``('kantor',)`` / ``('a', 'b')`` as ``kantor`` / ``a.b``."""
    try:
        parts = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return raw.strip("()'\", ")
    if isinstance(parts, tuple):
        return ".".join(str(p) for p in parts)
    return str(parts)


_QUOTES = 'Teks ditulis di antara tanda kutip lurus ("...") pada satu baris'

# (pattern of tomllib's message, Indonesian text from the match)
_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"Cannot declare (?P<k>.+) twice"),
     lambda m: f"judul tabel [{_names(m['k'])}] ditulis dua kali. Gabungkan semua isinya di bawah satu judul "
               f"[{_names(m['k'])}] dan hapus judul yang kedua"),
    (re.compile(r"Cannot overwrite a value"),
     lambda m: "kunci yang sama diberi nilai dua kali (atau nama tabel sama dengan nama kunci). Hapus salah satu "
               "baris sehingga tiap kunci hanya ditulis sekali"),
    (re.compile(r"Cannot (?:mutate immutable namespace|redefine namespace) (?P<k>.+)"),
     lambda m: f"tabel {_names(m['k'])} sudah ditulis di tempat lain. Tulis isinya di bawah satu judul tabel saja"),
    (re.compile(r"Expected '=' after a key in a key/value pair"),
     lambda m: "setelah nama kunci harus ada tanda '=' lalu nilainya, misalnya kota = \"Sukamaju\". Baris komentar "
               "diawali tanda '#'"),
    (re.compile(r"Expected newline or end of document after a statement"),
     lambda m: "setelah nilai, baris harus berakhir (komentar boleh, diawali '#'). Mungkin ada dua pengaturan di "
               f"satu baris, atau teks tanpa tanda kutip. {_QUOTES}"),
    (re.compile(r"Invalid statement"),
     lambda m: "baris ini bukan pengaturan yang sah. Tulis nama = nilai (misalnya tahun = 2025), judul tabel dalam "
               "kurung siku (misalnya [kantor]), atau komentar diawali '#'"),
    (re.compile(r"Invalid value"),
     lambda m: f"nilainya tidak dikenal. {_QUOTES}, angka tanpa tanda kutip dengan titik desimal (misalnya 3.5, "
               "bukan 3,5), tanggal tanpa tanda kutip sebagai TAHUN-BULAN-TANGGAL (misalnya 2025-04-10)"),
    (re.compile(r"Unterminated string"),
     lambda m: f"teks tidak ditutup: tanda kutip pembuka tidak punya pasangan di baris yang sama. {_QUOTES}"),
    (re.compile(r"Illegal character '\\n'"),
     lambda m: f"teks tidak ditutup: tanda kutip pembuka tidak punya pasangan di baris yang sama. {_QUOTES}"),
    (re.compile(r"Illegal character (?P<c>.+)"),
     lambda m: f"karakter {m['c']} tidak boleh ada di dalam teks. Hapus karakter itu, atau ketik ulang barisnya"),
    (re.compile(r"Unescaped '\\' in a string"),
     lambda m: "garis miring terbalik (\\) di dalam teks \"...\" harus ditulis dua kali (\\\\), atau tulis teksnya "
               "di antara tanda kutip tunggal ('C:\\folder')"),
    (re.compile(r"Expected '\]' at the end of a table declaration"),
     lambda m: "judul tabel harus ditutup dengan ']', misalnya [kantor]"),
    (re.compile(r"Expected '\]\]' at the end of an array declaration"),
     lambda m: "judul daftar tabel harus ditutup dengan ']]'"),
    (re.compile(r"Invalid initial character for a key part"),
     lambda m: "nama kunci diawali karakter yang tidak sah. Nama kunci hanya berisi huruf, angka, '_' dan '-' "
               "(misalnya tunggu_menit); nama lain, seperti \"2025-TW1\", ditulis di antara tanda kutip"),
    (re.compile(r"Unclosed array"),
     lambda m: "daftar yang dibuka dengan '[' tidak ditutup dengan ']'"),
    (re.compile(r"Unclosed inline table"),
     lambda m: "tabel yang dibuka dengan '{' tidak ditutup dengan '}' pada baris yang sama"),
    (re.compile(r"Duplicate inline table key (?P<k>.+)"),
     lambda m: f"kunci {m['k']} ditulis dua kali di dalam {{ }}. Hapus salah satunya"),
    (re.compile(r"Invalid date or datetime"),
     lambda m: "tanggal tidak valid. Tulis tanggal yang ada, tanpa tanda kutip, sebagai TAHUN-BULAN-TANGGAL, "
               "misalnya 2025-04-10"),
    (re.compile(r"Invalid hex value|Escaped character is not a Unicode scalar value"),
     lambda m: "kode \\u atau \\U di dalam teks tidak valid. Ketik karakternya langsung"),
    (re.compile(r"Found invalid character (?P<c>.+)"),
     lambda m: f"karakter {m['c']} tidak sah di sini"),
    (re.compile(r"Expected (?P<c>.+)"),
     lambda m: f"seharusnya ada {m['c']} di sini"),
]

GENERIC = "isi berkas tidak sesuai aturan penulisan TOML"


def translate(message: str) -> tuple[str, int | None, int | None]:
    """(Indonesian text, line, column) of a ``TOMLDecodeError`` message; line/column None when unknown."""
    line = col = None
    position = _POSITION.search(message)
    core = message
    if position:
        core = message[: position.start()]
        if position["line"]:
            line, col = int(position["line"]), int(position["col"])
    for pattern, text in _RULES:
        match = pattern.fullmatch(core.strip())
        if match:
            return text(match), line, col
    return GENERIC, line, col


def describe(path: Path, text: str, message: str) -> str:
    """The whole Indonesian message for a kinerja.toml that does not parse: where, the line, what to do."""
    what, line, col = translate(message)
    if line is None:
        where = "di akhir berkas" if "end of document" in message else ""
        shown = ""
    else:
        where = f"baris {line}, kolom {col}"
        lines = text.splitlines()
        shown = ""
        if 1 <= line <= len(lines):
            shown = f"\n  baris {line}: {lines[line - 1].rstrip()}\n  {' ' * len(f'baris {line}: ')}" \
                    f"{' ' * max(0, (col or 1) - 1)}^"
    if line is not None and re.search(r"=\s*[-+]?\d+,\d", (text.splitlines() or [""])[min(line, len(text.splitlines())) - 1]):
        what += ". Angka desimal ditulis dengan titik, misalnya 3.5 (bukan 3,5)"
    head = f"Berkas pengaturan {path} tidak dapat dibaca" + (f" ({where})" if where else "")
    return (f"{head}: {what}.{shown}\nPerbaiki baris itu di Notepad atau penyunting teks lain, simpan, "
            "lalu jalankan perintahnya lagi.")
