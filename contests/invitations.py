"""What an invitation to a contest means, registered with the accounts' invitations (accounts
never imports contests): how the inviter's contest is found, and what accepting an invitation
to be its grant officer does. A juror's seat is the review app's (review.imports)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Invitation, User
from accounts.services import invitation_target, on_accepting
from contests.models import Contest, ContestRole
from contests.selectors import contests_visible_to
from contests.services import grant_role


@invitation_target("contest")
def contest_for_inviting(user: User, pk: int) -> Contest | None:
    """A contest the inviter can see (the rules then ask whether they organise it)."""
    return contests_visible_to(user).filter(pk=pk).first()


@on_accepting(Invitation.Purpose.GRANT_OFFICER)
def seat_grant_officer(invitation: Invitation, user: User) -> None:
    contest = Contest.objects.filter(pk=invitation.payload.get("contest")).first()
    if contest is None:
        raise ValidationError(_("The contest of this invitation no longer exists."))
    grant_role(contest, user=user, role=ContestRole.Role.GRANT_OFFICER, by=invitation.invited_by)
