"""An organisations' import knows a kind by its stored code or its label in any language, whichever
language is active and whether or not the catalogues are compiled (a fresh clone before
`make messages` has only the .po files)."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from accounts import imports
from accounts.models import Organisation
from tests.imports.conftest import org_row
from tests.imports.test_organisations import preview

pytestmark = pytest.mark.django_db

KINDS = ["public_library", "Публічна бібліотека", "Public library", "Публичная библиотека", "PUBLIC LIBRARY"]


def kinds_of(values: list[str]) -> list[str]:
    results = preview([org_row(n + 1, **{"Тип": value}) for n, value in enumerate(values)])
    assert all(r.ok for r in results), [r.errors for r in results]
    return [r.clean["kind"] for r in results]


@pytest.mark.parametrize("language", ["uk", "en", "ru", None])
def test_every_label_whatever_the_active_language(language):
    with translation.override(language):
        assert kinds_of(KINDS) == [Organisation.Kind.PUBLIC_LIBRARY] * len(KINDS)


@pytest.fixture
def uncompiled(tmp_path, settings):
    """The project's catalogues as .po files only, as in a fresh clone."""
    for po in Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po"):
        target = tmp_path / po.relative_to(settings.LOCALE_PATHS[0])
        target.parent.mkdir(parents=True)
        shutil.copy(po, target)
    settings.LOCALE_PATHS = [tmp_path]  # the setting_changed signal drops the loaded catalogues
    yield tmp_path
    imports.uncompiled_labels.cache_clear()


def test_labels_without_compiled_catalogues(uncompiled):
    with translation.override("uk"):
        assert translation.gettext("Public library") == "Public library"  # gettext cannot see it
        assert kinds_of(KINDS) == [Organisation.Kind.PUBLIC_LIBRARY] * len(KINDS)


def test_an_unknown_kind_is_still_refused_without_catalogues(uncompiled):
    results = preview([org_row(1, **{"Тип": "Бібліотека на Марсі"})])
    assert any("Unknown kind" in error for error in results[0].errors["kind"])


def test_compiled_catalogues_are_not_read_again():
    if not list(Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.mo")):
        pytest.skip("catalogues not compiled (make messages)")
    imports.uncompiled_labels.cache_clear()
    assert imports.uncompiled_labels("uk", tuple(str(p) for p in settings.LOCALE_PATHS)) == {}
