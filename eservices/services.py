"""Every write of the e-services catalogue. Web views and the API call these."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from core import clock
from eservices.models import EService, EServiceYear

FIELDS = ("name", "category", "help_given", "hours", "accessibility", "since", "published")


def create_service(organisation: Organisation, *, by: User | None, **data: Any) -> EService:
    service = EService(organisation=organisation, **{k: v for k, v in data.items() if k in FIELDS})
    service.full_clean()
    service.save()
    return service


def update_service(service: EService, **data: Any) -> EService:
    for name, value in data.items():
        if name in FIELDS:
            setattr(service, name, value)
    service.full_clean()
    service.save()
    return service


def delete_service(service: EService) -> None:
    """Its yearly figures go with it; cases that described it simply no longer link to it."""
    with transaction.atomic():
        service.delete()


def _check_year(year: int) -> None:
    if year > clock.now().year:
        raise ValidationError({"year": [_("The year cannot be in the future.")]})


def set_year(service: EService, *, year: int, people_helped: int) -> EServiceYear:
    """The number of people helped in `year`: added, or replacing the one given before."""
    _check_year(year)
    with transaction.atomic():
        EService.objects.select_for_update().filter(pk=service.pk).first()  # one writer per service
        figure, _created = EServiceYear.objects.update_or_create(
            service=service, year=year, defaults={"people_helped": people_helped}
        )
    return figure


def change_year(
    figure: EServiceYear, *, year: int | None = None, people_helped: int | None = None
) -> EServiceYear:
    with transaction.atomic():
        if year is not None and year != figure.year:
            _check_year(year)
            if EServiceYear.objects.filter(service_id=figure.service_id, year=year).exists():
                raise ValidationError({"year": [_("This service already has a figure for that year.")]})
            figure.year = year
        if people_helped is not None:
            figure.people_helped = people_helped
        figure.full_clean()
        figure.save()
    return figure


def delete_year(figure: EServiceYear) -> None:
    figure.delete()
