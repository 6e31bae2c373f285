"""What each persona may do with each operation of the API (tests/api/test_matrix_personas.py),
written from the apps' rules.py and selectors, not from what the server answers."""

from tests.api.persona_parts import parts

# Which world object fills `{id}` under each resource (persona_world.World.ids keys).
RESOURCE_OF_ID = {
    "applications": "application",
    "award-decisions": "decision",
    "awards": "contest",
    "classifiers": "classifier",
    "contest-dashboards": "contest",
    "contests": "contest",
    "criteria": "criterion",
    "depository-cases": "practice",
    "depository-consents": "consent_application",
    "form-fields": "form_field",
    "grant-budgets": "grant_contest",
    "grant-reports": "report",
    "grant-tranches": "tranche",
    "lockouts": "lock",
    "people": "person",
    "security-events": "security_event",
    "tokens": "token",
    "webhooks": "webhook",
    "grants": "grant",
    "imports": "import_job",
    "invitations": "invitation",
    "jurors": "juror",
    "nominations": "nomination",
    "notifications": "notification",
    "open-data": "grant_contest",
    "organisation-conflicts": "declaration",
    "organisations": "organisation",
    "organisers": "organiser_user",
    "practices": "practice",
    "results": "grant_contest",
    "review-assignments": "review",
    "review-rounds": "round",
    "reviews": "review",
}
# Other path parameters, by name.
PARAMETER = {"attachment_id": "attachment", "name": "chart"}

# Short names of the personas (persona_world.PERSONAS), and groups of them.
SHORT = {
    "anon": "anonymous",
    "app": "applicant",
    "oapp": "other_applicant",
    "ajur": "assigned_juror",
    "ujur": "unassigned_juror",
    "cjur": "conflicted_juror",
    "org": "organiser",
    "oorg": "other_organiser",
    "off": "grant_officer",
    "ogr": "other_grantee",
    "staff": "staff",
}
GROUPS = {
    "everyone": set(SHORT.values()),
    "signed_in": set(SHORT.values()) - {"anonymous"},
    "jurors": {"assigned_juror", "unassigned_juror", "conflicted_juror"},
    "nobody": set(),
}

# Who may (may be let in) per operation. The rules behind each block are named above it; the
# scoping of lists is checked separately (LIST_SCOPE). The review contest R is in review (public),
# the grant contest GC announced; the organiser organises both, the officer only GC.
ALLOWED_TEXT = """
# applications.rules: view = member | organiser of its contest | staff; change/submit/withdraw =
# member; screen = organiser. Jurors read the attachments of the applications they review.
GET /api/v1/applications/: signed_in
POST /api/v1/applications/: app
GET /api/v1/applications/{id}/: app org staff
PATCH /api/v1/applications/{id}/: app
GET /api/v1/applications/{id}/attachments/: app ajur org staff
POST /api/v1/applications/{id}/attachments/: app
DELETE /api/v1/applications/{id}/attachments/{attachment_id}/: app
GET /api/v1/applications/{id}/attachments/{attachment_id}/download/: app ajur org staff
GET /api/v1/applications/{id}/diff/: app org staff
GET /api/v1/applications/{id}/downloads/: org
GET /api/v1/applications/{id}/history/: app org staff
POST /api/v1/applications/{id}/mark-eligible/: org
POST /api/v1/applications/{id}/mark-ineligible/: org
POST /api/v1/applications/{id}/return/: org
POST /api/v1/applications/{id}/return-for-correction/: org
GET /api/v1/applications/{id}/revisions/: app org staff
POST /api/v1/applications/{id}/submit/: app
POST /api/v1/applications/{id}/withdraw/: app
# accounts: the ways in are open to all (throttled).
POST /api/v1/auth/confirm-email/: everyone
POST /api/v1/auth/sign-up/: everyone
POST /api/v1/auth/token/: everyone
# awards.rules: decisions = organiser | jury chair (no chair here); change/withdraw = organiser.
GET /api/v1/award-decisions/: signed_in
POST /api/v1/award-decisions/: org
GET /api/v1/award-decisions/{id}/: org
PATCH /api/v1/award-decisions/{id}/: org
POST /api/v1/award-decisions/{id}/approve/: org
GET /api/v1/award-decisions/{id}/history/: org
POST /api/v1/award-decisions/{id}/withdraw/: org
GET /api/v1/awards/: signed_in
GET /api/v1/awards/{id}/: org
GET /api/v1/awards/{id}/candidates/: org
GET /api/v1/awards/{id}/settings/: org
PATCH /api/v1/awards/{id}/settings/: org
# contests.rules: classifiers are read by all; added by whoever may add contests (staff, organisers);
# changed by staff or people organising every contest that uses it.
GET /api/v1/classifiers/: everyone
POST /api/v1/classifiers/: org oorg staff
GET /api/v1/classifiers/{id}/: everyone
PUT /api/v1/classifiers/{id}/: org staff
PATCH /api/v1/classifiers/{id}/: org staff
DELETE /api/v1/classifiers/{id}/: org staff
# reports: the dashboard is the contest's organisers'.
GET /api/v1/contest-dashboards/{id}/: org
GET /api/v1/contest-dashboards/{id}/charts/{name}/: org
GET /api/v1/contest-dashboards/{id}/summary/: org
# contests.rules: view = public | any role | staff; change/steps/roles = organiser; add = staff |
# organisers; grant budget = organiser | grant officer (of that contest: R has none).
GET /api/v1/contests/: everyone
POST /api/v1/contests/: org oorg staff
GET /api/v1/contests/{id}/: everyone
PUT /api/v1/contests/{id}/: org
PATCH /api/v1/contests/{id}/: org
DELETE /api/v1/contests/{id}/: org
POST /api/v1/contests/{id}/add-case-structure/: org
POST /api/v1/contests/{id}/announce/: org
POST /api/v1/contests/{id}/archive/: org
POST /api/v1/contests/{id}/cancel/: org
POST /api/v1/contests/{id}/clone/: org
POST /api/v1/contests/{id}/close/: org
POST /api/v1/contests/{id}/decide/: org
POST /api/v1/contests/{id}/grant-budget/: org
GET /api/v1/contests/{id}/history/: everyone
POST /api/v1/contests/{id}/publish/: org
POST /api/v1/contests/{id}/revoke-role/: org
GET /api/v1/contests/{id}/roles/: org
POST /api/v1/contests/{id}/roles/: org
POST /api/v1/contests/{id}/start-review/: org
GET /api/v1/criteria/: everyone
POST /api/v1/criteria/: org
GET /api/v1/criteria/{id}/: everyone
PUT /api/v1/criteria/{id}/: org
PATCH /api/v1/criteria/{id}/: org
DELETE /api/v1/criteria/{id}/: org
GET /api/v1/form-fields/: everyone
POST /api/v1/form-fields/: org
GET /api/v1/form-fields/{id}/: everyone
PUT /api/v1/form-fields/{id}/: org
PATCH /api/v1/form-fields/{id}/: org
DELETE /api/v1/form-fields/{id}/: org
GET /api/v1/nominations/: everyone
POST /api/v1/nominations/: org
GET /api/v1/nominations/{id}/: everyone
PUT /api/v1/nominations/{id}/: org
PATCH /api/v1/nominations/{id}/: org
DELETE /api/v1/nominations/{id}/: org
# depository.rules: manage = organiser | staff; consent = the applicant (read by whoever sees the
# application). The case is a draft: the public catalogue shows none.
GET /api/v1/depository-cases/: signed_in
POST /api/v1/depository-cases/: org staff
GET /api/v1/depository-cases/{id}/: org staff
DELETE /api/v1/depository-cases/{id}/: org staff
GET /api/v1/depository-cases/{id}/history/: org staff
PATCH /api/v1/depository-cases/{id}/presentation/: org staff
GET /api/v1/depository-cases/{id}/preview/: org staff
POST /api/v1/depository-cases/{id}/publish/: org staff
POST /api/v1/depository-cases/{id}/withdraw/: org staff
GET /api/v1/depository-cases/presentations/: signed_in
POST /api/v1/depository-cases/select-winners/: org staff
GET /api/v1/depository-consents/: signed_in
GET /api/v1/depository-consents/{id}/: app org staff
PUT /api/v1/depository-consents/{id}/: app
GET /api/v1/practices/: everyone
GET /api/v1/practices/{id}/: nobody
GET /api/v1/results/: everyone
GET /api/v1/results/{id}/: everyone
# awards.api.opendata: the open data of announced contests' grants is public (404 before then).
GET /api/v1/open-data/grants/: everyone
GET /api/v1/open-data/contests/{id}/grants/: everyone
GET /api/v1/open-data/schema/: everyone
# grants.rules: view = grant officer | member of the grantee; money, agreement, tranches and the
# report's review = officer; bank details and reports = the grantee's members. Organisers who are
# not grant officers have no say over money.
GET /api/v1/grant-budgets/: signed_in
GET /api/v1/grant-budgets/{id}/: off
GET /api/v1/grant-indicators/: signed_in
POST /api/v1/grant-indicators/: off
GET /api/v1/grant-reports/: signed_in
GET /api/v1/grant-reports/{id}/: app off
PATCH /api/v1/grant-reports/{id}/: app
POST /api/v1/grant-reports/{id}/accept/: off
POST /api/v1/grant-reports/{id}/attachments/: app
GET /api/v1/grant-reports/{id}/history/: app off
POST /api/v1/grant-reports/{id}/request-changes/: off
POST /api/v1/grant-reports/{id}/submit/: app
GET /api/v1/grant-tranches/: signed_in
POST /api/v1/grant-tranches/: off
GET /api/v1/grant-tranches/{id}/: app off
POST /api/v1/grant-tranches/{id}/approve/: off
POST /api/v1/grant-tranches/{id}/cancel/: off
GET /api/v1/grant-tranches/{id}/history/: app off
POST /api/v1/grant-tranches/{id}/pay/: off
GET /api/v1/grants/: signed_in
POST /api/v1/grants/: off
GET /api/v1/grants/{id}/: app off
PATCH /api/v1/grants/{id}/: off
POST /api/v1/grants/{id}/activate/: off
GET /api/v1/grants/{id}/audit/: off
POST /api/v1/grants/{id}/bank-details/: app
GET /api/v1/grants/{id}/budget-lines/: app off
POST /api/v1/grants/{id}/budget-lines/: off
POST /api/v1/grants/{id}/complete/: off
POST /api/v1/grants/{id}/confirm-bank-details/: off
GET /api/v1/grants/{id}/history/: app off
GET /api/v1/grants/{id}/results/: app off
POST /api/v1/grants/{id}/sign-agreement/: off
GET /api/v1/grants/{id}/targets/: app off
POST /api/v1/grants/{id}/targets/: off
POST /api/v1/grants/{id}/terminate/: off
# accounts.rules: imports = staff | those who may add contests; a job is its uploader's (and
# staff's); invitations are their sender's; organisers are managed by staff; the profile is one's
# own; an organisation is its members' (changed by its admins) and staff's.
GET /api/v1/imports/: signed_in
GET /api/v1/imports/{id}/: org staff
POST /api/v1/imports/{id}/confirm/: org staff
GET /api/v1/imports/{id}/history/: org staff
POST /api/v1/imports/organisations/: org oorg staff
POST /api/v1/juror-imports/: org
GET /api/v1/invitations/: signed_in
POST /api/v1/invitations/: org
GET /api/v1/invitations/{id}/: org staff
POST /api/v1/invitations/accept/: everyone
GET /api/v1/me/: signed_in
PUT /api/v1/me/: signed_in
PATCH /api/v1/me/: signed_in
GET /api/v1/organisations/: signed_in
POST /api/v1/organisations/: signed_in
GET /api/v1/organisations/{id}/: app staff
PUT /api/v1/organisations/{id}/: app staff
PATCH /api/v1/organisations/{id}/: app staff
POST /api/v1/organisations/{id}/invite/: app staff
GET /api/v1/organisers/: staff
POST /api/v1/organisers/: staff
DELETE /api/v1/organisers/{id}/: staff
POST /api/v1/organisers/remove/: staff
# Security (issue 16): lockouts, the security log and second-factor resets are staff's; tokens
# are their owner's (staff: everyone's); one's own data is one's own.
GET /api/v1/lockouts/: staff
DELETE /api/v1/lockouts/{id}/: staff
GET /api/v1/security-events/: staff
GET /api/v1/security-events/{id}/: staff
POST /api/v1/people/{id}/two-step/reset/: staff
GET /api/v1/tokens/: signed_in
POST /api/v1/tokens/: signed_in
GET /api/v1/tokens/{id}/: app staff
DELETE /api/v1/tokens/{id}/: app staff
POST /api/v1/tokens/{id}/revoke/: app staff
GET /api/v1/me/data/: signed_in
GET /api/v1/site/: everyone
PATCH /api/v1/site/: staff
# notifications: one's own inbox.
GET /api/v1/notifications/: signed_in
GET /api/v1/notifications/{id}/: app
POST /api/v1/notifications/{id}/read/: app
POST /api/v1/notifications/read-all/: signed_in
GET /api/v1/notifications/unread-count/: signed_in
# review.rules: a review is its juror's (live, no conflict) and the organisers'; rounds, jurors,
# conflicts, ranking, shortlist and late codes are the organisers'; a declaration is its juror's
# and the organisers' (who decide it). Jury notes are the organisers' (jurors write theirs on the
# review page); the organisation list for declaring is for people with a seat on some jury... and
# for organisers, who declare nothing but see it (review/api/organisation_conflicts.py).
GET /api/v1/jurors/: signed_in
POST /api/v1/jurors/: org
DELETE /api/v1/jurors/{id}/: org
GET /api/v1/late-codes/: signed_in
POST /api/v1/late-codes/: org
GET /api/v1/organisation-conflicts/: signed_in
POST /api/v1/organisation-conflicts/: ajur
GET /api/v1/organisation-conflicts/{id}/: cjur org
POST /api/v1/organisation-conflicts/{id}/accept/: org
GET /api/v1/organisation-conflicts/{id}/history/: cjur org
POST /api/v1/organisation-conflicts/{id}/reject/: org
GET /api/v1/organisation-conflicts/organisations/: jurors org oorg
GET /api/v1/review-assignments/: signed_in
GET /api/v1/review-assignments/{id}/: ajur org
GET /api/v1/review-conflicts/: signed_in
GET /api/v1/review-rounds/: signed_in
POST /api/v1/review-rounds/: org
GET /api/v1/review-rounds/{id}/: org
PATCH /api/v1/review-rounds/{id}/: org
POST /api/v1/review-rounds/{id}/assign/: org
POST /api/v1/review-rounds/{id}/assign-manually/: org
POST /api/v1/review-rounds/{id}/close/: org
POST /api/v1/review-rounds/{id}/consensus/: org
GET /api/v1/review-rounds/{id}/history/: org
POST /api/v1/review-rounds/{id}/open/: org
GET /api/v1/review-rounds/{id}/progress/: org
GET /api/v1/review-rounds/{id}/ranking/: org
GET /api/v1/review-rounds/{id}/scores-export/: org
GET /api/v1/review-rounds/{id}/shortlist/: org
POST /api/v1/review-rounds/{id}/shortlist/: org
POST /api/v1/review-rounds/{id}/shortlist/confirm/: org
POST /api/v1/review-rounds/{id}/shortlist/remove/: org
GET /api/v1/reviews/: signed_in
GET /api/v1/reviews/{id}/: ajur org
POST /api/v1/reviews/{id}/decline/: ajur
GET /api/v1/reviews/{id}/history/: ajur org
GET /api/v1/reviews/{id}/notes/: org
POST /api/v1/reviews/{id}/notes/: org
POST /api/v1/reviews/{id}/recuse/: org
POST /api/v1/reviews/{id}/reopen/: org
PUT /api/v1/reviews/{id}/scores/: ajur
PATCH /api/v1/reviews/{id}/scores/: ajur
POST /api/v1/reviews/{id}/submit/: ajur
# webhooks.rules: an organisation's endpoints are its administrators' (X's: the applicant), a
# contest's its organisers'; nobody else sees them, staff included. Creating names the owner.
GET /api/v1/webhooks/: signed_in
POST /api/v1/webhooks/: app
GET /api/v1/webhooks/{id}/: app
PATCH /api/v1/webhooks/{id}/: app
DELETE /api/v1/webhooks/{id}/: app
GET /api/v1/webhooks/{id}/deliveries/: app
POST /api/v1/webhooks/{id}/enable/: app
POST /api/v1/webhooks/{id}/rotate-secret/: app
POST /api/v1/webhooks/{id}/test/: app
"""


def _personas(names: str) -> frozenset[str]:
    people: set[str] = set()
    for name in names.split():
        people |= GROUPS[name] if name in GROUPS else {SHORT[name]}
    return frozenset(people)


def _parse(text: str) -> dict[tuple[str, str], frozenset[str]]:
    table = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        operation, _, names = line.partition(": ")
        method, path = operation.split()
        assert (method, path) not in table, f"two rows for {operation}"
        table[(method, path)] = _personas(names)
    return table


_PARTS = parts()
for _part in _PARTS:
    RESOURCE_OF_ID.update(getattr(_part, "RESOURCE_OF_ID", {}))
    PARAMETER.update(getattr(_part, "PARAMETER", {}))
ALLOWED = _parse(ALLOWED_TEXT + "".join(getattr(part, "ALLOWED_TEXT", "") for part in _PARTS))

# Lists: which world objects (World.ids keys) each list may show, and to whom only. Everyone else
# must not find the object's id in the list (a 200 with someone else's row is a leak too).
LIST_SCOPE = {
    "/api/v1/applications/": {"application": "app org staff", "other_application": "oapp org staff"},
    "/api/v1/award-decisions/": {"decision": "org"},
    "/api/v1/awards/": {"contest": "org"},
    "/api/v1/depository-cases/": {"practice": "org staff"},
    "/api/v1/depository-consents/": {"consent_application": "app org staff"},
    "/api/v1/grant-budgets/": {"grant_contest": "off"},
    "/api/v1/grant-reports/": {"report": "app off"},
    "/api/v1/grant-tranches/": {"tranche": "app off"},
    "/api/v1/grants/": {"grant": "app off", "other_grant": "ogr off"},
    "/api/v1/imports/": {"import_job": "org staff"},
    "/api/v1/invitations/": {"invitation": "org staff"},
    "/api/v1/jurors/": {"juror": "org"},
    "/api/v1/notifications/": {"notification": "app"},
    "/api/v1/organisation-conflicts/": {"declaration": "cjur org"},
    "/api/v1/organisations/": {"organisation": "app staff", "other_organisation": "oapp staff"},
    "/api/v1/practices/": {"practice": "nobody"},
    "/api/v1/review-assignments/": {"review": "ajur org", "other_review": "cjur org"},
    "/api/v1/review-rounds/": {"round": "org"},
    "/api/v1/security-events/": {"security_event": "staff"},
    "/api/v1/tokens/": {"token": "app"},
    "/api/v1/webhooks/": {"webhook": "app"},
    "/api/v1/reviews/": {"review": "ajur org", "other_review": "cjur org"},
}
# The field that holds a list row's id, where it is not "id".
ID_FIELD = {
    "/api/v1/depository-cases/": "number",
    "/api/v1/depository-consents/": "application",
    "/api/v1/grant-budgets/": "contest",
}
for _part in _PARTS:
    LIST_SCOPE.update(getattr(_part, "LIST_SCOPE", {}))
    ID_FIELD.update(getattr(_part, "ID_FIELD", {}))
LIST_SCOPE_PERSONAS = {
    path: {key: _personas(names) for key, names in objects.items()} for path, objects in LIST_SCOPE.items()
}

# Bodies for writes whose target is named in the body (creates), so the permission is asked of a
# real target rather than refused by validation for everyone. Values "{key}" are World.ids.
BODIES = {
    ("POST", "/api/v1/webhooks/"): {
        "organisation": "{organisation}",
        "url": "https://127.0.0.1:9/konkurs",
        "events": ["grant.offered"],
    },
    ("POST", "/api/v1/applications/"): {
        "organisation": "{organisation}",
        "contest": "{other_contest}",
        "nomination": "{other_nomination}",
        "title": "Проєкт",
    },
    ("POST", "/api/v1/award-decisions/"): {"application": "{other_application}", "reason": "Друга"},
    ("POST", "/api/v1/contests/"): {
        "title": "Новий конкурс",
        "summary": "Опис",
        "opens_at": "2031-01-01T10:00:00Z",
        "closes_at": "2031-02-01T10:00:00Z",
    },
    ("POST", "/api/v1/criteria/"): {"contest": "{contest}", "title": "Новий критерій", "weight": "1"},
    ("POST", "/api/v1/form-fields/"): {
        "contest": "{contest}",
        "key": "new_field",
        "label": "Нове питання",
        "field_type": "long_text",
    },
    ("POST", "/api/v1/nominations/"): {"contest": "{contest}", "title": "Нова номінація"},
    ("POST", "/api/v1/grant-indicators/"): {
        "contest": "{grant_contest}",
        "name": "Відвідувачі",
        "unit": "осіб",
    },
    ("POST", "/api/v1/grant-tranches/"): {
        "grant": "{grant}",
        "planned_on": "2025-03-01",
        "amount": "1000.00",
    },
    ("POST", "/api/v1/grants/"): {
        "application": "{consent_application}",
        "amount": "1000.00",
        "purpose": "Ще",
        "starts_on": "2025-01-01",
        "ends_on": "2025-12-31",
    },
    ("POST", "/api/v1/invitations/"): {
        "role": "juror",
        "email": "another.juror@example.org",
        "contest": "{contest}",
    },
    ("POST", "/api/v1/late-codes/"): {"contest": "{contest}"},
    ("POST", "/api/v1/organisation-conflicts/"): {
        "juror": "{juror}",
        "organisation": "{other_organisation}",
        "note": "Родичка працює там",
    },
    ("POST", "/api/v1/review-rounds/"): {"contest": "{contest}", "title": "Тур 2"},
    ("POST", "/api/v1/tokens/"): {"name": "Новий токен"},
    ("POST", "/api/v1/depository-cases/"): {"application": "{consent_application}"},
    ("POST", "/api/v1/depository-cases/select-winners/"): {"contest": "{grant_contest}"},
}
for _part in _PARTS:
    BODIES.update(getattr(_part, "BODIES", {}))
