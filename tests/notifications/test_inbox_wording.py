"""The inbox shows a contest's own wording, like the e-mail does."""

from django.db import transaction

from notifications.services import notify, save_template_override
from tests.factories import UserFactory


def test_inbox_uses_the_scope_override(api, db, django_capture_on_commit_callbacks):
    user = UserFactory(language="en")
    save_template_override(
        scope="contest:7",
        event="contests.published",
        language="en",
        subject="Our own words about {{ contest }}",
        body_text="Apply by {{ deadline }}.",
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify(
            "contests.published",
            [user],
            {"contest": "Demo", "deadline": "01.01.2030", "link": "http://x"},
            dedupe_key="k",
            scope="contest:7",
        )
    item = api(user).get("/api/v1/notifications/").json()["results"][0]
    assert item["subject"] == "Our own words about Demo"
    assert item["text"].strip() == "Apply by 01.01.2030."
