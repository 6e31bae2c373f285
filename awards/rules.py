"""Who may do what with winners and diplomas. Roles are per contest."""

import rules

from awards.models import Decision, Diploma
from contests.models import Contest
from contests.rules import is_organiser
from review.models import Juror


@rules.predicate
def is_jury_chair(user, contest: Contest | None) -> bool:
    return (
        contest is not None
        and user.is_authenticated
        and Juror.objects.filter(contest=contest, user=user, chair=True).exists()
    )


@rules.predicate
def organises_decision(user, decision: Decision | None) -> bool:
    return decision is not None and is_organiser(user, decision.contest)


@rules.predicate
def chairs_decision(user, decision: Decision | None) -> bool:
    return decision is not None and is_jury_chair(user, decision.contest)


@rules.predicate
def organises_diploma(user, diploma: Diploma | None) -> bool:
    return diploma is not None and is_organiser(user, diploma.contest)


@rules.predicate
def member_of_winner(user, diploma: Diploma | None) -> bool:
    """The holder: the juror of a letter of thanks, else a member of the application's library."""
    if diploma is None or not user.is_authenticated:
        return False
    if diploma.juror_id is not None:
        return diploma.juror.user_id == user.pk
    return (
        diploma.application is not None
        and diploma.application.organisation.memberships.filter(user=user).exists()
    )


# On a contest.
rules.add_perm("awards.view_decisions", is_organiser | is_jury_chair)
rules.add_perm("awards.propose_winner", is_organiser)
rules.add_perm("awards.change_award_settings", is_organiser)
# On a decision. That the proposer may not approve their own is the transition's guard (a
# reason shown to them), not a hidden button.
rules.add_perm("awards.view_decision", organises_decision | chairs_decision)
rules.add_perm("awards.approve_decision", organises_decision | chairs_decision)
rules.add_perm("awards.withdraw_decision", organises_decision)
rules.add_perm("awards.change_decision", organises_decision)
# On a diploma.
rules.add_perm("awards.download_diploma", organises_diploma | member_of_winner)
# Special awards and documents beyond the winners' diplomas (on a contest).
rules.add_perm("awards.define_special_awards", is_organiser)
rules.add_perm("awards.choose_special_award", is_organiser | is_jury_chair)
rules.add_perm("awards.issue_documents", is_organiser)
