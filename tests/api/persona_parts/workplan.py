"""The project card and work plan of a grant (grants.rules edit_work_plan: the grantee's members
and the grant officers, while the grant runs; everyone else 404, as for the grant itself)."""

from datetime import date

from grants.models import Grant
from grants.services import work_plan
from tests.grants.conftest import pdf

ALLOWED_TEXT = """
# grants.rules: card and plan = grant officer | member of the grantee (X's grant: app, off).
GET /api/v1/grant-cards/{id}/: app off
PATCH /api/v1/grant-cards/{id}/: app off
GET /api/v1/grant-cards/{id}/annual-indicators/: app off
GET /api/v1/grant-cards/{id}/work-plan-xlsx/: app off
GET /api/v1/plan-activities/: signed_in
POST /api/v1/plan-activities/: app off
GET /api/v1/plan-activities/{id}/: app off
PATCH /api/v1/plan-activities/{id}/: app off
DELETE /api/v1/plan-activities/{id}/: app off
POST /api/v1/plan-activities/{id}/cancel/: app off
POST /api/v1/plan-activities/{id}/complete/: app off
GET /api/v1/plan-activities/{id}/evidence/: app off
GET /api/v1/plan-activities/{id}/history/: app off
POST /api/v1/plan-activities/{id}/start/: app off
"""

RESOURCE_OF_ID = {"grant-cards": "grant", "plan-activities": "plan_activity"}
LIST_SCOPE = {"/api/v1/plan-activities/": {"plan_activity": "app off", "other_plan_activity": "ogr off"}}
BODIES = {
    ("POST", "/api/v1/plan-activities/"): {
        "grant": "{grant}",
        "title": "Майстерня",
        "responsible": "Бібліотекарка",
        "start_month": "2025-03-01",
        "end_month": "2025-04-01",
        "deadline": "2025-04-30",
    }
}


def build(people: dict, ids: dict) -> None:
    applicant, officer = people["applicant"], people["grant_officer"]
    grant = Grant.objects.get(pk=ids["grant"])
    work_plan.save_card(grant, by=applicant, organiser="Бібліотека Ікс", manager_name="Керівниця Проєкту")
    activity = work_plan.add_activity(
        grant,
        by=applicant,
        title="Закупівля ноутбуків",
        responsible="Завідувачка",
        start_month=date(2025, 2, 1),
        end_month=date(2025, 3, 1),
        deadline=date(2025, 3, 31),
    )
    # Done with a file: its evidence downloads; the steps answer 409, the edits 400 (let in).
    work_plan.complete_activity(activity, by=applicant, note="Закуплено", evidence=pdf("akt.pdf"))
    other = Grant.objects.get(pk=ids["other_grant"])
    other_activity = work_plan.add_activity(
        other,
        by=officer,
        title="Інша діяльність",
        responsible="Хтось",
        start_month=date(2025, 2, 1),
        end_month=date(2025, 2, 1),
        deadline=date(2025, 2, 28),
    )
    ids["plan_activity"] = activity.pk
    ids["other_plan_activity"] = other_activity.pk


def build_fuzz(world) -> None:
    """The fuzzer's applicant is a member of a grantee with a card and a plan; its organiser is
    the contest's grant officer."""
    from contests.models import ContestRole
    from tests.factories import grant as give_role
    from tests.grants.conftest import World as GrantsWorld

    grants_world = GrantsWorld()
    running = grants_world.active()
    grants_world.application.organisation.memberships.create(user=world.applicant)
    give_role(grants_world.contest, world.organiser, ContestRole.Role.GRANT_OFFICER)
    work_plan.save_card(running, by=world.applicant, organiser="Бібліотека Фазер")
    work_plan.add_activity(
        running,
        by=world.applicant,
        title="Діяльність Фазер",
        responsible="Хтось",
        start_month=date(2025, 2, 1),
        end_month=date(2025, 3, 1),
        deadline=date(2025, 3, 31),
    )
