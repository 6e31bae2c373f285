"""Every write of the depository: consent, selection, publication, presentation.

Web views and the API call these; none of them runs a transition or writes two rows itself.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from applications.models import Application
from contests.models import Contest
from core import clock
from core.exceptions import TransitionRefused
from depository.cases import snapshot
from depository.models import Consent, Practice, selection_problems
from depository.selectors import eservice_choices
from eservices.models import EService


def _consent_of(application: Application) -> Consent | None:
    return Consent.objects.filter(application=application).first()


def set_consent(application: Application, *, by: User, granted: bool) -> Consent:
    """Grant or withdraw the organisation's consent. Withdrawing it takes a published case of a
    non-winner off the depository at once (a winner's case is published under the regulations)."""
    with transaction.atomic():
        consent, _created = Consent.objects.select_for_update().get_or_create(application=application)
        consent.granted = granted
        consent.changed_by = by
        consent.changed_at = clock.now()
        consent.save()
        if not granted and application.state != Application.State.AWARDED:
            practice = Practice.objects.filter(
                application=application, state=Practice.State.PUBLISHED
            ).first()
            if practice is not None:
                practice.withdraw(by=by, description=_("The applicant withdrew consent to publication."))
                practice.save()
    return consent


def select_case(application: Application, *, by: User) -> Practice:
    """Put an application on the contest's list of cases, as a draft (not yet public)."""
    with transaction.atomic():
        existing = Practice.objects.filter(application=application).first()
        if existing is not None:
            return existing
        if problems := selection_problems(application, _consent_of(application)):
            raise TransitionRefused(problems)
        return Practice.objects.create(
            application=application,
            contest_id=application.contest_id,
            nomination_id=application.nomination_id,
            title=application.title,
            selected_by=by,
        )


def select_winners(contest: Contest, *, by: User) -> int:
    """Draft cases for every winner not selected yet; how many were added."""
    added = 0
    with transaction.atomic():
        winners = Application.objects.filter(contest=contest, state=Application.State.AWARDED, practice=None)
        for application in winners:
            select_case(application, by=by)
            added += 1
    return added


def remove_draft(practice: Practice, *, by: User) -> None:
    """Take an unpublished case off the list. A case once published stays, withdrawn, so its
    number is never given to another."""
    if practice.state != Practice.State.DRAFT:
        raise TransitionRefused([_("Only a case that was never published can be removed.")])
    practice.delete()


def publish(practice: Practice, *, by: User, note: str = "") -> Practice:
    """Publish (or publish again) with a fresh snapshot of the application."""
    with transaction.atomic():
        application = Application.objects.select_related("contest", "organisation").get(
            pk=practice.application_id
        )
        practice.application = application
        practice.publish(by=by, description=note or None)  # guards first: nothing copied if refused
        for name, value in snapshot(application).items():
            setattr(practice, name, value)
        practice.save()
        practice.categories.set(application.categories.all())
    return practice


def withdraw(practice: Practice, *, by: User, note: str = "") -> Practice:
    with transaction.atomic():
        practice.withdraw(by=by, description=note or None)
        practice.save()
    return practice


def set_eservices(practice: Practice, eservices: list[EService], *, by: User) -> Practice:
    """Link the case to e-services of its organisation (replacing the links given before)."""
    allowed = set(eservice_choices(practice).values_list("pk", flat=True))
    if foreign := [service.pk for service in eservices if service.pk not in allowed]:
        raise ValidationError(
            {
                "eservices": [
                    _("Only e-services of the case's organisation can be linked: %(ids)s.")
                    % {"ids": ", ".join(map(str, foreign))}
                ]
            }
        )
    with transaction.atomic():
        practice.eservices.set(eservices)
    return practice


def mark_presentation(practice: Practice, *, by: User, selected: bool, note: str = "") -> Practice:
    """Select a case (or not) for presentation at a conference; the note says where or when."""
    practice.presentation = selected
    practice.presentation_note = note.strip() if selected else ""
    practice.save(update_fields=["presentation", "presentation_note", "updated_at"])
    return practice
