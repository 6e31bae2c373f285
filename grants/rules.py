"""Who may do what with grants. Grant officers are a per-contest role; the grantee is any member
of the winning organisation. Organisers who are not grant officers have no say over money."""

import rules

from contests.rules import is_grant_officer
from grants.models import Disbursement, Grant, GrantReport, PlanActivity, ProjectCard


def _grant_of(obj) -> Grant | None:
    if isinstance(obj, Grant):
        return obj
    if isinstance(obj, Disbursement | GrantReport | PlanActivity | ProjectCard):
        return obj.grant
    return None


def _annotated(user, obj, name: str) -> bool | None:
    """What the selectors (grants.selectors.*_visible_to) computed for this caller, if anything:
    lists and serializers then ask no query per row."""
    if getattr(obj, "caller_pk", None) == getattr(user, "pk", object()):
        return bool(getattr(obj, name))
    return None


@rules.predicate
def officer_of_grant(user, obj) -> bool:
    known = _annotated(user, obj, "caller_is_officer")
    if known is not None:
        return known
    grant = _grant_of(obj)
    return grant is not None and is_grant_officer(user, grant.contest)


@rules.predicate
def member_of_grantee(user, obj) -> bool:
    known = _annotated(user, obj, "caller_is_grantee")
    if known is not None:
        return known
    grant = _grant_of(obj)
    if grant is None or not user.is_authenticated:
        return False
    return grant.application.organisation.memberships.filter(user=user).exists()


# On a contest.
rules.add_perm("grants.offer_grant", is_grant_officer)
rules.add_perm("grants.manage_indicators", is_grant_officer)
rules.add_perm("grants.view_budget", is_grant_officer)
# On a grant, a tranche or a report.
rules.add_perm("grants.view_grant", officer_of_grant | member_of_grantee)
rules.add_perm("grants.view_bank_details", officer_of_grant | member_of_grantee)
rules.add_perm("grants.change_grant", officer_of_grant)
# Separated duties: who pays never chooses where the money goes (issue 16). Changed details are
# confirmed by a grant officer who is not of the grantee (grants.services, the one who pays next
# must be another officer).
rules.add_perm("grants.change_bank_details", member_of_grantee)
rules.add_perm("grants.confirm_bank_details", officer_of_grant & ~member_of_grantee)
rules.add_perm("grants.sign_agreement", officer_of_grant)
rules.add_perm("grants.activate_grant", officer_of_grant)
rules.add_perm("grants.complete_grant", officer_of_grant)
rules.add_perm("grants.terminate_grant", officer_of_grant)
rules.add_perm("grants.manage_tranches", officer_of_grant)
rules.add_perm("grants.approve_tranche", officer_of_grant)
rules.add_perm("grants.pay_tranche", officer_of_grant)
rules.add_perm("grants.cancel_tranche", officer_of_grant)
rules.add_perm("grants.write_report", member_of_grantee)
rules.add_perm("grants.submit_report", member_of_grantee)
rules.add_perm("grants.review_report", officer_of_grant)


@rules.predicate
def grant_runs(user, obj) -> bool:
    grant = _grant_of(obj)
    return grant is not None and grant.state in Grant.LIVE_STATES


# The project card and the work plan (on a grant, a card or an activity): the grantee's members
# and the grant officers keep them while the grant runs (offered, signed or active).
rules.add_perm("grants.edit_work_plan", (officer_of_grant | member_of_grantee) & grant_runs)
