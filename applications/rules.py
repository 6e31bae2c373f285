"""Who may do what with an application."""

import rules

from accounts.rules import is_organisation_member
from applications.models import Application
from contests.rules import is_organiser


def _caller_role(user, application: Application, role: str, ask) -> bool:
    """The caller's role on the application, asked once per loaded object: from the annotations
    of the scoped load (selectors.with_caller_roles) when it was made for this user, else by a
    query remembered on the object, so a request checking several steps asks the database once."""
    if (
        user.pk is not None
        and getattr(application, "caller_pk", None) == user.pk
        and hasattr(application, role)
    ):
        return bool(getattr(application, role))
    known = application.__dict__.setdefault("_caller_roles", {})
    key = (user.pk, role)
    if key not in known:
        known[key] = bool(ask())
    return known[key]


@rules.predicate
def is_applicant(user, application: Application | None) -> bool:
    return application is not None and _caller_role(
        user,
        application,
        "caller_is_member",
        lambda: is_organisation_member(user, application.organisation),
    )


@rules.predicate
def organises_its_contest(user, application: Application | None) -> bool:
    return application is not None and _caller_role(
        user, application, "caller_organises", lambda: is_organiser(user, application.contest)
    )


@rules.predicate
def is_editable(user, application: Application | None) -> bool:
    return application is not None and application.is_editable


@rules.predicate
def was_submitted(user, application: Application | None) -> bool:
    return application is not None and application.submitted_at is not None


rules.add_perm("applications.view_application", is_applicant | organises_its_contest | rules.is_staff)
# Drafts stay the applicant's until submitted (issue 16): organisers and staff see that a draft
# exists (organisation, nomination, last saved), never its answers or files. Once submitted, a
# return for correction leaves them readable: the organiser asked for the correction.
rules.add_perm(
    "applications.view_answers", is_applicant | ((organises_its_contest | rules.is_staff) & was_submitted)
)
rules.add_perm("applications.change_application", is_applicant & is_editable)
rules.add_perm("applications.submit_application", is_applicant)
rules.add_perm("applications.withdraw_application", is_applicant)
rules.add_perm("applications.screen_application", organises_its_contest)
