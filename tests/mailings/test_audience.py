"""Each audience kind reaches the right people, each once, never another contest's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.regions import Region
from applications.models import Application
from mailings.audience import AudienceSerializer
from mailings.models import Mailing
from mailings.selectors import audience_of, preview
from notifications.models import EmailOptOut
from tests.mailings.conftest import draft, give_grant, subscriber

pytestmark = pytest.mark.django_db


def emails(mailing: Mailing) -> list[str]:
    return [p.email for p in audience_of(mailing).people]


def test_applicants_are_members_of_applying_organisations_once_without_drafts(world, organiser):
    mailing = draft(world.contest, organiser, {"kind": "applicants", "contest": world.contest.pk})
    got = emails(mailing)
    assert sorted(got) == sorted([world.ann.email, world.bohdan.email])
    assert len(got) == len(set(got))  # Ann belongs to both applying organisations
    assert world.dana.email not in got and world.outsider.email not in got


@pytest.mark.parametrize(
    ("filters", "who"),
    [
        ({"states": [Application.State.SUBMITTED]}, {"ann", "bohdan"}),  # Ann: Lviv too
        ({"regions": [Region.POLTAVA]}, {"ann"}),
        ({"nominations": "b"}, {"ann", "bohdan"}),  # Ann is in Lviv's organisation too
        ({"states": [Application.State.ELIGIBLE], "regions": [Region.LVIV]}, set()),
    ],
)
def test_applicants_filtered_by_state_region_nomination(world, organiser, filters, who):
    if filters.get("nominations") == "b":
        filters = {"nominations": [world.nomination_b.pk]}
    mailing = draft(world.contest, organiser, {"kind": "applicants", "contest": world.contest.pk, **filters})
    assert set(emails(mailing)) == {getattr(world, name).email for name in who}


def test_jurors_of_this_contest_only(world, organiser):
    mailing = draft(world.contest, organiser, {"kind": "jurors", "contest": world.contest.pk})
    assert emails(mailing) == [world.juror.email]


def test_grantees_of_a_contest_or_of_all(world, organiser, staff):
    give_grant(world.poltava.applications.get())
    give_grant(world.outsider.memberships.get().organisation.applications.get())
    ours = draft(world.contest, organiser, {"kind": "grantees", "contest": world.contest.pk})
    assert emails(ours) == [world.ann.email]
    everyone = draft(None, staff, {"kind": "grantees"})
    assert sorted(emails(everyone)) == sorted([world.ann.email, world.outsider.email])


def test_subscribers_confirmed_and_not_unsubscribed(db, staff):
    subscriber("a@example.org")
    subscriber("b@example.org", confirmed=False)
    gone = subscriber("c@example.org")
    gone.unsubscribed_at = gone.confirmed_at
    gone.save()
    mailing = draft(None, staff, {"kind": "subscribers"})
    assert emails(mailing) == ["a@example.org"]
    assert preview(mailing).unsubscribed == 1


def test_opted_out_people_are_counted_apart_unless_essential(world, organiser):
    EmailOptOut.objects.create(user=world.bohdan, event="mailings.message")
    audience = {"kind": "applicants", "contest": world.contest.pk}
    plain = draft(world.contest, organiser, audience)
    assert emails(plain) == [world.ann.email]
    shown = preview(plain)
    assert (shown.recipients, shown.unsubscribed, shown.sample) == (1, 1, [world.ann.full_name])
    essential = draft(world.contest, organiser, audience, essential=True)
    assert sorted(emails(essential)) == sorted([world.ann.email, world.bohdan.email])


def test_audience_is_one_query_however_many_people(world, organiser):
    mailing = draft(world.contest, organiser, {"kind": "applicants", "contest": world.contest.pk})
    with CaptureQueriesContext(connection) as one:
        audience_of(mailing)
    for n in range(20):
        from tests.factories import OrganisationFactory
        from tests.mailings.conftest import apply, member

        organisation = OrganisationFactory()
        member(organisation, f"Особа {n}")
        apply(organisation, world.contest, world.nomination_a, Application.State.ELIGIBLE)
    with CaptureQueriesContext(connection) as many:
        assert len(audience_of(mailing).people) == 22
    assert len(many.captured_queries) == len(one.captured_queries) == 1


def test_contest_mailing_stays_in_its_contest(world):
    data = {"kind": "applicants", "contest": world.other_contest.pk}
    serializer = AudienceSerializer(data=data, owner=world.contest)
    assert not serializer.is_valid()
    assert "contest" in serializer.errors
    assert not AudienceSerializer(data={"kind": "subscribers"}, owner=world.contest).is_valid()
    foreign = AudienceSerializer(
        data={"kind": "applicants", "nominations": [world.other_contest.nominations.first().pk]},
        owner=world.contest,
    )
    assert not foreign.is_valid() and "nominations" in foreign.errors
    ok = AudienceSerializer(data={"kind": "jurors"}, owner=world.contest)
    assert ok.is_valid() and ok.validated_data == {"kind": "jurors", "contest": world.contest.pk}


def test_site_wide_applicants_need_a_contest(db):
    serializer = AudienceSerializer(data={"kind": "applicants"})
    assert not serializer.is_valid() and "contest" in serializer.errors
    assert not AudienceSerializer(data={"kind": "late_reporters"}).is_valid()


def test_late_reporters_of_a_campaign(world, staff):
    from datetime import timedelta

    from campaigns.models import Campaign, CampaignReport
    from core import clock

    campaign = Campaign.objects.create(
        title="Річний звіт", owner=world.drafting, due_at=clock.now() - timedelta(days=3)
    )
    CampaignReport.objects.create(campaign=campaign, organisation=world.lviv)  # due: late
    done = CampaignReport.objects.create(campaign=campaign, organisation=world.poltava)
    CampaignReport.objects.filter(pk=done.pk).update(state=CampaignReport.State.SUBMITTED)
    other = Campaign.objects.create(
        title="Інший", owner=world.drafting, due_at=clock.now() - timedelta(days=3)
    )
    CampaignReport.objects.create(campaign=other, organisation=world.outsider.memberships.get().organisation)
    serializer = AudienceSerializer(data={"kind": "late_reporters", "campaign": campaign.pk})
    assert serializer.is_valid(), serializer.errors
    mailing = draft(None, staff, serializer.validated_data)
    # Lviv's members: Bohdan and Ann (who is in Poltava too, which reported).
    assert sorted(emails(mailing)) == sorted([world.ann.email, world.bohdan.email])
