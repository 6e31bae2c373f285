"""Pages render in Ukrainian for a signed-in user, plural forms included."""

from django.db import transaction

from notifications.services import notify
from tests.factories import UserFactory


def test_unread_badge_uses_ukrainian_plural_forms(client, db, settings, django_capture_on_commit_callbacks):
    settings.LANGUAGE_CODE = "uk"
    user = UserFactory(language="uk")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for n in range(3):
            notify("contests.cancelled", [user], {"contest": "Демо", "link": "/"}, dedupe_key=f"k{n}")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert 'lang="uk"' in html
    assert "3 непрочитані" in html
