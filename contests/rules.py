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


# Creating a contest: staff, people who already organise one, or those given the model
# permission (through the "Organisers" group, checked by ModelBackend).
rules.add_perm("contests.add_contest", rules.is_staff | organises_any_contest)
rules.add_perm(
    "contests.view_contest", is_public | is_organiser | is_juror | is_grant_officer | rules.is_staff
)
rules.add_perm("contests.change_contest", is_organiser)
rules.add_perm("contests.manage_roles", is_organiser)
# Starting next year's contest from this one: a new contest, with this one's people and wording.
rules.add_perm("contests.clone_contest", is_organiser & may_add_contests)
for _transition in ("publish", "close", "start_review", "decide", "announce", "archive", "cancel"):
    rules.add_perm(f"contests.{_transition}_contest", is_organiser)
