"""The persona matrix's rows for special awards, documents and issue runs (awards.rules:
define = organiser; choose = organiser | jury chair (none in the world); documents = their
holder and the contest's organisers; issue runs = organisers)."""

from applications.models import Application
from awards import certificates, special
from awards.models import Diploma, IssueRun
from contests.models import Contest

ALLOWED_TEXT = """
# awards.rules: special awards of the review contest R are seen by its organiser (and jury chair)
# until the announcement; defined by the organiser, given by the organiser or the jury chair.
GET /api/v1/special-awards/: everyone
POST /api/v1/special-awards/: org
GET /api/v1/special-awards/{id}/: org
PATCH /api/v1/special-awards/{id}/: org
DELETE /api/v1/special-awards/{id}/: org
POST /api/v1/special-awards/{id}/choose/: org
POST /api/v1/special-awards/{id}/unchoose/: org
# Documents of the announced GC: X's certificate to X's members and GC's organiser.
GET /api/v1/award-documents/: signed_in
GET /api/v1/award-documents/{id}/: app org
GET /api/v1/award-documents/{id}/pdf/: app org
# Issue runs: the organisers of announced contests.
GET /api/v1/issue-runs/: signed_in
POST /api/v1/issue-runs/: org
GET /api/v1/issue-runs/{id}/: org
"""

RESOURCE_OF_ID = {
    "special-awards": "special_award",
    "award-documents": "document",
    "issue-runs": "issue_run",
}
LIST_SCOPE = {
    "/api/v1/special-awards/": {"special_award": "org"},
    "/api/v1/award-documents/": {"document": "app org"},
    "/api/v1/issue-runs/": {"issue_run": "org"},
}
BODIES = {
    ("POST", "/api/v1/special-awards/"): {"contest": "{contest}", "title": "Найкраща ідея"},
    ("POST", "/api/v1/special-awards/{id}/choose/"): {
        "application": "{other_application}",
        "reason": "Сміливо",
    },
    ("POST", "/api/v1/special-awards/{id}/unchoose/"): {"application": "{application}"},
    ("POST", "/api/v1/issue-runs/"): {"contest": "{grant_contest}", "kind": "thanks"},
}


def build(people, ids) -> None:
    organiser = people["organiser"]
    award = special.create_award(
        Contest.objects.get(pk=ids["contest"]), title="Найкраще використання ресурсів", places=1
    )
    special.choose(
        award, Application.objects.get(pk=ids["application"]), by=organiser, reason="Ощадливо і з розумом"
    )
    grant_contest = Contest.objects.get(pk=ids["grant_contest"])
    run = IssueRun.objects.create(
        contest=grant_contest, kind=IssueRun.Kind.PARTICIPATION, started_by=organiser
    )
    certificates.run_issue(run.pk)
    x_application = Application.objects.get(contest=grant_contest, organisation_id=ids["organisation"])
    ids["special_award"] = award.pk
    ids["issue_run"] = run.pk
    ids["document"] = Diploma.objects.get(kind=Diploma.Kind.PARTICIPATION, application=x_application).pk
