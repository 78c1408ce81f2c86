"""Export an AdamBench results database for committing, one xz-compressed SQLite part per experiment.

Each part holds one experiment's row, its runs and their metrics, in the application's own schema
(GRDB's migration table included), so `xz -dc part > db.sqlite` alone is a valid database. For all
parts: checkpoints are dropped (tens of MB of parameters), unfinished runs are reset to pending with
their partial metrics removed (they restart on the next run), the journal is a rollback journal, and
each file is vacuumed. The same rows give the same bytes, so an experiment that did not change keeps
its committed part byte for byte (and git stores nothing new for it).

Usage: export_results.py SOURCE.sqlite OUTDIR [--limit BYTES]
Exit 1 when a part is larger than the limit (default 4 MiB), with the part named."""
import argparse
import lzma
import os
import sqlite3
import sys
import tempfile

SUFFIX = ".sqlite.xz"
DEFAULT_LIMIT = 4 * 1024 * 1024
# Header fields that belong to the application, kept from the source in every part.
HEADER_PRAGMAS = ("application_id", "user_version")


def fresh_copy(source: str, out: str, without_rows: tuple[str, ...] = ()) -> None:
    """SOURCE's schema and rows (none of the tables in WITHOUT_ROWS) in a new file OUT. The schema is
    created anew, statement by statement in SOURCE's order, so that the file's header does not carry
    SOURCE's history: SQLite's schema cookie counts every schema change a database has seen (a copy
    made by VACUUM INTO keeps it), and the same rows must give the same bytes whatever was done to the
    source before. The header's application fields (`application_id`, which marks the file as
    AdamBench's, and `user_version`) are SOURCE's."""
    db = sqlite3.connect(out)
    db.execute("ATTACH DATABASE ? AS source", (source,))
    for pragma in HEADER_PRAGMAS:
        (value,) = db.execute(f"PRAGMA source.{pragma}").fetchone()
        db.execute(f"PRAGMA main.{pragma} = {int(value)}")
    schema = db.execute(
        "SELECT type, name, sql FROM source.sqlite_master WHERE sql IS NOT NULL "
        "AND name NOT LIKE 'sqlite_%' ORDER BY rowid").fetchall()
    for _, _, sql in schema:
        db.execute(sql)
    for kind, name, _ in schema:
        if kind == "table" and name not in without_rows:
            db.execute(f'INSERT INTO main."{name}" SELECT * FROM source."{name}"')
    db.commit()
    db.execute("DETACH DATABASE source")
    db.close()


def cleaned_copy(source: str, out: str) -> None:
    """The whole database without checkpoints, unfinished runs reset."""
    fresh_copy(source, out, without_rows=("checkpoints",))
    db = sqlite3.connect(out)
    unfinished = "SELECT id FROM runs WHERE status IN ('pending', 'running')"
    db.execute(f"DELETE FROM metrics WHERE run_id IN ({unfinished})")
    db.execute(
        "UPDATE runs SET status = 'pending', owner = NULL, heartbeat_at = NULL, epochs_completed = 0, "
        "steps_completed = 0, train_seconds = 0 WHERE status IN ('pending', 'running')")
    db.commit()
    db.close()


def part_bytes(whole: str, experiment_id: int, scratch: str) -> bytes:
    """One experiment's part, uncompressed: the whole copy with every other experiment deleted."""
    if os.path.exists(scratch):
        os.remove(scratch)
    with sqlite3.connect(whole) as db:
        db.execute("VACUUM INTO ?", (scratch,))
    db = sqlite3.connect(scratch)
    others = "SELECT id FROM runs WHERE experiment_id != ?"
    db.execute(f"DELETE FROM metrics WHERE run_id IN ({others})", (experiment_id,))
    db.execute("DELETE FROM runs WHERE experiment_id != ?", (experiment_id,))
    db.execute("DELETE FROM experiments WHERE id != ?", (experiment_id,))
    db.commit()
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute("VACUUM")
    db.close()
    with open(scratch, "rb") as f:
        return f.read()


def export(source: str, outdir: str, limit: int = DEFAULT_LIMIT, log=print) -> list[str]:
    """Write OUTDIR/<experiment>.sqlite.xz for each experiment; remove parts of experiments no longer
    in SOURCE. Returns the messages of parts over `limit` (empty when all fit)."""
    if not os.path.isfile(source):
        sys.exit(f"export_results: {source}: no such database")
    os.makedirs(outdir, exist_ok=True)
    over = []
    with tempfile.TemporaryDirectory() as tmp:
        whole = os.path.join(tmp, "whole.sqlite")
        cleaned_copy(source, whole)
        with sqlite3.connect(whole) as db:
            experiments = db.execute("SELECT id, name FROM experiments ORDER BY name").fetchall()
        written = set()
        for experiment_id, name in experiments:
            data = lzma.compress(part_bytes(whole, experiment_id, os.path.join(tmp, "part.sqlite")),
                                 preset=9 | lzma.PRESET_EXTREME)
            path = os.path.join(outdir, name + SUFFIX)
            written.add(path)
            unchanged = False
            if os.path.exists(path):
                with open(path, "rb") as f:
                    unchanged = f.read() == data
            if not unchanged:
                with open(path, "wb") as f:
                    f.write(data)
            log(f"export-results: {path}: {len(data)} bytes{' (unchanged)' if unchanged else ''}")
            if len(data) > limit:
                over.append(f"export-results: {path}: {len(data)} bytes, over the {limit}-byte commit limit")
        for entry in sorted(os.listdir(outdir)):
            path = os.path.join(outdir, entry)
            if entry.endswith(SUFFIX) and path not in written:
                os.remove(path)
                log(f"export-results: {path}: removed (no such experiment in {source})")
    return over


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("outdir")
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT)
    args = parser.parse_args()
    over = export(args.source, args.outdir, args.limit)
    for message in over:
        print(message, file=sys.stderr)
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
