"""An XLSX decompression bomb sent to the organisations or jurors import is refused within a few
megabytes, by the service and by the upload page, and no job is made (tests/bombs.py)."""

import pytest
from django.urls import reverse

from accounts import imports
from accounts.models import ImportJob
from core.files import ArchiveBomb
from review.imports import scope_of
from tests.bombs import MB, peak_memory, upload, xlsx_bomb

pytestmark = pytest.mark.django_db
BOMB_MESSAGE = "This file unpacks to far more than its size; it cannot be accepted."
LIMIT = 20 * MB
BOMBS = [
    ("xl/worksheets/sheet1.xml", None),  # declares its 400 MB
    ("xl/styles.xml", None),
    ("xl/workbook.xml", 1000),  # declares 1000 bytes and holds 400 MB
]


def bomb_ids():
    return [
        f"{member.rsplit('/', 1)[1]}-{'forged' if declared else 'declared'}" for member, declared in BOMBS
    ]


@pytest.mark.parametrize(("member", "declared"), BOMBS, ids=bomb_ids())
@pytest.mark.parametrize("kind", [ImportJob.Kind.ORGANISATIONS, ImportJob.Kind.JURORS])
def test_the_import_refuses_a_bomb_within_a_few_megabytes(kind, member, declared, draft_contest):
    data = xlsx_bomb(member=member, declared=declared)
    scope = scope_of(draft_contest) if kind == ImportJob.Kind.JURORS else ""
    peak, outcome = peak_memory(
        lambda: imports.create_job(kind, upload(data, "list.xlsx"), by=None, scope=scope)
    )
    assert peak < LIMIT, f"{peak / MB:.1f} MB"
    if declared is None:
        assert isinstance(outcome, ArchiveBomb), outcome
    else:
        assert "XLSX file cannot be read" in str(outcome)
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("url", "user"),
    [
        (lambda contest: reverse("accounts:organisations_import"), "superuser"),
        (lambda contest: reverse("review_imports:jurors_import", args=[contest.pk]), "organiser"),
    ],
    ids=["organisations", "jurors"],
)
def test_the_upload_page_says_why(client, draft_contest, organiser, admin_user, url, user):
    client.force_login(admin_user if user == "superuser" else organiser)
    data = xlsx_bomb()
    peak, response = peak_memory(
        lambda: client.post(
            url(draft_contest), {"file": upload(data, "list.xlsx")}, HTTP_ACCEPT_LANGUAGE="en"
        )
    )
    assert response.status_code == 400  # the form, with the refusal
    assert BOMB_MESSAGE in response.content.decode()
    assert peak < LIMIT, f"{peak / MB:.1f} MB"
    assert not ImportJob.objects.exists()
