"""Who manages webhooks: an organisation's administrators (for the organisation), a contest's
organisers (for the contest). The secret signs what the owner may see, so nobody else, staff
included, reads or changes an endpoint."""

import rules

from accounts.rules import is_organisation_admin
from contests.rules import is_organiser


@rules.predicate
def manages_endpoint(user, endpoint) -> bool:
    if endpoint is None or not user.is_authenticated:
        return False
    if endpoint.organisation_id:
        return is_organisation_admin(user, endpoint.organisation)
    return is_organiser(user, endpoint.contest)


rules.add_perm("webhooks.manage_organisation_webhooks", is_organisation_admin)
rules.add_perm("webhooks.manage_contest_webhooks", is_organiser)
rules.add_perm("webhooks.manage_endpoint", manages_endpoint)
