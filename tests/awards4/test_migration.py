"""The migration that generalised the diploma keeps the winners' diplomas and their codes: it
fills their new links from their decision."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from awards.models import Diploma
from tests.awards4.conftest import announce

pytestmark = pytest.mark.django_db


def test_existing_diplomas_get_their_links_and_keep_their_codes(finished):
    announce(finished)
    codes = dict(Diploma.objects.values_list("pk", "code"))
    assert codes and set(Diploma.objects.values_list("kind", flat=True)) == {"winner"}
    Diploma.objects.update(application=None)  # as before the migration: only the decision
    migration = importlib.import_module("awards.migrations.0003_special_awards_and_certificates")
    migration.fill_from_decisions(
        apps, SimpleNamespace(connection=connection, execute=connection.cursor().execute)
    )
    for diploma in Diploma.objects.select_related("decision"):
        assert diploma.application_id == diploma.decision.application_id
        assert diploma.contest_id == diploma.decision.contest_id
        assert diploma.code == codes[diploma.pk]
