from django.db.models import QuerySet

from accounts.models import Organisation, User


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    """Staff see all organisations; everyone else the ones they belong to."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_staff:
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__user=user)


def memberships_of(user: User):
    return user.memberships.select_related("organisation").order_by("organisation__name")
