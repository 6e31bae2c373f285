from django import template
from django.db.models import Q

from accounts.models import User
from contests.models import ContestRole

register = template.Library()


@register.filter
def sees_grants(user) -> bool:
    """Whether the main navigation shows "Grants": to grant officers and to members of an
    organisation with a grant. One query, whatever the number of roles and organisations."""
    if not user.is_authenticated:
        return False
    officer = Q(contest_roles__role=ContestRole.Role.GRANT_OFFICER)
    grantee = Q(memberships__organisation__applications__grant__isnull=False)
    return User.objects.filter(Q(pk=user.pk) & (officer | grantee)).exists()


@register.filter
def manages_grants_of(user, contest) -> bool:
    """Whether the contest's manage page links its grants dashboard (only its grant officers see it)."""
    return user.is_authenticated and user.has_perm("grants.offer_grant", contest)
