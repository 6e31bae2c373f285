"""The mailings API: drafts (only they change), preview, send (409 twice), progress, recipients;
who may do what; subscribing, confirming and unsubscribing; flat query counts."""

import re

import pytest
from django.core import mail

from mailings.models import Mailing, MailingRecipient, Subscriber
from notifications.models import EmailOptOut
from tests.factories import OrganisationFactory, UserFactory
from tests.mailings.conftest import TEXTS, draft, member

pytestmark = pytest.mark.django_db

URL = "/api/v1/mailings/"


def audience(world, **extra):
    return {"kind": "applicants", "contest": world.contest.pk, **extra}


def test_organiser_creates_previews_and_sends(world, organiser, api, django_capture_on_commit_callbacks):
    client = api(organiser)
    r = client.post(
        URL, {**TEXTS, "contest": world.contest.pk, "audience": {"kind": "applicants"}}, format="json"
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["state"] == "draft" and body["allowed"] == ["send"]
    assert body["audience"]["contest"] == world.contest.pk  # a contest's mailing: its own contest
    pk = body["id"]
    preview = client.get(f"{URL}{pk}/preview/").json()
    assert preview["recipients"] == 2 and preview["unsubscribed"] == 0
    assert sorted(preview["sample"]) == sorted([world.ann.full_name, world.bohdan.full_name])
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"{URL}{pk}/send/", {}, format="json")
    assert r.status_code == 200 and r.json()["state"] in ("sending", "sent")
    progress = client.get(f"{URL}{pk}/progress/").json()
    assert progress == {
        "state": "sent",
        "total": 2,
        "pending": 0,
        "sent": 2,
        "failed": 0,
        "unsubscribed": 0,
        "percent": 100,
    }
    again = client.post(f"{URL}{pk}/send/", {}, format="json")
    assert again.status_code == 409 and again.json()["state"] == "sent"
    recipients = client.get(f"{URL}{pk}/recipients/").json()
    assert recipients["count"] == 2
    assert {row["delivery"] for row in recipients["results"]} == {"sent"}
    assert len(mail.outbox) == 2


def test_only_a_draft_changes(world, organiser, api, django_capture_on_commit_callbacks):
    mailing = draft(world.contest, organiser, audience(world))
    client = api(organiser)
    r = client.patch(f"{URL}{mailing.pk}/", {"subject_en": "Changed"}, format="json")
    assert r.status_code == 200 and r.json()["subject_en"] == "Changed"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{URL}{mailing.pk}/send/", {}, format="json").status_code == 200
    r = client.patch(f"{URL}{mailing.pk}/", {"subject_en": "Too late"}, format="json")
    assert r.status_code == 409
    assert client.delete(f"{URL}{mailing.pk}/").status_code == 409
    mailing.refresh_from_db()
    assert mailing.subject_en == "Changed"


def test_bad_input_changes_nothing(world, organiser, api):
    mailing = draft(world.contest, organiser, audience(world))
    client = api(organiser)
    r = client.patch(f"{URL}{mailing.pk}/", {"audience": {"kind": "subscribers"}}, format="json")
    assert r.status_code == 400
    assert any(key.startswith("audience") for key in r.json()["errors"])
    r = client.patch(f"{URL}{mailing.pk}/", {"subject_uk": ""}, format="json")
    assert r.status_code == 400
    r = client.post(
        URL,
        {
            **TEXTS,
            "contest": world.contest.pk,
            "audience": {"kind": "applicants", "contest": world.other_contest.pk},
        },
        format="json",
    )
    assert r.status_code == 400
    stored = Mailing.objects.get(pk=mailing.pk)
    assert (stored.audience, stored.subject_uk) == (mailing.audience, mailing.subject_uk)
    assert Mailing.objects.count() == 1


def test_nobody_to_send_to_is_409_and_stays_draft(world, organiser, api):
    mailing = draft(world.contest, organiser, audience(world, regions=["crimea"]))
    r = api(organiser).post(f"{URL}{mailing.pk}/send/", {}, format="json")
    assert r.status_code == 409 and r.json()["reasons"]
    mailing.refresh_from_db()
    assert mailing.state == "draft"


def test_who_may(world, organiser, other_organiser, applicant, staff, api):
    mailing = draft(world.contest, organiser, audience(world))
    site = draft(None, staff, {"kind": "subscribers"})
    for user in (other_organiser, applicant, world.juror):
        client = api(user)
        assert client.get(f"{URL}{mailing.pk}/").status_code == 404
        assert client.patch(f"{URL}{mailing.pk}/", {"subject_en": "x"}, format="json").status_code == 404
        assert client.post(f"{URL}{mailing.pk}/send/", {}, format="json").status_code == 404
        assert client.get(f"{URL}{site.pk}/").status_code == 404
        assert client.get(URL).json()["count"] == 0
    assert (
        api(applicant)
        .post(URL, {**TEXTS, "contest": world.contest.pk, "audience": {"kind": "jurors"}}, format="json")
        .status_code
        == 403
    )
    assert (
        api(organiser).post(URL, {**TEXTS, "audience": {"kind": "subscribers"}}, format="json").status_code
        == 403
    )
    assert api().get(URL).status_code in (401, 403)
    assert api(staff).get(URL).json()["count"] == 1  # site-wide ones; contests' to their organisers
    mailing.refresh_from_db()
    assert mailing.state == "draft"


def test_lists_are_flat(world, organiser, api, count_queries, django_capture_on_commit_callbacks):
    client = api(organiser)
    draft(world.contest, organiser, audience(world))
    client.get(URL)  # warm: the content types' cache
    one = count_queries(lambda: client.get(URL))
    for _ in range(10):
        draft(world.contest, organiser, audience(world))
    assert count_queries(lambda: client.get(URL)) == one

    def make(n: int) -> Mailing:
        organisation = OrganisationFactory()
        for i in range(n):
            member(organisation, f"Особа {i}")
        from tests.mailings.conftest import apply

        apply(organisation, world.contest, world.nomination_a, "eligible")
        mailing = draft(world.contest, organiser, audience(world))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"{URL}{mailing.pk}/send/", {}, format="json")
        return mailing

    small, big = make(1), make(30)
    few = count_queries(lambda: client.get(f"{URL}{small.pk}/recipients/"))
    assert count_queries(lambda: client.get(f"{URL}{big.pk}/recipients/")) == few
    assert client.get(f"{URL}{big.pk}/recipients/?state=queued").json()["count"] == 33


def test_subscribe_confirm_unsubscribe(db, api, django_capture_on_commit_callbacks):
    client = api()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            "/api/v1/mailing-subscriptions/",
            {"email": "New.Reader@example.org", "language": "en"},
            format="json",
        )
    assert r.status_code == 202
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "new.reader@example.org" and not subscriber.is_active
    [message] = mail.outbox
    assert message.to == ["new.reader@example.org"]
    assert message.subject == "Confirm your subscription to new cases of the depository"
    token = re.search(r"/mailings/subscribe/confirm/([^/\s]+)/", message.body)[1]
    assert (
        client.post("/api/v1/mailing-subscriptions/confirm/", {"token": "forged"}, format="json").status_code
        == 400
    )
    assert (
        client.post("/api/v1/mailing-subscriptions/confirm/", {"token": token}, format="json").status_code
        == 200
    )
    subscriber.refresh_from_db()
    assert subscriber.is_active
    from mailings.services import unsubscribe_token

    bad = client.post("/api/v1/mailing-subscriptions/unsubscribe/", {"token": token}, format="json")
    assert bad.status_code == 400  # a confirmation token is no unsubscribe token
    good = unsubscribe_token(subscriber_token=subscriber.token)
    assert (
        client.post("/api/v1/mailing-subscriptions/unsubscribe/", {"token": good}, format="json").status_code
        == 200
    )
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None


def test_user_unsubscribes_through_the_api(db, api):
    from mailings.services import unsubscribe_token

    user = UserFactory()
    r = api().post(
        "/api/v1/mailing-subscriptions/unsubscribe/",
        {"token": unsubscribe_token(user_id=user.pk)},
        format="json",
    )
    assert r.status_code == 200
    assert EmailOptOut.objects.filter(user=user, event="mailings.message").exists()


def test_subscribe_is_throttled(db, api, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "mailings_subscribe": "2/hour"}
    client = api()
    codes = [
        client.post(
            "/api/v1/mailing-subscriptions/", {"email": f"x{i}@example.org"}, format="json"
        ).status_code
        for i in range(3)
    ]
    assert codes == [202, 202, 429]


def test_recipient_rows_record_languages(world, organiser, api, django_capture_on_commit_callbacks):
    mailing = draft(world.contest, organiser, audience(world))
    with django_capture_on_commit_callbacks(execute=True):
        api(organiser).post(f"{URL}{mailing.pk}/send/", {}, format="json")
    rows = dict(MailingRecipient.objects.filter(mailing=mailing).values_list("email", "language"))
    assert rows == {world.ann.email: "uk", world.bohdan.email: "ru"}


def test_the_organisers_group_writes_site_wide_mailings(db, api):
    from django.contrib.auth.models import Group

    from accounts.models import ORGANISERS_GROUP

    member_of_group = UserFactory()
    member_of_group.groups.add(Group.objects.get_or_create(name=ORGANISERS_GROUP)[0])
    r = api(member_of_group).post(URL, {**TEXTS, "audience": {"kind": "subscribers"}}, format="json")
    assert r.status_code == 201 and r.json()["contest"] is None
    assert api(UserFactory()).get(f"{URL}{r.json()['id']}/").status_code == 404
