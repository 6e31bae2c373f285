"""Every writable field of the congress resources is stored or refused, never dropped
(tests/api/test_every_field.py's walk)."""

from datetime import timedelta

import pytest

from congress.api.serializers import CongressEventSerializer, CongressInvitationUpdateSerializer
from congress.models import Event, Invitation
from core import clock
from tests.api.test_every_field import walk_fields

pytestmark = pytest.mark.django_db


def test_every_field_of_an_event_is_stored(api, organiser, event, announced):
    starts = event.starts_at - timedelta(days=1)
    samples = {
        "title": ("Інша назва", "Інша назва"),
        "description": ("Опис", "Опис"),
        "starts_at": (starts.isoformat(), starts),
        "ends_at": ((event.ends_at + timedelta(hours=1)).isoformat(), event.ends_at + timedelta(hours=1)),
        "place": ("Черкаси", "Черкаси"),
        "contest": (None, None),
    }

    def read_back(name):
        value = getattr(Event.objects.get(pk=event.pk), name)
        return value.pk if hasattr(value, "pk") else value

    outcomes = walk_fields(
        api(organiser), f"/api/v1/congress-events/{event.pk}/", CongressEventSerializer, samples, read_back
    )
    assert set(outcomes.values()) == {200}


def test_every_field_of_an_invitation_is_stored(api, organiser, make_case, invite):
    invitation = invite(make_case())
    slot = invitation.event.starts_at + timedelta(hours=1)
    respond_by = clock.now() + timedelta(days=5)
    samples = {
        "topic": ("Тема", "Тема"),
        "slot_starts_at": (slot.isoformat(), slot),
        "respond_by": (respond_by.isoformat(), respond_by),
    }

    def read_back(name):
        return getattr(Invitation.objects.get(pk=invitation.pk), name)

    outcomes = walk_fields(
        api(organiser),
        f"/api/v1/congress-invitations/{invitation.pk}/",
        CongressInvitationUpdateSerializer,
        samples,
        read_back,
    )
    assert set(outcomes.values()) == {200}
