"""Organisations from a table: the preview shows every problem and writes nothing; the import is
all or nothing, with one invitation per new contact person."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from accounts import imports
from accounts.models import ImportJob, Invitation, Membership, Organisation
from notifications.models import Message
from tests.factories import OrganisationFactory, UserFactory
from tests.imports.conftest import HEADER, csv_bytes, edrpou, org_row, upload

pytestmark = pytest.mark.django_db


def preview(rows):
    table_rows, numbers = [], []
    from core.tables import read_table

    table = read_table(upload(csv_bytes(rows)), imports.ORGANISATIONS.columns())
    table_rows, numbers = table.rows, table.numbers
    return imports.ORGANISATIONS.preview(table_rows, numbers)


def run(rows, by=None):
    job, results = imports.create_job(ImportJob.Kind.ORGANISATIONS, upload(csv_bytes(rows)), by=by)
    return job, results


BAD_ROWS = [
    ("name", {"Назва": ""}, "Required."),
    ("email", {"E-mail": "not-an-address"}, "Not a valid e-mail"),
    ("region", {"Область": "Атлантида"}, "Unknown region"),
    ("kind", {"Тип": "Бібліотека на Марсі"}, "Unknown kind"),
    ("registry_code", {"Код ЄДРПОУ": "87654321"}, "check digit"),
    ("registry_code", {"Код ЄДРПОУ": "12AB"}, "8 digits"),
    ("name", {"Назва": "Б" * 301}, "Too long"),
    ("phone", {"Телефон": "дзвоніть"}, "phone"),
    ("website", {"Сайт": "http://"}, "web address"),
    ("contact_name", {"Contact person": ""}, "contact person's name"),
    ("contact_email", {"Contact e-mail": "контакт@"}, "Not a valid e-mail"),
]


@pytest.mark.parametrize("key, overrides, message", BAD_ROWS, ids=[f"{k}-{m}" for k, _o, m in BAD_ROWS])
def test_preview_catches_each_bad_row_and_writes_nothing(key, overrides, message):
    job, results = run([org_row(1), org_row(2, **overrides), org_row(3)])
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].number == 3  # the file's line: header is 1
    assert any(message in error for error in results[1].errors[key])
    assert job.error_rows == 1
    assert not Organisation.objects.exists()
    assert not Invitation.objects.exists()
    assert not Message.objects.exists()
    with pytest.raises(Exception, match="Correct the rows"):
        imports.confirm_job(job, by=None)


def test_every_row_is_checked_not_only_the_first_bad_one():
    rows = [org_row(n, **({"E-mail": "bad"} if n % 2 else {})) for n in range(10)]
    _job, results = run(rows)
    assert sum(not r.ok for r in results) == 5


def test_region_by_value_or_label_in_either_language_any_case():
    rows = [
        org_row(1, Область=text) for text in ("poltava", "ПОЛТАВСЬКА ОБЛАСТЬ", "Poltava oblast", "Полтавська")
    ]
    rows = [
        dict(row, **{"Код ЄДРПОУ": edrpou(n), "E-mail": f"r{n}@example.org"}) for n, row in enumerate(rows)
    ]
    results = preview(rows)
    assert all(r.ok for r in results), [r.errors for r in results]
    assert {r.clean["region"] for r in results} == {"poltava"}


def test_duplicates_inside_the_file_are_errors_naming_the_first_row():
    rows = [
        org_row(1),
        org_row(2, **{"Код ЄДРПОУ": edrpou(1)}),
        org_row(3, **{"E-mail": "LIBRARY1@example.org"}),
    ]
    results = preview(rows)
    assert results[0].ok
    assert "row 2" in results[1].errors["registry_code"][0]
    assert "row 2" in results[2].errors["email"][0]


def confirm(job, by=None):
    """Confirm and run the queued import: the test's transaction never commits, so run the
    on-commit hooks (the eager Celery task) by hand."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        imports.confirm_job(job, by=by)
    job.refresh_from_db()
    return job


def test_organisations_in_the_database_are_skipped_not_errors():
    OrganisationFactory(name="Стара", registry_code=edrpou(1))
    OrganisationFactory(name="Інша", email="library2@example.org")
    job, results = run([org_row(1), org_row(2), org_row(3)])
    assert [r.ok for r in results] == [True, True, True]
    assert "Стара" in results[0].skip and "Інша" in results[1].skip and not results[2].skip
    job = confirm(job)
    assert job.state == ImportJob.State.DONE
    assert job.created == 1 and job.skip_rows == 2
    assert Organisation.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_import_creates_organisations_and_invites_new_contacts_once():
    admin = UserFactory(email="contact2@example.org")
    organiser = UserFactory(is_staff=True)
    job, _results = run(
        [org_row(1), org_row(2), org_row(3, **{"Contact e-mail": "", "Contact person": ""})], organiser
    )
    imports.confirm_job(job, by=organiser)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.errors
    assert (job.created, job.invited) == (3, 1)
    first = Organisation.objects.get(registry_code=edrpou(1))
    assert first.website == "https://library1.example.org" and first.kind == "public_library"
    assert Membership.objects.get(user=admin).is_admin  # an existing account administers at once
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.organisation, invitation.as_admin) == (
        "contact1@example.org",
        first,
        True,
    )
    assert Message.objects.filter(email="contact1@example.org", event="accounts.invitation").count() == 1
    # The same file again: everything exists, nothing new is written or sent.
    again, results = run([org_row(1), org_row(2)], organiser)
    assert all(r.skip for r in results)
    imports.confirm_job(again, by=organiser)
    assert Invitation.objects.count() == 1
    assert Message.objects.filter(event="accounts.invitation", channel="email").count() == 1


def test_accepting_the_contacts_invitation_makes_them_administrator():
    from accounts.services import accept_invitation

    job, _results = run([org_row(1)])
    confirm(job)
    invitation = Invitation.objects.get()
    person = UserFactory(email="contact1@example.org")
    membership = accept_invitation(invitation, user=person)
    assert membership.is_admin and membership.organisation.registry_code == edrpou(1)


def test_import_is_all_or_nothing_when_row_4999_of_5000_fails(monkeypatch):
    rows = [org_row(n) for n in range(5000)]
    build = imports.build_organisation

    def failing(result):
        if result.number == 5000:  # the 4,999th data row (the header is line 1)
            raise RuntimeError("disk full")
        return build(result)

    monkeypatch.setattr(imports, "build_organisation", failing)
    job, results = run(rows)
    assert job.error_rows == 0 and len(results) == 5000
    job = confirm(job)
    assert job.state == ImportJob.State.FAILED
    assert "nothing was written" in job.errors[0]
    assert not Organisation.objects.exists()
    assert not Invitation.objects.exists()
    assert not Membership.objects.exists()
    assert not Message.objects.exists()


def test_a_database_conflict_rolls_everything_back():
    """A row that becomes a duplicate after the check (written meanwhile) fails at the database."""
    rows = [org_row(n) for n in range(20)]
    original = imports.OrganisationImporter._duplicates

    def no_database_check(self, results):
        original(self, results)
        for result in results:
            result.skip = ""

    imports.OrganisationImporter._duplicates = no_database_check
    try:
        OrganisationFactory(registry_code=edrpou(17))
        with pytest.raises(Exception):  # noqa: B017 - the IntegrityError's class differs by database
            imports.import_rows(imports.ORGANISATIONS, *_table(rows), by=None)
    finally:
        imports.OrganisationImporter._duplicates = original
    assert Organisation.objects.count() == 1
    assert not Message.objects.exists()


def _table(rows):
    from core.tables import read_table

    table = read_table(upload(csv_bytes(rows)), imports.ORGANISATIONS.columns())
    return table.rows, table.numbers


def test_cp1251_semicolon_file_and_bom_file_read_the_same():
    rows = [org_row(1), org_row(2)]
    cp1251 = preview_of(csv_bytes(rows, delimiter=";", encoding="cp1251"))
    bom = preview_of(csv_bytes(rows, bom=True))
    assert [r.clean for r in cp1251] == [r.clean for r in bom]
    assert cp1251[0].clean["name"] == "Вигадана бібліотека №1"


def test_xlsx_file():
    workbook = Workbook()
    workbook.active.append(HEADER)
    for n in (1, 2):
        row = org_row(n)
        workbook.active.append([row[h] for h in HEADER])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job, results = imports.create_job(
        ImportJob.Kind.ORGANISATIONS, upload(buffer.getvalue(), "x.bin"), by=None
    )
    assert job.file_kind == "xlsx" and all(r.ok for r in results)


def preview_of(data: bytes):
    return imports.create_job(ImportJob.Kind.ORGANISATIONS, upload(data), by=None)[1]


def test_preview_query_count_does_not_grow_with_rows(count_queries):
    OrganisationFactory(registry_code=edrpou(5))
    UserFactory(email="contact7@example.org")
    ten, hundred = _table([org_row(n) for n in range(10)]), _table([org_row(n) for n in range(100)])
    assert count_queries(lambda: imports.ORGANISATIONS.preview(*ten)) == count_queries(
        lambda: imports.ORGANISATIONS.preview(*hundred)
    )


# --- the web pages and the command ------------------------------------------------------------------


def test_web_upload_preview_confirm_result(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    page = client.get(reverse("accounts:organisations_import"))
    assert page.status_code == 200
    response = client.post(
        reverse("accounts:organisations_import"),
        {"file": upload(csv_bytes([org_row(1), org_row(2, Область="Марс")]))},
    )
    job = ImportJob.objects.get()
    assert response.url == reverse("accounts:import_job", args=[job.pk])
    html = client.get(response.url).content.decode()
    assert "Unknown region “Марс”" in html and 'id="row-3"' in html and "Confirm the import" not in html
    assert not Organisation.objects.exists()

    client.post(
        reverse("accounts:organisations_import"), {"file": upload(csv_bytes([org_row(1), org_row(2)]))}
    )
    job = ImportJob.objects.latest("pk")
    assert "Confirm the import" in client.get(reverse("accounts:import_job", args=[job.pk])).content.decode()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("accounts:import_confirm", args=[job.pk]))
    html = client.get(reverse("accounts:import_job", args=[job.pk])).content.decode()
    assert "The import is complete." in html
    assert Organisation.objects.count() == 2
    progress = client.get(reverse("accounts:import_progress", args=[job.pk]), headers={"HX-Request": "true"})
    assert progress.status_code == 286


def test_web_refuses_a_file_of_the_wrong_type(client):
    client.force_login(UserFactory(is_staff=True))
    response = client.post(reverse("accounts:organisations_import"), {"file": upload(b"%PDF-1.7", "t.csv")})
    assert response.status_code == 400
    assert "not accepted" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_only_staff_and_contest_creators_may_import(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:organisations_import")).status_code == 403


def test_only_the_author_sees_a_job(client):
    job, _results = run([org_row(1)], UserFactory(is_staff=True))
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:import_job", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("fmt, start", [("csv", b"\xef\xbb\xbf"), ("xlsx", b"PK\x03\x04")])
def test_templates_download_and_read_back(client, fmt, start):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse(f"accounts:organisations_import_template_{fmt}"))
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert data.startswith(start)
    results = preview_of(data)
    assert len(results) == 1 and results[0].ok, results[0].errors


def test_command_dry_run_prints_errors_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "libraries.csv"
    path.write_bytes(csv_bytes([org_row(1), org_row(2, **{"E-mail": "bad"})]))
    with pytest.raises(CommandError):
        call_command("import_organisations", str(path), "--dry-run")
    assert "row 3, email: Not a valid e-mail address." in capsys.readouterr().out
    path.write_bytes(csv_bytes([org_row(1), org_row(2)]))
    call_command("import_organisations", str(path), "--dry-run")
    assert not Organisation.objects.exists()
    call_command("import_organisations", str(path))
    assert Organisation.objects.count() == 2 and Invitation.objects.count() == 2
