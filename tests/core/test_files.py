"""Uploads: the type comes from the bytes, the size is limited, names are generated."""

import io
import zipfile
from pathlib import PurePosixPath

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core import files


def zipped(entries: dict[str, bytes], first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first:
            archive.writestr(first, entries[first], compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            if name != first:
                archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20 + b"\xff\xd9"
DOCX = zipped(
    {
        "[Content_Types].xml": b"<Types/>",
        "word/document.xml": b"<w:document/>",
    }
)
XLSX = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = zipped(
    {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document-content/>"},
    first="mimetype",
)
ODS = zipped(
    {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"},
    first="mimetype",
)
PLAIN_ZIP = zipped({"readme.txt": b"hello"})


def upload(data: bytes, name: str = "file.bin") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, files.PDF),
        (PNG, files.PNG),
        (JPEG, files.JPEG),
        (DOCX, files.DOCX),
        (XLSX, files.XLSX),
        (ODT, files.ODT),
    ],
)
def test_sniff_recognises_accepted_types(data, kind):
    # The name says nothing true: the type comes from the content alone.
    f = upload(data, "misleading.txt")
    assert files.sniff_type(f) == kind
    assert f.tell() == 0  # rewound for whoever stores it next


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"Just some text, honestly a PDF.\n", "report.pdf"),
        (b"<html><script>alert(1)</script></html>", "photo.png"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "document.docx"),
        (PLAIN_ZIP, "document.docx"),
        (ODS, "document.odt"),
        (b"PK\x03\x04 not really a zip", "broken.docx"),
        (b"", "empty.pdf"),
    ],
)
def test_sniff_rejects_everything_else(data, name):
    assert files.sniff_type(upload(data, name)) is None


def test_validate_upload_returns_kind():
    assert files.validate_upload(upload(PDF, "a.pdf"), files.DOCUMENT_TYPES, 1024) == files.PDF


def test_validate_upload_refuses_too_large():
    data = PDF + b"0" * 2048
    with pytest.raises(ValidationError) as error:
        files.validate_upload(upload(data, "big.pdf"), files.DOCUMENT_TYPES, max_bytes=1024)
    assert "too large" in error.value.messages[0]


def test_validate_upload_accepts_exactly_the_limit():
    data = PDF + b"0" * (1024 - len(PDF))
    assert files.validate_upload(upload(data, "a.pdf"), files.DOCUMENT_TYPES, max_bytes=1024) == files.PDF


def test_validate_upload_refuses_disguised_text():
    with pytest.raises(ValidationError) as error:
        files.validate_upload(upload(b"plain text", "fake.pdf"), files.DOCUMENT_TYPES, 1024)
    assert "not accepted" in error.value.messages[0]


def test_validate_upload_refuses_type_outside_allowed():
    with pytest.raises(ValidationError) as error:
        files.validate_upload(upload(PNG, "scan.png"), files.DOCUMENT_TYPES, 1024)
    assert "PDF, DOCX, ODT" in error.value.messages[0]


@pytest.mark.parametrize(
    ("original", "kind", "ext"),
    [
        ("Звіт бібліотеки.pdf", files.PDF, "pdf"),
        ("../../etc/passwd", None, "bin"),
        ("photo.JPG", None, "jpg"),
        ("scan.png.exe", files.PNG, "png"),
        ("<script>.docx", files.DOCX, "docx"),
    ],
)
def test_generated_name_owes_nothing_to_the_original(original, kind, ext):
    name = files.generated_name("applications/7", original, kind)
    folder, _, base = name.rpartition("/")
    assert folder == "applications/7"
    stem, _, suffix = base.partition(".")
    assert suffix == ext
    assert len(stem) == 32 and all(c in "0123456789abcdef" for c in stem)
    assert PurePosixPath(original).stem not in name
    assert ".." not in name


def test_generated_names_are_unique():
    names = {files.generated_name("x", "same.pdf", files.PDF) for _ in range(200)}
    assert len(names) == 200
