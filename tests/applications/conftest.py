"""Fixtures for applications: a published contest with a question of every type, drafts, files.

The form (keys are stable, tests may rely on them):

    short   short text, required, at most 40 characters
    long    long text, required
    number, date, single (місто/село), multi (діти/дорослі/літні), yesno, url, email — optional
    plan    file, required, PDF only, at most 1 MB
    photo   file, optional, JPEG or PNG, at most 1 MB
"""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Organisation
from applications import services
from applications.models import Application
from contests import services as contest_services
from contests.models import Contest, FormField
from tests.factories import FormFieldFactory, OrganisationFactory, UserFactory

T = FormField.Type

VALID_ANSWERS = {
    "short": "Електронна черга",
    "long": "Запис до читальної зали через сайт бібліотеки.",
    "number": "1607",
    "date": "2024-02-29",
    "single": "село",
    "multi": ["діти", "літні"],
    "yesno": "так",
    "url": "https://library.example.org/queue",
    "email": "info@library.example.org",
}
REQUIRED_ANSWERS = {"short": VALID_ANSWERS["short"], "long": VALID_ANSWERS["long"]}


def add_form(contest: Contest) -> None:
    """Replace the factory's question with one of every type (see the module's docstring)."""
    contest.form_fields.all().delete()
    spec = [
        ("short", T.SHORT_TEXT, {"required": True, "max_length": 40}),
        ("long", T.LONG_TEXT, {"required": True}),
        ("number", T.NUMBER, {}),
        ("date", T.DATE, {}),
        ("single", T.SINGLE_CHOICE, {"choices": ["місто", "село"]}),
        ("multi", T.MULTIPLE_CHOICE, {"choices": ["діти", "дорослі", "літні"]}),
        ("yesno", T.YES_NO, {}),
        ("url", T.URL, {}),
        ("email", T.EMAIL, {}),
        ("plan", T.FILE, {"required": True, "file_types": ["pdf"], "max_file_mb": 1}),
        ("photo", T.FILE, {"file_types": ["jpeg", "png"], "max_file_mb": 1}),
    ]
    for order, (key, kind, extra) in enumerate(spec):
        FormFieldFactory(
            contest=contest,
            key=key,
            label=f"Питання {key}",
            field_type=kind,
            order=order,
            **{"required": False, **extra},
        )


@pytest.fixture
def form_contest(draft_contest, organiser) -> Contest:
    """A published contest of `organiser`, open now and closing in 30 days, with the full form."""
    add_form(draft_contest)
    return contest_services.publish_contest(draft_contest, by=organiser)


@pytest.fixture
def organisation(applicant) -> Organisation:
    return applicant.organisations.get()


@pytest.fixture
def colleague(organisation):
    """Another member of the applicant's organisation."""
    user = UserFactory()
    organisation.memberships.create(user=user)
    return user


@pytest.fixture
def outsider(db):
    """A member of another organisation."""
    user = UserFactory()
    OrganisationFactory().memberships.create(user=user, is_admin=True)
    return user


@pytest.fixture
def application(form_contest, organisation, applicant) -> Application:
    """A draft of `applicant`'s organisation in `form_contest`, with no answers yet."""
    return services.start_application(
        organisation=organisation,
        contest=form_contest,
        nomination=form_contest.nominations.get(),
        title="Е-черга до читальної зали",
        by=applicant,
    )


@pytest.fixture
def ready_application(application, applicant) -> Application:
    """A draft with every required answer and the required PDF: it can be submitted."""
    services.save_answers(application, answers=REQUIRED_ANSWERS, by=applicant)
    services.add_attachment(application, field_key="plan", upload=pdf_upload(), by=applicant)
    application.refresh_from_db()
    return application


@pytest.fixture
def submitted_application(ready_application, applicant) -> Application:
    return services.submit_application(ready_application, by=applicant)


@pytest.fixture
def make_applications(form_contest, applicant):
    """make_applications(n) -> n more drafts in `form_contest`, each of a new organisation that
    `applicant` belongs to (so they show up both for the applicant and the organiser)."""

    def make(n: int) -> list[Application]:
        made = []
        nomination = form_contest.nominations.get()
        for _ in range(n):
            organisation = OrganisationFactory()
            organisation.memberships.create(user=applicant)
            made.append(
                services.start_application(
                    organisation=organisation,
                    contest=form_contest,
                    nomination=nomination,
                    title="Проєкт",
                    by=applicant,
                )
            )
        return made

    return make


# --- files ----------------------------------------------------------------------------------------


def pdf_upload(name: str = "plan.pdf", size: int = 0, body: bytes = b"demo") -> SimpleUploadedFile:
    content = b"%PDF-1.4\n" + body
    if size > len(content):
        content += b"0" * (size - len(content))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_upload(name: str = "photo.png", size: int = 0) -> SimpleUploadedFile:
    content = b"\x89PNG\r\n\x1a\n" + b"\x00" * max(16, size - 8)
    return SimpleUploadedFile(name, content, content_type="image/png")


def docx_upload(name: str = "plan.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue())
