"""Serving attachments: only after the caller's permission was checked.

On local disk the file streams through Django; on S3 the response is a redirect to a
presigned URL that expires in minutes (the bucket itself is private). A storage that is down
answers 503 (core.files.StorageUnavailable), a file missing from it 404.

This is the one path private files are served through (applications' attachments, and grants'
documents served as attachments): each download served is logged here (DownloadLog: who, when,
which file, web or API). A file of a published case in the public depository (`public=True`) is
not logged. A file that could not be served (404, 503) is not logged either. Each logged download
is also a line of the security log (FILE_DOWNLOADED: who, when, from which address).
"""

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect

from accounts import security_log
from applications.models import Attachment, DownloadLog
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


def attachment_response(
    attachment: Attachment,
    *,
    by=None,
    via: str = DownloadLog.Via.WEB,
    application_id: int | None = None,
    public: bool = False,
    name: str | None = None,
    request: HttpRequest | None = None,
) -> HttpResponse:
    """Serve the file (after the caller checked the permission) and log the download.

    `by`: who downloads (None: anonymous, or not known to the caller); `via`: web or API;
    `application_id`: the application a file that is not an Attachment belongs to (a grant's
    documents); `public`: a published file, not logged; `name`: the name the file is given
    (default its original name; a juror in blind review gets one named after the question);
    `request`: where from, for the security log (its address and browser)."""
    storage = attachment.file.storage
    content_type = CONTENT_TYPES.get(attachment.kind, "application/octet-stream")
    name = name or attachment.original_name
    if _is_s3(storage):
        # The URL is signed here without asking S3: ask first, so that a storage that is down
        # answers 503 (core.files.StorageUnavailable) instead of sending the person to it.
        if not check_stored(attachment.file):
            raise Http404
        _log(attachment, by=by, via=via, application_id=application_id, public=public, request=request)
        disposition = f"attachment; filename*=UTF-8''{quote(name)}"
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
    _log(attachment, by=by, via=via, application_id=application_id, public=public, request=request)
    response = FileResponse(
        opened,
        as_attachment=True,
        filename=name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _log(attachment, *, by, via: str, application_id: int | None, public: bool, request) -> None:
    if public:
        return
    is_attachment = isinstance(attachment, Attachment)
    person = by if by is not None and by.is_authenticated else None
    entry = DownloadLog.objects.create(
        application_id=attachment.application_id if is_attachment else application_id,
        attachment=attachment if is_attachment else None,
        file_name=attachment.original_name[:200],
        field_key=attachment.field_key if is_attachment else "",
        user=person,
        via=via,
    )
    security_log.record(
        security_log.Kind.FILE_DOWNLOADED,
        request=request,
        user=person,
        file=entry.file_name,
        file_kind="attachment" if is_attachment else type(attachment).__name__.lower(),
        object_id=getattr(attachment, "pk", None),  # an agreement file has none: its grant's application
        application=entry.application_id,
        via=via,
    )


def _is_s3(storage) -> bool:
    # FileFields hold `default_storage`, a lazy object: type() would name its wrapper
    # (DefaultStorage) while __class__ is proxied to the configured backend.
    return storage.__class__.__module__.startswith("storages.backends.s3")
