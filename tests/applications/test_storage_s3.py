"""Attachments on a real (moto) S3 endpoint and on local disk.

S3: objects live in a private bucket under generated keys; a download is a redirect to a
short-lived presigned URL; replaced and removed files are deleted only after commit.
moto checks neither a presigned URL's signature nor its expiry, so the tests read the
expiry from the URL; that anonymous requests are refused moto does check.
Local disk: the file lands under MEDIA_ROOT with a generated name and streams after a
permission check. No PostgreSQL needed: this runs in the SQLite pass.
"""

import re
import time
import urllib.error
import urllib.request
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from storages.backends.s3 import S3Storage

from applications import services
from applications.downloads import attachment_response
from applications.models import Attachment
from contests.models import FormField
from tests.applications import s3
from tests.factories import FormFieldFactory

pytestmark = pytest.mark.django_db
moto_s3, s3_bucket, s3_storage = s3.moto_s3, s3.s3_bucket, s3.s3_storage  # fixtures

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
OTHER_PDF = b"%PDF-1.4\n% another version of the report\n%%EOF\n"
GENERATED = re.compile(r"^applications/\d+/[0-9a-f]{32}\.pdf$")


@pytest.fixture
def application(published_contest, applicant):
    FormFieldFactory(contest=published_contest, key="report", field_type=FormField.Type.FILE, required=False)
    return services.start_application(
        organisation=applicant.organisations.get(),
        contest=published_contest,
        nomination=published_contest.nominations.get(),
        title="Е-послуги в бібліотеці",
        by=applicant,
    )


def attach(application, user, content: bytes = PDF, name: str = "Звіт бібліотеки (фінал).pdf"):
    return services.add_attachment(
        application, field_key="report", upload=SimpleUploadedFile(name, content), by=user
    )


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


# --- S3 -------------------------------------------------------------------------------------


def test_settings_switch_reaches_default_storage_and_the_field(s3_storage):
    field_storage = Attachment._meta.get_field("file").storage
    assert field_storage is default_storage  # the lazy object, re-resolved after the switch
    assert default_storage.bucket_name == s3_storage.name
    assert isinstance(default_storage._wrapped, S3Storage)


def test_upload_lands_in_the_bucket_under_a_generated_key(s3_storage, application, applicant):
    attachment = attach(application, applicant)

    key = attachment.file.name
    assert GENERATED.match(key), key
    assert key.startswith(f"applications/{application.contest_id}/")
    assert "Звіт" not in key and "фінал" not in key
    assert s3_storage.object_keys() == [key]
    assert s3_storage.read(key) == PDF
    assert attachment.original_name == "Звіт бібліотеки (фінал).pdf"
    assert attachment.size == len(PDF)


def test_the_bucket_is_private(s3_storage, application, applicant):
    attachment = attach(application, applicant)

    assert http_status(s3_storage.plain_url(attachment.file.name)) == 403
    acl = s3_storage.client.get_object_acl(Bucket=s3_storage.name, Key=attachment.file.name)
    granted_to_all = [g for g in acl["Grants"] if g["Grantee"].get("URI", "").endswith("/AllUsers")]
    assert granted_to_all == []


def test_download_is_a_redirect_to_a_short_lived_presigned_url(s3_storage, application, applicant):
    attachment = attach(application, applicant)

    response = attachment_response(attachment)

    assert response.status_code == 302
    url = response["Location"]
    assert url.startswith(f"{s3_storage.s3.endpoint_url}/{s3_storage.name}/{attachment.file.name}?")
    query = parse_qs(urlsplit(url).query)
    if "X-Amz-Expires" in query:  # signature v4
        assert 0 < int(query["X-Amz-Expires"][0]) <= s3.PRESIGNED_SECONDS
    else:  # signature v2: an absolute expiry time
        assert 0 < int(query["Expires"][0]) - time.time() <= s3.PRESIGNED_SECONDS + 5
    assert quote("Звіт бібліотеки (фінал).pdf") in query["response-content-disposition"][0]
    assert query["response-content-disposition"][0].startswith("attachment;")
    with urllib.request.urlopen(url, timeout=10) as download:
        assert download.read() == PDF
        assert download.headers["Content-Type"] == "application/pdf"
        assert download.headers["Content-Disposition"].startswith("attachment;")


def test_replacing_deletes_the_old_object_only_after_commit(
    s3_storage, application, applicant, django_capture_on_commit_callbacks
):
    old_key = attach(application, applicant).file.name

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        new = attach(application, applicant, OTHER_PDF, "Звіт, версія 2.pdf")
        assert sorted(s3_storage.object_keys()) == sorted([old_key, new.file.name])  # not yet committed

    assert len(callbacks) == 1
    assert s3_storage.object_keys() == [new.file.name]
    assert s3_storage.read(new.file.name) == OTHER_PDF
    assert list(application.attachments.values_list("file", flat=True)) == [new.file.name]


def test_a_rolled_back_replacement_keeps_the_old_object(
    s3_storage, application, applicant, django_capture_on_commit_callbacks
):
    old = attach(application, applicant)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        attach(application, applicant, OTHER_PDF, "Звіт, версія 2.pdf")
        raise RuntimeError("the caller's transaction fails after the upload")

    assert callbacks == []
    assert old.file.name in s3_storage.object_keys()
    assert s3_storage.read(old.file.name) == PDF
    assert list(application.attachments.values_list("file", flat=True)) == [old.file.name]


def test_removing_deletes_the_object_after_commit(
    s3_storage, application, applicant, django_capture_on_commit_callbacks
):
    attachment = attach(application, applicant)
    key = attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.remove_attachment(attachment, by=applicant)
        assert s3_storage.object_keys() == [key]  # still there until the commit

    assert s3_storage.object_keys() == []
    assert not application.attachments.exists()


# --- local disk -----------------------------------------------------------------------------


def test_local_disk_generated_name_and_streamed_download(settings, tmp_path, application, applicant):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path)

    attachment = attach(application, applicant, name="../../etc/звіт\x07 «фінал»?.pdf")

    path = tmp_path / attachment.file.name
    assert GENERATED.match(attachment.file.name)
    assert path.read_bytes() == PDF
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [path]
    assert attachment.original_name == "звіт_ «фінал»_.pdf"

    response = attachment_response(attachment)
    try:
        assert response.status_code == 200
        assert response.streaming
        assert b"".join(response.streaming_content) == PDF
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert quote("звіт_ «фінал»_.pdf") in disposition
        assert "etc" not in disposition and ".." not in disposition
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
    finally:
        response.close()
