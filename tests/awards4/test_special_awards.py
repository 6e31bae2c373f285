"""Special awards: defined by organisers, given by the jury chair or an organiser with a reason,
within their places, public with the results, each winner a diploma with a verification code."""

import pytest

from awards import special
from awards.models import Diploma, SpecialAward, SpecialAwardChoice
from contests.models import Contest
from tests.awards4.conftest import announce
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/special-awards/"


def _create(api, finished, **body):
    return api(finished.organiser).post(
        URL,
        {"contest": finished.contest.pk, "title": "Найкраще використання ресурсів", **body},
        format="json",
    )


def test_organiser_defines_an_award_and_the_chair_gives_it_with_a_reason(api, finished):
    created = _create(api, finished, description="Ощадливо і з розумом")
    assert created.status_code == 201, created.json()
    award = SpecialAward.objects.get(pk=created.json()["id"])
    assert award.places == 1 and award.contest_id == finished.contest.pk

    application = finished.applications[3]
    chosen = api(finished.chair).post(
        f"{URL}{award.pk}/choose/", {"application": application.pk, "reason": "Зробили багато з малого"}
    )
    assert chosen.status_code == 201, chosen.json()
    assert chosen.json()["reason"] == "Зробили багато з малого"
    award.refresh_from_db()
    assert award.chosen == 1
    assert SpecialAwardChoice.objects.get().chosen_by == finished.chair


def test_a_choice_without_a_reason_is_400_and_changes_nothing(api, finished):
    award = special.create_award(finished.contest, title="Відкритість")
    response = api(finished.organiser).post(
        f"{URL}{award.pk}/choose/", {"application": finished.applications[0].pk, "reason": "  "}
    )
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    assert not SpecialAwardChoice.objects.exists()
    award.refresh_from_db()
    assert award.chosen == 0


def test_more_than_the_places_is_409_listing_what_is_allowed(api, finished):
    award = special.create_award(finished.contest, title="Відкритість")
    client = api(finished.organiser)
    first = client.post(
        f"{URL}{award.pk}/choose/", {"application": finished.applications[0].pk, "reason": "Так"}
    )
    assert first.status_code == 201
    second = client.post(
        f"{URL}{award.pk}/choose/", {"application": finished.applications[1].pk, "reason": "Теж"}
    )
    assert second.status_code == 409
    body = second.json()
    assert "every place is taken" in body["detail"]
    assert set(body["allowed"]) >= {"choose", "unchoose"}
    assert SpecialAwardChoice.objects.count() == 1
    # Taken back, the place is free again.
    back = client.post(f"{URL}{award.pk}/unchoose/", {"application": finished.applications[0].pk})
    assert back.status_code == 200 and back.json()["chosen"] == 0


def test_the_database_refuses_more_choices_than_places(finished):
    award = special.create_award(finished.contest, title="Відкритість")
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        SpecialAward.objects.filter(pk=award.pk).update(chosen=2)


def test_only_applications_of_the_contest_in_the_running(api, finished, organiser):
    from applications.models import Application

    award = special.create_award(finished.contest, title="Відкритість")
    application = finished.applications[0]
    Application.objects.filter(pk=application.pk).update(state=Application.State.WITHDRAWN)
    response = api(organiser).post(
        f"{URL}{award.pk}/choose/", {"application": application.pk, "reason": "Так"}
    )
    assert response.status_code == 400
    assert "application" in response.json()["errors"]


def test_wrong_people_are_refused(api, finished):
    award = special.create_award(finished.contest, title="Відкритість")
    body = {"application": finished.applications[0].pk, "reason": "Так"}
    member = finished.members[finished.applications[0].pk]
    juror = finished.jurors[1].user  # a juror, not the chair
    for person in (member, juror, UserFactory()):
        assert api(person).post(f"{URL}{award.pk}/choose/", body).status_code == 404
        assert api(person).get(f"{URL}{award.pk}/").status_code == 404
    # The chair chooses but does not define.
    assert api(finished.chair).delete(f"{URL}{award.pk}/").status_code == 403
    assert (
        api(finished.chair)
        .post(URL, {"contest": finished.contest.pk, "title": "Інша"}, format="json")
        .status_code
        == 403
    )
    assert api().post(f"{URL}{award.pk}/choose/", body).status_code in (401, 403, 404)
    assert not SpecialAwardChoice.objects.exists()


def test_after_the_announcement_nothing_changes_409(api, finished):
    award = special.create_award(finished.contest, title="Відкритість")
    special.choose(award, finished.applications[5], by=finished.chair, reason="Сміливо")
    announce(finished)
    client = api(finished.organiser)
    refused = client.post(
        f"{URL}{award.pk}/choose/", {"application": finished.applications[4].pk, "reason": "Так"}
    )
    assert refused.status_code == 409
    assert refused.json()["allowed"] == []
    assert client.patch(f"{URL}{award.pk}/", {"title": "Нове"}, format="json").status_code == 409
    assert client.delete(f"{URL}{award.pk}/").status_code == 409
    assert _create(api, finished, title="Пізня").status_code == 409
    award.refresh_from_db()
    assert award.title == "Відкритість" and award.chosen == 1


def test_public_only_after_the_announcement_with_a_diploma_that_verifies(api, client, finished):
    award = special.create_award(finished.contest, title="Відкритість", description="Для всіх")
    holder = finished.applications[5]
    special.choose(award, holder, by=finished.chair, reason="Сміливо і відкрито")
    assert api().get(f"{URL}{award.pk}/").status_code == 404
    assert award.pk not in [row["id"] for row in api().get(URL).json()["results"]]

    announce(finished)
    assert api().get(f"{URL}{award.pk}/").json()["choices"][0]["reason"] == "Сміливо і відкрито"
    page = client.get(f"/results/{finished.contest.pk}/").content.decode()
    assert "Відкритість" in page and "Сміливо і відкрито" in page

    diploma = Diploma.objects.get(kind=Diploma.Kind.SPECIAL)
    assert diploma.application_id == holder.pk and diploma.award_title == "Відкритість"
    assert diploma.reason == "Сміливо і відкрито"
    verified = client.get(f"/diplomas/verify/{diploma.code}/").content.decode()
    assert "Diploma of the special award “Відкритість” issued to" in verified
    assert holder.organisation.name in verified


def test_web_page_gives_the_award_and_keeps_input_on_error(client, finished):
    award = special.create_award(finished.contest, title="Відкритість")
    client.force_login(finished.chair)
    page = client.get(f"/awards/contests/{finished.contest.pk}/special/")
    assert page.status_code == 200 and "Відкритість" in page.content.decode()
    prefix = f"award-{award.pk}"
    application = finished.applications[2]
    missing = client.post(
        f"/awards/special/{award.pk}/choose/",
        {f"{prefix}-application": application.pk, f"{prefix}-reason": ""},
    )
    assert missing.status_code == 400
    assert not SpecialAwardChoice.objects.exists()
    done = client.post(
        f"/awards/special/{award.pk}/choose/",
        {f"{prefix}-application": application.pk, f"{prefix}-reason": "Бо варто"},
    )
    assert done.status_code == 302
    assert SpecialAwardChoice.objects.get().reason == "Бо варто"
    # A stranger finds no such page.
    client.force_login(UserFactory())
    assert client.get(f"/awards/contests/{finished.contest.pk}/special/").status_code == 404


def test_web_form_keeps_the_title_typed_when_refused(client, finished):
    special.create_award(finished.contest, title="Відкритість")
    client.force_login(finished.organiser)
    response = client.post(
        f"/awards/contests/{finished.contest.pk}/special/new/",
        {"title": "відкритість", "description": "Мій опис", "places": 2},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "already has a special award with this title" in text
    assert "Мій опис" in text
    assert SpecialAward.objects.count() == 1


def test_list_query_count_is_flat(api, finished, count_queries):
    client = api(finished.organiser)
    award = special.create_award(finished.contest, title="Перша", places=3)
    special.choose(award, finished.applications[0], by=finished.organiser, reason="Так")
    one = count_queries(lambda: client.get(URL))
    for n in range(5):
        more = special.create_award(finished.contest, title=f"Ще {n}", places=2)
        special.choose(more, finished.applications[n + 1], by=finished.organiser, reason="Так")
    assert count_queries(lambda: client.get(URL)) == one
    assert Contest.objects.get(pk=finished.contest.pk).special_awards.count() == 6


@pytest.mark.parametrize("url", [URL, "/api/v1/issue-runs/"])
def test_a_contest_the_caller_cannot_see_in_the_body_is_400_on_that_field(api, finished, url):
    """A body naming a contest that does not exist, or one the caller cannot see, is bad input:
    400 on `contest` (documented), not a 404 as if the endpoint were missing; nothing is made."""
    hidden = Contest.objects.create(title="Чернетка іншого організатора", created_by=UserFactory())
    for contest in (hidden.pk, hidden.pk + 1000):
        body = {"contest": contest, "title": "Відзнака", "kind": "thanks"}
        body = {k: v for k, v in body.items() if k != ("kind" if url == URL else "title")}
        response = api(finished.organiser).post(url, body, format="json")
        assert response.status_code == 400, response.json()
        assert response.json()["errors"]["contest"] == ["There is no such contest."]
    assert not SpecialAward.objects.filter(contest=hidden).exists()
