"""Who may do what with an application."""

import rules

from accounts.rules import is_organisation_member
from applications.models import Application
from contests.rules import is_organiser


@rules.predicate
def is_applicant(user, application: Application | None) -> bool:
    return application is not None and is_organisation_member(user, application.organisation)


@rules.predicate
def organises_its_contest(user, application: Application | None) -> bool:
    return application is not None and is_organiser(user, application.contest)


@rules.predicate
def is_editable(user, application: Application | None) -> bool:
    return application is not None and application.is_editable


rules.add_perm("applications.view_application", is_applicant | organises_its_contest | rules.is_staff)
rules.add_perm("applications.change_application", is_applicant & is_editable)
rules.add_perm("applications.submit_application", is_applicant)
rules.add_perm("applications.withdraw_application", is_applicant)
rules.add_perm("applications.screen_application", organises_its_contest)
