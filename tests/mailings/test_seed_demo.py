"""seed_demo shows mailings: two sent (the finished contest's grantees; the depository's invented
subscribers) and one draft; a second run creates nothing."""

import io

import pytest
from django.core.management import call_command

from mailings.models import Mailing, MailingRecipient, Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path)


def test_demo_mailings_are_made_once():
    call_command("seed_demo", "--force", stdout=io.StringIO())
    states = sorted(Mailing.objects.values_list("state", flat=True))
    assert states.count("draft") == 1
    assert len(states) == 3 and "draft" in states
    sent = Mailing.objects.exclude(state=Mailing.State.DRAFT)
    assert all(m.state in (Mailing.State.SENDING, Mailing.State.SENT) for m in sent)
    assert all(m.recipients.exists() for m in sent)
    assert Subscriber.objects.filter(confirmed_at__isnull=False).count() >= 4
    assert all(s.email.endswith("@example.org") for s in Subscriber.objects.all())
    counts = (Mailing.objects.count(), MailingRecipient.objects.count(), Subscriber.objects.count())
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert (Mailing.objects.count(), MailingRecipient.objects.count(), Subscriber.objects.count()) == counts
