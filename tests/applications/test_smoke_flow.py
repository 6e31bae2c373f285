"""The applicant's path through the services, end to end (details are tested elsewhere)."""

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services
from applications.models import Application
from contests.models import FormField
from tests.factories import FormFieldFactory


def test_draft_answers_file_submit_receipt(published_contest, applicant, django_capture_on_commit_callbacks):
    organisation = applicant.organisations.get()
    contest = published_contest
    nomination = contest.nominations.get()
    question = contest.form_fields.get()
    FormFieldFactory(contest=contest, key="plan", field_type=FormField.Type.FILE, required=False)
    app = services.start_application(
        organisation=organisation, contest=contest, nomination=nomination, title="Е-черга", by=applicant
    )
    services.save_answers(app, answers={question.key: "Відповідь"}, by=applicant)
    services.add_attachment(
        app,
        field_key="plan",
        upload=SimpleUploadedFile("../../etc/plan\x01.pdf", b"%PDF-1.4 demo"),
        by=applicant,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(app, by=applicant)
    app.refresh_from_db()
    assert app.state == Application.State.SUBMITTED
    assert app.number.startswith(f"K{contest.pk}-")
    revision = app.revisions.get()
    assert revision.answers == {question.key: "Відповідь"}
    assert revision.attachments[0]["name"] == "plan_.pdf"
    assert len(revision.checksum) == 64
    assert any(app.number in m.subject for m in mail.outbox)
