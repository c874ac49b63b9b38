"""The ledger: one SQLite file per workspace (``.kinerja/ledger.sqlite``) holding every run, every
file that entered the inbox, every submission, every value with its source file and cell, every
finding, and the audit trail of changed values.

One writer at a time (the run lock in batch.py); WAL so that ``status`` can read during a run.
The schema carries a version; :data:`MIGRATIONS` brings an older ledger up to date.

Layer: store (../shared/docs/architecture.md); it may import rules, foundation.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from kinerja_batch.findings import Finding

SCHEMA_VERSION = 6

MIGRATIONS: list[str] = [
    # version 1
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        mulai TEXT NOT NULL,
        selesai TEXT,
        versi_alat TEXT NOT NULL,
        pengaturan TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'berjalan',
        ringkasan TEXT
    );
    CREATE TABLE files (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        sha256 TEXT NOT NULL,
        nama_asli TEXT NOT NULL,
        ukuran INTEGER NOT NULL,
        mtime REAL NOT NULL,
        diterima TEXT NOT NULL,
        hasil TEXT NOT NULL,           -- diterima / ditolak / duplikat / konfirmasi
        kode TEXT,                     -- file-level finding code when rejected or duplicate
        alasan TEXT,
        lokasi TEXT NOT NULL,          -- where the file was moved, relative to the workspace
        jenis TEXT,
        kode_bidang TEXT,
        periode TEXT
    );
    CREATE INDEX files_sha ON files(sha256);
    CREATE TABLE submissions (
        id INTEGER PRIMARY KEY,
        file_id INTEGER NOT NULL REFERENCES files(id),
        kode_bidang TEXT NOT NULL,
        periode TEXT NOT NULL,
        versi INTEGER NOT NULL,
        diterima TEXT NOT NULL,
        terlambat INTEGER NOT NULL,
        superseded_by INTEGER REFERENCES submissions(id),
        n_indikator INTEGER NOT NULL,
        n_terisi INTEGER NOT NULL,
        n_galat INTEGER NOT NULL,
        n_peringatan INTEGER NOT NULL
    );
    CREATE INDEX submissions_bp ON submissions(kode_bidang, periode);
    CREATE TABLE nilai (
        id INTEGER PRIMARY KEY,
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        kode_indikator TEXT NOT NULL,
        kode_bidang TEXT NOT NULL,
        periode TEXT NOT NULL,
        tahun INTEGER NOT NULL,
        tw INTEGER NOT NULL,
        realisasi REAL,
        realisasi_teks TEXT,
        anggaran REAL,
        anggaran_teks TEXT,
        pendorong TEXT NOT NULL DEFAULT '',
        penghambat TEXT NOT NULL DEFAULT '',
        bukti TEXT NOT NULL DEFAULT '',
        keterangan TEXT NOT NULL DEFAULT '',
        lembar TEXT NOT NULL,
        baris INTEGER NOT NULL,
        sel_realisasi TEXT,
        sel_anggaran TEXT,
        aktif INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX nilai_aktif ON nilai(tahun, aktif);
    CREATE INDEX nilai_sub ON nilai(submission_id);
    CREATE TABLE temuan (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        file_id INTEGER REFERENCES files(id),
        submission_id INTEGER REFERENCES submissions(id),
        kode TEXT NOT NULL,
        level TEXT NOT NULL,
        kode_bidang TEXT NOT NULL DEFAULT '',
        periode TEXT NOT NULL DEFAULT '',
        kode_indikator TEXT NOT NULL DEFAULT '',
        berkas TEXT NOT NULL DEFAULT '',
        lembar TEXT NOT NULL DEFAULT '',
        sel TEXT NOT NULL DEFAULT '',
        nilai TEXT NOT NULL DEFAULT '',
        pesan TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'Terbuka',
        tanggapan TEXT NOT NULL DEFAULT '',
        penjelasan TEXT NOT NULL DEFAULT '',
        dibuat TEXT NOT NULL,
        diubah TEXT NOT NULL,
        data TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX temuan_bp ON temuan(kode_bidang, periode, status);
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        waktu TEXT NOT NULL,
        run_id INTEGER REFERENCES runs(id),
        kode_indikator TEXT NOT NULL,
        kode_bidang TEXT NOT NULL,
        periode TEXT NOT NULL,
        kolom TEXT NOT NULL,
        lama TEXT,
        baru TEXT,
        sumber_berkas TEXT NOT NULL,
        sel TEXT NOT NULL,
        alasan TEXT NOT NULL
    );
    """,
    # version 2: closing and reopening a period (issue 12, domain §8)
    """
    CREATE TABLE penutupan (
        id INTEGER PRIMARY KEY,
        periode TEXT NOT NULL,
        waktu TEXT NOT NULL,           -- when the period was closed
        tanggal TEXT NOT NULL,         -- the signature date of the final rekap (YYYY-MM-DD)
        nomor TEXT NOT NULL DEFAULT '',
        sidik TEXT NOT NULL,           -- the data fingerprint the final rekap was built from
        berkas TEXT NOT NULL,          -- the final rekap, relative to the workspace
        sha256 TEXT NOT NULL,
        lampiran TEXT NOT NULL DEFAULT '{}',   -- other files written with it: {relative path: sha256}
        paksa INTEGER NOT NULL DEFAULT 0,
        terbuka TEXT NOT NULL DEFAULT '[]'      -- what was still open when closed with --paksa
    );
    CREATE INDEX penutupan_p ON penutupan(periode);
    CREATE TABLE pembukaan (
        id INTEGER PRIMARY KEY,
        periode TEXT NOT NULL,
        penutupan_id INTEGER NOT NULL REFERENCES penutupan(id),
        waktu TEXT NOT NULL,
        alasan TEXT NOT NULL
    );
    """,
    # version 3: history imported with 'kinerja-batch impor' (domain §10); tw 0 = the year as a whole
    """
    CREATE TABLE riwayat (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES runs(id),
        kode_indikator TEXT NOT NULL,
        kode_bidang TEXT NOT NULL,
        tahun INTEGER NOT NULL,
        tw INTEGER NOT NULL,
        realisasi REAL,
        realisasi_teks TEXT,
        anggaran REAL,
        anggaran_teks TEXT,
        keterangan TEXT NOT NULL DEFAULT '',
        sumber_berkas TEXT NOT NULL,
        lembar TEXT NOT NULL,
        sel_realisasi TEXT,
        sel_anggaran TEXT,
        tanda TEXT NOT NULL DEFAULT 'impor',
        diimpor TEXT NOT NULL,
        aktif INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX riwayat_aktif ON riwayat(tahun, aktif);
    """,
    # version 4: the queries of one period (or one indicator's history) read only their rows, so that a
    # run costs the same after years of quarters (issue 11 §3); IF NOT EXISTS: safe when steps are renumbered
    """
    CREATE INDEX IF NOT EXISTS files_periode ON files(periode);
    CREATE INDEX IF NOT EXISTS submissions_periode ON submissions(periode, superseded_by);
    CREATE INDEX IF NOT EXISTS nilai_indikator ON nilai(kode_indikator, aktif);
    CREATE INDEX IF NOT EXISTS temuan_periode ON temuan(periode, kode_bidang);
    CREATE INDEX IF NOT EXISTS audit_periode ON audit(periode);
    CREATE INDEX IF NOT EXISTS riwayat_indikator ON riwayat(kode_indikator, aktif);
    """,
    # version 5: issued forms (issue 10 section 5). Every kertas kerja and confirmation workbook written is
    # recorded here before its file exists, with what it was issued for. files.id_formulir: the form a file
    # claimed (verified). submissions.tanda_tangan: 'sah' or 'tanpa' (NULL: stored before forms were signed).
    # audit.id_formulir: the confirmation workbook whose answer changed a value.
    """
    CREATE TABLE formulir (
        id TEXT PRIMARY KEY,
        jenis TEXT NOT NULL,
        kode_bidang TEXT NOT NULL,
        periode TEXT NOT NULL,
        diterbitkan TEXT NOT NULL,
        hash_terkunci TEXT NOT NULL DEFAULT '',
        sidik_kunci TEXT NOT NULL DEFAULT '',
        berkas TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX formulir_bp ON formulir(kode_bidang, periode);
    ALTER TABLE files ADD COLUMN id_formulir TEXT;
    ALTER TABLE submissions ADD COLUMN tanda_tangan TEXT;
    ALTER TABLE audit ADD COLUMN id_formulir TEXT;
    """,
    # version 6: each earlier year's totals per indicator (what Renstra s.d. tahun needs of it), kept with the
    # fingerprint of the year's active values they were summed from (count, sum and highest id: values are
    # only ever added and taken out of use, never changed in place); summed again when it differs. A closed
    # year is then read, not summed from its quarters, on every run (issue 11 section 3).
    """
    CREATE TABLE IF NOT EXISTS ringkas_tahun (
        tahun INTEGER NOT NULL,
        kode_indikator TEXT NOT NULL,
        jumlah REAL,
        rata REAL,
        terakhir REAL,
        anggaran REAL,
        PRIMARY KEY (tahun, kode_indikator)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS ringkas_tahun_sidik (
        tahun INTEGER PRIMARY KEY,
        sidik TEXT NOT NULL
    );
    """,
]


# the kept totals of one year for a list of indicators: CROSS JOIN keeps this order (the list outside, one
# primary-key search per indicator); SQLite's own choice, the year's rows outside, scans the list per row
YEAR_TOTALS_SQL = ("SELECT c.key, y.tahun, y.jumlah, y.rata, y.terakhir, y.anggaran FROM json_each(?) c"
                   " CROSS JOIN ringkas_tahun y ON y.tahun = ? AND y.kode_indikator = c.value")


def now_text() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")


class Ledger:
    """A connection to the ledger with the queries the stages need."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self.conn = conn
        self.path = path
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        self._migrate()

    # ------------------------------------------------------------------ opening
    @classmethod
    @contextmanager
    def open(cls, path: Path, *, dry_run: bool = False) -> Iterator[Ledger]:
        """Open (creating) the ledger. With ``dry_run`` work on an in-memory copy that is thrown away."""
        path.parent.mkdir(parents=True, exist_ok=True)
        if dry_run:
            conn = sqlite3.connect(":memory:", isolation_level=None)
            if path.exists():
                src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
                src.backup(conn)
                src.close()
            ledger = cls(conn, None)
        else:
            conn = sqlite3.connect(path, isolation_level=None, timeout=30)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            ledger = cls(conn, path)
        try:
            yield ledger
        finally:
            conn.close()

    def _migrate(self) -> None:
        has_meta = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()
        version = 0
        if has_meta:
            row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            from kinerja_batch.errors import KinerjaError

            raise KinerjaError(
                f"Buku besar {self.path} dibuat oleh versi kinerja-batch yang lebih baru (skema {version}). "
                "Perbarui kinerja-batch."
            )
        for v in range(version, SCHEMA_VERSION):
            with self.transaction():
                self._run_script(MIGRATIONS[v])
                self.conn.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(v + 1),)
                )

    def _run_script(self, script: str) -> None:
        # executescript would COMMIT our transaction; run the statements one by one inside it
        for statement in script.split(";"):
            if statement.strip():
                self.conn.execute(statement)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # ------------------------------------------------------------------ runs
    def begin_run(self, settings: dict[str, Any], version: str) -> int:
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO runs(mulai, versi_alat, pengaturan) VALUES (?, ?, ?)",
                (now_text(), version, json.dumps(settings, ensure_ascii=False, sort_keys=True)),
            )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, summary: dict[str, Any], status: str = "selesai") -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE runs SET selesai=?, status=?, ringkasan=? WHERE id=?",
                (now_text(), status, json.dumps(summary, ensure_ascii=False, default=str), run_id),
            )

    # ------------------------------------------------------------------ files
    def file_by_sha(self, sha256: str) -> sqlite3.Row | None:
        """The first processed file with these bytes."""
        return self.conn.execute("SELECT * FROM files WHERE sha256=? ORDER BY id LIMIT 1", (sha256,)).fetchone()

    def files_with_sha(self, sha256: str) -> list[sqlite3.Row]:
        return list(self.conn.execute("SELECT * FROM files WHERE sha256=? ORDER BY id", (sha256,)))

    def record_file(self, run_id: int, *, sha256: str, nama_asli: str, ukuran: int, mtime: float, diterima: str,
                    hasil: str, lokasi: str, kode: str | None = None, alasan: str | None = None,
                    jenis: str | None = None, kode_bidang: str | None = None, periode: str | None = None,
                    id_formulir: str | None = None) -> int:
        cur = self.conn.execute(
            "INSERT INTO files(run_id, sha256, nama_asli, ukuran, mtime, diterima, hasil, kode, alasan, lokasi,"
            " jenis, kode_bidang, periode, id_formulir) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (run_id, sha256, nama_asli, ukuran, mtime, diterima, hasil, kode, alasan, lokasi, jenis, kode_bidang,
             periode, id_formulir),
        )
        return int(cur.lastrowid or 0)

    _FILE_COLUMNS = frozenset({"run_id", "hasil", "kode", "alasan", "lokasi", "jenis", "kode_bidang", "periode",
                               "id_formulir"})

    def update_file(self, file_id: int, **changes: Any) -> None:
        """A held file's row when the officer accepts it (it keeps its id, name and arrival time)."""
        self._update_row("files", self._FILE_COLUMNS, file_id, changes)

    def held_files(self, periode: str | None = None) -> list[sqlite3.Row]:
        """Files held until the officer accepts them (``hasil = 'ditahan'``), oldest first."""
        sql = "SELECT * FROM files WHERE hasil = 'ditahan'"
        if periode is None:
            return list(self.conn.execute(sql + " ORDER BY id"))
        return list(self.conn.execute(sql + " AND periode = ? ORDER BY id", (periode,)))

    # ------------------------------------------------------------------ issued forms
    def record_issued(self, forms: Sequence[Any], sidik_kunci: str) -> None:
        """Every form about to be written (``tanda_tangan.Issued``), in one transaction."""
        when = now_text()
        with self.atomic():
            self.conn.executemany(
                "INSERT OR REPLACE INTO formulir(id, jenis, kode_bidang, periode, diterbitkan, hash_terkunci,"
                " sidik_kunci, berkas) VALUES (?,?,?,?,?,?,?,?)",
                [(f.id, f.jenis, f.kode_bidang, f.periode, when, f.hash_terkunci, sidik_kunci, f.berkas)
                 for f in forms],
            )

    def issued_form(self, form_id: str) -> sqlite3.Row | None:
        if not form_id:
            return None
        return self.conn.execute("SELECT * FROM formulir WHERE id=?", (form_id,)).fetchone()

    def all_files(self) -> list[sqlite3.Row]:
        return list(self.conn.execute("SELECT * FROM files ORDER BY id"))

    def files_of_period(self, periode: str, *, without_period: bool = False) -> list[sqlite3.Row]:
        """The files of one period; with ``without_period`` also those whose period could not be told."""
        sql = "SELECT * FROM files WHERE periode = ?"
        if without_period:
            sql += " OR periode IS NULL OR periode = ''"
        return list(self.conn.execute(sql + " ORDER BY id", (periode,)))

    # ------------------------------------------------------------------ submissions and values
    def record_submission(self, file_id: int, *, kode_bidang: str, periode: str, tahun: int, tw: int,
                          diterima: str, terlambat: bool, rows: Sequence[dict[str, Any]], n_indikator: int,
                          n_galat: int, n_peringatan: int, tanda_tangan: str | None = None) -> int:
        """Store a submission and its values; it supersedes the current one of the same bidang and period."""
        prev = self.conn.execute(
            "SELECT id, versi FROM submissions WHERE kode_bidang=? AND periode=? AND superseded_by IS NULL",
            (kode_bidang, periode),
        ).fetchone()
        versi = int(prev["versi"]) + 1 if prev else 1
        n_terisi = sum(1 for r in rows if r.get("realisasi") is not None)
        cur = self.conn.execute(
            "INSERT INTO submissions(file_id, kode_bidang, periode, versi, diterima, terlambat, n_indikator,"
            " n_terisi, n_galat, n_peringatan, tanda_tangan) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (file_id, kode_bidang, periode, versi, diterima, int(terlambat), n_indikator, n_terisi, n_galat,
             n_peringatan, tanda_tangan),
        )
        sub_id = int(cur.lastrowid or 0)
        if prev:
            self.conn.execute("UPDATE submissions SET superseded_by=? WHERE id=?", (sub_id, prev["id"]))
            self.conn.execute("UPDATE nilai SET aktif=0 WHERE submission_id=?", (prev["id"],))
        self.conn.executemany(
            "INSERT INTO nilai(submission_id, kode_indikator, kode_bidang, periode, tahun, tw, realisasi,"
            " realisasi_teks, anggaran, anggaran_teks, pendorong, penghambat, bukti, keterangan, lembar, baris,"
            " sel_realisasi, sel_anggaran) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (sub_id, r["kode_indikator"], kode_bidang, periode, tahun, tw, r.get("realisasi"),
                 r.get("realisasi_text"), r.get("anggaran"), r.get("anggaran_text"), r.get("pendorong", ""),
                 r.get("penghambat", ""), r.get("bukti", ""), r.get("keterangan", ""), r.get("sheet", ""),
                 r.get("excel_row", 0), r.get("cell_realisasi"), r.get("cell_anggaran"))
                for r in rows
            ],
        )
        return sub_id

    def current_values(self, tahun: int | None = None) -> pd.DataFrame:
        """Values of current (not superseded) submissions, with their source file and cell."""
        import pandas as pd

        sql = (
            "SELECT n.id AS nilai_id, n.kode_indikator, n.kode_bidang, n.periode, n.tahun, n.tw, n.realisasi,"
            " n.realisasi_teks, n.anggaran, n.anggaran_teks, n.pendorong, n.penghambat, n.bukti, n.keterangan,"
            " n.lembar, n.baris, n.sel_realisasi, n.sel_anggaran, n.submission_id, f.nama_asli AS berkas,"
            " f.lokasi AS lokasi FROM nilai n JOIN submissions s ON s.id = n.submission_id"
            " JOIN files f ON f.id = s.file_id WHERE n.aktif = 1"
        )
        params: tuple[Any, ...] = ()
        if tahun is not None:
            sql += " AND n.tahun <= ?"
            params = (tahun,)
        frame = pd.read_sql_query(sql + " ORDER BY n.tahun, n.tw, n.id", self.conn, params=params)
        for col in ("realisasi", "anggaran"):
            frame[col] = frame[col].astype("float64")
        return self._with_imported(frame, tahun)

    # ------------------------------------------------------------------ imported history (domain §10)
    def _with_imported(self, frame: pd.DataFrame, tahun: int | None, *, year_only: bool = False) -> pd.DataFrame:
        """Add the imported quarters no current submission holds: they count everywhere values count.
        They have no ``submission_id`` (NaN), so no temuan is ever raised on them. With ``year_only`` only
        those of the year ``tahun``."""
        import pandas as pd

        imported = self.imported_values(tahun, quarters_only=True)
        if year_only:
            imported = imported[imported["tahun"] == tahun]
        if imported.empty:
            return frame
        own = set(zip(frame["kode_indikator"], frame["tahun"], frame["tw"], strict=True))
        keep = [(k, t, w) not in own for k, t, w in zip(imported["kode_indikator"], imported["tahun"],
                                                         imported["tw"], strict=True)]
        imported = imported[keep]
        if imported.empty:
            return frame
        out = pd.concat([frame.astype({"submission_id": "float64"}), imported[list(frame.columns)]],
                        ignore_index=True)
        return out.sort_values(["tahun", "tw", "nilai_id"], kind="stable").reset_index(drop=True)

    def imported_values(self, tahun: int | None = None, *, quarters_only: bool = False) -> pd.DataFrame:
        """Active imported values in the shape of :meth:`current_values` (``nilai_id`` = minus the
        riwayat id, ``submission_id`` NaN, ``periode`` '' for a whole year (tw 0), ``berkas`` the source file)."""
        import pandas as pd

        sql = (
            "SELECT -id AS nilai_id, kode_indikator, kode_bidang, CASE WHEN tw > 0 THEN tahun || '-TW' || tw"
            " ELSE '' END AS periode, tahun, tw, realisasi, realisasi_teks, anggaran, anggaran_teks,"
            " '' AS pendorong, '' AS penghambat, '' AS bukti, keterangan, lembar, 0 AS baris, sel_realisasi,"
            " sel_anggaran, NULL AS submission_id, tanda || ': ' || sumber_berkas AS berkas,"
            " sumber_berkas AS lokasi, tanda"
            " FROM riwayat WHERE aktif = 1"
        )
        params: list[Any] = []
        if tahun is not None:
            sql += " AND tahun <= ?"
            params.append(tahun)
        if quarters_only:
            sql += " AND tw > 0"
        frame = pd.read_sql_query(sql + " ORDER BY tahun, tw, id", self.conn, params=params)
        for col in ("realisasi", "anggaran", "submission_id"):
            frame[col] = frame[col].astype("float64")
        return frame

    def imported_row(self, kode_indikator: str, tahun: int, tw: int) -> sqlite3.Row | None:
        """The active imported value of one indicator and period (tw 0: the whole year), or None."""
        return self.conn.execute(
            "SELECT * FROM riwayat WHERE kode_indikator=? AND tahun=? AND tw=? AND aktif=1 ORDER BY id DESC LIMIT 1",
            (kode_indikator, tahun, tw)).fetchone()

    def own_value(self, kode_indikator: str, periode: str) -> sqlite3.Row | None:
        """The active value a current submission holds for one indicator and period, with its file name."""
        return self.conn.execute(
            "SELECT n.*, f.nama_asli AS berkas FROM nilai n JOIN submissions s ON s.id = n.submission_id"
            " JOIN files f ON f.id = s.file_id WHERE n.kode_indikator=? AND n.periode=? AND n.aktif=1"
            " AND s.superseded_by IS NULL ORDER BY n.id DESC LIMIT 1", (kode_indikator, periode)).fetchone()

    def record_import(self, run_id: int | None, *, kode_indikator: str, kode_bidang: str, tahun: int, tw: int,
                      realisasi: float | None, realisasi_teks: str | None, anggaran: float | None,
                      anggaran_teks: str | None, keterangan: str, sumber_berkas: str, lembar: str,
                      sel_realisasi: str, sel_anggaran: str) -> int:
        """Store one imported value (mark ``impor``); an earlier import of the same period is replaced."""
        self.conn.execute("UPDATE riwayat SET aktif=0 WHERE kode_indikator=? AND tahun=? AND tw=? AND aktif=1",
                          (kode_indikator, tahun, tw))
        cur = self.conn.execute(
            "INSERT INTO riwayat(run_id, kode_indikator, kode_bidang, tahun, tw, realisasi, realisasi_teks, anggaran,"
            " anggaran_teks, keterangan, sumber_berkas, lembar, sel_realisasi, sel_anggaran, diimpor)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (run_id, kode_indikator, kode_bidang, tahun, tw, realisasi, realisasi_teks, anggaran, anggaran_teks,
             keterangan, sumber_berkas, lembar, sel_realisasi, sel_anggaran, now_text()))
        return int(cur.lastrowid or 0)

    def deactivate_nilai(self, nilai_id: int) -> None:
        """Take a submission's value out of use (replaced by an imported one with ``impor --timpa``)."""
        self.conn.execute("UPDATE nilai SET aktif=0 WHERE id=?", (nilai_id,))

    def riwayat_mark(self) -> int:
        """The highest riwayat id (part of the outputs' fingerprint: an import changes the rekap)."""
        return int(self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM riwayat").fetchone()[0])

    _TEXT_COLUMNS = ("realisasi_teks", "anggaran_teks", "pendorong", "penghambat", "bukti", "keterangan", "lembar",
                     "sel_realisasi", "sel_anggaran")

    # the columns of current_values, in its order
    _VALUE_COLUMNS = ["nilai_id", "kode_indikator", "kode_bidang", "periode", "tahun", "tw", "realisasi",
                      "realisasi_teks", "anggaran", "anggaran_teks", "pendorong", "penghambat", "bukti", "keterangan",
                      "lembar", "baris", "sel_realisasi", "sel_anggaran", "submission_id", "berkas", "lokasi"]

    def period_values(self, periode: str) -> pd.DataFrame:
        """What one period's rekap and temuan read: the current values of the period's year, in the shape of
        :meth:`current_values`, where only the period's own rows carry their texts, cells and source file
        (the other quarters of the year are needed for the s.d. TW sums only). Earlier years are not read."""
        import pandas as pd

        tahun = int(periode.split("-TW")[0])
        texts = ", ".join(f"n.{c}" for c in self._TEXT_COLUMNS)
        blanks = ", ".join(f"NULL AS {c}" for c in self._TEXT_COLUMNS)
        columns = ["nilai_id", "kode_indikator", "kode_bidang", "periode", "tahun", "tw", "realisasi", "anggaran",
                   "baris", "submission_id", *self._TEXT_COLUMNS, "berkas", "lokasi"]
        sql = (
            "SELECT n.id AS nilai_id, n.kode_indikator, n.kode_bidang, n.periode, n.tahun, n.tw, n.realisasi,"
            f" n.anggaran, n.baris, n.submission_id, {texts}, f.nama_asli AS berkas, f.lokasi AS lokasi"
            " FROM nilai n JOIN submissions s ON s.id = n.submission_id JOIN files f ON f.id = s.file_id"
            " WHERE n.aktif = 1 AND n.tahun = ? AND n.periode = ?"
            " UNION ALL "
            "SELECT n.id AS nilai_id, n.kode_indikator, n.kode_bidang, n.periode, n.tahun, n.tw, n.realisasi,"
            f" n.anggaran, n.baris, n.submission_id, {blanks}, NULL AS berkas, NULL AS lokasi"
            " FROM nilai n WHERE n.aktif = 1 AND n.tahun = ? AND n.periode <> ?"
        )
        rows = self.conn.execute(sql, (tahun, periode, tahun, periode)).fetchall()
        frame = pd.DataFrame.from_records(rows, columns=columns) if rows else pd.DataFrame(columns=columns)
        frame = frame.sort_values(["tw", "nilai_id"], kind="stable").reset_index(drop=True)[self._VALUE_COLUMNS]
        for col in ("realisasi", "anggaran"):
            frame[col] = frame[col].astype("float64")
        for col in ("tahun", "tw", "nilai_id", "submission_id", "baris"):
            frame[col] = frame[col].astype("int64")
        return self._with_imported(frame, tahun, year_only=True)

    def history_values(self, periode: str, indikator: Sequence[str] | None = None) -> pd.DataFrame:
        """Current Realisasi and Anggaran of every period before ``periode`` (earlier quarters and years), only
        ``kode_indikator, tahun, tw, realisasi, anggaran``; with ``indikator`` only those indicators. The rows of
        one indicator come in time order (then in the order they were stored).

        Read in chunks straight into numbers (an indicator as its position in ``indikator``; years and quarters
        as small integers), so that twelve quarters of a province cost a few numeric columns, not a Python
        object per value. With ``indikator``, an empty Realisasi of a quarter other than the previous one is
        left out (no rule reads it)."""
        import numpy as np
        import pandas as pd

        tahun, tw = (int(x) for x in periode.split("-TW"))
        columns = ["kode_indikator", "tahun", "tw", "realisasi", "anggaran"]
        before = "n.aktif = 1 AND (n.tahun < ? OR (n.tahun = ? AND n.tw < ?))"
        if indikator is None:
            rows = self.conn.execute(
                f"SELECT n.kode_indikator, n.tahun, n.tw, n.realisasi, n.anggaran FROM nilai n WHERE {before}"
                " ORDER BY n.tahun, n.tw, n.id", (tahun, tahun, tw)).fetchall()
            frame = pd.DataFrame.from_records(rows, columns=columns) if rows else pd.DataFrame(columns=columns)
        else:
            codes = list(dict.fromkeys(indikator))
            # LONJAKAN reads filled values only, SAMA_PERIODE_LALU the previous quarter: other empty rows are left
            prev_tahun, prev_tw = (tahun, tw - 1) if tw > 1 else (tahun - 1, 4)
            where = (f"FROM json_each(?) j JOIN nilai n ON n.kode_indikator = j.value WHERE {before}"
                     " AND (n.realisasi IS NOT NULL OR (n.tahun = ? AND n.tw = ?))")
            params = (json.dumps(codes), tahun, tahun, tw, prev_tahun, prev_tw)
            # read as numbers in chunks (no Python object per value), put in time order here: SQLite's sort of
            # the rows and a counting pass before cost twice the reading (12 quarters of 30,000 indicators)
            cur = self.conn.cursor()
            cur.row_factory = None  # plain tuples: a Row object per value cost a third of the time
            cur.execute(f"SELECT j.key, n.tahun, n.tw, n.realisasi, n.anggaran, n.id {where}", params)
            parts = []
            while chunk := cur.fetchmany(1 << 15):
                parts.append(np.array(chunk, dtype="float64"))  # NULL -> NaN
            block = np.concatenate(parts) if parts else np.empty((0, 6))
            del parts
            order = np.lexsort((block[:, 5], block[:, 2], block[:, 1]))  # tahun, tw, then the order stored
            block = block[order]
            done = len(block)
            at = block[:, 0].astype("int32")
            when = block[:, 1:3].astype("int16")
            numbers = block[:, 3:5]
            names = np.array(codes, dtype=object)
            own = pd.DataFrame({"kode_indikator": names[at[:done]], "tahun": when[:done, 0], "tw": when[:done, 1],
                                "realisasi": numbers[:done, 0], "anggaran": numbers[:done, 1]})
            return self._with_imported_history(own, codes, (tahun, tahun, tw))
        for col in ("realisasi", "anggaran"):
            frame[col] = frame[col].astype("float64")
        for col in ("tahun", "tw"):
            frame[col] = frame[col].astype("int64")
        return frame

    def year_totals(self, before: int, indikator: Sequence[str]) -> pd.DataFrame:
        """Per indicator of ``indikator`` and year before ``before``: ``jumlah`` (sum), ``rata`` (mean) and
        ``terakhir`` (the last reported, by quarter) of the filled Realisasi, and ``anggaran`` (sum, NaN when
        none), over the current values and the imported quarters no current value holds (as
        :meth:`current_values` counts them).

        Each year's totals are kept in ``ringkas_tahun`` with the fingerprint of the values they came from
        and summed again only when that changed (a correction or an import for that year): a run reads
        three closed years instead of summing 1.8 million quarter values at 1,000 x 150."""
        import numpy as np
        import pandas as pd

        codes = list(dict.fromkeys(indikator))
        years = self._value_years(before)
        for tahun in years:
            self._year_summary(tahun)
        parts = []
        for tahun in years:  # each (year, indicator) found by the primary key; numbers only cross over
            cur = self.conn.cursor()
            cur.row_factory = None
            cur.execute(YEAR_TOTALS_SQL, (json.dumps(codes), tahun))
            while chunk := cur.fetchmany(1 << 14):
                parts.append(np.array(chunk, dtype="float64"))  # NULL -> NaN
        numbers = np.concatenate(parts) if parts else np.empty((0, 6))
        numbers = numbers[np.lexsort((numbers[:, 1], numbers[:, 0]))]  # by indicator, then year
        names = np.array(codes, dtype=object)
        return pd.DataFrame({"kode_indikator": names[numbers[:, 0].astype("int64")],
                             "tahun": numbers[:, 1].astype("int64"), "jumlah": numbers[:, 2], "rata": numbers[:, 3],
                             "terakhir": numbers[:, 4], "anggaran": numbers[:, 5]})

    def _value_years(self, before: int) -> list[int]:
        """The years before ``before`` that hold values or imported history (each found by the index)."""
        years: set[int] = set()
        for table in ("nilai", "riwayat"):
            y = -1
            while True:
                row = self.conn.execute(f"SELECT MIN(tahun) FROM {table} WHERE tahun > ? AND tahun < ?",
                                        (y, before)).fetchone()
                if row[0] is None:
                    break
                y = int(row[0])
                years.add(y)
        # a year whose values are all gone keeps no totals
        for table in ("ringkas_tahun", "ringkas_tahun_sidik"):
            self.conn.execute(f"DELETE FROM {table} WHERE tahun < ? AND tahun NOT IN (SELECT value FROM json_each(?))",
                              (before, json.dumps(sorted(years))))
        return sorted(years)

    def _year_summary(self, tahun: int) -> None:
        """Bring ``ringkas_tahun`` of one year up to date with its values (see :meth:`year_totals`)."""
        n = self.conn.execute("SELECT COUNT(*), TOTAL(id), COALESCE(MAX(id), 0) FROM nilai WHERE tahun = ? AND aktif = 1",
                              (tahun,)).fetchone()
        r = self.conn.execute("SELECT COUNT(*), TOTAL(id), COALESCE(MAX(id), 0) FROM riwayat WHERE tahun = ?"
                              " AND aktif = 1", (tahun,)).fetchone()
        sidik = f"{n[0]}:{int(n[1])}:{n[2]}|{r[0]}:{int(r[1])}:{r[2]}"
        kept = self.conn.execute("SELECT sidik FROM ringkas_tahun_sidik WHERE tahun = ?", (tahun,)).fetchone()
        if kept is not None and kept[0] == sidik:
            return
        own = not self.conn.in_transaction
        if own:
            self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute("DELETE FROM ringkas_tahun WHERE tahun = ?", (tahun,))
            # the last reported: SQLite gives a bare column the value of the row where the one max() was found
            self.conn.execute(
                "INSERT INTO ringkas_tahun(tahun, kode_indikator, jumlah, rata, terakhir, anggaran)"
                " WITH q AS ("
                " SELECT n.kode_indikator AS k, n.tw, n.id AS urut, n.realisasi, n.anggaran FROM nilai n"
                " WHERE n.aktif = 1 AND n.tahun = ? AND n.tw BETWEEN 1 AND 4"
                " UNION ALL SELECT r.kode_indikator, r.tw, -r.id, r.realisasi, r.anggaran FROM riwayat r"
                " WHERE r.aktif = 1 AND r.tahun = ? AND r.tw BETWEEN 1 AND 4"
                " AND NOT EXISTS (SELECT 1 FROM nilai n WHERE n.kode_indikator = r.kode_indikator AND n.aktif = 1"
                " AND n.tahun = r.tahun AND n.tw = r.tw))"
                " SELECT ?, k, SUM(realisasi), AVG(realisasi),"
                " CASE WHEN MAX(CASE WHEN realisasi IS NOT NULL THEN tw * 10000000000 + urut END) IS NOT NULL"
                " THEN realisasi END, SUM(anggaran) FROM q GROUP BY k", (tahun, tahun, tahun))
            self.conn.execute("INSERT OR REPLACE INTO ringkas_tahun_sidik(tahun, sidik) VALUES (?, ?)", (tahun, sidik))
        except BaseException:
            if own:
                self.conn.execute("ROLLBACK")
            raise
        if own:
            self.conn.execute("COMMIT")

    def _with_imported_history(self, own: pd.DataFrame, codes: list[str], before: tuple[int, int, int]
                               ) -> pd.DataFrame:
        """The imported quarters (``impor``, domain §10) of these indicators before the period that no current
        submission holds, added in time order: the temuan history counts them as :meth:`current_values` does."""
        import pandas as pd

        rows = self.conn.execute(
            "SELECT r.kode_indikator, r.tahun, r.tw, r.realisasi, r.anggaran FROM json_each(?) j"
            " JOIN riwayat r ON r.kode_indikator = j.value WHERE r.aktif = 1 AND r.tw > 0"
            " AND (r.tahun < ? OR (r.tahun = ? AND r.tw < ?)) ORDER BY r.tahun, r.tw, r.id",
            (json.dumps(codes), *before)).fetchall()
        if not rows:
            return own
        held = set(zip(own["kode_indikator"], own["tahun"].tolist(), own["tw"].tolist(), strict=True))
        extra = pd.DataFrame.from_records([r for r in rows if (r[0], r[1], r[2]) not in held],
                                          columns=["kode_indikator", "tahun", "tw", "realisasi", "anggaran"])
        if extra.empty:
            return own
        extra = extra.astype({"tahun": own["tahun"].dtype, "tw": own["tw"].dtype, "realisasi": "float64",
                              "anggaran": "float64"})
        both = pd.concat([extra, own], ignore_index=True)  # an imported value first within its quarter
        return both.sort_values(["tahun", "tw"], kind="stable").reset_index(drop=True)

    def current_submissions(self, periode: str | None = None) -> list[sqlite3.Row]:
        sql = (
            "SELECT s.*, f.nama_asli AS berkas, f.lokasi AS lokasi FROM submissions s JOIN files f ON f.id = s.file_id"
            " WHERE s.superseded_by IS NULL"
        )
        if periode is None:
            return list(self.conn.execute(sql + " ORDER BY s.id"))
        return list(self.conn.execute(sql + " AND s.periode=? ORDER BY s.id", (periode,)))

    def submission_history(self, kode_bidang: str, periode: str) -> list[sqlite3.Row]:
        return list(self.conn.execute(
            "SELECT * FROM submissions WHERE kode_bidang=? AND periode=? ORDER BY versi", (kode_bidang, periode)))

    # ------------------------------------------------------------------ findings
    def record_findings(self, run_id: int, items: Sequence[Finding], *, file_id: int | None = None,
                        submission_id: int | None = None) -> None:
        when = now_text()
        self.conn.executemany(
            "INSERT INTO temuan(run_id, file_id, submission_id, kode, level, kode_bidang, periode, kode_indikator,"
            " berkas, lembar, sel, nilai, pesan, dibuat, diubah, data) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (run_id, file_id, submission_id, f.code, f.level, f.bidang, f.periode, f.kode_indikator, f.file,
                 f.sheet, f.cell, f.value, f.message, when, when,
                 json.dumps(f.data, ensure_ascii=False, default=str))
                for f in items
            ],
        )

    def findings(self, *, periode: str | None = None, current_only: bool = True) -> list[sqlite3.Row]:
        """Findings of current submissions (and file-level ones) of a period."""
        sql = (
            "SELECT t.* FROM temuan t LEFT JOIN submissions s ON s.id = t.submission_id"
            " WHERE (t.submission_id IS NULL OR s.superseded_by IS NULL OR ? = 0)"
        )
        params: list[Any] = [int(current_only)]
        if periode is not None:
            sql += " AND t.periode = ?"
            params.append(periode)
        return list(self.conn.execute(sql + " ORDER BY t.kode_bidang, t.id", params))

    def finding(self, temuan_id: int) -> sqlite3.Row | None:
        """One finding by its id (the ``ID Temuan`` of a confirmation workbook), or None."""
        return self.conn.execute("SELECT * FROM temuan WHERE id=?", (temuan_id,)).fetchone()

    def open_findings_of(self, submission_id: int, kode_indikator: str) -> list[sqlite3.Row]:
        """The open findings of one indicator in one submission."""
        return list(self.conn.execute(
            "SELECT * FROM temuan WHERE submission_id=? AND kode_indikator=? AND status='Terbuka' ORDER BY id",
            (submission_id, kode_indikator)))

    def record_finding(self, run_id: int, f: Finding, *, file_id: int | None = None,
                       submission_id: int | None = None) -> int:
        """Store one finding (status ``Terbuka``) and return its id."""
        when = now_text()
        cur = self.conn.execute(
            "INSERT INTO temuan(run_id, file_id, submission_id, kode, level, kode_bidang, periode, kode_indikator,"
            " berkas, lembar, sel, nilai, pesan, dibuat, diubah, data) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (run_id, file_id, submission_id, f.code, f.level, f.bidang, f.periode, f.kode_indikator, f.file,
             f.sheet, f.cell, f.value, f.message, when, when, json.dumps(f.data, ensure_ascii=False, default=str)),
        )
        return int(cur.lastrowid or 0)

    _FINDING_COLUMNS = frozenset({"status", "tanggapan", "penjelasan", "pesan", "nilai", "berkas", "lembar", "sel",
                                  "file_id", "submission_id", "data"})

    def update_finding(self, temuan_id: int, **changes: Any) -> None:
        """Change a finding's status, answer or what it points at; ``data`` may be a dict."""
        unknown = set(changes) - self._FINDING_COLUMNS
        if unknown:
            raise ValueError(f"kolom temuan tidak dapat diubah: {sorted(unknown)}")
        if isinstance(changes.get("data"), dict):
            changes["data"] = json.dumps(changes["data"], ensure_ascii=False, default=str)
        cols = ", ".join(f"{k}=?" for k in changes)
        self.conn.execute(f"UPDATE temuan SET {cols}, diubah=? WHERE id=?",
                          (*changes.values(), now_text(), temuan_id))

    # ------------------------------------------------------------------ values changed by a confirmation
    def nilai_of(self, submission_id: int, kode_indikator: str) -> sqlite3.Row | None:
        """The value row of one indicator in a submission."""
        return self.conn.execute(
            "SELECT * FROM nilai WHERE submission_id=? AND kode_indikator=? AND aktif=1 ORDER BY id LIMIT 1",
            (submission_id, kode_indikator),
        ).fetchone()

    _NILAI_COLUMNS = frozenset({"realisasi", "realisasi_teks", "anggaran", "anggaran_teks", "penghambat"})

    def update_nilai(self, nilai_id: int, **changes: Any) -> None:
        """Replace values of one value row (the caller writes the audit row)."""
        self._update_row("nilai", self._NILAI_COLUMNS, nilai_id, changes)

    def _update_row(self, table: str, allowed: frozenset[str], row_id: int, changes: dict[str, Any]) -> None:
        """UPDATE one row's columns; only the columns a caller may change (names are never user data)."""
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"kolom {table} tidak dapat diubah: {sorted(unknown)}")
        cols = ", ".join(f"{k}=?" for k in changes)
        self.conn.execute(f"UPDATE {table} SET {cols} WHERE id=?", (*changes.values(), row_id))

    def add_nilai(self, submission_id: int, *, kode_indikator: str, lembar: str, sel_realisasi: str | None = None,
                  sel_anggaran: str | None = None, **values: Any) -> int:
        """A value row for an indicator its submission lacked (a missing or duplicated row answered later)."""
        sub = self.conn.execute("SELECT * FROM submissions WHERE id=?", (submission_id,)).fetchone()
        tahun, tw = sub["periode"].split("-TW")
        unknown = set(values) - self._NILAI_COLUMNS
        if unknown:
            raise ValueError(f"kolom nilai tidak dikenal: {sorted(unknown)}")
        cols = ["submission_id", "kode_indikator", "kode_bidang", "periode", "tahun", "tw", "lembar", "baris",
                "sel_realisasi", "sel_anggaran", *values]
        params = [submission_id, kode_indikator, sub["kode_bidang"], sub["periode"], int(tahun), int(tw), lembar, 0,
                  sel_realisasi, sel_anggaran, *values.values()]
        cur = self.conn.execute(
            f"INSERT INTO nilai({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", params)
        return int(cur.lastrowid or 0)

    def recount_submission(self, submission_id: int) -> None:
        """Keep ``n_terisi`` true after a value was corrected."""
        self.conn.execute(
            "UPDATE submissions SET n_terisi = (SELECT COUNT(*) FROM nilai WHERE submission_id=? AND aktif=1"
            " AND realisasi IS NOT NULL) WHERE id=?", (submission_id, submission_id))

    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """A transaction, or the one already open (so a stage can be called inside or outside one)."""
        if self.conn.in_transaction:
            yield self.conn
        else:
            with self.transaction() as conn:
                yield conn

    def rejected_files(self, run_id: int | None = None, *, periode: str | None = None,
                       without_period: bool = False) -> list[sqlite3.Row]:
        """Rejected files (of one run; of one period, with ``without_period`` also those without one)."""
        sql = "SELECT * FROM files WHERE hasil = 'ditolak'"
        params: list[Any] = []
        if run_id is not None:
            sql += " AND run_id = ?"
            params.append(run_id)
        if periode is not None:
            sql += " AND (periode = ? OR periode IS NULL OR periode = '')" if without_period else " AND periode = ?"
            params.append(periode)
        return list(self.conn.execute(sql + " ORDER BY id", params))

    # ------------------------------------------------------------------ audit
    def record_audit(self, run_id: int | None, *, kode_indikator: str, kode_bidang: str, periode: str, kolom: str,
                     lama: Any, baru: Any, sumber_berkas: str, sel: str, alasan: str,
                     id_formulir: str | None = None) -> None:
        self.conn.execute(
            "INSERT INTO audit(waktu, run_id, kode_indikator, kode_bidang, periode, kolom, lama, baru, sumber_berkas,"
            " sel, alasan, id_formulir) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (now_text(), run_id, kode_indikator, kode_bidang, periode, kolom,
             None if lama is None else str(lama), None if baru is None else str(baru), sumber_berkas, sel, alasan,
             id_formulir or None),
        )

    def audit_rows(self, periode: str | None = None) -> list[sqlite3.Row]:
        if periode is None:
            return list(self.conn.execute("SELECT * FROM audit ORDER BY id"))
        return list(self.conn.execute("SELECT * FROM audit WHERE periode = ? ORDER BY id", (periode,)))

    # ------------------------------------------------------------------ closing a period (domain §8)
    def closings(self, periode: str | None = None) -> list[sqlite3.Row]:
        sql = "SELECT * FROM penutupan"
        if periode is None:
            return list(self.conn.execute(sql + " ORDER BY id"))
        return list(self.conn.execute(sql + " WHERE periode = ? ORDER BY id", (periode,)))

    def reopenings(self, periode: str | None = None) -> list[sqlite3.Row]:
        sql = "SELECT * FROM pembukaan"
        if periode is None:
            return list(self.conn.execute(sql + " ORDER BY id"))
        return list(self.conn.execute(sql + " WHERE periode = ? ORDER BY id", (periode,)))

    def period_state(self, periode: str) -> dict[str, Any]:
        """``{"keadaan": "terbuka" | "ditutup" | "dibuka kembali", "penutupan": row | None, ...}``."""
        closings = self.closings(periode)
        reopenings = self.reopenings(periode)
        if not closings:
            return {"keadaan": "terbuka", "penutupan": None, "pembukaan": None, "jumlah_penutupan": 0}
        last = closings[-1]
        reopened = [r for r in reopenings if r["penutupan_id"] == last["id"]]
        if reopened:
            return {"keadaan": "dibuka kembali", "penutupan": last, "pembukaan": reopened[-1],
                    "jumlah_penutupan": len(closings)}
        return {"keadaan": "ditutup", "penutupan": last, "pembukaan": None, "jumlah_penutupan": len(closings)}

    def closed_periods(self) -> dict[str, sqlite3.Row]:
        """Periods closed now (closed and not reopened since): periode -> its closing."""
        out: dict[str, sqlite3.Row] = {}
        for p in {r["periode"] for r in self.closings()}:
            state = self.period_state(p)
            if state["keadaan"] == "ditutup":
                out[p] = state["penutupan"]
        return out

    def record_closing(self, *, periode: str, tanggal: str, nomor: str, sidik: str, berkas: str, sha256: str,
                       lampiran: dict[str, str], paksa: bool, terbuka: list[str]) -> int:
        cur = self.conn.execute(
            "INSERT INTO penutupan(periode, waktu, tanggal, nomor, sidik, berkas, sha256, lampiran, paksa, terbuka)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            (periode, now_text(), tanggal, nomor, sidik, berkas, sha256, json.dumps(lampiran, ensure_ascii=False),
             int(paksa), json.dumps(terbuka, ensure_ascii=False)))
        return int(cur.lastrowid or 0)

    def record_reopening(self, *, periode: str, penutupan_id: int, alasan: str) -> int:
        cur = self.conn.execute("INSERT INTO pembukaan(periode, penutupan_id, waktu, alasan) VALUES (?,?,?,?)",
                                (periode, penutupan_id, now_text(), alasan))
        return int(cur.lastrowid or 0)
