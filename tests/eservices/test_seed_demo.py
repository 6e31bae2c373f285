"""seed_demo gives each demo library two to four invented e-services with yearly figures, links
demo cases to some, and a second run creates nothing."""

import io

import pytest
from django.core.management import call_command

from contests.management import demo_data
from depository.models import Practice
from eservices.models import EService, EServiceYear

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path)


def test_demo_services_are_made_once():
    call_command("seed_demo", "--force", stdout=io.StringIO())
    emails = [f"{row[0]}@example.org" for row in demo_data.LIBRARIES]
    per_library = {email: EService.objects.filter(organisation__email=email).count() for email in emails}
    assert all(2 <= count <= 4 for count in per_library.values()), per_library
    assert EService.objects.filter(published=True).exists()
    assert EServiceYear.objects.count() >= EService.objects.count()
    assert Practice.objects.exclude(eservices=None).exists()
    counts = (EService.objects.count(), EServiceYear.objects.count())
    links = Practice.eservices.through.objects.count()
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert (EService.objects.count(), EServiceYear.objects.count()) == counts
    assert Practice.eservices.through.objects.count() == links
