"""Who may do what with the e-services catalogue. Reading published services needs nothing.

An organisation's members keep its list (add, change, publish, delete, yearly figures); nobody
else changes it, staff included (they keep the classifier in the admin). Totals by region are
for organisers (whoever may create contests) and staff."""

import rules

from accounts.rules import is_organisation_member
from contests.rules import may_add_contests


@rules.predicate
def member_of_its_organisation(user, service) -> bool:
    return service is not None and is_organisation_member(user, service.organisation)


rules.add_perm("eservices.add_eservice", is_organisation_member)
rules.add_perm("eservices.change_eservice", member_of_its_organisation)
rules.add_perm("eservices.view_totals", may_add_contests)
