"""Who may do what in the depository. Reading published cases needs no permission."""

import rules

from applications.rules import is_applicant
from contests.rules import is_organiser


@rules.predicate
def organises_its_contest(user, practice) -> bool:
    return practice is not None and is_organiser(user, practice.contest)


# The applicant organisation's members decide on consent; organisers decide on publication.
rules.add_perm("depository.give_consent", is_applicant)
rules.add_perm("depository.manage_practices", is_organiser | rules.is_staff)
rules.add_perm("depository.change_practice", organises_its_contest | rules.is_staff)
