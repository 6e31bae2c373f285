"""Issue 14, point 2: a client generated from the schema works.

The schema served by a live server is fed to openapi-python-client (a maintained generator, pinned
in requirements.lock); the generated package is imported and drives one applicant's journey over
HTTP: a token, an organisation, an application to an open contest, answers, a file, submission
and its status. Nothing here talks to the server except the generated code, so an operation whose
schema does not match what the server does breaks the journey the way it would break a client.
"""

import importlib
import io
import json
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from django.utils import timezone

from accounts.regions import Region
from contests import services
from contests.models import FormField
from tests.factories import PASSWORD, FormFieldFactory, UserFactory, grant, ready_contest

pytestmark = pytest.mark.django_db(transaction=True)

PACKAGE = "konkurs_client"
# No formatter run on the generated code (the default runs ruff): speed, and no PATH lookups.
CONFIG = "post_hooks: []\n"


def generator() -> list[str]:
    """The generator's command, from the same environment as the tests."""
    return [str(Path(sys.executable).parent / "openapi-python-client")]


def one_media_type(schema: dict) -> dict:
    """Each request body offered in its first media type only (JSON, or multipart for uploads).

    The API accepts JSON, form and multipart bodies alike and the schema says so, but
    openapi-python-client 0.29 writes code that cannot be imported for a required body offered
    in several media types (`| Unset` without importing it: upstream issue 1451, fix pending).
    Clients pick one media type anyway; this is what a client author would feed the generator.
    """
    for item in schema["paths"].values():
        for operation in item.values():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if body and len(body["content"]) > 1:
                first = next(iter(body["content"]))
                body["content"] = {first: body["content"][first]}
    return schema


@pytest.fixture(scope="module")
def generated(live_server, tmp_path_factory, django_db_blocker) -> Iterator[ModuleType]:
    """The client package generated from the live server's schema, importable as `konkurs_client`
    (once for the module: generating takes seconds)."""
    tmp_path = tmp_path_factory.mktemp("client")
    with django_db_blocker.unblock():  # the live server reads the site's settings
        schema = httpx.get(
            f"{live_server.url}/api/schema/?format=json", headers={"Accept-Language": "en"}, timeout=120
        )
    assert schema.status_code == 200, schema.text[:500]
    (tmp_path / "schema.json").write_text(json.dumps(one_media_type(schema.json())))
    (tmp_path / "config.yml").write_text(CONFIG + f"package_name_override: {PACKAGE}\n")
    done = subprocess.run(
        [
            *generator(),
            "generate",
            "--path",
            str(tmp_path / "schema.json"),
            "--config",
            str(tmp_path / "config.yml"),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "out" / PACKAGE),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # At most one warning: a binary download with two media types (a dashboard as XLSX or PDF) is
    # left to the caller. Any other warning is an operation a generated client could not call.
    skipped = {line for line in done.stdout.splitlines() if line.startswith("WARNING parsing")}
    assert skipped <= {"WARNING parsing GET /api/v1/contest-dashboards/{id}/summary/ within v1."}, done.stdout
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        package = importlib.import_module(PACKAGE)
        package.schema_version = schema.json()["info"]["version"]
        yield package
    finally:
        sys.path.remove(str(tmp_path / "out"))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


@pytest.fixture
def open_call(db):
    """A published contest, open now, asking one text answer and one PDF."""
    organiser = UserFactory()
    contest = ready_contest()
    FormFieldFactory(contest=contest, key="plan", field_type=FormField.Type.FILE, required=True)
    grant(contest, organiser)
    return services.publish_contest(contest, by=organiser)


def test_every_generated_operation_imports(generated):
    operations = [m.name for m in pkgutil.iter_modules(module("api.v1").__path__)]
    assert len(operations) > 100
    for name in operations:
        assert callable(module(f"api.v1.{name}").sync_detailed), name


def test_generated_client_drives_an_applicants_journey(generated, live_server, open_call):
    c = generated
    v1 = "api.v1."
    models = module("models")
    types = module("types")
    person = UserFactory(email="zaiavnyk@hromada.example.org")
    anonymous = c.Client(base_url=live_server.url, headers={"Accept-Language": "en"})

    # Sign in: the password buys a token.
    token = module(v1 + "v1_auth_token_create").sync_detailed(
        client=anonymous,
        body=models.TokenRequestRequest(email=person.email, password=PASSWORD, name="generated client"),
    )
    assert token.status_code == 200, token.content
    # Every answer names the API version; the client was generated for the same one.
    assert token.headers["API-Version"] == c.schema_version == "1.0.0"
    me = c.AuthenticatedClient(
        base_url=live_server.url, token=token.parsed.token, headers={"Accept-Language": "en"}
    )
    assert module(v1 + "v1_me_retrieve").sync(client=me).email == person.email

    # The open call, found in the list a client would browse.
    contests = module(v1 + "v1_contests_list").sync(client=me, state=models.V1ContestsListState("published"))
    assert [row.id for row in contests.results] == [open_call.pk]
    contest = module(v1 + "v1_contests_retrieve").sync(open_call.pk, client=me)
    assert contest.state == models.ContestStateEnum.PUBLISHED
    nomination = contest.nominations[0].id
    text_key = next(f.key for f in contest.form_fields if f.key != "plan")

    # The applicant registers the organisation they apply for.
    organisation = module(v1 + "v1_organisations_create").sync_detailed(
        client=me,
        body=models.OrganisationRequest(
            name="Публічна бібліотека громади Вигаданої",
            kind=models.OrganisationKindEnum("public_library"),
            region=models.RegionEnum(Region.POLTAVA.value),
            settlement="Село Вигадане",
            email=person.email,
        ),
    )
    assert organisation.status_code == 201, organisation.content

    application = module(v1 + "v1_applications_create").sync_detailed(
        client=me,
        body=models.ApplicationCreateRequest(
            organisation=organisation.parsed.id,
            contest=contest.id,
            nomination=nomination,
            title="Цифрова громада",
        ),
    )
    assert application.status_code == 201, application.content
    app_id = application.parsed.id
    assert application.parsed.state == models.ApplicationStateEnum.DRAFT

    # Not ready: the server says why, in the documented conflict body.
    refused = module(v1 + "v1_applications_submit_create").sync_detailed(app_id, client=me)
    assert refused.status_code == 409, refused.content
    assert refused.parsed.reasons

    answers = models.PatchedApplicationUpdateRequestAnswers.from_dict({text_key: "Відкриваємо простір."})
    saved = module(v1 + "v1_applications_partial_update").sync_detailed(
        app_id, client=me, body=models.PatchedApplicationUpdateRequest(answers=answers)
    )
    assert saved.status_code == 200, saved.content
    assert saved.parsed.answers[text_key] == "Відкриваємо простір."

    upload = module(v1 + "v1_applications_attachments_create").sync_detailed(
        app_id,
        client=me,
        body=models.AttachmentUploadRequest(
            field_key="plan",
            file=types.File(
                payload=io.BytesIO(b"%PDF-1.4\n%demo plan\n"),
                file_name="plan.pdf",
                mime_type="application/pdf",
            ),
        ),
    )
    assert upload.status_code == 201, upload.content
    assert upload.parsed.kind == "pdf"

    submitted = module(v1 + "v1_applications_submit_create").sync_detailed(
        app_id, client=me, body=models.SubmitInputRequest(note="Подаємо")
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.parsed.state == models.ApplicationStateEnum.SUBMITTED

    # Its status, read back.
    read = module(v1 + "v1_applications_retrieve").sync(app_id, client=me)
    assert read.state == models.ApplicationStateEnum.SUBMITTED
    assert read.number
    assert read.submitted_at <= timezone.now()
