"""Benchmark: stream a synthetic plaintext (1 GB by default) through the backup format and back.

    .venv/bin/python bench/backup_stream.py [--size-mb 1024] [--workdir /tmp]

The plaintext is generated on the fly (never held in memory or written to disk); the ciphertext
goes to a temporary file that is deleted afterwards. Reports throughput of encrypt_stream and
decrypt_stream (each including the SHA-256 the services compute alongside) and the process's peak
resident memory, which must stay under 100 MB whatever the size: the format holds two chunks at a
time. Not a unit test: timings depend on the machine.
"""

import argparse
import hashlib
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sms.backup import format  # after the path set-up; needs no Django settings

MB = 1024 * 1024
PEAK_LIMIT_MB = 100


class SyntheticPlaintext:
    """A readable stream of `size` bytes: one random MiB, each copy varied by its position."""

    def __init__(self, size):
        self.size, self.position = size, 0
        self.block = os.urandom(MB)
        self.sha256 = hashlib.sha256()

    def read(self, count=-1):
        remaining = self.size - self.position
        count = remaining if count < 0 else min(count, remaining)
        parts = []
        while count:
            offset = self.position % MB
            part = self.block[offset:offset + count]
            if offset == 0:  # stamp each MiB so no two are alike
                part = self.position.to_bytes(8, "big") + part[8:]
            parts.append(part)
            self.position += len(part)
            count -= len(part)
        data = b"".join(parts)
        self.sha256.update(data)
        return data


class HashingSink:
    def __init__(self):
        self.sha256, self.size = hashlib.sha256(), 0

    def write(self, data):
        self.sha256.update(data)
        self.size += len(data)


class HashingFile:
    def __init__(self, handle):
        self.handle, self.sha256 = handle, hashlib.sha256()

    def write(self, data):
        self.sha256.update(data)
        return self.handle.write(data)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--workdir", default=None, help="where the ciphertext is written (default: TMPDIR)")
    arguments = parser.parse_args()
    size, master = arguments.size_mb * MB, os.urandom(32)
    baseline = peak_rss_mb()
    with tempfile.NamedTemporaryFile(dir=arguments.workdir, suffix=".smsbak") as ciphertext:
        source = SyntheticPlaintext(size)
        started = time.perf_counter()
        target = HashingFile(ciphertext)
        format.encrypt_stream(source, target, "bench-key-000000", master)
        ciphertext.flush()
        encrypt_seconds = time.perf_counter() - started
        after_encrypt = peak_rss_mb()

        ciphertext.seek(0)
        sink = HashingSink()
        started = time.perf_counter()
        format.decrypt_stream(ciphertext, sink, master)
        decrypt_seconds = time.perf_counter() - started
        stored = os.path.getsize(ciphertext.name)
    peak = peak_rss_mb()
    assert sink.size == size and sink.sha256.digest() == source.sha256.digest(), "round trip differs"
    print(f"plaintext        {size / MB:10.0f} MiB (ciphertext {stored / MB:.1f} MiB, "
          f"{(stored - size) / 1024:.0f} KiB of header and tags)")
    print(f"encrypt_stream   {size / MB / encrypt_seconds:10.0f} MiB/s  ({encrypt_seconds:.2f} s)")
    print(f"decrypt_stream   {size / MB / decrypt_seconds:10.0f} MiB/s  ({decrypt_seconds:.2f} s)")
    print(f"peak RSS         {peak:10.1f} MiB  (at start {baseline:.1f} MiB, after encrypting {after_encrypt:.1f} MiB)")
    print(f"peak under {PEAK_LIMIT_MB} MB: {'yes' if peak < PEAK_LIMIT_MB else 'NO'}")
    return 0 if peak < PEAK_LIMIT_MB else 1


if __name__ == "__main__":
    sys.exit(main())
