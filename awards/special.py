"""Writes of the special awards: defining them (organisers, before the announcement) and choosing
who receives them (the jury chair or an organiser, with a reason, within the award's places).

The places hold at the database: `SpecialAward.chosen` counts the choices under a check
constraint (chosen <= places), and a choice locks its award row first, so of two racing choices
for the last place one wins and the other is refused (409), never a 500.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from applications.models import Application
from awards.models import CHOOSING_STATES, SpecialAward, SpecialAwardChoice
from contests.models import Contest
from core.exceptions import TransitionRefused

# Contest states in which special awards may still be defined, changed or removed.
CLOSED_FOR_DEFINING = (Contest.State.ANNOUNCED, Contest.State.ARCHIVED, Contest.State.CANCELLED)
# Applications that may receive a special award: screened in, or with the jury.
CHOOSABLE_STATES = (Application.State.ELIGIBLE, Application.State.UNDER_REVIEW)


def define_problems(contest: Contest) -> list[str]:
    if contest.state in CLOSED_FOR_DEFINING:
        return [_("Special awards can be defined only before the results are announced.")]
    return []


def choose_problems(contest: Contest) -> list[str]:
    if contest.state not in CHOOSING_STATES:
        return [_("Special awards are given after the review has started and before the announcement.")]
    return []


def _check_title(contest: Contest, title: str, exclude: int | None = None) -> None:
    # Compared in Python: SQLite folds only ASCII case, and titles are Ukrainian.
    others = SpecialAward.objects.filter(contest=contest).exclude(pk=exclude).values_list("title", flat=True)
    if title.strip().casefold() in {other.casefold() for other in others}:
        raise ValidationError({"title": [_("This contest already has a special award with this title.")]})


def create_award(contest: Contest, *, title: str, description: str = "", places: int = 1) -> SpecialAward:
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest.pk)
        if problems := define_problems(contest):
            raise TransitionRefused(problems)
        _check_title(contest, title)
        award = SpecialAward(
            contest=contest, title=title.strip(), description=description.strip(), places=places
        )
        award.full_clean()
        award.save()
    return award


def update_award(award: SpecialAward, **fields: Any) -> SpecialAward:
    with transaction.atomic():
        award = SpecialAward.objects.select_for_update().select_related("contest").get(pk=award.pk)
        if problems := define_problems(award.contest):
            raise TransitionRefused(problems)
        if "title" in fields:
            _check_title(award.contest, fields["title"], exclude=award.pk)
        for name, value in fields.items():
            setattr(award, name, value.strip() if isinstance(value, str) else value)
        if award.places < award.chosen:
            raise ValidationError(
                {
                    "places": [
                        _("%(count)s applications already received this award; remove some choices first.")
                        % {"count": award.chosen}
                    ]
                }
            )
        award.full_clean()
        award.save()
    return award


def delete_award(award: SpecialAward) -> None:
    with transaction.atomic():
        award = SpecialAward.objects.select_for_update().select_related("contest").get(pk=award.pk)
        if problems := define_problems(award.contest):
            raise TransitionRefused(problems)
        award.delete()


def choose(award: SpecialAward, application: Application, *, by: User, reason: str) -> SpecialAwardChoice:
    """Give the award to `application`, with the reason the results will show."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Write the reason for this award.")]})
    try:
        with transaction.atomic():
            award = SpecialAward.objects.select_for_update().select_related("contest").get(pk=award.pk)
            if problems := choose_problems(award.contest):
                raise TransitionRefused(problems)
            application = Application.objects.filter(pk=application.pk).first()
            if application is None or application.contest_id != award.contest_id:
                raise ValidationError({"application": [_("Choose an application of this contest.")]})
            if application.state not in CHOOSABLE_STATES:
                raise ValidationError(
                    {
                        "application": [
                            _("Only eligible applications or applications under review can be chosen.")
                        ]
                    }
                )
            if award.choices.filter(application=application).exists():
                raise TransitionRefused([_("This application already received this award.")])
            if award.chosen >= award.places:
                raise TransitionRefused(
                    [
                        _("The award “%(award)s” may go to %(count)s applications, and every place is taken.")
                        % {"award": award.title, "count": award.places}
                    ]
                )
            choice = SpecialAwardChoice.objects.create(
                award=award, application=application, reason=reason.strip(), chosen_by=by
            )
            SpecialAward.objects.filter(pk=award.pk).update(chosen=F("chosen") + 1)
    except IntegrityError as error:
        # Only a race gets here (the row lock is a no-op on SQLite): the database refused.
        raise TransitionRefused([_("Someone else chose at the same time; reload and try again.")]) from error
    return choice


def unchoose(award: SpecialAward, application_id: int) -> None:
    with transaction.atomic():
        award = SpecialAward.objects.select_for_update().select_related("contest").get(pk=award.pk)
        if problems := choose_problems(award.contest):
            raise TransitionRefused(problems)
        deleted, _rows = award.choices.filter(application_id=application_id).delete()
        if not deleted:
            raise ValidationError({"application": [_("This application has not received this award.")]})
        SpecialAward.objects.filter(pk=award.pk).update(chosen=F("chosen") - 1)
