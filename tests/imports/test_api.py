"""Imports by API (issue 15, point 15): upload a table, read the preview with its row errors,
confirm, read the result — for organisations (staff, organisers) and a contest's jurors (its
organisers), with the pages' rules and refusals."""

import pytest
from django.test import TestCase

from accounts.models import ImportJob, Organisation
from review.models import Juror
from tests.factories import NominationFactory, UserFactory
from tests.imports.conftest import csv_bytes, org_row, upload

pytestmark = pytest.mark.django_db

IMPORTS = "/api/v1/imports/"
JUROR_HEADER = ["E-mail", "ПІБ", "Область", "Номінації", "Max load"]


def juror_row(n: int, **overrides) -> dict:
    return {
        "E-mail": f"juror{n}@example.org",
        "ПІБ": f"Вигаданий Юрій {n}",
        "Область": "Київська область",
        "Номінації": "Цифрові послуги",
        "Max load": "12",
    } | overrides


def test_organisations_upload_preview_confirm_result(api, staff):
    client = api(staff)
    r = client.post(
        f"{IMPORTS}organisations/",
        {"file": upload(csv_bytes([org_row(1), org_row(2, Область="Марс")]))},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    job = r.json()
    assert job["state"] == "previewed" and job["total"] == 2 and job["error_rows"] == 1
    preview = job["preview"]
    assert (preview["good"], preview["bad"], preview["skipped"]) == (1, 1, 0)
    bad = next(row for row in preview["rows"] if not row["ok"])
    assert bad["number"] == 3 and any("Марс" in e for errors in bad["errors"].values() for e in errors)
    assert job["allowed"] == []  # a table with errors cannot be confirmed
    # Confirming it anyway: 409 with the reason, nothing imported.
    r = client.post(f"{IMPORTS}{job['id']}/confirm/")
    assert r.status_code == 409
    assert "Correct the rows" in r.json()["reasons"][0] and r.json()["allowed"] == []
    assert not Organisation.objects.exists()

    r = client.post(
        f"{IMPORTS}organisations/", {"file": upload(csv_bytes([org_row(1), org_row(2)]))}, format="multipart"
    )
    good = r.json()
    assert good["allowed"] == ["confirm"] and good["preview"]["good"] == 2
    # The preview is the job's to read again (checked against the database as it is now).
    again = client.get(f"{IMPORTS}{good['id']}/").json()
    assert again["preview"]["good"] == 2
    assert client.get(IMPORTS).json()["results"][0]["preview"] is None  # a list shows counts only
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = client.post(f"{IMPORTS}{good['id']}/confirm/")
    assert r.status_code == 200, r.content
    assert Organisation.objects.count() == 2
    done = client.get(f"{IMPORTS}{good['id']}/").json()
    assert done["state"] == "done" and done["created"] == 2 and done["preview"] is None
    # Confirming twice: 409, never a second import.
    r = client.post(f"{IMPORTS}{good['id']}/confirm/")
    assert r.status_code == 409 and "confirm" not in r.json()["allowed"]
    assert Organisation.objects.count() == 2


def test_organisations_import_refusals(api, organiser, staff):
    # Someone who may not import organisations: 403, no job.
    nobody = UserFactory(full_name="Вигаданий Читач")
    r = api(nobody).post(
        f"{IMPORTS}organisations/", {"file": upload(csv_bytes([org_row(1)]))}, format="multipart"
    )
    assert r.status_code == 403
    assert api().post(f"{IMPORTS}organisations/", {}, format="multipart").status_code in (401, 403)
    client = api(staff)
    # No file, a file of the wrong type, a header without rows: 400 with the file's error.
    assert "file" in client.post(f"{IMPORTS}organisations/", {}, format="multipart").json()["errors"]
    r = client.post(
        f"{IMPORTS}organisations/", {"file": upload(b"\x00\x01binary", "table.exe")}, format="multipart"
    )
    assert r.status_code == 400 and "file" in r.json()["errors"]
    r = client.post(f"{IMPORTS}organisations/", {"file": upload(csv_bytes([]))}, format="multipart")
    assert r.status_code == 400 and "no rows" in r.json()["errors"]["file"][0]
    assert not ImportJob.objects.exists()
    # Another person's job: 404 to read and to confirm.
    r = client.post(f"{IMPORTS}organisations/", {"file": upload(csv_bytes([org_row(1)]))}, format="multipart")
    job = r.json()["id"]
    assert api(nobody).get(f"{IMPORTS}{job}/").status_code == 404
    assert api(nobody).post(f"{IMPORTS}{job}/confirm/").status_code == 404
    assert ImportJob.objects.get(pk=job).state == "previewed"


def test_jurors_upload_preview_confirm(api, organiser, draft_contest):
    NominationFactory(contest=draft_contest, title="Цифрові послуги")
    client = api(organiser)
    r = client.post(
        "/api/v1/juror-imports/",
        {
            "contest": draft_contest.pk,
            "file": upload(
                csv_bytes([juror_row(1), juror_row(2, Номінації="Немає такої")], header=JUROR_HEADER)
            ),
        },
        format="multipart",
    )
    assert r.status_code == 201, r.content
    job = r.json()
    assert job["kind"] == "jurors" and job["scope"] == f"contest:{draft_contest.pk}"
    assert job["preview"]["bad"] == 1 and job["allowed"] == []
    r = client.post(
        "/api/v1/juror-imports/",
        {"contest": draft_contest.pk, "file": upload(csv_bytes([juror_row(1)], header=JUROR_HEADER))},
        format="multipart",
    )
    job = r.json()
    assert job["allowed"] == ["confirm"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post(f"{IMPORTS}{job['id']}/confirm/").status_code == 200
    assert client.get(f"{IMPORTS}{job['id']}/").json()["state"] == "done"
    assert not Juror.objects.filter(contest=draft_contest).exists()  # invited, seated on accepting
    assert ImportJob.objects.get(pk=job["id"]).invited == 1


def test_jurors_import_refusals(api, organiser, draft_contest, other_organiser):
    file = lambda: upload(csv_bytes([juror_row(1)], header=JUROR_HEADER))  # noqa: E731
    # An organiser of another contest cannot see a draft contest: 404.
    r = api(other_organiser).post("/api/v1/juror-imports/", {"contest": draft_contest.pk, "file": file()})
    assert r.status_code == 404
    # No or a bad contest: 400; a missing contest: 404; a missing file: 400.
    client = api(organiser)
    assert client.post("/api/v1/juror-imports/", {"file": file()}, format="multipart").status_code == 400
    assert client.post("/api/v1/juror-imports/", {"contest": "x", "file": file()}).status_code == 400
    assert client.post("/api/v1/juror-imports/", {"contest": 999999, "file": file()}).status_code == 404
    r = client.post("/api/v1/juror-imports/", {"contest": draft_contest.pk}, format="multipart")
    assert r.status_code == 400 and "file" in r.json()["errors"]
    assert not ImportJob.objects.exists()


def test_jurors_import_needs_the_contests_organiser(api, published_contest):
    """A published contest is visible to everyone; only its organisers import jurors (403)."""
    reader = UserFactory(full_name="Вигадана Читачка")
    r = api(reader).post(
        "/api/v1/juror-imports/",
        {"contest": published_contest.pk, "file": upload(csv_bytes([juror_row(1)], header=JUROR_HEADER))},
        format="multipart",
    )
    assert r.status_code == 403
    assert not ImportJob.objects.exists()


def test_the_schema_documents_the_imports(api):
    paths = api().get("/api/schema/", {"format": "json"}).json()["paths"]
    upload_ = paths["/api/v1/imports/organisations/"]["post"]
    assert "multipart/form-data" in upload_["requestBody"]["content"]
    assert {"201", "400", "403"} <= set(upload_["responses"])
    assert {"200", "403", "404", "409"} <= set(paths["/api/v1/imports/{id}/confirm/"]["post"]["responses"])
    assert {"201", "400", "403", "404"} <= set(paths["/api/v1/juror-imports/"]["post"]["responses"])
