"""Decompression bombs built in memory in milliseconds, and a measure of what reading them costs.

A bomb's member is a raw deflate stream of zeros made by repeating one compressed megabyte (each
flushed with Z_FULL_FLUSH, so every block is the same bytes): 400 MB of zeros is 0.4 MB of ZIP.
The archive is written by hand so that a member's header may declare any size (a forged one).
"""

import io
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

MB = 2**20
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@cache
def deflated_zeros(megabytes: int) -> tuple[bytes, int]:
    """A raw deflate stream inflating to `megabytes` MB of zeros, and the CRC-32 of those zeros."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    zeros = bytes(MB)
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    return block * megabytes + compressor.flush(), crc


def build_zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A ZIP of (name, raw data, method, crc, declared uncompressed size) members, in that order."""
    out = io.BytesIO()
    central = []
    for name, data, method, crc, size in members:
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), size, len(encoded), 0
            )
        )
        out.write(encoded + data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    for record in central:
        out.write(record)
    end = out.tell()
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), end - start, start, 0))
    return out.getvalue()


def stored(name: str, data: bytes) -> tuple[str, bytes, int, int, int]:
    return (name, data, 0, zlib.crc32(data), len(data))


def zeros_member(
    name: str, megabytes: int, *, declared: int | None = None
) -> tuple[str, bytes, int, int, int]:
    """A deflated member of `megabytes` MB of zeros; `declared` forges the size in its headers."""
    data, crc = deflated_zeros(megabytes)
    if declared is not None:
        crc = zlib.crc32(bytes(declared))  # the CRC of what a reader stopping at `declared` sees
    return (name, data, 8, crc, megabytes * MB if declared is None else declared)


def odt_bomb(megabytes: int = 400, *, declared: int | None = None) -> bytes:
    """An "ODT" whose `mimetype` inflates to `megabytes` MB (honestly declared, or forged)."""
    return build_zip([zeros_member("mimetype", megabytes, declared=declared), stored("content.xml", b"<x/>")])


def docx_bomb(megabytes: int = 400) -> bytes:
    return build_zip(
        [stored("[Content_Types].xml", b"<Types/>"), zeros_member("word/document.xml", megabytes)]
    )


@cache
def real_xlsx_parts() -> dict[str, bytes]:
    """The members of a genuine one-row workbook saved by openpyxl."""
    workbook = Workbook()
    workbook.active.append(["E-mail", "ПІБ"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xlsx_bomb(
    megabytes: int = 400, *, member: str = "xl/worksheets/sheet1.xml", declared: int | None = None
) -> bytes:
    """A genuine workbook whose `member` is swapped for `megabytes` MB of zeros (declared or forged)."""
    parts = real_xlsx_parts()
    assert member in parts
    return build_zip(
        [
            zeros_member(name, megabytes, declared=declared) if name == member else stored(name, data)
            for name, data in parts.items()
        ]
    )


def many_members(count: int) -> bytes:
    return build_zip(
        [stored("[Content_Types].xml", b"<Types/>"), stored("word/document.xml", b"<w/>")]
        + [stored(f"m/{i}", b"") for i in range(count)]
    )


def upload(data: bytes, name: str = "file.bin") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def peak_memory(action: Callable[[], object]) -> tuple[int, object]:
    """(peak bytes traced by tracemalloc while `action` ran, what it returned or raised)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        try:
            outcome = action()
        except Exception as error:  # the refusal is what most tests expect
            outcome = error
        return tracemalloc.get_traced_memory()[1], outcome
    finally:
        tracemalloc.stop()
