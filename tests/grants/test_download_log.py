"""A grant's documents are private files too: each download is logged on the application the
grant was given for (applications.downloads, issue 15 point 1), who and when."""

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import DownloadLog
from tests.grants.conftest import pdf

pytestmark = pytest.mark.django_db


def test_agreement_download_is_logged_with_who_and_which_application(world):
    grant = world.offer(agreement_draft=pdf("proekt-uhody.pdf"))
    web = Client()
    web.force_login(world.member)
    assert web.get(reverse("grants:agreement_file", args=[grant.pk, "draft"])).status_code == 200
    entry = DownloadLog.objects.get()
    assert (entry.user, entry.application_id, entry.attachment) == (world.member, grant.application_id, None)
    assert entry.file_name.endswith(".pdf")
    # A refused download (no signed copy yet, or an outsider) writes nothing.
    assert web.get(reverse("grants:agreement_file", args=[grant.pk, "signed"])).status_code == 404
    outsider = Client()
    outsider.force_login(world.outsider)
    assert outsider.get(reverse("grants:agreement_file", args=[grant.pk, "draft"])).status_code == 404
    assert DownloadLog.objects.count() == 1
