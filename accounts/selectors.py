from django.db.models import QuerySet

from accounts.models import ORGANISERS_GROUP, Invitation, Organisation, User
from core import clock


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    """Staff see all organisations; everyone else the ones they belong to."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_staff:
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__user=user)


def memberships_of(user: User):
    return user.memberships.select_related("organisation").order_by("organisation__name")


def organisers() -> QuerySet[User]:
    """The members of the group Organisers (who may create contests), by name."""
    return User.objects.filter(groups__name=ORGANISERS_GROUP).order_by("full_name", "email")


def invitations_sent_by(user: User) -> QuerySet[Invitation]:
    """The invitations a person sent (staff: every one), newest first."""
    invitations = Invitation.objects.select_related("organisation").order_by("-created_at", "-pk")
    if user.is_staff:
        return invitations
    return invitations.filter(invited_by=user)


def pending_organiser_invitations() -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        purpose=Invitation.Purpose.ORGANISER, accepted_at__isnull=True, expires_at__gt=clock.now()
    ).order_by("-created_at")
