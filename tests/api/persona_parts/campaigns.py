"""Reporting campaigns in the persona matrix: an open campaign of a regional library (no members),
managed by the organiser, asking X (the applicant's library) for a report; a yearly schedule."""

from datetime import timedelta

from accounts.models import Organisation, User
from campaigns import services
from campaigns.models import CampaignQuestion
from core import clock
from tests.factories import OrganisationFactory

ALLOWED_TEXT = """
# campaigns.rules: managers (the organiser: a campaign's manager; staff) do everything; the
# members of an asked organisation (X: the applicant) read the campaign and fill in, submit their
# report; everyone else sees nothing. Creating: staff and those who may create contests.
GET /api/v1/campaigns/: signed_in
POST /api/v1/campaigns/: org oorg staff
GET /api/v1/campaigns/{id}/: app org staff
PATCH /api/v1/campaigns/{id}/: org staff
DELETE /api/v1/campaigns/{id}/: org staff
GET /api/v1/campaigns/{id}/audience-preview/: org staff
POST /api/v1/campaigns/{id}/close/: org staff
GET /api/v1/campaigns/{id}/history/: app org staff
POST /api/v1/campaigns/{id}/indicators/: org staff
POST /api/v1/campaigns/{id}/open/: org staff
POST /api/v1/campaigns/{id}/questions/: org staff
GET /api/v1/campaigns/{id}/summary/: org staff
POST /api/v1/campaigns/{id}/targets/: org staff
GET /api/v1/campaign-reports/: signed_in
GET /api/v1/campaign-reports/{id}/: app org staff
PATCH /api/v1/campaign-reports/{id}/: app
POST /api/v1/campaign-reports/{id}/accept/: org staff
POST /api/v1/campaign-reports/{id}/attachments/: app
GET /api/v1/campaign-reports/{id}/history/: app org staff
POST /api/v1/campaign-reports/{id}/return-for-correction/: org staff
POST /api/v1/campaign-reports/{id}/submit/: app
GET /api/v1/campaign-schedules/: signed_in
POST /api/v1/campaign-schedules/: org staff
GET /api/v1/campaign-schedules/{id}/: org staff
PATCH /api/v1/campaign-schedules/{id}/: org staff
DELETE /api/v1/campaign-schedules/{id}/: org staff
"""

RESOURCE_OF_ID = {
    "campaigns": "campaign",
    "campaign-reports": "campaign_report",
    "campaign-schedules": "campaign_schedule",
}

LIST_SCOPE = {
    "/api/v1/campaigns/": {"campaign": "app org staff"},
    "/api/v1/campaign-reports/": {"campaign_report": "app org staff"},
    "/api/v1/campaign-schedules/": {"campaign_schedule": "org staff"},
}

BODIES = {
    ("POST", "/api/v1/campaigns/"): {
        "owner": "{campaign_owner}",
        "title": "Звіт про заходи",
        "due_at": "2031-03-20T16:00:00Z",
        "audience_regions": ["poltava"],
    },
    ("POST", "/api/v1/campaign-schedules/"): {"template": "{campaign}", "days": ["03-20", "10-20"]},
}


def build(people: dict[str, User | None], ids: dict) -> None:
    organiser = people["organiser"]
    x = Organisation.objects.get(pk=ids["organisation"])
    owner = OrganisationFactory(name="Обласна бібліотека Кампаній")
    campaign = services.create_campaign(
        by=organiser,
        owner=owner,
        title="Заходи з цифрової грамотності",
        due_at=clock.now() + timedelta(days=30),
        audience_organisations=[x],
    )
    services.add_question(
        campaign,
        key="measures",
        label="Вжиті заходи",
        field_type=CampaignQuestion.Type.LONG_TEXT,
        required=True,
    )
    services.add_indicator(campaign, name="Заходи", unit="шт.")
    campaign = services.open_campaign(campaign, by=organiser)
    schedule = services.create_schedule(campaign, by=organiser, days=["03-20", "10-20"], lead_days=0)
    ids.update(
        {
            "campaign": campaign.pk,
            "campaign_owner": owner.pk,
            "campaign_report": campaign.reports.get(organisation=x).pk,
            "campaign_schedule": schedule.pk,
        }
    )


def build_fuzz(world) -> None:
    """An open campaign of the organiser asking the applicant's library, and a draft one."""
    library = world.applicant.memberships.get().organisation
    owner = OrganisationFactory(name="Обласна бібліотека Фазер")
    for title, open_it in (("Звіт фазера", True), ("Чернетка фазера", False)):
        campaign = services.create_campaign(
            by=world.organiser,
            owner=owner,
            title=title,
            due_at=clock.now() + timedelta(days=30),
            audience_organisations=[library],
        )
        services.add_question(
            campaign, key="measures", label="Заходи", field_type=CampaignQuestion.Type.SHORT_TEXT
        )
        services.add_indicator(campaign, name="Заходи", unit="шт.")
        if open_it:
            campaign = services.open_campaign(campaign, by=world.organiser)
            services.create_schedule(campaign, by=world.organiser, days=["03-20"], lead_days=0)
