"""The per-experiment export and its import, on the committed smoke baseline (a database adam-bench wrote):
the round trip keeps every finished run and metric, the same rows give the same bytes, bad parts are
refused with the file named and no output left behind."""
import gzip
import os
import shutil
import sqlite3
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_results  # noqa: E402
import import_results  # noqa: E402

BASELINE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "results", "baselines", "smoke.sqlite.gz")


def rows(path: str, table: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr)


def pragma(path: str, name: str) -> int:
    with sqlite3.connect(path) as db:
        return db.execute(f"PRAGMA {name}").fetchone()[0]


def read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def write(path: str, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)


class ExportImportTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.source = os.path.join(self.tmp, "source.sqlite")
        with gzip.open(BASELINE) as f, open(self.source, "wb") as out:
            out.write(f.read())
        with sqlite3.connect(self.source) as db:
            # One unfinished run, to see it reset: its metrics go, it becomes pending.
            (self.unfinished,) = db.execute("SELECT id FROM runs ORDER BY id LIMIT 1").fetchone()
            db.execute("UPDATE runs SET status = 'running', owner = 'w1' WHERE id = ?", (self.unfinished,))
            # Its checkpoint, which no part carries.
            db.execute(
                "INSERT INTO checkpoints VALUES (?, 1, 10, zeroblob(4096), zeroblob(4096), '{}', 1.5, '2026-12-07')",
                (self.unfinished,))
        self.parts = os.path.join(self.tmp, "db")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def export(self, limit=export_results.DEFAULT_LIMIT):
        return export_results.export(self.source, self.parts, limit, log=lambda _: None)

    def test_round_trip_keeps_every_finished_run_and_metric(self):
        self.assertEqual(self.export(), [])
        with sqlite3.connect(self.source) as db:
            experiments = db.execute("SELECT count(*) FROM experiments").fetchone()[0]
        self.assertEqual(len(os.listdir(self.parts)), experiments)
        self.assertGreater(experiments, 1)
        restored = os.path.join(self.tmp, "restored.sqlite")
        self.assertEqual(import_results.restore(self.parts, restored), experiments)
        self.assertEqual(rows(restored, "experiments"), rows(self.source, "experiments"))
        self.assertEqual(rows(restored, "grdb_migrations"), rows(self.source, "grdb_migrations"))
        expected = [r for r in rows(self.source, "metrics") if r[0] != self.unfinished]
        self.assertEqual(rows(restored, "metrics"), expected)
        self.assertEqual(rows(restored, "checkpoints"), [])
        source_runs = {r[0]: r for r in rows(self.source, "runs")}
        restored_runs = {r[0]: r for r in rows(restored, "runs")}
        self.assertEqual(source_runs.keys(), restored_runs.keys())
        with sqlite3.connect(restored) as db:
            status, owner, epochs = db.execute(
                "SELECT status, owner, epochs_completed FROM runs WHERE id = ?", (self.unfinished,)).fetchone()
        self.assertEqual((status, owner, epochs), ("pending", None, 0))
        del source_runs[self.unfinished], restored_runs[self.unfinished]
        self.assertEqual(restored_runs, source_runs)

    def test_parts_and_the_restored_database_keep_the_application_header(self):
        # adam-bench refuses a database whose application_id is not its own.
        header = {p: pragma(self.source, p) for p in export_results.HEADER_PRAGMAS}
        self.assertNotEqual(header["application_id"], 0)
        self.export()
        for part in os.listdir(self.parts):
            unpacked = os.path.join(self.tmp, "part.sqlite")
            import_results.decompress(os.path.join(self.parts, part), unpacked)
            self.assertEqual({p: pragma(unpacked, p) for p in header}, header, part)
            os.remove(unpacked)
        restored = os.path.join(self.tmp, "restored.sqlite")
        import_results.restore(self.parts, restored)
        self.assertEqual({p: pragma(restored, p) for p in header}, header)

    def test_same_rows_give_same_bytes_and_one_change_rewrites_one_part(self):
        self.export()
        before = {e: read(os.path.join(self.parts, e)) for e in os.listdir(self.parts)}
        self.export()
        after = {e: read(os.path.join(self.parts, e)) for e in os.listdir(self.parts)}
        self.assertEqual(after, before)
        with sqlite3.connect(self.source) as db:
            (name,) = db.execute("SELECT name FROM experiments ORDER BY name LIMIT 1").fetchone()
            db.execute("UPDATE experiments SET title = title || ' (edited)' WHERE name = ?", (name,))
        self.export()
        changed = [e for e in os.listdir(self.parts)
                   if read(os.path.join(self.parts, e)) != before[e]]
        self.assertEqual(changed, [name + export_results.SUFFIX])

    def test_a_schema_change_undone_in_the_source_changes_no_part(self):
        self.export()
        before = {e: read(os.path.join(self.parts, e)) for e in os.listdir(self.parts)}
        with sqlite3.connect(self.source) as db:
            # Moves the source's schema cookie, as a session's migrations and indexes do.
            db.execute("CREATE TABLE scratch (x)")
            db.execute("DROP TABLE scratch")
        self.export()
        after = {e: read(os.path.join(self.parts, e)) for e in os.listdir(self.parts)}
        self.assertEqual(after, before)

    def test_stale_part_removed_and_limit_reported(self):
        os.makedirs(self.parts)
        stale = os.path.join(self.parts, "gone" + export_results.SUFFIX)
        write(stale, b"old")
        over = self.export(limit=100)
        self.assertFalse(os.path.exists(stale))
        self.assertTrue(over and all("over the 100-byte commit limit" in m for m in over))

    def test_bad_parts_are_refused_with_the_file_named_and_nothing_left(self):
        self.export()
        restored = os.path.join(self.tmp, "restored.sqlite")
        names = sorted(os.listdir(self.parts))
        corrupt = os.path.join(self.parts, names[-1])
        write(corrupt, b"not xz")
        with self.assertRaises(import_results.PartsError) as caught:
            import_results.restore(self.parts, restored)
        self.assertIn(corrupt, str(caught.exception))
        self.assertFalse(os.path.exists(restored))

        self.export()
        shutil.copy(os.path.join(self.parts, names[0]), os.path.join(self.parts, "zz-copy" + export_results.SUFFIX))
        with self.assertRaises(import_results.PartsError) as caught:
            import_results.restore(self.parts, restored)
        self.assertIn("clash", str(caught.exception))
        self.assertFalse(os.path.exists(restored))

    def test_existing_output_and_missing_directory_refused(self):
        self.export()
        with self.assertRaises(import_results.PartsError) as caught:
            import_results.restore(self.parts, self.source)
        self.assertIn("exists", str(caught.exception))
        self.assertTrue(rows(self.source, "runs"))
        with self.assertRaises(import_results.PartsError):
            import_results.restore(os.path.join(self.tmp, "nowhere"), os.path.join(self.tmp, "x.sqlite"))


if __name__ == "__main__":
    unittest.main()
