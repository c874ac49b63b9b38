"""Bahasa Indonesia for the words click itself prints (usage, option errors, help headings).

click looks its texts up through ``gettext``; we give its modules a lookup that answers in
Indonesian for the texts our users can meet, and falls back to English for the rest. The usage
placeholders (``[OPTIONS]``, ``COMMAND [ARGS]...``) and the type names of option values (``TEXT``)
are not looked up by click: :class:`Command` and :class:`Group` set them.

Layer: face (../shared/docs/architecture.md); it may import commands, writers, model, intake, store, rules, foundation.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

OPTIONS_METAVAR = "[OPSI]"
SUBCOMMAND_METAVAR = "PERINTAH [ARGUMEN]..."

_TEXTS = {
    "Usage:": "Penggunaan:",
    "Options": "Opsi",
    "Commands": "Perintah",
    "Positional arguments": "Argumen",
    "Show this message and exit.": "Tampilkan bantuan ini lalu keluar.",
    "Show the version and exit.": "Tampilkan versi lalu keluar.",
    "%(prog)s, version %(version)s": "%(prog)s, versi %(version)s",
    "Error: {message}": "Galat: {message}",
    "Try '{command} {option}' for help.": "Coba '{command} {option}' untuk bantuan.",
    "No such command {name!r}.": "Perintah {name!r} tidak ada.",
    "No such option {name!r}.": "Opsi {name!r} tidak ada.",
    "No such option: {name}": "Opsi {name} tidak ada.",
    "Missing command.": "Perintah belum disebut.",
    "Missing argument": "Argumen belum diisi",
    "Missing option": "Opsi wajib belum diisi",
    "Missing parameter": "Parameter belum diisi",
    "Missing {param_type}": "{param_type} belum diisi",
    "Missing parameter: {param_name}": "Parameter belum diisi: {param_name}",
    "Invalid value for {param_hint}: {message}": "Nilai tidak valid untuk {param_hint}: {message}",
    "Invalid value: {message}": "Nilai tidak valid: {message}",
    "Option {name!r} does not take a value.": "Opsi {name!r} tidak menerima nilai.",
    "Argument {name!r} takes {nargs} values.": "Argumen {name!r} memerlukan {nargs} nilai.",
    "Invalid start character for option ({option})": "Karakter awal opsi tidak valid ({option})",
    "Value must be an iterable.": "Nilai harus berupa daftar.",
    "Aborted!": "Dibatalkan.",
    "default: {default}": "bawaan: {default}",
    "required": "wajib",
    "(dynamic)": "(dinamis)",
    "unknown error": "galat tidak dikenal",
    "Could not open file {filename!r}: {message}": "Berkas {filename!r} tidak dapat dibuka: {message}",
    "{value!r} is not a valid {number_type}.": "{value!r} bukan {number_type} yang valid.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} bukan nilai ya/tidak yang valid. Nilai yang dikenal: {states}",
    "{value} is not in the range {range}.": "{value} di luar rentang {range}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} tidak ada.",
    "{name} {filename!r} is a file.": "{name} {filename!r} adalah berkas, bukan folder.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} adalah folder, bukan berkas.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} tidak dapat dibaca.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} tidak dapat ditulisi.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} tidak dapat dijalankan.",
    "directory": "folder",
    "file": "berkas",
    "path": "jalur",
    "integer": "bilangan bulat",
    "float": "angka",
    "Choose from:\n\t{choices}": "Pilih salah satu:\n\t{choices}",
}

# singular msgid -> (Indonesian singular, Indonesian plural); Indonesian nouns do not inflect, but
# click's English plural texts differ in wording, so both forms are given.
_PLURALS = {
    "Got unexpected extra argument ({args})": ("Argumen tambahan tidak dikenal ({args})",
                                               "Argumen tambahan tidak dikenal ({args})"),
    "Option {name!r} requires an argument.": ("Opsi {name!r} memerlukan nilai.",
                                              "Opsi {name!r} memerlukan {nargs} nilai."),
    "{value!r} is not {choice}.": ("{value!r} bukan {choice}.", "{value!r} bukan salah satu dari {choices}."),
    "Takes {nargs} values but 1 was given.": ("Memerlukan {nargs} nilai tetapi hanya 1 diberikan.",
                                              "Memerlukan {nargs} nilai tetapi {len} diberikan."),
    "Did you mean {possibility}?": ("Maksudnya {possibility}?", "(Maksudnya salah satu dari: {possibilities}?)"),
    "{value!r} does not match the format {format}.": ("{value!r} tidak sesuai format {format}.",
                                                      "{value!r} tidak sesuai format {formats}."),
    "{len_type} values are required, but {len_value} was given.": (
        "Diperlukan {len_type} nilai, tetapi {len_value} diberikan.",
        "Diperlukan {len_type} nilai, tetapi {len_value} diberikan."),
}


def _gettext(message: str) -> str:
    return _TEXTS.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    if singular in _PLURALS:
        one, many = _PLURALS[singular]
        return one if n == 1 else many
    return singular if n == 1 else plural


def install() -> None:
    """Point click's message lookups at the Indonesian texts (idempotent)."""
    for name in ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]


class Command(click.Command):
    """A command whose usage line reads ``[OPSI]`` instead of ``[OPTIONS]``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)


class Group(click.Group):
    """A group whose usage line reads ``[OPSI] PERINTAH [ARGUMEN]...``; its commands are :class:`Command`."""

    command_class = Command

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        kwargs.setdefault("subcommand_metavar", SUBCOMMAND_METAVAR)
        super().__init__(*args, **kwargs)


def _first_sentence(text: str) -> str:
    """The help's first sentence, whole (click would cut it at 45 characters with '...')."""
    paragraph = " ".join(text.strip().split("\n\n", 1)[0].split())
    end = paragraph.find(". ")
    return paragraph if end < 0 else paragraph[: end + 1]


def _short_help(self: click.Command, limit: int = 45) -> str:
    if self.short_help or not self.help:
        return click.Command.get_short_help_str(self, limit)
    return _first_sentence(self.help)


Command.get_short_help_str = _short_help  # type: ignore[method-assign]
Group.get_short_help_str = _short_help  # type: ignore[method-assign]
