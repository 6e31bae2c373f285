"""Reloading a state machine never switches its shared field's protection (core.protection)."""

import pytest
from django.db.models.signals import post_init

from contests.models import Contest

pytestmark = pytest.mark.django_db


def test_a_reload_inside_another_reload_still_writes_the_state(contest_in):
    """The interleaving of two threads, made deterministic: a second reload runs while the first
    is between its query and its writes. With django-fsm-2's own reload the second switched the
    field's protection back on and the first failed: "Direct state modification is not allowed"."""
    contest, other = contest_in(Contest.State.PUBLISHED), contest_in(Contest.State.DRAFT)
    field = Contest._meta.get_field("state")
    seen = []

    def meanwhile(sender, instance, **kwargs):
        seen.append(field.protected)  # never switched off for everyone
        if len(seen) == 1:
            other.refresh_from_db()

    post_init.connect(meanwhile, sender=Contest)
    try:
        contest.refresh_from_db()
    finally:
        post_init.disconnect(meanwhile, sender=Contest)

    assert contest.state == Contest.State.PUBLISHED and other.state == Contest.State.DRAFT
    assert all(seen)
    with pytest.raises(AttributeError, match="Direct state modification"):
        contest.state = Contest.State.CLOSED  # still protected afterwards
