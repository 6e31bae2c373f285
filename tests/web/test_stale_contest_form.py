"""The contest's edit page sends the version it loaded: a colleague's save since is not overwritten;
the page names what changed, who and when, and keeps the input (issue 18, point 1)."""

import pytest
from django.urls import reverse

from contests import services
from tests.factories import UserFactory, grant
from tests.web.test_organise import contest_data

pytestmark = pytest.mark.django_db


def test_a_stale_contest_form_overwrites_nothing_and_keeps_the_input(web, organiser, draft_contest):
    colleague = UserFactory(full_name="Колега Організаторка")
    grant(draft_contest, colleague)
    url = reverse("contests:edit", args=[draft_contest.pk])
    loaded = draft_contest.version
    assert f'name="version" value="{loaded}"' in web(organiser).get(url).content.decode()
    r = web(colleague).post(url, contest_data(title="Назва колеги", version=loaded))
    assert r.status_code == 302
    r = web(organiser).post(url, contest_data(title="Моя назва", version=loaded))
    assert r.status_code == 200
    body = r.content.decode()
    assert "Someone saved this contest after you opened this page (Колега Організаторка" in body
    assert "Title" in body and 'value="Моя назва"' in body
    draft_contest.refresh_from_db()
    assert draft_contest.title == "Назва колеги"
    assert f'name="version" value="{draft_contest.version}"' in body
    # Saved again from the page that carries the current version: deliberate, so it saves.
    r = web(organiser).post(url, contest_data(title="Моя назва", version=draft_contest.version))
    assert r.status_code == 302
    draft_contest.refresh_from_db()
    assert draft_contest.title == "Моя назва"
    # Without a version (an older page): as before.
    services.update_contest(draft_contest, title="Ще інша")
    assert web(organiser).post(url, contest_data(title="Без версії")).status_code == 302
