"""`manage.py seed_demo` shows an invented congress: three invited demo cases, one confirmed, one
declined, one waiting; a second run creates nothing."""

import io

import pytest
from django.core.management import call_command

from congress import demo
from congress.models import Event, Invitation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path)


def test_seed_demo_adds_a_congress_once(client):
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    event = Event.objects.get(title=demo.TITLE)
    assert event.state == Event.State.PUBLISHED
    states = sorted(event.invitations.values_list("state", flat=True))
    assert states == sorted([Invitation.State.CONFIRMED, Invitation.State.DECLINED, Invitation.State.INVITED])
    assert event.invitations.get(state=Invitation.State.DECLINED).decline_reason == demo.DECLINE_REASON
    page = client.get(f"/congress/{event.pk}/").content.decode()
    assert event.invitations.get(state=Invitation.State.CONFIRMED).practice.title in page

    assert demo.seed() == []
    assert Event.objects.filter(title=demo.TITLE).count() == 1
    assert Invitation.objects.count() == 3
