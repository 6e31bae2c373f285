"""The shortlist of a later round, through the API as the organiser would use it: the top N per
nomination by the ranking, picks by hand with a reason, taking one off with a reason, the refusals
(403/404/400/409), the next round reviewing only its shortlist (automatic and manual assignment),
and the applicants left off it told once, in their language."""

import pytest
from django.urls import reverse

from applications.models import Application
from notifications.models import Message
from review import services
from review.models import Review, Round, ShortlistEntry
from review.selectors import round_applications
from tests.factories import OrganisationFactory, UserFactory
from tests.review.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

# Application index → the value every criterion gets (the totals order the same way).
VALUES = {0: 3, 2: 9, 4: 6, 1: 5, 3: 2, 5: 4}


def url(round_, action: str = "shortlist") -> str:
    return f"/api/v1/review-rounds/{round_.pk}/{action}/"


def score_all(jury, review, value: int) -> Review:
    criteria = [jury.impact, jury.method] + ([jury.only_b] if review.application.nomination == jury.b else [])
    services.save_scores(
        review,
        by=review.juror.user,
        scores={c.pk: {"value": min(value, c.scale_max)} for c in criteria},
    )
    return services.submit_review(review, by=review.juror.user)


@pytest.fixture
def ranked(jury):
    """Round 1 scored by one juror (no conflicts: Kharkiv) by the mean, then closed; round 2 planned."""
    Round.objects.filter(pk=jury.round.pk).update(method=Round.Method.MEAN)
    jury.round.refresh_from_db()
    juror = jury.jurors[3]
    for i, value in VALUES.items():
        score_all(jury, jury.assign(juror, jury.applications[i]), value)
    services.close_round(jury.round, by=jury.organiser)
    jury.round.refresh_from_db()
    jury.second = services.create_round(jury.contest, by=jury.organiser, reviewers_per_application=1)
    return jury


def apps(jury, *indexes) -> set[int]:
    return {jury.applications[i].pk for i in indexes}


def test_top_n_per_nomination_follows_the_ranking(api, ranked):
    jury = ranked
    r = api(jury.organiser).post(
        url(jury.second), {"source_round": jury.round.pk, "top_per_nomination": 2}, format="json"
    )
    assert r.status_code == 200, r.content
    body = r.json()
    # A: 2 (9), 4 (6) before 0 (3); B: 1 (5), 5 (4) before 3 (2).
    assert {e["application"] for e in body["entries"]} == apps(jury, 1, 2, 4, 5)
    assert set(body["added"]) == apps(jury, 1, 2, 4, 5)
    by_app = {e["application"]: e for e in body["entries"]}
    assert by_app[jury.applications[2].pk]["position"] == 1
    assert by_app[jury.applications[4].pk]["position"] == 2
    assert "Position 1" in by_app[jury.applications[2].pk]["reason"]
    assert by_app[jury.applications[2].pk]["added_by_name"] == jury.organiser.display_name
    assert body["may_change"] is True and body["state"] == Round.State.PLANNED
    assert set(jury.second.shortlist.values_list("pk", flat=True)) == apps(jury, 1, 2, 4, 5)
    assert set(round_applications(jury.second).values_list("pk", flat=True)) == apps(jury, 1, 2, 4, 5)
    # Again with a larger N: only the rest is added, nothing twice.
    r = api(jury.organiser).post(
        url(jury.second), {"source_round": jury.round.pk, "top_per_nomination": 3}, format="json"
    )
    assert r.status_code == 200
    assert set(r.json()["added"]) == apps(jury, 0, 3)
    assert ShortlistEntry.objects.filter(round=jury.second).count() == 6


def test_an_application_without_reviews_is_never_shortlisted_by_rank(api, ranked):
    jury = ranked
    unreviewed = ApplicationFactory(
        contest=jury.contest,
        nomination=jury.a,
        organisation=OrganisationFactory(region="odesa"),
        state=Application.State.UNDER_REVIEW,
    )
    r = api(jury.organiser).post(
        url(jury.second), {"source_round": jury.round.pk, "top_per_nomination": 50}, format="json"
    )
    assert r.status_code == 200
    assert unreviewed.pk not in {e["application"] for e in r.json()["entries"]}


def test_picked_by_hand_with_a_reason_then_taken_off_with_a_reason(api, ranked):
    jury = ranked
    client = api(jury.organiser)
    r = client.post(
        url(jury.second),
        {"applications": [jury.applications[3].pk], "reason": "Сильна команда, варто переглянути"},
        format="json",
    )
    assert r.status_code == 200, r.content
    [entry] = r.json()["entries"]
    assert entry["reason"] == "Сильна команда, варто переглянути"
    assert entry["source_round"] is None
    r = client.post(
        url(jury.second, "shortlist/remove"),
        {"application": jury.applications[3].pk, "reason": "Передумали"},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["entries"] == []
    [removed] = r.json()["removed"]
    assert removed["removal_reason"] == "Передумали" and removed["removed_by_name"]
    # The GET lists both, as the POST answered.
    r = client.get(url(jury.second))
    assert r.status_code == 200 and len(r.json()["removed"]) == 1 and r.json()["entries"] == []
    assert not jury.second.shortlist.exists()
    # It can come back later: a new entry, the old one stays on record.
    r = client.post(
        url(jury.second), {"applications": [jury.applications[3].pk], "reason": "Знову"}, format="json"
    )
    assert r.status_code == 200 and len(r.json()["entries"]) == 1 and len(r.json()["removed"]) == 1


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "non_field_errors"),
        (
            {"applications": [1], "top_per_nomination": 2, "source_round": 1, "reason": "x"},
            "non_field_errors",
        ),
        ({"top_per_nomination": 2}, "source_round"),
        ({"top_per_nomination": 0, "source_round": 1}, "top_per_nomination"),
        ({"applications": ["x"], "reason": "x"}, "applications"),
        ("APPS_NO_REASON", "reason"),
        ("LATER_SOURCE", "source_round"),
        ("FOREIGN_APPLICATION", "applications"),
        ("INELIGIBLE_APPLICATION", "applications"),
    ],
)
def test_bad_input_is_400_and_changes_nothing(api, ranked, payload, field):
    jury = ranked
    if payload == "APPS_NO_REASON":
        payload = {"applications": [jury.applications[0].pk], "reason": "  "}
    elif payload == "LATER_SOURCE":
        payload = {"source_round": jury.second.pk, "top_per_nomination": 2}
    elif payload == "FOREIGN_APPLICATION":
        payload = {"applications": [ApplicationFactory().pk], "reason": "чужа"}
    elif payload == "INELIGIBLE_APPLICATION":
        draft = ApplicationFactory(
            contest=jury.contest, nomination=jury.a, state=Application.State.INELIGIBLE
        )
        payload = {"applications": [draft.pk], "reason": "не пройшла"}
    elif payload.get("source_round") == 1:
        payload = {**payload, "source_round": jury.round.pk}
    r = api(jury.organiser).post(url(jury.second), payload, format="json")
    assert r.status_code == 400, r.content
    # A list's errors are named per item (`applications.0`).
    assert any(k.split(".")[0] == field for k in r.json()["errors"]), r.json()
    assert not ShortlistEntry.objects.exists()


def test_removing_needs_a_reason_and_an_entry(api, ranked):
    jury = ranked
    client = api(jury.organiser)
    services.shortlist_pick(jury.second, [jury.applications[1]], reason="так", by=jury.organiser)
    r = client.post(
        url(jury.second, "shortlist/remove"),
        {"application": jury.applications[1].pk, "reason": ""},
        format="json",
    )
    assert r.status_code == 400 and "reason" in r.json()["errors"]
    r = client.post(
        url(jury.second, "shortlist/remove"),
        {"application": jury.applications[2].pk, "reason": "x"},
        format="json",
    )
    assert r.status_code == 400 and "application" in r.json()["errors"]
    assert jury.second.shortlist.count() == 1


def test_the_shortlist_of_an_open_round_cannot_change_409_with_the_allowed_steps(api, ranked):
    jury = ranked
    client = api(jury.organiser)
    # Round 1 is closed: its shortlist is refused, and the 409 lists only what is allowed now.
    r = client.post(
        url(jury.round), {"applications": [jury.applications[0].pk], "reason": "x"}, format="json"
    )
    assert r.status_code == 409, r.content
    body = r.json()
    assert body["state"] == Round.State.CLOSED
    assert "planned" in body["reasons"][0]
    assert body["allowed"] == ["open"]
    r = client.post(url(jury.round, "shortlist/confirm"))
    assert r.status_code == 409
    assert not ShortlistEntry.objects.exists()


def test_the_source_round_must_be_closed(api, ranked):
    jury = ranked
    third = services.create_round(jury.contest, by=jury.organiser)
    r = api(jury.organiser).post(
        url(third), {"source_round": jury.second.pk, "top_per_nomination": 1}, format="json"
    )
    assert r.status_code == 409
    assert "Close" in r.json()["reasons"][0]
    assert "open" in r.json()["allowed"] or r.json()["allowed"] == []


def test_outsiders_are_refused(api, ranked, other_organiser):
    jury = ranked
    juror = jury.jurors[3].user
    payload = {"applications": [jury.applications[0].pk], "reason": "x"}
    assert api().get(url(jury.second)).status_code in (401, 403)
    assert api(other_organiser).get(url(jury.second)).status_code == 404
    assert api(other_organiser).post(url(jury.second), payload, format="json").status_code == 404
    assert api(juror).post(url(jury.second), payload, format="json").status_code == 404
    assert not ShortlistEntry.objects.exists()


def test_the_next_round_reviews_only_its_shortlist(api, ranked):
    jury = ranked
    client = api(jury.organiser)
    client.post(url(jury.second), {"source_round": jury.round.pk, "top_per_nomination": 1}, format="json")
    assert set(jury.second.shortlist.values_list("pk", flat=True)) == apps(jury, 1, 2)
    r = client.post(url(jury.second, "open"))
    assert r.status_code == 200, r.content
    r = client.post(url(jury.second, "assign"))
    assert r.status_code == 200, r.content
    assigned = set(Review.objects.filter(round=jury.second).values_list("application_id", flat=True))
    assert assigned == apps(jury, 1, 2)
    # By hand: an application off the shortlist is refused with the reason, nothing assigned.
    r = client.post(
        url(jury.second, "assign-manually"),
        {"juror": jury.jurors[3].pk, "applications": [jury.applications[4].pk]},
        format="json",
    )
    assert r.status_code == 409
    assert any("shortlist" in reason for reason in r.json()["reasons"])
    assert not Review.objects.filter(round=jury.second, application=jury.applications[4]).exists()
    # The progress board lists the shortlist only.
    r = client.get(url(jury.second, "progress"))
    assert {row["application"] for row in r.json()["applications"]} == apps(jury, 1, 2)


def _members(jury, index: int, language: str):
    user = UserFactory(full_name=f"Бібліотекарка Вигадана {index}", language=language)
    jury.applications[index].organisation.memberships.create(user=user)
    return user


def not_shortlisted_messages():
    return Message.objects.filter(event="review.not_shortlisted", channel=Message.Channel.INAPP)


def test_confirming_tells_the_applicants_left_off_once_in_their_language(api, ranked):
    jury = ranked
    left_off = _members(jury, 3, "uk")
    on_list = _members(jury, 2, "en")
    client = api(jury.organiser)
    client.post(url(jury.second), {"source_round": jury.round.pk, "top_per_nomination": 2}, format="json")
    r = client.post(url(jury.second, "shortlist/confirm"))
    assert r.status_code == 200, r.content
    assert r.json()["told"] == 2  # applications 0 and 3
    assert r.json()["may_change"] is False and r.json()["confirmed_at"]
    # Application 0's library has a member too (juror 0, in the fixture): each told once.
    staff_of_0 = jury.jurors[0].user
    assert sorted(not_shortlisted_messages().values_list("user_id", flat=True)) == sorted(
        [left_off.pk, staff_of_0.pk]
    )
    message = not_shortlisted_messages().get(user=left_off)
    assert message.language == "uk"
    assert message.context["number"] == jury.applications[3].number
    assert (
        Message.objects.filter(
            event="review.not_shortlisted", user=left_off, channel=Message.Channel.EMAIL
        ).count()
        == 1
    )
    assert not not_shortlisted_messages().filter(user=on_list).exists()
    # Confirmed: it stays as it is (409), a second confirmation and opening tell nobody again.
    r = client.post(
        url(jury.second), {"applications": [jury.applications[3].pk], "reason": "x"}, format="json"
    )
    assert r.status_code == 409 and "confirmed" in r.json()["reasons"][0]
    assert client.post(url(jury.second, "shortlist/confirm")).status_code == 409
    assert client.post(url(jury.second, "open")).status_code == 200
    assert not_shortlisted_messages().count() == 2


def test_opening_the_round_tells_them_when_nobody_confirmed(api, ranked):
    jury = ranked
    left_off = _members(jury, 5, "en")
    client = api(jury.organiser)
    client.post(url(jury.second), {"source_round": jury.round.pk, "top_per_nomination": 1}, format="json")
    assert not not_shortlisted_messages().exists()
    assert client.post(url(jury.second, "open")).status_code == 200
    # Left off: 0, 3, 4 and 5; application 0's library has juror 0 as its member (the fixture).
    assert set(not_shortlisted_messages().values_list("user_id", flat=True)) == {
        left_off.pk,
        jury.jurors[0].user_id,
    }
    jury.second.refresh_from_db()
    assert jury.second.shortlist_confirmed_at is not None
    # Closed and opened again: still once.
    assert client.post(url(jury.second, "close")).status_code == 200
    assert client.post(url(jury.second, "open")).status_code == 200
    assert not_shortlisted_messages().count() == 2


def test_confirming_an_empty_shortlist_is_refused(api, ranked):
    jury = ranked
    r = api(jury.organiser).post(url(jury.second, "shortlist/confirm"))
    assert r.status_code == 409
    assert "empty" in r.json()["reasons"][0]
    jury.second.refresh_from_db()
    assert jury.second.shortlist_confirmed_at is None


def test_a_round_without_a_shortlist_tells_nobody(api, ranked):
    jury = ranked
    _members(jury, 0, "en")
    assert api(jury.organiser).post(url(jury.second, "open")).status_code == 200
    assert not not_shortlisted_messages().exists()


def test_the_message_renders_in_the_recipients_language(ranked):
    from notifications.rendering import render

    jury = ranked
    context = {
        "contest": "Конкурс",
        "round": "Тур 2",
        "application": "Проєкт",
        "number": "K-1",
        "nomination": "A",
    }
    rendered = render("review.not_shortlisted", "en", context)
    assert "K-1" in rendered.subject and "Тур 2" in rendered.text
    assert jury  # the events are registered with the app


# --- the web pages ---------------------------------------------------------------------------------


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_ranking_page_shortlists_the_top_and_the_ticked_rows(ranked):
    jury = ranked
    client = client_for(jury.organiser)
    page = client.get(reverse("review:ranking", args=[jury.round.pk]))
    assert page.status_code == 200
    assert b"Shortlist for the next round" in page.content
    go = reverse("review:ranking_shortlist", args=[jury.round.pk])
    r = client.post(go, {"mode": "top", "top-target": jury.second.pk, "top-top_per_nomination": 1})
    assert r.status_code == 302 and r["Location"] == reverse("review:shortlist", args=[jury.second.pk])
    assert set(jury.second.shortlist.values_list("pk", flat=True)) == apps(jury, 1, 2)
    # Ticked rows without a reason: the page says so and nothing changes.
    r = client.post(
        go, {"mode": "pick", "pick-target": jury.second.pk, "pick-applications": [jury.applications[3].pk]}
    )
    assert r.status_code == 400
    assert b"Give the reason." in r.content
    assert jury.second.shortlist.count() == 2
    r = client.post(
        go,
        {
            "mode": "pick",
            "pick-target": jury.second.pk,
            "pick-applications": [jury.applications[3].pk],
            "pick-reason": "Нова ідея",
        },
    )
    assert r.status_code == 302
    entry = ShortlistEntry.objects.get(round=jury.second, application=jury.applications[3])
    assert (
        entry.reason == "Нова ідея" and entry.source_round == jury.round and entry.added_by == jury.organiser
    )


def test_shortlist_page_add_remove_confirm(ranked):
    jury = ranked
    left_off = _members(jury, 3, "uk")
    client = client_for(jury.organiser)
    page_url = reverse("review:shortlist", args=[jury.second.pk])
    assert client.get(page_url).status_code == 200
    r = client.post(
        reverse("review:shortlist_top", args=[jury.second.pk]),
        {"source_round": jury.round.pk, "top_per_nomination": 1},
    )
    assert r.status_code == 302
    r = client.post(
        reverse("review:shortlist_pick", args=[jury.second.pk]), {"applications": [jury.applications[4].pk]}
    )
    assert r.status_code == 400 and b"This field is required." in r.content
    r = client.post(
        reverse("review:shortlist_remove", args=[jury.second.pk]),
        {"application": jury.applications[1].pk, "reason": ""},
        follow=True,
    )
    assert "Give the reason for taking the application off the shortlist." in r.content.decode()
    assert jury.second.shortlist.count() == 2
    r = client.post(
        reverse("review:shortlist_remove", args=[jury.second.pk]),
        {"application": jury.applications[1].pk, "reason": "Не та номінація"},
        follow=True,
    )
    assert "Не та номінація" in r.content.decode()
    assert set(jury.second.shortlist.values_list("pk", flat=True)) == apps(jury, 2)
    r = client.post(reverse("review:shortlist_confirm", args=[jury.second.pk]), follow=True)
    assert "The shortlist is confirmed" in r.content.decode()
    assert not_shortlisted_messages().filter(user=left_off).count() == 1
    # Confirmed: no forms to change it any more, and a forged post is refused with the reason.
    page = client.get(page_url).content.decode()
    assert "Put on the shortlist" not in page and "confirmed" in page
    r = client.post(reverse("review:shortlist_confirm", args=[jury.second.pk]), follow=True)
    assert "stays as it is" in r.content.decode()


def test_shortlist_pages_are_404_to_others(ranked, other_organiser):
    jury = ranked
    client = client_for(other_organiser)
    assert client.get(reverse("review:shortlist", args=[jury.second.pk])).status_code == 404
    r = client.post(reverse("review:shortlist_confirm", args=[jury.second.pk]))
    assert r.status_code == 404
