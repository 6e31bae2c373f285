"""Analytic reports (reports.rules, reports.analytic_selectors): drafts are the organisers' of
their contest (GC's: org; C2's: oorg), published reports of public contests everyone's. The
report under {id} is GC's draft, so only its organiser is let in; the grant officer is not an
organiser of GC and is refused like everyone else."""

from contests.models import Contest
from reports import services

ALLOWED_TEXT = """
# reports.rules: reports.add/change/publish_analyticreport = organiser of the report's contest.
GET /api/v1/analytic-reports/: everyone
POST /api/v1/analytic-reports/: org
GET /api/v1/analytic-reports/{id}/: org
PATCH /api/v1/analytic-reports/{id}/: org
DELETE /api/v1/analytic-reports/{id}/: org
GET /api/v1/analytic-reports/{id}/figures/: org
GET /api/v1/analytic-reports/{id}/history/: org
GET /api/v1/analytic-reports/{id}/pdf/: org
POST /api/v1/analytic-reports/{id}/publish/: org
POST /api/v1/analytic-reports/{id}/withdraw/: org
GET /api/v1/analytic-reports/{id}/xlsx/: org
"""

RESOURCE_OF_ID = {"analytic-reports": "analytic_report"}
LIST_SCOPE = {
    "/api/v1/analytic-reports/": {
        "analytic_report": "org",
        "published_analytic_report": "everyone",
        "other_analytic_report": "oorg",
    }
}
BODIES = {
    ("POST", "/api/v1/analytic-reports/"): {
        "contest": "{grant_contest}",
        "title": "Новий аналітичний звіт",
        "findings": "Висновки",
    }
}


def build(people: dict, ids: dict) -> None:
    organiser, other_organiser = people["organiser"], people["other_organiser"]
    grant_contest = Contest.objects.get(pk=ids["grant_contest"])
    draft = services.create_report(
        grant_contest, by=organiser, title="Чернетка звіту", summary="Що вийшло", findings="Висновки"
    )
    published = services.create_report(grant_contest, by=organiser, title="Звіт за рік", summary="Підсумок")
    services.publish(published, by=organiser)
    other = services.create_report(
        Contest.objects.get(pk=ids["other_contest"]), by=other_organiser, title="Інший звіт", summary="Так"
    )
    ids["analytic_report"] = draft.pk
    ids["published_analytic_report"] = published.pk
    ids["other_analytic_report"] = other.pk


def build_fuzz(world) -> None:
    """A draft and a published report on the fuzz organiser's published contest."""
    contest = Contest.objects.filter(roles__user=world.organiser, state=Contest.State.PUBLISHED).first()
    draft = services.create_report(contest, by=world.organiser, title="Чернетка", findings="Висновки")
    published = services.create_report(contest, by=world.organiser, title="Опублікований", summary="Так")
    services.publish(published, by=world.organiser)
    assert draft.pk
