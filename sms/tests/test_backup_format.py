"""The backup file format refuses every kind of tampering and a wrong key, and streams in chunks."""

import io
import os

import pytest

from sms.backup import format

KEY_ID = "0123456789abcdef"
MASTER = bytes(range(32))
CHUNK = 1024  # small chunks so a few KB exercise many of them


def encrypt(plain, master=MASTER):
    out = io.BytesIO()
    format.encrypt_stream(io.BytesIO(plain), out, KEY_ID, master, chunk_size=CHUNK)
    return out.getvalue()


def decrypt(blob, master=MASTER):
    out = io.BytesIO()
    format.decrypt_stream(io.BytesIO(blob), out, master)
    return out.getvalue()


@pytest.fixture
def plain():
    return os.urandom(CHUNK * 5 + 123)


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK * 3, CHUNK * 3 + 7])
def test_round_trip_of_any_size(size):
    data = os.urandom(size)
    assert decrypt(encrypt(data)) == data


def test_the_same_plaintext_encrypts_differently_each_time(plain):
    assert encrypt(plain) != encrypt(plain)


def chunks(blob):
    body = blob[format.HEADER_SIZE:]
    size = CHUNK + format.TAG
    return blob[:format.HEADER_SIZE], [body[i:i + size] for i in range(0, len(body), size)]


def refused(blob, exception=format.BackupCorrupt):
    with pytest.raises(exception):
        decrypt(blob)


def test_a_flipped_bit_anywhere_in_the_data_is_refused(plain):
    blob = bytearray(encrypt(plain))
    for position in (format.HEADER_SIZE + 5, len(blob) // 2, len(blob) - 1):
        tampered = bytearray(blob)
        tampered[position] ^= 0x01
        refused(bytes(tampered))


def test_truncation_at_a_chunk_boundary_or_inside_a_chunk_is_refused(plain):
    header, parts = chunks(encrypt(plain))
    refused(header + b"".join(parts[:-1]))          # last chunk dropped: the new last was not final
    refused(header + b"".join(parts)[:-10])          # cut inside the last chunk
    refused(header)                                  # nothing after the header


def test_reordered_or_repeated_chunks_are_refused(plain):
    header, parts = chunks(encrypt(plain))
    refused(header + parts[1] + parts[0] + b"".join(parts[2:]))
    refused(header + parts[0] + parts[0] + b"".join(parts[1:]))


def test_bytes_appended_after_the_last_chunk_are_refused(plain):
    refused(encrypt(plain) + b"extra")
    refused(encrypt(b"x" * CHUNK) + os.urandom(CHUNK + format.TAG))


def test_a_header_from_another_backup_is_refused(plain):
    first, second = encrypt(plain), encrypt(plain)
    refused(second[:format.HEADER_SIZE] + first[format.HEADER_SIZE:])
    fixed = format.FIXED.size
    refused(first[:fixed] + second[fixed:format.HEADER_SIZE] + first[format.HEADER_SIZE:], format.WrongKey)


def test_a_wrong_master_key_is_refused(plain):
    with pytest.raises(format.WrongKey):
        decrypt(encrypt(plain), master=bytes(32))


def test_files_that_are_not_backups_are_refused():
    refused(b"")
    refused(b"PK\x03\x04 a zip file" * 10)


def test_plaintext_is_released_only_for_verified_chunks(plain):
    header, parts = chunks(encrypt(plain))
    damaged = bytearray(parts[2])
    damaged[0] ^= 1
    out = io.BytesIO()
    with pytest.raises(format.BackupCorrupt, match="chunk 2"):
        format.decrypt_stream(io.BytesIO(header + parts[0] + parts[1] + bytes(damaged) + b"".join(parts[3:])),
                              out, MASTER)
    assert out.getvalue() == plain[:2 * CHUNK]  # the two verified chunks, nothing of the bad one


def test_garbage_in_the_key_id_is_refused_as_damage(plain):
    blob = bytearray(encrypt(plain))
    blob[format.FIXED.size] = 0xFF
    refused(bytes(blob))


def test_a_newer_format_version_is_refused_as_unsupported(plain):
    blob = bytearray(encrypt(plain))
    blob[len(format.MAGIC) + 1] += 1
    refused(bytes(blob), format.UnsupportedFormat)


def test_the_header_sizes_are_the_documented_ones():
    assert (format.FIXED.size, format.KEY_BLOCK, format.HEADER_SIZE) == (40, 76, 116)


def test_a_key_id_of_the_wrong_length_is_a_programming_error():
    with pytest.raises(ValueError, match="16 ASCII"):
        format.encrypt_stream(io.BytesIO(b"x"), io.BytesIO(), "short", MASTER)
