"""Copy an AdamBench results database for committing: checkpoints dropped (tens of MB of parameters),
unfinished runs reset to pending with their partial metrics removed (they restart on the next run),
rollback journal instead of WAL, vacuumed. Usage: export_results.py SOURCE.sqlite OUT.sqlite"""
import os
import sqlite3
import sys


def main(source: str, out: str) -> None:
    if not os.path.exists(source):
        sys.exit(f"export_results: {source}: no such database")
    if os.path.exists(out):
        os.remove(out)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as db:
        db.execute("VACUUM INTO ?", (out,))
    db = sqlite3.connect(out)
    unfinished = "SELECT id FROM runs WHERE status IN ('pending', 'running')"
    db.execute("DELETE FROM checkpoints")
    db.execute(f"DELETE FROM metrics WHERE run_id IN ({unfinished})")
    db.execute(
        "UPDATE runs SET status = 'pending', owner = NULL, heartbeat_at = NULL, epochs_completed = 0, "
        "steps_completed = 0, train_seconds = 0 WHERE status IN ('pending', 'running')")
    db.commit()
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute("VACUUM")
    db.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
