"""Decompression bombs are refused from what the archive declares, before anything is unpacked, and
a member that understates its size is never inflated past what it declares (tests/bombs.py)."""

import io

import pytest
from django.core.exceptions import ValidationError

from core import files
from core.tables import Column, read_table
from tests.bombs import (
    MB,
    build_zip,
    docx_bomb,
    many_members,
    odt_bomb,
    peak_memory,
    upload,
    xlsx_bomb,
    zeros_member,
)

BOMB_MESSAGE = "This file unpacks to far more than its size; it cannot be accepted."
LIMIT = 20 * MB  # the most a refusal may cost in traced memory
COLUMNS = [Column("email", "E-mail", required=True)]


@pytest.mark.parametrize("bomb", [odt_bomb, docx_bomb, xlsx_bomb], ids=["odt-mimetype", "docx", "xlsx"])
def test_a_bomb_is_refused_before_it_is_unpacked(bomb):
    data = bomb()
    assert len(data) < MB  # 0.4 MB that would unpack to 400 MB
    peak, outcome = peak_memory(lambda: files.validate_upload(upload(data), files.DOCUMENT_TYPES, 10 * MB))
    assert isinstance(outcome, files.ArchiveBomb) and outcome.messages == [BOMB_MESSAGE]
    assert peak < LIMIT, f"{peak / MB:.1f} MB"


def test_a_forged_mimetype_is_read_a_few_bytes_at_most():
    # The header says 39 bytes; the stream holds 400 MB. Reading it whole would inflate all of it.
    peak, outcome = peak_memory(lambda: files.sniff_type(upload(odt_bomb(declared=39))))
    assert outcome is None  # zeros are no ODT
    assert peak < LIMIT, f"{peak / MB:.1f} MB"


def test_a_forged_member_read_whole_stops_at_its_declared_size():
    data = build_zip([zeros_member("big", 400, declared=1000)])

    def read_whole():
        with files.BoundedZipFile(io.BytesIO(data)) as archive:
            return archive.read("big")

    peak, outcome = peak_memory(read_whole)
    assert outcome == bytes(1000)
    assert peak < LIMIT, f"{peak / MB:.1f} MB"


def test_too_many_members_are_refused():
    with pytest.raises(files.ArchiveBomb):
        files.sniff_type(upload(many_members(10_001)))
    assert files.sniff_type(upload(many_members(100))) == files.DOCX


def test_the_limits_are_settings(settings):
    data = build_zip([zeros_member("word/document.xml", 50)])  # 50 MB of zeros compress ~1000 times
    with pytest.raises(files.ArchiveBomb):
        files.sniff_type(upload(data))
    settings.UPLOAD_ARCHIVE_MAX_RATIO = 2000
    assert files.sniff_type(upload(data)) == files.DOCX
    settings.UPLOAD_ARCHIVE_MAX_UNPACKED_MB = 10
    with pytest.raises(files.ArchiveBomb):
        files.sniff_type(upload(data))


@pytest.mark.parametrize(
    ("member", "declared"),
    [("xl/worksheets/sheet1.xml", None), ("xl/worksheets/sheet1.xml", 1000), ("xl/workbook.xml", 1000)],
    ids=["sheet-declared", "sheet-forged", "workbook-forged"],
)
def test_an_xlsx_table_bomb_is_refused_within_a_few_megabytes(member, declared):
    data = xlsx_bomb(member=member, declared=declared)
    peak, outcome = peak_memory(lambda: read_table(upload(data, "orgs.xlsx"), COLUMNS))
    assert isinstance(outcome, ValidationError)
    if declared is None:
        assert outcome.messages == [BOMB_MESSAGE]
    assert peak < LIMIT, f"{peak / MB:.1f} MB"
