"""A ministry-like organiser, two libraries asked to report (Poltava and Lviv), one not asked."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from accounts.regions import Region
from campaigns import services
from campaigns.models import Campaign, CampaignQuestion
from core import clock
from tests.factories import OrganisationFactory, UserFactory


def member(organisation, name: str, admin: bool = True):
    user = UserFactory(full_name=name)
    organisation.memberships.create(user=user, is_admin=admin)
    return user


@pytest.fixture
def world(db, organiser):
    return build_world(organiser)


def build_world(organiser) -> SimpleNamespace:
    """The world as a plain function, for callers that are not tests (the race sweep's scenarios)."""
    body = OrganisationFactory(name="Обласна бібліотека Вигадана", region=Region.KYIV_CITY)
    poltava = OrganisationFactory(name="Бібліотека Альфа", region=Region.POLTAVA)
    lviv = OrganisationFactory(name="Бібліотека Бета", region=Region.LVIV)
    kharkiv = OrganisationFactory(name="Бібліотека Гамма", region=Region.KHARKIV)
    campaign = services.create_campaign(
        by=organiser,
        owner=body,
        title="Заходи з цифрової грамотності",
        due_at=clock.now() + timedelta(days=10),
        period_label="I півріччя",
        audience_regions=[Region.POLTAVA, Region.LVIV],
    )
    services.add_question(
        campaign,
        key="measures",
        label="Measures taken",
        field_type=CampaignQuestion.Type.LONG_TEXT,
        required=True,
    )
    indicator = services.add_indicator(campaign, name="Events", unit="pcs")
    return SimpleNamespace(
        organiser=organiser,
        body=body,
        poltava=poltava,
        lviv=lviv,
        kharkiv=kharkiv,
        alice=member(poltava, "Аліса Тестова"),
        bohdan=member(lviv, "Богдан Тестовий"),
        hanna=member(kharkiv, "Ганна Тестова"),
        campaign=campaign,
        indicator=indicator,
    )


@pytest.fixture
def opened(world):
    services.open_campaign(world.campaign, by=world.organiser)
    world.campaign = Campaign.objects.get(pk=world.campaign.pk)
    world.report = world.campaign.reports.get(organisation=world.poltava)
    world.other_report = world.campaign.reports.get(organisation=world.lviv)
    return world
