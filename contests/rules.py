"""Who may do what with a contest. Roles are per contest (ContestRole)."""

import rules

from contests.models import Contest, ContestRole


def _has_role(user, contest, role: str) -> bool:
    if contest is None or not user.is_authenticated:
        return False
    # Use prefetched roles when a selector loaded them, so lists stay at a flat query count.
    cache = getattr(contest, "_prefetched_objects_cache", {})
    if "roles" in cache:
        return any(r.user_id == user.pk and r.role == role for r in cache["roles"])
    return contest.roles.filter(user=user, role=role).exists()


@rules.predicate
def is_organiser(user, contest) -> bool:
    return _has_role(user, contest, ContestRole.Role.ORGANISER)


@rules.predicate
def is_juror(user, contest) -> bool:
    return _has_role(user, contest, ContestRole.Role.JUROR)


@rules.predicate
def is_grant_officer(user, contest) -> bool:
    return _has_role(user, contest, ContestRole.Role.GRANT_OFFICER)


@rules.predicate
def is_public(user, contest) -> bool:
    return contest is not None and contest.state in Contest.PUBLIC_STATES


@rules.predicate
def organises_any_contest(user) -> bool:
    return (
        user.is_authenticated
        and ContestRole.objects.filter(user=user, role=ContestRole.Role.ORGANISER).exists()
    )


@rules.predicate
def may_add_contests(user) -> bool:
    """`contests.add_contest` by any backend: these rules or the "Organisers" group."""
    return user.has_perm("contests.add_contest")


@rules.predicate
def organises_its_contests(user, classifier) -> bool:
    """The user organises every contest the classifier is attached to (true when none is)."""
    if classifier is None or not user.is_authenticated:
        return False
    return not classifier.contests.exclude(roles__user=user, roles__role=ContestRole.Role.ORGANISER).exists()


# Creating a contest: staff, people who already organise one, or those given the model
# permission (through the "Organisers" group, checked by ModelBackend).
rules.add_perm("contests.add_contest", rules.is_staff | organises_any_contest)
rules.add_perm(
    "contests.view_contest", is_public | is_organiser | is_juror | is_grant_officer | rules.is_staff
)
rules.add_perm("contests.change_contest", is_organiser)
rules.add_perm("contests.manage_roles", is_organiser)
# The grant budget stays open after the announcement (grants are offered then), to both roles.
rules.add_perm("contests.change_grant_budget", is_organiser | is_grant_officer)
# Classifiers are shared by every contest: whoever may create contests may build them.
# A classifier some contests use is changed only by people who organise every one of them.
rules.add_perm("contests.add_classifier", may_add_contests)
rules.add_perm("contests.change_classifier", may_add_contests & (rules.is_staff | organises_its_contests))
rules.add_perm("contests.delete_classifier", may_add_contests & (rules.is_staff | organises_its_contests))
# Starting next year's contest from this one: a new contest, with this one's people and wording.
rules.add_perm("contests.clone_contest", is_organiser & may_add_contests)
for _transition in ("publish", "close", "start_review", "decide", "announce", "archive", "cancel"):
    rules.add_perm(f"contests.{_transition}_contest", is_organiser)
