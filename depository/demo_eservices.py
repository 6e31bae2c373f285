"""Demo links between the depository's cases and the libraries' e-services (core.demo, after
eservices' seeder): each case without links gets up to two published services of its library.
A second run links nothing more."""

from django.db import transaction

from depository.models import Practice
from eservices.models import EService


def link_demo_cases() -> list[str]:
    linked: list[str] = []
    with transaction.atomic():
        cases = Practice.objects.filter(eservices=None).select_related("application").order_by("pk")
        for practice in cases:
            services = list(
                EService.objects.filter(
                    organisation_id=practice.application.organisation_id, published=True
                ).order_by("pk")[:2]
            )
            if services:
                practice.eservices.set(services)
                linked.append(f"case {practice.pk}: e-services {', '.join(s.name for s in services)}")
    return linked
