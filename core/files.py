"""Uploaded files: the type is read from the content, names are generated; the storage being
down is told apart from every other error (StorageUnavailable, answered 503 by both doors)."""

import logging
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

log = logging.getLogger(__name__)

PDF, DOCX, XLSX, ODT, JPEG, PNG = "pdf", "docx", "xlsx", "odt", "jpeg", "png"
DOCUMENT_TYPES = (PDF, DOCX, ODT)
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", ODT: "odt", JPEG: "jpg", PNG: "png"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Archives (DOCX, XLSX and ODT are ZIPs) are judged by what their members declare before anything is
# unpacked; the limits are settings (config/settings.py), these are the defaults.
ARCHIVE_MAX_UNPACKED_MB = 100
ARCHIVE_MAX_RATIO = 100
ARCHIVE_MAX_MEMBERS = 10_000
RATIO_FREE_BYTES = 2**20  # a member this small may compress as well as it likes
READ_CHUNK = 2**16  # the most a BoundedZipFile member inflates in one step


class ArchiveBomb(ValidationError):
    """An archive that would unpack to far more than its size."""


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse an archive whose members declare too much, before a byte of it is unpacked.

    Counts members, sums their declared sizes and compares each member's declared size with its
    compressed size. A member that lies about its size is never inflated past what it declares:
    read it through `BoundedZipFile` or in small reads (`archive.open(name).read(n)`)."""
    members = archive.infolist()
    unpacked = sum(member.file_size for member in members)
    max_ratio = _limit("UPLOAD_ARCHIVE_MAX_RATIO", ARCHIVE_MAX_RATIO)
    if (
        len(members) > _limit("UPLOAD_ARCHIVE_MAX_MEMBERS", ARCHIVE_MAX_MEMBERS)
        or unpacked > _limit("UPLOAD_ARCHIVE_MAX_UNPACKED_MB", ARCHIVE_MAX_UNPACKED_MB) * 2**20
        or any(
            member.file_size > RATIO_FREE_BYTES
            and member.file_size > max_ratio * max(member.compress_size, 1)
            for member in members
        )
    ):
        raise ArchiveBomb(
            _("This file unpacks to far more than its size; it cannot be accepted."), code="archive_bomb"
        )


class BoundedZipFile(zipfile.ZipFile):
    """A ZipFile whose members inflate a chunk at a time even when read whole.

    `ZipExtFile.read()` inflates all of a member's compressed bytes in one call and only then cuts
    the result to the declared size, so a member whose header understates its size would grow the
    process by what it really holds. Reading in chunks stops at the declared size instead."""

    def open(self, name, mode="r", pwd=None, *, force_zip64=False):
        member = super().open(name, mode, pwd, force_zip64=force_zip64)
        if mode == "r":
            member.MAX_N = READ_CHUNK
        return member


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
    """DOCX, XLSX or ODT by the archive's members; ArchiveBomb before anything is unpacked."""
    try:
        with zipfile.ZipFile(upload) as archive:
            check_archive(archive)
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(len(ODT_MIMETYPE) + 2).strip()
                return ODT if mimetype == ODT_MIMETYPE else None
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


# --- the storage being down ---------------------------------------------------------------------

STORAGE_UNAVAILABLE_MESSAGE = gettext_lazy(
    "Files cannot be stored right now; your answers are saved — try the file again in a few minutes."
)
STORAGE_RETRY_AFTER_SECONDS = 120


class StorageUnavailable(Exception):
    """The file storage cannot be reached or refuses us: nothing is wrong with the person's file.

    The web (core.middleware) and the API (core.api.exception_handler) answer it 503 with
    STORAGE_UNAVAILABLE_MESSAGE and a Retry-After; whatever was saved before it stays saved.
    """

    def __init__(self, error: BaseException | str = "") -> None:
        super().__init__(str(error))
        self.error = error


def _client_error_is_outage(error: BaseException) -> bool:
    """A 404 is a missing object (the caller's 404); any other answer from S3 (5xx, a wrong key
    or bucket, access denied) means the storage cannot serve us."""
    status = getattr(error, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status != 404


def storage_outage(error: BaseException) -> StorageUnavailable | None:
    """`error` as a StorageUnavailable if it means the storage is down, else None.

    Raw errors of the S3 client (connection refused, timeouts, bad credentials, 5xx) count
    wherever they are raised; disk errors only inside `storing()`, where a file is handled.
    """
    if isinstance(error, StorageUnavailable):
        return error
    if isinstance(error, ClientError):
        return StorageUnavailable(error) if _client_error_is_outage(error) else None
    if isinstance(error, (BotoCoreError, Boto3Error)):
        return StorageUnavailable(error)
    return None


def log_outage(outage: StorageUnavailable, where: str = "") -> None:
    error = outage.error
    log.warning(
        "File storage unavailable%s: %s",
        f" ({where})" if where else "",
        f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else error,
    )


@contextmanager
def storing() -> Iterator[None]:
    """Turn the storage's failures inside the block into StorageUnavailable (a missing file stays
    FileNotFoundError; a full or unwritable disk counts as down)."""
    try:
        yield
    except StorageUnavailable:
        raise
    except FileNotFoundError:
        raise
    except Exception as error:
        outage = storage_outage(error)
        if outage is None and isinstance(error, OSError):
            outage = StorageUnavailable(error)
        if outage is None:
            raise
        raise outage from error


def check_stored(file) -> bool:
    """Whether a stored file (a FieldFile) can be served now: False when it is missing,
    StorageUnavailable when the storage cannot say. A presigned URL is made without asking the
    storage, so a download checks first instead of sending the person to a dead bucket."""
    with storing():
        return file.storage.exists(file.name)
