"""The draft and the signed agreement download from the grant's page: the contest's grant
officers and the grantee's members get the file through the storage; everyone else gets 404."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from grants import services
from tests.grants.conftest import PDF, pdf

pytestmark = pytest.mark.django_db

SIGNED = b"%PDF-1.4\n% invented signed agreement\n"


def client(user=None) -> Client:
    web = Client()
    if user is not None:
        web.force_login(user)
    return web


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_officer_and_grantee_download_the_draft_and_the_signed_agreement(world):
    grant = world.offer(agreement_draft=pdf("proekt-uhody.pdf"))
    draft, signed = (
        reverse("grants:agreement_file", args=[grant.pk, which]) for which in ("draft", "signed")
    )
    page = client(world.member).get(reverse("grants:detail", args=[grant.pk])).content.decode()
    assert draft in page and signed not in page  # nothing signed yet

    for user in (world.officer, world.member):
        response = client(user).get(draft)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert body(response) == PDF
    assert client(world.officer).get(signed).status_code == 404  # no signed copy yet

    copy = SimpleUploadedFile("pidpysana.pdf", SIGNED, content_type="application/pdf")
    services.sign_agreement(grant, by=world.officer, signed_copy=copy, signed_on=date(2025, 1, 9))
    for user in (world.officer, world.member):
        page = client(user).get(reverse("grants:detail", args=[grant.pk])).content.decode()
        assert draft in page and signed in page
        response = client(user).get(signed)
        assert response.status_code == 200 and body(response) == SIGNED
        assert ".pdf" in response["Content-Disposition"]


@pytest.mark.parametrize("who", ["organiser", "juror", "outsider"])
def test_people_outside_the_grant_get_404(world, who):
    grant = world.offer(agreement_draft=pdf())
    services.sign_agreement(grant, by=world.officer, signed_copy=pdf(), signed_on=date(2025, 1, 9))
    web = client(getattr(world, who))
    for which in ("draft", "signed"):
        assert web.get(reverse("grants:agreement_file", args=[grant.pk, which])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(world):
    grant = world.offer(agreement_draft=pdf())
    response = client().get(reverse("grants:agreement_file", args=[grant.pk, "draft"]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_missing_files_and_unknown_kinds_answer_404(world):
    grant = world.offer()
    officer = client(world.officer)
    page = officer.get(reverse("grants:detail", args=[grant.pk])).content.decode()
    assert 'id="agreement-files"' not in page
    for which in ("draft", "signed", "other"):
        assert officer.get(reverse("grants:agreement_file", args=[grant.pk, which])).status_code == 404
