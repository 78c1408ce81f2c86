"""Restore an AdamBench results database from the per-experiment parts export_results.py writes.

The first part (by file name) becomes the database; every other part's experiments, runs and metrics
are inserted into it with their ids, which the parts share because they were cut from one database.
Refuses to overwrite an existing database; on any failure the half-written output is removed.

Usage: import_results.py PARTSDIR OUT.sqlite"""
import lzma
import os
import sqlite3
import sys

SUFFIX = ".sqlite.xz"
TABLES = ("experiments", "runs", "metrics")


class PartsError(Exception):
    pass


def parts(directory: str) -> list[str]:
    if not os.path.isdir(directory):
        raise PartsError(f"{directory}: no such directory (expected the parts export_results.py writes)")
    found = sorted(os.path.join(directory, e) for e in os.listdir(directory) if e.endswith(SUFFIX))
    if not found:
        raise PartsError(f"{directory}: no *{SUFFIX} parts")
    return found


def decompress(part: str, out: str) -> None:
    try:
        with lzma.open(part) as f:
            data = f.read()
    except (lzma.LZMAError, EOFError) as error:
        raise PartsError(f"{part}: not an xz file ({error})")
    if not data.startswith(b"SQLite format 3\x00"):
        raise PartsError(f"{part}: does not hold an SQLite database")
    with open(out, "wb") as f:
        f.write(data)


def merge(db: sqlite3.Connection, part: str, scratch: str) -> None:
    decompress(part, scratch)
    db.execute("ATTACH DATABASE ? AS part", (scratch,))
    try:
        for table in TABLES:
            columns = [row[1] for row in db.execute(f"PRAGMA main.table_info({table})")]
            theirs = [row[1] for row in db.execute(f"PRAGMA part.table_info({table})")]
            if columns != theirs:
                raise PartsError(
                    f"{part}: table {table} has columns {theirs}, expected {columns} (parts of one export)")
            names = ", ".join(columns)
            db.execute(f"INSERT INTO main.{table} ({names}) SELECT {names} FROM part.{table}")
        db.commit()
    except sqlite3.IntegrityError as error:
        raise PartsError(f"{part}: rows clash with an earlier part ({error}); the parts are not of one export")
    except sqlite3.DatabaseError as error:
        raise PartsError(f"{part}: {error}")
    finally:
        db.rollback()
        db.execute("DETACH DATABASE part")
        os.remove(scratch)


def restore(directory: str, out: str) -> int:
    """Writes OUT from the parts; returns the number of parts merged."""
    if os.path.exists(out):
        raise PartsError(f"{out} exists; move it away first")
    found = parts(directory)
    try:
        decompress(found[0], out)
        db = sqlite3.connect(out)
        try:
            for part in found[1:]:
                merge(db, part, out + ".part")
            (check,) = db.execute("PRAGMA integrity_check").fetchone()
            if check != "ok":
                raise PartsError(f"{out}: integrity check failed after the merge: {check}")
        finally:
            db.close()
    except BaseException:
        for leftover in (out, out + ".part", out + "-journal"):
            if os.path.exists(leftover):
                os.remove(leftover)
        raise
    return len(found)


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    try:
        count = restore(sys.argv[1], sys.argv[2])
    except PartsError as error:
        sys.exit(f"import-results: {error}")
    print(f"import-results: {sys.argv[2]} restored from {count} parts in {sys.argv[1]}")


if __name__ == "__main__":
    main()
