"""The backup file format: a versioned header, a wrapped data key, then AES-256-GCM chunks.

    fixed header (40 bytes, never changes):
        magic "SMSBKUP\\n" | version u16 | algorithm u16 (1 = AES-256-GCM) | chunk size u32 |
        nonce prefix (8 random bytes) | backup id (16 random bytes)
    key block (76 bytes, rewritten when the master key rotates):
        key id (16 ASCII bytes) | wrap nonce (12) | data key wrapped with the master key (32 + 16 tag)
        — AES-GCM with the fixed header and the key id as associated data
    chunks, in order, until the end of the file:
        AES-256-GCM(data key, nonce = prefix | counter u32, chunk ≤ chunk size bytes,
                    associated data = fixed header | counter u64 | final flag u8)

Every chunk authenticates the fixed header, its position and whether it is the last one, so a bit
flip, a reordered, dropped or repeated chunk, a truncated file, bytes appended after the last chunk
or a header taken from another backup all fail with BackupCorrupt. Decryption releases a chunk's
plaintext only after its tag verified (AESGCM.decrypt is one-shot). Memory stays at a few chunks
whatever the size of the database.
"""

import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"SMSBKUP\n"
VERSION = 1
ALGORITHM_AES_256_GCM = 1
CHUNK_SIZE = 64 * 1024
TAG = 16
FIXED = struct.Struct(">8sHHI8s16s")
KEY_ID_LENGTH = 16
KEY_BLOCK = KEY_ID_LENGTH + 12 + 32 + TAG
HEADER_SIZE = FIXED.size + KEY_BLOCK
MAX_CHUNKS = 2**32  # the counter is 32 bits in the nonce: 256 TiB at 64 KiB chunks


class BackupCorrupt(Exception):
    """The file is not an intact SMS backup (tampered, truncated, or not a backup at all)."""


class UnsupportedFormat(BackupCorrupt):
    """A format version or algorithm this SMS does not know: the backup comes from a newer SMS."""


class WrongKey(Exception):
    """The data key cannot be unwrapped: the master key that made this backup is not available."""


def _chunk_aad(fixed, counter, final):
    return fixed + struct.pack(">QB", counter, 1 if final else 0)


def _nonce(prefix, counter):
    if counter >= MAX_CHUNKS:
        raise BackupCorrupt("too many chunks")
    return prefix + struct.pack(">I", counter)


def fixed_header(chunk_size=CHUNK_SIZE):
    return FIXED.pack(MAGIC, VERSION, ALGORITHM_AES_256_GCM, chunk_size, os.urandom(8), os.urandom(16))


def wrap_key(fixed, key_id, data_key, master_key):
    if len(key_id.encode("ascii")) != KEY_ID_LENGTH:
        raise ValueError(f"a master key id is {KEY_ID_LENGTH} ASCII characters")
    nonce = os.urandom(12)
    wrapped = AESGCM(master_key).encrypt(nonce, data_key, fixed + key_id.encode("ascii"))
    return key_id.encode("ascii") + nonce + wrapped


def parse_header(header):
    """(fields dict, fixed bytes, key id) from the first HEADER_SIZE bytes; BackupCorrupt if not ours."""
    if len(header) < HEADER_SIZE:
        raise BackupCorrupt("the file is too short to be an SMS backup")
    fixed = header[:FIXED.size]
    magic, version, algorithm, chunk_size, prefix, backup_id = FIXED.unpack(fixed)
    if magic != MAGIC:
        raise BackupCorrupt("this is not an SMS backup file")
    if version != VERSION or algorithm != ALGORITHM_AES_256_GCM:
        raise UnsupportedFormat(f"backup format version {version} / algorithm {algorithm} is newer than this SMS")
    if not 1024 <= chunk_size <= 16 * 1024 * 1024:
        raise BackupCorrupt("implausible chunk size")
    try:
        key_id = header[FIXED.size:FIXED.size + KEY_ID_LENGTH].decode("ascii")
    except UnicodeDecodeError:
        raise BackupCorrupt("the key id in the header is not readable") from None
    fields = {"version": version, "chunk_size": chunk_size, "nonce_prefix": prefix, "backup_id": backup_id.hex()}
    return fields, fixed, key_id


def unwrap_key(header, master_key):
    _fields, fixed, key_id = parse_header(header)
    block = header[FIXED.size:HEADER_SIZE]
    nonce, wrapped = block[KEY_ID_LENGTH:KEY_ID_LENGTH + 12], block[KEY_ID_LENGTH + 12:]
    try:
        return AESGCM(master_key).decrypt(nonce, wrapped, fixed + key_id.encode("ascii"))
    except InvalidTag:
        raise WrongKey("the master key does not open this backup (wrong key, or the header was altered)") from None


def encrypt_stream(source, target, key_id, master_key, chunk_size=CHUNK_SIZE, progress=None):
    """Read plaintext from source (file-like) and write a backup to target; returns plaintext bytes."""
    fixed = fixed_header(chunk_size)
    prefix = FIXED.unpack(fixed)[4]
    data_key = AESGCM.generate_key(bit_length=256)
    target.write(fixed + wrap_key(fixed, key_id, data_key, master_key))
    cipher, counter, total = AESGCM(data_key), 0, 0
    chunk = _read_full(source, chunk_size)
    while True:
        following = _read_full(source, chunk_size) if len(chunk) == chunk_size else b""
        final = not following
        target.write(cipher.encrypt(_nonce(prefix, counter), chunk, _chunk_aad(fixed, counter, final)))
        total += len(chunk)
        counter += 1
        if progress:
            progress(total)
        if final:
            return total
        chunk = following


def decrypt_stream(source, target, master_key, progress=None):
    """Verify and decrypt a backup from source into target (None: verify only); returns plaintext bytes.

    Raises BackupCorrupt or WrongKey; target only ever receives verified chunks.
    """
    header = _read_full(source, HEADER_SIZE)
    fields, fixed, _key_id = parse_header(header)
    cipher = AESGCM(unwrap_key(header, master_key))
    size = fields["chunk_size"] + TAG
    counter, total = 0, 0
    record = _read_full(source, size)
    if len(record) < TAG:
        raise BackupCorrupt("the backup is truncated: no data after the header")
    while True:
        following = _read_full(source, size) if len(record) == size else b""
        final = not following
        try:
            plain = cipher.decrypt(_nonce(fields["nonce_prefix"], counter), record, _chunk_aad(fixed, counter, final))
        except InvalidTag:
            raise BackupCorrupt(
                f"chunk {counter} does not authenticate: the file was altered, truncated, reordered "
                "or extended"
            ) from None
        if target is not None:
            target.write(plain)
        total += len(plain)
        counter += 1
        if progress:
            progress(total)
        if final:
            return total
        if len(following) < TAG:
            raise BackupCorrupt("the backup ends inside a chunk")
        record = following


def _read_full(source, size):
    parts, remaining = [], size
    while remaining:
        part = source.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)
