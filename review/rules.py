"""Who may do what in the jury. A conflicted juror has no live review of the application (the
database refuses one), so "has a live review and no conflict" is the whole test for seeing it."""

import rules

from contests.rules import is_organiser
from review.models import Conflict, Juror, OrganisationConflict, Review, Round


@rules.predicate
def organises_round(user, round_: Round | None) -> bool:
    return round_ is not None and is_organiser(user, round_.contest)


@rules.predicate
def organises_its_contest(user, review: Review | None) -> bool:
    return review is not None and is_organiser(user, review.round.contest)


@rules.predicate
def is_its_juror(user, review: Review | None) -> bool:
    return (
        review is not None
        and user.is_authenticated
        and review.juror.user_id == user.pk
        and review.state in Review.LIVE_STATES
        and not Conflict.objects.filter(
            juror_id=review.juror_id, application_id=review.application_id
        ).exists()
    )


@rules.predicate
def holds_its_seat(user, review: Review | None) -> bool:
    """The review is this juror's, whatever its state: declining is theirs to ask, and the
    state machine answers a review already declined (409), not the permission (403)."""
    return review is not None and user.is_authenticated and review.juror.user_id == user.pk


@rules.predicate
def is_writable(user, review: Review | None) -> bool:
    return review is not None and review.is_writable


rules.add_perm("review.view_review", is_its_juror | organises_its_contest)
rules.add_perm("review.score_review", is_its_juror & is_writable)
rules.add_perm("review.submit_review", is_its_juror)
rules.add_perm("review.decline_review", holds_its_seat)
rules.add_perm("review.reopen_review", organises_its_contest)
rules.add_perm("review.recuse_review", organises_its_contest)
rules.add_perm("review.manage_round", organises_round)
rules.add_perm("review.view_ranking", organises_round)


# --- conflicts of interest declared with an organisation ----------------------------------------


@rules.predicate
def is_this_juror(user, juror: Juror | None) -> bool:
    """The seat is the person's own: only they declare their conflicts."""
    return juror is not None and user.is_authenticated and juror.user_id == user.pk


@rules.predicate
def organises_declarations_contest(user, declaration: OrganisationConflict | None) -> bool:
    return declaration is not None and is_organiser(user, declaration.juror.contest)


@rules.predicate
def declared_it(user, declaration: OrganisationConflict | None) -> bool:
    return declaration is not None and user.is_authenticated and declaration.juror.user_id == user.pk


rules.add_perm("review.declare_organisation_conflict", is_this_juror)
rules.add_perm("review.view_organisation_conflict", declared_it | organises_declarations_contest)
rules.add_perm("review.decide_organisation_conflict", organises_declarations_contest)
