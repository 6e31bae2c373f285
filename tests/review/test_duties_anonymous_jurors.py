"""Jurors stay anonymous to each other (issue 16, point 11): in the jury's discussion a juror reads
a fellow juror as "Juror N" (the label of that juror's scores), their own notes as "You"; the
organiser reads real names; a round with a named discussion shows names to its jurors too."""

import pytest
from django.test import Client
from django.urls import reverse

from review import services
from review.models import Round
from review.selectors import anonymous_labels
from tests.review.test_api import _submit, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussion(jury):
    """Two jurors on one application, both submitted; each wrote a note, the organiser too."""
    application = jury.applications[1]
    mine = jury.assign(jury.jurors[1], application)
    peer = jury.assign(jury.jurors[2], application)
    _submit(mine, jury)
    _submit(peer, jury, (9, 9, 5))
    services.add_note(jury.round, application, by=peer.juror.user, text="Нота колеги")
    services.add_note(jury.round, application, by=mine.juror.user, text="Моя нота")
    services.set_consensus(jury.round, application, by=jury.organiser, text="Журі одностайне.")
    return mine, peer


def _web(user) -> str:
    client = Client()
    client.force_login(user)
    return client


def _peer_label(jury, peer) -> str:
    return anonymous_labels(jury.round)[peer.juror_id]


def test_the_api_names_a_fellow_juror_by_label_only(api, jury, discussion):
    mine, peer = discussion
    for body in (
        api(mine.juror.user).get(url(mine, "notes")).json(),
        api(mine.juror.user).get(url(mine)).json()["notes"],
    ):
        by_text = {n["text"]: n["author_name"] for n in body}
        assert by_text["Нота колеги"] == _peer_label(jury, peer)
        assert by_text["Моя нота"] == "You"
        assert by_text["Журі одностайне."] == jury.organiser.display_name  # the organiser signs
        assert peer.juror.user.full_name not in str(body)
    # The same label as on the peer's scores.
    peers = api(mine.juror.user).get(url(mine)).json()["peers"]
    assert peers[0]["juror"] == _peer_label(jury, peer)


def test_the_juror_who_adds_a_note_reads_it_as_theirs(api, jury, discussion):
    mine, _peer = discussion
    r = api(mine.juror.user).post(url(mine, "notes"), {"text": "Ще одна думка"})
    assert r.status_code == 201 and r.json()["author_name"] == "You"


def test_the_web_discussion_names_a_fellow_juror_by_label_only(jury, discussion):
    mine, peer = discussion
    page = _web(mine.juror.user).get(reverse("review:score", args=[mine.pk])).content.decode()
    assert "Нота колеги" in page and _peer_label(jury, peer) in page
    assert peer.juror.user.full_name not in page


def test_the_organiser_reads_real_names_on_both_doors(api, jury, discussion):
    mine, peer = discussion
    body = api(jury.organiser).get(url(mine, "notes")).json()
    assert {n["author_name"] for n in body} >= {peer.juror.user.display_name, mine.juror.user.display_name}
    page = (
        _web(jury.organiser)
        .get(reverse("review:breakdown", args=[jury.round.pk, mine.application_id]))
        .content.decode()
    )
    assert peer.juror.user.full_name in page and mine.juror.user.full_name in page


def test_a_named_discussion_shows_names_to_jurors(api, jury, discussion):
    mine, peer = discussion
    r = api(jury.organiser).patch(
        f"/api/v1/review-rounds/{jury.round.pk}/", {"named_discussion": True}, format="json"
    )
    assert r.status_code == 200 and r.json()["named_discussion"] is True
    assert Round.objects.get(pk=jury.round.pk).named_discussion
    body = api(mine.juror.user).get(url(mine, "notes")).json()
    assert peer.juror.user.display_name in {n["author_name"] for n in body}
    page = _web(mine.juror.user).get(reverse("review:score", args=[mine.pk])).content.decode()
    assert peer.juror.user.full_name in page


def test_a_juror_cannot_turn_on_named_discussion(api, jury, discussion):
    mine, _peer = discussion
    r = api(mine.juror.user).patch(
        f"/api/v1/review-rounds/{jury.round.pk}/", {"named_discussion": True}, format="json"
    )
    assert r.status_code in (403, 404)
    assert not Round.objects.get(pk=jury.round.pk).named_discussion
