"""The two baselines `make bench-load` serves beside the application (benchmarks/load_urls.py):
the bare write writes the row and nothing else; the floor write is really scoped and
authenticated, so saving answers is compared with a floor that does what a save must."""

import pytest
from rest_framework.test import APIClient

from accounts import tokens
from applications.models import Application
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.urls("benchmarks.load_urls")
ANSWERS = {"short": "Електронна черга"}


def test_the_bare_write_writes_the_row(application):
    answered = APIClient().patch(f"/bench/bare-write/{application.pk}/", {"answers": ANSWERS}, format="json")

    assert answered.status_code == 200 and answered.json() == {"id": application.pk, "written": 1}
    assert Application.objects.get(pk=application.pk).answers == ANSWERS


def test_the_floor_write_writes_only_the_callers_row(application, applicant):
    _token, key = tokens.issue(applicant, name="підлога", verified=True)
    stranger = UserFactory()
    MembershipFactory(user=stranger)  # a member of another library
    _token, strangers_key = tokens.issue(stranger, name="чужа", verified=True)
    path = f"/bench/floor-write/{application.pk}/"

    anonymous = APIClient().patch(path, {"answers": {"short": "ні"}}, format="json")
    refused = APIClient(HTTP_AUTHORIZATION=f"Bearer {strangers_key}").patch(
        path, {"answers": {"short": "ні"}}, format="json"
    )
    assert anonymous.status_code in (401, 403) and refused.status_code == 404
    assert Application.objects.get(pk=application.pk).answers == {}

    written = APIClient(HTTP_AUTHORIZATION=f"Bearer {key}").patch(path, {"answers": ANSWERS}, format="json")
    assert written.status_code == 200
    assert Application.objects.get(pk=application.pk).answers == ANSWERS
