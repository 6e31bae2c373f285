"""Who may do what with events and invitations (congress.models says who organises an event)."""

import rules

from accounts.rules import is_organisation_member
from congress.models import Event, Invitation
from contests.rules import is_organiser


@rules.predicate
def organises_event(user, event: Event | None) -> bool:
    if event is None or not user.is_authenticated:
        return False
    # Prefetched organisers (selectors.events_managed_by) keep lists at a flat query count.
    cache = getattr(event, "_prefetched_objects_cache", {})
    if "organisers" in cache:
        if any(o.user_id == user.pk for o in cache["organisers"]):
            return True
    elif event.organisers.filter(user=user).exists():
        return True
    return event.contest_id is not None and is_organiser(user, event.contest)


@rules.predicate
def organises_its_event(user, invitation: Invitation | None) -> bool:
    return invitation is not None and organises_event(user, invitation.event)


@rules.predicate
def is_invited_library(user, invitation: Invitation | None) -> bool:
    if invitation is None or not user.is_authenticated:
        return False
    organisation = invitation.organisation
    cache = getattr(organisation, "_prefetched_objects_cache", {})
    if "memberships" in cache:
        return any(m.user_id == user.pk for m in cache["memberships"])
    return is_organisation_member(user, organisation)


@rules.predicate
def may_add_events(user) -> bool:
    return user.is_authenticated and user.has_perm("contests.add_contest")


rules.add_perm("congress.add_event", may_add_events)
for _name in ("change_event", "delete_event", "publish_event", "unpublish_event", "finish_event"):
    rules.add_perm(f"congress.{_name}", organises_event)
rules.add_perm("congress.invite", organises_event)
rules.add_perm("congress.change_invitation", organises_its_event)
rules.add_perm("congress.withdraw_invitation", organises_its_event)
rules.add_perm("congress.answer_invitation", is_invited_library)
