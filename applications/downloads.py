"""Serving attachments: only after the caller's permission was checked.

On local disk the file streams through Django; on S3 the response is a redirect to a
presigned URL that expires in minutes (the bucket itself is private). A storage that is down
answers 503 (core.files.StorageUnavailable), a file missing from it 404.
"""

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect

from applications.models import Attachment
from core.files import check_stored, storing

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
PRESIGNED_SECONDS = 300


def attachment_response(attachment: Attachment) -> HttpResponse:
    storage = attachment.file.storage
    content_type = CONTENT_TYPES.get(attachment.kind, "application/octet-stream")
    if _is_s3(storage):
        # The URL is signed here without asking S3: ask first, so that a storage that is down
        # answers 503 (core.files.StorageUnavailable) instead of sending the person to it.
        if not check_stored(attachment.file):
            raise Http404
        disposition = f"attachment; filename*=UTF-8''{quote(attachment.original_name)}"
        url = storage.url(
            attachment.file.name,
            parameters={"ResponseContentDisposition": disposition, "ResponseContentType": content_type},
            expire=getattr(settings, "AWS_QUERYSTRING_EXPIRE", PRESIGNED_SECONDS),
        )
        return HttpResponseRedirect(url)
    try:
        with storing():
            opened = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        opened,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _is_s3(storage) -> bool:
    # FileFields hold `default_storage`, a lazy object: type() would name its wrapper
    # (DefaultStorage) while __class__ is proxied to the configured backend.
    return storage.__class__.__module__.startswith("storages.backends.s3")
