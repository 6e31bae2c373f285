"""Uploaded files: the type is read from the content, names are generated."""

import uuid
import zipfile
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF, DOCX, XLSX, ODT, JPEG, PNG = "pdf", "docx", "xlsx", "odt", "jpeg", "png"
DOCUMENT_TYPES = (PDF, DOCX, ODT)
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", ODT: "odt", JPEG: "jpg", PNG: "png"}


def sniff_type(upload: UploadedFile) -> str | None:
    """The file's real type from its bytes, or None if it is none we accept."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(upload)
    return None


def _sniff_zip(upload: UploadedFile) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").strip()
                return ODT if mimetype == b"application/vnd.oasis.opendocument.text" else None
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    finally:
        upload.seek(0)
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def validate_upload(upload: UploadedFile, allowed: tuple[str, ...], max_bytes: int) -> str:
    """Refuse a file that is too big or not of an allowed type; return its type."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)}
        )
    kind = sniff_type(upload)
    if kind not in allowed:
        raise ValidationError(
            _("This file type is not accepted here. Allowed: %(types)s.")
            % {"types": ", ".join(t.upper() for t in allowed)}
        )
    return kind


def generated_name(folder: str, original_name: str, kind: str | None = None) -> str:
    """A storage path that owes nothing to the user's file name but its extension."""
    ext = EXTENSIONS.get(kind or "", PurePosixPath(original_name).suffix.lstrip(".").lower())
    return f"{folder}/{uuid.uuid4().hex}.{ext or 'bin'}"
