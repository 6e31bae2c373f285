"""Who may do what with grants. Grant officers are a per-contest role; the grantee is any member
of the winning organisation. Organisers who are not grant officers have no say over money."""

import rules

from contests.rules import is_grant_officer
from grants.models import Disbursement, Grant, GrantReport


def _grant_of(obj) -> Grant | None:
    if isinstance(obj, Grant):
        return obj
    if isinstance(obj, Disbursement | GrantReport):
        return obj.grant
    return None


@rules.predicate
def officer_of_grant(user, obj) -> bool:
    grant = _grant_of(obj)
    return grant is not None and is_grant_officer(user, grant.contest)


@rules.predicate
def member_of_grantee(user, obj) -> bool:
    grant = _grant_of(obj)
    if grant is None or not user.is_authenticated:
        return False
    # The selector annotates this so lists do not ask per row.
    known = getattr(grant, "caller_is_grantee", None)
    if known is not None:
        return bool(known)
    return grant.application.organisation.memberships.filter(user=user).exists()


# On a contest.
rules.add_perm("grants.offer_grant", is_grant_officer)
rules.add_perm("grants.manage_indicators", is_grant_officer)
rules.add_perm("grants.view_budget", is_grant_officer)
# On a grant, a tranche or a report.
rules.add_perm("grants.view_grant", officer_of_grant | member_of_grantee)
rules.add_perm("grants.view_bank_details", officer_of_grant | member_of_grantee)
rules.add_perm("grants.change_grant", officer_of_grant)
rules.add_perm("grants.change_bank_details", officer_of_grant | member_of_grantee)
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
