"""Submitted applications for the screening and export tests, made through the services."""

from applications import services
from applications.models import Application
from contests.models import Contest
from tests.factories import OrganisationFactory, UserFactory


def submitted(
    contest: Contest, *, answers: dict | None = None, nomination=None, **organisation
) -> Application:
    """A submitted application of a new organisation (with one member) to a published contest."""
    user = UserFactory()
    org = OrganisationFactory(**organisation)
    org.memberships.create(user=user, is_admin=True)
    nomination = nomination or contest.nominations.order_by("pk").first()
    application = services.start_application(
        organisation=org, contest=contest, nomination=nomination, title=f"Проєкт {org.name}", by=user
    )
    if answers is None:
        answers = {q.key: "Відповідь про е-послуги" for q in contest.form_fields.filter(required=True)}
    services.save_answers(application, answers=answers, by=user)
    services.submit_application(application, by=user)
    application.refresh_from_db()
    return application


def draft(contest: Contest) -> Application:
    user = UserFactory()
    org = OrganisationFactory()
    org.memberships.create(user=user, is_admin=True)
    return services.start_application(
        organisation=org,
        contest=contest,
        nomination=contest.nominations.order_by("pk").first(),
        title="Чернетка",
        by=user,
    )
